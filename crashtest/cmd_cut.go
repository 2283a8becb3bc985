package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lowlightlog/llog/internal/hooks"
)

var cmdCut = &command{
	name:    "cut",
	summary: "cut a real ext4 filesystem mid-write (FS_IOC_SHUTDOWN), remount and check",
	usage: `cut [--cuts N] [--seed S] [--dir D | --device DEV --erase-device]

Makes an ext4 filesystem (data=ordered) on a loop device backed by an image
file in D (or on a whole block device such as a USB stick, which is erased),
mounts it, runs "crashtest writer" on a store in it, and cuts the filesystem
mid-write with the FS_IOC_SHUTDOWN ioctl and FSOP_GOING_FLAGS_NOLOGFLUSH:
the filesystem stops at once without flushing its journal, so everything
that was not fsynced is lost, as in a power cut (what xfstests' shutdown
tests do). Half the cuts come at a random moment, half at a seeded firing of
a hook point inside a commit or a segment rotation (the writer shuts the
filesystem down itself there). Then it unmounts, mounts again (the journal
is replayed) and checks the store as crashtest check does.

Unlike a real power cut, the device's own write cache is not lost: pull the
power of a board for that (README.md).

Needs Linux, root, mkfs.ext4, and /dev/loop-control and losetup (unless
--device); where any is missing it exits with status 3 and says why.`,
}

// cutConfig is the cut command's flags.
type cutConfig struct {
	cuts        int
	seed        uint64
	dir         string
	size        int64 // MiB
	device      string
	erase       bool
	freshEvery  int
	maxDelay    time.Duration
	wait        time.Duration
	segmentSize int64
	recordSize  int
	retain      uint64
	exec        string
	keep        bool
	verbose     bool
}

func init() {
	cmdCut.run = func(args []string, stdout, stderr io.Writer) error {
		var c cutConfig
		fs := flagSet(cmdCut, stderr)
		fs.IntVar(&c.cuts, "cuts", 5, "number of cuts")
		fs.Uint64Var(&c.seed, "seed", 0, "seed of the scenarios (0: from the clock)")
		fs.StringVar(&c.dir, "dir", "", "work folder for the image file and the mount point (default: a new temporary folder)")
		fs.Int64Var(&c.size, "size", 256, "size of the image file in MiB")
		fs.StringVar(&c.device, "device", "", "use this block device instead of a loop device (it is erased)")
		fs.BoolVar(&c.erase, "erase-device", false, "confirm that --device may be erased")
		fs.IntVar(&c.freshEvery, "fresh-every", 25, "start a new store after this many cuts")
		fs.DurationVar(&c.maxDelay, "max-delay", 500*time.Millisecond, "longest delay of a random cut after the writer opened the store")
		fs.DurationVar(&c.wait, "wait", 5*time.Second, "how long to wait for a hook cut before cutting anyway")
		fs.Int64Var(&c.segmentSize, "segment-size", 64<<10, "segment size of the writer")
		fs.IntVar(&c.recordSize, "record-size", 1024, "typical record size of the writer")
		fs.Uint64Var(&c.retain, "retain-records", 600, "typical retention limit of the writers in records (0: no retention)")
		fs.StringVar(&c.exec, "exec", os.Getenv("LLOG_CRASHTEST_EXEC"), "command prefix to run the writer with")
		fs.BoolVar(&c.keep, "keep", false, "leave the image file and the last store")
		fs.BoolVarP(&c.verbose, "verbose", "v", false, "print one line per cut")
		if err := parse(fs, args, stderr); err != nil {
			return err
		}
		if c.cuts < 1 || c.freshEvery < 1 || c.size < 32 {
			return usageErr(stderr, "cut: --cuts and --fresh-every must be at least 1, --size at least 32")
		}
		if c.device != "" && !c.erase {
			return usageErr(stderr, "cut: --device %s would be erased: add --erase-device", c.device)
		}
		if c.seed == 0 {
			c.seed = uint64(time.Now().UnixNano())
		}
		sum, err := runCuts(context.Background(), c, stdout)
		if err != nil {
			return err
		}
		if sum.violations > 0 {
			return errViolations
		}
		return nil
	}
}

// cutFS is a scratch filesystem that can be cut and remounted
// (cut_linux.go).
type cutFS interface {
	// Dir is the mount point.
	Dir() string
	// Shutdown cuts the filesystem: FS_IOC_SHUTDOWN without journal flush.
	Shutdown() error
	// Remount unmounts the filesystem and mounts it again.
	Remount() error
	// Close unmounts it and releases the device (and the image file unless
	// keep).
	Close(keep bool) error
}

