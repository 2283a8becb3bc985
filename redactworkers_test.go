package llog_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/redact"
)

// holdRule redacts "secret-" and the word after it as HELD; on a text
// holding "HOLD" it first waits until release is closed.
func holdRule(release <-chan struct{}, calls *atomic.Int64) redact.Rule {
	return redact.Rule{
		ID:          "held",
		Category:    "HELD",
		Description: "secret-X, after a wait on texts that say HOLD",
		Keywords:    []string{"secret-"},
		Find: func(dst []redact.Span, s string, at int) []redact.Span {
			calls.Add(1)
			if strings.Contains(s, "HOLD") {
				<-release
			}
			end := at + len("secret-")
			for end < len(s) && s[end] != ' ' {
				end++
			}
			return append(dst, redact.Span{Start: at, End: end})
		},
	}
}

// TestLogDoesNotWaitForRedaction: with redaction workers Log returns while
// a worker still redacts the record, and what reaches the disk is redacted
// all the same; with RedactWorkers negative the record is redacted when
// Log returns.
func TestLogDoesNotWaitForRedaction(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	r, err := redact.New(holdRule(release, &calls))
	if err != nil {
		t.Fatal(err)
	}
	e, dir := open(t, &llog.Options{Redactor: r, RedactWorkers: 2})
	in := inf(1)
	in.Prompt = "HOLD secret-hunter2 please"
	logged := make(chan error, 1)
	go func() { logged <- e.Log(ctx, in) }()
	select {
	case err := <-logged:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("Log waited for the redaction")
	}
	close(release)
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.Stats().Redactions["HELD"]; got != 1 {
		t.Errorf("Stats.Redactions[HELD] = %d after Flush, want 1", got)
	}
	e.Close()
	recs, _, err := llog.ReadAll(dir)
	if err != nil || len(recs) != 1 {
		t.Fatalf("ReadAll: %d records, %v", len(recs), err)
	}
	if want := "HOLD " + redact.Placeholder("HELD") + " please"; recs[0].Prompt != want {
		t.Errorf("stored prompt %q, want %q", recs[0].Prompt, want)
	}

	// On the caller's goroutine: redacted by the time Log returns.
	calls.Store(0)
	e2, _ := open(t, &llog.Options{Redactor: r, RedactWorkers: -1})
	in.Prompt = "secret-a"
	if err := e2.Log(ctx, in); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("RedactWorkers -1: the rule ran %d times when Log returned, want 1", calls.Load())
	}
}

// TestLogTooLargeWithWorkers: Log itself returns ErrTooLarge for a record
// that is too large once redacted, workers or not, and accepts the records
// that fit, including those whose worst case would not (redacted on the
// caller's goroutine).
func TestLogTooLargeWithWorkers(t *testing.T) {
	// Every "x" becomes a placeholder of 21 bytes.
	grow, err := redact.New(redact.Rule{ID: "x", Category: "LONG_CATEGORY", Pattern: `x`})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{-1, 1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			e, dir := open(t, &llog.Options{Redactor: grow, RedactWorkers: workers, MaxRecordSize: 4096})
			for _, c := range []struct {
				name   string
				prompt string
				want   error
			}{
				{"small", "a few words", nil},
				{"fits, worst case does not", strings.Repeat("y", 3000), nil},
				{"too large as given", strings.Repeat("y", 5000), llog.ErrTooLarge},
				{"too large once redacted", strings.Repeat("x ", 300), llog.ErrTooLarge},
				{"grows and fits", strings.Repeat("x ", 50), nil},
			} {
				in := inf(1)
				in.Prompt = c.prompt
				if err := e.Log(ctx, in); !errors.Is(err, c.want) {
					t.Errorf("%s: Log = %v, want %v", c.name, err, c.want)
				}
			}
			e.Close()
			recs, _, err := llog.ReadAll(dir)
			if err != nil || len(recs) != 3 {
				t.Fatalf("ReadAll: %d records, %v; want 3", len(recs), err)
			}
			if got := recs[2].Redactions["LONG_CATEGORY"]; got != 50 {
				t.Errorf("last record: %d redactions, want 50", got)
			}
		})
	}
}

// TestCloseWhileLoggingWithWorkers: Log calls racing with Close each
// return nil or ErrClosed, and every record a Log accepted is in the store
// after Close.
func TestCloseWhileLoggingWithWorkers(t *testing.T) {
	for round := range 5 {
		e, dir := open(t, &llog.Options{RedactWorkers: 3, QueueCapacity: 64})
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					in := inf(i)
					in.Prompt = fmt.Sprintf("mail me at user%d.%d@example.com", g, i)
					err := e.Log(ctx, in)
					if errors.Is(err, llog.ErrClosed) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					accepted.Add(1)
				}
			}()
		}
		time.Sleep(time.Duration(5+round*10) * time.Millisecond)
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		recs, _, err := llog.ReadAll(dir)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(recs)) != accepted.Load() {
			t.Fatalf("round %d: %d records stored, %d accepted", round, len(recs), accepted.Load())
		}
		for _, r := range recs {
			if strings.Contains(r.Prompt, "@example.com") {
				t.Fatalf("unredacted prompt stored: %q", r.Prompt)
			}
		}
	}
}

// TestDropOldestWithWorkers: DropOldest evicts records a worker may still
// be redacting; every record is stored or counted as dropped, and the
// stored ones are redacted.
func TestDropOldestWithWorkers(t *testing.T) {
	slow, err := redact.New(redact.Rule{
		ID: "slow", Category: "SLOW", Description: "secret-X, slowly", Keywords: []string{"secret-"},
		Find: func(dst []redact.Span, s string, at int) []redact.Span {
			time.Sleep(200 * time.Microsecond)
			return append(dst, redact.Span{Start: at, End: at + len("secret-") + 1})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e, dir := open(t, &llog.Options{Redactor: slow, RedactWorkers: 2, QueueCapacity: 4,
		Overflow: llog.DropOldest, MaxBatchDelay: 50 * time.Millisecond})
	const n = 200
	for i := range n {
		in := inf(i)
		in.Prompt = "secret-x"
		if err := e.Log(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.Stats()
	e.Close()
	recs, _, err := llog.ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(recs))+st.Dropped.Total() != n {
		t.Fatalf("%d stored + %d dropped, want %d", len(recs), st.Dropped.Total(), n)
	}
	if st.Dropped.Total() == 0 {
		t.Errorf("nothing dropped: the test did not overflow the queue")
	}
	for _, r := range recs {
		if r.Prompt != redact.Placeholder("SLOW") {
			t.Fatalf("stored prompt %q", r.Prompt)
		}
	}
	if got := st.Redactions["SLOW"]; got != uint64(len(recs)) {
		t.Errorf("Stats.Redactions[SLOW] = %d, want one per stored record (%d)", got, len(recs))
	}
}
