package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrCrashed is the error (wrapped in an *fs.PathError or *os.LinkError)
// that every operation on a [MemFS] returns once it has crashed: see
// [MemFS.CrashAfter] and [MemFS.Crash].
var ErrCrashed = errors.New("vfs: simulated crash")

// SectorSize is the unit, in bytes, in which [MemFS.CrashClone] tears a
// write. Sectors are aligned to file offsets (sector i covers bytes
// [i*SectorSize, (i+1)*SectorSize) of the file).
const SectorSize = 512

// MemFS is an in-memory [FS] that tracks what is durable, so that
// [MemFS.CrashClone] can produce the state a power cut would leave. It is
// deterministic and safe for concurrent use.
//
// The model is a simplified ext4 data=ordered in which, unless a crash
// clone is asked to keep some, no unsynced change survives a crash:
//
//   - Every file is an inode with its current data (what reads see), its
//     durable data (as of its last [File.Sync]) and the ordered list of the
//     mutations (writes and truncates) made since that Sync. Sync makes the
//     current data durable and empties the list. Create on an existing file
//     keeps the inode and records a truncate to zero.
//   - Every directory has a current and a durable map from names to inodes.
//     Create (of a new file), Rename, Remove and Lock (when it creates the
//     lock file) change only the current map; [MemFS.SyncDir] copies the
//     directory's current map to its durable map. A file that was created
//     but whose directory was never synced does not survive a crash, even if
//     its data was synced; a rename or remove that was not followed by a
//     SyncDir of the directory is undone by a crash.
//   - Directories created by MkdirAll are durable at once (in their parent's
//     durable map as well as its current one), as if MkdirAll synced each
//     parent. Directories that already exist are left as they are.
//   - Locks ([MemFS.Lock]) are in-memory, exclusive, per inode, and released
//     by closing the returned io.Closer.
//
// Paths are cleaned with [path/filepath.Clean]. Absolute paths start at the
// root "/", relative ones at a separate root "."; both roots always exist
// and ".." above a root stays at the root. Directories must exist before
// files are created in them, and errors carry the same syscall errors the
// operating system returns (so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, fs.ErrExist) behave as with [Default]). Known differences
// from the operating system: permissions are recorded but not enforced (no
// umask either), modification times are zero, Open of a directory fails
// with EISDIR, and SyncDir of a regular file fails with ENOTDIR.
//
// Every call of a mutating method is counted, whether it succeeds or fails
// (see [MemFS.Ops]): FS.Create, FS.Rename, FS.Remove, FS.MkdirAll,
// FS.SyncDir, FS.Lock (it may create the lock file), File.WriteAt,
// File.Sync and File.Truncate. Reads, Stat, ReadDir, Size and Close are not
// counted. Once the FS has crashed, every call returns ErrCrashed, changes
// nothing and is not counted.
type MemFS struct {
	mu      sync.Mutex
	roots   map[string]*memNode
	changes []dirChange // unsynced directory-entry changes, in seq order
	seq     uint64
	locks   map[*memNode]bool
	ops     int
	crashAt int // crash once ops reaches crashAt; -1: no crash point set
	crashed bool
	// onCrash, when set, is called (with mu held) by the first call that
	// fails because the FS crashed.
	onCrash   func()
	crashSeen bool
}

var _ FS = (*MemFS)(nil)

// memNode is an inode: a regular file or a directory.
type memNode struct {
	isDir bool
	perm  fs.FileMode

	// Regular files.
	data    []byte     // current contents
	durable []byte     // contents as of the last Sync
	pending []mutation // mutations since the last Sync, in order

	// Directories.
	cur map[string]*memNode // current entries
	dur map[string]*memNode // durable entries
}

// mutation is one unsynced change to a file's data.
type mutation struct {
	trunc bool
	off   int64  // offset of a write, or the new size of a truncate
	data  []byte // bytes of a write (never empty)
}

// dirChange is one unsynced change to a directory entry. A rename is two
// changes with the same seq (removing the old name, setting the new one).
type dirChange struct {
	seq  uint64
	dir  *memNode
	name string
	node *memNode // nil: the entry was removed
}

