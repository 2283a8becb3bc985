package redact

import "strings"

// Passwords given with a verb for logging in, without a word for
// password: "Use 0cpU$Hcx0RB7dIv to log in", "Melde dich mit X an",
// "Zaloguj się X", "初回はXでログインして". The finder is called at
// the verb and takes, on its line and within loginWindow bytes either
// side, one run of ASCII that only a generated password looks like
// (strongPassword): prose near a login verb holds user names, services
// and URLs, never such a run by chance.

// loginVerbs are the verbs (and nouns) for logging in, in the languages
// of the prose rules.
var loginVerbs = []string{
	"log in", "login", "log on", "logon", "sign in", "signin",
	"anmelden", "melde dich", "einloggen", "logge dich",
	"iniciar sesión", "inicia sesión", "para entrar", "entra com", "entrar com", "primo accesso", "accedi",
	"inloggen", "log de", "zaloguj", "zalogować", "заходи", "войди", "войти",
	"girişte", "giriş yap", "ادخل", "تسجيل الدخول", "लॉगिन", "ログイン", "로그인", "登录", "登入", "đăng nhập",
}

// loginTitles holds the form of each of loginVerbs that starts with a
// capital outside ASCII (Заходи), or "" (see withTitles).
var loginTitles = func() []string {
	t := make([]string, len(loginVerbs))
	for k, v := range loginVerbs {
		t[k] = titleVariant(v)
	}
	return t
}()

// loginWindow is how far from the verb the value may stand.
const loginWindow = 64

// findLoginValue reports a generated password near a verb for logging
// in, called at the verb. A window that holds a placeholder decides
// toward no match: what a first pass replaced may have moved a value
// into it, or been the value.
func findLoginValue(dst []Span, s string, at int) []Span {
	if at > 0 && s[at] < 0x80 && (isWord(s[at-1]) || s[at-1] == '/' || s[at-1] == '"' || s[at-1] == '\'' || s[at-1] == '=') {
		return dst // inside a word (blogin), a path (/login), a string or a value ("msg":"login ok")
	}
	whole := false
	for k, v := range loginVerbs {
		if hasPrefixFold(s[at:], v) || loginTitles[k] != "" && strings.HasPrefix(s[at:], loginTitles[k]) {
			e := at + len(v)
			whole = whole || v[0] >= 0x80 || e >= len(s) || !isAlpha(s[e])
		}
	}
	if !whole {
		return dst // signingKey, logins
	}
	lo := max(lineStartWithin(s, at, loginWindow), at-loginWindow)
	hi := min(lineEnd(s, at), at+loginWindow)
	if holdsPlaceholder(s, lo, hi) || lo < at && inPlaceholder(s, lo) || hi > at && inPlaceholder(s, hi-1) {
		return dst
	}
	fs, fe := oneRun(s, lo, hi, false, strongPassword)
	if fs < 0 || fe < len(s) && fe == hi && hi < lineEnd(s, at) {
		return dst // none, two (not one password given), or one the window cut
	}
	return append(dst, Span{Start: fs, End: fe})
}

// oneRun returns the bounds of the one run of printable ASCII in s[lo:hi]
// that ok accepts, quotes and brackets around it and sentence punctuation
// after it left out; -1, -1 when there is none or more than one. With
// sentence set, a run that ends in a full stop before a blank ends the
// search.
func oneRun(s string, lo, hi int, sentence bool, ok func(string) bool) (int, int) {
	fs, fe := -1, -1
	for i := lo; i < hi; {
		if s[i] <= ' ' || s[i] >= 0x7f {
			i++
			continue
		}
		e := i
		for e < hi && s[e] > ' ' && s[e] < 0x7f {
			e++
		}
		vs, ve := i, e
		for vs < ve && strings.IndexByte("\"'`([{<«", s[vs]) >= 0 {
			vs++
		}
		for ve > vs && strings.IndexByte("\"'`)]}>».,;:!?", s[ve-1]) >= 0 {
			ve--
		}
		if ok(s[vs:ve]) {
			if fs >= 0 {
				return -1, -1
			}
			fs, fe = vs, ve
		}
		if sentence && e < hi && s[e-1] == '.' && s[e] == ' ' {
			break // a full stop ends the sentence
		}
		i = e
	}
	return fs, fe
}

