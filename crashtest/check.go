package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
)

// checkOptions select what checkStore does besides reading.
type checkOptions struct {
	// write reopens the store (running recovery and bringing the index up
	// to date), writes one record with LogSync, compares indexed queries
	// with the segments, closes it and checks everything again.
	write bool
	// probeRun is the run number in the identity of that record.
	probeRun uint64
}

// checkResult is what checkStore found.
type checkResult struct {
	violations []string
	records    uint64 // records in the store as the crash left it
	acked      int    // acknowledgements checked
	retired    int    // acknowledged records removed by retention
	torn       bool   // the crash left a torn tail
	unfinished bool   // the crash came while the first Open created the store
	probe      *llog.Receipt
}

func (r *checkResult) violate(format string, args ...any) {
	r.violations = append(r.violations, fmt.Sprintf(format, args...))
}

// maxListed bounds the violations of one kind a check lists.
const maxListed = 20

// recInfo is what the checks keep of each record.
type recInfo struct {
	seq   uint64
	hash  chain.Digest
	model string
}

// checkStore checks the store in dir against what the writers
// acknowledged:
//
//   - the store verifies (every checksum, the chain across segments from
//     the genesis digest or from a retention anchor, every commit frame; a
//     torn tail is allowed, it was never acknowledged);
//   - the records form a gap-free range FirstSeq..LastSeq: a batch is all
//     or nothing; FirstSeq is 1 unless retention removed older segments,
//     which Verify accepts only with a retention record covering them;
//   - every acknowledged record is present with the acknowledged digest,
//     or lies in a range retention recorded as removed (and if it was the
//     last record of that range, the recorded anchor is its digest);
//   - every record carries a crashtest identity, and the records of each
//     writer goroutine are its records n, n+1, n+2, ... in order (from 0
//     unless retention removed the front): nothing lost, repeated or
//     reordered;
//   - every record of a run lies after the records that run found when it
//     opened the store and before those the next run found;
//   - the Merkle tree rebuilds and every checkpoint stored in the segments
//     matches the records (Verify); every checkpoint a writer was handed
//     (OnCheckpoint) is still extended by the store, unless retention
//     removed records it covers; the newest stored covers at least as many
//     records as the newest handed out: a checkpoint is durable before
//     anyone sees it;
//   - with opts.write, the store opens (recovery keeps every record it
//     verified), takes one more record, answers indexed queries (all
//     records, per model, newest first, after a seq) exactly as the
//     segments do, and then passes all of the above again with that record
//     acknowledged.
func checkStore(ctx context.Context, dir string, acks *ackLog, opts checkOptions) (*checkResult, error) {
	res := &checkResult{}
	rep, _, err := scanCheck(ctx, dir, acks, res)
	if err != nil {
		return nil, err
	}
	res.records = rep.Records
	res.torn = rep.TornTail != nil
	if err := checkCheckpoints(ctx, dir, acks, rep, res); err != nil {
		return nil, err
	}
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
	if err != nil {
		e.Close()
		res.violate("the store does not take a write after recovery: %v", err)
		return res, nil
	}
	res.probe = &rc
	if rc.Seq != rep.LastSeq+1 {
		res.violate("the record written after recovery took seq %d, want %d", rc.Seq, rep.LastSeq+1)
	}
	// Open may have finished a removal a crash interrupted: compare the
	// index with the segments as they are now.
	var now checkResult
	_, recs, err := scanCheck(ctx, dir, newAckLog(), &now)
	if err != nil {
		e.Close()
		return nil, err
	}
	checkIndex(ctx, e, recs, res)
	if err := e.Close(); err != nil {
		res.violate("close after the write that follows recovery: %v", err)
	}

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
	rep2, _, err := scanCheck(ctx, dir, after, &again)
	if err != nil {
		return nil, err
	}
	for _, v := range again.violations {
		res.violate("after recovery and one write: %s", v)
	}
	if rep2.TornTail != nil {
		res.violate("after recovery and one write: torn tail %+v left by a clean close", *rep2.TornTail)
	}
	if rep2.LastSeq != rep.LastSeq+1 {
		res.violate("after recovery and one write: the store ends at seq %d, want %d", rep2.LastSeq, rep.LastSeq+1)
	}
	return res, nil
}

