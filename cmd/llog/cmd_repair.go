package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"text/tabwriter"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

var repairCmd = &command{
	name:    "repair",
	summary: "make a store whose newest segment is damaged openable again, keeping a copy",
	usage: `usage: llog repair --path DIR

Open refuses a store whose newest segment is damaged anywhere but in a torn
tail (a bad frame with valid frames after it), because truncating there could
drop records that were acknowledged. Repair is the explicit way out: it takes
the store's lock (so it fails while a writer has the store open), copies the
newest segment to <name>.broken-<time> in the store folder, cuts the segment
at the end of the last intact batch before the damage, and removes the index,
which the next open rebuilds. Records after the cut are no longer in the
store; they stay in the copy. Run 'llog verify' first to see the damage.

Damage in older (sealed) segments is not repaired: the store still opens and
logs, and verify keeps reporting it.

Exit codes: 0 repaired, or nothing needed repair, 2 usage error, 3 could not
run (no store, locked by a writer, I/O error).
`,
	define: func(flags *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path string
		flags.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			rep, err := llog.Repair(path)
			switch {
			case errors.Is(err, llog.ErrLocked):
				return fmt.Errorf("%s is open for writing by another process: stop it first: %w", path, err)
			case errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("no store at %s: %w", path, err)
			case err != nil:
				return err
			case rep == nil:
				fmt.Fprintf(e.stdout, "nothing to repair: the newest segment of %s opens as it is\n", path)
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "segment\t%s\n", rep.Segment)
			fmt.Fprintf(tw, "damage\t%s\n", cleanMessage(rep.Reason))
			if rep.Offset == 0 {
				fmt.Fprintf(tw, "cut\tthe header is unreadable: the whole segment (%s) was set aside\n", plural(uint64(rep.Bytes), "byte"))
			} else {
				fmt.Fprintf(tw, "cut\tat offset %d: %s after the last intact batch removed\n", rep.Offset, plural(uint64(rep.Bytes), "byte"))
			}
			fmt.Fprintf(tw, "kept\trecords up to seq %d\n", rep.LastSeq)
			fmt.Fprintf(tw, "copy\t%s (the segment as it was)\n", rep.Backup)
			fmt.Fprintf(tw, "index\tremoved; the next open rebuilds it\n")
			return tw.Flush()
		}
	},
}
