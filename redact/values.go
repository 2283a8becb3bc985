package redact

import (
	"strings"
	"unicode/utf8"
)

// Shared checks on candidate values: placeholders, self-naming values and
// the shape of machine-generated tokens.

var refWords = []string{"pass", "pwd", "secret", "token", "key", "cred", "auth"}

// placeholderWords are values that stand for a secret without being one.
// placeholderMark marks the bytes isPlaceholderValue looks at more closely.
var placeholderMark = func() (t [256]bool) {
	for _, c := range []byte("{xX*Ee.@= ") {
		t[c] = true
	}
	return t
}()

var placeholderWords = []string{
	"changeme", "change_me", "change-me", "changeit", "redacted", "filtered", "hidden", "masked",
	"removed", "none", "null", "nil", "undefined", "true", "false", "yes", "no", "on", "off",
	"empty", "required", "optional", "todo", "tbd", "fixme", "example", "sample", "dummy",
	"placeholder", "secret_here", "n/a", "na", "omitted", "unset", "notset", "default",
}

// symbolMixed reports a run with letters, digits and a symbol outside
// identifiers and paths (one of !#$%^&*+=?@~|): what a generated password
// has and a name does not.
func symbolMixed(v string) bool {
	c := classesOf(v)
	return (c.lower || c.upper) && c.digit && strings.ContainsAny(v, "!#$%^&*+=?@~|")
}

// dollarPassword reports a value of eight or more bytes that starts
// with '$' and a digit and goes on in letters and digits of both cases,
// with no other '$' (a crypt hash, $2y$10$..., has several): a password,
// not a variable ($1 and $2 stand alone).
func dollarPassword(v string) bool {
	if len(v) < 8 || !isDigit(v[1]) || strings.IndexByte(v[1:], '$') >= 0 {
		return false
	}
	up, low := false, false
	for i := 2; i < len(v); i++ {
		up = up || isUpper(v[i])
		low = low || isLower(v[i])
	}
	return up && low
}

// isPlaceholderValue reports a value that is a placeholder, a template or an
// environment reference rather than a secret: ${DB_PASSWORD}, $API_KEY,
// <your-api-key>, {{ .Values.password }}, ********, xxxx, %s, :password,
// changeme, YOUR_TOKEN_HERE, [REDACTED:...].
func isPlaceholderValue(v string) bool {
	if v == "" {
		return true
	}
	switch v[0] {
	case '$':
		// $API_KEY, ${X}, $(cmd), $1, $HOME/bin; but not a password that
		// starts with '$' and a digit ($9ooaLVF89vWN), which no variable
		// name does, whose name has the case noise of a generated one
		// ($lITry7JRl), or that goes on in letters, digits and symbols
		// ($^5I!MKnDbFd).
		switch r := v[1:]; {
		case r == "" || r[0] == '{' || r[0] == '(':
			return true
		case isIdent(r):
			return !caseNoise(r)
		case isDigit(r[0]):
			return !dollarPassword(v)
		default:
			return !symbolMixed(r)
		}
	case '<', '{', '[', ':':
		return true
	case '@':
		// @name, @@var, @{x}, @(x): a variable, a decorator, a macro;
		// not a generated password that starts with '@' (@LEF3?OX2EAzIx^).
		return len(v) == 1 || strings.IndexByte("@{(", v[1]) >= 0 || !symbolMixed(v[1:])
	case '?':
		// A bind parameter (?, ?1, ?name), not a generated key that
		// happens to start with '?' (WordPress salts, ?O%?vu47fLr?jY).
		return len(v) <= 16 && !symbolMixed(v[1:]) || isIdent(v[1:]) || allDigits(v[1:])
	case '#':
		if len(v) > 1 && v[1] == '{' {
			return true // #{SmtpPassword}#: Octopus and Azure DevOps variables
		}
	case '%':
		// %(name)s, %{var}, and cmd.exe's %VARIABLE%.
		return len(v) <= 3 || v[1] == '(' || v[1] == '{' || v[len(v)-1] == '%' && isIdent(v[1:len(v)-1])
	}
	// One pass for the marks of a placeholder anywhere in the value:
	// {{...}}, ${...}, XXXX, ****, EXAMPLE (AKIAIOSFODNN7EXAMPLE,
	// ghp_XXXX..., sk_live_****...), and "example" in a value that is not a
	// domain or a list (my-example-token; but not realm="edge@example.com").
	example, separators, same := false, false, true
	for i := 0; i < len(v); i++ {
		c := v[i]
		same = same && c == v[0]
		if !placeholderMark[c] {
			continue
		}
		switch c {
		case '{':
			if i+1 < len(v) && v[i+1] == '{' || i > 0 && v[i-1] == '$' {
				return true
			}
		case 'x', 'X':
			if hasPrefixFold(v[i:], "xxxx") {
				return true
			}
		case '*':
			if strings.HasPrefix(v[i:], "****") {
				return true
			}
		case 'E':
			if strings.HasPrefix(v[i:], "EXAMPLE") {
				return true
			}
			example = example || hasPrefixFold(v[i:], "example")
		case 'e':
			example = example || hasPrefixFold(v[i:], "example")
		case '.', '@', '=', ' ':
			separators = true
		}
	}
	if example && !separators {
		return true
	}
	// One repeated character (********, xxxx, ....) or a masked value.
	if same && len(v) >= 2 {
		return true
	}
	if v[0] >= 0x80 {
		r0, _ := utf8.DecodeRuneInString(v)
		same := true
		for _, r := range v {
			if r != r0 {
				same = false
				break
			}
		}
		if same && utf8.RuneCountInString(v) >= 2 {
			return true // ••••••
		}
	}
	if strings.HasPrefix(v, "***") || strings.HasPrefix(v, "•••") || hasPrefixFold(v, "xxx") || hasPrefixFold(v, "...") {
		return true
	}
	if k := indexFold(v, "your"); k > 0 && !isAlnum(v[k-1]) && k+4 < len(v) && (v[k+4] == '_' || v[k+4] == '-') {
		return true // 123456789:YOUR_BOT_TOKEN
	}
	if hasPrefixFold(v, "your") || hasSuffixFold(v, "here") || hasPrefixFold(v, "insert") || hasPrefixFold(v, "enter_") || hasPrefixFold(v, "replace") {
		return true
	}
	if possessivePlaceholder(v) || secretStoreRef(v) {
		return true
	}
	if strings.Contains(v, "...") || strings.Contains(v, "…") {
		return true // elided: whsec_...f3a9, sk-…Xy12
	}
	for _, w := range placeholderWords {
		if equalFold(v, w) {
			return true
		}
	}
	return false
}

