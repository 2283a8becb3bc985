package vfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// writeFile creates name holding data, syncing the data if sync is set.
func writeFile(t testing.TB, fsys FS, name, data string, sync bool) {
	t.Helper()
	f, err := fsys.Create(name, 0o644)
	must(t, err)
	if _, err := f.WriteAt([]byte(data), 0); err != nil {
		t.Fatal(err)
	}
	if sync {
		must(t, f.Sync())
	}
	must(t, f.Close())
}

// durableFile creates name holding data and makes both durable.
func durableFile(t testing.TB, fsys FS, name, data string) {
	t.Helper()
	writeFile(t, fsys, name, data, true)
	must(t, fsys.SyncDir(filepath.Dir(name)))
}

func openRW(t testing.TB, fsys FS, name string) File {
	t.Helper()
	f, err := fsys.OpenRW(name)
	must(t, err)
	return f
}

func writeAtT(t testing.TB, f File, s string, off int64) {
	t.Helper()
	if _, err := f.WriteAt([]byte(s), off); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists everything under dir: each file's contents keyed by its
// path relative to dir, and each directory as "<dir>" keyed by its path
// with a trailing slash.
func snapshot(t testing.TB, fsys FS, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	var walk func(rel string)
	walk = func(rel string) {
		names, err := fsys.ReadDir(filepath.Join(dir, rel))
		must(t, err)
		for _, name := range names {
			p := filepath.Join(dir, rel, name)
			fi, err := fsys.Stat(p)
			must(t, err)
			r := filepath.ToSlash(filepath.Join(rel, name))
			if fi.IsDir() {
				out[r+"/"] = "<dir>"
				walk(filepath.Join(rel, name))
				continue
			}
			b, err := ReadFile(fsys, p)
			must(t, err)
			if int64(len(b)) != fi.Size() {
				t.Fatalf("%s: read %d bytes, Stat says %d", p, len(b), fi.Size())
			}
			out[r] = string(b)
		}
	}
	walk("")
	return out
}

func diffSnapshots(got, want map[string]string) string {
	var sb strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&sb, "  missing %s (want %q)\n", k, short(want[k]))
		} else if g != want[k] {
			fmt.Fprintf(&sb, "  %s = %q, want %q\n", k, short(g), short(want[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&sb, "  unexpected %s = %q\n", k, short(got[k]))
		}
	}
	return sb.String()
}

func short(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s...(%d bytes)", s[:40], len(s))
	}
	return s
}

func TestMemCrashModel(t *testing.T) {
	const d = "/d"
	tests := []struct {
		name string
		run  func(t *testing.T, m *MemFS)
		want map[string]string // snapshot of /d in the crash clone
	}{
		{
			name: "synced data and entry survive",
			run:  func(t *testing.T, m *MemFS) { durableFile(t, m, "/d/a", "hello") },
			want: map[string]string{"a": "hello"},
		},
		{
			name: "unsynced writes are lost",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				f := openRW(t, m, "/d/a")
				writeAtT(t, f, "J", 0)
				writeAtT(t, f, "!!", 5)
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "writes up to the last Sync survive",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				f := openRW(t, m, "/d/a")
				writeAtT(t, f, "J", 0)
				must(t, f.Sync())
				writeAtT(t, f, "!!", 5)
			},
			want: map[string]string{"a": "Jello"},
		},
		{
			name: "created file without SyncDir vanishes",
			run:  func(t *testing.T, m *MemFS) { writeFile(t, m, "/d/a", "hello", true) },
			want: map[string]string{},
		},
		{
			name: "created file with SyncDir but unsynced data is empty",
			run: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "/d/a", "hello", false)
				must(t, m.SyncDir(d))
			},
			want: map[string]string{"a": ""},
		},
		{
			name: "data synced after SyncDir survives",
			run: func(t *testing.T, m *MemFS) {
				f, err := m.Create("/d/a", 0o644)
				must(t, err)
				must(t, m.SyncDir(d))
				writeAtT(t, f, "hello", 0)
				must(t, f.Sync())
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "rename without SyncDir reverts",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				must(t, m.Rename("/d/a", "/d/b"))
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "rename with SyncDir persists",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				must(t, m.Rename("/d/a", "/d/b"))
				must(t, m.SyncDir(d))
			},
			want: map[string]string{"b": "hello"},
		},
		{
			name: "rename over a file without SyncDir reverts both",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "A")
				durableFile(t, m, "/d/b", "B")
				must(t, m.Rename("/d/a", "/d/b"))
			},
			want: map[string]string{"a": "A", "b": "B"},
		},
		{
			name: "rename over a file with SyncDir replaces it",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "A")
				durableFile(t, m, "/d/b", "B")
				must(t, m.Rename("/d/a", "/d/b"))
				must(t, m.SyncDir(d))
			},
			want: map[string]string{"b": "A"},
		},
		{
			name: "remove without SyncDir reverts",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				must(t, m.Remove("/d/a"))
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "remove with SyncDir persists",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				must(t, m.Remove("/d/a"))
				must(t, m.SyncDir(d))
			},
			want: map[string]string{},
		},
		{
			name: "file recreated without SyncDir keeps the old inode",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "old")
				must(t, m.Remove("/d/a"))
				writeFile(t, m, "/d/a", "new", true)
			},
			want: map[string]string{"a": "old"},
		},
		{
			name: "truncating Create without Sync keeps the data",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				_, err := m.Create("/d/a", 0o644)
				must(t, err)
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "truncating Create with Sync empties the file",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				f, err := m.Create("/d/a", 0o644)
				must(t, err)
				must(t, f.Sync())
			},
			want: map[string]string{"a": ""},
		},
		{
			name: "Truncate without Sync is lost",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				must(t, openRW(t, m, "/d/a").Truncate(2))
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "Truncate with Sync persists",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				f := openRW(t, m, "/d/a")
				must(t, f.Truncate(2))
				must(t, f.Sync())
			},
			want: map[string]string{"a": "he"},
		},
		{
			name: "Sync through a read-only handle persists",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				writeAtT(t, openRW(t, m, "/d/a"), "J", 0)
				f, err := m.Open("/d/a")
				must(t, err)
				must(t, f.Sync())
			},
			want: map[string]string{"a": "Jello"},
		},
		{
			name: "MkdirAll is durable at once",
			run:  func(t *testing.T, m *MemFS) { must(t, m.MkdirAll("/d/e/f", 0o755)) },
			want: map[string]string{"e/": "<dir>", "e/f/": "<dir>"},
		},
		{
			name: "a file needs SyncDir of its own directory",
			run: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("/d/e", 0o755))
				writeFile(t, m, "/d/e/x", "x", true)
				must(t, m.SyncDir(d))
			},
			want: map[string]string{"e/": "<dir>"},
		},
		{
			name: "cross-directory rename with only the source synced loses the file",
			run: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("/d/e", 0o755))
				durableFile(t, m, "/d/a", "A")
				must(t, m.Rename("/d/a", "/d/e/a"))
				must(t, m.SyncDir(d))
			},
			want: map[string]string{"e/": "<dir>"},
		},
		{
			name: "cross-directory rename with only the target synced leaves both names",
			run: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("/d/e", 0o755))
				durableFile(t, m, "/d/a", "A")
				must(t, m.Rename("/d/a", "/d/e/a"))
				must(t, m.SyncDir("/d/e"))
			},
			want: map[string]string{"a": "A", "e/": "<dir>", "e/a": "A"},
		},
		{
			name: "removed empty directory without SyncDir comes back",
			run: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("/d/e", 0o755))
				must(t, m.Remove("/d/e"))
			},
			want: map[string]string{"e/": "<dir>"},
		},
		{
			name: "WriteFileAtomic survives",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/m", "v1")
				must(t, WriteFileAtomic(m, d, "/d/m", []byte("v2"), 0o644))
			},
			want: map[string]string{"m": "v2"},
		},
		{
			name: "WriteFileAtomic cut before its SyncDir leaves the old file",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/m", "v1")
				m.CrashAfter(m.Ops() + 4) // Create, WriteAt, Sync, Rename
				if err := WriteFileAtomic(m, d, "/d/m", []byte("v2"), 0o644); !errors.Is(err, ErrCrashed) {
					t.Fatalf("WriteFileAtomic = %v, want ErrCrashed", err)
				}
			},
			want: map[string]string{"m": "v1"},
		},
		{
			name: "a created lock file is not durable",
			run: func(t *testing.T, m *MemFS) {
				_, err := m.Lock("/d/LOCK")
				must(t, err)
			},
			want: map[string]string{},
		},
		{
			name: "writes through a handle to a removed file do not resurrect it",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				f := openRW(t, m, "/d/a")
				must(t, m.Remove("/d/a"))
				must(t, m.SyncDir(d))
				writeAtT(t, f, "J", 0)
				must(t, f.Sync())
			},
			want: map[string]string{},
		},
		{
			name: "writes through a handle to a renamed file follow the inode",
			run: func(t *testing.T, m *MemFS) {
				durableFile(t, m, "/d/a", "hello")
				f := openRW(t, m, "/d/a")
				must(t, m.Rename("/d/a", "/d/b"))
				writeAtT(t, f, "J", 0)
				must(t, f.Sync())
			},
			want: map[string]string{"a": "Jello"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMem()
			must(t, m.MkdirAll(d, 0o755))
			tt.run(t, m)
			c := m.CrashClone(CrashOptions{})
			if diff := diffSnapshots(snapshot(t, c, d), tt.want); diff != "" {
				t.Errorf("crash clone differs:\n%soriginal:\n%s", diff, m)
			}
			// A clone has just booted: its durable state is its
			// current state.
			cc := c.CrashClone(CrashOptions{})
			if diff := diffSnapshots(snapshot(t, cc, d), tt.want); diff != "" {
				t.Errorf("clone of the crash clone differs:\n%s", diff)
			}
		})
	}
}

