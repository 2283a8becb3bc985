package llog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/lowlightlog/llog/chain"
)

// Inference is one AI inference to record. The fields map one to one onto
// the OpenTelemetry GenAI semantic conventions; each comment names the
// attribute.
type Inference struct {
	// Time is when the inference happened. Zero means the time Log is
	// called.
	Time time.Time
	// Model is the model requested: gen_ai.request.model.
	Model string
	// Provider is the model's provider: gen_ai.provider.name (for example
	// "openai", "anthropic", "llama.cpp").
	Provider string
	// Operation is the kind of request: gen_ai.operation.name (for example
	// "chat", "text_completion", "embeddings").
	Operation string
	// Prompt is the input: gen_ai.input.messages, as text.
	Prompt string
	// Response is the output: gen_ai.output.messages, as text.
	Response string
	// Latency is the duration of the operation:
	// gen_ai.client.operation.duration. Must not be negative.
	Latency time.Duration
	// TokensIn is gen_ai.usage.input_tokens. Zero means unknown: Log stores
	// the estimate len(Prompt)/4 (in characters) and marks it estimated.
	// At most MaxTokens.
	TokensIn int
	// TokensOut is gen_ai.usage.output_tokens. Zero means unknown: Log
	// stores the estimate len(Response)/4 and marks it estimated. At most
	// MaxTokens.
	TokensOut int
	// Error is the class of error that ended the operation, empty on
	// success: error.type.
	Error string
	// TraceID and SpanID tie the record to a distributed trace: trace_id
	// and span_id.
	TraceID, SpanID string
	// ConversationID groups the turns of one conversation:
	// gen_ai.conversation.id.
	ConversationID string
	// Attributes holds any other attributes, keyed by their OpenTelemetry
	// (or your own) names. Values are redacted like Prompt.
	Attributes map[string]string
}

// Record is a committed inference as read back from a store.
type Record struct {
	// Seq is the record's sequence number: strictly increasing and
	// gap-free over the store's life.
	Seq uint64
	Inference
	// TokensInEstimated and TokensOutEstimated are set when the token count
	// is llog's len/4 estimate rather than a number the caller gave.
	TokensInEstimated, TokensOutEstimated bool
	// Redactions counts what redaction removed, by category (for example
	// "EMAIL": 2). It never holds the removed text. The category
	// "INVALID_UTF8" counts invalid UTF-8 sequences that were replaced by
	// U+FFFD.
	Redactions map[string]int
	// PrevHash is the chain digest of the record before this one (the
	// genesis digest for the first record of a store).
	PrevHash chain.Digest
	// Hash is the record's chain digest.
	Hash chain.Digest
}

// Receipt is returned by LogSync once the record is durable.
type Receipt struct {
	Seq  uint64       // the record's sequence number
	Hash chain.Digest // the record's chain digest
}

// Record encoding, version 1. Part of the on-disk format: never change it;
// add a version instead. The body of a record is:
//
//	version     u8       1
//	flags       u8       bit 0: tokens in estimated, bit 1: tokens out estimated
//	time        varint   Unix time in nanoseconds (zig-zag)
//	latency     uvarint  nanoseconds
//	tokens in   uvarint
//	tokens out  uvarint
//	9 strings   uvarint length + UTF-8 bytes each, in this order: model,
//	            provider, operation, prompt, response, error, trace id,
//	            span id, conversation id
//	attributes  uvarint count, then count × (key string, value string),
//	            keys sorted and unique
//	redactions  uvarint count, then count × (category string, uvarint n),
//	            categories sorted and unique, n > 0
//
// The wal entry of a record is its 32-byte chain digest followed by the
// body; the digest covers the body (see package chain). FORMAT.md in the
// repository specifies the fields for other implementations, with how an
// export's members map onto them; testdata/vectors pins example bodies.
const (
	recordVersion   = 1
	hashSize        = chain.Size
	flagInEstimate  = 1 << 0
	flagOutEstimate = 1 << 1
)

// errBadRecord is the reason given when a record body does not decode.
var errBadRecord = errors.New("record does not decode")

// appendRecord appends the encoded body of r to dst.
func appendRecord(dst []byte, r *Record) []byte {
	var buf [16]count
	return appendRecordCounts(dst, r, sortedCounts(buf[:0], r.Redactions))
}

// count is one redaction category and its count.
type count struct {
	name string
	n    int
}

