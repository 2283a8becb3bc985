package llog_test

// Tier 2 of the crash harness (see crashtest/README.md): simulated power
// loss. A kill -9 leaves the page cache intact and so cannot catch a missing
// fsync; these tests run the engine on vfs.MemFS, stop the filesystem after
// every single mutating operation of a small workload, and check the state a
// power cut would leave, in many seeded variants (unsynced writes kept or
// dropped, torn into sectors, zeroed or filled with garbage, unsynced
// directory operations kept or dropped). They also crash the recovery of
// such a state at every operation and recover a second time.
//
// LLOG_CRASHSIM_SEED=<n> replays a run; LLOG_CRASHSIM_LONG=1 widens it (a
// larger workload, more clones per crash point).

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
	"github.com/lowlightlog/llog/internal/hooks"
	"github.com/lowlightlog/llog/internal/vfs"
)

const simDir = "/data/store"

// simPlan is a deterministic workload: batches of records of chosen sizes,
// each batch committed with one fsync.
type simPlan struct {
	seed    uint64
	batches []int // records per batch
	sizes   []int // approximate size of record i (prompt plus response)
}

// newSimPlan returns the workload for seed. The short plan is four batches
// over at least two segment rotations (SegmentSize 4096, records of about
// 1.3 KB, so each record spans several 512-byte sectors); the long plan has
// ten batches of random shapes.
func newSimPlan(seed uint64, long bool) simPlan {
	r := rand.New(rand.NewPCG(seed, 1))
	p := simPlan{seed: seed}
	if !long {
		p.batches = []int{3, 1, 2, 3}
	} else {
		for range 10 {
			p.batches = append(p.batches, 1+r.IntN(4))
		}
	}
	n := 0
	for _, b := range p.batches {
		n += b
	}
	for range n + 64 { // room for the records written after recovery
		if long {
			p.sizes = append(p.sizes, 100+r.IntN(2400))
		} else {
			p.sizes = append(p.sizes, 1200+r.IntN(300))
		}
	}
	return p
}

// record returns the i-th record of the plan (seq i+1), always the same
// for a given plan. Its TraceID names it, so a record found in the wrong
// place is recognised.
func (p simPlan) record(i int) llog.Inference {
	s := gen.New(p.seed + uint64(i)*0x9e3779b97f4a7c15).Next(p.sizes[i%len(p.sizes)])
	return llog.Inference{
		Time:           time.Unix(1_700_000_000+int64(i), int64(i)).UTC(),
		Model:          s.Model,
		Provider:       s.Provider,
		Operation:      s.Operation,
		Prompt:         s.Prompt,
		Response:       s.Response,
		Latency:        s.Latency,
		TokensIn:       s.TokensIn + 1,
		TokensOut:      s.TokensOut + 1,
		Error:          s.Error,
		TraceID:        fmt.Sprintf("sim-%d-record-%d", p.seed, i),
		ConversationID: s.ConversationID,
	}
}

// simOptions are the engine options of every simulated run. The batch
// delay is long so that a batch is committed only when its last record is
// logged with LogSync: the batches, and so the operations, are the same in
// every run.
func simOptions(fsys vfs.FS, onEvent func(llog.Event)) *llog.Options {
	return llog.WithFS(&llog.Options{
		DisableRedaction: true,
		SegmentSize:      4096,
		MaxBatchDelay:    time.Hour,
		MaxBatchRecords:  1000,
		OnEvent:          onEvent,
	}, fsys)
}

// simAcks is what the workload was told is durable: every receipt a
// LogSync returned. A receipt also covers the records logged before it.
type simAcks struct {
	receipts []llog.Receipt
	// ops is the number of filesystem operations done when the last
	// receipt came (when the filesystem counts them).
	ops int
}

func (a *simAcks) top() uint64 {
	if len(a.receipts) == 0 {
		return 0
	}
	return a.receipts[len(a.receipts)-1].Seq
}

// runSimPlan opens the store on fsys and commits the plan's batches: Log
// for all but the last record of a batch, LogSync for the last, which
// makes the engine commit the batch. It stops at the first error (the
// simulated crash) and closes the engine. ok is true when every batch was
// acknowledged and Close returned nil.
func runSimPlan(fsys vfs.FS, p simPlan, acks *simAcks) (ok bool) {
	e, err := llog.Open(simDir, simOptions(fsys, nil))
	if err != nil {
		return false
	}
	i := 0
	failed := false
batches:
	for _, n := range p.batches {
		for j := range n {
			rec := p.record(i)
			i++
			if j < n-1 {
				if err := e.Log(ctx, rec); err != nil {
					failed = true
					break batches
				}
				continue
			}
			r, err := e.LogSync(ctx, rec)
			if err != nil {
				failed = true
				break batches
			}
			acks.receipts = append(acks.receipts, r)
			if c, ok := fsys.(interface{ Ops() int }); ok {
				acks.ops = c.Ops()
			}
		}
	}
	if err := e.Close(); err != nil {
		failed = true
	}
	return !failed
}

