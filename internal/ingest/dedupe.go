package ingest

import (
	"encoding/binary"
	"hash/maphash"
	"math"

	"github.com/bits-and-blooms/bitset"
)

// dedupeFilter answers "certainly never seen" for most message ids without
// touching the store. It holds one Bloom filter per dedupe bucket still in the
// window (the current and the previous one), like the store's dd/ keys.
// A "maybe" falls through to the exact check (pending map, then the store), so
// false positives cost a lookup, never correctness. Only the pipeline's writer
// goroutine (and Recover, before it starts) uses it.
//
// Keys are filterKeys: the source and a SHA-256 digest of the message id, so
// the bit positions come from the digest (double hashing, Kirsch–Mitzenmacher)
// plus one fast hash of the whole key, with no further hashing per probe. The
// filter is rebuilt at every start, so a per-process seed is fine.
type dedupeFilter struct {
	cur, prev *bitset.BitSet
	m         uint64 // bits per filter
	k         uint64 // probes per key
	seed      maphash.Seed
	bucket    uint32 // bucket of cur
	started   bool
}

// newDedupeFilter sizes each bucket's filter for keys entries at 1% false
// positives: about 1.2 bytes per key per bucket, allocated up front.
func newDedupeFilter(keys uint) *dedupeFilter {
	m := uint64(math.Ceil(float64(keys) * 9.585)) // -ln(0.01) / ln(2)^2
	m = (m + 63) &^ 63
	return &dedupeFilter{cur: bitset.New(uint(m)), prev: bitset.New(uint(m)), m: m, k: 7, seed: maphash.MakeSeed()}
}

// advance makes bucket the current one, reusing the memory of the filter that
// leaves the window.
func (f *dedupeFilter) advance(bucket uint32) {
	switch {
	case !f.started:
		f.bucket, f.started = bucket, true
	case bucket == f.bucket+1:
		f.prev.ClearAll()
		f.cur, f.prev = f.prev, f.cur
		f.bucket = bucket
	case bucket > f.bucket+1:
		f.cur.ClearAll()
		f.prev.ClearAll()
		f.bucket = bucket
	}
}

func (f *dedupeFilter) hashes(key []byte) (uint64, uint64) {
	h1 := maphash.Bytes(f.seed, key)
	var h2 uint64
	if len(key) >= 8 {
		h2 = binary.LittleEndian.Uint64(key[len(key)-8:])
	}
	return h1, h2 | 1
}

func (f *dedupeFilter) add(bucket uint32, key []byte) {
	var bs *bitset.BitSet
	switch bucket {
	case f.bucket:
		bs = f.cur
	case f.bucket - 1:
		bs = f.prev
	default:
		return
	}
	h1, h2 := f.hashes(key)
	for i := uint64(0); i < f.k; i++ {
		bs.Set(uint((h1 + i*h2) % f.m))
	}
}

func (f *dedupeFilter) mayContain(key []byte) bool {
	h1, h2 := f.hashes(key)
	return f.test(f.cur, h1, h2) || f.test(f.prev, h1, h2)
}

func (f *dedupeFilter) test(bs *bitset.BitSet, h1, h2 uint64) bool {
	for i := uint64(0); i < f.k; i++ {
		if !bs.Test(uint((h1 + i*h2) % f.m)) {
			return false
		}
	}
	return true
}
