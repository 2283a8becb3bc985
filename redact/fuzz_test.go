package redact_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lowlightlog/llog/redact"
)

// FuzzRedact checks the properties every output must have: Redact never
// panics, its output is valid UTF-8, it is idempotent (Redact reads a text
// once, so this is the rules' property, not a second pass's), and nothing
// the rules detect survives in it; and RedactText reports the characters
// and the invalid UTF-8 of the input, with rules and without. The seeds are the corpus texts, the benchmark
// files' lines and a few edge cases; go test runs them as a regression test.
func FuzzRedact(f *testing.F) {
	for _, cl := range loadCorpus(f) {
		f.Add(cl.text)
	}
	for _, name := range []string{"chat.txt", "code_64k.txt"} {
		for line := range strings.Lines(readTestdata(f, name)) {
			if strings.TrimSpace(line) != "" {
				f.Add(line)
			}
		}
	}
	for _, s := range nextToReplacements {
		f.Add(s)
	}
	for _, s := range []string{
		"", "\xff", "a\xc3", "[REDACTED:", "[REDACTED:EMAIL]", "[REDACTED:EMAIL]@example.com",
		"-----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----\n", "password=", "password:",
		"https://:@", "://", "+", "(", "+(1", "::", ":::", "1.2.3.", "@", "a@b.c", "eyJ", "sk-",
		"Bearer ", "Basic ", "\\n", strings.Repeat("9", 40), strings.Repeat("1 ", 30),
		strings.Repeat("a@", 50) + "example.com",
	} {
		f.Add(s)
	}
	r := redact.Default()
	none, err := redact.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		// RedactText learns the text's length and validity in its pass,
		// with rules and without.
		repaired := strings.ToValidUTF8(in, "\uFFFD")
		for _, rr := range []*redact.Redactor{r, none} {
			res := rr.RedactText(in)
			if want := utf8.RuneCountInString(repaired); res.Runes != want {
				t.Fatalf("Runes = %d, want %d for %q", res.Runes, want, in)
			}
			if want := invalidRuns(in); res.Invalid != want {
				t.Fatalf("Invalid = %d, want %d for %q", res.Invalid, want, in)
			}
			if len(res.Text) > rr.MaxLen(len(in)) {
				t.Fatalf("%d bytes redacted from %d, above MaxLen %d: %q", len(res.Text), len(in), rr.MaxLen(len(in)), in)
			}
		}
		if res := none.RedactText(in); res.Text != repaired || res.Counts != nil {
			t.Fatalf("no rules: %q, %v for %q", res.Text, res.Counts, in)
		}
		out, counts := r.Redact(in)
		if !utf8.ValidString(out) {
			t.Fatalf("output is not valid UTF-8: %q", out)
		}
		if counts == nil && out != strings.ToValidUTF8(in, "\uFFFD") {
			t.Fatalf("nil counts but the text changed:\n in: %q\nout: %q", in, out)
		}
		for c, n := range counts {
			if n <= 0 || !strings.Contains(out, redact.Placeholder(c)) {
				t.Fatalf("counts %v do not match the output %q", counts, out)
			}
		}
		if found := r.Find(out); len(found) > 0 {
			fd := found[0]
			t.Fatalf("%s (rule %s) survives at %d:%d in the output\n in: %q\nout: %q",
				fd.Category, fd.RuleID, fd.Start, fd.End, in, out)
		}
		again, c2 := r.Redact(out)
		if again != out || c2 != nil {
			t.Fatalf("not idempotent:\n in:    %q\nonce:  %q\ntwice: %q", in, out, again)
		}
	})
}

// TestRandomMix splices random pieces of corpus and blind corpus texts
// together with random separators and checks the FuzzRedact properties on the result: the
// mutations of the fuzzer rarely put two kinds of data next to each other,
// which is where overlap and context bugs live. Set REDACT_SEED to replay a
// failure and REDACT_MIX_N to run longer.
func TestRandomMix(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("REDACT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = v
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	if s := os.Getenv("REDACT_MIX_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	t.Logf("REDACT_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	var lines []corpusLine
	lines = append(lines, loadCorpus(t)...)
	blind, err := filepath.Glob("testdata/blind*.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range blind {
		for _, bl := range loadBlind(t, path) {
			lines = append(lines, bl.corpusLine)
		}
	}
	seps := []string{"", " ", "\n", "=", ":", "@", ".", "-", "/", "\"", "'", "[", "]", "(", ")", ",", "#", "+", "_", "é", "中", "\xff", "://", "[REDACTED:", "password=", "secret ", "version "}
	r := redact.Default()
	for range n {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			s := lines[rng.IntN(len(lines))].text
			i := rng.IntN(len(s) + 1)
			j := i + rng.IntN(len(s)-i+1)
			b.WriteString(s[i:j])
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		in := b.String()
		out, _ := r.Redact(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 for %q", in)
		}
		if found := r.Find(out); len(found) > 0 {
			t.Fatalf("%s (rule %s) survives:\n in: %q\nout: %q", found[0].Category, found[0].RuleID, in, out)
		}
		if again, c := r.Redact(out); again != out || c != nil {
			t.Fatalf("not idempotent:\n in:    %q\nonce:  %q\ntwice: %q", in, out, again)
		}
	}
}

// invalidRuns counts the maximal runs of invalid UTF-8 in s, decoding it
// rune by rune.
func invalidRuns(s string) int {
	n, bad := 0, false
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			if !bad {
				n++
			}
			bad = true
		} else {
			bad = false
		}
		i += size
	}
	return n
}