func TestMemCrossDirectoryRenameCloneSharesInode(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d/e", 0o755))
	durableFile(t, m, "/d/a", "A")
	must(t, m.Rename("/d/a", "/d/e/a"))
	must(t, m.SyncDir("/d/e"))
	c := m.CrashClone(CrashOptions{})
	f := openRW(t, c, "/d/a")
	writeAtT(t, f, "B", 0)
	b, err := ReadFile(c, "/d/e/a")
	must(t, err)
	if string(b) != "B" {
		t.Fatalf("/d/e/a = %q after writing /d/a, want the same inode", b)
	}
}

func TestMemCloneHasNoLocks(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/LOCK", "")
	if _, err := m.Lock("/d/LOCK"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Lock("/d/LOCK"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock = %v, want ErrLocked", err)
	}
	m.Crash()
	c := m.CrashClone(CrashOptions{})
	l, err := c.Lock("/d/LOCK")
	if err != nil {
		t.Fatalf("Lock in crash clone: %v", err)
	}
	must(t, l.Close())
}

// keepRef applies muts to base the way the CrashClone documentation says,
// using its own copy of the draws. It is the test's independent model.
type refMut struct {
	trunc bool
	off   int64
	data  string
}

func refApply(data []byte, mu refMut) []byte {
	if mu.trunc {
		if int(mu.off) <= len(data) {
			return data[:mu.off]
		}
		return append(data, make([]byte, int(mu.off)-len(data))...)
	}
	if end := int(mu.off) + len(mu.data); end > len(data) {
		data = append(data, make([]byte, end-len(data))...)
	}
	copy(data[mu.off:], mu.data)
	return data
}

func TestMemKeepUnsyncedSubsetAndPrefix(t *testing.T) {
	// Two files, each with three unsynced writes at distinct offsets, so
	// every kept subset gives distinct contents.
	files := []string{"/d/a", "/d/b"}
	muts := []refMut{{off: 0, data: "x"}, {off: 1, data: "y"}, {off: 2, data: "z"}}
	build := func(t *testing.T) *MemFS {
		m := NewMem()
		must(t, m.MkdirAll("/d", 0o755))
		for _, name := range files {
			durableFile(t, m, name, "")
			f := openRW(t, m, name)
			for _, mu := range muts {
				writeAtT(t, f, mu.data, mu.off)
			}
		}
		return m
	}
	for _, prefix := range []bool{false, true} {
		t.Run(fmt.Sprintf("prefix=%t", prefix), func(t *testing.T) {
			m := build(t)
			seen := make(map[string]bool)
			for seed := range int64(64) {
				r := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67))
				want := make(map[string]string)
				for _, name := range files { // files in sorted order
					var data []byte
					if prefix {
						n := r.IntN(len(muts) + 1)
						for _, mu := range muts[:n] {
							data = refApply(data, mu)
						}
					} else {
						for _, mu := range muts {
							if r.IntN(2) == 1 {
								data = refApply(data, mu)
							}
						}
					}
					want[filepath.Base(name)] = string(data)
					seen[string(data)] = true
				}
				c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepPrefix: prefix})
				if diff := diffSnapshots(snapshot(t, c, "/d"), want); diff != "" {
					t.Errorf("seed %d:\n%s", seed, diff)
				}
			}
			outcomes := 8 // every subset of three writes
			if prefix {
				outcomes = 4 // "", "x", "xy", "xyz"
			}
			if len(seen) != outcomes {
				t.Errorf("saw %d distinct outcomes over 64 seeds, want %d: %q", len(seen), outcomes, slices.Sorted(maps.Keys(seen)))
			}
			if prefix {
				for _, s := range []string{"", "x", "xy", "xyz"} {
					if !seen[s] {
						t.Errorf("prefix %q never seen", s)
					}
				}
			}
		})
	}
}

