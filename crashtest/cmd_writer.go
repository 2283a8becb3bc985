package main

import (
	"bufio"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
	"github.com/lowlightlog/llog/internal/hooks"
	"golang.org/x/mod/sumdb/note"
)

var cmdWriter = &command{
	name:    "writer",
	summary: "log records and print an ack line for each durable one",
	usage: `writer --dir D [--sync] [--seed S] [--kill-at POINT --kill-after K [--cut]]

Opens the store in D (with the index, committed every --checkpoint-records
records, and retention when --retain-records is set) and logs realistic records (prompts, responses, some
with personal data for redaction to catch) until it is killed, --count
records are acknowledged, or a write fails. Standard output gets one line
per event, flushed at once (see README.md for the format):

  open <run> <last-seq> <head>   the store is open with records 1..last-seq
  ack <seq> <hash>               record seq is durable with this digest
  kill <point> <k>               about to SIGKILL itself at a hook point
  cut <point> <k>                shut the filesystem down at a hook point
  hook <point>                   first firing of a hook point (--report-hooks)

With --sync, --writers goroutines each log with LogSync and acknowledge
every record whose LogSync returned. Without it, one goroutine logs with Log
and calls Flush every 1..--flush-every records; it acknowledges the newest
record each returned Flush covers (its chain digest vouches for all the
records before it).

--kill-at makes the writer SIGKILL itself at the --kill-after-th firing of
a hook point (crashtest points lists them); with --cut it first shuts the
filesystem holding D down without flushing its journal (FS_IOC_SHUTDOWN,
Linux, root), as crashtest cut does.`,
}

// writerConfig is the writer's flags.
type writerConfig struct {
	dir         string
	sync        bool
	seed        uint64
	run         uint64
	writers     int
	flushEvery  int
	recordSize  int
	segmentSize int64
	count       int
	killAt      string
	killAfter   int
	cut         bool
	reportHooks bool
	retain      uint64
	checkpoint  int
	// checkpointEvery is Options.CheckpointEvery; signer signs the
	// checkpoints with a key made for the run.
	checkpointEvery int
	signer          note.Signer
}

func init() {
	cmdWriter.run = func(args []string, stdout, stderr io.Writer) error {
		var c writerConfig
		fs := flagSet(cmdWriter, stderr)
		fs.StringVar(&c.dir, "dir", "", "store folder (created if missing)")
		fs.BoolVar(&c.sync, "sync", false, "log with LogSync from --writers goroutines instead of Log and Flush")
		fs.Uint64Var(&c.seed, "seed", 0, "seed of the records and batch shapes (0: from the clock)")
		fs.Uint64Var(&c.run, "run", 0, "run number stored in every record's identity (0: random)")
		fs.IntVar(&c.writers, "writers", 4, "goroutines logging with LogSync (with --sync)")
		fs.IntVar(&c.flushEvery, "flush-every", 32, "most records between two Flush calls (without --sync)")
		fs.IntVar(&c.recordSize, "record-size", 1024, "typical record size in bytes (1% are 64 to 256 KiB)")
		fs.Int64Var(&c.segmentSize, "segment-size", 64<<10, "segment size in bytes (small, to rotate often)")
		fs.IntVar(&c.count, "count", 0, "stop and close after this many records are acknowledged (0: never)")
		fs.Uint64Var(&c.retain, "retain-records", 0, "retention: keep at most this many records (0: keep everything)")
		fs.IntVar(&c.checkpoint, "checkpoint-records", 100, "commit the index every this many records")
		fs.IntVar(&c.checkpointEvery, "checkpoint-every", 50, "write a signed checkpoint every this many records")
		fs.StringVar(&c.killAt, "kill-at", "", "hook point to kill the writer at")
		fs.IntVar(&c.killAfter, "kill-after", 1, "kill at this firing of --kill-at")
		fs.BoolVar(&c.cut, "cut", false, "with --kill-at: shut the filesystem down first")
		fs.BoolVar(&c.reportHooks, "report-hooks", false, "print \"hook <point>\" the first time each hook point fires")
		if err := parse(fs, args, stderr); err != nil {
			return err
		}
		switch {
		case c.dir == "":
			return usageErr(stderr, "writer: --dir is required")
		case c.writers < 1 || c.flushEvery < 1 || c.recordSize < 16 || c.checkpoint < 1 || c.checkpointEvery < 1:
			return usageErr(stderr, "writer: --writers, --flush-every, --checkpoint-records and --checkpoint-every must be at least 1, --record-size at least 16")
		case c.killAfter < 1:
			return usageErr(stderr, "writer: --kill-after must be at least 1")
		case c.cut && c.killAt == "":
			return usageErr(stderr, "writer: --cut needs --kill-at")
		}
		if c.killAt != "" {
			if p, ok := lookupPoint(c.killAt); !ok || p.needs != "" {
				return usageErr(stderr, "writer: unknown or unavailable hook point %q (see crashtest points)", c.killAt)
			}
		}
		if c.seed == 0 {
			c.seed = uint64(time.Now().UnixNano())
		}
		if c.run == 0 {
			c.run = rand.Uint64() >> 1
		}
		return runWriter(context.Background(), c, stdout, stderr)
	}
}

