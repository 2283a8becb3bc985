package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"github.com/lowlightlog/llog/internal/hooks"
)

// killPoint is a hook point (package internal/hooks) at which the writer
// can kill itself, with how many firings to let pass.
type killPoint struct {
	name string
	// maxAfter bounds the firing count the kill lands on: the writer dies
	// at the K-th firing, K uniform in 1..maxAfter. It is small for points
	// that fire rarely (rotation) so that they are reached quickly.
	maxAfter int
	// tear makes run append a torn tail to the newest segment before
	// starting the writer, so that recovery has something to cut.
	tear bool
	// needs, when set, says which engine feature the point waits for; such
	// a point is listed but never used.
	needs string
	// bug, when set, names a known engine bug that a kill at this point
	// exposes. Such a point is used only when named with --points (to
	// reproduce the bug); delete the field when the bug is fixed.
	bug string
}

// killPoints is every hook point the harness knows. Adding a point is one
// line. A point whose engine feature does not exist yet gets a needs field
// (it is then listed, skipped by run and a skipped subtest of
// TestKillAtEveryPoint) until its hook lands.
var killPoints = []killPoint{
	{name: hooks.CommitBeforeWrite, maxAfter: 60},
	{name: hooks.CommitBeforeSync, maxAfter: 60},
	{name: hooks.CommitAfterSync, maxAfter: 60},
	{name: hooks.RotateAfterCreate, maxAfter: 3},
	{name: hooks.RotateAfterRename, maxAfter: 3},
	{name: hooks.RotateAfterDirSync, maxAfter: 3},
	{name: hooks.RecoverAfterTruncate, maxAfter: 1, tear: true},
	{name: hooks.RetentionAfterFrame, maxAfter: 2},
	{name: hooks.RetentionAfterRecord, maxAfter: 2},
	{name: hooks.RetentionAfterUnlink, maxAfter: 2},
	{name: hooks.RetentionAfterDirSync, maxAfter: 2},
	{name: hooks.IndexBeforeCheckpoint, maxAfter: 4},
	{name: hooks.IndexAfterCheckpoint, maxAfter: 4},
}

// timerPoint names kills that land at a random moment instead of a hook.
const timerPoint = "timer"

// lookupPoint returns the kill point called name.
func lookupPoint(name string) (killPoint, bool) {
	for _, p := range killPoints {
		if p.name == name {
			return p, true
		}
	}
	return killPoint{}, false
}

// usablePoints returns the points that exist in this build: those in
// names (points with a known bug only then), or when names is empty all
// but the points with a known bug.
func usablePoints(names []string) []killPoint {
	var ps []killPoint
	for _, p := range killPoints {
		switch {
		case p.needs != "":
		case len(names) == 0 && p.bug == "", slices.Contains(names, p.name):
			ps = append(ps, p)
		}
	}
	return ps
}

// pickAfter draws the firing count for p.
func (p killPoint) pickAfter(r *rand.Rand) int { return 1 + r.IntN(max(1, p.maxAfter)) }

var cmdPoints = &command{
	name:    "points",
	summary: "list the hook points the writer can be killed at",
	usage: `points

Lists the hook points of package internal/hooks that crashtest run kills the
writer at, and those that wait for an engine feature.`,
}

func init() {
	cmdPoints.run = func(args []string, stdout, stderr io.Writer) error {
		fs := flagSet(cmdPoints, stderr)
		if err := parse(fs, args, stderr); err != nil {
			return err
		}
		for _, p := range killPoints {
			if p.needs != "" {
				fmt.Fprintf(stdout, "%-32s skipped: needs %s\n", p.name, p.needs)
				continue
			}
			if p.bug != "" {
				fmt.Fprintf(stdout, "%-32s used only with --points: known bug: %s\n", p.name, p.bug)
				continue
			}
			fmt.Fprintf(stdout, "%-32s kill at firing 1..%d%s\n", p.name, p.maxAfter,
				map[bool]string{true: ", after tearing the tail", false: ""}[p.tear])
		}
		return nil
	}
}
