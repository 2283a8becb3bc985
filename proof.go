package llog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/wal"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Errors of checkpoints and proofs.
var (
	// ErrNoCheckpoint is returned when a store holds no checkpoint (it is
	// empty, or was written before checkpoints and not opened since), or
	// none that covers the record asked for.
	ErrNoCheckpoint = errors.New("llog: no checkpoint")
	// ErrNoRecord is returned by Prove when the store does not hold the
	// record (retention removed it, or it does not verify).
	ErrNoRecord = errors.New("llog: no such record")
)

// Checkpoint returns the newest checkpoint stored in the segments. It
// reads the newest segment (and older ones only when that one holds
// none). It returns an error matching ErrNoCheckpoint when there is none.
func (r *Reader) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	segs, err := wal.ListSegments(r.fs, r.dir)
	if err != nil {
		return nil, err
	}
	for i := len(segs) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var payload []byte
		var first uint64
		w, err := wal.OpenWalker(r.fs, r.dir, segs[i].Name)
		if err != nil {
			return nil, err
		}
		w.OnCheckpoint(func(c wal.Checkpoint) { payload, first = append(payload[:0], c.Payload...), c.First })
		err = w.ReadToEnd()
		w.Close()
		if err != nil && !errors.Is(err, wal.ErrTorn) && payload == nil {
			return nil, err
		}
		if payload != nil {
			_, _, ck, err := parseCheckpointPayload(payload, first)
			return ck, err
		}
	}
	return nil, fmt.Errorf("%w in %s", ErrNoCheckpoint, r.dir)
}

// CheckpointResult is what VerifyCheckpoints found for one checkpoint.
type CheckpointResult struct {
	Checkpoint *Checkpoint
	// Err is nil when the checkpoint is signed by the key and the store
	// extends it. Otherwise it matches ErrCheckpointSignature (not signed
	// by the key), ErrNotExtended (another store's, a store with fewer
	// records, or records that are not the ones it covered) or
	// ErrBadCheckpoint.
	Err error
}

// VerifyCheckpoints checks checkpoints kept off the device against the
// store: each must be signed by v's key, name this store, and be extended
// by it, which is what a consistency proof from the checkpoint's size to
// the store's size shows: the first Size records of the store have the
// checkpoint's root. The records are at hand, so the root is recomputed
// from them while the whole store is verified; the report is Verify's. A
// store that retention trimmed can be checked against checkpoints of at
// least MerkleReport.Base records; an older checkpoint fails with
// ErrNotExtended saying so.
func (r *Reader) VerifyCheckpoints(ctx context.Context, cks []*Checkpoint, v note.Verifier) (*VerifyReport, []CheckpointResult, error) {
	res := make([]CheckpointResult, len(cks))
	rep, tc, err := scanStoreTree(ctx, r.fs, r.dir, nil, func(t *treeCheck) {
		for _, ck := range cks {
			t.rootAt[ck.Size] = nil
		}
	})
	if err != nil {
		return nil, nil, err
	}
	for i, ck := range cks {
		res[i] = CheckpointResult{Checkpoint: ck, Err: checkExtends(ck, v, rep, tc)}
	}
	return rep, res, nil
}

// checkExtends checks one checkpoint against a scanned store.
func checkExtends(ck *Checkpoint, v note.Verifier, rep *VerifyReport, tc *treeCheck) error {
	if v != nil {
		if err := ck.Verify(v); err != nil {
			return err
		}
	}
	m := rep.Merkle
	switch {
	case ck.StoreID() != rep.StoreID:
		return fmt.Errorf("%w: the checkpoint is of store %s, not %s", ErrNotExtended, ck.StoreID(), rep.StoreID)
	case !m.Known:
		return fmt.Errorf("%w: the store's Merkle tree could not be rebuilt (see the breaks)", ErrNotExtended)
	case ck.Size > m.TreeSize:
		return fmt.Errorf("%w: the checkpoint covers %d records, the store holds %d: records were removed or the store was replaced by an older copy",
			ErrNotExtended, ck.Size, m.TreeSize)
	case ck.Size < m.Base || (ck.Size == 0 && m.Base > 0):
		return fmt.Errorf("%w: the checkpoint covers %d records and retention removed the first %d: it can no longer be checked against this store",
			ErrNotExtended, ck.Size, m.Base)
	}
	for _, g := range tc.gaps {
		if g.first <= ck.Size && ck.Size <= g.logEnd {
			return fmt.Errorf("%w: the checkpoint covers records %d to %d, which a repair (or a loss the store recorded) removed since: the store cannot show it holds the records the checkpoint covered",
				ErrNotExtended, g.first, g.next-1)
		}
	}
	root := tc.rootAt[ck.Size]
	if ck.Size == m.Base {
		r := (&frontier{n: m.Base, nodes: baseNodes(tc)}).root()
		root = &r
	}
	if root == nil {
		return fmt.Errorf("%w: no root of %d records was found", ErrNotExtended, ck.Size)
	}
	if *root != ck.Root {
		return fmt.Errorf("%w: the first %d records of the store have root %v, the checkpoint says %v: they were changed or replaced",
			ErrNotExtended, ck.Size, *root, ck.Root)
	}
	return nil
}

