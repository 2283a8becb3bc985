package llog_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// testKey returns a new signer and its verifier.
func testKey(t testing.TB, name string) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// refRoot computes the Merkle root of the first n digests with tlog's
// stored hashes, independently of the engine's frontier.
func refRoot(t testing.TB, digests []chain.Digest, n int) tlog.Hash {
	t.Helper()
	var stored []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i := range n {
		hs, err := tlog.StoredHashes(int64(i), digests[i][:], r)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	h, err := tlog.TreeHash(int64(n), r)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// checkpointLog collects what OnCheckpoint receives.
type checkpointLog struct {
	mu  sync.Mutex
	got []*llog.Checkpoint
}

func (c *checkpointLog) add(ck *llog.Checkpoint) {
	c.mu.Lock()
	c.got = append(c.got, ck)
	c.mu.Unlock()
}

func (c *checkpointLog) all() []*llog.Checkpoint {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*llog.Checkpoint(nil), c.got...)
}

// logSync logs n records inf(from) … inf(from+n-1) with LogSync and
// returns digests with their chain digests appended.
func logSync(t *testing.T, e *llog.Engine, digests []chain.Digest, from, n int) []chain.Digest {
	t.Helper()
	for i := range n {
		r, err := e.LogSync(ctx, inf(from+i))
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, r.Hash)
	}
	return digests
}

// checkCheckpoints checks checkpoints against the digests of every record
// of the store: sizes increasing, root, head, origin, signature.
func checkCheckpoints(t *testing.T, cks []*llog.Checkpoint, digests []chain.Digest, storeID string, v note.Verifier) {
	t.Helper()
	var last uint64
	for _, ck := range cks {
		if ck.Size <= last || ck.Size > uint64(len(digests)) {
			t.Fatalf("checkpoint of size %d after %d, store of %d", ck.Size, last, len(digests))
		}
		last = ck.Size
		if ck.Origin != "llog/"+storeID || ck.StoreID() != storeID {
			t.Fatalf("origin %q", ck.Origin)
		}
		if want := refRoot(t, digests, int(ck.Size)); ck.Root != want {
			t.Fatalf("checkpoint %d: root %v, want %v", ck.Size, ck.Root, want)
		}
		if ck.Head != digests[ck.Size-1] {
			t.Fatalf("checkpoint %d: head %v, want %v", ck.Size, ck.Head, digests[ck.Size-1])
		}
		parsed, err := llog.ParseCheckpoint(ck.Note)
		if err != nil || parsed.Size != ck.Size || parsed.Root != ck.Root || parsed.Head != ck.Head || !parsed.Time.Equal(ck.Time) {
			t.Fatalf("checkpoint %d parses as %+v, %v", ck.Size, parsed, err)
		}
		if v != nil {
			if err := ck.Verify(v); err != nil {
				t.Fatalf("checkpoint %d: %v", ck.Size, err)
			}
		}
	}
}

func TestCheckpointsCoverEveryRecord(t *testing.T) {
	signer, verifier := testKey(t, "edge-7")
	var got checkpointLog
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 4096, Signer: signer, CheckpointEvery: 10, OnCheckpoint: got.add}
	e, dir := open(t, opts)
	digests := logSync(t, e, nil, 0, 95)
	id := e.StoreID()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	cks := got.all()
	checkCheckpoints(t, cks, digests, id, verifier)
	if len(cks) < 10 || cks[len(cks)-1].Size != 95 {
		t.Fatalf("%d checkpoints, the last of size %d: want one every 10 records and one at Close", len(cks), cks[len(cks)-1].Size)
	}
	for i := 1; i < len(cks); i++ {
		if cks[i].Size-cks[i-1].Size > 10 {
			t.Fatalf("checkpoints at %d and %d: more than CheckpointEvery records apart", cks[i-1].Size, cks[i].Size)
		}
	}

	// Reopened, the engine knows its newest checkpoint and continues the
	// tree: later checkpoints cover old and new records.
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if ck := e.Checkpoint(); ck == nil || !bytes.Equal(ck.Note, cks[len(cks)-1].Note) {
		t.Fatalf("newest checkpoint after reopening: %+v", ck)
	}
	digests = logSync(t, e, digests, 100, 7)
	e.Close()
	cks = got.all()
	checkCheckpoints(t, cks, digests, id, verifier)
	if last := cks[len(cks)-1]; last.Size != 102 {
		t.Fatalf("last checkpoint of size %d, want 102", last.Size)
	}
}

