package redact_test

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

const corpusFile = "testdata/corpus.txt"

// span is an expected redaction in a corpus line.
type span struct {
	cat        redact.Category
	start, end int
}

// corpusLine is one labelled text of the corpus.
type corpusLine struct {
	lineNo int
	text   string
	want   []span
}

// loadCorpus parses testdata/corpus.txt (format described in its header).
func loadCorpus(tb testing.TB) []corpusLine {
	tb.Helper()
	f, err := os.Open(corpusFile)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		raw = strings.ReplaceAll(raw, "⏎", "\n")
		cl, err := parseMarked(raw)
		if err != nil {
			tb.Fatalf("%s:%d: %v", corpusFile, n, err)
		}
		cl.lineNo = n
		out = append(out, cl)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// parseMarked removes the {{CATEGORY:text}} markers from raw and records
// their spans.
func parseMarked(raw string) (corpusLine, error) {
	var b strings.Builder
	var cl corpusLine
	for {
		i := markerStart(raw)
		if i < 0 {
			b.WriteString(raw)
			break
		}
		b.WriteString(raw[:i])
		raw = raw[i+2:]
		colon := strings.IndexByte(raw, ':')
		end := strings.Index(raw, "}}")
		if colon < 0 || end < 0 || colon > end {
			return cl, fmt.Errorf("malformed marker near %q", raw[:min(len(raw), 20)])
		}
		cat := redact.Category(raw[:colon])
		text := raw[colon+1 : end]
		start := b.Len()
		b.WriteString(text)
		cl.want = append(cl.want, span{cat, start, b.Len()})
		raw = raw[end+2:]
	}
	cl.text = b.String()
	return cl, nil
}

// markerStart returns the index of the first "{{CATEGORY:" in s, or -1.
// Other "{{" (templates in the texts) are literal.
func markerStart(s string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], "{{")
		if i < 0 {
			return -1
		}
		i += off
		j := i + 2
		for j < len(s) && (s[j] >= 'A' && s[j] <= 'Z' || s[j] == '_' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		if j > i+2 && j < len(s) && s[j] == ':' {
			return i
		}
		off = i + 1
	}
}

type score struct{ tp, fp, fn, expected, found int }

func (s score) recall() float64 {
	if s.expected == 0 {
		return 1
	}
	return float64(s.expected-s.fn) / float64(s.expected)
}

func (s score) precision() float64 {
	if s.found == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.found)
}

func overlaps(a0, a1, b0, b1 int) bool { return a0 < b1 && b0 < a1 }

// TestCorpus scores the default rules on the labelled corpus, span by span:
// a found span is a true positive if it overlaps an expected span of the
// same category; an expected span is recalled if some found span of its
// category overlaps it. It also checks that no byte of an expected span
// survives redaction and that unmarked lines are left unchanged.
func TestCorpus(t *testing.T) {
	lines := loadCorpus(t)
	r := redact.Default()
	scores := map[redact.Category]*score{}
	get := func(c redact.Category) *score {
		if scores[c] == nil {
			scores[c] = &score{}
		}
		return scores[c]
	}
	positives, negatives := 0, 0
	for _, cl := range lines {
		if len(cl.want) > 0 {
			positives++
		} else {
			negatives++
		}
		found := r.Find(cl.text)
		for _, f := range found {
			s := get(f.Category)
			s.found++
			if slices.ContainsFunc(cl.want, func(w span) bool {
				return w.cat == f.Category && overlaps(w.start, w.end, f.Start, f.End)
			}) {
				s.tp++
			} else {
				s.fp++
				t.Logf("%s:%d: false positive %s %q in %q", corpusFile, cl.lineNo, f.Category, cl.text[f.Start:f.End], cl.text)
			}
		}
		for _, w := range cl.want {
			s := get(w.cat)
			s.expected++
			if !slices.ContainsFunc(found, func(f redact.Finding) bool {
				return w.cat == f.Category && overlaps(w.start, w.end, f.Start, f.End)
			}) {
				s.fn++
				t.Logf("%s:%d: missed %s %q in %q", corpusFile, cl.lineNo, w.cat, cl.text[w.start:w.end], cl.text)
			}
			// Every byte of the expected span must be inside some finding.
			for i := w.start; i < w.end; i++ {
				if !slices.ContainsFunc(found, func(f redact.Finding) bool { return f.Start <= i && i < f.End }) {
					t.Errorf("%s:%d: %s %q leaks byte %d (%q)", corpusFile, cl.lineNo, w.cat, cl.text[w.start:w.end], i-w.start, cl.text[i])
					break
				}
			}
		}
		if len(cl.want) == 0 {
			if out, _ := r.Redact(cl.text); out != cl.text {
				t.Errorf("%s:%d: negative line changed:\n in: %q\nout: %q", corpusFile, cl.lineNo, cl.text, out)
			}
		}
	}

	cats := make([]redact.Category, 0, len(scores))
	for c := range scores {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	var total score
	var tb strings.Builder
	fmt.Fprintf(&tb, "corpus: %d lines (%d with PII, %d negative)\n", len(lines), positives, negatives)
	fmt.Fprintf(&tb, "%-16s %8s %6s %6s %6s %9s %7s\n", "category", "expected", "found", "fp", "fn", "precision", "recall")
	for _, c := range cats {
		s := scores[c]
		fmt.Fprintf(&tb, "%-16s %8d %6d %6d %6d %9.3f %7.3f\n", c, s.expected, s.found, s.fp, s.fn, s.precision(), s.recall())
		total.tp += s.tp
		total.fp += s.fp
		total.fn += s.fn
		total.expected += s.expected
		total.found += s.found
	}
	fmt.Fprintf(&tb, "%-16s %8d %6d %6d %6d %9.3f %7.3f", "TOTAL", total.expected, total.found, total.fp, total.fn, total.precision(), total.recall())
	t.Log("\n" + tb.String())

	if total.recall() < 0.97 {
		t.Errorf("overall recall %.3f < 0.97", total.recall())
	}
	if total.precision() < 0.95 {
		t.Errorf("overall precision %.3f < 0.95", total.precision())
	}
}
