package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lowlightlog/llog"
)

var cmdRun = &command{
	name:    "run",
	summary: "kill a writer process over and over and check the store after each kill",
	usage: `run --dir D [--kills N] [--seed S]

Re-runs this binary as "crashtest writer" on a store under D and SIGKILLs
it N times: at a seeded random moment, or at a seeded firing of a hook
point inside a commit, a segment rotation or a recovery (the writer kills
itself there, so those moments are hit, not hoped for). Before some runs
it appends a torn tail to the newest segment, as a power cut can leave, so
that recovery has a tail to cut and can be killed while it does.

After each kill it checks the store against every acknowledgement so far
(see crashtest check), then reopens it, writes one record and checks again.
It stops at the first violation and keeps that store. The acknowledgements
of each store are saved next to it (store-NNNN.acks), so a kept store can be
checked again with crashtest check.

It prints the seed; the same seed replays the same scenarios (kill points,
firing counts, modes, tails; timer kills land at slightly different moments).
Exit status 0 only when every check held.`,
}

// runConfig is the run command's flags.
type runConfig struct {
	dir         string
	kills       int
	seed        uint64
	points      []string
	freshEvery  int
	maxDelay    time.Duration
	wait        time.Duration
	segmentSize int64
	recordSize  int
	retain      uint64
	keep        bool
	exec        string
	verbose     bool
}

func init() {
	cmdRun.run = func(args []string, stdout, stderr io.Writer) error {
		var c runConfig
		fs := flagSet(cmdRun, stderr)
		fs.StringVar(&c.dir, "dir", "", "work folder: stores and acknowledgement files go here")
		fs.IntVar(&c.kills, "kills", 50, "number of kills")
		fs.Uint64Var(&c.seed, "seed", 0, "seed of the scenarios (0: from the clock)")
		fs.StringSliceVar(&c.points, "points", nil, "kill only at these hook points (and timer); default all available")
		fs.IntVar(&c.freshEvery, "fresh-every", 20, "start a new store after this many kills, so checks stay fast")
		fs.DurationVar(&c.maxDelay, "max-delay", 200*time.Millisecond, "longest delay of a timer kill after the writer starts")
		fs.DurationVar(&c.wait, "wait", 3*time.Second, "how long to wait for a hook kill before killing the writer anyway")
		fs.Int64Var(&c.segmentSize, "segment-size", 64<<10, "segment size of the writer")
		fs.IntVar(&c.recordSize, "record-size", 1024, "typical record size of the writer")
		fs.Uint64Var(&c.retain, "retain-records", 600, "typical retention limit of the writers in records (0: no retention)")
		fs.BoolVar(&c.keep, "keep", false, "keep the stores of passing runs")
		fs.StringVar(&c.exec, "exec", os.Getenv("LLOG_CRASHTEST_EXEC"), "command prefix to run the writer with (an emulator such as qemu-arm-static)")
		fs.BoolVarP(&c.verbose, "verbose", "v", false, "print one line per kill")
		if err := parse(fs, args, stderr); err != nil {
			return err
		}
		if c.dir == "" {
			return usageErr(stderr, "run: --dir is required")
		}
		if c.kills < 1 || c.freshEvery < 1 {
			return usageErr(stderr, "run: --kills and --fresh-every must be at least 1")
		}
		for _, p := range c.points {
			if kp, ok := lookupPoint(p); (!ok || kp.needs != "") && p != timerPoint {
				return usageErr(stderr, "run: unknown or unavailable point %q (see crashtest points)", p)
			}
		}
		if c.seed == 0 {
			c.seed = uint64(time.Now().UnixNano())
		}
		sum, err := runKills(context.Background(), c, stdout)
		if err != nil {
			return err
		}
		if sum.violations > 0 {
			return errViolations
		}
		return nil
	}
}

// pointStats is one row of the summary.
type pointStats struct {
	kills, fired, fallback int
	acked                  int
	violations             int
	notReached             bool
}

// runSummary is what runKills did.
type runSummary struct {
	kills, violations, stores, torn int
	unfinished                      int // kills during the creation of a store
	acked                           int
	records                         uint64
	points                          map[string]*pointStats
	everFired                       map[string]bool // hook points the writers reported firing
	elapsed                         time.Duration
}

// scenario is one writer run and how it ends.
type scenario struct {
	point      killPoint // name timerPoint for a timer kill
	after      int
	delay      time.Duration
	sync       bool
	writers    int
	flush      int
	seed       uint64
	tear       int // 0: none; 1: zeros; 2: part of the last frame
	tearBytes  int
	retain     uint64 // retention limit in records (0: none)
	checkpoint int    // index checkpoint interval in records
}