// simStats counts what a simulation did and the violations it found.
type simStats struct {
	mu                                sync.Mutex
	crashPoints, clones               int
	recoveryPoints, recoveryClones    int
	tornStates, emptyStores, noStores int
	violations                        int
}

// simChecker checks crash states against a plan and reports violations.
type simChecker struct {
	t     *testing.T
	plan  simPlan
	stats *simStats
	seed  uint64
}

func (c *simChecker) violate(where string, format string, args ...any) {
	c.stats.mu.Lock()
	c.stats.violations++
	n := c.stats.violations
	c.stats.mu.Unlock()
	if n <= 20 {
		c.t.Errorf("VIOLATION (seed %d) %s: %s", c.seed, where, fmt.Sprintf(format, args...))
	}
}

// sameRecord reports how stored record r differs from the inference the
// plan wrote at its sequence number, or "" when it does not.
func (c *simChecker) sameRecord(r *llog.Record) string {
	if r.Seq == 0 {
		return "sequence number 0"
	}
	want := c.plan.record(int(r.Seq - 1))
	got := r.Inference
	switch {
	case !got.Time.Equal(want.Time):
		return fmt.Sprintf("time %v, want %v", got.Time, want.Time)
	case got.TraceID != want.TraceID:
		return fmt.Sprintf("trace id %q, want %q", got.TraceID, want.TraceID)
	case got.Model != want.Model || got.Provider != want.Provider || got.Operation != want.Operation:
		return "model, provider or operation differ"
	case got.Prompt != want.Prompt || got.Response != want.Response:
		return "prompt or response differ"
	case got.Latency != want.Latency || got.TokensIn != want.TokensIn || got.TokensOut != want.TokensOut:
		return "latency or token counts differ"
	case got.Error != want.Error || got.ConversationID != want.ConversationID:
		return "error or conversation id differ"
	}
	return ""
}

// checkState checks the store a crash left on fsys: every acknowledged
// record present with its digest, the records a gap-free prefix of the plan
// with the plan's contents, the store verifying (a torn tail aside). Then
// it opens the store (recovery), checks that recovery kept every record and
// reported the torn tail it cut, writes one more record, closes, and
// verifies again. It returns the receipt of that record, which is
// acknowledged from then on.
func (c *simChecker) checkState(where string, fsys *vfs.MemFS, acks *simAcks) (llog.Receipt, bool) {
	recs, rep, err := llog.ReadAllFS(fsys, simDir)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, llog.ErrNotStore):
		// The crash came before the manifest was durable: there is no
		// store yet, which is right only if nothing was acknowledged.
		c.stats.mu.Lock()
		c.stats.noStores++
		c.stats.mu.Unlock()
		if acks.top() > 0 {
			c.violate(where, "no store after %d records were acknowledged: %v", acks.top(), err)
			return llog.Receipt{}, false
		}
		recs, rep = nil, nil
	default:
		c.violate(where, "verify: %v", err)
		return llog.Receipt{}, false
	}
	if rep != nil {
		c.checkRecords(where+" after the crash", recs, rep, acks, true)
	}

	var mu sync.Mutex
	var torn []llog.Event
	e, err := llog.Open(simDir, simOptions(fsys, func(ev llog.Event) {
		if ev.Kind == llog.EventTornTail {
			mu.Lock()
			torn = append(torn, ev)
			mu.Unlock()
		}
	}))
	if err != nil {
		c.violate(where, "open after the crash: %v\n%v", err, fsys)
		return llog.Receipt{}, false
	}
	after, rep2, err := llog.ReadAllFS(fsys, simDir)
	if err != nil || !rep2.OK || rep2.TornTail != nil {
		c.violate(where, "verify after recovery: %v %+v", err, rep2)
	} else if len(after) != len(recs) || (len(recs) > 0 && after[len(after)-1].Hash != recs[len(recs)-1].Hash) {
		c.violate(where, "recovery changed the committed records: %d before, %d after", len(recs), len(after))
	}
	mu.Lock()
	switch {
	case rep != nil && rep.TornTail != nil:
		c.stats.mu.Lock()
		c.stats.tornStates++
		c.stats.mu.Unlock()
		if len(torn) != 1 || torn[0].Offset != rep.TornTail.Offset || torn[0].Bytes != rep.TornTail.Bytes || torn[0].Segment != rep.TornTail.Segment {
			c.violate(where, "torn tail %+v: recovery reported %+v", *rep.TornTail, torn)
		}
	case len(torn) != 0:
		c.violate(where, "recovery reported a torn tail verification did not see: %+v", torn)
	}
	mu.Unlock()

	n := len(recs)
	r, err := e.LogSync(ctx, c.plan.record(n))
	if err != nil {
		c.violate(where, "write after recovery: %v", err)
		e.Close()
		return llog.Receipt{}, false
	}
	if err := e.Close(); err != nil {
		c.violate(where, "close after recovery: %v", err)
	}
	if r.Seq != uint64(n)+1 {
		c.violate(where, "record written after recovery took seq %d, want %d", r.Seq, n+1)
	}
	final, rep3, err := llog.ReadAllFS(fsys, simDir)
	if err != nil {
		c.violate(where, "verify after writing: %v", err)
		return r, false
	}
	next := &simAcks{receipts: append(append([]llog.Receipt(nil), acks.receipts...), r)}
	c.checkRecords(where+" after recovery and one write", final, rep3, next, false)
	if rep3.TornTail != nil {
		c.violate(where, "torn tail after a clean close: %+v", rep3.TornTail)
	}
	return r, true
}

