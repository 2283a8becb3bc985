package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

// maxModels is the most models stats counts one by one; records of further
// models are counted together under otherModels, so memory stays bounded.
const (
	maxModels   = 256
	otherModels = "(other models)"
)

var statsCmd = &command{
	name:    "stats",
	summary: "summarize a store: records, models, latency, tokens, redactions",
	usage: `usage: llog stats --path DIR [--json]

Stats reads the whole store, verifying the hash chain as it goes, and
summarizes the records that verify: how many, the bytes and segments they
take, their time range, counts per model, latency percentiles (p50, p95,
p99), tokens in and out, errors and redactions by category.

Counts are grouped by thousands (1,234,567), sizes in binary units (1.2
GiB), latencies in the unit that fits (412.3ms, 4.5s, 1m40s); a record
without a model is counted under (none). Below the table per model come two
pictures in plain text: a latency histogram (bins 1-2-5 per decade) and the
records per hour (per day when they span more than two days: the last 60).

Percentiles come from a fixed-size log-linear histogram, so memory does not
grow with the store: each is within 1.6% of the exact nearest-rank value.
The first 256 models are counted one by one, later ones together.

Drops (records a writer's overflow policy refused) come from the index, where
the writer records its counts at every checkpoint: while a writer runs they
are as of its last checkpoint; a store without an index has none to report.

Exit codes: 0 success, 1 the store does not verify (the summary is still
printed, for the records that verify), 2 usage error, 3 could not run.
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path string
		var asJSON bool
		fs.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		fs.BoolVar(&asJSON, "json", false, "print the summary as one JSON object")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()
			s := newSummary()
			rep, err := r.Scan(ctx, llog.Filter{}, func(rec *llog.Record) error {
				s.add(rec)
				return nil
			})
			if err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			if d, ok, err := r.Drops(); err == nil && ok {
				s.drops = &d
			}
			if asJSON {
				err = writeStatsJSON(e, path, s, rep)
			} else {
				err = writeStatsText(e, path, s, rep)
			}
			if err != nil {
				return err
			}
			if !rep.OK {
				return &integrityError{msg: breakSummary(rep) + "; run 'llog verify' for every break"}
			}
			return nil
		}
	},
}

// summary accumulates the statistics of records in constant memory.
type summary struct {
	drops                 *llog.Drops // from the index; nil when there is none
	records               uint64
	minTime, maxTime      time.Time
	latency               histogram
	tokensIn, tokensOut   uint64
	estIn, estOut, errors uint64
	redactions            map[string]uint64
	models                map[string]*modelSummary
	latencyBins           [latencyBins]uint64
	times                 timeCounts
}

type modelSummary struct {
	records             uint64
	tokensIn, tokensOut uint64
	latency             histogram
}

func newSummary() *summary {
	return &summary{redactions: map[string]uint64{}, models: map[string]*modelSummary{}}
}

func (s *summary) add(r *llog.Record) {
	if s.records == 0 || r.Time.Before(s.minTime) {
		s.minTime = r.Time
	}
	if s.records == 0 || r.Time.After(s.maxTime) {
		s.maxTime = r.Time
	}
	s.records++
	lat := uint64(max(r.Latency, 0))
	s.latency.add(lat)
	s.latencyBins[latencyBin(lat)]++
	s.times.add(r.Time)
	s.tokensIn += uint64(r.TokensIn)
	s.tokensOut += uint64(r.TokensOut)
	if r.TokensInEstimated {
		s.estIn++
	}
	if r.TokensOutEstimated {
		s.estOut++
	}
	if r.Error != "" {
		s.errors++
	}
	for k, v := range r.Redactions {
		s.redactions[k] += uint64(v)
	}
	m := s.models[r.Model]
	if m == nil {
		name := r.Model
		if len(s.models) >= maxModels {
			name = otherModels
			m = s.models[name]
		}
		if m == nil {
			m = &modelSummary{}
			s.models[name] = m
		}
	}
	m.records++
	m.tokensIn += uint64(r.TokensIn)
	m.tokensOut += uint64(r.TokensOut)
	m.latency.add(lat)
}

// modelOrder returns the model names, most records first.
func (s *summary) modelOrder() []string {
	counts := make(map[string]uint64, len(s.models))
	for k, m := range s.models {
		counts[k] = m.records
	}
	var names []string
	for _, c := range byCount(counts) {
		names = append(names, c.name)
	}
	return names
}

func writeStatsText(e *env, path string, s *summary, rep *llog.VerifyReport) error {
	var b strings.Builder
	var rows [][]string
	row := func(k, format string, args ...any) { rows = append(rows, []string{k, fmt.Sprintf(format, args...)}) }
	row("store", "%s", absPath(path))
	if rep.Records == 0 {
		row("records", "0")
	} else {
		row("records", "%s (seq %s-%s)", groupDigits(rep.Records), groupDigits(rep.FirstSeq), groupDigits(rep.LastSeq))
	}
	row("segments", "%s (%s)", groupDigits(uint64(rep.Segments)), formatBytes(rep.Bytes))
	if s.records > 0 {
		row("time range", "%s to %s", s.minTime.UTC().Format(time.RFC3339Nano), s.maxTime.UTC().Format(time.RFC3339Nano))
		h := &s.latency
		row("latency", "p50 %s, p95 %s, p99 %s (mean %s, max %s)",
			formatLatency(h.quantile(0.50)), formatLatency(h.quantile(0.95)), formatLatency(h.quantile(0.99)),
			formatLatency(uint64(h.mean())), formatLatency(h.max))
		row("tokens", "in %s, out %s%s", groupDigits(s.tokensIn), groupDigits(s.tokensOut), estimatedNote(s))
		row("errors", "%s ended with an error", pluralGrouped(s.errors, "record"))
	}
	if len(s.redactions) > 0 {
		row("redactions", "%s", formatCounts(s.redactions))
	} else {
		row("redactions", "none")
	}
	switch d := s.drops; {
	case d == nil:
		row("drops", "unknown: the store has no index to keep them")
	case d.Total() == 0:
		row("drops", "none")
	default:
		row("drops", "%s (queue full %s, evicted %s, caller gave up %s, writer failed %s)",
			groupDigits(d.Total()), groupDigits(d.Newest), groupDigits(d.Oldest), groupDigits(d.Canceled), groupDigits(d.Failed))
	}
	switch {
	case !rep.OK:
		row("chain", "BROKEN: %s", breakSummary(rep))
	case rep.TornTail != nil:
		row("chain", "ok, with a torn tail at %s offset %d (not a failure)", rep.TornTail.Segment, rep.TornTail.Offset)
	default:
		row("chain", "ok, head %s", rep.HeadHash)
	}
	table(&b, rows, []bool{true, true})
	if s.records > 0 {
		b.WriteString("\n")
		rows = [][]string{{"model", "records", "share", "p50", "p95", "p99", "tokens in", "tokens out"}}
		for _, name := range s.modelOrder() {
			m := s.models[name]
			label := name
			if label == "" {
				label = "(none)"
			}
			rows = append(rows, []string{label, groupDigits(m.records),
				fmt.Sprintf("%.1f%%", 100*float64(m.records)/float64(s.records)),
				formatLatency(m.latency.quantile(0.50)), formatLatency(m.latency.quantile(0.95)),
				formatLatency(m.latency.quantile(0.99)), groupDigits(m.tokensIn), groupDigits(m.tokensOut)})
		}
		table(&b, rows, []bool{true})

		b.WriteString("\nlatency\n")
		first, last := -1, 0
		for i, n := range s.latencyBins {
			if n > 0 {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		var labels []string
		for i := first; i <= last; i++ {
			labels = append(labels, latencyBinLabel(i))
		}
		bars(&b, labels, s.latencyBins[first:last+1])
		b.WriteString("\n")
		s.times.write(&b)
	}
	if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// pluralGrouped is plural with digit grouping: "1,234 records".
func pluralGrouped(n uint64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return groupDigits(n) + " " + word + "s"
}

func estimatedNote(s *summary) string {
	if s.estIn == 0 && s.estOut == 0 {
		return ""
	}
	return fmt.Sprintf(" (estimated as len/4 in %s and %s records)", groupDigits(s.estIn), groupDigits(s.estOut))
}

type latencyJSON struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

func latencyOf(h *histogram) latencyJSON {
	ms := func(ns uint64) float64 { return float64(ns) / 1e6 }
	return latencyJSON{P50: ms(h.quantile(0.5)), P95: ms(h.quantile(0.95)), P99: ms(h.quantile(0.99)),
		Mean: h.mean() / 1e6, Max: ms(h.max)}
}

type modelJSON struct {
	Model     string      `json:"model"`
	Records   uint64      `json:"records"`
	TokensIn  uint64      `json:"tokens_in"`
	TokensOut uint64      `json:"tokens_out"`
	LatencyMS latencyJSON `json:"latency_ms"`
}

type statsJSON struct {
	Store              string             `json:"store"`
	StoreID            string             `json:"store_id"`
	Records            uint64             `json:"records"`
	FirstSeq           uint64             `json:"first_seq"`
	LastSeq            uint64             `json:"last_seq"`
	Segments           int                `json:"segments"`
	Bytes              int64              `json:"bytes"`
	FirstTime          *time.Time         `json:"first_time"`
	LastTime           *time.Time         `json:"last_time"`
	LatencyMS          latencyJSON        `json:"latency_ms"`
	TokensIn           uint64             `json:"tokens_in"`
	TokensOut          uint64             `json:"tokens_out"`
	TokensInEstimated  uint64             `json:"tokens_in_estimated"`
	TokensOutEstimated uint64             `json:"tokens_out_estimated"`
	Errors             uint64             `json:"errors"`
	Redactions         map[string]uint64  `json:"redactions"`
	Drops              *dropsJSON         `json:"drops"`
	Models             []modelJSON        `json:"models"`
	Chain              *llog.VerifyReport `json:"chain"`
}

// dropsJSON is the drop counts of a store's writers.
type dropsJSON struct {
	Total    uint64 `json:"total"`
	Newest   uint64 `json:"queue_full"`
	Oldest   uint64 `json:"evicted"`
	Canceled uint64 `json:"canceled"`
	Failed   uint64 `json:"failed"`
}

func writeStatsJSON(e *env, path string, s *summary, rep *llog.VerifyReport) error {
	out := statsJSON{
		Store: absPath(path), StoreID: rep.StoreID, Records: rep.Records, FirstSeq: rep.FirstSeq,
		LastSeq: rep.LastSeq, Segments: rep.Segments, Bytes: rep.Bytes,
		LatencyMS: latencyOf(&s.latency), TokensIn: s.tokensIn, TokensOut: s.tokensOut,
		TokensInEstimated: s.estIn, TokensOutEstimated: s.estOut, Errors: s.errors,
		Redactions: s.redactions, Models: []modelJSON{}, Chain: rep,
	}
	if d := s.drops; d != nil {
		out.Drops = &dropsJSON{Total: d.Total(), Newest: d.Newest, Oldest: d.Oldest, Canceled: d.Canceled, Failed: d.Failed}
	}
	if s.records > 0 {
		lo, hi := s.minTime.UTC(), s.maxTime.UTC()
		out.FirstTime, out.LastTime = &lo, &hi
	}
	for _, name := range s.modelOrder() {
		m := s.models[name]
		out.Models = append(out.Models, modelJSON{Model: name, Records: m.records, TokensIn: m.tokensIn,
			TokensOut: m.tokensOut, LatencyMS: latencyOf(&m.latency)})
	}
	if rep.Breaks == nil {
		r := *rep
		r.Breaks = []llog.Break{}
		out.Chain = &r
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	if _, err := e.stdout.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}
