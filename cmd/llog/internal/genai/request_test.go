package genai

import (
	"errors"
	"reflect"
	"testing"
)

var requestCases = []struct {
	name string
	api  API
	body string
	want Request
}{
	{
		name: "openai chat",
		api:  ChatCompletions,
		body: `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."},{"role":"user","content":"And of Italy?"}],"temperature":0.2,"top_p":1,"max_tokens":64,"seed":42,"n":1,"stream":false}`,
		want: Request{Model: "gpt-4o-mini",
			Prompt: "system: You are terse.\n\nuser: What is the capital of France?\n\nassistant: Paris.\n\nuser: And of Italy?",
			Params: map[string]string{"gen_ai.request.temperature": "0.2", "gen_ai.request.top_p": "1", "gen_ai.request.max_tokens": "64",
				"gen_ai.request.seed": "42", "gen_ai.request.choice.count": "1"}},
	},
	{
		name: "openai chat with parts, tool calls and a tool answer, streamed",
		api:  ChatCompletions,
		body: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":100,"messages":[` +
			`{"role":"user","content":[{"type":"text","text":"What is in this picture?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},{"type":"input_audio","input_audio":{}}]},` +
			`{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{\"at\":\"picture\"}"}}]},` +
			`{"role":"tool","tool_call_id":"call_1","content":"a cat"},{"content":"no role"}]}`,
		want: Request{Model: "m", Stream: true,
			Prompt: "user: What is in this picture?\n[image]\n[audio]\n\nassistant: [tool call look({\"at\":\"picture\"})]\n\ntool: a cat\n\nunknown: no role",
			Params: map[string]string{"gen_ai.request.max_tokens": "100"}},
	},
	{
		name: "completions with an array of prompts and a suffix",
		api:  Completions,
		body: `{"model":"m","prompt":["def add(a, b):","def sub(a, b):"],"suffix":"return","max_tokens":16,"temperature":"hot","stream":true}`,
		want: Request{Model: "m", Stream: true, Prompt: "def add(a, b):\n\ndef sub(a, b):\n\nsuffix: return",
			Params: map[string]string{"gen_ai.request.max_tokens": "16"}},
	},
	{
		name: "completions with token ids",
		api:  Completions,
		body: `{"model":"m","prompt":[1,2,3]}`,
		want: Request{Model: "m", Prompt: "[3 tokens]"},
	},
	{
		name: "embeddings",
		api:  Embeddings,
		body: `{"model":"nomic","input":["first text","second text"],"encoding_format":"base64"}`,
		want: Request{Model: "nomic", Prompt: "first text\n\nsecond text"},
	},
	{
		name: "embeddings of token arrays",
		api:  Embeddings,
		body: `{"model":"nomic","input":[[1,2],[3,4,5]]}`,
		want: Request{Model: "nomic", Prompt: "[2 tokens]\n\n[3 tokens]"},
	},
	{
		name: "responses with instructions and a string",
		api:  Responses,
		body: `{"model":"m","instructions":"Be brief.","input":"Hello","max_output_tokens":50,"stream":true}`,
		want: Request{Model: "m", Stream: true, Prompt: "system: Be brief.\n\nuser: Hello", Params: map[string]string{"gen_ai.request.max_tokens": "50"}},
	},
	{
		name: "responses with items",
		api:  Responses,
		body: `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"Look"},{"type":"input_image","image_url":"x"}]},{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"42"},{"type":"reasoning","summary":[]}]}`,
		want: Request{Model: "m", Prompt: "user: Look\n[image]\n\nassistant: [tool call f({})]\n\ntool: 42\n\n[reasoning]"},
	},
	{
		name: "ollama chat streams unless told not to",
		api:  OllamaChat,
		body: `{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?","images":["iVBOR","iVBOR"]},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}],"options":{"temperature":0.7,"top_k":40,"num_predict":128,"seed":1}}`,
		want: Request{Model: "llama3.2", Stream: true,
			Prompt: "user: Why is the sky blue?\n[image]\n[image]\n\nassistant: [tool call f({\"a\":1})]",
			Params: map[string]string{"gen_ai.request.temperature": "0.7", "gen_ai.request.top_k": "40", "gen_ai.request.max_tokens": "128", "gen_ai.request.seed": "1"}},
	},
	{
		name: "ollama generate with a system prompt, not streamed",
		api:  OllamaGenerate,
		body: `{"model":"m","system":"Answer in French.","prompt":"Hello","images":["x"],"stream":false,"temperature":5}`,
		want: Request{Model: "m", Prompt: "system: Answer in French.\n\nprompt: Hello\n[image]"},
	},
	{
		name: "ollama generate plain",
		api:  OllamaGenerate,
		body: `{"model":"m","prompt":"Hello"}`,
		want: Request{Model: "m", Stream: true, Prompt: "Hello"},
	},
	{
		name: "ollama embed never streams",
		api:  OllamaEmbed,
		body: `{"model":"all-minilm","input":"Why is the sky blue?"}`,
		want: Request{Model: "all-minilm", Prompt: "Why is the sky blue?"},
	},
}

