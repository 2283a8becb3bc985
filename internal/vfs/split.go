package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
)

// SplitFS is a [MemFS] that keeps the files a predicate picks on the
// operating system instead, so that code which must open, map and lock its
// files itself (bbolt, under the index: see [OSFiles]) runs beside an
// in-memory filesystem whose power cuts the crash tests simulate. Every
// other file, every directory and every lock is the MemFS's.
//
// The picked files live under a private folder of the operating system, at
// their in-memory paths. Their model of a power cut is simpler than the
// MemFS's: [SplitFS.CrashClone] keeps them exactly as they were at the
// moment of the crash (the first call that failed with [ErrCrashed], or the
// clone itself), every write made before then included, synced or not, and
// their directory entries count as durable at once. So the code that owns
// those files is trusted to make its own commits atomic (bbolt's meta pages
// and fsyncs): what the clones test is that the rest of the store agrees
// with whatever state those files are in at any moment.
//
// A read-only OpenOS of a file that is not picked (a copy of the index that
// lives in memory) gets a private operating-system copy of its current
// content.
type SplitFS struct {
	mem  *MemFS
	base string // folder for clones
	root string // this FS's folder: files/ holds the picked files
	pick func(base string) bool

	mu     sync.Mutex // guards frozen and copies
	frozen string     // copy of files/ taken at the crash; "" before
	copies int
}

var (
	_ FS      = (*SplitFS)(nil)
	_ OSFiles = (*SplitFS)(nil)
)

// NewSplit returns a SplitFS over mem that keeps the files whose base name
// pick accepts in a new folder under dir (a test's temporary folder), as do
// its crash clones.
func NewSplit(mem *MemFS, dir string, pick func(base string) bool) (*SplitFS, error) {
	root, err := os.MkdirTemp(dir, "split")
	if err != nil {
		return nil, err
	}
	s := &SplitFS{mem: mem, base: dir, root: root, pick: pick}
	mem.OnCrash(s.freeze)
	return s, nil
}

// Mem returns the MemFS that holds every file not picked.
func (s *SplitFS) Mem() *MemFS { return s.mem }

func (s *SplitFS) files() string { return filepath.Join(s.root, "files") }

// osPath returns where the picked file name lives on the operating system.
func (s *SplitFS) osPath(name string) string {
	return filepath.Join(s.files(), filepath.Clean(name))
}

func (s *SplitFS) picked(name string) bool { return s.pick(filepath.Base(filepath.Clean(name))) }

// live fails with ErrCrashed once the MemFS has crashed: the machine is
// down for the picked files too.
func (s *SplitFS) live(op, name string) error {
	if s.mem.Crashed() {
		s.freeze()
		return &fs.PathError{Op: op, Path: name, Err: ErrCrashed}
	}
	return nil
}

// freeze copies the picked files as they are now: the state a power cut now
// leaves of them. Only the first call copies.
func (s *SplitFS) freeze() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frozen != "" {
		return
	}
	s.frozen = filepath.Join(s.root, "frozen")
	if err := copyTree(s.files(), s.frozen); err != nil {
		panic(fmt.Sprintf("vfs: freeze the operating-system files of a SplitFS: %v", err))
	}
}

// copyTree copies the regular files and folders under from to to.
func copyTree(from, to string) error {
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == from {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while the copy ran
		}
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
}

// CrashClone returns the state a power cut would leave: the MemFS's crash
// clone (see [MemFS.CrashClone]) and the picked files as they were when the
// MemFS crashed (now, if it has not). The clone has not crashed.
func (s *SplitFS) CrashClone(opts CrashOptions) *SplitFS {
	src := s.files()
	if s.mem.Crashed() {
		s.freeze()
		src = s.frozen
	}
	clone, err := NewSplit(s.mem.CrashClone(opts), s.base, s.pick)
	if err == nil {
		err = copyTree(src, clone.files())
	}
	if err != nil {
		panic(fmt.Sprintf("vfs: clone the operating-system files of a SplitFS: %v", err))
	}
	return clone
}

