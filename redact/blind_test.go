package redact_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// blindFloors holds, per blind corpus file, the overall recall and precision
// TestBlind requires. Each starts at the file's first measured score rounded
// down to two decimals; raise them as the rules improve, never lower them.
var blindFloors = map[string]struct{ recall, precision float64 }{
	"blind1.txt": {recall: 0.99, precision: 0.99},
	// blind2.txt: held out until its first scoring, at main 50155c0
	// (0.96, 0.96); raised to what main measured after the rule work on
	// its misses and false positives, family by family.
	"blind2.txt": {recall: 1.00, precision: 1.00},
	// blind3.txt: held out until its first scoring, at main 15d6dce
	// (0.94, 0.98); raised to what main measured after the rule work on
	// its misses and false positives (0.993, 0.998).
	"blind3.txt": {recall: 0.99, precision: 0.99},
	// blind4.txt: held out until its first scoring, at main 3eac039
	// (0.885, 0.991); raised to what main measured after the round-5 rule
	// work on its misses and false positives (0.994, 0.999).
	"blind4.txt": {recall: 0.99, precision: 0.99},
	// blind5.txt: held out until its first scoring, at main b4c5793
	// (0.972, 1.000); raised to what main measured after the round-6 rule
	// work on its misses (0.997, 1.000).
	"blind5.txt": {recall: 0.99, precision: 1.00},
	// blind6.txt: held out until its first scoring, at main 928cb32
	// (0.919, 0.995); raised to what main measured after the round-13 rule
	// work on its misses and false positives (1.000, 1.000 at d3e6280).
	"blind6.txt": {recall: 0.99, precision: 0.99},
	// blind7.txt: held out until its first scoring, at main dfedeb8
	// (0.991, 0.992; two of its false positives were labelling errors,
	// corrected since).
	"blind7.txt": {recall: 0.99, precision: 0.99},
	// blind8.txt: held out until its first scoring, at main faf5d23
	// (0.966, 1.000); raised to what main measured after the rule work on
	// its misses (0.994, 1.000).
	"blind8.txt": {recall: 0.99, precision: 1.00},
	// blind9.txt: held out until its first scoring, at main be8dd3c
	// (0.971, 0.991); raised to what main measured after the rule work on
	// its misses and false positives (0.996, 1.000 at cd47af3).
	"blind9.txt": {recall: 0.99, precision: 0.99},
	// blind10.txt: held out until its first scoring, at main ace16a0
	// (0.978, 0.998); raised to what main measured after the rule work on
	// its misses and false positive (0.994, 1.000 at 8f6c14e).
	"blind10.txt": {recall: 0.99, precision: 0.99},
	// blind11.txt: held out until its first scoring, at main 95f1cea
	// (0.875, 0.986); raised to what main measured after the rule work on
	// its misses and false positives (0.985, 1.000 at fcbf6c5).
	"blind11.txt": {recall: 0.98, precision: 0.99},
	// blind12.txt: held out until its first scoring, at main aee5579
	// (0.980, 0.991); raised to what main measured after the rule work on
	// its misses and false positives (0.997, 0.999 at 88d7df5; the one
	// false positive left is a network address, fd10::/64, which the
	// earlier rounds' labels mark).
	"blind12.txt": {recall: 0.99, precision: 0.99},
	// blind13.txt: held out until its first scoring, at main 1fbd36c
	// (0.982, 0.996); raised to what main measured after later rule work
	// on second codes and numbers beside international ones (0.992, 0.996
	// at 5088c0b).
	"blind13.txt": {recall: 0.99, precision: 0.99},
	// blind14.txt: held out until its first scoring, at main 95bba79
	// (0.959, 0.967); raised to what main measured after the rule work on
	// its misses and false positives (0.995, 0.998 at faa2efc).
	"blind14.txt": {recall: 0.99, precision: 0.99},
	// blind15.txt: held out until its first scoring, at main faa2efc
	// (0.957, 0.995); raised to what main measured after the rule work on
	// its misses and false positives (0.991, 1.000 at 7372c18).
	"blind15.txt": {recall: 0.99, precision: 0.99},
	// blind16.txt: held out until its first scoring, at main 3440248
	// (0.992, 0.986); raised to what main measured after the rule work on
	// its misses and false positives (0.998, 0.999 at ee14b45).
	"blind16.txt": {recall: 0.99, precision: 0.99},
	// blind17.txt: held out until its first scoring, at main d28a4a0
	// (0.983, 0.990); raised to what main measured after the rule work on
	// its misses and false positives (0.997, 1.000 at afd1b70).
	"blind17.txt": {recall: 0.99, precision: 0.99},
	// blind18.txt: held out until its first scoring, at main 56401ec
	// (0.851, 0.998); raised to what main measured after the rule work on
	// its misses (0.945, 0.998 at 2dba91e; 0.980, 0.998 at 5088c0b).
	"blind18.txt": {recall: 0.97, precision: 0.99},
	// blind19.txt: held out until its first scoring, at main a00568b
	// (0.958, 0.991): long mixed texts as a deployed logger sees them;
	// raised to what main measured after the rule work on its misses and
	// false positives (0.987, 0.999 at 5088c0b).
	"blind19.txt": {recall: 0.98, precision: 0.99},
	// blind20.txt: held out until its first scoring, at main 9f8c90c
	// (0.954, 0.992): what people send an AI assistant and what comes back.
	"blind20.txt": {recall: 0.95, precision: 0.99},
}

