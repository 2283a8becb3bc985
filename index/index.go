// Package index is llog's derived index: a bbolt file that summarizes the
// segment log so that queries and retention do not have to read it all.
//
// The log is the truth. Everything here can be rebuilt from the segments,
// so losing or deleting the index file costs time, never data. Package llog
// is the supported API; it feeds the index and translates its positions.
// This package does not know the wal or segment packages: a record's
// location is a [Pos] (the first sequence number of its segment and an
// offset), which the root package translates.
//
// # What it holds
//
// The index is sparse, to stay small on 32-bit boards where bbolt's memory
// map is limited to about 2 GB and to write few pages per checkpoint (flash
// wear): one summary per [Block] of consecutive records (at most a few
// dozen) instead of one entry per record.
//
//	meta         "version" → 1, "store" → store identity, "mark" → watermark:
//	             last indexed seq, position of the next record, time;
//	             "drops" → the engine's drop counters (uvarints)
//	blocks       be64(first seq) → block: count, position, min and max time,
//	             model ids present, digest of the record before it
//	models       nameKey(model name) → id;  modelnames: be32(id) → name
//	modelblocks  be32(model id) ‖ be64(block first seq) → number of records
//	segments     be64(segment first seq) → segment summary: last seq,
//	             records, bytes, min and max time, model ids
//	removals     be64(id) → retention record: removed range, segment
//	             files, chain anchor, policy, time, done, logged (the
//	             log holds it as a removal frame, the index a copy)
//	merkle       u8 level ‖ be64 index → Merkle node hash (merkle.go)
//
// Times are Unix nanoseconds from the device clock; they can go backwards,
// so blocks keep their minimum and maximum and queries by time check every
// block whose range overlaps, in sequence order.
package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Version is the index format version. Version 2 added the Merkle nodes
// (merkle.go), version 3 keyed them by where their leaves end; a file of
// another version is rebuilt.
const Version = 3

var (
	bktMeta        = []byte("meta")
	bktBlocks      = []byte("blocks")
	bktModels      = []byte("models")
	bktModelNames  = []byte("modelnames")
	bktModelBlocks = []byte("modelblocks")
	bktSegments    = []byte("segments")
	bktRemovals    = []byte("removals")

	keyVersion = []byte("version")
	keyStore   = []byte("store")
	keyMark    = []byte("mark")
	keyDrops   = []byte("drops")
)

// Errors.
var (
	// ErrUnusable is matched by the error Open returns when the file
	// exists but cannot serve as this store's index: it belongs to another
	// store or format version (ErrMismatch too), it is damaged, or it is
	// not a file. Rebuild it. The other errors of Open (EIO, ENOSPC, no
	// memory, no permission, a lock held elsewhere) say nothing about the
	// file, which should be kept.
	ErrUnusable = errors.New("index: unusable file")
	// ErrMismatch is returned by Open when the index belongs to another
	// store or another format version: rebuild it.
	ErrMismatch = errors.New("index: belongs to another store or version")
	// ErrCorrupt is returned when a stored value does not decode.
	ErrCorrupt = errors.New("index: corrupt value")
	// ErrNotOS is returned by Open for a filesystem that cannot hand out
	// operating-system files, which bbolt needs (see vfs.OnOS).
	ErrNotOS = vfs.ErrNotOS
)

// Pos locates a record's frame: the first sequence number of its segment
// and the frame's offset in that segment file.
type Pos struct {
	Segment uint64
	Offset  int64
}

// Block summarizes consecutive records that lie in one segment.
type Block struct {
	First   uint64 // sequence number of the first record
	Count   uint32 // number of records
	Pos     Pos    // frame of the first record
	MinTime int64  // Unix nanoseconds
	MaxTime int64
	Models  []string // distinct models, sorted
	// Prev is the chain digest of the record before the block, so a query
	// that starts reading at the block can give every record its previous
	// digest.
	Prev [32]byte
}

// Last returns the sequence number of the block's last record.
func (b *Block) Last() uint64 { return b.First + uint64(b.Count) - 1 }

// Segment summarizes the indexed records of a segment file.
type Segment struct {
	First   uint64 // first sequence number: names the file
	Last    uint64 // last indexed sequence number
	Records uint64
	Bytes   int64 // bytes of the indexed records' frames
	MinTime int64
	MaxTime int64
	Models  []string
}