// TestCheckpointAtEverySegmentStart: with no checkpoint due by count or
// time, the first batch of every segment still carries one (signed by the
// syncer over the tree the merkler computed), each over the right root,
// and the store verifies.
func TestCheckpointAtEverySegmentStart(t *testing.T) {
	signer, verifier := testKey(t, "edge-7")
	var got checkpointLog
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 4096, Signer: signer,
		CheckpointEvery: 1 << 20, CheckpointDelay: time.Hour, OnCheckpoint: got.add}
	e, dir := open(t, opts)
	digests := logSync(t, e, nil, 0, 95)
	segs := e.Stats().Segments
	id := e.StoreID()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	cks := got.all()
	checkCheckpoints(t, cks, digests, id, verifier)
	// One at the first batch, one at each later segment's start, one at
	// Close.
	if segs < 5 || len(cks) != segs+1 {
		t.Fatalf("%d checkpoints in %d segments, want one per segment and one at Close", len(cks), segs)
	}
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Verify(ctx)
	if err != nil || !rep.OK || rep.Merkle == nil || rep.Merkle.Checkpoints != len(cks) {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

func TestCheckpointSignatures(t *testing.T) {
	signer, verifier := testKey(t, "edge-7")
	_, other := testKey(t, "edge-7")
	var got checkpointLog
	e, _ := open(t, &llog.Options{Signer: signer, OnCheckpoint: got.add})
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	e.Close()
	cks := got.all()
	if len(cks) == 0 {
		t.Fatal("no checkpoint")
	}
	ck := cks[len(cks)-1]
	if !ck.Signed() || ck.Verify(verifier) != nil {
		t.Fatalf("checkpoint not signed by its key:\n%s", ck.Note)
	}
	if err := ck.Verify(other); !errors.Is(err, llog.ErrCheckpointSignature) {
		t.Fatalf("another key of the same name: %v", err)
	}
	// A forged size or root under the original signature.
	for _, forge := range []func(string) string{
		func(s string) string { return strings.Replace(s, "\n1\n", "\n2\n", 1) },
		func(s string) string {
			lines := strings.SplitN(s, "\n", 4)
			lines[2] = "AAAA" + lines[2][4:]
			return strings.Join(lines, "\n")
		},
	} {
		forged := forge(string(ck.Note))
		if forged == string(ck.Note) {
			t.Fatal("forgery changed nothing")
		}
		f, err := llog.ParseCheckpoint([]byte(forged))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Verify(verifier); !errors.Is(err, llog.ErrCheckpointSignature) {
			t.Fatalf("forged checkpoint verifies: %v\n%s", err, forged)
		}
	}

	// Without a key, checkpoints are written unsigned.
	got = checkpointLog{}
	e, _ = open(t, &llog.Options{OnCheckpoint: got.add})
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	e.Close()
	cks = got.all()
	if len(cks) == 0 || cks[0].Signed() || !errors.Is(cks[0].Verify(verifier), llog.ErrCheckpointSignature) {
		t.Fatalf("unsigned checkpoints: %+v", cks)
	}
}

func TestCheckpointDelay(t *testing.T) {
	// Records that no batch follows are covered within CheckpointDelay by
	// a checkpoint committed alone.
	var got checkpointLog
	e, _ := open(t, &llog.Options{CheckpointEvery: 1000, CheckpointDelay: 20 * time.Millisecond, OnCheckpoint: got.add})
	for i := range 3 {
		if _, err := e.LogSync(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		cks := got.all()
		if len(cks) > 0 && cks[len(cks)-1].Size == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint of the 3 records: %+v", cks)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ck := e.Checkpoint(); ck == nil || ck.Size != 3 {
		t.Fatalf("Checkpoint() = %+v", ck)
	}
	n := len(got.all())
	time.Sleep(50 * time.Millisecond)
	if len(got.all()) != n {
		t.Fatal("checkpoints written with nothing new to cover")
	}
}

// copyStore copies the store folder src to a new folder and returns it.
func copyStore(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dst, "LOCK"))
	return dst
}

