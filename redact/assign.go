package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Key = value assignments: password=..., "client_secret": "...",
// --password x, <password>x</password>, PASSWORD 'x'. The finder is called at
// a keyword inside the key, finds the whole key, classifies it, and reports
// the value if it is a literal secret rather than a placeholder, a
// reference or prose.

func findPasswordAssignment(dst []Span, s string, at int) []Span {
	return findAssignment(dst, s, at, Password)
}

func findSecretAssignment(dst []Span, s string, at int) []Span {
	return findAssignment(dst, s, at, Secret)
}

func isKeyByte(c byte) bool { return isWord(c) || c == '-' || c == '.' }

// findAssignment is called at a keyword inside a key name ("pass" in
// DB_PASSWORD). It finds the whole key, classifies it, and if it is of
// category want and is followed by an assignment operator (=, :, :=, =>, or
// a space after a --flag), reports the value.
func findAssignment(dst []Span, s string, at int, want Category) []Span {
	ks, ke := at, at
	flag := false
	weak := false // a key that names a secret only sometimes: "key"
	w := 0
	if want == Password {
		w = localPasswordWord(s[at:])
	}
	if w > 0 {
		// "Passwort:", "mot de passe :", "пароль:", "密码：" name a password;
		// glued to a placeholder, the word may have continued what it
		// replaced (see placeholderEndsAt).
		if at > 0 && s[at-1] < 0x80 && isAlpha(s[at-1]) || placeholderEndsAt(s, at) {
			return dst
		}
		ke = at + w
	} else {
		for ks > 0 && at-ks < 64 && isKeyByte(s[ks-1]) {
			ks--
		}
		if placeholderEndsAt(s, ks) {
			return dst // it may have replaced the start of the key (see placeholderEndsAt)
		}
		for ke < len(s) && ke-at < 64 && isKeyByte(s[ke]) {
			ke++
		}
		for ke > ks && (s[ke-1] == '.' || s[ke-1] == '-') {
			ke--
		}
		flag = ke-ks > 2 && s[ks] == '-' && s[ks+1] == '-'
		for ks < ke && (s[ks] == '-' || s[ks] == '.') {
			ks++
		}
		if ks >= ke {
			return dst
		}
		if fileFlagBefore(s, ks) {
			return dst // --from-file=password=./db_password.txt: a file's path
		}
		if inARN(s, ks) {
			return dst // arn:aws:secretsmanager:…:secret:prod/db: a resource type
		}
		// A name whose value is given apart from it (Terraform variable,
		// name/value lists, CloudFormation parameters).
		if vs, ve := namedValue(s, ks, ke); vs < 0 {
			return dst // a name whose value a placeholder may hold or hide
		} else if ve > vs {
			if c, _ := keyCategory(s, ks, ke); c == want && acceptValue(s[vs:ve], s[ks:ke], want, true) {
				return append(dst, Span{Start: vs, End: ve})
			}
			return dst
		}
		// A literal given as the fallback of an environment read:
		// process.env.JWT_SECRET || "x", getenv("DB_PASSWORD") or "x".
		if vs, ve := fallbackValue(s, ks, ke); ve > vs {
			if c, weak := keyCategory(s, ks, ke); c == want && acceptValue(s[vs:ve], s[ks:ke], want, true) && (!weak || weakValue(s[ks:ke], s[vs:ve])) {
				return append(dst, Span{Start: vs, End: ve})
			}
			return dst
		}
		// A literal a password is compared with: a credential written
		// into the code (password == "x", getPassword().equals("x")).
		if vs, ve := comparedLiteral(s, ke); ve > vs {
			if c, _ := keyCategory(s, ks, ke); c == want && acceptValue(s[vs:ve], s[ks:ke], want, true) {
				return append(dst, Span{Start: vs, End: ve})
			}
			return dst
		}
		if !flag && !mayAssign(s, ks, ke) {
			return dst
		}
		var c Category
		c, weak = keyCategory(s, ks, ke)
		if c != want {
			return dst
		}
	}
	key := s[ks:ke]
	if ks > 0 && s[ks-1] == ':' && ke+1 < len(s) && s[ke] == ':' && isUpper(s[ke+1]) && ke+2 < len(s) && isUpper(s[ke+2]) {
		return dst // a record's fields named in order: groupname:password:GID:user_list
	}
	if want == Password && equalFold(key, "pass") && (passNoun(s, ks) || testResult(s, ks, ke)) {
		return dst // "First pass: break into blocks", "--- PASS: TestFoo (0.01s)"
	}
	sql := want == Password && (w == 0 && equalFold(key, "password") && isUpper(key[0]) && isUpper(key[1]) || hasPrefixFold(key, "identified by"))

	// Quoting around the key.
	p := ke
	var inStr byte // the key sits inside a string literal closed by inStr
	xml, tuple := false, false
	if ks > 0 {
		switch q := s[ks-1]; {
		case q == '"' && ks > 1 && s[ks-2] == '\\' && strings.HasPrefix(s[p:], `\"`):
			p += 2 // a quoted key inside a JSON string: \"password\": \"x\"
		case q == '"' || q == '\'' || q == '`':
			if p < len(s) && s[p] == q {
				p++ // a quoted key: "password": ...
				p = valueAttr(s, p)
				tuple = true
			} else {
				inStr = q // "Password: hunter2"
			}
		case q == '<' && p < len(s) && s[p] == '>':
			xml = true
			p++
		}
	}
	if p < len(s) && (s[p] == ']' || s[p] == '}' && inStr == 0) {
		p++ // params["password"], $ENV{'API_KEY'} (Perl)
	} else if strings.HasPrefix(s[p:], "[]") {
		p += 2 // C: char api_token[] = "..."
	}
	// Markdown emphasis around the key, or the key and its colon:
	// **Password**: x, **Password:** x.
	em := emphasisAround(s, ks)
	if em != "" && strings.HasPrefix(s[p:], em) {
		p += len(em)
	}

	// Operator.
	op := p
	for op < len(s) && (s[op] == ' ' || s[op] == '\t') {
		op++
	}
	// A type between the key and '=': api_key: str = "x" (Python), val
	// token: String = "x" (Kotlin, Swift, TypeScript), const KEY: &str =
	// "x" (Rust), var apiKey string = "x" (Go), Dim token As String = "x"
	// (Visual Basic).
	if t := typedAssign(s, p, op); t > 0 {
		op = t
	} else if t < 0 {
		return dst
	}
	v := op
	switch {
	case xml:
		v = p
	case op >= len(s):
		return dst
	case s[op] == '=':
		if op+1 < len(s) && (s[op+1] == '=' || s[op+1] == '~') {
			return dst // a comparison
		}
		v = op + 1
		if v < len(s) && s[v] == '>' {
			v++
		}
	case s[op] == '?' && strings.HasPrefix(s[op:], "?="):
		v = op + 2 // Makefile: KEY ?= value
	case strings.HasPrefix(s[op:], "??="):
		v = op + 3 // PHP, C#: $token ??= "x"
	case op > p && (strings.HasPrefix(s[op:], "<- ") || strings.HasPrefix(s[op:], "<- \"")):
		v = op + 2 // R: api_key <- "x"
	case s[op] == '(' && op == p && setterCall(key) && op+1 < len(s) && (s[op+1] == '"' || s[op+1] == '\''):
		v = op + 1 // client.setApiKey("x"), builder.token("x")
	case op == p+1 && s[p] == ' ' && lispDef(s, ks) && (s[op] == '"'):
		v = op // Clojure, Lisp: (def api-token "x")
	case strings.HasPrefix(s[op:], "::="):
		v = op + 3 // POSIX make: KEY ::= value
	case s[op] == ':':
		if op+1 < len(s) && s[op+1] == ':' {
			return dst
		}
		v = op + 1
		if v < len(s) && s[v] == '=' {
			v++
		}
	case strings.HasPrefix(s[op:], "："): // fullwidth colon (CJK)
		v = op + len("：")
	case s[op] == '|' && tableRowKey(s, ks):
		// A Markdown table of variables and values: | `SMTP_PASSWORD` | x |.
		ce := strings.IndexByte(s[op+1:lineEnd(s, op+1)], '|')
		if ce < 0 {
			return dst
		}
		vs, ve := op+1, op+1+ce
		for vs < ve && (s[vs] == ' ' || s[vs] == '\t') {
			vs++
		}
		for ve > vs && (s[ve-1] == ' ' || s[ve-1] == '\t') {
			ve--
		}
		if ve-vs > 1 && s[vs] == '`' && s[ve-1] == '`' {
			vs, ve = vs+1, ve-1
		}
		val := s[vs:ve]
		if ve <= vs || strings.ContainsAny(val, " `|") || !acceptValue(val, key, want, true) || weak && !weakValue(key, val) {
			return dst
		}
		return append(dst, Span{Start: vs, End: ve})
	case s[op] == ',' && tuple:
		if s[ks-1] == '`' || columnList(s, ks-1) {
			// INSERT INTO `users` (`id`, `password`, `phone`): names of
			// columns, as a backtick quotes names in SQL and Markdown.
			return dst
		}
		v = op + 1 // define('DB_PASSWORD', 'x'), setenv("API_KEY", "x")
	case flag && op == p+1 && s[p] == ' ':
		if s[op] == '-' {
			return dst
		}
	case sql && op > p && s[op] == '\'':
		// SQL: CREATE USER x WITH PASSWORD 'secret', IDENTIFIED BY 'secret'.
	case op > p && directive(s, ks, op, key):
		// A configuration directive: "requirepass x" (redis.conf),
		// "ENV API_TOKEN x" (Dockerfile).
	default:
		return dst
	}
	if em != "" && strings.HasPrefix(s[v:], em) {
		v += len(em) // the emphasis closes after the colon
	}
	for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
		v++
	}
	if v >= len(s) {
		return dst
	}

	// Value. It is read up to decideLen bytes to decide; an accepted value
	// is then claimed up to its real end, however long.
	var vs, ve int
	quoted, capped := false, false
	var closer string // what ends a capped value: a quote, `\"` or "<"
	if v+1 < len(s) && (s[v+1] == '"' || s[v+1] == '\'' && s[v] != '@') && (s[v] == '@' || s[v] == 'r' || s[v] == 'b' || s[v] == 'u') && inStr == 0 {
		v++ // a string literal's prefix: @"x" (Objective-C, C#), r"x", b'x' (Python)
	} else if w := conversionAt(s, v); w > 0 && inStr == 0 {
		v += w // a literal converted to bytes: []byte("x") (Go), Buffer.from("x") (Node)
	}
	switch c := s[v]; {
	case xml:
		vs = v
		ve, capped = indexWithin(s, vs, "<")
		closer = "<"
		if ve >= 0 && !capped && !closingTag(s, ve, key) {
			return dst // "<password>" in prose or a placeholder, not an element
		}
	case inStr == 0 && (c == '"' || c == '\'') && strings.HasPrefix(s[v:], strings.Repeat(string(c), 3)):
		// A triple-quoted string (TOML, Python, Grafana's ini): password = """x""".
		q := s[v : v+3]
		vs = v + 3
		ve, capped = indexWithin(s, vs, q)
		if ve < 0 || capped || ve == vs || strings.IndexByte(s[vs:ve], '\n') >= 0 {
			return dst // not closed on its line: a docstring, not a value
		}
		quoted = true
		closer = q
	case (inStr == 0 || inStr == '`' && c != '`' || inStr == '"' && c == '\'') && (c == '"' || c == '\'' || c == '`'):
		// A quoted value, also inside inline code: `DB_PASS = "x"`, or
		// in single quotes inside a string: "PGPASSWORD='x' psql …".
		vs = v + 1
		ve, capped = closingQuote(s, vs, c)
		if ve < 0 {
			return dst
		}
		if tuple && s[op] == ',' && !capped {
			ne := min(len(s), ve+8)
			next := strings.TrimLeft(s[ve+1:ne], " \t")
			if strings.HasPrefix(next, ":") || placeholderStartsAt(s, ne-len(next)) {
				// {"name": "DB_PASSWORD", "value": ...}: the next key, not a
				// value; or a placeholder, which may stand for an address
				// that began with the colon (`"KEY","x"::1`).
				return dst
			}
			if strings.HasPrefix(next, ",") {
				after := strings.TrimLeft(next[1:], " \t")
				b := skipBlanksBack(s, ks-1)
				if after != "" && (after[0] == '"' || after[0] == '\'') || b > 0 && s[b-1] == ',' {
					// A list of words ('or', 'pass', 'public', 'print'):
					// strings before the key and after its value.
					return dst
				}
			}
		}
		quoted = true
		closer = quoteCloser[c]
		if c == '"' && !capped && ve-vs >= 4 && strings.HasPrefix(s[vs:], `\"`) && strings.HasSuffix(s[vs:ve], `\"`) {
			vs, ve = vs+2, ve-2 // a quoted string inside the string: buildConfigField("String", "KEY", "\"x\"")
		}
	case inStr == 0 && c == '\\' && v+1 < len(s) && s[v+1] == '"':
		vs = v + 2
		ve, capped = indexWithin(s, vs, `\"`)
		quoted = true
		closer = `\"`
	default:
		if tuple && s[op] == ',' {
			return dst // a tuple's value is quoted
		}
		vs = v
		ve = unquotedEnd(s, vs, inStr, vs+decideLen, s[op] != ':')
		capped = ve == vs+decideLen
		if bs, be := blockScalar(s, vs, indicatorEnd(s, vs), ks); be > bs {
			// YAML: token: | and the value on the lines below.
			if !acceptValue(s[bs:min(be, bs+decideLen, lineEnd(s, bs))], key, want, true) {
				return dst
			}
			return append(dst, Span{Start: bs, End: be})
		}
		if e := appPasswordAt(s, vs); e > 0 && want == Password {
			ve = e // "App password: vbnq rxtl pwoe kdzs"
		}
		if !capped && want == Password && s[op] == ':' && inStr == 0 && atLineStart(s, ks) && !isStopWord(s[vs:ve]) {
			ve = restOfLine(s, vs, ve)
		} else if !capped && want == Password && inStr == '`' {
			ve = codeSpanEnd(s, vs, ve)
		}
		if ve > vs+1 && s[ve-1] == '.' && s[ve-2] != '.' && (ve >= len(s) || isSpace(s[ve])) {
			ve-- // the full stop of a sentence, not an ellipsis (sk-ant-api03-...)
		}
	}
	if ve <= vs {
		return dst
	}
	val := s[vs:ve]
	if !quoted && len(val) > 1 && val[len(val)-1] == ':' && ve < len(s) && s[ve] == '`' {
		return dst // a reStructuredText role: "pass :attr:`Parameter.empty`"
	}
	if !quoted && inStr != 0 && s[op] == ':' && vs == op+1 && len(val) <= 8 && allFunc(val, isLower) {
		return dst // a database's field named in a string: "passwd:shell", "passwd:gecos"
	}
	if !quoted && ks >= 2 && s[ks-1] == ' ' && s[ks-2] == ',' && s[op] == '=' && op > ke &&
		allFunc(val, func(c byte) bool { return isLower(c) || c == '_' || c == '.' }) {
		return dst // tuple unpacking: username, password = split
	}
	if hasPrefixFold(key, "identified by") && key != "IDENTIFIED BY" && !sqlUserBefore(s, ks) {
		return dst // prose: "a library identified by 'name'"
	}
	if quoted && strings.HasSuffix(strings.TrimRight(val, " "), ":") && strings.IndexFunc(val, unicode.IsLetter) >= 0 && !strongShape(strings.Trim(val, " :")) {
		return dst // a prompt: read.password('New password: ')
	}
	if !acceptValue(val, key, want, quoted) || weak && !weakValue(key, val) && !(isUUID(val) && signingParent(s, ks)) {
		return dst
	}
	if capped {
		ve = valueEnd(s, ve, closer, inStr, s[op] != ':')
	}
	return append(dst, Span{Start: vs, End: ve})
}

