package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/lowlightlog/llog"
)

// overloadJob configures an overload run: producers log as fast as they
// can for Duration, faster than the disk takes records.
type overloadJob struct {
	Policy     string        `json:"policy"`
	QueueBytes int           `json:"queue_bytes"`
	Producers  int           `json:"producers"`
	Duration   time.Duration `json:"duration_ns"`
}

// overloadResult is what an overload run measured.
type overloadResult struct {
	// QueueCapacity and QueueBytes are the configured bounds; MaxDepth
	// and MaxBytes the most the sampler saw queued.
	QueueCapacity int `json:"queue_capacity"`
	QueueBytes    int `json:"queue_bytes"`
	MaxDepth      int `json:"max_queue_depth"`
	MaxBytes      int `json:"max_queue_bytes"`
	// Calls counts Log calls; Accepted, Committed and Dropped come from
	// Stats at the end.
	Calls     uint64  `json:"log_calls"`
	Accepted  uint64  `json:"accepted"`
	Committed uint64  `json:"committed"`
	Dropped   uint64  `json:"dropped"`
	Seconds   float64 `json:"seconds"`
	// QuarterRSS is the highest RSS sampled in each quarter of the run:
	// flat when memory is bounded.
	QuarterRSS [4]int64 `json:"quarter_rss_bytes"`
	// MaxLiveHeap is the largest live heap (as of the last GC) sampled:
	// the memory actually held, which the GC lets the heap grow to about
	// twice before it collects (GOGC=100).
	MaxLiveHeap int64 `json:"max_live_heap_bytes"`
	// QuarterLive is the largest live heap sampled in each quarter.
	QuarterLive [4]int64 `json:"quarter_live_heap_bytes"`
	// MaxBatchBytes is the configured batch byte limit: two batches are in
	// flight besides the queue.
	MaxBatchBytes int `json:"max_batch_bytes"`
}

// parsePolicy maps a policy name to llog's OverflowPolicy.
func parsePolicy(s string) (llog.OverflowPolicy, error) {
	for _, p := range []llog.OverflowPolicy{llog.Block, llog.DropNewest, llog.DropOldest} {
		if p.String() == s {
			return p, nil
		}
	}
	return 0, fmt.Errorf("unknown overflow policy %q (want block, drop-newest or drop-oldest)", s)
}

