// Package hooks names the moments at the durability edges of the engine
// where a crash test may want to act: before and after a data fsync, around
// the rename of a new segment, between the steps of retention. The engine
// calls Fire at each one; Fire costs one atomic load while no hook is set,
// which is always the case in production.
//
// The crash harness (crashtest) sets a hook that kills its own process at a
// chosen point, so that a kill lands inside a segment rotation or a
// retention step for certain instead of by luck.
package hooks

import "sync/atomic"

// Points where the engine calls Fire.
const (
	// CommitBeforeWrite: a batch is framed and about to be written.
	CommitBeforeWrite = "commit-before-write"
	// CommitBeforeSync: a batch is written and about to be fsynced. Only
	// reached on filesystems without a combined write-and-sync call: on
	// Linux the OS filesystem writes and syncs a batch with one pwritev2.
	CommitBeforeSync = "commit-before-sync"
	// CommitAfterSync: a batch is durable; no one has been answered yet.
	CommitAfterSync = "commit-after-sync"
	// RotateAfterCreate: a new segment's temporary file has its header
	// written and synced.
	RotateAfterCreate = "rotate-after-create"
	// RotateAfterRename: the new segment is renamed into place; the
	// directory is not yet synced.
	RotateAfterRename = "rotate-after-rename"
	// RotateAfterDirSync: the new segment is durable and active.
	RotateAfterDirSync = "rotate-after-dirsync"
	// RecoverAfterTruncate: Open truncated a torn tail and has not synced.
	RecoverAfterTruncate = "recover-after-truncate"
	// RetentionAfterFrame: a retention decision is recorded in the log (a
	// removal frame, committed); not yet in the index, no file deleted.
	RetentionAfterFrame = "retention-after-frame"
	// RetentionAfterRecord: a retention decision is recorded in the log and
	// the index; no file is deleted yet.
	RetentionAfterRecord = "retention-after-record"
	// RetentionAfterUnlink: a segment file is unlinked; the directory is
	// not yet synced.
	RetentionAfterUnlink = "retention-after-unlink"
	// RetentionAfterDirSync: the unlink is durable; the removal is not yet
	// marked done in the index.
	RetentionAfterDirSync = "retention-after-dirsync"
	// IndexBeforeCheckpoint: an index checkpoint is about to commit.
	IndexBeforeCheckpoint = "index-before-checkpoint"
	// IndexAfterCheckpoint: an index checkpoint committed.
	IndexAfterCheckpoint = "index-after-checkpoint"
)

var hook atomic.Pointer[func(point string)]

// Set installs fn to be called at every point; nil removes it. Only tests
// and the crash harness call Set.
func Set(fn func(point string)) {
	if fn == nil {
		hook.Store(nil)
		return
	}
	hook.Store(&fn)
}

// Fire calls the installed hook, if any, with point.
func Fire(point string) {
	if fn := hook.Load(); fn != nil {
		(*fn)(point)
	}
}
