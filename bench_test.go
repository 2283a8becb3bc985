package llog_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
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
// cadence: rounds of 50,000 (LLOG_BENCH_RECORDS) 1 KiB records ingested (Log, then Flush) with
// signed checkpoints, then without, back to back in one process so that
// both see the same machine, and reports the median over rounds of the
// ratio of throughputs (with/without; 1 is free) and of the process CPU
// time per record (with/without), and the checkpoint bytes per record.
func BenchmarkCheckpointCost(b *testing.B) {
	const size = 1024
	n := 50000
	if s := os.Getenv("LLOG_BENCH_RECORDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	infs := samples(4096, size)
	signer, _ := testKey(b, "bench")
	run := func(checkpoints bool) (rate, cpu float64, bytes uint64) {
		o := &llog.Options{DisableRedaction: true, MaxBatchRecords: 512}
		if checkpoints {
			o.Signer = signer
		} else {
			o = llog.WithoutCheckpoints(o)
		}
		e, err := llog.Open(b.TempDir(), o)
		if err != nil {
			b.Fatal(err)
		}
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
		cpu = float64(cpuTime()-cpu0) / float64(n)
		bytes = e.Stats().BytesWritten
		e.Close()
		return float64(n) / el.Seconds(), cpu, bytes
	}
	var rates, cpus []float64
	var extra float64
	for b.Loop() {
		r1, c1, b1 := run(true)
		r0, c0, b0 := run(false)
		rates = append(rates, r1/r0)
		cpus = append(cpus, c1/c0)
		extra = float64(b1-b0) / float64(n)
	}
	slices.Sort(rates)
	slices.Sort(cpus)
	b.ReportMetric(rates[len(rates)/2], "throughput-with/without")
	b.ReportMetric(rates[0], "throughput-min")
	b.ReportMetric(rates[len(rates)-1], "throughput-max")
	b.ReportMetric(cpus[len(cpus)/2], "cpu-with/without")
	b.ReportMetric(extra, "checkpoint-bytes/record")
}

// cpuTime returns the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)
}
