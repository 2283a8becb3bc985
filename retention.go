package llog

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/hooks"
	"github.com/lowlightlog/llog/wal"
)

// Retention limits what a store keeps. It deletes whole sealed segments,
// oldest first, and never the active one, so the newest records always
// survive. It runs at Open, after a segment is sealed, every Interval and
// at Close.
// Limits combine: a segment goes when any limit says so.
//
// Before deleting, retention records the removal (the range of sequence
// numbers, the segment files, the chain digest of the last removed record,
// the policy and the time) in the log itself, as a removal frame committed
// in the active segment, and then in the index, so that verification
// starts the chain from that anchor and reports what retention removed,
// with or without the index. A segment missing without such a record is
// tampering, not retention. Retention needs the index (to know what each
// segment holds). FORMAT.md in the repository says how removal records and
// the anchor appear to a verifier, on disk and in exports.
//
// # The clock
//
// A Raspberry Pi has no real-time clock: until NTP syncs, its time can be
// 1970 or anything the last shutdown left, and it can jump by months when
// it syncs. MaxAge therefore trusts the wall clock only when:
//
//   - it has agreed with the monotonic clock for ClockConfirm (default 10
//     minutes) since Open and since the last jump it saw,
//   - it is not behind the time of the newest record (a clock back in 1970
//     makes nothing old), and
//   - it is not more than MaxAge ahead of the newest record (a clock that
//     jumped far ahead while nothing was logged would make everything old).
//
// Otherwise MaxAge does nothing on that run and an EventRetentionHeld says
// why; MaxBytes and MaxRecords, which do not depend on the clock, still
// apply. One bad clock reading can therefore never wipe a store. A clock
// that stays wrong for longer than ClockConfirm while records keep being
// logged is indistinguishable from a correct one: use MaxBytes as the
// guard against running out of space and MaxAge for policy.
type Retention struct {
	// MaxAge deletes segments whose newest record is older than this.
	MaxAge time.Duration
	// MaxBytes keeps the total size of the segment files at most this.
	MaxBytes int64
	// MaxRecords keeps the number of records at most this. Retention
	// removes whole segments, oldest first, and never the newest one (it is
	// being written): while the store holds more than MaxRecords it
	// removes the oldest sealed segment, with all its records. A store can
	// therefore keep fewer records than asked, down to MaxRecords minus the
	// records of one segment (MaxRecords 500 with segments of 300 records
	// keeps 300 of 900), and more than asked between two runs (at each
	// rotation and every Interval) or while its newest segment alone holds
	// more. Use a SegmentSize small against the limit for a closer fit.
	MaxRecords uint64
	// Interval is how often retention runs in the background. Default 1
	// minute.
	Interval time.Duration
	// ClockConfirm is how long the wall clock must agree with the
	// monotonic clock before MaxAge acts. Default 10 minutes.
	ClockConfirm time.Duration
}

func (r *Retention) enabled() bool { return r.MaxAge > 0 || r.MaxBytes > 0 || r.MaxRecords > 0 }

// fill sets defaults and returns problems with the values.
func (r *Retention) fill() []error {
	var errs []error
	if r.MaxAge < 0 || r.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("Retention: MaxAge %v and MaxBytes %d must not be negative", r.MaxAge, r.MaxBytes))
	}
	if r.Interval == 0 {
		r.Interval = time.Minute
	} else if r.Interval < 0 {
		errs = append(errs, fmt.Errorf("Retention.Interval %v is negative", r.Interval))
	}
	if r.ClockConfirm == 0 {
		r.ClockConfirm = 10 * time.Minute
	} else if r.ClockConfirm < 0 {
		errs = append(errs, fmt.Errorf("Retention.ClockConfirm %v is negative", r.ClockConfirm))
	}
	return errs
}

// clockGuard decides whether the wall clock can be trusted for MaxAge.
type clockGuard struct {
	mu      sync.Mutex
	wall    time.Time // last wall reading
	mono    time.Time // monotonic reading taken with it
	since   time.Time // monotonic time since which the clock has agreed
	started bool
}

