package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Numeric PII: phone numbers, payment cards, US social security numbers and
// IBANs. The three digit-only kinds share one tokenizer: a token is a run of
// digit groups joined by single separators (space, '-', '.', '/', " / " or
// " - ")
// or written as "(ddd)", with an optional leading '+'. Digits and punctuation of other
// forms (full-width, Arabic-Indic, no-break spaces, en dashes; see
// digits.go) count as their ASCII forms, and the token collects its digits
// in ASCII, so every grammar reads the same digits however they were
// written. Each finder then tries the token and the sub-tokens that split
// it at spaces against its own grammar, and checks the context on either
// side so that parts of larger structures (versions, dates, invoice
// numbers, decimals, IBANs) are left alone.

const (
	maxGroups = 12
	maxDigits = 40 // digits a token collects; a longer token is not a number we look for
)

// numGroup is one group of digits in a token.
type numGroup struct {
	start, end int   // s[start:end] is the group as written, parentheses included
	d0, dn     uint8 // its digits are t.dig[d0 : d0+dn]
	sep        byte  // separator before the group: 0 (first), ' ', '-', '.', '/' or ')' after "(ddd)"
	paren      bool  // written as "(ddd)"
	spaced     bool  // sep written between spaces: " / ", " - "
}

func (g numGroup) len() int { return int(g.dn) }

// segment returns the groups around a..b that no " / " divides: one
// number of a list such as "04 91 22 58 70 / 06 12 48 90 33".
func (t *numTok) segment(a, b int) (int, int) {
	for a > 0 && !(t.g[a].sep == '/' && t.g[a].spaced) {
		a--
	}
	for b+1 < t.n && !(t.g[b+1].sep == '/' && t.g[b+1].spaced) {
		b++
	}
	return a, b
}

// splits reports whether a sub-token may start at the group: after a space
// or " / ".
func (g numGroup) splits() bool { return g.sep == ' ' || g.sep == '/' && g.spaced }

// numTok is a numeric token.
type numTok struct {
	s          string
	start, end int // s[start:end], including a leading '+'
	plus       bool
	n          int
	g          [maxGroups]numGroup
	nd         int             // digits in all groups
	wide       bool            // some digits are beyond ASCII
	filled     bool            // dig holds the digits
	dig        [maxDigits]byte // the digits of all groups, in ASCII, once filled
	leftOK     bool            // the text before start does not glue the token to a larger one
	rightOK    bool            // likewise for the text at end

	headers tableHeaders // kept from token to token over one scan
}

// fill writes the digits of the groups to t.dig, the first time a grammar
// needs them (most tokens are turned down by their shape alone).
func (t *numTok) fill() {
	if t.filled {
		return
	}
	t.filled = true
	k := 0
	for j := 0; j < t.n; j++ {
		g := &t.g[j]
		p := g.start
		if g.paren {
			_, w := punctAt(t.s, p)
			p += w
		}
		if !t.wide {
			k += copy(t.dig[k:], t.s[p:p+int(g.dn)])
			continue
		}
		for m := 0; m < int(g.dn); m++ {
			c, w := digitAt(t.s, p)
			t.dig[k] = c
			k++
			p += w
		}
	}
}

// readDigits counts the digits at s[p:] into t.nd and returns the offset
// after them and how many there were; ok is false if t.nd would pass
// maxDigits or the run is longer than max.
func (t *numTok) readDigits(s string, p, max int) (q, n int, ok bool) {
	q = p
	for q < len(s) {
		if isDigit(s[q]) {
			q++
			n++
			continue
		}
		if s[q] < 0x80 {
			break
		}
		_, w := digitAt(s, q)
		if w == 0 {
			break
		}
		t.wide = true
		q += w
		n++
	}
	if n > max || t.nd+n > maxDigits {
		return q, n, false
	}
	t.nd += n
	return q, n, true
}

// worthParsing reports whether a digit run of r digits, followed by the
// separator next (0 unless a digit or '(' follows it) and preceded by '+'
// or '(' if pre, can start a match of kind.
func (k numKind) worthParsing(r int, next byte, pre bool) bool {
	sep := next == ' ' || next == '-' || next == '.' || next == '/'
	switch k {
	case kindPhone:
		return r >= 7 || sep || pre || next == ')'
	case kindCard:
		// Groups of four, or of three to six as typed after a card word.
		// A group of four may end a line that wraps the number.
		return r >= 13 || r == 4 && (next == '.' || next == '\n' || next == '\r') || r >= 3 && r <= 6 && (next == ' ' || next == '-')
	case kindSSN:
		return r == 9 || r == 3 && (next == ' ' || next == '-' || next == '.')
	}
	return true
}

// plusEscapeAt reports a percent-escaped '+' (%2B) at s[i].
func plusEscapeAt(s string, i int) bool {
	c, ok := percentEscapeBefore(s, i+3)
	return ok && c == '+'
}

