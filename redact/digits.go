package redact

import (
	"iter"
	mbits "math/bits"
)

// Digits and number punctuation beyond ASCII. Numbers are matched as their
// ASCII forms: full-width digits and punctuation (０９０－５０６８－７０５８),
// Arabic-Indic (٠٥٠), Extended Arabic-Indic (۰۹۱۲) and Devanagari (०९८) and
// Bengali (০৯৮) digits, and the typographic spaces and dashes that text
// puts between digit groups (no-break and thin spaces, hyphens, en dashes,
// the minus sign).

// digitAt returns the ASCII form of the digit that s[i:] starts with and
// its width in bytes, or 0, 0.
func digitAt(s string, i int) (byte, int) {
	c := s[i]
	if isDigit(c) {
		return c, 1
	}
	if c < 0xD9 {
		return 0, 0
	}
	return wideDigitAt(s, i)
}

// wideDigitAt is digitAt for the digits beyond ASCII.
func wideDigitAt(s string, i int) (byte, int) {
	switch c := s[i]; c {
	case 0xEF: // U+FF10..U+FF19 FULLWIDTH DIGIT ZERO..NINE: EF BC 90..99
		if i+2 < len(s) && s[i+1] == 0xBC && s[i+2]-0x90 < 10 {
			return '0' + s[i+2] - 0x90, 3
		}
	case 0xD9: // U+0660..U+0669 ARABIC-INDIC DIGIT: D9 A0..A9
		if i+1 < len(s) && s[i+1]-0xA0 < 10 {
			return '0' + s[i+1] - 0xA0, 2
		}
	case 0xDB: // U+06F0..U+06F9 EXTENDED ARABIC-INDIC DIGIT: DB B0..B9
		if i+1 < len(s) && s[i+1]-0xB0 < 10 {
			return '0' + s[i+1] - 0xB0, 2
		}
	case 0xE0: // U+0966..U+096F DEVANAGARI DIGIT: E0 A5 A6..AF; U+09E6..U+09EF BENGALI DIGIT: E0 A7 A6..AF
		if i+2 < len(s) && (s[i+1] == 0xA5 || s[i+1] == 0xA7) && s[i+2]-0xA6 < 10 {
			return '0' + s[i+2] - 0xA6, 3
		}
	}
	return 0, 0
}

// isDigitAt reports whether s[i:] starts with a digit of any script digitAt
// knows.
func isDigitAt(s string, i int) bool {
	c := s[i]
	if c < 0xD9 {
		return isDigit(c)
	}
	_, w := wideDigitAt(s, i)
	return w > 0
}

// digitBefore reports whether the character that ends at s[i] (exclusive)
// is a digit.
func digitBefore(s string, i int) bool {
	for w := 1; w <= 3 && w <= i; w++ {
		if _, n := digitAt(s, i-w); n == w {
			return true
		}
	}
	return false
}

// punctAt returns the ASCII form of the number punctuation that s[i:]
// starts with, and its width: ' ' for spaces, '-' for dashes, '.', '/',
// '(', ')' and '+' (also full-width), or 0, 0.
func punctAt(s string, i int) (byte, int) {
	c := s[i]
	if c < 0x80 {
		if c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '+' {
			return c, 1
		}
		return 0, 0
	}
	switch c {
	case 0xC2: // U+00A0 NO-BREAK SPACE
		if i+1 < len(s) && s[i+1] == 0xA0 {
			return ' ', 2
		}
	case 0xE2:
		if i+2 >= len(s) {
			break
		}
		switch s[i+1] {
		case 0x80:
			switch d := s[i+2]; {
			case d >= 0x80 && d <= 0x8A, d == 0xAF: // U+2000..U+200A spaces, U+202F NARROW NO-BREAK SPACE
				return ' ', 3
			case d >= 0x90 && d <= 0x93: // U+2010..U+2013 hyphens, figure dash, en dash
				return '-', 3
			}
		case 0x88:
			if s[i+2] == 0x92 { // U+2212 MINUS SIGN
				return '-', 3
			}
		}
	case 0xE3:
		if i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80 { // U+3000 IDEOGRAPHIC SPACE
			return ' ', 3
		}
		if i+2 < len(s) && s[i+1] == 0x83 && s[i+2] == 0xBC { // U+30FC KATAKANA-HIRAGANA PROLONGED SOUND MARK, typed for a dash
			return '-', 3
		}
	case 0xEF: // U+FF08 ( U+FF09 ) U+FF0B + U+FF0D - U+FF0E . U+FF0F /: EF BC 88..8F
		if i+2 < len(s) && s[i+1] == 0xBC {
			switch s[i+2] {
			case 0x88:
				return '(', 3
			case 0x89:
				return ')', 3
			case 0x8B:
				return '+', 3
			case 0x8D:
				return '-', 3
			case 0x8E:
				return '.', 3
			case 0x8F:
				return '/', 3
			}
		}
	}
	return 0, 0
}

