package redact

// Numeric PII: phone numbers, payment cards, US social security numbers and
// IBANs. The three digit-only kinds share one tokenizer: a token is a run of
// digit groups joined by single separators (space, '-', '.', '/') or written
// as "(ddd)", with an optional leading '+'. Each finder then tries the token
// and the sub-tokens that split it at spaces against its own grammar, and
// checks the context on either side so that parts of larger structures
// (versions, dates, invoice numbers, decimals) are left alone.

const maxGroups = 12

// numGroup is one group of digits in a token.
type numGroup struct {
	start, end int
	sep        byte // separator before the group: 0 (first), ' ', '-', '.', '/' or ')' after "(ddd)"
	paren      bool // written as "(ddd)"; start and end exclude the parentheses
}

func (g numGroup) len() int { return g.end - g.start }

// numTok is a numeric token.
type numTok struct {
	start, end int // s[start:end], including a leading '+' or '('
	plus       bool
	n          int
	g          [maxGroups]numGroup
	leftOK     bool // the byte before start does not glue the token to a larger one
	rightOK    bool // likewise for the byte at end
}

// worthParsing reports whether a digit run of length r, followed by the byte
// next (0 unless a digit follows it) and preceded by '+' or '(' if pre, can
// start a match of kind.
func (k numKind) worthParsing(r int, next byte, pre bool) bool {
	sep := next == ' ' || next == '-' || next == '.' || next == '/'
	switch k {
	case kindPhone:
		return r >= 7 || sep || pre || next == ')'
	case kindCard:
		return r >= 13 || r == 4 && (next == ' ' || next == '-')
	case kindSSN:
		return r == 9 || r == 3 && (next == ' ' || next == '-')
	}
	return true
}

// parseNum parses the token starting at s[i].
func parseNum(s string, i int, t *numTok) {
	t.start, t.plus, t.n = i, false, 0
	p := i
	if s[p] == '+' {
		t.plus = true
		p++
	}
	end := p
	overflow := false
	var sep byte
	for {
		if t.n == maxGroups {
			overflow = true
			break
		}
		g := numGroup{sep: sep}
		if p < len(s) && s[p] == '(' {
			q := p + 1
			for q < len(s) && isDigit(s[q]) {
				q++
			}
			if q == p+1 || q-p-1 > 5 || q >= len(s) || s[q] != ')' {
				break
			}
			g.start, g.end, g.paren = p+1, q, true
			p = q + 1
		} else {
			q := p
			for q < len(s) && isDigit(s[q]) {
				q++
			}
			if q == p {
				break
			}
			if q-p > 19 {
				overflow = true
				end = q
				break
			}
			g.start, g.end = p, q
			p = q
		}
		t.g[t.n] = g
		t.n++
		end = p
		if p >= len(s) {
			break
		}
		c := s[p]
		if g.paren && (isDigit(c) || c == '(') {
			sep = ')'
			continue
		}
		if (c == ' ' || c == '-' || c == '.' || c == '/') && p+1 < len(s) && (isDigit(s[p+1]) || s[p+1] == '(') {
			sep = c
			p++
			continue
		}
		break
	}
	if t.n == 0 {
		t.end = max(end, i+1)
		return
	}
	t.end = end
	t.leftOK = leftOK(s, t.start)
	t.rightOK = !overflow && rightOK(s, t.end)
}