// parseNum parses the token starting at s[i]: a '+' (or %2B), a '(' or a
// digit.
func parseNum(s string, i int, t *numTok) {
	t.s, t.start, t.plus, t.n, t.nd, t.wide, t.filled = s, i, false, 0, 0, false, false
	p := i
	// A calling code in parentheses, "(+34) 933 456 789", as Spain and
	// Latin America write it: the token starts at the '(' if a ')' closes
	// the first group.
	parenPlus := false
	if s[p] == '(' && p+1 < len(s) && s[p+1] == '+' {
		parenPlus = true
		p++
	}
	if c, w := punctAt(s, p); c == '+' {
		t.plus = true
		p += w
	} else if plusEscapeAt(s, p) {
		t.plus = true // phone=%2B4917641234567 in a query string
		p += 3
	}
	end := p
	overflow := false
	var sep byte
	spaced := false
	for p < len(s) {
		if t.n == maxGroups {
			overflow = true
			break
		}
		g := numGroup{sep: sep, spaced: spaced, start: p, d0: uint8(t.nd)}
		if c := s[p]; c == '(' || c >= 0x80 && punctIs(s, p, '(') {
			_, w := punctAt(s, p)
			q, n, ok := t.readDigits(s, p+w, 5)
			cl, cw := byte(0), 0
			if q < len(s) {
				cl, cw = punctAt(s, q)
			}
			if !ok || n == 0 || cl != ')' {
				if ok {
					t.nd -= n
				}
				break
			}
			g.paren, g.dn, g.end = true, uint8(n), q+cw
		} else {
			q, n, ok := t.readDigits(s, p, 19)
			if n == 0 {
				break
			}
			if !ok {
				overflow = true
				end = q
				break
			}
			g.dn, g.end = uint8(n), q
		}
		p = g.end
		t.g[t.n] = g
		t.n++
		end = p
		if p >= len(s) {
			break
		}
		// The separator: ASCII, or a wide form.
		c, w := s[p], 1
		if c >= 0x80 {
			c, w = punctAt(s, p)
		}
		if parenPlus {
			parenPlus = false
			if c != ')' {
				t.start = i + 1 // no "(+34)": the token starts at the '+'
			} else if p+2 < len(s) && s[p+1] == ' ' && isDigit(s[p+2]) {
				sep, spaced = ' ', false
				p += 2
				continue
			} else if p+1 < len(s) && isDigit(s[p+1]) {
				sep, spaced = ' ', false // "(+34)933 456 789"
				p++
				continue
			} else {
				t.start = i + 1
				break
			}
		}
		if g.paren && (c == '(' || isDigitAt(s, p)) {
			sep = ')'
			continue
		}
		spaced = false
		if c == ' ' && p+3 < len(s) && (s[p+1] == '/' || s[p+1] == '-') && s[p+2] == ' ' && isDigitAt(s, p+3) {
			c, w, spaced = s[p+1], 3, true // 089 / 123 456, 010 - 413 22 87 (the Netherlands)
		}
		if (c == ' ' || c == '-' || c == '.' || c == '/') && p+w < len(s) {
			if n := s[p+w]; isDigit(n) || n == '(' || n >= 0x80 && (isDigitAt(s, p+w) || punctIs(s, p+w, '(')) {
				sep = c
				p += w
				continue
			}
		}
		break
	}
	if parenPlus {
		t.start = i + 1 // "(+34" and no more
	}
	if t.n == 0 {
		t.end = max(end, i+1)
		return
	}
	t.end = end
	// A placeholder right after the token may have replaced more of it,
	// which changes its shape: it is skipped whole, like one glued on its
	// left (see placeholderEndsAt).
	t.leftOK = leftOK(s, t.start) && !placeholderAhead(s, t.end, 8)
	t.rightOK = !overflow && rightOK(s, t.end)
}

// leftOK reports whether a number may start at offset i: it does not
// continue a word, a version, an invoice number or an amount.
func leftOK(s string, i int) bool {
	if i == 0 {
		return true
	}
	if placeholderWithin(s, i, 8) {
		return false // the rest of a number a match claimed the start of
	}
	c, w := s[i-1], 1
	if c >= 0x80 {
		if pc, pw := punctBefore(s, i); pw > 1 {
			c, w = pc, pw
		}
	}
	j := i - w // the character before the number starts at s[j]
	switch {
	case isWord(c), c == '#', c == '$', c == '@', c == '\\', c == '&':
		return false
	case c == '-':
		// A minus sign (-615126028225187231), a range (10-20) or a part
		// of an identifier (INV-2024); "- 555..." (a list item) has a space.
		return false
	case c == ',':
		// 1,234 continues a number; "Henry,+1305...", "…0139,4191…" (CSV
		// fields) do not.
		return j == 0 || !digitBefore(s, j) || !thousands(s, i)
	case c == '.' || c == '/' || c == '+' || c == '*' || c == '^':
		return j == 0 || !isAlnum(s[j-1]) || waMe(s, i)
	case c == ':':
		// "Tel:", "SSN:" introduce a number; "10:" (a time), "fc:01" (a
		// device number) and "x86:" do not.
		e := j
		for e > 0 && j-e < 16 && isAlnum(s[e-1]) {
			e--
		}
		word := s[e:j]
		if word == "" {
			return true
		}
		if len(word) < 3 {
			return false
		}
		for k := 0; k < len(word); k++ {
			if isDigit(word[k]) {
				return false
			}
		}
	case c >= 0x80:
		// Currency signs and the section sign: £ ¥ § (C2 A3/A5/A7),
		// € ₹ ₽ (E2 82 AC/B9/BD).
		if i >= 2 && s[i-2] == 0xC2 && (c == 0xA3 || c == 0xA5 || c == 0xA7) {
			return false
		}
		if i >= 3 && s[i-3] == 0xE2 && s[i-2] == 0x82 && (c == 0xAC || c == 0xB9 || c == 0xBD) {
			return false
		}
	}
	return true
}

// thousands reports whether the digits at s[i:] are a group of exactly
// three, as after the comma of 1,234.
func thousands(s string, i int) bool {
	n := 0
	for i < len(s) && n <= 3 {
		if isDigit(s[i]) {
			i++
		} else if _, w := digitAt(s, i); w > 0 {
			i += w
		} else {
			break
		}
		n++
	}
	// Three digits then "-" and a digit start a dashed number (a CSV
	// field "…0109,529-89-9072"), which no amount continues with.
	return n == 3 && !(i+1 < len(s) && s[i] == '-' && isDigit(s[i+1]))
}