func TestMemTear(t *testing.T) {
	// A durable 600-byte file of 'a', then one unsynced 1300-byte write of
	// 'b' at offset 100. Sector boundaries inside the write are at file
	// offsets 512 and 1024, so it has three pieces and may be cut at
	// 0, 412, 924 or 1300 bytes.
	const (
		baseLen = 600
		off     = 100
		wlen    = 1300
	)
	cuts := []int{0, 412, 924, 1300}
	base := bytes.Repeat([]byte("a"), baseLen)
	w := bytes.Repeat([]byte("b"), wlen)
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/f", string(base))
	writeAtT(t, openRW(t, m, "/d/f"), string(w), off)

	for _, tear := range []Tear{TearNone, TearSectors, TearZero, TearGarbage} {
		t.Run(tear.String(), func(t *testing.T) {
			seenCut := make(map[int]bool)
			seenDropped := false
			for seed := range int64(100) {
				// The documented draws: the prefix length (0 or 1 of
				// the single mutation), then the cut, then garbage.
				r := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67))
				want := slices.Clone(base)
				if r.IntN(2) == 1 {
					b := slices.Clone(w)
					if tear != TearNone {
						cut := cuts[r.IntN(len(cuts))]
						seenCut[cut] = true
						switch tear {
						case TearSectors:
							b = b[:cut]
						case TearZero:
							clear(b[cut:])
						case TearGarbage:
							for i := cut; i < len(b); i += 8 {
								v := r.Uint64()
								for j := i; j < i+8 && j < len(b); j++ {
									b[j] = byte(v)
									v >>= 8
								}
							}
						}
					}
					want = refApply(want, refMut{off: off, data: string(b)})
				} else {
					seenDropped = true
				}
				c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepPrefix: true, Tear: tear})
				got, err := ReadFile(c, "/d/f")
				must(t, err)
				if !bytes.Equal(got, want) {
					t.Fatalf("seed %d: got %d bytes %q..., want %d bytes %q...", seed, len(got), short(string(got[off:])), len(want), short(string(want[off:])))
				}
				// Check the documented shape directly too.
				switch tear {
				case TearSectors:
					if n := len(got); n != baseLen && n != 1024 && n != off+wlen {
						t.Fatalf("seed %d: TearSectors size %d, want 600, 1024 or 1400", seed, n)
					}
				case TearZero, TearGarbage:
					if n := len(got); n != baseLen && n != off+wlen {
						t.Fatalf("seed %d: %v size %d, want 600 or 1400", seed, tear, n)
					}
				}
			}
			if !seenDropped {
				t.Errorf("the write was never dropped")
			}
			if tear != TearNone {
				for _, cut := range cuts {
					if !seenCut[cut] {
						t.Errorf("cut at %d never seen", cut)
					}
				}
			}
		})
	}
}

func TestMemTearExamples(t *testing.T) {
	// Spelled-out outcomes for fixed cuts, independent of the generator:
	// a 1300-byte write at offset 100 over a 600-byte file, cut after its
	// first piece (412 bytes, up to file offset 512).
	base := bytes.Repeat([]byte("a"), 600)
	w := bytes.Repeat([]byte("b"), 1300)
	mu := mutation{off: 100, data: w}
	if got := sectorCuts(100, 1300); !slices.Equal(got, []int{0, 412, 924, 1300}) {
		t.Fatalf("sectorCuts = %v", got)
	}
	if got := sectorCuts(512, 1024); !slices.Equal(got, []int{0, 512, 1024}) {
		t.Fatalf("sectorCuts of an aligned write = %v", got)
	}
	if got := sectorCuts(10, 20); !slices.Equal(got, []int{0, 20}) {
		t.Fatalf("sectorCuts of a write inside one sector = %v", got)
	}
	// Find seeds whose cut is 412 by drawing as CrashClone does.
	cutSeed := -1
	for seed := range 1000 {
		r := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67))
		if r.IntN(4) == 1 {
			cutSeed = seed
			break
		}
	}
	r := func() *rand.Rand { return rand.New(rand.NewPCG(uint64(cutSeed), 0x6c6c6f67)) }

	got := writeAt(slices.Clone(base), mu.off, tearWrite(mu, TearSectors, r()))
	want := slices.Concat(bytes.Repeat([]byte("a"), 100), bytes.Repeat([]byte("b"), 412), bytes.Repeat([]byte("a"), 88))
	if !bytes.Equal(got, want) {
		t.Errorf("TearSectors: got %q", got)
	}
	got = writeAt(slices.Clone(base), mu.off, tearWrite(mu, TearZero, r()))
	want = slices.Concat(bytes.Repeat([]byte("a"), 100), bytes.Repeat([]byte("b"), 412), make([]byte, 888))
	if !bytes.Equal(got, want) {
		t.Errorf("TearZero: got %q", got)
	}
	got = writeAt(slices.Clone(base), mu.off, tearWrite(mu, TearGarbage, r()))
	if len(got) != 1400 || !bytes.Equal(got[:512], want[:512]) || bytes.Count(got[512:], []byte("b")) > 20 || bytes.Count(got[512:], []byte{0}) > 20 {
		t.Errorf("TearGarbage: got %q", got)
	}
}

