package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nodeClientsEnv is set to "required" by .ci/run once it has installed the
// clients in testdata/node: TestProxyRealClients then fails, rather than
// skips, when node or the clients are missing.
const nodeClientsEnv = "LLOG_NODE_CLIENTS"

// nodeDir holds the pinned clients (package.json, package-lock.json) and
// the script that drives the proxy with them.
var nodeDir = filepath.Join("testdata", "node")

// clientCall is one line of clients.mjs: what the client returned.
type clientCall struct {
	Name       string  `json:"name"`
	Trace      string  `json:"trace"`
	Text       *string `json:"text"`
	Model      *string `json:"model"`
	TokensIn   *int    `json:"tokens_in"`
	TokensOut  *int    `json:"tokens_out"`
	Embeddings *int    `json:"embeddings"`
	Dimensions *int    `json:"dimensions"`
	Error      *string `json:"error"`
}

// TestProxyRealClients drives the proxy with the official openai (6.x) and
// ollama npm packages: chat with and without streaming, completions,
// generate, embeddings, the Responses API, a missing model. Every call
// must succeed as it would against the server, and the export must hold
// one record per call that matches what the client got.
func TestProxyRealClients(t *testing.T) {
	required := os.Getenv(nodeClientsEnv) == "required"
	skip := func(why string) {
		if required {
			t.Fatalf("%s, but %s=required", why, nodeClientsEnv)
		}
		t.Skipf("%s: the real-client tests need Node 20 and the pinned clients (npm ci --prefix cmd/llog/testdata/node)", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node is not installed")
	}
	for _, pkg := range []string{"openai", "ollama"} {
		if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", pkg, "package.json")); err != nil {
			skip("the " + pkg + " package is not installed in " + nodeDir)
		}
	}

	up := newFakeUpstream(t)
	p := startProxy(t, up.URL)
	cmd := exec.Command(node, "clients.mjs")
	cmd.Dir = nodeDir
	cmd.Env = append(os.Environ(), "OPENAI_BASE_URL="+p.url+"/v1", "OLLAMA_HOST="+p.url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node clients.mjs: %v\n%s", err, stderr.String())
	}
	t.Logf("the clients made their calls in %v", time.Since(start).Round(time.Millisecond))
	var calls []clientCall
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var c clientCall
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("clients.mjs printed %q: %v", sc.Text(), err)
		}
		calls = append(calls, c)
	}

	if code := p.stop(t); code != exitOK {
		t.Fatalf("the proxy exited with %d: %s", code, p.stderr.String())
	}
	r := mustRun(t, exitOK, "export", "--path", p.dir, "--format", "jsonl")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	records := make(map[string]exportRecord)
	for _, rec := range queryLines(t, strings.Join(lines[:len(lines)-1], "\n")) {
		records[rec.TraceID] = rec
	}
	if !strings.Contains(lines[len(lines)-1], `"ok":true`) {
		t.Errorf("the export's chain report: %s", lines[len(lines)-1])
	}

	want := map[string]struct {
		provider, operation, model, prompt string
		errPrefix                          string
	}{
		"openai chat":               {"openai", "chat", "qwen2.5", "system: Be brief.\n\nuser: Capital of France? Mail me at [REDACTED:EMAIL]", ""},
		"openai chat stream":        {"openai", "chat", "qwen2.5", "user: Count to five, slowly.", ""},
		"openai completion":         {"openai", "text_completion", "phi-3", "Once upon a time", ""},
		"openai embeddings":         {"openai", "embeddings", "nomic-embed-text", "first text\n\nsecond text", ""},
		"openai responses stream":   {"openai", "chat", "gpt-oss", "system: Answer briefly.\n\nuser: Say hello", ""},
		"openai chat missing model": {"openai", "chat", "missing", "user: hi", `404 Not Found: model "missing" not found`},
		"ollama chat":               {"ollama", "chat", "llama3.2", "user: Why is the sky blue?", ""},
		"ollama chat stream":        {"ollama", "chat", "llama3.2", "user: Tell me a short story.", ""},
		"ollama generate":           {"ollama", "text_completion", "llama3.2", "system: Be terse.\n\nprompt: Name a colour.", ""},
		"ollama generate stream":    {"ollama", "text_completion", "llama3.2", "Write a haiku.", ""},
		"ollama embed":              {"ollama", "embeddings", "all-minilm", "a sentence\n\nanother one", ""},
		"ollama chat missing model": {"ollama", "chat", "missing", "user: hi", `404 Not Found: model "missing" not found`},
	}
	if len(calls) != len(want) || len(records) != len(want) {
		t.Fatalf("%d calls made, %d records, want %d of each\n%s", len(calls), len(records), len(want), out)
	}
	for _, c := range calls {
		t.Run(c.Name, func(t *testing.T) {
			w, ok := want[c.Name]
			if !ok {
				t.Fatalf("unexpected call %q", c.Name)
			}
			rec, ok := records[c.Trace]
			if !ok {
				t.Fatalf("no record with trace id %s", c.Trace)
			}
			if rec.Provider != w.provider || rec.Operation != w.operation || rec.Model != w.model || rec.Prompt != w.prompt {
				t.Errorf("record: provider %q operation %q model %q prompt %q\nwant      %q %q %q %q", rec.Provider, rec.Operation, rec.Model, rec.Prompt,
					w.provider, w.operation, w.model, w.prompt)
			}
			if w.errPrefix != "" {
				if c.Error == nil || !strings.Contains(*c.Error, "404") || !strings.HasPrefix(rec.Error, w.errPrefix) {
					t.Errorf("client error %q, record error %q; want %q", deref(c.Error), rec.Error, w.errPrefix)
				}
				return
			}
			if c.Error != nil {
				t.Fatalf("the client failed through the proxy: %s", *c.Error)
			}
			if rec.Error != "" {
				t.Errorf("record error %q", rec.Error)
			}
			text := ""
			if c.Text != nil {
				text = strings.ReplaceAll(*c.Text, "jane.doe@example.com", "[REDACTED:EMAIL]")
			}
			if rec.Response != text || (c.Text != nil && !strings.HasPrefix(*c.Text, "echo: ")) {
				t.Errorf("record response %q, the client got %v", rec.Response, c.Text)
			}
			if c.Model == nil || *c.Model != rec.Attributes["gen_ai.response.model"] {
				t.Errorf("response model: the client got %v, the record says %q", c.Model, rec.Attributes["gen_ai.response.model"])
			}
			if c.TokensIn == nil || rec.TokensIn != *c.TokensIn || rec.TokensInEstimated {
				t.Errorf("tokens in: the client got %v, the record says %d (estimated %v)", c.TokensIn, rec.TokensIn, rec.TokensInEstimated)
			}
			if c.TokensOut != nil && (rec.TokensOut != *c.TokensOut || rec.TokensOutEstimated) {
				t.Errorf("tokens out: the client got %d, the record says %d (estimated %v)", *c.TokensOut, rec.TokensOut, rec.TokensOutEstimated)
			}
			if c.Embeddings != nil && (rec.Attributes["llog.embeddings.count"] != strconv.Itoa(*c.Embeddings) || rec.Attributes["gen_ai.embeddings.dimension.count"] != strconv.Itoa(*c.Dimensions)) {
				t.Errorf("embeddings: the client got %d of %d, the record says %v", *c.Embeddings, *c.Dimensions, rec.Attributes)
			}
			if strings.HasSuffix(c.Name, "stream") && (rec.Attributes["llog.proxy.stream"] != "true" || rec.Attributes["gen_ai.response.time_to_first_chunk"] == "") {
				t.Errorf("stream attributes: %v", rec.Attributes)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
