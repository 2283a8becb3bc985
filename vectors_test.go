package llog

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/vectors"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// The known-answer vectors of FORMAT.md, section 15. This test writes the
// store and the record bodies from vectorRecords (with -update) and checks
// them; cmd/llog's TestVectors writes and checks the export members and
// the exports. Regenerate with
//
//	go test . -run TestVectors -update && go test ./cmd/llog -run TestVectors -update
const vectorDir = "testdata/vectors"

// vectorStoreID is the identity of the vector store.
var vectorStoreID = [16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// vectorRecords are the records of the vector store, in order (seq 1, 2,
// …). Between them they cover every field and flag, empty and non-ASCII
// values, control characters, the extreme times and latencies.
var vectorRecords = []struct {
	name string
	r    Record
}{
	{"empty: what the writer stores for an inference with nothing but a time; both counts estimated as 0", Record{
		Inference:         Inference{Time: time.Unix(0, 0).UTC()},
		TokensInEstimated: true, TokensOutEstimated: true}},
	{"typical: counts given; no error, ids, attributes or redactions", Record{Inference: Inference{
		Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Model: "phi-3-mini", Provider: "llama.cpp", Operation: "chat",
		Prompt: "What is the capital of France?", Response: "Paris.", Latency: 87 * time.Millisecond,
		TokensIn: 7, TokensOut: 2}}},
	{"every field: attributes, three redaction categories, tokens in estimated, a fractional latency", Record{
		Inference: Inference{
			Time: time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC), Model: "qwen2.5-1.5b-instruct", Provider: "ollama",
			Operation: "text_completion", Prompt: "Send it to [REDACTED:EMAIL] or call [REDACTED:PHONE]. \uFFFD",
			Response: "Done.", Latency: 1500 * time.Microsecond, TokensIn: 13, TokensOut: 1, Error: "timeout",
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7", ConversationID: "conv-42",
			Attributes: map[string]string{"device.id": "rpi-4b-line-3", "gen_ai.request.temperature": "0.2", "user.note": "[REDACTED:EMAIL]"},
		},
		TokensInEstimated: true,
		Redactions:        map[string]int{"EMAIL": 2, "PHONE": 1, "INVALID_UTF8": 1}}},
	{"non-ASCII and control characters, an empty attribute key and value, keys in byte order, tokens out estimated, a time before 1970", Record{
		Inference: Inference{
			Time: time.Unix(0, -1).UTC(), Model: "modèle-日本",
			Prompt:   "é 漢字 😀 ls \u2028 ps \u2029 nul \x00 tab \t nl \n cr \r quote \" backslash \\ del \x7f ctl \x01\x1f",
			Response: "ok ✓ 日本語", Latency: 123456789, TokensIn: 9, TokensOut: 2,
			Attributes: map[string]string{"": "empty key", "empty value": "", "é": "accent", "z": "nul \x00"},
		},
		TokensOutEstimated: true}},
	{"long strings (two-byte lengths), zero latency", Record{Inference: Inference{
		Time: time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC), Model: "gemma-2-2b-it",
		Prompt: strings.Repeat("inference ", 30), Response: strings.Repeat("ok ", 70), TokensIn: 75, TokensOut: 52}}},
	{"the latest time and the longest latency; the largest counts every platform reads", Record{Inference: Inference{
		Time: time.Unix(0, math.MaxInt64).UTC(), Model: "m", Latency: math.MaxInt64,
		TokensIn: math.MaxInt32, TokensOut: math.MaxInt32}}},
	{"the earliest time; a latency that latency_ms cannot hold exactly", Record{Inference: Inference{
		Time: time.Unix(0, math.MinInt64).UTC(), Model: "m", Latency: 1<<53 + 1, TokensIn: 3, TokensOut: 4}}},
}

// vectorSegments gives, per segment file (of header version 1, which
// readers keep reading; segments of version 2 differ only in allowing
// checkpoint frames), the number of records of each
// batch.
var vectorSegments = [][]int{{2, 1}, {3, 1}}

// vectorStore encodes the vector store: the manifest and the segment files
// by name, built from FORMAT.md with the segment package's framing, and
// the records' bodies and digests.
func vectorStore(t *testing.T) (files map[string][]byte, bodies [][]byte, digests []chain.Digest) {
	t.Helper()
	m := manifest{Format: storeFormat, Version: storeVersion, StoreID: hex.EncodeToString(vectorStoreID[:]),
		Created: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{manifestName: append(b, '\n')}
	prev := chain.Genesis(vectorStoreID[:])
	seq := uint64(1)
	for _, batches := range vectorSegments {
		seg := segment.AppendHeader(nil, segment.Header{Version: 1, First: seq, Link: prev})
		name := wal.SegmentName(seq)
		for _, n := range batches {
			first := seq
			for range n {
				body := appendRecord(nil, &vectorRecords[seq-1].r)
				prev = chain.Next(prev, seq, body)
				bodies, digests = append(bodies, body), append(digests, prev)
				if seg, err = segment.AppendFrame(seg, wal.KindEntry, append(prev[:], body...)); err != nil {
					t.Fatal(err)
				}
				seq++
			}
			commit := binary.LittleEndian.AppendUint64(nil, first)
			commit = binary.LittleEndian.AppendUint32(commit, uint32(n))
			if seg, err = segment.AppendFrame(seg, wal.KindCommit, append(commit, prev[:]...)); err != nil {
				t.Fatal(err)
			}
		}
		files[name] = seg
	}
	if int(seq-1) != len(vectorRecords) {
		t.Fatalf("vectorSegments hold %d records, want %d", seq-1, len(vectorRecords))
	}
	return files, bodies, digests
}

// golden compares got with the file at path, or writes it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test . -run TestVectors -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code writes: the formats are frozen (FORMAT.md, section 16)", path)
	}
}