// Removal is a retention record: what was deleted and the anchor the
// remaining chain starts from.
type Removal struct {
	ID       uint64   // assigned by AddRemoval, increasing
	First    uint64   // first removed sequence number
	Last     uint64   // last removed sequence number
	Segments []uint64 // first sequence numbers of the removed segment files
	Anchor   [32]byte // chain digest of record Last: what the rest links to
	Policy   string   // which limit caused it: "max-age", "max-bytes", "max-records"
	Time     int64    // Unix nanoseconds when it was decided
	Done     bool     // the files are unlinked and the directory synced
	// Logged is set when the removal is recorded in the log itself (a
	// removal frame), from which the index can be rebuilt; a record of an
	// older version is not, until the writer copies it there.
	Logged bool
}

// Mark is the index's watermark: everything up to Seq is indexed, and the
// record after it starts at Next.
type Mark struct {
	Seq  uint64
	Next Pos
	Time int64 // Unix nanoseconds of the checkpoint
}

// Options configure Open.
type Options struct {
	// ReadOnly opens the file without writing; it fails (after Timeout)
	// while a writer holds the file.
	ReadOnly bool
	// Timeout bounds the wait for bbolt's file lock. Zero means fail at
	// once.
	Timeout time.Duration
	// NoSync skips bbolt's fsyncs on commit (tests only: the index is
	// rebuilt from the log anyway, but a torn index costs a rebuild). A new
	// file's folder is still synced.
	NoSync bool
	// FS is the filesystem the index's files are on; nil means the
	// operating system's. bbolt opens, maps and locks its file itself, so
	// it needs a filesystem that can hand out operating-system files
	// (vfs.OnOS); the snapshot and the folder syncs go through FS like
	// every file of a store.
	FS vfs.FS
}

// Index is an open index file.
type Index struct {
	fs       vfs.FS
	db       *bolt.DB
	readOnly bool
	models   map[string]uint32 // nameKey(name) → id (writer only)
	commits  atomic.Int64
}

// Open opens or creates the index at path for the store with the given
// identity. It returns ErrMismatch, with the file closed, when the file
// belongs to another store or format version.
func Open(path string, storeID []byte, opts *Options) (*Index, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = time.Millisecond // bbolt: 0 would wait forever
	}
	fsys := o.FS
	if fsys == nil {
		fsys = vfs.Default
	}
	if !vfs.OnOS(fsys) {
		return nil, fmt.Errorf("index: open %s: %w", path, ErrNotOS)
	}
	_, statErr := fsys.Stat(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         timeout,
		ReadOnly:        o.ReadOnly,
		NoFreelistSync:  true,
		FreelistType:    bolt.FreelistMapType,
		NoSync:          o.NoSync,
		InitialMmapSize: 0,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			return vfs.OpenOS(fsys, name, flag, perm)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, classify(err))
	}
	x := &Index{fs: fsys, db: db, readOnly: o.ReadOnly, models: map[string]uint32{}}
	if err := x.init(storeID); err != nil {
		db.Close()
		return nil, classify(err)
	}
	if errors.Is(statErr, fs.ErrNotExist) && !o.ReadOnly {
		// A new file: make its directory entry durable too.
		if err := fsys.SyncDir(filepath.Dir(path)); err != nil {
			db.Close()
			return nil, fmt.Errorf("index: sync dir of %s: %w", path, err)
		}
	}
	return x, nil
}

// classify makes an error of Open match ErrUnusable unless it says the
// system could not do the work now (an I/O error, a full disk, no memory,
// no permission, a lock held elsewhere), which says nothing about the file.
func classify(err error) error {
	if errors.Is(err, ErrUnusable) || errors.Is(err, bolterrors.ErrTimeout) {
		return err
	}
	for _, errno := range []syscall.Errno{syscall.EIO, syscall.ENOSPC, syscall.EDQUOT, syscall.EAGAIN, syscall.EINTR,
		syscall.ENOMEM, syscall.EMFILE, syscall.ENFILE, syscall.EACCES, syscall.EPERM, syscall.EROFS, syscall.EBUSY} {
		if errors.Is(err, errno) {
			return err
		}
	}
	return fmt.Errorf("%w: %w", ErrUnusable, err)
}