// NewMem returns an empty MemFS holding only the roots "/" and ".".
func NewMem() *MemFS {
	m := &MemFS{
		roots:   make(map[string]*memNode),
		locks:   make(map[*memNode]bool),
		crashAt: -1,
	}
	m.roots[string(filepath.Separator)] = newDirNode(0o755)
	m.roots["."] = newDirNode(0o755)
	return m
}

func newDirNode(perm fs.FileMode) *memNode {
	return &memNode{
		isDir: true,
		perm:  perm,
		cur:   make(map[string]*memNode),
		dur:   make(map[string]*memNode),
	}
}

// Ops returns the number of mutating calls made so far (see [MemFS]).
func (m *MemFS) Ops() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ops
}

// CrashAfter makes the FS crash as soon as [MemFS.Ops] reaches n: the
// mutating call that makes the count n completes normally, and every later
// call (mutating or not, on the FS or on files and locks opened from it)
// fails with [ErrCrashed] and changes nothing. So the (n+1)-th mutating call
// is the first to fail. If Ops is already at least n, the FS crashes now.
// The count is a total since [NewMem], not relative to the CrashAfter call.
func (m *MemFS) CrashAfter(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.crashAt = n
	if m.ops >= n {
		m.crashed = true
	}
}

// Crash makes the FS crash now: every later call fails with [ErrCrashed].
func (m *MemFS) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.crashed = true
}

// Crashed reports whether the FS has crashed.
func (m *MemFS) Crashed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.crashed
}

// OnCrash makes fn be called once, by the first call that fails because
// the FS crashed, before that call returns: the moment of the crash as the
// code using the FS sees it. fn runs with the FS's lock held and must not
// call the FS. [SplitFS] uses it to stop the clock for the files it keeps
// on the operating system.
func (m *MemFS) OnCrash(fn func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onCrash = fn
}

// failCrashed is called, with m.mu held, by a call that fails because the
// FS crashed.
func (m *MemFS) failCrashed() error {
	if !m.crashSeen {
		m.crashSeen = true
		if m.onCrash != nil {
			m.onCrash()
		}
	}
	return ErrCrashed
}

// mutating is called, with m.mu held, at the start of every mutating call:
// it fails if the FS has crashed, and otherwise counts the call (crashing
// the FS after it if it reaches the crash point).
func (m *MemFS) mutating() error {
	if m.crashed {
		return m.failCrashed()
	}
	m.ops++
	if m.crashAt >= 0 && m.ops >= m.crashAt {
		m.crashed = true // takes effect once this call returns
	}
	return nil
}

// observing is called, with m.mu held, at the start of every non-mutating
// call.
func (m *MemFS) observing() error {
	if m.crashed {
		return m.failCrashed()
	}
	return nil
}

// splitPath cleans name and splits it into its root and its components.
func splitPath(name string) (root string, parts []string) {
	p := filepath.Clean(name)
	vol := filepath.VolumeName(p)
	rest := p[len(vol):]
	root = vol + "."
	if len(rest) > 0 && os.IsPathSeparator(rest[0]) {
		root = vol + string(filepath.Separator)
		rest = rest[1:]
	}
	for _, s := range strings.Split(rest, string(filepath.Separator)) {
		switch s {
		case "", ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, s)
		}
	}
	return root, parts
}

// walk resolves name in the current tree. For a root, parent is nil and node
// is the root. Otherwise parent is the directory that holds (or would hold)
// the last component, base is that component and node is its inode, nil if
// there is no such entry. err is an errno when a directory on the way is
// missing (ENOENT) or is not a directory (ENOTDIR).
func (m *MemFS) walk(name string) (parent *memNode, base string, node *memNode, err error) {
	if name == "" {
		return nil, "", nil, syscall.ENOENT
	}
	root, parts := splitPath(name)
	dir := m.roots[root]
	if dir == nil {
		dir = newDirNode(0o755)
		m.roots[root] = dir
	}
	if len(parts) == 0 {
		return nil, "", dir, nil
	}
	for _, p := range parts[:len(parts)-1] {
		next := dir.cur[p]
		if next == nil {
			return nil, "", nil, syscall.ENOENT
		}
		if !next.isDir {
			return nil, "", nil, syscall.ENOTDIR
		}
		dir = next
	}
	base = parts[len(parts)-1]
	return dir, base, dir.cur[base], nil
}

