package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
)

// export is a decoded --format json export.
type export struct {
	Format string `json:"format"`
	Store  struct {
		ID      string    `json:"id"`
		Path    string    `json:"path"`
		Created time.Time `json:"created"`
	} `json:"store"`
	Filter struct {
		Since  *time.Time `json:"since"`
		Until  *time.Time `json:"until"`
		Models []string   `json:"models"`
	} `json:"filter"`
	GeneratedAt time.Time          `json:"generated_at"`
	Records     []exportRecord     `json:"records"`
	Exported    int                `json:"exported"`
	Chain       *llog.VerifyReport `json:"chain"`
	Checkpoint  *string            `json:"checkpoint"`
	ExportHash  string             `json:"export_hash"`
}

// exportRecord is a decoded record of an export.
type exportRecord struct {
	Seq                uint64            `json:"seq"`
	Time               string            `json:"time"`
	Model              string            `json:"model"`
	Provider           string            `json:"provider"`
	Operation          string            `json:"operation"`
	Prompt             string            `json:"prompt"`
	Response           string            `json:"response"`
	Error              string            `json:"error"`
	LatencyMS          float64           `json:"latency_ms"`
	LatencyNS          int64             `json:"latency_ns"`
	TokensIn           int               `json:"tokens_in"`
	TokensOut          int               `json:"tokens_out"`
	TokensInEstimated  bool              `json:"tokens_in_estimated"`
	TokensOutEstimated bool              `json:"tokens_out_estimated"`
	TraceID            string            `json:"trace_id"`
	SpanID             string            `json:"span_id"`
	ConversationID     string            `json:"conversation_id"`
	Attributes         map[string]string `json:"attributes"`
	Redactions         map[string]int    `json:"redactions"`
	PrevHash           string            `json:"prev_hash"`
	Hash               string            `json:"hash"`
}

var exportEnd = regexp.MustCompile(`,"export_hash":"([0-9a-f]{64})"\}\n$`)

// checkExportHash recomputes export_hash from the output as the package
// documentation defines it: SHA-256 of the output without its last 83
// bytes (the export_hash member, the closing brace and the newline),
// followed by "}". It returns the hash.
func checkExportHash(t *testing.T, out []byte) string {
	t.Helper()
	m := exportEnd.FindSubmatch(out)
	if m == nil {
		t.Fatalf("the output does not end with the export_hash member: ...%q", out[max(0, len(out)-120):])
	}
	h := sha256.New()
	h.Write(out[:len(out)-83])
	h.Write([]byte("}"))
	if got := hex.EncodeToString(h.Sum(nil)); got != string(m[1]) {
		t.Fatalf("export_hash %s, recomputed %s", m[1], got)
	}
	return string(m[1])
}

// pythonCheck recomputes export_hash with the Python recipe of the package
// documentation, from the decoded JSON values. It skips when there is no
// python3.
func pythonCheck(t *testing.T, path, format string) {
	t.Helper()
	py := python()
	if py == "" {
		t.Log("no python3: skipping the Python recipe")
		return
	}
	script := `
import hashlib, json, sys
def canon(v): return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
path, fmt = sys.argv[1], sys.argv[2]
if fmt == "json":
    doc = json.load(open(path, encoding="utf-8"))
    want = doc.pop("export_hash")
    got = hashlib.sha256(canon(doc).encode()).hexdigest()
else:
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    trailer = json.loads(lines[-1]); want = trailer.pop("export_hash")
    data = "".join(canon(json.loads(l)) + "\n" for l in lines[:-1]) + canon(trailer)
    got = hashlib.sha256(data.encode()).hexdigest()
print("ok" if got == want else "mismatch: got %s want %s" % (got, want))
`
	out, err := exec.Command(py, "-c", script, path, format).CombinedOutput()
	if err != nil || string(out) != "ok\n" {
		t.Fatalf("python recipe: %v: %s", err, out)
	}
}