// baseNodes returns the frontier retention left, largest first.
func baseNodes(tc *treeCheck) []tlog.Hash {
	var out []tlog.Hash
	for _, id := range frontierNodes(tc.rep.Base) {
		out = append(out, tc.base[id])
	}
	return out
}

// ProofFormat is the format member of a proof document.
const ProofFormat = "llog-proof/1"

// Proof proves that one record is in a store, against a checkpoint: the
// record (as an export writes it), the inclusion proof of its chain digest
// in the Merkle tree of the checkpoint's size, and the checkpoint. Anyone
// holding the verifier key can check it with nothing else (VerifyProof, or
// tools/llog_verify.py).
type Proof struct {
	// Record is the record, with its seq, prev_hash and hash.
	Record *Record
	// Index is the record's leaf index in the tree: Seq − 1.
	Index uint64
	// Inclusion is the RFC 6962 inclusion proof of leaf Index in the tree
	// of Checkpoint.Size leaves.
	Inclusion tlog.RecordProof
	// Checkpoint is the checkpoint the proof is against.
	Checkpoint *Checkpoint
}

// proofJSON is the layout of a proof document.
type proofJSON struct {
	Format     string          `json:"format"`
	StoreID    string          `json:"store_id"`
	Record     json.RawMessage `json:"record"`
	LeafIndex  uint64          `json:"leaf_index"`
	TreeSize   uint64          `json:"tree_size"`
	Inclusion  []tlog.Hash     `json:"inclusion"`
	Checkpoint string          `json:"checkpoint"`
}

// MarshalJSON encodes the proof document (FORMAT.md, section 17).
func (p *Proof) MarshalJSON() ([]byte, error) {
	incl := p.Inclusion
	if incl == nil {
		incl = tlog.RecordProof{}
	}
	return json.Marshal(proofJSON{
		Format:     ProofFormat,
		StoreID:    p.Checkpoint.StoreID(),
		Record:     p.Record.AppendJSON(nil),
		LeafIndex:  p.Index,
		TreeSize:   p.Checkpoint.Size,
		Inclusion:  incl,
		Checkpoint: string(p.Checkpoint.Note),
	})
}

// Prove returns the proof that record seq is in the store, against ck, or
// against the newest checkpoint stored in the segments when ck is nil.
// With an index it reads a few dozen hashes and a block or two of records;
// without one (or when what the index says does not lead to ck's root) it
// reads the whole store, verifying it, once. It returns an error matching
// ErrNoCheckpoint when no checkpoint covers seq, ErrNoRecord when the store
// does not hold seq, and ErrNotExtended when the store does not extend ck.
func (r *Reader) Prove(ctx context.Context, seq uint64, ck *Checkpoint) (*Proof, error) {
	if ck == nil {
		c, err := r.Checkpoint(ctx)
		if err != nil {
			return nil, err
		}
		ck = c
	}
	if seq == 0 || seq > ck.Size {
		return nil, fmt.Errorf("%w covers seq %d: the checkpoint covers records 1 to %d", ErrNoCheckpoint, seq, ck.Size)
	}
	if p, ok := r.proveIndexed(ctx, seq, ck); ok {
		return p, nil
	}
	need, err := proofNodes(ck.Size, seq-1)
	if err != nil {
		return nil, err
	}
	var rec *Record
	rep, tc, err := scanStoreTree(ctx, r.fs, r.dir, func(x *Record) error {
		if x.Seq == seq {
			c := *x
			rec = &c
		}
		return nil
	}, func(t *treeCheck) {
		t.want = need
		t.rootAt[ck.Size] = nil
		t.record = seq
	})
	if err != nil {
		return nil, err
	}
	if err := checkExtends(ck, nil, rep, tc); err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, fmt.Errorf("%w: seq %d (the store holds %d to %d, and only records that verify are proven)", ErrNoRecord, seq, rep.FirstSeq, rep.LastSeq)
	}
	proof, err := tlog.ProveRecord(int64(ck.Size), int64(seq-1), nodeReader(tc.hash))
	if err != nil {
		return nil, fmt.Errorf("llog: prove seq %d: %w", seq, err)
	}
	p := &Proof{Record: rec, Index: seq - 1, Inclusion: proof, Checkpoint: ck}
	if err := tlog.CheckRecord(proof, int64(ck.Size), ck.Root, int64(seq-1), leafHash(rec.Hash)); err != nil {
		return nil, fmt.Errorf("%w: the inclusion proof of seq %d: %v", ErrNotExtended, seq, err)
	}
	return p, nil
}

