package llog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/wal"
)

// RepairPlan says what Repair does to a store (PlanRepair), or did
// (Repair).
//
// A repair rewrites each damaged segment keeping every batch that reads
// cleanly, before and after the damage, at its sequence numbers, and
// records each damaged run it removes as a removal record (policy
// "repair") in the log, where the records were: so verification reports
// the removal and goes on, and the next record continues after the highest
// sequence number the store ever committed. It also records, and so
// accepts, acknowledged records the store shows it lost: those its index
// saw committed beyond the end of the log, and those a writer found lost
// at Open.
type RepairPlan struct {
	// Segments are the damaged segments, oldest first, and what their
	// rewrite removes.
	Segments []SegmentRepair `json:"segments"`
	// Kept is the number of records the store holds after the repair, and
	// Verified how many of them verify now (records of a segment whose
	// header is rebuilt are checked only after). Removed is the number of
	// records the repair removes from the log: the damaged batches, and the
	// numbers of records that may have been committed there.
	Kept     uint64 `json:"kept"`
	Verified uint64 `json:"verified"`
	Removed  uint64 `json:"removed"`
	// Lost, when not nil, records acknowledged records the index saw
	// committed beyond the end of the log: the repair records their loss
	// and moves the numbers past them.
	Lost *Removal `json:"lost"`
	// Accepted lists the losses a writer recorded at Open, which the
	// repair accepts.
	Accepted []Removal `json:"accepted"`
	// Next is the sequence number the next record takes after the repair,
	// and LogEnd the highest sequence number the store shows it ever
	// committed.
	Next   uint64 `json:"next_seq"`
	LogEnd uint64 `json:"log_end"`
	// Applied is set once Repair carried the plan out.
	Applied bool `json:"applied"`

	wal    *wal.RepairPlan
	legacy *Removal // a retention record the index holds and the log does not
	store  storeInfo
}

// SegmentRepair is the rewrite of one damaged segment.
type SegmentRepair struct {
	Segment string `json:"segment"`
	// Header, when not empty, says why the segment's header is rebuilt
	// (from its name and the segment before it).
	Header string `json:"header,omitempty"`
	// Removed lists the runs of records removed, each as the removal record
	// written in their place (Reason says what was damaged).
	Removed []Removal `json:"removed"`
	// Kept counts the records the segment keeps; Bytes the bytes the
	// rewrite drops (damaged runs and a torn tail).
	Kept  uint64 `json:"kept"`
	Bytes int64  `json:"bytes"`
	// Copy is the copy of the segment as it was, kept in the store folder.
	Copy string `json:"copy,omitempty"`
}

// Needed reports whether the plan changes anything.
func (p *RepairPlan) Needed() bool {
	return len(p.Segments) > 0 || p.Lost != nil || len(p.Accepted) > 0 || p.legacy != nil
}

// PlanRepair reads the store in dir, without changing it and without its
// lock, and returns what Repair would do; Needed reports whether anything
// needs doing.
func PlanRepair(ctx context.Context, dir string) (*RepairPlan, error) {
	return planRepair(ctx, vfs.Default, dir, time.Now())
}

// Repair repairs the store in dir and returns the plan it carried out
// (RepairPlan says what a repair does). It takes the store's lock, so it
// fails with ErrLocked while an Engine has the store open. Of each
// segment it rewrites, it first keeps a synced copy ("<name>.broken-<time>"
// in the store folder), then replaces the segment atomically. It removes
// the index, which the next Open rebuilds. A store that needs nothing is
// left alone (the plan's Needed is false).
func Repair(ctx context.Context, dir string) (*RepairPlan, error) {
	return repairFS(ctx, vfs.Default, dir, time.Now())
}

func repairFS(ctx context.Context, fsys vfs.FS, dir string, now time.Time) (*RepairPlan, error) {
	lock, err := fsys.Lock(filepath.Join(dir, lockName))
	if errors.Is(err, vfs.ErrLocked) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("llog: lock %s: %w", dir, err)
	}
	defer lock.Close()
	p, err := planRepair(ctx, fsys, dir, now)
	if err != nil || !p.Needed() {
		return p, err
	}
	if err := p.apply(fsys, dir, now); err != nil {
		return nil, fmt.Errorf("llog: repair %s: %w", dir, err)
	}
	p.Applied = true
	return p, nil
}

