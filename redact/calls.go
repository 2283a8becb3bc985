package redact

import (
	"slices"
	"strings"
)

// Passwords passed to calls by position, where no key names them:
// mysqli_connect("db", "shop", "X", "shop"), new PDO($dsn, "u", "X"),
// DriverManager.getConnection(url, "u", "X"), requests' auth=("u", "X"),
// HTTPBasicAuth("u", "X"), smtp.login("u", "X"). Each call is a row of
// credentialCalls; the finder is called at the call's name, reads its
// arguments (strings, names and nested calls, up to the closing
// parenthesis on the same line) and takes the password argument when it is
// a string literal that is not a placeholder.

// credentialCall describes where a call takes a password.
type credentialCall struct {
	kw string // the call's name up to its '(' (lower case), the keyword
	// need must be written right before the keyword (new PDO(, .login(,
	// NetworkCredential(); glued allows any word before it (HTTPBasicAuth(,
	// pymysql.connect(, DriverManager.getConnection(). Otherwise the name
	// starts a word.
	need  string
	glued bool
	// arg is the index of the password among the arguments; -1 for the
	// last of two or three (getConnection(url, user, pw) and
	// getConnection(user, pw)).
	arg int
	// strings requires every argument before the password to be a string
	// literal too, for calls whose name says less (login("u", "X")).
	strings bool
	// bare: the call may take its arguments without parentheses, up to
	// the end of the line (Ruby: req.basic_auth "u", "X"); kw then ends in
	// a blank instead of '('.
	bare bool
	// secret: the argument is a key or a signing secret (SECRET), not a
	// password.
	secret bool
	// pair: the argument is "user:password", of which the password is
	// reported (curl_easy_setopt(h, CURLOPT_USERPWD, "u:X")).
	pair bool
}

// credentialCalls are keyed on rare bytes: a keyword that starts like
// common words (user, network, http) would cost the clean path a
// comparison at each of them.
var credentialCalls = []credentialCall{
	{kw: "mysqli_connect(", arg: 2}, {kw: "mysqli_real_connect(", arg: 3}, {kw: "mysqli(", arg: 2},
	{kw: "pdo(", need: "new ", arg: 2}, {kw: "pdo->__construct(", arg: 2},
	{kw: "mysql.connect(", glued: true, arg: 2}, {kw: "mysqldb.connect(", arg: 2},
	{kw: "getconnection(", glued: true, arg: -1},
	{kw: "basicauth(", glued: true, arg: 1}, {kw: "digestauth(", glued: true, arg: 1}, {kw: "proxyauth(", glued: true, arg: 1},
	{kw: "credential(", need: "network", arg: 1}, {kw: "passwordauthentication(", need: "new ", arg: 1},
	{kw: "auth=(", arg: 1, strings: true}, {kw: "auth = (", arg: 1, strings: true},
	{kw: "login(", need: ".", arg: 1, strings: true},
	{kw: "ldap_bind_s(", arg: -1}, {kw: "ldap_bind(", arg: -1}, {kw: "simple_bind_s(", glued: true, arg: -1},
	{kw: "setauth(", need: ">", arg: 1}, {kw: "setauth(", need: ".", arg: 1},
	{kw: "dbi->connect(", arg: 2}, {kw: "dbi->connect_cached(", arg: 2},
	{kw: "cx_oracle.connect(", arg: 1}, {kw: "pymssql.connect(", arg: 2},
	{kw: "basic_auth(", glued: true, arg: 1}, {kw: "basic_auth ", need: ".", arg: 1, bare: true},
	{kw: "smtp.plainauth(", arg: 2}, {kw: "smtp.crammd5auth(", arg: 1, secret: true}, // Go: smtp.PlainAuth("", "u", "X", host)
	// Keys and signing secrets passed to the constructor or call that uses
	// them: new SymmetricSecurityKey(Encoding.UTF8.GetBytes("X")), new
	// SecretKeySpec("X".getBytes(), "HmacSHA256"), crypto.createHmac("sha256",
	// "X"), hmac.new(b"X", msg, sha256), jwt.sign(payload, "X").
	{kw: "symmetricsecuritykey(", need: "new ", arg: 0, secret: true},
	{kw: "secretkeyspec(", need: "new ", arg: 0, secret: true},
	{kw: "hmacsha1(", need: "new ", arg: 0, secret: true}, {kw: "hmacsha256(", need: "new ", arg: 0, secret: true},
	{kw: "hmacsha384(", need: "new ", arg: 0, secret: true}, {kw: "hmacsha512(", need: "new ", arg: 0, secret: true},
	{kw: "createhmac(", need: ".", arg: 1, secret: true}, {kw: "hmac.new(", arg: 0, secret: true},
	{kw: "jwt.sign(", arg: 1, secret: true}, {kw: "jwt.encode(", arg: 1, secret: true},
	{kw: "algorithm.hmac256(", arg: 0, secret: true}, {kw: "algorithm.hmac384(", arg: 0, secret: true},
	{kw: "algorithm.hmac512(", arg: 0, secret: true}, // java-jwt: Algorithm.HMAC256("X")
	// libcurl: curl_easy_setopt(h, CURLOPT_USERPWD, "user:X"), and
	// CURLOPT_PASSWORD's "X".
	{kw: "curlopt_userpwd,", arg: 0, pair: true}, {kw: "curlopt_proxyuserpwd,", arg: 0, pair: true},
	{kw: "curlopt_password,", arg: 0}, {kw: "curlopt_proxypassword,", arg: 0},
}

