package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
)

// The tests in this file run tools/llog_verify.py, the Python verifier
// written from FORMAT.md, on exports llog writes and on tampered copies.
// Python runs with -I -S: the verifier needs nothing but the standard
// library, and skipping site-packages makes it start several times faster.

const pyVerifier = "../../tools/llog_verify.py"

// needPython returns the Python 3 interpreter, or skips the test.
func needPython(t *testing.T) string {
	t.Helper()
	py := python()
	if py == "" {
		t.Skip("python3 not found: tools/llog_verify.py is not tested")
	}
	return py
}

// pyVerify runs the Python verifier on the export b (written to a file
// named name) with args, and returns its exit code and standard error.
func pyVerify(t *testing.T, b []byte, name string, args ...string) (int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	writeFile(t, path, b)
	cmd := exec.Command(needPython(t), append(append([]string{"-I", "-S", pyVerifier}, args...), path)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return 0, stderr.String()
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	t.Fatalf("run %s: %v", pyVerifier, err)
	return 0, ""
}

// mustVerify runs the verifier on b and fails the test unless it exits 0.
func mustVerify(t *testing.T, b []byte, name string, args ...string) {
	t.Helper()
	if code, stderr := pyVerify(t, b, name, args...); code != 0 || stderr != "" {
		t.Errorf("%s: llog_verify.py exit %d:\n%s", name, code, stderr)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPyVerifyExports runs the verifier on every layout of a demo
// store's export, filtered and not, and on the known-answer vectors.
func TestPyVerifyExports(t *testing.T) {
	needPython(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "150", "--seed", "12")
	rd, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	id := rd.StoreID()
	for _, args := range [][]string{
		{"--format", "json"},
		{"--format", "jsonl"},
		{"--format", "json", "--compress", "gzip"},
		{"--format", "jsonl", "--compress", "gzip"},
		{"--format", "json", "--model", "phi-3-mini"},
		{"--format", "jsonl", "--model", "qwen2.5-1.5b", "--model", "phi-3-mini"},
		{"--format", "jsonl", "--since", "2000-01-01", "--until", "2100-01-01"},
		{"--format", "json", "--until", "2000-01-01"},
		{"--format", "json", "--after-seq", "140"},
		{"--format", "jsonl", "--after-seq", "20", "--model", "phi-3-mini,qwen2.5-1.5b"},
	} {
		r := mustRun(t, exitOK, append([]string{"export", "--path", dir}, args...)...)
		mustVerify(t, []byte(r.stdout), "export", "--store-id", id)
	}
}

// TestPyVerifyVectors checks the known-answer vectors with the verifier:
// each record's body rebuilt from its members, its hash, the genesis
// digests and the vector exports.
func TestPyVerifyVectors(t *testing.T) {
	cmd := exec.Command(needPython(t), "-I", "-S", pyVerifier, "--vectors", vectorDir)
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "ok: vectors: 4 genesis digests, 7 records and 3 exports verify\n" {
		t.Errorf("llog_verify.py --vectors: %v\n%s", err, out)
	}
}

// TestPyVerifyUsage checks the verifier's exit codes for usage errors and
// help.
func TestPyVerifyUsage(t *testing.T) {
	py := needPython(t)
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout (help) or stderr
	}{
		{nil, 2, "give one EXPORT, or --vectors DIR"},
		{[]string{"-h"}, 0, "exit status: 0 the export verifies; 1 it does not"},
		{[]string{"--vectors", vectorDir, filepath.Join(vectorDir, "export.json")}, 2, "give one EXPORT, or --vectors DIR"},
		{[]string{"--receipt", "7", filepath.Join(vectorDir, "export.json")}, 2, "want SEQ:HASH"},
		{[]string{"--store-id", "xyz", filepath.Join(vectorDir, "export.json")}, 2, "want 32 hex digits"},
		{[]string{"--bogus", filepath.Join(vectorDir, "export.json")}, 2, "unrecognized arguments: --bogus"},
		{[]string{filepath.Join(t.TempDir(), "missing.json")}, 2, "No such file or directory"},
		{[]string{"-q", filepath.Join(vectorDir, "export.jsonl")}, 0, ""},
	} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(py, append([]string{"-I", "-S", pyVerifier}, tc.args...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.out) ||
			(tc.out == "" && stdout.Len()+stderr.Len() > 0) {
			t.Errorf("llog_verify.py %v: exit %d, want %d and %q\nstdout: %s\nstderr: %s", tc.args, code, tc.code, tc.out, &stdout, &stderr)
		}
	}
}

// TestPyVerifyLossless exports records holding the extreme values of
// every field and checks that each record's hash is recomputed from its
// members, by the Python verifier.
func TestPyVerifyLossless(t *testing.T) {
	needPython(t)
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, inf := range []llog.Inference{
		{Time: time.Unix(0, math.MaxInt64), Model: "m", Latency: math.MaxInt64, TokensIn: math.MaxInt32, TokensOut: 1},
		{Time: time.Unix(0, math.MinInt64), Model: "m", Latency: 1<<53 + 1},
		{Time: time.Unix(0, -1), Model: "m", Latency: 1e15 + 1, Prompt: "nul \x00 bad \xff\xfe utf-8 \xe2\x82 ls \u2028"},
		{Time: time.Unix(1, 1), Model: "modèle ✓", Latency: 999_999_999_999_999,
			Attributes: map[string]string{"": "empty key", "empty value": "", "bad \xff key": "bad \xc3\x28 value"}},
		{Time: time.Unix(2, 0), Model: "m", Prompt: strings.Repeat("é", 100_000), Response: "\x00"},
	} {
		if _, err := e.LogSync(t.Context(), inf); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "jsonl"} {
		r := mustRun(t, exitOK, "export", "--path", dir, "--format", format)
		mustVerify(t, []byte(r.stdout), "export."+format)
	}
}

// TestPyVerifyRetention checks an export of a store whose oldest records
// retention removed: the chain starts from the recorded anchor.
func TestPyVerifyRetention(t *testing.T) {
	needPython(t)
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{SegmentSize: 4096, Retention: llog.Retention{MaxRecords: 40}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := e.LogSync(context.Background(), llog.Inference{Model: "m", Prompt: strings.Repeat("p", 100+i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl")
	p := splitJSONL(t, []byte(r.stdout))
	if !bytes.Contains(p.tail, []byte(`"removed":[{`)) {
		t.Fatalf("retention removed nothing: %s", p.tail)
	}
	mustVerify(t, []byte(r.stdout), "export.jsonl")
	// The anchor is not the genesis, so a verifier that assumed it would fail.
	tampered := p.setTail(t, `"removed":\[.*\],"index"`, `"removed":[],"index"`).render("jsonl")
	if code, stderr := pyVerify(t, tampered, "export.jsonl"); code != 1 || !strings.Contains(stderr, "chain.anchor: ") {
		t.Errorf("retention records removed from the report: exit %d: %s", code, stderr)
	}
}

// TestPyVerifyRepairedStore exports a store that a repair kept whole but
// for a damaged batch in the middle of a segment: every record re-hashes,
// the record after the removed run links to the removal's anchor, the
// records and the Merkle root (removed records keep their leaves' places)
// agree with the report. An export whose removal record was dropped, or
// whose anchor was changed, fails.
func TestPyVerifyRepairedStore(t *testing.T) {
	needPython(t)
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{MaxBatchRecords: 50, MaxBatchDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		e.Log(context.Background(), llog.Inference{Model: "m", Prompt: strings.Repeat("p", 100+i)})
		if i%50 == 49 {
			e.Flush(context.Background())
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	segs := segments(t, dir)
	path := filepath.Join(dir, segs[0])
	var bs [][]frame
	for _, b := range batches(readFrames(t, path)) {
		if len(b) > 0 {
			bs = append(bs, b)
		}
	}
	if len(bs) < 3 {
		t.Fatalf("%d batches of records", len(bs))
	}
	flipByte(t, path, bs[1][0].off+frameHeaderSize+20) // the second batch of records
	mustRun(t, exitOK, "repair", "--path", dir, "--force")
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "5") // a checkpoint after the repair
	for _, format := range []string{"json", "jsonl"} {
		r := mustRun(t, exitOK, "export", "--path", dir, "--format", format)
		if !strings.Contains(r.stdout, `"policy":"repair"`) {
			t.Fatalf("no repair in the export's report")
		}
		mustVerify(t, []byte(r.stdout), "export."+format)
	}
	r := mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl")
	p := splitJSONL(t, []byte(r.stdout))
	for _, tc := range []struct{ name, re, repl, want string }{
		{"removal dropped", `"removed":\[.*\],"index"`, `"removed":[],"index"`, "missing from an unfiltered export"},
		{"anchor changed", `"anchor":"[0-9a-f]{64}","policy":"repair"`, `"anchor":"` + strings.Repeat("ab", 32) + `","policy":"repair"`, "prev_hash: "},
	} {
		tampered := p.clone().setTail(t, tc.re, tc.repl).render("jsonl")
		if code, stderr := pyVerify(t, tampered, "export.jsonl"); code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d: %s", tc.name, code, stderr)
		}
	}
}

// TestPyVerifyLostTail cuts the last batch of a store, which the index had
// seen committed: the tail looks torn, but acknowledged records are gone,
// and the verifier must say so.
func TestPyVerifyLostTail(t *testing.T) {
	needPython(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "30", "--seed", "2")
	segs := segments(t, dir)
	path := filepath.Join(dir, segs[len(segs)-1])
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()-10); err != nil {
		t.Fatal(err)
	}
	// At Close the store commits a checkpoint of its last records: with
	// their batch, or alone after it when the batch was committed first.
	// Then the cut tore only the checkpoint; cut into the batch before it.
	rep, err := llog.Verify(t.Context(), dir)
	if err == nil && rep.TornTail != nil && rep.TornTail.IndexedRecords == 0 {
		t.Logf("a checkpoint alone at offset %d: cut before it", rep.TornTail.Offset)
		if err := os.Truncate(path, rep.TornTail.Offset-10); err != nil {
			t.Fatal(err)
		}
		rep, err = llog.Verify(t.Context(), dir)
	}
	if err != nil || rep.TornTail == nil || rep.TornTail.IndexedRecords == 0 {
		t.Fatalf("the cut did not reach records the index saw committed: %v, %+v", err, rep)
	}
	out := mustRun(t, exitOK, "export", "--path", dir).stdout
	if code, stderr := pyVerify(t, []byte(out), "export.json"); code != 1 || !regexp.MustCompile(`chain\.(torn_tail|ok): `).MatchString(stderr) {
		t.Errorf("exit %d, want 1 naming chain.torn_tail or chain.ok: %s", code, stderr)
	}
}

// exportParts is an export taken apart so that a test can change it and
// write it back in either layout, with a correct export_hash.
type exportParts struct {
	records [][]byte // the record objects
	head    []byte   // {"format":…,"generated_at":"…"
	tail    []byte   // "exported":N,"chain":{…}
}

var trailerRE = regexp.MustCompile(`^(\{"format":.*,"generated_at":"[^"]*"),("exported":.*),"export_hash":"[0-9a-f]{64}"\}$`)

// splitJSONL takes apart a jsonl export.
func splitJSONL(t *testing.T, out []byte) *exportParts {
	t.Helper()
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	m := trailerRE.FindSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("not a jsonl export trailer: %s", lines[len(lines)-1])
	}
	return &exportParts{records: lines[:len(lines)-1], head: m[1], tail: m[2]}
}

// render writes the export in format "json" or "jsonl".
func (p *exportParts) render(format string) []byte {
	var b []byte
	if format == "json" {
		b = append(append(b, p.head...), `,"records":[`...)
		b = append(append(b, bytes.Join(p.records, []byte(","))...), "],"...)
	} else {
		for _, r := range p.records {
			b = append(append(b, r...), '\n')
		}
		b = append(append(b, p.head...), ',')
	}
	return withHash(append(b, p.tail...))
}

func (p *exportParts) clone() *exportParts {
	q := &exportParts{head: bytes.Clone(p.head), tail: bytes.Clone(p.tail)}
	for _, r := range p.records {
		q.records = append(q.records, bytes.Clone(r))
	}
	return q
}

// replace replaces the one match of the regular expression re in b with
// repl, failing the test when there is not exactly one.
func replace(t *testing.T, b []byte, re, repl string) []byte {
	t.Helper()
	x := regexp.MustCompile(re)
	if n := len(x.FindAllIndex(b, -1)); n != 1 {
		t.Fatalf("%q matches %d times in %s", re, n, b)
	}
	return x.ReplaceAll(b, []byte(repl))
}

// set changes record i (from 0) and returns p.
func (p *exportParts) set(t *testing.T, i int, re, repl string) *exportParts {
	t.Helper()
	p.records[i] = replace(t, p.records[i], re, repl)
	return p
}

// setTail changes the members after the records and returns p.
func (p *exportParts) setTail(t *testing.T, re, repl string) *exportParts {
	t.Helper()
	p.tail = replace(t, p.tail, re, repl)
	return p
}

// member returns the JSON text of a member of record i.
func (p *exportParts) member(t *testing.T, i int, key string) string {
	t.Helper()
	m := regexp.MustCompile(`"` + key + `":("(?:[^"\\]|\\.)*"|[^,}]*)`).FindSubmatch(p.records[i])
	if m == nil {
		t.Fatalf("record %d has no %s: %s", i, key, p.records[i])
	}
	return string(m[1])
}

// seqOf returns the sequence number of record i.
func (p *exportParts) seqOf(t *testing.T, i int) int {
	n, err := strconv.Atoi(p.member(t, i, "seq"))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// find returns the index of the first record matching re.
func (p *exportParts) find(t *testing.T, re string) int {
	t.Helper()
	x := regexp.MustCompile(re)
	for i, r := range p.records {
		if x.Match(r) {
			return i
		}
	}
	t.Fatalf("no record matches %q", re)
	return 0
}

// TestPyVerifyTamper changes an export of a demo store in every way the
// table lists, writes it back with a recomputed export_hash (unless the
// row says otherwise), and expects the Python verifier to exit 1 naming
// the record's seq and the member.
func TestPyVerifyTamper(t *testing.T) {
	needPython(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "demo", "--path", dir, "--n", "60", "--seed", "5")
	orig := []byte(mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl").stdout)
	base := splitJSONL(t, orig)
	if !bytes.Equal(base.render("jsonl"), orig) {
		t.Fatal("splitJSONL and render do not give back the export")
	}
	mustVerify(t, base.render("json"), "export.json")
	rd, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	id := rd.StoreID()
	last := len(base.records) - 1
	red := base.find(t, `"redactions":\{"`)
	head := regexp.MustCompile(`"head_hash":"([0-9a-f]{64})"`).FindSubmatch(base.tail)[1]

	type result struct {
		bytes []byte   // the export, when the row changes bytes rather than parts
		args  []string // extra arguments
		want  string   // regular expression stderr must match
	}
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, p *exportParts) result
	}{
		{"edit a response", func(t *testing.T, p *exportParts) result {
			p.set(t, 3, `"response":"(?:[^"\\]|\\.)*"`, `"response":"All clear."`)
			return result{want: fmt.Sprintf(`seq %d: hash: recomputed`, p.seqOf(t, 3))}
		}},
		{"edit a response, keep the export_hash", func(t *testing.T, p *exportParts) result {
			p.set(t, 3, `"response":"`, `"response":"X`)
			b := p.render("jsonl")
			return result{bytes: append(b[:len(b)-83:len(b)-83], orig[len(orig)-83:]...),
				want: `(?s)seq 4: hash: .*export_hash: the export's bytes hash to `}
		}},
		{"edit the model", func(t *testing.T, p *exportParts) result {
			p.set(t, 7, `"model":"[^"]*"`, `"model":"gpt-4o"`)
			return result{want: `seq 8: hash: `}
		}},
		{"edit a prompt by one character", func(t *testing.T, p *exportParts) result {
			p.set(t, 9, `"prompt":"(.)`, `"prompt":"_`)
			return result{want: `seq 10: hash: `}
		}},
		{"change a latency", func(t *testing.T, p *exportParts) result {
			ns, _ := strconv.ParseInt(p.member(t, 5, "latency_ns"), 10, 64)
			ns += 1_000_000
			p.set(t, 5, `"latency_ms":[^,]*,"latency_ns":[0-9]+`,
				fmt.Sprintf(`"latency_ms":%s,"latency_ns":%d`, canon.AppendMillis(nil, time.Duration(ns)), ns))
			return result{want: `seq 6: hash: `}
		}},
		{"change latency_ms only", func(t *testing.T, p *exportParts) result {
			p.set(t, 5, `"latency_ms":[^,]*`, `"latency_ms":1`)
			return result{want: `seq 6: latency_ms: is 1, but latency_ns`}
		}},
		{"claim an after_seq the records do not keep", func(t *testing.T, p *exportParts) result {
			if !bytes.Contains(p.head, []byte(`"models":[]}`)) {
				t.Fatalf("head %s", p.head)
			}
			p.head = bytes.Replace(p.head, []byte(`"models":[]}`), []byte(`"models":[],"after_seq":5}`), 1)
			return result{want: `seq 1: seq: is not after the filter's after_seq 5`}
		}},
		{"latency_ns as a float", func(t *testing.T, p *exportParts) result {
			p.set(t, 5, `"latency_ns":([0-9]+)`, `"latency_ns":${1}.5`)
			return result{want: `seq 6: latency_ns: `}
		}},
		{"change the time", func(t *testing.T, p *exportParts) result {
			p.set(t, 2, `"time":"....`, `"time":"2025`)
			return result{want: `seq 3: hash: `}
		}},
		{"change token counts", func(t *testing.T, p *exportParts) result {
			p.set(t, 2, `"tokens_out":[0-9]+`, `"tokens_out":1`)
			return result{want: `seq 3: hash: `}
		}},
		{"mark the token count estimated", func(t *testing.T, p *exportParts) result {
			p.set(t, 2, `("tokens_out":[0-9]+)`, `${1},"tokens_in_estimated":true`)
			return result{want: `seq 3: hash: `}
		}},
		{"change an attribute", func(t *testing.T, p *exportParts) result {
			p.set(t, 4, `"device.id":"[^"]*"`, `"device.id":"rpi-5"`)
			return result{want: `seq 5: hash: `}
		}},
		{"add an attribute", func(t *testing.T, p *exportParts) result {
			p.set(t, 4, `"attributes":\{`, `"attributes":{"approved":"yes",`)
			return result{want: `seq 5: hash: `}
		}},
		{"change redaction counts", func(t *testing.T, p *exportParts) result {
			p.set(t, red, `"redactions":\{"([A-Z_]+)":[0-9]+`, `"redactions":{"${1}":7`)
			return result{want: fmt.Sprintf(`seq %d: hash: `, p.seqOf(t, red))}
		}},
		{"hide redactions", func(t *testing.T, p *exportParts) result {
			p.set(t, red, `"redactions":\{[^}]*\}`, `"redactions":{}`)
			return result{want: fmt.Sprintf(`seq %d: hash: `, p.seqOf(t, red))}
		}},
		{"change prev_hash", func(t *testing.T, p *exportParts) result {
			p.set(t, 10, `"prev_hash":"[0-9a-f]{64}"`, `"prev_hash":`+p.member(t, 8, "hash"))
			return result{want: `seq 11: prev_hash: is [0-9a-f]{64}, the hash of seq 10 is`}
		}},
		{"change a hash", func(t *testing.T, p *exportParts) result {
			p.set(t, 10, `"hash":"[0-9a-f]{64}"`, `"hash":`+p.member(t, 10, "prev_hash"))
			return result{want: `(?s)seq 11: hash: .*seq 12: prev_hash: `}
		}},
		{"drop a record", func(t *testing.T, p *exportParts) result {
			p.records = append(p.records[:20], p.records[21:]...)
			p.setTail(t, `"exported":[0-9]+`, fmt.Sprintf(`"exported":%d`, len(p.records)))
			return result{want: `seq 22: seq: follows seq 20: record 21 is missing`}
		}},
		{"drop the first record", func(t *testing.T, p *exportParts) result {
			p.records = p.records[1:]
			p.setTail(t, `"exported":[0-9]+`, fmt.Sprintf(`"exported":%d`, len(p.records)))
			return result{want: `seq 2: seq: an unfiltered export must start with the store's first record, seq 1`}
		}},
		{"drop the last record", func(t *testing.T, p *exportParts) result {
			p.records = p.records[:last]
			p.setTail(t, `"exported":[0-9]+`, fmt.Sprintf(`"exported":%d`, len(p.records)))
			return result{want: fmt.Sprintf(`seq %d: seq: an unfiltered export must end with the store's last record, seq %d`, last, last+1)}
		}},
		{"drop the last record and its head", func(t *testing.T, p *exportParts) result {
			p.records = p.records[:last]
			p.setTail(t, `"exported":[0-9]+`, fmt.Sprintf(`"exported":%d`, len(p.records)))
			p.setTail(t, `"records":[0-9]+,"first_seq":1,"last_seq":[0-9]+,"head_hash":"[0-9a-f]{64}"`,
				fmt.Sprintf(`"records":%d,"first_seq":1,"last_seq":%d,"head_hash":%s`, last, last, p.member(t, last-1, "hash")))
			return result{args: []string{"--receipt", fmt.Sprintf("%d:%s", last+1, head)},
				want: fmt.Sprintf(`seq %d: receipt: the store ends at seq %d`, last+1, last)}
		}},
		{"reorder two records", func(t *testing.T, p *exportParts) result {
			p.records[30], p.records[31] = p.records[31], p.records[30]
			return result{want: `seq 31: seq: comes after seq 32`}
		}},
		{"repeat a record", func(t *testing.T, p *exportParts) result {
			p.records = append(p.records[:31], p.records[30:]...)
			p.setTail(t, `"exported":[0-9]+`, fmt.Sprintf(`"exported":%d`, len(p.records)))
			return result{want: `seq 31: seq: comes after seq 31`}
		}},
		{"change exported", func(t *testing.T, p *exportParts) result {
			p.setTail(t, `"exported":[0-9]+`, `"exported":7`)
			return result{want: `exported: is 7, the export holds`}
		}},
		{"change the head in the chain report", func(t *testing.T, p *exportParts) result {
			p.setTail(t, `"head_hash":"[0-9a-f]{64}"`, `"head_hash":`+p.member(t, last-1, "hash"))
			return result{want: fmt.Sprintf(`seq %d: chain.head_hash: is `, last+1)}
		}},
		{"change the anchor", func(t *testing.T, p *exportParts) result {
			p.setTail(t, `"anchor":"[0-9a-f]{64}"`, `"anchor":`+p.member(t, 0, "hash"))
			return result{want: `(?s)chain.anchor: is .*seq 1: prev_hash: the store's first record must follow the anchor`}
		}},
		{"claim another store", func(t *testing.T, p *exportParts) result {
			p.head = replace(t, p.head, `"id":"[0-9a-f]{32}"`, `"id":"000102030405060708090a0b0c0d0e0f"`)
			p.setTail(t, `"store_id":"[0-9a-f]{32}"`, `"store_id":"000102030405060708090a0b0c0d0e0f"`)
			return result{want: `chain.anchor: is [0-9a-f]{64}; with no retention record it must be the genesis of store 000102030405060708090a0b0c0d0e0f`}
		}},
		{"an export of another store", func(t *testing.T, p *exportParts) result {
			return result{args: []string{"--store-id", "ffffffffffffffffffffffffffffffff"},
				want: `store.id: is ` + id + `, not the store ffffffffffffffffffffffffffffffff you named`}
		}},
		{"hide a break", func(t *testing.T, p *exportParts) result {
			p.setTail(t, `"ok":true`, `"ok":false`)
			return result{want: `chain.break_count: ok False, 0 breaks listed and break_count 0 do not agree`}
		}},
		{"add a member to a record", func(t *testing.T, p *exportParts) result {
			p.set(t, 12, `"redactions"`, `"reviewed":true,"redactions"`)
			return result{want: `seq 13: reviewed: is not a record member of llog-export/1`}
		}},
		{"reorder a record's members", func(t *testing.T, p *exportParts) result {
			p.set(t, 12, `("model":"[^"]*"),("provider":"[^"]*")`, `${2},${1}`)
			return result{want: `seq 13: members: out of order`}
		}},
		{"an empty optional member", func(t *testing.T, p *exportParts) result {
			p.set(t, 12, `("response":"(?:[^"\\]|\\.)*")`, `${1},"error":""`)
			return result{want: `seq 13: error: is '': present only as a non-empty string`}
		}},
		{"a duplicate member", func(t *testing.T, p *exportParts) result {
			p.set(t, 12, `("model":"[^"]*")`, `${1},${1}`)
			return result{want: `duplicate member 'model'`}
		}},
		{"not canonical JSON", func(t *testing.T, p *exportParts) result {
			p.set(t, 12, `"seq":`, `"seq": `)
			return result{want: `is not canonical JSON`}
		}},
		{"truncated file", func(t *testing.T, p *exportParts) result {
			b := p.render("jsonl")
			return result{bytes: b[:len(b)/2], want: `export_hash: the export does not end with its export_hash member`}
		}},
		{"truncated gzip", func(t *testing.T, p *exportParts) result {
			b := gzipBytes(t, p.render("jsonl"))
			return result{bytes: b[:len(b)-20], want: `gzip: the compressed export is damaged or truncated`}
		}},
		{"bad gzip", func(t *testing.T, p *exportParts) result {
			b := gzipBytes(t, p.render("jsonl"))
			b[len(b)/2] ^= 0xff
			return result{bytes: b, want: `gzip: the compressed export is damaged or truncated`}
		}},
		{"not an export", func(t *testing.T, p *exportParts) result {
			return result{bytes: []byte("hello\n"), want: `export_hash: the export does not end with its export_hash member`}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The rows share nothing but base, which they clone: most of
			// their time is Python starting.
			t.Parallel()
			p := base.clone()
			res := tc.do(t, p)
			outs := map[string][]byte{"export.bin": res.bytes}
			if res.bytes == nil {
				outs = map[string][]byte{
					"export.json":     p.render("json"),
					"export.jsonl":    p.render("jsonl"),
					"export.jsonl.gz": gzipBytes(t, p.render("jsonl")),
				}
			}
			for name, b := range outs {
				code, stderr := pyVerify(t, b, name, res.args...)
				if code != 1 || !regexp.MustCompile(res.want).MatchString(stderr) {
					t.Errorf("%s: exit %d, want 1 and stderr matching %q; stderr:\n%s", name, code, res.want, stderr)
				}
			}
		})
	}
}