// python returns the path of the Python 3 interpreter, or "" when there
// is none. It asks python3 for its own path once, so that later runs skip
// wrappers such as pyenv's shims, which are slow to start.
var python = sync.OnceValue(func() string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
})

// decodeExport decodes a --format json export, rejecting unknown members.
func decodeExport(t *testing.T, out []byte) *export {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var x export
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("decode export: %v", err)
	}
	return &x
}

// decodeJSONL decodes a --format jsonl export: the records and the
// trailer (decoded as an export with no records).
func decodeJSONL(t *testing.T, out []byte) ([]exportRecord, *export) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	var recs []exportRecord
	for _, l := range lines[:len(lines)-1] {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		var r exportRecord
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("decode record line %q: %v", l, err)
		}
		recs = append(recs, r)
	}
	return recs, decodeExport(t, []byte(lines[len(lines)-1]))
}

// storeRecords returns the records of the store in dir that match f.
func storeRecords(t *testing.T, dir string, f llog.Filter) []llog.Record {
	t.Helper()
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	var recs []llog.Record
	for rec, err := range r.Query(t.Context(), f) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// compareRecords checks exported records against the store's.
func compareRecords(t *testing.T, got []exportRecord, want []llog.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("exported %d records, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		tm, err := time.Parse(time.RFC3339Nano, g.Time)
		if err != nil || !tm.Equal(w.Time) || !strings.HasSuffix(g.Time, "Z") || len(g.Time) != len("2006-01-02T15:04:05.000000000Z") {
			t.Errorf("record %d: time %q, want %v in UTC with nanoseconds", w.Seq, g.Time, w.Time)
		}
		redactions := w.Redactions
		if redactions == nil {
			redactions = map[string]int{}
		}
		if g.Seq != w.Seq || g.Model != w.Model || g.Provider != w.Provider || g.Operation != w.Operation ||
			g.Prompt != w.Prompt || g.Response != w.Response || g.Error != w.Error ||
			g.LatencyMS != float64(w.Latency)/1e6 || g.LatencyNS != int64(w.Latency) || g.TokensIn != w.TokensIn || g.TokensOut != w.TokensOut ||
			g.TokensInEstimated != w.TokensInEstimated || g.TokensOutEstimated != w.TokensOutEstimated ||
			g.TraceID != w.TraceID || g.SpanID != w.SpanID || g.ConversationID != w.ConversationID ||
			fmt.Sprint(g.Attributes) != fmt.Sprint(w.Attributes) || fmt.Sprint(g.Redactions) != fmt.Sprint(redactions) ||
			g.PrevHash != w.PrevHash.String() || g.Hash != w.Hash.String() {
			t.Errorf("record %d differs:\ngot  %+v\nwant %+v", w.Seq, g, w)
		}
	}
}

func TestExportJSON(t *testing.T) {
	dir := tamperStore(t)
	before := time.Now().UTC()
	r := mustRun(t, exitOK, "export", "--path", dir)
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	out := []byte(r.stdout)
	hash := checkExportHash(t, out)
	if bytes.Count(out, []byte("\n")) != 1 {
		t.Errorf("want the export on one line")
	}
	x := decodeExport(t, out)
	rd, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	if x.Format != "llog-export/1" || x.Store.ID != rd.StoreID() || x.Store.Path != dir ||
		!x.Store.Created.Equal(rd.Created()) || x.GeneratedAt.Before(before.Add(-time.Second)) ||
		x.Filter.Since != nil || x.Filter.Until != nil || len(x.Filter.Models) != 0 || x.ExportHash != hash {
		t.Errorf("unexpected head: %+v", x)
	}
	rep, err := llog.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep.Breaks = []llog.Break{}
	got, _ := json.Marshal(x.Chain)
	want, _ := json.Marshal(rep)
	if string(got) != string(want) {
		t.Errorf("chain report\ngot  %s\nwant %s", got, want)
	}
	if x.Exported != 120 {
		t.Errorf("exported %d", x.Exported)
	}
	compareRecords(t, x.Records, storeRecords(t, dir, llog.Filter{}))
	path := filepath.Join(t.TempDir(), "export.json")
	writeFile(t, path, out)
	pythonCheck(t, path, "json")

	// Changing any byte before the hash changes it.
	out[len(out)/2] ^= 1
	h := sha256.Sum256(append(out[:len(out)-83:len(out)-83], '}'))
	if hex.EncodeToString(h[:]) == hash {
		t.Error("the export hash does not cover the records")
	}
}

func TestExportJSONL(t *testing.T) {
	dir := tamperStore(t)
	r := mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl")
	out := []byte(r.stdout)
	hash := checkExportHash(t, out)
	recs, trailer := decodeJSONL(t, out)
	if trailer.Format != "llog-export/1" || trailer.Exported != 120 || trailer.ExportHash != hash || !trailer.Chain.OK || trailer.Records != nil {
		t.Errorf("unexpected trailer %+v", trailer)
	}
	compareRecords(t, recs, storeRecords(t, dir, llog.Filter{}))
	path := filepath.Join(t.TempDir(), "export.jsonl")
	writeFile(t, path, out)
	pythonCheck(t, path, "jsonl")
}

// TestExportCanonical exports records holding every kind of character
// and latency the canonical form has a rule for, and recomputes the hash
// from the decoded values with Python.
func TestExportCanonical(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true})
	if err != nil {
		t.Fatal(err)
	}
	weird := "quote \" backslash \\ newline \n cr \r tab \t bs \b ff \f ctl \x01\x1f del \x7f ls \u2028 ps \u2029 html <>& é 漢字 😀 nul \x00"
	for i, lat := range []time.Duration{0, 1, 15, 100, 999, 1500 * time.Microsecond, 87300 * time.Microsecond,
		time.Second, 123456789, 1<<53 + 1, 1<<63 - 1} {
		inf := llog.Inference{
			Time:      time.Unix(0, int64(i)*1_000_000_007).In(time.FixedZone("X", 3600)),
			Model:     "m " + weird,
			Prompt:    weird,
			Response:  fmt.Sprint(i),
			Latency:   lat,
			TraceID:   "t",
			SpanID:    "s",
			Error:     "e\n",
			Provider:  "p",
			Operation: "o",
			Attributes: map[string]string{
				"z": weird, "a": "1", "é": "2", "\u2028": "3",
			},
		}
		if _, err := e.LogSync(t.Context(), inf); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "jsonl"} {
		r := mustRun(t, exitOK, "export", "--path", dir, "--format", format)
		out := []byte(r.stdout)
		checkExportHash(t, out)
		path := filepath.Join(t.TempDir(), "export."+format)
		writeFile(t, path, out)
		pythonCheck(t, path, format)
		var recs []exportRecord
		if format == "json" {
			recs = decodeExport(t, out).Records
		} else {
			recs, _ = decodeJSONL(t, out)
		}
		compareRecords(t, recs, storeRecords(t, dir, llog.Filter{}))
	}
}

