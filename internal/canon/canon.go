// Package canon writes canonical JSON: exactly the bytes that Python 3
// writes with json.dumps(value, ensure_ascii=False, separators=(",", ":"))
// for the value they decode to, with object members in the order written.
// Everything llog exports is written this way, so an export's hash can be
// recomputed from its decoded values (see "Canonical JSON" in the llog
// command's documentation).
//
// No whitespace; strings escape '"' and '\' with a backslash, use \b \f \n
// \r \t for those five characters, \u00XX (lower-case hex) for the other
// characters below U+0020, and write every other character as UTF-8;
// integers in decimal; other numbers as Python's repr(float) writes them;
// true, false and null.
package canon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TimeLayout is RFC 3339 with nanoseconds, always nine digits, in UTC:
// how times are written.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, escaped as Python's json module
// does with ensure_ascii=False: '"' and '\' are escaped, \b \f \n \r \t take
// their short forms, other bytes below 0x20 become \u00XX (lower-case hex),
// and everything else is written as UTF-8. Invalid UTF-8 becomes U+FFFD.
func AppendString(dst []byte, s string) []byte {
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

// AppendFloat appends f as Python's repr(float) writes it: the shortest
// digits that read back as f, in positional notation (with at least one
// digit after the point) when 1e-4 <= |f| < 1e16, else in scientific
// notation with at least two exponent digits.
func AppendFloat(dst []byte, f float64) []byte {
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

// AppendMillis appends a duration in milliseconds: an integer when it is
// a whole number of milliseconds, else a float (see AppendFloat).
func AppendMillis(dst []byte, d time.Duration) []byte {
	if d%time.Millisecond == 0 {
		return strconv.AppendInt(dst, int64(d/time.Millisecond), 10)
	}
	return AppendFloat(dst, float64(d)/float64(time.Millisecond))
}

// AppendTime appends t as a JSON string in TimeLayout.
func AppendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, TimeLayout)
	return append(dst, '"')
}

// AppendKey appends ,"key": (or "key": for the first member when first).
func AppendKey(dst []byte, key string, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = AppendString(dst, key)
	return append(dst, ':')
}

// AppendStringField appends ,"key":"value" when value is not empty.
func AppendStringField(dst []byte, key, value string) []byte {
	if value == "" {
		return dst
	}
	return AppendString(AppendKey(dst, key, false), value)
}

// Append re-encodes the JSON value in src in canonical form,
// keeping the order of object members.
func Append(dst, src []byte) ([]byte, error) {
	return AppendMapped(dst, src, nil)
}

// AppendMapped is Append with every string value (not the member names)
// replaced by fn's result; a nil fn keeps them.
func AppendMapped(dst, src []byte, fn func(string) string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	dst, err := appendValue(dst, dec, fn)
	if err != nil {
		return dst, fmt.Errorf("canonical json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return dst, fmt.Errorf("canonical json: trailing data")
	}
	return dst, nil
}

func appendValue(dst []byte, dec *json.Decoder, fn func(string) string) ([]byte, error) {
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
				dst = append(AppendString(dst, k.(string)), ':')
			}
			if dst, err = appendValue(dst, dec, fn); err != nil {
				return dst, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return dst, err
		}
		return append(dst, end), nil
	case string:
		if fn != nil {
			t = fn(t)
		}
		return AppendString(dst, t), nil
	case json.Number:
		if !strings.ContainsAny(string(t), ".eE") {
			return append(dst, t...), nil
		}
		f, err := t.Float64()
		if err != nil {
			return dst, err
		}
		return AppendFloat(dst, f), nil
	case bool:
		return strconv.AppendBool(dst, t), nil
	case nil:
		return append(dst, "null"...), nil
	}
	return dst, fmt.Errorf("unexpected token %v", tok)
}
