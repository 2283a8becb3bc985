package redact

import (
	"strings"
	"unicode/utf8"
)

// Secrets with a recognisable form: PEM private key blocks, AWS secret
// access keys in context, curl credentials, vendor tokens and the
// credentials of Authorization schemes.

// PEM private keys.

// findPrivateKey is called at each "-----BEGIN". It claims the whole block up
// to the matching END line. If the END line is missing (a truncated log), it
// claims the header and the base64 lines that follow it.
func findPrivateKey(dst []Span, s string, at int) []Span {
	const begin = "-----BEGIN "
	if !strings.HasPrefix(s[at:], begin) {
		return dst
	}
	h := at + len(begin)
	e := strings.Index(s[h:min(len(s), h+64)], "-----")
	if e < 0 {
		return dst
	}
	label := s[h : h+e]
	if !strings.HasSuffix(label, "PRIVATE KEY") && !strings.HasSuffix(label, "PRIVATE KEY BLOCK") {
		return dst
	}
	body := h + e + 5
	// The block ends at the first "-----END <label>-----". Stop at another
	// BEGIN (this block is truncated) so that many BEGINs cost linear time.
	for p := body; p < len(s); {
		k := strings.Index(s[p:], "-----")
		if k < 0 {
			break
		}
		p += k
		if strings.HasPrefix(s[p:], begin) {
			break
		}
		if strings.HasPrefix(s[p:], "-----END ") && strings.HasPrefix(s[p+9:], label) && strings.HasPrefix(s[p+9+len(label):], "-----") {
			if !pemKeyBody(s[body:p]) {
				return dst // "starts with -----BEGIN ... and ends with -----END ...": no key
			}
			return append(dst, Span{Start: at, End: p + 9 + len(label) + 5})
		}
		p += 5
	}
	end := pemBodyEnd(s, body)
	if !pemKeyBody(s[body:end]) {
		return dst
	}
	return append(dst, Span{Start: at, End: end})
}

