package llog_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

// BenchmarkProof measures proofs in a store of LLOG_BENCH_RECORDS records
// (default 1,000,000, small ones: the tree does not depend on their size):
// an inclusion proof of a random record and a consistency proof between
// two of its checkpoints, from the index, and once an inclusion proof
// without the index (read from the segments). It reports the median time
// of each as ms/proof metrics, and the index's Merkle data per record.
func BenchmarkProof(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("LLOG_BENCH_RECORDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := filepath.Join(b.TempDir(), "store")
	var cks checkpointLog
	signer, _ := testKey(b, "bench")
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, Signer: signer, OnCheckpoint: cks.add, MaxBatchRecords: 512})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	in := llog.Inference{Model: "phi-3-mini", Prompt: "what is the capital of France?", Response: "Paris.", TokensIn: 9, TokensOut: 2}
	for i := range n {
		in.Latency = time.Duration(i)
		if err := e.Log(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	all := cks.all()
	newest := all[len(all)-1]
	r, err := llog.OpenReader(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	rng := rand.New(rand.NewPCG(1, 2))

	b.Run("inclusion-index", func(b *testing.B) {
		var times []time.Duration
		for b.Loop() {
			seq := 1 + rng.Uint64N(newest.Size)
			t0 := time.Now()
			if _, ok := llog.ProveIndexed(r, seq, newest); !ok {
				b.Fatalf("seq %d: no proof from the index", seq)
			}
			times = append(times, time.Since(t0))
		}
		reportMedian(b, times)
	})
	b.Run("consistency-index", func(b *testing.B) {
		var times []time.Duration
		for b.Loop() {
			old := all[rng.IntN(len(all))]
			t0 := time.Now()
			if _, err := r.ProveConsistency(ctx, old, newest); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		reportMedian(b, times)
	})
	b.Run("inclusion-segments", func(b *testing.B) {
		for _, name := range []string{"index.db", "index.snap"} {
			os.Rename(filepath.Join(dir, name), filepath.Join(dir, name+".away"))
			defer os.Rename(filepath.Join(dir, name+".away"), filepath.Join(dir, name))
		}
		var times []time.Duration
		for b.Loop() {
			t0 := time.Now()
			if _, err := r.Prove(ctx, 1+rng.Uint64N(newest.Size), newest); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		reportMedian(b, times)
	})
}

func reportMedian(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms/proof")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-ms/proof")
}
