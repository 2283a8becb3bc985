package llog

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenRecords are encoded into testdata/record-*.bin and pinned.
var goldenRecords = []Record{
	{Inference: Inference{Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Model: "phi-3-mini",
		Prompt: "What is the capital of France?", Response: "Paris.", Latency: 87 * time.Millisecond,
		TokensIn: 7, TokensOut: 2}},
	{Inference: Inference{Time: time.Unix(0, -1).UTC(), Model: "m", Provider: "llama.cpp", Operation: "chat",
		Prompt: "mail [REDACTED:EMAIL] now", Response: "ok ✓ 日本語", Error: "timeout",
		TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7", ConversationID: "conv-1",
		Attributes: map[string]string{"gen_ai.request.temperature": "0.2", "device": "pi-4"}},
		TokensInEstimated: true, TokensOutEstimated: true, Redactions: map[string]int{"EMAIL": 1, "INVALID_UTF8": 2}},
	{Inference: Inference{Time: time.Unix(0, 0).UTC()}},
}

func TestRecordGolden(t *testing.T) {
	for i, r := range goldenRecords {
		got := appendRecord(nil, &r)
		path := filepath.Join("testdata", "record-"+string(rune('a'+i))+".bin")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestRecordGolden -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("record %d encodes differently: the record format is frozen", i)
		}
		var back Record
		if err := decodeRecord(want, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, r) {
			t.Fatalf("record %d round trip:\n got %+v\nwant %+v", i, back, r)
		}
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	good := appendRecord(nil, &goldenRecords[1])
	tests := map[string][]byte{
		"empty":          nil,
		"version 0":      append([]byte{0}, good[1:]...),
		"unknown flags":  append([]byte{1, 0x80}, good[2:]...),
		"truncated":      good[:len(good)-1],
		"trailing bytes": append(append([]byte(nil), good...), 0),
		"huge length":    {1, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
	}
	for name, b := range tests {
		var r Record
		if err := decodeRecord(b, &r); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	var r Record
	if err := decodeRecord(append([]byte{2}, good[1:]...), &r); err == nil || !isNewer(err) {
		t.Errorf("newer version: %v", err)
	}
}

// TestPeekAgreesWithDecode checks that the index's and the queries' quick
// read of a record's time and model fails, and names the failure, as the
// full decoder does on the version byte: a newer version is
// ErrNewerVersion for both, any other wrong version a bad record.
func TestPeekAgreesWithDecode(t *testing.T) {
	good := appendRecord(nil, &goldenRecords[0])
	for _, c := range []struct {
		name  string
		body  []byte
		newer bool
	}{
		{"newer version", append([]byte{recordVersion + 1}, good[1:]...), true},
		{"version 0", append([]byte{0}, good[1:]...), false},
		{"empty", nil, false},
	} {
		var r Record
		derr := decodeRecord(c.body, &r)
		_, _, perr := peekRecord(c.body)
		for name, err := range map[string]error{"decodeRecord": derr, "peekRecord": perr} {
			if errors.Is(err, ErrNewerVersion) != c.newer || errors.Is(err, errBadRecord) == c.newer {
				t.Errorf("%s: %s = %v", c.name, name, err)
			}
		}
	}
	tm, model, err := peekRecord(good)
	if err != nil || tm != goldenRecords[0].Time.UnixNano() || string(model) != goldenRecords[0].Model {
		t.Fatalf("peek of a good record: %d %q %v", tm, model, err)
	}
}

func isNewer(err error) bool {
	return err != nil && bytes.Contains([]byte(err.Error()), []byte("newer"))
}

// FuzzDecodeRecord checks that the record decoder never panics and that
// whatever it accepts re-encodes to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "record-*.bin"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Record
		if err := decodeRecord(b, &r); err != nil {
			return
		}
		if again := appendRecord(nil, &r); !bytes.Equal(again, b) {
			t.Fatalf("re-encodes differently:\n in %x\nout %x", b, again)
		}
	})
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		in, out string
		n       int
	}{
		{"plain", "plain", 0},
		{"a\xffb", "a\uFFFDb", 1},
		{"\xff\xfe\xfd", "\uFFFD", 1},
		{"\xe2\x82", "\uFFFD", 1}, // a truncated euro sign
		{"ok \xc3\x28 x \xa0", "ok \uFFFD( x \uFFFD", 2},
	}
	for _, tt := range tests {
		n := 0
		if got := sanitize(tt.in, &n); got != tt.out || n != tt.n {
			t.Errorf("sanitize(%q) = %q, %d; want %q, %d", tt.in, got, n, tt.out, tt.n)
		}
	}
}