func (s scenario) String() string {
	mode := fmt.Sprintf("flush-every=%d", s.flush)
	if s.sync {
		mode = fmt.Sprintf("sync writers=%d", s.writers)
	}
	kill := fmt.Sprintf("at %v", s.delay.Round(time.Millisecond))
	if s.point.name != timerPoint {
		kill = fmt.Sprintf("at firing %d of %s", s.after, s.point.name)
	}
	tear := ""
	if s.tear != 0 {
		tear = fmt.Sprintf(", torn tail of %d bytes (%s)", s.tearBytes, []string{"", "zeros", "partial frame"}[s.tear])
	}
	return fmt.Sprintf("%s, retain %d, checkpoint every %d, kill %s%s, writer seed %d",
		mode, s.retain, s.checkpoint, kill, tear, s.seed)
}

// newScenario draws the writer's side of a scenario: its mode, its seed,
// its retention limit (0 in a sixth of the runs; otherwise about retain,
// sometimes far lower, so that retention at Open removes several segments
// at once) and its index checkpoint interval; and the delay of a timer
// kill.
func newScenario(r *rand.Rand, maxDelay time.Duration, retain uint64) scenario {
	s := scenario{
		sync:       r.IntN(2) == 0,
		writers:    1 + r.IntN(4),
		flush:      1 + r.IntN(64),
		seed:       r.Uint64(),
		delay:      time.Duration(r.Int64N(int64(maxDelay) + 1)),
		checkpoint: 1 + r.IntN(200),
	}
	switch {
	case retain == 0 || r.IntN(6) == 0:
	case r.IntN(4) == 0:
		s.retain = 1 + r.Uint64N(retain/4+1)
	default:
		s.retain = retain/2 + r.Uint64N(retain+1)
	}
	return s
}

