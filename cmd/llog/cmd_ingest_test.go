package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
)

// ingestLines returns n JSON lines of generated inferences (about one in
// five carries personal data), with explicit times, and the inferences.
func ingestLines(n int) ([]string, []llog.Inference) {
	g := gen.New(11)
	lines := make([]string, n)
	infs := make([]llog.Inference, n)
	for i := range n {
		s := g.Next(600)
		inf := llog.Inference{
			Time: baseTime.Add(time.Duration(i) * time.Second), Model: s.Model, Provider: s.Provider,
			Operation: s.Operation, Prompt: s.Prompt, Response: s.Response, Latency: s.Latency,
			TokensIn: s.TokensIn, TokensOut: s.TokensOut, Error: s.Error, ConversationID: s.ConversationID,
			TraceID: fmt.Sprintf("%032x", i+1), SpanID: fmt.Sprintf("%016x", i+1),
			Attributes: map[string]string{"device.id": "pi-7", "n": fmt.Sprint(i)},
		}
		if i%3 == 0 {
			inf.TokensIn, inf.TokensOut = 0, 0 // estimated, as Log does
		}
		b, err := json.Marshal(inf)
		if err != nil {
			panic(err)
		}
		lines[i], infs[i] = string(b), inf
	}
	return lines, infs
}

// logged returns what Log stores for infs, in a store of its own: the
// reference for what ingest must store.
func logged(t *testing.T, infs []llog.Inference) []llog.Record {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ref")
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, inf := range infs {
		if err := e.Log(t.Context(), inf); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return storeRecords(t, dir, llog.Filter{})
}

// sameRecords compares records of two stores: everything but the chain
// digests, which depend on the store.
func sameRecords(t *testing.T, got, want []llog.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		w.PrevHash, w.Hash = g.PrevHash, g.Hash
		if !reflect.DeepEqual(g, w) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			t.Fatalf("record %d:\n got %s\nwant %s", i+1, gj, wj)
		}
	}
}

// TestIngestStdin checks the contract of ingest on stdin: every good line
// is stored exactly as Log stores it, in order; a bad line is skipped and
// reported with its line number; exit 1 when a line was bad, else 0.
func TestIngestStdin(t *testing.T) {
	lines, infs := ingestLines(2500)
	want := logged(t, prefix(infs, 2000))
	bad := prefix(lines, 2500)
	bad[2000] = strings.Replace(bad[2000], `"tokens_in":`, `"tokens_in":"12","x":`, 1) // line 2001

	dir := filepath.Join(t.TempDir(), "store")
	r := llogRun(t, strings.Join(bad, "\n")+"\n", "ingest", "--path", dir)
	if r.code != exitIntegrity || r.stdout != "" ||
		r.stderr != "llog: ingest: line 2001: tokens_in: want an integer, got string\nllog: ingest: 1 of 2500 lines skipped; 2499 records committed\n" {
		t.Fatalf("%v", r)
	}
	got := storeRecords(t, dir, llog.Filter{})
	sameRecords(t, got[:2000], want)
	if len(got) != 2499 || got[2000].Attributes["n"] != "2001" {
		t.Fatalf("%d records; the one after the bad line: %+v", len(got), got[2000].Attributes)
	}
	if rep, err := llog.Verify(t.Context(), dir); err != nil || !rep.OK {
		t.Fatalf("verify: %+v %v", rep, err)
	}

	// All good: exit 0, nothing on stderr; the store is appended to. The
	// last line has no newline; CRLF and empty lines are fine.
	r = llogRun(t, lines[0]+"\r\n\n   \n"+lines[1], "ingest", "--path", dir)
	if r.code != exitOK || r.stdout != "" || r.stderr != "" {
		t.Fatalf("%v", r)
	}
	if n := len(storeRecords(t, dir, llog.Filter{})); n != 2501 {
		t.Fatalf("%d records after the second run", n)
	}
}

func prefix[T any](s []T, n int) []T { return append([]T(nil), s[:n]...) }

// TestIngestBadLines checks the message for each kind of bad line.
func TestIngestBadLines(t *testing.T) {
	huge := `{"prompt":"` + strings.Repeat("x", llog.DefaultMaxRecordSize) + `"}`
	for _, tc := range []struct{ line, msg string }{
		{`{"model":"m"`, "not valid JSON: unexpected end of JSON input (at byte 12)"},
		{`hello`, "not valid JSON: invalid character 'h' looking for beginning of value (at byte 1)"},
		{`"just a string"`, "want a JSON object, got string"},
		{`{"model":"m"} {"model":"n"}`, "not valid JSON: invalid character '{' after top-level value (at byte 15)"},
		{`{"latency_ms":"fast"}`, "latency_ms: want a number, got string"},
		{`{"tokens_out":-3}`, "invalid record: negative tokens or latency (tokens in 0, out -3, latency 0s)"},
		{`{"attributes":{"k":true}}`, "attributes: want a string, got bool"},
		{`{"time":"2026-13-01"}`, `time: want RFC 3339 (2026-01-02T15:04:05Z), got "2026-13-01"`},
		{`{"ack":"yes"}`, "ack: want true or false"},
		{huge, "record too large: 1048605 bytes encoded, limit 1048576"},
		{`{"prompt":"` + strings.Repeat("y", 9<<20) + `"}`, "longer than 8.1 MiB"},
	} {
		dir := filepath.Join(t.TempDir(), "store")
		r := llogRun(t, `{"model":"before"}`+"\n"+tc.line+"\n"+`{"model":"after"}`+"\n", "ingest", "--path", dir)
		want := "llog: ingest: line 2: " + tc.msg + "\nllog: ingest: 1 of 3 lines skipped; 2 records committed\n"
		if r.code != exitIntegrity || r.stderr != want {
			t.Errorf("line %.60q:\n got %q\nwant %q", tc.line, r.stderr, want)
		}
		recs := storeRecords(t, dir, llog.Filter{})
		if len(recs) != 2 || recs[0].Model != "before" || recs[1].Model != "after" {
			t.Errorf("line %.60q: stored %d records", tc.line, len(recs))
		}
	}
}