// portSpec reports a port and a protocol (464/tcp).
func portSpec(v string) bool {
	port, proto, ok := strings.Cut(v, "/")
	return ok && port != "" && allDigits(port) && (proto == "tcp" || proto == "udp" || proto == "sctp" || proto == "ddp")
}

// nssSources reports a list of nsswitch.conf sources (files systemd,
// compat, files sss).
func nssSources(v string) bool {
	n := 0
	for w := range strings.FieldsSeq(v) {
		switch w {
		case "files", "systemd", "compat", "db", "nis", "nisplus", "ldap", "sss", "dns", "mdns4_minimal", "myhostname", "resolve", "winbind":
			n++
		default:
			return false
		}
	}
	return n > 0
}

// namespacedName reports a name with a namespace and no secret in it:
// lower-case letters, digits and '-' before one colon, and after it a
// name of letters (ec2:InstanceType, s3:GetObject) or a version
// (google-auth-library-credentials:1.3.0).
func namespacedName(v string) bool {
	ns, name, ok := strings.Cut(v, ":")
	if !ok || ns == "" || name == "" || strings.IndexByte(name, ':') >= 0 ||
		!allFunc(ns, func(c byte) bool { return isLower(c) || isDigit(c) || c == '-' || c == '.' }) {
		return false
	}
	return allFunc(name, isAlpha) || versionValue(name)
}

// fileName reports a value that names a file by its extension
// (MegaFrogRaceServer_build_123.zip, backup-2024.tar.gz): what a bare
// "Key" holds in an object store's listing.
func fileName(v string) bool {
	k := strings.LastIndexByte(v, '.')
	if k <= 0 || strings.ContainsAny(v, " /\\") {
		return false
	}
	switch strings.ToLower(v[k+1:]) {
	case "zip", "gz", "tgz", "tar", "json", "txt", "csv", "log", "png", "jpg", "jpeg", "pdf", "yaml", "yml", "xml", "parquet", "bin", "exe", "mp4", "html":
		return true
	}
	return false
}

// passOrdinals are words before "pass" that make it a noun: a pass over
// data, not a password ("First pass: assign addresses").
var passOrdinals = newWordSet("st", "nd", "rd", "first", "second", "third", "fourth", "final", "last", "next", "previous", "same", "one",
	"single", "each", "every", "another", "this", "that", "a", "the", "initial", "later", "early", "late", "main", "extra")

// passNoun reports "pass" at s[ks] after a word of passOrdinals.
func passNoun(s string, ks int) bool {
	b := skipBlanksBack(s, ks)
	if b == ks || b == 0 {
		return false
	}
	return passOrdinals.has(strings.ToLower(precedingWordASCII(s, b)))
}

// testResult reports a test runner's "PASS" at s[ks:ke]: after "--- " (go
// test), or before the name of a test (TestFoo, a script's path) or its
// time ("PASS: TestFoo (0.01s)", "PASS: tests/unit.sh").
func testResult(s string, ks, ke int) bool {
	if s[ks:ke] != "PASS" {
		return false
	}
	if ks >= 4 && s[ks-4:ks] == "--- " {
		return true
	}
	v := skipBlanks(s, ke+1)
	if ke >= len(s) || s[ke] != ':' || v >= len(s) {
		return false
	}
	e := v
	for e < len(s) && !isSpace(s[e]) {
		e++
	}
	name := s[v:e]
	if holdsPlaceholder(s, v, e) || e < len(s) && placeholderStartsAt(s, e) {
		return true // what a placeholder replaced may have made it a test's name (a path with '/')
	}
	return len(name) > 4 && strings.HasPrefix(name, "Test") && isUpper(name[4]) || strings.IndexByte(name, '/') >= 0 ||
		strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".py") || strings.HasPrefix(s[e:], " (") && strings.Contains(s[e:min(len(s), e+16)], "s)")
}

// sqlUserBefore reports a statement that creates or changes a user or a
// role before s[ks] on its line (CREATE USER app identified by 'x').
func sqlUserBefore(s string, ks int) bool {
	// Only after the last placeholder in the 160 bytes: a shorter one may
	// have brought the word into them.
	line := s[placeholderFreeFrom(s, lineStartWithin(s, ks, 160), ks):ks]
	return indexFold(line, "user") >= 0 || indexFold(line, "role") >= 0 || indexFold(line, "login") >= 0
}

