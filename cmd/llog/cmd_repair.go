package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

var repairCmd = &command{
	name:    "repair",
	summary: "show how a damaged store would be repaired, keeping every intact batch; --force repairs it",
	usage: `usage: llog repair --path DIR [--force] [--json]

Repair reads the store and prints its plan: for each damaged segment, the
damage, the records removed (the damaged batches) and the records kept (every
batch that reads cleanly, before and after the damage); the acknowledged
records the store shows it lost (its index saw them committed beyond the end
of the log, or a writer recorded their loss when it opened the store); and the
sequence number the next record will take. Without --force it changes
nothing.

With --force it takes the store's lock (so it fails while a writer has the
store open) and carries the plan out: each damaged segment is copied to
<name>.broken-<time> in the store folder, then replaced, atomically, by the
segment without its damaged batches, each recorded where it was by a removal
record (range, anchor digest, time, the damage, the copy), as retention
records what it removes. Losses are recorded the same way. The next record
continues after the highest sequence number the store ever committed: no
number is used for two records. The index is removed; the next open rebuilds
it. Afterwards verify lists the removals and exits 0, unless something that is
not damage (a record that does not match its digest) remains.

With --json the plan is one JSON object on stdout: segments (segment, header,
removed as removal records, kept, bytes, copy), kept, verified, removed, lost,
accepted, next_seq, log_end and applied.

Exit codes: 0 nothing needed repair, or the store was repaired, 1 the store
needs repair (the plan was printed; nothing changed), 2 usage error, 3 could
not run (no store, locked by a writer, I/O error).
`,
	define: func(flags *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path string
		var force, asJSON bool
		flags.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		flags.BoolVar(&force, "force", false, "carry the plan out")
		flags.BoolVar(&asJSON, "json", false, "print the plan as one JSON object")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			var p *llog.RepairPlan
			var err error
			if force {
				p, err = llog.Repair(ctx, path)
			} else {
				p, err = llog.PlanRepair(ctx, path)
			}
			switch {
			case errors.Is(err, llog.ErrLocked):
				return fmt.Errorf("%s is open for writing by another process: stop it first: %w", path, err)
			case errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("no store at %s: %w", path, err)
			case err != nil:
				return err
			}
			if asJSON {
				err = printJSON(e, p)
			} else {
				err = writeRepairText(e, path, p)
			}
			if err != nil {
				return err
			}
			if p.Needed() && !p.Applied {
				return &integrityError{msg: fmt.Sprintf("the store needs repair; nothing was changed: run 'llog repair --path %s --force' to carry the plan out", shellQuote(path))}
			}
			return nil
		}
	},
}

// writeRepairText prints a repair plan.
func writeRepairText(e *env, path string, p *llog.RepairPlan) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "store\t%s\n", absPath(path))
	if !p.Needed() {
		fmt.Fprintf(tw, "result\tnothing to repair: every segment reads cleanly and nothing acknowledged is missing\n")
		tw.Flush()
		_, err := fmt.Fprint(e.stdout, b.String())
		return err
	}
	for _, s := range p.Segments {
		fmt.Fprintf(tw, "segment\t%s\n", s.Segment)
		if s.Header != "" {
			fmt.Fprintf(tw, "  header\tdamaged (%s): rebuilt from the file name and the segment before\n", cleanMessage(s.Header))
		}
		for _, r := range s.Removed {
			fmt.Fprintf(tw, "  remove\tseq %d-%d (%s): %s\n", r.First, r.Last, plural(r.Last-r.First+1, "record"), cleanMessage(r.Reason))
		}
		fmt.Fprintf(tw, "  keep\t%s; %s dropped\n", plural(s.Kept, "record"), formatBytes(s.Bytes))
		if s.Copy != "" {
			fmt.Fprintf(tw, "  copy\t%s (the segment as it was)\n", s.Copy)
		}
	}
	if r := p.Lost; r != nil {
		fmt.Fprintf(tw, "lost\tseq %d-%d (%s): %s; recorded, and the numbers skipped\n", r.First, r.Last, plural(r.Last-r.First+1, "record"), cleanMessage(r.Reason))
	}
	for _, r := range p.Accepted {
		fmt.Fprintf(tw, "accept\tthe loss of seq %d-%d a writer recorded at %s\n", r.First, r.Last, r.Time.Format(time.RFC3339))
	}
	fmt.Fprintf(tw, "records\t%s kept (%s verify now), %s removed\n", plural(p.Kept, "record"), plural(p.Verified, "record"), plural(p.Removed, "record"))
	fmt.Fprintf(tw, "next record\tseq %d (the highest the store ever committed: %d)\n", p.Next, p.LogEnd)
	if p.Applied {
		fmt.Fprintf(tw, "index\tremoved; the next open rebuilds it\n")
		fmt.Fprintf(tw, "result\trepaired: 'llog verify' lists the removals\n")
	} else {
		fmt.Fprintf(tw, "result\tplan only, nothing changed: --force carries it out\n")
	}
	tw.Flush()
	_, err := fmt.Fprint(e.stdout, b.String())
	return err
}
