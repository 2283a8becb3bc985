package llog_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/crc32"
	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
)

// samples returns n generated inferences of about size bytes each.
func samples(n, size int) []llog.Inference {
	g := gen.New(1)
	out := make([]llog.Inference, n)
	for i := range out {
		s := g.Next(size)
		out[i] = llog.Inference{Model: s.Model, Provider: s.Provider, Operation: s.Operation,
			Prompt: s.Prompt, Response: s.Response, Latency: s.Latency,
			TokensIn: s.TokensIn, TokensOut: s.TokensOut, ConversationID: s.ConversationID}
	}
	return out
}

// plainLoop is the reference for durable ingest: frame each record with
// length + CRC32-C, chain it with SHA-256, append, one fdatasync per batch.
// It is the ceiling for this design on a given disk.
func plainLoop(b *testing.B, path string, recs [][]byte, n, batch int) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	tab := crc32.MakeTable(crc32.Castagnoli)
	buf := make([]byte, 0, 2<<20)
	var prev [32]byte
	var off int64
	for i := 0; i < n; {
		buf = buf[:0]
		for j := 0; j < batch && i < n; j, i = j+1, i+1 {
			rec := recs[i%len(recs)]
			h := sha256.New()
			h.Write(prev[:])
			h.Write(binary.BigEndian.AppendUint64(nil, uint64(i)))
			h.Write(rec)
			h.Sum(prev[:0])
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(rec)+32))
			buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(rec, tab))
			buf = append(buf, prev[:]...)
			buf = append(buf, rec...)
		}
		if _, err := f.WriteAt(buf, off); err != nil {
			b.Fatal(err)
		}
		off += int64(len(buf))
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngest measures durable ingest of 1 KiB records in batches of
// 512: llog through Log + Flush (redaction off, index off, redaction on,
// checkpoints signed with an Ed25519 key, checkpoints off) against the
// plain loop on the same disk. Compare the records/s metrics; written/payload
// is the bytes llog appended to segments per byte of prompt and response.
func BenchmarkIngest(b *testing.B) {
	const size, batch = 1024, 512
	infs := samples(4096, size)
	raw := make([][]byte, len(infs))
	for i, inf := range infs {
		raw[i] = []byte(inf.Prompt + inf.Response)
	}
	b.Run("plain", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "plain.log")
		b.SetBytes(size)
		b.ResetTimer()
		plainLoop(b, path, raw, b.N, batch)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	payload := 0
	for _, r := range raw {
		payload += len(r)
	}
	signer, _ := testKey(b, "bench")
	for _, v := range []struct {
		name                            string
		redact, offIndex, signed, noCks bool
	}{
		{"llog", false, false, false, false},
		{"llog-noindex", false, true, false, false},
		{"llog-redact", true, false, false, false},
		{"llog-signed", false, false, true, false},
		{"llog-nocheckpoints", false, false, false, true},
	} {
		b.Run(v.name, func(b *testing.B) {
			o := &llog.Options{DisableRedaction: !v.redact, DisableIndex: v.offIndex, MaxBatchRecords: batch}
			if v.signed {
				o.Signer = signer
			}
			if v.noCks {
				o = llog.WithoutCheckpoints(o)
			}
			e, err := llog.Open(b.TempDir(), o)
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			ctx := context.Background()
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := e.Log(ctx, infs[i%len(infs)]); err != nil {
					b.Fatal(err)
				}
			}
			if err := e.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			st := e.Stats()
			b.ReportMetric(float64(st.Committed)/float64(st.Batches), "records/batch")
			b.ReportMetric(float64(st.BytesWritten)/(float64(b.N)*float64(payload)/float64(len(raw))), "written/payload")
			b.ReportMetric(float64(st.BytesWritten)/float64(b.N), "written-bytes/record")
			if st.Index.PageSize > 0 {
				b.ReportMetric(float64(st.Index.PagesWritten*int64(st.Index.PageSize))/float64(b.N), "index-bytes/record")
			}
		})
	}
}