// ackLine is an acknowledgement, or the answer for a skipped line.
type ackLine struct {
	Ack   uint64 `json:"ack"`
	Hash  string `json:"hash"`
	Line  uint64 `json:"line"`
	Error string `json:"error"`
}

// TestIngestAcks checks acknowledgements on stdout: only lines that ask get
// one, with the sequence number and chain digest the store holds.
func TestIngestAcks(t *testing.T) {
	lines, _ := ingestLines(10)
	for _, i := range []int{2, 9} {
		lines[i] = strings.Replace(lines[i], "{", `{"ack":true,`, 1)
	}
	lines[5] = `{"ack":true,"latency_ns":-1}`
	lines[6] = `{"ack": true, "model": "m", oops}`
	dir := filepath.Join(t.TempDir(), "store")
	r := llogRun(t, strings.Join(lines, "\n")+"\n", "ingest", "--path", dir)
	if r.code != exitIntegrity {
		t.Fatalf("%v", r)
	}
	recs := storeRecords(t, dir, llog.Filter{})
	want := fmt.Sprintf("{\"ack\":3,\"hash\":\"%s\"}\n{\"line\":6,\"error\":\"invalid record: negative tokens or latency (tokens in 0, out 0, latency -1ns)\"}\n"+
		"{\"line\":7,\"error\":\"not valid JSON: invalid character 'o' looking for beginning of object key string (at byte 29)\"}\n{\"ack\":8,\"hash\":\"%s\"}\n",
		recs[2].Hash, recs[7].Hash)
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}

// startIngest runs the test binary as 'llog ingest' with args and returns
// the command, with stdin, stdout and stderr.
func startIngest(t *testing.T, args ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"ingest"}, args...)...)
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stdin, bufio.NewReader(stdout), stderr
}

// waitExit waits for cmd to end, at most 10s.
func waitExit(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not stop")
		return nil
	}
}

// TestIngestInterrupt sends SIGINT to ingest while its stdin is still
// open: it stops reading, commits what it read and exits 0.
func TestIngestInterrupt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	cmd, stdin, stdout, stderr := startIngest(t, "--path", dir)
	lines, _ := ingestLines(200)
	lines[99] = strings.Replace(lines[99], "{", `{"ack":true,`, 1)
	io.WriteString(stdin, strings.Join(lines, "\n")+"\n")
	if l, err := stdout.ReadString('\n'); err != nil || !strings.HasPrefix(l, `{"ack":100,`) {
		t.Fatalf("ack %q, %v: %s", l, err, stderr.String())
	}
	// Lines 101-200 were written too: wait until they are read (the
	// store's files change as they are committed).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if rep, err := llog.Verify(t.Context(), dir); err == nil && rep.Records == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("lines 101-200 were not committed")
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(t, cmd); err != nil || stderr.String() != "" {
		t.Fatalf("ingest ended with %v: %s", err, stderr.String())
	}
	stdin.Close()
	if rep, err := llog.Verify(t.Context(), dir); err != nil || !rep.OK || rep.Records != 200 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// serveIngest runs 'llog ingest --listen' in process until the returned
// stop is called, which returns the result.
func serveIngest(t *testing.T, dir, sock string) (stop func() result, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	stderr = &syncBuffer{}
	e := newEnv(strings.NewReader(""), &stdout, stderr)
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, e, []string{"ingest", "--path", dir, "--listen", "unix:" + sock}) }()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stderr.String(), "listening"); time.Sleep(5 * time.Millisecond) {
		select {
		case code := <-done:
			t.Fatalf("ingest exited %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("ingest does not listen")
		}
	}
	var once sync.Once
	var r result
	stop = func() result {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				r = result{code, stdout.String(), stderr.String()}
			case <-time.After(10 * time.Second):
				t.Fatal("ingest did not stop")
			}
		})
		return r
	}
	t.Cleanup(func() { stop() })
	return stop, stderr
}