// sortedCounts appends m's categories and counts to dst, sorted by name:
// the order a record body stores them in.
func sortedCounts(dst []count, m map[string]int) []count {
	for k, v := range m {
		dst = append(dst, count{k, v})
	}
	sortCounts(dst)
	return dst
}

// addCount adds n to name's count in cs, appending name when it is not
// there yet.
func addCount(cs []count, name string, n int) []count {
	for i := range cs {
		if cs[i].name == name {
			cs[i].n += n
			return cs
		}
	}
	return append(cs, count{name, n})
}

// sortCounts sorts cs by name; an insertion sort, for the few categories a
// record has.
func sortCounts(cs []count) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].name < cs[j-1].name; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// appendRecordCounts appends the encoded body of r to dst with the
// redaction counts reds (sorted by name) in place of r.Redactions: Log
// encodes its records without building that map.
func appendRecordCounts(dst []byte, r *Record, reds []count) []byte {
	var flags byte
	if r.TokensInEstimated {
		flags |= flagInEstimate
	}
	if r.TokensOutEstimated {
		flags |= flagOutEstimate
	}
	dst = append(dst, recordVersion, flags)
	dst = binary.AppendVarint(dst, r.Time.UnixNano())
	dst = binary.AppendUvarint(dst, uint64(r.Latency))
	dst = binary.AppendUvarint(dst, uint64(r.TokensIn))
	dst = binary.AppendUvarint(dst, uint64(r.TokensOut))
	for _, s := range [...]string{r.Model, r.Provider, r.Operation, r.Prompt, r.Response,
		r.Error, r.TraceID, r.SpanID, r.ConversationID} {
		dst = appendString(dst, s)
	}
	dst = binary.AppendUvarint(dst, uint64(len(r.Attributes)))
	var keys [16]string // sorted map keys; on the stack for the usual few
	if len(r.Attributes) > 0 {
		for _, k := range sortedKeys(keys[:0], r.Attributes) {
			dst = appendString(dst, k)
			dst = appendString(dst, r.Attributes[k])
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(reds)))
	for _, c := range reds {
		dst = appendString(dst, c.name)
		dst = binary.AppendUvarint(dst, uint64(c.n))
	}
	return dst
}

// maxRecordSize returns the most bytes appendRecordCounts can write for r
// once its free text (Prompt, Response, Error and the attribute values) is
// redacted, when a text of n bytes becomes at most text(n) bytes, with
// redaction counts taking at most counts bytes: every varint at its
// longest (binary.MaxVarintLen64), every other field as it is.
func maxRecordSize(r *Record, text func(int) int, counts int) int {
	const v = binary.MaxVarintLen64
	n := 2 + 4*v // version, flags, time, latency, tokens in and out
	for _, s := range [...]string{r.Model, r.Provider, r.Operation, r.TraceID, r.SpanID, r.ConversationID} {
		n += v + len(s)
	}
	for _, s := range [...]string{r.Prompt, r.Response, r.Error} {
		n += v + text(len(s))
	}
	n += v
	for k, val := range r.Attributes {
		n += v + len(k) + v + text(len(val))
	}
	return n + counts
}

// maxCountsSize returns the most bytes appendRecordCounts writes for the
// redaction counts of a record when they are of the categories cats and
// INVALID_UTF8 (a record counts each at most once).
func maxCountsSize(cats []string) int {
	const v = binary.MaxVarintLen64
	n := v + v + len("INVALID_UTF8") + v
	for _, c := range cats {
		n += v + len(c) + v
	}
	return n
}

// sortedKeys appends m's keys to dst and sorts them.
func sortedKeys[V any](dst []string, m map[string]V) []string {
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst)
	return dst
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// decoder reads a record body.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errBadRecord, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || (n > 1 && d.b[n-1] == 0) { // overflow, or not the shortest form
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 || (n > 1 && d.b[n-1] == 0) {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// MaxTokens is the largest token count Log stores (2^31 − 1), so that every
// record reads back on a 32-bit board, where an int has 32 bits. Log
// refuses a larger count with ErrInvalidRecord.
const MaxTokens = 1<<31 - 1

// int reads a uvarint that must fit a non-negative int. Counts are at most
// 2^63 − 1 on disk; writers store at most MaxTokens tokens, and redaction
// counts are bounded by the record's size, so only a record written by a
// 64-bit writer before the cap can hold a count a 32-bit int cannot.
func (d *decoder) int(what string) int {
	v := d.uvarint()
	switch {
	case v > math.MaxInt64:
		d.fail("%s %d out of range", what, v)
		return 0
	case v > uint64(maxInt):
		d.fail("%s %d does not fit this platform's %d-bit int (written before counts were capped at %d)",
			what, v, strconv.IntSize, MaxTokens)
		return 0
	}
	return int(v)
}

const maxInt = int(^uint(0) >> 1)

func (d *decoder) string(what string) string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail("%s length %d exceeds the %d bytes left", what, n, len(d.b))
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	if !utf8.ValidString(s) {
		d.fail("%s is not valid UTF-8", what)
	}
	return s
}

