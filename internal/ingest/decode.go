package ingest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Limits bound what one request may carry.
type Limits struct {
	MaxEventBytes int // default 32 KiB, as Segment
	MaxBatchBytes int // default 500 KiB, as Segment
	MaxIDBytes    int // longest userId, anonymousId, messageId, ... (default 1 KiB)
}

func (l Limits) withDefaults() Limits {
	if l.MaxEventBytes <= 0 {
		l.MaxEventBytes = 32 << 10
	}
	if l.MaxBatchBytes <= 0 {
		l.MaxBatchBytes = 500 << 10
	}
	if l.MaxIDBytes <= 0 {
		l.MaxIDBytes = 1 << 10
	}
	return l
}

// Event is one accepted event, normalised.
type Event struct {
	Type        string
	MessageID   string
	UserID      string
	AnonymousID string
	Body        []byte // the event as stored: the sender's JSON plus server fields
}

// Rejected is one event that failed validation, kept for the quarantine.
type Rejected struct {
	EventError
	Raw []byte
}

// Decoded is the result of decoding one request.
type Decoded struct {
	WriteKey string // from the body, when sent there
	Events   []Event
	Rejected []Rejected
}

// eventTypes maps a Segment call type to whether it is known.
var eventTypes = map[string]bool{"identify": true, "track": true, "page": true, "screen": true, "group": true, "alias": true}

// member is one name/value pair of an event object, as byte ranges of the body.
type member struct {
	name  string // unquoted, only for the names Rivet interprets
	key   []byte // quoted name as sent
	value []byte
}

// rawEvent is an event object split into members, before validation.
type rawEvent struct {
	raw    []byte
	lo, hi int    // the event's members are decoder.slab[lo:hi]
	err    *Error // a problem found while splitting (kept per event)
}

// known names whose values Rivet reads; every other member is copied as sent.
// The map interns them: looking up string(bytes) does not allocate.
var knownNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"type", "messageId", "userId", "anonymousId", "previousId", "groupId", "event", "name",
		"timestamp", "originalTimestamp", "sentAt", "receivedAt", "writeKey", "traits", "properties", "context", "integrations", "batch"} {
		m[n] = n
	}
	return m
}()

var decodeOpts = []jsontext.Options{jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)}

type decoder struct {
	slab []member // members of every event of the body, in order
	body []byte
	buf  bytes.Buffer
	dec  *jsontext.Decoder
}

func newDecoder(body []byte) *decoder {
	d := &decoder{body: body, slab: make([]member, 0, len(body)/48+8)}
	d.buf = *bytes.NewBuffer(body)
	d.dec = jsontext.NewDecoder(&d.buf, decodeOpts...)
	return d
}

// value reads the next value and returns it as a slice of the body, so that it
// outlives the decoder's internal buffer.
func (d *decoder) value() ([]byte, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	end := int(d.dec.InputOffset())
	return d.body[end-len(v) : end], nil
}

func malformed(err error) *Error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return errorf(CodeMalformedJSON, "malformed JSON at byte %d", se.ByteOffset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errorf(CodeMalformedJSON, "malformed JSON: unexpected end of input")
	}
	return errorf(CodeMalformedJSON, "malformed JSON")
}

// readObject reads one JSON object member by member.
func (d *decoder) readObject(maxBytes int) (rawEvent, error) {
	var ev rawEvent
	start := int(d.dec.InputOffset())
	if k := d.dec.PeekKind(); k != '{' {
		v, err := d.value()
		if err != nil {
			return ev, err
		}
		ev.raw = v
		ev.err = errorf(CodeInvalidType, "an event must be a JSON object, not %s", kindName(v))
		return ev, nil
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return ev, err
	}
	ev.lo = len(d.slab)
	for d.dec.PeekKind() != '}' {
		key, err := d.value()
		if err != nil {
			return ev, err
		}
		val, err := d.value()
		if err != nil {
			return ev, err
		}
		d.slab = append(d.slab, member{name: knownName(key), key: key, value: val})
	}
	ev.hi = len(d.slab)
	if _, err := d.dec.ReadToken(); err != nil {
		return ev, err
	}
	end := int(d.dec.InputOffset())
	ev.raw = bytes.TrimLeft(d.body[start:end], " \t\r\n,")
	switch {
	case len(ev.raw) > maxBytes:
		ev.err = errorf(CodeEventTooLarge, "event is %d bytes; the limit is %d", len(ev.raw), maxBytes)
	case !utf8.Valid(ev.raw):
		ev.err = errorf(CodeInvalidUTF8, "event contains invalid UTF-8")
	}
	return ev, nil
}

// knownName returns the interned name Rivet interprets, or "" for any other member.
func knownName(key []byte) string {
	if len(key) < 2 {
		return ""
	}
	if bytes.IndexByte(key, '\\') < 0 {
		return knownNames[string(key[1:len(key)-1])]
	}
	s, err := jsontext.AppendUnquote(nil, key)
	if err != nil {
		return ""
	}
	return knownNames[string(s)]
}