// digitRunBefore counts the digits (in any of the forms digitAt reads)
// that end at offset i, up to max.
func digitRunBefore(s string, i, max int) int {
	n := 0
	for n < max && i > 0 {
		w := 1
		for w <= 3 && w <= i {
			if _, k := digitAt(s, i-w); k == w {
				break
			}
			w++
		}
		if w > 3 || w > i {
			break
		}
		i -= w
		n++
	}
	return n
}

// rightOK reports whether a number may end at offset i.
func rightOK(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	c, w := s[i], 1
	if c >= 0x80 {
		if pc, pw := punctAt(s, i); pw > 1 {
			c, w = pc, pw
		}
	}
	switch {
	case isWord(c), c == '%', c == '@', placeholderStartsAt(s, i):
		return false
	case c == ',':
		// 1,234 continues the number; a field separator does not, nor
		// does a comma after a run longer than a group of thousands
		// ("4421774366875972,203.0.113.9": a CSV row).
		return !thousands(s, i+1) && !placeholderStartsAt(s, i+1) || digitRunBefore(s, i, 4) > 3
	case c == '.' || c == '-' || c == ':' || c == '/':
		// 1.5, 10-20, 10:30 and 1/2 continue the number; "6467,k@..." does
		// not; a placeholder there may have replaced digits.
		return i+w >= len(s) || !isDigitAt(s, i+w) && !placeholderStartsAt(s, i+w)
	}
	return true
}

// sub describes the groups a..b (inclusive) of a token.
type sub struct {
	t    *numTok
	a, b int
}

func (u sub) n() int { return u.b - u.a + 1 }

func (u sub) g(k int) numGroup { return u.t.g[u.a+k] }

// num returns the digits of the sub-token, in ASCII.
func (u sub) num() []byte {
	ga, gb := u.t.g[u.a], u.t.g[u.b]
	u.t.fill()
	return u.t.dig[ga.d0 : gb.d0+gb.dn]
}

func (u sub) digits() int {
	ga, gb := u.t.g[u.a], u.t.g[u.b]
	return int(gb.d0) + int(gb.dn) - int(ga.d0)
}

// digit returns the k-th digit of group j.
func (u sub) digit(j, k int) byte {
	u.t.fill()
	return u.t.dig[int(u.g(j).d0)+k]
}

func (u sub) plus() bool { return u.a == 0 && u.t.plus }

func (u sub) start() int {
	if u.plus() {
		return u.t.start
	}
	return u.t.g[u.a].start
}

func (u sub) end() int { return u.t.g[u.b].end }

// seps reports whether every separator inside the sub-token is c.
func (u sub) seps(c byte) bool {
	for k := u.a + 1; k <= u.b; k++ {
		if u.t.g[k].sep != c {
			return false
		}
	}
	return true
}

func (u sub) hasParen() bool {
	for k := u.a; k <= u.b; k++ {
		if u.t.g[k].paren {
			return true
		}
	}
	return false
}

// numKind selects the grammar eachSub applies. (A switch rather than a func
// value keeps the token on the stack: nothing escapes, nothing allocates.)
type numKind uint8

const (
	kindPhone numKind = 1 << iota
	kindCard
	kindSSN
	kindIBAN
)

// numKindCount is the number of numKinds.
const numKindCount = 4

// index returns 0 for kindPhone, 1 for kindCard, and so on.
func (k numKind) index() int {
	switch k {
	case kindPhone:
		return 0
	case kindCard:
		return 1
	case kindSSN:
		return 2
	}
	return 3
}

// numSpan is a match of scanNumbers.
type numSpan struct {
	Span
	kind numKind
}