func TestMemTearLastWriteBeforeTruncate(t *testing.T) {
	// Unsynced: a two-sector write, then a truncate. The tear applies to the
	// write (the last write kept); the truncate is applied after it.
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/f", "")
	f := openRW(t, m, "/d/f")
	writeAtT(t, f, strings.Repeat("b", 1024), 0)
	must(t, f.Truncate(700))
	seen := make(map[string]bool)
	for seed := range int64(64) {
		c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepPrefix: true, Tear: TearSectors})
		got, err := ReadFile(c, "/d/f")
		must(t, err)
		var desc string
		switch {
		case len(got) == 0:
			desc = "nothing"
		case string(got) == strings.Repeat("b", 512):
			desc = "first sector"
		case string(got) == strings.Repeat("b", 1024):
			desc = "whole write"
		case string(got) == strings.Repeat("b", 512)+strings.Repeat("\x00", 188):
			desc = "first sector, truncated"
		case string(got) == strings.Repeat("b", 700):
			desc = "whole write, truncated"
		case string(got) == strings.Repeat("\x00", 700):
			desc = "no sector, truncated"
		default:
			t.Fatalf("seed %d: unexpected %d bytes %q", seed, len(got), short(string(got)))
		}
		seen[desc] = true
	}
	// "whole write" only arises as a prefix of length 1 with the whole
	// write kept; "nothing" from length 0 or length 1 with k = 0.
	for _, d := range []string{"nothing", "first sector", "whole write", "first sector, truncated", "whole write, truncated", "no sector, truncated"} {
		if !seen[d] {
			t.Errorf("outcome %q never seen over 64 seeds (saw %v)", d, slices.Sorted(maps.Keys(seen)))
		}
	}
}

func TestMemTearOnlyTheLastKeptWrite(t *testing.T) {
	// Two unsynced one-sector-pair writes. With a prefix of length 2 the
	// second is torn and the first is whole; with length 1 the first is
	// torn.
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/f", "")
	f := openRW(t, m, "/d/f")
	muts := []refMut{{off: 0, data: strings.Repeat("b", 1024)}, {off: 1024, data: strings.Repeat("c", 1024)}}
	for _, mu := range muts {
		writeAtT(t, f, mu.data, mu.off)
	}
	seen := make(map[[2]int]bool)
	for seed := range int64(64) {
		r := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67))
		n := r.IntN(len(muts) + 1)
		var want []byte
		for i, mu := range muts[:n] {
			if i == n-1 {
				k := r.IntN(3) // cuts 0, 512, 1024
				seen[[2]int{n, k}] = true
				mu.data = mu.data[:512*k]
			}
			want = refApply(want, mu)
		}
		c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepPrefix: true, Tear: TearSectors})
		got, err := ReadFile(c, "/d/f")
		must(t, err)
		if string(got) != string(want) {
			t.Fatalf("seed %d: got %d bytes %q, want %d bytes %q", seed, len(got), short(string(got)), len(want), short(string(want)))
		}
	}
	if len(seen) != 6 {
		t.Errorf("saw (prefix, cut) pairs %v, want all 6", seen)
	}
}

func TestMemTruncatingCreateIsAnUnsyncedMutation(t *testing.T) {
	// Create on an existing file records a truncate to zero, which a crash
	// clone may keep or drop like any other unsynced mutation.
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/a", "hello")
	f, err := m.Create("/d/a", 0o644)
	must(t, err)
	writeAtT(t, f, "J", 0)
	seen := make(map[string]bool)
	for seed := range int64(64) {
		b, err := ReadFile(m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepPrefix: true}), "/d/a")
		must(t, err)
		seen[string(b)] = true
	}
	if want := []string{"", "J", "hello"}; !slices.Equal(slices.Sorted(maps.Keys(seen)), want) {
		t.Errorf("outcomes %q, want %q", slices.Sorted(maps.Keys(seen)), want)
	}
}

func TestMemKeepUnsyncedDirOps(t *testing.T) {
	t.Run("prefix of operations in order", func(t *testing.T) {
		m := NewMem()
		must(t, m.MkdirAll("/d", 0o755))
		writeFile(t, m, "/d/a", "A", true) // 1: create a
		writeFile(t, m, "/d/b", "B", true) // 2: create b
		must(t, m.Rename("/d/a", "/d/c"))  // 3: rename a -> c
		must(t, m.Remove("/d/b"))          // 4: remove b
		states := []map[string]string{
			{},
			{"a": "A"},
			{"a": "A", "b": "B"},
			{"b": "B", "c": "A"},
			{"c": "A"},
		}
		seen := make(map[int]bool)
		for seed := range int64(64) {
			r := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67))
			k := r.IntN(len(states))
			seen[k] = true
			c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsyncedDirOps: true})
			if diff := diffSnapshots(snapshot(t, c, "/d"), states[k]); diff != "" {
				t.Errorf("seed %d (prefix %d):\n%s", seed, k, diff)
			}
		}
		if len(seen) != len(states) {
			t.Errorf("saw prefixes %v, want all of 0..%d", seen, len(states)-1)
		}
	})
	t.Run("SyncDir retires a directory's operations", func(t *testing.T) {
		m := NewMem()
		must(t, m.MkdirAll("/d/e", 0o755))
		durableFile(t, m, "/d/a", "A")
		must(t, m.Rename("/d/a", "/d/e/a")) // 1: half durable after the SyncDir below
		must(t, m.SyncDir("/d"))
		writeFile(t, m, "/d/b", "B", true) // 2
		states := []map[string]string{
			{"e/": "<dir>"},
			{"e/": "<dir>", "e/a": "A"},
			{"e/": "<dir>", "e/a": "A", "b": "B"},
		}
		seen := make(map[int]bool)
		for seed := range int64(32) {
			k := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67)).IntN(len(states))
			seen[k] = true
			c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsyncedDirOps: true})
			if diff := diffSnapshots(snapshot(t, c, "/d"), states[k]); diff != "" {
				t.Errorf("seed %d (prefix %d):\n%s", seed, k, diff)
			}
		}
		if len(seen) != len(states) {
			t.Errorf("saw prefixes %v", seen)
		}
	})
	t.Run("MkdirAll overrides earlier unsynced operations on its name", func(t *testing.T) {
		m := NewMem()
		must(t, m.MkdirAll("/d/e", 0o755))
		must(t, m.Remove("/d/e"))
		must(t, m.MkdirAll("/d/e", 0o755))
		for seed := range int64(16) {
			c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsyncedDirOps: true})
			if diff := diffSnapshots(snapshot(t, c, "/d"), map[string]string{"e/": "<dir>"}); diff != "" {
				t.Errorf("seed %d:\n%s", seed, diff)
			}
		}
	})
	t.Run("kept entries with kept data", func(t *testing.T) {
		// The directory draw comes first, then the file draws.
		m := NewMem()
		must(t, m.MkdirAll("/d", 0o755))
		writeFile(t, m, "/d/a", "A", false) // create a; its write stays unsynced
		for seed := range int64(32) {
			r := rand.New(rand.NewPCG(uint64(seed), 0x6c6c6f67))
			want := map[string]string{}
			if r.IntN(2) == 1 { // the create is kept: a is visited
				data := ""
				if r.IntN(2) == 1 { // its one unsynced write is kept
					data = "A"
				}
				want["a"] = data
			}
			c := m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepUnsyncedDirOps: true})
			if diff := diffSnapshots(snapshot(t, c, "/d"), want); diff != "" {
				t.Errorf("seed %d:\n%s", seed, diff)
			}
		}
	})
}