func TestExportFilter(t *testing.T) {
	dir := tamperStore(t) // record i at 2026-01-01 00:00 + i minutes, model testModels[i%3]
	for _, tc := range []struct {
		args   []string
		filter llog.Filter
		n      int
	}{
		{[]string{"--since", "2026-01-01T01:00:00Z"}, llog.Filter{Since: baseTime.Add(time.Hour)}, 60},
		{[]string{"--until", "2026-01-01T00:10:00.5+00:00"}, llog.Filter{Until: baseTime.Add(10*time.Minute + 500*time.Millisecond)}, 11},
		{[]string{"--since", "2026-01-01", "--until", "2026-01-02"}, llog.Filter{Since: baseTime, Until: baseTime.Add(24 * time.Hour)}, 120},
		{[]string{"--until", "2026-01-01"}, llog.Filter{Until: baseTime}, 0},
		{[]string{"--since", "2026-01-01T02:00:00+01:00"}, llog.Filter{Since: baseTime.Add(time.Hour)}, 60},
		{[]string{"--model", "phi-3-mini"}, llog.Filter{Models: []string{"phi-3-mini"}}, 40},
		{[]string{"--model", "phi-3-mini", "--model", "gemma-2-2b-it", "--since", "2026-01-01T01:00:00Z"},
			llog.Filter{Models: []string{"phi-3-mini", "gemma-2-2b-it"}, Since: baseTime.Add(time.Hour)}, 40},
	} {
		args := append([]string{"export", "--path", dir}, tc.args...)
		r := mustRun(t, exitOK, args...)
		checkExportHash(t, []byte(r.stdout))
		x := decodeExport(t, []byte(r.stdout))
		if x.Exported != tc.n || len(x.Records) != tc.n {
			t.Errorf("%v: exported %d, want %d", tc.args, x.Exported, tc.n)
		}
		compareRecords(t, x.Records, storeRecords(t, dir, tc.filter))
		if x.Chain.Records != 120 {
			t.Errorf("%v: the chain report must cover the whole store: %+v", tc.args, x.Chain)
		}
		if (x.Filter.Since == nil) != tc.filter.Since.IsZero() || (x.Filter.Since != nil && !x.Filter.Since.Equal(tc.filter.Since)) ||
			(x.Filter.Until == nil) != tc.filter.Until.IsZero() || (x.Filter.Until != nil && !x.Filter.Until.Equal(tc.filter.Until)) ||
			fmt.Sprint(x.Filter.Models) != fmt.Sprint(tc.filter.Models) {
			t.Errorf("%v: filter %+v", tc.args, x.Filter)
		}
	}
}

