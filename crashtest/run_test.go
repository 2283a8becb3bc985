package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKillAtEveryPoint kills a writer process at each hook point (twice,
// at seeded firings) and checks the store after each kill. A point that
// waits for an engine feature is a skipped subtest naming it; a point this
// platform never reaches (the Linux filesystem writes and syncs a batch in
// one call, so commit-before-sync never fires there) is reported as such.
func TestKillAtEveryPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns writer processes")
	}
	asProgram(t)
	seed := testSeed(t)
	kills := 2
	if *long {
		kills = 40
	}
	for _, p := range killPoints {
		t.Run(p.name, func(t *testing.T) {
			// Each point has its own store and writer processes, and
			// spends most of its time waiting for them.
			t.Parallel()
			if p.needs != "" {
				t.Skip("needs " + p.needs)
			}
			if p.bug != "" {
				t.Skip("known bug: " + p.bug)
			}
			retain := uint64(0)
			if strings.HasPrefix(p.name, "retention-") {
				retain = 60 // two or three segments: retention runs soon
			}
			var out bytes.Buffer
			sum, err := runKills(ctx, runConfig{
				dir: filepath.Join(t.TempDir(), "work"), kills: kills, seed: seed, points: []string{p.name}, retain: retain,
				freshEvery: 20, maxDelay: 100 * time.Millisecond, wait: 3 * time.Second,
				segmentSize: 16 << 10, recordSize: 512, exec: os.Getenv("LLOG_CRASHTEST_EXEC"),
			}, &out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			t.Logf("\n%s", out.String())
			ps := sum.points[p.name]
			switch {
			case sum.violations > 0:
				t.Fatalf("%d violations", sum.violations)
			case ps.notReached || ps.fired == 0 && !sum.everFired[p.name]:
				t.Skipf("%s is never reached on this platform", p.name)
			case sum.kills != kills || ps.kills != kills:
				t.Fatalf("%d kills, want %d", sum.kills, kills)
			case ps.fired == 0:
				t.Fatalf("the writer never died at %s", p.name)
			}
		})
	}
}

// TestKillsRandom runs the mix crashtest run uses by default: timer kills
// and hook kills, both writer modes, retention, torn tails before some
// runs.
func TestKillsRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns writer processes")
	}
	asProgram(t)
	seed := testSeed(t)
	kills := 12
	if *long {
		kills = 1000
	}
	var out bytes.Buffer
	sum, err := runKills(ctx, runConfig{
		dir: filepath.Join(t.TempDir(), "work"), kills: kills, seed: seed,
		freshEvery: 20, maxDelay: 150 * time.Millisecond, wait: 3 * time.Second,
		segmentSize: 32 << 10, recordSize: 768, retain: 600, exec: os.Getenv("LLOG_CRASHTEST_EXEC"),
	}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Logf("\n%s", out.String())
	if sum.violations > 0 || sum.kills != kills {
		t.Fatalf("%d kills, %d violations", sum.kills, sum.violations)
	}
	if sum.acked == 0 {
		t.Fatalf("no record was acknowledged in %d runs", kills)
	}
}

// TestRunCommand runs "crashtest run" through the CLI: exit status and
// summary.
func TestRunCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns writer processes")
	}
	asProgram(t)
	code, stdout, stderr := runCLI("run", "--dir", filepath.Join(t.TempDir(), "work"), "--kills", "3", "--seed", "42",
		"--points", "timer,rotate-after-rename", "--max-delay", "50ms", "--retain-records", "0")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"seed 42", "replay: crashtest run", "kills 3,", "violations 0", "retention-after-unlink"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

// TestCut cuts a loop-device ext4 filesystem under a writer a few times
// (100 times with -long) and checks the store after each remount. It is
// skipped where the machine cannot do it (not root, no loop devices, no
// mkfs.ext4, mount refused).
func TestCut(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts filesystems")
	}
	asProgram(t)
	seed := testSeed(t)
	cuts := 4
	if *long {
		cuts = 100
	}
	var out bytes.Buffer
	sum, err := runCuts(ctx, cutConfig{
		cuts: cuts, seed: seed, dir: t.TempDir(), size: 128, freshEvery: 25,
		maxDelay: 300 * time.Millisecond, wait: 5 * time.Second, segmentSize: 32 << 10, recordSize: 768, retain: 600,
		exec: os.Getenv("LLOG_CRASHTEST_EXEC"),
	}, &out)
	var skip *skipError
	if errors.As(err, &skip) {
		t.Skip(skip.reason)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Logf("\n%s", out.String())
	if sum.violations > 0 || sum.cuts != cuts {
		t.Fatalf("%d cuts, %d violations", sum.cuts, sum.violations)
	}
}