// checkRecords checks verified records against the acknowledgements and the
// plan. crashed allows the report of a store whose creation was cut short
// after its manifest (no segment yet).
func (c *simChecker) checkRecords(where string, recs []llog.Record, rep *llog.VerifyReport, acks *simAcks, crashed bool) {
	if !rep.OK {
		if crashed && rep.BreakCount == 1 && rep.Segments == 0 && acks.top() == 0 {
			c.stats.mu.Lock()
			c.stats.emptyStores++
			c.stats.mu.Unlock()
			return
		}
		c.violate(where, "store does not verify: %v", rep.Breaks)
		return
	}
	if uint64(len(recs)) != rep.Records {
		c.violate(where, "%d records verify of %d read", len(recs), rep.Records)
	}
	for i := range recs {
		if recs[i].Seq != uint64(i)+1 {
			c.violate(where, "record %d has seq %d: the committed records are not a gap-free prefix", i, recs[i].Seq)
			return
		}
		if d := c.sameRecord(&recs[i]); d != "" {
			c.violate(where, "record %d is not the one written: %s", recs[i].Seq, d)
		}
	}
	if top := acks.top(); top > uint64(len(recs)) {
		c.violate(where, "acknowledged records up to seq %d, only %d present", top, len(recs))
	}
	for _, a := range acks.receipts {
		if a.Seq <= uint64(len(recs)) && recs[a.Seq-1].Hash != a.Hash {
			c.violate(where, "acknowledged record %d has digest %v, acknowledged %v", a.Seq, recs[a.Seq-1].Hash, a.Hash)
		}
	}
}

// simCloneOptions returns the crash clones to take at one crash point:
// only synced state, then every way of keeping unsynced writes (none, an
// arbitrary subset, a prefix, a prefix whose last write is torn into
// sectors, zeroed or filled with garbage), each with and without the
// unsynced directory operations, perSeed times with different seeds.
func simCloneOptions(r *rand.Rand, perSeed int) []vfs.CrashOptions {
	opts := []vfs.CrashOptions{{}}
	for range perSeed {
		for _, dirOps := range []bool{false, true} {
			for _, o := range []vfs.CrashOptions{
				{},
				{KeepUnsynced: true},
				{KeepUnsynced: true, KeepPrefix: true},
				{KeepUnsynced: true, KeepPrefix: true, Tear: vfs.TearSectors},
				{KeepUnsynced: true, KeepPrefix: true, Tear: vfs.TearZero},
				{KeepUnsynced: true, KeepPrefix: true, Tear: vfs.TearGarbage},
				{KeepUnsynced: true, Tear: vfs.TearGarbage},
			} {
				if !dirOps && o == (vfs.CrashOptions{}) {
					continue // the first entry
				}
				o.KeepUnsyncedDirOps = dirOps
				o.Seed = r.Int64()
				opts = append(opts, o)
			}
		}
	}
	return opts
}

