package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

// TestHistogram checks the documented accuracy: every quantile within
// 1/64 of the exact nearest-rank value.
func TestHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dist := range []struct {
		name string
		next func() uint64
	}{
		{"uniform ms", func() uint64 { return uint64(40e6 + rng.IntN(900e6)) }},
		{"lognormal", func() uint64 { return uint64(math.Exp(rng.NormFloat64()*2 + 18)) }},
		{"small", func() uint64 { return uint64(rng.IntN(100)) }},
		{"huge", func() uint64 { return rng.Uint64() }},
	} {
		var h histogram
		var vals []uint64
		for range 20000 {
			v := dist.next()
			h.add(v)
			vals = append(vals, v)
		}
		slices.Sort(vals)
		for _, q := range []float64{0.001, 0.5, 0.9, 0.95, 0.99, 0.999, 1} {
			exact := vals[int(math.Ceil(q*float64(len(vals))))-1]
			got := h.quantile(q)
			if d := math.Abs(float64(got) - float64(exact)); d > float64(exact)/64 {
				t.Errorf("%s: q%v = %d, exact %d (off by %.2f%%)", dist.name, q, got, exact, 100*d/float64(exact))
			}
		}
		if h.max != vals[len(vals)-1] || h.min != vals[0] {
			t.Errorf("%s: min/max %d/%d", dist.name, h.min, h.max)
		}
	}
	var empty histogram
	if empty.quantile(0.5) != 0 {
		t.Error("empty histogram")
	}
}

func TestBuckets(t *testing.T) {
	prev := -1
	for _, v := range []uint64{0, 1, 31, 32, 33, 63, 64, 65, 1000, 1 << 40, 1<<63 - 1, 1 << 63, math.MaxUint64} {
		b := bucket(v)
		lo, w := bounds(b)
		if b < prev || b >= histBuckets || v < lo || v-lo >= w {
			t.Errorf("value %d: bucket %d [%d, +%d)", v, b, lo, w)
		}
		prev = b
	}
}