// lowerRun returns the length of the longest run of lower-case letters
// in v: words have long ones (AWSConfigServiceRole), random strings short.
func lowerRun(v string) int {
	longest, run := 0, 0
	for i := 0; i < len(v); i++ {
		if isLower(v[i]) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// regexValue reports a regular expression: a group or class syntax that
// secrets do not hold ((?:, [^, \d, \w, .*).
func regexValue(v string) bool {
	for _, m := range [...]string{"(?:", "(?P<", "[^", `\d`, `\w`, `\s`, ".*", "{hex}"} {
		if strings.Contains(v, m) {
			return true
		}
	}
	return false
}

// isUUID reports a UUID in its canonical form.
func isUUID(v string) bool { return len(v) == 36 && hexGroups(v, '-', 8, 4, 4, 4, 12) }

// signingParent reports a key at s[ks] inside an object whose name says
// it configures signing or encryption ("Jwt": { "Key": "…" } in .NET's
// appsettings.json, jwt: { key: … }): there a bare key's UUID is the
// signing key, where elsewhere a UUID under "key" names something. An
// object whose text holds a placeholder is not read: what a first pass
// replaced may have put its name out of reach.
func signingParent(s string, ks int) bool {
	depth := 0
	for i := ks - 1; i >= 0 && ks-i <= 256; i-- {
		switch s[i] {
		case '}':
			depth++
		case '{':
			if depth > 0 {
				depth--
				continue
			}
			if holdsPlaceholder(s, i, ks) {
				return false
			}
			j := skipBlanksBack(s, i)
			if j == 0 || s[j-1] != ':' && s[j-1] != '=' {
				return false
			}
			j = skipBlanksBack(s, j-1)
			if j > 0 && (s[j-1] == '"' || s[j-1] == '\'') {
				j--
			}
			e := j
			for j > 0 && isKeyByte(s[j-1]) {
				j--
			}
			name := s[j:e]
			return indexFold(name, "jwt") >= 0 || indexFold(name, "signing") >= 0 || indexFold(name, "hmac") >= 0 ||
				indexFold(name, "encryption") >= 0 || indexFold(name, "crypto") >= 0
		}
	}
	return false
}

// tableRowKey reports whether the key at s[ks] stands in the first cell of
// a row of a Markdown table (the line starts with '|', and no other '|'
// comes before the key).
func tableRowKey(s string, ks int) bool {
	ls := lineStartWithin(s, ks, 64)
	row := strings.TrimLeft(s[ls:ks], " \t")
	return len(row) > 0 && row[0] == '|' && strings.IndexByte(row[1:], '|') < 0
}

// inARN reports whether the key at s[ks] is a part of an Amazon Resource
// Name (arn:aws:secretsmanager:us-east-1:123456789012:secret:name): glued
// to the colon before it, in a run without blanks that starts with "arn:".
func inARN(s string, ks int) bool {
	if ks == 0 || s[ks-1] != ':' {
		return false
	}
	b := ks - 1
	for b > 0 && ks-b < 256 && !isSpace(s[b-1]) && s[b-1] != '"' && s[b-1] != '\'' {
		b--
	}
	// A placeholder in the token may have replaced its "arn:" and what
	// followed (a first pass took "Arn:" as a password).
	return hasPrefixFold(s[b:ks], "arn:") || holdsPlaceholder(s, b, ks)
}

// fileFlags are options whose key=value arguments name a file that holds
// the value (kubectl --from-file=password=./pw.txt, helm --set-file
// tls.key=./tls.key).
var fileFlags = []string{"--from-file", "--from-env-file", "--set-file"}

// fileFlagBefore reports whether the key at s[ks] is the argument of one of
// fileFlags, after '=' or a blank, or may have been: a placeholder before
// the blank may have replaced the flag.
func fileFlagBefore(s string, ks int) bool {
	if ks < 2 || s[ks-1] != '=' && s[ks-1] != ' ' {
		return false
	}
	if placeholderEndsAt(s, ks-1) {
		return true
	}
	if !hasSuffixFold(s[:ks-1], "file") {
		return false // what every one of fileFlags ends with
	}
	for _, f := range fileFlags {
		if hasSuffixFold(s[:ks-1], f) {
			return true
		}
	}
	return false
}

// columnList reports whether the quote at s[q] opens a name in the column
// list of an INSERT (INSERT INTO users ("id", "password", "phone")): back
// to the '(' only names, quotes, commas and blanks, and before it INTO and
// a table's name. A placeholder in that window may have stood for any of
// it: the names are then read as a column list.
func columnList(s string, q int) bool {
	for j := q; j > 0 && q-j < 256; j-- {
		if placeholderEndsAt(s, j) {
			return true
		}
		switch c := s[j-1]; {
		case c == '(':
			p := j - 1
			for p > 0 && (s[p-1] == ' ' || s[p-1] == '\t') {
				p--
			}
			t := p
			for t > 0 && (isKeyByte(s[t-1]) || s[t-1] == '`' || s[t-1] == '"') {
				t--
			}
			if t == p || placeholderEndsAt(s, p) {
				return t < p
			}
			for t > 0 && (s[t-1] == ' ' || s[t-1] == '\t') {
				t--
			}
			if placeholderEndsAt(s, t) {
				return true // it may have replaced INTO
			}
			return hasSuffixFold(s[:t], "into") && (t == 4 || !isWord(s[t-5]))
		case isWord(c) || strings.IndexByte("\"'`, \t.", c) >= 0:
		default:
			return false
		}
	}
	return false
}

// percentDirective reports a value that is a directive or a reference
// written with a percent sign and lower-case letters (%prompt, %env).
func percentDirective(v string) bool {
	return len(v) > 1 && v[0] == '%' && allFunc(v[1:], isLower)
}

// emphasisAround returns the Markdown emphasis ("**" or "*") that opens
// right before a key at s[ks], or "".
func emphasisAround(s string, ks int) string {
	switch {
	case ks >= 2 && s[ks-2] == '*' && s[ks-1] == '*':
		return "**"
	case ks >= 1 && s[ks-1] == '*':
		return "*"
	}
	return ""
}

// closingTag reports whether the end tag of the element name, </name>,
// starts at s[i] (ASCII case ignored).
func closingTag(s string, i int, name string) bool {
	return i+len(name)+3 <= len(s) && s[i] == '<' && s[i+1] == '/' && strings.EqualFold(s[i+2:i+2+len(name)], name) && s[i+2+len(name)] == '>'
}

// conversions wrap a literal without changing what it holds.
var conversions = []string{"[]byte(", "Buffer.from(", "bytes(", "str(", "String(", "SecretStr(", "SecretString(", "Secret("}

// conversionAt returns the length of a conversion call at s[i] whose
// argument is a string literal, or 0.
func conversionAt(s string, i int) int {
	for _, c := range conversions {
		if strings.HasPrefix(s[i:], c) && i+len(c) < len(s) && (s[i+len(c)] == '"' || s[i+len(c)] == '\'' || s[i+len(c)] == '`') {
			return len(c)
		}
	}
	return 0
}

// fallbackValue returns the bounds of a string literal that follows the
// key s[ks:ke] as the fallback of an environment or configuration read
// (process.env.JWT_SECRET || "x", process.env.API_KEY ?? "x",
// getenv("DB_PASSWORD") or "x", System.getenv("TOKEN") ?: "x"), or an
// empty range. The key must be read from the environment (env. before
// it) or be the argument of a call or an index.
func fallbackValue(s string, ks, ke int) (vs, ve int) {
	p := ke
	quoted := ks > 1 && (s[ks-1] == '"' || s[ks-1] == '\'') && p+1 < len(s) && s[p] == s[ks-1]
	if quoted {
		p += 2 // the quote and the ')' or ']' checked below
	} else if (ks == 0 || s[ks-1] != '.') && strings.IndexByte(s[ks:ke], '.') < 0 {
		return 0, 0 // neither env.KEY nor ("KEY"): most keys, decided first
	}
	p = skipBlanks(s, p)
	if quoted && p < len(s) && (s[p] == '.' || s[p] == '{') && (s[ks-2] == '(' && s[ke+1] == ')' || s[ks-2] == '[' && s[ke+1] == ']') {
		// Rust's env::var("KEY").unwrap_or("v") and .unwrap_or_else(|_|
		// "v".to_string()), Ruby's ENV.fetch("KEY") { "v" }.
		for _, op := range [...]string{".unwrap_or(", ".unwrap_or_else(|_|", "{"} {
			if strings.HasPrefix(s[p:], op) {
				return literalAfter(s, p+len(op))
			}
		}
		return 0, 0
	}
	// The operator first: most keys are followed by none.
	if p+3 >= len(s) || !(s[p] == '|' && s[p+1] == '|' || s[p] == '?' && (s[p+1] == '?' || s[p+1] == ':') ||
		s[p] == 'o' && s[p+1] == 'r' && (s[p+2] == ' ' || s[p+2] == '\t')) {
		return 0, 0
	}
	if quoted {
		if s[ks-2] != '(' && s[ks-2] != '[' || s[ke+1] != ')' && s[ke+1] != ']' {
			return 0, 0
		}
	} else if !(ks >= 4 && hasSuffixFold(s[:ks], "env.") || indexFold(s[ks:ke], "env.") >= 0) {
		return 0, 0
	}
	return literalAfter(s, p+2)
}

// literalAfter returns the bounds of the string literal in any quote that
// starts at s[p] after blanks, whole within the finder's reach, or 0, 0.
func literalAfter(s string, p int) (vs, ve int) {
	p = skipBlanks(s, p)
	if p >= len(s) || s[p] != '"' && s[p] != '\'' && s[p] != '`' {
		return 0, 0
	}
	e, capped := closingQuote(s, p+1, s[p])
	if e < 0 || capped {
		return 0, 0
	}
	return p + 1, e
}

// keyCategory classifies the key s[ks:ke] (see classifyKey); in a URL's
// query string the signature and key parameters of signed URLs and API
// calls count as secrets too (?sig=, &X-Amz-Signature=, ?key=). A bare
// "key" is a secret only when its value looks generated (weak).
func keyCategory(s string, ks, ke int) (c Category, weak bool) {
	key := s[ks:ke]
	c = classifyKey(key)
	if c == "" && ks > 0 && (s[ks-1] == '?' || s[ks-1] == '&') && querySecrets.has(key) {
		return Secret, false
	}
	if c == "" && (weakSecretKeys.has(key) || keyNamedKey(key)) {
		if ks >= 2 && s[ks-1] == ' ' && publicKeyWords.has(precedingWordASCII(s, ks-1)) {
			return "", false // "# public key: age1…", "host key: …": the key named is public
		}
		if ks >= 2 && s[ks-1] == ' ' && equalFold(key, "key") && cacheKeyBefore(s, ks) {
			return "", false // "Cache restored from key: node-cache-…"
		}
		return Secret, true
	}
	if c == "" && secretIDKey(key) {
		return Secret, true
	}
	if c == "" && equalFold(key, "routing_key") && pagerDutyBefore(s, ks) {
		return Secret, true // Alertmanager's pagerduty_configs: the integration key, not a message queue's routing key
	}
	if c == "" && equalFold(key, "pw") {
		return Password, true // pw=hunter2; not pw=800 (a width), see weakValue
	}
	if c == Password && (equalFold(key, "pwd") || hasSuffixFold(key, ".pwd")) {
		return Password, true // PWD=hunter2!; not pwd = name, s.pwd = dir (the working directory)
	}
	if c == Secret && equalFold(key, "sid") {
		return Secret, true // connect.sid's random value; not an IAM statement's "Sid": "AllowPush"
	}
	if c == "" {
		return foreignKeyCategory(key)
	}
	return c, false
}

// secretIDKey reports a key named "secret id" (secret_id, SecretId): the
// secret half of Vault's AppRole login, or the name of a secret in AWS
// Secrets Manager; its value decides (see weakValue).
func secretIDKey(key string) bool {
	if !equalFold(lastWord(key), "id") {
		return false
	}
	k := strings.TrimRight(key[:len(key)-2], "_-.")
	return len(k) >= 6 && strings.EqualFold(k[len(k)-6:], "secret")
}

// weakValue decides the value of a key that names a secret only sometimes
// (weak): a value that looks generated; for a secret ID also a UUID
// (Vault's format), but not a path or an ARN (the name of an AWS secret).
func weakValue(key, val string) bool {
	if equalFold(key, "pwd") || hasSuffixFold(key, ".pwd") {
		// A digit or a symbol: absWork and dir are variables.
		return strings.IndexFunc(val, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 && strongShape(val) || passphraseShape(val)
	}
	if equalFold(key, "sid") && allFunc(val, isAlnum) && (len(val) < 32 || lowerRun(val) >= 4) {
		return false // an IAM statement's "Sid": "AWSBatchPolicyStatement10"; a session cookie's is random, or has '%' and '.'
	}
	if equalFold(key, "pw") {
		// A bare "pw" is a password's key only for a value with a letter
		// and a digit or a symbol: pw=800, pw=full and pw=0.5mm are a
		// width, a mode and a measure.
		num := strings.TrimRightFunc(val, unicode.IsLetter)
		measure := num != "" && strings.Trim(num, "0123456789.,") == ""
		return strongShape(val) && strings.IndexFunc(val, unicode.IsLetter) >= 0 && !measure
	}
	if fileName(val) {
		return false
	}
	if secretIDKey(key) {
		return strings.IndexAny(val, ":/") < 0 && (randomToken(val) || isUUID(val))
	}
	return randomToken(val) && !digestRef(val)
}

// digestRef reports a content digest written with its algorithm
// (sha256:5d44…, sha1:…, md5:…), as caches, registries and lock files name
// content: what a bare key holds then is an address, not a secret.
func digestRef(v string) bool {
	alg, hex, ok := strings.Cut(v, ":")
	if !ok || len(hex) < 32 || !allFunc(hex, isHexByte) {
		return false
	}
	switch strings.ToLower(alg) {
	case "sha1", "sha224", "sha256", "sha384", "sha512", "md5", "blake2b", "blake3":
		return true
	}
	return false
}

// pagerDutyBefore reports "pagerduty" in the 256 bytes before s[ks],
// without a placeholder there (what it replaced may have held the word, or
// kept it out of the window).
func pagerDutyBefore(s string, ks int) bool {
	lo := max(0, ks-256)
	return indexFold(s[lo:ks], "pagerduty") >= 0 && !holdsPlaceholder(s, lo, ks) && !inPlaceholder(s, lo)
}

// keyNamedKey reports a key whose last word is "key" (segment_write_key,
// airtableKey, mapsKey) and that is not one of the keys of data
// structures, caches and public keys (primary_key, cache_key, publicKey).
func keyNamedKey(key string) bool {
	if !equalFold(lastWord(key), "key") || len(key) > 64 {
		return false
	}
	var buf [64]byte
	n := 0
	for i := 0; i < len(key); i++ {
		if isAlnum(key[i]) {
			buf[n] = lower(key[i])
			n++
		}
	}
	switch notKeyKeySet.match(buf[:n]) {
	case "":
		return true
	case "storagekey":
		// Azure names the access key of a storage account so
		// (AZURE_STORAGE_KEY, $env:AZURE_STORAGE_KEY), where a
		// storage_key is otherwise an object's name.
		return n >= 15 && string(buf[n-15:n]) == "azurestoragekey"
	}
	return false
}

// notKeyKeys are keys ending in "key" that name something other than a
// credential (lower case, no separators).
var notKeyKeySet = newSuffixSet([]string{
	"publickey", "pubkey", "primarykey", "foreignkey", "sortkey", "partitionkey", "cachekey", "idempotencykey",
	"objectkey", "rowkey", "hashkey", "rangekey", "routingkey", "dedupkey", "dedupekey", "deduplicationkey",
	"lookupkey", "groupkey", "translationkey", "i18nkey", "hotkey", "hostkey", "gpgkey", "pgpkey",
	"sshkey", "uniquekey", "compositekey", "naturalkey", "surrogatekey", "indexkey", "shardkey", "clusterkey",
	"distkey", "storagekey", "s3key", "bucketkey", "pathkey", "messagekey", "eventkey", "labelkey",
	"tagkey", "metrickey", "querykey", "statekey", "reactkey", "shortcutkey", "accelkey", "modifierkey",
	"escapekey", "enterkey", "searchkey", "sortingkey", "joinkey", "matchkey", "recordkey", "columnkey",
	"publishablekey", "monkey", "turkey", "donkey", "whiskey", "jockey", "hockey", "lackey", "flunkey",
})

// publicKeyWords, before a bare key ("public key:"), say that the key is
// public.
var publicKeyWords = newWordSet("public", "pub", "host")

// yamlTag reports a value that starts with a YAML tag (!vault, !Ref,
// !!binary): '!' and letters, then a blank or the end. A '!' before
// digits or other symbols starts a password (!to.Glgdk9).
func yamlTag(v string) bool {
	if v == "" || v[0] != '!' {
		return false
	}
	i := 1
	for i < len(v) && (isAlpha(v[i]) || v[i] == '!' || v[i] == '-') {
		i++
	}
	return i > 1 && (i == len(v) || v[i] == ' ' || v[i] == '\t')
}

// sizeInBytes reports a value that is a size: digits and " bytes".
func sizeInBytes(v string) bool {
	n, ok := strings.CutSuffix(v, " bytes")
	return ok && allDigits(n)
}

// cacheKeyBefore reports a bare key that names a cache entry ("Cache
// restored from key: node-cache-…", "cache key: …") on its line: a hash
// of lock files, not a secret. A placeholder on the line may have pushed
// the word out of the window: that decides as the word would.
func cacheKeyBefore(s string, ks int) bool {
	ls := lineStartWithin(s, ks, 64)
	// A placeholder in the window, or one the window starts inside, may
	// have put the word beyond 64 bytes.
	return indexFold(s[ls:ks], "cache") >= 0 || holdsPlaceholder(s, ls, ks) || inPlaceholder(s, ls)
}

// weakSecretKeys name a secret only when the value looks like one: "key":
// "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB", but "key": "user_1234".
var weakSecretKeys = newWordSet("key", "access", "private", "pat")

// randomToken reports a value that looks generated: 16 or more bytes,
// not a digest or a UUID, with upper and lower case letters and digits,
// or 32 or more letters and digits.
func randomToken(v string) bool {
	if len(v) < 16 || hashOrID(v) || !tokenShape(v) {
		return false
	}
	var lo, up, dg bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		lo = lo || isLower(c)
		up = up || isUpper(c)
		dg = dg || isDigit(c)
	}
	return lo && up && dg || len(v) >= 32 && dg && (lo || up)
}

// querySecrets are query parameters that carry a credential without
// saying "secret" or "token".
var querySecrets = newWordSet("sig", "signature", "x-amz-signature", "x-goog-signature", "key", "api-key",
	"apikey", "access-key", "appkey", "app_key", "client-key", "skey", "sk", "hmac", "x-amz-security-token",
	"x-goog-credential", "code_verifier", "sharedaccesssignature")

// directive reports a configuration line "key value" (redis.conf
// requirepass x, Dockerfile ENV KEY x): the key starts its line (after
// indentation or ENV/ARG), is not a bare word for a secret (prose says
// "password incorrect"), and the value at s[v] is the last word on its
// line.
func directive(s string, ks, v int, key string) bool {
	if isSensitiveWord(key) || !atLineStart(s, ks) && !afterDockerfileVerb(s, ks) && !ipsecSecret(s, ks, key) {
		return false
	}
	if v < len(s) && s[v] == '"' && key == "PSK" {
		return true // ipsec.secrets quotes its keys, which may be words joined by dashes
	}
	e := v
	for e < len(s) && !isSpace(s[e]) {
		e++
	}
	if !strongShape(s[v:e]) && !dashedWords(s[v:e]) || strings.Contains(s[v:e], placeholderPrefix) {
		return false // "db_password rotated": prose, not a value (or what a placeholder replaced: see placeholderEndsAt); a passphrase is one
	}
	for e < len(s) && (s[e] == ' ' || s[e] == '\t') {
		e++
	}
	return e >= len(s) || s[e] == '\n' || s[e] == '\r' || s[e] == '#'
}

// ipsecSecret reports a pre-shared key line of ipsec.secrets (strongSwan,
// Libreswan): the selectors, " : ", then the key type PSK at s[ks]
// ("10.0.0.1 10.0.0.2 : PSK "x"", ": PSK "x"").
func ipsecSecret(s string, ks int, key string) bool {
	if key != "PSK" {
		return false
	}
	ls := lineStartWithin(s, ks, 160)
	pre := strings.TrimRight(s[ls:ks], " \t")
	return strings.HasSuffix(pre, " :") || strings.TrimSpace(pre) == ":"
}

// afterDockerfileVerb reports whether ENV or ARG (Dockerfile) or fish's
// set with a scope or export flag (set -x, set -gx) and a blank precede
// s[ks] at the start of its line.
func afterDockerfileVerb(s string, ks int) bool {
	ls := lineStartWithin(s, ks, 64)
	pre := strings.TrimSpace(s[ls:ks])
	switch pre {
	case "ENV", "ARG":
		return ks > ls+3
	case "#define", "# define":
		return true // C: #define ADMIN_PASS "x"
	case "set -x", "set -gx", "set -xg", "set -Ux", "set -xU", "set -g", "set -U", "set -l":
		return true
	}
	return false
}

// typedAssign returns the offset of the '=' of an assignment whose key
// (ending at p, the first byte after it at op) is followed by a type: ":
// str =", ": String =", ": &'static str =", " string =" (Go), " As String
// =" (Visual Basic); or 0. Where a placeholder comes up before the scan
// ends, what it replaced may have been a part of a type or its " =", and
// the key is refused: -1.
func typedAssign(s string, p, op int) int {
	t := op
	switch {
	case t >= len(s):
		return 0
	case s[t] == ':':
		if t+1 < len(s) && (s[t+1] == ':' || s[t+1] == '=') {
			return 0
		}
		t++
	case t == p || !isAlpha(s[t]):
		return 0
	}
	for t < len(s) && (s[t] == ' ' || s[t] == '\t') {
		t++
	}
	if hasPrefixFold(s[t:], "as ") {
		t += 3
		for t < len(s) && s[t] == ' ' {
			t++
		}
	}
	start := t
	for t < len(s) && t-start < 48 && s[t] != '=' {
		c := s[t]
		if !isWord(c) && strings.IndexByte(".<>[]*&'?|, ", c) < 0 {
			return 0
		}
		if c == '[' && placeholderStartsAt(s, t) {
			return -1
		}
		t++
	}
	if t >= len(s) || s[t] != '=' || t+1 < len(s) && (s[t+1] == '=' || s[t+1] == '>') || s[t-1] != ' ' && s[t-1] != '\t' {
		return 0 // a type is followed by " = "; "T3JkZXJz=" is base64
	}
	typ := strings.TrimSpace(s[start:t])
	if typ == "" {
		return 0
	}
	first := typ
	if k := strings.IndexFunc(typ, func(r rune) bool { return r > 0x7f || !isWord(byte(r)) }); k > 0 {
		first = typ[:k]
	}
	if !typeNameSet.has(first) && !isUpper(typ[0]) && typ[0] != '&' && typ[0] != '[' && typ[0] != '*' {
		return 0
	}
	if typeWords(typ) > 3 {
		return 0 // "Paelrappeler au 06 39 98 41 27 ou =": a sentence, no type
	}
	return t
}

// typeWords counts the words of a type outside its brackets: "unsigned
// char *" has three, "Map<String, Int>" one.
func typeWords(typ string) int {
	n, depth, in := 0, 0, false
	for i := 0; i < len(typ); i++ {
		switch c := typ[i]; {
		case c == '<' || c == '[':
			depth++
		case c == '>' || c == ']':
			depth--
		case c == ' ' || c == '\t':
			if depth <= 0 {
				in = false
			}
		default:
			if !in && depth <= 0 {
				n++
				in = true
			}
		}
	}
	return n
}

// setterCall reports whether a key followed by ("...") is a call that
// sets a credential (client.setApiKey, builder.token, withSecret) rather
// than one that looks one up by name (getToken, os.getenv, readSecret).
func setterCall(key string) bool {
	name := key[strings.LastIndexByte(key, '.')+1:]
	for _, v := range getterVerbs {
		if hasPrefixFold(name, v) {
			return false
		}
	}
	return name != ""
}

// verbKey reports a key that starts with a verb of getterVerbs and an
// underscore (check_ntlm_password, verify_password): a function's name,
// which a log line puts before its message.
func verbKey(key string) bool {
	for _, v := range getterVerbs {
		if len(key) > len(v) && key[len(v)] == '_' && hasPrefixFold(key, v) {
			return true
		}
	}
	return false
}

var getterVerbs = []string{
	"get", "read", "load", "fetch", "find", "lookup", "resolve", "has", "is", "delete", "remove", "revoke",
	"validate", "verify", "check", "parse", "decode", "create", "generate", "new", "refresh", "request",
	"rotate", "list", "describe", "exists", "contains", "require", "ensure", "mask", "redact", "hash",
	"print", "log", "clear", "reset", "expire", "invalidate",
}

// lispDef reports whether a Lisp definition form precedes the key at s[ks]:
// (def api-token "x"), (setq api-key "x").
func lispDef(s string, ks int) bool {
	for _, f := range []string{"(def ", "(defonce ", "(setq ", "(setf ", "(defvar ", "(defparameter ", "(define "} {
		if strings.HasSuffix(s[:ks], f) {
			return true
		}
	}
	return false
}

// blockScalar returns the lines of a YAML block scalar (key: | or key: >,
// with a chomping indicator or not) whose indicator is s[vs:ve] and whose
// key starts at s[ks]: from the first byte of the next line's text to the
// end of the last line indented deeper than the key; or an empty range.
func blockScalar(s string, vs, ve, ks int) (bs, be int) {
	switch s[vs:ve] {
	case "|", ">", "|-", ">-", "|+", ">+":
	default:
		return 0, 0
	}
	e := ve
	for e < len(s) && (s[e] == ' ' || s[e] == '\t' || s[e] == '\r') {
		e++
	}
	if e >= len(s) || s[e] != '\n' {
		return 0, 0
	}
	indent := lineIndent(s, ks)
	for p := e + 1; p < len(s); {
		le := lineEnd(s, p)
		in := 0
		for p+in < le && s[p+in] == ' ' {
			in++
		}
		if p+in < le && s[p+in] != '\r' {
			if in <= indent {
				break
			}
			if bs == 0 {
				bs = p + in
			}
			be = le
			for be > bs && (s[be-1] == '\r' || s[be-1] == ' ') {
				be--
			}
		}
		if le >= len(s) || le-bs > 64<<10 {
			break
		}
		p = le + 1
	}
	return bs, be
}

// indicatorEnd returns the end of a YAML block scalar indicator at s[i]
// ('|' or '>' and a chomping indicator), or i.
func indicatorEnd(s string, i int) int {
	if i >= len(s) || s[i] != '|' && s[i] != '>' {
		return i
	}
	if i+1 < len(s) && (s[i+1] == '-' || s[i+1] == '+') {
		return i + 2
	}
	return i + 1
}

// lineEnd returns the offset of the newline that ends the line holding
// offset i, or len(s).
func lineEnd(s string, i int) int {
	if k := strings.IndexByte(s[i:], '\n'); k >= 0 {
		return i + k
	}
	return len(s)
}

// quoteCloser maps a quote byte to itself as a string, without
// allocating.
var quoteCloser = map[byte]string{'"': `"`, '\'': "'", '`': "`"}

// indexWithin returns the offset of the first sub in s at or after i,
// looking decideLen bytes ahead; if sub is not there it returns
// i+decideLen and capped = true (or the end of s if that comes first, and
// -1 if s ends first without sub).
func indexWithin(s string, i int, sub string) (end int, capped bool) {
	lim := min(len(s), i+decideLen+len(sub)-1)
	if k := strings.Index(s[i:lim], sub); k >= 0 {
		return i + k, false
	}
	if i+decideLen >= len(s) {
		return -1, false
	}
	return i + decideLen, true
}

// valueEnd finds the real end of a value that outgrew decideLen, from e
// on: the closer (a quote, `\"` or "<"), else the end of the line for a
// quoted value, or the first byte that ends an unquoted value.
func valueEnd(s string, e int, closer string, inStr byte, amp bool) int {
	if closer == "" {
		return unquotedEnd(s, e, inStr, len(s), amp)
	}
	for ; e < len(s); e++ {
		if s[e] == '\\' && closer != `\"` && closer != "<" {
			e++
			continue
		}
		if strings.HasPrefix(s[e:], closer) || s[e] == '\n' && closer != "<" {
			return e
		}
	}
	return len(s)
}

// nameCase reports a name in lower case, in capitals, or in camel case
// (every capital after the first letter followed by a lower-case letter
// or the end).
func nameCase(k string) bool {
	up, low := false, false
	for i := 0; i < len(k); i++ {
		up = up || isUpper(k[i])
		low = low || isLower(k[i])
	}
	if !up || !low {
		return true
	}
	for i := 1; i < len(k); i++ {
		if isUpper(k[i]) && i+1 < len(k) && !isLower(k[i+1]) {
			return false
		}
	}
	return true
}

// unquotedEnd returns where an unquoted value starting at s[i] ends, at
// most at lim: at white space, a quote, ',', ';', a bracket, '\\', the
// quote inStr that closes the string the assignment sits in, CJK
// punctuation, or, when amp is set, an '&' that starts another query
// parameter (a&b stays one value). After a colon (YAML, JSON) an '&' is
// part of the value (POSTGRES_PASSWORD: nF3K8+&xTcFDDF=G).
func unquotedEnd(s string, i int, inStr byte, lim int, amp bool) int {
	e := i
	for lim = min(lim, len(s)); e < lim; e++ {
		c := s[e]
		if c == '&' {
			if amp && queryParamAt(s, e+1) {
				break
			}
			continue
		}
		if class[c]&clEndV != 0 || c == inStr || c >= 0x80 && valueEndPunct(s[e:]) {
			break
		}
	}
	return e
}

// queryParamAt reports whether s[i:] starts like a query parameter:
// letters, digits, '_', '.', '-' or brackets, then '='; a name, in lower
// case, in capitals or in camel case, not letters of mixed case as a
// generated password has them (nF3K8+&xTcFDDF=G).
func queryParamAt(s string, i int) bool {
	for j := i; j < len(s) && j-i < 64; j++ {
		c := s[j]
		if c == '=' {
			return j > i && nameCase(s[i:j])
		}
		if !isKeyByte(c) && c != '[' && c != ']' {
			return false
		}
	}
	return false
}

// declEnd reports the last letters of the words that may come before a
// key in a declaration (see mayAssign).
func declEnd(c byte) bool {
	switch c {
	case 't', 'T', 'r', 'R', 'm', 'M', 'c', 'C', 'e', 'E', 'y', 'Y', 'V', 'G':
		return true
	}
	return false
}

// comparedLiteral returns the bounds of the string literal that the key
// ending at s[ke] is compared with (== "x", === "x", != 'x', !== "x",
// ().equals("x"), .equalsIgnoreCase("x")), or an empty range.
func comparedLiteral(s string, ke int) (vs, ve int) {
	p := ke
	if p >= len(s) {
		return 0, 0
	}
	if c := s[p]; c != '(' && c != '.' && c != ' ' && c != '\t' && c != '=' && c != '!' {
		return 0, 0 // most keys: no operator, no call
	}
	if strings.HasPrefix(s[p:], "()") {
		p += 2
	}
	switch {
	case strings.HasPrefix(s[p:], ".equals("):
		p += len(".equals(")
	case strings.HasPrefix(s[p:], ".equalsIgnoreCase("):
		p += len(".equalsIgnoreCase(")
	default:
		p = skipBlanks(s, p)
		if p+1 >= len(s) || s[p+1] != '=' || s[p] != '=' && s[p] != '!' {
			return 0, 0
		}
		n := 0
		for _, op := range [...]string{"===", "!==", "==", "!="} {
			if strings.HasPrefix(s[p:], op) {
				n = len(op)
				break
			}
		}
		if n == 0 {
			return 0, 0
		}
		p = skipBlanks(s, p+n)
	}
	if p >= len(s) || s[p] != '"' && s[p] != '\'' {
		return 0, 0
	}
	e, capped := closingQuote(s, p+1, s[p])
	if e <= p+1 || capped {
		return 0, 0
	}
	return p + 1, e
}

// mayAssign is a quick check that what follows a key s[ks:ke] can be
// an assignment operator, so that the key words of prose ("each token
// attends") cost no more: after an optional closing quote or bracket and
// blanks comes '=', ':', '?=', ',', a full-width colon, '>' (XML) or a quote
// (SQL).
func mayAssign(s string, ks, ke int) bool {
	p := ke
	if em := emphasisAround(s, ks); em != "" && strings.HasPrefix(s[p:], em) {
		p += len(em) // **Password**: x
	}
	if p < len(s) && (s[p] == '"' || s[p] == '\'' || s[p] == '`' || s[p] == '\\') {
		p++
		for p < len(s) && (s[p] == '"' || s[p] == '\\') && p-ke < 3 {
			p++
		}
	}
	if p < len(s) && (s[p] == ']' || s[p] == '}' && p > ke) {
		p++ // params["password"], $ENV{'API_KEY'}
	}
	blank := p
	for p < len(s) && (s[p] == ' ' || s[p] == '\t') && p-ke < 32 {
		p++
	}
	if p >= len(s) {
		return false
	}
	switch s[p] {
	case '=', ':', '?', ',', '>', '\'', 0xEF, ' ', '\t':
		return true
	case '|':
		return tableRowKey(s, ks) // | `SMTP_PASSWORD` | x |
	}
	if s[p] == 'v' || s[p] == 'V' {
		return true // key="ApiKey" value="..."
	}
	if p == blank && p+1 < len(s) && (s[p] == '(' && (s[p+1] == '"' || s[p+1] == '\'') || s[p] == '[' && s[p+1] == ']') {
		return true // setApiKey("x"), char token[] = "x"
	}
	if p == blank || s[p] == '\n' || s[p] == '\r' {
		return false
	}
	// After blanks: an R assignment (key <- x), a declaration with a type
	// (var apiKey string = x, Dim k As String = x) where an '=' follows on
	// the line, a Lisp definition, or a directive that starts its line
	// ("requirepass x", "ENV API_TOKEN x"). Prose ("each token attends")
	// is none of them.
	if s[p] == '<' && p+1 < len(s) && s[p+1] == '-' {
		return true
	}
	if s[p] == '"' && lispDef(s, ks) {
		return true
	}
	// The start of a line, or a declaration, judged by the byte before the
	// key first: most keys in prose follow a word that is neither.
	j := ks
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	if j == 0 || s[j-1] == '\n' {
		return true
	}
	c := s[j-1]
	switch {
	case (c == 'e' && strings.HasSuffix(s[:j], "define") || (c == 'x' || c == 'g' || c == 'U' || c == 'l') && j >= 3 && (s[j-2] == '-' || s[j-3] == '-')) && afterDockerfileVerb(s, ks):
		return true // fish: set -x KEY value; C: #define KEY value
	case c == '-' || c == '#' || c == '/' || c == ';':
		return atLineStart(s, ks)
	case c == ':':
		return ipsecSecret(s, ks, s[ks:min(len(s), ks+3)])
	case !declEnd(c):
		// Only export, set, var, const, dim, static, public, private,
		// readonly, ENV and ARG end in these.
		return false
	case (c == 'V' || c == 'G') && (strings.HasSuffix(s[:j], "ENV") || strings.HasSuffix(s[:j], "ARG")):
		return afterDockerfileVerb(s, ks)
	case (hasSuffixFold(s[:j], "export") || hasSuffixFold(s[:j], "set")) && atLineStart(s, ks):
		return true
	}
	// A declaration with a type: var apiKey string = x (Go), Dim k As
	// String = x (Visual Basic).
	if j >= 3 && declWords.has(precedingWordASCII(s, j)) {
		k := strings.IndexByte(s[p:min(len(s), p+48)], '=')
		return k >= 0 && strings.IndexByte(s[p:p+k], '\n') < 0
	}
	return false
}

// declWords declare a variable whose type may follow its name.
var declWords = newWordSet("var", "const", "dim", "static", "public", "private", "readonly")

// precedingWordASCII returns the run of ASCII letters that ends at s[j].
func precedingWordASCII(s string, j int) string {
	i := j
	for i > 0 && j-i < 16 && isAlpha(s[i-1]) {
		i--
	}
	return s[i:j]
}

// localPasswords are words for "password" in other languages; ASCII ones
// are compared ignoring case.
var localPasswords = []string{
	"identified by", "passwort", "kennwort", "mot de passe", "contraseña", "contrasena", "senha", "wachtwoord",
	"lösenord", "hasło", "пароль", "Пароль", "ПАРОЛЬ", "密码", "密碼", "パスワード", "비밀번호", "पासवर्ड",
	"كلمة المرور", "كلمة السر",
}

// localPasswordWord returns the length of the local word for "password" that
// s starts with, or 0.
func localPasswordWord(s string) int {
	for _, w := range localPasswords {
		if hasPrefixFold(s, w) {
			n := len(w)
			if n+1 < len(s) && s[n] == '_' {
				n += 1 + keySuffix(s[n+1:]) // пароль_бд, senha_temporaria: the password of something
				if n == len(w)+1 {
					return 0
				}
			}
			if len(s) > n && s[n] < 0x80 && (isAlnum(s[n]) || s[n] == '_') {
				return 0 // part of a longer word or key
			}
			return n
		}
	}
	return 0
}

// keySuffix returns the length of the word of letters (of any script) or
// digits at the start of s, at most 24 bytes, that qualifies a key after
// an underscore, or 0.
func keySuffix(s string) int {
	n := 0
	for n < len(s) && n <= 24 {
		r, w := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		n += w
	}
	if n > 24 {
		return 0
	}
	return n
}

// valueAttr skips ` value=` after a quoted key, as in .NET configuration:
// <add key="ApiKey" value="..." />.
func valueAttr(s string, p int) int {
	q := p
	for q < len(s) && q-p < 8 && (s[q] == ' ' || s[q] == '\t') {
		q++
	}
	if q > p && hasPrefixFold(s[q:], "value") {
		return q + len("value")
	}
	return p
}

// valueEndPunct reports whether s starts with a full-width comma, semicolon,
// parenthesis or an ideographic full stop or comma, or with the comma,
// semicolon or question mark of Arabic script or the danda of Devanagari,
// which end a value.
func valueEndPunct(s string) bool {
	for _, p := range []string{"，", "。", "、", "；", "）", "」", "』", "،", "؛", "؟", "।"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// restOfLine extends an unquoted YAML-style value that ends at ve to the end
// of its line ("password: correct horse battery staple"), without a trailing
// " # comment", unless the line looks like code (ends in ',', ';', '{' or
// '(' or holds a quote), is a question (ends in '?'), goes on after a
// spaced dash, or holds another assignment ("password: x,
// password_confirm: x", "Password: x and confirm password: x").
func restOfLine(s string, vs, ve int) int {
	le := vs
	for le < len(s) && le-vs < decideLen && s[le] != '\n' && s[le] != '\r' {
		le++
	}
	line := s[vs:le]
	if k := strings.Index(line, " #"); k >= 0 {
		line = line[:k]
	}
	line = strings.TrimRight(line, " \t")
	if len(line) <= ve-vs || strings.ContainsAny(line, "\"'`") || assignOpIn(s, ve, vs+len(line)) {
		return ve
	}
	for _, d := range []string{" — ", " – ", " - "} {
		if strings.HasPrefix(s[ve:], d) {
			return ve // "Пароль: x — можно ли ...": a sentence goes on after a dash
		}
	}
	switch line[len(line)-1] {
	case ',', ';', '{', '(', '[', '?':
		return ve
	}
	return vs + len(line)
}

// codeSpanEnd extends an unquoted value that ends at ve inside an inline
// code span (`contraseña: Sol y Sombra 33`) to the closing backtick, when
// the words up to it hold no quote and no other assignment. Where a
// placeholder comes before any closing backtick, it may have replaced the
// backtick, and the value (whose end is then unknown) is refused: vs.
func codeSpanEnd(s string, vs, ve int) int {
	e := ve
	for e < len(s) && e-vs < decideLen && s[e] != '`' && s[e] != '\n' {
		e++
	}
	if (e >= len(s) || s[e] != '`') && holdsPlaceholder(s, ve, e) {
		return vs
	}
	if e >= len(s) || s[e] != '`' || e == ve || strings.ContainsAny(s[ve:e], "\"'") || assignOpIn(s, ve, e) {
		return ve
	}
	return vs + len(strings.TrimRight(s[vs:e], " \t"))
}

// assignOpIn reports whether s[i:j] holds a ':' or '=' outside
// placeholders (whose ':' assigns nothing).
func assignOpIn(s string, i, j int) bool {
	for k := i; k < j; k++ {
		if (s[k] == ':' || s[k] == '=') && !inPlaceholder(s, k) {
			return true
		}
	}
	return false
}

// closingQuote returns the offset of the quote q that closes a string
// starting at s[i], on the same line, looking decideLen bytes ahead: -1 if
// the line ends first, and i+decideLen with capped = true if the string is
// longer.
func closingQuote(s string, i int, q byte) (end int, capped bool) {
	for j := i; j < len(s); j++ {
		if j-i >= decideLen {
			return j, true
		}
		switch s[j] {
		case '\\':
			j++
		case q:
			return j, false
		case '\n':
			return -1, false
		}
	}
	return -1, false
}

// atLineStart reports whether only indentation, a list dash, a comment
// marker or "export" precede offset i on its line.
func atLineStart(s string, i int) bool {
	ls := lineStartWithin(s, i, 64)
	if ls == i-64 && ls > 0 && s[ls-1] != '\n' {
		return false // more than 64 bytes before i on its line
	}
	pre := strings.TrimSpace(s[ls:i])
	switch pre {
	case "", "-", "#", "//", "export", "set", ";":
		return true
	}
	return false
}

// classifyKey returns Password or Secret for a key that names one, and ""
// otherwise. The decision is on the normalized key (lower case, separators
// removed): password-like keys end in "password", "passwd", "passphrase" or
// "passcode", or have "pass" or "pwd" as their last word; secret-like keys
// end in "secret", "token" or a credential "...key" (api key, secret key,
// private key, access key, ...). Plurals ("max_tokens"), qualifiers
// ("token_type", "password_hint") and tokenizer settings ("eos_token") are
// not secrets.
func classifyKey(key string) Category {
	// The last 64 letters and digits: the end of a key names what it holds.
	var buf [64]byte
	i := len(key)
	for m := 0; i > 0 && m < len(buf); i-- {
		if isAlnum(key[i-1]) {
			m++
		}
	}
	n := 0
	for ; i < len(key); i++ {
		if c := key[i]; isAlnum(c) {
			buf[n] = lower(c)
			n++
		}
	}
	k := buf[:n]
	if n == 0 {
		return ""
	}
	// Every suffix below ends in one of these letters; most keys that reach
	// here (prompt_tokens, keys, ...) end in something else.
	switch k[n-1] {
	case 'd', 'e', 's', 't', 'n', 'y', 'h', 'm', 'w', 'r', 'l', 'c', 'a', 'k', 'u', 'i', 'o', 'p', '1', '2', 'b', 'g', 'v', 'x', '4':
	default:
		return ""
	}
	if c := classifyNorm(k, key); c != "" {
		return c
	}
	// A qualifier after the name still names the same kind of value:
	// password_confirm, passwordConfirmation, new_password_repeat,
	// api_key_value, password_db. (Tried second: SECURE_AUTH_SALT ends
	// in "alt", the German qualifier, and is a salt.)
	if q := keyQualifierSet.match(k); q != "" && len(k) > len(q)+3 {
		return classifyNorm(k[:len(k)-len(q)], key)
	}
	return ""
}

// classifyNorm is classifyKey on the normalized key k (lower case,
// letters and digits only) of key.
func classifyNorm(k []byte, key string) Category {
	n := len(k)
	if suf := passwordKeySet.match(k); suf != "" {
		if n <= len(suf)+2 && k[0] == 'n' && k[1] == 'o' {
			return "" // sudoers NOPASSWD
		}
		return Password
	}
	last := lastWord(key)
	if equalFold(last, "pass") || equalFold(last, "pwd") || equalFold(last, "psw") || equalFold(last, "pw") && len(key) > 2 {
		return Password
	}
	if gluedPassword(k) {
		return Password // requirepass, storepass, bindpw, rootpw
	}
	if equalFold(last, "pat") && len(key) > 3 {
		return Secret // GITHUB_PAT, AZURE_DEVOPS_PAT: personal access tokens
	}
	if equalFold(last, "session") || equalFold(last, "sid") || equalFold(last, "sess") {
		return Secret // session cookies: session=..., connect.sid=...
	}
	if hasSuffixBytes(k, "credentials") || hasSuffixBytes(k, "creds") {
		return Secret
	}
	if k[n-1] == 's' || k[n-1] == 'e' && !hasSuffixBytes(k, "keybase") && !hasSuffixBytes(k, "cookie") {
		return ""
	}
	if notSecretKeySet.match(k) != "" {
		return ""
	}
	if secretKeySet.match(k) != "" {
		return Secret
	}
	return ""
}

// passOwners are what may stand glued before "pass" or "pw" in a key that
// names a password (requirepass, storepass, keypass, rootpw, bindpw); other
// keys end in "pass" without naming one (bypass, highpass, compass).
var passOwners = []string{
	"require", "master", "root", "db", "admin", "user", "mysql", "pg", "postgres", "bind", "ldap", "smtp",
	"mail", "ftp", "sftp", "ssh", "vnc", "wifi", "app", "key", "store", "keystore", "truststore", "srcstore",
	"deststore", "cert", "redis", "rabbit", "mongo", "sa", "sys", "api", "auth", "login", "account", "proxy",
	"sudo", "web", "ui", "svc", "service", "backup", "repl", "replication", "bot", "client", "server",
	"vault", "jks", "pfx", "p12", "pkcs12", "zip", "archive", "wpa", "psk",
}

// gluedPassword reports a normalized key that is an owner of passOwners
// followed by "pass" or "pw".
func gluedPassword(k []byte) bool {
	var stem []byte
	switch {
	case hasSuffixBytes(k, "pass"):
		stem = k[:len(k)-4]
	case hasSuffixBytes(k, "pw"):
		stem = k[:len(k)-2]
	default:
		return false
	}
	for _, o := range passOwners {
		if hasSuffixBytes(stem, o) {
			return true
		}
	}
	return false
}

// suffixSet holds key suffixes (lower case, no separators) by their last
// byte, so that a key is compared only with the suffixes it could end in.
type suffixSet [256][]string

func newSuffixSet(lists ...[]string) *suffixSet {
	var t suffixSet
	for _, l := range lists {
		for _, w := range l {
			t[w[len(w)-1]] = append(t[w[len(w)-1]], w)
		}
	}
	return &t
}

// match returns the longest suffix of the set that k ends in, or "".
func (t *suffixSet) match(k []byte) string {
	if len(k) == 0 {
		return ""
	}
	best := ""
	for _, w := range t[k[len(k)-1]] {
		if len(w) > len(best) && hasSuffixBytes(k, w) {
			best = w
		}
	}
	return best
}

var (
	keyQualifierSet = newSuffixSet(keyQualifiers)
	passwordKeySet  = newSuffixSet(passwordKeySuffixes)
	secretKeySet    = newSuffixSet(secretKeySuffixes)
	notSecretKeySet = newSuffixSet(notSecretKeys)
	stopWordSet     = newWordSet(passwordStopWords...)
	typeNameSet     = newWordSet(typeNames...)
)

// keyQualifiers are what may follow a secret's name in a key that still
// holds the secret (lower case, separators removed).
var keyQualifiers = []string{
	"confirmation", "confirm", "confirmed", "again", "repeat", "repeated", "retype", "verify",
	"verification", "check", "new", "old", "current", "plaintext", "plain", "cleartext",
	"clear", "raw", "value", "1", "2", "temp", "tmp", "temporary", "initial", "default", "generated",
	// What the password is for, after it: password_db, HASLO_BAZY.
	"db", "bd", "bdd", "database", "datenbank", "bazy", "banco", "sql", "mysql", "postgres", "pg", "smtp",
	"mail", "email", "ftp", "sftp", "ldap", "admin", "root", "prod", "dev", "staging", "app", "user",
	// The same in the languages of the key names: senha_temporaria,
	// mot_de_passe_temporaire, contrasena_nueva, passwort_neu.
	"temporaria", "temporario", "temporal", "temporaire", "temporanea", "temporaneo", "tymczasowe",
	"tijdelijk", "vorlaeufig", "neu", "nueva", "nuevo", "nova", "novo", "nouveau", "nuova", "nieuw", "nowe",
	"actual", "atual", "actuel", "attuale", "aktuell", "alt", "antigua", "antiga", "ancien", "vecchia",
	// How the value is encoded: SIGNING_KEY_B64, ENCRYPTION_KEY_HEX.
	"b64", "base64", "b64url", "base64url", "hex", "pem", "der", "bytes", "encoded",
}

func hasSuffixBytes(b []byte, suf string) bool {
	if len(b) < len(suf) {
		return false
	}
	b = b[len(b)-len(suf):]
	for i := 0; i < len(suf); i++ {
		if b[i] != suf[i] {
			return false
		}
	}
	return true
}

var passwordKeySuffixes = []string{
	"password", "passwd", "passphrase", "passcode", "psk", "presharedkey", "communitystring", "rocommunity",
	"rwcommunity", "snmpcommunity", "pasword", "passwrod", "passowrd", "passwrd", "paswd", "pswd",
	// The word in other languages, as identifiers write it (mot_de_passe,
	// motDePasse, mat_khau, kata_sandi, parola_d_ordine, haslo; contraseña
	// loses its ñ, hasło its ł).
	"motdepasse", "mdp", "matkhau", "katasandi", "contrasena", "contrasea", "contrasenya", "wachtwoord",
	"kennwort", "passwort", "senha", "palavrapasse", "sifre", "sifresi", "parola", "paroladordine", "haslo",
	"haso", "parol", "losenord", "lsenord", "passord", "adgangskode", "salasana", "heslo", "jelszo", "sandi",
}

var secretKeySuffixes = []string{
	"secret", "token", "apikey", "secretkey", "privatekey", "accesskey", "authkey", "signingkey",
	"masterkey", "encryptionkey", "subscriptionkey", "accountkey", "sharedkey", "licensekey",
	"clientkey", "appkey", "sessionkey", "sessionid", "sessid", "credential", "cred", "auth",
	"login", "hmackey", "consumerkey", "deploykey", "secretkeybase", "salt", "keydata", "privatekeydata",
	"clientkeydata", "basicauth", "webhooksecret", "signingsecret", "erlangcookie", "sessioncookie", "authcookie",
	"integrationkey", "pagerdutyroutingkey", "applicationkey",
}

var notSecretKeys = []string{
	"oauth", "useauth", "enableauth", "requireauth", "noauth", "withauth", "skipauth",
	"userlogin", "lastlogin", "loginurl",
	"eostoken", "bostoken", "padtoken", "unktoken", "septoken", "clstoken", "masktoken",
	"starttoken", "endtoken", "stoptoken", "nexttoken", "pagetoken", "continuationtoken",
	"cancellationtoken", "maxtoken", "mintoken", "numtoken", "totaltoken",
	"idempotencytoken", "locktoken", "paginationtoken", "changetoken", "resumetoken", "startingtoken", "clienttoken",
}

// lastWord returns the last word of an identifier, split at '_', '-', '.'
// and where an upper-case letter follows a lower-case one or a digit:
// "dbPass" → "Pass", "DB_PASS" → "PASS", "test1024Key" → "Key".
func lastWord(key string) string {
	i := len(key)
	for i > 0 {
		c := key[i-1]
		if c == '_' || c == '-' || c == '.' {
			break
		}
		if isUpper(c) && i >= 2 && (isLower(key[i-2]) || isDigit(key[i-2])) {
			i--
			break
		}
		i--
	}
	return key[i:]
}

// passwordStopWords are prose words that follow "password:" in sentences.
var passwordStopWords = []string{
	"is", "was", "the", "a", "an", "it", "its", "it's", "must", "should", "will", "can", "cannot",
	"can't", "not", "required", "missing", "invalid", "incorrect", "wrong", "expired", "reset",
	"please", "enter", "field", "and", "or", "for", "of", "to", "in", "on", "with", "that", "this",
	"set", "changed", "updated", "provided", "needed", "mismatch", "protected", "manager",
	"policy", "length", "strength", "hash", "hashed", "encrypted", "saved", "stored", "too",
	"at", "be", "has", "have", "are", "does", "do", "did", "using", "use", "via", "from",
	"new", "await", "range", "make", "func", "function", "lambda", "typeof", "value", "val", // code: const pass = new PassThrough(), for _, pass := range x
	// Articles: a sentence, not a value ("la contraseña: una frase secreta").
	"un", "una", "uno", "une", "ein", "eine", "um", "uma", "el", "la", "le", "les", "der", "die", "das", "il", "lo",
	// Pronouns that start a sentence after a colon ("O erro está na senha: você codificou …").
	"você", "vous", "usted", "lei", "sie", "du", "tu", "you", "we", "nous", "wir", "ich", "je", "eu", "io", "yo",
}

// isStopWord reports whether the first word of v is a prose word from
// passwordStopWords.
func isStopWord(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ' ', '\t', ',', '.', ';', ':':
			v = v[:i]
		}
	}
	return stopWordSet.has(v)
}

// typeNames are what follows "password:" in type annotations.
var typeNames = []string{
	"string", "str", "bytes", "byte", "int", "integer", "number", "bool", "boolean", "any",
	"object", "text", "char", "varchar", "secretstr", "secretbytes", "optional", "securestring",
	"nullable",
}

// acceptValue decides whether val, assigned to key, is a secret worth
// redacting.
func acceptValue(val, key string, cat Category, quoted bool) bool {
	if val == "" || isPlaceholderValue(val) || isSensitiveWord(val) || equalFoldStr(val, key) {
		return false
	}
	if strings.Contains(val, "://") {
		return false // a URL; its credentials, if any, are URL_CREDENTIALS
	}
	if publicToken(val) {
		return false
	}
	if !quoted && (codeRef(val) || cmdlet(val) || isStopWord(val) || yamlTag(val)) {
		return false // code, prose, or a YAML tag (!vault)
	}
	if sizeInBytes(val) {
		return false // kubectl describe secret: "password:  30 bytes"
	}
	if !quoted && verbKey(key) && allFunc(val, isAlpha) {
		return false // a function's log line: "check_ntlm_password: Authentication for user …"
	}
	if filePath(val) {
		return false // a file's path: LoadCredential=db_pass:/etc/credstore/db_pass
	}
	if portSpec(val) || nssSources(val) {
		return false // /etc/services (kpasswd 464/tcp), nsswitch.conf (passwd: files systemd)
	}
	if cat == Secret && versionValue(strings.TrimSuffix(val, `\x00`)) && strings.Count(val, ".") >= 2 {
		return false // an OID or a version (OID_PKIX_KP_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"): no generated secret
	}
	if cat == Secret && regexValue(val) {
		return false // _REG_NAME_PAT = r"(?:[^\[\]%:/?#]|…)*": a pattern, not a personal access token
	}
	if hasPrefixFold(val, "arn:") || namespacedName(val) {
		return false // a resource's name (arn:aws:kms:…:key/…), a condition key (ec2:InstanceType), an artifact (auth-lib:1.3.0)
	}
	if !quoted && isIdent(val) && strings.EqualFold(lastWord(val), lastWord(key)) {
		return false // PrivateKey: testRSA2048PrivateKey names a variable
	}
	if hexLiteral(val) || val[0] == '\\' {
		return false // 0xc0506617, "\u3299": a number or an escaped character
	}
	if percentDirective(val) {
		return false // a directive or a reference: %prompt (ipsec.secrets), %env
	}
	if containsKey(val, key) && (cat != Password || isIdent(val)) {
		return false // "encryptionKey": "encryptionKey1024" is a made-up value
	}
	word := val
	if i := strings.IndexAny(word, "[<(;,| "); i > 0 {
		word = word[:i]
	}
	word = strings.TrimLeft(word, "?*")
	if typeNameSet.has(word) {
		return false
	}
	if cat == Secret {
		if equalFold(lastWord(key), "sid") && twilioSID(val) {
			return false // a Twilio resource ID (SM..., AC..., CA...): names a message or an account
		}
		if strings.HasPrefix(val, "S-1-") && equalFold(lastWord(key), "sid") {
			return false // a Windows security identifier
		}
		if countingDigits(val) {
			return false // 123456789012…: a dummy value, never a generated one (a password may be 12345678)
		}
		if allDigits(val) {
			// A number under a session key is a session's number (ioreg's
			// "sessionID" = 1166180085, a survey's sid=827389), where
			// session secrets are random.
			return len(val) >= 6 && indexFold(key, "session") < 0 && !equalFold(lastWord(key), "sid")
		}
		return len(val) >= 8 && tokenShape(val) // placeholders are out already
	}
	// Password.
	if utf8.RuneCountInString(val) < 3 {
		return false
	}
	if last := lastWord(key); equalFold(last, "pwd") && strings.IndexByte("/~.\\", val[0]) >= 0 {
		return false // $PWD, the working directory
	}
	if len(val) > 2 && isAlpha(val[0]) && val[1] == ':' && val[2] == '\\' {
		return false // a Windows path
	}
	return true
}

// filePath reports an absolute Unix path of two or more names
// (/etc/credstore/db_pass, /run/secrets/db-password): where a secret is
// kept, not the secret.
func filePath(v string) bool {
	if len(v) < 4 || v[0] != '/' || v[1] == '/' {
		return false
	}
	names := 0
	for name := range strings.SplitSeq(v[1:], "/") {
		if name == "" || !allFunc(name, func(c byte) bool { return isWord(c) || c == '-' || c == '.' }) {
			return false
		}
		names++
	}
	return names >= 2
}

// twilioSID reports a Twilio resource identifier: two capital letters
// and 32 lower-case hex digits.
func twilioSID(v string) bool {
	return len(v) == 34 && isUpper(v[0]) && isUpper(v[1]) && allFunc(v[2:], func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' })
}

func equalFoldStr(a, b string) bool { return strings.EqualFold(a, b) }

// isIdent reports an identifier: a letter or '_' followed by letters,
// digits and underscores.
func isIdent(v string) bool {
	if v == "" || isDigit(v[0]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isWord(v[i]) {
			return false
		}
	}
	return true
}

// hexLiteral reports a hexadecimal integer literal such as 0xc0506617 or
// -0x3f879678.
func hexLiteral(v string) bool {
	v = strings.TrimPrefix(v, "-")
	if len(v) < 3 || v[0] != '0' || v[1] != 'x' && v[1] != 'X' {
		return false
	}
	for i := 2; i < len(v); i++ {
		if !isHex(v[i]) {
			return false
		}
	}
	return true
}

// containsKey reports whether the value contains the whole key name (at
// least six letters and digits, ignoring case and separators).
func containsKey(val, key string) bool {
	var kb [64]byte
	n := 0
	for i := 0; i < len(key) && n < len(kb); i++ {
		if isAlnum(key[i]) {
			kb[n] = lower(key[i])
			n++
		}
	}
	if n < 6 {
		return false
	}
	k := kb[:n]
	for i := 0; i+n <= len(val); i++ {
		j, m := i, 0
		for j < len(val) && m < n {
			c := val[j]
			if !isAlnum(c) {
				if m == 0 {
					break
				}
				j++
				continue
			}
			if lower(c) != k[m] {
				break
			}
			j++
			m++
		}
		if m == n {
			return true
		}
	}
	return false
}

func allDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return false
		}
	}
	return v != ""
}

