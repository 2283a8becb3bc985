package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/lowlightlog/llog/internal/gen"
)

// recordsFor returns the records per run for record size size: c.records,
// or about 64 MiB of payload (at most 131072 records) and at least 32 of
// the largest batches.
func recordsFor(c *config, size int) int {
	if c.records > 0 {
		return c.records
	}
	return max(min((64<<20)/size, 128<<10), 32*slices.Max(c.batches))
}

// syncSize is the record size of the one-record-per-fsync test: 1 KiB when
// it is among the sizes, else the first size.
func syncSize(c *config) int {
	if slices.Contains(c.sizes, 1024) {
		return 1024
	}
	return c.sizes[0]
}

// mixSize and mixBatch are the configuration the text mixes run in: 1 KiB
// records (or the first size) in batches of 512 (or the largest batch),
// that of the targets.
func mixSize(c *config) int {
	if slices.Contains(c.sizes, 1024) {
		return 1024
	}
	return c.sizes[0]
}

func mixBatch(c *config) int {
	if slices.Contains(c.batches, 512) {
		return 512
	}
	return slices.Max(c.batches)
}

// mixSystems are the systems the text mixes run: llog (and llog-caller)
// and the plain loop, whichever of them are selected.
func mixSystems(c *config) []string {
	var out []string
	for _, s := range c.systems {
		if s == sysLLog || s == sysLLogCaller || s == sysPlain {
			out = append(out, s)
		}
	}
	return out
}

// plan lists the runs in the order they happen: round by round, and within
// a round configuration by configuration, all systems one after another
// (starting with a different one each round), so that every system meets
// the same disk weather. The text mixes follow the configurations in each
// round.
func plan(c *config) []*job {
	var jobs []*job
	k := len(c.systems)
	ms := mixSystems(c)
	for r := range c.rounds {
		for _, size := range c.sizes {
			for _, batch := range c.batches {
				for i := range k {
					jobs = append(jobs, &job{Mode: modeIngest, System: c.systems[(i+r)%k], Size: size,
						Batch: batch, Records: recordsFor(c, size), Round: r + 1})
				}
			}
		}
		for _, mix := range c.mixes {
			for i := range ms {
				jobs = append(jobs, &job{Mode: modeIngest, System: ms[(i+r)%len(ms)], Size: mixSize(c),
					Batch: mixBatch(c), Records: recordsFor(c, mixSize(c)), Round: r + 1, Mix: mix})
			}
		}
		if c.syncRecords > 0 {
			for i := range k {
				jobs = append(jobs, &job{Mode: modeSync, System: c.systems[(i+r)%k], Size: syncSize(c),
					Batch: 1, Records: c.syncRecords, Round: r + 1})
			}
		}
	}
	return jobs
}

// runCompare runs the comparison and prints its report.
func runCompare(ctx context.Context, c *config, base string, m machine, stdout, stderr io.Writer) error {
	jobs := plan(c)
	var results []*result
	for i, j := range jobs {
		if c.cpuprofile != "" {
			j.CPUProfile = fmt.Sprintf("%s.%s-%d-b%d-r%d.pprof", c.cpuprofile, j.System, j.Size, j.Batch, j.Round)
			if j.Mix != "" {
				j.CPUProfile = fmt.Sprintf("%s.%s-%s-%d-b%d-r%d.pprof", c.cpuprofile, j.System, j.Mix, j.Size, j.Batch, j.Round)
			}
			if j.Mode == modeSync {
				j.CPUProfile = fmt.Sprintf("%s.sync-%s-%d-r%d.pprof", c.cpuprofile, j.System, j.Size, j.Round)
			}
			j.CPUProfile = absPath(j.CPUProfile)
		}
		j.Dir = filepath.Join(base, fmt.Sprintf("run-%d", i+1))
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
		results = append(results, r)
		fmt.Fprintf(stderr, "[%*d/%d] round %d %-6s %-6s %-14s %-5s %s\n", len(fmt.Sprint(len(jobs))), i+1, len(jobs),
			r.Round, fmtSize(r.Size), batchName(r), r.System, r.Mix, runLine(r))
	}
	m.LoadEnd = loadAvg()
	rep := buildReport(c, m, results)
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, c, rep)
	return nil
}

func batchName(r *result) string {
	if r.Mode == modeSync {
		return "sync"
	}
	return fmt.Sprintf("b%d", r.Batch)
}

