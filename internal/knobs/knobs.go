// Package knobs holds settings of the engine that no application should
// turn and that the bench command needs: a program outside the main
// module cannot reach the root's test exports. Today there is one: writing
// no checkpoints, so that the bench command can measure what they cost.
// Each costs one atomic load at Open while unset, which is always the case
// in production.
package knobs

import "sync/atomic"

var noCheckpoints atomic.Bool

// SetNoCheckpoints makes every store opened for writing after the call,
// in this process, write no checkpoints (on: true) or write them as usual
// (false). Only the bench command calls it, in a child process that runs
// one system alone.
func SetNoCheckpoints(on bool) { noCheckpoints.Store(on) }

// NoCheckpoints reports whether SetNoCheckpoints(true) is in force.
func NoCheckpoints() bool { return noCheckpoints.Load() }
