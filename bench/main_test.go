package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the benchmark's child process.
func TestMain(m *testing.M) {
	if childMain() {
		return
	}
	os.Exit(m.Run())
}

// TestQuickCompare runs the comparison end to end in --quick mode and
// checks that every system produced sane numbers.
func TestQuickCompare(t *testing.T) {
	var out, errs bytes.Buffer
	args := []string{"--quick", "--json", "--dir", t.TempDir()}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s", err, out.String())
	}
	// Two rounds of two sizes and the sync test for every system, and of
	// the three text mixes for llog and plain.
	if got, want := len(rep.Runs), 2*(2+1)*len(allSystems)+2*3*2; got != want {
		t.Errorf("%d runs, want %d", got, want)
	}
	if len(rep.MixRows) != 3*2 || len(rep.MixRatios) != 3 {
		t.Errorf("%d mix rows and %d mix ratios, want 6 and 3", len(rep.MixRows), len(rep.MixRatios))
	}
	for _, m := range rep.MixRatios {
		if m.Ratio.Median <= 0 || m.Description == "" {
			t.Errorf("mix %s: implausible %+v", m.Mix, m)
		}
	}
	mixTargets := 0
	for _, tg := range rep.Targets {
		if strings.HasPrefix(tg.What, "llog ÷ plain, records/s, ") {
			mixTargets++
		}
	}
	if mixTargets != 3 {
		t.Errorf("%d targets for the text mixes, want 3: %+v", mixTargets, rep.Targets)
	}
	if got, want := len(rep.Rows), 2*len(allSystems); got != want {
		t.Errorf("%d rows, want %d", got, want)
	}
	for _, r := range rep.Runs {
		if r.RecPerSec <= 0 || r.Payload <= 0 || r.P50 <= 0 || r.P99 < r.P50 {
			t.Errorf("%s %s size %d batch %d round %d: implausible %+v", r.Mode, r.System, r.Size, r.Batch, r.Round, r)
		}
		if r.PeakRSS <= 0 || r.Written <= 0 || r.Stored <= 0 {
			t.Errorf("%s %s size %d: RSS %d, written %d, stored %d: want all positive", r.Mode, r.System, r.Size, r.PeakRSS, r.Written, r.Stored)
		}
		if r.Mode == modeIngest && r.Batches != uint64((r.Records+r.Batch-1)/r.Batch) && !strings.HasPrefix(r.System, "llog") {
			t.Errorf("%s size %d: %d batches for %d records of batch %d", r.System, r.Size, r.Batches, r.Records, r.Batch)
		}
	}
	// Per size: llog and llog-noredact over sqlite and plain, and llog
	// over llog-nockpt (llog-noredact-nockpt is not run by default).
	if len(rep.Ratios) != 2*5 {
		t.Errorf("%d ratio rows, want 10", len(rep.Ratios))
	}
	for _, r := range rep.Ratios {
		if r.Ratio.Median <= 0 || (runtime.GOOS == "linux" && r.CPU.Median <= 0) {
			t.Errorf("ratio %s ÷ %s size %d: implausible %+v", r.Of, r.Over, r.Size, r)
		}
	}
	if len(rep.Sync) != len(allSystems) {
		t.Errorf("%d sync rows, want %d", len(rep.Sync), len(allSystems))
	}

	// The table form of the same run.
	out.Reset()
	if err := run(context.Background(), []string{"--quick", "--rounds", "1", "--verbose", "--systems", "llog,llog-nockpt,plain",
		"--sizes", "1k", "--batches", "512", "--dir", t.TempDir()}, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	for _, want := range []string{"records/s", "llog ÷ plain", "llog ÷ llog-nockpt", "checkpoints on ÷ off (llog ÷ llog-nockpt), records/s",
		"one record per fsync", "every run", "text mixes at 1KiB", "dense: five"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestQuickOverload runs the overload mode in --quick mode: RSS must stay
// within a generous multiple of the queue bound.
func TestQuickOverload(t *testing.T) {
	var out, errs bytes.Buffer
	args := []string{"overload", "--quick", "--json", "--duration", "1s", "--dir", t.TempDir()}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	var rep struct {
		Runs []*result `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("decode: %v\n%s", err, out.String())
	}
	if len(rep.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(rep.Runs))
	}
	for _, r := range rep.Runs {
		or := r.OverloadResult
		if or == nil || or.Committed == 0 || or.Calls == 0 {
			t.Fatalf("%s: nothing committed: %+v", r.Overload.Policy, or)
		}
		if or.MaxBytes > or.QueueBytes {
			t.Errorf("%s: %d bytes queued, bound %d", r.Overload.Policy, or.MaxBytes, or.QueueBytes)
		}
		if r.PeakRSS <= 0 || r.PeakRSS-r.BaseRSS > 64*int64(or.QueueBytes) {
			t.Errorf("%s: peak RSS %d from base %d, queue bound %d", r.Overload.Policy, r.PeakRSS, r.BaseRSS, or.QueueBytes)
		}
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("256, 1k,8KiB,2m,3b")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{256, 1024, 8192, 2 << 20, 3}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "0", "1q"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) succeeded", bad)
		}
	}
}

func TestArgs(t *testing.T) {
	c, err := parseArgs([]string{"overload", "--quick", "--duration", "3s"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.mode != "overload" || c.duration.Seconds() != 3 || c.rounds != 2 {
		t.Errorf("got mode %q duration %v rounds %d", c.mode, c.duration, c.rounds)
	}
	for _, bad := range [][]string{{"--systems", "mysql"}, {"nope"}, {"--rounds", "0"}, {"--policies", "later"}} {
		if _, err := parseArgs(bad, &bytes.Buffer{}); err == nil {
			t.Errorf("parseArgs(%q) succeeded", bad)
		}
	}
}
