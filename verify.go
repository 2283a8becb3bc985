package llog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// VerifyReport is the result of a full verification of a store.
type VerifyReport struct {
	// OK is true when nothing but (at most) a torn tail was found.
	OK bool `json:"ok"`
	// StoreID is the store's identity.
	StoreID string `json:"store_id"`
	// Records is the number of records read.
	Records uint64 `json:"records"`
	// FirstSeq and LastSeq are the sequence numbers of the first and last
	// records read (0 when there are none).
	FirstSeq uint64 `json:"first_seq"`
	LastSeq  uint64 `json:"last_seq"`
	// HeadHash is the chain digest of the last record (the genesis digest
	// of an empty store).
	HeadHash chain.Digest `json:"head_hash"`
	// Segments is the number of segment files and Bytes their total size.
	Segments int   `json:"segments"`
	Bytes    int64 `json:"bytes"`
	// Breaks lists the places where the store does not verify, in order,
	// at most MaxBreaks of them; BreakCount counts them all.
	Breaks     []Break `json:"breaks"`
	BreakCount int     `json:"break_count"`
	// TornTail describes bytes after the last committed batch of the newest
	// segment, which the next Open truncates. It is not a failure: those
	// bytes were never acknowledged.
	TornTail *TornTail `json:"torn_tail"`
	// Anchor is the digest the chain was verified from: the genesis digest,
	// or the anchor recorded by retention when older records were removed.
	Anchor chain.Digest `json:"anchor"`
	// Removed lists what retention removed before FirstSeq, oldest first.
	Removed []Removal `json:"removed"`
	// Index says how the index compared with the segments.
	Index *IndexReport `json:"index"`
	// Merkle describes the Merkle tree rebuilt from the records and the
	// comparison of the checkpoints stored in the segments with it.
	Merkle *MerkleReport `json:"merkle"`
}

// MaxBreaks is the most breaks a VerifyReport lists.
const MaxBreaks = 100

// Break locates one place where a store does not verify.
type Break struct {
	Segment string `json:"segment"`
	Offset  int64  `json:"offset"`
	Seq     uint64 `json:"seq"`
	// Expected and Actual are hex digests for a digest mismatch: the digest
	// recomputed from the chain and the one stored.
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	Reason   string `json:"reason"`
}

// String describes the break in one line.
func (b Break) String() string {
	s := fmt.Sprintf("%s offset %d seq %d: %s", b.Segment, b.Offset, b.Seq, b.Reason)
	if b.Expected != "" {
		s += fmt.Sprintf(" (expected %s, actual %s)", b.Expected, b.Actual)
	}
	return s
}

// TornTail describes a torn tail found by verification.
type TornTail struct {
	Segment string `json:"segment"`
	Offset  int64  `json:"offset"`
	Bytes   int64  `json:"bytes"`
	Reason  string `json:"reason"`
	// IndexedRecords counts records in the torn part that the index had
	// seen committed. A tail torn by a crash holds none (the index only
	// sees records after their fsync); a positive count means acknowledged
	// records at the end of the log were damaged or cut off.
	IndexedRecords uint64 `json:"indexed_records,omitempty"`
}

// Verify checks a whole store without changing it and without taking its
// lock, so it can run while an Engine writes: every frame's checksum,
// every segment header and name (gaps, overlaps, links), the hash chain
// from the genesis digest across all segments, every commit frame against
// its records, and that every record decodes. It reads a consistent
// committed prefix. Integrity problems are reported in the VerifyReport;
// the error is for a verification that could not run (no store, I/O).
func Verify(ctx context.Context, dir string) (*VerifyReport, error) {
	return verifyFS(ctx, vfs.Default, dir)
}

func verifyFS(ctx context.Context, fsys vfs.FS, dir string) (*VerifyReport, error) {
	return scanStore(ctx, fsys, dir, nil)
}

// scanStore reads every committed record of the store in dir in order,
// verifying as Verify describes, and calls fn (when not nil) with each
// record that verifies and decodes. An error from fn stops the scan and is
// returned.
func scanStore(ctx context.Context, fsys vfs.FS, dir string, fn func(*Record) error) (*VerifyReport, error) {
	rep, _, err := scanStoreTree(ctx, fsys, dir, fn, nil)
	return rep, err
}