func simDescribe(o vfs.CrashOptions) string {
	var parts []string
	if o.KeepUnsynced {
		parts = append(parts, "keep-unsynced")
	}
	if o.KeepPrefix {
		parts = append(parts, "prefix")
	}
	if o.Tear != vfs.TearNone {
		parts = append(parts, o.Tear.String())
	}
	if o.KeepUnsyncedDirOps {
		parts = append(parts, "dir-ops")
	}
	if len(parts) == 0 {
		return "synced-only"
	}
	return strings.Join(parts, "+") + fmt.Sprintf(" seed=%d", o.Seed)
}

// simSeed returns the seed of a run: LLOG_CRASHSIM_SEED, or a new one.
func simSeed(t *testing.T) uint64 { return envSeed(t, "LLOG_CRASHSIM_SEED") }

// envSeed returns the seed of a randomized test: the environment variable
// name, or a new one, logged so that a failure can be replayed.
func envSeed(t *testing.T, name string) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(name); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", name, s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with %s=%d)", seed, name, seed)
	return seed
}

func simLong() bool { return os.Getenv("LLOG_CRASHSIM_LONG") == "1" }

// TestCrashSimPowerLoss enumerates every mutating filesystem operation of
// the workload (creating the store, four batches over two rotations,
// closing) as a crash point, takes seeded crash clones at each, and checks
// every clone: acknowledged records present with their digests, a gap-free
// prefix of the records written, verification OK, recovery that keeps every
// committed record and reports the torn tail it cuts, and a store that
// takes the next record.
func TestCrashSimPowerLoss(t *testing.T) {
	seed := simSeed(t)
	long := simLong()
	plan := newSimPlan(seed, long)
	stats := &simStats{}
	c := &simChecker{t: t, plan: plan, stats: stats, seed: seed}

	// A reference run without a crash fixes the number of operations and
	// proves the plan rotates segments.
	ref := vfs.NewMem()
	var refAcks simAcks
	if !runSimPlan(ref, plan, &refAcks) {
		t.Fatalf("reference run failed")
	}
	total := ref.Ops()
	if len(refAcks.receipts) != len(plan.batches) {
		t.Fatalf("reference run acknowledged %d of %d batches", len(refAcks.receipts), len(plan.batches))
	}
	segs, err := ref.ReadDir(simDir)
	if err != nil {
		t.Fatal(err)
	}
	nseg := 0
	for _, s := range segs {
		if strings.HasSuffix(s, ".seg") {
			nseg++
		}
	}
	if nseg < 3 {
		t.Fatalf("the plan should rotate at least twice; it left %d segments", nseg)
	}
	c.checkState("reference run", ref.CrashClone(vfs.CrashOptions{}), &refAcks)

	perSeed := 2
	if long {
		perSeed = 16
	}
	r := rand.New(rand.NewPCG(seed, 2))
	start := time.Now()
	for n := 0; n <= total; n++ {
		mem := vfs.NewMem()
		mem.CrashAfter(n)
		var acks simAcks
		runSimPlan(mem, plan, &acks)
		// Every batch is acknowledged exactly when the crash comes after
		// the fsync of the last batch (Close then writes a last checkpoint).
		if all := acks.top() == refAcks.top(); all != (n >= refAcks.ops) {
			c.violate(fmt.Sprintf("crash after op %d", n), "%d of %d batches acknowledged with %d of %d operations done",
				len(acks.receipts), len(plan.batches), n, total)
		}
		stats.crashPoints++
		for _, o := range simCloneOptions(r, perSeed) {
			stats.clones++
			clone := mem.CrashClone(o)
			c.checkState(fmt.Sprintf("crash after op %d of %d, clone %s", n, total, simDescribe(o)), clone, &acks)
		}
	}
	t.Logf("crash points %d (ops of the workload %d), clones %d, torn tails recovered %d, stores without segments %d, no store %d, violations %d, %v",
		stats.crashPoints, total, stats.clones, stats.tornStates, stats.emptyStores, stats.noStores, stats.violations, time.Since(start).Round(time.Millisecond))
}

