package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/internal/canon"
	"github.com/lowlightlog/llog/internal/vectors"
)

// vectorDir holds the known-answer vectors of FORMAT.md, section 15. The
// root package's TestVectors writes the store and the record bodies; this
// test writes the exports of that store and the export members of
// records.json (with -update) and checks them.
const vectorDir = "../../testdata/vectors"

// vectorPath is the store path the vector exports show.
const vectorPath = "/vectors/store"

// vectorNow is the generated_at time of the vector exports.
var vectorNow = time.Date(2026, 3, 5, 6, 7, 8, 9, time.UTC)

// copyVectorStore copies the vector store to a temporary folder and
// returns it.
func copyVectorStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(filepath.Join(vectorDir, "store"))
	if err != nil {
		t.Fatalf("%v (go test . -run TestVectors -update at the root creates it)", err)
	}
	for _, e := range ents {
		writeFile(t, filepath.Join(dir, e.Name()), readFile(t, filepath.Join(vectorDir, "store", e.Name())))
	}
	return dir
}

// rehash replaces the export_hash at the end of an export with the one
// its bytes give.
func rehash(out []byte) []byte { return withHash(out[:len(out)-83]) }

// withHash completes an export whose bytes up to its export_hash member
// are b: it appends the member, computed as FORMAT.md says, the closing
// brace and the newline.
func withHash(b []byte) []byte {
	sum := sha256.Sum256(append(b[:len(b):len(b)], '}'))
	return append(append(b[:len(b):len(b)], `,"export_hash":"`+hex.EncodeToString(sum[:])...), "\"}\n"...)
}

// exportVector exports the store in dir as the vectors show it: at
// vectorNow, with the path replaced by vectorPath.
func exportVector(t *testing.T, dir, format string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := newEnv(nil, &stdout, &stderr)
	e.now = func() time.Time { return vectorNow }
	if code := runContext(t.Context(), e, []string{"export", "--path", dir, "--format", format}); code != exitOK {
		t.Fatalf("export: exit %d: %s", code, stderr.String())
	}
	out := stdout.Bytes()
	from := `"path":` + string(canon.AppendString(nil, dir)) + `,`
	if bytes.Count(out, []byte(from)) != 1 {
		t.Fatalf("the export does not show the path %s once", dir)
	}
	return rehash(bytes.Replace(out, []byte(from), []byte(`"path":"`+vectorPath+`",`), 1))
}

func TestVectors(t *testing.T) {
	dir := copyVectorStore(t)
	jsonOut := exportVector(t, dir, "json")
	jsonlOut := exportVector(t, dir, "jsonl")
	checkExportHash(t, jsonOut)
	checkExportHash(t, jsonlOut)

	gzPath := filepath.Join(vectorDir, "export.json.gz")
	if *update {
		writeVector(t, "export.json", jsonOut)
		writeVector(t, "export.jsonl", jsonlOut)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(jsonOut)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		writeVector(t, "export.json.gz", gz.Bytes())
	}
	for name, got := range map[string][]byte{"export.json": jsonOut, "export.jsonl": jsonlOut} {
		if want := readFile(t, filepath.Join(vectorDir, name)); !bytes.Equal(got, want) {
			t.Errorf("%s: llog export of the vector store writes\n%s\nthe vector is\n%s\n(a changed export is a changed format: FORMAT.md)", name, got, want)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(readFile(t, gzPath)))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, jsonOut) {
		t.Errorf("export.json.gz does not hold export.json: %v", err)
	}

	// records.json holds each record exactly as the export writes it.
	lines := strings.SplitAfter(string(jsonlOut), "\n")
	lines = lines[:len(lines)-2] // the trailer and the empty string after it
	path := filepath.Join(vectorDir, "records.json")
	v, err := vectors.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Records) != len(lines) {
		t.Fatalf("records.json holds %d records, the export %d", len(v.Records), len(lines))
	}
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\n")
		if *update {
			v.Records[i].Record = []byte(l)
		} else if string(v.Records[i].Record) != l {
			t.Errorf("records.json record %d is\n%s\nllog export writes\n%s", i+1, v.Records[i].Record, l)
		}
	}
	if *update {
		writeVector(t, "records.json", v.Marshal())
	}
}

func writeVector(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(vectorDir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
