package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
	"github.com/spf13/pflag"
)

var demoCmd = &command{
	name:    "demo",
	summary: "write sample inferences to a store and show what was recorded",
	usage: `usage: llog demo [--path DIR] [--n N] [--seed S]

Demo writes N realistic sample inferences (several models; some prompts carry
planted emails, phone numbers, card numbers, IP addresses, keys and other
secrets) through the library with its default options, into the store in DIR,
creating it when needed and appending when it exists. It then prints the
records written, the redactions made by category, the segments, the store's
size, and the result of verifying the whole chain.

The samples come from a seeded generator; the seed is printed, and is taken
from the clock unless --seed is given, so each run writes different records.

Exit codes: 0 success, 1 the store is damaged (open refuses it, or it does
not verify afterwards), 2 usage error, 3 could not run (for example,
another writer has the store open).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var (
			wf   writerFlags
			n    int
			seed uint64
		)
		wf.define(fs, "./llog-demo")
		fs.IntVar(&n, "n", 1000, "write `N` sample inferences")
		fs.Uint64Var(&seed, "seed", 0, "generator seed `S` (0: from the clock)")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if n < 1 {
				return usagef("--n %d: want at least 1", n)
			}
			if err := wf.check(); err != nil {
				return err
			}
			if seed == 0 {
				seed = uint64(e.now().UnixNano())
			}
			return runDemo(ctx, e, &wf, n, seed)
		}
	},
}

// demoDevice names the device the samples pretend to come from.
const demoDevice = "rpi-4b-line-3"

func runDemo(ctx context.Context, e *env, wf *writerFlags, n int, seed uint64) error {
	path := wf.path
	existed := false
	if r, err := llog.OpenReader(path); err == nil {
		existed = true
		r.Close()
	} else if errors.Is(err, syscall.ENOTDIR) {
		return notAFolder(path)
	} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, llog.ErrNotStore) {
		return err
	}
	eng, err := wf.open(e, nil)
	if err != nil {
		return err
	}
	defer eng.Close()

	g := gen.New(seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	var prog *progress
	if e.progress && n >= 10000 {
		prog = &progress{w: e.stderr, every: 500 * time.Millisecond}
	}
	pii := 0
	interrupted := false
	start := time.Now()
	for i := range n {
		if ctx.Err() != nil {
			interrupted = true
			break
		}
		s := g.Next(200 + rng.IntN(1400))
		if s.PII {
			pii++
		}
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
			TraceID:        fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()),
			SpanID:         fmt.Sprintf("%016x", rng.Uint64()),
			Attributes:     map[string]string{"device.id": demoDevice},
		}
		if err := eng.Log(ctx, inf); err != nil {
			if ctx.Err() != nil {
				interrupted = true
				break
			}
			return fmt.Errorf("log sample %d: %w", i+1, err)
		}
		if prog != nil && prog.due() {
			prog.show(fmt.Sprintf("demo: %d of %d samples logged, %s in the store", i+1, n, formatBytes(eng.Stats().StoreBytes)))
		}
	}
	if !interrupted {
		if err := eng.Flush(ctx); err != nil && ctx.Err() == nil {
			return fmt.Errorf("flush: %w", err)
		}
	}
	// Close commits whatever is still queued, interrupted or not.
	if err := eng.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	elapsed := time.Since(start)
	st := eng.Stats()
	if prog != nil {
		prog.clear()
	}
	var rep *llog.VerifyReport
	if !interrupted {
		if rep, err = llog.Verify(ctx, path); err != nil {
			return fmt.Errorf("verify %s: %w", path, err)
		}
	}

	var b strings.Builder
	what := "new store"
	if existed {
		what = "appended to the existing store"
	}
	fmt.Fprintf(&b, "llog demo: wrote %d sample inferences to %s (%s, seed %d)\n\n", st.Committed, path, what, seed)
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	first := st.LastSeq - st.Committed + 1
	written := "0"
	if st.Committed > 0 {
		written = fmt.Sprintf("%d (seq %d-%d)", st.Committed, first, st.LastSeq)
	}
	fmt.Fprintf(tw, "  records written\t%s in %s\n", written, elapsed.Round(time.Millisecond))
	red := "none"
	if len(st.Redactions) > 0 {
		red = formatCounts(st.Redactions)
	}
	fmt.Fprintf(tw, "  redactions\t%s (%d of %d prompts carried planted personal data)\n", red, pii, st.Committed)
	fmt.Fprintf(tw, "  segments\t%d\n", st.Segments)
	fmt.Fprintf(tw, "  store size\t%s\n", formatBytes(st.StoreBytes))
	switch {
	case rep == nil:
		fmt.Fprintf(tw, "  chain verified\tnot yet: interrupted\n")
	case rep.OK:
		fmt.Fprintf(tw, "  chain verified\tok: %d records (seq %d-%d), head %s\n", rep.Records, rep.FirstSeq, rep.LastSeq, rep.HeadHash)
	default:
		fmt.Fprintf(tw, "  chain verified\tBROKEN: %s\n", breakSummary(rep))
	}
	tw.Flush()
	q := shellQuote(path)
	fmt.Fprintf(&b, "\nnext steps:\n")
	fmt.Fprintf(&b, "  llog verify --path %s\n", q)
	fmt.Fprintf(&b, "  llog stats --path %s\n", q)
	fmt.Fprintf(&b, "  llog export --path %s --since %s --out demo-export.json\n", q, e.now().UTC().Format(time.DateOnly))
	if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if interrupted {
		fmt.Fprintf(e.stderr, "llog: demo: interrupted after %d of %d samples; every record logged before the interrupt was committed\n", st.Committed, n)
		return nil
	}
	if !rep.OK {
		return &integrityError{msg: breakSummary(rep)}
	}
	return nil
}