func (x *Index) init(storeID []byte) error {
	check := func(tx *bolt.Tx) error {
		m := tx.Bucket(bktMeta)
		if m == nil {
			return fmt.Errorf("%w: no meta bucket", ErrMismatch)
		}
		if v := m.Get(keyVersion); len(v) != 8 || binary.BigEndian.Uint64(v) != Version {
			return fmt.Errorf("%w: version %x", ErrMismatch, v)
		}
		if !bytes.Equal(m.Get(keyStore), storeID) {
			return fmt.Errorf("%w: store %x", ErrMismatch, m.Get(keyStore))
		}
		return nil
	}
	if x.readOnly {
		return x.db.View(check)
	}
	return x.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bktMeta) == nil {
			for _, b := range [][]byte{bktMeta, bktBlocks, bktModels, bktModelNames, bktModelBlocks, bktSegments, bktRemovals, bktMerkle} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			m := tx.Bucket(bktMeta)
			if err := m.Put(keyVersion, be64(Version)); err != nil {
				return err
			}
			if err := m.Put(keyStore, storeID); err != nil {
				return err
			}
		}
		if err := check(tx); err != nil {
			return err
		}
		return tx.Bucket(bktModels).ForEach(func(k, v []byte) error {
			if len(v) != 4 {
				return fmt.Errorf("%w: model id of %q", ErrCorrupt, k)
			}
			x.models[string(k)] = binary.BigEndian.Uint32(v) // keyed by nameKey
			return nil
		})
	})
}

// Close closes the file.
func (x *Index) Close() error { return x.db.Close() }

// Path returns the file's path.
func (x *Index) Path() string { return x.db.Path() }

// Mark returns the watermark (zero when nothing is indexed).
func (x *Index) Mark() (Mark, error) {
	var m Mark
	err := x.db.View(func(tx *bolt.Tx) error {
		var err error
		m, err = decodeMark(tx.Bucket(bktMeta).Get(keyMark))
		return err
	})
	return m, err
}

// Checkpoint is what one bbolt transaction adds to the index.
type Checkpoint struct {
	Blocks   []Block
	Segments []Segment // summaries to replace (by First)
	Mark     Mark
	// Counters, when not nil, replaces the stored counters (the engine's
	// drop totals over the store's life).
	Counters []uint64
	// Nodes are Merkle nodes completed since the last checkpoint (levels
	// MinNodeLevel and up), and Frontier, when not nil, the Merkle
	// frontier at Mark.Seq (merkle.go).
	Nodes    []Node
	Frontier *Frontier
}

// Apply writes a checkpoint in one transaction (one bbolt commit, one
// fsync pair).
func (x *Index) Apply(c *Checkpoint) error {
	defer x.commits.Add(1)
	return x.db.Update(func(tx *bolt.Tx) error {
		blocks := tx.Bucket(bktBlocks)
		mb := tx.Bucket(bktModelBlocks)
		for i := range c.Blocks {
			b := &c.Blocks[i]
			ids, err := x.modelIDs(tx, b.Models)
			if err != nil {
				return err
			}
			if err := blocks.Put(be64(b.First), encodeBlock(b, ids)); err != nil {
				return err
			}
			for _, id := range ids {
				if err := mb.Put(modelKey(id, b.First), nil); err != nil {
					return err
				}
			}
		}
		segs := tx.Bucket(bktSegments)
		for i := range c.Segments {
			s := &c.Segments[i]
			ids, err := x.modelIDs(tx, s.Models)
			if err != nil {
				return err
			}
			if err := segs.Put(be64(s.First), encodeSegment(s, ids)); err != nil {
				return err
			}
		}
		if c.Counters != nil {
			var v []byte
			for _, n := range c.Counters {
				v = binary.AppendUvarint(v, n)
			}
			if err := tx.Bucket(bktMeta).Put(keyDrops, v); err != nil {
				return err
			}
		}
		if err := putMerkle(tx, c); err != nil {
			return err
		}
		return tx.Bucket(bktMeta).Put(keyMark, encodeMark(c.Mark))
	})
}

// Counters returns the counters stored by the last checkpoint that set
// them (nil when none did).
func (x *Index) Counters() ([]uint64, error) {
	var out []uint64
	err := x.db.View(func(tx *bolt.Tx) error {
		r := reader{b: tx.Bucket(bktMeta).Get(keyDrops)}
		for len(r.b) > 0 && r.err == nil {
			out = append(out, r.uvarint())
		}
		return r.err
	})
	return out, err
}

