package redact

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDigitMap checks the digit map the keyword sweep fills against its
// definition, at every offset of random texts of digits of every script,
// lead bytes that start no digit, ASCII and other characters, around the
// sweep's eight-byte blocks, the end of the text and the size where the
// map moves from the scanner to the pool; and that a map without bits
// (a rule's Find run alone) answers the same.
func TestDigitMap(t *testing.T) {
	pieces := []string{
		"a", " ", ".", "7", "0", "9", "/", ":", "é", "中", "٣", "۷", "५", "৮", "５", "＋", "，", "ह", "ي",
		"12345678", "abcdefgh", "\xef\xbc", "\xd9", "\xe0\xa5",
	}
	r := Default()
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 3000 {
		var b strings.Builder
		n := rng.IntN(40)
		if round%100 == 0 {
			n = inlineDigits/3 + rng.IntN(inlineDigits/2) // longer than inlineDigits bytes
		}
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := strings.ToValidUTF8(b.String(), "?")
		var sc scanner
		sc.init(r, s)
		dm := sc.digitMap()
		if _, ok := r.kw.sweep(s, &sc, dm.bits); !ok {
			t.Fatalf("%q: sweep found invalid UTF-8", s)
		}
		for i := 0; i <= len(s); i++ {
			want := i
			for want < len(s) && !isDigit(s[want]) && !(s[want] >= 0x80 && isWideLead(s[want])) {
				want++
			}
			if got := dm.cand(s, i); got != want {
				t.Fatalf("%q: cand(%d) = %d, want %d", s, i, got, want)
			}
			if got := (&digitMap{}).cand(s, i); got != want {
				t.Fatalf("%q: unknown map: cand(%d) = %d, want %d", s, i, got, want)
			}
			want = i
			for want < len(s) && !isDigitAt(s, want) {
				want++
			}
			if got := dm.next(s, i); got != want {
				t.Fatalf("%q: next(%d) = %d, want %d", s, i, got, want)
			}
		}
		sc.release()
	}
}