// scanNumbers finds the matches of the kinds in mask (an OR of numKind) in
// one sweep over the digit runs of s, so that phone numbers, cards, SSNs
// and IBANs share the tokenization. digits tells where the runs start.
func scanNumbers(dst []numSpan, s string, mask numKind, digits *digitMap) []numSpan {
	var t numTok
	var spans [4]Span // reused per token; eachSub appends at most a few
	for i := 0; i < len(s); {
		d := digits.next(s, i)
		if d >= len(s) {
			break
		}
		// The digit run s[d:e] of r digits.
		e := d
		for e < len(s) && isDigit(s[e]) {
			e++
		}
		r := e - d
		for e < len(s) && s[e] >= 0x80 {
			_, w := digitAt(s, e)
			if w == 0 {
				break
			}
			e += w
			r++
			for e < len(s) && isDigit(s[e]) {
				e++
				r++
			}
		}
		i = e
		if r >= 2 && d >= 2 && (isUpper(s[d-2]) && isUpper(s[d-1]) || isLower(s[d-2]) && isLower(s[d-1])) && (d == 2 || !isAlnum(s[d-3])) {
			// Country code and check digits: an IBAN, or if it has the
			// shape of one but a bad check, something that is no phone
			// number, card or SSN either.
			if end, ok := ibanAt(s, d-2); end > 0 {
				if ok && mask&kindIBAN != 0 {
					dst = append(dst, numSpan{Span{Start: d - 2, End: end}, kindIBAN})
				}
				i = end
				if !ok {
					// A group of the bad shape may start a valid IBAN
					// ("#bf92 TR05 3925 …"): read on from there.
					i = ibanStartIn(s, e, end)
				}
				continue
			}
		}
		if r >= 2 && d >= 6 && s[d] == 0xEF && wideUpperAt(s, d-6) && wideUpperAt(s, d-3) && (d == 6 || s[d-7] < 0x80 && !isAlnum(s[d-7]) || s[d-7] >= 0x80 && !wideAlnumBefore(s, d-6)) {
			// The same in full-width forms (ＤＥ７７ １７１９ …).
			if end, ok := wideIBANAt(s, d-6); end > 0 {
				if ok && mask&kindIBAN != 0 {
					dst = append(dst, numSpan{Span{Start: d - 6, End: end}, kindIBAN})
				}
				i = end
				continue
			}
		}
		// The separator after the run, if a digit or '(' follows it.
		var next byte
		if e+1 < len(s) {
			c, w := s[e], 1
			if c >= 0x80 {
				c, w = punctAt(s, e)
			} else if c == ' ' && e+3 < len(s) && (s[e+1] == '/' || s[e+1] == '-') && s[e+2] == ' ' {
				c, w = s[e+1], 3
			}
			if (c == ' ' || c == '-' || c == '.' || c == '/' || c == ')') && e+w < len(s) {
				if n := s[e+w]; isDigit(n) || n == '(' || n >= 0x80 && (isDigitAt(s, e+w) || punctIs(s, e+w, '(')) {
					next = c
				}
			} else if c == '\n' || c == '\r' {
				q := e + 1
				if c == '\r' && s[q] == '\n' {
					q++
				}
				if q < len(s) && isDigit(s[q]) {
					next = '\n' // a line that a wrapped card number goes on in
				}
			}
		}
		// A '+' or '(' before it.
		pre, pw := false, 0
		if d > 0 {
			if c := s[d-1]; c == '+' || c == '(' {
				pre, pw = true, 1
				if c == '+' && d >= 2 && s[d-2] == '(' {
					pw = 2 // "(+34) 933 456 789"
				}
			} else if c >= 0x80 {
				c, pw = punctBefore(s, d)
				pre = c == '+' || c == '('
			} else if d >= 3 && plusEscapeAt(s, d-3) {
				pre, pw = true, 3
			}
		}
		want := mask & (kindPhone | kindCard | kindSSN)
		if !kindPhone.worthParsing(r, next, pre) {
			want &^= kindPhone
		}
		if !kindCard.worthParsing(r, next, pre) {
			want &^= kindCard
		}
		if !kindSSN.worthParsing(r, next, pre) {
			want &^= kindSSN
		}
		if want == 0 {
			continue
		}
		start := d
		if pre {
			start = d - pw
		}
		parseNum(s, start, &t)
		if t.n == 0 {
			// A '(' that does not open a "(ddd)" group: parse from the digit.
			parseNum(s, d, &t)
		}
		i = max(t.end, e)
		for k := kindPhone; k <= kindSSN; k <<= 1 {
			if want&k == 0 || !k.tokenOK(&t) {
				continue
			}
			for _, sp := range eachSub(spans[:0], s, &t, k) {
				dst = append(dst, numSpan{sp, k})
			}
		}
		if want&kindCard != 0 && t.nd < 16 && t.end < len(s) && (s[t.end] == '\n' || s[t.end] == '\r' || s[t.end] == ' ') {
			if end := cardAcrossLines(s, &t); end > 0 {
				dst = append(dst, numSpan{Span{Start: t.start, End: end}, kindCard})
				i = end
			}
		}
	}
	return dst
}

// tokenOK is a cheap test that a token has enough digits for kind: every
// sub-token has at most as many.
func (k numKind) tokenOK(t *numTok) bool {
	if t.n == 0 || !t.leftOK {
		return false
	}
	switch k {
	case kindPhone:
		return t.nd >= 7
	case kindCard:
		return t.nd >= 13
	case kindSSN:
		return t.nd >= 9
	}
	return false
}

// findNumbers is the FindFunc of the rules of one kind.
func findNumbers(dst []Span, s string, kind numKind) []Span {
	var buf [8]numSpan
	for _, m := range scanNumbers(buf[:0], s, kind, &digitMap{}) {
		dst = append(dst, m.Span)
	}
	return dst
}

func (k numKind) match(s string, u sub, ctx *phoneCtx) bool {
	switch k {
	case kindPhone:
		return isPhone(s, u, ctx)
	case kindCard:
		return isCard(s, u)
	case kindSSN:
		return isSSN(s, u)
	}
	return false
}

// eachSub tries the grammar of kind on the sub-tokens of t that may stand
// alone, earliest start first and longest first, and reports each accepted
// one by appending it to dst; after an accepted sub-token the search
// continues behind it. Sub-tokens split the token only at spaces and at
// " / " (a list of numbers: 04 91 22 58 70 / 06 12 48 90 33). A token
// glued to a word on its left is skipped whole (X12 555 ...); one glued on
// its right loses only its last group.
func eachSub(dst []Span, s string, t *numTok, kind numKind) []Span {
	if !t.leftOK {
		return dst // glued to a word: part of an identifier, not a number
	}
	if kind == kindPhone && (cardShaped(t) || uniformGroups(t)) {
		return dst // 4-4-4-4 groups: a card or account number, valid or not; or a longer key
	}
	var ctx phoneCtx // what the text before the token says
	for a := 0; a < t.n; a++ {
		if a > 0 && !t.g[a].splits() {
			continue
		}
		for b := t.n - 1; b >= a; b-- {
			if b == t.n-1 && !t.rightOK || b < t.n-1 && !t.g[b+1].splits() {
				continue
			}
			u := sub{t, a, b}
			if kind.match(s, u, &ctx) {
				dst = append(dst, Span{Start: u.start(), End: u.end()})
				a = b
				break
			}
		}
	}
	return dst
}

