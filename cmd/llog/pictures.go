package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Text for people: units, digit grouping, column widths and bar charts in
// plain ASCII, so that they survive ssh, a serial console and copy-paste.

// groupDigits writes n with a comma every three digits: "1,234,567".
func groupDigits(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatLatency formats nanoseconds for people, with three or four
// significant digits: "850ns", "12.5µs", "412.3ms", "4.5s", "1m40s",
// "2h05m".
func formatLatency(ns uint64) string {
	d := time.Duration(min(ns, uint64(1<<63-1)))
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d)
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", d/time.Minute, (d%time.Minute)/time.Second)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
}

// displayWidth returns the columns s takes in a terminal: two for the wide
// and fullwidth characters of East Asian scripts (and emoji), none for
// combining marks, one for the others.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r >= 0x300 && r <= 0x36f, r >= 0x200b && r <= 0x200f, r == 0xfe0f:
			// combining marks, zero-width characters, variation selector
		case isWide(r):
			w += 2
		default:
			w++
		}
	}
	return w
}

// isWide reports whether r is East Asian wide or fullwidth (the main
// blocks of Unicode's EastAsianWidth W and F).
func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || // Hangul Jamo
		r >= 0x2e80 && r <= 0x303e || // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff || // kana, CJK compatibility
		r >= 0x3400 && r <= 0x4dbf || // CJK extension A
		r >= 0x4e00 && r <= 0x9fff || // CJK unified ideographs
		r >= 0xa000 && r <= 0xa4cf || // Yi
		r >= 0xac00 && r <= 0xd7a3 || // Hangul syllables
		r >= 0xf900 && r <= 0xfaff || // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f || // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60 || // fullwidth forms
		r >= 0xffe0 && r <= 0xffe6 ||
		r >= 0x1f300 && r <= 0x1f64f || // emoji
		r >= 0x1f900 && r <= 0x1f9ff ||
		r >= 0x20000 && r <= 0x3fffd) // CJK extensions B and later
}

// pad returns s padded with spaces to width columns, on the right (left
// alignment) or on the left.
func pad(s string, width int, left bool) string {
	n := max(width-displayWidth(s), 0)
	if left {
		return s + strings.Repeat(" ", n)
	}
	return strings.Repeat(" ", n) + s
}

// table lays out rows of cells in columns two spaces apart; left says
// which columns align left (the others align right). Trailing spaces are
// trimmed.
func table(b *strings.Builder, rows [][]string, left []bool) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, c := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			line.WriteString(pad(c, widths[i], i < len(left) && left[i]))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

// barWidth is the length of the longest bar.
const barWidth = 40

// bars writes one bar per labelled count, the longest barWidth '#' long,
// every non-zero count at least one.
func bars(b *strings.Builder, labels []string, counts []uint64) {
	var top uint64
	for _, c := range counts {
		top = max(top, c)
	}
	rows := make([][]string, len(labels))
	for i, l := range labels {
		n := 0
		if top > 0 {
			n = int((counts[i]*barWidth + top - 1) / top)
		}
		rows[i] = []string{"  " + l, strings.Repeat("#", n) + strings.Repeat(" ", barWidth-n), groupDigits(counts[i])}
	}
	table(b, rows, []bool{true, true, false})
}

// latencyEdges are the edges of the latency histogram's bins: 1, 2, 5
// times the powers of ten from 1µs to 1000s; latencyBins is the number of
// bins, one more.
var latencyEdges = func() []time.Duration {
	var e []time.Duration
	for d := time.Microsecond; d <= 1000*time.Second; d *= 10 {
		e = append(e, d, 2*d, 5*d)
	}
	return e[:latencyBins-1]
}()

const latencyBins = 31

// latencyBin returns the bin of a latency: 0 below the first edge, i for
// [edge i-1, edge i), len(latencyEdges) from the last edge on.
func latencyBin(ns uint64) int {
	for i, e := range latencyEdges {
		if ns < uint64(e) {
			return i
		}
	}
	return len(latencyEdges)
}

// latencyBinLabel names bin i: "< 1µs", "100ms-200ms", ">= 1000s".
func latencyBinLabel(i int) string {
	switch {
	case i == 0:
		return "< " + formatLatency(uint64(latencyEdges[0]))
	case i == len(latencyEdges):
		return ">= " + formatLatency(uint64(latencyEdges[i-1]))
	}
	return shortLatency(latencyEdges[i-1]) + "-" + shortLatency(latencyEdges[i])
}

// shortLatency writes an edge of the latency histogram: "200ms", "5s".
func shortLatency(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// timeCounts counts records per hour in bounded memory: past maxTimeKeys
// distinct hours it counts per day, and past maxTimeKeys days it counts
// records in new days as outside.
type timeCounts struct {
	perDay  bool
	counts  map[int64]uint64 // hour or day since the epoch -> records
	outside uint64
}

const maxTimeKeys = 10000

func (tc *timeCounts) add(t time.Time) {
	if tc.counts == nil {
		tc.counts = map[int64]uint64{}
	}
	k := floorDiv(t.Unix(), 3600)
	if tc.perDay {
		k = floorDiv(t.Unix(), 86400)
	}
	if _, ok := tc.counts[k]; !ok && len(tc.counts) >= maxTimeKeys {
		if tc.perDay {
			tc.outside++
			return
		}
		days := map[int64]uint64{}
		for h, n := range tc.counts {
			days[floorDiv(h, 24)] += n
		}
		tc.counts, tc.perDay = days, true
		tc.add(t)
		return
	}
	tc.counts[k]++
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// write draws records per hour when the records span at most two days,
// else per day over the last 60 days of the span.
func (tc *timeCounts) write(b *strings.Builder) {
	if len(tc.counts) == 0 {
		return
	}
	counts := tc.counts
	perDay := tc.perDay
	lo, hi := int64(1<<62), int64(-1<<62)
	for k := range counts {
		lo, hi = min(lo, k), max(hi, k)
	}
	if !perDay && hi-lo >= 48 {
		days := map[int64]uint64{}
		for h, n := range counts {
			days[floorDiv(h, 24)] += n
		}
		counts, perDay = days, true
		lo, hi = floorDiv(lo, 24), floorDiv(hi, 24)
	}
	unit, layout, what := int64(3600), "2006-01-02 15:00", "hour"
	if perDay {
		unit, layout, what = 86400, "2006-01-02", "day"
	}
	var earlier uint64
	if perDay && hi-lo >= 60 {
		for k, n := range counts {
			if k < hi-59 {
				earlier += n
			}
		}
		lo = hi - 59
	}
	fmt.Fprintf(b, "records per %s (UTC)\n", what)
	var labels []string
	var ns []uint64
	for k := lo; k <= hi; k++ {
		labels = append(labels, time.Unix(k*unit, 0).UTC().Format(layout))
		ns = append(ns, counts[k])
	}
	bars(b, labels, ns)
	if earlier > 0 {
		fmt.Fprintf(b, "  and %s earlier\n", plural(earlier, "record"))
	}
	if tc.outside > 0 {
		fmt.Fprintf(b, "  and %s in days not drawn (more than %d distinct days)\n", plural(tc.outside, "record"), maxTimeKeys)
	}
}