// TestIngestSocket checks the socket's contract: mode 0600, many clients
// at once, each with its own line numbers, acknowledgements once durable,
// bad lines reported on stderr, the socket removed at the end.
func TestIngestSocket(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	sock := filepath.Join(t.TempDir(), "llog.sock")
	stop, _ := serveIngest(t, dir, sock)
	fi, err := os.Lstat(sock)
	if err != nil || fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket %v, %v", fi.Mode(), err)
	}

	const clients, perClient = 8, 300
	lines, _ := ingestLines(clients * perClient)
	acks := make([][]ackLine, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			conn, err := net.Dial("unix", sock)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			var b strings.Builder
			for i := range perClient {
				l := lines[c*perClient+i]
				switch {
				case c == 3 && i == 41:
					l = `{"ack":true,"model":["not","a","string"]}`
				case i%100 == 99:
					l = strings.Replace(l, "{", `{"ack":true,`, 1)
				}
				b.WriteString(l + "\n")
			}
			if _, err := io.WriteString(conn, b.String()); err != nil {
				t.Error(err)
				return
			}
			br := bufio.NewReader(conn)
			want := 3
			if c == 3 {
				want = 4
			}
			for range want {
				s, err := br.ReadString('\n')
				if err != nil {
					t.Errorf("client %d: %v", c, err)
					return
				}
				var a ackLine
				if err := json.Unmarshal([]byte(s), &a); err != nil {
					t.Errorf("client %d: %q: %v", c, s, err)
				}
				acks[c] = append(acks[c], a)
			}
		})
	}
	wg.Wait()
	r := stop()
	if r.code != exitOK || !regexp.MustCompile(`^llog: ingest: listening on unix:\S+\nllog: ingest: client \d+: line 42: model: want a string, got array\nllog: ingest: stopped: 2399 records committed, 1 bad line skipped\n$`).MatchString(r.stderr) {
		t.Fatalf("%v", r)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket is still there: %v", err)
	}
	recs := storeRecords(t, dir, llog.Filter{})
	if len(recs) != clients*perClient-1 {
		t.Fatalf("%d records", len(recs))
	}
	bySeq := map[uint64]llog.Record{}
	for _, rec := range recs {
		bySeq[rec.Seq] = rec
	}
	for c, as := range acks {
		last := uint64(0)
		for _, a := range as {
			if a.Error != "" {
				if c != 3 || a.Line != 42 || a.Error != "model: want a string, got array" {
					t.Errorf("client %d: %+v", c, a)
				}
				continue
			}
			rec, ok := bySeq[a.Ack]
			if !ok || rec.Hash.String() != a.Hash || a.Ack <= last {
				t.Errorf("client %d: ack %+v does not match the store", c, a)
			}
			last = a.Ack
		}
	}
}

// TestIngestListenErrors checks what --listen refuses.
func TestIngestListenErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	r := mustRun(t, exitUsage, "ingest", "--path", dir, "--listen", "tcp:127.0.0.1:8080")
	if !strings.Contains(r.stderr, `--listen "tcp:127.0.0.1:8080": want unix:PATH (llog does not listen on the network)`) {
		t.Errorf("%v", r)
	}
	mustRun(t, exitUsage, "ingest", "--listen", "unix:x")

	file := filepath.Join(t.TempDir(), "notes")
	writeFile(t, file, []byte("x"))
	r = mustRun(t, exitCannotRun, "ingest", "--path", dir, "--listen", "unix:"+file)
	if r.stderr != "llog: ingest: listen on "+file+": the file exists and is not a socket\n" {
		t.Errorf("%v", r)
	}

	// A live socket is not taken over; a stale one is replaced.
	sock := filepath.Join(t.TempDir(), "s")
	stop, _ := serveIngest(t, filepath.Join(t.TempDir(), "other"), sock)
	r = mustRun(t, exitCannotRun, "ingest", "--path", dir, "--listen", "unix:"+sock)
	if r.stderr != "llog: ingest: listen on "+sock+": another process is listening there\n" {
		t.Errorf("%v", r)
	}
	stop()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	stop, _ = serveIngest(t, dir, sock)
	if r := stop(); r.code != exitOK {
		t.Errorf("over a stale socket: %v", r)
	}
}

// TestPythonExample runs examples/ingest_client.py against the real
// socket.
func TestPythonExample(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is needed in CI")
		}
		t.Skip("no python3")
	}
	dir := filepath.Join(t.TempDir(), "store")
	sock := filepath.Join(t.TempDir(), "llog.sock")
	stop, _ := serveIngest(t, dir, sock)
	out, err := exec.Command(py, filepath.Join("..", "..", "examples", "ingest_client.py"), sock).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r := stop(); r.code != exitOK {
		t.Fatalf("%v", r)
	}
	recs := storeRecords(t, dir, llog.Filter{})
	if len(recs) != 2 || recs[0].Prompt != "Capital of France? Reply to [REDACTED:EMAIL]" || recs[1].Latency != 41500*time.Microsecond ||
		recs[1].Attributes["device.id"] != "pi-7" {
		t.Fatalf("records: %+v", recs)
	}
	if want := fmt.Sprintf("{'ack': 2, 'hash': '%s'}\n", recs[1].Hash); string(out) != want {
		t.Errorf("the example printed %q, want %q", out, want)
	}
}