// setEntry sets (node != nil) or removes (node == nil) the current entry
// name in dir, recording the change with sequence number seq.
func (m *MemFS) setEntry(seq uint64, dir *memNode, name string, node *memNode) {
	if node == nil {
		delete(dir.cur, name)
	} else {
		dir.cur[name] = node
	}
	m.changes = append(m.changes, dirChange{seq: seq, dir: dir, name: name, node: node})
}

func (m *MemFS) nextSeq() uint64 {
	m.seq++
	return m.seq
}

// Create creates or truncates the named file and opens it for reading and
// writing. A new file's directory entry is not durable until SyncDir.
func (m *MemFS) Create(name string, perm fs.FileMode) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutating(); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	parent, base, node, err := m.walk(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	switch {
	case node == nil:
		node = &memNode{perm: perm.Perm()}
		m.setEntry(m.nextSeq(), parent, base, node)
	case node.isDir:
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	default:
		node.truncate(0)
	}
	return &memFile{m: m, node: node, name: name, writable: true}, nil
}

// Open opens the named file for reading.
func (m *MemFS) Open(name string) (File, error) { return m.open(name, false) }

// OpenRW opens the named existing file for reading and writing.
func (m *MemFS) OpenRW(name string) (File, error) { return m.open(name, true) }

func (m *MemFS) open(name string, writable bool) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.observing(); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	_, _, node, err := m.walk(name)
	if err == nil && node == nil {
		err = syscall.ENOENT
	}
	if err == nil && node.isDir {
		err = syscall.EISDIR
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{m: m, node: node, name: name, writable: writable}, nil
}

// Rename renames oldname to newname, replacing newname if it is a file. As
// with [os.Rename], newname must not be an existing directory. The change is
// durable once both parent directories have been synced.
func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	lerr := func(err error) error {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	if err := m.mutating(); err != nil {
		return lerr(err)
	}
	oldParent, oldBase, node, err := m.walk(oldname)
	if err == nil && node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return lerr(err)
	}
	newParent, newBase, target, err := m.walk(newname)
	if err != nil {
		return lerr(err)
	}
	switch {
	case oldParent == nil:
		return lerr(syscall.EBUSY) // renaming a root
	case target != nil && target.isDir:
		return lerr(syscall.EEXIST) // as os.Rename does
	case target == node:
		return nil // same inode: nothing to do
	case node.isDir && target != nil:
		return lerr(syscall.ENOTDIR)
	case node.isDir && isWithin(oldname, newname):
		return lerr(syscall.EINVAL)
	}
	seq := m.nextSeq()
	m.setEntry(seq, oldParent, oldBase, nil)
	m.setEntry(seq, newParent, newBase, node)
	return nil
}

// isWithin reports whether path name lies strictly inside directory dir.
func isWithin(dir, name string) bool {
	droot, dparts := splitPath(dir)
	nroot, nparts := splitPath(name)
	return droot == nroot && len(nparts) > len(dparts) && slices.Equal(dparts, nparts[:len(dparts)])
}

// Remove removes the named file or empty directory. The change is durable
// once the parent directory has been synced.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutating(); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	parent, base, node, err := m.walk(name)
	switch {
	case err != nil:
	case node == nil:
		err = syscall.ENOENT
	case parent == nil:
		err = syscall.EBUSY // removing a root
	case node.isDir && len(node.cur) > 0:
		err = syscall.ENOTEMPTY
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	m.setEntry(m.nextSeq(), parent, base, nil)
	return nil
}

