package main

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The fake upstream speaks the OpenAI-compatible API and Ollama's API
// closely enough for the official clients: whole and streamed answers,
// usage fields, errors. What it answers depends on the model requested:
//
//	missing       404 with the API's error body
//	overloaded    503 with the API's error body
//	slow          a stream whose first chunk comes after 30ms, the next ones
//	              10ms apart
//	endless       a stream of a chunk every 5ms, for at most 10s (a client
//	              disconnects from it)
//	broken        two chunks, then the connection is closed mid-stream
//	stream-error  two chunks, then an error inside the stream
//	gzip          a whole answer gzip-encoded, when the client accepts it
//	anything else the answer "echo: " + the last message (or prompt), cut
//	              into chunks of fakeChunk characters
//
// Token counts: prompt tokens are the number of characters of the last
// message, completion tokens the number of chunks. Answers carry no Date
// header, so two answers to the same request are byte for byte equal.

const fakeChunk = 4

// fakeRequest is what the fake reads of a request.
type fakeRequest struct {
	Model         string `json:"model"`
	Stream        *bool  `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Prompt         json.RawMessage `json:"prompt"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"`
}

// last returns the text the fake echoes: the last message's content, or
// the prompt or input when it is a string.
func (r *fakeRequest) last() string {
	var s string
	switch {
	case len(r.Messages) > 0:
		c := r.Messages[len(r.Messages)-1].Content
		if json.Unmarshal(c, &s) != nil {
			var parts []struct{ Text string }
			json.Unmarshal(c, &parts)
			for _, p := range parts {
				s += p.Text
			}
		}
	case r.Prompt != nil:
		json.Unmarshal(r.Prompt, &s)
	case r.Input != nil:
		json.Unmarshal(r.Input, &s)
	}
	return s
}

// fakeChunks cuts s into pieces of fakeChunk characters.
func fakeChunks(s string) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		n := min(fakeChunk, len(r))
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return out
}

// newFakeUpstream starts the fake.
func newFakeUpstream(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(fakeServe))
	t.Cleanup(srv.Close)
	return srv
}

