package redact_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// TestKeywordSweep checks the keyword sweep against a naive search: every
// occurrence of every keyword, in any ASCII case and at every offset
// around the sweep's eight-byte blocks and the end of the text, reaches
// the rule's Find, except inside placeholders.
func TestKeywordSweep(t *testing.T) {
	keywords := []string{"@", "ab", "key", "pin", "pass", "password", "-----BEGIN ", "пароль", "＠", "0x1", "sk-"}
	var got [][2]int // rule, offset
	var rules []redact.Rule
	for i, k := range keywords {
		rules = append(rules, redact.Rule{ID: "kw" + k, Category: "KW", Keywords: []string{k},
			Find: func(dst []redact.Span, _ string, at int) []redact.Span {
				got = append(got, [2]int{i, at})
				return dst
			}})
	}
	r, err := redact.New(rules...)
	if err != nil {
		t.Fatal(err)
	}
	pieces := []string{"a", "b", "x", " ", "\n", "é", "中", "[REDACTED:PASS]", "[REDACTED:", "]", "P", "A", "S"}
	pieces = append(pieces, keywords...)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := redact.RandomText(rng, pieces, 12)
		var want [][2]int
		for i, k := range keywords {
			for at := 0; at+len(k) <= len(s); at++ {
				if strings.EqualFold(s[at:at+len(k)], k) && asciiFoldEqual(s[at:at+len(k)], k) && !insidePlaceholder(s, at) {
					want = append(want, [2]int{i, at})
				}
			}
		}
		got = got[:0]
		r.Find(s)
		slices.SortFunc(got, cmpHit)
		slices.SortFunc(want, cmpHit)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: hits %v, want %v", s, got, want)
		}
	}
}

func cmpHit(a, b [2]int) int {
	if a[0] != b[0] {
		return a[0] - b[0]
	}
	return a[1] - b[1]
}

// asciiFoldEqual reports whether s equals k ignoring the case of ASCII
// letters only (keywords fold ASCII case, not Unicode case).
func asciiFoldEqual(s, k string) bool {
	for i := range len(s) {
		a, b := s[i], k[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// insidePlaceholder reports whether offset i of s is inside a complete
// placeholder "[REDACTED:CATEGORY]".
func insidePlaceholder(s string, i int) bool {
	for j := 0; ; {
		k := strings.Index(s[j:], "[REDACTED:")
		if k < 0 {
			return false
		}
		k += j
		e := k + len("[REDACTED:")
		for e < len(s) && (s[e] >= 'A' && s[e] <= 'Z' || s[e] >= '0' && s[e] <= '9' || s[e] == '_') {
			e++
		}
		if e > k+len("[REDACTED:") && e < len(s) && s[e] == ']' && k <= i && i <= e {
			return true
		}
		j = k + 1
	}
}