// MkdirAll creates dir and any missing parents. The directories it creates
// are durable immediately (see [MemFS]).
func (m *MemFS) MkdirAll(dir string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutating(); err != nil {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	root, parts := splitPath(dir)
	_, _, d, _ := m.walk(root) // a root always resolves
	for i, p := range parts {
		next := d.cur[p]
		switch {
		case next == nil:
			next = newDirNode(perm.Perm())
			d.cur[p] = next
			d.dur[p] = next
			// The entry is durable now: earlier unsynced changes to it
			// must not be replayed over it in a crash clone.
			m.changes = slices.DeleteFunc(m.changes, func(c dirChange) bool {
				return c.dir == d && c.name == p
			})
		case !next.isDir:
			return &fs.PathError{Op: "mkdir", Path: filepath.Join(append([]string{root}, parts[:i+1]...)...), Err: syscall.ENOTDIR}
		}
		d = next
	}
	return nil
}

// ReadDir returns the sorted names of the current entries of dir.
func (m *MemFS) ReadDir(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.observing(); err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	_, _, node, err := m.walk(dir)
	if err == nil && node == nil {
		err = syscall.ENOENT
	}
	if err == nil && !node.isDir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return slices.Sorted(maps.Keys(node.cur)), nil
}

// Stat describes the named file or directory. Its ModTime is always zero
// and its Sys is nil.
func (m *MemFS) Stat(name string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.observing(); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	_, _, node, err := m.walk(name)
	if err == nil && node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return node.info(filepath.Base(filepath.Clean(name))), nil
}

// SyncDir makes the current entries of dir durable. It fails with ENOTDIR
// if dir is not a directory.
func (m *MemFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutating(); err != nil {
		return &fs.PathError{Op: "sync", Path: dir, Err: err}
	}
	_, _, node, err := m.walk(dir)
	if err == nil && node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	if !node.isDir {
		return &fs.PathError{Op: "sync", Path: dir, Err: syscall.ENOTDIR}
	}
	node.dur = maps.Clone(node.cur)
	m.changes = slices.DeleteFunc(m.changes, func(c dirChange) bool { return c.dir == node })
	return nil
}

// Lock takes the in-memory lock on the named file, creating the file (not
// durably) if it does not exist. It fails with an error matching
// [ErrLocked] while another holder has not closed its lock. Locks belong to
// the inode, as flock(2) locks do, and are not carried into crash clones.
func (m *MemFS) Lock(name string) (io.Closer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutating(); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	parent, base, node, err := m.walk(name)
	if err == nil && node != nil && node.isDir {
		err = syscall.EISDIR
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if node == nil {
		node = &memNode{perm: 0o600}
		m.setEntry(m.nextSeq(), parent, base, node)
	}
	if m.locks[node] {
		return nil, fmt.Errorf("%s: %w", name, ErrLocked) // as Default reports it
	}
	m.locks[node] = true
	return &memLock{m: m, node: node, name: name}, nil
}

type memLock struct {
	m      *MemFS
	node   *memNode
	name   string
	closed bool
}

func (l *memLock) Close() error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if err := l.m.observing(); err != nil {
		return &fs.PathError{Op: "close", Path: l.name, Err: err}
	}
	if l.closed {
		return &fs.PathError{Op: "close", Path: l.name, Err: fs.ErrClosed}
	}
	l.closed = true
	delete(l.m.locks, l.node)
	return nil
}

// memFile is an open file of a MemFS. It stays usable after its name is
// removed, as an open file descriptor does.
type memFile struct {
	m        *MemFS
	node     *memNode
	name     string
	writable bool
	closed   bool
}

var _ File = (*memFile)(nil)

var errNegativeOffset = errors.New("negative offset")

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.observing(); err != nil {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: err}
	}
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: fs.ErrClosed}
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "readat", Path: f.name, Err: errNegativeOffset}
	}
	if len(p) == 0 {
		return 0, nil
	}
	if off >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.mutating(); err != nil {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: err}
	}
	if err := f.usable(); err != nil {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: err}
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "writeat", Path: f.name, Err: errNegativeOffset}
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !f.writable {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: syscall.EBADF}
	}
	f.node.data = writeAt(f.node.data, off, p)
	f.node.pending = append(f.node.pending, mutation{off: off, data: slices.Clone(p)})
	return len(p), nil
}

func (f *memFile) usable() error {
	if f.closed {
		return fs.ErrClosed
	}
	return nil
}

// Sync makes the file's current data durable.
func (f *memFile) Sync() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.mutating(); err != nil {
		return &fs.PathError{Op: "sync", Path: f.name, Err: err}
	}
	if err := f.usable(); err != nil {
		return &fs.PathError{Op: "sync", Path: f.name, Err: err}
	}
	f.node.durable = slices.Clone(f.node.data)
	f.node.pending = nil
	return nil
}

