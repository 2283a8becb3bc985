package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Secrets stated in prose: what the prose grammar (proseAt) needs to read
// keys, tokens and secrets besides the words of proseWords.
//
//   - A word that says which secret a bare word names makes it definite:
//     "the signing key", "our HMAC secret", "the session secret", "API
//     gizli anahtarı", "la chiave segreta", "المفتاح السري". Such a key
//     may be a hex digest (a bare "key is <sha>" is more often a hash) and
//     may follow the word without a connector when quoted ("invalid api
//     secret 'X'").
//   - A word that says the key is no secret or not the key itself stops
//     the rule: "the public key is MCow…", "the key fingerprint is
//     SHA256:…", "the token count is", "nextPageToken".
//   - A key name written in prose (app_secret_key, clientSecret,
//     SECRET_KEY, db_pwd) is read as the word it ends with, and is
//     definite.
//   - A qualifier in parentheses may stand before the connector
//     ("encryption key (AES-256, hex): X", "رمز الوصول (token): X"), and a
//     clause may name the new value of a secret the sentence began with
//     ("we rotated the session secret yesterday; the new one is X").
//   - Without a connector, a value right after the word is read only when
//     it looks machine-made: 20 bytes or more of mixed case and digits
//     ("server … en token X", "erişim token'ı X").
//
// Prose about keys and tokens stays: "the key insight is …", "a token is
// 4 characters on average", "the secret to good prompts is specificity"
// (no machine-made value follows).

// secretQualifiers, before or after a word for a key, token or secret,
// say which secret it is.
var secretQualifiers = newWordSet(
	// en
	"signing", "signature", "session", "client", "hmac", "encryption", "decryption", "master", "private",
	"api", "app", "application", "access", "auth", "authentication", "secret", "webhook", "jwt", "shared",
	"bot", "refresh", "deploy", "deployment", "runner", "admin", "service", "personal", "oauth", "consumer",
	"csrf", "aes", "cipher", "totp", "otp", "integration", "license", "licence", "cookie", "root",
	// de, fr, es, pt, it, nl, pl
	"geheimer", "geheime", "geheimen", "privater", "privaten", "signatur", "secrète", "secrete", "privée",
	"privee", "chiffrement", "accès", "acces", "secreta", "privada", "cifrado", "firma", "sesión", "sesion",
	"acceso", "criptografia", "assinatura", "sessão", "acesso", "segreta", "privata", "crittografia",
	"cifratura", "sessione", "accesso", "privé", "prive", "versleuteling", "ondertekening", "sessie",
	"toegang", "tajny", "tajnego", "prywatny", "szyfrowania", "podpisu", "sesji", "dostępu",
	// ru, tr, ar, hi
	"секретный", "секретного", "приватный", "закрытый", "шифрования", "подписи", "сессии", "доступа",
	"gizli", "özel", "şifreleme", "imza", "oturum", "erişim", "السري", "الخاص", "التشفير", "التوقيع",
	"الجلسة", "الوصول", "गुप्त", "निजी", "एपीआई", "एक्सेस",
)

// notSecretBefore, before a word for a key or token, name one that is no
// secret: a public key, a database key, a page token.
var notSecretBefore = newWordSet(
	"public", "host", "primary", "foreign", "composite", "sort", "partition", "cache", "idempotency", "dedup",
	"deduplication", "page", "next", "pagination", "continuation", "cursor", "sync", "lookup", "routing",
	"object", "unique", "surrogate", "natural", "row", "shard", "map", "dictionary", "dict", "registry",
	"öffentlicher", "öffentliche", "öffentlichen", "publique", "pública", "publica", "pubblica", "publieke",
	"publiczny", "публичный", "открытый", "açık", "العام",
)

// notSecretAfter, after a word for a key or token, say the value is not
// the secret but something about it.
var notSecretAfter = newWordSet(
	"id", "ids", "fingerprint", "fingerprints", "hash", "digest", "name", "type", "length", "size", "format",
	"alias", "version", "prefix", "arn", "path", "file", "url", "uri", "count", "limit", "limits", "usage",
	"budget", "window", "ttl", "lifetime", "expiry", "expiration", "policy", "rotation", "store", "manager",
	"vault", "pair", "empreinte", "fingerabdruck", "huella", "impronta",
)