// punctIs reports whether s[i:] starts with the number punctuation c.
func punctIs(s string, i int, c byte) bool {
	p, _ := punctAt(s, i)
	return p == c
}

// punctBefore returns the number punctuation that ends at s[i] (exclusive)
// and its width, or 0, 0.
func punctBefore(s string, i int) (byte, int) {
	for w := 1; w <= 3 && w <= i; w++ {
		if c, n := punctAt(s, i-w); n == w {
			return c, w
		}
	}
	return 0, 0
}

// isWideLead reports whether c is the first byte of a digit beyond ASCII
// that digitAt knows (EF, D9, DB, E0), or of another character.
func isWideLead(c byte) bool { return c == 0xEF || c&0xFD == 0xD9 || c == 0xE0 }

// digitMap tells where the digits of a text may be, so that the numeric
// finders do not search the text for them again: bit k%8 of bits[k/8] is
// set when s[k] is an ASCII digit or a byte isWideLead accepts (digitAt
// decides whether a digit starts there). The keyword sweep fills it in
// the pass that reads the text (see kwIndex.sweep); its length is a
// multiple of eight bytes, the bits past the text clear. A map without
// bits is unknown, and its methods search the text instead.
type digitMap struct {
	bits []byte
	// ascii: the text is all ASCII (known after the sweep).
	ascii bool
}

// cand returns the first offset at or after i whose bit is set, or len(s).
func (m *digitMap) cand(s string, i int) int {
	if m.bits == nil {
		for ; i < len(s); i++ {
			if c := s[i]; isDigit(c) || c >= 0x80 && isWideLead(c) {
				return i
			}
		}
		return len(s)
	}
	w := i >> 6 << 3
	if i >= len(s) || w >= len(m.bits) {
		return len(s)
	}
	if x := le64(m.bits[w:]) >> (i & 63); x != 0 {
		return i + mbits.TrailingZeros64(x)
	}
	for w += 8; w < len(m.bits); w += 8 {
		if x := le64(m.bits[w:]); x != 0 {
			return w<<3 + mbits.TrailingZeros64(x)
		}
	}
	return len(s)
}

// from yields the words of a known map's bits from the one that holds
// offset i on, each with its offset in bits (in bytes: a word of bits
// covers 64 bytes of text), the bits before i cleared.
func (m *digitMap) from(i int) iter.Seq2[int, uint64] {
	return func(yield func(int, uint64) bool) {
		w := i >> 6 << 3
		if w >= len(m.bits) {
			return
		}
		if !yield(w, le64(m.bits[w:])&(^uint64(0)<<(i&63))) {
			return
		}
		for w += 8; w < len(m.bits); w += 8 {
			if x := le64(m.bits[w:]); x != 0 && !yield(w, x) {
				return
			}
		}
	}
}

// next returns the offset of the first digit of any script at or after i,
// or len(s).
func (m *digitMap) next(s string, i int) int {
	for {
		i = m.cand(s, i)
		if i >= len(s) || isDigit(s[i]) || isDigitAt(s, i) {
			return i
		}
		i++
	}
}

// le64 reads the first eight bytes of b as a little-endian word.
func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// digitMapLen is the length of the bits of a digit map for a text of n
// bytes.
func digitMapLen(n int) int { return (n + 63) >> 6 << 3 }

// SWAR helpers for the sweep: each returns a word with the high bit set
// in the bytes of a (a little-endian block of eight bytes) that are of a
// kind, and gather packs those bits into a byte.

// digitBytes marks the ASCII digits.
func digitBytes(a uint64) uint64 {
	t := a & low7
	// A byte b < 0x80 has its high bit set in both terms exactly when
	// '0' <= b <= '9'; neither term carries into the next byte.
	return (ones*(127+'9'+1) - t) &^ a & (t + ones*(127-('0'-1))) & highs
}

// zeroBytes marks the zero bytes of v, exactly (no carry between bytes).
func zeroBytes(v uint64) uint64 { return ^((v&low7 + low7) | v) & highs }

// wideLeadBytes marks the bytes isWideLead accepts.
func wideLeadBytes(a uint64) uint64 {
	return zeroBytes(a&(ones*0xFD)^ones*0xD9) | zeroBytes(a^ones*0xE0) | zeroBytes(a^ones*0xEF)
}

// gather packs the high bits of the eight bytes of d (and nothing else
// set) into a byte: bit k for byte k.
func gather(d uint64) byte { return byte((d >> 7) * 0x0102040810204080 >> 56) }
