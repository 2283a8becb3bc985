package genai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Request is what a request body says about a model call.
type Request struct {
	// Model is the model requested: gen_ai.request.model.
	Model string
	// Prompt is the input in its readable form (see the package doc).
	Prompt string
	// Stream is true when the request asks for a streamed answer (OpenAI:
	// "stream": true; Ollama chat and generate: unless "stream": false).
	Stream bool
	// Params holds the sampling parameters the request sets, keyed by their
	// OpenTelemetry attribute names (gen_ai.request.temperature, top_p,
	// top_k, max_tokens, seed, frequency_penalty, presence_penalty,
	// choice.count), each value the number as the request wrote it.
	Params map[string]string
}

// ErrNotJSON is wrapped by ParseRequest's error when the body is not a
// JSON object.
var ErrNotJSON = errors.New("genai: body is not a JSON object")

// request holds the members of every recognised request body; each API
// reads the ones it defines.
type request struct {
	Model        string          `json:"model"`
	Messages     []message       `json:"messages"`     // chat
	Prompt       json.RawMessage `json:"prompt"`       // completions, generate
	Suffix       json.RawMessage `json:"suffix"`       // completions, generate
	System       json.RawMessage `json:"system"`       // generate
	Images       []rawJSON       `json:"images"`       // generate
	Input        json.RawMessage `json:"input"`        // embeddings, responses, embed
	Instructions json.RawMessage `json:"instructions"` // responses
	Stream       *bool           `json:"stream"`
	sampling
	Options *sampling `json:"options"` // Ollama
}

// sampling holds the sampling parameters, as numbers written in the body.
type sampling struct {
	Temperature         rawJSON `json:"temperature"`
	TopP                rawJSON `json:"top_p"`
	TopK                rawJSON `json:"top_k"`
	MaxTokens           rawJSON `json:"max_tokens"`
	MaxCompletionTokens rawJSON `json:"max_completion_tokens"`
	MaxOutputTokens     rawJSON `json:"max_output_tokens"`
	NumPredict          rawJSON `json:"num_predict"`
	Seed                rawJSON `json:"seed"`
	FrequencyPenalty    rawJSON `json:"frequency_penalty"`
	PresencePenalty     rawJSON `json:"presence_penalty"`
	N                   rawJSON `json:"n"`
}

// rawJSON is a JSON value kept as written. Unlike json.RawMessage it never
// fails to decode, so one odd member does not hide the others.
type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// message is a chat message (OpenAI, Ollama) or an item of a Responses
// input.
type message struct {
	Type      string          `json:"type"`
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	Images    []rawJSON       `json:"images"`
	ToolCalls []toolCall      `json:"tool_calls"`
	// function_call and function_call_output items of a Responses input.
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
	Output    json.RawMessage `json:"output"`
}

// toolCall is a tool call in a chat message or a streamed delta.
type toolCall struct {
	Index    *int `json:"index"`
	Function struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

// ParseRequest reads the body of a request to api. It returns what it
// could read even with an error: a body that is not JSON gives an empty
// Request and an error wrapping ErrNotJSON; a member of an unexpected type
// is left out and reported.
func ParseRequest(api API, body []byte) (Request, error) {
	var r request
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return Request{}, ErrNotJSON
	}
	err := json.Unmarshal(body, &r)
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		return Request{}, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	req := Request{Model: r.Model, Params: r.params(api)}
	if api.ollama() && api != OllamaEmbed {
		req.Stream = r.Stream == nil || *r.Stream
	} else {
		req.Stream = r.Stream != nil && *r.Stream
	}
	var b strings.Builder
	switch api {
	case ChatCompletions, OllamaChat:
		renderMessages(&b, r.Messages)
	case Completions:
		renderInputs(&b, r.Prompt)
		renderLabelled(&b, "suffix", r.Suffix)
	case OllamaGenerate:
		if s := jsonString(r.System); s != "" {
			b.WriteString("system: " + s + "\n\nprompt: ")
		}
		b.WriteString(jsonString(r.Prompt))
		renderImages(&b, len(r.Images))
		renderLabelled(&b, "suffix", r.Suffix)
	case Embeddings, OllamaEmbed:
		renderInputs(&b, r.Input)
	case Responses:
		var msgs []message
		if s := jsonString(r.Instructions); s != "" {
			msgs = append(msgs, message{Role: "system", Content: r.Instructions})
		}
		if _, ok := asString(r.Input); ok {
			msgs = append(msgs, message{Role: "user", Content: r.Input})
		} else {
			var items []message
			if json.Unmarshal(r.Input, &items) == nil {
				msgs = append(msgs, items...)
			}
		}
		renderMessages(&b, msgs)
	}
	req.Prompt = b.String()
	if err != nil {
		return req, fmt.Errorf("genai: %s request: %w", api, err)
	}
	return req, nil
}