// secretPreps may stand between a word for a key and the word that says
// which ("clé de chiffrement", "chiave di crittografia").
var secretPreps = newWordSet("de", "di", "do", "da", "del", "della", "du", "des", "for", "of", "van", "voor", "für", "der", "dla", "для", "per", "para", "pour")

// elisions are the articles French and Italian glue to the next word
// ("l'API", "d'accès", "dell'app").
var elisions = []string{"l'", "d'", "dell'", "all'", "dall'", "nell'", "sull'", "un'", "qu'", "l’", "d’"}

// stripElision returns w without a leading elided article.
func stripElision(w string) string {
	for _, e := range elisions {
		if len(w) > len(e) && hasPrefixFold(w, e) {
			return w[len(e):]
		}
	}
	return w
}

// proseWordEnd returns the end of a word of letters and marks at s[i]
// (at most 32 bytes).
func proseWordEnd(s string, i int) int {
	k := i
	for k < len(s) && k-i < 32 {
		r, w := utf8.DecodeRuneInString(s[k:])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' {
			break
		}
		k += w
	}
	return k
}

// wordBeforeNoun returns the word before the one that holds s[at] (the
// "signing" of "the signing key", the "السري" of nothing: for a word
// glued to a prefix, such as المفتاح, the word before that).
func wordBeforeNoun(s string, at int) string {
	b := at
	for b > 0 && at-b < 16 {
		r, w := utf8.DecodeLastRuneInString(s[:b])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) {
			break
		}
		b -= w
	}
	e := b
	for e > 0 && (s[e-1] == ' ' || s[e-1] == '\t' || s[e-1] == '-') {
		e--
	}
	if e == b && b > 0 {
		return "" // not after a blank: a quote, a bracket
	}
	k := e
	for k > 0 && e-k < 32 {
		r, w := utf8.DecodeLastRuneInString(s[:k])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) {
			break
		}
		k -= w
	}
	return s[k:e]
}

// wordAfterNoun returns the word after the one that ends at s[p], without
// an elided article, and the word after a preposition there ("clé de
// chiffrement", "chiave segreta per le API").
func wordAfterNoun(s string, p int) (next, afterPrep string) {
	j := skipBlanks(s, p)
	if j == p && p < len(s) && s[p] != '-' {
		return "", ""
	}
	if j < len(s) && s[j] == '-' {
		j++ // "Webhook-Secret", "secret-key" read as two words
	}
	k := proseWordEnd(s, j)
	next = stripElision(s[j:k])
	if secretPreps.has(next) {
		j = skipBlanks(s, k)
		afterPrep = stripElision(s[j:proseWordEnd(s, j)])
	}
	return next, afterPrep
}

// identStart returns where a key name written in prose starts when the
// word at s[at] ends it (app_secret_key, clientSecret, SECRET_KEY,
// db_pwd), or -1: letters, digits and underscores back to a blank, a
// backquote, a parenthesis or the start of the text, the word at s[at]
// after an underscore or starting a capital after a lower-case letter.
func identStart(s string, at int) int {
	if at == 0 || !(s[at-1] == '_' || isLower(s[at-1]) && isUpper(s[at])) {
		return -1
	}
	b := at
	for b > 0 && at-b < 40 && isWord(s[b-1]) {
		b--
	}
	if at-b >= 40 || !isAlpha(s[b]) {
		return -1
	}
	if b > 0 && !(isSpace(s[b-1]) || s[b-1] == '`' || s[b-1] == '(') {
		return -1
	}
	return b
}

// identPartBefore returns the part of a key name before its last word
// ("secret" in app_secret_key, "client" in clientSecret).
func identPartBefore(s string, b, at int) string {
	e := at
	if s[e-1] == '_' {
		e--
		k := e
		for k > b && s[k-1] != '_' {
			k--
		}
		return s[k:e]
	}
	k := e
	for k > b && s[k-1] != '_' {
		k--
		if isUpper(s[k]) {
			break // the start of a camelCase part
		}
	}
	return s[k:e]
}