func (f *memFile) Truncate(size int64) error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.mutating(); err != nil {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: err}
	}
	if err := f.usable(); err != nil {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: err}
	}
	if !f.writable || size < 0 {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: syscall.EINVAL}
	}
	f.node.truncate(size)
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.observing(); err != nil {
		return 0, &fs.PathError{Op: "stat", Path: f.name, Err: err}
	}
	if err := f.usable(); err != nil {
		return 0, &fs.PathError{Op: "stat", Path: f.name, Err: err}
	}
	return int64(len(f.node.data)), nil
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.observing(); err != nil {
		return &fs.PathError{Op: "close", Path: f.name, Err: err}
	}
	if err := f.usable(); err != nil {
		return &fs.PathError{Op: "close", Path: f.name, Err: err}
	}
	f.closed = true
	return nil
}

// truncate changes the current size of file n and records the mutation.
func (n *memNode) truncate(size int64) {
	n.data = truncateTo(n.data, size)
	n.pending = append(n.pending, mutation{trunc: true, off: size})
}

// writeAt returns b with p written at off, zero-filling any gap. It may
// modify b in place.
func writeAt(b []byte, off int64, p []byte) []byte {
	if end := off + int64(len(p)); end > int64(len(b)) {
		b = truncateTo(b, end)
	}
	copy(b[off:], p)
	return b
}

// truncateTo returns b cut or zero-extended to size. It may reuse b.
func truncateTo(b []byte, size int64) []byte {
	if size <= int64(len(b)) {
		return b[:size]
	}
	return append(b, make([]byte, size-int64(len(b)))...)
}

func (n *memNode) info(name string) fs.FileInfo {
	fi := memInfo{name: name, mode: n.perm}
	if n.isDir {
		fi.mode |= fs.ModeDir
	} else {
		fi.size = int64(len(n.data))
	}
	return fi
}

type memInfo struct {
	name string
	size int64
	mode fs.FileMode
}

func (fi memInfo) Name() string       { return fi.name }
func (fi memInfo) Size() int64        { return fi.size }
func (fi memInfo) Mode() fs.FileMode  { return fi.mode }
func (fi memInfo) ModTime() time.Time { return time.Time{} }
func (fi memInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi memInfo) Sys() any           { return nil }

// Tear says how [MemFS.CrashClone] damages the last unsynced write it keeps
// in a file.
type Tear int

const (
	// TearNone keeps the write whole.
	TearNone Tear = iota
	// TearSectors keeps only the write's first k sector pieces and drops
	// the rest, as if those bytes had never been written (the file keeps
	// its earlier contents there and grows only as far as the kept bytes).
	TearSectors
	// TearZero writes the write's first k sector pieces and zeros in place
	// of the rest (the file grows to the end of the write).
	TearZero
	// TearGarbage writes the write's first k sector pieces and seeded
	// random bytes in place of the rest (the file grows to the end of the
	// write).
	TearGarbage
)

// String returns the constant's name.
func (t Tear) String() string {
	switch t {
	case TearNone:
		return "TearNone"
	case TearSectors:
		return "TearSectors"
	case TearZero:
		return "TearZero"
	case TearGarbage:
		return "TearGarbage"
	}
	return fmt.Sprintf("Tear(%d)", int(t))
}

// CrashOptions selects which of a [MemFS]'s unsynced changes a crash clone
// keeps. The zero value keeps none: only synced data and synced directory
// entries survive.
type CrashOptions struct {
	// Seed seeds every random choice. The same FS history, options and seed
	// always give the same clone.
	Seed int64
	// KeepUnsynced keeps a seeded, order-preserving subset of each
	// surviving file's unsynced mutations (writes and truncates), applied
	// in order on top of its durable data.
	KeepUnsynced bool
	// KeepPrefix, with KeepUnsynced, keeps a seeded prefix of each file's
	// unsynced mutations instead of an arbitrary subset.
	KeepPrefix bool
	// Tear, with KeepUnsynced, damages the last write among the kept
	// mutations of each file.
	Tear Tear
	// KeepUnsyncedDirOps keeps a seeded prefix, in the order they
	// happened, of the unsynced directory operations (creates, renames,
	// removes) of the whole FS.
	KeepUnsyncedDirOps bool
}

