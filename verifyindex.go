package llog

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/wal"
)

// IndexReport says what verification found when it compared the index with
// the segments.
type IndexReport struct {
	// Checked is false when there was no index to compare (none yet, or
	// the index is disabled).
	Checked bool `json:"checked"`
	// Source is the file compared: "index.db", or "index.snap" (the copy a
	// running writer leaves for readers) while a writer holds the index.
	Source string `json:"source,omitempty"`
	// Blocks is the number of block summaries compared; Mark the last
	// sequence number the index covers.
	Blocks int    `json:"blocks"`
	Mark   uint64 `json:"mark"`
	// Problems counts disagreements, each also listed as a break whose
	// reason starts with "index:". The index is derived data: deleting
	// index.db makes the next Open rebuild it from the segments.
	Problems int `json:"problems"`
	// Behind counts the records the log holds after the index's
	// watermark: 0 when the index is current. A writer checkpoints its
	// index now and then and at Close, so a running writer's snapshot is
	// usually behind; a closed store's index is behind only when its
	// writer crashed or its index failed (the next Open catches it up).
	Behind uint64 `json:"behind"`
}

// indexCheck compares the blocks of an index with the records a scan
// reads, in sequence order.
type indexCheck struct {
	x      *index.Index
	rep    *IndexReport
	v      *verifier
	queue  []index.Block   // blocks not yet compared, in order
	from   uint64          // next seq to fetch blocks from
	done   bool            // no more blocks to fetch
	cur    *index.Block    // the block the scan is in
	gone   []index.Removal // retention records: their records are out of the index
	unread [][2]uint64     // ranges of records verification could not read (damage)
	count  uint32
	minT   int64
	maxT   int64
	models []string
}

// newIndexCheck returns the comparison of the index x (opened from the
// file source, with watermark mark) with the scan, or nil when there is no
// index. The caller closes x.
func newIndexCheck(x *index.Index, source string, mark index.Mark, v *verifier, gone []index.Removal) *indexCheck {
	if x == nil {
		v.rep.Index = &IndexReport{}
		return nil
	}
	v.rep.Index = &IndexReport{Checked: true, Source: source, Mark: mark.Seq}
	return &indexCheck{x: x, rep: v.rep.Index, v: v, gone: gone}
}

// openIndexReadOnly opens the store's index without disturbing a writer:
// index.db when no writer holds it, else the snapshot the writer leaves for
// readers. It returns nil when there is neither.
func openIndexReadOnly(fsys vfs.FS, dir string, store storeInfo) (*index.Index, string, error) {
	if !vfs.OnOS(fsys) {
		return nil, "", nil
	}
	for _, name := range []string{indexName, snapshotName} {
		path := filepath.Join(dir, name)
		if _, err := fsys.Stat(path); err != nil {
			continue
		}
		x, err := index.Open(path, store.id[:], &index.Options{ReadOnly: true, Timeout: time.Millisecond, FS: fsys})
		if err != nil {
			continue
		}
		return x, name, nil
	}
	return nil, "", nil
}

func (c *indexCheck) problem(seq uint64, format string, args ...any) {
	c.rep.Problems++
	c.v.addBreak(Break{Seq: seq, Reason: "index: " + fmt.Sprintf(format, args...) +
		" (the index is derived: delete index.db to rebuild it)"})
}

// next returns the next block to compare, fetching more when needed.
func (c *indexCheck) next() *index.Block {
	if len(c.queue) == 0 && !c.done {
		bs, err := c.x.Blocks(c.from, c.rep.Mark, false, 1024)
		if err != nil {
			c.problem(c.from, "read blocks: %v", err)
			c.done = true
			return nil
		}
		if len(bs) < 1024 {
			c.done = true
		}
		if len(bs) > 0 {
			c.from = bs[len(bs)-1].Last() + 1
		}
		c.queue = bs
	}
	if len(c.queue) == 0 {
		return nil
	}
	b := &c.queue[0]
	c.queue = c.queue[1:]
	c.rep.Blocks++
	return b
}