// cmdletVerbs are the verbs of PowerShell cmdlet names.
var cmdletVerbs = newWordSet("get", "set", "new", "read", "convertto", "convertfrom", "import", "export",
	"invoke", "add", "remove", "out", "write", "select", "test", "start", "find", "format", "join",
	"resolve", "protect", "unprotect", "decrypt", "encrypt", "request", "receive", "use", "copy")

// cmdlet reports a PowerShell cmdlet name (ConvertTo-SecureString,
// Read-Host, Get-Secret): an unquoted value that calls one is code.
func cmdlet(v string) bool {
	verb, noun, ok := strings.Cut(v, "-")
	if !ok || verb == "" || noun == "" || !isUpper(noun[0]) || !isUpper(verb[0]) || !cmdletVerbs.has(verb) {
		return false
	}
	return allFunc(noun, isAlnum)
}

// codeRef reports an unquoted value that is code rather than a literal: a
// call or index expression, a dotted reference (cfg.Password), a pointer or
// address expression, or an identifier without digits that names a secret
// (DB_PASSWORD, accessToken; but r00tPass is a password).
// leetWord reports a capitalized word with a digit between its letters
// (Blu3berry, Sun4flower): how people make a password of a word, not how
// code names a package or a field (utf8, base64, x509 start in lower case).
func leetWord(w string) bool {
	if len(w) < 4 || !isUpper(w[0]) {
		return false
	}
	for i := 1; i+1 < len(w); i++ {
		if isDigit(w[i]) && isLower(w[i-1]) && isLower(w[i+1]) {
			return true
		}
	}
	return false
}

