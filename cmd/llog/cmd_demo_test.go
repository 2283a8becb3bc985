package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lowlightlog/llog"
)

func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo store")
	r := mustRun(t, exitOK, "demo", "--path", dir, "--n", "300", "--seed", "42")
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	rep, err := llog.Verify(t.Context(), dir)
	if err != nil || !rep.OK || rep.Records != 300 {
		t.Fatalf("the demo store does not verify: %+v, %v", rep, err)
	}
	for _, pat := range []string{
		`^llog demo: wrote 300 sample inferences to ` + regexp.QuoteMeta(dir) + ` \(new store, seed 42\)\n\n`,
		`\n  records written   300 \(seq 1-300\) in \d+ms\n`,
		// Redaction is on with the default options: the seeded
		// samples carry planted personal data, so something is redacted.
		`\n  redactions        ([A-Z_0-9]+ \d+)(, [A-Z_0-9]+ \d+)* \(\d+ of 300 prompts carried planted personal data\)\n`,
		`\n  segments          1\n`,
		`\n  store size        \d+\.\d KiB\n`,
		`\n  chain verified    ok: 300 records \(seq 1-300\), head ` + rep.HeadHash.String() + `\n`,
		`\nnext steps:\n  llog verify --path '` + regexp.QuoteMeta(dir) + `'\n  llog stats --path '` + regexp.QuoteMeta(dir) + `'\n  llog export --path '` + regexp.QuoteMeta(dir) + `' --since \d{4}-\d\d-\d\d --out demo-export.json\n$`,
	} {
		if !regexp.MustCompile(pat).MatchString(r.stdout) {
			t.Errorf("stdout does not match /%s/:\n%s", pat, r.stdout)
		}
	}

	// A second run appends, with other samples.
	r = mustRun(t, exitOK, "demo", "--path", dir, "--n", "200")
	if !strings.Contains(r.stdout, "(appended to the existing store, seed ") || !strings.Contains(r.stdout, "200 (seq 301-500)") ||
		!strings.Contains(r.stdout, "ok: 500 records (seq 1-500), head ") {
		t.Errorf("append:\n%s", r.stdout)
	}
}

func TestDemoLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r := mustRun(t, exitCannotRun, "demo", "--path", dir, "--n", "10")
	if r.stdout != "" || !strings.HasPrefix(r.stderr, "llog: demo: "+dir+" is open for writing by another process: ") || !strings.Contains(r.stderr, "locked") {
		t.Errorf("%v", r)
	}
}

func TestDemoNotAStore(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "photo.jpg"), []byte("x"))
	r := mustRun(t, exitCannotRun, "demo", "--path", dir, "--n", "10")
	if r.stdout != "" || !strings.Contains(r.stderr, "not an llog store") {
		t.Errorf("%v", r)
	}
}

// TestDemoCorrupt checks that demo refuses a store whose newest segment is
// damaged, with exit 1, and changes nothing.
func TestDemoCorrupt(t *testing.T) {
	dir := tamperStore(t)
	segs := segments(t, dir)
	path := filepath.Join(dir, segs[len(segs)-1])
	flipByte(t, path, readFrames(t, path)[0].off+frameHeaderSize+3)
	before := readFile(t, path)
	r := mustRun(t, exitIntegrity, "demo", "--path", dir, "--n", "10")
	if r.stdout != "" || !strings.HasPrefix(r.stderr, "llog: demo: open "+dir+": ") || !strings.HasSuffix(r.stderr, "run 'llog verify --path "+dir+"', then 'llog repair --path "+dir+"'\n") {
		t.Errorf("%v", r)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("demo changed the damaged segment")
	}
}

// TestRepairCommand is the repair of one flipped byte in the first record
// of a 2000-record segment, from the command line: the plan (exit 1,
// nothing changed) names the damaged batch and the records kept; --force
// keeps a copy, removes that batch only, and the store verifies, lists the
// removal and takes new records after the highest number it held.
func TestRepairCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "2000", "--seed", "3")
	segs := segments(t, dir)
	if len(segs) != 1 {
		t.Fatalf("%d segments", len(segs))
	}
	path := filepath.Join(dir, segs[0])
	frames := readFrames(t, path)
	first := batches(frames)[0]
	flipByte(t, path, frames[0].off+frameHeaderSize+40)
	damaged := readFile(t, path)
	mustRun(t, exitIntegrity, "demo", "--path", dir, "--n", "10")

	r := mustRun(t, exitIntegrity, "repair", "--path", dir)
	lost := len(first)
	for _, want := range []string{"segment      " + segs[0], fmt.Sprintf("  remove     seq 1-%d (%d records): ", lost, lost),
		fmt.Sprintf("records      %d records kept (%d records verify now), %d records removed", 2000-lost, 2000-lost, lost),
		"next record  seq 2001 (the highest the store ever committed: 2000)", "plan only, nothing changed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "--force") || !bytes.Equal(readFile(t, path), damaged) {
		t.Fatalf("the plan changed the store or does not say how to go on: %v", r)
	}
	var plan struct {
		Kept, Removed uint64
		NextSeq       uint64 `json:"next_seq"`
		Applied       bool
	}
	r = mustRun(t, exitIntegrity, "repair", "--path", dir, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || plan.Kept != uint64(2000-lost) || plan.Removed != uint64(lost) || plan.NextSeq != 2001 || plan.Applied {
		t.Fatalf("--json: %+v %v\n%s", plan, err, r.stdout)
	}

	r = mustRun(t, exitOK, "repair", "--path", dir, "--force")
	for _, want := range []string{"  copy       " + segs[0] + ".broken-", "result       repaired"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("repair output lacks %q:\n%s", want, r.stdout)
		}
	}
	copies, _ := filepath.Glob(path + ".broken-*")
	if len(copies) != 1 || !bytes.Equal(readFile(t, copies[0]), damaged) {
		t.Fatalf("copies %v", copies)
	}
	r = mustRun(t, exitOK, "verify", "--path", dir, "--json")
	var v llog.VerifyReport
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.Records != uint64(2000-lost) || len(v.Removed) != 1 || v.Removed[0].Policy != "repair" || v.Removed[0].Last != uint64(lost) {
		t.Fatalf("verify after the repair: %d records, removed %+v", v.Records, v.Removed)
	}
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "10")
	v2 := mustRun(t, exitOK, "verify", "--path", dir, "--json")
	if !strings.Contains(v2.stdout, `"last_seq":2010`) {
		t.Errorf("the records after the repair do not follow 2000: %s", v2.stdout[:200])
	}
	r = mustRun(t, exitOK, "repair", "--path", dir)
	if !strings.Contains(r.stdout, "nothing to repair") {
		t.Errorf("second repair: %v", r)
	}
	mustRun(t, exitCannotRun, "repair", "--path", filepath.Join(dir, "nope"))
	mustRun(t, exitUsage, "repair")
}