// planRepair makes the plan: the segments' rewrites (wal.PlanRepair), what
// verification reads now, the index's evidence of records committed
// beyond the log, and the losses recorded at Open.
func planRepair(ctx context.Context, fsys vfs.FS, dir string, now time.Time) (*RepairPlan, error) {
	store, err := openStore(fsys, dir, false)
	if err != nil {
		return nil, fmt.Errorf("llog: repair %s: %w", dir, err)
	}
	wp, err := wal.PlanRepair(fsys, dir, store.genesis)
	if err != nil {
		return nil, fmt.Errorf("llog: repair %s: %w", dir, wrapOpenErr(err))
	}
	var verified uint64
	rep, err := scanStore(ctx, fsys, dir, func(*Record) error { verified++; return nil })
	if err != nil {
		return nil, fmt.Errorf("llog: repair %s: %w", dir, err)
	}
	p := &RepairPlan{wal: wp, store: store, Kept: wp.Entries, Verified: verified, Next: wp.Next, Accepted: []Removal{}}
	p.LogEnd = wp.Next - 1
	for _, sp := range wp.Segments {
		sr := SegmentRepair{Segment: sp.Segment, Removed: []Removal{}}
		if sp.HeaderDamage != nil {
			sr.Header = sp.HeaderDamage.Error()
		}
		if sp.Torn != nil {
			sr.Bytes += sp.Torn.Size - sp.Torn.Offset
		}
		for i := range sp.Parts {
			x := &sp.Parts[i]
			if !x.Removed {
				sr.Kept += x.Next - x.First
				continue
			}
			sr.Bytes += x.End - x.Offset
			if x.Next > x.First {
				sr.Removed = append(sr.Removed, repairRemoval(sp, x, now))
				p.Removed += x.Next - x.First
			}
		}
		p.Segments = append(p.Segments, sr)
	}
	// Records the index saw committed that the log does not hold.
	if m := rep.Index; m != nil && m.Checked && m.Mark >= p.Next {
		p.Lost = &Removal{First: p.Next, Last: m.Mark, Anchor: wp.Link, Policy: policyRepair, Time: now.UTC(), Done: true,
			Reason: fmt.Sprintf("acknowledged records lost: %s had seen records up to %d committed, and the log ends at %d", m.Source, m.Mark, p.Next-1)}
		p.Removed += m.Mark - p.Next + 1
		p.Next = m.Mark + 1
	}
	// Losses a writer recorded at Open, not accepted yet.
	for _, r := range rep.Removed {
		if r.Policy == policyLost && !acceptedLoss(rep.Removed, &r) {
			a := r
			a.Policy, a.Time, a.Reason, a.Done = policyRepair, now.UTC(), fmt.Sprintf("accepts the loss recorded at %s: %s", r.Time.Format(time.RFC3339), r.Reason), true
			p.Accepted = append(p.Accepted, a)
		}
	}
	for _, r := range rep.Removed {
		p.LogEnd = max(p.LogEnd, r.Last)
	}
	p.LogEnd = max(p.LogEnd, p.Next-1)
	for i := range p.Segments {
		for j := range p.Segments[i].Removed {
			p.Segments[i].Removed[j].LogEnd = p.LogEnd
		}
	}
	if p.Lost != nil {
		p.Lost.LogEnd = p.LogEnd
	}
	p.legacy = legacyRemoval(fsys, dir, store)
	return p, nil
}

// repairRemoval is the removal record of the removed part x of segment
// sp's rewrite.
func repairRemoval(sp *wal.SegmentPlan, x *wal.Part, now time.Time) Removal {
	reason := "damaged"
	if x.Damage != nil {
		reason = x.Damage.Error()
	}
	if x.Estimated {
		reason += fmt.Sprintf("; no commit frame after the damage says where its records end: the %d valid or damaged frames after it count", x.Next-x.First)
	}
	return Removal{First: x.First, Last: x.Next - 1, Anchor: chain.Digest(x.Link), Policy: policyRepair, Time: now.UTC(),
		Segments: []string{sp.Segment}, Reason: reason, Done: true}
}

