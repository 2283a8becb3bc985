package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

var proxyCmd = &command{
	name:    "proxy",
	summary: "record the model calls that pass through to Ollama or an OpenAI-compatible server",
	usage: `usage: llog proxy --path DIR --upstream URL [--listen ADDR] [--key FILE] [--on-store-error pass|block]

Proxy serves HTTP on ADDR (default 127.0.0.1:11435) and forwards every
request to the model server at URL (http or https): Ollama, llama.cpp's
llama-server, vLLM, LocalAI or any OpenAI-compatible server. Point a client
at the proxy instead of the server and every model call it makes is
recorded in the store in DIR (created when needed), with the same
redaction, queue and limits as the library's Log: the server and the
client see the original text; only the store is redacted.

What passes through is unchanged: method, path, query, headers and body go
to the upstream as sent (the Host header names the upstream, and the
connection's own hop-by-hop headers, such as Connection, are not
forwarded), and the status, headers and body of the answer come back byte
for byte. Streamed answers (server-sent events, Ollama's NDJSON) reach the
client as they arrive; the proxy never waits for the whole answer.

Recorded: POST to /v1/chat/completions, /v1/completions, /v1/embeddings,
/v1/responses (provider "openai"), /api/chat, /api/generate, /api/embed
(provider "ollama"); operation "chat", "text_completion" or "embeddings",
as in the OpenTelemetry GenAI conventions. Anything else passes through
unrecorded. Each call's record has:

  model        the model requested (else the one that answered)
  prompt       the messages or prompt, in the readable form below
  response     the assistant's text, assembled from the stream when
               streamed; tool calls as lines "[tool call NAME(ARGUMENTS)]";
               empty for embeddings
  latency      from the request's arrival to the answer's last byte; the
               record's time is the end
  tokens       the upstream's own counts (OpenAI usage, Ollama
               prompt_eval_count and eval_count), estimated only when absent
  error        empty on success; else the status of a non-2xx answer with
               the message its body gives ("404 Not Found: model ..."), an
               error reported inside a stream, "client disconnected before
               the end of the answer" (the record keeps what was received),
               "upstream closed the connection before the end of the
               answer", or an upstream that could not be reached ("502 Bad
               Gateway: upstream: ...")
  trace_id     from the request's W3C traceparent header, when present
  attributes   gen_ai.request.temperature, top_p, top_k, max_tokens, seed,
               frequency_penalty, presence_penalty, choice.count (as the
               request set them); gen_ai.response.model, id, finish_reasons;
               gen_ai.response.time_to_first_chunk (streams: seconds from
               the request's arrival to the first answer text);
               gen_ai.embeddings.dimension.count and llog.embeddings.count;
               http.response.status_code; client.address (an IP address,
               so the default redaction stores it as [REDACTED:IPV4]);
               url.path; llog.proxy.stream ("true" for a streamed answer);
               llog.proxy.truncated (request, response, record: what went
               past the 16 MiB capture limit or the store's record limit);
               llog.proxy.undecoded (a body that was not the API's JSON)

The readable prompt: chat messages are written one block per message,
"ROLE: TEXT", blocks separated by a blank line:

  system: You are terse.

  user: What is the capital of France?

Content given as parts is written one part a line, images as "[image]",
audio as "[audio]", files as "[file]"; each tool call as a line
"[tool call NAME(ARGUMENTS)]". A Responses request writes its instructions
as a "system" message and its input as messages ("user" for a string). A
completion or embedding input is written as it is (several inputs
separated by a blank line, token ids as "[N tokens]"); Ollama's generate
adds "system: SYSTEM" and "prompt: " before the prompt when it has a
system prompt; a suffix adds a block "suffix: SUFFIX".

When the store fails (disk full, I/O error), --on-store-error says what
happens: pass (the default) keeps proxying and says so on standard error,
counting the calls not recorded; block answers every model call 503 from
then on, and holds each answer that is not streamed until its record is
durable (answering 503 instead when it cannot be stored), so that no such
answer reaches a client unrecorded. A streamed answer is passed on as it
arrives in both modes, so a failure during a stream cannot withhold it.

With --key, the store's checkpoints are signed with that signer key, as
with every command that writes (see 'llog help keygen').

The listen address is loopback by default; any other address is allowed
and said on standard error at start: anyone who can reach it can use the
upstream through the proxy.

SIGINT or SIGTERM stops accepting connections, lets the calls in flight
finish, commits their records and exits 0. A second signal cuts the calls
still in flight (their records say so) and commits.

Exit codes: 0 stopped by a signal after committing everything, 1 the store
is damaged (opening refuses it), 2 usage error, 3 could not run (the
address is in use, another process has the store open) or the store failed
while the proxy ran (standard error says how many calls were not recorded).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var (
			wf                             writerFlags
			upstream, listen, onStoreError string
		)
		wf.define(fs, "")
		fs.StringVar(&upstream, "upstream", "", "the model server's base `URL`, http:// or https:// (required)")
		fs.StringVar(&listen, "listen", defaultProxyListen, "serve on `ADDR`, host:port")
		fs.StringVar(&onStoreError, "on-store-error", "pass", "what to do when the store fails, `MODE`: pass (keep proxying, unrecorded) or block (answer 503)")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := wf.check(); err != nil {
				return err
			}
			u, err := parseUpstream(upstream)
			if err != nil {
				return err
			}
			var block bool
			switch onStoreError {
			case "pass":
			case "block":
				block = true
			default:
				return usagef("--on-store-error %q: want pass or block", onStoreError)
			}
			return runProxy(ctx, e, &wf, u, listen, block)
		}
	},
}

// defaultProxyListen is the proxy's default address: loopback, and next
// to Ollama's 11434.
const defaultProxyListen = "127.0.0.1:11435"

// parseUpstream checks the --upstream URL.
func parseUpstream(s string) (*url.URL, error) {
	if s == "" {
		return nil, usagef("--upstream is required")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return nil, usagef("--upstream %q: want http://HOST[:PORT][/PATH] or https://...", s)
	}
	return u, nil
}

func runProxy(ctx context.Context, e *env, wf *writerFlags, upstream *url.URL, listen string, block bool) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	report := newStoreReport(e.stderr, block)
	eng, err := wf.open(e, &llog.Options{OnEvent: report.event})
	if err != nil {
		return err
	}
	defer eng.Close()

	p := newProxy(upstream, eng, block, report, max(2, runtime.GOMAXPROCS(0)))
	var handlers sync.WaitGroup
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handlers.Add(1)
			defer handlers.Done()
			p.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: time.Minute,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          log.New(report, "", 0),
	}
	addr := listenAddr(listen, ln.Addr())
	report.printf("listening on http://%s, forwarding to %s, recording model calls in %s", addr, upstream.Redacted(), wf.path)
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		report.printf("notice: %s is not a loopback address: anyone who can reach it can use %s through the proxy", addr, upstream.Redacted())
	}

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	ln.Close() // Shutdown closes it too; closed here, before saying so
	report.printf("stopping: no new connections; calls in flight finish (a second signal cuts them)")
	stopped := make(chan struct{})
	go func() {
		srv.Shutdown(context.Background())
		close(stopped)
	}()
	for n := 0; ; {
		select {
		case <-stopped:
		case <-sigs:
			if n++; n < 2 {
				continue
			}
			report.printf("second signal: cutting the calls in flight")
			p.cut.Store(true)
			srv.Close()
			<-stopped
		}
		break
	}
	handlers.Wait()
	p.close()
	closeErr := eng.Close()
	recorded := eng.Stats().Committed
	notRecorded := p.report.calls.Load() - recorded
	report.printf("stopped: %s recorded, %d not recorded, %d refused", plural(recorded, "model call"), notRecorded, report.refused.Load())
	switch {
	case serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed):
		return fmt.Errorf("serve: %w", serveErr)
	case closeErr != nil:
		return fmt.Errorf("%s not recorded: %w", plural(notRecorded, "model call"), closeErr)
	case notRecorded > 0:
		return fmt.Errorf("%s not recorded", plural(notRecorded, "model call"))
	}
	return nil
}

// listenAddr returns the address the proxy listens on as the user named
// it (--listen's host) with the port it got.
func listenAddr(listen string, a net.Addr) string {
	host, _, err := net.SplitHostPort(listen)
	ta, ok := a.(*net.TCPAddr)
	if err != nil || host == "" || !ok {
		return a.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(ta.Port))
}
