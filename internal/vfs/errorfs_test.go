package vfs

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// opResult is the outcome of one operation of an errorWorkload.
type opResult struct {
	op  Op
	err error
}

// errorWorkload performs a fixed sequence of operations on fsys and records
// each one's kind and error. It carries on after errors, skipping only the
// operations on a file that could not be opened.
func errorWorkload(fsys FS) []opResult {
	var rs []opResult
	rec := func(op Op, err error) error {
		rs = append(rs, opResult{op, err})
		return err
	}
	rec(OpMkdir, fsys.MkdirAll("/d", 0o755))
	for i := range 3 {
		name := fmt.Sprintf("/d/f%d", i)
		f, err := fsys.Create(name, 0o644)
		if rec(OpCreate, err) != nil {
			continue
		}
		for j := range 2 {
			_, err := f.WriteAt([]byte("abcdefgh"), int64(8*j))
			rec(OpWrite, err)
		}
		rec(OpSync, f.Sync())
		rec(OpTruncate, f.Truncate(12))
		_, err = f.Size()
		rec(OpSize, err)
		rec(OpClose, f.Close())
		rec(OpSyncDir, fsys.SyncDir("/d"))
	}
	rec(OpRename, fsys.Rename("/d/f0", "/d/g0"))
	if f, err := fsys.Open("/d/f1"); rec(OpOpen, err) == nil {
		_, err := f.ReadAt(make([]byte, 4), 0)
		rec(OpRead, err)
		rec(OpClose, f.Close())
	}
	if f, err := fsys.OpenRW("/d/f2"); rec(OpOpen, err) == nil {
		_, err := f.WriteAt([]byte("x"), 0)
		rec(OpWrite, err)
		rec(OpClose, f.Close())
	}
	_, err := fsys.Stat("/d/f2")
	rec(OpStat, err)
	_, err = fsys.ReadDir("/d")
	rec(OpReadDir, err)
	rec(OpRemove, fsys.Remove("/d/f2"))
	if l, err := fsys.Lock("/d/LOCK"); rec(OpLock, err) == nil {
		rec(OpClose, l.Close())
	}
	rec(OpSyncDir, fsys.SyncDir("/d"))
	return rs
}

// ofKind returns the errors of the results whose kind is in ops.
func ofKind(rs []opResult, ops Op) []error {
	var errs []error
	for _, r := range rs {
		if r.op&ops != 0 {
			errs = append(errs, r.err)
		}
	}
	return errs
}

func TestErrorFSCount(t *testing.T) {
	e := NewErrorFS(NewMem())
	rs := errorWorkload(e)
	for _, r := range rs {
		if r.err != nil {
			t.Fatalf("%v: %v", r.op, r.err)
		}
	}
	for i := range len(opNames) {
		op := Op(1) << i
		if got, want := e.Count(op), len(ofKind(rs, op)); got != want {
			t.Errorf("Count(%v) = %d, want %d", op, got, want)
		}
		if e.Count(op) == 0 {
			t.Errorf("the workload performs no %v", op)
		}
	}
	if got := e.Count(OpAll); got != len(rs) {
		t.Errorf("Count(OpAll) = %d, want %d", got, len(rs))
	}
	if got, want := e.Count(OpSync|OpSyncDir), len(ofKind(rs, OpSync|OpSyncDir)); got != want {
		t.Errorf("Count(sync|syncdir) = %d, want %d", got, want)
	}
}

func TestErrorFSFailsExactlyTheChosenOp(t *testing.T) {
	kinds := []Op{OpMkdir, OpCreate, OpOpen, OpRead, OpWrite, OpSync, OpTruncate, OpSize,
		OpClose, OpRename, OpRemove, OpReadDir, OpStat, OpSyncDir, OpLock, OpSync | OpSyncDir}
	for _, kind := range kinds {
		n := NewErrorFS(NewMem())
		errorWorkload(n)
		total := n.Count(kind)
		for _, persistent := range []bool{false, true} {
			for after := range total + 1 {
				t.Run(fmt.Sprintf("%v/persistent=%t/after=%d", kind, persistent, after), func(t *testing.T) {
					e := NewErrorFS(NewMem())
					e.Inject(Fault{Ops: kind, After: after, Err: syscall.ENOSPC, Persistent: persistent})
					errs := ofKind(errorWorkload(e), kind)
					if len(errs) != total {
						// Failing one kind never prevents an
						// operation of the same kind.
						t.Fatalf("%d ops of the kind, want %d", len(errs), total)
					}
					for i, err := range errs {
						fail := i == after || (persistent && i > after)
						if !fail {
							if err != nil {
								t.Errorf("op %d failed: %v", i, err)
							}
							continue
						}
						var pe *fs.PathError
						if !errors.Is(err, syscall.ENOSPC) || !errors.As(err, &pe) {
							t.Errorf("op %d = %v (%T), want an injected ENOSPC *fs.PathError", i, err, err)
							continue
						}
						if pe.Op == "" || !strings.Contains(kind.String(), pe.Op) || !strings.HasPrefix(pe.Path, "/d") {
							t.Errorf("op %d: PathError{Op: %q, Path: %q}", i, pe.Op, pe.Path)
						}
					}
					if got := e.Count(kind); got != total {
						t.Errorf("Count = %d, want %d (failed ops count too)", got, total)
					}
				})
			}
		}
	}
}