// secretStrength tells how the word for a secret at s[at:p] names one:
// -1 it does not (a public key, a key fingerprint), 1 a bare word (key,
// token, secret), 2 a definite secret (an API key, the signing key, a key
// name such as SECRET_KEY).
func secretStrength(s string, at, p int, pw proseWord, ident int) int {
	var before string
	if ident >= 0 {
		before = identPartBefore(s, ident, at)
	} else {
		before = wordBeforeNoun(s, at)
	}
	next, afterPrep := wordAfterNoun(s, p)
	switch {
	case notSecretBefore.has(before) || notSecretAfter.has(next):
		return -1
	case ident < 0 && before == "" && placeholderWithin(s, at, 2):
		return -1 // a placeholder may have replaced the word that said what key ("cache key")
	case equalFold(pw.w, "key") && cacheKeyBefore(s, at):
		return -1 // "Cache restored from key: node-cache-…"
	case pw.kind == 's' || ident >= 0 || secretQualifiers.has(before) || secretQualifiers.has(next) || secretQualifiers.has(afterPrep):
		return 2
	}
	return 1
}

// secretValue decides whether v, read after the word for a secret at
// s[at:p], is the secret: a value that looks machine-made, and for a bare
// word not a hash or an ID; without a connector, a quoted value after a
// definite word, or a value of 20 bytes or more of mixed case and digits.
func secretValue(s string, at, p int, v string, pw proseWord, ident int, connected, quoted bool) bool {
	if !quoted && codeRef(v) || keyFingerprint(v) {
		return false // code, or the fingerprint of a public key
	}
	if k := strings.IndexByte(v, '='); k >= 2 && k < len(v)-2 && isIdent(v[:k]) {
		return false // key=ratelimit:user:88123: a pair the text shows, not a token
	}
	if noun := pw.w[strings.LastIndexByte(pw.w, ' ')+1:]; noun[0] < 0x80 && indexFold(v, noun) >= 0 {
		return false // "encryptionKey = encryptionKey1024": a made-up value
	}
	strength := secretStrength(s, at, p, pw, ident)
	switch {
	case strength < 0:
		return false
	case pw.kind == 'n':
		// A word for a code (رمز الوصول, access code): a code typed at a
		// keypad is short; 20 random bytes are a token.
		return machineToken(v)
	case pw.kind == 's':
		return tokenLike(v, 12)
	case connected:
		return tokenLike(v, 16) && (strength == 2 || !hashOrID(v))
	case quoted && strength == 2:
		return tokenLike(v, 16)
	}
	return machineToken(v) || strength == 2 && len(v) >= 32 && allFunc(v, isHexByte) ||
		useWords.has(precedingWordASCII(s, skipBlanksBack(s, at))) && randomToken(v)
}

// machineToken reports a value that only a machine makes: 20 bytes or
// more with digits and letters of both cases (or 32 and more of one
// case), not a hash or an ID.
func machineToken(v string) bool { return len(v) >= 20 && randomToken(v) }

// parenLabel returns where a connector starts after a qualifier in
// parentheses at s[i] ("(AES-256, hex): X", "(token): X"), or 0: the
// parentheses hold a letter, close on the same line within 48 bytes, and
// are not a value themselves ("(tsukimi0915)").
func parenLabel(s string, i int) int {
	if !parenAt(s, i) {
		return 0
	}
	vs := i + 1
	if s[i] != '(' {
		vs = i + len("（")
	}
	letter := false
	for e := vs; e < len(s) && e-vs <= 48; e++ {
		switch c := s[e]; {
		case c == ')' || strings.HasPrefix(s[e:], "）"):
			if !letter || strings.IndexByte(s[vs:e], ' ') < 0 && gluedValue(s[vs:e], 'p') {
				return 0
			}
			k := e + 1
			if c != ')' {
				k = e + len("）")
			}
			k = skipBlanks(s, k)
			if _, n := connectorAt(s, k); n > 0 {
				return k
			}
			return 0
		case c == '\n' || c == '(' || c == '[' && placeholderStartsAt(s, e):
			return 0 // a placeholder's letters make no label: it replaced a value
		case isAlpha(c) || c >= 0x80:
			letter = true
		}
	}
	return 0
}

// clauseBreakIn reports a comma, a semicolon or a dash (— or –) in w, byte
// by byte: strings.IndexAny decodes every rune once its set holds one
// beyond ASCII.
func clauseBreakIn(w string) bool {
	for k := 0; k < len(w); k++ {
		switch w[k] {
		case ',', ';':
			return true
		case 0xD8: // the Arabic comma ، U+060C is D8 8C
			if k+1 < len(w) && w[k+1] == 0x8C {
				return true
			}
		case 0xE2: // — U+2014 and – U+2013 are E2 80 94 and E2 80 93
			if k+2 < len(w) && w[k+1] == 0x80 && (w[k+2] == 0x93 || w[k+2] == 0x94) {
				return true
			}
		}
	}
	return false
}

