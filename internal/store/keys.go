package store

import (
	"crypto/sha256"
	"encoding/binary"
)

// Key layout of the embedded store. Every key Rivet writes is built here.
//
//	meta/<name>                          store metadata (e.g. meta/indexed: log offset indexed so far)
//	ws/<wsID>                            workspace JSON
//	wsn/<name>                           workspace name -> wsID
//	src/<srcID>                          source JSON
//	srcn/<wsID>\x00<name>                source name -> srcID
//	key/<sha256 of secret>               API key JSON (secrets are never stored)
//	kid/<keyID>                          key id -> sha256 (for revocation by id)
//	dd/<bucket u32><srcID>\x00<h16>      dedupe: receivedAt u64 | offset u64; h16 = SHA-256(msgID)[:16]
//	xs/<srcID>\x00<offset u64>           events of a source: the first offset of an indexing round; the
//	                                     value holds the round's later offsets (uvarint deltas)
//	xq/<srcID>\x00<offset u64>           quarantined input of a source, by log offset
//	xi/<wsID>\x00<type><len><id><offset> events of an identifier (type 'u' userId, 'a' anonymousId)
//
// Offsets and buckets are big-endian so that byte order is numeric order:
// iterating a prefix backwards lists newest first.
var (
	PrefixWorkspace     = []byte("ws/")
	PrefixWorkspaceName = []byte("wsn/")
	PrefixSource        = []byte("src/")
	PrefixSourceName    = []byte("srcn/")
	PrefixKey           = []byte("key/")
	PrefixKeyID         = []byte("kid/")
	PrefixDedupe        = []byte("dd/")
	PrefixSourceEvents  = []byte("xs/")
	PrefixQuarantine    = []byte("xq/")
	PrefixIdentEvents   = []byte("xi/")
	KeyIndexed          = []byte("meta/indexed")
	KeyPartitions       = []byte("meta/partitions")
)

func join(prefix []byte, parts ...string) []byte {
	n := len(prefix)
	for _, p := range parts {
		n += len(p) + 1
	}
	k := make([]byte, 0, n)
	k = append(k, prefix...)
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}

func WorkspaceKey(id string) []byte          { return join(PrefixWorkspace, id) }
func WorkspaceNameKey(name string) []byte    { return join(PrefixWorkspaceName, name) }
func SourceKey(id string) []byte             { return join(PrefixSource, id) }
func SourceNameKey(wsID, name string) []byte { return join(PrefixSourceName, wsID, name) }
func APIKeyKey(hash string) []byte           { return join(PrefixKey, hash) }
func APIKeyIDKey(id string) []byte           { return join(PrefixKeyID, id) }

// SourceEventsPrefix, QuarantinePrefix and IdentEventsPrefix are the prefixes
// of the offset-suffixed index keys; OffsetKey completes any of them.
func SourceEventsPrefix(srcID string) []byte { return appendSourceEventsPrefix(nil, srcID) }
func QuarantinePrefix(srcID string) []byte   { return appendQuarantinePrefix(nil, srcID) }
func IdentEventsPrefix(wsID string, typ byte, id string) []byte {
	return appendIdentEventsPrefix(nil, wsID, typ, id)
}

func appendSourceEventsPrefix(dst []byte, srcID string) []byte {
	return append(append(append(dst, PrefixSourceEvents...), srcID...), 0)
}

func appendQuarantinePrefix(dst []byte, srcID string) []byte {
	return append(append(append(dst, PrefixQuarantine...), srcID...), 0)
}

func appendIdentEventsPrefix(dst []byte, wsID string, typ byte, id string) []byte {
	dst = append(append(append(dst, PrefixIdentEvents...), wsID...), 0, typ)
	dst = binary.AppendUvarint(dst, uint64(len(id)))
	return append(dst, id...)
}

// OffsetKey appends a big-endian offset to a copy of an index prefix.
func OffsetKey(prefix []byte, off int64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), uint64(off))
}

// AppendSourceEventKey appends the by-source index key of the round starting at off to dst.
func AppendSourceEventKey(dst []byte, srcID string, off int64) []byte {
	return binary.BigEndian.AppendUint64(appendSourceEventsPrefix(dst, srcID), uint64(off))
}

// AppendQuarantineKey appends the quarantine index key of the record at off to dst.
func AppendQuarantineKey(dst []byte, srcID string, off int64) []byte {
	return binary.BigEndian.AppendUint64(appendQuarantinePrefix(dst, srcID), uint64(off))
}

// AppendIdentEventKey appends the identifier index key of the event at off to dst.
func AppendIdentEventKey(dst []byte, wsID string, typ byte, id string, off int64) []byte {
	return binary.BigEndian.AppendUint64(appendIdentEventsPrefix(dst, wsID, typ, id), uint64(off))
}

// DedupeKey is the dedupe entry, in a time bucket, of a message whose
// DedupeID is id.
func DedupeKey(dst []byte, bucket uint32, id string) []byte {
	dst = append(dst, PrefixDedupe...)
	dst = binary.BigEndian.AppendUint32(dst, bucket)
	return append(dst, id...)
}

// DedupeID appends the source and a 128-bit digest of the message id: keys stay
// short whatever ids senders choose (compaction cost grows with key bytes),
// the ids themselves are not kept twice, and a collision is as likely as
// guessing a random 128-bit value.
func DedupeID(dst []byte, srcID, msgID string) []byte {
	dst = append(dst, srcID...)
	dst = append(dst, 0)
	h := sha256.Sum256([]byte(msgID))
	return append(dst, h[:16]...)
}

// DedupeBucketPrefix is the first key of a dedupe bucket.
func DedupeBucketPrefix(bucket uint32) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(nil), PrefixDedupe...), bucket)
}

// OffsetSuffix reads the trailing big-endian offset of an index key.
func OffsetSuffix(key []byte) int64 {
	if len(key) < 8 {
		return -1
	}
	return int64(binary.BigEndian.Uint64(key[len(key)-8:]))
}
