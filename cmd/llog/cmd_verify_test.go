package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/lowlightlog/llog"
)

// Segment layout (segment/doc.go, wal/doc.go), decoded here independently
// of those packages so that the tests damage bytes where the format says.
const (
	segHeaderSize   = 64
	frameHeaderSize = 16
	kindEntry       = 1
	kindCommit      = 2
)

// frame is one frame of a segment file.
type frame struct {
	off, size int64 // offset and total size (header and payload)
	kind      byte
}

// readFrames returns the frames of a segment file.
func readFrames(t *testing.T, path string) []frame {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fs []frame
	for off := int64(segHeaderSize); off+frameHeaderSize <= int64(len(b)); {
		n := int64(binary.LittleEndian.Uint32(b[off+4:]))
		f := frame{off: off, size: frameHeaderSize + n, kind: b[off+8]}
		fs = append(fs, f)
		off += f.size
	}
	return fs
}

// batches groups the entry frames of a segment by batch.
func batches(fs []frame) [][]frame {
	var out [][]frame
	var cur []frame
	for _, f := range fs {
		if f.kind == kindEntry {
			cur = append(cur, f)
		} else {
			out = append(out, cur)
			cur = nil
		}
	}
	return out
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0x40
	writeFile(t, path, b)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tamperStore returns a store of many small segments, whose batches hold
// up to three records.
func tamperStore(t *testing.T) string {
	return newStore(t, storeOpts{n: 120, segmentSize: 4096, group: 3})
}

// tamper is one way of damaging a store. It damages the store in dir and
// returns the segment file and offset the first break must name.
type tamper struct {
	name string
	do   func(t *testing.T, dir string) (seg string, off int64)
}

// middle returns the name and path of a segment in the middle of the store.
func middle(t *testing.T, dir string) (string, string) {
	segs := segments(t, dir)
	if len(segs) < 5 {
		t.Fatalf("want at least 5 segments, have %d", len(segs))
	}
	s := segs[len(segs)/2]
	return s, filepath.Join(dir, s)
}

// multiBatch returns a batch of two or more entries in the segment at path.
func multiBatch(t *testing.T, path string) []frame {
	for _, b := range batches(readFrames(t, path)) {
		if len(b) >= 2 {
			return b
		}
	}
	t.Fatalf("%s has no batch of two or more records", path)
	return nil
}

var tampers = []tamper{
	{"flip a byte in a record", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		f := readFrames(t, path)[0]
		flipByte(t, path, f.off+frameHeaderSize+f.size/2)
		return name, f.off
	}},
	{"flip a byte in a frame header", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		f := readFrames(t, path)[1]
		flipByte(t, path, f.off+5)
		return name, f.off
	}},
	{"flip a byte in a segment header", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		flipByte(t, path, 20)
		return name, 0
	}},
	{"delete a record", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		f := multiBatch(t, path)[0]
		b := readFile(t, path)
		writeFile(t, path, append(b[:f.off:f.off], b[f.off+f.size:]...))
		return name, -1
	}},
	{"swap two records", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		bt := multiBatch(t, path)
		a, c := bt[0], bt[1] // adjacent frames
		b := readFile(t, path)
		var out []byte
		out = append(out, b[:a.off]...)
		out = append(out, b[c.off:c.off+c.size]...)
		out = append(out, b[a.off:a.off+a.size]...)
		out = append(out, b[c.off+c.size:]...)
		writeFile(t, path, out)
		return name, a.off
	}},
	{"remove a middle segment", func(t *testing.T, dir string) (string, int64) {
		segs := segments(t, dir)
		i := len(segs) / 2
		if err := os.Remove(filepath.Join(dir, segs[i])); err != nil {
			t.Fatal(err)
		}
		return segs[i+1], 0 // the next segment starts past the missing records
	}},
	{"duplicate a segment", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		var first uint64
		fmt.Sscanf(name, "%020d.seg", &first)
		dup := fmt.Sprintf("%020d.seg", first+1) // sorts right after the original
		writeFile(t, filepath.Join(dir, dup), readFile(t, path))
		return dup, 0
	}},
	{"truncate a segment in the middle of the store", func(t *testing.T, dir string) (string, int64) {
		name, path := middle(t, dir)
		f := readFrames(t, path)[1]
		if err := os.Truncate(path, f.off+8); err != nil {
			t.Fatal(err)
		}
		return name, -1
	}},
}

