package llog

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/canon"
)

// JSON. A Record is written as the object of the llog command's exports
// ('go doc github.com/lowlightlog/llog/cmd/llog', "Records"), in canonical
// JSON, members in this order; those marked ? are left out when empty, zero
// or false:
//
//	seq                   integer
//	time                  string: RFC 3339 in UTC, nine fractional digits
//	model                 string
//	provider?, operation? strings
//	prompt, response      strings
//	error?                string
//	latency_ms            number: milliseconds, an integer when whole
//	latency_ns            integer: nanoseconds, exact
//	tokens_in, tokens_out integers
//	tokens_in_estimated?, tokens_out_estimated?  true
//	trace_id?, span_id?, conversation_id?        strings
//	attributes?           object of strings, keys sorted
//	redactions            object: category -> count, keys sorted
//	prev_hash, hash       strings: chain digests in hex
//
// An Inference is written with the members it has: time (left out when
// zero), then model to attributes as above. Decoding takes the same members
// and ignores members it does not know, as readers of exports should;
// latency_ns wins over latency_ms when both are given.

// AppendJSON appends the record as a JSON object, exactly as the llog
// command exports it.
func (r *Record) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, r.Seq, 10)
	dst = canon.AppendTime(canon.AppendKey(dst, "time", false), r.Time)
	dst = appendInferenceJSON(dst, &r.Inference, false, r.TokensInEstimated, r.TokensOutEstimated)
	dst = append(canon.AppendKey(dst, "redactions", false), '{')
	for i, k := range slices.Sorted(mapKeys(r.Redactions)) {
		dst = strconv.AppendInt(canon.AppendKey(dst, k, i == 0), int64(r.Redactions[k]), 10)
	}
	dst = append(dst, '}')
	dst = append(canon.AppendKey(dst, "prev_hash", false), '"')
	dst = hex.AppendEncode(dst, r.PrevHash[:])
	dst = append(dst, `","hash":"`...)
	dst = hex.AppendEncode(dst, r.Hash[:])
	return append(dst, `"}`...)
}

// MarshalJSON returns the record as the llog command exports it (see
// AppendJSON).
func (r Record) MarshalJSON() ([]byte, error) {
	return r.AppendJSON(nil), nil
}

// MarshalJSON returns the inference as a JSON object with the member names
// and units of an exported record.
func (inf Inference) MarshalJSON() ([]byte, error) {
	dst := []byte{'{'}
	first := true
	if !inf.Time.IsZero() {
		dst = canon.AppendTime(canon.AppendKey(dst, "time", true), inf.Time)
		first = false
	}
	dst = appendInferenceJSON(dst, &inf, first, false, false)
	return append(dst, '}'), nil
}

// appendInferenceJSON appends the members model to attributes, with the
// estimate flags of a record; first says model is the object's first
// member.
func appendInferenceJSON(dst []byte, inf *Inference, first, inEst, outEst bool) []byte {
	dst = canon.AppendString(canon.AppendKey(dst, "model", first), inf.Model)
	dst = canon.AppendStringField(dst, "provider", inf.Provider)
	dst = canon.AppendStringField(dst, "operation", inf.Operation)
	dst = canon.AppendString(canon.AppendKey(dst, "prompt", false), inf.Prompt)
	dst = canon.AppendString(canon.AppendKey(dst, "response", false), inf.Response)
	dst = canon.AppendStringField(dst, "error", inf.Error)
	dst = canon.AppendMillis(canon.AppendKey(dst, "latency_ms", false), inf.Latency)
	dst = strconv.AppendInt(canon.AppendKey(dst, "latency_ns", false), int64(inf.Latency), 10)
	dst = strconv.AppendInt(canon.AppendKey(dst, "tokens_in", false), int64(inf.TokensIn), 10)
	dst = strconv.AppendInt(canon.AppendKey(dst, "tokens_out", false), int64(inf.TokensOut), 10)
	if inEst {
		dst = append(dst, `,"tokens_in_estimated":true`...)
	}
	if outEst {
		dst = append(dst, `,"tokens_out_estimated":true`...)
	}
	dst = canon.AppendStringField(dst, "trace_id", inf.TraceID)
	dst = canon.AppendStringField(dst, "span_id", inf.SpanID)
	dst = canon.AppendStringField(dst, "conversation_id", inf.ConversationID)
	if len(inf.Attributes) > 0 {
		dst = append(canon.AppendKey(dst, "attributes", false), '{')
		for i, k := range slices.Sorted(mapKeys(inf.Attributes)) {
			dst = canon.AppendString(canon.AppendKey(dst, k, i == 0), inf.Attributes[k])
		}
		dst = append(dst, '}')
	}
	return dst
}