// publicToken reports a vendor token that is public by design: Mapbox's
// pk. tokens, Stripe's publishable keys and the Checkout Session IDs a
// page hands to Stripe.js (cs_live_, cs_test_).
func publicToken(v string) bool {
	// Also certificates and public keys in base64 (a kubernetes.io/tls
	// Secret's tls.crt): "-----BEGIN CERTIFICATE", "-----BEGIN PUBLIC KEY".
	for _, p := range [...]string{"pk.eyJ", "pk_live_", "pk_test_", "cs_live_", "cs_test_",
		"LS0tLS1CRUdJTiBDRVJUSUZJQ0FUR", "LS0tLS1CRUdJTiBQVUJMSUMgS0VZ", "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtF"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// elidedAt reports an ellipsis at offset i of s, right after a value
// ("sk-ant-api03-…AA"): the value was cut there, and what is left of it is
// no secret.
func elidedAt(s string, i int) bool {
	return strings.HasPrefix(s[i:], "…") || strings.HasPrefix(s[i:], "...")
}

// secretStores are the prefixes of references to a secret kept in a
// secret store, which configuration resolves at run time: vault:…#key,
// aws-secretsmanager:…, arn:aws:secretsmanager:…, op://vault/item/field,
// ref+vault://… (vals), projects/…/secrets/… (GCP).
var secretStores = []string{
	"vault:", "ref+", "aws-secretsmanager:", "secretsmanager:", "arn:aws:secretsmanager:", "arn:aws:ssm:",
	"ssm:", "aws-ssm:", "awsssm:", "op://", "gcp-secretmanager:", "gcpsm:", "sm://", "secret://",
	"azure-keyvault:", "keyvault:", "akv:", "akvs:", "doppler:", "infisical:", "projects/",
}

// secretStoreRef reports a value that is a reference into a secret store
// (secretStores), with a path after the prefix (a '/', '#' or ':' in it).
func secretStoreRef(v string) bool {
	for _, p := range secretStores {
		if len(v) > len(p)+2 && hasPrefixFold(v, p) && strings.ContainsAny(v[len(p):], "/#:") {
			return p != "projects/" || strings.Contains(v, "/secrets/")
		}
	}
	return false
}

// placeholderPossessives are the words for "your" (and "my") that start a
// placeholder in documentation of other languages: sua-senha-aqui,
// twoje-haslo, dein-passwort, votre-mot-de-passe, il-tuo-token.
var placeholderPossessives = []string{
	"sua", "seu", "tua", "teu", "tu", "su", "votre", "ton", "ta", "dein", "deine", "ihr", "ihre", "uw", "jouw",
	"twoje", "twój", "twoj", "twoja", "il", "tuo", "vostro", "vostra", "ваш", "ваша", "твой", "senin", "sizin",
}

// placeholderNouns name what a placeholder stands for, after its
// possessive: "your password", not "your blue house".
var placeholderNouns = []string{
	"pass", "senha", "hasl", "hasł", "mot", "contrase", "clave", "chiave", "token", "key", "secret", "segred",
	"wachtwoord", "kennwort", "пароль", "sifre", "şifre", "parola", "api", "cle", "clé", "user", "usuario",
	"utente", "email", "mail", "nome", "name", "host", "code", "codigo", "código", "pin", "klucz", "ключ",
	"токен", "jeton", "schlüssel", "schluessel", "anahtar", "sleutel", "chave",
}

// placeholderTails end a placeholder in other languages: ..._aqui, ...-ici.
var placeholderTails = []string{"aqui", "aquí", "ici", "hier", "qui", "tutaj", "здесь", "burada"}

// possessivePlaceholder reports a value of words joined by '-' or '_',
// without a digit, that starts with a word for "your" and names what it
// stands for, or ends with a word for "here" (sua-senha-aqui, twoje-haslo,
// dein-passwort): what documentation writes where the reader puts their
// own value.
func possessivePlaceholder(v string) bool {
	k := strings.IndexAny(v, "-_")
	if k <= 0 || k == len(v)-1 || strings.IndexAny(v, "0123456789") >= 0 {
		return false
	}
	for _, w := range placeholderPossessives {
		if equalFold(v[:k], w) {
			for _, n := range placeholderNouns {
				if indexFold(v[k+1:], n) >= 0 {
					return true
				}
			}
			return false
		}
	}
	t := strings.LastIndexAny(v, "-_")
	for _, w := range placeholderTails {
		if equalFold(v[t+1:], w) {
			return true
		}
	}
	return false
}

var sensitiveWords = []string{
	"password", "passwd", "pass", "pwd", "pw", "secret", "token", "apikey", "api_key", "api-key",
	"key", "passphrase", "credentials",
	"salt", "pepper", "nonce", // a KDF's other inputs: scryptSync('password', 'salt', 64)
}

// isSensitiveWord reports a value that is just the name of what it stands
// for (password=password, user:pass@host in documentation).
func isSensitiveWord(v string) bool {
	for _, w := range sensitiveWords {
		if equalFold(v, w) {
			return true
		}
	}
	return false
}

// countingDigits reports eight digits or more that count up by one,
// wrapping from 9 to 0 (12345678, 0123456789, 123456789012345678901234567890).
func countingDigits(v string) bool {
	if len(v) < 8 || !allDigits(v) {
		return false
	}
	for i := 1; i < len(v); i++ {
		if (v[i-1]-'0'+1)%10 != v[i]-'0' {
			return false
		}
	}
	return true
}

// tokenLike reports whether v looks like a machine-generated credential: at
// least min bytes of printable ASCII without spaces, with digits and
// letters, or with upper and lower case letters if it is long.
func tokenLike(v string, min int) bool {
	return len(v) >= min && !isPlaceholderValue(v) && tokenShape(v)
}

// tokenShape is tokenLike without the length and placeholder checks.
func tokenShape(v string) bool {
	var lo, up, dg bool
	letters, switches := 0, 0
	var prev byte // case of the previous letter: 'l' or 'u'
	for i := 0; i < len(v); i++ {
		c := v[i]
		var cs byte
		switch {
		case isLower(c):
			lo, cs = true, 'l'
		case isUpper(c):
			up, cs = true, 'u'
		case isDigit(c):
			dg = true
		case c <= ' ' || c >= 0x7f:
			return false
		}
		if cs != 0 {
			if prev != 0 && cs != prev {
				switches++
			}
			prev = cs
			letters++
		}
	}
	// Without digits, a random string switches case every few letters;
	// words, Title-Case and camelCase names do not; a long one of one case
	// has few vowels, which words do not.
	return dg && (lo || up) || lo && up && len(v) >= 16 && switches*3 >= letters || randomLetters(v)
}

// randomLetters reports a string of 24 or more letters of one case (and
// '-', '_') that looks random rather than like words: vowels (a, e, i, o,
// u, y) are under a quarter of the letters, where words have about two
// fifths, and no letter is repeated three times in a row.
func randomLetters(v string) bool {
	letters, vowels, run, steps := 0, 0, 0, 0
	for i := 0; i < len(v); i++ {
		c := lower(v[i])
		switch {
		case isLower(c):
			letters++
			if i > 0 && lower(v[i-1])+1 == c {
				steps++ // abcdef... is a made-up value
			}
			if strings.IndexByte("aeiouy", c) >= 0 {
				vowels++
			}
			if i > 0 && lower(v[i-1]) == c {
				if run++; run >= 2 {
					return false
				}
			} else {
				run = 0
			}
		case c == '-' || c == '_':
		default:
			return false
		}
	}
	return letters >= 24 && vowels*4 < letters && steps*4 < letters
}

// keyFingerprint reports the fingerprint of a public key as ssh and
// ssh-keygen print it: "SHA256:" and 43 base64 bytes (an '=' of padding
// allowed), or "MD5:" and 16 colon-separated hex pairs. It is public.
func keyFingerprint(v string) bool {
	switch {
	case len(v) >= 7+43 && hasPrefixFold(v, "sha256:"):
		b := strings.TrimSuffix(v[7:], "=")
		return len(b) == 43 && allFunc(b, isB64)
	case len(v) == 4+47 && hasPrefixFold(v, "md5:"):
		return hexGroups(v[4:], ':', 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2)
	}
	return false
}