// checkBreakReported checks that out names segment seg (and the offset
// off, unless it is -1) with a sequence number, in a break line.
func checkBreakReported(t *testing.T, out, seg string, off int64) {
	t.Helper()
	pat := regexp.QuoteMeta(seg) + ` offset `
	if off >= 0 {
		pat += fmt.Sprint(off)
	} else {
		pat += `\d+`
	}
	pat += `( seq \d+)?: \S`
	if !regexp.MustCompile(pat).MatchString(out) {
		t.Errorf("output does not locate the break in %s at offset %d (/%s/):\n%s", seg, off, pat, out)
	}
}

func TestVerifyTamper(t *testing.T) {
	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			dir := tamperStore(t)
			seg, off := tc.do(t, dir)

			r := mustRun(t, exitIntegrity, "verify", "--path", dir)
			t.Logf("llog verify:\n%s%s", r.stdout, r.stderr)
			if !strings.Contains(r.stdout, "result    BROKEN") && !strings.Contains(r.stdout, "BROKEN:") {
				t.Errorf("stdout does not say BROKEN:\n%s", r.stdout)
			}
			checkBreakReported(t, r.stdout, seg, off)
			if !strings.HasPrefix(r.stderr, "llog: verify: the store does not verify: ") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr: %q", r.stderr)
			}
			checkBreakReported(t, r.stderr, seg, off)

			r = mustRun(t, exitIntegrity, "verify", "--path", dir, "--json")
			var rep llog.VerifyReport
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("--json output: %v\n%s", err, r.stdout)
			}
			if rep.OK || rep.BreakCount == 0 || rep.Breaks[0].Segment != seg || (off >= 0 && rep.Breaks[0].Offset != off) {
				t.Errorf("--json: want a first break at %s offset %d, got %+v", seg, off, rep.Breaks)
			}
		})
	}
}