// lines writes the writer's output, one flushed line at a time.
type lines struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (l *lines) printf(format string, args ...any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
	return l.w.Flush()
}

// killSelf ends the process with SIGKILL (on Unix), as a crash would: no
// deferred call, no Close, no flush.
func killSelf() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	select {} // the signal is on its way
}

// runWriter is the writer: it returns only when --count records were
// acknowledged (nil) or something failed. Warning events (a torn tail
// truncated at open, index failures, slow fsyncs) go to stderr, one
// "crashtest: writer: warning:" line each, as llog's commands print them.
func runWriter(ctx context.Context, c writerConfig, stdout, stderr io.Writer) error {
	if c.signer == nil {
		skey, _, err := note.GenerateKey(crand.Reader, "crashtest")
		if err != nil {
			return err
		}
		if c.signer, err = note.NewSigner(skey); err != nil {
			return err
		}
	}
	out := &lines{w: bufio.NewWriter(stdout)}
	warn := &lines{w: bufio.NewWriter(stderr)}
	if c.killAt != "" || c.reportHooks {
		var fired atomic.Int64
		var seen sync.Map
		hooks.Set(func(point string) {
			if c.reportHooks {
				if _, loaded := seen.LoadOrStore(point, true); !loaded {
					out.printf("hook %s", point)
				}
			}
			if point != c.killAt || fired.Add(1) != int64(c.killAfter) {
				return
			}
			if c.cut {
				out.printf("cut %s %d", point, c.killAfter)
				if err := shutdownFS(c.dir); err != nil {
					fmt.Fprintf(os.Stderr, "crashtest: writer: shut down the filesystem: %v\n", err)
				}
			} else {
				out.printf("kill %s %d", point, c.killAfter)
			}
			killSelf()
		})
		defer hooks.Set(nil)
	}
	e, err := llog.Open(c.dir, &llog.Options{
		SegmentSize:       c.segmentSize,
		CheckpointRecords: c.checkpoint,
		Retention:         llog.Retention{MaxRecords: c.retain},
		OnEvent: func(ev llog.Event) {
			if ev.Kind.IsWarning() {
				warn.printf("crashtest: writer: warning: %v", ev)
			}
		},
		// Every checkpoint handed out is durable: after any crash the
		// store must still extend it.
		OnCheckpoint: func(ck *llog.Checkpoint) {
			out.printf("checkpoint %s", base64.StdEncoding.EncodeToString(ck.Note))
		},
		CheckpointEvery: c.checkpointEvery,
		Signer:          c.signer,
	})
	if err != nil {
		return err
	}
	st := e.Stats()
	if err := out.printf("open %d %d %s", c.run, st.LastSeq, st.Head); err != nil {
		e.Close()
		return err
	}
	if c.sync {
		err = logSync(ctx, e, c, st.LastSeq, out)
	} else {
		err = logFlush(ctx, e, c, st.LastSeq, out)
	}
	if cerr := e.Close(); err == nil {
		err = cerr
	}
	return err
}

