package redact

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestVersionWordIndex checks versionWordIndex against a comparison with
// every version word: the words themselves in any case, compounds that end
// in them, their prefixes and suffixes, and random words.
func TestVersionWordIndex(t *testing.T) {
	has := func(word string) bool {
		for _, v := range versionWords {
			if equalFold(word, v) || v[0] >= 0x80 && len(word) >= len(v) && hasSuffixFoldUTF8(word, v) ||
				len(v) >= 5 && len(word) > len(v) && hasSuffixFold(word, v) {
				return true
			}
		}
		return false
	}
	words := []string{"", "a", "v", "V", "Ver", "VERSION", "Softwareversion", "Gerätetreiber", "ВЕРСИЯ", "Версии",
		"펌웨어", "Firmware-Version", "§", "x§", "sürüm", "SÜRÜM", "Sürümü", "build", "rebuild", "prebuild", "ÉDITION"}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, v := range versionWords {
		words = append(words, v, strings.ToUpper(v), strings.ToUpper(v[:1])+v[1:], "x"+v, "Xx"+strings.ToUpper(v), v[1:], v[:len(v)-1], "ä"+v)
	}
	pieces := []string{"a", "e", "r", "s", "i", "o", "n", "V", "É", "ü", "я", "Я", "版", "-", "."}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(2) == 0 {
			b.WriteString(versionWords[rng.IntN(len(versionWords))])
		}
		words = append(words, b.String())
	}
	for _, w := range words {
		if got, want := versionWordIndex.has(w), has(w); got != want {
			t.Errorf("versionWordIndex.has(%q) = %v, want %v", w, got, want)
		}
	}
}

// testDigitMap builds the digit map of s as the keyword sweep does.
func testDigitMap(s string) *digitMap {
	bits := make([]byte, digitMapLen(len(s)))
	for i := 0; i < len(s); i++ {
		if c := s[i]; isDigit(c) || c >= 0x80 && isWideLead(c) {
			bits[i>>3] |= 1 << (i & 7)
		}
	}
	return &digitMap{bits: bits}
}

// checkDigitMap checks that the finders that read a digit map (ipv4)
// find the same with a digit map as by reading the text.
func checkDigitMap(t *testing.T, s string) {
	t.Helper()
	for _, f := range []struct {
		name  string
		plain FindFunc
		kind  digitFinder
	}{{"ipv4", findIPv4, ipv4Finder}} {
		want := f.plain(nil, s, -1)
		got := f.kind.find(nil, s, testDigitMap(s))
		if !slices.Equal(got, want) {
			t.Fatalf("%s %q: with the digit map %v, without %v", f.name, s, got, want)
		}
	}
}

// TestDigitMapFinders runs the check on every line and whole file of
// testdata and on the rules' examples and negatives.
func TestDigitMapFinders(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkDigitMap(t, string(b))
		for line := range strings.SplitSeq(string(b), "\n") {
			checkDigitMap(t, strings.ReplaceAll(line, "⏎", "\n"))
		}
	}
	for _, r := range DefaultRules() {
		if r.digitFind != noDigitFinder {
			for _, s := range append(r.Examples, r.Negatives...) {
				checkDigitMap(t, s)
			}
		}
	}
}

// FuzzDigitMapFinders checks the digit-map finders against the plain ones.
func FuzzDigitMapFinders(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "[REDACTED:JWT].9.1.2", "a.1.2.3.4.b", "v1.2.3.4 and 10.20.30.40.", "٣.10.0.0.1", "1..2.3.4",
		"host 10.0.0.1.", "1.2.3.4.5 10.1.1.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkDigitMap(t, s) })
}
