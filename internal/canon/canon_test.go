package canon

import (
	"encoding/json"
	"testing"
	"time"
)

// The expected values below were written by Python 3.11:
// json.dumps(ns / 1e6 if ns % 1000000 else ns // 1000000).
func TestAppendMillis(t *testing.T) {
	for _, tc := range []struct {
		ns   int64
		want string
	}{
		{0, "0"},
		{1, "1e-06"},
		{15, "1.5e-05"},
		{99, "9.9e-05"},
		{100, "0.0001"},
		{999, "0.000999"},
		{1000, "0.001"},
		{100000, "0.1"},
		{1000001, "1.000001"},
		{1500000, "1.5"},
		{87300000, "87.3"},
		{87000000, "87"},
		{123456789, "123.456789"},
		{9223372036854775807, "9223372036854.775"},
	} {
		if got := string(AppendMillis(nil, time.Duration(tc.ns))); got != tc.want {
			t.Errorf("AppendMillis(%dns) = %s, want %s", tc.ns, got, tc.want)
		}
	}
}

func TestAppendFloatLarge(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{1e16, "1e+16"},
		{1.5e16, "1.5e+16"},
		{9999999999999998, "9999999999999998.0"},
		{123.0, "123.0"},
		{-0.5, "-0.5"},
		{-2.5e-7, "-2.5e-07"},
	} {
		if got := string(AppendFloat(nil, tc.f)); got != tc.want {
			t.Errorf("AppendFloat(%v) = %s, want %s", tc.f, got, tc.want)
		}
	}
}

// TestAppendString checks the escaping against Python's
// json.dumps(s, ensure_ascii=False), and that the result decodes back.
func TestAppendString(t *testing.T) {
	s := "a\"b\\c\n\r\t\b\f\x01\x1f\x7f\u2028<>&é😀"
	want := `"a\"b\\c\n\r\t\b\f\u0001\u001f` + "\x7f\u2028<>&é😀\""
	got := string(AppendString(nil, s))
	if got != want {
		t.Errorf("AppendString = %q, want %q", got, want)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != s {
		t.Errorf("does not decode back: %q, %v", back, err)
	}
	if got := string(AppendString(nil, "bad \xff utf-8")); got != "\"bad \uFFFD utf-8\"" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

func TestAppendCanonical(t *testing.T) {
	in := `{ "b": [1, 2.50, true, null, {"x": "<&>"}], "a": {}, "c": [] , "d": -0.000001}`
	want := `{"b":[1,2.5,true,null,{"x":"<&>"}],"a":{},"c":[],"d":-1e-06}`
	got, err := Append(nil, []byte(in))
	if err != nil || string(got) != want {
		t.Errorf("canon.Append = %s, %v; want %s", got, err, want)
	}
}