// pcgStream is the fixed second seed word of CrashClone's PCG source.
const pcgStream = 0x6c6c6f67 // "llog"

// CrashClone returns a new, independent MemFS holding what a power cut
// would leave of m now. m is not changed, and may have crashed (that is the
// usual case) or not. The clone has not crashed, its Ops is zero, it holds
// no locks, its durable state equals its current state, and it shares no
// memory with m.
//
// What survives:
//
//   - Directory entries: each directory's durable entries. With
//     opts.KeepUnsyncedDirOps, first k := r.IntN(P+1) is drawn, where P is
//     the number of unsynced directory operations of the FS (a Create of a
//     new file, a Lock that created its file, a Rename, a Remove, not yet
//     covered by a SyncDir of the directory concerned; a rename between two
//     directories of which only one was synced counts once, for its
//     unsynced half), and the first k of them are replayed, in order, over
//     the durable entries. Only the
//     directories reachable from the roots this way survive, with the files
//     they name.
//   - File data: each surviving file's durable data. With opts.KeepUnsynced
//     its unsynced mutations are then chosen (with opts.KeepPrefix, a
//     prefix of length r.IntN(M+1) where M is the number of mutations;
//     otherwise each mutation in turn is kept if r.IntN(2) == 1) and
//     applied in order. If opts.Tear is not TearNone, the last write among
//     the kept mutations is torn: the write is split into pieces at the
//     sector boundaries (multiples of [SectorSize] in file offsets) that
//     fall strictly inside it, giving m pieces, and k := r.IntN(m+1) is
//     drawn. The first k pieces are written as they are; the rest is
//     dropped (TearSectors), zeroed (TearZero) or replaced by random bytes
//     (TearGarbage, filled 8 bytes at a time from r.Uint64(), least
//     significant byte first). k = m leaves the write whole. Mutations kept
//     after the torn write are applied normally.
//
// r is a math/rand/v2 PCG generator seeded with (opts.Seed, 0x6c6c6f67).
// The directory draw comes first; then files are visited depth-first, roots
// and names in sorted order, each inode once (at its first name), and the
// draws for a file (selection, then tear, then garbage bytes) are made when
// it is visited and only if it has unsynced mutations.
func (m *MemFS) CrashClone(opts CrashOptions) *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := rand.New(rand.NewPCG(uint64(opts.Seed), pcgStream))

	// The directory-entry changes replayed over the durable entries.
	replay := make(map[*memNode][]dirChange)
	if opts.KeepUnsyncedDirOps && len(m.changes) > 0 {
		var seqs []uint64
		for _, c := range m.changes {
			if len(seqs) == 0 || seqs[len(seqs)-1] != c.seq {
				seqs = append(seqs, c.seq)
			}
		}
		if k := r.IntN(len(seqs) + 1); k > 0 {
			cutoff := seqs[k-1]
			for _, c := range m.changes {
				if c.seq <= cutoff {
					replay[c.dir] = append(replay[c.dir], c)
				}
			}
		}
	}

	c := NewMem()
	clones := make(map[*memNode]*memNode)
	var clone func(n *memNode) *memNode
	clone = func(n *memNode) *memNode {
		if cn := clones[n]; cn != nil {
			return cn
		}
		if !n.isDir {
			data := crashData(n, opts, r)
			cn := &memNode{perm: n.perm, data: data, durable: slices.Clone(data)}
			clones[n] = cn
			return cn
		}
		cn := newDirNode(n.perm)
		clones[n] = cn
		entries := maps.Clone(n.dur)
		for _, ch := range replay[n] {
			if ch.node == nil {
				delete(entries, ch.name)
			} else {
				entries[ch.name] = ch.node
			}
		}
		for _, name := range slices.Sorted(maps.Keys(entries)) {
			child := clone(entries[name])
			cn.cur[name] = child
			cn.dur[name] = child
		}
		return cn
	}
	for _, root := range slices.Sorted(maps.Keys(m.roots)) {
		c.roots[root] = clone(m.roots[root])
	}
	return c
}

