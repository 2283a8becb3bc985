package llog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
)

// benchRecords is the size of the store the query and rebuild benchmarks
// use: LLOG_BENCH_RECORDS, default one million.
func benchRecords() int {
	if n, err := strconv.Atoi(os.Getenv("LLOG_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// bigStore returns a store of benchRecords() records of about 300 bytes over
// five models, built once and kept in the temporary directory between runs
// (delete $TMPDIR/llog-bench-* to rebuild it).
func bigStore(b *testing.B) string {
	b.Helper()
	n := benchRecords()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("llog-bench-%d-v1", n))
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	start := time.Now()
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true})
	if err != nil {
		b.Fatal(err)
	}
	g := gen.New(7)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		s := g.Next(300)
		in := llog.Inference{Model: models[i%5], Prompt: s.Prompt, Response: s.Response,
			Latency: s.Latency, TokensIn: s.TokensIn, TokensOut: s.TokensOut, Time: t0.Add(time.Duration(i) * time.Second)}
		if err := e.Log(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(done, nil, 0o600)
	b.Logf("built a %d-record store in %v", n, time.Since(start))
	return dir
}

// BenchmarkQueryFirstRecord measures how long an indexed query takes to
// return its first record on the big store.
func BenchmarkQueryFirstRecord(b *testing.B) {
	dir := bigStore(b)
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	n := uint64(benchRecords())
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, f := range map[string]llog.Filter{
		"model":              {Models: []string{models[3]}},
		"model-reverse":      {Models: []string{models[3]}, Reverse: true},
		"model-after-middle": {Models: []string{models[3]}, AfterSeq: n / 2},
		"time-range":         {Since: t0.Add(time.Duration(n/3) * time.Second), Until: t0.Add(time.Duration(n/3+60) * time.Second)},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				found := false
				for _, err := range e.Query(ctx, f) {
					if err != nil {
						b.Fatal(err)
					}
					found = true
					break
				}
				if !found {
					b.Fatal("no record")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/first-record")
		})
	}
}

// BenchmarkQueryStream measures how fast an indexed model query streams
// records (one model in five of the big store).
func BenchmarkQueryStream(b *testing.B) {
	dir := bigStore(b)
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	total := 0
	for b.Loop() {
		for _, err := range e.Query(ctx, llog.Filter{Models: []string{models[1]}}) {
			if err != nil {
				b.Fatal(err)
			}
			total++
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkIndexRebuild measures Open when index.db is gone: a full
// rebuild from the segments of the big store.
func BenchmarkIndexRebuild(b *testing.B) {
	dir := bigStore(b)
	for b.Loop() {
		os.Remove(filepath.Join(dir, "index.db"))
		var rebuilt uint64
		e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, OnEvent: func(ev llog.Event) {
			if ev.Kind == llog.EventIndexCaughtUp {
				rebuilt = ev.Records
			}
		}})
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
		if rebuilt != uint64(benchRecords()) {
			b.Fatalf("rebuilt %d records", rebuilt)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/rebuild")
}

// BenchmarkIndexWrites logs records with the default checkpoint threshold
// and reports what the index wrote per million records (the flash-wear
// figure): bbolt's page writes, and the whole process's device writes from
// /proc/self/io with the index on and off.
func BenchmarkIndexWrites(b *testing.B) {
	g := gen.New(3)
	infs := make([]llog.Inference, 4096)
	for i := range infs {
		s := g.Next(1024)
		infs[i] = llog.Inference{Model: s.Model, Prompt: s.Prompt, Response: s.Response, TokensIn: 1, TokensOut: 1}
	}
	for _, off := range []bool{false, true} {
		name := "index"
		if off {
			name = "no-index"
		}
		b.Run(name, func(b *testing.B) {
			e, err := llog.Open(b.TempDir(), &llog.Options{DisableRedaction: true, DisableIndex: off})
			if err != nil {
				b.Fatal(err)
			}
			before := writeBytes()
			for i := 0; b.Loop(); i++ {
				e.Log(ctx, infs[i%len(infs)])
			}
			st := e.Stats()
			if err := e.Close(); err != nil {
				b.Fatal(err)
			}
			dev := writeBytes() - before
			perM := 1e6 / float64(b.N)
			if !off { // checkpoints before Close; Close adds one more
				b.ReportMetric(float64(st.Index.PagesWritten*int64(st.Index.PageSize))*perM/1e6, "index-MB/Mrec")
			}
			b.ReportMetric(float64(dev)*perM/1e6, "device-MB/Mrec")
		})
	}
}

// writeBytes returns this process's bytes written to storage so far.
func writeBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	var v int64
	for _, line := range strings.Split(string(b), "\n") {
		if n, err := fmt.Sscanf(line, "write_bytes: %d", &v); n == 1 && err == nil {
			return v
		}
	}
	return 0
}
