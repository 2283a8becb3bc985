package redact

import (
	"strings"
	"unicode/utf8"
)

// Answers in a chat export. One person asks for a password or a code and
// another answers with it in the next message, or the same person says it
// is and sends it on its own:
//
//	[21:10] Sara: qual è la password di Disney+?
//	[21:12] Marco: Disney_Famiglia22
//
//	[09:14] Priya: pwd for the shared drive is
//	[09:14] Priya: Drive$hare_2025
//
// The line with the word must end in a question mark or a connector ("is",
// "es", "ist"), and the answer is the whole text of one of the next three
// messages, after at most two short ones without digits ("Moment",
// "attends", "es").

// chatAnswerLines is how many messages after the question are read.
const chatAnswerLines = 4

// chatAnswer reports the answer to the question about a password or a PIN
// (kind 'p' or 'n', as proseWord) whose word ends at s[p].
func chatAnswer(dst []Span, s string, p int, kind byte) []Span {
	if kind != 'p' && kind != 'n' {
		return dst // a word for a code: "the code we sent by SMS?" asks for a one-time code
	}
	rest, le := questionLine(s, p)
	if le < 0 {
		return dst // the common case, read first: no question, or no next line
	}
	if holdsPlaceholder(s, p, le) {
		return dst // a placeholder, which may have replaced the line's end
	}
	if first, _, _ := strings.Cut(strings.TrimLeft(rest, " "), " "); aboutPasswords.has(strings.ToLower(strings.TrimRight(first, "?？؟"))) {
		return dst // "what's the password policy?"
	}
	i := le + 1
	for n := 0; n < chatAnswerLines && i < len(s); n++ {
		e := lineEnd(s, i)
		ts := chatMessageText(s, i, e)
		if ts < 0 || holdsPlaceholder(s, i, e) {
			return dst // not a message; or one whose text a placeholder replaced
		}
		te := e
		for te > ts && (s[te-1] == ' ' || s[te-1] == '\r' || s[te-1] == '\t') {
			te--
		}
		v := s[ts:te]
		if strings.IndexByte(v, ' ') < 0 && (gluedValue(v, kind) || kind == 'p' && passphraseShape(v)) && !hashOrID(v) && !strings.Contains(v, "://") && v[0] != '/' {
			return append(dst, Span{Start: ts, End: te})
		}
		if kind == 'n' {
			// A PIN and what to do with it: "4471 then press ON".
			if first, rest, ok := strings.Cut(v, " "); ok && pinValue(first) && !strings.ContainsAny(rest, "0123456789") {
				return append(dst, Span{Start: ts, End: ts + len(first)})
			}
			// The one number of the answer: "ze denkt 58213 maar die
			// wordt afgewezen".
			if ps, pe := onlyDigitRun(s, ts, te); pe > ps && pinValue(s[ps:pe]) {
				return append(dst, Span{Start: ps, End: pe})
			}
		}
		if kind == 'p' {
			// An afterthought: "oh and it's saffron3398ZZF in case anyone
			// asks", "ach so, es ist X, falls …", "its X now".
			if vs, ve := answerInMessage(s, ts, te); ve > vs {
				return append(dst, Span{Start: vs, End: ve})
			}
		}
		if strings.ContainsAny(v, "0123456789") {
			return dst // the conversation went on
		}
		i = e + 1
	}
	return dst
}

// answerInMessage returns a password stated in the message text
// s[ts:te] after a connector ("it's X", "es ist X", "c'est X", "its X
// now"): a value of mixed classes (gluedValue) right after it, or an
// empty range.
func answerInMessage(s string, ts, te int) (vs, ve int) {
	for i := ts; i < te; i++ {
		if i > ts && s[i-1] != ' ' && s[i-1] != ',' {
			continue // a connector starts a word
		}
		c, n := connectorAt(s[:te], i)
		for _, w := range afterthoughts {
			if n == 0 && hasPrefixFold(s[i:te], w) {
				c, n = w, len(w) // "oh and it's X", "its X now", as chat writes it
			}
		}
		if n == 0 || c == "-" || c == "=" || c == ":" || c == "to" {
			continue
		}
		v := skipBlanks(s[:te], i+n)
		if v >= te {
			return 0, 0
		}
		vs, ve, quoted := proseValueAt(s[:te], v, passwordMax)
		if ve > vs && !quoted && (gluedValue(s[vs:ve], 'p') || passphraseShape(s[vs:ve])) && !hashOrID(s[vs:ve]) && !strings.Contains(s[vs:ve], "://") {
			return vs, ve // "es ist X", "O caseiro disse que é harbor-velvet-cinder"
		}
	}
	return 0, 0
}

// afterthoughts introduce a value given as an afterthought, without a
// connector: "it's X", "by the way X", "bu arada X", "кстати, он X",
// "참고로 X이에요", "वैसे वो X है", "ちなみにXです".
var afterthoughts = [...]string{
	"its ", "it's ", "it’s ", "it is ", "by the way, ", "by the way ", "btw ", "übrigens ", "trouwens ",
	"au fait, ", "au fait ", "por cierto, ", "por cierto ", "aliás, ", "aliás ", "comunque ", "przy okazji ",
	"кстати, он ", "кстати, она ", "кстати ", "bu arada ", "بالمناسبة ", "वैसे वो ", "वैसे ", "참고로 ",
	"ちなみに", "顺便说一下，", "对了，",
}

