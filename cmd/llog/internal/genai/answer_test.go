package genai

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sse joins events into a text/event-stream body.
func sse(events ...string) string {
	var b strings.Builder
	for _, e := range events {
		if !strings.HasPrefix(e, "event:") {
			e = "data: " + e
		}
		b.WriteString(e + "\n\n")
	}
	return b.String()
}

// answerCases are bodies as the servers send them, and what they say.
var answerCases = []struct {
	name string
	api  API
	f    Framing
	body string
	want Result
}{
	{
		name: "openai chat whole",
		api:  ChatCompletions, f: Whole,
		body: `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024","choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}`,
		want: Result{Model: "gpt-4o-mini-2024", ID: "chatcmpl-1", Text: "Paris.", FinishReasons: []string{"stop"}, TokensIn: 12, TokensOut: 2, Done: true},
	},
	{
		name: "openai chat stream with usage",
		api:  ChatCompletions, f: SSE,
		body: sse(
			`{"id":"c1","object":"chat.completion.chunk","model":"qwen2.5","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
			`{"id":"c1","object":"chat.completion.chunk","model":"qwen2.5","choices":[{"index":0,"delta":{"content":"Par"},"finish_reason":null}]}`,
			`{"id":"c1","object":"chat.completion.chunk","model":"qwen2.5","choices":[{"index":0,"delta":{"content":"is. Ünïcödé ✓"},"finish_reason":null}]}`,
			`{"id":"c1","object":"chat.completion.chunk","model":"qwen2.5","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
			`{"id":"c1","object":"chat.completion.chunk","model":"qwen2.5","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13},"timings":{"predicted_ms":12.5}}`,
			`[DONE]`),
		want: Result{Model: "qwen2.5", ID: "c1", Text: "Paris. Ünïcödé ✓", FinishReasons: []string{"stop"}, TokensIn: 9, TokensOut: 4, Done: true},
	},
	{
		name: "openai chat stream with CRLF, comments and no usage",
		api:  ChatCompletions, f: SSE,
		body: ": keep-alive\r\n\r\ndata: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\nb\"}}]}\r\n\r\n" +
			"data:{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"c\"},\"finish_reason\":\"length\"}]}\r\r" +
			"data: [DONE]\r\n\r\n",
		want: Result{Model: "m", Text: "a\nbc", FinishReasons: []string{"length"}, Done: true},
	},
	{
		name: "openai chat stream with tool calls",
		api:  ChatCompletions, f: SSE,
		body: sse(
			`{"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}`,
			`{"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}`,
			`{"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}`,
			`{"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
			`[DONE]`),
		want: Result{Model: "m", Text: `[tool call get_weather({"city":"Paris"})]`, FinishReasons: []string{"tool_calls"}, Done: true},
	},
	{
		name: "openai chat two choices",
		api:  ChatCompletions, f: Whole,
		body: `{"model":"m","choices":[{"index":0,"message":{"content":"one"},"finish_reason":"stop"},{"index":1,"message":{"content":"two"},"finish_reason":"length"}]}`,
		want: Result{Model: "m", Text: "choice 0: one\n\nchoice 1: two", FinishReasons: []string{"stop", "length"}, Done: true},
	},
	{
		name: "openai error",
		api:  ChatCompletions, f: Whole,
		body: `{"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}`,
		want: Result{Error: "The model 'nope' does not exist", Done: true},
	},
	{
		name: "vllm error",
		api:  ChatCompletions, f: Whole,
		body: `{"object":"error","message":"maximum context length is 4096 tokens","type":"BadRequestError","param":null,"code":400}`,
		want: Result{Error: "maximum context length is 4096 tokens", Done: true},
	},
	{
		name: "openai error in a stream",
		api:  ChatCompletions, f: SSE,
		body: sse(`{"model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}`, `{"error":{"message":"the server is overloaded","type":"server_error"}}`),
		want: Result{Model: "m", Text: "Hel", Error: "the server is overloaded"},
	},
	{
		name: "completions stream",
		api:  Completions, f: SSE,
		body: sse(`{"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"text":"Once","index":0,"logprobs":null,"finish_reason":null}]}`,
			`{"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"text":" upon","index":0,"logprobs":null,"finish_reason":"length"}]}`,
			`[DONE]`),
		want: Result{Model: "m", ID: "cmpl-1", Text: "Once upon", FinishReasons: []string{"length"}, Done: true},
	},
	{
		name: "embeddings floats",
		api:  Embeddings, f: Whole,
		body: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2,3e-5]},{"object":"embedding","index":1,"embedding":[0.4,0.5,0.6]}],"model":"nomic","usage":{"prompt_tokens":7,"total_tokens":7}}`,
		want: Result{Model: "nomic", TokensIn: 7, Embeddings: 2, Dimensions: 3, Done: true},
	},
	{
		name: "embeddings base64",
		api:  Embeddings, f: Whole,
		body: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AAAAAAAAgD8AAABA"}],"model":"nomic","usage":{"prompt_tokens":2,"total_tokens":2}}`,
		want: Result{Model: "nomic", TokensIn: 2, Embeddings: 1, Dimensions: 3, Done: true},
	},
	{
		name: "responses whole",
		api:  Responses, f: Whole,
		body: `{"id":"resp_1","object":"response","status":"completed","model":"m","output":[{"type":"reasoning","summary":[]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi there","annotations":[]}]},{"type":"function_call","name":"lookup","arguments":"{\"q\":1}"}],"usage":{"input_tokens":5,"output_tokens":3,"total_tokens":8},"error":null,"incomplete_details":null}`,
		want: Result{Model: "m", ID: "resp_1", Text: "Hi there\n[tool call lookup({\"q\":1})]", FinishReasons: []string{"completed"}, TokensIn: 5, TokensOut: 3, Done: true},
	},
	{
		name: "responses stream",
		api:  Responses, f: SSE,
		body: sse(
			"event: response.created\ndata: "+`{"type":"response.created","sequence_number":0,"response":{"id":"resp_2","object":"response","status":"in_progress","model":"m","output":[],"usage":null}}`,
			"event: response.output_text.delta\ndata: "+`{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}`,
			"event: response.output_text.delta\ndata: "+`{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":" there"}`,
			"event: response.output_text.done\ndata: "+`{"type":"response.output_text.done","text":"Hi there"}`,
			"event: response.completed\ndata: "+`{"type":"response.completed","response":{"id":"resp_2","object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"model":"m","output":[{"type":"message","content":[{"type":"output_text","text":"Hi there"}]}],"usage":{"input_tokens":4,"output_tokens":2}}}`),
		want: Result{Model: "m", ID: "resp_2", Text: "Hi there", FinishReasons: []string{"max_output_tokens"}, TokensIn: 4, TokensOut: 2, Done: true},
	},
	{
		name: "ollama chat stream",
		api:  OllamaChat, f: NDJSON,
		body: `{"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"Par"},"done":false}` + "\n" +
			`{"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"is."},"done":false}` + "\n" +
			`{"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":5,"prompt_eval_count":26,"eval_count":3}` + "\n",
		want: Result{Model: "llama3.2", Text: "Paris.", FinishReasons: []string{"stop"}, TokensIn: 26, TokensOut: 3, Done: true},
	},
	{
		name: "ollama chat whole with a tool call",
		api:  OllamaChat, f: Whole,
		body: `{"model":"llama3.2","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done_reason":"stop","done":true,"prompt_eval_count":10,"eval_count":5}`,
		want: Result{Model: "llama3.2", Text: `[tool call get_weather({"city":"Paris"})]`, FinishReasons: []string{"stop"}, TokensIn: 10, TokensOut: 5, Done: true},
	},
	{
		name: "ollama generate stream without the last newline",
		api:  OllamaGenerate, f: NDJSON,
		body: `{"model":"m","response":"Hello","done":false}` + "\r\n\n" + `{"model":"m","response":"","done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":1}`,
		want: Result{Model: "m", Text: "Hello", FinishReasons: []string{"length"}, TokensIn: 3, TokensOut: 1, Done: true},
	},
	{
		name: "ollama generate streamed although the type says json",
		api:  OllamaGenerate, f: Whole,
		body: `{"model":"m","response":"a","done":false}` + "\n" + `{"model":"m","response":"b","done":true}` + "\n",
		want: Result{Model: "m", Text: "ab", Done: true},
	},
	{
		name: "ollama error in a stream",
		api:  OllamaChat, f: NDJSON,
		body: `{"model":"m","message":{"content":"x"},"done":false}` + "\n" + `{"error":"an error was encountered while running the model: unexpected EOF"}` + "\n",
		want: Result{Model: "m", Text: "x", Error: "an error was encountered while running the model: unexpected EOF"},
	},
	{
		name: "ollama error",
		api:  OllamaGenerate, f: Whole,
		body: `{"error":"model \"nope\" not found, try pulling it first"}`,
		want: Result{Error: `model "nope" not found, try pulling it first`, Done: true},
	},
	{
		name: "ollama embed",
		api:  OllamaEmbed, f: Whole,
		body: `{"model":"all-minilm","embeddings":[[0.010071029,-0.0017594862,0.05007221,0.04692972]],"total_duration":14143917,"load_duration":1019500,"prompt_eval_count":8}`,
		want: Result{Model: "all-minilm", TokensIn: 8, Embeddings: 1, Dimensions: 4, Done: true},
	},
	{
		name: "not json",
		api:  ChatCompletions, f: Whole,
		body: "<html>502 Bad Gateway</html>",
		want: Result{Undecoded: "the body is not JSON"},
	},
	{
		name: "member of the wrong type",
		api:  ChatCompletions, f: Whole,
		body: `{"model":5,"choices":[{"index":0,"message":{"content":"kept"}}]}`,
		want: Result{Text: "kept", Undecoded: "/v1/chat/completions answer: json: cannot unmarshal number into Go struct field openaiObject.model of type string"},
	},
}