// childOverload runs j.Overload: Producers goroutines call Log with
// records of j.Size bytes until Duration has passed, while a sampler
// records RSS and queue depth.
func childOverload(j *job) (*result, error) {
	o := j.Overload
	policy, err := parsePolicy(o.Policy)
	if err != nil {
		return nil, err
	}
	recs, err := pool(256, j.Size, "")
	if err != nil {
		return nil, err
	}
	infs := make([]llog.Inference, len(recs))
	for i := range recs {
		infs[i] = inference(&recs[i])
	}
	r := &result{job: *j, OverloadResult: &overloadResult{}}
	or := r.OverloadResult
	stop, err := settle(j.CPUProfile)
	if err != nil {
		return nil, err
	}
	defer stop()
	r.BaseRSS = procStatusBytes("VmRSS")
	w0 := procWriteBytes()

	e, err := llog.Open(filepath.Join(j.Dir, "llog"), &llog.Options{QueueBytes: o.QueueBytes, Overflow: policy})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	st := e.Stats()
	or.QueueCapacity, or.QueueBytes, or.MaxBatchBytes = st.QueueCapacity, st.QueueMaxBytes, llog.DefaultMaxBatchBytes

	start := time.Now()
	deadline := time.NewTimer(o.Duration)
	defer deadline.Stop()
	var calls atomic.Uint64
	var stopping atomic.Bool
	var wg sync.WaitGroup
	errc := make(chan error, o.Producers)
	for p := range o.Producers {
		wg.Go(func() {
			ctx := context.Background()
			for i := p; !stopping.Load(); i += o.Producers {
				err := e.Log(ctx, infs[i%len(infs)])
				calls.Add(1)
				if err != nil && !errors.Is(err, llog.ErrDropped) {
					errc <- err
					return
				}
			}
		})
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(20 * time.Millisecond)
	for running := true; running; {
		select {
		case <-deadline.C:
			running = false
		case now := <-tick.C:
			st := e.Stats()
			or.MaxDepth = max(or.MaxDepth, st.QueueDepth)
			or.MaxBytes = max(or.MaxBytes, st.QueueBytes)
			q := min(3, int(4*now.Sub(start)/o.Duration))
			or.QuarterRSS[q] = max(or.QuarterRSS[q], procStatusBytes("VmRSS"))
			metrics.Read(live)
			if live[0].Value.Kind() == metrics.KindUint64 {
				v := int64(live[0].Value.Uint64())
				or.MaxLiveHeap = max(or.MaxLiveHeap, v)
				or.QuarterLive[q] = max(or.QuarterLive[q], v)
			}
		}
	}
	if j.MemProfile != "" {
		if err := writeHeapProfile(j.MemProfile); err != nil {
			return nil, err
		}
	}
	stopping.Store(true)
	tick.Stop()
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	if err := e.Flush(context.Background()); err != nil {
		return nil, err
	}
	or.Seconds = time.Since(start).Seconds()
	st = e.Stats()
	if err := e.Close(); err != nil {
		return nil, err
	}
	or.Calls, or.Accepted, or.Committed, or.Dropped = calls.Load(), st.Accepted, st.Committed, st.Dropped.Total()
	r.PeakRSS = procStatusBytes("VmHWM")
	if w1 := procWriteBytes(); w0 >= 0 && w1 >= 0 {
		r.Written = w1 - w0
	} else {
		r.Written = -1
	}
	r.Records = int(st.Committed)
	r.Seconds = or.Seconds
	r.RecPerSec = float64(st.Committed) / or.Seconds
	return r, nil
}

// runOverload runs every queue bound with every policy and prints peak RSS
// against the bound.
func runOverload(ctx context.Context, c *config, base string, m machine, stdout, stderr io.Writer) error {
	var results []*result
	n := 0
	for _, qb := range c.queueBytes {
		for _, p := range c.policies {
			n++
			j := &job{Mode: modeOverload, System: sysLLog, Size: c.ovSize, Round: 1,
				Overload: &overloadJob{Policy: p, QueueBytes: qb, Producers: c.producers, Duration: c.duration}}
			if c.cpuprofile != "" {
				j.CPUProfile = absPath(fmt.Sprintf("%s.overload-%s-%s.pprof", c.cpuprofile, p, fmtSize(qb)))
			}
			if c.memprofile != "" {
				j.MemProfile = absPath(fmt.Sprintf("%s.overload-%s-%s.pprof", c.memprofile, p, fmtSize(qb)))
			}
			j.Dir = filepath.Join(base, fmt.Sprintf("overload-%d", n))
			if err := os.Mkdir(j.Dir, 0o700); err != nil {
				return err
			}
			syncAll()
			r, err := runChild(ctx, j)
			if rmErr := os.RemoveAll(j.Dir); err == nil {
				err = rmErr
			}
			if err != nil {
				return err
			}
			or := r.OverloadResult
			fmt.Fprintf(stderr, "[%d/%d] overload %s queue %s: peak RSS %s (base %s), max queued %s, committed %s rec/s, dropped %d\n",
				n, len(c.queueBytes)*len(c.policies), p, fmtBytes(int64(qb)), fmtBytes(r.PeakRSS), fmtBytes(r.BaseRSS),
				fmtBytes(int64(or.MaxBytes)), fmtInt(r.RecPerSec), or.Dropped)
			results = append(results, r)
		}
	}
	m.LoadEnd = loadAvg()
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Machine machine   `json:"machine"`
			Runs    []*result `json:"runs"`
		}{m, results})
	}
	fmt.Fprintf(stdout, "machine: %s\n", m)
	fmt.Fprintf(stdout, "overload: %d producers logging %s records as fast as they can for %v; llog default options (redaction on) but QueueBytes\n\n",
		c.producers, fmtSize(c.ovSize), c.duration)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "policy\tqueue bound\tmax queued\tLog calls/s\tcommitted/s\tdropped\tbase RSS\tpeak RSS\tpeak − base\t÷ QueueBytes\tRSS by quarter of the run\tlive heap by quarter\t")
	for _, r := range results {
		or := r.OverloadResult
		grow := r.PeakRSS - r.BaseRSS
		fmt.Fprintf(tw, "%s\t%d rec / %s\t%d rec / %s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t\n",
			r.Overload.Policy, or.QueueCapacity, fmtBytes(int64(or.QueueBytes)), or.MaxDepth, fmtBytes(int64(or.MaxBytes)),
			fmtInt(float64(or.Calls)/or.Seconds), fmtInt(r.RecPerSec), fmtInt(float64(or.Dropped)),
			fmtBytes(r.BaseRSS), fmtBytes(r.PeakRSS), fmtBytes(grow), ratio(float64(grow), float64(or.QueueBytes)),
			quarters(or.QuarterRSS), quarters(or.QuarterLive))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nlive heap: the queue, up to two batches in flight (each up to MaxBatchBytes, %s), pooled buffers and the generated records;\n"+
		"the Go GC lets the heap grow to about twice the live heap (GOGC=100) before it collects, and RSS follows the heap\n",
		fmtBytes(llog.DefaultMaxBatchBytes))
	return nil
}

// quarters formats four sizes in MiB.
func quarters(q [4]int64) string {
	return fmt.Sprintf("%.0f %.0f %.0f %.0f MiB", float64(q[0])/(1<<20), float64(q[1])/(1<<20), float64(q[2])/(1<<20), float64(q[3])/(1<<20))
}
