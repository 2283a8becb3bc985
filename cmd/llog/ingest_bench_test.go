package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

// BenchmarkIngestVsLog measures llog ingest against the library's Log on
// the same records, in the same process: each round logs 20,000 records
// (about 1.3 KiB of JSON each, one in five with personal data to redact)
// into a new store three ways, in rotating order, with default options:
//
//	log     llog.Open, Log for each record, Close
//	stdin   'llog ingest --path D' reading the JSON lines from a reader
//	socket  'llog ingest --listen', one client writing the lines; the last
//	        asks for an acknowledgement, which vouches for all of them
//
// Each way includes opening and closing the store. It reports records/s of
// each way (medians over the rounds) and the medians of the per-round
// ratios stdin/log and socket/log; the target is 0.7 or more. Run it with
// -benchtime=5x or more on a quiet machine, on the disk that matters (set
// TMPDIR: /tmp is often tmpfs).
func BenchmarkIngestVsLog(b *testing.B) {
	const n = 20000
	lines, infs := ingestLines(n)
	input := []byte(strings.Join(lines[:n-1], "\n") + "\n" + strings.Replace(lines[n-1], "{", `{"ack":true,`, 1) + "\n")

	ways := []struct {
		name string
		run  func(b *testing.B, dir string)
	}{
		{"log", func(b *testing.B, dir string) {
			e, err := llog.Open(dir, nil)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for _, inf := range infs {
				if err := e.Log(ctx, inf); err != nil {
					b.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				b.Fatal(err)
			}
		}},
		{"stdin", func(b *testing.B, dir string) {
			var stdout, stderr bytes.Buffer
			e := newEnv(bytes.NewReader(input), &stdout, &stderr)
			if code := runContext(context.Background(), e, []string{"ingest", "--path", dir}); code != exitOK {
				b.Fatalf("exit %d: %s", code, stderr.String())
			}
		}},
		{"socket", func(b *testing.B, dir string) {
			sock := filepath.Join(b.TempDir(), "s")
			ctx, cancel := context.WithCancel(context.Background())
			var stdout bytes.Buffer
			stderr := &syncBuffer{}
			e := newEnv(strings.NewReader(""), &stdout, stderr)
			done := make(chan int, 1)
			go func() { done <- runContext(ctx, e, []string{"ingest", "--path", dir, "--listen", "unix:" + sock}) }()
			var c net.Conn
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
				var err error
				if c, err = net.Dial("unix", sock); err == nil {
					break
				}
				if time.Now().After(deadline) {
					b.Fatal(err)
				}
			}
			go func() { io.Copy(c, bytes.NewReader(input)) }()
			if l, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.HasPrefix(l, `{"ack":`) {
				b.Fatalf("%q %v: %s", l, err, stderr.String())
			}
			c.Close()
			cancel()
			if code := <-done; code != exitOK {
				b.Fatalf("exit %d: %s", code, stderr.String())
			}
		}},
	}
	secs := make([][]float64, len(ways))
	var ratios [2][]float64
	round := 0
	for b.Loop() {
		t := make([]float64, len(ways))
		for k := range ways {
			i := (k + round) % len(ways)
			dir := filepath.Join(b.TempDir(), "store")
			start := time.Now()
			ways[i].run(b, dir)
			t[i] = time.Since(start).Seconds()
			secs[i] = append(secs[i], t[i])
		}
		ratios[0] = append(ratios[0], t[0]/t[1])
		ratios[1] = append(ratios[1], t[0]/t[2])
		round++
	}
	for i, w := range ways {
		b.ReportMetric(n/median(secs[i]), w.name+"-records/s")
	}
	b.ReportMetric(median(ratios[0]), "stdin/log")
	b.ReportMetric(median(ratios[1]), "socket/log")
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