// uniformGroups reports a token of five or more groups of the same length,
// three digits or more, such as the 44-digit access key of a Brazilian
// invoice in groups of four: a key, whose parts are no phone numbers.
func uniformGroups(t *numTok) bool {
	if t.n < 5 || t.g[0].len() < 3 {
		return false
	}
	for k := 1; k < t.n; k++ {
		if t.g[k].len() != t.g[0].len() {
			return false
		}
	}
	return true
}

// dateLike reports groups shaped like a date (2024-01-15, 15/01/2024,
// 01.02.03).
func dateLike(u sub) bool {
	if u.n() != 3 || u.hasParen() {
		return false
	}
	a, b, c := u.g(0).len(), u.g(1).len(), u.g(2).len()
	return (a == 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c == 4 || c == 2))
}

// ibanStartIn returns the offset of the first group in s[i:end] that
// starts after a blank with two capital letters and a digit, as an IBAN
// does, or end.
func ibanStartIn(s string, i, end int) int {
	for p := i + 1; p+2 < end; p++ {
		if s[p-1] == ' ' && isUpper(s[p]) && isUpper(s[p+1]) && isDigit(s[p+2]) {
			return p
		}
	}
	return end
}

// Payment cards.

func findCard(dst []Span, s string, _ int) []Span { return findNumbers(dst, s, kindCard) }

func isCard(s string, u sub) bool {
	if u.plus() || u.hasParen() {
		return false
	}
	num := u.num()
	k := len(num)
	if k < 13 || k > 19 {
		return false
	}
	if u.n() > 1 {
		if !cardSeps(u) {
			return false
		}
		if !cardGroups(u) && !(k == 16 && u.a == 0 && u.b == u.t.n-1 && typedGroups(u) && cardWordBefore(s, u.t.start)) {
			return false
		}
	}
	if u.n() == 1 && (k > 16 && k < 19 || k == 19 && !nineteenInOneRun(num)) {
		return false // long contiguous numbers are IDs; few schemes write 19 digits in one run
	}
	return (cardBrand(num) || k == 16 && cardWordBefore(s, u.t.start)) && luhn(num)
}

// typedGroups accepts the groups a person may split 16 digits into when
// typing them after a word for card ("card no 475617 9207 432733"): two
// to five groups of three to six digits, the whole token.
func typedGroups(u sub) bool {
	if u.n() > 5 {
		return false
	}
	for k := 0; k < u.n(); k++ {
		if l := u.g(k).len(); l < 3 || l > 6 {
			return false
		}
	}
	return true
}

// cardAcrossLines returns the end of a card number that a line break
// splits after a word for card ("Card:  4800 2936 5259\n9882", as a form
// or a narrow window wraps it), or 0. The token t, which holds fewer than
// 16 digits, and the groups that make up the next line hold 13 to 19
// digits in groups of four (the last may be shorter) with one kind of
// separator, and together pass the card checks.
func cardAcrossLines(s string, t *numTok) int {
	p := t.end
	for p < len(s) && s[p] == ' ' {
		p++
	}
	if p < len(s) && s[p] == '\r' {
		p++
	}
	if p+1 >= len(s) || s[p] != '\n' || !isDigit(s[p+1]) {
		return 0
	}
	if t.plus || !t.leftOK || !cardWordBefore(s, t.start) {
		return 0
	}
	u := sub{t, 0, t.n - 1}
	if u.hasParen() || !cardSeps(u) {
		return 0
	}
	for k := 0; k < t.n; k++ {
		if t.g[k].len() != 4 {
			return 0
		}
	}
	var t2 numTok
	parseNum(s, p+1, &t2)
	if t2.n == 0 || t2.plus || !t2.rightOK || t.nd+t2.nd < 13 || t.nd+t2.nd > 19 {
		return 0
	}
	// The next line holds the rest of the number and nothing else.
	if e := t2.end; e < len(s) && s[e] != '\n' && s[e] != '\r' {
		return 0
	}
	u2 := sub{&t2, 0, t2.n - 1}
	if u2.hasParen() || !cardSeps(u2) || t.n > 1 && t2.n > 1 && t2.g[1].sep != t.g[1].sep {
		return 0 // one kind of separator on both lines
	}
	for k := 0; k < t2.n; k++ {
		if l := t2.g[k].len(); l > 4 || l < 4 && k < t2.n-1 {
			return 0
		}
	}
	var buf [19]byte
	num := append(append(buf[:0], u.num()...), u2.num()...)
	if (cardBrand(num) || len(num) == 16) && luhn(num) {
		return t2.end
	}
	return 0
}

// cardWords name a payment card; a Luhn-valid 16-digit number right after
// one is a card number whatever its issuer prefix (a national scheme the
// issuer table does not list: "카드 9410 3565 0810 0089").
var cardWords = []string{"card", "card no", "card number", "carte", "karte", "tarjeta", "cartão", "cartao", "carta",
	"kaart", "karta", "karty", "карта", "карты", "kart", "kartı", "kartı no", "بطاقة", "البطاقة", "कार्ड", "カード",
	"카드", "卡", "卡号", "thẻ", "kartu"}

// cardWordBefore reports a word for card right before offset i, after
// blanks, a colon or a '#'.
func cardWordBefore(s string, i int) bool {
	w := strings.TrimRight(s[max(0, i-24):i], " \t:：#.")
	if cardWordEnds(w) {
		return true
	}
	// A form's label: letter by letter as OCR reads a spaced heading
	// ("C a r d   n u m b e r"), or the word for card and a word for
	// number ("Kartennummer", "카드번호", "कार्ड नंबर").
	w = unspaced(strings.TrimRight(s[lineStartWithin(s, i, 64):i], " \t:：#."))
	if cardWordEnds(w) {
		return true
	}
	for _, n := range cardNumberWords {
		if len(w) > len(n) && hasSuffixFold(w, n) && cardWordEnds(strings.TrimRight(w[:len(w)-len(n)], " -")) {
			return true
		}
	}
	return false
}

