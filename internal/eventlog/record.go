package eventlog

import (
	"encoding/binary"
	"errors"
)

// Kind says what a record holds.
type Kind uint8

const (
	KindEvent      Kind = 1 // an accepted event (normalised Segment JSON)
	KindQuarantine Kind = 2 // rejected input kept for inspection (JSON: code, message, raw)
)

const recordVersion = 1

// Record is one entry of the log. The identifiers are copied out of Body into
// the header so that consumers (dedupe rebuild, indexes, partition readers)
// need not parse JSON.
type Record struct {
	Kind        Kind
	Partition   uint16
	ReceivedAt  int64 // unix nanoseconds, set by the server
	Workspace   string
	Source      string
	MessageID   string
	UserID      string
	AnonymousID string
	Body        []byte
}

var errBadRecord = errors.New("eventlog: malformed record")

// AppendEncode appends the binary form of r to dst.
func (r *Record) AppendEncode(dst []byte) []byte {
	dst = append(dst, recordVersion, byte(r.Kind))
	dst = binary.BigEndian.AppendUint16(dst, r.Partition)
	dst = binary.BigEndian.AppendUint64(dst, uint64(r.ReceivedAt))
	for _, s := range [...]string{r.Workspace, r.Source, r.MessageID, r.UserID, r.AnonymousID} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return append(dst, r.Body...)
}

// Decode parses a payload written by AppendEncode. Body aliases p.
func Decode(p []byte) (Record, error) {
	var r Record
	if len(p) < 12 || p[0] != recordVersion {
		return r, errBadRecord
	}
	r.Kind = Kind(p[1])
	r.Partition = binary.BigEndian.Uint16(p[2:4])
	r.ReceivedAt = int64(binary.BigEndian.Uint64(p[4:12]))
	p = p[12:]
	fields := [...]*string{&r.Workspace, &r.Source, &r.MessageID, &r.UserID, &r.AnonymousID}
	for _, f := range fields {
		n, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < n {
			return r, errBadRecord
		}
		*f = string(p[k : k+int(n)])
		p = p[k+int(n):]
	}
	r.Body = p
	return r, nil
}
