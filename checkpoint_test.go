package llog_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
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
	var digests []chain.Digest
	for i := range 95 {
		r, err := e.LogSync(ctx, inf(i))
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, r.Hash)
	}
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
	for i := range 7 {
		r, err := e.LogSync(ctx, inf(100+i))
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, r.Hash)
	}
	e.Close()
	cks = got.all()
	checkCheckpoints(t, cks, digests, id, verifier)
	if last := cks[len(cks)-1]; last.Size != 102 {
		t.Fatalf("last checkpoint of size %d, want 102", last.Size)
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
