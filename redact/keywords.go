package redact

import "strings"

// kwIndex finds the occurrences of every rule keyword in one pass.
//
// A 64 Ki-bit table has a bit for every pair of bytes that some keyword
// starts with, in every ASCII case combination (a one-byte keyword sets the
// bits of all pairs it starts). The scan tests the pair at each offset, which
// costs a load and a bit test; only offsets whose pair is set compare the
// keywords that start with that byte.
type kwIndex struct {
	pairs   [1 << 16 / 64]uint64
	byFirst [256][]kwEntry // by lower-cased first byte
}

// kwEntry is one distinct keyword (lower case) and the rules that use it.
type kwEntry struct {
	kw    string
	rules []int
}

// newKWIndex builds the index for rules whose keyword lists are kws[i].
func newKWIndex(kws [][]string) *kwIndex {
	x := &kwIndex{}
	for i, list := range kws {
		for _, k := range list {
			k = strings.ToLower(k) // ASCII case folding is all the scan does
			x.add(k, i)
		}
	}
	return x
}

func (x *kwIndex) add(k string, rule int) {
	f := k[0]
	list := x.byFirst[f]
	for j := range list {
		if list[j].kw == k {
			list[j].rules = append(list[j].rules, rule)
			return
		}
	}
	x.byFirst[f] = append(list, kwEntry{kw: k, rules: []int{rule}})
	for _, a := range caseVariants(k[0]) {
		if len(k) == 1 {
			for b := 0; b < 256; b++ {
				x.set(uint(a)<<8 | uint(b))
			}
			continue
		}
		for _, b := range caseVariants(k[1]) {
			x.set(uint(a)<<8 | uint(b))
		}
	}
}

func (x *kwIndex) set(p uint) { x.pairs[p>>6] |= 1 << (p & 63) }

func caseVariants(c byte) []byte {
	if u := upper(c); u != c {
		return []byte{c, u}
	}
	return []byte{c}
}

// scan reports every keyword occurrence in s to sc, skipping occurrences
// inside placeholders (so that "[REDACTED:SECRET]" cannot look like a
// "secret" keyword to a later pass).
func (x *kwIndex) scan(s string, sc *scanner) {
	n := len(s)
	for i := 0; i < n; i++ {
		var p uint
		if i+1 < n {
			p = uint(s[i])<<8 | uint(s[i+1])
		} else {
			p = uint(s[i]) << 8
		}
		if x.pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		for _, e := range x.byFirst[lower(s[i])] {
			if !hasPrefixFold(s[i:], e.kw) {
				continue
			}
			if inPlaceholder(s, i) {
				break
			}
			for _, r := range e.rules {
				sc.hit(r, i)
			}
		}
	}
}
