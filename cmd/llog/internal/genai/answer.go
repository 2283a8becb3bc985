package genai

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Framing says how a response body is cut into JSON values.
type Framing int

const (
	// Whole is a body holding one JSON document, the answer of a call that
	// did not stream (or a body of an unknown type).
	Whole Framing = iota
	// SSE is a text/event-stream body: OpenAI-compatible streaming.
	SSE
	// NDJSON is an application/x-ndjson body: Ollama streaming.
	NDJSON
)

// FramingOf returns the framing of a body with the given Content-Type.
func FramingOf(contentType string) Framing {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/event-stream":
		return SSE
	case "application/x-ndjson", "application/jsonl", "application/json-seq":
		return NDJSON
	}
	return Whole
}

// Result is what a response says about a model call.
type Result struct {
	// Model is the model that answered: gen_ai.response.model.
	Model string
	// ID is the response's id: gen_ai.response.id.
	ID string
	// Text is the answer in its readable form (see the package doc); empty
	// for embeddings.
	Text string
	// FinishReasons are gen_ai.response.finish_reasons, one per choice.
	FinishReasons []string
	// TokensIn and TokensOut are the upstream's own counts; 0 when it did
	// not report them.
	TokensIn, TokensOut int
	// Error is the message of an error the body reports (an error object
	// in place of an answer, or an error event in a stream).
	Error string
	// Embeddings is the number of embeddings returned and Dimensions the
	// length of the first.
	Embeddings, Dimensions int
	// Done is true when the answer's own end was seen: "data: [DONE]" or a
	// final Responses event (SSE), "done": true (Ollama), a whole document
	// that decoded.
	Done bool
	// Truncated is true when part of the body or of the text went past
	// the limit and was not kept.
	Truncated bool
	// Undecoded is set when the body, or some of its events, were not the
	// JSON the API answers with.
	Undecoded string
}

// Answer assembles a response body given in pieces. It is not safe for
// concurrent use.
type Answer struct {
	api     API
	framing Framing
	max     int

	whole   []byte // Whole framing: the body so far
	sse     sseDecoder
	nd      ndjsonDecoder
	choices []choice
	kept    int // bytes of text kept, over all choices
	output  bool
	res     Result
	closed  bool
}

// choice is the answer of one choice (OpenAI's n > 1) being assembled.
type choice struct {
	text  strings.Builder
	tools []tool
}

type tool struct {
	name string
	args strings.Builder
}

// NewAnswer returns an Answer for a response to api framed as f. It keeps
// at most max bytes of a Whole body, of a stream's longest line or event,
// and of answer text; what is past the limit is dropped and Result says so.
func NewAnswer(api API, f Framing, max int) *Answer {
	a := &Answer{api: api, framing: f, max: max}
	a.sse = sseDecoder{lineBuffer: lineBuffer{max: max}, onEvent: a.event}
	a.nd = ndjsonDecoder{lineBuffer: lineBuffer{max: max}, onLine: a.object}
	return a
}

// Write feeds the next piece of the body. It never fails.
func (a *Answer) Write(p []byte) (int, error) {
	switch a.framing {
	case SSE:
		a.sse.write(p)
	case NDJSON:
		a.nd.write(p)
	default:
		if len(a.whole)+len(p) > a.max {
			a.res.Truncated = true
			p = p[:max(0, a.max-len(a.whole))]
		}
		a.whole = append(a.whole, p...)
	}
	return len(p), nil
}

// Output reports whether answer text or a tool call has arrived: the first
// token of a stream.
func (a *Answer) Output() bool { return a.output }

// Close ends the body.
func (a *Answer) Close() {
	if a.closed {
		return
	}
	a.closed = true
	switch a.framing {
	case SSE:
		a.sse.close()
	case NDJSON:
		a.nd.close()
	default:
		a.closeWhole()
	}
	if a.sse.dropped || a.nd.dropped {
		a.res.Truncated = true
	}
}

// closeWhole decodes a Whole body: one JSON document, or, when the
// Content-Type did not say it streamed, the stream the API would send.
func (a *Answer) closeWhole() {
	body := bytes.TrimSpace(a.whole)
	if len(body) == 0 {
		return
	}
	if a.res.Truncated {
		a.undecoded("the body is larger than the limit of %d bytes", a.max)
		return
	}
	if json.Valid(body) {
		a.object(body)
		if a.res.Undecoded == "" {
			a.res.Done = true
		}
		return
	}
	switch {
	case a.api.ollama():
		a.nd.write(body)
		a.nd.close()
	case bytes.HasPrefix(body, []byte("data:")) || bytes.HasPrefix(body, []byte("event:")):
		a.sse.write(body)
		a.sse.close()
	default:
		a.undecoded("the body is not JSON")
	}
}

func (a *Answer) undecoded(format string, args ...any) {
	if a.res.Undecoded == "" {
		a.res.Undecoded = fmt.Sprintf(format, args...)
	}
}

