package index

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
)

var store = []byte("0123456789abcdef")

func openTemp(t *testing.T) (*Index, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "index.db")
	x, err := Open(path, store, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x, path
}

// blocksOf makes n blocks of 10 records: block i holds seqs 10i+1..10i+10,
// model "a" in even blocks, "b" in odd ones, "c" in every third.
func blocksOf(n int) []Block {
	var bs []Block
	for i := range n {
		models := []string{"a"}
		if i%2 == 1 {
			models = []string{"b"}
		}
		if i%3 == 0 {
			models = append(models, "c")
		}
		slices.Sort(models)
		bs = append(bs, Block{First: uint64(10*i + 1), Count: 10, Pos: Pos{Segment: 1, Offset: int64(64 + 1000*i)},
			MinTime: int64(100 * i), MaxTime: int64(100*i + 90), Models: models})
	}
	return bs
}

func firsts(bs []Block) []uint64 {
	var out []uint64
	for _, b := range bs {
		out = append(out, b.First)
	}
	return out
}

func TestApplyAndQuery(t *testing.T) {
	x, path := openTemp(t)
	bs := blocksOf(10)
	if err := x.Apply(&Checkpoint{Blocks: bs[:6], Mark: Mark{Seq: 60, Next: Pos{1, 6064}}}); err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(&Checkpoint{Blocks: bs[6:], Segments: []Segment{{First: 1, Last: 100, Records: 100, Bytes: 9999, MinTime: 0, MaxTime: 990, Models: []string{"a", "b", "c"}}},
		Mark: Mark{Seq: 100, Next: Pos{1, 10064}, Time: 7}}); err != nil {
		t.Fatal(err)
	}
	all := []uint64{1, 11, 21, 31, 41, 51, 61, 71, 81, 91}
	tests := []struct {
		name    string
		models  []string
		from    uint64
		upTo    uint64
		reverse bool
		limit   int
		want    []uint64
	}{
		{"all", nil, 0, 1000, false, 100, all},
		{"from inside a block", nil, 35, 1000, false, 3, []uint64{31, 41, 51}},
		{"up to", nil, 0, 41, false, 100, []uint64{1, 11, 21, 31, 41}},
		{"reverse from the end", nil, 1 << 63, 1000, true, 3, []uint64{91, 81, 71}},
		{"reverse from inside", nil, 35, 1000, true, 100, []uint64{31, 21, 11, 1}},
		{"reverse up to", nil, 1 << 63, 41, true, 2, []uint64{41, 31}},
		{"model a", []string{"a"}, 0, 1000, false, 100, []uint64{1, 21, 41, 61, 81}},
		{"model b reverse", []string{"b"}, 1 << 63, 1000, true, 2, []uint64{91, 71}},
		{"models a and c", []string{"a", "c"}, 15, 1000, false, 4, []uint64{21, 31, 41, 61}},
		{"model a from inside its block", []string{"a"}, 25, 1000, false, 2, []uint64{21, 41}},
		{"unknown model", []string{"zzz"}, 0, 1000, false, 100, nil},
	}
	check := func(x *Index) {
		for _, tt := range tests {
			var got []Block
			var err error
			if tt.models == nil {
				got, err = x.Blocks(tt.from, tt.upTo, tt.reverse, tt.limit)
			} else {
				got, err = x.ModelBlocks(tt.models, tt.from, tt.upTo, tt.reverse, tt.limit)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(firsts(got), tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, firsts(got), tt.want)
			}
		}
		got, _ := x.Blocks(0, 1000, false, 100)
		if !reflect.DeepEqual(got, bs) {
			t.Errorf("blocks do not round-trip:\n got %+v\nwant %+v", got, bs)
		}
		m, err := x.Mark()
		if err != nil || m != (Mark{Seq: 100, Next: Pos{1, 10064}, Time: 7}) {
			t.Errorf("mark %+v %v", m, err)
		}
		segs, err := x.Segments()
		if err != nil || len(segs) != 1 || segs[0].Records != 100 || !slices.Equal(segs[0].Models, []string{"a", "b", "c"}) {
			t.Errorf("segments %+v %v", segs, err)
		}
	}
	check(x)
	// Reopen for writing, then read only from a snapshot.
	x.Close()
	x2, err := Open(path, store, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	check(x2)
	if err := x2.Apply(&Checkpoint{Blocks: []Block{{First: 101, Count: 1, Pos: Pos{2, 64}, Models: []string{"d", "a"}}},
		Mark: Mark{Seq: 100, Next: Pos{1, 10064}, Time: 7}}); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "index.snap")
	if err := x2.Snapshot(snap); err != nil {
		t.Fatal(err)
	}
	// A read-only open of the live file fails while the writer has it.
	if _, err := Open(path, store, &Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a locked index succeeded")
	}
	ro, err := Open(snap, store, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	got, _ := ro.ModelBlocks([]string{"d"}, 0, 1000, false, 10)
	if !slices.Equal(firsts(got), []uint64{101}) {
		t.Fatalf("snapshot model d: %v", firsts(got))
	}
	x2.Close()
}

func TestMismatch(t *testing.T) {
	x, path := openTemp(t)
	x.Close()
	if _, err := Open(path, []byte("another store id"), nil); !errors.Is(err, ErrMismatch) {
		t.Fatalf("other store: %v", err)
	}
}

func TestRemovals(t *testing.T) {
	x, _ := openTemp(t)
	x.Apply(&Checkpoint{Blocks: blocksOf(5), Segments: []Segment{{First: 1, Last: 30}, {First: 31, Last: 50}}})
	r, err := x.AddRemoval(Removal{First: 1, Last: 30, Segments: []uint64{1}, Anchor: [32]byte{9}, Policy: "max-bytes", Time: 5})
	if err != nil || r.ID != 1 {
		t.Fatal(r, err)
	}
	got, _ := x.Blocks(0, 100, false, 10)
	if !slices.Equal(firsts(got), []uint64{31, 41}) {
		t.Fatalf("blocks after removal: %v", firsts(got))
	}
	if mb, _ := x.ModelBlocks([]string{"a", "c"}, 0, 100, false, 10); !slices.Equal(firsts(mb), []uint64{31, 41}) {
		t.Fatalf("model blocks after removal: %v", firsts(mb))
	}
	segs, _ := x.Segments()
	if len(segs) != 1 || segs[0].First != 31 {
		t.Fatalf("segments after removal: %+v", segs)
	}
	if err := x.MarkRemoved(r.ID); err != nil {
		t.Fatal(err)
	}
	rs, err := x.Removals()
	want := Removal{ID: 1, First: 1, Last: 30, Segments: []uint64{1}, Anchor: [32]byte{9}, Policy: "max-bytes", Time: 5, Done: true}
	if err != nil || len(rs) != 1 || !reflect.DeepEqual(rs[0], want) {
		t.Fatalf("removals %+v %v", rs, err)
	}
	if err := x.MarkLogged(r.ID); err != nil {
		t.Fatal(err)
	}
	want.Logged = true
	if rs, err := x.Removals(); err != nil || len(rs) != 1 || !reflect.DeepEqual(rs[0], want) {
		t.Fatalf("removals after MarkLogged %+v %v", rs, err)
	}
}

func TestDecodersRejectGarbage(t *testing.T) {
	for i, v := range [][]byte{nil, {0xff}, {1, 2}, {0, 0, 0, 0, 0, 0}} {
		if _, _, err := decodeBlockIDs(v); err == nil {
			t.Errorf("block %d decoded", i)
		}
		if _, err := decodeRemoval(v); err == nil {
			t.Errorf("removal %d decoded", i)
		}
	}
}

// FuzzDecode checks that no index value decoder panics, and that values
// they accept re-encode identically.
func FuzzDecode(f *testing.F) {
	b := blocksOf(1)[0]
	f.Add(encodeBlock(&b, []uint32{1, 2}))
	f.Add(encodeSegment(&Segment{Last: 9, Records: 9, Bytes: 100, MaxTime: 5}, []uint32{3}))
	f.Add(encodeMark(Mark{Seq: 5, Next: Pos{1, 2}, Time: -3}))
	f.Add(encodeRemoval(&Removal{First: 1, Last: 2, Segments: []uint64{1}, Policy: "max-age"}))
	f.Fuzz(func(t *testing.T, v []byte) {
		if ids, b, err := decodeBlockIDs(v); err == nil {
			if got := encodeBlock(&b, ids); string(got) != string(v) {
				t.Fatalf("block re-encodes differently")
			}
		}
		if ids, s, err := decodeSegmentIDs(v); err == nil {
			if got := encodeSegment(&s, ids); string(got) != string(v) {
				t.Fatalf("segment re-encodes differently")
			}
		}
		if m, err := decodeMark(v); err == nil && v != nil {
			if got := encodeMark(m); string(got) != string(v) {
				t.Fatalf("mark re-encodes differently")
			}
		}
		if r, err := decodeRemoval(v); err == nil {
			if got := encodeRemoval(&r); string(got) != string(v) {
				t.Fatalf("removal re-encodes differently: %s", fmt.Sprint(r))
			}
		}
	})
}

func TestOpenTellsUnusableFromIO(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not bbolt "), 2000), 0o600)
	if _, err := Open(garbage, store, nil); !errors.Is(err, ErrUnusable) {
		t.Fatalf("garbage: %v", err)
	}
	if _, err := Open(filepath.Join(dir), store, nil); !errors.Is(err, ErrUnusable) {
		t.Fatalf("a folder: %v", err)
	}
	x, path := openTemp(t)
	x.Close()
	if _, err := Open(path, []byte("another store id"), nil); !errors.Is(err, ErrUnusable) || !errors.Is(err, ErrMismatch) {
		t.Fatalf("another store's: %v", err)
	}
	efs := vfs.NewErrorFS(vfs.Default)
	efs.Inject(vfs.Fault{Ops: vfs.OpOpen, Err: syscall.EIO})
	if _, err := Open(path, store, &Options{FS: efs}); !errors.Is(err, syscall.EIO) || errors.Is(err, ErrUnusable) {
		t.Fatalf("EIO opening it: %v", err)
	}
	if _, err := Open(path, store, &Options{FS: vfs.NewMem()}); !errors.Is(err, ErrNotOS) || errors.Is(err, ErrUnusable) {
		t.Fatalf("on a MemFS: %v", err)
	}
	// A lock held elsewhere is not the file's fault either.
	held, err := Open(path, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := Open(path, store, &Options{Timeout: time.Millisecond}); err == nil || errors.Is(err, ErrUnusable) {
		t.Fatalf("locked: %v", err)
	}
}

// TestAnyModelName stores blocks of every kind of model name a record can
// hold: empty (bbolt refuses an empty key), NUL bytes, a name starting
// with 0xFF, names longer than bbolt's 32 KiB key limit, and names whose
// hashed key could be mistaken for another's. Each is found again by
// ModelBlocks, from the writer and from a read-only snapshot, and the
// names round-trip.
func TestAnyModelName(t *testing.T) {
	long := string(bytes.Repeat([]byte("m"), 1<<20))
	names := []string{"", "\x00", "a\x00b", "\xff", "\xffmodel", long, long + "x",
		string(bytes.Repeat([]byte("n"), maxNameKey)), string(bytes.Repeat([]byte("n"), maxNameKey+1)), "phi-3"}
	x, path := openTemp(t)
	var bs []Block
	for i, n := range names {
		bs = append(bs, Block{First: uint64(i + 1), Count: 1, Pos: Pos{1, int64(64 + 100*i)}, Models: []string{n}})
	}
	if err := x.Apply(&Checkpoint{Blocks: bs, Segments: []Segment{{First: 1, Last: uint64(len(names)), Records: uint64(len(names)), Models: names}},
		Mark: Mark{Seq: uint64(len(names)), Next: Pos{1, 9999}}}); err != nil {
		t.Fatal(err)
	}
	check := func(x *Index, from string, more ...uint64) {
		for i, n := range names {
			got, err := x.ModelBlocks([]string{n}, 0, 100, false, 100)
			if err != nil || !slices.Equal(firsts(got), append([]uint64{uint64(i + 1)}, more...)) {
				t.Errorf("%s: model %d (%d bytes): blocks %v, %v", from, i, len(n), firsts(got), err)
			}
			if len(got) > 0 && !slices.Equal(got[0].Models, []string{n}) {
				t.Errorf("%s: model %d does not round-trip", from, i)
			}
		}
	}
	check(x, "writer")
	snap := filepath.Join(t.TempDir(), "index.snap")
	if err := x.Snapshot(snap); err != nil {
		t.Fatal(err)
	}
	x.Close()
	ro, err := Open(snap, store, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	check(ro, "snapshot")
	ro.Close()
	// Reopened for writing: the ids are found again by key, so a second
	// checkpoint naming the same models registers nothing new.
	x2, err := Open(path, store, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x2.Close()
	if err := x2.Apply(&Checkpoint{Blocks: []Block{{First: 100, Count: 1, Pos: Pos{1, 99999}, Models: names}}, Mark: Mark{Seq: 100}}); err != nil {
		t.Fatal(err)
	}
	if len(x2.models) != len(names) {
		t.Fatalf("%d model ids for %d names", len(x2.models), len(names))
	}
	check(x2, "reopened", 100)
}

// TestMerkleNodes stores the nodes of a tree of 1000 leaves over several
// checkpoints, as the engine does, reads them back, and checks that a
// removal deletes exactly the nodes all of whose leaves it removed.
func TestMerkleNodes(t *testing.T) {
	x, _ := openTemp(t)
	// Every node from MinNodeLevel up of a tree of 1000 leaves, in the
	// order the leaves complete them, each with a hash naming it.
	hash := func(id NodeID) (h [32]byte) {
		h[0], h[1], h[2] = id.Level, byte(id.Index), byte(id.Index>>8)
		return h
	}
	const leaves = 1000
	var all []Node
	for end := uint64(1); end <= leaves; end++ {
		for l := uint8(MinNodeLevel); end%(1<<l) == 0; l++ {
			id := NodeID{Level: l, Index: end>>l - 1}
			all = append(all, Node{NodeID: id, Hash: hash(id)})
		}
	}
	for i := 0; i < len(all); i += 5 {
		if err := x.Apply(&Checkpoint{Nodes: all[i:min(i+5, len(all))]}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(removed uint64) {
		t.Helper()
		var ids []NodeID
		for l := uint8(MinNodeLevel); l < 12; l++ {
			for i := uint64(0); i <= leaves>>l; i++ {
				ids = append(ids, NodeID{Level: l, Index: i})
			}
		}
		hs, ok, err := x.Nodes(ids)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			end := (id.Index + 1) << id.Level
			want := end <= leaves && end > removed
			if ok[i] != want || (want && hs[i] != hash(id)) {
				t.Errorf("after removing %d leaves: node (%d, %d): stored %v, want %v (hash %x)", removed, id.Level, id.Index, ok[i], want, hs[i][:3])
			}
		}
	}
	check(0)
	for _, last := range []uint64{63, 64, 200, 511, 512, 1000} {
		if _, err := x.AddRemoval(Removal{First: 1, Last: last, Policy: "max-records"}); err != nil {
			t.Fatal(err)
		}
		check(last)
	}
}