func TestParseRequest(t *testing.T) {
	for _, tc := range requestCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRequest(tc.api, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	for _, body := range []string{"", "   ", "[1,2]", "not json", `{"model":`} {
		got, err := ParseRequest(ChatCompletions, []byte(body))
		if !errors.Is(err, ErrNotJSON) || !reflect.DeepEqual(got, Request{}) {
			t.Errorf("%q: got %+v, %v; want an empty request and ErrNotJSON", body, got, err)
		}
	}
	// A member of the wrong type is reported; the others are kept.
	got, err := ParseRequest(ChatCompletions, []byte(`{"model":7,"messages":[{"role":"user","content":"hi"}],"stream":true}`))
	if err == nil || errors.Is(err, ErrNotJSON) || got.Prompt != "user: hi" || !got.Stream {
		t.Errorf("wrong type: got %+v, %v", got, err)
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		api          API
		ok           bool
	}{
		{"POST", "/v1/chat/completions", ChatCompletions, true},
		{"POST", "/v1/completions", Completions, true},
		{"POST", "/v1/embeddings", Embeddings, true},
		{"POST", "/v1/responses", Responses, true},
		{"POST", "/api/chat", OllamaChat, true},
		{"POST", "/api/generate", OllamaGenerate, true},
		{"POST", "/api/embed", OllamaEmbed, true},
		{"GET", "/v1/chat/completions", 0, false},
		{"POST", "/v1/chat/completions/", 0, false},
		{"POST", "/api/embeddings", 0, false},
		{"POST", "/v1/models", 0, false},
		{"GET", "/api/tags", 0, false},
	} {
		api, ok := Lookup(tc.method, tc.path)
		if api != tc.api || ok != tc.ok {
			t.Errorf("Lookup(%s %s) = %v, %v; want %v, %v", tc.method, tc.path, api, ok, tc.api, tc.ok)
		}
	}
	for a := ChatCompletions; a <= OllamaEmbed; a++ {
		if a.Provider() == "" || a.Operation() == "" || a.String() != a.Path() {
			t.Errorf("%d: provider %q operation %q", a, a.Provider(), a.Operation())
		}
	}
}

// FuzzParseRequest checks that no body makes ParseRequest panic, and that
// a body that is not a JSON object gives an empty request.
func FuzzParseRequest(f *testing.F) {
	for _, tc := range requestCases {
		f.Add(int(tc.api), tc.body)
	}
	f.Fuzz(func(t *testing.T, api int, body string) {
		a := API(1 + uint(api)%uint(OllamaEmbed))
		got, err := ParseRequest(a, []byte(body))
		if errors.Is(err, ErrNotJSON) && !reflect.DeepEqual(got, Request{}) {
			t.Fatalf("not JSON but got %+v", got)
		}
	})
}