// inferenceJSON is the JSON form of an Inference, for decoding.
type inferenceJSON struct {
	Time           *string           `json:"time"`
	Model          string            `json:"model"`
	Provider       string            `json:"provider"`
	Operation      string            `json:"operation"`
	Prompt         string            `json:"prompt"`
	Response       string            `json:"response"`
	Error          string            `json:"error"`
	LatencyMS      *float64          `json:"latency_ms"`
	LatencyNS      *int64            `json:"latency_ns"`
	TokensIn       int               `json:"tokens_in"`
	TokensOut      int               `json:"tokens_out"`
	TraceID        string            `json:"trace_id"`
	SpanID         string            `json:"span_id"`
	ConversationID string            `json:"conversation_id"`
	Attributes     map[string]string `json:"attributes"`
}

// recordJSON adds the members of a Record.
type recordJSON struct {
	Seq uint64 `json:"seq"`
	inferenceJSON
	TokensInEstimated  bool           `json:"tokens_in_estimated"`
	TokensOutEstimated bool           `json:"tokens_out_estimated"`
	Redactions         map[string]int `json:"redactions"`
	PrevHash           *chain.Digest  `json:"prev_hash"`
	Hash               *chain.Digest  `json:"hash"`
}

// UnmarshalJSON sets the inference from a JSON object with the member
// names and units of an exported record (members of a record that an
// Inference does not have are ignored, so a record decodes too). An error
// names the member that is wrong, as in `tokens_in: want an integer, got
// string`.
func (inf *Inference) UnmarshalJSON(b []byte) error {
	var j inferenceJSON
	if !decodeFast(b, &j) {
		j = inferenceJSON{}
		if err := json.Unmarshal(b, &j); err != nil {
			return jsonError(err)
		}
	}
	out, err := j.inference()
	if err != nil {
		return err
	}
	*inf = out
	return nil
}

// UnmarshalJSON sets the record from the JSON object AppendJSON writes.
func (r *Record) UnmarshalJSON(b []byte) error {
	var j recordJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return jsonError(err)
	}
	inf, err := j.inference()
	if err != nil {
		return err
	}
	*r = Record{Seq: j.Seq, Inference: inf, TokensInEstimated: j.TokensInEstimated,
		TokensOutEstimated: j.TokensOutEstimated, Redactions: j.Redactions}
	if j.PrevHash != nil {
		r.PrevHash = *j.PrevHash
	}
	if j.Hash != nil {
		r.Hash = *j.Hash
	}
	return nil
}

func (j *inferenceJSON) inference() (Inference, error) {
	inf := Inference{
		Model: j.Model, Provider: j.Provider, Operation: j.Operation, Prompt: j.Prompt,
		Response: j.Response, Error: j.Error, TokensIn: j.TokensIn, TokensOut: j.TokensOut,
		TraceID: j.TraceID, SpanID: j.SpanID, ConversationID: j.ConversationID, Attributes: j.Attributes,
	}
	if j.Time != nil {
		t, err := time.Parse(time.RFC3339Nano, *j.Time)
		if err != nil {
			return Inference{}, fmt.Errorf("time: want RFC 3339 (2026-01-02T15:04:05Z), got %q", *j.Time)
		}
		inf.Time = t
	}
	switch {
	case j.LatencyNS != nil:
		inf.Latency = time.Duration(*j.LatencyNS)
	case j.LatencyMS != nil:
		ns := math.Round(*j.LatencyMS * 1e6)
		if !(ns >= math.MinInt64 && ns < math.MaxInt64) {
			return Inference{}, fmt.Errorf("latency_ms: %v is out of range", *j.LatencyMS)
		}
		inf.Latency = time.Duration(ns)
	}
	return inf, nil
}

