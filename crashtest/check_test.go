package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lowlightlog/llog"
)

// writeStore runs the writer in process until count records are
// acknowledged and returns its output.
func writeStore(t *testing.T, dir string, c writerConfig) string {
	t.Helper()
	c.dir = dir
	if c.recordSize == 0 {
		c.recordSize = 512
	}
	if c.segmentSize == 0 {
		c.segmentSize = 16 << 10
	}
	if c.writers == 0 {
		c.writers = 2
	}
	if c.flushEvery == 0 {
		c.flushEvery = 8
	}
	if c.checkpoint == 0 {
		c.checkpoint = 50
	}
	var out, stderr bytes.Buffer
	if err := runWriter(ctx, c, &out, &stderr); err != nil {
		t.Fatalf("writer: %v", err)
	}
	if stderr.Len() > 0 {
		t.Logf("writer stderr:\n%s", stderr.String())
	}
	return out.String()
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

func segments(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// TestCheckFindsViolations damages a store or its acknowledgements in the
// ways a broken engine would, and checks that checkStore reports each.
func TestCheckFindsViolations(t *testing.T) {
	base := filepath.Join(t.TempDir(), "base")
	out := writeStore(t, base, writerConfig{sync: true, seed: 1, run: 1, count: 120})
	out += writeStore(t, base, writerConfig{seed: 2, run: 2, count: 120})
	if n := len(segments(t, base)); n < 3 {
		t.Fatalf("want several segments, have %d", n)
	}
	last := func(dir string) string { s := segments(t, dir); return s[len(s)-1] }

	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string, acks *string)
		want   string // substring of a violation; "" for none
	}{
		{"intact", func(*testing.T, string, *string) {}, ""},
		{"acknowledged digest differs", func(t *testing.T, dir string, acks *string) {
			i := strings.LastIndex(*acks, "ack ")
			line := (*acks)[i:]
			f := strings.Fields(line)
			*acks = (*acks)[:i] + fmt.Sprintf("ack %s %s\n", f[1], hashA)
		}, "has digest"},
		{"acknowledged record beyond the end", func(t *testing.T, dir string, acks *string) {
			*acks += "ack 100000 " + hashA + "\n"
		}, "acknowledged records lost"},
		{"newest segment lost its batches", func(t *testing.T, dir string, acks *string) {
			if err := os.Truncate(last(dir), 64); err != nil {
				t.Fatal(err)
			}
		}, "acknowledged records lost"},
		{"newest segment deleted", func(t *testing.T, dir string, acks *string) {
			if err := os.Remove(last(dir)); err != nil {
				t.Fatal(err)
			}
		}, "acknowledged records lost"},
		{"middle segment deleted", func(t *testing.T, dir string, acks *string) {
			if err := os.Remove(segments(t, dir)[1]); err != nil {
				t.Fatal(err)
			}
		}, "does not verify"},
		{"sealed segment damaged", func(t *testing.T, dir string, acks *string) {
			name := segments(t, dir)[0]
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0x40
			if err := os.WriteFile(name, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "does not verify"},
		{"record not written by crashtest", func(t *testing.T, dir string, acks *string) {
			logRecord(t, dir, llog.Inference{Model: "m", Prompt: "p", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736"})
		}, "not written by crashtest"},
		{"record repeated", func(t *testing.T, dir string, acks *string) {
			logRecord(t, dir, llog.Inference{Model: "m", Prompt: "p", TraceID: ident{run: 2, writer: 0, n: 3}.String()})
		}, "lost, repeated or reordered"},
		{"record of an earlier run after a later open", func(t *testing.T, dir string, acks *string) {
			logRecord(t, dir, llog.Inference{Model: "m", Prompt: "p", TraceID: ident{run: 1, writer: 7, n: 0}.String()})
		}, "belongs to run 1"},
		{"creation cut short, nothing acknowledged", func(t *testing.T, dir string, acks *string) {
			// The first Open killed while it created the first segment:
			// only the manifest and the lock exist.
			names, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if n.Name() != "llog.store" && n.Name() != "LOCK" {
					if err := os.Remove(filepath.Join(dir, n.Name())); err != nil {
						t.Fatal(err)
					}
				}
			}
			*acks = ""
		}, ""},
		{"segments gone after an open", func(t *testing.T, dir string, acks *string) {
			for _, s := range segments(t, dir) {
				if err := os.Remove(s); err != nil {
					t.Fatal(err)
				}
			}
			*acks = "open 5 0 " + hashA + "\n"
		}, "does not verify"},
		{"records found at open are gone", func(t *testing.T, dir string, acks *string) {
			*acks += "open 3 99999 " + hashB + "\n"
		}, "acknowledged records lost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			copyDir(t, base, dir)
			acks := out
			tc.damage(t, dir, &acks)
			a, err := readAcks(strings.NewReader(acks))
			if err != nil {
				t.Fatal(err)
			}
			res, err := checkStore(ctx, dir, a, checkOptions{write: true, probeRun: 9})
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(res.violations, "\n")
			switch {
			case tc.want == "" && len(res.violations) > 0:
				t.Fatalf("violations in an intact store:\n%s", all)
			case tc.want == "" && (res.probe == nil || res.probe.Seq != res.records+1):
				t.Fatalf("no probe record after %d records: %+v", res.records, res.probe)
			case tc.want != "" && !strings.Contains(all, tc.want):
				t.Fatalf("want a violation containing %q, got:\n%s", tc.want, all)
			}
		})
	}
}

// logRecord appends one record to the store in dir.
func logRecord(t *testing.T, dir string, inf llog.Inference) {
	t.Helper()
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LogSync(ctx, inf); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCheckCommand runs the check command on an intact store and on one
// whose acknowledgements claim a lost record, through the CLI.
func TestCheckCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	out := writeStore(t, dir, writerConfig{seed: 3, run: 3, count: 40})
	ackFile := filepath.Join(t.TempDir(), "acks")
	if err := os.WriteFile(ackFile, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("check", "--dir", dir, "--acks", ackFile, "--write=false")
	if code != exitOK || !strings.Contains(stdout, "violations 0") {
		t.Fatalf("check of an intact store: exit %d\n%s%s", code, stdout, stderr)
	}
	if err := os.WriteFile(ackFile, []byte(out+"ack 1000 "+hashA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI("check", "--dir", dir, "--acks", ackFile)
	if code != exitFailed || !strings.Contains(stdout, "VIOLATION") || !strings.Contains(stderr, "violated") {
		t.Fatalf("check with a lost acknowledged record: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestWriterModes runs both writer modes in process and checks what they
// acknowledged: LogSync acknowledges every record, Flush the newest record
// each Flush covers.
func TestWriterModes(t *testing.T) {
	for _, sync := range []bool{true, false} {
		t.Run(fmt.Sprintf("sync=%v", sync), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			out := writeStore(t, dir, writerConfig{sync: sync, seed: 4, run: 4, count: 60})
			a, err := readAcks(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := llog.Verify(ctx, dir)
			if err != nil || !rep.OK {
				t.Fatalf("verify: %v %+v", err, rep)
			}
			if a.top != rep.LastSeq || a.top < 60 {
				t.Fatalf("highest ack %d, store ends at %d", a.top, rep.LastSeq)
			}
			if sync && len(a.acks) != int(rep.Records) {
				t.Fatalf("LogSync mode acknowledged %d of %d records", len(a.acks), rep.Records)
			}
			if !sync && len(a.acks) >= int(rep.Records) {
				t.Fatalf("Flush mode acknowledged %d of %d records: every record flushed alone?", len(a.acks), rep.Records)
			}
			res, err := checkStore(ctx, dir, a, checkOptions{})
			if err != nil || len(res.violations) > 0 {
				t.Fatalf("check: %v %v", err, res.violations)
			}
			// The writer printed the checkpoints it was handed (one at
			// Close at least); one the store does not extend is a
			// violation.
			if len(a.checkpoints) == 0 || a.checkpoints[len(a.checkpoints)-1].Size != rep.LastSeq {
				t.Fatalf("checkpoints handed out: %d, the last %+v", len(a.checkpoints), a.checkpoints)
			}
			last := a.checkpoints[len(a.checkpoints)-1]
			forged, err := llog.ParseCheckpoint([]byte(strings.Replace(string(last.Note), fmt.Sprintf("\n%d\n", last.Size), fmt.Sprintf("\n%d\n", last.Size-1), 1)))
			if err != nil {
				t.Fatal(err)
			}
			a.checkpoints = append(a.checkpoints, forged)
			res, err = checkStore(ctx, dir, a, checkOptions{})
			if all := strings.Join(res.violations, "\n"); err != nil || !strings.Contains(all, "does not extend the checkpoint") {
				t.Fatalf("a checkpoint the store does not extend: %v %q", err, all)
			}
		})
	}
}

// TestCheckAcceptsRetention checks a store whose oldest segments retention
// removed: acknowledged records before the first one present are accepted
// because a retention record covers them, and the indexed queries agree
// with the segments. Deleting a segment behind retention's back is caught.
func TestCheckAcceptsRetention(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	out := writeStore(t, dir, writerConfig{sync: true, seed: 5, run: 5, count: 300, retain: 80, checkpoint: 20})
	out += writeStore(t, dir, writerConfig{seed: 6, run: 6, count: 300, retain: 80, checkpoint: 7})
	a, err := readAcks(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	res, err := checkStore(ctx, dir, a, checkOptions{write: true, probeRun: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.violations) > 0 {
		t.Fatalf("violations:\n%s", strings.Join(res.violations, "\n"))
	}
	if res.retired == 0 {
		t.Fatalf("retention removed no acknowledged record (%d records, %d acks)", res.records, res.acked)
	}
	if len(a.checkpoints) < 5 {
		t.Fatalf("%d checkpoints handed out", len(a.checkpoints))
	}
	if err := os.Remove(segments(t, dir)[0]); err != nil {
		t.Fatal(err)
	}
	res, err = checkStore(ctx, dir, a, checkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(res.violations, "\n"); !strings.Contains(all, "does not verify") {
		t.Fatalf("a segment deleted without a retention record: violations %q", all)
	}
}

// TestWriterWarnings checks that the writer reports a torn tail it finds
// at open on stderr, as llog's writing commands do.
func TestWriterWarnings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	writeStore(t, dir, writerConfig{seed: 8, run: 8, count: 20})
	segs := segments(t, dir)
	last := segs[len(segs)-1]
	f, err := os.OpenFile(last, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Repeat([]byte{0x5a}, 33))
	f.Close()
	var out, stderr bytes.Buffer
	if err := runWriter(t.Context(), writerConfig{dir: dir, seed: 9, run: 9, count: 5, writers: 1, flushEvery: 4,
		recordSize: 256, segmentSize: 16 << 10, checkpoint: 50}, &out, &stderr); err != nil {
		t.Fatal(err)
	}
	want := "crashtest: writer: warning: torn-tail: truncated 33 bytes never acknowledged at " + filepath.Base(last) + " offset "
	if !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr %q, want %q...", stderr.String(), want)
	}
}