// runKills is the run command.
func runKills(ctx context.Context, c runConfig, stdout io.Writer) (*runSummary, error) {
	start := time.Now()
	fmt.Fprintf(stdout, "crashtest run: seed %d (replay: crashtest run --dir %s --kills %d --seed %d)\n", c.seed, c.dir, c.kills, c.seed)
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(c.seed, 0x6b696c6c))
	sum := &runSummary{points: make(map[string]*pointStats)}
	active := usablePoints(c.points) // points still chosen from
	timer := len(c.points) == 0 || slices.Contains(c.points, timerPoint)
	for _, p := range killPoints {
		sum.points[p.name] = &pointStats{}
	}
	sum.points[timerPoint] = &pointStats{}
	everFired := make(map[string]bool)
	sum.everFired = everFired

	var (
		store string
		acks  *ackLog
		af    *os.File
	)
	finishStore := func(remove bool) {
		if af != nil {
			af.Close()
		}
		if remove && !c.keep {
			os.RemoveAll(store)
			os.Remove(store + ".acks")
		}
		af = nil
	}
	stop := interrupts()
	defer signal.Stop(stop)
	for k := 0; k < c.kills; k++ {
		if interrupted(stop) {
			fmt.Fprintf(stdout, "interrupted after %d kills\n", k)
			break
		}
		if k%c.freshEvery == 0 {
			if af != nil {
				finishStore(true)
			}
			store = filepath.Join(c.dir, fmt.Sprintf("store-%04d", sum.stores))
			sum.stores++
			if err := os.RemoveAll(store); err != nil {
				return nil, err
			}
			os.Remove(store + ".acks")
			if af, err = os.Create(store + ".acks"); err != nil {
				return nil, err
			}
			acks = newAckLog()
		}
		s := newScenario(r, c.maxDelay, c.retain)
		if len(active) == 0 && !timer {
			fmt.Fprintf(stdout, "no kill point left to use after %d kills\n", k)
			break
		}
		if len(active) == 0 || timer && r.IntN(len(active)+1) == 0 {
			s.point = killPoint{name: timerPoint}
		} else {
			s.point = active[r.IntN(len(active))]
			s.after = s.point.pickAfter(r)
		}
		if strings.HasPrefix(s.point.name, "retention-") && s.retain == 0 {
			s.retain = c.retain/2 + 1 // a retention point needs retention
		}
		if s.point.tear || r.IntN(8) == 0 {
			s.tear = 1 + r.IntN(2)
			s.tearBytes = 1 + r.IntN(4096)
			if s.tear == 2 {
				s.tearBytes = 1 + r.IntN(59) // a commit frame is 60 bytes
			}
		}
		ps := sum.points[s.point.name]
		ps.kills++
		sum.kills++
		run := uint64(k + 1)

		if s.tear != 0 {
			if err := tearTail(store, s.tear, s.tearBytes); err != nil {
				return nil, fmt.Errorf("kill %d: tear the tail: %w", k, err)
			}
		}
		wait := c.wait
		if !everFired[s.point.name] {
			wait = min(wait, time.Second) // may never fire here: find out quickly
		}
		out, err := killWriter(ctx, c, exe, store, run, s, wait, af, acks)
		if err != nil {
			return nil, fmt.Errorf("kill %d (%v): %w", k, s, err)
		}
		for p := range out.hooks {
			everFired[p] = true
		}
		ps.acked += out.acks
		sum.acked += out.acks
		switch {
		case out.fired:
			ps.fired++
		case s.point.name != timerPoint:
			ps.fallback++
			if !everFired[s.point.name] && ps.fallback >= 3 {
				// Never seen to fire on this platform: stop choosing it.
				ps.notReached = true
				active = slices.DeleteFunc(active, func(p killPoint) bool { return p.name == s.point.name })
			}
		}
		var res *checkResult
		if out.exitErr != "" {
			res = &checkResult{}
			res.violate("%s", out.exitErr)
		} else {
			res, err = checkStore(ctx, store, acks, checkOptions{write: true, probeRun: run})
			if err != nil {
				return nil, fmt.Errorf("kill %d: check: %w", k, err)
			}
		}
		if res.probe != nil {
			acks.ack(res.probe.Seq, res.probe.Hash)
			fmt.Fprintf(af, "ack %d %s\n", res.probe.Seq, res.probe.Hash)
		}
		if res.torn {
			sum.torn++
		}
		if res.unfinished {
			sum.unfinished++
		}
		sum.records = res.records
		if c.verbose {
			fmt.Fprintf(stdout, "kill %d: %v: %d acked, %d records, torn=%v, violations %d\n",
				k, s, out.acks, res.records, res.torn, len(res.violations))
		}
		if len(res.violations) > 0 {
			ps.violations += len(res.violations)
			sum.violations += len(res.violations)
			printViolations(stdout, fmt.Sprintf("kill %d (%v)", k, s), res)
			fmt.Fprintf(stdout, "store kept in %s, acknowledgements in %s.acks; replay with --seed %d\n", store, store, c.seed)
			finishStore(false)
			break
		}
	}
	if af != nil {
		finishStore(sum.violations == 0)
	}
	sum.elapsed = time.Since(start)
	printSummary(stdout, c.seed, sum)
	return sum, nil
}

// writerOutcome is what one writer run produced.
type writerOutcome struct {
	acks    int             // ack lines read
	fired   bool            // the writer killed itself at its hook point
	hooks   map[string]bool // hook points the writer reported firing
	exitErr string          // the writer ended other than by SIGKILL
	// untrusted counts acknowledgements printed after a cut began (cut
	// only).
	untrusted int
}