// choppyPart reports a part of a dotted value that switches between
// letters and digits four times or more and mixes cases (E09pF4Hm3L): what
// a generator writes, not a name (utf8, x509, Vector3D, ipv4Addr).
func choppyPart(p string) bool {
	switches, lower, upper := 0, false, false
	for i := 0; i < len(p); i++ {
		lower = lower || isLower(p[i])
		upper = upper || isUpper(p[i])
		if i > 0 && isDigit(p[i]) != isDigit(p[i-1]) {
			switches++
		}
	}
	return switches >= 4 && lower && upper
}

// caseNoise reports a part of a dotted value whose letters change case
// three times or more (twice in a part of eight bytes or less) without a
// run of three lower-case letters, and that holds a digit (KwRSjO4br,
// RhPDY1I, gaNr0): random, where a camel-case name has words
// (getUserByIdV2, myVarName2).
func caseNoise(p string) bool {
	changes, run, longest, digit := 0, 0, 0, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		digit = digit || isDigit(c)
		if isLower(c) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
		if i > 0 && isAlpha(c) && isAlpha(p[i-1]) && isUpper(c) != isUpper(p[i-1]) {
			changes++
		}
	}
	return (changes >= 3 || changes >= 2 && len(p) <= 8) && longest < 3 && digit
}

