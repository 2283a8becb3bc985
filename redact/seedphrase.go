package redact

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// Wallet seed phrases (BIP-39 mnemonics) stated after a word that names
// one: "my seed phrase is orbit tunnel wagon … mixture", "recovery phrase:
// …", "助记词：…". The phrase is 12, 15, 18, 21 or 24 words of BIP-39's
// English word list, separated by single blanks (a numbered list, "1.
// orbit 2. tunnel …", is not read); the run of such words is cut to the
// longest of those counts, so the prose after the phrase stays; or the
// first such run within a few lines after the name. It is the
// wallet itself: whoever reads it holds the funds. The checksum in the
// last word is not checked: people retype phrases, and a phrase written
// for an example has none.

// bip39English is BIP-39's English word list (bitcoin/bips,
// bip-0039/english.txt), one word a line, in order.
//
//go:embed bip39_english.txt
var bip39English string

// bip39Words returns the words of bip39English, sorted.
var bip39Words = sync.OnceValue(func() []string { return strings.Fields(bip39English) })

// isBIP39Word reports a word of BIP-39's English list.
func isBIP39Word(w string) bool {
	_, ok := slices.BinarySearch(bip39Words(), w)
	return ok
}

// seedPhraseWords name a seed phrase, lower case.
var seedPhraseWords = []string{
	"seed phrase", "seed words", "seed", "recovery phrase", "secret recovery phrase", "mnemonic", "mnemonic phrase",
	"backup phrase", "wallet phrase", "wallet seed",
	"frase semilla", "frase de recuperación", "frase de recuperacion", "frase semente", "frase de recuperação",
	"phrase de récupération", "phrase secrète de récupération", "phrase mnémonique", "wiederherstellungsphrase",
	"seed-phrase", "frase di recupero", "herstelzin", "fraza odzyskiwania", "сид-фраза", "сид фраза",
	"мнемоническая фраза", "kurtarma ifadesi", "عبارة الاسترداد", "助记词", "助記詞", "シードフレーズ", "복구 문구",
	"cụm từ khôi phục",
}

// seedPhraseKeywords are the keywords of the rule: a word of every name in
// seedPhraseWords that text seldom holds otherwise (the finder looks back
// from it for the whole name). "recovery" or "backup" would make every
// "recorded" and "back" a candidate of the keyword index.
var seedPhraseKeywords = []string{
	"seed", "mnemonic", "phrase", "frase", "fraza", "wiederherstellungsphrase", "herstelzin", "сид", "фраза",
	"ifadesi", "الاسترداد", "助记词", "助記詞", "シードフレーズ", "문구", "khôi phục",
}

// findSeedPhrase reports the seed phrase after a word that names one and
// holds the keyword at s[at].
func findSeedPhrase(dst []Span, s string, at int) []Span {
	// The keyword at s[at], then the longest name that holds it there.
	kw := ""
	for _, k := range seedPhraseKeywords {
		if hasPrefixFold(s[at:], k) {
			kw = k
			break
		}
	}
	if kw == "" {
		return dst
	}
	b, n := -1, 0
	for _, w := range seedPhraseWords {
		k := strings.Index(w, kw)
		if k < 0 || len(w) <= n || at < k || !hasPrefixFold(s[at-k:], w) {
			continue
		}
		i := at - k
		if i > 0 && s[i] < 0x80 && (isWord(s[i-1]) || s[i-1] == '-') {
			continue // inside a word or a key
		}
		b, n = i, len(w)
	}
	if n == 0 {
		return dst
	}
	p := b + n
	if p < len(s) && s[p] < 0x80 && isWord(s[p]) {
		return dst // "seedling", "mnemonics"
	}
	// A connector, a short phrase ("of my wallet is"), or nothing.
	q := p
	for k := 0; k < 6 && q < len(s); k++ {
		q = skipBlanks(s, q)
		if _, c := connectorAt(s, q); c > 0 {
			q = skipBlanks(s, q+c)
			break
		}
		if start, e := seedWords(s, q); e > start {
			break
		}
		e := proseWordEnd(s, q)
		if e == q {
			break
		}
		q = e
	}
	if q < len(s) && (s[q] == '"' || s[q] == '\'' || s[q] == '`') {
		q++
	}
	if start, e := seedWords(s, q); e > start {
		return append(dst, Span{Start: start, End: e})
	}
	// Or a few lines on, as a chat gives it after the question or the
	// warning that names it ("… the recovery phrase into the app?\n… oops,
	// I already typed it into their chat: orbit tunnel …"): the first run
	// of such words that starts a word within seedAhead bytes, when no
	// placeholder stands between (what it replaced may have been longer).
	if w := s[b : b+n]; strings.IndexByte(w, ' ') < 0 && w[0] < 0x80 {
		return dst // only a name of several words looks ahead: "seed" and "mnemonic" name other things in code
	}
	for i := p; i < len(s) && i-p < seedAhead; i++ {
		if s[i] < 'a' || s[i] > 'z' || i > 0 && (isWord(s[i-1]) || s[i-1] >= 0x80) {
			continue
		}
		if start, e := seedWords(s, i); e > start {
			if holdsPlaceholder(s, p, start) {
				return dst
			}
			return append(dst, Span{Start: start, End: e})
		}
	}
	return dst
}

// seedAhead is how far after its name a seed phrase may start.
const seedAhead = 320

// seedWords returns the bounds of the first 12, 15, 18, 21 or 24 words of
// BIP-39's English list at s[i], single blanks between them (as many as
// the run of such words holds, the largest of those counts).
func seedWords(s string, i int) (int, int) {
	words, p := 0, i
	var ends [24]int
	for p < len(s) && words < 24 {
		e := p
		for e < len(s) && s[e] >= 'a' && s[e] <= 'z' {
			e++
		}
		if e-p < 3 || e-p > 8 || e < len(s) && (isWord(s[e]) || s[e] >= 0x80) || !isBIP39Word(s[p:e]) {
			break
		}
		ends[words] = e
		words++
		if e+1 < len(s) && s[e] == ' ' && s[e+1] >= 'a' && s[e+1] <= 'z' {
			p = e + 1
			continue
		}
		break
	}
	if words < 12 {
		return 0, 0
	}
	n := words - words%3 // 12, 15, 18, 21 or 24
	return i, ends[n-1]
}
