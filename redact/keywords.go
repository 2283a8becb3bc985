package redact

import "strings"

// kwIndex finds the occurrences of every rule keyword in one pass.
//
// A 64 Ki-bit table has a bit for the hash of the first three bytes of every
// keyword, in every ASCII case combination (a two-byte keyword sets the bits
// of all its three-byte extensions; one-byte keywords are found with
// strings.IndexByte instead). The scan hashes a rolling window of three
// bytes at each offset, which costs a load, a multiply and a bit test. An
// offset whose bit is set is checked against a second table, of the first
// four bytes of the keywords of four bytes or more (folded to lower case),
// or against a third one of the first three bytes of the shorter keywords;
// only offsets that pass compare the few keywords whose first three bytes
// hash like theirs.
// The second check keeps keywords that start like common words ("lin_api_"
// and "line", "ops_" and "stops") from costing a comparison at every such
// word.
type kwIndex struct {
	tri     bits
	short   bits           // tri, for keywords of two or three bytes
	quad    bits           // folded four-byte prefixes of longer keywords
	ones    []byte         // the one-byte keywords, in every case
	byFirst [256][]kwEntry // by lower-cased first byte
	// The keywords of three bytes or more by a hash of their folded first
	// three bytes, and those of two bytes: what an offset that passes the
	// filters is compared with.
	buckets [1 << 10][]kwEntry
	twos    []kwEntry
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
			x.add(asciiLower(k), i) // the scan folds ASCII case only
		}
	}
	for _, list := range x.byFirst {
		for _, e := range list {
			switch {
			case len(e.kw) == 2:
				x.twos = append(x.twos, e)
			case len(e.kw) >= 3:
				h := bucketHash(fold3(e.kw, 0))
				x.buckets[h] = append(x.buckets[h], e)
			}
		}
	}
	return x
}

// asciiLower lowers the ASCII letters of s and leaves the others: keywords
// match ignoring ASCII case only, so "Пароль" and "пароль" are two
// keywords.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

// fold3 returns the three bytes of s at i (zero past the end) as a word
// with bit 0x20 set in each byte, like fold4.
func fold3(s string, i int) uint32 {
	w := uint32(s[i]) | 0x20
	if i+1 < len(s) {
		w |= (uint32(s[i+1]) | 0x20) << 8
	}
	if i+2 < len(s) {
		w |= (uint32(s[i+2]) | 0x20) << 16
	}
	return w
}

func bucketHash(w uint32) uint32 { return w * 0x9E3779B1 >> 22 }

func (x *kwIndex) add(k string, rule int) {
	f := k[0]
	list := x.byFirst[f]
	for j := range list {
		if list[j].kw == k {
			if list[j].rules[len(list[j].rules)-1] != rule {
				list[j].rules = append(list[j].rules, rule)
			}
			return
		}
	}
	x.byFirst[f] = append(list, kwEntry{kw: k, rules: []int{rule}})
	if len(k) >= 4 {
		x.quad.set(quadHash(fold4(k)))
	}
	for _, a := range caseVariants(k[0]) {
		if len(k) == 1 {
			x.ones = append(x.ones, a)
			continue
		}
		for _, b := range caseVariants(k[1]) {
			if len(k) == 2 {
				for c := 0; c < 256; c++ {
					x.set(tri(a, b, byte(c)))
					x.short.set(tri(a, b, byte(c)))
				}
				continue
			}
			for _, c := range caseVariants(k[2]) {
				x.set(tri(a, b, c))
				if len(k) == 3 {
					x.short.set(tri(a, b, c))
				}
			}
		}
	}
}

// bits is a 64 Ki-bit set of 16-bit hashes.
type bits [1 << 16 / 64]uint64

func (b *bits) set(h uint32)      { b[h>>6] |= 1 << (h & 63) }
func (b *bits) has(h uint32) bool { return b[h>>6]&(1<<(h&63)) != 0 }

// fold4 returns the first four bytes of s (at least four long) as a
// little-endian word with bit 0x20 set in each byte: upper-case letters
// become lower case (other bytes may change too; the fold only has to map
// every case variant of a keyword to the same word).
func fold4(s string) uint32 {
	return (uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24) | 0x20202020
}

// quadHash hashes a folded four-byte word to 16 bits.
func quadHash(w uint32) uint32 { return w * 0x9E3779B1 >> 16 }

// tri hashes three bytes to 16 bits.
func tri(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9E3779B1 >> 16
}

func (x *kwIndex) set(h uint32) { x.tri.set(h) }

func (x *kwIndex) has(h uint32) bool { return x.tri.has(h) }

func caseVariants(c byte) []byte {
	if u := upper(c); u != c {
		return []byte{c, u}
	}
	return []byte{c}
}

// scan reports every keyword occurrence in s to sc, skipping occurrences
// inside placeholders (so that "[REDACTED:SECRET]" cannot look like a
// "secret" keyword to a later pass). Occurrences of longer keywords come in
// order; those of one-byte keywords come first, from strings.IndexByte.
func (x *kwIndex) scan(s string, sc *scanner) {
	for _, c := range x.ones {
		for i := 0; ; i++ {
			k := strings.IndexByte(s[i:], c)
			if k < 0 {
				break
			}
			i += k
			x.verify(s, i, sc)
		}
	}
	n := len(s)
	if n < 2 {
		return
	}
	// A rolling window of three bytes: one load per offset.
	w := uint32(s[0])<<8 | uint32(s[1])
	i := 0
	for ; i+2 < n; i++ {
		w = w<<8 | uint32(s[i+2])
		h := (w & 0xFFFFFF) * 0x9E3779B1 >> 16
		if x.tri[h>>6]&(1<<(h&63)) != 0 && (i+3 >= n || x.short.has(h) || x.quad.has(quadHash(fold4(s[i:])))) {
			x.verifyLong(s, i, sc)
		}
	}
	// The last two offsets: pad with zero bytes, which two-byte keywords
	// accept and longer ones cannot match anyway.
	for ; i < n; i++ {
		var b byte
		if i+1 < n {
			b = s[i+1]
		}
		if x.has(tri(s[i], b, 0)) {
			x.verifyLong(s, i, sc)
		}
	}
}

// verify reports the keywords that occur at s[i].
func (x *kwIndex) verify(s string, i int, sc *scanner) { x.report(s, i, sc, 0) }

// verifyLong reports the keywords of two or more bytes that occur at s[i].
func (x *kwIndex) verifyLong(s string, i int, sc *scanner) {
	for _, e := range x.buckets[bucketHash(fold3(s, i))] {
		if hasPrefixFold(s[i:], e.kw) {
			x.reportEntry(s, i, sc, e)
		}
	}
	for _, e := range x.twos {
		if hasPrefixFold(s[i:], e.kw) {
			x.reportEntry(s, i, sc, e)
		}
	}
}

func (x *kwIndex) reportEntry(s string, i int, sc *scanner, e kwEntry) {
	if inPlaceholder(s, i) {
		return
	}
	for _, r := range e.rules {
		sc.hit(r, i)
	}
}

func (x *kwIndex) report(s string, i int, sc *scanner, minLen int) {
	for _, e := range x.byFirst[lower(s[i])] {
		if len(e.kw) < minLen || !hasPrefixFold(s[i:], e.kw) {
			continue
		}
		if inPlaceholder(s, i) {
			return
		}
		for _, r := range e.rules {
			sc.hit(r, i)
		}
	}
}