func fakeServe(w http.ResponseWriter, r *http.Request) {
	w.Header()["Date"] = nil
	w.Header().Set("X-Fake-Upstream", "yes")
	if r.URL.Path == "/echo" {
		fakeEcho(w, r)
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == "/api/tags" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, `{"models":[{"name":"llama3.2:latest","model":"llama3.2:latest"}]}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req fakeRequest
	if err := json.Unmarshal(body, &req); err != nil {
		fakeError(w, r.URL.Path, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	switch req.Model {
	case "missing":
		fakeError(w, r.URL.Path, http.StatusNotFound, fmt.Sprintf("model %q not found, try pulling it first", req.Model))
		return
	case "overloaded":
		fakeError(w, r.URL.Path, http.StatusServiceUnavailable, "server busy, please try again")
		return
	}
	ollama := strings.HasPrefix(r.URL.Path, "/api/")
	stream := req.Stream != nil && *req.Stream
	if ollama && r.URL.Path != "/api/embed" {
		stream = req.Stream == nil || *req.Stream
	}
	chunks := fakeChunks("echo: " + req.last())
	switch r.URL.Path {
	case "/v1/chat/completions", "/v1/completions":
		if stream {
			fakeOpenAIStream(w, r, &req, chunks)
		} else {
			fakeOpenAIWhole(w, r, &req, chunks)
		}
	case "/v1/responses":
		fakeResponses(w, &req, chunks, stream)
	case "/v1/embeddings":
		fakeOpenAIEmbeddings(w, &req)
	case "/api/chat", "/api/generate":
		if stream {
			fakeOllamaStream(w, r, &req, chunks)
		} else {
			fakeOllamaWhole(w, r, &req, chunks)
		}
	case "/api/embed":
		fakeOllamaEmbed(w, &req)
	default:
		http.NotFound(w, r)
	}
}

// fakeEcho answers with what it received, for the passthrough tests.
func fakeEcho(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h := r.Header.Clone()
	h.Set("Host", r.Host)
	got, _ := json.Marshal(map[string]any{
		"method": r.Method, "uri": r.RequestURI, "header": h, "body": string(body),
		"length": r.ContentLength, "chunked": len(r.TransferEncoding) > 0,
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header()["Set-Cookie"] = []string{"a=1; Path=/", "b=2; Path=/"}
	w.Header().Set("X-Odd-Case", "Value  with  spaces")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTeapot)
	w.Write(got)
}

func fakeError(w http.ResponseWriter, path string, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if strings.HasPrefix(path, "/api/") {
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "param": nil, "code": nil}})
}

// fakeWriter writes a stream's chunks with the delays and failures the
// model asks for.
type fakeWriter struct {
	w     http.ResponseWriter
	r     *http.Request
	model string
	n     int
}

// next writes one chunk, waiting first as the model says. It returns false
// when the stream must stop (the connection was closed or the client went
// away).
func (f *fakeWriter) next(chunk string) bool {
	switch f.model {
	case "slow":
		if f.n == 0 {
			time.Sleep(30 * time.Millisecond)
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	case "endless":
		time.Sleep(5 * time.Millisecond)
	}
	if f.r.Context().Err() != nil {
		return false
	}
	if _, err := io.WriteString(f.w, chunk); err != nil {
		return false
	}
	http.NewResponseController(f.w).Flush()
	f.n++
	if f.model == "broken" && f.n == 2 {
		conn, _, err := http.NewResponseController(f.w).Hijack()
		if err == nil {
			conn.Close()
		}
		return false
	}
	return true
}

// pieces returns the chunks a model streams: endless repeats them for at
// most 10s.
func (f *fakeWriter) pieces(chunks []string) []string {
	if f.model != "endless" {
		return chunks
	}
	var out []string
	for len(out) < 2000 {
		out = append(out, chunks...)
	}
	return out
}

func fakeUsage(req *fakeRequest, chunks []string) map[string]int {
	in := len([]rune(req.last()))
	return map[string]int{"prompt_tokens": in, "completion_tokens": len(chunks), "total_tokens": in + len(chunks)}
}

func fakeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func fakeOpenAIStream(w http.ResponseWriter, r *http.Request, req *fakeRequest, chunks []string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	f := &fakeWriter{w: w, r: r, model: req.Model}
	chat := r.URL.Path == "/v1/chat/completions"
	event := func(choice map[string]any) string {
		obj := "text_completion"
		if chat {
			obj = "chat.completion.chunk"
		}
		return "data: " + fakeJSON(map[string]any{"id": "fake-1", "object": obj, "created": 1, "model": req.Model,
			"choices": []any{choice}}) + "\n\n"
	}
	if chat && !f.next(event(map[string]any{"index": 0, "delta": map[string]any{"role": "assistant", "content": ""}, "finish_reason": nil})) {
		return
	}
	pieces := f.pieces(chunks)
	for i, c := range pieces {
		choice := map[string]any{"index": 0, "finish_reason": nil}
		if chat {
			choice["delta"] = map[string]any{"content": c}
		} else {
			choice["text"] = c
		}
		if !f.next(event(choice)) {
			return
		}
		if req.Model == "stream-error" && i == 1 {
			f.next("data: " + fakeJSON(map[string]any{"error": map[string]any{"message": "the model crashed", "type": "server_error"}}) + "\n\n")
			return
		}
	}
	fin := map[string]any{"index": 0, "finish_reason": "stop"}
	if chat {
		fin["delta"] = map[string]any{}
	} else {
		fin["text"] = ""
	}
	f.next(event(fin))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		f.next("data: " + fakeJSON(map[string]any{"id": "fake-1", "object": "chat.completion.chunk", "created": 1, "model": req.Model,
			"choices": []any{}, "usage": fakeUsage(req, pieces)}) + "\n\n")
	}
	f.next("data: [DONE]\n\n")
}

func fakeOpenAIWhole(w http.ResponseWriter, r *http.Request, req *fakeRequest, chunks []string) {
	text := strings.Join(chunks, "")
	var obj map[string]any
	if r.URL.Path == "/v1/chat/completions" {
		obj = map[string]any{"id": "fake-1", "object": "chat.completion", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": text, "refusal": nil},
				"logprobs": nil, "finish_reason": "stop"}},
			"usage": fakeUsage(req, chunks)}
	} else {
		obj = map[string]any{"id": "fake-1", "object": "text_completion", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "text": text, "logprobs": nil, "finish_reason": "stop"}},
			"usage":   fakeUsage(req, chunks)}
	}
	fakeWriteJSON(w, r, req.Model, "application/json", fakeJSON(obj))
}

// fakeWriteJSON writes a whole JSON answer, gzip-encoded when the model
// is "gzip" and the client accepts it.
func fakeWriteJSON(w http.ResponseWriter, r *http.Request, model, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	if model == "gzip" && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, body)
		zw.Close()
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	io.WriteString(w, body)
}

// fakeVector returns the embedding of input i: dims numbers.
func fakeVector(i, dims int) []float32 {
	v := make([]float32, dims)
	for j := range v {
		v[j] = float32(i+1) / float32(j+2)
	}
	return v
}

func fakeInputs(req *fakeRequest) []string {
	var one string
	if json.Unmarshal(req.Input, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(req.Input, &many)
	return many
}

const fakeDims = 8

func fakeOpenAIEmbeddings(w http.ResponseWriter, req *fakeRequest) {
	inputs := fakeInputs(req)
	var data []any
	tokens := 0
	for i, in := range inputs {
		tokens += len([]rune(in))
		v := fakeVector(i, fakeDims)
		var emb any = v
		if req.EncodingFormat == "base64" {
			b := make([]byte, 0, 4*len(v))
			for _, f := range v {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
			}
			emb = base64.StdEncoding.EncodeToString(b)
		}
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": emb})
	}
	body := fakeJSON(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}})
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, body)
}

func fakeResponses(w http.ResponseWriter, req *fakeRequest, chunks []string, stream bool) {
	text := strings.Join(chunks, "")
	in := len([]rune(req.last()))
	resp := map[string]any{"id": "resp-1", "object": "response", "created_at": 1, "status": "completed", "model": req.Model,
		"output": []any{map[string]any{"type": "message", "id": "msg-1", "status": "completed", "role": "assistant",
			"content": []any{map[string]any{"type": "output_text", "text": text, "annotations": []any{}}}}},
		"usage": map[string]int{"input_tokens": in, "output_tokens": len(chunks), "total_tokens": in + len(chunks)}}
	if !stream {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, fakeJSON(resp))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	seq := 0
	send := func(typ string, v map[string]any) {
		v["type"] = typ
		v["sequence_number"] = seq
		seq++
		io.WriteString(w, "event: "+typ+"\ndata: "+fakeJSON(v)+"\n\n")
		http.NewResponseController(w).Flush()
	}
	send("response.created", map[string]any{"response": map[string]any{"id": "resp-1", "object": "response", "status": "in_progress", "model": req.Model, "output": []any{}}})
	for _, c := range chunks {
		send("response.output_text.delta", map[string]any{"item_id": "msg-1", "output_index": 0, "content_index": 0, "delta": c})
	}
	send("response.output_text.done", map[string]any{"item_id": "msg-1", "output_index": 0, "content_index": 0, "text": text})
	send("response.completed", map[string]any{"response": resp})
}

func fakeOllamaLine(req *fakeRequest, path, chunk string, done bool, chunks []string) string {
	obj := map[string]any{"model": req.Model, "created_at": "2026-01-01T00:00:00Z", "done": done}
	if path == "/api/chat" {
		obj["message"] = map[string]any{"role": "assistant", "content": chunk}
	} else {
		obj["response"] = chunk
	}
	if done {
		obj["done_reason"] = "stop"
		obj["total_duration"] = 1000
		obj["prompt_eval_count"] = len([]rune(req.last()))
		obj["eval_count"] = len(chunks)
	}
	return fakeJSON(obj) + "\n"
}

func fakeOllamaStream(w http.ResponseWriter, r *http.Request, req *fakeRequest, chunks []string) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	f := &fakeWriter{w: w, r: r, model: req.Model}
	pieces := f.pieces(chunks)
	for i, c := range pieces {
		if !f.next(fakeOllamaLine(req, r.URL.Path, c, false, pieces)) {
			return
		}
		if req.Model == "stream-error" && i == 1 {
			f.next(fakeJSON(map[string]string{"error": "the model crashed"}) + "\n")
			return
		}
	}
	f.next(fakeOllamaLine(req, r.URL.Path, "", true, pieces))
}

func fakeOllamaWhole(w http.ResponseWriter, r *http.Request, req *fakeRequest, chunks []string) {
	fakeWriteJSON(w, r, req.Model, "application/json; charset=utf-8", strings.TrimSuffix(fakeOllamaLine(req, r.URL.Path, strings.Join(chunks, ""), true, chunks), "\n"))
}

func fakeOllamaEmbed(w http.ResponseWriter, req *fakeRequest) {
	inputs := fakeInputs(req)
	var embs [][]float32
	tokens := 0
	for i, in := range inputs {
		tokens += len([]rune(in))
		embs = append(embs, fakeVector(i, fakeDims))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	io.WriteString(w, fakeJSON(map[string]any{"model": req.Model, "embeddings": embs, "total_duration": 1000, "prompt_eval_count": tokens}))
}