// jsonError rewords an error of encoding/json in terms of the members.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return fmt.Errorf("want a JSON object, got %s", te.Value)
		}
		return fmt.Errorf("%s: want %s, got %s", te.Field, jsonKind(te.Type), te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON: %v (at byte %d)", se, se.Offset)
	}
	return err
}

// jsonKind names the JSON values a Go type takes.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Uint64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Map:
		if t.Elem().Kind() == reflect.String {
			return "an object of strings"
		}
		return "an object of integers"
	case reflect.Array:
		return "a hex string" // chain.Digest
	}
	return t.String()
}

// decodeFast decodes the common form of an Inference object, without
// reflection: members of the expected types, strings in valid UTF-8,
// unknown members skipped. ok is false for anything else (an error, null,
// a repeated member, a member name that differs from a known one only in
// case), which encoding/json then decodes, so both give the same result;
// FuzzInferenceJSON checks that they do.
func decodeFast(b []byte, j *inferenceJSON) (ok bool) {
	// Lines with control characters (raw tabs between tokens, or invalid
	// in strings) and invalid UTF-8 are rare: encoding/json takes them.
	// The others are copied once, and their strings without escapes are
	// substrings of the copy.
	if hasControl(b) || !utf8.Valid(b) {
		return false
	}
	s := jscan{b: b, src: string(b)}
	s.ws()
	if !s.byte('{') {
		return false
	}
	var seen uint32
	s.ws()
	if s.byte('}') {
		return s.end()
	}
	for {
		s.ws()
		key, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if !s.byte(':') {
			return false
		}
		s.ws()
		bit, ok := fastMembers[key]
		if !ok {
			for k := range fastMembers {
				if strings.EqualFold(k, key) {
					return false // encoding/json would match it
				}
			}
			if !s.skip(0) {
				return false
			}
		} else {
			if seen&bit != 0 {
				return false
			}
			seen |= bit
			if !s.member(key, j) {
				return false
			}
		}
		s.ws()
		if s.byte('}') {
			return s.end()
		}
		if !s.byte(',') {
			return false
		}
	}
}

// fastMembers are the members decodeFast decodes, each with its bit.
var fastMembers = map[string]uint32{
	"time": 1 << 0, "model": 1 << 1, "provider": 1 << 2, "operation": 1 << 3, "prompt": 1 << 4,
	"response": 1 << 5, "error": 1 << 6, "latency_ms": 1 << 7, "latency_ns": 1 << 8, "tokens_in": 1 << 9,
	"tokens_out": 1 << 10, "trace_id": 1 << 11, "span_id": 1 << 12, "conversation_id": 1 << 13, "attributes": 1 << 14,
}

// member decodes the value of a known member into j.
func (s *jscan) member(key string, j *inferenceJSON) bool {
	var str *string
	switch key {
	case "model":
		str = &j.Model
	case "provider":
		str = &j.Provider
	case "operation":
		str = &j.Operation
	case "prompt":
		str = &j.Prompt
	case "response":
		str = &j.Response
	case "error":
		str = &j.Error
	case "trace_id":
		str = &j.TraceID
	case "span_id":
		str = &j.SpanID
	case "conversation_id":
		str = &j.ConversationID
	case "time":
		v, ok := s.str()
		j.Time = &v
		return ok
	case "latency_ms":
		lit, ok := s.number()
		f, err := strconv.ParseFloat(string(lit), 64)
		j.LatencyMS = &f
		return ok && err == nil
	case "latency_ns":
		lit, ok := s.number()
		n, err := strconv.ParseInt(string(lit), 10, 64)
		j.LatencyNS = &n
		return ok && err == nil
	case "tokens_in", "tokens_out":
		lit, ok := s.number()
		n, err := strconv.ParseInt(string(lit), 10, strconv.IntSize)
		if key == "tokens_in" {
			j.TokensIn = int(n)
		} else {
			j.TokensOut = int(n)
		}
		return ok && err == nil
	case "attributes":
		return s.attributes(j)
	}
	v, ok := s.str()
	*str = v
	return ok
}

