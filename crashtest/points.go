package main

import (
	"fmt"
	"io"
	"math/rand/v2"

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
}

// killPoints is every hook point the harness knows. Adding a point is one
// line: when retention and index checkpoints land, replace the name with
// the hooks constant and drop the needs field.
var killPoints = []killPoint{
	{name: hooks.CommitBeforeWrite, maxAfter: 60},
	{name: hooks.CommitBeforeSync, maxAfter: 60},
	{name: hooks.CommitAfterSync, maxAfter: 60},
	{name: hooks.RotateAfterCreate, maxAfter: 3},
	{name: hooks.RotateAfterRename, maxAfter: 3},
	{name: hooks.RotateAfterDirSync, maxAfter: 3},
	{name: hooks.RecoverAfterTruncate, maxAfter: 1, tear: true},
	{name: "retention-before-remove", needs: "retention: no hook point before a segment is deleted yet"},
	{name: "retention-after-remove", needs: "retention: no hook point after a segment is deleted yet"},
	{name: "index-checkpoint-before-commit", needs: "the index: no hook point before an index checkpoint commits yet"},
	{name: "index-checkpoint-after-commit", needs: "the index: no hook point after an index checkpoint commits yet"},
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

// usablePoints returns the points that exist in this build.
func usablePoints() []killPoint {
	var ps []killPoint
	for _, p := range killPoints {
		if p.needs == "" {
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
			fmt.Fprintf(stdout, "%-32s kill at firing 1..%d%s\n", p.name, p.maxAfter,
				map[bool]string{true: ", after tearing the tail", false: ""}[p.tear])
		}
		return nil
	}
}
