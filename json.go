package llog

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

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
	if err := json.Unmarshal(b, &j); err != nil {
		return jsonError(err)
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