// pemKeyBody reports whether the text between a PEM header and its END
// line holds key material: it spans lines (a newline or a literal \n), has
// a run of four or more base64 characters and is not a placeholder. Prose
// that names the header and the END line on one line, and bodies left as
// "..." or "<your key>", hold none.
func pemKeyBody(b string) bool {
	if strings.IndexByte(b, '\n') < 0 && strings.IndexByte(b, '\r') < 0 && !strings.Contains(b, `\n`) {
		return false
	}
	t := strings.Trim(strings.ReplaceAll(b, `\n`, "\n"), " \t\r\n\"'")
	if isPlaceholderValue(t) || isPlaceholderValue(strings.Trim(t, "()[]")) {
		return false
	}
	run := 0
	for i := 0; i < len(t); i++ {
		if isB64(t[i]) {
			if run++; run >= 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// pemBodyEnd returns the end of the PEM body lines (base64, or a header such
// as "Proc-Type: 4,ENCRYPTED") that start at s[i]. Lines end at a newline or
// at a literal "\n" (a key inside a JSON string).
func pemBodyEnd(s string, i int) int {
	end := i
	for p := i; p < len(s); {
		// Skip the line break.
		switch {
		case s[p] == '\r' || s[p] == '\n':
			p++
			continue
		case s[p] == '\\' && p+1 < len(s) && (s[p+1] == 'n' || s[p+1] == 'r'):
			p += 2
			continue
		}
		q := p
		for q < len(s) && s[q] != '\n' && s[q] != '\r' && !(s[q] == '\\' && q+1 < len(s) && (s[q+1] == 'n' || s[q+1] == 'r')) {
			q++
		}
		line := s[p:q]
		trimmed := strings.TrimRight(line, " \t\"',")
		if !pemBodyLine(trimmed) {
			break
		}
		end = p + len(trimmed)
		if len(trimmed) < len(line) {
			break // the string or the value ended
		}
		p = q
	}
	return end
}

func pemBodyLine(l string) bool {
	if l == "" {
		return false
	}
	if k := strings.IndexByte(l, ':'); k > 0 {
		// Proc-Type / DEK-Info / Comment headers.
		for i := 0; i < k; i++ {
			if !isAlpha(l[i]) && l[i] != '-' {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(l); i++ {
		if !isB64(l[i]) && l[i] != '=' {
			return false
		}
	}
	return true
}

// AWS secret access keys.

// findAWSSecret is called at each "secret" keyword and access key ID
// (AKIA..., ASIA...: the pair "AKIA... / secret" as people paste it). It
// reports a 40-byte
// base64 word ([A-Za-z0-9/+]) that follows within the same or the next line
// and 128 bytes, if it mixes upper case, lower case and digits or '/' '+'
// (which a git SHA, a word or a path does not).
func findAWSSecret(dst []Span, s string, at int) []Span {
	if s[at] == 's' || s[at] == 'S' {
		// At "secret", only where AWS is named near it (aws_secret_access_key,
		// "AWS secret", an access key ID): any other secret is the generic
		// rules' SECRET.
		// A placeholder's category is no word of the text ("[REDACTED:AWS_KEY]"
		// names nothing a second pass may read), and the window stops at
		// one: the value it replaced may have been shorter.
		w := windowAround(s, at, 256)
		if indexFold(w, "aws") < 0 && !awsKeyIDIn(w) && !secretAccessKeyAt(s, at) {
			return dst
		}
	}
	p := at
	for p < len(s) && isKeyByte(s[p]) {
		p++
	}
	lines := 0
	for lim := min(len(s), p+128); p < lim; {
		c := s[p]
		if c == '\n' {
			if lines++; lines > 1 {
				break
			}
		}
		if placeholderStartsAt(s, p) {
			break // the text it replaced had another length (see placeholderEndsAt)
		}
		if !isB64(c) {
			p++
			continue
		}
		q := p
		for q < len(s) && isB64(s[q]) {
			q++
		}
		if q-p == 40 && (q >= len(s) || s[q] != '=') && !placeholderStartsAt(s, q) && !placeholderEndsAt(s, p) &&
			awsSecretShape(s[p:q]) && !placeholderToken(s[p:q]) {
			dst = append(dst, Span{Start: p, End: q}) // and the others in reach
		}
		p = q
	}
	return dst
}

// awsKeyIDPrefixes start AWS access key IDs: AKIA long-term, ASIA
// temporary, ABIA, ACCA (the aws-access-key rule's prefixes).
var awsKeyIDPrefixes = []string{"AKIA", "ASIA", "ABIA", "ACCA"}

// awsKeyIDIn reports a prefix of an AWS access key ID in w.
func awsKeyIDIn(w string) bool {
	for _, p := range awsKeyIDPrefixes {
		if strings.Contains(w, p) {
			return true
		}
	}
	return false
}

// secretAccessKeyAt reports AWS's own name for the key at s[at]
// ("SecretAccessKey" of STS and CloudFormation output, secret_access_key,
// "secret access key").
func secretAccessKeyAt(s string, at int) bool {
	p := at + len("secret")
	if p < len(s) && (s[p] == '_' || s[p] == '-' || s[p] == ' ') {
		p++
	}
	if !hasPrefixFold(s[p:], "access") {
		return false
	}
	p += len("access")
	if p < len(s) && (s[p] == '_' || s[p] == '-' || s[p] == ' ') {
		p++
	}
	return hasPrefixFold(s[p:], "key")
}

func awsSecretShape(w string) bool {
	c := classesOf(w)
	return c.lower && c.upper && (c.digit || c.other)
}

// findCurlUser reports the credentials of curl's -u/--user option
// (curl -u admin:hunter2 https://...): a user:password word on a line that
// runs curl, with a password that is not a placeholder.
func findCurlUser(dst []Span, s string, at int) []Span {
	p := at
	switch {
	case strings.HasPrefix(s[p:], "-u "):
		p += 3
	case strings.HasPrefix(s[p:], "--user ") || strings.HasPrefix(s[p:], "--user="):
		p += 7
	default:
		return dst
	}
	if at == 0 || s[at-1] != ' ' && s[at-1] != '\t' && s[at-1] != '\n' && s[at-1] != '`' || indexFold(s[commandStart(s, at):at], "curl") < 0 {
		return dst // after a blank, or opening inline code ("or just `-u user:pw`")
	}
	for p < len(s) && s[p] == ' ' {
		p++
	}
	q := byte(0)
	if p < len(s) && (s[p] == '\'' || s[p] == '"') {
		q = s[p]
		p++
	}
	e := p
	if k := strings.IndexByte(s[p:min(len(s), p+256)], q); q != 0 && k > 0 && strings.IndexByte(s[p:p+k], '\n') < 0 {
		e = p + k // quoted, the credentials may hold blanks: -u 'admin:p@ss w0rd!'
	} else {
		for e < len(s) && e-p < 256 && !isSpace(s[e]) && s[e] != q && (s[e] != '`' || s[at-1] != '`') {
			e++
		}
	}
	user, pass, ok := strings.Cut(s[p:e], ":")
	if !ok || user == "" || pass == "" || isPlaceholderValue(user) || isPlaceholderValue(pass) || isSensitiveWord(pass) {
		return dst
	}
	return append(dst, Span{Start: p, End: e})
}

// commandStart returns the start of the shell command that offset i is in:
// the start of its line, or of an earlier line when the lines between end
// in a continuation backslash (or ^ for cmd.exe, ` for PowerShell). It
// looks back at most 8 lines and 2048 bytes.
func commandStart(s string, i int) int {
	ls := lineStartWithin(s, i, 512)
	for n := 0; n < 8 && ls >= 2 && i-ls < 2048; n++ {
		e := ls - 1 // the newline
		if e > 0 && s[e-1] == '\r' {
			e--
		}
		for e > 0 && (s[e-1] == ' ' || s[e-1] == '\t') && e > ls-16 {
			e--
		}
		if e == 0 || s[e-1] != '\\' && s[e-1] != '^' && s[e-1] != '`' {
			break
		}
		ls = lineStartWithin(s, e-1, 512)
	}
	return ls
}

// Authorization schemes.

// authScheme finds "<scheme> <credentials>" after a keyword occurrence of
// the scheme name (any case), as in "Authorization: Bearer <token>". It
// returns the offsets of the credentials (read at most decideLen bytes
// far; capped reports that they may go on), or ok = false.
func authScheme(s string, at int, scheme string, cred func(c byte) bool) (b, e int, capped, ok bool) {
	if at > 0 && (isWord(s[at-1]) || s[at-1] == '-') || !hasPrefixFold(s[at:], scheme) {
		return 0, 0, false, false
	}
	b = at + len(scheme)
	if b >= len(s) || s[b] != ' ' && s[b] != '\t' {
		return 0, 0, false, false
	}
	for b < len(s) && (s[b] == ' ' || s[b] == '\t') {
		b++
	}
	e = b
	for e < len(s) && e-b < decideLen && cred(s[e]) {
		e++
	}
	for e < len(s) && s[e] == '=' && e-b < decideLen {
		e++
	}
	return b, e, e-b == decideLen, e > b
}

// extendRun extends a run of cred bytes (and '=' padding) that reached
// decideLen to its real end.
func extendRun(s string, e int, cred func(c byte) bool) int {
	for e < len(s) && (cred(s[e]) || s[e] == '=') {
		e++
	}
	return e
}

func isBearerByte(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
}

// inAuthorizationHeader reports whether the scheme word at offset at is the
// start of the value of an Authorization header: "Authorization: Bearer",
// "authorization=Basic", {"Authorization": "Token ...}.
func inAuthorizationHeader(s string, at int) bool {
	i := at
	for n := 0; i > 0 && n < 8; n++ {
		c := s[i-1]
		if c != ' ' && c != '\t' && c != '"' && c != '\'' && c != ':' && c != '=' && c != '\\' {
			break
		}
		i--
	}
	if i == at || i < len("authorization") {
		return false
	}
	return hasSuffixFold(s[:i], "authorization")
}

// headerCredential accepts the credential of an Authorization header when
// it is not a placeholder, a reference or a lone word.
func headerCredential(v string) bool {
	v = strings.TrimRight(v, "=")
	if len(v) < 8 || isPlaceholderValue(v) || isSensitiveWord(v) {
		return false
	}
	return tokenLike(v, 8) || len(v) >= 16 && !allFunc(v, isAlpha)
}

// findBearer reports the credentials of "Bearer <token>" when the token looks
// machine-generated (not "<token>", "$TOKEN", "YOUR_TOKEN" or a word), or
// in an Authorization header when it is not a placeholder.
func findBearer(dst []Span, s string, at int) []Span {
	b, e, capped, ok := authScheme(s, at, "bearer", isBearerByte)
	if !ok {
		return dst
	}
	v := strings.TrimRight(s[b:e], "=")
	if !tokenLike(v, 8) && !(inAuthorizationHeader(s, at) && headerCredential(v)) {
		return dst
	}
	if capped {
		e = extendRun(s, e, isBearerByte)
	} else {
		e = bearerParts(s, b, e)
	}
	if elidedBearerJWT(s, b, e) {
		return dst // Bearer eyJhbGciOiJIUzI1NiJ9.<payload>.<signature>
	}
	return append(dst, Span{Start: at, End: e, Keep: b - at})
}

// bearerParts extends a bearer token that ends at s[e] over the parts
// some vendors join with '!' or ':' (a Salesforce session ID
// 00D…!AQ…, an Asana token 2/…/…:…): a part of 8 bearer bytes or more
// after the separator, not followed by '@' or a placeholder (an e-mail
// address or what replaced one).
func bearerParts(s string, b, e int) int {
	for n := 0; n < 2 && e < len(s) && (s[e] == '!' || s[e] == ':') && strings.ContainsAny(s[b:e], "0123456789"); n++ {
		f := e + 1
		for f < len(s) && f-e <= decideLen && isBearerByte(s[f]) {
			f++
		}
		if f-e-1 < 8 || f < len(s) && (s[f] == '@' || s[f] == '[' || s[f] == ':' && strings.HasPrefix(s[f:], "://")) {
			break
		}
		for f < len(s) && s[f] == '=' {
			f++
		}
		e = f
	}
	return e
}

// findBasic reports the credentials of "Basic <base64>" when they decode to
// printable "user:password", and in an Authorization header the whole
// credential whatever it looks like (a JWT after Basic included).
func findBasic(dst []Span, s string, at int) []Span {
	if placeholderWithin(s, at, 8) {
		// It may have replaced a header's name, with which the
		// credentials were judged otherwise (see placeholderEndsAt).
		return dst
	}
	if at > 0 && quoteByte(s[at-1]) && at+6 < len(s) && s[at+5] == s[at-1] {
		// The scheme and the credentials as two arguments:
		// new AuthenticationHeaderValue("Basic", "dXNlcjpwdw==").
		j := skipBlanks(s, at+6)
		if j+1 >= len(s) || s[j] != ',' {
			return dst
		}
		j = skipBlanks(s, j+1)
		if j+1 >= len(s) || !quoteByte(s[j]) {
			return dst
		}
		b := j + 1
		e := b
		for e < len(s) && e-b < 1024 && (isB64(s[e]) || s[e] == '=') {
			e++
		}
		if e < len(s) && s[e] == s[j] && validBasicAuth(s[b:e]) {
			return append(dst, Span{Start: b, End: e})
		}
		return dst
	}
	if inAuthorizationHeader(s, at) {
		b, e, capped, ok := authScheme(s, at, "basic", isBearerByte)
		if !ok || !headerCredential(s[b:e]) {
			return dst
		}
		if capped {
			e = extendRun(s, e, isBearerByte)
		}
		return append(dst, Span{Start: at, End: e, Keep: b - at})
	}
	b, e, _, ok := authScheme(s, at, "basic", isB64)
	if !ok || e < len(s) && (isB64(s[e]) || s[e] == '=' || placeholderStartsAt(s, e)) || !validBasicAuth(s[b:e]) && !quotedHeaderValue(s, at, b, e) {
		return dst
	}
	return append(dst, Span{Start: at, End: e, Keep: b - at})
}

// quotedHeaderValue reports "Basic <credential>" as the whole of a quoted
// string (value="Basic UI++IS5M3B2V..."), as logs print an Authorization
// header's value: a credential of 16 base64 characters or more, padded to
// a multiple of four, shaped like a token, is one whatever it decodes to.
func quotedHeaderValue(s string, at, b, e int) bool {
	if at == 0 || e >= len(s) || s[at-1] != '"' && s[at-1] != '\'' || s[e] != s[at-1] {
		return false
	}
	cred := s[b:e]
	return len(cred) >= 16 && len(cred)%4 == 0 && tokenShape(strings.TrimRight(cred, "="))
}

// paramSchemes are Authorization schemes whose credentials are a list of
// parameters (Digest username="...", response="..."), replaced up to the
// end of the header value.
var paramSchemes = []string{"digest", "oauth", "aws4-hmac-sha256", "signature", "hoba", "mutual", "vapid", "scram-sha-1", "scram-sha-256"}

// findAuthorization is called at "authorization". It reports the
// credentials of an Authorization (or Proxy-Authorization) header whose
// scheme is neither Bearer nor Basic (those rules handle theirs): Token,
// Api-Token, Digest, ... or none. The scheme stays; the claim starts at the
// credentials, so that a vendor token there keeps its own category.
func findAuthorization(dst []Span, s string, at int) []Span {
	const key = "authorization"
	if at > 0 && isAlnum(s[at-1]) || !hasPrefixFold(s[at:], key) {
		return dst
	}
	p := at + len(key)
	if p < len(s) && (isWord(s[p]) || s[p] == '-') {
		return dst
	}
	// The operator: ':' or '=' (with quotes and blanks around).
	q := byte(0)
	for n := 0; p < len(s) && n < 8; n++ {
		c := s[p]
		if c == ':' || c == '=' {
			q = c
		} else if c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '\\' && c != '>' {
			break
		}
		p++
	}
	if q == 0 || p >= len(s) {
		return dst
	}
	closer := byte(0)
	if c := s[p-1]; c == '"' || c == '\'' {
		closer = c // a quoted value
	}
	// The scheme: a word followed by a blank and more text.
	w := p
	for w < len(s) && w-p < 32 && (isAlnum(s[w]) || s[w] == '-' || s[w] == '_') {
		w++
	}
	b := p
	if w > p && w < len(s) && (s[w] == ' ' || s[w] == '\t') && w+1 < len(s) && !isSpace(s[w+1]) {
		scheme := s[p:w]
		if equalFold(scheme, "bearer") || equalFold(scheme, "basic") {
			return dst
		}
		b = w
		for b < len(s) && (s[b] == ' ' || s[b] == '\t') {
			b++
		}
		for _, ps := range paramSchemes {
			if equalFold(scheme, ps) {
				e := b
				for e < len(s) && s[e] != '\n' && s[e] != '\r' && (closer == 0 || s[e] != closer || e > b && s[e-1] == '=') {
					e++
				}
				for e > b && s[e-1] == ' ' {
					e--
				}
				if e-b < 8 || isPlaceholderValue(s[b:e]) {
					return dst
				}
				return append(dst, Span{Start: b, End: e})
			}
		}
	}
	e := b
	for e < len(s) && e-b < decideLen && (isBearerByte(s[e]) || s[e] == '=' || s[e] == ':' || s[e] == '%') {
		e++
	}
	if placeholderStartsAt(s, e) {
		return dst // the credential may have gone on into what a first pass replaced
	}
	for e > b && (s[e-1] == '.' || s[e-1] == ':') {
		e--
	}
	if e == b || !headerCredential(s[b:e]) {
		return dst
	}
	if e-b == decideLen {
		e = extendRun(s, e, isBearerByte)
	}
	return append(dst, Span{Start: b, End: e})
}

// validBasicAuth accepts standard, padded base64 of at most 96 bytes that
// decodes to printable UTF-8 text containing ':' (user:password). It does
// not allocate.
func validBasicAuth(v string) bool {
	if len(v) < 8 || len(v)%4 != 0 || len(v) > 128 {
		return false
	}
	var out [96]byte
	n := 0
	for i := 0; i < len(v); i += 4 {
		var q [4]byte
		pad := 0
		for j := 0; j < 4; j++ {
			c := v[i+j]
			switch {
			case c == '=' && i+4 == len(v) && j >= 2:
				pad++
				continue
			case pad > 0:
				return false
			}
			d := b64Value(c)
			if d < 0 {
				return false
			}
			q[j] = byte(d)
		}
		w := uint32(q[0])<<18 | uint32(q[1])<<12 | uint32(q[2])<<6 | uint32(q[3])
		out[n], out[n+1], out[n+2] = byte(w>>16), byte(w>>8), byte(w)
		n += 3 - pad
	}
	dec := out[:n]
	if len(dec) < 3 || !utf8.Valid(dec) {
		return false
	}
	colon := false
	for _, c := range dec {
		if c < ' ' || c == 0x7f {
			return false
		}
		colon = colon || c == ':'
	}
	return colon
}

func b64Value(c byte) int {
	switch {
	case isUpper(c):
		return int(c - 'A')
	case isLower(c):
		return int(c-'a') + 26
	case isDigit(c):
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}