// proofNodes returns the nodes the inclusion proof of leaf i in a tree of
// n leaves reads.
func proofNodes(n, i uint64) (map[nodeID]bool, error) {
	need := map[nodeID]bool{}
	_, err := tlog.ProveRecord(int64(n), int64(i), tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		for _, x := range idx {
			l, k := tlog.SplitStoredHashIndex(x)
			need[nodeID{uint64(l), uint64(k)}] = true
		}
		return make([]tlog.Hash, len(idx)), nil
	}))
	return need, err
}

// nodeReader is a tlog.HashReader over a lookup of nodes.
func nodeReader(lookup func(nodeID) (tlog.Hash, bool)) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			l, k := tlog.SplitStoredHashIndex(x)
			h, ok := lookup(nodeID{uint64(l), uint64(k)})
			if !ok {
				return nil, fmt.Errorf("node (level %d, %d) is not available: retention removed the records under it", l, k)
			}
			out[i] = h
		}
		return out, nil
	})
}

// VerifyProof checks a proof document (as Proof.MarshalJSON writes it)
// with nothing but the document and the verifier key v: the checkpoint is
// signed by v's key, the record's hash recomputes from its members, its
// prev_hash and its seq, and the inclusion proof leads from that hash to
// the checkpoint's root. A nil v skips the signature (the proof then shows
// only that the record is in the tree the checkpoint describes). Errors
// match ErrCheckpointSignature, ErrProof or ErrBadCheckpoint.
func VerifyProof(doc []byte, v note.Verifier) (*Proof, error) {
	var j proofJSON
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProof, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the document", ErrProof)
	}
	if j.Format != ProofFormat {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrProof, j.Format, ProofFormat)
	}
	ck, err := ParseCheckpoint([]byte(j.Checkpoint))
	if err != nil {
		return nil, err
	}
	if v != nil {
		if err := ck.Verify(v); err != nil {
			return nil, err
		}
	}
	var rec Record
	if err := json.Unmarshal(j.Record, &rec); err != nil {
		return nil, fmt.Errorf("%w: record: %v", ErrProof, err)
	}
	switch {
	case j.StoreID != ck.StoreID():
		return nil, fmt.Errorf("%w: store_id %s, the checkpoint is of store %s", ErrProof, j.StoreID, ck.StoreID())
	case j.TreeSize != ck.Size:
		return nil, fmt.Errorf("%w: tree_size %d, the checkpoint's is %d", ErrProof, j.TreeSize, ck.Size)
	case rec.Seq == 0 || j.LeafIndex != rec.Seq-1:
		return nil, fmt.Errorf("%w: leaf_index %d for seq %d", ErrProof, j.LeafIndex, rec.Seq)
	}
	body := appendRecord(nil, &rec)
	if got := chain.Next(rec.PrevHash, rec.Seq, body); got != rec.Hash {
		return nil, fmt.Errorf("%w: seq %d: the record's members hash to %v, not to its hash %v: the record was changed", ErrProof, rec.Seq, got, rec.Hash)
	}
	if err := tlog.CheckRecord(j.Inclusion, int64(ck.Size), ck.Root, int64(j.LeafIndex), leafHash(rec.Hash)); err != nil {
		return nil, fmt.Errorf("%w: seq %d is not in the tree of the checkpoint: %v", ErrProof, rec.Seq, err)
	}
	return &Proof{Record: &rec, Index: j.LeafIndex, Inclusion: j.Inclusion, Checkpoint: ck}, nil
}

// The fast path of proofs: the index holds the Merkle nodes of levels
// index.MinNodeLevel and up for the records it covers, and the positions
// of the records, whose digests give the lower levels. A proof then reads
// a few dozen hashes and one or two blocks of records. Whatever the index
// says is checked: the inclusion proof must lead to the checkpoint's root,
// else the proof is made the slow way, from the segments alone.

// indexTree reads the Merkle tree of a store from its index.
type indexTree struct {
	x     *index.Index
	mark  uint64 // the index covers records 1..mark
	br    blockReader
	base  map[nodeID]tlog.Hash // the frontier at the oldest segment's start,
	baseN uint64               // of baseN records
	// memo holds hashes computed or read.
	memo map[nodeID]tlog.Hash
}

