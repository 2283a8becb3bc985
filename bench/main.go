package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lowlightlog/llog/internal/gen"
)

func main() {
	if childMain() {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	mode        string // "compare" or "overload"
	rounds      int
	records     int // per run; 0 means automatic
	sizes       []int
	batches     []int
	systems     []string
	mixes       []string // text mixes run at mixSize, mixBatch (gen.Mixes names)
	dir         string
	quick       bool
	json        bool
	verbose     bool
	cpuprofile  string
	memprofile  string
	syncRecords int

	duration   time.Duration
	producers  int
	ovSize     int
	queueBytes []int
	policies   []string
}

const usage = `Usage: bench [compare|overload] [flags]

compare (the default) ingests the same generated records with llog (default
options and without redaction), SQLite in WAL mode and a plain append +
fdatasync loop, interleaved over rounds, and prints one table of medians.
overload runs producers faster than the disk against llog and prints peak
RSS against the configured queue bound.

Flags:
`

// parseArgs parses the command line.
func parseArgs(args []string, stderr io.Writer) (*config, error) {
	c := &config{mode: "compare"}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var sizes, batches, systems, mixes, queueBytes, policies string
	fs.IntVar(&c.rounds, "rounds", 5, "interleaved rounds; the table shows medians over them")
	fs.IntVar(&c.records, "records", 0, "records per run (0: about 64 MiB of payload, at most 131072 records, at least 32 of the largest batches)")
	fs.StringVar(&sizes, "sizes", "256,1k,8k", "record sizes (prompt + response bytes)")
	fs.StringVar(&batches, "batches", "64,512", "batch sizes (records per fsync)")
	fs.StringVar(&systems, "systems", strings.Join(allSystems, ","), "systems to run")
	fs.StringVar(&mixes, "mixes", "none,email,dense", "text mixes to also run llog and plain on, at 1 KiB records (or the first size) and batches of 512 (or the largest batch): none (no personal data), email (one e-mail address per 2.5 records), dense (five matches per record); empty for none")
	fs.StringVar(&c.dir, "dir", "", "folder for the stores (default: a temporary folder under the current one, on the repository's filesystem)")
	fs.BoolVar(&c.quick, "quick", false, "a small run for a smoke test (fewer rounds, records, sizes; flags given still apply)")
	fs.BoolVar(&c.json, "json", false, "print the results as JSON instead of tables")
	fs.BoolVar(&c.verbose, "verbose", false, "also print every run of every round")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of each run to `prefix`.<system>-<size>-b<batch>-r<round>.pprof (<system>-<mix>-<size>-... for the text mixes)")
	fs.StringVar(&c.memprofile, "memprofile", "", "overload: write a heap profile of each run, just before its producers stop, to `prefix`.overload-<policy>-<queue bytes>.pprof")
	fs.IntVar(&c.syncRecords, "sync-records", 200, "records per run of the one-record-per-fsync latency test (0: skip it)")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "overload: how long each run lasts")
	fs.IntVar(&c.producers, "producers", 4, "overload: goroutines logging as fast as they can")
	fs.IntVar(&c.ovSize, "overload-size", 8192, "overload: record size")
	fs.StringVar(&queueBytes, "queue-bytes", "8m,32m", "overload: Options.QueueBytes values to run")
	fs.StringVar(&policies, "policies", "block,drop-oldest", "overload: overflow policies to run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		c.mode = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return nil, err
		}
		if fs.NArg() > 0 {
			return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
		}
	}
	if c.mode != "compare" && c.mode != "overload" {
		return nil, fmt.Errorf("unknown mode %q: want compare or overload", c.mode)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.quick {
		quick := map[string]func(){
			"rounds":       func() { c.rounds = 2 },
			"records":      func() { c.records = 1024 },
			"sizes":        func() { sizes = "256,1k" },
			"batches":      func() { batches = "64" },
			"sync-records": func() { c.syncRecords = 10 },
			"duration":     func() { c.duration = 1500 * time.Millisecond },
			"queue-bytes":  func() { queueBytes = "4m" },
		}
		for name, apply := range quick {
			if !set[name] {
				apply()
			}
		}
	}
	var err error
	if c.sizes, err = parseSizes(sizes); err != nil {
		return nil, fmt.Errorf("--sizes: %w", err)
	}
	if c.batches, err = parseSizes(batches); err != nil {
		return nil, fmt.Errorf("--batches: %w", err)
	}
	if c.queueBytes, err = parseSizes(queueBytes); err != nil {
		return nil, fmt.Errorf("--queue-bytes: %w", err)
	}
	for _, s := range strings.Split(systems, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(knownSystems, s) {
			return nil, fmt.Errorf("--systems: unknown system %q (have %s)", s, strings.Join(knownSystems, ", "))
		}
		c.systems = append(c.systems, s)
	}
	for _, m := range strings.Split(mixes, ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		}
		if _, ok := gen.MixNamed(m); !ok || m == "default" {
			return nil, fmt.Errorf("--mixes: unknown mix %q (have none, email, dense)", m)
		}
		c.mixes = append(c.mixes, m)
	}
	for _, p := range strings.Split(policies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, err := parsePolicy(p); err != nil {
			return nil, fmt.Errorf("--policies: %w", err)
		}
		c.policies = append(c.policies, p)
	}
	switch {
	case c.rounds < 1:
		return nil, errors.New("--rounds must be at least 1")
	case c.records < 0:
		return nil, errors.New("--records must not be negative")
	case len(c.systems) == 0:
		return nil, errors.New("--systems: none given")
	case c.producers < 1:
		return nil, errors.New("--producers must be at least 1")
	case c.duration <= 0:
		return nil, errors.New("--duration must be positive")
	}
	return c, nil
}