func TestStats(t *testing.T) {
	dir := tamperStore(t) // 120 records, latency (i+1) ms, models in turn
	r := mustRun(t, exitOK, "stats", "--path", dir)
	recs := storeRecords(t, dir, llog.Filter{})
	var in, out int
	red := map[string]int{}
	for _, rec := range recs {
		in += rec.TokensIn
		out += rec.TokensOut
		for k, v := range rec.Redactions {
			red[k] += v
		}
	}
	for _, want := range []string{
		"store       " + dir + "\n",
		"records     120 (seq 1-120)\n",
		"time range  2026-01-01T00:00:00Z to 2026-01-01T01:59:00Z\n",
		"latency     p50 60.",
		"tokens      in " + groupDigits(uint64(in)) + ", out " + groupDigits(uint64(out)) + "\n",
		"drops       none",
		"chain       ok, head ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if len(red) > 0 && !strings.Contains(r.stdout, "redactions  "+formatCounts(red)+"\n") {
		t.Errorf("redactions: want %v:\n%s", red, r.stdout)
	}
	for _, m := range testModels {
		if !regexp.MustCompile(`\n` + m + ` +40  33\.3%  `).MatchString(r.stdout) {
			t.Errorf("no line for model %s:\n%s", m, r.stdout)
		}
	}
	// Latencies are 1..120 ms, one record a minute from midnight.
	for _, want := range []string{
		"\nlatency\n" +
			"  1ms-2ms      #                                          1\n" +
			"  2ms-5ms      ###                                        3\n" +
			"  5ms-10ms     ####                                       5\n" +
			"  10ms-20ms    ########                                  10\n" +
			"  20ms-50ms    ########################                  30\n" +
			"  50ms-100ms   ########################################  50\n" +
			"  100ms-200ms  #################                         21\n",
		"\nrecords per hour (UTC)\n" +
			"  2026-01-01 00:00  ########################################  60\n" +
			"  2026-01-01 01:00  ########################################  60\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks\n%s\n%s", want, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestStatsJSON(t *testing.T) {
	dir := tamperStore(t)
	r := mustRun(t, exitOK, "stats", "--path", dir, "--json")
	var s statsJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.Records != 120 || s.FirstSeq != 1 || s.LastSeq != 120 || s.Segments < 5 || s.Bytes == 0 ||
		!s.FirstTime.Equal(baseTime) || !s.LastTime.Equal(baseTime.Add(119*time.Minute)) ||
		s.Drops == nil || s.Drops.Total != 0 || !s.Chain.OK || len(s.Models) != 3 {
		t.Errorf("unexpected summary %+v", s)
	}
	// Latencies are 1..120 ms: nearest-rank p50 is 60ms, p95 114ms, p99 119ms.
	for _, c := range []struct{ got, want float64 }{{s.LatencyMS.P50, 60}, {s.LatencyMS.P95, 114}, {s.LatencyMS.P99, 119}, {s.LatencyMS.Max, 120}, {s.LatencyMS.Mean, 60.5}} {
		if math.Abs(c.got-c.want) > c.want/64 {
			t.Errorf("latency %v, want %v within 1/64", c.got, c.want)
		}
	}
	for _, m := range s.Models {
		if m.Records != 40 {
			t.Errorf("model %+v", m)
		}
	}
}

func TestStatsBroken(t *testing.T) {
	dir := tamperStore(t)
	seg, _ := tampers[0].do(t, dir)
	r := mustRun(t, exitIntegrity, "stats", "--path", dir)
	if !strings.Contains(r.stdout, "chain       BROKEN: the store does not verify") ||
		!strings.HasPrefix(r.stderr, "llog: stats: the store does not verify: ") || !strings.Contains(r.stderr, seg) {
		t.Errorf("%v", r)
	}
}

// TestStatsForPeople checks the text for people: digit grouping, an empty
// model shown as (none), columns aligned by display width for CJK names,
// latencies in seconds and minutes, and records per day past two days.
func TestStatsForPeople(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1500 {
		model := []string{"", "通义千问-7b", "phi-3-mini"}[i%3]
		lat := time.Duration(i%7+1) * 900 * time.Millisecond
		if i == 0 {
			lat = 100 * time.Second
		}
		if err := e.Log(t.Context(), llog.Inference{Model: model, Time: baseTime.Add(time.Duration(i) * 5 * time.Minute),
			Latency: lat, TokensIn: 1000, TokensOut: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, exitOK, "stats", "--path", dir)
	for _, want := range []string{
		"records     1,500 (seq 1-1,500)\n",
		"tokens      in 1,500,000, out 1,500\n",
		"max 1m40s)",
		"\nmodel        records  share   p50   p95   p99  tokens in  tokens out\n" +
			"(none)           500  33.3%  3.6s  6.2s  6.2s    500,000         500\n" +
			"phi-3-mini       500  33.3%  3.6s  6.2s  6.2s    500,000         500\n" +
			"通义千问-7b      500  33.3%  3.6s  6.2s  6.2s    500,000         500\n",
		"  50s-100s   " + strings.Repeat(" ", 40) + "    0\n  100s-200s  #" + strings.Repeat(" ", 39) + "    1\n",
		"\nrecords per day (UTC)\n  2026-01-01  ########################################  288\n",
		"  2026-01-06  #########                                  60\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks\n%s\n%s", want, r.stdout)
		}
	}
}

func TestFormatForPeople(t *testing.T) {
	for _, tc := range []struct {
		ns   uint64
		want string
	}{
		{850, "850ns"}, {12500, "12.5µs"}, {412300000, "412.3ms"}, {4500000000, "4.5s"}, {100e9, "1m40s"}, {7500e9, "2h05m"},
	} {
		if got := formatLatency(tc.ns); got != tc.want {
			t.Errorf("formatLatency(%d) = %q, want %q", tc.ns, got, tc.want)
		}
	}
	for n, want := range map[uint64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q", n, got)
		}
	}
	if w := displayWidth("通义千问-7b"); w != 11 {
		t.Errorf("display width %d", w)
	}
}