// Result returns what the body said. Call it after Close.
func (a *Answer) Result() Result {
	r := a.res
	r.Text = a.text()
	r.FinishReasons = append([]string(nil), r.FinishReasons...)
	return r
}

// event handles one server-sent event.
func (a *Answer) event(data []byte) {
	if string(bytes.TrimSpace(data)) == "[DONE]" {
		a.res.Done = true
		return
	}
	a.object(data)
}

// object handles one JSON value: a whole answer, a streamed chunk, an
// Ollama line or an error.
func (a *Answer) object(data []byte) {
	if a.api.ollama() {
		a.ollamaObject(data)
	} else {
		a.openaiObject(data)
	}
}

// decode decodes data into v and reports whether v is worth reading: a
// member of an unexpected type is left out (and noted), the others kept.
func (a *Answer) decode(data []byte, v any) bool {
	err := json.Unmarshal(data, v)
	if err == nil {
		return true
	}
	a.undecoded("%s answer: %v", a.api, err)
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// errorMessage returns the message of an error member: a string, or an
// object with a "message" string.
func errorMessage(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	if s, ok := asString(v); ok {
		return s
	}
	var o struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	}
	if json.Unmarshal(v, &o) == nil && o.Message != "" {
		return o.Message
	}
	var c bytes.Buffer
	if json.Compact(&c, v) != nil {
		return string(v)
	}
	return c.String()
}

// setError records the first error the body reports.
func (a *Answer) setError(msg string) {
	if a.res.Error == "" && msg != "" {
		a.res.Error = msg
	}
}

func (a *Answer) choice(i int) *choice {
	if i < 0 || i > 127 {
		i = 0 // an index no server sends; do not let it size the slice
	}
	if i >= len(a.choices) {
		need := choiceOverhead * (i + 1 - len(a.choices))
		if a.kept+need > a.max {
			a.res.Truncated = true
			return nil
		}
		a.kept += need
		for len(a.choices) <= i {
			a.choices = append(a.choices, choice{})
		}
	}
	return &a.choices[i]
}

// What rendering adds around a choice and a tool call, counted against
// the limit when they are created.
const (
	choiceOverhead = len("\n\nchoice 127: ")
	toolOverhead   = len("\n[tool call ()]")
)

// addText appends s to choice i's text, within the limit.
func (a *Answer) addText(i int, s string) {
	if s == "" {
		return
	}
	a.output = true
	c := a.choice(i)
	if c == nil {
		return
	}
	if a.kept+len(s) > a.max {
		a.res.Truncated = true
		s = cutUTF8(s, a.max-a.kept)
	}
	a.kept += len(s)
	c.text.WriteString(s)
}

// addTool appends to tool call j of choice i (a new one when j < 0): a
// name fragment and an arguments fragment, as streamed deltas carry them.
func (a *Answer) addTool(i, j int, name string, args []byte) {
	a.output = true
	c := a.choice(i)
	if c == nil {
		return
	}
	if j < 0 || j > 127 {
		j = len(c.tools)
	}
	var b strings.Builder
	writeArgs(&b, args)
	need := len(name) + b.Len()
	if j >= len(c.tools) {
		need += toolOverhead * (j + 1 - len(c.tools))
	}
	if a.kept+need > a.max {
		a.res.Truncated = true
		return
	}
	a.kept += need
	for len(c.tools) <= j {
		c.tools = append(c.tools, tool{})
	}
	t := &c.tools[j]
	t.name += name
	t.args.WriteString(b.String())
}

// finish records a choice's finish reason.
func (a *Answer) finish(reason string) {
	if reason != "" {
		a.res.FinishReasons = append(a.res.FinishReasons, reason)
	}
}

// text renders the choices: one choice as its text then its tool calls,
// one a line; several as "choice N: ..." blocks separated by a blank line.
func (a *Answer) text() string {
	var b strings.Builder
	for i := range a.choices {
		c := &a.choices[i]
		if len(a.choices) > 1 {
			if i > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString("choice " + strconv.Itoa(i) + ": ")
		}
		b.WriteString(c.text.String())
		for j, t := range c.tools {
			if j > 0 || c.text.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("[tool call " + t.name + "(" + t.args.String() + ")]")
		}
	}
	return b.String()
}

// setEmbeddings records the number of embeddings and the dimensions of the
// first, given as a JSON array of numbers or (OpenAI's
// encoding_format "base64") a base64 string of little-endian float32s.
func (a *Answer) setEmbeddings(n int, first []byte) {
	a.res.Embeddings = n
	first = bytes.TrimSpace(first)
	if s, ok := asString(first); ok {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			a.res.Dimensions = len(b) / 4
		}
		return
	}
	if len(first) < 2 || first[0] != '[' {
		return
	}
	if inner := bytes.TrimSpace(first[1 : len(first)-1]); len(inner) > 0 {
		a.res.Dimensions = bytes.Count(inner, []byte(",")) + 1
	}
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// end inside a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if n >= len(s) {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
