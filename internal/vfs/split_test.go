package vfs

import (
	"errors"
	"io"
	"os"
	"slices"
	"syscall"
	"testing"
)

func TestOnOS(t *testing.T) {
	split, err := NewSplit(NewMem(), t.TempDir(), func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		fs   FS
		want bool
	}{
		{"Default", Default, true},
		{"ErrorFS over Default", NewErrorFS(Default), true},
		{"MemFS", NewMem(), false},
		{"ErrorFS over MemFS", NewErrorFS(NewMem()), false},
		{"SplitFS", split, true},
		{"ErrorFS over SplitFS", NewErrorFS(split), true},
	} {
		if got := OnOS(c.fs); got != c.want {
			t.Errorf("OnOS(%s) = %v", c.name, got)
		}
	}
	if _, err := OpenOS(NewMem(), "/x", os.O_RDONLY, 0); !errors.Is(err, ErrNotOS) {
		t.Errorf("OpenOS on a MemFS: %v", err)
	}
	// ErrorFS counts and fails OpenOS as an open.
	efs := NewErrorFS(Default)
	efs.Inject(Fault{Ops: OpOpen, Err: syscall.ENOSPC})
	if _, err := OpenOS(efs, t.TempDir()+"/f", os.O_RDWR|os.O_CREATE, 0o600); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("OpenOS through a failing ErrorFS: %v", err)
	}
	if efs.Count(OpOpen) != 1 {
		t.Errorf("OpenOS counted %d opens", efs.Count(OpOpen))
	}
}

// TestSplitFS checks that picked files live on the operating system beside
// the MemFS's, and that a crash clone keeps them as they were when the MemFS
// crashed while the MemFS's files get its crash model.
func TestSplitFS(t *testing.T) {
	mem := NewMem()
	s, err := NewSplit(mem, t.TempDir(), func(base string) bool { return base == "db" })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MkdirAll("/d", 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenOS("/nodir/db", os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		t.Fatal("created a picked file in a folder that does not exist")
	}
	db, err := s.OpenOS("/d/db", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.WriteAt([]byte("one"), 0)
	f, _ := s.Create("/d/seg", 0o600)
	f.WriteAt([]byte("synced"), 0)
	f.Sync()
	s.SyncDir("/d")
	f.WriteAt([]byte(" and not"), 6)

	if names, _ := s.ReadDir("/d"); !slices.Equal(names, []string{"db", "seg"}) {
		t.Fatalf("ReadDir = %v", names)
	}
	if _, err := mem.Stat("/d/db"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the picked file is in memory")
	}
	if fi, err := s.Stat("/d/db"); err != nil || fi.Size() != 3 {
		t.Fatalf("Stat of the picked file: %v", err)
	}
	if err := s.Rename("/d/db", "/d/seg2"); !errors.Is(err, syscall.EXDEV) {
		t.Fatalf("rename across the split: %v", err)
	}
	// A read-only OpenOS of a file in memory reads a copy.
	cp, err := s.OpenOS("/d/seg", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(cp)
	cp.Close()
	if string(b) != "synced and not" {
		t.Fatalf("copy holds %q", b)
	}
	if _, err := s.OpenOS("/d/seg", os.O_RDWR, 0); !errors.Is(err, ErrNotOS) {
		t.Fatalf("writable OpenOS of a file in memory: %v", err)
	}

	// Crash: the first failing call stops the clock for the picked file;
	// what it gets afterwards is lost.
	mem.Crash()
	if _, err := s.Create("/d/other", 0o600); !errors.Is(err, ErrCrashed) {
		t.Fatalf("Create after the crash: %v", err)
	}
	db.WriteAt([]byte("two"), 0) // after the crash
	if _, err := s.OpenOS("/d/db", os.O_RDWR, 0); !errors.Is(err, ErrCrashed) {
		t.Fatalf("OpenOS after the crash: %v", err)
	}
	clone := s.CrashClone(CrashOptions{})
	got, err := ReadFile(clone, "/d/db")
	if err != nil || string(got) != "one" {
		t.Fatalf("clone's picked file: %q %v", got, err)
	}
	if got, _ := ReadFile(clone, "/d/seg"); string(got) != "synced" {
		t.Fatalf("clone's file in memory: %q", got)
	}
	// The clone is a working SplitFS.
	g, err := clone.OpenOS("/d/db", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	g.WriteAt([]byte("3"), 0)
	g.Close()
	if got, _ := ReadFile(clone, "/d/db"); string(got) != "3ne" {
		t.Fatalf("write to the clone: %q", got)
	}
	if got, _ := ReadFile(s.CrashClone(CrashOptions{}), "/d/db"); string(got) != "one" {
		t.Fatalf("second clone: %q", got)
	}
}