// attributes decodes an object of strings.
func (s *jscan) attributes(j *inferenceJSON) bool {
	if !s.byte('{') {
		return false
	}
	j.Attributes = map[string]string{}
	s.ws()
	if s.byte('}') {
		return true
	}
	for {
		s.ws()
		k, ok := s.str()
		if !ok {
			return false
		}
		if _, dup := j.Attributes[k]; dup {
			return false
		}
		s.ws()
		if !s.byte(':') {
			return false
		}
		s.ws()
		if j.Attributes[k], ok = s.str(); !ok {
			return false
		}
		s.ws()
		if s.byte('}') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

// jscan reads JSON from b at i; src is b as a string.
type jscan struct {
	b   []byte
	src string
	i   int
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// byte consumes c if it is next.
func (s *jscan) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *jscan) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// str decodes a string. The input is valid UTF-8 without control
// characters (see decodeFast), so a string without escapes is a substring
// of the input. It gives up (false) on a lone surrogate escape, which
// encoding/json replaces.
func (s *jscan) str() (string, bool) {
	if !s.byte('"') {
		return "", false
	}
	start := s.i
	end := strings.IndexByte(s.src[start:], '"')
	if end < 0 {
		return "", false
	}
	if strings.IndexByte(s.src[start:start+end], '\\') >= 0 {
		return s.escaped(start)
	}
	s.i = start + end + 1
	return s.src[start : start+end], true
}

// hasControl reports whether b holds a byte below 0x20, eight bytes at a
// time.
func hasControl(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		if (x-0x20*ones)&^x&highs != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// escaped decodes a string with escapes, from its first byte at start.
func (s *jscan) escaped(start int) (string, bool) {
	out := make([]byte, 0, 2*(len(s.b)-start))
	i := start
	for i < len(s.b) {
		c := s.b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return "", false
			}
			s.i = i + 1
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s.b) {
			return "", false
		}
		switch e := s.b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s.b[i+2:])
			if !ok {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if len(s.b) < i+6 || s.b[i] != '\\' || s.b[i+1] != 'u' {
					return "", false
				}
				r2, ok := hex4(s.b[i+2:])
				if r = utf16.DecodeRune(r, r2); !ok || r == utf8.RuneError {
					return "", false
				}
				i += 6
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return "", false
}

// hex4 decodes the four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number returns the literal of a JSON number.
func (s *jscan) number() ([]byte, bool) {
	b, i := s.b, s.i
	digits := func() bool {
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	lit := b[s.i:i]
	s.i = i
	return lit, true
}

// skip consumes any JSON value, nested at most 64 deep.
func (s *jscan) skip(depth int) bool {
	if depth > 64 || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; c {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.ws()
		if s.byte(end) {
			return true
		}
		for {
			s.ws()
			if c == '{' {
				if _, ok := s.str(); !ok {
					return false
				}
				s.ws()
				if !s.byte(':') {
					return false
				}
				s.ws()
			}
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			if s.byte(end) {
				return true
			}
			if !s.byte(',') {
				return false
			}
		}
	case 't', 'f', 'n':
		for _, w := range [...]string{"true", "false", "null"} {
			if bytes.HasPrefix(s.b[s.i:], []byte(w)) {
				s.i += len(w)
				return true
			}
		}
		return false
	}
	_, ok := s.number()
	return ok
}