// stable reports whether wall has agreed with the monotonic clock for at
// least confirm. mono must carry a monotonic reading (time.Now()).
func (g *clockGuard) stable(wall, mono time.Time, confirm time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.started {
		g.started = true
		g.wall, g.mono, g.since = wall, mono, mono
		return confirm == 0
	}
	dWall := wall.Sub(g.wall)
	dMono := mono.Sub(g.mono)
	if d := dWall - dMono; d > 2*time.Second || d < -2*time.Second {
		g.since = mono // the wall clock was stepped
	}
	g.wall, g.mono = wall, mono
	return mono.Sub(g.since) >= confirm
}

// ageCutoff returns the time before which a segment is old enough for
// MaxAge, or an error saying why the clock is not trusted now.
func (e *Engine) ageCutoff(newest time.Time) (time.Time, error) {
	r := &e.opts.Retention
	wall := e.opts.now()
	if !e.clock.stable(wall.Round(0), time.Now(), r.ClockConfirm) {
		return time.Time{}, fmt.Errorf("the wall clock has not agreed with the monotonic clock for %v yet", r.ClockConfirm)
	}
	if !newest.IsZero() {
		if wall.Before(newest.Add(-time.Minute)) {
			return time.Time{}, fmt.Errorf("the clock (%s) is behind the newest record (%s)", wall.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339))
		}
		if wall.Sub(newest) > r.MaxAge {
			return time.Time{}, fmt.Errorf("the clock (%s) is more than MaxAge ahead of the newest record (%s)", wall.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339))
		}
	}
	return wall.Add(-r.MaxAge), nil
}

// retain applies the retention limits once. It runs on the indexer
// goroutine, after a checkpoint, so every sealed segment is summarized.
func (e *Engine) retain(ix *indexer) error {
	r := &e.opts.Retention
	segs := e.log.Segments()
	if len(segs) < 2 {
		return nil
	}
	sums, err := ix.idx.Segments()
	if err != nil {
		return err
	}
	byFirst := make(map[uint64]index.Segment, len(sums))
	for _, s := range sums {
		byFirst[s.First] = s
	}
	var bytes int64
	for _, s := range segs {
		bytes += s.Size
	}
	ix.mu.Lock()
	lastSeq, lastT := ix.last, ix.lastT
	ix.mu.Unlock()
	// Records per segment: its summary's count (a repair may have left a
	// gap in a segment's sequence numbers), else the span its name gives.
	held := func(i int) uint64 {
		if sum, ok := byFirst[segs[i].First]; ok {
			return sum.Records
		}
		if i+1 < len(segs) {
			return segs[i+1].First - segs[i].First
		}
		return lastSeq + 1 - segs[i].First
	}
	var records uint64
	for i := range segs {
		records += held(i)
	}

	var cutoff time.Time
	ageOK := false
	if r.MaxAge > 0 {
		var newest time.Time
		if lastSeq > 0 {
			newest = time.Unix(0, lastT)
		}
		c, err := e.ageCutoff(newest)
		if err != nil {
			e.note.emit(Event{Kind: EventRetentionHeld, Err: err, QueueCapacity: e.opts.QueueCapacity})
		} else {
			cutoff, ageOK = c, true
		}
	}

	var drop []wal.SegmentInfo
	var policies []string
	for i := 0; i < len(segs)-1; i++ {
		s, next := segs[i], segs[i+1]
		n := held(i)
		sum, ok := byFirst[s.First]
		if !ok || sum.Last != next.First-1 {
			break // not fully indexed: decide next time
		}
		policy := ""
		switch {
		case r.MaxBytes > 0 && bytes > r.MaxBytes:
			policy = "max-bytes"
		case r.MaxRecords > 0 && records > r.MaxRecords:
			policy = "max-records"
		case ageOK && time.Unix(0, sum.MaxTime).Before(cutoff):
			policy = "max-age"
		}
		if policy == "" {
			break
		}
		drop = append(drop, s)
		if len(policies) == 0 || policies[len(policies)-1] != policy {
			policies = append(policies, policy)
		}
		bytes -= s.Size
		records -= n
	}
	if len(drop) == 0 {
		return nil
	}
	keep := segs[len(drop)]
	anchor, err := e.segmentLink(keep.Name)
	if err != nil {
		return err
	}
	out := Removal{
		First:  drop[0].First,
		Last:   keep.First - 1,
		Anchor: anchor,
		Policy: strings.Join(policies, ","),
		Time:   e.opts.now().UTC(),
	}
	for _, s := range drop {
		out.Segments = append(out.Segments, s.Name)
	}
	// Record first, in the log and then in the index; then make the record
	// visible to readers; then delete.
	if err := e.commitRemoval(appendRemovalPayload(nil, &out)); err != nil {
		return err
	}
	hooks.Fire(hooks.RetentionAfterFrame)
	rm := indexRemoval(&out)
	rm.Logged = true
	rm, err = ix.idx.AddRemoval(rm)
	if err != nil {
		return err
	}
	hooks.Fire(hooks.RetentionAfterRecord)
	if err := e.finishRemoval(ix, rm); err != nil {
		return err
	}
	out.Done = true
	e.note.emit(Event{Kind: EventRetention, Removed: &out, QueueCapacity: e.opts.QueueCapacity})
	return nil
}