// records makes the records of one writer goroutine: realistic text from
// internal/gen, sizes from a seeded distribution, the identity in TraceID.
type records struct {
	g    *gen.Generator
	r    *rand.Rand
	size int
	id   ident
}

func newRecords(c writerConfig, writer uint64) *records {
	return &records{
		g:    gen.New(c.seed ^ writer*0x9e3779b97f4a7c15),
		r:    rand.New(rand.NewPCG(c.seed, writer)),
		size: c.recordSize,
		id:   ident{run: c.run, writer: writer},
	}
}

func (rs *records) next() llog.Inference {
	var size int
	switch x := rs.r.IntN(100); {
	case x == 0:
		size = 64<<10 + rs.r.IntN(192<<10) // a big one: multi-page writes, lone batches
	case x < 10:
		size = 4*rs.size + rs.r.IntN(12*rs.size)
	default:
		size = 16 + rs.r.IntN(2*rs.size)
	}
	s := rs.g.Next(size)
	inf := llog.Inference{
		Model:          s.Model,
		Provider:       s.Provider,
		Operation:      s.Operation,
		Prompt:         s.Prompt,
		Response:       s.Response,
		Latency:        s.Latency,
		TokensIn:       s.TokensIn,
		TokensOut:      s.TokensOut,
		Error:          s.Error,
		ConversationID: s.ConversationID,
		TraceID:        rs.id.String(),
	}
	rs.id.n++
	return inf
}

// logSync runs c.writers goroutines that log with LogSync and acknowledge
// each returned receipt.
func logSync(ctx context.Context, e *llog.Engine, c writerConfig, base uint64, out *lines) error {
	var (
		acked    atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		stop     atomic.Bool
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err })
		stop.Store(true)
	}
	for w := range c.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := newRecords(c, uint64(w))
			last := base
			for !stop.Load() {
				r, err := e.LogSync(ctx, rs.next())
				if err != nil {
					fail(fmt.Errorf("log: %w", err))
					return
				}
				if r.Seq <= last {
					fail(fmt.Errorf("receipt seq %d after seq %d from the same goroutine", r.Seq, last))
					return
				}
				last = r.Seq
				if err := out.printf("ack %d %s", r.Seq, r.Hash); err != nil {
					fail(err)
					return
				}
				if n := acked.Add(1); c.count > 0 && n >= int64(c.count) {
					stop.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// logFlush logs from one goroutine with Log and acknowledges, after each
// Flush, the newest record: with a single producer, the records take the
// sequence numbers base+1, base+2, ... in the order they were logged, so a
// returned Flush makes exactly base+logged the newest durable record.
func logFlush(ctx context.Context, e *llog.Engine, c writerConfig, base uint64, out *lines) error {
	rs := newRecords(c, 0)
	r := rand.New(rand.NewPCG(c.seed, 1<<32))
	logged := uint64(0)
	for c.count == 0 || logged < uint64(c.count) {
		k := 1 + r.IntN(c.flushEvery)
		for range k {
			if err := e.Log(ctx, rs.next()); err != nil {
				return fmt.Errorf("log: %w", err)
			}
			logged++
		}
		if err := e.Flush(ctx); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
		st := e.Stats()
		if st.Err != nil {
			return fmt.Errorf("flush returned nil, but the engine failed: %w", st.Err)
		}
		if st.LastSeq != base+logged {
			return fmt.Errorf("flush returned with seq %d the newest durable record; %d records were logged after seq %d",
				st.LastSeq, logged, base)
		}
		if err := out.printf("ack %d %s", st.LastSeq, st.Head); err != nil {
			return err
		}
	}
	return nil
}