// cutPoints are the hook points the writer cuts the filesystem at.
var cutPoints = []string{
	hooks.CommitBeforeWrite,
	hooks.CommitAfterSync,
	hooks.RotateAfterCreate,
	hooks.RotateAfterRename,
	hooks.RotateAfterDirSync,
	hooks.RecoverAfterTruncate,
	hooks.RetentionAfterRecord,
	hooks.RetentionAfterUnlink,
	hooks.RetentionAfterDirSync,
	hooks.IndexBeforeCheckpoint,
	hooks.IndexAfterCheckpoint,
}

// cutSummary is what runCuts did.
type cutSummary struct {
	cuts, hookCuts, violations, acked, torn int
	untrusted                               int // acknowledgements printed after the cut began
	perPoint                                map[string]int
	records                                 uint64
	elapsed                                 time.Duration
}

// runCuts is the cut command.
func runCuts(ctx context.Context, c cutConfig, stdout io.Writer) (*cutSummary, error) {
	start := time.Now()
	fmt.Fprintf(stdout, "crashtest cut: seed %d (replay: crashtest cut --cuts %d --seed %d)\n", c.seed, c.cuts, c.seed)
	sum := &cutSummary{perPoint: make(map[string]int)}
	if c.dir == "" {
		d, err := os.MkdirTemp("", "llog-cut-")
		if err != nil {
			return nil, err
		}
		c.dir = d
		defer func() {
			if !c.keep && sum.violations == 0 {
				os.RemoveAll(d)
			}
		}()
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	fsys, err := newCutFS(c)
	if err != nil {
		return nil, err
	}
	closed := false
	defer func() {
		if !closed {
			fsys.Close(c.keep)
		}
	}()
	r := rand.New(rand.NewPCG(c.seed, 0x637574))
	var (
		store string
		acks  *ackLog
		af    *os.File
	)
	defer func() {
		if af != nil {
			af.Close()
		}
	}()
	stop := interrupts()
	defer signal.Stop(stop)
	for i := 0; i < c.cuts; i++ {
		if interrupted(stop) {
			fmt.Fprintf(stdout, "interrupted after %d cuts\n", i)
			break
		}
		if i%c.freshEvery == 0 {
			if store != "" {
				os.RemoveAll(store)
			}
			store = filepath.Join(fsys.Dir(), fmt.Sprintf("store-%04d", i/c.freshEvery))
			acks = newAckLog()
			if af != nil {
				af.Close()
			}
			// The acknowledgements live outside the filesystem being cut.
			if af, err = os.Create(filepath.Join(c.dir, filepath.Base(store)+".acks")); err != nil {
				return nil, err
			}
		}
		s := newScenario(r, c.maxDelay, c.retain)
		s.point = killPoint{name: timerPoint}
		if r.IntN(2) == 0 {
			p, _ := lookupPoint(cutPoints[r.IntN(len(cutPoints))])
			if p.bug != "" {
				p, _ = lookupPoint(hooks.CommitAfterSync) // not by default: see killPoint.bug
			}
			s.point, s.after = p, p.pickAfter(r)
			if strings.HasPrefix(p.name, "retention-") && s.retain == 0 {
				s.retain = c.retain/2 + 1 // a retention point needs retention
			}
			if p.tear {
				s.tear, s.tearBytes = 1, 1+r.IntN(4096)
			}
		}
		if s.tear != 0 {
			if err := tearTail(store, s.tear, s.tearBytes); err != nil {
				return nil, err
			}
		}
		run := uint64(i + 1)
		out, err := cutWriter(ctx, c, exe, fsys, store, run, s, af, acks)
		if err != nil {
			return nil, fmt.Errorf("cut %d (%v): %w", i, s, err)
		}
		sum.cuts++
		if out.fired {
			sum.hookCuts++
			sum.perPoint[s.point.name]++
		} else {
			sum.perPoint[timerPoint]++
		}
		sum.acked += out.acks
		sum.untrusted += out.untrusted
		if err := fsys.Remount(); err != nil {
			return nil, fmt.Errorf("cut %d: remount: %w", i, err)
		}
		res := &checkResult{}
		if out.exitErr != "" {
			res.violate("%s", out.exitErr)
		} else if res, err = checkStore(ctx, store, acks, checkOptions{write: true, probeRun: run}); err != nil {
			return nil, fmt.Errorf("cut %d: check: %w", i, err)
		}
		if res.probe != nil {
			acks.ack(res.probe.Seq, res.probe.Hash)
			fmt.Fprintf(af, "ack %d %s\n", res.probe.Seq, res.probe.Hash)
		}
		if res.torn {
			sum.torn++
		}
		sum.records = res.records
		if c.verbose {
			fmt.Fprintf(stdout, "cut %d: %v: fired=%v, %d acked, %d records, torn=%v, violations %d\n",
				i, s, out.fired, out.acks, res.records, res.torn, len(res.violations))
		}
		if len(res.violations) > 0 {
			sum.violations += len(res.violations)
			printViolations(stdout, fmt.Sprintf("cut %d (%v)", i, s), res)
			fmt.Fprintf(stdout, "image and store kept in %s (store %s); replay with --seed %d\n", c.dir, filepath.Base(store), c.seed)
			break
		}
	}
	closed = true
	if err := fsys.Close(c.keep || sum.violations > 0); err != nil {
		return nil, err
	}
	sum.elapsed = time.Since(start)
	fmt.Fprintf(stdout, "\n%-32s %6s\n", "cut at", "cuts")
	fmt.Fprintf(stdout, "%-32s %6d\n", timerPoint, sum.perPoint[timerPoint])
	for _, p := range cutPoints {
		fmt.Fprintf(stdout, "%-32s %6d\n", p, sum.perPoint[p])
	}
	fmt.Fprintf(stdout, "\ncuts %d (%d at hook points), acknowledged %d (and %d after the cut began, not trusted), "+
		"records in the last store %d, torn tails found %d, violations %d, %v, seed %d\n",
		sum.cuts, sum.hookCuts, sum.acked, sum.untrusted, sum.records, sum.torn, sum.violations, sum.elapsed.Round(time.Millisecond), c.seed)
	return sum, nil
}

// cutWriter runs one writer on the scratch filesystem and cuts the
// filesystem under it: the writer does it at its hook point, or this
// process does after s.delay (or after c.wait when the hook never fires).
// The writer is then killed. Every line it printed goes into acks.
func cutWriter(ctx context.Context, c cutConfig, exe string, fsys cutFS, store string, run uint64, s scenario, af io.Writer, acks *ackLog) (*writerOutcome, error) {
	args := []string{"writer", "--dir", store, "--seed", strconv.FormatUint(s.seed, 10),
		"--run", strconv.FormatUint(run, 10), "--segment-size", strconv.FormatInt(c.segmentSize, 10),
		"--record-size", strconv.Itoa(c.recordSize), "--checkpoint-records", strconv.Itoa(s.checkpoint),
		"--retain-records", strconv.FormatUint(s.retain, 10)}
	if s.sync {
		args = append(args, "--sync", "--writers", strconv.Itoa(s.writers))
	} else {
		args = append(args, "--flush-every", strconv.Itoa(s.flush))
	}
	if s.point.name != timerPoint {
		args = append(args, "--kill-at", s.point.name, "--kill-after", strconv.Itoa(s.after), "--cut")
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
	out := &writerOutcome{}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		br := bufio.NewReader(stdoutPipe)
		for {
			s, err := br.ReadString('\n')
			if err != nil {
				return
			}
			lines <- strings.TrimSuffix(s, "\n")
		}
	}()
	// A timer cut counts from the open line; a hook cut waits c.wait, and
	// so does a writer that does not open the store.
	timer := time.After(c.wait)
	cut := false
	var lineErr, cutErr error
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			f := strings.Fields(l)
			if cut && len(f) > 0 && (f[0] == "ack" || f[0] == "checkpoint") {
				// Printed after the cut began: a sync that raced with the
				// shutdown can return success for data the shutdown then
				// drops (see README.md), and after a real power cut no
				// acknowledgement, and no checkpoint made durable by that
				// sync, could leave the machine.
				fmt.Fprintf(af, "# after the cut, not trusted: %s\n", l)
				if f[0] == "ack" {
					out.untrusted++
				}
				continue
			}
			fmt.Fprintln(af, l)
			switch {
			case len(f) > 0 && f[0] == "open" && s.point.name == timerPoint:
				timer = time.After(s.delay)
			case len(f) > 0 && f[0] == "ack":
				out.acks++
			case len(f) > 0 && f[0] == "cut":
				out.fired, cut = true, true
			}
			if err := acks.line(l); err != nil && lineErr == nil {
				lineErr = err
			}
		case <-timer:
			timer = nil
			if !cut {
				cut = true // before the ioctl: lines read from now on may come after it
				fmt.Fprintf(af, "# cut by crashtest cut\n")
				cutErr = fsys.Shutdown()
			}
			cmd.Process.Kill()
		}
	}
	err = cmd.Wait()
	if lineErr != nil {
		return nil, fmt.Errorf("writer output: %w", lineErr)
	}
	if cut && cutErr == nil {
		// Idempotent; makes sure the filesystem is down even if the
		// writer's own ioctl failed.
		cutErr = fsys.Shutdown()
	}
	if cutErr != nil {
		var skip *skipError
		if errors.As(cutErr, &skip) {
			return nil, cutErr
		}
		return nil, fmt.Errorf("shut the filesystem down: %w", cutErr)
	}
	if !cut {
		out.exitErr = fmt.Sprintf("the writer ended before the cut (%v): %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
