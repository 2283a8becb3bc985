package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lowlightlog/llog"
)

// The JSON that llog writes is compact and byte for byte what Python's
// json.dumps(value, ensure_ascii=False, separators=(",", ":")) writes for
// the value it decodes to (keys in the order written): see "Canonical JSON"
// in the package documentation. The export hash depends on it.

// timeLayout is RFC 3339 with nanoseconds, always nine digits, in UTC.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as Python's json module
// does with ensure_ascii=False: '"' and '\' are escaped, \b \f \n \r \t take
// their short forms, other bytes below 0x20 become \u00XX (lower-case hex),
// and everything else is written as UTF-8. Invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendFloat appends f as Python's repr(float) writes it: the shortest
// digits that read back as f, in positional notation (with at least one
// digit after the point) when 1e-4 <= |f| < 1e16, else in scientific
// notation with at least two exponent digits.
func appendFloat(dst []byte, f float64) []byte {
	if f == 0 {
		return append(dst, "0.0"...)
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±dd
	mant, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	if exp < -4 || exp >= 16 {
		return append(dst, e...)
	}
	if strings.HasPrefix(mant, "-") {
		dst = append(dst, '-')
		mant = mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < 0 {
		dst = append(dst, "0."...)
		dst = append(dst, strings.Repeat("0", -exp-1)...)
		return append(dst, digits...)
	}
	if len(digits) <= exp+1 {
		dst = append(dst, digits...)
		dst = append(dst, strings.Repeat("0", exp+1-len(digits))...)
		return append(dst, ".0"...)
	}
	dst = append(dst, digits[:exp+1]...)
	dst = append(dst, '.')
	return append(dst, digits[exp+1:]...)
}

// appendMillis appends a duration in milliseconds: an integer when it is
// a whole number of milliseconds, else a float (see appendFloat).
func appendMillis(dst []byte, d time.Duration) []byte {
	if d%time.Millisecond == 0 {
		return strconv.AppendInt(dst, int64(d/time.Millisecond), 10)
	}
	return appendFloat(dst, float64(d)/float64(time.Millisecond))
}

// appendTime appends t as a JSON string in timeLayout.
func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, timeLayout)
	return append(dst, '"')
}

// appendKey appends ,"key": (or "key": for the first member when first).
func appendKey(dst []byte, key string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = appendString(dst, key)
	return append(dst, ':')
}

// appendStringField appends ,"key":"value" when value is not empty.
func appendStringField(dst []byte, key, value string) []byte {
	if value == "" {
		return dst
	}
	return appendString(appendKey(dst, key, false), value)
}

// appendRecord appends the JSON object of one record; see "Records" in the
// package documentation for its members.
func appendRecord(dst []byte, r *llog.Record) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, r.Seq, 10)
	dst = appendTime(appendKey(dst, "time", false), r.Time)
	dst = appendString(appendKey(dst, "model", false), r.Model)
	dst = appendStringField(dst, "provider", r.Provider)
	dst = appendStringField(dst, "operation", r.Operation)
	dst = appendString(appendKey(dst, "prompt", false), r.Prompt)
	dst = appendString(appendKey(dst, "response", false), r.Response)
	dst = appendStringField(dst, "error", r.Error)
	dst = appendMillis(appendKey(dst, "latency_ms", false), r.Latency)
	dst = strconv.AppendInt(appendKey(dst, "latency_ns", false), int64(r.Latency), 10)
	dst = strconv.AppendInt(appendKey(dst, "tokens_in", false), int64(r.TokensIn), 10)
	dst = strconv.AppendInt(appendKey(dst, "tokens_out", false), int64(r.TokensOut), 10)
	if r.TokensInEstimated {
		dst = append(dst, `,"tokens_in_estimated":true`...)
	}
	if r.TokensOutEstimated {
		dst = append(dst, `,"tokens_out_estimated":true`...)
	}
	dst = appendStringField(dst, "trace_id", r.TraceID)
	dst = appendStringField(dst, "span_id", r.SpanID)
	dst = appendStringField(dst, "conversation_id", r.ConversationID)
	if len(r.Attributes) > 0 {
		dst = append(appendKey(dst, "attributes", false), '{')
		for i, k := range slices.Sorted(mapKeys(r.Attributes)) {
			dst = appendString(appendKey(dst, k, i == 0), r.Attributes[k])
		}
		dst = append(dst, '}')
	}
	dst = append(appendKey(dst, "redactions", false), '{')
	for i, k := range slices.Sorted(mapKeys(r.Redactions)) {
		dst = strconv.AppendInt(appendKey(dst, k, i == 0), int64(r.Redactions[k]), 10)
	}
	dst = append(dst, '}')
	dst = append(appendKey(dst, "prev_hash", false), '"')
	dst = hex.AppendEncode(dst, r.PrevHash[:])
	dst = append(dst, `","hash":"`...)
	dst = hex.AppendEncode(dst, r.Hash[:])
	return append(dst, `"}`...)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// appendReport appends the verification report as a JSON object with the
// members and names of llog.VerifyReport's JSON encoding, in canonical form;
// breaks is [] rather than null when there are none.
func appendReport(dst []byte, rep *llog.VerifyReport) ([]byte, error) {
	r := *rep
	if r.Breaks == nil {
		r.Breaks = []llog.Break{}
	}
	b, err := json.Marshal(&r)
	if err != nil {
		return dst, fmt.Errorf("encode the verification report: %w", err)
	}
	return appendCanonical(dst, b)
}

// appendCanonical re-encodes the JSON value in src in canonical form,
// keeping the order of object members.
func appendCanonical(dst, src []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	dst, err := appendValue(dst, dec)
	if err != nil {
		return dst, fmt.Errorf("canonical json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return dst, fmt.Errorf("canonical json: trailing data")
	}
	return dst, nil
}

func appendValue(dst []byte, dec *json.Decoder) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return dst, err
	}
	switch t := tok.(type) {
	case json.Delim:
		end := byte('}')
		if t == '[' {
			end = ']'
		}
		dst = append(dst, byte(t))
		for i := 0; dec.More(); i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return dst, err
				}
				dst = append(appendString(dst, k.(string)), ':')
			}
			if dst, err = appendValue(dst, dec); err != nil {
				return dst, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return dst, err
		}
		return append(dst, end), nil
	case string:
		return appendString(dst, t), nil
	case json.Number:
		if !strings.ContainsAny(string(t), ".eE") {
			return append(dst, t...), nil
		}
		f, err := t.Float64()
		if err != nil {
			return dst, err
		}
		return appendFloat(dst, f), nil
	case bool:
		return strconv.AppendBool(dst, t), nil
	case nil:
		return append(dst, "null"...), nil
	}
	return dst, fmt.Errorf("unexpected token %v", tok)
}
