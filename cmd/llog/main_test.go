package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// writerEnv makes the test binary a writer process (see testWriter).
const writerEnv = "LLOG_CMD_TEST_WRITER"

// mainEnv makes the test binary the llog command, so that tests can run it
// as a process of its own.
const mainEnv = "LLOG_CMD_TEST_MAIN"

func TestMain(m *testing.M) {
	if dir := os.Getenv(writerEnv); dir != "" {
		testWriter(dir)
		return
	}
	if os.Getenv(mainEnv) != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

// testWriter appends records to the store in dir until it is killed,
// committing five records at a time and printing the number of records
// committed after each commit ("5", "10", ...).
func testWriter(dir string) {
	e, err := llog.Open(dir, &llog.Options{SegmentSize: 8 << 10})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	g := gen.New(7)
	ctx := context.Background()
	for i := 0; ; i++ {
		s := g.Next(300)
		if err := e.Log(ctx, llog.Inference{Model: s.Model, Prompt: s.Prompt, Response: s.Response, Latency: s.Latency}); err != nil {
			fmt.Fprintln(os.Stderr, "log:", err)
			os.Exit(4)
		}
		if i%5 == 4 {
			if err := e.Flush(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "flush:", err)
				os.Exit(4)
			}
			fmt.Println(i + 1)
		}
	}
}

// result is what one run of the command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// llogRun runs the command line args with stdin through run. The result's
// stderr is without slow-sync warnings (see withoutSlowSync).
func llogRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), withoutSlowSync(stderr.String())}
}

// slowSyncLine matches a slow-sync warning of a command that writes a
// store: an fsync took longer than the store's SlowSync (500 ms), or the
// summary of those held back.
var slowSyncLine = regexp.MustCompile(`(?m)^llog: [a-z]+: warning: slow-sync: .*\n`)

// withoutSlowSync returns s without its slow-sync warnings. A loaded
// machine makes an fsync slow at any moment, and the command then rightly
// warns; tests that compare standard error whole drop these lines, and
// TestWriterWarnings checks them.
func withoutSlowSync(s string) string { return slowSyncLine.ReplaceAllString(s, "") }

// mustRun runs args and fails the test unless the exit code is want.
func mustRun(t *testing.T, want int, args ...string) result {
	t.Helper()
	r := llogRun(t, "", args...)
	if r.code != want {
		t.Fatalf("llog %s: want exit %d, got %v", strings.Join(args, " "), want, r)
	}
	return r
}

// baseTime is the time of the first record of a test store; record i
// (from 0) is i minutes later.
var baseTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testModels are the models of a test store's records, in turn.
var testModels = []string{"phi-3-mini", "qwen2.5-1.5b", "gemma-2-2b-it"}

// storeOpts are the options of a test store.
type storeOpts struct {
	n           int   // records
	segmentSize int64 // 0: default
	group       int   // records per Flush (so per batch); 0: 1
}

// testInference returns the i-th record of a test store: seeded text,
// model testModels[i%3], time baseTime + i minutes, latency (i+1) ms.
func testInference(g *gen.Generator, i int) llog.Inference {
	s := g.Next(150)
	return llog.Inference{
		Time:           baseTime.Add(time.Duration(i) * time.Minute),
		Model:          testModels[i%len(testModels)],
		Provider:       s.Provider,
		Operation:      s.Operation,
		Prompt:         s.Prompt,
		Response:       s.Response,
		Latency:        time.Duration(i+1) * time.Millisecond,
		TokensIn:       s.TokensIn,
		TokensOut:      s.TokensOut,
		Error:          s.Error,
		ConversationID: s.ConversationID,
	}
}

