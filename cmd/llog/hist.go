package main

import (
	"math"
	"math/bits"
)

// histogram counts non-negative values (nanoseconds) in log-linear buckets
// of fixed size, so percentiles of any number of values take constant
// memory. Values below 2^subBits each have their own bucket; above, every
// power of two [2^e, 2^(e+1)) is split into 2^subBits equal buckets, so a
// bucket's width is at most 1/2^subBits of its lower bound. A percentile is
// reported as the midpoint of its bucket (clamped to the smallest and
// largest value seen), which is within 1/2^(subBits+1) (1.6%) of the
// exact nearest-rank percentile.
type histogram struct {
	counts   [histBuckets]uint64
	n        uint64
	min, max uint64
	sum      float64
}

const (
	subBits     = 5
	subBuckets  = 1 << subBits
	histBuckets = subBuckets + (64-subBits)*subBuckets
)

// bucket returns the bucket of v.
func bucket(v uint64) int {
	if v < subBuckets {
		return int(v)
	}
	e := bits.Len64(v) - 1 // 2^e <= v < 2^(e+1), e >= subBits
	sub := int(v>>(e-subBits)) - subBuckets
	return subBuckets + (e-subBits)*subBuckets + sub
}

// bounds returns the smallest value of bucket i and the bucket's width.
func bounds(i int) (lo, width uint64) {
	if i < subBuckets {
		return uint64(i), 1
	}
	e := (i-subBuckets)/subBuckets + subBits
	sub := uint64((i - subBuckets) % subBuckets)
	return (subBuckets + sub) << (e - subBits), 1 << (e - subBits)
}

func (h *histogram) add(v uint64) {
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
	h.counts[bucket(v)]++
}

// quantile returns an estimate of the nearest-rank q-quantile (0 < q <= 1),
// or 0 when the histogram is empty.
func (h *histogram) quantile(q float64) uint64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			lo, w := bounds(i)
			v := lo + w/2
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}

// mean returns the mean of the values, or 0 when there are none.
func (h *histogram) mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / float64(h.n)
}