// feed gives body to a new Answer in pieces cut by split, and returns the
// result.
func feed(api API, f Framing, max int, body string, split func(int) int) Result {
	a := NewAnswer(api, f, max)
	for len(body) > 0 {
		n := min(split(len(body)), len(body))
		a.Write([]byte(body[:n]))
		body = body[n:]
	}
	a.Close()
	return a.Result()
}

func TestAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	splits := map[string]func(int) int{
		"whole":        func(n int) int { return n },
		"byte by byte": func(int) int { return 1 },
		"random":       func(int) int { return 1 + rng.IntN(40) },
	}
	for _, tc := range answerCases {
		for sname, split := range splits {
			t.Run(tc.name+"/"+sname, func(t *testing.T) {
				got := feed(tc.api, tc.f, 1<<20, tc.body, split)
				if tc.want.FinishReasons == nil {
					tc.want.FinishReasons = []string{}
				}
				if got.FinishReasons == nil {
					got.FinishReasons = []string{}
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got  %+v\nwant %+v", got, tc.want)
				}
			})
		}
	}
}

// TestAnswerOutput checks that Output turns true with the first piece of
// answer text, not before: it times the first token.
func TestAnswerOutput(t *testing.T) {
	a := NewAnswer(ChatCompletions, SSE, 1<<20)
	a.Write([]byte(sse(`{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`)))
	if a.Output() {
		t.Fatal("Output is true after a chunk without text")
	}
	a.Write([]byte(`data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}`))
	if a.Output() {
		t.Fatal("Output is true before the event ended")
	}
	a.Write([]byte("\n\n"))
	if !a.Output() {
		t.Fatal("Output is false after the first text")
	}
}