// runLine is one run's numbers on one line.
func runLine(r *result) string {
	return fmt.Sprintf("%11s rec/s %8.1f MB/s  p50 %7s  p99 %7s  peak RSS %9s  written/B %s",
		fmtInt(r.RecPerSec), r.MBPerSec, fmtNs(float64(r.P50)), fmtNs(float64(r.P99)),
		fmtBytes(r.PeakRSS), fmtRatio(r.WrittenPerByte()))
}

// row summarizes one system in one configuration over the rounds.
type row struct {
	Mode        string `json:"mode"`
	Mix         string `json:"mix,omitempty"`
	System      string `json:"system"`
	Size        int    `json:"size"`
	Batch       int    `json:"batch"`
	Records     int    `json:"records"`
	Rounds      int    `json:"rounds"`
	RecPerSec   spread `json:"records_per_sec"`
	MBPerSec    spread `json:"mb_per_sec"`
	P50         spread `json:"p50_ns"`
	P99         spread `json:"p99_ns"`
	BaseRSS     spread `json:"base_rss_bytes"`
	PeakRSS     spread `json:"peak_rss_bytes"`
	Written     spread `json:"written_per_payload_byte"`
	Stored      spread `json:"stored_per_payload_byte"`
	RecPerBatch spread `json:"records_per_batch"`
	CPUPerRec   spread `json:"cpu_ns_per_record"`
	Busy        spread `json:"busy"`
}

// ratioRow compares two systems' records/s in one configuration: the
// median and range of the per-round ratios (runs of one round are next to
// each other in time), and the same for their CPU time per record.
type ratioRow struct {
	Size  int    `json:"size"`
	Batch int    `json:"batch"`
	Of    string `json:"of"`
	Over  string `json:"over"`
	Ratio spread `json:"ratio"`
	CPU   spread `json:"cpu_per_record_ratio"`
}

// ratioPairs are the ratios the report shows: llog against SQLite and the
// plain loop, and each llog with checkpoints against itself without.
var ratioPairs = append([][2]string{{sysLLog, sysSQLite}, {sysLLog, sysPlain}, {sysLLogPlain, sysSQLite}, {sysLLogPlain, sysPlain}},
	ckptPairs...)

// ckptTarget is the goal for checkpoints on ÷ off, records/s.
const ckptTarget = 0.95

// mixRatio is llog (or llog-caller, Of) ÷ plain records/s in one text
// mix: the median and range of the per-round ratios.
type mixRatio struct {
	Mix         string `json:"mix"`
	Of          string `json:"of"`
	Description string `json:"description"`
	Ratio       spread `json:"ratio"`
}

// target is one of the goals the benchmark checks.
type target struct {
	What  string  `json:"what"`
	Want  string  `json:"want"`
	Got   float64 `json:"got"`
	Met   bool    `json:"met"`
	Notes string  `json:"notes,omitempty"`
}

// report is everything the comparison prints.
type report struct {
	Machine machine    `json:"machine"`
	Rounds  int        `json:"rounds"`
	Rows    []row      `json:"rows"`
	Sync    []row      `json:"sync"`
	Ratios  []ratioRow `json:"ratios"`
	// MixRows and MixRatios are the runs of the text mixes.
	MixRows   []row      `json:"mix_rows,omitempty"`
	MixRatios []mixRatio `json:"mix_ratios,omitempty"`
	Targets   []target   `json:"targets"`
	Runs      []*result  `json:"runs"`
}

type key struct {
	mode, system, mix string
	size, batch       int
}

func keyOf(r *result) key { return key{r.Mode, r.System, r.Mix, r.Size, r.Batch} }

// modeRank orders the modes in the report: batched ingest first.
func modeRank(mode string) int {
	if mode == modeIngest {
		return 0
	}
	return 1
}