// killWriter runs one writer for scenario s and makes sure it dies by
// SIGKILL, at its hook point or else after wait; every line it prints
// goes to af and into acks.
func killWriter(ctx context.Context, c runConfig, exe, store string, run uint64, s scenario, wait time.Duration, af io.Writer, acks *ackLog) (*writerOutcome, error) {
	args := []string{"writer", "--dir", store, "--seed", strconv.FormatUint(s.seed, 10),
		"--run", strconv.FormatUint(run, 10), "--segment-size", strconv.FormatInt(c.segmentSize, 10),
		"--record-size", strconv.Itoa(c.recordSize), "--checkpoint-records", strconv.Itoa(s.checkpoint),
		"--retain-records", strconv.FormatUint(s.retain, 10), "--report-hooks"}
	if s.sync {
		args = append(args, "--sync", "--writers", strconv.Itoa(s.writers))
	} else {
		args = append(args, "--flush-every", strconv.Itoa(s.flush))
	}
	if s.point.name != timerPoint {
		args = append(args, "--kill-at", s.point.name, "--kill-after", strconv.Itoa(s.after))
	}
	cmd := writerCommand(ctx, c.exec, exe, args)
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr capped
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out := &writerOutcome{hooks: make(map[string]bool)}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		br := bufio.NewReader(stdoutPipe)
		for {
			s, err := br.ReadString('\n')
			if err != nil {
				return // a partial last line is dropped
			}
			lines <- strings.TrimSuffix(s, "\n")
		}
	}()
	if s.point.name == timerPoint {
		wait = s.delay
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	var lineErr error
	killed := false
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			fmt.Fprintln(af, l)
			f := strings.Fields(l)
			switch {
			case len(f) == 2 && f[0] == "hook":
				out.hooks[f[1]] = true
				continue
			case len(f) > 0 && f[0] == "ack":
				out.acks++
			case len(f) > 0 && f[0] == "kill":
				out.fired = true
			}
			if err := acks.line(l); err != nil && lineErr == nil {
				lineErr = err
			}
		case <-deadline.C:
			if !killed {
				cmd.Process.Kill()
				killed = true
			}
		}
	}
	err = cmd.Wait()
	if lineErr != nil {
		return nil, fmt.Errorf("writer output: %w", lineErr)
	}
	if cmd.ProcessState.ExitCode() != -1 {
		out.exitErr = fmt.Sprintf("the writer was not killed but ended (%v): %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// writerCommand returns the command that runs this binary with args,
// through the wrapper command prefix if one is given.
func writerCommand(ctx context.Context, wrapper, exe string, args []string) *exec.Cmd {
	if w := strings.Fields(wrapper); len(w) > 0 {
		return exec.CommandContext(ctx, w[0], append(append(w[1:], exe), args...)...)
	}
	return exec.CommandContext(ctx, exe, args...)
}

// capped keeps the first 64 KiB written to it.
type capped struct {
	mu sync.Mutex
	b  []byte
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := 64<<10 - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.b)
}

// tearTail appends a torn tail to the newest segment of the store in dir,
// as a power cut in the middle of a batch write can leave it: zeros (kind
// 1) or the last n bytes of the file again, a fragment of its last commit
// frame (kind 2; zeros when the segment holds no batch). Recovery must cut
// it and nothing else. A store that does not exist yet is created first.
func tearTail(dir string, kind, n int) error {
	names, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		return err
	}
	if len(names) == 0 {
		e, err := llog.Open(dir, nil)
		if err != nil {
			return err
		}
		if err := e.Close(); err != nil {
			return err
		}
		if names, err = filepath.Glob(filepath.Join(dir, "*.seg")); err != nil || len(names) == 0 {
			return fmt.Errorf("no segment in a new store: %v", err)
		}
	}
	slices.Sort(names)
	f, err := os.OpenFile(names[len(names)-1], os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	tail := make([]byte, n)
	if kind == 2 && fi.Size() >= 64+60 {
		if _, err := f.ReadAt(tail, fi.Size()-int64(n)); err != nil {
			return err
		}
	}
	if _, err := f.WriteAt(tail, fi.Size()); err != nil {
		return err
	}
	return f.Sync()
}

// printSummary prints the table of a run.
func printSummary(w io.Writer, seed uint64, s *runSummary) {
	fmt.Fprintf(w, "\n%-32s %6s %6s %8s %9s %10s\n", "kill point", "kills", "fired", "fallback", "acked", "violations")
	names := []string{timerPoint}
	for _, p := range killPoints {
		names = append(names, p.name)
	}
	for _, name := range names {
		ps := s.points[name]
		p, _ := lookupPoint(name)
		switch {
		case p.needs != "":
			fmt.Fprintf(w, "%-32s skipped: needs %s\n", name, p.needs)
			continue
		case p.bug != "" && ps.kills == 0:
			fmt.Fprintf(w, "%-32s skipped: known bug (name it with --points to reproduce)\n", name)
			continue
		case ps.notReached:
			fmt.Fprintf(w, "%-32s %6d %6d %8d %9d %10d  not reached on this platform\n", name, ps.kills, ps.fired, ps.fallback, ps.acked, ps.violations)
			continue
		}
		fired := strconv.Itoa(ps.fired)
		if name == timerPoint {
			fired = "-"
		}
		fmt.Fprintf(w, "%-32s %6d %6s %8d %9d %10d\n", name, ps.kills, fired, ps.fallback, ps.acked, ps.violations)
	}
	fmt.Fprintf(w, "%-32s %6d %6s %8s %9d %10d\n", "total", s.kills, "", "", s.acked, s.violations)
	fmt.Fprintf(w, "\nkills %d, stores %d, records in the last store %d, acknowledged %d, torn tails found %d, "+
		"creations cut short %d, violations %d, %v, seed %d\n",
		s.kills, s.stores, s.records, s.acked, s.torn, s.unfinished, s.violations, s.elapsed.Round(time.Millisecond), seed)
}