// TestCrashSimDuringRecovery takes crash states that recovery has work to
// do on (a torn tail to cut, an interrupted segment creation to remove,
// unsynced data to sync), crashes the recovery itself after each of its
// operations (and after the first write that follows it), takes crash
// clones of that, and recovers a second time, checking the same invariants.
func TestCrashSimDuringRecovery(t *testing.T) {
	seed := simSeed(t)
	long := simLong()
	plan := newSimPlan(seed, long)
	stats := &simStats{}
	c := &simChecker{t: t, plan: plan, stats: stats, seed: seed}
	r := rand.New(rand.NewPCG(seed, 3))

	ref := vfs.NewMem()
	if !runSimPlan(ref, plan, &simAcks{}) {
		t.Fatalf("reference run failed")
	}
	total := ref.Ops()

	// Collect crash states with recovery work: torn tails, and leftover
	// temporary files of an interrupted rotation.
	type state struct {
		fs    *vfs.MemFS
		acks  simAcks
		where string
	}
	var states []state
	want := 12
	if long {
		want = 200
	}
	for n := 1; n <= total && len(states) < want; n++ {
		mem := vfs.NewMem()
		mem.CrashAfter(n)
		var acks simAcks
		runSimPlan(mem, plan, &acks)
		for _, o := range []vfs.CrashOptions{
			{KeepUnsynced: true, KeepPrefix: true, Tear: vfs.TearSectors, Seed: r.Int64()},
			{KeepUnsynced: true, KeepPrefix: true, Tear: vfs.TearGarbage, Seed: r.Int64()},
			{KeepUnsynced: true, KeepUnsyncedDirOps: true, Seed: r.Int64()},
		} {
			clone := mem.CrashClone(o)
			rep, err := llog.VerifyFS(clone, simDir)
			if err != nil {
				continue
			}
			names, _ := clone.ReadDir(simDir)
			tmp := false
			for _, name := range names {
				tmp = tmp || strings.HasSuffix(name, ".seg.tmp")
			}
			if rep.TornTail != nil || tmp {
				states = append(states, state{clone, acks, fmt.Sprintf("crash after op %d, clone %s", n, simDescribe(o))})
			}
		}
	}
	if len(states) == 0 {
		t.Fatalf("no crash state with recovery work found")
	}

	perPoint := 2
	if long {
		perPoint = 6
	}
	start := time.Now()
	for _, s := range states {
		// The operations of a recovery plus one write, counted on a copy.
		probe := s.fs.CrashClone(vfs.CrashOptions{})
		if _, ok := c.checkState(s.where+", uninterrupted recovery", probe, &s.acks); !ok {
			continue
		}
		rops := probe.Ops()
		for m := 0; m < rops; m++ {
			mem := s.fs.CrashClone(vfs.CrashOptions{})
			mem.CrashAfter(m)
			acks := simAcks{receipts: append([]llog.Receipt(nil), s.acks.receipts...)}
			if e, err := llog.Open(simDir, simOptions(mem, nil)); err == nil {
				n := uint64(0)
				if recs, _, err := llog.ReadAllFS(mem, simDir); err == nil {
					n = uint64(len(recs))
				}
				if rc, err := e.LogSync(ctx, plan.record(int(n))); err == nil {
					acks.receipts = append(acks.receipts, rc)
				}
				e.Close()
			}
			stats.recoveryPoints++
			opts := append([]vfs.CrashOptions{{}}, simCloneOptions(r, 1)...)
			r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
			for _, o := range opts[:perPoint] {
				stats.recoveryClones++
				clone := mem.CrashClone(o)
				c.checkState(fmt.Sprintf("%s; recovery crashed after op %d, clone %s", s.where, m, simDescribe(o)), clone, &acks)
			}
		}
	}
	t.Logf("states needing recovery %d, recovery crash points %d, clones %d (recovered twice), violations %d, %v",
		len(states), stats.recoveryPoints, stats.recoveryClones, stats.violations, time.Since(start).Round(time.Millisecond))
}

