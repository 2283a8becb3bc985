package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
	"github.com/spf13/pflag"
)

var verifyCmd = &command{
	name:    "verify",
	summary: "check a store: frame checksums, segments and the whole hash chain",
	usage: `usage: llog verify --path DIR [--json]

Verify reads the whole store without changing it and without taking its lock,
so it can run while a writer appends. It checks every frame's CRC, every
segment header and name (gaps, overlaps, missing or duplicated segments), and
the SHA-256 hash chain from the store's genesis across all segments.

A torn tail (bytes after the last committed batch of the newest segment, left
by an interrupted write or by a batch being written right now) is reported but
is not a failure: those bytes were never acknowledged and the next open
truncates them. Any other damage is a failure: verify lists each break with
its segment file, offset, sequence number and, for a digest mismatch, the
expected and actual hashes, and exits 1.

With --json the report is one JSON object on stdout with these members, in
this order: ok, store_id, records, first_seq, last_seq, head_hash, segments,
bytes, breaks (a list, [] when empty, of objects with segment, offset, seq,
expected and actual for a digest mismatch, and reason), break_count,
torn_tail (null, or an object with segment, offset, bytes, reason and
indexed_records: the records in the torn part that the index had seen
committed, left out when 0), anchor (the digest the chain starts from: the
genesis, or the anchor retention recorded), removed (a list, [] when none, of
what retention removed: first_seq, last_seq, segments, anchor, policy, time
and done) and index (checked, source, blocks, mark and problems: how the
index compared with the segments). FORMAT.md in the repository defines each.

Exit codes: 0 the store verifies (a torn tail alone is fine), 1 it does not,
2 usage error, 3 could not run (no store, I/O error).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path string
		var asJSON bool
		fs.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()
			rep, err := r.Verify(ctx)
			if err != nil {
				return fmt.Errorf("verify %s: %w", path, err)
			}
			if asJSON {
				b, err := appendReport(nil, rep)
				if err != nil {
					return err
				}
				if _, err := e.stdout.Write(append(b, '\n')); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
			} else if err := writeVerifyText(e, path, r, rep); err != nil {
				return err
			}
			if !rep.OK {
				return &integrityError{msg: breakSummary(rep)}
			}
			return nil
		}
	},
}

// writeVerifyText writes the report of verify in text form.
func writeVerifyText(e *env, path string, r *llog.Reader, rep *llog.VerifyReport) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "store\t%s\n", absPath(path))
	fmt.Fprintf(tw, "store id\t%s\n", rep.StoreID)
	fmt.Fprintf(tw, "created\t%s\n", r.Created().UTC().Format(canon.TimeLayout))
	fmt.Fprintf(tw, "records\t%s\n", seqRange(rep))
	fmt.Fprintf(tw, "segments\t%d (%s)\n", rep.Segments, formatBytes(rep.Bytes))
	fmt.Fprintf(tw, "head hash\t%s\n", rep.HeadHash)
	for _, rm := range rep.Removed {
		fmt.Fprintf(tw, "retention\tseq %d-%d removed (%s, %s); the chain continues from anchor %s\n",
			rm.First, rm.Last, rm.Policy, rm.Time.UTC().Format(time.RFC3339), rm.Anchor)
	}
	if rep.TornTail != nil {
		fmt.Fprintf(tw, "torn tail\t%s\n", formatTorn(rep.TornTail))
	} else {
		fmt.Fprintf(tw, "torn tail\tnone\n")
	}
	if rep.OK {
		fmt.Fprintf(tw, "result\tok: every checksum, segment and chain link verifies\n")
	} else {
		fmt.Fprintf(tw, "result\tBROKEN: %d %s\n", rep.BreakCount, map[bool]string{true: "break", false: "breaks"}[rep.BreakCount == 1])
	}
	tw.Flush()
	if !rep.OK {
		b.WriteString("breaks:\n")
		for _, br := range rep.Breaks {
			fmt.Fprintf(&b, "  %s\n", formatBreak(br))
		}
		if rep.BreakCount > len(rep.Breaks) {
			fmt.Fprintf(&b, "  ... and %d more\n", rep.BreakCount-len(rep.Breaks))
		}
	}
	if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