// acceptedLoss reports whether a removal by a repair covers the loss l.
func acceptedLoss(all []Removal, l *Removal) bool {
	for _, r := range all {
		if r.Policy == policyRepair && r.First <= l.First && l.Last <= r.Last {
			return true
		}
	}
	return false
}

// legacyRemoval returns the retention record that the index of a store
// written before removal frames holds and its log does not: the latest,
// which verification needs. The repair copies it into the log before it
// removes the index.
func legacyRemoval(fsys vfs.FS, dir string, store storeInfo) *Removal {
	if r := latestUnlogged(loadRemovals(fsys, dir, store)); r != nil {
		out := removalFrom(*r)
		return &out
	}
	return nil
}

// apply carries the plan out: the segments' rewrites, then, with the log
// open, the removal records of what the index saw and of the losses
// accepted, then the index's removal.
func (p *RepairPlan) apply(fsys vfs.FS, dir string, now time.Time) error {
	// The removal records of sealed segments are written twice: in place,
	// and at the end of the log, where a writer, which reads only the
	// newest segment at Open, learns that the Merkle frontiers stored
	// after them hold leaves that are gone.
	var notices []Removal
	// The index locates records by offset, which the rewrites change: it
	// goes first, unless it is the evidence of records lost (then the
	// loss's record goes in the log before it goes; a crash in between
	// leaves an index whose watermark is beyond the log, which the next Open
	// records as a loss before rebuilding). The snapshot goes with it
	// unless it holds a retention record the log does not yet have.
	first := []string{}
	if p.Lost == nil {
		first = append(first, indexName)
		if p.legacy == nil {
			first = append(first, snapshotName)
		}
	}
	if err := removeFiles(fsys, dir, first...); err != nil {
		return err
	}
	copies, err := p.wal.Apply(now, func(sp *wal.SegmentPlan, x *wal.Part, copy string) []byte {
		r := repairRemoval(sp, x, now)
		r.LogEnd, r.Copy = p.LogEnd, copy
		if !sp.Newest {
			notices = append(notices, r)
		}
		return appendRemovalPayload(nil, &r)
	})
	for i, c := range copies {
		p.Segments[i].Copy = c
		for j := range p.Segments[i].Removed {
			p.Segments[i].Removed[j].Copy = c
		}
	}
	if err != nil {
		return err
	}
	log, _, err := wal.Open(dir, wal.Options{FS: fsys, First: 1, Link: p.store.genesis, Perm: filePerm})
	if err != nil {
		return wrapOpenErr(err)
	}
	commit := func(r *Removal, next uint64) error {
		var b wal.Batch
		if err := b.SetRemoval(appendRemovalPayload(nil, r), next); err != nil {
			return err
		}
		link := log.Link()
		if next != 0 {
			link = r.Anchor
		}
		_, err := log.Commit(&b, link)
		return err
	}
	if p.legacy != nil {
		err = commit(p.legacy, 0)
	}
	for i := 0; err == nil && i < len(notices); i++ {
		err = commit(&notices[i], 0)
	}
	if err == nil && p.Lost != nil {
		p.Lost.First, p.Lost.Anchor = log.NextSeq(), log.Link()
		err = commit(p.Lost, p.Lost.Last+1)
	}
	for i := 0; err == nil && i < len(p.Accepted); i++ {
		err = commit(&p.Accepted[i], 0)
	}
	if cerr := log.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// The index may describe the records removed: the next Open rebuilds
	// it from what is left, with the removal records of the log.
	return removeFiles(fsys, dir, indexName, snapshotName)
}

// removeFiles removes the named files of dir that exist, and syncs dir.
func removeFiles(fsys vfs.FS, dir string, names ...string) error {
	for _, name := range names {
		if err := fsys.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fsys.SyncDir(dir)
}
