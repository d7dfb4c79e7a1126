package main

import (
	"math/bits"
	"time"
)

// hist is a log-linear histogram in the spirit of HdrHistogram: values
// below 2^subBits are exact, above that each power-of-two range is split
// into 2^(subBits-1) buckets, bounding the relative error at 2^-(subBits-1)
// (< 1% here). Per-worker instances avoid any locking; merge at the end.
type hist struct {
	counts []uint64
	n      uint64
	max    int64
	sum    int64
}

const (
	subBits  = 8
	subCount = 1 << subBits
	half     = subCount / 2
)

func newHist() *hist {
	// 64-bit values need at most (64-subBits+1) ranges of half buckets each,
	// plus the exact range.
	return &hist{counts: make([]uint64, subCount+(64-subBits+1)*half)}
}

func bucketOf(v int64) int {
	if v < subCount {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	u := uint64(v)
	shift := bits.Len64(u) - subBits // >= 1
	// u>>shift lies in [half, subCount).
	return subCount + (shift-1)*half + int(u>>shift) - half
}

// bucketHigh is the largest value mapping to bucket b, so reported
// percentiles never understate latency.
func bucketHigh(b int) int64 {
	if b < subCount {
		return int64(b)
	}
	b -= subCount
	shift := b/half + 1
	top := uint64(b%half + half)
	return int64((top+1)<<shift - 1)
}

func (h *hist) record(d time.Duration) {
	v := int64(d)
	h.counts[bucketOf(v)]++
	h.n++
	h.sum += v
	if v > h.max {
		h.max = v
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// quantile returns the value at quantile q in [0,1], clamped to the exact max.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank > h.n {
		rank = h.n
	}
	var seen uint64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(bucketHigh(b), h.max))
		}
	}
	return time.Duration(h.max)
}

func (h *hist) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / int64(h.n))
}
