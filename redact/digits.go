package redact

import "strings"

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

// wideLeads are the first bytes of the non-ASCII digits digitAt knows.
const wideLeads = "\xef\xd9\xdb\xe0"

// digitFinder finds where the digit runs of a text start, ASCII digits and
// the others, for successive offsets that do not decrease. Each search
// goes forward from where the last one for the same byte stopped, so a
// text is read a bounded number of times however many runs it has.
type digitFinder struct {
	ascii int                 // the next ASCII digit (len(s) if none); stale when below the offset asked for
	high  bool                // a byte beyond ASCII may come before it
	wide  [len(wideLeads)]int // the next digit with each lead byte; stale when below the offset asked for
}

func newDigitFinder() digitFinder {
	return digitFinder{ascii: -1, wide: [len(wideLeads)]int{-1, -1, -1, -1}}
}

// next returns the offset of the first digit of any script at or after i,
// or len(s).
func (f *digitFinder) next(s string, i int) int {
	if f.ascii < i {
		d, high := indexDigit(s, i)
		if d < 0 {
			d = len(s)
		}
		f.ascii, f.high = d, high
	}
	if !f.high {
		return f.ascii
	}
	best := f.ascii
	for k := range f.wide {
		if f.wide[k] < i {
			f.wide[k] = len(s)
			for p := i; p < len(s); p++ {
				o := strings.IndexByte(s[p:], wideLeads[k])
				if o < 0 {
					break
				}
				p += o
				if isDigitAt(s, p) {
					f.wide[k] = p
					break
				}
			}
		}
		best = min(best, f.wide[k])
	}
	return best
}
