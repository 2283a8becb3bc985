package wal

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// BrokenExt starts the suffix of the copy a repair keeps of a segment it
// rewrote: "<name>.broken-<UTC time>". Open and ListSegments ignore such
// files.
const BrokenExt = ".broken-"

// RepairPlan says how a repair rewrites the damaged segments of a log, so
// that it opens and reads cleanly again while keeping every intact batch.
// PlanRepair makes one without changing anything; Apply carries it out.
//
// A segment is damaged when its header does not decode, a frame that does
// not decode has valid frames after it, a commit frame contradicts its
// batch, or (a sealed segment) it ends inside a batch. Its rewrite keeps
// the batches that read cleanly, before and after the damage, byte for
// byte; each damaged run becomes a removal frame (see [Batch.SetRemoval])
// whose commit moves the sequence numbers past the entries that were there,
// so that no number is ever used twice and the intact batches after the
// damage keep theirs. A torn tail of the newest segment is not damage:
// Open truncates it, and its entries, never committed, are not counted.
type RepairPlan struct {
	// Segments are the damaged segments, oldest first.
	Segments []*SegmentPlan
	// Next is the sequence number the log's next entry takes once the plan
	// is applied, and Link the link it continues from. Entries is the
	// number of entries the log holds then.
	Next    uint64
	Link    [32]byte
	Entries uint64

	fs  vfs.FS
	dir string
}

// SegmentPlan is the rewrite of one damaged segment.
type SegmentPlan struct {
	// Segment is the file name and Size the size the plan saw.
	Segment string
	Size    int64
	// Header is the header the rewrite writes: the segment's own (at the
	// current version), or one rebuilt from the file name and the link the
	// log reaches before the segment when HeaderDamage is set.
	Header       segment.Header
	HeaderDamage *CorruptionError
	// Parts cover the bytes after the header, in order: runs of intact
	// batches kept and runs of bytes removed.
	Parts []Part
	// Torn is the torn tail of the newest segment, dropped as Open would.
	Torn *TornError
	// Newest is set for the log's newest segment.
	Newest bool
}

// Part is a run of a segment's bytes, Offset to End: intact batches a
// repair keeps, or bytes it removes.
type Part struct {
	Offset, End int64
	// First and Next: the entries First to Next-1 are in the part (none
	// when they are equal). For a removed part they are the entries that
	// leave the log.
	First, Next uint64
	// Link is, for a kept part, the link its first batch continues from;
	// for a removed part, the link of the batch after it (what the rest of
	// the log continues from).
	Link    [32]byte
	Removed bool
	// Damage says what is wrong in a removed part.
	Damage error
	// Estimated is set on a removed part when no commit frame after the
	// damage says where the entries end: Next then counts every valid
	// entry frame after the damage, which may include entries never
	// committed (their numbers are skipped, never reused).
	Estimated bool
}

// Removed returns the number of entries the segment's rewrite removes.
func (p *SegmentPlan) Removed() uint64 {
	var n uint64
	for _, x := range p.Parts {
		if x.Removed {
			n += x.Next - x.First
		}
	}
	return n
}

// PlanRepair reads every segment of the log in dir and returns how to
// repair the damaged ones, or a plan with no segment when none is damaged.
// link is the link of the log's first segment (llog gives its genesis
// digest), used to rebuild a damaged header of the segment that starts at
// sequence number 1. A segment written by a newer format version is not
// repaired: the error matches segment.ErrNewerVersion. It changes nothing.
func PlanRepair(fsys vfs.FS, dir string, link [32]byte) (*RepairPlan, error) {
	if fsys == nil {
		fsys = vfs.Default
	}
	segs, err := ListSegments(fsys, dir)
	if err != nil {
		return nil, err
	}
	p := &RepairPlan{fs: fsys, dir: dir, Next: 1, Link: link}
	for i, s := range segs {
		var after *segment.Header // the header of the segment after s
		if i+1 < len(segs) {
			h, err := readHeader(fsys, dir, segs[i+1])
			if err != nil {
				return nil, err
			}
			after = &h
		}
		sp, next, link, err := planSegment(fsys, dir, s, i == 0, p.Next, p.Link, after, &p.Entries)
		if err != nil {
			return nil, err
		}
		if sp != nil {
			sp.Newest = after == nil
			p.Segments = append(p.Segments, sp)
		}
		p.Next, p.Link = next, link
	}
	return p, nil
}