// crashData returns the data file n holds after a crash under opts, in a
// new slice.
func crashData(n *memNode, opts CrashOptions, r *rand.Rand) []byte {
	data := slices.Clone(n.durable)
	if !opts.KeepUnsynced || len(n.pending) == 0 {
		return data
	}
	var kept []mutation
	if opts.KeepPrefix {
		kept = n.pending[:r.IntN(len(n.pending)+1)]
	} else {
		for _, mu := range n.pending {
			if r.IntN(2) == 1 {
				kept = append(kept, mu)
			}
		}
	}
	torn := -1
	if opts.Tear != TearNone {
		for i, mu := range kept {
			if !mu.trunc {
				torn = i
			}
		}
	}
	for i, mu := range kept {
		switch {
		case mu.trunc:
			data = truncateTo(data, mu.off)
		case i == torn:
			data = writeAt(data, mu.off, tearWrite(mu, opts.Tear, r))
		default:
			data = writeAt(data, mu.off, mu.data)
		}
	}
	return data
}

// tearWrite returns the bytes that torn write mu leaves, to be written at
// mu.off (see CrashClone).
func tearWrite(mu mutation, tear Tear, r *rand.Rand) []byte {
	cuts := sectorCuts(mu.off, len(mu.data))
	cut := cuts[r.IntN(len(cuts))]
	switch tear {
	case TearSectors:
		return mu.data[:cut]
	case TearZero:
		b := slices.Clone(mu.data)
		clear(b[cut:])
		return b
	case TearGarbage:
		b := slices.Clone(mu.data)
		for i := cut; i < len(b); i += 8 {
			v := r.Uint64()
			for j := i; j < i+8 && j < len(b); j++ {
				b[j] = byte(v)
				v >>= 8
			}
		}
		return b
	}
	panic(fmt.Sprintf("vfs: unknown %v", tear))
}

// sectorCuts returns the offsets, relative to the start of an n-byte write
// at file offset off, at which the write may be cut: 0, each sector
// boundary strictly inside the write, and n. A write with m sector pieces
// has m+1 cuts.
func sectorCuts(off int64, n int) []int {
	cuts := []int{0}
	for b := (off/SectorSize + 1) * SectorSize; b < off+int64(n); b += SectorSize {
		cuts = append(cuts, int(b-off))
	}
	return append(cuts, n)
}

// String lists the FS for failure messages: one line per entry of the
// current tree (depth-first, sorted), with each file's current size, its
// durable size and its number of unsynced mutations, and a note on entries
// whose directory entry is not durable; entries that exist only in the
// durable view (removed or renamed away, not yet synced) are listed too.
func (m *MemFS) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sb strings.Builder
	fmt.Fprintf(&sb, "MemFS ops=%d crashed=%t unsynced-dir-changes=%d\n", m.ops, m.crashed, len(m.changes))
	seen := make(map[*memNode]bool)
	var list func(path string, n *memNode)
	list = func(path string, n *memNode) {
		if seen[n] {
			return
		}
		seen[n] = true
		names := slices.Sorted(maps.Keys(n.cur))
		for name := range n.dur {
			if _, ok := n.cur[name]; !ok {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		names = slices.Compact(names)
		for _, name := range names {
			child, durable := n.cur[name], n.dur[name]
			p := filepath.Join(path, name)
			note := ""
			switch {
			case child == nil:
				child = durable
				note = " [removed, not synced]"
			case durable == nil:
				note = " [entry not synced]"
			case durable != child:
				note = " [replaced, not synced]"
			}
			if child.isDir {
				fmt.Fprintf(&sb, "  %s/%s\n", p, note)
			} else {
				fmt.Fprintf(&sb, "  %s size=%d durable=%d unsynced=%d%s\n", p, len(child.data), len(child.durable), len(child.pending), note)
			}
			if child.isDir && n.cur[name] != nil {
				list(p, child)
			}
		}
	}
	for _, root := range slices.Sorted(maps.Keys(m.roots)) {
		list(root, m.roots[root])
	}
	return sb.String()
}