// version reads the version byte of a record body. A newer version than
// this build reads is ErrNewerVersion; any other but recordVersion is a bad
// record.
func (d *decoder) version() error {
	if v := d.byte(); d.err == nil && v != recordVersion {
		if v > recordVersion {
			return fmt.Errorf("%w: record version %d", ErrNewerVersion, v)
		}
		d.fail("record version %d", v)
	}
	return d.err
}

// decodeRecord decodes a record body into r (Seq and hashes are not part
// of the body). The strings of r do not alias body.
func decodeRecord(body []byte, r *Record) error {
	d := decoder{b: body}
	if err := d.version(); err != nil {
		return err
	}
	flags := d.byte()
	if flags&^(flagInEstimate|flagOutEstimate) != 0 {
		d.fail("unknown flags %#x", flags)
	}
	r.TokensInEstimated = flags&flagInEstimate != 0
	r.TokensOutEstimated = flags&flagOutEstimate != 0
	r.Time = time.Unix(0, d.varint()).UTC()
	lat := d.uvarint()
	if lat > uint64(1<<63-1) {
		d.fail("latency out of range")
	}
	r.Latency = time.Duration(lat)
	r.TokensIn = d.int("tokens in")
	r.TokensOut = d.int("tokens out")
	r.Model = d.string("model")
	r.Provider = d.string("provider")
	r.Operation = d.string("operation")
	r.Prompt = d.string("prompt")
	r.Response = d.string("response")
	r.Error = d.string("error")
	r.TraceID = d.string("trace id")
	r.SpanID = d.string("span id")
	r.ConversationID = d.string("conversation id")

	r.Attributes = nil
	if n := d.uvarint(); n > 0 && d.err == nil {
		if n > uint64(len(d.b)/2) {
			d.fail("attribute count %d exceeds the bytes left", n)
		} else {
			r.Attributes = make(map[string]string, n)
			prev := ""
			for i := uint64(0); i < n && d.err == nil; i++ {
				k := d.string("attribute key")
				v := d.string("attribute value")
				if i > 0 && k <= prev {
					d.fail("attribute keys not sorted and unique")
				}
				prev = k
				r.Attributes[k] = v
			}
		}
	}
	r.Redactions = nil
	if n := d.uvarint(); n > 0 && d.err == nil {
		if n > uint64(len(d.b)/2) {
			d.fail("redaction count %d exceeds the bytes left", n)
		} else {
			r.Redactions = make(map[string]int, n)
			prev := ""
			for i := uint64(0); i < n && d.err == nil; i++ {
				k := d.string("redaction category")
				c := d.int("redaction count")
				if (i > 0 && k <= prev) || c == 0 {
					d.fail("redaction categories not sorted and unique, or a zero count")
				}
				prev = k
				r.Redactions[k] = c
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	return d.err
}

// sanitize replaces invalid UTF-8 in s with U+FFFD (one per maximal invalid
// run, as strings.ToValidUTF8 does) and counts the replacements: the one
// pass of a Redactor without rules over s.
//
// Valid text, the common case for the short fields it is used on, is
// returned as it is after one validation, without the redactor's setup.
func sanitize(s string, invalid *int) string {
	if utf8.ValidString(s) {
		return s
	}
	res := noRules().RedactText(s)
	*invalid += res.Invalid
	return res.Text
}

// peekRecord decodes only the time and model of a record body: what the
// index and the query filters need, without decoding the text. The model
// aliases body and is not checked for valid UTF-8.
func peekRecord(body []byte) (t int64, model []byte, err error) {
	d := decoder{b: body}
	if err := d.version(); err != nil {
		return 0, nil, err
	}
	d.byte()
	t = d.varint()
	d.uvarint()
	d.uvarint()
	d.uvarint()
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)) {
		d.fail("model length %d exceeds the %d bytes left", n, len(d.b))
	}
	if d.err != nil {
		return 0, nil, d.err
	}
	return t, d.b[:n], nil
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
