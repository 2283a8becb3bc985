package redact

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestWordSet checks has, in and inBounded against a comparison with every
// word, and the capitalized form of each that starts with a lower-case
// letter beyond ASCII, on random texts of the words' pieces in any ASCII
// case.
func TestWordSet(t *testing.T) {
	words := []string{"@", "a", "ip", "tel", "tel.", "Telefon", "phone", "ph", "no.", "№", "电话", "номер", "x-y", "é"}
	ws := newWordSet(words...)
	var lowered []string
	for _, w := range append(slices.Clone(words), "Номер", "É") {
		lowered = append(lowered, asciiLower(w))
	}
	has := func(w string) bool {
		for _, k := range lowered {
			if equalFold(w, k) {
				return true
			}
		}
		return false
	}
	in := func(w string, short int) bool {
		for i := 0; i < len(w); i++ {
			if isAlpha(w[i]) && i > 0 && isAlpha(w[i-1]) {
				continue
			}
			for _, k := range lowered {
				if hasPrefixFold(w[i:], k) &&
					(len(k) > short || !isAlpha(k[len(k)-1]) || i+len(k) == len(w) || !isAlpha(w[i+len(k)])) {
					return true
				}
			}
		}
		return false
	}
	pieces := append([]string{" ", ".", "T", "E", "l", "P", "h", "o", "n", "-", "x", "y", "\xd0", "\xb5", "Н", "É"}, words...)
	rng := rand.New(rand.NewPCG(7, 8))
	for range 50000 {
		w := RandomText(rng, pieces, 6)
		if got, want := ws.has(w), has(w); got != want {
			t.Fatalf("has(%q) = %v, want %v", w, got, want)
		}
		for _, short := range []int{0, 4} {
			if got, want := ws.inBounded(w, short), in(w, short); got != want {
				t.Fatalf("inBounded(%q, %d) = %v, want %v", w, short, got, want)
			}
		}
	}
}

// RandomText joins up to max-1 pieces drawn by rng, each in upper case
// half the time: texts for the tests that compare a fast path with a plain
// search. (Exported for the package's external tests.)
func RandomText(rng *rand.Rand, pieces []string, max int) string {
	var b strings.Builder
	for range rng.IntN(max) {
		p := pieces[rng.IntN(len(pieces))]
		if rng.IntN(2) == 0 {
			p = strings.ToUpper(p)
		}
		b.WriteString(p)
	}
	return b.String()
}
