package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
)

// queryLines decodes the JSON lines query printed.
func queryLines(t *testing.T, out string) []exportRecord {
	t.Helper()
	var recs []exportRecord
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var r exportRecord
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestQuery(t *testing.T) {
	dir := tamperStore(t)
	all := storeRecords(t, dir, llog.Filter{})
	for _, tc := range []struct {
		args []string
		want []llog.Record
	}{
		{nil, all},
		{[]string{"--limit", "5"}, all[:5]},
		{[]string{"--model", "qwen2.5-1.5b", "--limit", "2"}, []llog.Record{all[1], all[4]}},
		{[]string{"--since", "2026-01-01T01:58:00Z"}, all[118:]},
		{[]string{"--until", "2026-01-01T00:02:00Z", "--model", "phi-3-mini", "--model", "gemma-2-2b-it"}, []llog.Record{all[0]}},
		{[]string{"--since", "2027-01-01"}, nil},
	} {
		r := mustRun(t, exitOK, append([]string{"query", "--path", dir}, tc.args...)...)
		if r.stderr != "" {
			t.Errorf("%v: stderr %q", tc.args, r.stderr)
		}
		compareRecords(t, queryLines(t, r.stdout), tc.want)
	}
	// Newest first, the newest N, after a sequence number, lists of
	// models, times relative to now.
	rev := func(recs []llog.Record) []llog.Record {
		out := slices.Clone(recs)
		slices.Reverse(out)
		return out
	}
	n := len(all)
	var twoModels []llog.Record
	for _, rec := range all {
		if rec.Model == "qwen2.5-1.5b" || rec.Model == "phi-3-mini" {
			twoModels = append(twoModels, rec)
		}
	}
	for _, tc := range []struct {
		args []string
		want []llog.Record
	}{
		{[]string{"--tail", "3"}, all[n-3:]},
		{[]string{"-n", "3", "--reverse"}, rev(all[n-3:])},
		{[]string{"--reverse", "--limit", "2"}, rev(all[n-2:])},
		{[]string{"--tail", "2", "--model", "qwen2.5-1.5b,phi-3-mini"}, twoModels[len(twoModels)-2:]},
		{[]string{"--after-seq", "117"}, all[117:]},
		{[]string{"--after-seq", "3", "--limit", "2", "--model", "phi-3-mini"}, []llog.Record{all[3], all[6]}},
		{[]string{"--model", "phi-3-mini,gemma-2-2b-it", "--limit", "2"}, []llog.Record{all[0], all[2]}},
		{[]string{"--since", "1h"}, all[60:]}, // now is baseTime + 2h
		{[]string{"--since", "90m", "--until", "1h"}, all[30:60]},
		{[]string{"--until", "today"}, nil},
		{[]string{"--since", "yesterday", "--limit", "1"}, all[:1]},
	} {
		r := runWith(t, func(e *env) { e.now = func() time.Time { return baseTime.Add(2 * time.Hour) } },
			append([]string{"query", "--path", dir}, tc.args...)...)
		if r.code != exitOK || r.stderr != "" {
			t.Errorf("%v: %v", tc.args, r)
		}
		compareRecords(t, queryLines(t, r.stdout), tc.want)
	}

	// The lines are the records of an export, byte for byte.
	r := mustRun(t, exitOK, "query", "--path", dir, "--limit", "3")
	x := mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl")
	if !strings.HasPrefix(x.stdout, r.stdout) {
		t.Errorf("query lines differ from export lines")
	}
}

// TestQueryFollow follows a store while records are committed, then stops
// it by canceling its context, as SIGINT does.
func TestQueryFollow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{SegmentSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	g := gen.New(3)
	logN := func(from, n int) {
		for i := from; i < from+n; i++ {
			if _, err := e.LogSync(t.Context(), testInference(g, i)); err != nil {
				t.Error(err)
			}
		}
	}
	logN(0, 10)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	env := newEnv(nil, &stdout, &stderr)
	env.pollInterval = 10 * time.Millisecond
	done := make(chan int)
	go func() {
		done <- runContext(ctx, env, []string{"query", "--path", dir, "--follow", "--model", "phi-3-mini"})
	}()
	waitLines := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for strings.Count(stdout.String(), "\n") < n {
			if time.Now().After(deadline) {
				t.Fatalf("want %d lines, have:\n%s", n, stdout.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitLines(4) // records 0, 3, 6, 9 are phi-3-mini
	logN(10, 30)
	waitLines(14)
	cancel()
	select {
	case code := <-done:
		if code != exitOK || stderr.String() != "" {
			t.Fatalf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("query --follow did not stop")
	}
	compareRecords(t, queryLines(t, stdout.String()), storeRecords(t, dir, llog.Filter{Models: []string{"phi-3-mini"}}))
}

// TestQueryFollowLimit checks that --follow stops after --limit records.
func TestQueryFollowLimit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	g := gen.New(4)
	for i := range 3 {
		if _, err := e.LogSync(t.Context(), testInference(g, i)); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	env := newEnv(nil, &stdout, &stderr)
	env.pollInterval = 5 * time.Millisecond
	done := make(chan int)
	go func() {
		done <- runContext(t.Context(), env, []string{"query", "--path", dir, "--follow", "--limit", "5"})
	}()
	time.Sleep(30 * time.Millisecond)
	for i := 3; i < 8; i++ {
		if _, err := e.LogSync(t.Context(), testInference(g, i)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("query --follow --limit 5 did not stop")
	}
	compareRecords(t, queryLines(t, stdout.String()), storeRecords(t, dir, llog.Filter{Limit: 5}))
}

// TestQueryFollowInterrupt runs llog query --follow as a process and
// interrupts it as Ctrl-C does: it must stop cleanly with exit 0.
func TestQueryFollowInterrupt(t *testing.T) {
	dir := newStore(t, storeOpts{n: 5})
	cmd := exec.Command(os.Args[0], "query", "--path", dir, "--follow")
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	br := bufio.NewReader(stdout)
	for i := range 5 {
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, stderr.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || stderr.Len() != 0 {
			t.Fatalf("query --follow ended with %v: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("query --follow did not stop on SIGINT")
	}
}

// TestQuerySkipsDamage: with a batch damaged in a segment in the middle of
// the store, query prints every other record, names what it skipped on
// standard error and exits 1, the same forward, newest first and with
// --tail.
func TestQuerySkipsDamage(t *testing.T) {
	dir := tamperStore(t)
	all := storeRecords(t, dir, llog.Filter{})
	seg, path := middle(t, dir)
	b := multiBatch(t, path)
	flipByte(t, path, b[1].off+frameHeaderSize+b[1].size/2)
	// The records of the damaged batch, as the report of verify names them.
	rep := mustRun(t, exitIntegrity, "verify", "--path", dir, "--json")
	var v struct{ Records uint64 }
	if err := json.Unmarshal([]byte(rep.stdout), &v); err != nil {
		t.Fatal(err)
	}
	lost := uint64(len(all)) - v.Records
	if lost != uint64(len(b)) {
		t.Fatalf("verify reads %d records of %d: want %d unread", v.Records, len(all), len(b))
	}
	for _, args := range [][]string{nil, {"--reverse"}, {"--tail", "1000"}} {
		r := mustRun(t, exitIntegrity, append([]string{"query", "--path", dir}, args...)...)
		got := queryLines(t, r.stdout)
		if uint64(len(got)) != uint64(len(all))-lost {
			t.Errorf("%v: %d records printed, want %d", args, len(got), uint64(len(all))-lost)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "skipped records ") || !strings.Contains(lines[0], seg) ||
			!strings.Contains(lines[1], "skipped what does not verify: 1 part of the store") || !strings.Contains(lines[1], "llog verify") {
			t.Errorf("%v: stderr %q", args, r.stderr)
		}
	}
}
