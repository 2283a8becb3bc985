package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/lowlightlog/llog"
)

// checkOptions select what checkStore does besides reading.
type checkOptions struct {
	// write reopens the store (running recovery), writes one record with
	// LogSync, closes it and checks everything again.
	write bool
	// probeRun is the run number in the identity of that record.
	probeRun uint64
}

// checkResult is what checkStore found.
type checkResult struct {
	violations []string
	records    uint64 // records in the store as the crash left it
	acked      int    // acknowledgements checked
	torn       bool   // the crash left a torn tail
	unfinished bool   // the crash came while the first Open created the store
	probe      *llog.Receipt
}

func (r *checkResult) violate(format string, args ...any) {
	r.violations = append(r.violations, fmt.Sprintf(format, args...))
}

// checkStore checks the store in dir against what the writers
// acknowledged:
//
//   - the store verifies (every checksum, the chain across segments,
//     every commit frame; a torn tail is allowed, it was never
//     acknowledged), and so will the index once Verify covers it;
//   - the records form a gap-free prefix 1..N: a batch is all or nothing;
//   - every acknowledged record is present with the acknowledged digest
//     (and so, by the chain, every record before it);
//   - every record carries a crashtest identity, and the records of each
//     writer goroutine are its records 0, 1, 2, ... in order: nothing was
//     lost, repeated or reordered inside the prefix;
//   - every record of a run lies after the records that run found when it
//     opened the store and before those the next run found;
//   - with opts.write, the store opens (recovery keeps every record it
//     verified), takes one more record, and then passes all of the above
//     again with that record acknowledged.
func checkStore(ctx context.Context, dir string, acks *ackLog, opts checkOptions) (*checkResult, error) {
	res := &checkResult{}
	rep, err := scanCheck(ctx, dir, acks, res)
	if err != nil {
		return nil, err
	}
	res.records = rep.Records
	res.torn = rep.TornTail != nil
	if !opts.write || len(res.violations) > 0 {
		return res, nil
	}

	e, err := llog.Open(dir, nil)
	if err != nil {
		res.violate("the store does not open after the crash: %v", err)
		return res, nil
	}
	probe := llog.Inference{
		Model:     "crashtest-probe",
		Provider:  "crashtest",
		Operation: "chat",
		Prompt:    "is the store writable after recovery?",
		Response:  "yes",
		TokensIn:  8,
		TokensOut: 1,
		TraceID:   ident{run: opts.probeRun, writer: probeWriter}.String(),
	}
	rc, err := e.LogSync(ctx, probe)
	cerr := e.Close()
	if err != nil {
		res.violate("the store does not take a write after recovery: %v", err)
		return res, nil
	}
	if cerr != nil {
		res.violate("close after the write that follows recovery: %v", cerr)
	}
	if rc.Seq != rep.LastSeq+1 {
		res.violate("the record written after recovery took seq %d, want %d", rc.Seq, rep.LastSeq+1)
	}
	res.probe = &rc
	after := newAckLog()
	for s, d := range acks.acks {
		after.acks[s] = d
	}
	after.top = acks.top
	after.opens = acks.opens
	if err := after.ack(rc.Seq, rc.Hash); err != nil {
		res.violate("%v", err)
	}
	var again checkResult
	rep2, err := scanCheck(ctx, dir, after, &again)
	if err != nil {
		return nil, err
	}
	for _, v := range again.violations {
		res.violate("after recovery and one write: %s", v)
	}
	if rep2.TornTail != nil {
		res.violate("after recovery and one write: torn tail %+v left by a clean close", *rep2.TornTail)
	}
	if rep2.Records != rep.Records+1 {
		res.violate("after recovery and one write: %d records, want %d", rep2.Records, rep.Records+1)
	}
	return res, nil
}