// cardNumberWords are the words for number that follow a word for card
// in a label, alone or in one compound.
var cardNumberWords = []string{"number", "nummer", "numéro", "numero", "número", "numer", "numarası", "numara", "номер",
	"नंबर", "번호", "号码", "番号", "no", "nr"}

// cardWordEnds reports whether w ends with a word for card.
func cardWordEnds(w string) bool {
	for _, c := range cardWords {
		if len(w) >= len(c) && hasSuffixFold(w, c) {
			b := len(w) - len(c)
			if b == 0 || c[0] >= 0x80 || !isAlpha(w[b-1]) {
				return true
			}
		}
	}
	return false
}

// nineteenInOneRun reports the schemes whose 19-digit numbers are written
// as one run of digits: UnionPay (62), NAPAS (9704) and Mir (2200-2204).
func nineteenInOneRun(num []byte) bool {
	p4 := int(num[0]-'0')*1000 + int(num[1]-'0')*100 + int(num[2]-'0')*10 + int(num[3]-'0')
	return p4/100 == 62 || p4 == 9704 || p4 >= 2200 && p4 <= 2204
}

// cardShaped reports a token of 13 to 19 digits in groups of four (the last
// may be shorter) with one kind of separator: blanks, dashes, or dots
// between four groups of four (4216.6585.7665.3924).
func cardShaped(t *numTok) bool {
	u := sub{t, 0, t.n - 1}
	return t.n >= 4 && !t.plus && !u.hasParen() && cardSeps(u) && t.nd >= 13 && t.nd <= 19 && cardGroups(u)
}

// cardSeps reports whether the groups of u are joined as a card number's
// are: all by blanks or all by dashes; or, between four groups of four,
// all by dots (4216.6585.7665.3924) or by blanks and dashes mixed, as a
// hand types them (5128 9028-1590 6113).
func cardSeps(u sub) bool {
	if u.seps(' ') || u.seps('-') {
		return true
	}
	if u.n() != 4 || u.g(0).len() != 4 || u.g(1).len() != 4 || u.g(2).len() != 4 || u.g(3).len() != 4 {
		return false
	}
	if u.seps('.') {
		return true
	}
	for k := u.a + 1; k <= u.b; k++ {
		if c := u.t.g[k].sep; c != ' ' && c != '-' {
			return false
		}
	}
	return true
}

// cardGroups accepts 4-4-4-4 style groups (the last may be shorter),
// 4-6-5 (American Express) and 4-6-4 (Diners Club).
func cardGroups(u sub) bool {
	n := u.n()
	if n == 3 && u.g(0).len() == 4 && u.g(1).len() == 6 && (u.g(2).len() == 5 || u.g(2).len() == 4) {
		return true
	}
	if n < 4 {
		return false
	}
	for k := 0; k < n-1; k++ {
		if u.g(k).len() != 4 {
			return false
		}
	}
	return u.g(n-1).len() <= 4
}

// cardBrand checks the issuer prefix against the number's length (see
// cardRanges).
func cardBrand(n []byte) bool {
	p4 := int(n[0]-'0')*1000 + int(n[1]-'0')*100 + int(n[2]-'0')*10 + int(n[3]-'0')
	bit := uint32(1) << len(n)
	for _, r := range cardRanges {
		if p4 >= int(r.lo) && p4 <= int(r.hi) && r.lens&bit != 0 {
			return true
		}
	}
	return false
}

// cardRange is a range of issuer prefixes (their first four digits) and
// the lengths of the card numbers they issue (bit n set for n digits).
type cardRange struct {
	lo, hi uint16
	lens   uint32
}

// Card number lengths, as cardRange.lens bits.
const (
	len13 = 1 << (13 + iota)
	len14
	len15
	len16
	len17
	len18
	len19
	len16to19 = len16 | len17 | len18 | len19
)

// cardRanges are the issuer prefixes of the international networks and
// of the national schemes that print their own numbers, with their
// lengths, from the IIN table of ISO/IEC 7812 registrations as the
// networks publish them. Schemes that issue co-branded cards under a Visa
// or Mastercard prefix (Cartes Bancaires, Visa/Dankort, Elo's 4xxxxx
// ranges) are covered by those.
var cardRanges = [...]cardRange{
	{4000, 4999, len13 | len16 | len19}, // Visa
	{5100, 5599, len16},                 // Mastercard
	{2221, 2720, len16},                 // Mastercard 2-series
	{3400, 3499, len15},                 // American Express
	{3700, 3799, len15},                 // American Express
	{3528, 3589, len16to19},             // JCB; RuPay 353 and 356 co-branded
	{3600, 3699, len14},                 // Diners Club International
	{3000, 3059, len14 | len16},         // Diners Club Carte Blanche
	{3800, 3999, len14 | len16},         // Diners Club 38, 39; Hipercard 3841
	{5000, 5099, len16to19},             // Maestro 50; Verve 506, 507; RuPay 508; Elo 504, 506, 509; Dankort 5019
	{5600, 6999, len16to19},             // Maestro 56-69; Discover 6011, 644-649, 65; UnionPay 62; RuPay 60, 65; Troy 65; Elo 636, 650-655; Hipercard 606282
	{2200, 2204, len16to19},             // Mir (Russia)
	{2205, 2205, len16},                 // Borica (Bulgaria)
	{8100, 8299, len16},                 // RuPay 81, 82 (India)
	{8600, 8600, len16},                 // UzCard (Uzbekistan)
	{9704, 9704, len16 | len19},         // NAPAS (Vietnam)
	{9792, 9792, len16},                 // Troy (Turkey)
	{9860, 9860, len16},                 // Humo (Uzbekistan)
}

