package main

import (
	"bytes"
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
		// Redaction runs in Log with the default options: the seeded
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

// TestRepairCommand repairs the store demo refuses, then demo appends.
func TestRepairCommand(t *testing.T) {
	dir := tamperStore(t)
	segs := segments(t, dir)
	path := filepath.Join(dir, segs[len(segs)-1])
	flipByte(t, path, readFrames(t, path)[1].off+frameHeaderSize+3)
	damaged := readFile(t, path)
	mustRun(t, exitIntegrity, "demo", "--path", dir, "--n", "10")
	r := mustRun(t, exitOK, "repair", "--path", dir)
	for _, want := range []string{"segment  " + segs[len(segs)-1], "cut      at offset ", "copy     " + segs[len(segs)-1] + ".broken-"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("repair output lacks %q:\n%s", want, r.stdout)
		}
	}
	copies, _ := filepath.Glob(path + ".broken-*")
	if len(copies) != 1 || !bytes.Equal(readFile(t, copies[0]), damaged) {
		t.Fatalf("copies %v", copies)
	}
	mustRun(t, exitOK, "verify", "--path", dir)
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "10")
	r = mustRun(t, exitOK, "repair", "--path", dir)
	if !strings.HasPrefix(r.stdout, "nothing to repair") {
		t.Errorf("second repair: %v", r)
	}
	mustRun(t, exitCannotRun, "repair", "--path", filepath.Join(dir, "nope"))
	mustRun(t, exitUsage, "repair")
}
