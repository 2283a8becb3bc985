package redact

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Byte classes. Only ASCII is classified: every byte of a multi-byte UTF-8
// sequence is "other", so the scanners treat non-ASCII text (including the
// U+FFFD that replaces invalid bytes) as a separator.
const (
	clDigit uint8 = 1 << iota
	clUpper
	clLower
	clHex   // 0-9 a-f A-F
	clUnder // _
	clB64   // A-Z a-z 0-9 + /
	clEndV  // ends an unquoted value: white space and "'`,;&)]}<>\
	clUinfo // allowed in URL userinfo: alnum and -._~!$&'()*+,;=:%
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= clDigit | clHex | clB64
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= clUpper | clB64
		t[c+'a'-'A'] |= clLower | clB64
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] |= clHex
		t[c+'A'-'a'] |= clHex
	}
	t['_'] |= clUnder
	t['+'] |= clB64
	t['/'] |= clB64
	for _, c := range " \t\n\r\v\f\"'`,;&)]}<>\\" {
		t[c] |= clEndV
	}
	for c := 0; c < 256; c++ {
		if t[c]&(clDigit|clUpper|clLower) != 0 {
			t[c] |= clUinfo
		}
	}
	for _, c := range "-._~!$&'()*+,;=:%" {
		t[c] |= clUinfo
	}
	return t
}()

func isDigit(c byte) bool { return c-'0' < 10 }
func isUpper(c byte) bool { return c-'A' < 26 }
func isLower(c byte) bool { return c-'a' < 26 }
func isAlpha(c byte) bool { return class[c]&(clUpper|clLower) != 0 }
func isAlnum(c byte) bool { return class[c]&(clDigit|clUpper|clLower) != 0 }
func isWord(c byte) bool  { return class[c]&(clDigit|clUpper|clLower|clUnder) != 0 }
func isHex(c byte) bool   { return class[c]&clHex != 0 }
func isB64(c byte) bool   { return class[c]&clB64 != 0 }

// isSpace reports ASCII horizontal or vertical white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isCategoryByte(c byte) bool { return isUpper(c) || isDigit(c) || c == '_' }

func lower(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

func upper(c byte) byte {
	if isLower(c) {
		return c - ('a' - 'A')
	}
	return c
}

// hasPrefixFold reports whether s starts with prefix, which must be lower
// case, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lower(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// hasSuffixFold reports whether s ends with suffix (lower case), ignoring
// ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && hasPrefixFold(s[len(s)-len(suffix):], suffix)
}

// equalFold reports whether s equals t (lower case), ignoring ASCII case.
func equalFold(s, t string) bool { return len(s) == len(t) && hasPrefixFold(s, t) }

// indexFold returns the first index of sub (lower case, non-empty) in s,
// ignoring ASCII case, or -1.
func indexFold(s, sub string) int {
	c0, c1 := sub[0], upper(sub[0])
	for i := 0; i+len(sub) <= len(s); i++ {
		if c := s[i]; (c == c0 || c == c1) && hasPrefixFold(s[i:], sub) {
			return i
		}
	}
	return -1
}

// SWAR constants for indexDigit.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	low7  = 0x7f7f7f7f7f7f7f7f
)

// indexDigit returns the index of the first ASCII digit in s at or after i,
// or -1, and whether a byte beyond ASCII comes before it (at or after i).
// It tests eight bytes per step.
func indexDigit(s string, i int) (int, bool) {
	var hi uint64
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		t := x & low7
		// A byte b < 0x80 has its high bit set in both terms exactly when
		// '0' <= b <= '9'.
		if (ones*(127+'9'+1)-t)&^x&(t+ones*(127-('0'-1)))&highs != 0 {
			break
		}
		hi |= x
	}
	for ; i < len(s); i++ {
		if isDigit(s[i]) {
			return i, hi&highs != 0
		}
		hi |= uint64(s[i])
	}
	return -1, hi&highs != 0
}