// checkCheckpoints checks the store's Merkle tree against the checkpoints
// the writers were handed (see checkStore).
func checkCheckpoints(ctx context.Context, dir string, acks *ackLog, rep *llog.VerifyReport, res *checkResult) error {
	m := rep.Merkle
	if rep.Records == 0 && len(acks.checkpoints) == 0 {
		return nil
	}
	if m == nil || !m.Known {
		res.violate("the Merkle tree of the records cannot be rebuilt: %+v", m)
		return nil
	}
	var cks []*llog.Checkpoint
	var newest uint64
	for _, ck := range acks.checkpoints {
		newest = max(newest, ck.Size)
		if ck.Size >= m.Base {
			cks = append(cks, ck)
		}
	}
	if stored := m.Checkpoint; newest > 0 && (stored == nil || stored.Size < newest) {
		res.violate("a checkpoint of %d records was handed out, the newest in the store covers %v", newest, stored)
	}
	if len(cks) == 0 {
		return nil
	}
	r, err := llog.OpenReader(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	_, results, err := r.VerifyCheckpoints(ctx, cks, nil)
	if err != nil {
		return err
	}
	listed := 0
	for _, x := range results {
		if x.Err != nil {
			if listed++; listed <= maxListed {
				res.violate("the store does not extend the checkpoint of %d records handed out before the crash: %v", x.Checkpoint.Size, x.Err)
			}
		}
	}
	return nil
}

// scanCheck reads the whole store once and applies every read-only check.
// It returns the verification report and the records that verified.
func scanCheck(ctx context.Context, dir string, acks *ackLog, res *checkResult) (*llog.VerifyReport, []recInfo, error) {
	r, err := llog.OpenReader(dir)
	if err != nil {
		if len(acks.acks) == 0 && len(acks.opens) == 0 {
			// Nothing acknowledged, not even an open: a store whose
			// creation was cut short may be missing or empty.
			return &llog.VerifyReport{OK: true}, nil, nil
		}
		res.violate("the store cannot be read after records were acknowledged: %v", err)
		return &llog.VerifyReport{}, nil, nil
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
		recs    []recInfo
		next    uint64 // seq the next record must have; 0 before the first
		seen    int
		last    = make(map[[2]uint64]uint64) // (run, writer) → next n
		lateKey bool                         // a writer's first record present is not its record 0
		gapSeen bool
		listed  = make(map[string]int)
	)
	violate := func(kind, format string, args ...any) {
		if listed[kind]++; listed[kind] <= maxListed {
			res.violate(format, args...)
		}
	}
	rep, err := r.Scan(ctx, llog.Filter{}, func(rec *llog.Record) error {
		if next != 0 && rec.Seq != next && !gapSeen {
			violate("gap", "records are not a gap-free range: seq %d follows seq %d", rec.Seq, next-1)
			gapSeen = true
		}
		next = rec.Seq + 1
		recs = append(recs, recInfo{seq: rec.Seq, hash: rec.Hash, model: rec.Model})
		if d, ok := acks.acks[rec.Seq]; ok {
			seen++
			if d != rec.Hash {
				violate("digest", "acknowledged record %d has digest %v, acknowledged %v", rec.Seq, rec.Hash, d)
			}
		}
		id, ok := parseIdent(rec.TraceID)
		if !ok {
			violate("foreign", "record %d was not written by crashtest (trace id %q)", rec.Seq, rec.TraceID)
			return nil
		}
		key := [2]uint64{id.run, id.writer}
		want, known := last[key]
		switch {
		case !known && id.n > 0:
			lateKey = true // fine only if retention removed the writer's earlier records
		case known && id.n != want:
			violate("order", "record %d is record %d of run %d writer %d, expected its record %d: lost, repeated or reordered",
				rec.Seq, id.n, id.run, id.writer, want)
		}
		last[key] = id.n + 1
		if b, ok := runs[id.run]; ok && (rec.Seq <= b.lo || rec.Seq > b.hi) {
			violate("run", "record %d belongs to run %d, which opened the store at seq %d; the next run opened it at seq %d",
				rec.Seq, id.run, b.lo, b.hi)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("scan %s: %w", dir, err)
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
	first := rep.FirstSeq
	if rep.Records == 0 {
		first = rep.LastSeq + 1
		if len(rep.Removed) > 0 {
			first = rep.Removed[len(rep.Removed)-1].Last + 1
		}
	}
	if rep.Records > 0 && len(recs) > 0 && recs[0].seq != rep.FirstSeq {
		res.violate("the first record read is seq %d, verification says %d", recs[0].seq, rep.FirstSeq)
	}
	if first > 1 && len(rep.Removed) == 0 {
		res.violate("records 1 to %d are gone and no retention record covers them", first-1)
	}
	if lateKey && first <= 1 {
		res.violate("a writer's first record present is not its record 0, and retention removed nothing")
	}
	if acks.top > rep.LastSeq {
		res.violate("records up to seq %d were acknowledged, the store ends at seq %d: %d acknowledged records lost",
			acks.top, rep.LastSeq, acks.top-rep.LastSeq)
	}
	// Acknowledged records before the first one present must have been
	// removed by retention, on the record.
	missing := 0
	for seq, d := range acks.acks {
		switch {
		case seq >= first && seq <= rep.LastSeq:
			continue // checked in the scan
		case seq > rep.LastSeq:
			continue // counted above
		}
		i := slices.IndexFunc(rep.Removed, func(rm llog.Removal) bool { return rm.First <= seq && seq <= rm.Last })
		if i < 0 {
			violate("retired", "acknowledged record %d is gone and no retention record covers it", seq)
			continue
		}
		res.retired++
		if rm := rep.Removed[i]; seq == rm.Last && rm.Anchor != d {
			violate("anchor", "retention anchored the chain at record %d with digest %v, acknowledged %v", seq, rm.Anchor, d)
		}
	}
	for seq := range acks.acks {
		if seq >= first && seq <= rep.LastSeq {
			missing++
		}
	}
	if missing -= seen; missing > 0 {
		res.violate("%d acknowledged records are missing or do not verify", missing)
	}
	res.acked = len(acks.acks)
	return rep, recs, nil
}

// checkIndex compares what the engine's indexed queries return with the
// records the segments hold (recs, in seq order): every record, each
// model's records, the newest few, and those after a seq.
func checkIndex(ctx context.Context, e *llog.Engine, recs []recInfo, res *checkResult) {
	models := make(map[string]bool)
	for _, r := range recs {
		models[r.model] = true
	}
	type query struct {
		name string
		f    llog.Filter
		want []recInfo
	}
	qs := []query{{name: "all records", want: recs}}
	for _, m := range slices.Sorted(maps.Keys(models)) {
		var want []recInfo
		for _, r := range recs {
			if r.model == m {
				want = append(want, r)
			}
		}
		qs = append(qs, query{name: "model " + m, f: llog.Filter{Models: []string{m}}, want: want})
	}
	if n := len(recs); n > 0 {
		newest := slices.Clone(recs[max(0, n-7):])
		slices.Reverse(newest)
		qs = append(qs, query{name: "newest 7", f: llog.Filter{Reverse: true, Limit: 7}, want: newest})
		mid := recs[n/2].seq
		qs = append(qs, query{name: fmt.Sprintf("after seq %d", mid), f: llog.Filter{AfterSeq: mid}, want: recs[n/2+1:]})
	}
	for _, q := range qs {
		i := 0
		bad := ""
		for rec, err := range e.Query(ctx, q.f) {
			switch {
			case err != nil:
				bad = fmt.Sprintf("error %v", err)
			case i >= len(q.want):
				bad = fmt.Sprintf("extra record %d", rec.Seq)
			case rec.Seq != q.want[i].seq || rec.Hash != q.want[i].hash:
				bad = fmt.Sprintf("record %d (digest %v) where the segments have record %d (digest %v)",
					rec.Seq, rec.Hash, q.want[i].seq, q.want[i].hash)
			}
			if bad != "" {
				break
			}
			i++
		}
		if bad == "" && i != len(q.want) {
			bad = fmt.Sprintf("%d records, the segments have %d", i, len(q.want))
		}
		if bad != "" {
			res.violate("the index disagrees with the segments: query %s: %s", q.name, bad)
		}
	}
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