// openOS opens a picked file on the operating system.
func (s *SplitFS) openOS(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if err := s.live("open", name); err != nil {
		return nil, err
	}
	if flag&os.O_CREATE != 0 {
		// The folder must exist in memory, as for any file.
		if fi, err := s.mem.Stat(filepath.Dir(name)); err != nil {
			return nil, err
		} else if !fi.IsDir() {
			return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
		}
		if err := os.MkdirAll(filepath.Dir(s.osPath(name)), 0o700); err != nil {
			return nil, err
		}
	}
	return os.OpenFile(s.osPath(name), flag, perm)
}

// OpenOS opens a picked file on the operating system. A file that is not
// picked can be opened read-only: the caller gets a private copy of its
// current content.
func (s *SplitFS) OpenOS(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if s.picked(name) {
		return s.openOS(name, flag, perm)
	}
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w: %s is kept in memory", ErrNotOS, name)}
	}
	b, err := ReadFile(s.mem, name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.copies++
	tmp := filepath.Join(s.root, fmt.Sprintf("copy-%d", s.copies))
	s.mu.Unlock()
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, err
	}
	f, err := os.Open(tmp)
	os.Remove(tmp) // the open file keeps its content
	return f, err
}

// OnOS reports true: OpenOS works for the picked files.
func (s *SplitFS) OnOS() bool { return true }

// Create creates a file, on the operating system when it is picked.
func (s *SplitFS) Create(name string, perm fs.FileMode) (File, error) {
	if !s.picked(name) {
		return s.mem.Create(name, perm)
	}
	f, err := s.openOS(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Open opens a file for reading.
func (s *SplitFS) Open(name string) (File, error) {
	if !s.picked(name) {
		return s.mem.Open(name)
	}
	f, err := s.openOS(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// OpenRW opens an existing file for reading and writing.
func (s *SplitFS) OpenRW(name string) (File, error) {
	if !s.picked(name) {
		return s.mem.OpenRW(name)
	}
	f, err := s.openOS(name, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Rename renames a file within the MemFS or within the picked files; a
// rename from one to the other fails with EXDEV, as across filesystems.
func (s *SplitFS) Rename(oldname, newname string) error {
	switch a, b := s.picked(oldname), s.picked(newname); {
	case !a && !b:
		return s.mem.Rename(oldname, newname)
	case a != b:
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: syscall.EXDEV}
	}
	if err := s.live("rename", oldname); err != nil {
		return err
	}
	return os.Rename(s.osPath(oldname), s.osPath(newname))
}

// Remove removes a file.
func (s *SplitFS) Remove(name string) error {
	if !s.picked(name) {
		return s.mem.Remove(name)
	}
	if err := s.live("remove", name); err != nil {
		return err
	}
	return os.Remove(s.osPath(name))
}

// MkdirAll creates folders in the MemFS.
func (s *SplitFS) MkdirAll(dir string, perm fs.FileMode) error { return s.mem.MkdirAll(dir, perm) }

// ReadDir lists a folder's entries in memory and on the operating system.
func (s *SplitFS) ReadDir(dir string) ([]string, error) {
	names, err := s.mem.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.osPath(dir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// Stat describes a file.
func (s *SplitFS) Stat(name string) (fs.FileInfo, error) {
	if !s.picked(name) {
		return s.mem.Stat(name)
	}
	if err := s.live("stat", name); err != nil {
		return nil, err
	}
	return os.Stat(s.osPath(name))
}

// SyncDir syncs a folder of the MemFS. The picked files' entries are
// durable at once in this model.
func (s *SplitFS) SyncDir(dir string) error { return s.mem.SyncDir(dir) }

// Lock takes a lock in the MemFS.
func (s *SplitFS) Lock(name string) (io.Closer, error) { return s.mem.Lock(name) }