// scanCheck reads the whole store once and applies every read-only check.
func scanCheck(ctx context.Context, dir string, acks *ackLog, res *checkResult) (*llog.VerifyReport, error) {
	r, err := llog.OpenReader(dir)
	if err != nil {
		if len(acks.acks) == 0 {
			// Nothing acknowledged, not even an open: a store whose
			// creation was cut short may be missing or empty.
			return &llog.VerifyReport{OK: true}, nil
		}
		res.violate("the store cannot be read after records were acknowledged: %v", err)
		return &llog.VerifyReport{}, nil
	}
	defer r.Close()

	// Each run's records must lie in (its open's last seq, the next opens'
	// last seq].
	type bounds struct{ lo, hi uint64 }
	runs := make(map[uint64]bounds)
	hi := uint64(math.MaxUint64)
	for i := len(acks.opens) - 1; i >= 0; i-- {
		o := acks.opens[i]
		runs[o.run] = bounds{lo: o.lastSeq, hi: hi}
		hi = min(hi, o.lastSeq)
	}

	var (
		next    uint64 = 1
		seen    int
		last    = make(map[[2]uint64]uint64) // (run, writer) → next n
		gapSeen bool
	)
	const maxListed = 20
	rep, err := r.Scan(ctx, llog.Filter{}, func(rec *llog.Record) error {
		if rec.Seq != next && !gapSeen {
			res.violate("records are not a gap-free prefix: seq %d follows seq %d", rec.Seq, next-1)
			gapSeen = true
		}
		next = rec.Seq + 1
		if d, ok := acks.acks[rec.Seq]; ok {
			seen++
			if d != rec.Hash && len(res.violations) < maxListed {
				res.violate("acknowledged record %d has digest %v, acknowledged %v", rec.Seq, rec.Hash, d)
			}
		}
		id, ok := parseIdent(rec.TraceID)
		if !ok {
			if len(res.violations) < maxListed {
				res.violate("record %d was not written by crashtest (trace id %q)", rec.Seq, rec.TraceID)
			}
			return nil
		}
		key := [2]uint64{id.run, id.writer}
		if want := last[key]; id.n != want && len(res.violations) < maxListed {
			res.violate("record %d is record %d of run %d writer %d, expected its record %d: lost, repeated or reordered",
				rec.Seq, id.n, id.run, id.writer, want)
		}
		last[key] = id.n + 1
		if b, ok := runs[id.run]; ok && (rec.Seq <= b.lo || rec.Seq > b.hi) && len(res.violations) < maxListed {
			res.violate("record %d belongs to run %d, which opened the store at seq %d; the next run opened it at seq %d",
				rec.Seq, id.run, b.lo, b.hi)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	switch {
	case !rep.OK && rep.Segments == 0 && rep.BreakCount == 1 && acks.top == 0 && len(acks.opens) == 0:
		// Killed while the first Open created the store: the manifest is
		// there, the first segment not yet. Nothing was acknowledged and
		// the next Open finishes the creation; Verify calls it a break.
		res.unfinished = true
	case !rep.OK:
		res.violate("the store does not verify: %d breaks, first %v", rep.BreakCount, rep.Breaks[0])
	}
	if rep.Records > 0 && rep.FirstSeq != 1 {
		res.violate("the first record is seq %d, not 1", rep.FirstSeq)
	}
	if acks.top > rep.LastSeq {
		res.violate("records up to seq %d were acknowledged, the store ends at seq %d: %d acknowledged records lost",
			acks.top, rep.LastSeq, acks.top-rep.LastSeq)
	}
	if missing := len(acks.acks) - seen; missing > 0 && acks.top <= rep.LastSeq {
		res.violate("%d acknowledged records are missing or do not verify", missing)
	}
	res.acked = len(acks.acks)
	return rep, nil
}

// printViolations prints the violations of res with a heading.
func printViolations(w io.Writer, heading string, res *checkResult) {
	for _, v := range res.violations {
		fmt.Fprintf(w, "VIOLATION %s: %s\n", heading, v)
	}
}

// readAckFile reads an acknowledgement file.
func readAckFile(name string) (*ackLog, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := readAcks(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}