func TestExportOutGzip(t *testing.T) {
	dir := tamperStore(t)
	outDir := t.TempDir()
	for _, format := range []string{"json", "jsonl"} {
		plain := filepath.Join(outDir, "x."+format)
		gz := plain + ".gz"
		r := mustRun(t, exitOK, "export", "--path", dir, "--format", format, "--out", plain)
		if r.stdout != "" || r.stderr != "" {
			t.Errorf("--out: %v", r)
		}
		want := readFile(t, plain)
		checkExportHash(t, want)

		r = mustRun(t, exitOK, "export", "--path", dir, "--format", format, "--out", gz, "--compress", "gzip")
		zr, err := gzip.NewReader(bytes.NewReader(readFile(t, gz)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		checkExportHash(t, got)
		// Only generated_at (and so the hash) may differ between the two.
		re := regexp.MustCompile(`"generated_at":"[^"]*"|"export_hash":"[0-9a-f]*"`)
		if !bytes.Equal(re.ReplaceAll(got, nil), re.ReplaceAll(want, nil)) {
			t.Errorf("%s: gzip output differs from the plain one", format)
		}

		r = mustRun(t, exitOK, "export", "--path", dir, "--format", format, "--compress", "gzip")
		zr, err = gzip.NewReader(strings.NewReader(r.stdout))
		if err != nil {
			t.Fatal(err)
		}
		got, _ = io.ReadAll(zr)
		checkExportHash(t, got)
	}
	ents, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 4 {
		t.Errorf("want exactly the 4 exports in %s, have %v", outDir, ents)
	}
	for _, e := range ents {
		if fi, _ := e.Info(); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", e.Name(), fi.Mode())
		}
	}
}

// TestExportOutFailure checks that a failed export leaves no file behind,
// not even the temporary one.
func TestExportOutFailure(t *testing.T) {
	outDir := t.TempDir()
	out := filepath.Join(outDir, "x.json")
	dir := tamperStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := runContext(ctx, newEnv(nil, &stdout, &stderr), []string{"export", "--path", dir, "--out", out})
	if code != exitCannotRun || !strings.HasPrefix(stderr.String(), "llog: export: ") {
		t.Fatalf("canceled export: exit %d, %q", code, stderr.String())
	}
	if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
		t.Errorf("a failed export left %v", ents)
	}
}

