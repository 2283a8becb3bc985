package llog_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
)

// TestRecordJSON pins the JSON of a record: the member names and units of
// an export, not Go's field names and nanoseconds.
func TestRecordJSON(t *testing.T) {
	r := llog.Record{
		Seq: 7,
		Inference: llog.Inference{
			Time: time.Date(2026, 1, 2, 15, 4, 5, 123456789, time.UTC), Model: "phi-3-mini", Provider: "llama.cpp",
			Prompt: "hi \"you\"\n", Response: "héllo 😀", Latency: 87300001 * time.Nanosecond,
			TokensIn: 3, TokensOut: 2, SpanID: "00f067aa0ba902b7", Attributes: map[string]string{"b": "2", "a": "1"},
		},
		TokensOutEstimated: true,
		Redactions:         map[string]int{"EMAIL": 2},
		PrevHash:           chain.Digest{1},
		Hash:               chain.Digest{0xff},
	}
	want := `{"seq":7,"time":"2026-01-02T15:04:05.123456789Z","model":"phi-3-mini","provider":"llama.cpp",` +
		`"prompt":"hi \"you\"\n","response":"héllo 😀","latency_ms":87.300001,"latency_ns":87300001,"tokens_in":3,"tokens_out":2,` +
		`"tokens_out_estimated":true,"span_id":"00f067aa0ba902b7","attributes":{"a":"1","b":"2"},"redactions":{"EMAIL":2},` +
		`"prev_hash":"01` + strings.Repeat("0", 62) + `","hash":"ff` + strings.Repeat("0", 62) + `"}`
	for _, v := range []any{r, &r} {
		b, err := json.Marshal(v)
		if err != nil || string(b) != want {
			t.Fatalf("json.Marshal(%T):\n got %s, %v\nwant %s", v, b, err, want)
		}
	}
	var back llog.Record
	if err := json.Unmarshal([]byte(want), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, r)
	}

	// An Inference has the same members, without those of a record.
	b, err := json.Marshal(r.Inference)
	wantInf := `{"time":"2026-01-02T15:04:05.123456789Z","model":"phi-3-mini","provider":"llama.cpp",` +
		`"prompt":"hi \"you\"\n","response":"héllo 😀","latency_ms":87.300001,"latency_ns":87300001,"tokens_in":3,"tokens_out":2,` +
		`"span_id":"00f067aa0ba902b7","attributes":{"a":"1","b":"2"}}`
	if err != nil || string(b) != wantInf {
		t.Fatalf("json.Marshal(Inference):\n got %s, %v\nwant %s", b, err, wantInf)
	}
	var inf llog.Inference
	if err := json.Unmarshal(b, &inf); err != nil || !reflect.DeepEqual(inf, r.Inference) {
		t.Errorf("Inference round trip: %+v, %v", inf, err)
	}
	// A record decodes as an Inference too.
	if err := json.Unmarshal([]byte(want), &inf); err != nil || !reflect.DeepEqual(inf, r.Inference) {
		t.Errorf("record as Inference: %+v, %v", inf, err)
	}
	// A zero time is left out.
	if b, _ := json.Marshal(llog.Inference{Model: "m"}); string(b) != `{"model":"m","prompt":"","response":"","latency_ms":0,"latency_ns":0,"tokens_in":0,"tokens_out":0}` {
		t.Errorf("zero Inference: %s", b)
	}
}

// TestInferenceUnmarshalJSON checks the units and the errors, which name
// the member.
func TestInferenceUnmarshalJSON(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    llog.Inference
		wantErr string
	}{
		{in: `{"model":"m","latency_ms":1.5}`, want: llog.Inference{Model: "m", Latency: 1500 * time.Microsecond}},
		{in: `{"latency_ms":87,"latency_ns":87000123}`, want: llog.Inference{Latency: 87000123}},
		{in: `{"time":"2026-01-02T16:04:05+01:00"}`, want: llog.Inference{Time: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)}},
		{in: `{"model":"m","unknown":[1,2],"seq":3}`, want: llog.Inference{Model: "m"}},
		{in: `{"model":null}`},
		{in: `{"tokens_in":"12"}`, wantErr: "tokens_in: want an integer, got string"},
		{in: `{"tokens_out":1.5}`, wantErr: "tokens_out: want an integer, got number 1.5"},
		{in: `{"model":3}`, wantErr: "model: want a string, got number"},
		{in: `{"latency_ms":"3"}`, wantErr: "latency_ms: want a number, got string"},
		{in: `{"latency_ms":1e300}`, wantErr: "latency_ms: 1e+300 is out of range"},
		{in: `{"attributes":{"a":1}}`, wantErr: "attributes: want a string, got number"},
		{in: `{"attributes":["a"]}`, wantErr: "attributes: want an object of strings, got array"},
		{in: `{"time":"yesterday"}`, wantErr: `time: want RFC 3339 (2026-01-02T15:04:05Z), got "yesterday"`},
		{in: `{"time":5}`, wantErr: "time: want a string, got number"},
		{in: `["model"]`, wantErr: "want a JSON object, got array"},
		{in: `{"model":"m"`, wantErr: "not valid JSON: unexpected end of JSON input"},
		{in: `{"model":"m"} {}`, wantErr: "not valid JSON: invalid character '{' after top-level value (at byte 15)"},
	} {
		var got llog.Inference
		err := got.UnmarshalJSON([]byte(tc.in))
		if tc.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		sameTime := got.Time.Equal(tc.want.Time)
		got.Time = tc.want.Time
		if err != nil || !sameTime || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

// FuzzRecordJSON checks that whatever decodes as a record encodes and
// decodes back to the same record.
func FuzzRecordJSON(f *testing.F) {
	f.Add(`{"seq":7,"time":"2026-01-02T15:04:05.123456789Z","model":"m","prompt":"p","response":"r","latency_ms":1.5,"tokens_in":1,"tokens_out":2,"attributes":{"k":"v"},"redactions":{"EMAIL":1},"prev_hash":"` + strings.Repeat("0", 64) + `","hash":"` + strings.Repeat("ab", 32) + `"}`)
	f.Add(`{"latency_ns":-5,"tokens_in":-1,"time":"0001-01-01T00:00:00Z"}`)
	f.Add(`{"model":"\u0000\ud800","attributes":{"":""}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var r llog.Record
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back llog.Record
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s does not decode: %v", b, err)
		}
		b2, _ := json.Marshal(back)
		if string(b2) != string(b) {
			t.Fatalf("not stable:\n%s\n%s", b, b2)
		}
	})
}