// parseSizes parses a comma-separated list of sizes, each a number with an
// optional binary suffix: 512, 1k, 8KiB, 32m.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		mult := 1
		for _, suf := range []struct {
			s string
			m int
		}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
			if t, ok := strings.CutSuffix(f, suf.s); ok {
				f, mult = strings.TrimSpace(t), suf.m
				break
			}
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		out = append(out, n*mult)
	}
	if len(out) == 0 {
		return nil, errors.New("none given")
	}
	return out, nil
}

// run is the program: it parses args and runs the chosen mode.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	base, cleanup, err := workDir(c.dir, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	m := describeMachine(base)
	if m.InMemory {
		fmt.Fprintf(stderr, "bench: WARNING: %s is on %s: fsync costs nothing there, so the numbers say nothing about a disk; use --dir\n", base, m.FS)
	}
	if c.mode == "overload" {
		return runOverload(ctx, c, base, m, stdout, stderr)
	}
	return runCompare(ctx, c, base, m, stdout, stderr)
}

// workDir creates the folder that holds the runs' stores and returns it
// with a function that removes it.
func workDir(dir string, stderr io.Writer) (string, func(), error) {
	parent := dir
	if parent == "" {
		parent = "."
	} else if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, err
	}
	base, err := os.MkdirTemp(parent, ".benchdata-")
	if err != nil {
		return "", nil, err
	}
	if abs, err := filepath.Abs(base); err == nil {
		base = abs
	}
	return base, func() {
		if err := os.RemoveAll(base); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
		}
	}, nil
}

// machine describes where the numbers were measured.
type machine struct {
	CPUs     int    `json:"cpus"`
	CPU      string `json:"cpu"`
	OS       string `json:"os"`
	Go       string `json:"go"`
	Dir      string `json:"dir"`
	FS       string `json:"filesystem"`
	InMemory bool   `json:"in_memory"`
	Free     uint64 `json:"free_bytes"`
	Total    uint64 `json:"total_bytes"`
	// Commit is `git describe --always --dirty` of the working tree the
	// benchmark was built from (llog is taken from it, through the replace
	// directive), when git can tell.
	Commit string `json:"commit,omitempty"`
	// LoadStart and LoadEnd are the 1-minute load averages when the
	// benchmark started and ended: other work on the machine shows there.
	LoadStart float64 `json:"load_start"`
	LoadEnd   float64 `json:"load_end"`
}

func describeMachine(dir string) machine {
	m := machine{CPUs: runtime.NumCPU(), CPU: cpuModel(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		Go: runtime.Version(), Dir: dir}
	typ, mem, free, total, err := fsInfo(dir)
	if err != nil {
		typ = "unknown (" + err.Error() + ")"
	}
	m.FS, m.InMemory, m.Free, m.Total = typ, mem, free, total
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	m.LoadStart = loadAvg()
	return m
}

func (m machine) String() string {
	s := fmt.Sprintf("%d × %s, %s, %s; store folder on %s (%s free of %s)",
		m.CPUs, m.CPU, m.OS, m.Go, m.FS, fmtBytes(int64(m.Free)), fmtBytes(int64(m.Total)))
	if m.Commit != "" {
		s += "\nllog: " + m.Commit
	}
	return s + fmt.Sprintf("\nload average (1 min): %.2f at the start, %.2f at the end", m.LoadStart, m.LoadEnd)
}