// onlyDigitRun returns the bounds of the only run of ASCII digits in
// s[ts:te] when it stands alone as a word, or an empty range.
func onlyDigitRun(s string, ts, te int) (int, int) {
	ps, pe := -1, -1
	for i := ts; i < te; i++ {
		if !isDigit(s[i]) {
			continue
		}
		if ps >= 0 {
			return 0, 0 // a second number
		}
		ps = i
		for pe = i; pe < te && isDigit(s[pe]); pe++ {
		}
		i = pe
	}
	if ps < 0 || ps > ts && isWord(s[ps-1]) || pe < te && (isWord(s[pe]) || s[pe] == '.' || s[pe] == '/' || s[pe] == ':') {
		return 0, 0
	}
	return ps, pe
}

// asksForAnswer reports a line that, from s[p] on, asks for a value the
// next messages give (see chatAnswer): its value is not in the sentence,
// whatever chatAnswer finds.
func asksForAnswer(s string, p int) bool {
	_, le := questionLine(s, p)
	return le >= 0
}

// questionLine returns the rest of the line from s[p] on, trailing blanks
// cut, and its end, when it asks for a value the next messages give: it
// ends in a question mark, a connector, or a question and a short remark,
// and a next line follows within 160 bytes (a bounded search keeps long
// lines linear). Otherwise le is -1.
func questionLine(s string, p int) (rest string, le int) {
	k := strings.IndexByte(s[p:min(len(s), p+161)], '\n')
	if k < 0 {
		return "", -1
	}
	rest = strings.TrimRight(s[p:p+k], " \t\r")
	if !endsInQuestion(rest) && !endsInConnector(rest) && !questionThenRemark(rest) {
		return "", -1
	}
	return rest, p + k
}

// questionThenRemark reports a question that a short remark without
// digits follows on its line ("… pw again? the vault path is empty",
// "पासवर्ड क्या है? बच्चों को कार्टून देखना है"): at most 80 bytes after the
// last question mark.
func questionThenRemark(rest string) bool {
	// The last question mark within the last 84 bytes; a digit after it
	// ends the search.
	k := -1
	for j := len(rest) - 1; j >= 0 && len(rest)-j <= 84; j-- {
		if isDigit(rest[j]) {
			return false
		}
		if n := questionAt(rest, j); n > 0 {
			k = j + n
			break
		}
	}
	return k > 0 && k < len(rest) && len(rest)-k <= 80 && isSpace(rest[k])
}

// questionMarks are the question marks of the scripts read: ASCII,
// full-width (CJK) and Arabic.
var questionMarks = [...]string{"?", "？", "؟"}

// endsInQuestion reports whether text ends in a question mark.
func endsInQuestion(text string) bool {
	for _, q := range questionMarks {
		if strings.HasSuffix(text, q) {
			return true
		}
	}
	return false
}

// questionAt returns the length of the question mark that starts at s[i],
// or 0.
func questionAt(s string, i int) int {
	if i >= len(s) || s[i] < 0x80 && s[i] != '?' {
		return 0 // most bytes: no mark starts with another ASCII byte
	}
	for _, q := range questionMarks {
		if strings.HasPrefix(s[i:], q) {
			return len(q)
		}
	}
	return 0
}

// questionEnds reports whether a question mark that ends a clause starts
// at s[i]: the text ends or a blank follows it ("Canal+ ?", not the "?#"
// that starts a token).
func questionEnds(s string, i int) bool {
	n := questionAt(s, i)
	return n > 0 && (i+n >= len(s) || isSpace(s[i+n]))
}

// endsInConnector reports whether the last word of text is a connector
// ("pwd for the shared drive is").
func endsInConnector(text string) bool {
	k := strings.LastIndexByte(text, ' ')
	if k < 0 {
		return false
	}
	w := text[k+1:]
	c, n := connectorAt(w, 0)
	return n == len(w) && n > 0 && c != "-" && c != "=" && utf8.RuneCountInString(w) > 1
}

// chatMessageText returns the offset of a message's text on the line
// s[i:e] of a chat export ("[21:12] Marco: text", "[3/14/25, 21:02:40]
// Mike: text", "14.03.25, 18:05 - Ben: text", "@eve: text", "我：text"),
// or -1 if the line is no message. The sender is up to three words of at
// most 32 bytes.
func chatMessageText(s string, i, e int) int {
	j := i
	switch {
	case j < e && s[j] == '[':
		k := strings.IndexByte(s[j:min(e, j+40)], ']')
		if k < 0 {
			return -1
		}
		j = skipBlanks(s, j+k+1)
	case j < e && isDigit(s[j]):
		k := strings.Index(s[j:min(e, j+28)], " - ")
		if k < 0 {
			return -1
		}
		j += k + 3
	}
	if j < e && s[j] == '@' {
		j++
	}
	ns, words := j, 1
	for ; j < e && j-ns <= 32; j++ {
		switch c := s[j]; {
		case c == ':':
			if j == ns || j+1 < e && s[j+1] != ' ' {
				return -1
			}
			return skipBlanks(s, j+1)
		case strings.HasPrefix(s[j:], "："):
			if j == ns {
				return -1
			}
			return skipBlanks(s, j+len("："))
		case c == ' ':
			if words++; words > 3 {
				return -1
			}
		case strings.IndexByte("\"'`<>[](){}=/\\|;,?!", c) >= 0:
			return -1
		}
	}
	return -1
}