// inPlaceholder reports whether offset i of s lies inside a placeholder
// ("[REDACTED:CATEGORY]").
func inPlaceholder(s string, i int) bool {
	// Walk back over placeholder bytes to a '['.
	j := i
	for lim := 0; j >= 0 && lim < len(placeholderPrefix)+48; j, lim = j-1, lim+1 {
		c := s[j]
		if c == '[' {
			break
		}
		if !isCategoryByte(c) && c != ':' {
			return false
		}
	}
	if j < 0 || s[j] != '[' || !strings.HasPrefix(s[j:], placeholderPrefix) {
		return false
	}
	k := j + len(placeholderPrefix)
	for k < len(s) && isCategoryByte(s[k]) {
		k++
	}
	return k < len(s) && s[k] == ']' && i <= k
}

// withoutPlaceholders returns s with every complete placeholder in it
// replaced by a space, so that its category reads as no word.
func withoutPlaceholders(s string) string {
	if !strings.Contains(s, placeholderPrefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, placeholderPrefix)
		if i < 0 || !placeholderStartsAt(s, i) {
			b.WriteString(s)
			return b.String()
		}
		j := i + strings.IndexByte(s[i:], ']')
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[j+1:]
	}
}

// placeholderEndsAt reports whether a placeholder ("[REDACTED:CATEGORY]")
// ends at offset i of s.
//
// The rules read the text right after a placeholder as the continuation of
// the text it replaced, which they had already judged with that text in
// place: the rest of a number whose start another match claimed is not a
// number of its own, an address glued to the placeholder is glued to a
// word, a placeholder in place of a version word may have been one. That
// keeps Redact idempotent without a second pass: what the rules left next
// to a replacement, they leave when they read the output.
func placeholderEndsAt(s string, i int) bool {
	return i >= 2 && s[i-1] == ']' && inPlaceholder(s, i-2)
}

// placeholderStartsAt reports whether a complete placeholder starts at
// offset i of s (see placeholderEndsAt).
func placeholderStartsAt(s string, i int) bool {
	k := i + len(placeholderPrefix)
	return k < len(s) && s[i] == '[' && strings.HasPrefix(s[i:], placeholderPrefix) && inPlaceholder(s, k)
}

// placeholderWithin reports whether a placeholder ends at offset i of s or
// before it with at most n bytes of ASCII spaces and punctuation between,
// on the same line (see placeholderEndsAt).
func placeholderWithin(s string, i, n int) bool {
	for j := i; j >= 0 && i-j <= n; j-- {
		if placeholderEndsAt(s, j) {
			return true
		}
		if j == 0 {
			return false
		}
		if c := s[j-1]; c >= 0x80 {
			// Punctuation, symbols, spaces and format characters (the
			// marks of bidirectional text, zero-width spaces) outside ASCII
			// count as ASCII's do: "[REDACTED:PASSWORD] —0100000002", "‷",
			// "\u202b".
			r, w := utf8.DecodeLastRuneInString(s[:j])
			if !unicode.IsPunct(r) && !unicode.IsSymbol(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
				return false
			}
			j -= w - 1
		} else if isAlnum(c) || c == '\n' {
			return false
		}
	}
	return false
}

// gluedToPlaceholder reports whether a placeholder ends at offset start of
// s or starts at end, or is joined to it by up to two bytes of ASCII
// punctuation and no blank ("1963,[REDACTED:PHONE]", where the text was
// "1963,0545 218 77 30").
func gluedToPlaceholder(s string, start, end int) bool {
	for j := end; j < len(s) && j-end <= 2; j++ {
		if c := s[j]; c == '[' && placeholderStartsAt(s, j) {
			return true
		} else if c <= ' ' || c >= 0x80 || isAlnum(c) {
			break
		}
	}
	for j := start; j > 0 && start-j <= 2; j-- {
		if placeholderEndsAt(s, j) {
			return true
		}
		if c := s[j-1]; c <= ' ' || c >= 0x80 || isAlnum(c) {
			break
		}
	}
	return false
}

// placeholderAhead reports whether a placeholder starts at offset i of s
// or after it with at most n bytes of ASCII spaces and punctuation between,
// on the same line (see placeholderEndsAt).
func placeholderAhead(s string, i, n int) bool {
	for j := i; j < len(s) && j-i <= n; j++ {
		if placeholderStartsAt(s, j) {
			return true
		}
		if c := s[j]; c >= 0x80 {
			// A wide blank ("４１１１　[REDACTED:EMAIL]") separates like a
			// blank; any other character beyond ASCII ends the look.
			r, w := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(r) {
				return false
			}
			j += w - 1
		} else if isAlnum(c) || c == '\n' {
			return false
		}
	}
	return false
}