// BenchmarkLogLatency measures the latency of Log below saturation: bursts
// of 64 records every 2ms (32,000 records/s of 1 KiB, well under what the
// disk takes), reporting the median and the 99th percentile of the calls.
func BenchmarkLogLatency(b *testing.B) {
	infs := samples(4096, 1024)
	for _, redact := range []bool{false, true} {
		name := "redaction-off"
		if redact {
			name = "redaction-on"
		}
		b.Run(name, func(b *testing.B) {
			e, err := llog.Open(b.TempDir(), &llog.Options{DisableRedaction: !redact})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			lat := make([]time.Duration, 0, b.N)
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for i := 0; b.Loop(); i++ {
				if i%64 == 0 {
					<-tick.C
				}
				t0 := time.Now()
				if err := e.Log(ctx, infs[i%len(infs)]); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1000, "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1000, "p99-µs")
			if st := e.Stats(); st.Dropped.Total() != 0 {
				b.Fatalf("drops below saturation: %+v", st.Dropped)
			}
		})
	}
}

// BenchmarkCheckpointCost measures what checkpoints cost at the default
// cadence (CheckpointEvery, CheckpointDelay), with redaction off (the
// harshest case: checkpoints are the largest share of the work) and on
// (the default options, as users run them). Each round ingests
// LLOG_BENCH_RECORDS (default 200,000) 1 KiB records (Log, then Flush)
// with checkpoints signed by an Ed25519 key and again with
// WithoutCheckpoints, in one process so that both see the same machine,
// alternating which goes first; each store is removed after its run. It
// reports the median over rounds of the per-round ratios with/without of
// records/s and of process CPU time per record (1 is free) with their
// ranges, each configuration's median CPU time per record, and the bytes
// checkpoints add per record. Run enough rounds for a median:
//
//	go test -run '^$' -bench BenchmarkCheckpointCost -benchtime 9x .
func BenchmarkCheckpointCost(b *testing.B) {
	const size = 1024
	n := 200000
	if s := os.Getenv("LLOG_BENCH_RECORDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("LLOG_BENCH_RECORDS=%q: want a positive number of records", s)
		}
	}
	infs := samples(4096, size)
	signer, _ := testKey(b, "bench")
	type result struct {
		rate, cpu float64 // records/s, CPU ns per record
		bytes     uint64
	}
	run := func(b *testing.B, redact, checkpoints bool) result {
		o := &llog.Options{DisableRedaction: !redact}
		if checkpoints {
			o.Signer = signer
		} else {
			o = llog.WithoutCheckpoints(o)
		}
		dir, err := os.MkdirTemp(b.TempDir(), "store")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		e, err := llog.Open(dir, o)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		cpu0 := cpuTime()
		t0 := time.Now()
		for i := range n {
			if err := e.Log(ctx, infs[i%len(infs)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		el := time.Since(t0)
		r := result{rate: float64(n) / el.Seconds(), cpu: float64(cpuTime()-cpu0) / float64(n), bytes: e.Stats().BytesWritten}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
		return r
	}
	median := func(x []float64) float64 {
		x = slices.Clone(x)
		slices.Sort(x)
		if len(x)%2 == 1 {
			return x[len(x)/2]
		}
		return (x[len(x)/2-1] + x[len(x)/2]) / 2
	}
	for _, redact := range []bool{false, true} {
		name := "redaction-off"
		if redact {
			name = "redaction-on"
		}
		b.Run(name, func(b *testing.B) {
			var rates, cpus, cpuOn, cpuOff, rateOn, rateOff []float64
			var extra float64
			for round := 0; b.Loop(); round++ {
				var on, off result
				if round%2 == 0 {
					on, off = run(b, redact, true), run(b, redact, false)
				} else {
					off, on = run(b, redact, false), run(b, redact, true)
				}
				rates = append(rates, on.rate/off.rate)
				cpus = append(cpus, on.cpu/off.cpu)
				rateOn, rateOff = append(rateOn, on.rate), append(rateOff, off.rate)
				cpuOn, cpuOff = append(cpuOn, on.cpu), append(cpuOff, off.cpu)
				extra = (float64(on.bytes) - float64(off.bytes)) / float64(n)
			}
			b.ReportMetric(float64(len(rates)), "rounds")
			b.ReportMetric(median(rates), "throughput-with/without")
			b.ReportMetric(slices.Min(rates), "throughput-min")
			b.ReportMetric(slices.Max(rates), "throughput-max")
			b.ReportMetric(median(rateOn), "records/s-with")
			b.ReportMetric(median(rateOff), "records/s-without")
			b.ReportMetric(median(cpus), "cpu-with/without")
			b.ReportMetric(slices.Min(cpus), "cpu-ratio-min")
			b.ReportMetric(slices.Max(cpus), "cpu-ratio-max")
			b.ReportMetric(median(cpuOn)/1000, "cpu-µs/rec-with")
			b.ReportMetric(median(cpuOff)/1000, "cpu-µs/rec-without")
			b.ReportMetric(extra, "checkpoint-bytes/record")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime returns the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)
}