func TestErrorFSDefaultErrIsEIO(t *testing.T) {
	e := NewErrorFS(NewMem())
	e.Inject(Fault{Ops: OpMkdir})
	err := e.MkdirAll("/d", 0o755)
	var pe *fs.PathError
	if !errors.Is(err, syscall.EIO) || !errors.As(err, &pe) || pe.Op != "mkdir" || pe.Path != "/d" {
		t.Fatalf("MkdirAll = %#v, want PathError{mkdir, /d, EIO}", err)
	}
	if err := e.MkdirAll("/d", 0o755); err != nil {
		t.Fatalf("second MkdirAll = %v, want success (fault fires once)", err)
	}
}

func TestErrorFSFailedOpsDoNotReachTheInnerFS(t *testing.T) {
	m := NewMem()
	e := NewErrorFS(m)
	must(t, e.MkdirAll("/d", 0o755))
	durableFile(t, e, "/d/a", "hello")

	e.Inject(Fault{Ops: OpCreate | OpRename | OpRemove | OpWrite | OpTruncate | OpSync | OpSyncDir, Persistent: true})
	if _, err := e.Create("/d/b", 0o644); err == nil {
		t.Fatal("Create succeeded")
	}
	if err := e.Rename("/d/a", "/d/c"); err == nil {
		t.Fatal("Rename succeeded")
	}
	if err := e.Remove("/d/a"); err == nil {
		t.Fatal("Remove succeeded")
	}
	f, err := e.OpenRW("/d/a")
	must(t, err)
	if _, err := f.WriteAt([]byte("J"), 0); err == nil {
		t.Fatal("WriteAt succeeded")
	}
	if err := f.Truncate(1); err == nil {
		t.Fatal("Truncate succeeded")
	}
	e.Reset()
	// Now the write goes through, but a failed Sync must not make it
	// durable.
	if _, err := f.WriteAt([]byte("J"), 0); err != nil {
		t.Fatal(err)
	}
	e.Inject(Fault{Ops: OpSync})
	if err := f.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Sync = %v, want EIO", err)
	}
	if got := snapshot(t, m, "/d"); len(got) != 1 || got["a"] != "Jello" {
		t.Errorf("inner FS: %v", got)
	}
	if got := snapshot(t, m.CrashClone(CrashOptions{}), "/d"); len(got) != 1 || got["a"] != "hello" {
		t.Errorf("inner FS after a crash: %v (a failed Sync must not reach it)", got)
	}
	must(t, f.Sync())
	if got := snapshot(t, m.CrashClone(CrashOptions{}), "/d"); got["a"] != "Jello" {
		t.Errorf("inner FS after a crash following a good Sync: %v", got)
	}
}

func TestErrorFSPartialWrite(t *testing.T) {
	tests := []struct {
		data   string
		wantN  int
		wanted string // the file's contents afterwards
	}{
		{"0123456789", 5, "01234"},
		{"012", 1, "0"},
		{"0", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			m := NewMem()
			e := NewErrorFS(m)
			must(t, e.MkdirAll("/d", 0o755))
			f, err := e.Create("/d/a", 0o644)
			must(t, err)
			e.Inject(Fault{Ops: OpWrite, Err: syscall.ENOSPC, PartialWrite: true})
			n, err := f.WriteAt([]byte(tt.data), 0)
			if n != tt.wantN || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("WriteAt = %d, %v; want %d, ENOSPC", n, err, tt.wantN)
			}
			b, err := ReadFile(m, "/d/a")
			must(t, err)
			if string(b) != tt.wanted {
				t.Errorf("file = %q, want %q", b, tt.wanted)
			}
		})
	}
	t.Run("no effect on other ops", func(t *testing.T) {
		e := NewErrorFS(NewMem())
		e.Inject(Fault{Ops: OpMkdir, PartialWrite: true})
		if err := e.MkdirAll("/d", 0o755); !errors.Is(err, syscall.EIO) {
			t.Fatalf("MkdirAll = %v", err)
		}
		if _, err := e.Stat("/d"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Stat after failed MkdirAll = %v", err)
		}
	})
}

