// Package testutil holds helpers shared by llog's tests: a goroutine leak
// check for TestMain and a filesystem whose fsyncs a test can hold back.
// Only _test.go files import it.
package testutil

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
)

// Main runs the tests and then fails the binary if goroutines started by
// the tests are still running: every Engine must stop its goroutines in
// Close. Use it as func TestMain(m *testing.M) { testutil.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := leakedGoroutines(5 * time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines still running after the tests:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// leakedGoroutines waits up to timeout for goroutines other than the
// runtime's and the testing package's to exit, and returns their stacks if
// some are left.
func leakedGoroutines(timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for {
		var leaked []string
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		for _, g := range strings.Split(string(buf), "\n\n") {
			if interesting(g) {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return ""
		}
		if time.Now().After(deadline) {
			sort.Strings(leaked)
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func interesting(stack string) bool {
	for _, ignore := range []string{
		"testutil.leakedGoroutines", // this goroutine
		"testing.(*M).",
		"testing.tRunner",
		"testing.runFuzzing",
		"runtime.goexit0",
		"created by runtime.gc",
		"runtime.ensureSigM",
		"os/signal.signal_recv",
		"created by testing.(*F).Fuzz",
		"internal/poll.runtime_pollWait", // a test's child process pipes
	} {
		if strings.Contains(stack, ignore) {
			return false
		}
	}
	return strings.TrimSpace(stack) != ""
}

// GateFS wraps a filesystem so that a test can hold File.Sync calls: while
// the gate is held every Sync waits until Release is called. It also counts
// syncs.
type GateFS struct {
	vfs.FS
	mu     sync.Mutex
	open   chan struct{} // closed while the gate is open
	syncs  int
	delay  time.Duration
	waiter chan struct{} // signalled when a Sync starts waiting
}

// NewGateFS returns an open gate over inner.
func NewGateFS(inner vfs.FS) *GateFS {
	g := &GateFS{FS: inner, open: make(chan struct{}), waiter: make(chan struct{}, 1)}
	close(g.open)
	return g
}

// Hold makes later Syncs wait until Release.
func (g *GateFS) Hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
		g.open = make(chan struct{})
	default:
	}
}

// Release lets waiting and later Syncs through.
func (g *GateFS) Release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// SetDelay makes every Sync take at least d.
func (g *GateFS) SetDelay(d time.Duration) {
	g.mu.Lock()
	g.delay = d
	g.mu.Unlock()
}

// Waiting returns a channel that receives when a Sync blocks on the gate.
func (g *GateFS) Waiting() <-chan struct{} { return g.waiter }

// Syncs returns the number of File.Sync calls that completed.
func (g *GateFS) Syncs() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.syncs
}

func (g *GateFS) wrap(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return gateFile{f, g}, nil
}

// Create implements vfs.FS.
func (g *GateFS) Create(name string, perm os.FileMode) (vfs.File, error) {
	return g.wrap(g.FS.Create(name, perm))
}

// OpenRW implements vfs.FS.
func (g *GateFS) OpenRW(name string) (vfs.File, error) { return g.wrap(g.FS.OpenRW(name)) }

type gateFile struct {
	vfs.File
	g *GateFS
}

func (f gateFile) Sync() error {
	f.g.mu.Lock()
	open, delay := f.g.open, f.g.delay
	f.g.mu.Unlock()
	select {
	case <-open:
	default:
		select {
		case f.g.waiter <- struct{}{}:
		default:
		}
		<-open
	}
	time.Sleep(delay)
	err := f.File.Sync()
	f.g.mu.Lock()
	f.g.syncs++
	f.g.mu.Unlock()
	return err
}