// newWords say that a clause names a new value ("the new one is X").
var newWords = newWordSet("new", "neue", "neuer", "neues", "nouveau", "nouvelle", "nuevo", "nueva", "novo", "nova",
	"nuovo", "nuova", "nieuwe", "nowy", "nowe", "новый", "новое", "yeni", "yenisi", "الجديد", "الجديدة", "नया", "नई",
	"naya", "nayi", "새거", "새로운", "atarashii", "xin", "mới", "moi")

// renewedAt returns where the value starts when the clause after the word
// at s[i] names its new value: at most four words, a comma, semicolon or
// dash, at most three words one of which says "new", and a connector
// ("secret yesterday; the new one is X", "key, the new one: X"), or, with
// direct set, a value of mixed classes right after them ("pasuwado kaeta,
// atarashii no wa X") or right after a word for new within three words of
// the word ("sifreyi degistirdim yenisi X", "비번 바꿨어 새거 「X」"); or 0.
// It reads nothing unless ok.
func renewedAt(s string, i int, ok bool) (v int, direct bool) {
	if !ok {
		return 0, false
	}
	if !clauseBreakIn(s[i:min(len(s), i+48)]) {
		// The common case: no clause break soon after the word.
		return newClause(s, i, false)
	}
	j := i
	for n := 0; n < 4 && j < len(s) && s[j] != ',' && s[j] != ';'; n++ {
		k := proseWordEnd(s, j)
		if k == j {
			break
		}
		j = k
		if j < len(s) && (s[j] == ',' || s[j] == ';') {
			break
		}
		j = skipBlanks(s, j)
	}
	switch {
	case j < len(s) && (s[j] == ',' || s[j] == ';'):
		j++
	case strings.HasPrefix(s[j:], "—"), strings.HasPrefix(s[j:], "–"):
		j += len("—")
	case strings.HasPrefix(s[j:], "،"):
		j += len("،") // the Arabic comma
	default:
		return 0, false
	}
	return newClause(s, skipBlanks(s, j), true)
}

// newClause reads at most three words at s[j] of which one says "new",
// followed by nothing or by newOnes, and returns where the value starts:
// after a connector, when connector allows one ("the new one is X"), or,
// with direct set, right after the words ("yenisi X", "새로운 거 X"),
// where a placeholder also stands for a value this read (see
// placeholderEndsAt); or 0.
func newClause(s string, j int, connector bool) (v int, direct bool) {
	fresh := false
	for n := 0; n < 3; n++ {
		k := proseWordEnd(s, j)
		if k == j {
			return 0, false
		}
		switch w := s[j:k]; {
		case newWords.has(w):
			fresh = true
		case fresh && !newOnes.has(strings.ToLower(w)):
			fresh = false // "new laptop is X": something else is new
		}
		j = skipBlanks(s, k)
		if _, c := connectorAt(s, j); c > 0 && fresh && connector {
			return j, false
		}
		if fresh && (directValueAt(s, j) || placeholderStartsAt(s, j)) {
			return j, true
		}
	}
	return 0, false
}

// newOnes may follow a word for new in a clause that names the new
// password: "the new one is X", "new password: X", "new pw is X".
var newOnes = newWordSet("one", "ones", "password", "passwd", "pass", "pw", "pwd", "key", "token", "secret", "pin",
	"code", "wala", "no", "wa", "de", "shi", "la", "거", "senha", "clave", "contraseña", "passwort", "mot")

// directValueAt reports a value of mixed classes at s[i], quoted or not,
// which a clause naming a new password may give without a connector.
func directValueAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	vs, ve, _ := proseValue(s, i, passwordMax)
	return ve > vs && complexValue(s[vs:ve]) && !hashOrID(s[vs:ve])
}

// apostropheSuffix skips a suffix written after an apostrophe, as Turkish
// does after a foreign word (token'ı, API'nin), or an English possessive
// ('s), when a blank or a colon follows it.
func apostropheSuffix(s string, p int) int {
	k := p
	switch {
	case strings.HasPrefix(s[p:], "'"):
		k++
	case strings.HasPrefix(s[p:], "’"):
		k += len("’")
	default:
		return p
	}
	e := turkishSuffix(s, k)
	if e == k || e < len(s) && s[e] != ' ' && s[e] != ':' {
		return p
	}
	return e
}