// TestAnswerLimit checks that text past the limit is cut at a character
// boundary and reported, and that a body past the limit is not decoded.
func TestAnswerLimit(t *testing.T) {
	body := sse(`{"choices":[{"index":0,"delta":{"content":"ééééé"}}]}`, `[DONE]`)
	// The event's line is 64 bytes: past a limit of 20 it is dropped, the
	// [DONE] line is not.
	got := feed(ChatCompletions, SSE, 20, body, func(n int) int { return n })
	if got.Text != "" || !got.Truncated || !got.Done {
		t.Errorf("event past the limit: %+v", got)
	}
	got = feed(ChatCompletions, SSE, 80, body, func(n int) int { return n })
	if got.Text != "ééééé" || got.Truncated {
		t.Errorf("within the limit: %+v", got)
	}
	long := sse(`{"choices":[{"index":0,"delta":{"content":"éééééééééé"}}]}`)
	got = feed(ChatCompletions, SSE, 80, long+long+long+long, func(n int) int { return n })
	if len(got.Text) > 80 || len(got.Text) < 40 || !got.Truncated || strings.ContainsRune(got.Text, '\uFFFD') {
		t.Errorf("text past the limit: %d bytes %q %+v", len(got.Text), got.Text, got)
	}
	got = feed(ChatCompletions, Whole, 10, `{"choices":[{"index":0,"message":{"content":"long"}}]}`, func(int) int { return 3 })
	if got.Text != "" || !got.Truncated || got.Undecoded == "" {
		t.Errorf("whole body past the limit: %+v", got)
	}
}

func TestFramingOf(t *testing.T) {
	for ct, want := range map[string]Framing{
		"text/event-stream":                SSE,
		"text/event-stream; charset=utf-8": SSE,
		"application/x-ndjson":             NDJSON,
		"application/json; charset=utf-8":  Whole,
		"":                                 Whole,
	} {
		if got := FramingOf(ct); got != want {
			t.Errorf("FramingOf(%q) = %v, want %v", ct, got, want)
		}
	}
}

// FuzzAnswer checks that no body makes an Answer panic, that the result
// does not depend on how the body was cut into pieces, and that the text
// stays within the limit.
func FuzzAnswer(f *testing.F) {
	for _, tc := range answerCases {
		f.Add(int(tc.api), int(tc.f), tc.body, uint64(7))
	}
	f.Fuzz(func(t *testing.T, api, framing int, body string, seed uint64) {
		a := API(1 + uint(api)%uint(OllamaEmbed))
		fr := Framing(uint(framing) % 3)
		const max = 256
		whole := feed(a, fr, max, body, func(n int) int { return n })
		rng := rand.New(rand.NewPCG(seed, seed))
		cut := feed(a, fr, max, body, func(int) int { return 1 + rng.IntN(16) })
		if !reflect.DeepEqual(whole, cut) {
			t.Fatalf("the result depends on the cuts:\nwhole %+v\ncut   %+v", whole, cut)
		}
		if len(whole.Text) > max {
			t.Fatalf("text of %d bytes past the limit %d", len(whole.Text), max)
		}
	})
}
