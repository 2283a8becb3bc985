package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/internal/testutil"
)

// programEnv makes the test binary run as the crashtest program: run and
// cut start os.Executable() as their writer, which in a test is this
// binary.
const programEnv = "LLOG_CRASHTEST_PROGRAM"

var (
	long     = flag.Bool("long", os.Getenv("LLOG_CRASHTEST_LONG") == "1", "long mode: many kills and cuts (or LLOG_CRASHTEST_LONG=1)")
	seedFlag = flag.Uint64("seed", 0, "seed to replay (or LLOG_CRASHTEST_SEED; 0: from the clock)")
)

func TestMain(m *testing.M) {
	if os.Getenv(programEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	testutil.Main(m)
}

// asProgram makes children started by the test run as the program.
func asProgram(t *testing.T) { t.Setenv(programEnv, "1") }

// testSeed returns the seed of a randomized test and logs how to replay it.
func testSeed(t *testing.T) uint64 {
	seed := *seedFlag
	if s := os.Getenv("LLOG_CRASHTEST_SEED"); seed == 0 && s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("LLOG_CRASHTEST_SEED=%q: %v", s, err)
		}
		seed = v
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed %d or LLOG_CRASHTEST_SEED=%d)", seed, seed, seed)
	return seed
}

// runCLI runs the program in process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsageAndExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, exitUsage, "Usage:"},
		{[]string{"help"}, exitOK, "crashtest run"},
		{[]string{"help", "run"}, exitOK, "--kills"},
		{[]string{"run", "--help"}, exitOK, "--seed"},
		{[]string{"nosuch"}, exitUsage, `unknown command "nosuch"`},
		{[]string{"run"}, exitUsage, "--dir is required"},
		{[]string{"run", "--dir", "x", "--kills", "0"}, exitUsage, "at least 1"},
		{[]string{"run", "--dir", "x", "--points", "nosuch"}, exitUsage, `unknown or unavailable point "nosuch"`},
		{[]string{"run", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{[]string{"writer"}, exitUsage, "--dir is required"},
		{[]string{"writer", "--dir", "x", "--kill-at", "retention-after-remove"}, exitUsage, "unknown or unavailable hook point"},
		{[]string{"writer", "--dir", "x", "--cut"}, exitUsage, "--cut needs --kill-at"},
		{[]string{"check", "--dir", "x"}, exitUsage, "--acks are required"},
		{[]string{"cut", "--device", "/dev/null"}, exitUsage, "--erase-device"},
		{[]string{"points", "extra"}, exitUsage, "unexpected arguments"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("crashtest %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.stderr)
		}
	}
}

func TestPointsListsSkippedPoints(t *testing.T) {
	code, stdout, _ := runCLI("points")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, p := range killPoints {
		want := p.name + " "
		if !strings.Contains(stdout, want) {
			t.Errorf("points does not list %s:\n%s", p.name, stdout)
		}
		if p.needs != "" && !strings.Contains(stdout, "skipped: needs "+p.needs) {
			t.Errorf("points does not say %s is skipped:\n%s", p.name, stdout)
		}
	}
}

var ctx = context.Background()