// record compares one record read by the scan: its sequence number,
// segment, frame offset, time, model and the digest before it.
func (c *indexCheck) record(seq uint64, seg string, off int64, t time.Time, model string, prev chain.Digest) {
	if seq > c.rep.Mark {
		c.rep.Behind++
		return
	}
	if slices.ContainsFunc(c.gone, func(r index.Removal) bool { return r.First <= seq && seq <= r.Last }) {
		return // retention recorded its removal; its file may still be there
	}
	for c.cur == nil || seq > c.cur.Last() {
		c.finish()
		if c.cur = c.next(); c.cur == nil {
			return
		}
	}
	if seq < c.cur.First {
		c.problem(seq, "record %d is in no block", seq)
		return
	}
	first, _ := wal.ParseSegmentName(seg)
	if seq == c.cur.First {
		if c.cur.Pos.Segment != first || c.cur.Pos.Offset != off {
			c.problem(seq, "block at seq %d points at %s offset %d; the record is in %s offset %d",
				seq, wal.SegmentName(c.cur.Pos.Segment), c.cur.Pos.Offset, seg, off)
		}
		if chain.Digest(c.cur.Prev) != prev {
			c.problem(seq, "block at seq %d holds the wrong previous digest", seq)
		}
		c.count, c.minT, c.maxT, c.models = 0, math.MaxInt64, math.MinInt64, c.models[:0]
	} else if c.cur.Pos.Segment != first {
		c.problem(seq, "block at seq %d spans segments", c.cur.First)
	}
	c.count++
	c.minT = min(c.minT, t.UnixNano())
	c.maxT = max(c.maxT, t.UnixNano())
	if !slices.Contains(c.models, model) {
		c.models = append(c.models, model)
	}
}

// skip notes that records first..last could not be read.
func (c *indexCheck) skip(first, last uint64) {
	c.unread = append(c.unread, [2]uint64{first, last})
}

// finish compares the block the scan just left.
func (c *indexCheck) finish() {
	b := c.cur
	if b == nil {
		return
	}
	c.cur = nil
	for _, r := range c.unread {
		if r[0] <= b.Last() && b.First <= r[1] {
			c.count = 0
			return // the log is damaged there: that break is reported already
		}
	}
	if c.count == 0 {
		// Below the first record read: removed by retention after the
		// index was copied, or missing from the log.
		if b.Last() >= c.v.rep.FirstSeq && c.v.rep.Records > 0 {
			c.problem(b.First, "block at seq %d describes records the log does not have", b.First)
		}
		return
	}
	slices.Sort(c.models)
	if c.count != b.Count || c.minT != b.MinTime || c.maxT != b.MaxTime || !slices.Equal(c.models, b.Models) {
		c.problem(b.First, "block at seq %d says %d records, times %d..%d, models %v; the log has %d, %d..%d, %v",
			b.First, b.Count, b.MinTime, b.MaxTime, b.Models, c.count, c.minT, c.maxT, c.models)
	}
	c.count = 0
}

// close finishes the comparison (the caller closes the index). An index
// whose watermark is beyond the last record read saw records committed
// that the log no longer holds: acknowledged records were lost, however
// the log was cut (at a batch boundary, or inside a batch, which leaves a
// torn tail). That is a break naming how many and where, and not an index
// problem: the index is the evidence, and deleting it would not bring the
// records back.
func (c *indexCheck) close() {
	rep := c.v.rep
	if c.cur != nil && c.cur.Last() > rep.LastSeq {
		c.cur = nil // the block reaching into the records lost: the break below says so
	}
	c.finish()
	if rep.LastSeq < c.rep.Mark && c.rep.Mark > 0 {
		n := c.rep.Mark - rep.LastSeq
		b := Break{Seq: rep.LastSeq + 1, Reason: fmt.Sprintf("acknowledged records lost: %s had seen records %d to %d committed (%d), and the log ends at seq %d",
			c.rep.Source, rep.LastSeq+1, c.rep.Mark, n, rep.LastSeq)}
		if t := rep.TornTail; t != nil {
			t.IndexedRecords = n
			b.Segment, b.Offset = t.Segment, t.Offset
			b.Reason += fmt.Sprintf(", cut inside a batch: %d bytes after offset %d do not form a committed batch", t.Bytes, t.Offset)
		} else if c.v.lastSeg != "" {
			b.Segment, b.Offset = c.v.lastSeg, c.v.lastEnd
		}
		c.v.addBreak(b)
	}
}
