package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

// childEnv is the environment variable through which a parent hands a job
// to the child process it starts; its value is a spec as JSON.
const childEnv = "LLOG_BENCH_JOB"

// Job modes.
const (
	modeIngest   = "ingest"   // n records, one fsync per batch
	modeSync     = "sync"     // n records, one fsync per record
	modeOverload = "overload" // producers faster than the disk, for a while
)

// job is one run of one system in a child process.
type job struct {
	Mode    string `json:"mode"`
	System  string `json:"system"`
	Size    int    `json:"size"`
	Batch   int    `json:"batch"`
	Records int    `json:"records"`
	Round   int    `json:"round"`
	// Mix names the generator's text mix (gen.Mixes); empty means the
	// default mix.
	Mix string `json:"mix,omitempty"`
	// Overload settings.
	Overload *overloadJob `json:"overload,omitempty"`

	// Dir is an empty folder for the run's files.
	Dir string `json:"-"`
	// CPUProfile, when set, is where the child writes a CPU profile of
	// the run; MemProfile where an overload run writes a heap profile
	// just before its producers stop.
	CPUProfile, MemProfile string `json:"-"`
}

// spec is a job as handed to a child, with the fields that results leave
// out.
type spec struct {
	Job        job    `json:"job"`
	Dir        string `json:"dir"`
	CPUProfile string `json:"cpuprofile,omitempty"`
	MemProfile string `json:"memprofile,omitempty"`
}

// result is what a child reports about its job.
type result struct {
	job
	Payload   int64   `json:"payload_bytes"` // prompt + response bytes ingested
	Seconds   float64 `json:"seconds"`
	RecPerSec float64 `json:"records_per_sec"`
	MBPerSec  float64 `json:"mb_per_sec"` // payload, 10^6 bytes
	// P50 and P99 are the latencies of the call that enqueues a record
	// (Log, LogSync, INSERT, frame and append), in nanoseconds.
	P50 int64 `json:"p50_ns"`
	P99 int64 `json:"p99_ns"`
	// Busy is the fraction of the run's time spent in those calls: near 1
	// when the producer's own work sets the pace, or when it waits in Log
	// for room in a full queue.
	Busy float64 `json:"busy"`
	// BaseRSS is the child's RSS before the system started (runtime and
	// generated records); PeakRSS its VmHWM at the end.
	BaseRSS int64 `json:"base_rss_bytes"`
	PeakRSS int64 `json:"peak_rss_bytes"`
	// Written is the write_bytes the run added to /proc/self/io, close
	// included; Stored is the size of the files left behind.
	Written int64  `json:"written_bytes"`
	Stored  int64  `json:"stored_bytes"`
	Batches uint64 `json:"batches"`
	// CPU is the user + system CPU time of the run (every goroutine), in
	// nanoseconds; Load the 1-minute load average when it started.
	CPU  int64   `json:"cpu_ns"`
	Load float64 `json:"load_avg"`
	// Overload results.
	OverloadResult *overloadResult `json:"overload_result,omitempty"`
}

// WrittenPerByte is the bytes written to the device per payload byte.
func (r *result) WrittenPerByte() float64 { return ratio(float64(r.Written), float64(r.Payload)) }

// CPUPerRecord is the CPU time per record in nanoseconds, or -1.
func (r *result) CPUPerRecord() float64 {
	if r.CPU < 0 || r.Records == 0 {
		return -1
	}
	return float64(r.CPU) / float64(r.Records)
}

// StoredPerByte is the bytes stored per payload byte.
func (r *result) StoredPerByte() float64 { return ratio(float64(r.Stored), float64(r.Payload)) }

func ratio(a, b float64) float64 {
	if a < 0 || b <= 0 {
		return 0
	}
	return a / b
}

// runChild runs j in a child process: this program again, told what to do
// through childEnv. The child's stderr is passed through.
func runChild(ctx context.Context, j *job) (*result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	sp, err := json.Marshal(spec{Job: *j, Dir: j.Dir, CPUProfile: j.CPUProfile, MemProfile: j.MemProfile})
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(sp))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: child: %w", j.Mode, j.System, err)
	}
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("%s %s: child answered %q: %w", j.Mode, j.System, out.String(), err)
	}
	r.job = *j
	return &r, nil
}

// childMain runs the job in childEnv, if there is one, writes its result as
// JSON to stdout and returns true; it returns false in the parent.
func childMain() bool {
	env, ok := os.LookupEnv(childEnv)
	if !ok {
		return false
	}
	var sp spec
	if err := json.Unmarshal([]byte(env), &sp); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(2)
	}
	j := &sp.Job
	j.Dir, j.CPUProfile, j.MemProfile = sp.Dir, sp.CPUProfile, sp.MemProfile
	r, err := child(j)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench child %s %s size %d batch %d: %v\n", j.Mode, j.System, j.Size, j.Batch, err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(1)
	}
	return true
}

// child runs j in this process and measures it.
func child(j *job) (*result, error) {
	if j.Mode == modeOverload {
		return childOverload(j)
	}
	recs, err := pool(j.Records, j.Size, j.Mix)
	if err != nil {
		return nil, err
	}
	r := &result{job: *j}
	for i := range j.Records {
		r.Payload += int64(payload(&recs[i%len(recs)]))
	}
	stop, err := settle(j.CPUProfile)
	if err != nil {
		return nil, err
	}
	r.BaseRSS = procStatusBytes("VmRSS")
	r.Load = loadAvg()
	w0, cpu0 := procWriteBytes(), cpuTime()

	m, err := ingest(j.System, j.Mode, j.Dir, recs, j.Records, j.Batch)
	stop()
	if err != nil {
		return nil, err
	}
	if cpu1 := cpuTime(); cpu0 >= 0 && cpu1 >= 0 {
		r.CPU = cpu1 - cpu0
	} else {
		r.CPU = -1
	}
	if w1 := procWriteBytes(); w0 >= 0 && w1 >= 0 {
		r.Written = w1 - w0
	} else {
		r.Written = -1
	}
	r.PeakRSS = procStatusBytes("VmHWM")
	r.Stored = dirSize(j.Dir)
	r.Seconds = m.elapsed.Seconds()
	r.RecPerSec = float64(j.Records) / r.Seconds
	r.MBPerSec = float64(r.Payload) / r.Seconds / 1e6
	var sum int64
	for _, l := range m.lat {
		sum += l
	}
	r.Busy = float64(sum) / float64(m.elapsed)
	r.P50, r.P99 = percentile(m.lat, 50), percentile(m.lat, 99)
	r.Batches = m.batches
	return r, nil
}

// settle prepares a measurement: it collects garbage, returns freed memory
// to the system, resets the peak RSS and starts the CPU profile, if any.
// The function returned stops the profile.
func settle(cpuprofile string) (stop func(), err error) {
	runtime.GC()
	debug.FreeOSMemory()
	if err := resetPeakRSS(); err != nil {
		return nil, fmt.Errorf("reset peak RSS: %w", err)
	}
	if cpuprofile == "" {
		return func() {}, nil
	}
	f, err := os.Create(cpuprofile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// dirSize returns the total size of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// writeHeapProfile writes a heap profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// absPath returns path made absolute, since the child may not run in the
// same folder; path itself if that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