// lineStartWithin returns the offset of the start of the line containing
// offset i, looking back at most n bytes (so i-n if the line is longer).
func lineStartWithin(s string, i, n int) int {
	lo := max(0, i-n)
	return lo + strings.LastIndexByte(s[lo:i], '\n') + 1
}

// contextBefore returns up to n bytes of s before offset i on the same line,
// starting after the last placeholder in that window, so that the word inside
// a placeholder ("[REDACTED:PHONE]") never serves as context, not even when
// the window starts in the middle of it.
func contextBefore(s string, i, n int) string {
	lo, hi := placeholderFree(s, lineStartWithin(s, i, n), i)
	return s[lo:hi]
}

// placeholderFree returns the bounds of the text of s[lo:i] after the last
// placeholder in it (lo if there is none), even one that starts before lo,
// and before a placeholder that starts in s[lo:i] and runs past i (i if
// there is none).
//
// A window measured in bytes reaches further in a text whose values were
// replaced by shorter placeholders; cut at the placeholders, a window in
// such a text never holds more than the same window held when the values
// were there.
func placeholderFree(s string, lo, i int) (int, int) {
	w := s[lo:i]
	if strings.IndexByte(w, ']') < 0 && strings.IndexByte(w, '[') < 0 {
		return lo, i // no part of a placeholder
	}
	// Cut after the last ']' that closes a placeholder, even one that
	// starts before the window (other ']' may follow it).
	for k := len(w); ; {
		k = strings.LastIndexByte(w[:k], ']')
		if k <= 0 {
			break
		}
		if inPlaceholder(s, lo+k-1) {
			w = w[k+1:]
			lo += k + 1
			break
		}
	}
	if k := strings.LastIndex(w, placeholderPrefix); k >= 0 && placeholderStartsAt(s, lo+k) {
		return lo, lo + k // a placeholder that runs past i
	}
	return lo, i
}

// placeholderFreeFrom returns the start of the text of s[lo:i] after the
// last placeholder in it (lo if there is none): the lower bound of
// placeholderFree.
func placeholderFreeFrom(s string, lo, i int) int {
	lo, _ = placeholderFree(s, lo, i)
	return lo
}

// placeholderFreeTo returns the end of the text of s[i:hi] before the
// first placeholder in it (hi if there is none): the mirror of
// placeholderFree.
func placeholderFreeTo(s string, i, hi int) int {
	if k := strings.Index(s[i:hi], placeholderPrefix); k >= 0 {
		return i + k
	}
	return hi
}

// nextPlaceholder returns the offset of the first whole placeholder that
// starts in s[b:e], or -1 ("[REDACTED:" that opens none is text).
func nextPlaceholder(s string, b, e int) int {
	for b < e {
		k := strings.Index(s[b:e], placeholderPrefix)
		if k < 0 {
			return -1
		}
		if placeholderStartsAt(s, b+k) {
			return b + k
		}
		b += k + 1
	}
	return -1
}

// holdsPlaceholder reports whether a whole placeholder starts in s[b:e].
func holdsPlaceholder(s string, b, e int) bool { return nextPlaceholder(s, b, e) >= 0 }

// pastPlaceholder returns i, or the end of the placeholder that offset i is
// inside: a window of text that starts at i then never begins with the
// category of a placeholder ("PHONE]"), which a window measured in bytes
// can reach in a text whose values were replaced and not in the original.
func pastPlaceholder(s string, i int) int {
	if i >= len(s) || !inPlaceholder(s, i) {
		return i
	}
	return i + strings.IndexByte(s[i:], ']') + 1
}

// contextAfter returns up to n bytes of s from offset i on the same line,
// ending before the first placeholder in that window: the mirror of
// contextBefore.
func contextAfter(s string, i, n int) string {
	return s[i:placeholderFreeTo(s, i, min(lineEnd(s, i), i+n))]
}

// windowAround returns up to n bytes of s on each side of offset i, across
// lines, cut at the nearest placeholder on each side (see
// placeholderFree).
func windowAround(s string, i, n int) string {
	lo, hi := placeholderFree(s, max(0, i-n), i)
	if hi < i {
		return s[lo:hi] // i is inside a placeholder
	}
	return s[lo:placeholderFreeTo(s, i, min(len(s), i+n))]
}