func TestMemCloneIndependent(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/a", "hello")
	f := openRW(t, m, "/d/a")
	writeAtT(t, f, "HE", 0) // unsynced, kept by some seeds
	var c *MemFS
	for seed := int64(0); ; seed++ {
		if seed == 100 {
			t.Fatal("no seed in 0..99 keeps the unsynced write")
		}
		c = m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true})
		if b, _ := ReadFile(c, "/d/a"); string(b) == "HEllo" {
			break
		}
	}
	// Writing and syncing the clone does not touch the original, and the
	// other way round.
	cf := openRW(t, c, "/d/a")
	writeAtT(t, cf, "xyz", 0)
	must(t, cf.Sync())
	writeFile(t, c, "/d/new", "n", true)
	must(t, c.SyncDir("/d"))
	writeAtT(t, f, "Q", 4)
	must(t, f.Sync())

	if got := snapshot(t, m, "/d"); got["a"] != "HEllQ" || len(got) != 1 {
		t.Errorf("original: %v", got)
	}
	if got := snapshot(t, c, "/d"); got["a"] != "xyzlo" || got["new"] != "n" || len(got) != 2 {
		t.Errorf("clone: %v", got)
	}
	if got := snapshot(t, m.CrashClone(CrashOptions{}), "/d"); got["a"] != "HEllQ" {
		t.Errorf("original after crash: %v", got)
	}
	if got := snapshot(t, c.CrashClone(CrashOptions{}), "/d"); got["a"] != "xyzlo" || got["new"] != "n" {
		t.Errorf("clone after crash: %v", got)
	}
	// A crash of the original does not crash the clone.
	m.Crash()
	if _, err := c.Stat("/d/a"); err != nil {
		t.Errorf("clone after the original crashed: %v", err)
	}
	// A clone's Ops start at zero: WriteAt, Sync, then writeFile's Create,
	// WriteAt and Sync, then SyncDir.
	if c.Ops() != 6 {
		t.Errorf("clone Ops = %d, want 6", c.Ops())
	}
}

func TestMemDoesNotKeepCallersBuffers(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	durableFile(t, m, "/d/a", "")
	f := openRW(t, m, "/d/a")
	buf := []byte("good")
	writeAtT(t, f, string(buf), 0) // through a copy: now the real buffer
	if _, err := f.WriteAt(buf, 4); err != nil {
		t.Fatal(err)
	}
	copy(buf, "evil")
	for seed := range int64(8) {
		b, err := ReadFile(m.CrashClone(CrashOptions{Seed: seed, KeepUnsynced: true, KeepPrefix: true}), "/d/a")
		must(t, err)
		if strings.Contains(string(b), "evil") {
			t.Fatalf("seed %d: clone holds %q: the unsynced write aliases the caller's buffer", seed, b)
		}
	}
	b := make([]byte, 8)
	if _, err := f.ReadAt(b, 0); err != nil {
		t.Fatal(err)
	}
	copy(b, "XXXXXXXX")
	got, err := ReadFile(m, "/d/a")
	must(t, err)
	if string(got) != "goodgood" {
		t.Fatalf("file = %q", got)
	}
}

func TestMemCloneDeterministic(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d/e", 0o755))
	for i := range 5 {
		name := fmt.Sprintf("/d/f%d", i)
		durableFile(t, m, name, strings.Repeat("s", 700))
		f := openRW(t, m, name)
		writeAtT(t, f, strings.Repeat("u", 1500), int64(300*i))
		writeAtT(t, f, "tail", 3000)
	}
	writeFile(t, m, "/d/e/new", strings.Repeat("n", 2000), false)
	must(t, m.Rename("/d/f0", "/d/e/f0"))
	opts := CrashOptions{KeepUnsynced: true, Tear: TearGarbage, KeepUnsyncedDirOps: true}
	distinct := make(map[string]bool)
	for seed := range int64(20) {
		opts.Seed = seed
		a := fmt.Sprint(snapshot(t, m.CrashClone(opts), "/d"))
		b := fmt.Sprint(snapshot(t, m.CrashClone(opts), "/d"))
		if a != b {
			t.Fatalf("seed %d: two clones differ", seed)
		}
		distinct[a] = true
	}
	if len(distinct) < 15 {
		t.Errorf("only %d distinct clones over 20 seeds", len(distinct))
	}
}

// crashWorkload is a sequence of steps, each making exactly one mutating
// call on the FS.
func crashWorkload() []func(m *MemFS, st *crashState) error {
	return []func(m *MemFS, st *crashState) error{
		func(m *MemFS, st *crashState) error { return m.MkdirAll("/d", 0o755) },
		func(m *MemFS, st *crashState) error {
			f, err := m.Create("/d/a", 0o644)
			st.f = f
			return err
		},
		func(m *MemFS, st *crashState) error { _, err := st.f.WriteAt([]byte("hello"), 0); return err },
		func(m *MemFS, st *crashState) error { return st.f.Sync() },
		func(m *MemFS, st *crashState) error { return m.SyncDir("/d") },
		func(m *MemFS, st *crashState) error { _, err := st.f.WriteAt([]byte(" world"), 5); return err },
		func(m *MemFS, st *crashState) error { return st.f.Truncate(8) },
		func(m *MemFS, st *crashState) error { return m.Rename("/d/a", "/d/b") },
		func(m *MemFS, st *crashState) error {
			// Fails, and counts.
			if err := m.Remove("/d/missing"); !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("Remove of a missing file: %w", err)
			}
			return nil
		},
		func(m *MemFS, st *crashState) error {
			l, err := m.Lock("/d/LOCK")
			st.lock = l
			return err
		},
		func(m *MemFS, st *crashState) error { return m.SyncDir("/d") },
		func(m *MemFS, st *crashState) error { _, err := st.f.WriteAt([]byte("!"), 8); return err },
		func(m *MemFS, st *crashState) error { return m.Remove("/d/LOCK") },
		func(m *MemFS, st *crashState) error { return st.f.Sync() },
	}
}

