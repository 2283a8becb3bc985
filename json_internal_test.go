package llog

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzInferenceJSON checks the fast decoder against encoding/json: whatever
// decodeFast accepts, encoding/json accepts too, with the same result.
func FuzzInferenceJSON(f *testing.F) {
	for _, s := range []string{
		`{"seq":7,"time":"2026-01-02T15:04:05.123456789Z","model":"m","provider":"p","prompt":"a\"b\\c\n\u00e9\ud83d\ude00","response":"r","error":"e","latency_ms":87.3,"latency_ns":87300000,"tokens_in":3,"tokens_out":0,"tokens_in_estimated":true,"trace_id":"t","span_id":"s","conversation_id":"c","attributes":{"a":"1","b":""},"redactions":{"EMAIL":2},"prev_hash":"00","hash":"ff"}`,
		` { "model" : "m" , "x" : [ 1 , { "y" : null } , -0.5e+3 , true , false ] } `,
		`{"MODEL":"m"}`, `{"model":"m","model":"n"}`, `{"model":null}`, `{"attributes":{"a":"1","a":"2"}}`,
		`{"prompt":"\ud800"}`, `{"prompt":"\udc00\ud800"}`, "{\"prompt\":\"\xff\"}", `{"tokens_in":1.0}`, `{"tokens_in":-0}`,
		`{"latency_ms":1e400}`, `{"latency_ns":9223372036854775808}`, `{"tokens_out":01}`, `{}`, `[]`, `{"a":}`,
		`{"time":"x","attributes":{}}`, `{"prompt":"\u0041\/"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var fast, slow inferenceJSON
		if !decodeFast([]byte(in), &fast) {
			return
		}
		if err := json.Unmarshal([]byte(in), &slow); err != nil {
			t.Fatalf("decodeFast accepts what encoding/json refuses (%v): %q", err, in)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", in, fast, slow)
		}
	})
}

func TestHasControl(t *testing.T) {
	for i := range 40 {
		for _, c := range []byte{0, 0x1f, '\t', '\n', 0x20, 0x7f, 0x80, 0xff, 'a'} {
			b := make([]byte, i+1)
			for k := range b {
				b[k] = 'x' + byte(k%3)
			}
			b[i] = c
			if got, want := hasControl(b), c < 0x20; got != want {
				t.Errorf("byte %#x at %d of %d: hasControl %v", c, i, len(b), got)
			}
		}
	}
}
