package redact

import "strings"

// Passwords given with a verb for logging in, without a word for
// password: "Use 0cpU$Hcx0RB7dIv to log in", "Melde dich mit X an",
// "Connecte-toi avec X", "初回はXでログインして". The finder is called at
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
	for _, v := range loginVerbs {
		if hasPrefixFold(s[at:], v) {
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
		if strongPassword(s[vs:ve]) {
			if fs >= 0 {
				return dst // two candidates: not one password given
			}
			fs, fe = vs, ve
		}
		i = e
	}
	if fs < 0 || fe < len(s) && fe == hi && hi < lineEnd(s, at) {
		return dst // none, or one the window cut
	}
	return append(dst, Span{Start: fs, End: fe})
}

// strongPassword reports a run that only a generated password looks
// like: ten bytes or more with lower-case and upper-case letters, a digit
// and a symbol, and no run of five lower-case letters; no quote, slash, colon,
// backslash or brace (a string of JSON, a path, a time), no e-mail address
// and no placeholder.
func strongPassword(v string) bool {
	if len(v) < 10 || len(v) > 64 || strings.ContainsAny(v, "\"/:\\{}") || isPlaceholderValue(v) {
		return false // also a path, a time, a string of JSON
	}
	var lower, upper, digit, symbol bool
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case isLower(c):
			lower = true
		case isUpper(c):
			upper = true
		case isDigit(c):
			digit = true
		default:
			symbol = true
		}
	}
	if at := strings.IndexByte(v, '@'); at > 0 && strings.IndexByte(v[at:], '.') > 0 {
		return false // an e-mail address
	}
	// A generated password has no word in it: identifiers and user names
	// (OAuth2PasswordRequestForm) have runs of lower-case letters.
	return lower && upper && digit && symbol && lowerRun(v) < 5
}
