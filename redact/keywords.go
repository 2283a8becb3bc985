package redact

import (
	mbits "math/bits"
	"strings"
)

// kwIndex finds the occurrences of every rule keyword in one pass.
//
// A 64 Ki-bit table has a bit for the hash of the first three bytes of every
// keyword, in every ASCII case combination (a two-byte keyword sets the bits
// of all its three-byte extensions; one-byte keywords are found with
// strings.IndexByte instead). The sweep reads the text eight bytes at a
// time and hashes the three bytes at each offset, which costs a shift, a
// multiply and a bit test, and a branch the processor predicts. An
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
	switch {
	case len(k) == 1:
		x.ones = append(x.ones, caseVariants(k[0])...)
	case len(k) == 2:
		for c := 0; c < 256; c++ {
			h := triHash(fold3(k, 0) | uint32(c)<<16 | 0x200000)
			x.tri.set(h)
			x.short.set(h)
		}
	default:
		h := triHash(fold3(k, 0))
		x.tri.set(h)
		if len(k) == 3 {
			x.short.set(h)
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

// triHash hashes the first three bytes of a little-endian word (the
// fourth is ignored: multiplying by a constant whose low byte is zero
// shifts it out) to 16 bits.
func triHash(w uint32) uint32 { return w * 0x3779B100 >> 16 }

func caseVariants(c byte) []byte {
	if u := upper(c); u != c {
		return []byte{c, u}
	}
	return []byte{c}
}

// sweep reads s once: it reports every keyword occurrence in s to sc
// (when x is not nil), and in the same pass counts the characters of s and
// checks that s is valid UTF-8. It returns the character count and true,
// or 0 and false as soon as it meets invalid UTF-8 (the occurrences
// reported until then are of no use: the caller repairs the text and
// sweeps again).
//
// Occurrences inside placeholders are skipped (so that
// "[REDACTED:SECRET]" cannot look like a "secret" keyword). Occurrences of
// keywords of three bytes or more come in order; those of one-byte
// keywords come first, from strings.IndexByte.
//
// The text is read eight bytes at a time. A block of ASCII letters costs
// eight probes of the trigram table, each a multiply, a shift, a bit test
// and a branch the processor predicts; a block with bytes beyond ASCII is also decoded byte by byte
// for the validity check, and its continuation bytes are counted with one
// population count.
//
// When dm is not nil (the bits of a digitMap for s, clear), the same pass
// marks where the digits are: one more test of each block.
func (x *kwIndex) sweep(s string, sc *scanner, dm []byte) (runes int, ok bool) {
	if x != nil {
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
	}
	n := len(s)
	var v utf8Check
	cont := 0 // continuation bytes: n - cont is the character count
	i := 0
	for ; i+11 <= n; i += 8 {
		t := s[i : i+11]
		a := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if a&highs != 0 || v.need != 0 {
			if !v.block(a) {
				return 0, false
			}
			cont += mbits.OnesCount64(a &^ (a << 1) & highs)
			if dm != nil {
				dm[i>>3] = gather(digitBytes(a) | wideLeadBytes(a))
			}
		} else if dm != nil {
			dm[i>>3] = gather(digitBytes(a))
		}
		if x == nil {
			continue
		}
		// The offsets i..i+7 (bytes i..i+10), little-endian and folded
		// (bit 0x20 set in every byte): most fail the trigram table, a
		// branch the processor predicts.
		f := a | fold8
		b := uint64(t[8]) | uint64(t[9])<<8 | uint64(t[10])<<16 | fold8
		if x.cand(uint32(f)) {
			x.verifyLong(s, i, sc)
		}
		if x.cand(uint32(f >> 8)) {
			x.verifyLong(s, i+1, sc)
		}
		if x.cand(uint32(f >> 16)) {
			x.verifyLong(s, i+2, sc)
		}
		if x.cand(uint32(f >> 24)) {
			x.verifyLong(s, i+3, sc)
		}
		if x.cand(uint32(f>>32 | b<<32)) {
			x.verifyLong(s, i+4, sc)
		}
		if x.cand(uint32(f>>40 | b<<24)) {
			x.verifyLong(s, i+5, sc)
		}
		if x.cand(uint32(f>>48 | b<<16)) {
			x.verifyLong(s, i+6, sc)
		}
		if x.cand(uint32(f>>56 | b<<8)) {
			x.verifyLong(s, i+7, sc)
		}
	}
	for ; i < n; i++ {
		c := s[i]
		if c >= 0x80 || v.need != 0 {
			if !v.step(c) {
				return 0, false
			}
			if c&0xC0 == 0x80 {
				cont++
			}
		}
		if dm != nil && (isDigit(c) || c >= 0x80 && isWideLead(c)) {
			dm[i>>3] |= 1 << (i & 7)
		}
		if x == nil {
			continue
		}
		// The last offsets: pad with zero bytes, which two-byte keywords
		// accept and longer ones cannot match anyway.
		w := uint32(c)
		for k := 1; k < 4 && i+k < n; k++ {
			w |= uint32(s[i+k]) << (8 * k)
		}
		if x.cand(w | fold8&0xFFFFFFFF) {
			x.verifyLong(s, i, sc)
		}
	}
	if v.need != 0 {
		return 0, false // the text ends inside a character
	}
	return n - cont, true
}

// cand reports whether a keyword may start with the four bytes of w
// (little-endian): its trigram is in the table, and then its folded four
// bytes are the prefix of a longer keyword or its trigram that of a
// three-byte one.
func (x *kwIndex) cand(w uint32) bool {
	h := triHash(w)
	return x.tri[h>>6]&(1<<(h&63)) != 0 && (x.quad.has(quadHash(w)) || x.short.has(h))
}

// fold8 sets bit 0x20 in every byte of a word: the fold of fold4.
const fold8 = 0x2020202020202020

// utf8Check validates UTF-8 a byte or a block at a time: need is the
// number of continuation bytes still expected, lo and hi the range of the
// next one (narrower after E0, ED, F0 and F4, which exclude overlong forms,
// surrogates and code points beyond U+10FFFF).
type utf8Check struct {
	need   int
	lo, hi byte
}

// step checks one byte.
func (v *utf8Check) step(c byte) bool {
	if v.need > 0 {
		if c < v.lo || c > v.hi {
			return false
		}
		v.need--
		v.lo, v.hi = 0x80, 0xBF
		return true
	}
	switch {
	case c < 0x80:
	case c >= 0xC2 && c <= 0xDF:
		v.need, v.lo, v.hi = 1, 0x80, 0xBF
	case c == 0xE0:
		v.need, v.lo, v.hi = 2, 0xA0, 0xBF
	case c == 0xED:
		v.need, v.lo, v.hi = 2, 0x80, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		v.need, v.lo, v.hi = 2, 0x80, 0xBF
	case c == 0xF0:
		v.need, v.lo, v.hi = 3, 0x90, 0xBF
	case c >= 0xF1 && c <= 0xF3:
		v.need, v.lo, v.hi = 3, 0x80, 0xBF
	case c == 0xF4:
		v.need, v.lo, v.hi = 3, 0x80, 0x8F
	default:
		return false
	}
	return true
}

// block checks eight bytes, a little-endian word.
func (v *utf8Check) block(a uint64) bool {
	for k := 0; k < 64; k += 8 {
		if c := byte(a >> k); (c >= 0x80 || v.need != 0) && !v.step(c) {
			return false
		}
	}
	return true
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