// TestCrashSimKillThenPowerLoss covers what neither a kill nor a power cut
// alone shows: the process dies after some operation (its unsynced writes
// and renames stay in the page cache), a new process recovers the store
// and acknowledges a batch, and then the power fails. Recovery must make
// what it found durable before it appends: a batch or a segment rename the
// dead process never synced must not vanish under records acknowledged
// after it.
func TestCrashSimKillThenPowerLoss(t *testing.T) {
	seed := simSeed(t)
	long := simLong()
	plan := newSimPlan(seed, long)
	stats := &simStats{}
	c := &simChecker{t: t, plan: plan, stats: stats, seed: seed}
	r := rand.New(rand.NewPCG(seed, 4))
	const mutating = vfs.OpCreate | vfs.OpWrite | vfs.OpSync | vfs.OpTruncate | vfs.OpRename |
		vfs.OpRemove | vfs.OpMkdir | vfs.OpSyncDir | vfs.OpLock
	errKilled := errors.New("process killed")

	counter := vfs.NewErrorFS(vfs.NewMem())
	if !runSimPlan(counter, plan, &simAcks{}) {
		t.Fatal("reference run failed")
	}
	total := counter.Count(mutating)
	perSeed := 1
	if long {
		perSeed = 8
	}
	kills := 0
	start := time.Now()
	for k := 0; k <= total; k++ {
		mem := vfs.NewMem()
		dead := vfs.NewErrorFS(mem)
		dead.Inject(vfs.Fault{Ops: mutating, After: k, Err: errKilled, Persistent: true})
		var acks simAcks
		runSimPlan(dead, plan, &acks) // the process dies at its (k+1)-th mutating call
		kills++

		// The next process: recover on the same page cache, log a batch of
		// two records, acknowledge it.
		e, err := llog.Open(simDir, simOptions(mem, nil))
		if err != nil {
			c.violate(fmt.Sprintf("killed after op %d", k), "open after the kill: %v", err)
			continue
		}
		recs, _, err := llog.ReadAllFS(mem, simDir)
		if err != nil {
			c.violate(fmt.Sprintf("killed after op %d", k), "read after recovery: %v", err)
		}
		n := len(recs)
		if err := e.Log(ctx, plan.record(n)); err != nil {
			c.violate(fmt.Sprintf("killed after op %d", k), "log after recovery: %v", err)
		}
		rc, err := e.LogSync(ctx, plan.record(n+1))
		if err != nil {
			c.violate(fmt.Sprintf("killed after op %d", k), "log after recovery: %v", err)
		} else {
			acks.receipts = append(acks.receipts, rc)
		}
		// The power fails before Close.
		opts := simCloneOptions(r, perSeed)
		for _, o := range opts {
			stats.clones++
			c.checkState(fmt.Sprintf("killed after op %d of %d, restarted, acknowledged seq %d, power cut, clone %s",
				k, total, rc.Seq, simDescribe(o)), mem.CrashClone(o), &acks)
		}
		e.Close()
	}
	t.Logf("kill points %d, power-cut clones after the restart %d, violations %d, %v",
		kills, stats.clones, stats.violations, time.Since(start).Round(time.Millisecond))
}

// The index and retention under simulated power loss. bbolt opens, maps and
// locks its file itself, so it cannot run on a MemFS: these runs use a
// vfs.SplitFS, which keeps index.db on the operating system and everything
// else (segments, the manifest, index.snap, the folder) in the MemFS, and
// whose crash clones keep index.db exactly as it was at the crash. So every
// step of retention that touches the MemFS (writing index.snap, unlinking
// segments, syncing the folder) is a crash point with the full crash model,
// and index.db is in whatever state its committed transactions left at that
// moment: before or after each checkpoint, each retention record, each
// "done" mark. What these runs do not model is bbolt's own commit torn by a
// power cut (bbolt's meta pages and fsyncs are bbolt's to get right, and the
// index is derived: a damaged index.db is rebuilt at Open).

// simRetentionOptions are the engine options of the retention runs:
// segments of about three records, retention keeping about six records,
// and a checkpoint every three records. bbolt's fsyncs are skipped: the
// SplitFS keeps every write to index.db in its clones anyway.
func simRetentionOptions(fsys vfs.FS) *llog.Options {
	return llog.WithIndexNoSync(llog.WithFS(&llog.Options{
		DisableRedaction:  true,
		SegmentSize:       4096,
		MaxBatchDelay:     time.Hour,
		MaxBatchRecords:   1000,
		CheckpointRecords: 3,
		Retention:         llog.Retention{MaxRecords: 6},
	}, fsys))
}