// newStore writes a test store and returns its folder.
func newStore(t *testing.T, o storeOpts) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{SegmentSize: o.segmentSize})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	g := gen.New(1)
	group := max(o.group, 1)
	ctx := context.Background()
	for i := range o.n {
		if err := e.Log(ctx, testInference(g, i)); err != nil {
			t.Fatal(err)
		}
		if i%group == group-1 {
			if err := e.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// segments returns the segment file names of the store in dir, oldest
// first.
func segments(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

// syncBuffer is a bytes.Buffer safe for concurrent use, for the standard
// error of a command running while the test reads it. String leaves out
// slow-sync warnings (see withoutSlowSync).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return withoutSlowSync(s.b.String())
}

func TestUnknownCommand(t *testing.T) {
	r := mustRun(t, exitUsage, "frobnicate")
	if r.stdout != "" || r.stderr != "llog: unknown command \"frobnicate\"\nllog: run 'llog help' for usage\n" {
		t.Fatalf("unexpected output: %v", r)
	}
}

func TestNoArguments(t *testing.T) {
	r := mustRun(t, exitUsage)
	if r.stdout != "" || !strings.Contains(r.stderr, "Usage:") {
		t.Fatalf("want the usage on stderr: %v", r)
	}
}

// TestUsageErrors checks that every command reports a bad command line
// with exit 2, an "llog: <cmd>: " message and a hint, and nothing on
// stdout.
func TestUsageErrors(t *testing.T) {
	dir := newStore(t, storeOpts{n: 3})
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"verify"}, "--path is required"},
		{[]string{"verify", "--path", dir, "extra"}, `unexpected argument "extra"`},
		{[]string{"verify", "--path", dir, "--bogus"}, "unknown flag: --bogus"},
		{[]string{"export"}, "--path is required"},
		{[]string{"export", "--path", dir, "--format", "xml"}, `--format "xml": want json, jsonl, otlp-traces or otlp-logs`},
		{[]string{"export", "--path", dir, "--batch", "10"}, "--batch and --include-content go with --format otlp-traces or otlp-logs"},
		{[]string{"export", "--path", dir, "--format", "otlp-logs", "--batch", "0"}, "--batch 0: want at least 1"},
		{[]string{"query", "--path", dir, "--tail", "-2"}, "--tail -2: want 0 or more"},
		{[]string{"query", "--path", dir, "--reverse", "--follow"}, "--reverse and --follow do not go together"},
		{[]string{"query", "--path", dir, "--since", "3x"}, `--since "3x": want RFC 3339`},
		{[]string{"export", "--path", dir, "--compress", "zstd"}, `--compress "zstd": want gzip`},
		{[]string{"export", "--path", dir, "--since", "last tuesday"}, `--since "last tuesday": want RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02), today, yesterday, or a time ago (90m, 1h, 2d, 1w)`},
		{[]string{"export", "--path", dir, "--since", "2026-01-02", "--until", "2026-01-01"}, "is not after --since"},
		{[]string{"stats"}, "--path is required"},
		{[]string{"query", "--path", dir, "--limit", "-1"}, "--limit -1: want 0 or more"},
		{[]string{"query", "--path", dir, "--limit", "x"}, `invalid argument "x" for "--limit"`},
		{[]string{"query", "--path"}, "flag needs an argument: --path"},
		{[]string{"demo", "--n", "0"}, "--n 0: want at least 1"},
		{[]string{"redact", "file.txt"}, `unexpected argument "file.txt"`},
		{[]string{"help", "nope"}, `unknown command "nope"`},
	} {
		r := mustRun(t, exitUsage, tc.args...)
		cmd := tc.args[0]
		want := "llog: " + cmd + ": "
		hint := "llog: run 'llog help " + cmd + "' for usage\n"
		if r.stdout != "" || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, tc.msg) || !strings.HasSuffix(r.stderr, hint) {
			t.Errorf("llog %s: want %q... %q and the hint, got %v", strings.Join(tc.args, " "), want, tc.msg, r)
		}
	}
}

// TestCannotRun checks exit 3 for a missing folder and for a folder that
// is not a store.
func TestCannotRun(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing")
	notStore := t.TempDir()
	if err := os.WriteFile(filepath.Join(notStore, "notes.txt"), []byte("hi"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"verify", "export", "stats", "query"} {
		r := mustRun(t, exitCannotRun, cmd, "--path", missing)
		if r.stdout != "" || r.stderr != "llog: "+cmd+": no store at "+missing+": file does not exist\n" {
			t.Errorf("%s on a missing folder: %v", cmd, r)
		}
		r = mustRun(t, exitCannotRun, cmd, "--path", notStore)
		if r.stdout != "" || !strings.HasPrefix(r.stderr, "llog: "+cmd+": ") || !strings.Contains(r.stderr, "not an llog store") {
			t.Errorf("%s on a folder that is not a store: %v", cmd, r)
		}
	}
	// A file where the folder should be: one message, the path once.
	file := filepath.Join(notStore, "notes.txt")
	for _, cmd := range []string{"verify", "export", "stats", "query", "demo", "ingest"} {
		r := mustRun(t, exitCannotRun, cmd, "--path", file)
		if r.stdout != "" || r.stderr != "llog: "+cmd+": "+file+" is a file, not a store's folder\n" {
			t.Errorf("%s on a file: %v", cmd, r)
		}
	}
}

// TestMessages checks the form of every diagnostic: "llog: " prefix, lower
// case after the command name, no trailing period.
func TestMessages(t *testing.T) {
	dir := newStore(t, storeOpts{n: 3})
	for _, args := range [][]string{
		{"verify", "--path", filepath.Join(dir, "nope")},
		{"export", "--path", dir, "--out", filepath.Join(dir, "no", "such", "dir", "x.json")},
		{"verify", "--path", dir, "--nope"},
	} {
		r := llogRun(t, "", args...)
		for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
			msg, ok := strings.CutPrefix(line, "llog: ")
			if !ok || strings.HasSuffix(line, ".") || msg == "" || strings.ToLower(msg[:1]) != msg[:1] || strings.Contains(msg, "llog: ") {
				t.Errorf("llog %s: badly formed diagnostic %q", strings.Join(args, " "), line)
			}
		}
	}
}