// verifyCheckpoints runs Reader.VerifyCheckpoints and returns each
// checkpoint's error.
func verifyCheckpoints(t *testing.T, dir string, v note.Verifier, cks ...*llog.Checkpoint) []error {
	t.Helper()
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, res, err := r.VerifyCheckpoints(ctx, cks, v)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, x := range res {
		errs = append(errs, x.Err)
	}
	return errs
}

func TestStoreExtendsItsCheckpoints(t *testing.T) {
	signer, verifier := testKey(t, "edge-7")
	_, wrong := testKey(t, "edge-7")
	var got checkpointLog
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 4096, Signer: signer, CheckpointEvery: 8, OnCheckpoint: got.add}
	e, dir := open(t, opts)
	var infs []llog.Inference
	logN := func(e *llog.Engine, n int) {
		for range n {
			in := inf(len(infs))
			in.Time = time.Unix(1767000000+int64(len(infs)), 0)
			infs = append(infs, in)
			if _, err := e.LogSync(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
	}
	logN(e, 40)
	e.Close()
	old := copyStore(t, dir) // last week's copy
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	logN(e, 40)
	e.Close()
	cks := got.all()
	newest := cks[len(cks)-1]
	if newest.Size != 80 {
		t.Fatalf("newest checkpoint of size %d", newest.Size)
	}

	// The intact store extends every checkpoint it made.
	for i, err := range verifyCheckpoints(t, dir, verifier, cks...) {
		if err != nil {
			t.Fatalf("checkpoint %d: %v", cks[i].Size, err)
		}
	}
	// The wrong key, and a forged size or root under the real signature.
	if err := verifyCheckpoints(t, dir, wrong, newest)[0]; !errors.Is(err, llog.ErrCheckpointSignature) {
		t.Fatalf("wrong key: %v", err)
	}
	forged, err := llog.ParseCheckpoint([]byte(strings.Replace(string(newest.Note), "\n80\n", "\n79\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyCheckpoints(t, dir, verifier, forged)[0]; !errors.Is(err, llog.ErrCheckpointSignature) {
		t.Fatalf("forged size: %v", err)
	}
	// The store replaced by an older copy of itself: it verifies on its
	// own, but not against the newer checkpoint.
	if rep := mustVerify(t, old); rep.LastSeq != 40 {
		t.Fatalf("old copy holds %d records", rep.LastSeq)
	}
	if err := verifyCheckpoints(t, old, verifier, newest)[0]; !errors.Is(err, llog.ErrNotExtended) {
		t.Fatalf("older copy against a newer checkpoint: %v", err)
	}
	// The newest segments removed: the same.
	segs, _ := wal.ListSegments(nil, dir)
	cut := copyStore(t, dir)
	os.Remove(filepath.Join(cut, segs[len(segs)-1].Name))
	os.Remove(filepath.Join(cut, "index.db"))
	if err := verifyCheckpoints(t, cut, verifier, newest)[0]; !errors.Is(err, llog.ErrNotExtended) {
		t.Fatalf("newest segment removed: %v", err)
	}

	// The whole store rewritten with one record changed and the chain
	// recomputed (the same store id, so the same genesis and origin): it
	// verifies on its own, and fails against the checkpoint.
	rewritten := filepath.Join(t.TempDir(), "rewritten")
	if err := os.MkdirAll(rewritten, 0o700); err != nil {
		t.Fatal(err)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "llog.store"))
	os.WriteFile(filepath.Join(rewritten, "llog.store"), manifest, 0o600)
	e, err = llog.Open(rewritten, &llog.Options{DisableRedaction: true, SegmentSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range infs {
		if i == 17 {
			in.Response = "answer 17: Lyon."
		}
		if _, err := e.LogSync(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	if rep := mustVerify(t, rewritten); rep.LastSeq != 80 || rep.StoreID != newest.StoreID() {
		t.Fatalf("rewritten store: %+v", rep)
	}
	errs := verifyCheckpoints(t, rewritten, verifier, cks...)
	for i, err := range errs {
		if ck := cks[i]; ck.Size >= 18 && !errors.Is(err, llog.ErrNotExtended) {
			t.Fatalf("rewritten store against checkpoint %d: %v", ck.Size, err)
		} else if ck.Size < 18 && err != nil {
			t.Fatalf("rewritten store against checkpoint %d, before the change: %v", ck.Size, err)
		}
	}
}

func TestCheckpointsAcrossRetention(t *testing.T) {
	signer, verifier := testKey(t, "edge-7")
	var got checkpointLog
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 4096, Signer: signer, CheckpointEvery: 5, OnCheckpoint: got.add,
		Retention: llog.Retention{MaxRecords: 60}}
	e, dir := open(t, opts)
	for i := range 150 {
		if _, err := e.LogSync(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	// Reopening runs retention, continues the tree from what is left, and
	// later checkpoints still cover every record since genesis.
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := e.LogSync(ctx, inf(150+i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	rep := mustVerify(t, dir)
	if rep.FirstSeq <= 1 || rep.Merkle == nil || !rep.Merkle.Known || rep.Merkle.Base != rep.FirstSeq-1 || rep.Merkle.TreeSize != 160 {
		t.Fatalf("after retention: first %d, merkle %+v", rep.FirstSeq, rep.Merkle)
	}
	cks := got.all()
	errs := verifyCheckpoints(t, dir, verifier, cks...)
	checked := 0
	for i, err := range errs {
		switch ck := cks[i]; {
		case ck.Size >= rep.Merkle.Base && err != nil:
			t.Fatalf("checkpoint %d beyond the retention base %d: %v", ck.Size, rep.Merkle.Base, err)
		case ck.Size < rep.Merkle.Base && !errors.Is(err, llog.ErrNotExtended):
			t.Fatalf("checkpoint %d before the retention base %d: %v", ck.Size, rep.Merkle.Base, err)
		case err == nil:
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d checkpoints checked", checked)
	}

	// Every record still held is provable against the newest checkpoint,
	// and the proof checks with nothing but the key.
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, seq := range []uint64{rep.FirstSeq, rep.FirstSeq + 1, rep.FirstSeq + 10, 159, 160} {
		p, err := r.Prove(ctx, seq, nil)
		if err != nil {
			t.Fatalf("prove %d: %v", seq, err)
		}
		doc, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := llog.VerifyProof(doc, verifier); err != nil {
			t.Fatalf("proof of %d: %v\n%s", seq, err, doc)
		}
		// The index gives the same proof: retention deleted the nodes
		// under the removed records, and the oldest segment's frontier
		// stands in for them.
		fast, ok := llog.ProveIndexed(r, seq, p.Checkpoint)
		if b, _ := json.Marshal(fast); !ok || !bytes.Equal(b, doc) {
			t.Fatalf("seq %d from the index after retention: %v", seq, ok)
		}
	}
	if _, err := r.Prove(ctx, rep.FirstSeq-1, nil); !errors.Is(err, llog.ErrNoRecord) {
		t.Fatalf("prove a removed record: %v", err)
	}
}

func TestProofFailsWhenTheRecordChanges(t *testing.T) {
	signer, verifier := testKey(t, "edge-7")
	_, wrong := testKey(t, "edge-7")
	e, dir := open(t, &llog.Options{Signer: signer, SegmentSize: 4096})
	for i := range 70 {
		if _, err := e.LogSync(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for seq := uint64(1); seq <= 70; seq += 23 {
		p, err := r.Prove(ctx, seq, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := json.Marshal(p)
		if _, err := llog.VerifyProof(doc, verifier); err != nil {
			t.Fatalf("seq %d: %v", seq, err)
		}
		if _, err := llog.VerifyProof(doc, wrong); !errors.Is(err, llog.ErrCheckpointSignature) {
			t.Fatalf("seq %d, wrong key: %v", seq, err)
		}
		// One byte of the record changed.
		i := bytes.Index(doc, []byte("Paris"))
		bad := append([]byte(nil), doc...)
		bad[i] = 'p'
		if _, err := llog.VerifyProof(bad, verifier); !errors.Is(err, llog.ErrProof) {
			t.Fatalf("seq %d, record changed: %v", seq, err)
		}
	}
}

func TestCheckpointsOfAStoreWrittenBefore(t *testing.T) {
	// The vector store has version 1 segments, written before checkpoints:
	// the first Open rebuilds the tree from genesis, goes on in a version
	// 2 segment, and checkpoints cover the old records too.
	dir := copyStore(t, filepath.Join("testdata", "vectors", "store"))
	var got checkpointLog
	e, err := llog.Open(dir, &llog.Options{OnCheckpoint: got.add})
	if err != nil {
		t.Fatal(err)
	}
	old := mustVerify(t, dir)
	r, err := e.LogSync(ctx, inf(1))
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	cks := got.all()
	if len(cks) == 0 || cks[len(cks)-1].Size != old.LastSeq+1 || r.Seq != old.LastSeq+1 {
		t.Fatalf("checkpoints %+v after %d old records", cks, old.LastSeq)
	}
	rep := mustVerify(t, dir)
	if !rep.Merkle.Known || rep.Merkle.Checkpoints == 0 || rep.Merkle.TreeSize != r.Seq {
		t.Fatalf("merkle %+v", rep.Merkle)
	}
	for _, err := range verifyCheckpoints(t, dir, nil, cks...) {
		if err != nil {
			t.Fatal(err)
		}
	}

	// Without its first segment and without checkpoints, the tree cannot
	// be rebuilt: the store still takes records, without checkpoints, and
	// says why.
	dir = copyStore(t, filepath.Join("testdata", "vectors", "store"))
	segs, _ := wal.ListSegments(nil, dir)
	os.Remove(filepath.Join(dir, segs[0].Name))
	var mu sync.Mutex
	var events []llog.Event
	got = checkpointLog{}
	e, err = llog.Open(dir, &llog.Options{OnCheckpoint: got.add, OnEvent: func(ev llog.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	failed := 0
	for _, ev := range events {
		if ev.Kind == llog.EventCheckpointFailed {
			failed++
		}
	}
	if failed != 1 || len(got.all()) != 0 {
		t.Fatalf("%d EventCheckpointFailed, %d checkpoints", failed, len(got.all()))
	}
}

func TestProofsFromTheIndex(t *testing.T) {
	var got checkpointLog
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 64 << 10, CheckpointEvery: 500, OnCheckpoint: got.add,
		CheckpointRecords: 700}
	e, dir := open(t, opts)
	for i := range 5000 {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	cks := got.all()
	newest := cks[len(cks)-1]
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seqs := []uint64{1, 2, 63, 64, 65, 128, 2047, 2048, 2049, 4095, 4096, 4097, 4999, 5000}
	fast := map[uint64][]byte{}
	for _, seq := range seqs {
		p, ok := llog.ProveIndexed(r, seq, newest)
		if !ok {
			t.Fatalf("seq %d: no proof from the index", seq)
		}
		fast[seq], _ = json.Marshal(p)
	}
	// Consistency proofs between every pair of checkpoints, from the
	// index, checked against both roots.
	for i, old := range cks {
		for _, ck := range cks[i:] {
			proof, err := r.ProveConsistency(ctx, old, ck)
			if err != nil {
				t.Fatalf("consistency %d -> %d: %v", old.Size, ck.Size, err)
			}
			if err := tlog.CheckTree(proof, int64(ck.Size), ck.Root, int64(old.Size), old.Root); err != nil {
				t.Fatal(err)
			}
		}
	}
	forged := *cks[2]
	forged.Root[0] ^= 1
	if _, err := r.ProveConsistency(ctx, &forged, newest); !errors.Is(err, llog.ErrNotExtended) {
		t.Fatalf("consistency from a forged root: %v", err)
	}

	// Without the index, proofs come from the segments alone, the same.
	os.Remove(filepath.Join(dir, "index.db"))
	os.Remove(filepath.Join(dir, "index.snap"))
	for _, seq := range seqs {
		if _, ok := llog.ProveIndexed(r, seq, newest); ok {
			t.Fatal("a proof from an index that is gone")
		}
		p, err := r.Prove(ctx, seq, newest)
		if err != nil {
			t.Fatal(err)
		}
		slow, _ := json.Marshal(p)
		if !bytes.Equal(slow, fast[seq]) {
			t.Fatalf("seq %d: the proofs from the index and from the segments differ:\n%s\n%s", seq, fast[seq], slow)
		}
	}
	// A rebuilt index gives them again.
	e, err = llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	for _, seq := range seqs {
		p, ok := llog.ProveIndexed(r, seq, newest)
		if b, _ := json.Marshal(p); !ok || !bytes.Equal(b, fast[seq]) {
			t.Fatalf("seq %d after the index was rebuilt: %v", seq, ok)
		}
	}
}

// failingSigner is a note.Signer whose key is unreachable.
type failingSigner struct{ note.Signer }

func (failingSigner) Sign([]byte) ([]byte, error) { return nil, errors.New("hsm unreachable") }

func TestSignerFailureWritesUnsigned(t *testing.T) {
	signer, _ := testKey(t, "edge-7")
	var got checkpointLog
	var mu sync.Mutex
	var failed []llog.Event
	e, _ := open(t, &llog.Options{Signer: failingSigner{signer}, OnCheckpoint: got.add, OnEvent: func(ev llog.Event) {
		if ev.Kind == llog.EventCheckpointFailed {
			mu.Lock()
			failed = append(failed, ev)
			mu.Unlock()
		}
	}})
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("a signer failure failed the engine: %v", err)
	}
	cks := got.all()
	mu.Lock()
	defer mu.Unlock()
	if len(cks) == 0 || cks[0].Signed() || len(failed) == 0 || !strings.Contains(failed[0].Err.Error(), "hsm unreachable") {
		t.Fatalf("checkpoints %+v, events %+v", cks, failed)
	}
}

func TestVerifyChecksStoredCheckpoints(t *testing.T) {
	// A checkpoint frame whose root was changed (its frame checksums
	// recomputed) is a break: stored checkpoints must match the records.
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, CheckpointEvery: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := e.LogSync(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	segs, _ := wal.ListSegments(nil, dir)
	path := filepath.Join(dir, segs[len(segs)-1].Name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := segment.NewReader(bytes.NewReader(b), segment.HeaderSize, int64(len(b)))
	changed := false
	for !changed {
		f, err := r.Next()
		if err != nil {
			t.Fatalf("no checkpoint frame: %v", err)
		}
		if f.Kind != wal.KindCheckpoint || f.Payload[0] != 0 {
			continue
		}
		p := append([]byte(nil), f.Payload...)
		lines := bytes.SplitN(p[1:], []byte("\n"), 4)
		// Another first base64 digit of the root: still 32 bytes.
		if lines[2][0] == 'A' {
			lines[2][0] = 'B'
		} else {
			lines[2][0] = 'A'
		}
		frame, err := segment.AppendFrame(nil, wal.KindCheckpoint, append([]byte{0}, bytes.Join(lines, []byte("\n"))...))
		if err != nil {
			t.Fatal(err)
		}
		copy(b[f.Offset:], frame)
		changed = true
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := llog.Verify(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.BreakCount != 1 || !strings.Contains(rep.Breaks[0].Reason, "is not the root of the records") {
		t.Fatalf("a stored checkpoint with another root: %+v", rep.Breaks)
	}
}