// newSplit returns a SplitFS that keeps index.db on the operating system.
func newSplit(t *testing.T, mem *vfs.MemFS) *vfs.SplitFS {
	s, err := vfs.NewSplit(mem, t.TempDir(), func(base string) bool { return base == "index.db" })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runRetentionPlan runs the plan as a sequence of short runs, one batch each:
// Open (which finishes interrupted removals and applies retention), Log the
// batch and LogSync its last record, Close (a last checkpoint and
// retention). One batch per run keeps the order of filesystem operations
// the same in every run, so a crash point names the same operation each
// time. It stops at the first error.
func runRetentionPlan(fsys vfs.FS, p simPlan, acks *simAcks, onEvent func(llog.Event)) error {
	i := 0
	for _, n := range p.batches {
		opts := simRetentionOptions(fsys)
		opts.OnEvent = onEvent
		e, err := llog.Open(simDir, opts)
		if err != nil {
			return err
		}
		for j := range n {
			rec := p.record(i)
			i++
			if j < n-1 {
				err = e.Log(ctx, rec)
			} else {
				var r llog.Receipt
				if r, err = e.LogSync(ctx, rec); err == nil {
					acks.receipts = append(acks.receipts, r)
				}
			}
			if err != nil {
				break
			}
		}
		if cerr := e.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkRetentionState checks a crash state of a retention run: the store
// verifies (from the anchor of a recorded removal when older records are
// gone), every acknowledged record is either present with its digest or
// inside a recorded removal, the records are a gap-free run of the plan's;
// recovery keeps all of them but what an interrupted removal finishes
// removing, marks every removal done, and the store takes a record with
// the index healthy and consistent with the log.
func (c *simChecker) checkRetentionState(where string, fsys *vfs.SplitFS, acks *simAcks) {
	check := func(stage string, recs []llog.Record, rep *llog.VerifyReport, acks *simAcks) bool {
		if !rep.OK {
			if rep.BreakCount == 1 && rep.Segments == 0 && acks.top() == 0 {
				return true // the first Open stopped before its first segment
			}
			c.violate(where, "%s: store does not verify: %v", stage, rep.Breaks)
			return false
		}
		for i := range recs {
			if recs[i].Seq != rep.FirstSeq+uint64(i) {
				c.violate(where, "%s: record %d has seq %d: not gap-free from %d", stage, i, recs[i].Seq, rep.FirstSeq)
				return false
			}
			if d := c.sameRecord(&recs[i]); d != "" {
				c.violate(where, "%s: record %d is not the one written: %s", stage, recs[i].Seq, d)
			}
		}
		removed := func(seq uint64) bool {
			for _, r := range rep.Removed {
				if r.First <= seq && seq <= r.Last {
					return true
				}
			}
			return false
		}
		last := rep.FirstSeq + uint64(len(recs)) - 1
		if len(recs) == 0 {
			last = rep.FirstSeq - 1
		}
		for _, a := range acks.receipts {
			switch {
			case a.Seq > last:
				c.violate(where, "%s: acknowledged record %d lost (log ends at %d)", stage, a.Seq, last)
			case len(recs) > 0 && a.Seq >= rep.FirstSeq:
				if recs[a.Seq-rep.FirstSeq].Hash != a.Hash {
					c.violate(where, "%s: acknowledged record %d changed", stage, a.Seq)
				}
			case !removed(a.Seq):
				c.violate(where, "%s: acknowledged record %d is gone and no retention record covers it (removed %+v)", stage, a.Seq, rep.Removed)
			}
		}
		return true
	}

	recs, rep, err := llog.ReadAllFS(fsys, simDir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, llog.ErrNotStore):
		if acks.top() > 0 {
			c.violate(where, "no store after %d records were acknowledged: %v", acks.top(), err)
		}
		return
	case err != nil:
		c.violate(where, "verify: %v", err)
		return
	}
	if !check("after the crash", recs, rep, acks) {
		return
	}

	e, err := llog.Open(simDir, simRetentionOptions(fsys))
	if err != nil {
		c.violate(where, "open after the crash: %v", err)
		return
	}
	after, rep2, err := llog.ReadAllFS(fsys, simDir)
	if err != nil {
		c.violate(where, "verify after recovery: %v", err)
	} else if check("after recovery", after, rep2, acks) && len(after) > 0 && len(recs) > 0 &&
		(after[len(after)-1].Seq != recs[len(recs)-1].Seq || after[len(after)-1].Hash != recs[len(recs)-1].Hash) {
		c.violate(where, "recovery changed the newest record: %d before, %d after", recs[len(recs)-1].Seq, after[len(after)-1].Seq)
	}
	n := rep.LastSeq
	r, err := e.LogSync(ctx, c.plan.record(int(n)))
	if err != nil {
		c.violate(where, "write after recovery: %v", err)
		e.Close()
		return
	}
	if r.Seq != n+1 {
		c.violate(where, "record written after recovery took seq %d, want %d", r.Seq, n+1)
	}
	if st := e.Stats(); st.IndexErr != nil {
		c.violate(where, "index out of use after recovery: %v", st.IndexErr)
	}
	if got := collectQuiet(e.Query(ctx, llog.Filter{Reverse: true, Limit: 2})); len(got) == 0 || got[0].Seq != r.Seq {
		c.violate(where, "an indexed query does not see the newest record %d: %v", r.Seq, seqsOf(got))
	}
	if err := e.Close(); err != nil {
		c.violate(where, "close after recovery: %v", err)
	}
	final, rep3, err := llog.ReadAllFS(fsys, simDir)
	if err != nil {
		c.violate(where, "verify after writing: %v", err)
		return
	}
	next := &simAcks{receipts: append(append([]llog.Receipt(nil), acks.receipts...), r)}
	check("after recovery and one write", final, rep3, next)
	if !rep3.Index.Checked || rep3.Index.Problems != 0 || rep3.Index.Mark != r.Seq {
		c.violate(where, "index after recovery and one write: %+v", rep3.Index)
	}
	for _, rm := range rep3.Removed {
		if !rm.Done {
			c.violate(where, "removal %d..%d not done after recovery", rm.First, rm.Last)
		}
	}
}

// collectQuiet gathers a query's records, stopping at an error.
func collectQuiet(seq func(yield func(llog.Record, error) bool)) []llog.Record {
	var out []llog.Record
	for r, err := range seq {
		if err != nil {
			break
		}
		out = append(out, r)
	}
	return out
}

// TestCrashSimRetention runs retention and index checkpoints on a SplitFS
// (see above), cuts the power after every filesystem operation of the
// workload, and checks each crash clone: nothing acknowledged lost except
// what a retention record covers, the store verifying from the recorded
// anchor, and recovery finishing interrupted removals with the index
// healthy. It reports which retention and checkpoint steps the crash points
// fell after, and fails if one of them was never hit.
func TestCrashSimRetention(t *testing.T) {
	seed := simSeed(t)
	long := simLong()
	plan := newSimPlan(seed, false)
	plan.batches = []int{2, 3, 1, 3, 2, 3}
	stats := &simStats{}
	c := &simChecker{t: t, plan: plan, stats: stats, seed: seed}
	r := rand.New(rand.NewPCG(seed, 5))

	// The reference run: its operation count, and after which operation
	// each step of retention and each checkpoint came.
	ref := newSplit(t, vfs.NewMem())
	var mu sync.Mutex
	type step struct {
		ops   int
		point string
	}
	var steps []step
	hooks.Set(func(p string) {
		mu.Lock()
		steps = append(steps, step{ref.Mem().Ops(), p})
		mu.Unlock()
	})
	var refAcks simAcks
	runRetentionPlan(ref, plan, &refAcks, nil)
	hooks.Set(nil)
	total := ref.Mem().Ops()
	if len(refAcks.receipts) != len(plan.batches) {
		t.Fatalf("reference run acknowledged %d of %d batches", len(refAcks.receipts), len(plan.batches))
	}
	refRep, err := llog.VerifyFS(ref, simDir)
	if err != nil || !refRep.OK || len(refRep.Removed) < 2 {
		t.Fatalf("reference run: retention should have removed segments twice or more: %v %+v", err, refRep)
	}
	c.checkRetentionState("reference run", ref.CrashClone(vfs.CrashOptions{}), &refAcks)

	perPoint := 3
	if testing.Short() {
		perPoint = 2
	}
	if long {
		perPoint = 15
	}
	hit := map[string]int{}
	start := time.Now()
	for n := 0; n <= total; n++ {
		// The step the crash comes after: the last one fired at or before
		// operation n.
		last := "none"
		for _, s := range steps {
			if s.ops <= n {
				last = s.point
			}
		}
		hit[last]++
		mem := vfs.NewMem()
		split := newSplit(t, mem)
		mem.CrashAfter(n)
		var acks simAcks
		runRetentionPlan(split, plan, &acks, nil)
		stats.crashPoints++
		opts := append([]vfs.CrashOptions{{}}, simCloneOptions(r, 1)...)
		r.Shuffle(len(opts)-1, func(i, j int) { opts[i+1], opts[j+1] = opts[j+1], opts[i+1] })
		for _, o := range opts[:min(perPoint, len(opts))] {
			stats.clones++
			c.checkRetentionState(fmt.Sprintf("crash after op %d of %d (after %s), clone %s", n, total, last, simDescribe(o)),
				split.CrashClone(o), &acks)
		}
	}
	t.Logf("crash points %d, clones %d, crash points after each step %v, violations %d, %v",
		stats.crashPoints, stats.clones, hit, stats.violations, time.Since(start).Round(time.Millisecond))
	// RetentionAfterFrame comes right after the removal frame's fsync and
	// before the index records the removal on the operating system, with no
	// MemFS operation between: index.db is frozen at the next one (writing
	// index.snap), so the runs cannot cut between the two, and a crash
	// after the frame counts as after the record. TestKillDuringRetention
	// kills a writer there.
	for _, p := range []string{hooks.RetentionAfterRecord, hooks.RetentionAfterUnlink, hooks.RetentionAfterDirSync,
		hooks.IndexAfterCheckpoint} {
		if hit[p] == 0 {
			t.Errorf("no crash point fell after %s: the workload does not cover it", p)
		}
	}
}
