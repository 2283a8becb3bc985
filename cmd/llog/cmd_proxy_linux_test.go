package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fsizeEnv, in a process started by a test, limits the size of the files
// it writes (RLIMIT_FSIZE) to that many bytes: writing past it fails with
// EFBIG, as a full disk fails with ENOSPC, and the store fails.
const fsizeEnv = "LLOG_CMD_TEST_FSIZE"

func init() {
	if v := os.Getenv(fsizeEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			panic(err)
		}
		signal.Ignore(syscall.SIGXFSZ)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			panic(err)
		}
	}
}

// storeLimit is the file size at which the store of a proxy started with
// fsizeEnv fails: a few dozen calls.
const storeLimit = "49152"

var summaryLine = regexp.MustCompile(`llog: proxy: stopped: (\d+) model calls? recorded, (\d+) not recorded, (\d+) refused\n`)

// chatBody is a non-streamed chat of about 1 KiB, numbered i.
func chatBody(i int) string {
	return fmt.Sprintf(`{"model":"m","messages":[{"role":"user","content":"call %d %s"}]}`, i, strings.Repeat("words ", 170))
}

// TestProxyStoreFailsPass fills the store's disk under a proxy with
// --on-store-error pass: it keeps answering every call, says on stderr
// that the store failed and what it does about it, counts the calls not
// recorded and exits 3; the store keeps every record committed before.
func TestProxyStoreFailsPass(t *testing.T) {
	up := newFakeUpstream(t)
	p := startProxyProcess(t, []string{fsizeEnv + "=" + storeLimit}, "--upstream", up.URL, "--listen", "127.0.0.1:0")
	after := 0
	for i := 0; i < 400 && after < 5; i++ {
		x := send(t, "POST", p.url+"/v1/chat/completions", chatBody(i), nil)
		if x.status != 200 || !strings.Contains(string(x.body), fmt.Sprintf("echo: call %d ", i)) {
			t.Fatalf("call %d: %d %s", i, x.status, x.body)
		}
		if strings.Contains(p.stderr.String(), "the store failed") {
			after++
		} else {
			// Calls apart, so that records commit in small batches and
			// some are on record before the disk is full.
			time.Sleep(15 * time.Millisecond)
		}
	}
	if after == 0 {
		t.Fatalf("the store never failed: %s", p.stderr.String())
	}
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitCannotRun {
		t.Fatalf("exit %d, want %d: %s", code, exitCannotRun, p.stderr.String())
	}
	stderr := p.stderr.String()
	if !regexp.MustCompile(`llog: proxy: the store failed: .*file too large; calls are still proxied, without being recorded \(--on-store-error pass\)\n`).MatchString(stderr) ||
		!strings.Contains(stderr, "llog: proxy: a call was not recorded: ") {
		t.Errorf("stderr does not report the failure loudly:\n%s", stderr)
	}
	m := summaryLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no summary:\n%s", stderr)
	}
	if !regexp.MustCompile(`\nllog: proxy: \d+ model calls not recorded: store failed: .*file too large\n$`).MatchString(stderr) {
		t.Errorf("the last line does not say why it exits 3:\n%s", stderr)
	}
	recorded, _ := strconv.Atoi(m[1])
	notRecorded, _ := strconv.Atoi(m[2])
	if notRecorded < 5 || m[3] != "0" {
		t.Errorf("summary %q: want at least 5 calls not recorded and none refused", m[0])
	}
	if n := len(verifiedRecords(t, p.dir)); n != recorded || n == 0 {
		t.Errorf("%d records in the store, the summary says %d", n, recorded)
	}
}

// TestProxyStoreFailsBlock fills the store's disk under a proxy with
// --on-store-error block: every answer a client got is on record; the
// call whose record could not be stored gets 503 instead of its answer,
// and every model call after it too, while other requests pass.
func TestProxyStoreFailsBlock(t *testing.T) {
	up := newFakeUpstream(t)
	p := startProxyProcess(t, []string{fsizeEnv + "=" + storeLimit}, "--upstream", up.URL, "--listen", "127.0.0.1:0", "--on-store-error", "block")
	answered := map[string]bool{}
	refused := false
	for i := 0; i < 400 && !refused; i++ {
		tp, id := newTrace()
		x := send(t, "POST", p.url+"/v1/chat/completions", chatBody(i), http.Header{"Traceparent": {tp}})
		switch x.status {
		case 200:
			answered[id] = true
		case 503:
			refused = true
			if string(x.body) != `{"error":{"message":"llog proxy: the record of this call could not be stored, so its answer is withheld (--on-store-error block)","type":"llog_proxy_error"}}`+"\n" {
				t.Errorf("503 body: %s", x.body)
			}
		default:
			t.Fatalf("call %d: %d %s", i, x.status, x.body)
		}
	}
	if !refused {
		t.Fatalf("the store never failed: %s", p.stderr.String())
	}
	// From now on model calls are refused at once, streamed or not; other
	// requests pass.
	for _, c := range []struct{ path, body string }{
		{"/v1/chat/completions", chatBody(1000)},
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"stream"}]}`},
		{"/v1/embeddings", `{"model":"e","input":"x"}`},
	} {
		x := send(t, "POST", p.url+c.path, c.body, nil)
		if x.status != 503 || !strings.Contains(string(x.body), "the store cannot record this call, so it is refused (--on-store-error block)") {
			t.Errorf("%s after the failure: %d %s", c.path, x.status, x.body)
		}
	}
	if x := send(t, "GET", p.url+"/api/tags", "", nil); x.status != 200 {
		t.Errorf("/api/tags after the failure: %d", x.status)
	}
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitCannotRun {
		t.Fatalf("exit %d, want %d: %s", code, exitCannotRun, p.stderr.String())
	}
	stderr := p.stderr.String()
	if !strings.Contains(stderr, "model calls are refused with 503 (--on-store-error block)") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if m := summaryLine.FindStringSubmatch(stderr); m == nil || m[1] != strconv.Itoa(len(answered)) || m[2] != "1" || m[3] != "4" {
		t.Errorf("summary: want %d recorded, 1 not recorded, 4 refused:\n%s", len(answered), stderr)
	}
	recs := recordsByTrace(t, p.dir)
	for id := range answered {
		if _, ok := recs[id]; !ok {
			t.Errorf("call %s was answered but is not on record", id)
		}
	}
	if len(answered) == 0 || len(recs) != len(answered) {
		t.Errorf("%d answered, %d on record", len(answered), len(recs))
	}
}