func (r *Reader) openIndexTree(ctx context.Context) (*indexTree, error) {
	x, _, err := openIndexReadOnly(r.fs, r.dir, r.store)
	if x == nil || err != nil {
		return nil, err
	}
	m, err := x.Mark()
	if err != nil {
		x.Close()
		return nil, err
	}
	t := &indexTree{x: x, mark: m.Seq, br: blockReader{fs: r.fs, dir: r.dir}, memo: map[nodeID]tlog.Hash{}}
	// What retention left: the frontier the oldest segment stores.
	segs, err := wal.ListSegments(r.fs, r.dir)
	if err != nil {
		t.close()
		return nil, err
	}
	if len(segs) > 0 && segs[0].First > 1 {
		f, err := firstFrontier(r.fs, r.dir, segs[0])
		if err != nil {
			t.close()
			return nil, err
		}
		t.base, t.baseN = map[nodeID]tlog.Hash{}, f.n
		for i, id := range frontierNodes(f.n) {
			t.base[id] = f.nodes[i]
		}
	}
	return t, ctx.Err()
}

func (t *indexTree) close() {
	t.br.close()
	t.x.Close()
}

// firstFrontier returns the frontier stored in the checkpoint of the
// first batch of segment s.
func firstFrontier(fsys vfs.FS, dir string, s wal.SegmentInfo) (frontier, error) {
	w, err := wal.OpenWalker(fsys, dir, s.Name)
	if err != nil {
		return frontier{}, err
	}
	defer w.Close()
	var f frontier
	found := false
	var perr error
	w.OnCheckpoint(func(c wal.Checkpoint) {
		if !found && c.First == s.First {
			var framed bool
			f, framed, _, perr = parseCheckpointPayload(c.Payload, c.First)
			found = framed && perr == nil
		}
	})
	if _, err := w.Next(); err != nil && err != io.EOF && !errors.Is(err, wal.ErrTorn) {
		return frontier{}, err
	}
	if !found {
		return frontier{}, fmt.Errorf("segment %s stores no Merkle frontier at its start (%v)", s.Name, perr)
	}
	return f, nil
}