func TestExportTamper(t *testing.T) {
	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			dir := tamperStore(t)
			seg, off := tc.do(t, dir)
			r := mustRun(t, exitIntegrity, "export", "--path", dir, "--fail-on-tamper")
			if !strings.HasPrefix(r.stderr, "llog: export: the store does not verify: ") {
				t.Errorf("stderr: %q", r.stderr)
			}
			checkBreakReported(t, r.stderr, seg, off)
			checkExportHash(t, []byte(r.stdout))
			x := decodeExport(t, []byte(r.stdout))
			if x.Chain.OK || x.Chain.BreakCount == 0 || x.Chain.Breaks[0].Segment != seg {
				t.Errorf("chain report: %+v", x.Chain)
			}

			// Without --fail-on-tamper: exit 0, the report says it, and a
			// warning goes to stderr.
			r = mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl")
			if !strings.HasPrefix(r.stderr, "llog: export: warning: the store does not verify: ") {
				t.Errorf("stderr: %q", r.stderr)
			}
			checkExportHash(t, []byte(r.stdout))
			recs, trailer := decodeJSONL(t, []byte(r.stdout))
			if trailer.Chain.OK || trailer.Chain.Breaks[0].Segment != seg || len(recs) != trailer.Exported {
				t.Errorf("trailer: %+v", trailer)
			}
		})
	}
}

func TestExportTornTail(t *testing.T) {
	dir := tamperStore(t)
	seg := tearTail(t, dir)
	r := mustRun(t, exitOK, "export", "--path", dir, "--fail-on-tamper")
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	x := decodeExport(t, []byte(r.stdout))
	if !x.Chain.OK || x.Chain.TornTail == nil || x.Chain.TornTail.Segment != seg {
		t.Errorf("want a torn tail in %s: %+v", seg, x.Chain)
	}
}

func TestExportProgress(t *testing.T) {
	dir := tamperStore(t)
	var stdout, stderr bytes.Buffer
	e := newEnv(nil, &stdout, &stderr)
	e.progress = true
	if code := runContext(t.Context(), e, []string{"export", "--path", dir}); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.HasSuffix(stderr.String(), "llog: export: 120 records exported, "+formatBytes(int64(stdout.Len()))+" written\n") {
		t.Errorf("progress: %q", stderr.String())
	}
}

// TestExportWhileWriting exports, several times, a store that another
// process is writing: each export must be a consistent prefix that
// verifies.
func TestExportWhileWriting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	// The writer says how many records it has committed after each commit.
	committed := make(chan int)
	go func() {
		defer close(committed)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			n, _ := strconv.Atoi(sc.Text())
			select {
			case committed <- n:
			default: // the test is exporting
			}
		}
	}()
	// waitCommitted waits until the writer has committed more than n
	// records, and returns how many it has.
	waitCommitted := func(n int) int {
		t.Helper()
		timeout := time.After(time.Minute)
		for {
			select {
			case c, ok := <-committed:
				if !ok {
					t.Fatalf("the writer stopped: %s", stderr.String())
				}
				if c > n {
					return c
				}
			case <-timeout:
				t.Fatalf("the writer committed no more than %d records in a minute: %s", n, stderr.String())
			}
		}
	}
	waitCommitted(0)
	rd, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := hex.DecodeString(rd.StoreID())
	genesis := chain.Genesis(id).String()
	last := 0
	for i := range 4 {
		// Every export runs while the writer writes, and holds at least
		// what was committed before it began.
		atLeast := waitCommitted(last)
		r := mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl", "--fail-on-tamper")
		checkExportHash(t, []byte(r.stdout))
		recs, trailer := decodeJSONL(t, []byte(r.stdout))
		c := trailer.Chain
		if !c.OK || c.Records != uint64(len(recs)) || trailer.Exported != len(recs) {
			t.Fatalf("export %d: %+v", i, c)
		}
		prev := genesis
		for j, rec := range recs {
			if rec.Seq != uint64(j+1) || rec.PrevHash != prev {
				t.Fatalf("export %d: record %d has seq %d and prev_hash %s, want %d and %s", i, j, rec.Seq, rec.PrevHash, j+1, prev)
			}
			prev = rec.Hash
		}
		if c.LastSeq != uint64(len(recs)) || c.HeadHash.String() != prev {
			t.Fatalf("export %d: the report's head does not match the last record: %+v", i, c)
		}
		if len(recs) < atLeast {
			t.Errorf("export %d: %d records, but %d were committed before it began", i, len(recs), atLeast)
		}
		t.Logf("export %d: %d records, %d segments, torn tail %v", i, len(recs), c.Segments, c.TornTail != nil)
		last = len(recs)
	}
}