// wordAndNumber reports a part of a dotted value that is a capitalized
// word and a number of two digits or more (Granit11 in Granit11.KYF):
// how people make passwords, rarely how code names a thing (Form1.Text,
// txtPassword1.Text have one digit or a camel-case name).
func wordAndNumber(p string) bool {
	i := 1
	if p == "" || !isUpper(p[0]) {
		return false
	}
	for i < len(p) && isLower(p[i]) {
		i++
	}
	if i < 4 || len(p)-i < 2 {
		return false
	}
	for ; i < len(p); i++ {
		if !isDigit(p[i]) {
			return false
		}
	}
	return true
}

func codeRef(v string) bool {
	if strings.ContainsAny(v, "([{") || (v[0] == '*' || v[0] == '&') && !(len(v) > 1 && isDigit(v[1])) && (len(v) == 1 || v[1] == '*' || !symbolMixed(v[1:]) && !caseNoise(v[1:])) {
		return true // a pointer or an alias (*cfg, &key, *anchor); no name starts with a digit (*9x3a…) or holds symbols (*MZ%DDTBB=Dm9)
	}
	ident, dots, under, camel, upper, digits := true, 0, false, false, true, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.':
			if i == 0 || i == len(v)-1 || v[i-1] == '.' {
				ident = false
			}
			dots++
		case c == '_':
			under = true
		case isAlpha(c):
			if isUpper(c) && i > 0 && isLower(v[i-1]) {
				camel = true
			}
			if isLower(c) {
				upper = false
			}
		case isDigit(c):
			if i == 0 || v[i-1] == '.' {
				ident = false
			}
			digits = true
		default:
			ident = false
		}
	}
	if !ident {
		return false
	}
	if dots > 0 {
		// A.b.c names a field, unless a part is random: a Discord bot
		// token (id.timestamp.hmac) joins its parts with dots too.
		for rest := v; rest != ""; {
			part, tail, _ := strings.Cut(rest, ".")
			if randomToken(part) || leetWord(part) || choppyPart(part) || wordAndNumber(part) || caseNoise(part) {
				return false
			}
			rest = tail
		}
		return true
	}
	if !digits && (under || camel || upper && len(v) > 3) {
		for _, w := range refWords {
			if indexFold(v, w) >= 0 {
				return true
			}
		}
	}
	return false
}