// credentialCallKeywords returns the call names that take a secret (if
// secret) or a password, the keywords of a rule.
func credentialCallKeywords(secret bool) []string {
	var out []string
	for _, c := range credentialCalls {
		if c.secret == secret && !slices.Contains(out, c.kw) {
			out = append(out, c.kw)
		}
	}
	return out
}

// findCallPassword reports the password argument of a call of
// credentialCalls at s[at].
func findCallPassword(dst []Span, s string, at int) []Span {
	return findCallArgument(dst, s, at, false)
}

// findCallSecret reports the key or signing secret argument of a call of
// credentialCalls at s[at].
func findCallSecret(dst []Span, s string, at int) []Span { return findCallArgument(dst, s, at, true) }

func findCallArgument(dst []Span, s string, at int, secret bool) []Span {
	for _, c := range credentialCalls {
		if c.secret != secret || !hasPrefixFold(s[at:], c.kw) {
			continue
		}
		switch {
		case c.need != "":
			if at < len(c.need) || !hasSuffixFold(s[:at], c.need) {
				continue
			}
		case !c.glued:
			if at > 0 && (isWord(s[at-1]) || s[at-1] == '.' || s[at-1] == '>') {
				continue // inside a longer name (my_mysqli(), x.mysqli())
			}
		}
		if vs, ve := callArgument(s, at+len(c.kw), c); ve > vs {
			return append(dst, Span{Start: vs, End: ve})
		}
		return dst
	}
	return dst
}

// callArgument reads the arguments of a call whose '(' ends at p and
// returns the bounds of the password's string, or an empty range.
func callArgument(s string, p int, c credentialCall) (vs, ve int) {
	type arg struct {
		vs, ve int
		str    bool
	}
	var args [6]arg
	n := 0
	i := p
	lines := false // the arguments go on over lines: getConnection(\n url, "u", "X")
	next := func(i int) int {
		i = skipBlanks(s, i)
		for !c.bare && i < len(s) && (s[i] == '\n' || s[i] == '\r') && i-p < decideLen {
			lines = true
			i = skipBlanks(s, i+1)
		}
		return i
	}
	for n < len(args) {
		i = next(i)
		if i >= len(s) || s[i] == '\n' || i-p >= decideLen {
			return 0, 0
		}
		a := arg{}
		if vs, ve, e := literalArg(s, i); e > i {
			a = arg{vs, ve, true}
			i = e
		} else if s[i] == ')' && n == 0 {
			return 0, 0
		} else {
			// A name, a variable or a nested call: up to the next ',' or
			// ')' outside parentheses.
			depth := 0
			for ; i < len(s) && s[i] != '\n' && i-p < decideLen; i++ {
				if s[i] == '[' && placeholderStartsAt(s, i) {
					// What a first pass replaced in the argument may have
					// been longer than decideLen: its end is not known.
					return 0, 0
				}
				if s[i] == '(' || s[i] == '[' || s[i] == '{' {
					depth++
				} else if (s[i] == ')' || s[i] == ']' || s[i] == '}') && depth > 0 {
					depth--
				} else if depth == 0 && (s[i] == ',' || s[i] == ')') {
					break
				} else if s[i] == '"' || s[i] == '\'' {
					e, _ := closingQuote(s, i+1, s[i])
					if e < 0 {
						return 0, 0
					}
					i = e
				}
			}
		}
		args[n] = a
		n++
		if c.bare {
			i = skipBlanks(s, i)
		} else {
			i = next(i)
		}
		if c.bare && (i >= len(s) || s[i] == '\n' || s[i] == '\r' || s[i] == ';') {
			break
		}
		if i >= len(s) {
			return 0, 0
		}
		if s[i] == ')' && !c.bare {
			break
		}
		if s[i] != ',' {
			return 0, 0
		}
		i++
	}
	k := c.arg
	if k < 0 {
		if n != 2 && n != 3 {
			return 0, 0
		}
		k = n - 1
	}
	if k >= n || !args[k].str {
		return 0, 0
	}
	if lines && holdsPlaceholder(s, p, args[k].vs) {
		return 0, 0 // what a first pass replaced may have made the lines read here longer than decideLen
	}
	v := s[args[k].vs:args[k].ve]
	if c.strings {
		// login("u", "X"), or login(user, "X") when X looks like a
		// password: the name says less than mysqli_connect's.
		for j := 0; j < k; j++ {
			if !args[j].str && !(strongShape(v) || passphraseShape(v)) {
				return 0, 0
			}
		}
	}
	if c.secret {
		if !acceptValue(v, "secret", Secret, true) || strings.ContainsAny(v, " \t") {
			return 0, 0
		}
		return args[k].vs, args[k].ve
	}
	vs = args[k].vs
	if c.pair {
		colon := strings.IndexByte(v, ':')
		if colon <= 0 {
			return 0, 0
		}
		v, vs = v[colon+1:], vs+colon+1
	}
	if !acceptValue(v, "password", Password, true) || strings.IndexByte(v, '\t') >= 0 {
		return 0, 0
	}
	if words, _, _ := spacedWords(v); strings.IndexByte(v, ' ') >= 0 && (words < 2 || words > 8) {
		return 0, 0 // a passphrase of words ("hunter2 but longer 77"), not a sentence
	}
	return vs, args[k].ve
}