// TestExportTerminalAndProgress checks that compressed output is refused
// on a terminal, and that the progress on a terminal counts the bytes that
// reached the output.
func TestExportTerminalAndProgress(t *testing.T) {
	dir := newStore(t, storeOpts{n: 50})
	r := runWith(t, func(e *env) { e.stdoutTerminal = true }, "export", "--path", dir, "--compress", "gzip")
	if r.code != exitUsage || r.stdout != "" || !strings.HasPrefix(r.stderr, "llog: export: --compress gzip: standard output is a terminal: give --out FILE or redirect the output\n") {
		t.Errorf("%v", r)
	}
	// To a file it is fine, and so is plain JSON to a terminal.
	out := filepath.Join(t.TempDir(), "x.json.gz")
	r = runWith(t, func(e *env) { e.stdoutTerminal, e.progress = true, true }, "export", "--path", dir, "--compress", "gzip", "--out", out)
	fi, err := os.Stat(out)
	if r.code != exitOK || err != nil {
		t.Fatalf("%v %v", r, err)
	}
	m := regexp.MustCompile(`llog: export: 50 records exported, ([\d.]+ K?i?B) written \((\d+\.\d) KiB uncompressed\)\n$`).FindStringSubmatch(r.stderr)
	if m == nil || m[1] != formatBytes(fi.Size()) {
		t.Errorf("progress %q, file %d bytes", r.stderr, fi.Size())
	}
	r = runWith(t, func(e *env) { e.stdoutTerminal, e.progress = true, true }, "export", "--path", dir)
	if r.code != exitOK || !strings.HasSuffix(r.stderr, fmt.Sprintf("llog: export: 50 records exported, %s written\n", formatBytes(int64(len(r.stdout))))) {
		t.Errorf("%q", r.stderr)
	}
}

// TestExportAfterSeq checks --after-seq and that the export says it used
// it.
func TestExportAfterSeq(t *testing.T) {
	dir := newStore(t, storeOpts{n: 20})
	r := mustRun(t, exitOK, "export", "--path", dir, "--format", "jsonl", "--after-seq", "15")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], `{"seq":16,`) || !strings.Contains(lines[5], `"models":[],"after_seq":15},"generated_at":`) {
		t.Errorf("%s", r.stdout)
	}
	r = mustRun(t, exitOK, "export", "--path", dir, "--format", "otlp-logs", "--after-seq", "15", "--batch", "2")
	if n := strings.Count(r.stdout, "\n"); n != 3 || strings.Count(r.stdout, `"key":"llog.seq"`) != 5 || strings.Contains(r.stdout, `"gen_ai.input.messages"`) {
		t.Errorf("otlp-logs: %d lines:\n%s", n, r.stdout)
	}
}