type crashState struct {
	f    File
	lock io.Closer
}

// state describes all of m: its listing and several crash clones.
func memState(t *testing.T, m *MemFS) string {
	t.Helper()
	s := m.String()
	s = s[strings.IndexByte(s, '\n')+1:] // drop the header (ops, crashed)
	for _, opts := range []CrashOptions{
		{},
		{Seed: 1, KeepUnsynced: true, KeepUnsyncedDirOps: true},
		{Seed: 2, KeepUnsynced: true, KeepPrefix: true, Tear: TearZero, KeepUnsyncedDirOps: true},
	} {
		s += fmt.Sprintf("%+v: %v\n", opts, snapshot(t, m.CrashClone(opts), "/"))
	}
	return s
}

func TestMemCrashAfter(t *testing.T) {
	steps := crashWorkload()
	{
		m := NewMem()
		st := &crashState{}
		for i, step := range steps {
			if err := step(m, st); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if m.Ops() != i+1 {
				t.Fatalf("after step %d: Ops = %d, want %d", i, m.Ops(), i+1)
			}
		}
	}
	for n := 0; n <= len(steps); n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := NewMem()
			m.CrashAfter(n)
			if got := m.Crashed(); got != (n == 0) {
				t.Fatalf("Crashed before any op = %t", got)
			}
			st := &crashState{}
			for i, step := range steps {
				err := step(m, st)
				if i < n {
					if err != nil {
						t.Fatalf("step %d before the crash point: %v", i, err)
					}
					continue
				}
				if !errors.Is(err, ErrCrashed) {
					t.Fatalf("step %d = %v, want ErrCrashed", i, err)
				}
				var pe *fs.PathError
				var le *os.LinkError
				if !errors.As(err, &pe) && !errors.As(err, &le) {
					t.Errorf("step %d error %T is not a *fs.PathError or *os.LinkError", i, err)
				}
				break
			}
			if m.Ops() != n {
				t.Errorf("Ops = %d, want %d", m.Ops(), n)
			}
			// The FS crashes as soon as the n-th op completes, so it
			// has crashed even if the workload had only n steps.
			if !m.Crashed() {
				t.Errorf("not crashed")
			}
			// The state is that after exactly n steps.
			ref := NewMem()
			rst := &crashState{}
			for _, step := range steps[:n] {
				must(t, step(ref, rst))
			}
			if got, want := memState(t, m), memState(t, ref); got != want {
				t.Errorf("state after crash:\n%s\nwant:\n%s", got, want)
			}
			// Everything fails now, and changes nothing.
			checkCrashed := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, ErrCrashed) {
					t.Errorf("%s after the crash = %v, want ErrCrashed", what, err)
				}
			}
			_, err := m.Stat("/d")
			checkCrashed("Stat", err)
			_, err = m.ReadDir("/d")
			checkCrashed("ReadDir", err)
			_, err = m.Open("/d/a")
			checkCrashed("Open", err)
			_, err = m.OpenRW("/d/a")
			checkCrashed("OpenRW", err)
			checkCrashed("Remove", m.Remove("/d/b"))
			checkCrashed("MkdirAll", m.MkdirAll("/x", 0o755))
			_, err = m.Create("/d/c", 0o644)
			checkCrashed("Create", err)
			_, err = m.Lock("/d/L")
			checkCrashed("Lock", err)
			checkCrashed("SyncDir", m.SyncDir("/d"))
			checkCrashed("Rename", m.Rename("/d/b", "/d/c"))
			if st.f != nil {
				_, err = st.f.ReadAt(make([]byte, 1), 0)
				checkCrashed("ReadAt", err)
				_, err = st.f.WriteAt([]byte("x"), 0)
				checkCrashed("WriteAt", err)
				_, err = st.f.Size()
				checkCrashed("Size", err)
				checkCrashed("Truncate", st.f.Truncate(0))
				checkCrashed("Sync", st.f.Sync())
				checkCrashed("Close", st.f.Close())
			}
			if st.lock != nil {
				checkCrashed("lock Close", st.lock.Close())
			}
			if m.Ops() != n {
				t.Errorf("Ops after failed calls = %d, want %d", m.Ops(), n)
			}
			if got, want := memState(t, m), memState(t, ref); got != want {
				t.Errorf("state changed by calls after the crash:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestMemCrashAfterCountsFromStart(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	must(t, m.MkdirAll("/e", 0o755))
	m.CrashAfter(1) // already past: crash now
	if !m.Crashed() {
		t.Fatal("CrashAfter(n <= Ops) did not crash")
	}
	m = NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	m.CrashAfter(3)
	must(t, m.MkdirAll("/e", 0o755))
	must(t, m.SyncDir("/e"))
	if err := m.SyncDir("/e"); !errors.Is(err, ErrCrashed) {
		t.Fatalf("fourth op = %v, want ErrCrashed", err)
	}
	m = NewMem()
	m.Crash()
	if err := m.MkdirAll("/d", 0o755); !errors.Is(err, ErrCrashed) || m.Ops() != 0 {
		t.Fatalf("after Crash: %v, Ops %d", err, m.Ops())
	}
}

func TestMemErrors(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	writeFile(t, m, "/d/f", "data", false)
	check := func(what string, err, target error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Errorf("%s = %v, want %v", what, err, target)
		}
		var pe *fs.PathError
		var le *os.LinkError
		// ErrLocked comes as "name: ErrLocked", as Default reports it.
		if err != nil && target != ErrLocked && !errors.As(err, &pe) && !errors.As(err, &le) {
			t.Errorf("%s: %T is not a path error", what, err)
		}
	}
	_, err := m.Create("/missing/f", 0o644)
	check("Create in a missing directory", err, fs.ErrNotExist)
	_, err = m.Create("/d/f/x", 0o644)
	check("Create under a file", err, syscall.ENOTDIR)
	_, err = m.Create("/d", 0o644)
	check("Create of a directory", err, syscall.EISDIR)
	_, err = m.Open("/d/missing")
	check("Open of a missing file", err, fs.ErrNotExist)
	_, err = m.Open("/d")
	check("Open of a directory", err, syscall.EISDIR)
	_, err = m.OpenRW("")
	check("OpenRW of the empty name", err, fs.ErrNotExist)
	check("Rename of a missing file", m.Rename("/d/missing", "/d/x"), fs.ErrNotExist)
	check("Rename onto a directory", m.Rename("/d/f", "/d"), fs.ErrExist)
	check("Remove of a missing file", m.Remove("/d/missing"), fs.ErrNotExist)
	check("Remove of a non-empty directory", m.Remove("/d"), syscall.ENOTEMPTY)
	check("Remove of the root", m.Remove("/"), syscall.EBUSY)
	check("MkdirAll over a file", m.MkdirAll("/d/f/g", 0o755), syscall.ENOTDIR)
	check("SyncDir of a missing directory", m.SyncDir("/nope"), fs.ErrNotExist)
	check("SyncDir of a file", m.SyncDir("/d/f"), syscall.ENOTDIR)
	_, err = m.ReadDir("/d/f")
	check("ReadDir of a file", err, syscall.ENOTDIR)
	_, err = m.Stat("/d/none")
	check("Stat of a missing file", err, fs.ErrNotExist)
	l, err := m.Lock("/d/f")
	must(t, err)
	_, err = m.Lock("/d/f")
	check("Lock held", err, ErrLocked)
	must(t, l.Close())
	check("Close of a closed lock", l.Close(), fs.ErrClosed)
	l, err = m.Lock("/d/f")
	must(t, err)
	must(t, l.Close())

	fi, err := m.Stat("/d/f")
	must(t, err)
	if fi.Name() != "f" || fi.Size() != 4 || fi.IsDir() || fi.Mode() != 0o644 {
		t.Errorf("Stat(/d/f) = %s %d %v", fi.Name(), fi.Size(), fi.Mode())
	}
	fi, err = m.Stat("/d/")
	must(t, err)
	if fi.Name() != "d" || !fi.IsDir() || fi.Mode() != fs.ModeDir|0o755 {
		t.Errorf("Stat(/d/) = %s %v", fi.Name(), fi.Mode())
	}
	// Relative paths have their own root.
	must(t, m.MkdirAll("rel/x", 0o755))
	writeFile(t, m, "rel/x/../y", "y", false)
	names, err := m.ReadDir("rel")
	must(t, err)
	if !slices.Equal(names, []string{"x", "y"}) {
		t.Errorf("ReadDir(rel) = %q", names)
	}
	names, err = m.ReadDir("/")
	must(t, err)
	if !slices.Equal(names, []string{"d"}) {
		t.Errorf("ReadDir(/) = %q", names)
	}
	if s := m.String(); !strings.Contains(s, "/d/f size=4 durable=0 unsynced=1 [entry not synced]") {
		t.Errorf("String() =\n%s", s)
	}
}