// literalWrappers hold a string literal without changing it, as a call's
// argument: Some("x") (Rust), Encoding.UTF8.GetBytes("x") (C#), []byte("x")
// (Go), Buffer.from("x") (Node).
var literalWrappers = []string{"Some(", "Encoding.UTF8.GetBytes(", "Encoding.ASCII.GetBytes(", "Encoding.Default.GetBytes(",
	"[]byte(", "Buffer.from(", "String::from(", "SecretString::new(", "Secret::new("}

// literalSuffixes turn a string literal into bytes or characters:
// "x".getBytes(UTF_8) and "x".toCharArray() (Java), "x".encode()
// (Python), "x".as_bytes() (Rust).
var literalSuffixes = []string{".getBytes(", ".encode(", ".as_bytes(", ".to_string(", ".into(", ".toCharArray("}

// literalArg reads a call argument at s[i] that is a string literal, bare
// or in literalWrappers (two deep at most), with a b or r prefix
// (Python) or a literalSuffixes call after it. It returns the literal's
// contents and the end of the argument, or end = i.
func literalArg(s string, i int) (vs, ve, end int) {
	p, open := i, 0
	for w := 0; w < 2; w++ {
		k := slices.IndexFunc(literalWrappers, func(x string) bool { return strings.HasPrefix(s[p:], x) })
		if k < 0 {
			break
		}
		p += len(literalWrappers[k])
		open++
	}
	if p+1 < len(s) && (s[p] == 'b' || s[p] == 'r') && (s[p+1] == '"' || s[p+1] == '\'') {
		p++
	}
	if p >= len(s) || s[p] != '"' && s[p] != '\'' {
		return 0, 0, i
	}
	e, capped := closingQuote(s, p+1, s[p])
	if e < 0 || capped {
		return 0, 0, i
	}
	vs, ve, end = p+1, e, e+1
	if k := slices.IndexFunc(literalSuffixes, func(x string) bool { return strings.HasPrefix(s[end:], x) }); k >= 0 {
		c := strings.IndexByte(s[end:min(len(s), end+64)], ')')
		if c < 0 {
			return 0, 0, i
		}
		end += c + 1
	}
	for ; open > 0; open-- {
		end = skipBlanks(s, end)
		if end >= len(s) || s[end] != ')' {
			return 0, 0, i
		}
		end++
	}
	return vs, ve, end
}

// The user:password literal that code encodes for a Basic Authorization
// header: "Basic " + base64("user:X") in any language (btoa("u:X"),
// base64.b64encode(b"u:X"), [Convert]::ToBase64String(...GetBytes("u:X")),
// Buffer.from("u:X").toString("base64")). The finder is called at the
// encoding call and takes the password after the first ':' of its string
// argument when "basic" or "auth" is written on its line.

// basicLiteralKeywords are the calls that encode the literal.
var basicLiteralKeywords = []string{"btoa(", "b64encode(", "getbytes(", "encodetostring("}

// findBasicLiteral reports the password of a user:password literal passed
// to an encoding call at s[at].
func findBasicLiteral(dst []Span, s string, at int) []Span {
	before, after := contextBefore(s, at, 160), contextAfter(s, at, 160)
	if indexFold(before, "basic") < 0 && indexFold(before, "auth") < 0 &&
		indexFold(after, "basic") < 0 && indexFold(after, "auth") < 0 {
		return dst
	}
	p := at + strings.IndexByte(s[at:], '(') + 1
	for p < len(s) && (s[p] == '[' || s[p] == ']' || s[p] == 'b' && p+1 < len(s) && (s[p+1] == '"' || s[p+1] == '\'')) {
		p++ // []byte("..."), b"..."
	}
	if p >= len(s) || s[p] != '"' && s[p] != '\'' && s[p] != '`' {
		return dst
	}
	e, capped := closingQuote(s, p+1, s[p])
	if e < 0 || capped {
		return dst
	}
	lit := s[p+1 : e]
	k := strings.IndexByte(lit, ':')
	if k <= 0 || k == len(lit)-1 || strings.ContainsAny(lit, " \t") || !allFunc(lit[:k], func(c byte) bool { return isWord(c) || c == '.' || c == '-' || c == '@' }) {
		return dst
	}
	v := lit[k+1:]
	if !acceptValue(v, "password", Password, true) || strings.ContainsAny(v, "$%{") {
		return dst
	}
	return append(dst, Span{Start: p + 1 + k + 1, End: e})
}