// hashes answers tlog's requests for nodes.
func (t *indexTree) hashes(idx []int64) ([]tlog.Hash, error) {
	ids := make([]nodeID, len(idx))
	var stored []index.NodeID
	for i, x := range idx {
		l, k := tlog.SplitStoredHashIndex(x)
		ids[i] = nodeID{uint64(l), uint64(k)}
		if l >= index.MinNodeLevel && uint64(k+1)<<uint(l) <= t.mark {
			stored = append(stored, index.NodeID{Level: uint8(l), Index: uint64(k)})
		}
	}
	if len(stored) > 0 {
		hs, ok, err := t.x.Nodes(stored)
		if err != nil {
			return nil, err
		}
		for i, id := range stored {
			if ok[i] {
				t.memo[nodeID{uint64(id.Level), id.Index}] = hs[i]
			}
		}
	}
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		h, err := t.hash(id)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// hash returns a node: read before, left by retention, or computed from
// the leaves under it (at most 2^MinNodeLevel records read, unless the
// index lacks nodes).
func (t *indexTree) hash(id nodeID) (tlog.Hash, error) {
	if h, ok := t.memo[id]; ok {
		return h, nil
	}
	if h, ok := t.base[id]; ok {
		return h, nil
	}
	lo, hi := id[1]<<id[0], (id[1]+1)<<id[0]
	if hi <= t.baseN {
		return tlog.Hash{}, fmt.Errorf("node (level %d, %d): retention removed the records under it", id[0], id[1])
	}
	stored := id[0] >= index.MinNodeLevel
	if stored {
		hs, ok, err := t.x.Nodes([]index.NodeID{{Level: uint8(id[0]), Index: id[1]}})
		if err != nil {
			return tlog.Hash{}, err
		}
		if ok[0] {
			t.memo[id] = hs[0]
			return hs[0], nil
		}
	}
	if stored || lo < t.baseN {
		// Not stored, or partly under what retention removed: from the
		// two halves.
		left, err := t.hash(nodeID{id[0] - 1, 2 * id[1]})
		if err != nil {
			return tlog.Hash{}, err
		}
		right, err := t.hash(nodeID{id[0] - 1, 2*id[1] + 1})
		if err != nil {
			return tlog.Hash{}, err
		}
		h := tlog.NodeHash(left, right)
		t.memo[id] = h
		return h, nil
	}
	// Below the stored levels: the leaves, from the records.
	var f frontier
	err := t.digests(lo+1, hi, func(seq uint64, d chain.Digest) {
		f.add(leafHash(d), func(level int, i uint64, h tlog.Hash) { t.memo[nodeID{uint64(level), lo>>uint(level) + i}] = h })
	})
	if err != nil {
		return tlog.Hash{}, err
	}
	if f.n != hi-lo {
		return tlog.Hash{}, fmt.Errorf("records %d to %d: the index locates %d of them", lo+1, hi, f.n)
	}
	return t.memo[id], nil
}

// digests calls fn with the chain digest of records from..to, in order,
// reading them at the positions the index gives.
func (t *indexTree) digests(from, to uint64, fn func(uint64, chain.Digest)) error {
	bs, err := t.x.Blocks(from, to, false, int(to-from)+1)
	if err != nil {
		return err
	}
	for _, b := range bs {
		err := t.br.read(b, func(seq uint64, _ int64, entry []byte) error {
			if seq >= from && seq <= to {
				var d chain.Digest
				copy(d[:], entry[:hashSize])
				fn(seq, d)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// record reads record seq at the position the index gives and checks its
// digest.
func (t *indexTree) record(seq uint64) (*Record, error) {
	bs, err := t.x.Blocks(seq, seq, false, 1)
	if err != nil {
		return nil, err
	}
	if len(bs) != 1 || seq < bs[0].First || seq > bs[0].Last() {
		return nil, fmt.Errorf("%w: seq %d is not indexed", ErrNoRecord, seq)
	}
	var rec *Record
	prev := chain.Digest(bs[0].Prev)
	err = t.br.read(bs[0], func(s uint64, _ int64, entry []byte) error {
		var d chain.Digest
		copy(d[:], entry[:hashSize])
		if s == seq {
			rec = &Record{}
			if err := decodeRecord(entry[hashSize:], rec); err != nil {
				return err
			}
			if chain.Next(prev, s, entry[hashSize:]) != d {
				return fmt.Errorf("%w: seq %d does not verify", ErrNoRecord, s)
			}
			rec.Seq, rec.PrevHash, rec.Hash = s, prev, d
		}
		prev = d
		return nil
	})
	if err == nil && rec == nil {
		err = fmt.Errorf("%w: seq %d", ErrNoRecord, seq)
	}
	return rec, err
}

// proveIndexed is Prove's fast path; ok is false when it could not prove
// (no index, or what it says does not lead to the checkpoint's root).
func (r *Reader) proveIndexed(ctx context.Context, seq uint64, ck *Checkpoint) (*Proof, bool) {
	t, err := r.openIndexTree(ctx)
	if t == nil || err != nil {
		return nil, false
	}
	defer t.close()
	rec, err := t.record(seq)
	if err != nil {
		return nil, false
	}
	proof, err := tlog.ProveRecord(int64(ck.Size), int64(seq-1), tlog.HashReaderFunc(t.hashes))
	if err != nil || tlog.CheckRecord(proof, int64(ck.Size), ck.Root, int64(seq-1), leafHash(rec.Hash)) != nil {
		return nil, false
	}
	return &Proof{Record: rec, Index: seq - 1, Inclusion: proof, Checkpoint: ck}, true
}

// ProveConsistency returns the RFC 6962 consistency proof from the tree of
// old.Size records to that of ck.Size (ck.Size ≥ old.Size), read from the
// index, and checks it against both checkpoints' roots: it shows that ck
// extends old without the records. It returns an error matching
// ErrNotExtended when the proof does not hold, and another error when the
// index cannot give it (no index, or one that is not current).
func (r *Reader) ProveConsistency(ctx context.Context, old, ck *Checkpoint) (tlog.TreeProof, error) {
	if old.Size > ck.Size {
		return nil, fmt.Errorf("%w: the checkpoint of %d records cannot extend one of %d", ErrNotExtended, ck.Size, old.Size)
	}
	t, err := r.openIndexTree(ctx)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("llog: %s has no readable index", r.dir)
	}
	defer t.close()
	proof, err := tlog.ProveTree(int64(ck.Size), int64(old.Size), tlog.HashReaderFunc(t.hashes))
	if err != nil {
		return nil, fmt.Errorf("llog: consistency proof: %w", err)
	}
	if err := tlog.CheckTree(proof, int64(ck.Size), ck.Root, int64(old.Size), old.Root); err != nil {
		return nil, fmt.Errorf("%w: the consistency proof from %d to %d records: %v", ErrNotExtended, old.Size, ck.Size, err)
	}
	return proof, nil
}