func TestVectorsStore(t *testing.T) {
	files, bodies, digests := vectorStore(t)
	for name, b := range files {
		golden(t, filepath.Join(vectorDir, "store", name), b)
	}
	if ents, err := os.ReadDir(filepath.Join(vectorDir, "store")); err != nil || len(ents) != len(files) {
		t.Errorf("%s/store holds %d files, want %d (%v)", vectorDir, len(ents), len(files), err)
	}

	// The readers accept the store and read back exactly the records.
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	recs, rep, err := ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Records != uint64(len(vectorRecords)) || rep.Segments != len(vectorSegments) ||
		rep.HeadHash != digests[len(digests)-1] || rep.Anchor != chain.Genesis(vectorStoreID[:]) {
		t.Fatalf("verify: %+v", rep)
	}
	prev := rep.Anchor
	for i, got := range recs {
		want := vectorRecords[i].r
		want.Seq, want.PrevHash, want.Hash = uint64(i+1), prev, digests[i]
		prev = digests[i]
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d reads back as\n%+v\nwant\n%+v", i+1, got, want)
		}
		var back Record
		if err := decodeRecord(bodies[i], &back); err != nil {
			t.Errorf("record %d: %v", i+1, err)
		}
	}
}

func TestVectorsRecords(t *testing.T) {
	_, bodies, digests := vectorStore(t)
	path := filepath.Join(vectorDir, "records.json")
	old, err := vectors.Load(path)
	if err != nil && !*update {
		t.Fatalf("%v (go test . -run TestVectors -update creates it)", err)
	}
	genesis := chain.Genesis(vectorStoreID[:])
	v := &vectors.Records{StoreID: hex.EncodeToString(vectorStoreID[:]), Genesis: genesis.String()}
	for i, vr := range vectorRecords {
		r := vectors.Record{Name: vr.name, Body: hex.EncodeToString(bodies[i])}
		if old != nil && i < len(old.Records) && old.Records[i].Name == vr.name {
			r.Record = old.Records[i].Record // cmd/llog's TestVectors writes the export members
		}
		v.Records = append(v.Records, r)
	}
	golden(t, path, v.Marshal())
	if *update {
		return
	}
	// The members cmd/llog wrote must name the same chain.
	prev := genesis.String()
	for i, r := range old.Records {
		var m struct {
			Seq      uint64 `json:"seq"`
			PrevHash string `json:"prev_hash"`
			Hash     string `json:"hash"`
		}
		if err := json.Unmarshal(r.Record, &m); err != nil {
			t.Fatalf("record %d: %v (go test ./cmd/llog -run TestVectors -update fills it)", i+1, err)
		}
		if m.Seq != uint64(i+1) || m.PrevHash != prev || m.Hash != digests[i].String() {
			t.Errorf("record %d: seq %d, prev_hash %s, hash %s; want %d, %s, %s", i+1, m.Seq, m.PrevHash, m.Hash, i+1, prev, digests[i])
		}
		prev = m.Hash
	}
}

func TestVectorsGenesis(t *testing.T) {
	type vector struct {
		StoreID string `json:"store_id"`
		Genesis string `json:"genesis"`
	}
	var vs []vector
	for _, id := range []string{
		"00000000000000000000000000000000",
		"000102030405060708090a0b0c0d0e0f",
		"ffffffffffffffffffffffffffffffff",
		"fe3ceae46bedce4528175f64ed9e1c53",
	} {
		b, _ := hex.DecodeString(id)
		vs = append(vs, vector{id, chain.Genesis(b).String()})
	}
	b, err := json.MarshalIndent(vs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join(vectorDir, "genesis.json"), append(b, '\n'))
}

func TestVectorsCRC(t *testing.T) {
	type vector struct {
		Data   string `json:"data"`   // hex
		CRC32C string `json:"crc32c"` // 8 hex digits
		Masked string `json:"masked"` // 8 hex digits, as stored
	}
	hdr := segment.AppendHeader(nil, segment.Header{Version: 1, First: 1, Link: chain.Genesis(vectorStoreID[:])})
	frame, _ := segment.AppendFrame(nil, wal.KindEntry, []byte("hello"))
	var vs []vector
	for _, data := range [][]byte{nil, []byte("123456789"), make([]byte, 12), hdr[:60], frame[:12]} {
		raw := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
		masked := segment.Checksum(data)
		if want := ((raw >> 15) | (raw << 17)) + 0xa282ead8; masked != want {
			t.Errorf("segment.Checksum(%x) = %08x, want the masked CRC32-C %08x", data, masked, want)
		}
		vs = append(vs, vector{hex.EncodeToString(data), hex.EncodeToString(binary.BigEndian.AppendUint32(nil, raw)),
			hex.EncodeToString(binary.BigEndian.AppendUint32(nil, masked))})
	}
	b, err := json.MarshalIndent(vs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join(vectorDir, "crc.json"), append(b, '\n'))
}