// wordSet is a small set of context words, indexed by lower-cased first
// byte, with the second bytes each first byte may be followed by: most
// offsets of a text are refused by one bit test.
type wordSet struct {
	first   [256]uint8 // 1 + the index in buckets of the words that start with a byte; 0 if none
	buckets []wordBucket
}

// wordBucket holds the words of a wordSet that start with one byte.
type wordBucket struct {
	words  []string
	second [4]uint64 // the second bytes of the words (every byte if a word has one)
}

// follows reports whether a word of b may have c as its second byte.
func (b *wordBucket) follows(c byte) bool { return b.second[c>>6]&(1<<(c&63)) != 0 }

func newWordSet(words ...string) *wordSet {
	var ws wordSet
	for _, w := range withCapitals(words) {
		w = asciiLower(w)
		k := ws.first[w[0]]
		if k == 0 {
			ws.buckets = append(ws.buckets, wordBucket{})
			k = uint8(len(ws.buckets))
			ws.first[w[0]] = k
		}
		b := &ws.buckets[k-1]
		b.words = append(b.words, w)
		if len(w) == 1 {
			b.second = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
		} else {
			b.second[w[1]>>6] |= 1 << (w[1] & 63)
		}
	}
	if len(ws.buckets) > 255 {
		panic("wordSet: more than 255 first bytes")
	}
	return &ws
}

// withCapitals returns words and, for each that starts with a lower-case
// letter beyond ASCII, the same word capitalized ("Điện thoại", "Телефон",
// "Όνομα"): a wordSet folds ASCII case only, and a label starts with a
// capital.
func withCapitals(words []string) []string {
	out := words
	for _, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		if r < 0x80 || !unicode.IsLower(r) {
			continue
		}
		if u := unicode.ToUpper(r); u != r {
			if len(out) == len(words) {
				out = slices.Clone(words)
			}
			out = append(out, string(u)+w[n:])
		}
	}
	return out
}

// bucket returns the words that start with c (lower case), or nil.
func (ws *wordSet) bucket(c byte) *wordBucket {
	if k := ws.first[c]; k != 0 {
		return &ws.buckets[k-1]
	}
	return nil
}

// has reports whether w is one of the words, ignoring ASCII case.
func (ws *wordSet) has(w string) bool {
	if w == "" {
		return false
	}
	b := ws.bucket(lower(w[0]))
	if b == nil || len(w) > 1 && !b.follows(lower(w[1])) {
		return false
	}
	for _, k := range b.words {
		if equalFold(w, k) {
			return true
		}
	}
	return false
}

// in reports whether w contains one of the words, ignoring ASCII case. A
// word that starts with an ASCII letter must start a word of w (not follow
// another letter); other words match anywhere.
func (ws *wordSet) in(w string) bool { return ws.inBounded(w, 0) }

// inBounded is in, except that a word of at most short bytes that ends
// with an ASCII letter must also end a word of w ("tel" in "tel." but not
// in "telemetry").
func (ws *wordSet) inBounded(w string, short int) bool {
	for i := 0; i < len(w); i++ {
		c := lower(w[i])
		b := ws.bucket(c)
		if b == nil || isAlpha(c) && i > 0 && isAlpha(w[i-1]) || i+1 < len(w) && !b.follows(lower(w[i+1])) {
			continue
		}
		for _, k := range b.words {
			if hasPrefixFold(w[i:], k) &&
				(len(k) > short || !isAlpha(k[len(k)-1]) || i+len(k) == len(w) || !isAlpha(w[i+len(k)])) {
				return true
			}
		}
	}
	return false
}

// runClasses are the character classes an ASCII run holds: lower-case and
// upper-case letters, digits, and anything else.
type runClasses struct{ lower, upper, digit, other bool }

// classesOf returns the character classes of v.
func classesOf(v string) (c runClasses) {
	for i := 0; i < len(v); i++ {
		switch b := v[i]; {
		case isLower(b):
			c.lower = true
		case isUpper(b):
			c.upper = true
		case isDigit(b):
			c.digit = true
		default:
			c.other = true
		}
	}
	return c
}
