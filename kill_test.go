package llog_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
)

const writerEnv = "LLOG_TEST_KILL_WRITER"

// crashWriter is the child process of TestKillWriter: four goroutines log
// records with LogSync and print "ack <seq> <hash>" for each one
// acknowledged, until the parent kills the process.
func crashWriter(dir string) {
	e, err := llog.Open(dir, &llog.Options{SegmentSize: 16 << 10, MaxBatchRecords: 8})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				r, err := e.LogSync(ctx, inf(w*1_000_000+i))
				if err != nil {
					fmt.Fprintln(os.Stderr, "log:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(out, "ack %d %s\n", r.Seq, r.Hash)
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// TestKillWriter runs a writer process, SIGKILLs it at seeded random
// moments, and checks after every kill that each record whose LogSync
// returned is in the store with the same digest, that the chain verifies,
// and that the store takes new writes. Replay a failure with
// LLOG_KILL_SEED=<seed>.
func TestKillWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("LLOG_KILL_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with LLOG_KILL_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := filepath.Join(t.TempDir(), "store")
	acked := map[uint64]chain.Digest{}
	const kills = 5
	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), writerEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill after a seeded number of acknowledgements plus a seeded
		// delay, so kills land at different points of a batch.
		target := 50 + rng.IntN(400)
		n := 0
		for line := range lines {
			var seq uint64
			var hash string
			if _, err := fmt.Sscanf(line, "ack %d %s", &seq, &hash); err != nil {
				t.Fatalf("bad line %q", line)
			}
			d, err := chain.Parse(hash)
			if err != nil {
				t.Fatal(err)
			}
			acked[seq] = d
			if n++; n == target {
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
				cmd.Process.Signal(syscall.SIGKILL)
			}
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: writer ended with %v: %s", k, err, stderr.String())
		}

		recs, rep, err := llog.ReadAll(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Fatalf("kill %d: store does not verify: %v", k, rep.Breaks)
		}
		have := map[uint64]chain.Digest{}
		for _, r := range recs {
			have[r.Seq] = r.Hash
		}
		for seq, h := range acked {
			if have[seq] != h {
				t.Fatalf("kill %d: acknowledged record %d lost or changed", k, seq)
			}
		}
		t.Logf("kill %d: %d records, %d acknowledged, torn tail %v", k, rep.Records, len(acked), rep.TornTail != nil)
	}
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dir)
}
