package llog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lowlightlog/llog/chain"
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
// against the newest checkpoint stored in the segments when ck is nil. It
// reads the whole store (verifying it) once. It returns an error matching
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