// strongPassword reports a run that only a generated password looks
// like: ten bytes or more with lower-case and upper-case letters, a digit
// and a symbol, and no run of five lower-case letters; no quote, slash, colon,
// backslash, brace, comma or semicolon (a string of JSON, a path, a time,
// the fields of a row), no e-mail address
// and no placeholder.
func strongPassword(v string) bool {
	if len(v) < 10 || len(v) > 64 || strings.ContainsAny(v, "\"/:\\{},;") || isPlaceholderValue(v) {
		return false // also a path, a time, a string of JSON, fields of a CSV row
	}
	if at := strings.IndexByte(v, '@'); at > 0 && strings.IndexByte(v[at:], '.') > 0 {
		return false // an e-mail address
	}
	// A generated password has no word in it: identifiers and user names
	// (OAuth2PasswordRequestForm) have runs of lower-case letters.
	c := classesOf(v)
	return c.lower && c.upper && c.digit && c.other && lowerRun(v) < 5
}

// The old password of a sentence that gave the new one: "Das alte
// („Apfelbaum&8886“) geht noch bis Montag", "L'ancien, « Soleil&192 »,
// marche jusqu'à lundi". The finder is called at a word for "old" and
// takes a quoted value of a password's shape within oldWindow bytes after
// it, when a word for password stands before it in the text.

// oldWords are the words for "old" or "previous" such sentences use, in
// the languages of the prose rules (English "old" is too common a byte
// run to key on).
var oldWords = []string{
	"das alte", "die alte", "ancien", "vieja", "antigua", "antiga", "vecchia", "oude", "старый", "старое", "eskisi",
	"القديمة", "पुराना", "古い", "예전", "旧的", "cũ",
}

// oldWindow is how far after the word the quote may open.
const oldWindow = 24

