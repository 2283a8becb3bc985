package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

// runWith runs args through runContext with the env adjusted by fn.
func runWith(t *testing.T, fn func(*env), args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := newEnv(strings.NewReader(""), &stdout, &stderr)
	if fn != nil {
		fn(e)
	}
	code := runContext(context.Background(), e, args)
	return result{code, stdout.String(), stderr.String()}
}

// TestWriterWarnings checks that a command that writes prints the engine's
// warning events on stderr, one "llog: CMD: warning:" line each, and still
// exits 0: the log is the truth, the index is derived.
func TestWriterWarnings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // damages the store; returns the expected line (a pattern)
		opts  func(*llog.Options)
	}{
		{"index unusable", func(t *testing.T, dir string) string {
			// A folder where index.db should be: the index cannot be
			// opened, removed or rebuilt.
			os.Remove(filepath.Join(dir, "index.db"))
			os.Mkdir(filepath.Join(dir, "index.db"), 0o700)
			writeFile(t, filepath.Join(dir, "index.db", "x"), []byte("x"))
			return `index-failed: remove unusable index: .*; queries read the segments and the next open rebuilds the index, no data is affected`
		}, nil},
		{"torn tail", func(t *testing.T, dir string) string {
			segs := segments(t, dir)
			path := filepath.Join(dir, segs[len(segs)-1])
			size := int64(len(readFile(t, path)))
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(bytes.Repeat([]byte{0xa5}, 40))
			f.Close()
			return regexp.QuoteMeta(fmt.Sprintf("torn-tail: truncated 40 bytes never acknowledged at %s offset %d", segs[len(segs)-1], size))
		}, nil},
		{"slow sync", nil, func(o *llog.Options) { o.SlowSync, o.MaxBatchRecords = time.Nanosecond, 10 }},
		{"drops", nil, func(o *llog.Options) {
			o.Overflow, o.QueueCapacity, o.MaxBatchDelay = llog.DropOldest, 1, 20*time.Millisecond
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newStore(t, storeOpts{n: 20})
			want := ""
			if tc.setup != nil {
				want = tc.setup(t, dir)
			}
			r := runWith(t, func(e *env) { e.writerOptions = tc.opts }, "demo", "--path", dir, "--n", "200", "--seed", "3")
			if r.code != exitOK || !strings.HasPrefix(r.stdout, "llog demo: wrote ") {
				t.Fatalf("%v", r)
			}
			switch tc.name {
			case "slow sync":
				want = `slow-sync: fsync of \d+\.seg took [\d.]+(µs|ms|s)`
				// The next ones within 10s are summed up at the end.
				if !regexp.MustCompile(`\nllog: demo: warning: slow-sync: \d+ more slow fsyncs since, the slowest [\d.]+(µs|ms|s)\n$`).MatchString(r.stderr) {
					t.Errorf("no summary of the slow fsyncs held back:\n%s", r.stderr)
				}
				// The tests that compare standard error whole drop exactly
				// these lines.
				if rest := withoutSlowSync(r.stderr); rest != "" {
					t.Errorf("withoutSlowSync leaves %q", rest)
				}
			case "drops":
				want = `dropped: \d+ records dropped \(queue full 0, evicted \d+, caller gave up 0, writer failed 0\)`
			}
			if !regexp.MustCompile(`(?m)^llog: demo: warning: ` + want + `$`).MatchString(r.stderr) {
				t.Errorf("stderr lacks /%s/:\n%s", want, r.stderr)
			}
			for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
				if !strings.HasPrefix(line, "llog: demo: warning: ") || strings.Contains(line[6:], "llog: ") {
					t.Errorf("badly formed warning %q", line)
				}
			}
		})
	}
	// Without trouble, nothing.
	dir := newStore(t, storeOpts{n: 20})
	if r := mustRun(t, exitOK, "demo", "--path", dir, "--n", "50"); r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

// TestWriterRefusesNonStore checks that a command that writes refuses a
// folder of other files with one message, and leaves nothing in it.
func TestWriterRefusesNonStore(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "photo.jpg"), []byte("x"))
	r := mustRun(t, exitCannotRun, "demo", "--path", dir, "--n", "10")
	want := "llog: demo: open " + dir + ": not an llog store: " + dir + " holds photo.jpg but no llog.store\n"
	if r.stdout != "" || r.stderr != want {
		t.Errorf("want %q, got %v", want, r)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("demo left files behind: %v", ents)
	}
}

// TestDemoInterrupt sends SIGINT to a running demo: it stops promptly,
// commits what it logged, says so and exits 0.
func TestDemoInterrupt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	cmd := exec.Command(os.Args[0], "demo", "--path", dir, "--n", "100000000")
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Wait for the first segment to hold records.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if fi, err := os.Stat(filepath.Join(dir, "00000000000000000001.seg")); err == nil && fi.Size() > 64<<10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("demo wrote nothing")
		}
	}
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(t, cmd); err != nil {
		t.Fatalf("demo ended with %v: %s", err, stderr.String())
	}
	t.Logf("stopped %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	m := regexp.MustCompile(`^llog: demo: interrupted after (\d+) of 100000000 samples; every record logged before the interrupt was committed\n$`).FindStringSubmatch(withoutSlowSync(stderr.String()))
	if m == nil {
		t.Fatalf("stderr: %q", stderr.String())
	}
	rep, err := llog.Verify(t.Context(), dir)
	if err != nil || !rep.OK || fmt.Sprint(rep.Records) != m[1] {
		t.Fatalf("store after the interrupt: %+v, %v; demo said %s", rep, err, m[1])
	}
	if !strings.Contains(stdout.String(), "llog demo: wrote "+m[1]+" sample inferences") || !strings.Contains(stdout.String(), "not yet: interrupted") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}