// TestCountsOnEveryPlatform pins how token and redaction counts read back
// on 64-bit and 32-bit platforms (.ci/cross runs it under qemu for 32-bit
// arm): MaxTokens and the largest redaction count a record can hold read
// back everywhere; a count above MaxTokens, which a 64-bit writer stored
// before the cap, reads back on 64-bit platforms and is refused, naming
// the platform, on 32-bit ones.
func TestCountsOnEveryPlatform(t *testing.T) {
	r := Record{Inference: Inference{Time: time.Unix(0, 0).UTC(), TokensIn: MaxTokens, TokensOut: MaxTokens},
		Redactions: map[string]int{"EMAIL": 16 << 20}}
	var back Record
	if err := decodeRecord(appendRecord(nil, &r), &back); err != nil || !reflect.DeepEqual(back, r) {
		t.Fatalf("counts at the cap: %v\n got %+v\nwant %+v", err, back, r)
	}
	// tokens in 2^31: 0x80 0x80 0x80 0x80 0x08.
	body := appendRecord(nil, &Record{Inference: Inference{Time: time.Unix(0, 0).UTC()}})
	// version, flags, time 0, latency 0, then tokens in.
	big := append([]byte{1, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x08}, body[5:]...)
	err := decodeRecord(big, &back)
	if strconv.IntSize == 64 {
		if err != nil || int64(back.TokensIn) != 1<<31 {
			t.Fatalf("64-bit: tokens in 2^31 read as %d, %v", back.TokensIn, err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), "does not fit this platform's 32-bit int") {
		t.Fatalf("32-bit: tokens in 2^31: %v", err)
	}
}

// TestRecordCounts checks that Log's encoding, which adds up the counts of
// each text in a small list instead of a map, writes the bytes the map of
// the same counts encodes to, whatever order the counts arrive in.
func TestRecordCounts(t *testing.T) {
	base := goldenRecords[1]
	for _, tc := range []struct {
		name  string
		texts [][]count // the counts of each text, in the order they come
		want  map[string]int
	}{
		{"none", nil, nil},
		{"one", [][]count{{{"EMAIL", 1}}}, map[string]int{"EMAIL": 1}},
		{"summed across texts", [][]count{{{"PHONE", 2}, {"EMAIL", 1}}, {{"EMAIL", 3}}, {{"INVALID_UTF8", 1}}},
			map[string]int{"EMAIL": 4, "INVALID_UTF8": 1, "PHONE": 2}},
		{"reversed", [][]count{{{"URL_CREDENTIALS", 1}, {"SSN", 1}, {"PHONE", 1}, {"IPV6", 1}, {"IPV4", 2},
			{"EMAIL", 1}, {"CREDIT_CARD", 1}, {"API_KEY", 5}}},
			map[string]int{"API_KEY": 5, "CREDIT_CARD": 1, "EMAIL": 1, "IPV4": 2, "IPV6": 1, "PHONE": 1, "SSN": 1,
				"URL_CREDENTIALS": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reds []count
			for _, text := range tc.texts {
				for _, c := range text {
					reds = addCount(reds, c.name, c.n)
				}
			}
			sortCounts(reds)
			r := base
			r.Redactions = tc.want
			want := appendRecord(nil, &r)
			r.Redactions = nil
			if got := appendRecordCounts(nil, &r, reds); !bytes.Equal(got, want) {
				t.Fatalf("counts %v encode to\n%x\nthe map %v to\n%x", reds, got, tc.want, want)
			}
			var back Record
			if err := decodeRecord(want, &back); err != nil {
				t.Fatal(err)
			}
		})
	}
}
