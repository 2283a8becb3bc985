package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
	"github.com/spf13/pflag"
	"golang.org/x/mod/sumdb/note"
)

var verifyCmd = &command{
	name:    "verify",
	summary: "check a store: frame checksums, segments and the whole hash chain",
	usage: `usage: llog verify --path DIR [--json] [--checkpoint FILE... --key PUB]

Verify reads the whole store without changing it and without taking its lock,
so it can run while a writer appends. It checks every frame's CRC, every
segment header and name (gaps, overlaps, missing or duplicated segments), and
the SHA-256 hash chain from the store's genesis across all segments.

A torn tail (bytes after the last committed batch of the newest segment, left
by an interrupted write or by a batch being written right now) is reported but
is not a failure: those bytes were never acknowledged and the next open
truncates them. Any other damage is a failure: verify lists each break with
its segment file, offset, sequence number and, for a digest mismatch, the
expected and actual hashes, and exits 1. So are records the store shows were
committed and no longer holds (its index saw them): verify says how many and
where the log ends, whether it was cut at a batch boundary or inside a batch.

With --json the report is one JSON object on stdout with these members, in
this order: ok, store_id, records, first_seq, last_seq, head_hash, segments,
bytes, breaks (a list, [] when empty, of objects with segment, offset, seq,
expected and actual for a digest mismatch, and reason), break_count,
torn_tail (null, or an object with segment, offset, bytes, reason and
indexed_records: the records in the torn part that the index had seen
committed, left out when 0), anchor (the digest the chain starts from: the
genesis, or the anchor retention recorded), removed (a list, [] when none, of
what retention, a repair or a recorded loss removed: first_seq, last_seq,
segments, anchor, policy ("repair", "lost" or retention's limits), time, done,
and reason, copy and log_end when set), index (checked, source, blocks, mark, problems and behind: how
the index compared with the segments, and how many records the log holds
after the index's watermark) and merkle (known, tree_size, root, base,
base_frontier, checkpoints and newest: the Merkle tree rebuilt from the
records and the checkpoints stored in the segments that were compared with
it); with --checkpoint, then checkpoints: one {"file","size","ok","error"}
each. FORMAT.md in the repository defines each.

Verify also rebuilds the Merkle tree of the records' chain digests and
checks every checkpoint stored in the segments against it.

--checkpoint checks checkpoints kept off the device (from 'llog checkpoint'
or an application's OnCheckpoint), given as files; repeat it for several. Each
must be signed by the key in --key (a verifier key from 'llog keygen') and
the store must extend it: its first N records, N the checkpoint's size, must
have the checkpoint's Merkle root, which is what a consistency proof from N
to the store's size shows. A store replaced by an older copy, cut short, or
rewritten with a recomputed chain fails; so does a checkpoint whose size or
root was changed, or signed by another key. A store that retention trimmed
can be checked against checkpoints of at least as many records as retention
removed (merkle.base).

Exit codes: 0 the store verifies (a torn tail alone is fine) and extends
every checkpoint given, 1 it does not, 2 usage error, 3 could not run (no
store, I/O error).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path, key string
		var asJSON bool
		var ckFiles []string
		fs.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
		fs.StringArrayVar(&ckFiles, "checkpoint", nil, "check the store extends the checkpoint in `FILE`; repeat for several")
		fs.StringVar(&key, "key", "", "the verifier key file `PUB` that must have signed each --checkpoint")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			if (len(ckFiles) > 0) != (key != "") {
				return usagef("--checkpoint and --key go together")
			}
			var cks []*llog.Checkpoint
			for _, f := range ckFiles {
				ck, err := readCheckpoint(f)
				if err != nil {
					return err
				}
				cks = append(cks, ck)
			}
			var v note.Verifier
			if key != "" {
				var err error
				if v, err = loadKey(key, llog.LoadVerifier); err != nil {
					return err
				}
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()
			rep, res, err := r.VerifyCheckpoints(ctx, cks, v)
			if err != nil {
				return fmt.Errorf("verify %s: %w", path, err)
			}
			checks := make([]checkpointCheck, len(res))
			failed := 0
			for i, x := range res {
				checks[i] = checkpointCheck{File: ckFiles[i], Size: x.Checkpoint.Size, OK: x.Err == nil}
				if x.Err != nil {
					checks[i].Error = cleanMessage(x.Err.Error())
					failed++
				}
			}
			if asJSON {
				b, err := appendReport(nil, rep)
				if err == nil && len(ckFiles) > 0 {
					b, err = appendChecks(b, checks)
				}
				if err != nil {
					return err
				}
				if _, err := e.stdout.Write(append(b, '\n')); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
			} else if err := writeVerifyText(e, path, r, rep, checks, v); err != nil {
				return err
			}
			switch {
			case !rep.OK:
				return &integrityError{msg: breakSummary(rep)}
			case failed > 0:
				return &integrityError{msg: fmt.Sprintf("the store does not pass %d of %d checkpoints: %s", failed, len(checks), checks[firstFailed(checks)].Error)}
			}
			return nil
		}
	},
}

// checkpointCheck is the outcome of one --checkpoint.
type checkpointCheck struct {
	File  string `json:"file"`
	Size  uint64 `json:"size"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

func firstFailed(cs []checkpointCheck) int {
	for i, c := range cs {
		if !c.OK {
			return i
		}
	}
	return 0
}

// appendChecks adds the checkpoints member to the JSON report in b.
func appendChecks(b []byte, cs []checkpointCheck) ([]byte, error) {
	j, err := json.Marshal(cs)
	if err == nil {
		j, err = canon.Append(nil, j)
	}
	if err != nil {
		return b, err
	}
	b = append(b[:len(b)-1], `,"checkpoints":`...)
	return append(append(b, j...), '}'), nil
}

// writeVerifyText writes the report of verify in text form.
func writeVerifyText(e *env, path string, r *llog.Reader, rep *llog.VerifyReport, checks []checkpointCheck, v note.Verifier) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "store\t%s\n", absPath(path))
	fmt.Fprintf(tw, "store id\t%s\n", rep.StoreID)
	fmt.Fprintf(tw, "created\t%s\n", r.Created().UTC().Format(canon.TimeLayout))
	fmt.Fprintf(tw, "records\t%s\n", seqRange(rep))
	fmt.Fprintf(tw, "segments\t%d (%s)\n", rep.Segments, formatBytes(rep.Bytes))
	fmt.Fprintf(tw, "head hash\t%s\n", rep.HeadHash)
	for _, rm := range rep.Removed {
		switch rm.Policy {
		case "repair", "lost":
			fmt.Fprintf(tw, "%s\tseq %d-%d removed (%s); the chain continues from anchor %s\n",
				rm.Policy, rm.First, rm.Last, rm.Time.UTC().Format(time.RFC3339), rm.Anchor)
		default:
			fmt.Fprintf(tw, "retention\tseq %d-%d removed (%s, %s); the chain continues from anchor %s\n",
				rm.First, rm.Last, rm.Policy, rm.Time.UTC().Format(time.RFC3339), rm.Anchor)
		}
	}
	if rep.TornTail != nil {
		fmt.Fprintf(tw, "torn tail\t%s\n", formatTorn(rep.TornTail))
	} else {
		fmt.Fprintf(tw, "torn tail\tnone\n")
	}
	fmt.Fprintf(tw, "index\t%s\n", formatIndex(rep))
	if m := rep.Merkle; m != nil && m.Known {
		fmt.Fprintf(tw, "merkle\troot %s of %s; %s in the store match the records", m.Root,
			plural(m.TreeSize, "record"), plural(uint64(m.Checkpoints), "checkpoint"))
		if m.Superseded > 0 {
			fmt.Fprintf(tw, "; %s made before a repair over records it removed, not compared", plural(uint64(m.Superseded), "checkpoint"))
		}
		fmt.Fprintf(tw, "\n")
	} else if m != nil {
		fmt.Fprintf(tw, "merkle\tunknown: the tree could not be rebuilt\n")
	}
	if rep.OK {
		fmt.Fprintf(tw, "result\tok: every checksum, segment and chain link verifies\n")
	} else {
		fmt.Fprintf(tw, "result\tBROKEN: %d %s\n", rep.BreakCount, map[bool]string{true: "break", false: "breaks"}[rep.BreakCount == 1])
	}
	tw.Flush()
	for _, c := range checks {
		if c.OK {
			fmt.Fprintf(&b, "checkpoint %s: %s: ok: signed by %s, and the store extends it\n", c.File, plural(c.Size, "record"), v.Name())
		} else {
			fmt.Fprintf(&b, "checkpoint %s: %s: FAILED: %s\n", c.File, plural(c.Size, "record"), c.Error)
		}
	}
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