// luhn reports whether the digits pass the Luhn (mod 10) check.
func luhn(n []byte) bool {
	sum := 0
	double := false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// US social security numbers.

var ssnWords = newWordSet("ssn", "social security", "ss#", "ss no", "soc. sec", "socsec")

func findSSN(dst []Span, s string, _ int) []Span { return findNumbers(dst, s, kindSSN) }

func isSSN(s string, u sub) bool {
	if u.plus() || u.hasParen() {
		return false
	}
	num := u.num()
	switch u.n() {
	case 3:
		if u.g(0).len() != 3 || u.g(1).len() != 2 || u.g(2).len() != 4 {
			return false
		}
		if u.seps('.') {
			// Dots as an old form prints it ("ssn: 100.31.3170"), only
			// right after a word for SSN: ddd.dd.dddd is no date or
			// version, but neither is it an SSN on its own.
			return ssnWords.in(afterLastDigit(contextBefore(s, u.start(), 24))) && validSSN(num)
		}
		if !(u.seps('-') || u.seps(' ')) {
			return false
		}
	case 1:
		if len(num) != 9 || !ssnWords.in(afterLastDigit(contextBefore(s, u.start(), 24))) {
			return false
		}
	default:
		return false
	}
	return validSSN(num)
}

// validSSN rejects the nine-digit numbers the Social Security Administration
// never issues: area 000, 666 or 900-999, group 00, serial 0000.
func validSSN(n []byte) bool {
	area, group, serial := string(n[:3]), string(n[3:5]), string(n[5:])
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// afterLastDigit returns the part of a context window after its last digit,
// so that a context word applies only to the number right after it ("call
// 555 0100", not "Call stack depth 1024, heap 536870912").
//
// A short word of letters and digits right before the number ("Colis n°
// 6A 123 456 789 01") is the start of an identifier, not a number: the
// window goes on before it.
func afterLastDigit(w string) string {
	for i := len(w) - 1; i >= 0; i-- {
		if isDigit(w[i]) {
			b, e := i, i+1
			for b > 0 && isAlnum(w[b-1]) {
				b--
			}
			for e < len(w) && isAlnum(w[e]) {
				e++
			}
			if e < len(w) && w[e] == ' ' && (b == 0 || w[b-1] == ' ') && idChunk(w[b:e]) {
				i = b
				continue
			}
			return w[i+1:]
		}
	}
	return w
}

// IBANs.

// ibanLen holds the IBAN length of each country that issues IBANs, indexed
// by the two letters of the country code.
var ibanLen = func() (t [26 * 26]uint8) {
	for _, e := range []struct {
		cc string
		n  uint8
	}{
		{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
		{"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
		{"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
		{"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
		{"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
		{"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
		{"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
		{"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
		{"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
		{"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
		{"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
		{"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
		{"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
		// Registered by national banks but not (yet) by SWIFT.
		{"AO", 25}, {"BF", 28}, {"BJ", 28}, {"CF", 27}, {"CG", 27}, {"CI", 28}, {"CM", 27},
		{"CV", 25}, {"DZ", 26}, {"GA", 27}, {"GQ", 27}, {"GW", 25}, {"HT", 28}, {"IR", 26},
		{"KM", 27}, {"MA", 28}, {"MG", 27}, {"ML", 28}, {"MZ", 25}, {"NE", 28}, {"SN", 28},
		{"TD", 27}, {"TG", 28},
	} {
		t[int(e.cc[0]-'A')*26+int(e.cc[1]-'A')] = e.n
	}
	return t
}()

func findIBAN(dst []Span, s string, _ int) []Span { return findNumbers(dst, s, kindIBAN) }

// ibanAt returns the end of the IBAN-shaped text starting at s[i] (a
// country that issues IBANs, two digits, and then exactly the country's
// length in letters and digits, contiguous or in groups of four separated
// by single spaces, or by a line break after the second group), or 0; ok
// reports whether it passes the mod-97 check.
// Letters count in either case, as people type an IBAN in lower case
// (de14 3851 …): the check is on the upper-cased characters.
func ibanAt(s string, i int) (end int, ok bool) {
	want := int(ibanLen[int(upper(s[i])-'A')*26+int(upper(s[i+1])-'A')])
	if want == 0 {
		return 0, false
	}
	// Collect the characters, allowing a space only after every fourth one.
	var buf [34]byte
	n, p := 0, i
	for n < want && p < len(s) {
		c := s[p]
		if (c == ' ' || c == '\n' && n >= 8) && n%4 == 0 && n > 0 && p+1 < len(s) && isAlnum(s[p+1]) && s[p-1] != ' ' {
			p++ // also a line break between groups, where a PDF or a mail wrapped it
			continue
		}
		if !isAlnum(c) {
			break
		}
		buf[n] = upper(c)
		n++
		p++
	}
	if n != want || p < len(s) && isAlnum(s[p]) {
		if ibanWordBefore(s, i) {
			return ibanTyped(s, i, want)
		}
		return 0, false
	}
	return p, mod97(buf[:n])
}

// wideUpperAt reports a full-width capital letter (U+FF21..U+FF3A) at
// s[i].
func wideUpperAt(s string, i int) bool {
	return i+2 < len(s) && s[i] == 0xEF && s[i+1] == 0xBC && s[i+2] >= 0xA1 && s[i+2] <= 0xBA
}

// wideAlnumBefore reports a full-width letter or digit ending at s[i].
func wideAlnumBefore(s string, i int) bool {
	if i < 3 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i-3:])
	return r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A
}

// wideIBANAt is ibanAt for an IBAN in full-width letters and digits at
// s[i], its groups separated by blanks or ideographic spaces: each
// character is read as its ASCII form.
func wideIBANAt(s string, i int) (end int, ok bool) {
	var buf [48]byte
	var at [49]int // at[k]: the offset in s of buf[k]
	n, p := 0, i
	for p < len(s) && n < len(buf) {
		r, w := utf8.DecodeRuneInString(s[p:])
		switch {
		case r >= 0xFF10 && r <= 0xFF19, r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A:
			buf[n] = byte(r - 0xFEE0)
		case r == ' ' || r == '\u3000':
			buf[n] = ' '
		default:
			w = 0
		}
		if w == 0 {
			break
		}
		at[n] = p
		n++
		p += w
	}
	at[n] = p
	e, ok := ibanAt(string(buf[:n]), 0)
	if e == 0 {
		return 0, false
	}
	return at[e], ok
}

// ibanWordBefore reports the word IBAN right before offset i, after
// blanks, a colon or a '#' ("iban DE53 …", "IBAN: GB53…").
func ibanWordBefore(s string, i int) bool {
	w := strings.TrimRight(s[max(0, i-12):i], " \t:：#.")
	if len(w) >= 4 && hasSuffixFold(w, "iban") && (len(w) == 4 || !isAlpha(w[len(w)-5])) {
		return true
	}
	// "I B A N:" as OCR reads a spaced heading, and the Arabic word.
	w = unspaced(strings.TrimRight(s[lineStartWithin(s, i, 32):i], " \t:：#."))
	return len(w) >= 4 && hasSuffixFold(w, "iban") && (len(w) == 4 || !isAlpha(w[len(w)-5])) ||
		strings.HasSuffix(w, "آيبان") || strings.HasSuffix(w, "ايبان")
}

// unspaced returns w with its words written letter by letter, as OCR
// reads a spaced heading, closed up: "C a r d   n u m b e r" becomes
// "Card number", "I B A N" "IBAN". Words are the parts between two
// spaces or more; a word is closed up when it is single letters with
// one space between each. It returns w when no word is so written.
func unspaced(w string) string {
	var b []byte
	changed := false
	for part := range strings.SplitSeq(w, "  ") {
		part = strings.Trim(part, " ")
		if part == "" {
			continue
		}
		if len(b) > 0 {
			b = append(b, ' ')
		}
		if spacedLetters(part) {
			changed = true
			for j := 0; j < len(part); j++ {
				if part[j] != ' ' {
					b = append(b, part[j])
				}
			}
			continue
		}
		b = append(b, part...)
	}
	if !changed {
		return w
	}
	return string(b)
}

// spacedLetters reports whether part is two letters or more with one
// space between each ("n u m b e r").
func spacedLetters(part string) bool {
	n := 0
	for k, r := range part {
		if n%2 == 1 {
			if r != ' ' {
				return false
			}
		} else if !unicode.IsLetter(r) || k+utf8.RuneLen(r) < len(part) && part[k+utf8.RuneLen(r)] != ' ' {
			return false
		}
		n++
	}
	return n >= 3
}

// ibanTyped returns the end of an IBAN written after the word IBAN in the
// groups a person typed ("iban DE53 5096 9449 57 2345 2042") or broken by
// one line break ("IBAN: GB53MIDL\n16864733397751"), if it has the
// country's length and passes the mod-97 check, or 0. Single spaces may
// stand anywhere between its characters, but a group of more than four
// letters is a word; a digit or a placeholder right after it may be more
// of it, and leaves it alone.
func ibanTyped(s string, i, want int) (end int, ok bool) {
	var buf [34]byte
	n, p, breaks := 0, i, 0
	chunk, digit := 0, false // the group being read: its length, whether it holds a digit
	for n < want && p < len(s) {
		c := s[p]
		if n > 0 && (c == ' ' || c == '\r' || c == '\n') {
			if !digit && chunk > 4 {
				return 0, false // a word ("IBAN: DE53\nplease send …"), not a group
			}
			chunk, digit = 0, false
			q := p
			for q < len(s) && s[q] == ' ' {
				q++
			}
			if q < len(s) && s[q] == '\r' {
				q++
			}
			if q < len(s) && s[q] == '\n' {
				q++
				breaks++
			} else if q-p > 1 {
				return 0, false // more than one space
			}
			if breaks > 1 || q >= len(s) || !isAlnum(s[q]) {
				return 0, false
			}
			p = q
			continue
		}
		if !isAlnum(c) {
			return 0, false
		}
		buf[n] = upper(c)
		n++
		p++
		chunk++
		digit = digit || isDigit(c)
	}
	if n != want || !digit && chunk > 4 || p < len(s) && (isAlnum(s[p]) || placeholderAhead(s, p, 8)) {
		return 0, false
	}
	if p+1 < len(s) && s[p] == ' ' && isDigit(s[p+1]) {
		return 0, false
	}
	if !mod97(buf[:n]) {
		return 0, false
	}
	return p, true
}

// mod97 reports whether an IBAN (upper-case letters and digits) passes the
// ISO 7064 mod 97-10 check: with the first four characters moved to the end
// and letters replaced by 10..35, the number is 1 mod 97.
func mod97(iban []byte) bool {
	r := 0
	for k := 0; k < len(iban); k++ {
		c := iban[(k+4)%len(iban)]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r == 1
}