func TestVerifyOK(t *testing.T) {
	dir := tamperStore(t)
	r := mustRun(t, exitOK, "verify", "--path", dir)
	rep, err := llog.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"store      " + dir + "\n",
		"store id   " + rep.StoreID + "\n",
		"records    120 (seq 1-120)\n",
		fmt.Sprintf("segments   %d (", len(segments(t, dir))),
		"head hash  " + rep.HeadHash.String() + "\n",
		"torn tail  none\n",
		"result     ok: every checksum, segment and chain link verifies\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

// TestVerifyJSON checks the members of verify --json against the library's
// own JSON encoding of the report.
func TestVerifyJSON(t *testing.T) {
	dir := tamperStore(t)
	r := mustRun(t, exitOK, "verify", "--path", dir, "--json")
	if strings.Count(r.stdout, "\n") != 1 || !strings.HasSuffix(r.stdout, "}\n") {
		t.Errorf("want one JSON object on one line, got %q", r.stdout)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ok", "records", "first_seq", "last_seq", "head_hash", "breaks", "torn_tail"} {
		if _, ok := got[k]; !ok {
			t.Errorf("--json lacks %q: %s", k, r.stdout)
		}
	}
	rep, err := llog.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep.Breaks = []llog.Break{}
	lib, _ := json.Marshal(rep)
	var want map[string]any
	json.Unmarshal(lib, &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("--json differs from the library's encoding\ngot  %v\nwant %v", got, want)
	}
	if got["ok"] != true || got["records"] != 120.0 || got["torn_tail"] != nil || len(got["breaks"].([]any)) != 0 {
		t.Errorf("unexpected report %s", r.stdout)
	}
}

// tearTail leaves a torn tail in the newest segment of the store in dir,
// as a crash during a write does: the start of a batch that was never
// acknowledged (a copy of the segment's first entry frame, cut short). It
// returns the segment's name.
func tearTail(t *testing.T, dir string) string {
	t.Helper()
	segs := segments(t, dir)
	name := segs[len(segs)-1]
	path := filepath.Join(dir, name)
	b := readFile(t, path)
	for _, f := range readFrames(t, path) {
		if f.kind == kindEntry {
			writeFile(t, path, append(b, b[f.off:f.off+f.size-5]...))
			return name
		}
	}
	t.Fatalf("%s holds no entry", name)
	return ""
}

// cutTail cuts the newest segment of the store in dir inside the frame of
// its last record, which the index had seen committed, and returns the
// segment's name.
func cutTail(t *testing.T, dir string) string {
	t.Helper()
	segs := segments(t, dir)
	name := segs[len(segs)-1]
	path := filepath.Join(dir, name)
	var last frame
	for _, f := range readFrames(t, path) {
		if f.kind == kindEntry {
			last = f
		}
	}
	if err := os.Truncate(path, last.off+last.size-5); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestVerifyLostTail: acknowledged records cut off the end of the log fail
// verify and export --fail-on-tamper (exit 1), which say how many and
// where, whether the cut left a torn tail or fell on a batch boundary.
func TestVerifyLostTail(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  func(t *testing.T, dir string) string
		torn bool
	}{
		{"inside the last batch", cutTail, true},
		{"at a batch boundary", func(t *testing.T, dir string) string {
			segs := segments(t, dir)
			name := segs[len(segs)-1]
			path := filepath.Join(dir, name)
			fs := readFrames(t, path)
			last := -1
			for i, f := range fs {
				if f.kind == kindEntry {
					last = i
				}
			}
			// Up to the commit frame before the last batch holding records.
			for i := last; i >= 0; i-- {
				if fs[i].kind == kindCommit {
					writeFile(t, path, readFile(t, path)[:fs[i].off+fs[i].size])
					return name
				}
			}
			t.Fatalf("%s has one batch", name)
			return ""
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tamperStore(t)
			seg := tc.cut(t, dir)
			want := regexp.MustCompile(regexp.QuoteMeta(seg) + ` offset \d+ seq \d+: acknowledged records lost: index.db had seen records \d+ to 120 committed \(\d+\), and the log ends at seq \d+`)
			r := mustRun(t, exitIntegrity, "verify", "--path", dir)
			if !want.MatchString(r.stdout) || !want.MatchString(r.stderr) {
				t.Errorf("verify does not say how many and where:\n%v", r)
			}
			if strings.Contains(r.stdout, "torn tail  none") == tc.torn {
				t.Errorf("torn tail reported %v, want %v:\n%s", !tc.torn, tc.torn, r.stdout)
			}
			r = mustRun(t, exitIntegrity, "export", "--path", dir, "--fail-on-tamper")
			if !want.MatchString(r.stderr) {
				t.Errorf("export --fail-on-tamper does not say how many and where:\n%s", r.stderr)
			}
			if x := decodeExport(t, []byte(r.stdout)); x.Chain.OK || !want.MatchString(formatBreak(x.Chain.Breaks[0])) {
				t.Errorf("export's chain report: %+v", x.Chain)
			}
			mustRun(t, exitOK, "export", "--path", dir)
		})
	}
}

func TestVerifyTornTail(t *testing.T) {
	dir := tamperStore(t)
	seg := tearTail(t, dir)
	r := mustRun(t, exitOK, "verify", "--path", dir)
	if !regexp.MustCompile(`torn tail  ` + regexp.QuoteMeta(seg) + ` offset \d+: \d+ bytes after the last committed batch .*not a failure`).MatchString(r.stdout) {
		t.Errorf("stdout does not report the torn tail:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "result     ok") || r.stderr != "" {
		t.Errorf("a torn tail alone must verify: %v", r)
	}
	r = mustRun(t, exitOK, "verify", "--path", dir, "--json")
	var rep llog.VerifyReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.TornTail == nil || rep.TornTail.Segment != seg {
		t.Errorf("--json: want ok with a torn tail in %s: %s", seg, r.stdout)
	}
}

// TestVerifyRetention checks a store whose oldest segments retention
// removed: it verifies from the recorded anchor, and says so.
func TestVerifyRetention(t *testing.T) {
	dir := tamperStore(t)
	e, err := llog.Open(dir, &llog.Options{SegmentSize: 4096, Retention: llog.Retention{MaxRecords: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := llog.Verify(t.Context(), dir)
	if err != nil || !rep.OK || len(rep.Removed) == 0 || rep.FirstSeq == 1 {
		t.Fatalf("want retention to have removed the oldest records: %+v, %v", rep, err)
	}
	rm := rep.Removed[0]
	r := mustRun(t, exitOK, "verify", "--path", dir)
	want := fmt.Sprintf("retention  seq %d-%d removed (max-records, ", rm.First, rm.Last)
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "the chain continues from anchor "+rm.Anchor.String()+"\n") ||
		!strings.Contains(r.stdout, fmt.Sprintf("records    %d (seq %d-120)\n", rep.Records, rep.FirstSeq)) {
		t.Errorf("stdout lacks %q... and the anchor:\n%s", want, r.stdout)
	}

	// An export starts from the anchor.
	r = mustRun(t, exitOK, "export", "--path", dir, "--fail-on-tamper")
	checkExportHash(t, []byte(r.stdout))
	x := decodeExport(t, []byte(r.stdout))
	if len(x.Records) == 0 || x.Records[0].Seq != rep.FirstSeq || x.Records[0].PrevHash != rep.Anchor.String() ||
		x.Chain.Anchor != rep.Anchor || len(x.Chain.Removed) != len(rep.Removed) {
		t.Errorf("export after retention: first record %+v, chain %+v", x.Records[0], x.Chain)
	}
}