// readHeader returns the header of segment s; when it does not decode,
// one with the first sequence number of its name and the link it holds,
// which may be wrong.
func readHeader(fsys vfs.FS, dir string, s SegmentInfo) (segment.Header, error) {
	w, err := OpenWalker(fsys, dir, s.Name)
	var ce *CorruptionError
	switch {
	case errors.As(err, &ce):
		h := segment.Header{Version: segment.Version, First: s.First}
		b, rerr := vfs.ReadFile(fsys, filepath.Join(dir, s.Name))
		if rerr != nil {
			return h, fmt.Errorf("wal: read %s: %w", s.Name, rerr)
		}
		if len(b) >= 56 {
			copy(h.Link[:], b[24:56])
		}
		return h, nil
	case err != nil:
		return segment.Header{}, err
	}
	defer w.Close()
	return w.Header(), nil
}

// planSegment reads segment s, which should start at sequence number next
// after link (as the segments before it end), and returns its rewrite, or
// nil when it needs none, and where the log goes on after it. after is
// the next segment's header, nil for the newest segment.
func planSegment(fsys vfs.FS, dir string, s SegmentInfo, oldest bool, next uint64, link [32]byte, after *segment.Header, entries *uint64) (*SegmentPlan, uint64, [32]byte, error) {
	f, err := fsys.Open(filepath.Join(dir, s.Name))
	if err != nil {
		return nil, 0, link, fmt.Errorf("wal: open segment %s: %w", s.Name, err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, 0, link, fmt.Errorf("wal: size of segment %s: %w", s.Name, err)
	}
	sp := &SegmentPlan{Segment: s.Name, Size: size}
	w, err := NewWalker(s.Name, f, size)
	var ce *CorruptionError
	switch {
	case errors.Is(err, segment.ErrNewerVersion):
		return nil, 0, link, err
	case errors.As(err, &ce):
		// Rebuild the header: its first seq from the name, its link from
		// the segment before (or the log's first link), else what the
		// damaged header holds.
		sp.HeaderDamage = ce
		h, herr := readHeader(fsys, dir, s)
		if herr != nil {
			return nil, 0, link, herr
		}
		if !oldest || s.First == 1 {
			h.Link = link
		}
		w = newWalkerAt(s.Name, f, size, h)
	case err != nil:
		return nil, 0, link, err
	}
	sp.Header = w.Header()
	sp.Header.Version = segment.Version
	part := Part{Offset: segment.HeaderSize, First: sp.Header.First, Next: sp.Header.First, Link: sp.Header.Link}
	for {
		err := w.visitToEnd(func(Entry) { *entries++ })
		end, n, l := w.End()
		if end > part.Offset {
			part.End, part.Next = end, n
			sp.Parts = append(sp.Parts, part)
		}
		var torn *TornError
		switch {
		case err == nil:
			next, link = n, l
			return sp.done(), next, link, nil
		case errors.As(err, &torn) && after == nil:
			sp.Torn = torn
			return sp.done(), n, l, nil
		case errors.As(err, &torn):
			// A sealed segment cut inside a batch: what follows is lost up
			// to the next segment.
			return sp.final(f, size, Part{Offset: end, First: n, Link: l, Damage: torn}, after)
		case !errors.As(err, &ce):
			return nil, 0, link, err
		}
		gap := Part{Offset: end, First: n, Link: l, Removed: true, Damage: ce}
		ok, err := w.Resync()
		if err != nil {
			return nil, 0, link, err
		}
		rEnd, rNext, rLink := w.End()
		if !ok || rNext < n {
			// No commit frame after the damage says where its entries
			// end (or one that would move the numbers back).
			return sp.final(f, size, gap, after)
		}
		gap.End, gap.Next, gap.Link = rEnd, rNext, rLink
		sp.Parts = append(sp.Parts, gap)
		part = Part{Offset: rEnd, First: rNext, Next: rNext, Link: rLink}
	}
}

// final ends the plan of a segment with the removal of everything from
// gap.Offset on, and returns where the log goes on. The entries removed
// run to the next segment's first, or, in the newest segment, past every
// valid entry frame after the damage.
func (sp *SegmentPlan) final(r io.ReaderAt, size int64, gap Part, after *segment.Header) (*SegmentPlan, uint64, [32]byte, error) {
	gap.End, gap.Removed = size, true
	if after != nil {
		gap.Next, gap.Link = max(after.First, gap.First), after.Link
	} else {
		n, err := countEntries(r, gap.Offset, size)
		if err != nil {
			return nil, 0, gap.Link, fmt.Errorf("wal: read segment %s: %w", sp.Segment, err)
		}
		gap.Next, gap.Estimated = gap.First+n, true
	}
	sp.Parts = append(sp.Parts, gap)
	return sp, gap.Next, gap.Link, nil
}

// done returns sp when the segment needs a rewrite, else nil.
func (sp *SegmentPlan) done() *SegmentPlan {
	if sp.HeaderDamage != nil {
		return sp
	}
	for _, p := range sp.Parts {
		if p.Removed {
			return sp
		}
	}
	return nil
}

// countEntries bounds the entries that may have been committed in
// [from, end) when no commit frame there says: every valid entry frame,
// and one for each damaged run between valid frames, which may have been
// an entry. Numbers skipped are never reused, so erring high is safe.
func countEntries(r io.ReaderAt, from, end int64) (uint64, error) {
	var n uint64
	fr := segment.NewReader(r, from, end)
	for off := from; off < end; {
		fr.Reset(r, off, end)
		var err error
		for err == nil {
			var f segment.Frame
			if f, err = fr.Next(); err == nil && f.Kind == KindEntry {
				n++
			}
		}
		var fe *segment.FrameError
		switch {
		case err == io.EOF:
			return n, nil
		case !errors.As(err, &fe):
			return n, err
		}
		n++ // a damaged run
		next, found, err := segment.FindFrame(r, fe.Offset+1, end)
		if err != nil || !found {
			return n, err
		}
		off = next
	}
	return n, nil
}

// Apply carries out the plan. For each damaged segment it keeps a synced
// copy of the file as it was ("<name>.broken-<now>", in the log's
// directory), then writes the rewrite to "<name>.tmp", syncs it, renames it
// over the segment and syncs the directory, so the segment is either as it
// was or repaired. Each removed part that held entries becomes a removal
// frame whose payload removal returns (given the part and the copy's
// name). It refuses to touch a segment whose size changed since the plan.
// The caller must hold whatever lock keeps writers out of the log. It
// returns the copies' names.
func (p *RepairPlan) Apply(now time.Time, removal func(sp *SegmentPlan, part *Part, copy string) []byte) ([]string, error) {
	var copies []string
	for _, sp := range p.Segments {
		c, err := p.applySegment(sp, now, removal)
		if c != "" {
			copies = append(copies, c)
		}
		if err != nil {
			return copies, err
		}
	}
	return copies, nil
}

func (p *RepairPlan) applySegment(sp *SegmentPlan, now time.Time, removal func(*SegmentPlan, *Part, string) []byte) (string, error) {
	path := filepath.Join(p.dir, sp.Segment)
	data, err := vfs.ReadFile(p.fs, path)
	if err != nil {
		return "", fmt.Errorf("wal: repair: read %s: %w", sp.Segment, err)
	}
	if int64(len(data)) != sp.Size {
		return "", fmt.Errorf("wal: repair: %s is %d bytes, the plan saw %d: plan again", sp.Segment, len(data), sp.Size)
	}
	// Keep the evidence: a synced copy, under a name Open ignores.
	backup := sp.Segment + BrokenExt + now.UTC().Format("20060102T150405Z")
	if err := vfs.WriteFileAtomic(p.fs, p.dir, filepath.Join(p.dir, backup), data, 0o600); err != nil {
		return "", fmt.Errorf("wal: repair: back up %s: %w", sp.Segment, err)
	}
	out := segment.AppendHeader(nil, sp.Header)
	for i := range sp.Parts {
		x := &sp.Parts[i]
		switch {
		case !x.Removed:
			out = append(out, data[x.Offset:x.End]...)
		case x.Next > x.First:
			var b Batch
			if err := b.SetRemoval(removal(sp, x, backup), x.Next); err != nil {
				return backup, fmt.Errorf("wal: repair %s: %w", sp.Segment, err)
			}
			out = append(out, b.buf...)
			if out, err = appendCommit(out, commit{first: x.Next, link: x.Link}); err != nil {
				return backup, fmt.Errorf("wal: repair %s: %w", sp.Segment, err)
			}
		}
	}
	// Through "<name>.tmp", which Open removes if a crash leaves it.
	if err := vfs.WriteFileAtomic(p.fs, p.dir, path, out, 0o600); err != nil {
		return backup, fmt.Errorf("wal: repair: replace %s: %w", sp.Segment, err)
	}
	return backup, nil
}