// blindSlack is how many bytes of an expected span may stay visible, in
// total at its two ends (quotes, punctuation, a kept prefix byte), for the
// span to count as found.
const blindSlack = 4

// blindLine is one text of a blind corpus with the tags of its section.
type blindLine struct {
	corpusLine
	class, lang string
}

// loadBlind parses a blind corpus: the format of corpus.txt, plus section
// headers "## class=<class> lang=<lang>" that tag every text after them up to
// the next header. Every text must be under a header.
func loadBlind(tb testing.TB, path string) []blindLine {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []blindLine
	var class, lang string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		if strings.HasPrefix(raw, "## ") && strings.Contains(raw, "=") {
			class, lang, err = parseBlindHeader(raw[3:])
			if err != nil {
				tb.Fatalf("%s:%d: %v", path, n, err)
			}
			continue
		}
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		if class == "" {
			tb.Fatalf("%s:%d: text before the first section header", path, n)
		}
		cl, err := parseMarked(strings.ReplaceAll(raw, "⏎", "\n"))
		if err != nil {
			tb.Fatalf("%s:%d: %v", path, n, err)
		}
		cl.lineNo = n
		out = append(out, blindLine{cl, class, lang})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// parseBlindHeader reads the key=value fields of a section header; class and
// lang are required, other keys are refused so that typos do not go unseen.
func parseBlindHeader(s string) (class, lang string, err error) {
	for _, field := range strings.Fields(s) {
		k, v, ok := strings.Cut(field, "=")
		switch {
		case !ok || v == "":
			return "", "", fmt.Errorf("malformed header field %q", field)
		case k == "class":
			class = v
		case k == "lang":
			lang = v
		default:
			return "", "", fmt.Errorf("unknown header key %q", k)
		}
	}
	if class == "" || lang == "" {
		return "", "", fmt.Errorf("header %q needs class= and lang=", s)
	}
	return class, lang, nil
}

// replaced is a range of the input that the redactor replaced.
type replaced struct {
	cat        redact.Category
	start, end int
}

var placeholderRE = regexp.MustCompile(`\[REDACTED:([A-Z][A-Z0-9_]*)\]`)

// replacedRanges returns the ranges of s that Redact replaces. They come
// from Find when Find's findings, applied to s, give exactly Redact's
// output. Otherwise (Redact rescans its output, so it can replace more than
// Find reports) they are recovered by aligning Redact's output with s: the
// text between placeholders is kept input, matched at its earliest position
// after the previous replacement, so a recovered range is the shortest
// consistent one; placeholders with nothing between them are merged into one
// range with the first one's category. fromFind reports which source was used.
func replacedRanges(r *redact.Redactor, s string) (rs []replaced, fromFind bool, err error) {
	out, _ := r.Redact(s)
	finds := r.Find(s)
	var b strings.Builder
	pos, ok := 0, true
	for _, f := range finds {
		if f.Start < pos || f.End <= f.Start || f.End > len(s) {
			ok = false
			break
		}
		b.WriteString(s[pos:f.Start])
		b.WriteString(redact.Placeholder(f.Category))
		pos = f.End
	}
	if ok && b.String()+s[pos:] == out {
		for _, f := range finds {
			rs = append(rs, replaced{f.Category, f.Start, f.End})
		}
		return rs, true, nil
	}
	rs, err = alignRanges(s, out)
	return rs, false, err
}

// alignRanges recovers the replaced ranges of s from out, the text Redact
// made of it, as described at replacedRanges.
func alignRanges(s, out string) (rs []replaced, err error) {
	locs := placeholderRE.FindAllStringSubmatchIndex(out, -1)
	if len(locs) == 0 {
		if out != s {
			return nil, fmt.Errorf("output differs from input without a placeholder")
		}
		return nil, nil
	}
	first := out[:locs[0][0]]
	if !strings.HasPrefix(s, first) {
		return nil, fmt.Errorf("output does not start with the input's text %q", first)
	}
	in := len(first) // start in s of the current replaced range
	for i := 0; i < len(locs); {
		j := i // the run of placeholders with nothing between them is locs[i..j]
		for j+1 < len(locs) && locs[j][1] == locs[j+1][0] {
			j++
		}
		litEnd := len(out)
		if j+1 < len(locs) {
			litEnd = locs[j+1][0]
		}
		lit := out[locs[j][1]:litEnd]
		var end int
		if j+1 == len(locs) {
			end = len(s) - len(lit)
			if end <= in || s[end:] != lit {
				return nil, fmt.Errorf("output does not end with the input's text %q", lit)
			}
		} else {
			k := strings.Index(s[in+1:], lit)
			if k < 0 {
				return nil, fmt.Errorf("kept text %q not found in the input", lit)
			}
			end = in + 1 + k
		}
		rs = append(rs, replaced{redact.Category(out[locs[i][2]:locs[i][3]]), in, end})
		in = end + len(lit)
		i = j + 1
	}
	return rs, nil
}

// spanFound reports whether the ranges cover w except for at most
// blindSlack bytes at its ends, and whether a covering range has w's category.
func spanFound(w span, rs []replaced) (found, exact bool) {
	covered := func(i int) bool {
		return slices.ContainsFunc(rs, func(r replaced) bool { return r.start <= i && i < r.end })
	}
	first, last := w.start, w.end-1
	for first <= last && !covered(first) {
		first++
	}
	if first > last {
		return false, false
	}
	for !covered(last) {
		last--
	}
	for i := first; i <= last; i++ {
		if !covered(i) {
			return false, false // a hole leaks the middle of the span
		}
	}
	if (first-w.start)+(w.end-1-last) > blindSlack {
		return false, false
	}
	exact = slices.ContainsFunc(rs, func(r replaced) bool {
		return r.cat == w.cat && overlaps(r.start, r.end, w.start, w.end)
	})
	return true, exact
}

// blindTally counts one group of a blind score.
type blindTally struct {
	expected, found, exact int // expected spans; found; found with their category
	ranges, tp             int // replaced ranges; those overlapping an expected span
	negLines, negChanged   int // texts without markers; those the redactor changed
}

func (t *blindTally) add(o blindTally) {
	t.expected += o.expected
	t.found += o.found
	t.exact += o.exact
	t.ranges += o.ranges
	t.tp += o.tp
	t.negLines += o.negLines
	t.negChanged += o.negChanged
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

func (t blindTally) recall() float64    { return ratio(t.found, t.expected) }
func (t blindTally) precision() float64 { return ratio(t.tp, t.ranges) }
func (t blindTally) f1() float64 {
	p, r := t.precision(), t.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// blindScore is the score of one corpus, overall and by group.
type blindScore struct {
	total                  blindTally
	byCat, byLang, byClass map[string]*blindTally
	missed, wrong          []string // report lines for -v
	fromFind, aligned      int      // lines whose ranges came from Find / alignment
}

func scoreBlind(t *testing.T, path string, r *redact.Redactor) blindScore {
	sc := blindScore{
		byCat:   map[string]*blindTally{},
		byLang:  map[string]*blindTally{},
		byClass: map[string]*blindTally{},
	}
	group := func(m map[string]*blindTally, k string) *blindTally {
		if m[k] == nil {
			m[k] = &blindTally{}
		}
		return m[k]
	}
	for _, bl := range loadBlind(t, path) {
		rs, fromFind, err := replacedRanges(r, bl.text)
		if err != nil {
			t.Errorf("%s:%d: cannot recover replaced ranges: %v", path, bl.lineNo, err)
			continue
		}
		if fromFind {
			sc.fromFind++
		} else {
			sc.aligned++
		}
		var line blindTally
		if len(bl.want) == 0 {
			line.negLines = 1
			if len(rs) > 0 {
				line.negChanged = 1
			}
		}
		for _, w := range bl.want {
			found, exact := spanFound(w, rs)
			c := blindTally{expected: 1}
			if found {
				c.found = 1
			} else {
				sc.missed = append(sc.missed, fmt.Sprintf("%s:%d [%s/%s] missed %s %q in %q",
					filepath.Base(path), bl.lineNo, bl.class, bl.lang, w.cat, clip(bl.text[w.start:w.end]), clip(redacted(bl.text, rs))))
			}
			if exact {
				c.exact = 1
			}
			group(sc.byCat, string(w.cat)).add(c)
			line.add(c)
		}
		for _, rg := range rs {
			c := blindTally{ranges: 1}
			if slices.ContainsFunc(bl.want, func(w span) bool { return overlaps(w.start, w.end, rg.start, rg.end) }) {
				c.tp = 1
			} else {
				sc.wrong = append(sc.wrong, fmt.Sprintf("%s:%d [%s/%s] false positive %s %q in %q",
					filepath.Base(path), bl.lineNo, bl.class, bl.lang, rg.cat, clip(bl.text[rg.start:rg.end]), clip(bl.text)))
			}
			group(sc.byCat, string(rg.cat)).add(c)
			line.add(c)
		}
		group(sc.byLang, bl.lang).add(line)
		group(sc.byClass, bl.class).add(line)
		sc.total.add(line)
	}
	return sc
}

// redacted renders s with the ranges replaced, as Redact would.
func redacted(s string, rs []replaced) string {
	var b strings.Builder
	pos := 0
	for _, r := range rs {
		if r.start < pos {
			continue
		}
		b.WriteString(s[pos:r.start])
		b.WriteString(redact.Placeholder(r.cat))
		pos = r.end
	}
	b.WriteString(s[pos:])
	return b.String()
}

// clip shortens long texts in reports.
func clip(s string) string {
	const max = 240
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + fmt.Sprintf("…(%d bytes)", len(s))
}

func (sc blindScore) table() string {
	var b strings.Builder
	row := func(name string, t blindTally) {
		neg := "-"
		if t.negLines > 0 {
			neg = fmt.Sprintf("%d/%d", t.negChanged, t.negLines)
		}
		fmt.Fprintf(&b, "%-22s %5d %5d %5d %6.3f %6.3f %6d %5d %5d %6.3f %6.3f %9s\n",
			name, t.expected, t.found, t.exact, t.recall(), ratio(t.exact, t.expected),
			t.ranges, t.tp, t.ranges-t.tp, t.precision(), t.f1(), neg)
	}
	section := func(title string, m map[string]*blindTally) {
		fmt.Fprintf(&b, "\n%-22s %5s %5s %5s %6s %6s %6s %5s %5s %6s %6s %9s\n",
			title, "exp", "found", "exact", "recall", "exactR", "ranges", "tp", "fp", "prec", "F1", "negChg")
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			row(k, *m[k])
		}
	}
	section("category", sc.byCat)
	section("language", sc.byLang)
	section("class", sc.byClass)
	section("overall", map[string]*blindTally{"TOTAL": &sc.total})
	fmt.Fprintf(&b, "(ranges from Find on %d texts, from aligning Redact's output on %d)\n", sc.fromFind, sc.aligned)
	return b.String()
}

// TestBlind scores the default rules on every blind corpus
// (testdata/blind*.txt), written before the rules were run on it. An
// expected span is found when the replaced ranges cover all its bytes but at
// most blindSlack at its ends; it is found exactly when a covering range has
// its category. A replaced range is a true positive when it overlaps an
// expected span, otherwise a false positive. Recall is found/expected,
// precision true positives/ranges. The tables, the missed spans and the
// false positives are logged (go test -v -run TestBlind); the test fails
// only when overall recall or precision drops below the file's floor.
func TestBlind(t *testing.T) {
	files, err := filepath.Glob("testdata/blind*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no blind corpus in testdata")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			floor, ok := blindFloors[name]
			if !ok {
				t.Fatalf("%s has no floor in blindFloors", name)
			}
			sc := scoreBlind(t, path, redact.Default())
			t.Log("\n" + sc.table())
			for _, m := range sc.missed {
				t.Log(m)
			}
			for _, w := range sc.wrong {
				t.Log(w)
			}
			if got := sc.total.recall(); got < floor.recall {
				t.Errorf("%s: overall recall %.4f below its floor %.2f", name, got, floor.recall)
			}
			if got := sc.total.precision(); got < floor.precision {
				t.Errorf("%s: overall precision %.4f below its floor %.2f", name, got, floor.precision)
			}
		})
	}
}

