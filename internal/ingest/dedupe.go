package ingest

import (
	"github.com/bits-and-blooms/bloom/v3"
)

// dedupeFilter answers "certainly never seen" for most message ids without
// touching the store. It holds one Bloom filter per dedupe bucket still in the
// window (the current and the previous one), like the store's dd/ keys.
// A "maybe" falls through to the exact check (pending map, then the store), so
// false positives cost a lookup, never correctness. Only the pipeline's writer
// goroutine (and Recover, before it starts) uses it.
type dedupeFilter struct {
	cur, prev *bloom.BloomFilter
	bucket    uint32 // bucket of cur
	started   bool
}

// newDedupeFilter sizes each bucket's filter for keys entries at 1% false
// positives. Memory is fixed up front: about 1.2 bytes per key per bucket.
func newDedupeFilter(keys uint) *dedupeFilter {
	return &dedupeFilter{cur: bloom.NewWithEstimates(keys, 0.01), prev: bloom.NewWithEstimates(keys, 0.01)}
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

func (f *dedupeFilter) add(bucket uint32, key []byte) {
	switch bucket {
	case f.bucket:
		f.cur.Add(key)
	case f.bucket - 1:
		f.prev.Add(key)
	}
}

func (f *dedupeFilter) mayContain(key []byte) bool {
	return f.cur.Test(key) || f.prev.Test(key)
}