func TestErrorFSSeveralFaults(t *testing.T) {
	e := NewErrorFS(NewMem())
	must(t, e.MkdirAll("/d", 0o755))
	errA := errors.New("A")
	errB := errors.New("B")
	e.Inject(Fault{Ops: OpStat, After: 1, Err: errA})
	e.Inject(Fault{Ops: OpStat | OpReadDir, After: 1, Err: errB})
	var got []string
	for range 3 {
		_, err := e.Stat("/d")
		got = append(got, fmt.Sprint(errors.Is(err, errA), errors.Is(err, errB)))
	}
	// Both faults fire on the second Stat; the first injected wins. The
	// second fault is then spent.
	if want := []string{"false false", "true false", "false false"}; !slices.Equal(got, want) {
		t.Errorf("Stat outcomes %v, want %v", got, want)
	}
	// The second fault counted the Stats, so a ReadDir is now its fourth
	// matching op: it does not fire again.
	if _, err := e.ReadDir("/d"); err != nil {
		t.Errorf("ReadDir = %v", err)
	}
	e.Reset()
	e.Inject(Fault{Ops: OpStat | OpReadDir, After: 1, Err: errB})
	if _, err := e.ReadDir("/d"); err != nil {
		t.Errorf("ReadDir = %v", err)
	}
	if _, err := e.Stat("/d"); !errors.Is(err, errB) {
		t.Errorf("Stat = %v, want B (After counts from Inject, across the mask)", err)
	}
	if got := e.Count(OpStat); got != 4 {
		t.Errorf("Count(OpStat) = %d, want 4 (Reset keeps counts)", got)
	}
}

func TestErrorFSCloseFaultStillCloses(t *testing.T) {
	m := NewMem()
	e := NewErrorFS(m)
	must(t, e.MkdirAll("/d", 0o755))
	l, err := e.Lock("/d/LOCK")
	must(t, err)
	e.Inject(Fault{Ops: OpClose, Persistent: true})
	if err := l.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("lock Close = %v, want EIO", err)
	}
	e.Reset()
	l, err = e.Lock("/d/LOCK")
	if err != nil {
		t.Fatalf("Lock after a failed Close: %v (the inner lock must be released)", err)
	}
	must(t, l.Close())

	f, err := e.Create("/d/a", 0o644)
	must(t, err)
	e.Inject(Fault{Ops: OpClose})
	if err := f.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Close = %v, want EIO", err)
	}
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("second Close = %v, want ErrClosed from the inner file", err)
	}
}

func TestErrorFSOverOS(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "m")
	e := NewErrorFS(Default)
	must(t, WriteFileAtomic(e, dir, name, []byte("v1"), 0o644))
	e.Inject(Fault{Ops: OpRename, Err: syscall.EROFS})
	err := WriteFileAtomic(e, dir, name, []byte("v2"), 0o644)
	var pe *fs.PathError
	if !errors.Is(err, syscall.EROFS) || !errors.As(err, &pe) || pe.Op != "rename" || pe.Path != name+".tmp" {
		t.Fatalf("WriteFileAtomic = %#v", err)
	}
	b, err := ReadFile(e, name)
	must(t, err)
	if string(b) != "v1" {
		t.Errorf("file = %q after a failed rename, want v1", b)
	}
	names, err := e.ReadDir(dir)
	must(t, err)
	if !slices.Equal(names, []string{"m", "m.tmp"}) {
		t.Errorf("ReadDir = %q", names)
	}
}

func TestErrorFSConcurrent(t *testing.T) {
	e := NewErrorFS(NewMem())
	must(t, e.MkdirAll("/d", 0o755))
	e.Inject(Fault{Ops: OpWrite, After: 150})
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := e.Create(fmt.Sprintf("/d/f%d", g), 0o644)
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			for i := range 100 {
				if _, err := f.WriteAt([]byte{1}, int64(i)); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if failed != 1 || e.Count(OpWrite) != 400 {
		t.Errorf("%d writes failed of %d, want 1 of 400", failed, e.Count(OpWrite))
	}
}

func TestOpString(t *testing.T) {
	tests := []struct {
		op   Op
		want string
	}{
		{0, "none"},
		{OpWrite, "write"},
		{OpWrite | OpSync, "write|sync"},
		{OpSyncDir | OpCreate, "create|syncdir"},
		{OpAll, strings.Join(opNames[:], "|")},
		{1 << 20, "Op(1<<20)"},
	}
	for _, tt := range tests {
		if got := tt.op.String(); got != tt.want {
			t.Errorf("%#x.String() = %q, want %q", uint32(tt.op), got, tt.want)
		}
	}
	if OpAll != OpLock<<1-1 || len(opNames) != 15 {
		t.Errorf("OpAll = %#x with %d names", uint32(OpAll), len(opNames))
	}
}

func TestErrorFSFaultOnOneFile(t *testing.T) {
	e := NewErrorFS(NewMem())
	e.MkdirAll("/d", 0o755)
	e.Inject(Fault{Ops: OpCreate | OpSync, Base: "b", After: 1})
	a, err := e.Create("/d/a", 0o600)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Create("/d/b", 0o600) // the first matching operation: succeeds
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Sync(); err != nil {
		t.Fatalf("sync of another file: %v", err)
	}
	var pe *fs.PathError
	if err := b.Sync(); !errors.As(err, &pe) || pe.Path != "/d/b" || !errors.Is(err, syscall.EIO) {
		t.Fatalf("second operation on b = %v", err)
	}
	if err := b.Sync(); err != nil {
		t.Fatalf("third operation on b = %v (fault fires once)", err)
	}
}