// leftOK reports whether a number may start at offset i: it does not
// continue a word, a version, an invoice number or an amount.
func leftOK(s string, i int) bool {
	if i == 0 {
		return true
	}
	c := s[i-1]
	switch {
	case isWord(c), c == '#', c == '$', c == '@', c == '\\', c == '&':
		return false
	case c == '-':
		// A minus sign (-615126028225187231), a range (10-20) or a part
		// of an identifier (INV-2024); "- 555..." (a list item) has a space.
		return false
	case c == '.' || c == '/' || c == ',' || c == '+' || c == '*' || c == '^':
		return i < 2 || !isAlnum(s[i-2])
	case c == ':':
		// "Tel:", "SSN:" introduce a number; "10:" (a time), "fc:01" (a
		// device number) and "x86:" do not.
		w := i - 1
		for w > 0 && i-1-w < 16 && isAlnum(s[w-1]) {
			w--
		}
		word := s[w : i-1]
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

// rightOK reports whether a number may end at offset i.
func rightOK(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	c := s[i]
	switch {
	case isWord(c), c == '%', c == '@':
		return false
	case c == '.' || c == '-' || c == ',' || c == ':' || c == '/':
		// 1,234 and 10:30 continue the number; "6467,k@..." does not.
		return i+1 >= len(s) || !isDigit(s[i+1])
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

func (u sub) digits() int {
	d := 0
	for k := u.a; k <= u.b; k++ {
		d += u.t.g[k].len()
	}
	return d
}

func (u sub) plus() bool { return u.a == 0 && u.t.plus }

func (u sub) start() int {
	g := u.t.g[u.a]
	switch {
	case u.plus():
		return u.t.start
	case g.paren:
		return g.start - 1
	}
	return g.start
}

func (u sub) end() int {
	g := u.t.g[u.b]
	if g.paren {
		return g.end + 1
	}
	return g.end
}

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

// numKinds lists the kinds in the order scanNumbers reports them.
var numKinds = [...]numKind{kindPhone, kindCard, kindSSN, kindIBAN}

// numSpan is a match of scanNumbers.
type numSpan struct {
	Span
	kind numKind
}

// scanNumbers finds the matches of the kinds in mask (an OR of numKind) in
// one sweep over the digit runs of s, so that phone numbers, cards, SSNs
// and IBANs share the tokenization.
func scanNumbers(dst []numSpan, s string, mask numKind) []numSpan {
	var t numTok
	var spans [4]Span // reused per token; eachSub appends at most a few
	for i := 0; i < len(s); {
		d := indexDigit(s, i)
		if d < 0 {
			break
		}
		e := d + 1
		for e < len(s) && isDigit(s[e]) {
			e++
		}
		i = e
		if mask&kindIBAN != 0 && e-d >= 2 && d >= 2 && isUpper(s[d-2]) && isUpper(s[d-1]) && (d == 2 || !isAlnum(s[d-3])) {
			if end := ibanAt(s, d-2); end > 0 {
				dst = append(dst, numSpan{Span{Start: d - 2, End: end}, kindIBAN})
			}
		}
		var next byte
		if e+1 < len(s) && (isDigit(s[e+1]) || s[e+1] == '(') {
			next = s[e] // a possible separator
		}
		pre := d > 0 && (s[d-1] == '+' || s[d-1] == '(')
		var want numKind
		for _, k := range numKinds[:3] {
			if mask&k != 0 && k.worthParsing(e-d, next, pre) {
				want |= k
			}
		}
		if want == 0 {
			continue
		}
		start := d
		if pre {
			start = d - 1
		}
		parseNum(s, start, &t)
		if t.n == 0 {
			// A '(' that does not open a "(ddd)" group: parse from the digit.
			parseNum(s, d, &t)
		}
		i = max(t.end, e)
		for _, k := range numKinds[:3] {
			if want&k == 0 || !k.tokenOK(&t) {
				continue
			}
			for _, sp := range eachSub(spans[:0], s, &t, k) {
				dst = append(dst, numSpan{sp, k})
			}
		}
	}
	return dst
}

// tokenOK is a cheap test that a token has enough digits for kind.
func (k numKind) tokenOK(t *numTok) bool {
	if t.n == 0 {
		return false
	}
	if t.n > 1 || t.plus {
		return true
	}
	n := t.g[0].len()
	switch k {
	case kindPhone:
		return n >= 7
	case kindCard:
		return n >= 13
	case kindSSN:
		return n == 9
	}
	return false
}

// findNumbers is the FindFunc of the rules of one kind.
func findNumbers(dst []Span, s string, kind numKind) []Span {
	var buf [8]numSpan
	for _, m := range scanNumbers(buf[:0], s, kind) {
		dst = append(dst, m.Span)
	}
	return dst
}

func (k numKind) match(s string, u sub, ctx *int8) bool {
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

// eachSub tries the grammar of kind on the sub-tokens of t that may stand alone, earliest
// start first and longest first, and reports each accepted one by appending
// it to dst; after an accepted sub-token the search continues behind it.
// Sub-tokens split the token only at spaces. A token glued to a word on its
// left is skipped whole (DE89 3704 0044 ..., X12 555 ...); one glued on its
// right loses only its last group.
func eachSub(dst []Span, s string, t *numTok, kind numKind) []Span {
	if !t.leftOK {
		return dst // glued to a word: part of an identifier, not a number
	}
	if kind == kindPhone && cardShaped(t) {
		return dst // 4-4-4-4 groups: a card or account number, valid or not
	}
	for a := 0; a < t.n; a++ {
		if a > 0 && t.g[a].sep != ' ' {
			continue
		}
		var ctx int8 // phone word before group a: 0 unknown, 1 yes, -1 no
		for b := t.n - 1; b >= a; b-- {
			if b == t.n-1 && !t.rightOK || b < t.n-1 && t.g[b+1].sep != ' ' {
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

func digitAt(s string, g numGroup, k int) byte { return s[g.start+k] }

// dateLike reports groups shaped like a date (2024-01-15, 15/01/2024,
// 01.02.03).
func dateLike(u sub) bool {
	if u.n() != 3 || u.hasParen() {
		return false
	}
	a, b, c := u.g(0).len(), u.g(1).len(), u.g(2).len()
	return (a == 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c == 4 || c == 2))
}

// Phone numbers.

var phoneWords = newWordSet(
	"phone", "tel", "mobile", "mob", "cell", "fax", "call", "whatsapp", "sms", "contact",
	"ph.", "ph:", "telefon", "telephone", "téléphone", "teléfono", "telefono", "handy", "portable",
	"ruf", "anrufen", "appel", "llám", "móvil", "movil", "celular", "ligue", "ligar",
	"telefone", "chiama", "cellulare", "звон",
	"телефон", "тел", "电话", "電話", "手机", "手機", "拨打", "致电", "携帯", "番号", "전화",
	"연락처", "फ़ोन", "फोन", "मोबाइल", "هاتف", "جوال",
)

func findPhone(dst []Span, s string, _ int) []Span { return findNumbers(dst, s, kindPhone) }

// isPhone matches the phone grammars. ctx caches whether a phone word
// precedes the sub-token (0 unknown, 1 yes, -1 no).
func isPhone(s string, u sub, ctx *int8) bool {
	d := u.digits()
	if d < 7 || d > 15 || dateLike(u) {
		return false
	}
	g0 := u.g(0)
	first := digitAt(s, g0, 0)
	// No '/' except one right after a leading trunk-prefixed area code
	// (089/1234567).
	for k := 1; k < u.n(); k++ {
		if u.g(k).sep == '/' && (k != 1 || first != '0') {
			return false
		}
	}
	// IP-like: dots only and no group longer than three digits.
	if u.n() == 4 && u.seps('.') && !u.hasParen() {
		long := false
		for k := 0; k < 4; k++ {
			long = long || u.g(k).len() > 3
		}
		if !long {
			return false
		}
	}
	if onlyBinaryDigits(s, u) {
		return false // 01110/11110 is a bit string
	}
	if u.t.n >= 8 && !u.t.plus {
		return false // a list of numbers or a hex dump, not one phone number
	}
	switch {
	case u.plus():
		// International: +CC ..., with the number length of the country;
		// +35236450.6 is a signed decimal.
		return !(u.n() == 2 && u.g(1).sep == '.') && plusLengthOK(s, u)
	case d >= 10 && d <= 11 && isNANP(s, u):
		return true
	case u.n() >= 2 && first == '0' && g0.len() >= 2 && g0.len() <= 5 && isTrunk(s, u, d):
		return true
	case u.n() >= 2 && g0.paren && (g0.len() == 2 || g0.len() == 3) && d >= 10 && d <= 11 && u.g(1).len() >= 3:
		// An area code in parentheses: (11) 91234-5678, (212) 555-0100.
		return true
	case u.n() == 3 && d == 11 && first == '1' && digitAt(s, g0, 1) >= '3' && g0.len() == 3 &&
		u.g(1).len() == 4 && u.g(2).len() == 4 && (u.seps(' ') || u.seps('-')):
		// Chinese mobile, 138 0013 8000.
		return true
	case u.n() == 1 && d == 11 && first == '1' && digitAt(s, g0, 1) >= '3' && u.start() > 0 && s[u.start()-1] >= 0x80:
		// Chinese mobile written inside CJK text: 请拨打13800138000.
		return true
	}
	// Any other shape needs a phone word before it.
	if *ctx == 0 {
		*ctx = -1
		if phoneWords.in(afterLastDigit(contextBefore(s, u.start(), 32))) {
			*ctx = 1
		}
	}
	return *ctx > 0
}

// hexNeighbour reports whether the word before start or after end is a
// two-digit hex byte, as in a hex dump.
func hexNeighbour(s string, start, end int) bool {
	isByte := func(i int) bool { // s[i:i+2] is a hex byte standing alone
		return i >= 0 && i+2 <= len(s) && isHex(s[i]) && isHex(s[i+1]) &&
			(i == 0 || !isAlnum(s[i-1])) && (i+2 == len(s) || !isAlnum(s[i+2]))
	}
	return start >= 3 && s[start-1] == ' ' && isByte(start-3) ||
		end+3 <= len(s) && s[end] == ' ' && isByte(end+1)
}

func onlyBinaryDigits(s string, u sub) bool {
	for k := 0; k < u.n(); k++ {
		g := u.g(k)
		for i := g.start; i < g.end; i++ {
			if s[i] != '0' && s[i] != '1' {
				return false
			}
		}
	}
	return true
}

// plusLengthOK checks the number of digits of "+CC ..." (not counting a
// trunk "(0)" after the country code) against the E.164 lengths of the
// country: +1 and +7 numbers have 11 digits, the common two-digit codes the
// lengths listed in ccLen, and everything else 8 to 15.
func plusLengthOK(s string, u sub) bool {
	var buf [15]byte
	n := 0
	for k := 0; k < u.n(); k++ {
		g := u.g(k)
		if g.paren && g.len() == 1 && s[g.start] == '0' && k > 0 {
			continue // +44 (0)20 ...
		}
		if n+g.len() > len(buf) {
			return false
		}
		n += copy(buf[n:], s[g.start:g.end])
	}
	if n < 8 || buf[0] == '0' {
		return false
	}
	if buf[0] == '1' || buf[0] == '7' {
		return n == 11
	}
	cc := int(buf[0]-'0')*10 + int(buf[1]-'0')
	if r, ok := ccLen[cc]; ok {
		return n >= int(r[0]) && n <= int(r[1])
	}
	return n >= 8 && n <= 15
}

// ccLen holds the total digit counts (country code included) of numbers of
// the two-digit country codes, min and max.
var ccLen = map[int][2]uint8{
	20: {12, 12}, 27: {11, 11}, 30: {12, 12}, 31: {11, 11}, 32: {10, 11}, 33: {11, 11},
	34: {11, 11}, 36: {10, 11}, 39: {11, 13}, 40: {11, 11}, 41: {11, 11}, 43: {10, 14},
	44: {11, 12}, 45: {10, 10}, 46: {9, 12}, 47: {10, 10}, 48: {11, 11}, 49: {10, 14},
	51: {10, 11}, 52: {12, 12}, 53: {10, 10}, 54: {12, 13}, 55: {12, 13}, 56: {11, 11},
	57: {12, 12}, 58: {12, 12}, 60: {10, 12}, 61: {11, 11}, 62: {10, 14}, 63: {12, 12},
	64: {10, 11}, 65: {10, 10}, 66: {10, 11}, 81: {11, 12}, 82: {11, 12}, 84: {11, 12},
	86: {12, 13}, 90: {12, 12}, 91: {12, 12}, 92: {12, 12}, 93: {11, 11}, 94: {11, 11},
	95: {9, 12}, 98: {12, 12},
}

// isNANP matches (555) 010-1234, 555-010-1234, 555.010.1234, 555 010 1234
// and the same with a leading 1.
func isNANP(s string, u sub) bool {
	a := u.a
	if u.n() == 4 {
		if u.g(0).len() != 1 || digitAt(s, u.g(0), 0) != '1' {
			return false
		}
		a++
	}
	if u.b-a != 2 {
		return false
	}
	g1, g2, g3 := u.t.g[a], u.t.g[a+1], u.t.g[a+2]
	if g1.len() != 3 || g2.len() != 3 || g3.len() != 4 || g2.paren || g3.paren {
		return false
	}
	if g1.paren {
		return g2.sep == ' ' || g2.sep == ')' || g2.sep == '-'
	}
	return g2.sep == g3.sep && g2.sep != '/'
}

// isTrunk matches national numbers written with a trunk prefix 0: 020 7946
// 0958, 030 12345678, 06 12 34 56 78, 03-1234-5678, (030) 1234567, and
// international ones with a 00 prefix.
func isTrunk(s string, u sub, d int) bool {
	g0 := u.g(0)
	pairs, zeros := true, true
	for k := 1; k < u.n(); k++ {
		pairs = pairs && u.g(k).len() == 2
		zeros = zeros && digitAt(s, u.g(k), 0) == '0'
	}
	if zeros {
		return false // 013 014 015, 0069 0307 0300: zero-padded numbers
	}
	second := digitAt(s, g0, 1)
	if second == '0' {
		// 00 + country code.
		return g0.len() >= 3 && digitAt(s, g0, 2) != '0' && d >= 10
	}
	if d < 9 || d > 12 || d == 9 && u.n() < 3 {
		return false // 02110-1301 is a ZIP+4 code; 9-digit numbers come in 3+ groups
	}
	if pairs && g0.len() == 2 && (u.n() != 5 || hexNeighbour(s, u.start(), u.end())) {
		return false // 01.02.03.04.05.06 is a MAC address, 4b 03 04 14 00 00 a hex
		// dump; French numbers have five pairs
	}
	var sep byte
	for k := 1; k < u.n(); k++ {
		g := u.g(k)
		if g.len() < 2 || g.paren {
			return false
		}
		if k == 1 && (g.sep == '/' || g.sep == ')') {
			continue
		}
		if sep == 0 {
			sep = g.sep
		} else if g.sep != sep {
			return false
		}
	}
	return true
}

// afterLastDigit returns the part of a context window after its last digit,
// so that a context word applies only to the number right after it ("call
// 555 0100", not "Call stack depth 1024, heap 536870912").
func afterLastDigit(w string) string {
	for i := len(w) - 1; i >= 0; i-- {
		if isDigit(w[i]) {
			return w[i+1:]
		}
	}
	return w
}

// Payment cards.

func findCard(dst []Span, s string, _ int) []Span { return findNumbers(dst, s, kindCard) }

func isCard(s string, u sub) bool {
	if u.plus() || u.hasParen() {
		return false
	}
	d := u.digits()
	if d < 13 || d > 19 {
		return false
	}
	if u.n() > 1 {
		if !u.seps(' ') && !u.seps('-') {
			return false
		}
		if !cardGroups(u) {
			return false
		}
	}
	var buf [19]byte
	k := 0
	for j := u.a; j <= u.b; j++ {
		g := u.t.g[j]
		k += copy(buf[k:], s[g.start:g.end])
	}
	num := buf[:k]
	if u.n() == 1 && (k > 16 && k < 19 || k == 19 && !(num[0] == '6' && num[1] == '2')) {
		return false // long contiguous numbers are IDs; only UnionPay writes 19 digits in one run
	}
	return cardBrand(num) && luhn(num)
}

// cardShaped reports a token of 13 to 19 digits in groups of four (the last
// may be shorter) with one kind of separator.
func cardShaped(t *numTok) bool {
	u := sub{t, 0, t.n - 1}
	return t.n >= 4 && !t.plus && !u.hasParen() && (u.seps(' ') || u.seps('-')) &&
		u.digits() >= 13 && u.digits() <= 19 && cardGroups(u)
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

// cardBrand checks the issuer prefix against the number's length for the
// major networks (Visa, Mastercard, American Express, Discover, JCB, Diners
// Club, UnionPay, Maestro).
func cardBrand(n []byte) bool {
	l := len(n)
	p2 := int(n[0]-'0')*10 + int(n[1]-'0')
	p4 := p2*100 + int(n[2]-'0')*10 + int(n[3]-'0')
	switch {
	case n[0] == '4':
		return l == 13 || l == 16 || l == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		return l == 16
	case p2 == 34 || p2 == 37:
		return l == 15
	case p4 == 6011, p2 == 65, p4/10 >= 644 && p4/10 <= 649:
		return l >= 16
	case p4 >= 3528 && p4 <= 3589:
		return l >= 16
	case p2 == 36:
		return l == 14
	case p4/10 >= 300 && p4/10 <= 305, p2 == 38, p2 == 39:
		return l == 14 || l == 16
	case p2 == 62:
		return l >= 16
	case p2 == 50, p2 >= 56 && p2 <= 69:
		return l >= 16
	}
	return false
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
	var area, group, serial string
	switch u.n() {
	case 3:
		g0, g1, g2 := u.g(0), u.g(1), u.g(2)
		if g0.len() != 3 || g1.len() != 2 || g2.len() != 4 || !(u.seps('-') || u.seps(' ')) {
			return false
		}
		area, group, serial = s[g0.start:g0.end], s[g1.start:g1.end], s[g2.start:g2.end]
	case 1:
		g := u.g(0)
		if g.len() != 9 || !ssnWords.in(afterLastDigit(contextBefore(s, g.start, 24))) {
			return false
		}
		area, group, serial = s[g.start:g.start+3], s[g.start+3:g.start+5], s[g.start+5:g.end]
	default:
		return false
	}
	return validSSN(area, group, serial)
}

// validSSN rejects the numbers the Social Security Administration never
// issues: area 000, 666 or 900-999, group 00, serial 0000.
func validSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
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

// ibanAt returns the end of a valid IBAN starting at s[i], or 0. The IBAN is
// either contiguous or written in groups of four separated by single spaces.
func ibanAt(s string, i int) int {
	want := int(ibanLen[int(s[i]-'A')*26+int(s[i+1]-'A')])
	if want == 0 {
		return 0
	}
	// Collect the characters, allowing a space only after every fourth one.
	var buf [34]byte
	n, p := 0, i
	for n < want && p < len(s) {
		c := s[p]
		if c == ' ' && n%4 == 0 && n > 0 && p+1 < len(s) && (isUpper(s[p+1]) || isDigit(s[p+1])) && s[p-1] != ' ' {
			p++
			continue
		}
		if !isUpper(c) && !isDigit(c) {
			return 0
		}
		buf[n] = c
		n++
		p++
	}
	if n != want || p < len(s) && isAlnum(s[p]) {
		return 0
	}
	if !mod97(buf[:n]) {
		return 0
	}
	return p
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