// TestBlindScorer checks the pieces of the blind scorer on hand-made cases:
// range recovery from Redact's output, the found rule and section headers.
func TestBlindScorer(t *testing.T) {
	p := redact.Placeholder
	for _, c := range []struct {
		in, out string
		want    []replaced
		bad     bool
	}{
		{in: "no match", out: "no match"},
		{in: "mail a@b.example now", out: "mail " + p("EMAIL") + " now", want: []replaced{{"EMAIL", 5, 16}}},
		{in: "ghp_abc x", out: "ghp_" + p("GITHUB_TOKEN") + " x", want: []replaced{{"GITHUB_TOKEN", 4, 7}}},
		{in: "k=v1 k=v2", out: "k=" + p("SECRET") + " k=" + p("SECRET"), want: []replaced{{"SECRET", 2, 4}, {"SECRET", 7, 9}}},
		// Adjacent placeholders merge into one range with the first category.
		{in: "xAABBy", out: "x" + p("A") + p("B") + "y", want: []replaced{{"A", 1, 5}}},
		// The kept text is matched at its earliest position: shortest range.
		{in: "ab-ab-ab", out: p("X") + "-" + p("Y"), want: []replaced{{"X", 0, 2}, {"Y", 3, 8}}},
		{in: "abc", out: "abd", bad: true},
		{in: "abc", out: "zz" + p("X"), bad: true},
		{in: "abc", out: "abc" + p("X"), bad: true},
	} {
		got, err := alignRanges(c.in, c.out)
		if c.bad {
			if err == nil {
				t.Errorf("alignRanges(%q, %q) = %v, want an error", c.in, c.out, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("alignRanges(%q, %q) = %v, %v; want %v", c.in, c.out, got, err, c.want)
		}
	}

	w := span{cat: "PASSWORD", start: 10, end: 20}
	for _, c := range []struct {
		rs           []replaced
		found, exact bool
	}{
		{rs: nil},
		{rs: []replaced{{"PASSWORD", 10, 20}}, found: true, exact: true},
		{rs: []replaced{{"SECRET", 0, 30}}, found: true},
		{rs: []replaced{{"PASSWORD", 12, 18}}, found: true, exact: true}, // 4 bytes left at the ends
		{rs: []replaced{{"PASSWORD", 13, 18}}},                           // 5 bytes left
		{rs: []replaced{{"PASSWORD", 10, 14}, {"PASSWORD", 15, 20}}},     // a hole
		{rs: []replaced{{"PASSWORD", 10, 15}, {"SECRET", 15, 20}}, found: true, exact: true},
		{rs: []replaced{{"PASSWORD", 0, 10}, {"PASSWORD", 20, 25}}}, // touching, not covering
	} {
		found, exact := spanFound(w, c.rs)
		if found != c.found || exact != c.exact {
			t.Errorf("spanFound(%v, %v) = %v, %v; want %v, %v", w, c.rs, found, exact, c.found, c.exact)
		}
	}

	for _, c := range []struct {
		hdr         string
		class, lang string
		bad         bool
	}{
		{hdr: "class=phone-national lang=de", class: "phone-national", lang: "de"},
		{hdr: "lang=ja  class=fullwidth", class: "fullwidth", lang: "ja"},
		{hdr: "class=phone", bad: true},
		{hdr: "class=phone lang=de kind=x", bad: true},
		{hdr: "class= lang=de", bad: true},
	} {
		class, lang, err := parseBlindHeader(c.hdr)
		if (err != nil) != c.bad || class != c.class || lang != c.lang {
			t.Errorf("parseBlindHeader(%q) = %q, %q, %v", c.hdr, class, lang, err)
		}
	}
}