// params returns the sampling parameters as attributes.
func (r *request) params(api API) map[string]string {
	s := &r.sampling
	if api.ollama() {
		if r.Options == nil {
			return nil
		}
		s = r.Options
		s.MaxTokens = s.NumPredict
	} else if s.MaxTokens == nil {
		s.MaxTokens = s.MaxCompletionTokens
		if s.MaxTokens == nil {
			s.MaxTokens = s.MaxOutputTokens
		}
	}
	var m map[string]string
	for _, p := range [...]struct {
		name string
		v    rawJSON
	}{
		{"gen_ai.request.temperature", s.Temperature},
		{"gen_ai.request.top_p", s.TopP},
		{"gen_ai.request.top_k", s.TopK},
		{"gen_ai.request.max_tokens", s.MaxTokens},
		{"gen_ai.request.seed", s.Seed},
		{"gen_ai.request.frequency_penalty", s.FrequencyPenalty},
		{"gen_ai.request.presence_penalty", s.PresencePenalty},
		{"gen_ai.request.choice.count", s.N},
	} {
		if !isNumber(p.v) {
			continue
		}
		if m == nil {
			m = make(map[string]string)
		}
		m[p.name] = string(p.v)
	}
	return m
}

// isNumber reports whether v is a JSON number.
func isNumber(v []byte) bool {
	if len(v) == 0 || !(v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
		return false
	}
	var n json.Number
	return json.Unmarshal(v, &n) == nil
}

// asString returns v's value when v is a JSON string.
func asString(v []byte) (string, bool) {
	if len(v) == 0 || v[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonString returns v's value when v is a JSON string, else "".
func jsonString(v []byte) string {
	s, _ := asString(v)
	return s
}

// renderMessages writes messages as "role: text" blocks separated by a
// blank line.
func renderMessages(b *strings.Builder, msgs []message) {
	for i := range msgs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		renderMessage(b, &msgs[i])
	}
}

func renderMessage(b *strings.Builder, m *message) {
	switch m.Type {
	case "", "message":
	case "function_call":
		b.WriteString("assistant: ")
		writeToolCall(b, m.Name, m.Arguments)
		return
	case "function_call_output", "custom_tool_call_output":
		b.WriteString("tool: ")
		renderContent(b, m.Output)
		return
	default:
		b.WriteString("[" + m.Type + "]")
		return
	}
	role := m.Role
	if role == "" {
		role = "unknown"
	}
	b.WriteString(role + ": ")
	n := b.Len()
	renderContent(b, m.Content)
	sep := func() {
		if b.Len() > n {
			b.WriteByte('\n')
		}
	}
	for range m.Images {
		sep()
		b.WriteString("[image]")
	}
	for _, tc := range m.ToolCalls {
		sep()
		writeToolCall(b, tc.Function.Name, tc.Function.Arguments)
	}
}

// writeToolCall writes "[tool call NAME(ARGS)]", ARGS being the arguments
// as given: a JSON string's value (OpenAI), or compact JSON (Ollama).
func writeToolCall(b *strings.Builder, name string, args []byte) {
	b.WriteString("[tool call " + name + "(")
	writeArgs(b, args)
	b.WriteString(")]")
}

func writeArgs(b *strings.Builder, args []byte) {
	if s, ok := asString(args); ok {
		b.WriteString(s)
		return
	}
	var c bytes.Buffer
	if json.Compact(&c, args) == nil && c.String() != "null" {
		b.Write(c.Bytes())
	}
}

// contentPart is one part of a message's content array.
type contentPart struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Refusal string `json:"refusal"`
}

// renderContent writes a message's content: a string as it is; an array
// of parts one part a line, text parts as their text and others as
// "[image]", "[audio]", "[file]" or "[TYPE]".
func renderContent(b *strings.Builder, content []byte) {
	if s, ok := asString(content); ok {
		b.WriteString(s)
		return
	}
	var parts []contentPart
	if json.Unmarshal(content, &parts) != nil {
		return
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch p.Type {
		case "text", "input_text", "output_text":
			b.WriteString(p.Text)
		case "refusal":
			b.WriteString(p.Refusal)
		case "image_url", "input_image", "image":
			b.WriteString("[image]")
		case "input_audio", "audio":
			b.WriteString("[audio]")
		case "file", "input_file":
			b.WriteString("[file]")
		default:
			b.WriteString("[" + p.Type + "]")
		}
	}
}

// renderInputs writes a prompt or input that is a string, an array of
// strings (blocks separated by a blank line), an array of token ids ("[N
// tokens]") or an array of those.
func renderInputs(b *strings.Builder, v []byte) {
	if s, ok := asString(v); ok {
		b.WriteString(s)
		return
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		return
	}
	if len(items) > 0 && isNumber(items[0]) {
		fmt.Fprintf(b, "[%d tokens]", len(items))
		return
	}
	for i, it := range items {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if s, ok := asString(it); ok {
			b.WriteString(s)
			continue
		}
		var toks []json.RawMessage
		if json.Unmarshal(it, &toks) == nil {
			fmt.Fprintf(b, "[%d tokens]", len(toks))
		}
	}
}

// renderLabelled writes "\n\nLABEL: VALUE" when v is a non-empty string.
func renderLabelled(b *strings.Builder, label string, v []byte) {
	if s := jsonString(v); s != "" {
		b.WriteString("\n\n" + label + ": " + s)
	}
}

func renderImages(b *strings.Builder, n int) {
	for range n {
		b.WriteString("\n[image]")
	}
}