// finishRemoval deletes the files of a recorded removal that are still
// there, syncs the directory and marks the removal done. Open calls it for
// removals a crash interrupted.
func (e *Engine) finishRemoval(ix *indexer, rm index.Removal) error {
	if err := ix.idx.Snapshot(filepath.Join(e.dir, snapshotName)); err != nil {
		return err
	}
	for _, first := range rm.Segments {
		segs := e.log.Segments()
		if len(segs) == 0 || segs[0].First != first {
			continue // already gone
		}
		if err := e.log.Remove(segs[0].Name); err != nil {
			return err
		}
		ix.mu.Lock()
		delete(ix.segs, first)
		delete(ix.dirty, first)
		ix.mu.Unlock()
		e.stats.segments.Add(-1)
		e.stats.storeBytes.Add(-segs[0].Size)
	}
	hooks.Fire(hooks.RetentionAfterDirSync)
	return ix.idx.MarkRemoved(rm.ID)
}

// finishPendingRemovals completes removals that were recorded but not
// marked done when the last run stopped.
func (e *Engine) finishPendingRemovals(ix *indexer) error {
	rms, err := ix.idx.Removals()
	if err != nil {
		return err
	}
	for _, rm := range rms {
		if rm.Done {
			continue
		}
		if err := e.finishRemoval(ix, rm); err != nil {
			return fmt.Errorf("llog: finish retention %d: %w", rm.ID, err)
		}
	}
	return nil
}

// logRemovals copies into the log the retention records that only the
// index holds, which a store written before removal frames existed has:
// the latest, which verification needs to start the chain after what
// retention removed, is committed as a removal frame, and every one is
// marked logged. The index is derived data; the log must not depend on it.
func (e *Engine) logRemovals(ix *indexer) error {
	rs, err := ix.idx.Removals()
	if err != nil {
		return err
	}
	if latest := latestUnlogged(rs); latest != nil {
		out := removalFrom(*latest)
		if err := e.commitRemoval(appendRemovalPayload(nil, &out)); err != nil {
			return fmt.Errorf("llog: copy retention record %d into the log: %w", latest.ID, err)
		}
	}
	for _, r := range rs {
		if !r.Logged {
			if err := ix.idx.MarkLogged(r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// latestUnlogged returns the latest retention record that only the index
// holds, when it reaches beyond every one the log holds; else nil.
func latestUnlogged(rs []index.Removal) *index.Removal {
	var latest *index.Removal
	var covered uint64 // the furthest a logged removal reaches
	for i := range rs {
		switch r := &rs[i]; {
		case r.Logged:
			covered = max(covered, r.Last)
		case latest == nil || r.Last > latest.Last:
			latest = r
		}
	}
	if latest == nil || latest.Last <= covered {
		return nil
	}
	return latest
}

// segmentLink reads the header link of a segment: the digest of the record
// before it.
func (e *Engine) segmentLink(name string) (chain.Digest, error) {
	w, err := wal.OpenWalker(e.fs, e.dir, name)
	if err != nil {
		return chain.Digest{}, err
	}
	defer w.Close()
	return w.Header().Link, nil
}