// scanStoreTree is scanStore that also rebuilds the Merkle tree; prep,
// when not nil, sets what the tree check keeps before the scan starts. It
// returns the tree check.
func scanStoreTree(ctx context.Context, fsys vfs.FS, dir string, fn func(*Record) error, prep func(*treeCheck)) (*VerifyReport, *treeCheck, error) {
	store, err := openStore(fsys, dir, false)
	if err != nil {
		return nil, nil, fmt.Errorf("llog: open %s: %w", dir, err)
	}
	segs, err := wal.ListSegments(fsys, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("llog: open %s: %w", dir, err)
	}
	rep := &VerifyReport{StoreID: store.ID(), HeadHash: store.genesis, Anchor: store.genesis, Segments: len(segs), Removed: []Removal{}}
	for _, s := range segs {
		rep.Bytes += s.Size
	}
	v := &verifier{rep: rep, fn: fn, cv: chain.NewVerifier(store.genesis, 1), links: map[uint64]chain.Digest{}}
	v.tree = newTreeCheck(v)
	if len(segs) == 0 || segs[0].First == 1 {
		v.tree.startAtGenesis()
	}
	if prep != nil {
		prep(v.tree)
	}
	// The index, read once: retention records (a store written before
	// removal frames has them only there), and what it says of the log.
	x, source, _ := openIndexReadOnly(fsys, dir, store)
	var mark index.Mark
	if x != nil {
		defer x.Close()
		v.indexed, _ = x.Removals()
		mark, _ = x.Mark()
	}
	if len(segs) == 0 && (len(v.indexed) > 0 || mark.Seq > 0) {
		// Retention never removes the active segment, and a store whose
		// index saw records had segments: they were deleted. Without either,
		// the first Open stopped between the manifest and the first segment:
		// an empty store, which the next Open completes.
		v.addBreak(Break{Reason: "store has no segment files"})
	}
	if len(segs) > 0 && segs[0].First > 1 {
		// Older records are gone: a removal record must say so. Verify from
		// the first segment's header; the removal records read on the way
		// must cover the records before it, and their anchor be that link.
		v.fromHeader = true
		v.jump(segs[0].Name, 1, segs[0].First)
	}
	v.ix = newIndexCheck(x, source, mark, v, v.indexed)
	for i, s := range segs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		err := v.segment(fsys, dir, s, i == len(segs)-1)
		if errors.Is(err, fs.ErrNotExist) {
			// Deleted while we read: by retention, if it recorded so (its
			// frame may be in a segment created after the listing: the
			// index, which records it before any deletion, says so too).
			v.indexed = append(v.indexed, loadRemovals(fsys, dir, store)...)
			v.vanished = append(v.vanished, s)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if v.ix != nil {
		v.ix.close()
	}
	v.settleRemovals(segs)
	v.tree.finish()
	rep.Merkle = v.tree.rep
	rep.OK = rep.BreakCount == 0
	return rep, v.tree, nil
}

// jump notes that the records from..to-1 are in no segment, before segment
// seg: settleRemovals requires a removal record to cover them, and reports a
// break where the jump was found when none does.
func (v *verifier) jump(seg string, from, to uint64) {
	v.jumps = append(v.jumps, jump{seg: seg, from: from, to: to, at: v.deferAt()})
}

// jump is a run of sequence numbers that no segment holds.
type jump struct {
	seg      string
	from, to uint64 // from..to-1 are missing
	at       place  // where its break goes in the report's list
}

// place is where a break that settleRemovals may add goes in the report's
// list: after the breaks listed when it was found (n of them), in the
// order found (seq).
type place struct{ n, seq int }

// deferAt returns the place of a break found now.
func (v *verifier) deferAt() place {
	v.deferred++
	return place{len(v.rep.Breaks), v.deferred}
}

// removal checks a removal frame read in segment seg.
func (v *verifier) removal(seg string, r wal.Removal) {
	rm, err := parseRemovalPayload(r.Payload)
	switch {
	case err != nil:
		v.addBreak(Break{Segment: seg, Offset: r.Offset, Seq: r.From, Reason: "removal frame: " + err.Error()})
		return
	case rm.retention() && r.Next != r.From:
		v.addBreak(Break{Segment: seg, Offset: r.Offset, Seq: r.From,
			Reason: fmt.Sprintf("removal frame: a retention record that moves the sequence numbers from %d to %d", r.From, r.Next)})
		return
	case rm.retention() && rm.Last >= r.From:
		v.addBreak(Break{Segment: seg, Offset: r.Offset, Seq: r.From,
			Reason: fmt.Sprintf("removal frame: retention of records %d to %d recorded before record %d", rm.First, rm.Last, r.From)})
		return
	case !rm.retention() && r.Next > r.From && (rm.First != r.From || rm.Last != r.Next-1 || rm.Anchor != chain.Digest(r.Link)):
		v.addBreak(Break{Segment: seg, Offset: r.Offset, Seq: r.From,
			Reason: fmt.Sprintf("removal frame: it records seq %d to %d removed, its commit frame moves the log from %d to %d", rm.First, rm.Last, r.From, r.Next)})
		return
	case !rm.retention() && r.Next == r.From && rm.Last >= r.From:
		v.addBreak(Break{Segment: seg, Offset: r.Offset, Seq: r.From,
			Reason: fmt.Sprintf("removal frame: records %d to %d recorded before record %d", rm.First, rm.Last, r.From)})
		return
	case !rm.retention() && r.Next > r.From:
		// Records removed in place (a repair, or a loss found at Open):
		// the chain goes on from the anchor after them.
		v.restart(rm.Anchor, r.Next)
		v.tree.gap(r.From, r.Next, max(rm.LogEnd, rm.Last))
		if v.ix != nil {
			v.ix.skip(r.From, r.Next-1)
		}
	}
	if rm.Policy == policyLost {
		v.lost = append(v.lost, lostAt{rm, seg, r.Offset, v.deferAt()})
	}
	v.frames = append(v.frames, rm)
}

// lostAt is a loss recorded in the log, and where its break goes unless a
// repair accepts it.
type lostAt struct {
	r   Removal
	seg string
	off int64
	at  place
}

// settleRemovals reports what the removal records found in the log (and,
// for a store written before removal frames, in the index) say: each run
// of missing records must lie inside one by retention, whose anchor must be
// the header link of the segment after it when that segment is here. It
// fills the report's anchor and removed list.
func (v *verifier) settleRemovals(segs []wal.SegmentInfo) {
	present := map[string]bool{}
	for _, s := range segs {
		present[s.Name] = true
	}
	for _, s := range v.vanished {
		delete(present, s.Name)
	}
	all := []Removal{}
	for _, r := range v.frames {
		if !slices.ContainsFunc(all, func(y Removal) bool { return sameRemoval(&r, &y) }) {
			all = append(all, r) // a repair of a sealed segment records it twice
		}
	}
	for i := range all {
		all[i].Done = !slices.ContainsFunc(all[i].Segments, func(n string) bool { return present[n] })
	}
	for _, r := range v.indexed {
		x := removalFrom(r)
		if !slices.ContainsFunc(all, func(y Removal) bool { return sameRemoval(&x, &y) }) {
			all = append(all, x)
		}
	}
	slices.SortStableFunc(all, func(a, b Removal) int { return cmp.Compare(a.First, b.First) })
	// covering returns the latest removal by retention that holds seq.
	covering := func(seq uint64) *Removal {
		for i := len(all) - 1; i >= 0; i-- {
			if r := &all[i]; r.retention() && r.First <= seq && seq <= r.Last {
				return r
			}
		}
		return nil
	}
	// covers reports whether removals by retention cover from..to, one
	// after the other.
	covers := func(from, to uint64) bool {
		for x := to; x >= from; {
			r := covering(x)
			if r == nil {
				return false
			}
			if r.First <= from {
				return true
			}
			x = r.First - 1
		}
		return true
	}
	// Missing records, each break where it was found. Before the first
	// segment, the removal of the record just before it is required (and
	// gives the anchor): the records of older removals whose frames
	// retention has removed since are beyond proof.
	type placed struct {
		at place
		b  Break
	}
	var add []placed
	for _, j := range v.jumps {
		if j.from == 1 {
			if r := covering(j.to - 1); r != nil {
				v.rep.Anchor = r.Anchor
				continue
			}
		} else if covers(j.from, j.to-1) {
			continue
		}
		b := Break{Segment: j.seg, Seq: j.to,
			Reason: fmt.Sprintf("missing records: seq %d to %d are in no segment and no removal record covers them", j.from, j.to-1)}
		if j.from == 1 {
			b.Reason = fmt.Sprintf("records 1 to %d are missing and no retention record covers them", j.to-1)
		}
		add = append(add, placed{j.at, b})
	}
	// Losses found at Open are breaks until a repair accepts them.
	for _, l := range v.lost {
		if !acceptedLoss(all, &l.r) {
			add = append(add, placed{l.at, Break{Segment: l.seg, Offset: l.off, Seq: l.r.First,
				Reason: fmt.Sprintf("acknowledged records lost: %d records, %d to %d (%s), found at %s; 'llog repair' accepts the loss",
					l.r.Last-l.r.First+1, l.r.First, l.r.Last, l.r.Reason, l.r.Time.Format(time.RFC3339))}})
		}
	}
	slices.SortFunc(add, func(a, b placed) int { return cmp.Compare(a.at.seq, b.at.seq) })
	for i := len(add) - 1; i >= 0; i-- {
		v.insertBreak(add[i].at.n, add[i].b)
	}
	for _, s := range v.vanished {
		if covering(s.First) == nil {
			v.addBreak(Break{Segment: s.Name, Seq: s.First, Reason: "the segment vanished while it was read, and no removal record covers it"})
		}
	}
	for i := range all {
		r := &all[i]
		if link, ok := v.links[r.Last+1]; ok && r.retention() && link != r.Anchor {
			v.addBreak(Break{Segment: wal.SegmentName(r.Last + 1), Seq: r.Last + 1, Expected: r.Anchor.String(), Actual: link.String(),
				Reason: fmt.Sprintf("the removal record of seq %d to %d anchors the chain elsewhere than the segment after it links to", r.First, r.Last)})
		}
	}
	v.rep.Removed = all
	if v.rep.Records == 0 {
		v.rep.HeadHash = v.rep.Anchor
	}
}

// insertBreak adds b as if addBreak had been called when the report held
// at breaks listed.
func (v *verifier) insertBreak(at int, b Break) {
	v.rep.BreakCount++
	if at < MaxBreaks {
		v.rep.Breaks = slices.Insert(v.rep.Breaks, at, b)
		if len(v.rep.Breaks) > MaxBreaks {
			v.rep.Breaks = v.rep.Breaks[:MaxBreaks]
		}
	}
}

// loadRemovals reads retention records afresh (a segment vanished while
// verification read: retention may have removed it since the index was
// opened), without disturbing a writer: from the index file when no writer
// holds it, else from the snapshot the writer leaves for readers before
// each deletion. A store without either has had no retention.
func loadRemovals(fsys vfs.FS, dir string, store storeInfo) []index.Removal {
	x, _, _ := openIndexReadOnly(fsys, dir, store)
	if x == nil {
		return nil
	}
	defer x.Close()
	rs, err := x.Removals()
	if err != nil {
		return nil
	}
	return rs
}

// verifier carries the chain state of scanStore across segments.
type verifier struct {
	rep *VerifyReport
	fn  func(*Record) error
	// cv holds the chain head: the digest of the last record (or the
	// anchor) and the sequence number the next record must have.
	cv  *chain.Verifier
	rec Record
	ix  *indexCheck // nil when there is no index to compare
	// tree rebuilds the Merkle tree and checks the stored checkpoints.
	tree *treeCheck
	// fromHeader makes the next segment's header the anchor: the records
	// before it were removed (jumps says which; settleRemovals checks).
	fromHeader bool
	jumps      []jump
	// links holds each segment's header link by its first seq; frames the
	// removal records read in the log, indexed those of the index, and
	// vanished the segments deleted while they were read.
	links    map[uint64]chain.Digest
	frames   []Removal
	indexed  []index.Removal
	vanished []wal.SegmentInfo
	lost     []lostAt
	deferred int // places handed out
	// lastSeg and lastEnd: the newest segment and where its committed
	// batches end.
	lastSeg string
	lastEnd int64
}

func (v *verifier) addBreak(b Break) {
	v.rep.BreakCount++
	if len(v.rep.Breaks) < MaxBreaks {
		v.rep.Breaks = append(v.rep.Breaks, b)
	}
}

// segment verifies one segment file.
func (v *verifier) segment(fsys vfs.FS, dir string, s wal.SegmentInfo, newest bool) error {
	w, err := wal.OpenWalker(fsys, dir, s.Name)
	if errors.Is(err, segment.ErrNewerVersion) {
		return fmt.Errorf("%w: %w", ErrNewerVersion, err)
	}
	var ce *wal.CorruptionError
	if errors.As(err, &ce) {
		v.addBreak(Break{Segment: s.Name, Offset: ce.Offset, Seq: s.First, Reason: ce.Reason.Error()})
		return nil
	}
	if err != nil {
		return err
	}
	defer w.Close()
	w.OnCheckpoint(func(c wal.Checkpoint) { v.tree.checkpoint(s.Name, c) })
	w.OnRemoval(func(r wal.Removal) { v.removal(s.Name, r) })
	hdr := w.Header()
	v.links[hdr.First] = hdr.Link
	if v.fromHeader {
		v.fromHeader = false
		v.restart(hdr.Link, hdr.First)
	}
	prev, next := v.cv.Head()
	switch {
	case hdr.First > next:
		v.jump(s.Name, next, hdr.First)
	case hdr.First < next:
		v.addBreak(Break{Segment: s.Name, Seq: hdr.First,
			Reason: fmt.Sprintf("segment overlaps the one before it: starts at seq %d, expected %d", hdr.First, next)})
	case chain.Digest(hdr.Link) != prev:
		v.addBreak(Break{Segment: s.Name, Seq: hdr.First, Expected: prev.String(), Actual: chain.Digest(hdr.Link).String(),
			Reason: "segment header does not link to the record before it"})
	}
	v.restart(hdr.Link, hdr.First)
	if newest {
		v.lastSeg = s.Name
		defer func() { v.lastEnd, _, _ = w.End() }()
	}
	for {
		e, err := w.Next()
		if err == io.EOF {
			return nil
		}
		var torn *wal.TornError
		if errors.As(err, &torn) {
			if newest {
				reason := "records without a commit frame"
				if torn.Reason != nil {
					reason = torn.Reason.Error()
				}
				v.rep.TornTail = &TornTail{Segment: s.Name, Offset: torn.Offset, Bytes: torn.Size - torn.Offset, Reason: reason}
			} else {
				_, next := v.cv.Head()
				v.addBreak(Break{Segment: s.Name, Offset: torn.Offset, Seq: next,
					Reason: "sealed segment ends inside a batch: " + torn.Error()})
			}
			return nil
		}
		if errors.As(err, &ce) {
			v.addBreak(Break{Segment: s.Name, Offset: ce.Offset, Seq: ce.Seq, Reason: ce.Reason.Error()})
			// Go on after the damaged batch, from the next commit frame, so
			// the rest of the segment is checked too.
			ok, err := w.Resync()
			if err != nil || !ok {
				return err
			}
			_, next, link := w.End()
			if _, from := v.cv.Head(); v.ix != nil {
				v.ix.skip(from, next-1)
			}
			v.restart(link, next)
			continue
		}
		if err != nil {
			return err
		}
		if err := v.entry(s.Name, e); err != nil {
			return err
		}
	}
}

// restart makes the chain continue from digest prev at sequence number
// next: at a segment's header, or after damage.
func (v *verifier) restart(prev chain.Digest, next uint64) {
	v.cv = chain.NewVerifier(prev, next)
}

// entry verifies one record and hands it to fn.
func (v *verifier) entry(seg string, e wal.Entry) error {
	if len(e.Data) < hashSize {
		v.addBreak(Break{Segment: seg, Offset: e.Offset, Seq: e.Seq, Reason: "entry shorter than a digest"})
		prev, _ := v.cv.Head()
		v.restart(prev, e.Seq+1)
		return nil
	}
	var stored chain.Digest
	copy(stored[:], e.Data[:hashSize])
	body := e.Data[hashSize:]
	prev, _ := v.cv.Head()
	ok := true
	if err := v.cv.Check(e.Seq, body, stored); err != nil {
		var be *chain.BreakError
		errors.As(err, &be)
		b := Break{Segment: seg, Offset: e.Offset, Seq: e.Seq, Reason: be.Reason}
		if be.Reason == chain.ReasonDigest {
			b.Expected, b.Actual = be.Expected.String(), be.Actual.String()
		}
		v.addBreak(b)
		ok = false
	}
	if e.Last && chain.Digest(e.Link) != stored {
		v.addBreak(Break{Segment: seg, Offset: e.Offset, Seq: e.Seq, Expected: stored.String(),
			Actual: chain.Digest(e.Link).String(), Reason: "commit frame link does not match the batch's last record"})
		ok = false
	}
	if err := decodeRecord(body, &v.rec); err != nil {
		v.addBreak(Break{Segment: seg, Offset: e.Offset, Seq: e.Seq, Reason: err.Error()})
		ok = false
	}
	v.tree.leaf(e.Seq, stored)
	rep := v.rep
	if rep.Records == 0 {
		rep.FirstSeq = e.Seq
	}
	rep.Records++
	rep.LastSeq = e.Seq
	rep.HeadHash = stored
	v.rec.Seq = e.Seq
	v.rec.PrevHash = prev
	v.rec.Hash = stored
	if v.ix != nil {
		v.ix.record(e.Seq, seg, e.Offset, v.rec.Time, v.rec.Model, prev)
	}
	if ok && v.fn != nil {
		return v.fn(&v.rec)
	}
	return nil
}