func TestMemConcurrent(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/d", 0o755))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("/d/f%d", g)
			f, err := m.Create(name, 0o644)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range 100 {
				if _, err := f.WriteAt([]byte{byte(i)}, int64(i)); err != nil {
					t.Error(err)
					return
				}
				if i%10 == 0 {
					if err := f.Sync(); err != nil {
						t.Error(err)
					}
					if err := m.SyncDir("/d"); err != nil {
						t.Error(err)
					}
					_ = m.CrashClone(CrashOptions{Seed: int64(i), KeepUnsynced: true, Tear: TearGarbage, KeepUnsyncedDirOps: true})
					_, _ = m.ReadDir("/d")
					_ = m.String()
				}
			}
			if err := f.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, want := m.Ops(), 1+4*(1+100+10+10); got != want {
		t.Errorf("Ops = %d, want %d", got, want)
	}
}

// conformanceScript runs the same operations against fsys under root and
// returns one line per result, with root replaced by "$R" so that runs
// under different roots compare equal.
func conformanceScript(t *testing.T, fsys FS, root string, locks bool) []string {
	var out []string
	norm := func(s string) string { return strings.ReplaceAll(s, root, "$R") }
	// res renders an error exactly: its type and its message.
	res := func(err error) string {
		if err == nil {
			return "ok"
		}
		return fmt.Sprintf("%T %s", err, norm(err.Error()))
	}
	rec := func(label string, v ...any) { out = append(out, label+": "+fmt.Sprint(v...)) }
	p := func(s string) string { return filepath.Join(root, s) }
	list := func(dir string) {
		names, err := fsys.ReadDir(p(dir))
		rec("ReadDir "+dir, names, " ", res(err))
	}
	stat := func(name string) {
		fi, err := fsys.Stat(p(name))
		if err != nil {
			rec("Stat "+name, res(err))
			return
		}
		if fi.IsDir() { // a directory's size is the OS's business
			rec("Stat "+name, fi.Name(), " dir ", fi.Mode().Type())
			return
		}
		rec("Stat "+name, fi.Name(), " size=", fi.Size(), " ", fi.Mode().Type())
	}
	read := func(f File, n int, off int64) {
		b := make([]byte, n)
		got, err := f.ReadAt(b, off)
		rec(fmt.Sprintf("ReadAt %d@%d", n, off), got, " ", fmt.Sprintf("%q", b[:got]), " ", res(err))
	}
	size := func(f File) {
		n, err := f.Size()
		rec("Size", n, " ", res(err))
	}
	write := func(f File, s string, off int64) {
		n, err := f.WriteAt([]byte(s), off)
		rec(fmt.Sprintf("WriteAt %q@%d", s, off), n, " ", res(err))
	}

	rec("MkdirAll d/e", res(fsys.MkdirAll(p("d/e"), 0o755)))
	rec("MkdirAll d/e again", res(fsys.MkdirAll(p("d/e"), 0o755)))
	_, err := fsys.Create(p("missing/x"), 0o644)
	rec("Create missing/x", res(err))

	f, err := fsys.Create(p("d/a"), 0o644)
	rec("Create d/a", res(err))
	write(f, "hello", 0)
	write(f, "XY", 10)
	size(f)
	read(f, 20, 0)
	read(f, 4, 1)
	read(f, 0, 100)
	read(f, 3, 50)
	read(f, 3, 12)
	rec("Truncate 3", res(f.Truncate(3)))
	size(f)
	rec("Truncate 8", res(f.Truncate(8)))
	read(f, 8, 0)
	rec("Truncate -1", res(f.Truncate(-1)))
	write(f, "", 100)
	size(f)
	_, err = f.WriteAt([]byte("x"), -1)
	rec("WriteAt -1", res(err))
	_, err = f.ReadAt(make([]byte, 1), -1)
	rec("ReadAt -1", res(err))
	rec("Sync", res(f.Sync()))
	rec("Close", res(f.Close()))
	rec("Close again", res(f.Close()))
	write(f, "x", 0)
	read(f, 1, 0)
	size(f)
	rec("Truncate closed", res(f.Truncate(0)))
	// Default's Sync of a closed file returns internal/poll's bare "use of
	// closed file", which matches no fs error, so only failure is compared.
	rec("Sync closed fails", f.Sync() != nil)

	ro, err := fsys.Open(p("d/a"))
	rec("Open d/a", res(err))
	write(ro, "x", 0)
	write(ro, "", 0)
	rec("Truncate read-only", res(ro.Truncate(0)))
	rec("Sync read-only", res(ro.Sync()))
	read(ro, 8, 0)
	rec("Close read-only", res(ro.Close()))

	_, err = fsys.Open(p("d/missing"))
	rec("Open d/missing", res(err))
	_, err = fsys.OpenRW(p("d/missing"))
	rec("OpenRW d/missing", res(err))
	_, err = fsys.OpenRW(p("d"))
	rec("OpenRW d", res(err))
	_, err = fsys.Create(p("d"), 0o644)
	rec("Create d", res(err))
	_, err = fsys.Create(p("d/a/x"), 0o644)
	rec("Create d/a/x", res(err))
	rec("MkdirAll d/a", res(fsys.MkdirAll(p("d/a"), 0o755)))
	rec("MkdirAll d/a/b/c", res(fsys.MkdirAll(p("d/a/b/c"), 0o755)))
	stat("d/a/x")
	stat("d/a")
	stat("d/e")
	stat("d/none")

	rw, err := fsys.OpenRW(p("d/a"))
	rec("OpenRW d/a", res(err))
	write(rw, "HE", 0)
	read(rw, 8, 0)
	rec("Close", res(rw.Close()))

	f, err = fsys.Create(p("d/a"), 0o644) // truncates
	rec("Create d/a again", res(err))
	size(f)
	write(f, "second", 0)
	rec("Close", res(f.Close()))

	list("d")
	list("d/a")
	list("missing")
	rec("Rename d/a d/b", res(fsys.Rename(p("d/a"), p("d/b"))))
	list("d")
	stat("d/a")
	rec("Rename missing", res(fsys.Rename(p("d/missing"), p("d/x"))))
	rec("Rename into missing dir", res(fsys.Rename(p("d/b"), p("nodir/x"))))
	rec("Rename under a file", res(fsys.Rename(p("d/b"), p("d/b/x"))))
	rec("Rename file onto dir", res(fsys.Rename(p("d/b"), p("d/e"))))
	rec("Rename dir onto itself", res(fsys.Rename(p("d/e"), p("d/e"))))
	rec("Rename file onto itself", res(fsys.Rename(p("d/b"), p("d/b"))))
	rec("MkdirAll d/e/f", res(fsys.MkdirAll(p("d/e/f"), 0o755)))
	rec("Rename dir into itself", res(fsys.Rename(p("d/e"), p("d/e/f/g"))))
	rec("Rename dir onto file", res(fsys.Rename(p("d/e"), p("d/b"))))
	rec("Rename dir onto empty dir", res(fsys.Rename(p("d/e/f"), p("d/e"))))
	rec("Rename dir", res(fsys.Rename(p("d/e/f"), p("d/g"))))
	writeFile(t, fsys, p("d/c"), "third", false)
	rec("Rename over file", res(fsys.Rename(p("d/c"), p("d/b"))))
	list("d")
	rec("Remove d/missing", res(fsys.Remove(p("d/missing"))))
	rec("Remove d (not empty)", res(fsys.Remove(p("d"))))
	rec("Remove d/g (empty dir)", res(fsys.Remove(p("d/g"))))
	rec("Remove d/b/x", res(fsys.Remove(p("d/b/x"))))

	// An open file outlives its name.
	h, err := fsys.OpenRW(p("d/b"))
	rec("OpenRW d/b", res(err))
	rec("Remove d/b", res(fsys.Remove(p("d/b"))))
	stat("d/b")
	read(h, 5, 0)
	write(h, "T", 0)
	read(h, 5, 0)
	rec("Sync", res(h.Sync()))
	rec("Close", res(h.Close()))

	rec("SyncDir d", res(fsys.SyncDir(p("d"))))
	rec("SyncDir missing", res(fsys.SyncDir(p("missing"))))
	rec("WriteFileAtomic", res(WriteFileAtomic(fsys, p("d"), p("d/m"), []byte("atomic"), 0o644)))
	b, err := ReadFile(fsys, p("d/m"))
	rec("ReadFile d/m", fmt.Sprintf("%q", b), " ", res(err))
	_, err = ReadFile(fsys, p("d/none"))
	rec("ReadFile d/none", res(err))

	if locks {
		l, err := fsys.Lock(p("d/LOCK"))
		rec("Lock", res(err))
		_, err = fsys.Lock(p("d/LOCK"))
		rec("Lock again", res(err), " ", errors.Is(err, ErrLocked))
		_, err = fsys.Lock(p("d/nodir/LOCK"))
		rec("Lock in missing dir", res(err))
		_, err = fsys.Lock(p("d/e"))
		rec("Lock of a dir", res(err))
		rec("Unlock", res(l.Close()))
		rec("Unlock again", res(l.Close()))
		l, err = fsys.Lock(p("d/LOCK"))
		rec("Lock after unlock", res(err))
		rec("Unlock", res(l.Close()))
		stat("d/LOCK")
	}
	list("d")
	list("d/e")
	rec("snapshot", snapshot(t, fsys, root))
	return out
}

func TestMemConformsToOS(t *testing.T) {
	locks := runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1"
	osRoot := t.TempDir()
	want := conformanceScript(t, Default, osRoot, locks)
	m := NewMem()
	must(t, m.MkdirAll("/mem/root", 0o755))
	got := conformanceScript(t, m, "/mem/root", locks)
	// Relative paths behave the same as absolute ones.
	m2 := NewMem()
	must(t, m2.MkdirAll("rel", 0o755))
	gotRel := conformanceScript(t, m2, "rel", locks)
	for i := range max(len(got), len(want), len(gotRel)) {
		var g, w, r string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if i < len(gotRel) {
			r = gotRel[i]
		}
		if g != w {
			t.Errorf("step %d:\n  MemFS: %s\n  OS:    %s", i, g, w)
		}
		if r != w {
			t.Errorf("step %d (relative root):\n  MemFS: %s\n  OS:    %s", i, r, w)
		}
	}
	if testing.Verbose() {
		t.Logf("script:\n%s", strings.Join(want, "\n"))
	}
}