// modelIDs returns the ids of the named models, registering new ones.
func (x *Index) modelIDs(tx *bolt.Tx, names []string) ([]uint32, error) {
	ids := make([]uint32, len(names))
	for i, n := range names {
		key := nameKey(n)
		id, ok := x.models[string(key)]
		if !ok {
			id = uint32(len(x.models) + 1)
			if err := tx.Bucket(bktModels).Put(key, be32(id)); err != nil {
				return nil, err
			}
			if err := tx.Bucket(bktModelNames).Put(be32(id), []byte(n)); err != nil {
				return nil, err
			}
			x.models[string(key)] = id
		}
		ids[i] = id
	}
	return ids, nil
}

// modelNames maps ids back to names within a transaction.
func modelNames(tx *bolt.Tx, ids []uint32) ([]string, error) {
	names := make([]string, len(ids))
	b := tx.Bucket(bktModelNames)
	for i, id := range ids {
		v := b.Get(be32(id))
		if v == nil {
			return nil, fmt.Errorf("%w: unknown model id %d", ErrCorrupt, id)
		}
		names[i] = string(v)
	}
	slices.Sort(names)
	return names, nil
}

// Blocks returns up to limit blocks whose first record is at most upTo:
// in sequence order starting with the block that holds seq from (or the
// first after it), or, when reverse is set, newest first starting with the
// block that holds from (or the last before it).
func (x *Index) Blocks(from, upTo uint64, reverse bool, limit int) ([]Block, error) {
	var out []Block
	err := x.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bktBlocks).Cursor()
		k, v := seekLE(c, be64(from))
		if !reverse {
			if k == nil {
				k, v = c.First()
			} else if b, err := decodeBlock(tx, k, v); err != nil {
				return err
			} else if b.Last() < from {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(out) < limit; k, v = step(c, reverse) {
			if binary.BigEndian.Uint64(k) > upTo {
				if reverse {
					continue
				}
				break
			}
			b, err := decodeBlock(tx, k, v)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

// seekLE moves c to the last key that is at most key.
func seekLE(c *bolt.Cursor, key []byte) ([]byte, []byte) {
	k, v := c.Seek(key)
	if k != nil && bytes.Equal(k, key) {
		return k, v
	}
	return c.Prev()
}

func step(c *bolt.Cursor, reverse bool) ([]byte, []byte) {
	if reverse {
		return c.Prev()
	}
	return c.Next()
}

// ModelBlocks is Blocks restricted to blocks holding a record of one of
// the models, merged across models.
func (x *Index) ModelBlocks(models []string, from, upTo uint64, reverse bool, limit int) ([]Block, error) {
	var firsts []uint64
	err := x.db.View(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bktModelBlocks)
		for _, m := range models {
			id, ok := x.lookupModel(tx, m)
			if !ok {
				continue
			}
			prefix := be32(id)
			c := mb.Cursor()
			// Start at the model's last block starting at or before from: it
			// may hold from (forward), or it is the newest wanted (reverse).
			k, _ := seekLE(c, modelKey(id, from))
			if k == nil || !bytes.HasPrefix(k, prefix) {
				if reverse {
					continue
				}
				k, _ = c.Seek(prefix)
			}
			for n := 0; k != nil && bytes.HasPrefix(k, prefix) && n < limit+1; k, _ = step(c, reverse) {
				first := binary.BigEndian.Uint64(k[4:])
				if first > upTo {
					if reverse {
						continue
					}
					break
				}
				firsts = append(firsts, first)
				n++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(firsts)
	firsts = slices.Compact(firsts)
	if reverse {
		slices.Reverse(firsts)
	}
	out := make([]Block, 0, min(len(firsts), limit))
	err = x.db.View(func(tx *bolt.Tx) error {
		blocks := tx.Bucket(bktBlocks)
		for _, f := range firsts {
			if len(out) == limit {
				break
			}
			k := be64(f)
			v := blocks.Get(k)
			if v == nil {
				continue // removed by retention meanwhile
			}
			b, err := decodeBlock(tx, k, v)
			if err != nil {
				return err
			}
			if !reverse && b.Last() < from {
				continue
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

func (x *Index) lookupModel(tx *bolt.Tx, name string) (uint32, bool) {
	key := nameKey(name)
	if !x.readOnly {
		id, ok := x.models[string(key)]
		return id, ok
	}
	v := tx.Bucket(bktModels).Get(key)
	if len(v) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(v), true
}

// Segments returns the segment summaries, oldest first.
func (x *Index) Segments() ([]Segment, error) {
	var out []Segment
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktSegments).ForEach(func(k, v []byte) error {
			s, err := decodeSegment(tx, k, v)
			if err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// AddRemoval records a retention decision before any file is deleted, and
// in the same transaction drops the blocks and summaries of the removed
// segments. It returns the removal with its ID set.
func (x *Index) AddRemoval(r Removal) (Removal, error) {
	err := x.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bktRemovals)
		id, err := rb.NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		if err := rb.Put(be64(id), encodeRemoval(&r)); err != nil {
			return err
		}
		// Blocks of the removed range, and their model entries.
		blocks := tx.Bucket(bktBlocks)
		mb := tx.Bucket(bktModelBlocks)
		c := blocks.Cursor()
		for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) <= r.Last; k, v = c.Next() {
			ids, _, err := decodeBlockIDs(v)
			if err != nil {
				return err
			}
			first := binary.BigEndian.Uint64(k)
			for _, id := range ids {
				if err := mb.Delete(modelKey(id, first)); err != nil {
					return err
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
		}
		segs := tx.Bucket(bktSegments)
		for _, s := range r.Segments {
			if err := segs.Delete(be64(s)); err != nil {
				return err
			}
		}
		return deleteNodesBelow(tx, r.Last)
	})
	return r, err
}

// MarkRemoved records that the files of a removal are gone.
func (x *Index) MarkRemoved(id uint64) error {
	return x.updateRemoval(id, func(r *Removal) { r.Done = true })
}

// MarkLogged records that a removal is recorded in the log.
func (x *Index) MarkLogged(id uint64) error {
	return x.updateRemoval(id, func(r *Removal) { r.Logged = true })
}

// updateRemoval rewrites removal id as fn changes it.
func (x *Index) updateRemoval(id uint64, fn func(*Removal)) error {
	return x.db.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bktRemovals)
		v := rb.Get(be64(id))
		if v == nil {
			return fmt.Errorf("index: no removal %d", id)
		}
		r, err := decodeRemoval(v)
		if err != nil {
			return err
		}
		r.ID = id
		fn(&r)
		return rb.Put(be64(id), encodeRemoval(&r))
	})
}

// Removals returns the retention records, oldest first.
func (x *Index) Removals() ([]Removal, error) {
	var out []Removal
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktRemovals).ForEach(func(k, v []byte) error {
			r, err := decodeRemoval(v)
			if err != nil {
				return err
			}
			r.ID = binary.BigEndian.Uint64(k)
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// Snapshot writes a consistent copy of the index to path, for readers in
// other processes: bbolt's file lock keeps them out of the live file while a
// writer has it open. Like every file of a store it is written to a
// temporary file, synced, renamed into place, and the folder synced.
func (x *Index) Snapshot(path string) error {
	tmp := path + ".tmp"
	err := x.db.View(func(tx *bolt.Tx) error {
		f, err := x.fs.Create(tmp, 0o600)
		if err != nil {
			return err
		}
		w := &stickyWriter{w: io.NewOffsetWriter(f, 0)}
		if _, err := tx.WriteTo(w); err != nil {
			f.Close()
			if w.err != nil {
				return w.err // bbolt reports it as text: keep what it matches
			}
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	if err == nil {
		err = x.fs.Rename(tmp, path)
	}
	if err == nil {
		err = x.fs.SyncDir(filepath.Dir(path))
	}
	if err != nil {
		x.fs.Remove(tmp)
		return fmt.Errorf("index: snapshot: %w", err)
	}
	return nil
}

// stickyWriter remembers the first error of the writer it wraps.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil && s.err == nil {
		s.err = err
	}
	return n, err
}

// Stats reports the size of the file and the writes of this process.
type Stats struct {
	FileBytes int64 // size of the index file
	Commits   int64 // write transactions committed since Open
	Pages     int64 // page writes by those commits (each a page or a run of overflow pages)
	PageSize  int
}

// Stats returns the file's size and write counters.
func (x *Index) Stats() Stats {
	s := x.db.Stats()
	var size int64
	x.db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	return Stats{FileBytes: size, Commits: x.commits.Load(), Pages: s.TxStats.GetWrite(), PageSize: x.db.Info().PageSize}
}