func kindName(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// DecodeBatch decodes a /v1/batch body: {"batch":[...], "sentAt", "context", "integrations", "writeKey"}.
func DecodeBatch(body []byte, now time.Time, lim Limits) (*Decoded, *Error) {
	lim = lim.withDefaults()
	if len(body) > lim.MaxBatchBytes {
		return nil, errorf(CodeBatchTooLarge, "batch is %d bytes; the limit is %d", len(body), lim.MaxBatchBytes)
	}
	d := newDecoder(body)
	if d.dec.PeekKind() != '{' {
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, malformed(err)
		}
		return nil, errorf(CodeInvalidBatch, "the body must be a JSON object with a \"batch\" array")
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, malformed(err)
	}
	var events []rawEvent
	var sawBatch bool
	var top []member
	for d.dec.PeekKind() != '}' {
		key, err := d.value()
		if err != nil {
			return nil, malformed(err)
		}
		name := knownName(key)
		if name != "batch" {
			val, err := d.value()
			if err != nil {
				return nil, malformed(err)
			}
			top = append(top, member{name: name, key: key, value: val})
			continue
		}
		sawBatch = true
		if d.dec.PeekKind() != '[' {
			if _, err := d.value(); err != nil {
				return nil, malformed(err)
			}
			return nil, errorf(CodeInvalidBatch, "\"batch\" must be an array of events")
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, malformed(err)
		}
		for d.dec.PeekKind() != ']' {
			ev, err := d.readObject(lim.MaxEventBytes)
			if err != nil {
				return nil, malformed(err)
			}
			events = append(events, ev)
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, malformed(err)
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, malformed(err)
	}
	if _, err := d.dec.ReadToken(); err != io.EOF {
		return nil, errorf(CodeMalformedJSON, "unexpected data after the JSON object")
	}
	if !sawBatch {
		return nil, errorf(CodeInvalidBatch, "the body has no \"batch\" array")
	}
	if len(events) == 0 {
		return nil, errorf(CodeEmptyBatch, "the batch holds no events")
	}
	shared := sharedFields{}
	for _, m := range top {
		switch m.name {
		case "writeKey":
			shared.writeKey = stringValue(m.value)
		case "sentAt":
			if t, ok := parseTime(m.value); ok {
				shared.sentAt = t
			}
		case "context":
			if m.value[0] == '{' {
				shared.context = m.value
			}
		case "integrations":
			if m.value[0] == '{' {
				shared.integrations = m.value
			}
		}
	}
	out := &Decoded{WriteKey: shared.writeKey, Events: make([]Event, 0, len(events))}
	n := normaliser{now: now, lim: lim, shared: shared}
	for i := range events {
		ev, err := n.normalise(&events[i], d.slab[events[i].lo:events[i].hi], "")
		if err != nil {
			out.Rejected = append(out.Rejected, Rejected{EventError: EventError{Index: i, Code: err.Code, Message: err.Message}, Raw: bytes.Clone(events[i].raw)})
			continue
		}
		if out.WriteKey == "" {
			out.WriteKey = n.writeKey
		}
		out.Events = append(out.Events, ev)
	}
	return out, nil
}

// DecodeSingle decodes the body of /v1/identify, /v1/track, ... (typ is the call type).
func DecodeSingle(typ string, body []byte, now time.Time, lim Limits) (*Decoded, *Error) {
	lim = lim.withDefaults()
	if len(body) > lim.MaxEventBytes {
		return nil, errorf(CodeEventTooLarge, "event is %d bytes; the limit is %d", len(body), lim.MaxEventBytes)
	}
	d := newDecoder(body)
	ev, err := d.readObject(lim.MaxEventBytes)
	if err != nil {
		return nil, malformed(err)
	}
	if _, err := d.dec.ReadToken(); err != io.EOF {
		return nil, errorf(CodeMalformedJSON, "unexpected data after the JSON object")
	}
	n := normaliser{now: now, lim: lim}
	e, verr := n.normalise(&ev, d.slab[ev.lo:ev.hi], typ)
	out := &Decoded{WriteKey: n.writeKey}
	if verr != nil {
		out.Rejected = []Rejected{{EventError: EventError{Index: 0, Code: verr.Code, Message: verr.Message}, Raw: bytes.Clone(ev.raw)}}
		return out, nil
	}
	out.Events = []Event{e}
	return out, nil
}

type sharedFields struct {
	writeKey     string
	sentAt       time.Time
	context      []byte
	integrations []byte
}

// stringValue returns the string a JSON string literal holds, or "".
func stringValue(v []byte) string {
	if len(v) < 2 || v[0] != '"' {
		return ""
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	s, err := jsontext.AppendUnquote(nil, v)
	if err != nil {
		return ""
	}
	return string(s)
}

// idValue reads an identifier that may be sent as a string or a number.
func idValue(field string, v []byte, max int) (string, *Error) {
	var s string
	switch {
	case v[0] == '"':
		s = stringValue(v)
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		s = string(v)
	case v[0] == 'n':
		return "", nil
	default:
		return "", errorf(CodeInvalidType, "%s must be a string or a number, not %s", field, kindName(v))
	}
	if len(s) > max {
		return "", errorf(CodeFieldTooLong, "%s is %d bytes; the limit is %d", field, len(s), max)
	}
	return s, nil
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseTime reads an ISO-8601 timestamp; times without a zone are UTC.
func parseTime(v []byte) (time.Time, bool) {
	s := stringValue(v)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// newMessageID returns a random UUID v4, the form Segment's libraries use.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexdig = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdig[c>>4], hexdig[c&0xf])
	}
	return string(out)
}

func quote(dst []byte, s string) []byte {
	out, err := jsontext.AppendQuote(dst, s)
	if err != nil {
		// Inputs were checked for valid UTF-8 before; never fail on a stray byte.
		out, _ = jsontext.AppendQuote(dst, strings.ToValidUTF8(s, "\uFFFD"))
	}
	return out
}