// findOldPassword reports the quoted old password after a word of
// oldWords at s[at].
func findOldPassword(dst []Span, s string, at int) []Span {
	if at > 0 && s[at] < 0x80 && isAlpha(s[at-1]) {
		return dst
	}
	lo := max(0, at-200)
	if holdsPlaceholder(s, lo, min(len(s), at+oldWindow+64)) || inPlaceholder(s, lo) || !passwordWordIn(s[lo:at]) {
		return dst // a placeholder in the 200 bytes read may have brought the word for password into them
	}
	for i := at; i < len(s) && i-at <= oldWindow; i++ {
		if s[i] == '\n' {
			return dst
		}
		if !openQuoteAt(s, i) {
			continue
		}
		if vs, ve, quoted := proseValueAt(s, i, passwordMax); quoted && ve > vs {
			for vs < ve && s[vs] == ' ' {
				vs++ // « Soleil&192 »
			}
			for ve > vs && s[ve-1] == ' ' {
				ve--
			}
			v := s[vs:ve]
			if strings.IndexByte(v, ' ') < 0 && strongShape(v) && strings.IndexFunc(v, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 &&
				len(v) >= 6 && !isPlaceholderValue(v) {
				return append(dst, Span{Start: vs, End: ve})
			}
			return dst
		}
	}
	return dst
}

// passwordWordIn reports a word for password in w, in any of the
// languages of the prose rules.
func passwordWordIn(w string) bool {
	w = withoutPlaceholders(w) // "[REDACTED:PASSWORD]" names no password
	if indexFold(w, "password") >= 0 || indexFold(w, "passwort") >= 0 || indexFold(w, "kennwort") >= 0 {
		return true
	}
	for _, p := range localPasswords {
		if strings.Contains(w, p) {
			return true
		}
	}
	for _, p := range [...]string{"şifre", "Şifre", "mật khẩu", "Mật khẩu", "parola", "Hasło"} {
		if strings.Contains(w, p) {
			return true
		}
	}
	return false
}

// A user name and a generated password with a slash between them after
// a label's colon, as runbooks, tickets and minutes give an account:
// "Emergency account: ext_migra / !u=$ikv7H2qJ3FiK". The finder is called
// at " / " and takes the run after it when only a generated password looks
// like it (strongPassword), after a user name of letters, digits and
// "._-@" right after the colon (a command and its argument, "chroot / X",
// have none).

// findUserSlashPassword reports the password of "user / password" at the
// " / " at s[at].
func findUserSlashPassword(dst []Span, s string, at int) []Span {
	if at < 2 || at+3 >= len(s) || s[at] != ' ' || s[at+1] != '/' || s[at+2] != ' ' {
		return dst
	}
	b := at
	for b > 0 && at-b < 32 && (isAlnum(s[b-1]) || strings.IndexByte("._-@", s[b-1]) >= 0) {
		b--
	}
	if b == at || at-b >= 32 || !isAlpha(s[b]) || !labelBefore(s, b) {
		return dst // no user name, the end of a longer token, or no label ("chroot / X")
	}
	vs := at + 3
	ve := vs
	for ve < len(s) && s[ve] > ' ' && s[ve] < 0x7f && ve-vs <= 64 {
		ve++
	}
	for ve > vs && strings.IndexByte(".,;:)!?", s[ve-1]) >= 0 && !strongPassword(s[vs:ve]) {
		ve-- // sentence punctuation after the password, unless it is part of it
	}
	if ve-vs > 64 || ve < len(s) && s[ve] >= 0x7f || holdsPlaceholder(s, b, ve) || !strongPassword(s[vs:ve]) {
		return dst
	}
	return append(dst, Span{Start: vs, End: ve})
}

// labelBefore reports a colon and blanks, or a full-width colon, right
// before s[b].
func labelBefore(s string, b int) bool {
	k := skipBlanksBack(s, b)
	return k < b && k > 0 && s[k-1] == ':' || strings.HasSuffix(s[:k], "：")
}

// SNMP community strings stated after their name: "SNMP v2c community
// (monitoring only): n0c-o03u1ys5DB", "the snmp community string is X".
// The finder is called at "snmp" and reads, on its line, "community" (and
// "string") within 24 bytes, an optional aside in parentheses, a colon, an
// equals sign or "is", and a value that looks like a password.

// findSNMPCommunity reports the community string after "snmp … community"
// at s[at].
func findSNMPCommunity(dst []Span, s string, at int) []Span {
	if at > 0 && isWord(s[at-1]) {
		return dst
	}
	le := lineEnd(s, at)
	k := indexFold(s[at:min(le, at+32)], "community")
	if k < 0 {
		return dst
	}
	p := at + k + len("community")
	if p < le && isWord(s[p]) {
		return dst // communityName, communities
	}
	q := skipBlanks(s, p)
	if hasPrefixFold(s[q:], "string") {
		q = skipBlanks(s, q+len("string"))
	}
	if e := parenLabel(s, q); e > 0 {
		q = e // "(monitoring only):"
	}
	switch {
	case q < le && (s[q] == ':' || s[q] == '='):
		q = skipBlanks(s, q+1)
	case hasPrefixFold(s[q:], "is "):
		q = skipBlanks(s, q+3)
	default:
		return dst
	}
	if q >= le || holdsPlaceholder(s, at, min(le, q+64)) {
		return dst
	}
	vs, ve, _ := proseValueAt(s[:le], q, passwordMax)
	if ve <= vs || !acceptValue(s[vs:ve], "community", Password, false) || !strongShape(s[vs:ve]) {
		return dst
	}
	return append(dst, Span{Start: vs, End: ve})
}