func buildReport(c *config, m machine, results []*result) *report {
	rep := &report{Machine: m, Rounds: c.rounds, Runs: results}
	groups := map[key][]*result{}
	var order []key
	for _, r := range results {
		k := keyOf(r)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	slices.SortStableFunc(order, func(a, b key) int {
		return cmp.Or(cmp.Compare(modeRank(a.mode), modeRank(b.mode)),
			cmp.Compare(slices.Index(c.mixes, a.mix), slices.Index(c.mixes, b.mix)), cmp.Compare(a.size, b.size),
			cmp.Compare(a.batch, b.batch), cmp.Compare(slices.Index(c.systems, a.system), slices.Index(c.systems, b.system)))
	})
	for _, k := range order {
		rs := groups[k]
		pick := func(f func(*result) float64) spread {
			v := make([]float64, len(rs))
			for i, r := range rs {
				v[i] = f(r)
			}
			return summarize(v)
		}
		w := row{Mode: k.mode, Mix: k.mix, System: k.system, Size: k.size, Batch: k.batch, Records: rs[0].Records, Rounds: len(rs),
			RecPerSec:   pick(func(r *result) float64 { return r.RecPerSec }),
			MBPerSec:    pick(func(r *result) float64 { return r.MBPerSec }),
			P50:         pick(func(r *result) float64 { return float64(r.P50) }),
			P99:         pick(func(r *result) float64 { return float64(r.P99) }),
			BaseRSS:     pick(func(r *result) float64 { return float64(r.BaseRSS) }),
			PeakRSS:     pick(func(r *result) float64 { return float64(r.PeakRSS) }),
			Written:     pick(func(r *result) float64 { return r.WrittenPerByte() }),
			Stored:      pick(func(r *result) float64 { return r.StoredPerByte() }),
			RecPerBatch: pick(func(r *result) float64 { return ratio(float64(r.Records), float64(r.Batches)) }),
			CPUPerRec:   pick(func(r *result) float64 { return r.CPUPerRecord() }),
			Busy:        pick(func(r *result) float64 { return r.Busy }),
		}
		switch {
		case k.mode == modeSync:
			rep.Sync = append(rep.Sync, w)
		case k.mix != "":
			rep.MixRows = append(rep.MixRows, w)
		default:
			rep.Rows = append(rep.Rows, w)
		}
	}
	// Per-round ratios of records/s and CPU time per record.
	perRound, perRoundCPU := map[key]map[int]float64{}, map[key]map[int]float64{}
	for _, r := range results {
		if r.Mode != modeIngest {
			continue
		}
		k := keyOf(r)
		if perRound[k] == nil {
			perRound[k], perRoundCPU[k] = map[int]float64{}, map[int]float64{}
		}
		perRound[k][r.Round] = r.RecPerSec
		if cpu := r.CPUPerRecord(); cpu > 0 {
			perRoundCPU[k][r.Round] = cpu
		}
	}
	roundRatios := func(a, b map[int]float64) []float64 {
		var v []float64
		for round, x := range a {
			if y, ok := b[round]; ok && y > 0 {
				v = append(v, x/y)
			}
		}
		return v
	}
	for _, size := range c.sizes {
		for _, batch := range c.batches {
			for _, p := range ratioPairs {
				of, over := key{modeIngest, p[0], "", size, batch}, key{modeIngest, p[1], "", size, batch}
				v := roundRatios(perRound[of], perRound[over])
				if len(v) > 0 {
					rep.Ratios = append(rep.Ratios, ratioRow{Size: size, Batch: batch, Of: p[0], Over: p[1], Ratio: summarize(v),
						CPU: summarize(roundRatios(perRoundCPU[of], perRoundCPU[over]))})
				}
			}
		}
	}
	for _, mix := range c.mixes {
		size, batch := mixSize(c), mixBatch(c)
		for _, of := range []string{sysLLog, sysLLogCaller} {
			v := roundRatios(perRound[key{modeIngest, of, mix, size, batch}], perRound[key{modeIngest, sysPlain, mix, size, batch}])
			if len(v) > 0 {
				m, _ := gen.MixNamed(mix)
				rep.MixRatios = append(rep.MixRatios, mixRatio{Mix: mix, Of: of, Description: m.Description, Ratio: summarize(v)})
			}
		}
	}
	rep.Targets = targets(rep)
	return rep
}

// mixTargets are the goals for llog ÷ plain records/s per text mix.
var mixTargets = map[string]float64{"none": 0.6, "email": 0.6, "dense": 0.45}

// targets checks the goals at 1 KiB records in batches of 512, for the
// systems that ran.
func targets(rep *report) []target {
	const size, batch = 1024, 512
	ratioRowOf := func(of, over string) (ratioRow, bool) {
		for _, r := range rep.Ratios {
			if r.Size == size && r.Batch == batch && r.Of == of && r.Over == over {
				return r, true
			}
		}
		return ratioRow{}, false
	}
	ratioOf := func(of, over string) (float64, bool) {
		r, ok := ratioRowOf(of, over)
		return r.Ratio.Median, ok
	}
	rowOf := func(sys string) (row, bool) {
		for _, r := range rep.Rows {
			if r.Size == size && r.Batch == batch && r.System == sys {
				return r, true
			}
		}
		return row{}, false
	}
	var ts []target
	for _, g := range []struct {
		of, over string
		want     float64
	}{{sysLLogPlain, sysPlain, 0.9}, {sysLLogPlain, sysSQLite, 3}, {sysLLog, sysPlain, 0.6}} {
		if got, ok := ratioOf(g.of, g.over); ok {
			ts = append(ts, target{What: fmt.Sprintf("%s ÷ %s, records/s", g.of, g.over),
				Want: fmt.Sprintf("≥ %g×", g.want), Got: got, Met: got >= g.want})
		}
	}
	for _, p := range ckptPairs {
		if r, ok := ratioRowOf(p[0], p[1]); ok {
			ts = append(ts, target{What: fmt.Sprintf("checkpoints on ÷ off (%s ÷ %s), records/s", p[0], p[1]),
				Want: fmt.Sprintf("≥ %g×", ckptTarget), Got: r.Ratio.Median, Met: r.Ratio.Median >= ckptTarget,
				Notes: fmt.Sprintf("range %.2f–%.2f; CPU/rec %.3f×, %.3f–%.3f", r.Ratio.Min, r.Ratio.Max, r.CPU.Median, r.CPU.Min, r.CPU.Max)})
		}
	}
	for _, m := range rep.MixRatios {
		want, ok := mixTargets[m.Mix]
		if !ok || m.Of != sysLLog {
			continue
		}
		ts = append(ts, target{What: fmt.Sprintf("llog ÷ plain, records/s, %s", m.Description),
			Want: fmt.Sprintf("≥ %g×", want), Got: m.Ratio.Median, Met: m.Ratio.Median >= want})
	}
	for _, sys := range []string{sysLLog, sysLLogPlain} {
		if r, ok := rowOf(sys); ok {
			t := target{What: sys + " bytes written per payload byte", Want: "≤ 1.3",
				Got: r.Written.Median, Met: r.Written.Median <= 1.3}
			if s, ok := rowOf(sysSQLite); ok {
				t.Notes = fmt.Sprintf("sqlite %.2f", s.Written.Median)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// printReport prints the report as tables.
func printReport(w io.Writer, c *config, rep *report) {
	fmt.Fprintf(w, "machine: %s\n", rep.Machine)
	fmt.Fprintf(w, "%d rounds, systems interleaved within each round; medians, records/s with min–max\n\n", rep.Rounds)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "size\tbatch\tsystem\trecords\trecords/s\t(min–max)\tMB/s\tenq p50\tenq p99\tbusy\tpeak RSS\twritten/B\tstored/B\trec/batch\tCPU/rec\t")
	for i, r := range rep.Rows {
		if i > 0 && (r.Size != rep.Rows[i-1].Size || r.Batch != rep.Rows[i-1].Batch) {
			fmt.Fprintln(tw, strings.Repeat("\t", 15))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t(%s–%s)\t%.1f\t%s\t%s\t%.0f%%\t%s\t%s\t%s\t%.0f\t%s\t\n",
			fmtSize(r.Size), r.Batch, r.System, r.Records, fmtInt(r.RecPerSec.Median),
			fmtInt(r.RecPerSec.Min), fmtInt(r.RecPerSec.Max), r.MBPerSec.Median,
			fmtNs(r.P50.Median), fmtNs(r.P99.Median), 100*r.Busy.Median, fmtBytes(int64(r.PeakRSS.Median)),
			fmtRatio(r.Written.Median), fmtRatio(r.Stored.Median), r.RecPerBatch.Median, fmtNs(r.CPUPerRec.Median))
	}
	tw.Flush()

	if len(rep.Ratios) > 0 {
		fmt.Fprintf(w, "\nrecords/s ratios: median of the per-round ratios (min–max)\n\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		var cols []string
		for _, r := range rep.Ratios {
			if col := r.Of + " ÷ " + r.Over; !slices.Contains(cols, col) {
				cols = append(cols, col)
			}
		}
		fmt.Fprintf(tw, "size\tbatch\t%s\t\n", strings.Join(cols, "\t"))
		for _, size := range c.sizes {
			for _, batch := range c.batches {
				cells := make([]string, len(cols))
				for i := range cells {
					cells[i] = "-"
				}
				for _, r := range rep.Ratios {
					if r.Size == size && r.Batch == batch {
						cells[slices.Index(cols, r.Of+" ÷ "+r.Over)] = fmt.Sprintf("%.2f× (%.2f–%.2f)", r.Ratio.Median, r.Ratio.Min, r.Ratio.Max)
					}
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t\n", fmtSize(size), batch, strings.Join(cells, "\t"))
			}
		}
		tw.Flush()
	}

	if len(rep.MixRows) > 0 {
		r0 := rep.MixRows[0]
		fmt.Fprintf(w, "\ntext mixes at %s records, batch %d: llog (redaction on) against the plain loop; records/s ratio: median of the per-round ratios (min–max)\n\n",
			fmtSize(r0.Size), r0.Batch)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "mix\tsystem\trecords/s\t(min–max)\tenq p50\tenq p99\tCPU/rec\tllog ÷ plain\t(min–max)\t")
		for _, r := range rep.MixRows {
			cell := "\t"
			for _, m := range rep.MixRatios {
				if m.Mix == r.Mix && r.System == m.Of {
					cell = fmt.Sprintf("%.2f×\t(%.2f–%.2f)", m.Ratio.Median, m.Ratio.Min, m.Ratio.Max)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t(%s–%s)\t%s\t%s\t%s\t%s\t\n", r.Mix, r.System, fmtInt(r.RecPerSec.Median),
				fmtInt(r.RecPerSec.Min), fmtInt(r.RecPerSec.Max), fmtNs(r.P50.Median), fmtNs(r.P99.Median),
				fmtNs(r.CPUPerRec.Median), cell)
		}
		tw.Flush()
		for _, m := range rep.MixRatios {
			if m.Of == sysLLog {
				fmt.Fprintf(w, "  %s: %s\n", m.Mix, m.Description)
			}
		}
	}

	if len(rep.Sync) > 0 {
		fmt.Fprintf(w, "\none record per fsync (%s records, %d per run): latency of LogSync, autocommit INSERT, frame+write+fdatasync\n\n",
			fmtSize(rep.Sync[0].Size), rep.Sync[0].Records)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "system\tp50\tp99\trecords/s\t(min–max)\twritten/B\t")
		for _, r := range rep.Sync {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t(%s–%s)\t%s\t\n", r.System, fmtNs(r.P50.Median), fmtNs(r.P99.Median),
				fmtInt(r.RecPerSec.Median), fmtInt(r.RecPerSec.Min), fmtInt(r.RecPerSec.Max), fmtRatio(r.Written.Median))
		}
		tw.Flush()
	}

	if len(rep.Targets) > 0 {
		fmt.Fprintf(w, "\ntargets at 1 KiB records, batch 512 (medians)\n\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, t := range rep.Targets {
			met := "MISSED"
			if t.Met {
				met = "met"
			}
			notes := ""
			if t.Notes != "" {
				notes = "(" + t.Notes + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%.3f\t%s\t%s\n", t.What, t.Want, t.Got, met, notes)
		}
		tw.Flush()
	}

	if c.verbose {
		fmt.Fprintf(w, "\nevery run, in the order run\n\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "round\tsize\tbatch\tsystem\tmix\trecords/s\tMB/s\tenq p50\tenq p99\tbusy\tbase RSS\tpeak RSS\twritten/B\tstored/B\tCPU/rec\tseconds\tload\t")
		for _, r := range rep.Runs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%.0f%%\t%s\t%s\t%s\t%s\t%s\t%.3f\t%.2f\t\n", r.Round, fmtSize(r.Size), batchName(r), r.System, cmp.Or(r.Mix, "default"),
				fmtInt(r.RecPerSec), r.MBPerSec, fmtNs(float64(r.P50)), fmtNs(float64(r.P99)), 100*r.Busy,
				fmtBytes(r.BaseRSS), fmtBytes(r.PeakRSS), fmtRatio(r.WrittenPerByte()), fmtRatio(r.StoredPerByte()),
				fmtNs(r.CPUPerRecord()), r.Seconds, r.Load)
		}
		tw.Flush()
	}
}
