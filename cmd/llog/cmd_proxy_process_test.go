package main

import (
	"bufio"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// proxyProcess is 'llog proxy' running as a process of its own (this test
// binary, as the llog command), for what only a process shows: signals,
// the system's certificate roots, resource limits.
type proxyProcess struct {
	cmd    *exec.Cmd
	url    string
	dir    string
	stderr *syncBuffer
	done   chan int
	code   int
	exited bool
}

// startProxyProcess starts 'llog proxy --path DIR ARGS...' with the extra
// environment variables env.
func startProxyProcess(t *testing.T, env []string, args ...string) *proxyProcess {
	t.Helper()
	p := &proxyProcess{dir: filepath.Join(t.TempDir(), "store"), stderr: &syncBuffer{}, done: make(chan int, 1)}
	p.cmd = exec.Command(os.Args[0], append([]string{"proxy", "--path", p.dir}, args...)...)
	p.cmd.Env = append(append(os.Environ(), mainEnv+"=1"), env...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			p.done <- 0
		case errors.As(err, &ee):
			p.done <- ee.ExitCode()
		default:
			p.done <- -1
		}
	}()
	t.Cleanup(func() {
		if !p.exited {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	p.url = waitListening(t, p.stderr, p.done)
	return p
}

// signal sends sig to the process.
func (p *proxyProcess) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *proxyProcess) wait(t *testing.T) int {
	t.Helper()
	if !p.exited {
		select {
		case p.code = <-p.done:
			p.exited = true
		case <-time.After(30 * time.Second):
			t.Fatalf("the proxy did not exit: %s", p.stderr.String())
		}
	}
	return p.code
}

// waitFor waits until stderr holds s.
func (p *proxyProcess) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.stderr.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr never said %q: %s", s, p.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// openStream starts a streamed Ollama chat through the proxy and returns
// its body once the first line has arrived.
func openStream(t *testing.T, url, model, text string) (*bufio.Reader, io.Closer, string) {
	t.Helper()
	tp, id := newTrace()
	req, _ := http.NewRequest("POST", url+"/api/chat", strings.NewReader(`{"model":"`+model+`","messages":[{"role":"user","content":"`+text+`"}]}`))
	req.Header.Set("Traceparent", tp)
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.Peek(1); err != nil {
		t.Fatal(err)
	}
	return br, resp.Body, id
}

// TestProxyProcessStopsOnSignal sends SIGINT or SIGTERM to a proxy with a
// stream in flight: it stops accepting, lets the stream finish, commits
// both records and exits 0.
func TestProxyProcessStopsOnSignal(t *testing.T) {
	up := newFakeUpstream(t)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			p := startProxyProcess(t, nil, "--upstream", up.URL, "--listen", "127.0.0.1:0")
			tp, id1 := newTrace()
			if x := send(t, "POST", p.url+"/v1/completions", `{"model":"m","prompt":"before"}`, http.Header{"Traceparent": {tp}}); x.status != 200 {
				t.Fatalf("%d %s", x.status, x.body)
			}
			text := strings.Repeat("in flight ", 6)
			br, body, id2 := openStream(t, p.url, "slow", text)
			defer body.Close()
			p.signal(t, sig)
			p.waitFor(t, "llog: proxy: stopping")
			if c, err := net.DialTimeout("tcp", strings.TrimPrefix(p.url, "http://"), time.Second); err == nil {
				c.Close()
				t.Error("the proxy accepts connections after the signal")
			}
			rest, err := io.ReadAll(br)
			lines := strings.Split(strings.TrimSpace(string(rest)), "\n")
			if err != nil || !strings.Contains(lines[len(lines)-1], `"done":true`) {
				t.Fatalf("the stream in flight did not finish: %v %q", err, rest)
			}
			if code := p.wait(t); code != exitOK {
				t.Fatalf("exit %d: %s", code, p.stderr.String())
			}
			recs := recordsByTrace(t, p.dir)
			if r := recs[id1]; r.Response != "echo: before" || r.Error != "" {
				t.Errorf("first record: %+v", r)
			}
			if r := recs[id2]; r.Response != "echo: "+text || r.Error != "" {
				t.Errorf("record of the stream in flight: %q %q", r.Response, r.Error)
			}
			if !strings.HasSuffix(p.stderr.String(), "llog: proxy: stopped: 2 model calls recorded, 0 not recorded, 0 refused\n") {
				t.Errorf("stderr: %s", p.stderr.String())
			}
		})
	}
}

// TestProxyProcessSecondSignalCuts checks that a second SIGINT cuts the
// calls still in flight, commits their records (saying so) and exits 0.
func TestProxyProcessSecondSignalCuts(t *testing.T) {
	up := newFakeUpstream(t)
	p := startProxyProcess(t, nil, "--upstream", up.URL, "--listen", "127.0.0.1:0")
	br, body, id := openStream(t, p.url, "endless", "forever")
	defer body.Close()
	p.signal(t, os.Interrupt)
	p.waitFor(t, "llog: proxy: stopping")
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	if _, err := io.ReadAll(br); err == nil {
		t.Error("the endless stream ended normally")
	}
	r := recordsByTrace(t, p.dir)[id]
	if r.Error != "the proxy was stopped before the end of the answer" || !strings.HasPrefix(r.Response, "echo") {
		t.Fatalf("record: %q %q", r.Error, r.Response)
	}
	if !strings.Contains(p.stderr.String(), "llog: proxy: second signal: cutting the calls in flight\n") {
		t.Errorf("stderr: %s", p.stderr.String())
	}
}

// TestProxyProcessTLSUpstream checks an https upstream, trusted through
// the system's certificate roots (here SSL_CERT_FILE).
func TestProxyProcessTLSUpstream(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(fakeServe))
	t.Cleanup(up.Close)
	certFile := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: up.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startProxyProcess(t, []string{"SSL_CERT_FILE=" + certFile, "SSL_CERT_DIR=" + t.TempDir()}, "--upstream", up.URL, "--listen", "127.0.0.1:0")
	tp, id := newTrace()
	x := send(t, "POST", p.url+"/api/chat", `{"model":"m","messages":[{"role":"user","content":"over tls"}],"stream":false}`, http.Header{"Traceparent": {tp}})
	if x.status != 200 || !strings.Contains(string(x.body), "echo: over tls") {
		t.Fatalf("%d %s; stderr %s", x.status, x.body, p.stderr.String())
	}
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	if r := recordsByTrace(t, p.dir)[id]; r.Response != "echo: over tls" {
		t.Fatalf("record: %+v", r)
	}
}

// TestProxyProcessDefaultListen checks the default address,
// 127.0.0.1:11435. It is skipped when something else holds that port.
func TestProxyProcessDefaultListen(t *testing.T) {
	ln, err := net.Listen("tcp", defaultProxyListen)
	if err != nil {
		t.Skipf("%s is in use here: %v", defaultProxyListen, err)
	}
	ln.Close()
	up := newFakeUpstream(t)
	p := startProxyProcess(t, nil, "--upstream", up.URL)
	if p.url != "http://127.0.0.1:11435" || strings.Contains(p.stderr.String(), "notice") {
		t.Fatalf("listening on %s: %s", p.url, p.stderr.String())
	}
	if x := send(t, "GET", "http://127.0.0.1:11435/api/tags", "", nil); x.status != 200 {
		t.Fatalf("%d %s", x.status, x.body)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
}
