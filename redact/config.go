package redact

import "strings"

// Credentials in the shapes of configuration files that have no
// "key = value" to go by: .pgpass lines, Oracle connect strings, the data
// of a Kubernetes Secret, values whose name is given apart from them
// (Terraform variables, name/value lists of Kubernetes, ECS and
// CloudFormation), and PEM private keys encoded in base64.

// pgpassKeywords are the port fields of .pgpass lines
// (host:port:database:user:password) for the ports PostgreSQL and the
// servers that speak its protocol listen on, and the wildcard.
var pgpassKeywords = []string{":5432:", ":5433:", ":5434:", ":6432:", ":5439:", ":26257:", ":*:"}

// findPgpass is called at the port field of a .pgpass line. The line (or
// the word around the keyword, when the line is quoted in a command) must
// be five colon-separated fields without blanks: a host name, address or
// '*', a port or '*', a database, a user and the password, which runs to
// the end of the word (unescaped colons included).
func findPgpass(dst []Span, s string, at int) []Span {
	// The word: no blanks or quotes, at most 256 bytes each way.
	ws := at
	for ws > 0 && at-ws < 256 && !isSpace(s[ws-1]) && s[ws-1] != '"' && s[ws-1] != '\'' && s[ws-1] != '>' {
		ws--
	}
	we := at + 1
	for we < len(s) && we-at < 256 && !isSpace(s[we]) && s[we] != '"' && s[we] != '\'' {
		we++
	}
	w := s[ws:we]
	// The keyword must be the port field: the first colon of the word
	// starts it. A placeholder's colon is not a field separator, and a
	// line another rule already took a field of is left as it is.
	if strings.IndexByte(w, ':') != at-ws || strings.Contains(w, placeholderPrefix) {
		return dst
	}
	var f [4]string
	rest := w
	for i := range f {
		k := pgpassColon(rest)
		if k < 0 {
			return dst
		}
		f[i], rest = rest[:k], rest[k+1:]
	}
	host, port, db, user := f[0], f[1], f[2], f[3]
	if host == "" || db == "" || user == "" || rest == "" ||
		host != "*" && !allFunc(host, func(c byte) bool { return isAlnum(c) || c == '.' || c == '-' || c == '_' }) ||
		port != "*" && !allFunc(port, isDigitByte) {
		return dst
	}
	if isPlaceholderValue(rest) || isSensitiveWord(rest) || len(rest) < 3 || allFunc(rest, func(c byte) bool { return c == '*' || c == ':' }) {
		return dst // no password: *:*:*:*:*:*:*:* is an IPv6 wildcard
	}
	if port == "*" && allDigits(db) && allDigits(user) {
		return dst // an /etc/shadow line (name:*:lastchg:min:max:...): day counts, not a database and a user
	}
	if host == "arn" || hasPrefixFold(host, "arn") && ws > 0 && s[ws-1] == ':' {
		return dst // an ARN with wildcards (arn:*:ssm:*:*:opsitem/*), not host:port:db:user:password
	}
	start := we - len(rest)
	return append(dst, Span{Start: start, End: we})
}

// pgpassColon returns the index of the first colon of s not escaped by a
// backslash, or -1.
func pgpassColon(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			return i
		}
	}
	return -1
}

// findOracleConnect is called at "oracle:thin:" (jdbc:oracle:thin:user/pw@...),
// "@//" (EZConnect: user/pw@//host:1521/service) and "@(description" (a
// TNS descriptor): it reports the password of the user/password before
// the '@'.
func findOracleConnect(dst []Span, s string, at int) []Span {
	var b, e int // the user/password word
	if hasPrefixFold(s[at:], "oracle:thin:") {
		b = at + len("oracle:thin:")
		e = b
		for e < len(s) && e-b < 256 && s[e] != '@' && !isSpace(s[e]) && s[e] != '"' && s[e] != '\'' {
			e++
		}
		if e >= len(s) || s[e] != '@' {
			return dst
		}
	} else if w := sqlplusConnect(s, at); w > 0 {
		// SQL*Plus: "connect system/X@host:1521/XEPDB1", "sqlplus u/X@tns".
		b = skipBlanks(s, at+w)
		e = b
		for e < len(s) && e-b < 256 && s[e] != '@' && !isSpace(s[e]) {
			e++
		}
		if e >= len(s) || s[e] != '@' {
			return dst
		}
	} else if s[at] == '@' {
		e = at
		b = wordStartBefore(s, at, "\"'=:")
	} else {
		return dst // a SQL*Plus keyword that starts no command ("001sqlplus A/001")
	}
	sl := strings.IndexByte(s[b:e], '/')
	if sl <= 0 || !allFunc(s[b:b+sl], func(c byte) bool { return isWord(c) || c == '$' || c == '#' }) {
		return dst
	}
	v := s[b+sl+1 : e]
	if len(v) < 3 || isPlaceholderValue(v) || isSensitiveWord(v) || strings.IndexByte(v, '/') >= 0 {
		return dst
	}
	return append(dst, Span{Start: b + sl + 1, End: e})
}

// sqlplusConnect returns the length of a SQL*Plus command that takes a
// user/password@service argument at s[at] ("connect ", "conn ",
// "sqlplus "), at the start of a line (at may be the line break before
// it) or after the SQL> prompt (at may be the prompt), or 0.
func sqlplusConnect(s string, at int) int {
	p := at
	switch {
	case s[p] == '\n':
		p++ // the keyword "\nconnect ": "connect " alone would be read in every "connection"
	case hasPrefixFold(s[p:], "sql> "):
		p += len("sql> ")
	case !atLineStart(s, p) && !hasSuffixFold(s[:p], "sql> "):
		return 0
	}
	for _, c := range []string{"connect ", "conn ", "sqlplus "} {
		if hasPrefixFold(s[p:], c) {
			return p - at + len(c)
		}
	}
	return 0
}

// wordStartBefore returns where the run of bytes that ends at s[at]
// starts: no blank and none of stop, at most 256 bytes.
func wordStartBefore(s string, at int, stop string) int {
	b := at
	for b > 0 && at-b < 256 && !isSpace(s[b-1]) && strings.IndexByte(stop, s[b-1]) < 0 {
		b--
	}
	return b
}

// findGoDSN is called at "@tcp(" and "@unix(", the network of a DSN of
// Go's MySQL driver (user:password@tcp(host:3306)/db): it reports the
// password between the user's ':' and the '@'.
func findGoDSN(dst []Span, s string, at int) []Span {
	b := wordStartBefore(s, at, "\"'`")
	if c := strings.IndexByte(s[b:at], ':'); c > 0 {
		if k := strings.LastIndexByte(s[b:b+c], '='); k >= 0 {
			b += k + 1 // DSN=user:…, where the password may hold '=' too
		}
	}
	c := strings.IndexByte(s[b:at], ':')
	if c <= 0 || !allFunc(s[b:b+c], func(c byte) bool { return isWord(c) || c == '-' || c == '.' }) {
		return dst
	}
	v := s[b+c+1 : at]
	if v == "" || isPlaceholderValue(v) || isSensitiveWord(v) || placeholderEndsAt(s, at) {
		return dst
	}
	return append(dst, Span{Start: b + c + 1, End: at})
}

// Kubernetes Secrets.

// findK8sSecretData is called at "kind: Secret". In the YAML document
// around it (between "---" lines, at most 16 KiB each way) it reports the
// values of the data and stringData maps: every key's value is a secret
// (base64 in data), except those the password rule takes (password:
// ...).
func findK8sSecretData(dst []Span, s string, at int) []Span {
	const kind = "kind: Secret"
	if !strings.HasPrefix(s[at:], kind) || at+len(kind) < len(s) && isWord(s[at+len(kind)]) {
		return dst
	}
	lo, hi := max(0, at-16<<10), min(len(s), at+16<<10)
	// Only the first "kind: Secret" of a document reads it, so that many
	// of them cost no more than one.
	if j := strings.LastIndex(s[lo:at], kind); j >= 0 && !strings.Contains(s[lo+j:at], "\n---") {
		return dst
	}
	if k := strings.LastIndex(s[lo:at], "\n---"); k >= 0 {
		lo += k + 4
	}
	if k := strings.Index(s[at:hi], "\n---"); k >= 0 {
		hi = at + k
	}
	doc := s[lo:hi]
	for _, key := range []string{"data:", "stringData:"} {
		for off := 0; ; {
			k := strings.Index(doc[off:], key)
			if k < 0 {
				break
			}
			k += off
			off = k + len(key)
			if k > 0 && doc[k-1] != ' ' && doc[k-1] != '\n' || !atLineStart(doc, k) {
				continue
			}
			dst = k8sDataValues(dst, s, lo+k+len(key), lineIndent(doc, k))
		}
	}
	return dst
}

// k8sDataValues reports the values of the map whose key line ends at
// s[i] (indented by indent): the following lines indented deeper, each
// "key: value".
func k8sDataValues(dst []Span, s string, i, indent int) []Span {
	if k := strings.IndexByte(s[i:], '\n'); k < 0 || strings.TrimSpace(s[i:i+k]) != "" {
		return dst // data: {} or data: on one line
	} else {
		i += k + 1
	}
	for i < len(s) {
		le := strings.IndexByte(s[i:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += i
		}
		line := s[i:le]
		if strings.TrimSpace(line) == "" {
			i = le + 1
			continue
		}
		in := lineIndent(s, i)
		if in <= indent {
			break
		}
		c := strings.Index(line, ": ")
		if c > 0 {
			key := strings.TrimSpace(line[:c])
			vs := i + c + 2
			for vs < le && s[vs] == ' ' {
				vs++
			}
			ve := le
			for ve > vs && (s[ve-1] == ' ' || s[ve-1] == '\r') {
				ve--
			}
			if ve-vs >= 2 && (s[vs] == '"' || s[vs] == '\'') && s[ve-1] == s[vs] {
				vs, ve = vs+1, ve-1
			}
			// A key a first pass replaced may have named plain data
			// (…TomcatWebServer: a host): its value is left alone.
			if v := s[vs:ve]; classifyKey(key) != Password && !plainDataKeys.has(lastWord(key)) && !strings.Contains(key, placeholderPrefix) &&
				len(v) >= 4 && !isPlaceholderValue(v) && v != "|" && v != ">" &&
				!publicToken(v) { // tls.crt, ca.crt: a certificate is public

				dst = append(dst, Span{Start: vs, End: ve})
			}
		}
		if le >= len(s) {
			break
		}
		i = le + 1
	}
	return dst
}

// plainDataKeys end the keys of a Secret's data that name what the
// credentials are for rather than the credentials: users, hosts, ports,
// databases, addresses.
var plainDataKeys = newWordSet("user", "username", "usr", "uid", "userid", "email", "mail", "host", "hostname",
	"server", "port", "database", "db", "dbname", "name", "url", "uri", "endpoint", "region", "bucket",
	"schema", "driver", "mode", "type", "id", "namespace", "address", "addr")

// lineIndent returns the number of blanks that start the line holding
// offset i.
func lineIndent(s string, i int) int {
	ls := strings.LastIndexByte(s[:i], '\n') + 1
	n := 0
	for ls+n < len(s) && (s[ls+n] == ' ' || s[ls+n] == '\t') {
		n++
	}
	return n
}

// Values whose name is given apart from them.

// findSensitiveValue is called at "sensitive" and "noecho": the default
// of a Terraform variable marked sensitive = true, or of a CloudFormation
// parameter marked NoEcho: true, is a secret whatever the variable's name.
// (A name that says password or secret is the assignment rules' own: they
// find the value from the name, see namedValue.)
func findSensitiveValue(dst []Span, s string, at int) []Span {
	var name string
	var vs, ve int
	sensitive := false
	switch {
	case hasPrefixFold(s[at:], "sensitive"):
		// sensitive = true inside a variable block: find the block.
		p := at + len("sensitive")
		for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
			p++
		}
		if p >= len(s) || s[p] != '=' || !strings.HasPrefix(strings.TrimLeft(s[p+1:min(len(s), p+16)], " \t"), "true") {
			return dst
		}
		lo := max(0, at-1024)
		k := strings.LastIndex(s[lo:at], `variable "`)
		if k < 0 || strings.IndexByte(s[lo+k:at], '}') >= 0 {
			return dst
		}
		var ok bool
		if name, vs, ve, sensitive, ok = hclVariable(s, lo+k); !ok || !sensitive {
			return dst
		}
	case hasPrefixFold(s[at:], "noecho"):
		if at+6 >= len(s) || s[at+6] != ':' || !atLineStart(s, at) {
			return dst
		}
		if name, vs, ve, sensitive = cfnParameter(s, at); !sensitive {
			return dst
		}
	default:
		return dst
	}
	if name == "" || ve <= vs || !allFunc(name, func(c byte) bool { return isWord(c) || c == '-' || c == '.' }) ||
		classifyKey(name) != "" || !acceptValue(s[vs:ve], name, Secret, true) {
		return dst // no variable's name, or one that says password or secret
	}
	return append(dst, Span{Start: vs, End: ve})
}

// namedValue returns the value given apart from the name s[ns:ne], an
// empty range, or -1, -1 for a name whose value may be a placeholder
// (the caller then reads nothing else after the name): the default of a Terraform variable "NAME" { ... } block,
// the value: after a YAML "name: NAME" (Kubernetes env, GitHub Actions),
// the "value" of a JSON object with "name": "NAME" (ECS task definitions,
// CloudFormation, Azure app settings), the Default: of a CloudFormation
// parameter NAME:.
func namedValue(s string, ns, ne int) (vs, ve int) {
	// A name ends at a quote, a ':' or the end of its line; in prose a
	// blank follows ("the key says").
	if ns == 0 || ne >= len(s) || strings.IndexByte("\"':\r\n", s[ne]) < 0 {
		return 0, 0
	}
	switch {
	case s[ns-1] == '"' && s[ne] == '"' && hasSuffixFold(s[:ns], `variable "`):
		_, vs, ve, _, _ = hclVariable(s, ns-len(`variable "`))
		return vs, ve
	case s[ne] == '"' && (s[ns-1] == '"' || ns >= 2 && s[ns-1] == '#' && s[ns-2] == '"'):
		// JSON: "name": "NAME", ... "value": "..."; also "key" (Postman's
		// variables and auth), and a browser tool's "selector":
		// "#password" with the "value" or "text" it fills in.
		q := ns - 1
		if s[q] == '#' {
			q--
		}
		b := strings.TrimRight(s[max(0, q-16):q], " \t")
		if !strings.HasSuffix(b, ":") && !strings.HasSuffix(b, "=") {
			return 0, 0
		}
		field := strings.TrimRight(b[:len(b)-1], " \t")
		hcl := b[len(b)-1] == '='
		if hcl {
			// HCL: name = "NAME" and value = "..." in one block (Terraform's
			// azurerm_key_vault_secret, aws_ssm_parameter).
			if q != ns-1 || !hasSuffixFold(field, "name") || len(field) > 4 && isWord(field[len(field)-5]) {
				return 0, 0
			}
		} else if !(q == ns-1 && (hasSuffixFold(field, `"name"`) || hasSuffixFold(field, `"key"`)) || hasSuffixFold(field, `"selector"`)) {
			return 0, 0
		}
		rest := s[ne+1 : min(len(s), ne+257)]
		if k := strings.IndexByte(rest, '}'); k >= 0 {
			rest = rest[:k]
		}
		if holdsPlaceholder(s, ne+1, ne+1+len(rest)) {
			// The 256 bytes read may reach further than they did before a
			// value was replaced, or the value may be the placeholder: a
			// name/value pair whose value is not read.
			return -1, -1
		}
		vk := `"value"`
		if hcl {
			vk = "value"
		}
		k := indexFold(rest, vk)
		if hcl {
			if k < 0 || k > 0 && isWord(rest[k-1]) || !strings.HasPrefix(strings.TrimLeft(rest[k+len(vk):], " \t"), "=") {
				return 0, 0
			}
			p := ne + 1 + k + len(vk)
			for p < len(s) && (s[p] == ' ' || s[p] == '\t' || s[p] == '=') {
				p++
			}
			return quotedAfter(s, p)
		}
		if k < 0 {
			vk = `"text"`
			if k = indexFold(rest, vk); k < 0 {
				return 0, 0
			}
		}
		p := ne + 1 + k + len(vk)
		for p < len(s) && (s[p] == ' ' || s[p] == ':') {
			p++
		}
		return quotedAfter(s, p)
	}
	// YAML: name: NAME, with value: on the next line, or a CloudFormation
	// parameter NAME: whose Default: is below it. Cheaply first: a ':'
	// before the name, or the start of a line and a ':' after it.
	n := ns
	if s[n-1] == '"' || s[n-1] == '\'' {
		n--
	}
	j := n
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	if j > 0 && s[j-1] != ':' && s[j-1] != '\n' || (j == 0 || s[j-1] == '\n') && s[ne] != ':' {
		return 0, 0
	}
	pre := strings.TrimRight(s[lineStartWithin(s, n, 64):n], " \t")
	if strings.HasSuffix(pre, "name:") || strings.HasSuffix(pre, "Name:") {
		field := len(pre) - len("name:")
		if item := strings.TrimSpace(pre[:field]); item != "" && item != "-" {
			return 0, 0
		}
		return yamlNextValue(s, ne, field)
	}
	if pre == "" && s[ne] == ':' && strings.TrimSpace(s[ne+1:lineEnd(s[:min(len(s), ne+32)], ne)]) == "" {
		_, vs, ve, _ = cfnParameter(s, ne)
		return vs, ve
	}
	return 0, 0
}

// yamlNextValue returns the scalar of a "value:" key on the line after
// offset i, indented at column col (the column of the "name:" key).
func yamlNextValue(s string, i, col int) (vs, ve int) {
	le := lineEnd(s, i)
	if le >= len(s) {
		return 0, 0
	}
	p := le + 1
	in := 0
	for p+in < len(s) && s[p+in] == ' ' {
		in++
	}
	if in != col || !hasPrefixFold(s[p+in:], "value:") {
		return 0, 0
	}
	return yamlValue(s, p+in+len("value:"))
}

// cfnParameter reads the CloudFormation parameter around offset i (its
// name line, or a key of its block such as NoEcho): its name, the value
// of its Default:, and whether NoEcho: true is set.
func cfnParameter(s string, i int) (name string, vs, ve int, noEcho bool) {
	// The name line: the nearest line above i (or i's own) that ends in
	// ':' and is indented less than the block.
	ls := strings.LastIndexByte(s[:i], '\n') + 1
	t := strings.TrimRight(s[ls:lineEnd(s, ls)], " \r")
	indent := lineIndent(s, ls)
	if !strings.HasSuffix(t, ":") || strings.Contains(strings.TrimSpace(t[:len(t)-1]), " ") {
		// i is inside the block: go up to the name.
		for n := 0; n < 8 && ls > 0; n++ {
			ls = strings.LastIndexByte(s[:ls-1], '\n') + 1
			t = strings.TrimRight(s[ls:lineEnd(s, ls)], " \r")
			if in := lineIndent(s, ls); in < indent {
				indent = in
				break
			}
		}
		if !strings.HasSuffix(t, ":") {
			return "", 0, 0, false
		}
	}
	name = strings.Trim(strings.TrimSpace(t[:len(t)-1]), `"'`)
	// The block: the lines below indented deeper.
	for p, n := lineEnd(s, ls)+1, 0; p < len(s) && n < 12; n++ {
		le := lineEnd(s, p)
		if lineIndent(s, p) <= indent || le == p {
			break
		}
		kv := strings.TrimSpace(s[p:le])
		switch {
		case hasPrefixFold(kv, "noecho:"):
			noEcho = strings.Contains(strings.ToLower(kv), "true")
		case strings.HasPrefix(kv, "Default:"):
			k := p + strings.Index(s[p:le], "Default:") + len("Default:")
			vs, ve = yamlValue(s, k)
		}
		if le >= len(s) {
			break
		}
		p = le + 1
	}
	return name, vs, ve, noEcho
}

// hclVariable reads the Terraform block variable "name" { ... } at s[at]:
// its name, the string of its default (vs, ve), and whether it is marked
// sensitive. The block is read up to its closing brace, at most 2 KiB.
func hclVariable(s string, at int) (name string, vs, ve int, sensitive, ok bool) {
	p := at + len(`variable "`)
	q := strings.IndexByte(s[p:min(len(s), p+128)], '"')
	if q <= 0 {
		return "", 0, 0, false, false
	}
	name = s[p : p+q]
	p += q + 1
	for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
		p++
	}
	if p >= len(s) || s[p] != '{' {
		return "", 0, 0, false, false
	}
	depth := 0
	lim := min(len(s), p+2048)
	for i := p; i < lim; i++ {
		switch c := s[i]; {
		case c == '{':
			depth++
		case c == '}':
			if depth--; depth == 0 {
				return name, vs, ve, sensitive, ve > vs
			}
		case c == '"':
			if e, _ := closingQuote(s, i+1, '"'); e > i {
				i = e
			}
		case depth == 1 && (i == 0 || !isWord(s[i-1])) && (hasPrefixFold(s[i:], "default") || hasPrefixFold(s[i:], "sensitive")):
			k := i
			for k < lim && isWord(s[k]) {
				k++
			}
			word := s[i:k]
			for k < lim && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			if k >= lim || s[k] != '=' {
				continue
			}
			k++
			for k < lim && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			switch {
			case equalFold(word, "sensitive"):
				sensitive = hasPrefixFold(s[k:], "true")
			case equalFold(word, "default") && k < lim && s[k] == '"':
				if e, _ := closingQuote(s, k+1, '"'); e > k {
					vs, ve = k+1, e
					i = e
				}
			}
		}
	}
	return "", 0, 0, false, false
}

// quotedAfter returns the string that follows s[i] after blanks, or an
// empty range.
func quotedAfter(s string, i int) (vs, ve int) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) || s[i] != '"' {
		return 0, 0
	}
	e, _ := closingQuote(s, i+1, '"')
	if e < 0 {
		return 0, 0
	}
	return i + 1, e
}

// yamlValue returns the scalar after a YAML key that ends at s[i]: a
// quoted string or the rest of the line without a trailing comment.
func yamlValue(s string, i int) (vs, ve int) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) {
		return 0, 0
	}
	if q := s[i]; q == '"' || q == '\'' {
		e, _ := closingQuote(s, i+1, q)
		if e < 0 {
			return 0, 0
		}
		return i + 1, e
	}
	e := i
	for e < len(s) && s[e] != '\n' && s[e] != '\r' && !(s[e] == '#' && e > i && s[e-1] == ' ') && e-i < decideLen {
		e++
	}
	for e > i && (s[e-1] == ' ' || s[e-1] == '\t') {
		e--
	}
	return i, e
}

// PEM private keys encoded in base64 (Kubernetes client-key-data, Helm
// values, environment variables): base64 of "-----BEGIN" starts with
// "LS0tLS1CRUdJTi".

// findBase64PEM is called at "LS0tLS1CRUdJTi". It decodes the start of
// the base64 run and reports the run if its first line is the header of a
// PEM private key.
func findBase64PEM(dst []Span, s string, at int) []Span {
	if at > 0 && isB64(s[at-1]) {
		return dst
	}
	e := at
	for e < len(s) && (isB64(s[e]) || s[e] == '=') {
		e++
	}
	if e-at < 64 {
		return dst
	}
	var hdr [48]byte
	n := decodeB64(hdr[:], s[at:at+64])
	line := string(hdr[:n])
	if k := strings.IndexByte(line, '\n'); k >= 0 {
		line = line[:k]
	}
	if !strings.Contains(line, "PRIVATE KEY") {
		return dst
	}
	return append(dst, Span{Start: at, End: e})
}

// decodeB64 decodes standard base64 src (a multiple of four bytes, no
// padding inside) into dst and returns the number of bytes written; it
// stops at the first byte that is not base64.
func decodeB64(dst []byte, src string) int {
	n := 0
	for i := 0; i+4 <= len(src) && n+3 <= len(dst); i += 4 {
		var w uint32
		for j := 0; j < 4; j++ {
			d := b64Value(src[i+j])
			if d < 0 {
				return n
			}
			w = w<<6 | uint32(d)
		}
		dst[n], dst[n+1], dst[n+2] = byte(w>>16), byte(w>>8), byte(w)
		n += 3
	}
	return n
}

// findWifiQR is called at "WIFI:", the start of the text of a Wi-Fi QR
// code (WIFI:T:WPA;S:network;P:password;;), and reports the P: field.
// Fields end at an unescaped ';'.
func findWifiQR(dst []Span, s string, at int) []Span {
	if !strings.HasPrefix(s[at:], "WIFI:") || at > 0 && isWord(s[at-1]) {
		return dst
	}
	lim := min(len(s), at+512)
	for p := at + 5; p < lim; {
		e := p
		for e < lim && s[e] != ';' && s[e] != '\n' {
			if s[e] == '\\' {
				e++
			}
			e++
		}
		e = min(e, lim)
		if strings.HasPrefix(s[p:e], "P:") {
			if v := s[p+2 : e]; len(v) >= 3 && !isPlaceholderValue(v) {
				return append(dst, Span{Start: p + 2, End: e})
			}
			return dst
		}
		if e >= lim || s[e] != ';' || e+1 < len(s) && s[e+1] == ';' {
			return dst
		}
		p = e + 1
	}
	return dst
}

// querySecretKeywords start the query parameters of signed URLs whose
// names do not say "secret" or "token": Azure SAS sig=, AWS and Google
// X-Amz-Signature= and X-Goog-Signature=, signature=.
var querySecretKeywords = []string{"?sig=", "&sig=", ";sig=", "?signature=", "&signature=", "-signature="}

// findQuerySecret is called at a querySecretKeywords occurrence and
// reports the parameter's value: up to '&', '#', a blank, a quote or a
// bracket, eight bytes or more that look generated.
func findQuerySecret(dst []Span, s string, at int) []Span {
	eq := at + strings.IndexByte(s[at:min(len(s), at+16)], '=')
	if eq < at {
		return dst
	}
	ps := eq
	for ps > 0 && eq-ps < 64 && (isWord(s[ps-1]) || s[ps-1] == '-') {
		ps--
	}
	if ps == 0 || strings.IndexByte("?&;", s[ps-1]) < 0 || !querySecrets.has(s[ps:eq]) {
		return dst
	}
	e := eq + 1
	for e < len(s) && e-eq <= decideLen && !isSpace(s[e]) && strings.IndexByte("&#\"'<>)]}`", s[e]) < 0 {
		e++
	}
	v := s[eq+1 : e]
	if !tokenLike(v, 8) || strings.Contains(v, placeholderPrefix) {
		return dst
	}
	if e-eq > decideLen {
		for e < len(s) && !isSpace(s[e]) && strings.IndexByte("&#\"'<>)]}`", s[e]) < 0 {
			e++
		}
	}
	return append(dst, Span{Start: eq + 1, End: e})
}

// configRules returns the rules of this file.
func configRules() []Rule {
	return []Rule{
		{
			ID:          "pgpass",
			Category:    Password,
			Description: "password field of a .pgpass line (host:port:database:user:password)",
			Keywords:    pgpassKeywords,
			Find:        findPgpass,
			Priority:    prioGeneric,
			Examples:    []string{"db.example.com:5432:app:app_rw:Pg-S3cret!", "*:*:*:replicator:R3pl!ca"},
			Negatives:   []string{"db.example.com:5432: connection refused", "*:*:*:app:*", "10:30:00", "db:5432:app:user:${PGPASSWORD}"},
		},
		{
			ID:          "oracle-connect",
			Category:    Password,
			Description: "password of an Oracle connect string user/password@host (JDBC thin, EZConnect //host/service, TNS descriptors)",
			Keywords:    []string{"oracle:thin:", "@//", "@(description", "\nconnect ", "sql> connect ", "\nconn ", "sql> conn ", "sqlplus "},
			Find:        findOracleConnect,
			Priority:    prioGeneric,
			Examples: []string{"jdbc:oracle:thin:scott/T1ger-db@//db.example.com:1521/ORCL", "url=jdbc:oracle:thin:app/Pw4pp!@db:1521:ORCL", "conn hr/Hr-2024x@//db:1521/pdb1",
				"[sqlplus]\nconnect system/VpF9qEqVto1k2qu@dbhost:1521/XEPDB1", "SQL> conn scott/T1ger-77@orclpdb"},
			Negatives: []string{"jdbc:oracle:thin:@//db.example.com:1521/ORCL", "jdbc:oracle:thin:scott/${DB_PASSWORD}@//db:1521/x", "see https://example.com/a@//b",
				"connect system/${ORACLE_PWD}@db:1521/XEPDB1", "connect / as sysdba", "we connect to/from the gateway@office"},
		},
		{
			ID:          "go-dsn",
			Category:    Password,
			Description: "password of a Go MySQL driver DSN user:password@tcp(host)/db or @unix(socket)/db",
			Keywords:    []string{"@tcp(", "@unix("},
			Find:        findGoDSN,
			Priority:    prioGeneric,
			Examples:    []string{`sql.Open("mysql", "api:Go-Sql-8841@tcp(db:3306)/inventory")`, "DSN=app:S3cret-x@unix(/run/mysqld.sock)/shop"},
			Negatives:   []string{`sql.Open("mysql", "api@tcp(db:3306)/inventory")`, `"root:${DB_PASSWORD}@tcp(db:3306)/x"`, `"user:@tcp(db)/x"`},
		},
		{
			ID:          "wifi-qr",
			Category:    Password,
			Description: "password of a Wi-Fi QR code text (WIFI:T:WPA;S:network;P:password;;)",
			Keywords:    []string{"WIFI:"},
			Find:        findWifiQR,
			Priority:    prioGeneric,
			Examples:    []string{"WIFI:T:WPA;S:Home-5G;P:Gr33n-Tea-42;;", "WIFI:S:Cafe\\;Bar;T:WPA2;P:Espr3ss0!;H:false;;"},
			Negatives:   []string{"WIFI:T:nopass;S:Guest;;", "WIFI:T:WPA;S:Office;P:<password>;;", "wifi: on"},
		},
		{
			ID:          "query-signature",
			Category:    Secret,
			Description: "signature parameter of a signed URL (Azure SAS sig=, X-Amz-Signature=, X-Goog-Signature=, signature=)",
			Keywords:    querySecretKeywords,
			Find:        findQuerySecret,
			Priority:    prioGeneric,
			Examples: []string{
				"https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&sp=r&sig=Xq8vL2mP9zR4tW7nB3kY%2Fd6hJ1fG5sA0cE%3D",
				"GET /b/k.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=9c4e1f7a2b8d3e6f0a5c9d2e7b4f1a8c3d6e0b9f2a5c8d1e4b7f0a3c6d9e2b5f HTTP/1.1",
			},
			Negatives: []string{"https://example.com/form?sig=required", "?signature=${SIG}", "the sig= parameter"},
		},
		{
			ID:          "kubernetes-secret-data",
			Category:    Secret,
			Description: "values of the data and stringData maps of a Kubernetes Secret manifest (YAML), except password keys, which the password rule takes",
			Keywords:    []string{"kind: secret"},
			Find:        findK8sSecretData,
			Priority:    prioGeneric,
			Examples: []string{
				"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  api-url: aHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20=\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2\n",
				"apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJyZWcuZXhhbXBsZS5jb20iOnsiYXV0aCI6ImRYTmxjanB3WVhOeiJ9fX0=\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\n",
			},
			Negatives: []string{
				"apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: cHJvZHVjdGlvbg==\n",
				"apiVersion: v1\nkind: Secret\nmetadata:\n  name: empty\ndata: {}\n",
				"kind: Secret\nstringData:\n  token: ${TOKEN}\n",
			},
		},
		{
			ID:          "sensitive-value",
			Category:    Secret,
			Description: "default of a Terraform variable marked sensitive = true or of a CloudFormation parameter marked NoEcho: true, whatever its name",
			Keywords:    []string{"sensitive", "noecho"},
			Find:        findSensitiveValue,
			Priority:    prioGeneric,
			Examples: []string{
				"variable \"conn\" {\n  sensitive = true\n  default   = \"Zx81kQ2mP9vL4tR7\"\n}",
				"Parameters:\n  Webhook:\n    Type: String\n    NoEcho: true\n    Default: Whk-9f8e7d6c5b4a",
			},
			Negatives: []string{
				"variable \"region\" {\n  sensitive = false\n  default   = \"eu-west-1\"\n}",
				"variable \"conn\" {\n  sensitive = true\n}",
				"Parameters:\n  Env:\n    Type: String\n    Default: production",
				"Log sensitive = true values only in debug mode.",
			},
		},
		{
			ID:          "base64-private-key",
			Category:    PrivateKey,
			Description: "PEM private key encoded in base64 (kubeconfig client-key-data, Helm values, environment variables): a base64 run whose decoded first line is a BEGIN ... PRIVATE KEY header",
			Keywords:    []string{"LS0tLS1CRUdJTi"},
			Find:        findBase64PEM,
			Priority:    prioGeneric - 1,
			Examples:    []string{"TLS_KEY_B64=LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUJrZzRMVldNOW51d05TazN5Qnl4WnBZUlRCblZKazVCcDdJMmtJd2daNGsKLS0tLS1FTkQgRUMgUFJJVkFURSBLRVktLS0tLQo="},
			Negatives:   []string{"certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM4akNDQWRxZ0F3SUJBZ0lJRzZ4dGFEcU5yWm93RFFZSktvWklodmNOQVFFTEJRQXdGVEVUTUJFR0ExVUUKQXhNS2EzVmlaWEp1WlhSbGN6QWVGdzB5TkRBeE1UVXhNRE13TURCYUZ3MHpOREF4TVRJeE1ETXdNREJhTUJVeApFekFSQmdOVkJBTVRDbXQxWW1WeWJtVjBaWE13Z2dFaU1BMEdDU3FHU0liM0RRRUJBUVVBQTRJQkR3QXdnZ0VLCg=="},
		},
	}
}

// SQL settings tables.

// findSQLSetting is called at "set value" and reports the value of an
// UPDATE of a settings table whose row the WHERE clause names by a key
// that names a secret: UPDATE app_settings SET value = 'X' WHERE name =
// 'psp_api_secret'. The row's key decides, as the key of an assignment
// would.
func findSQLSetting(dst []Span, s string, at int) []Span {
	p := at + len("set value")
	if p < len(s) && s[p] == '`' {
		p++
	}
	if at > 0 && isWord(s[at-1]) || !hasPrefixFold(s[at:], "set value") || p >= len(s) || isWord(s[p]) {
		return dst
	}
	vs, ve := sqlEqualsQuoted(s, p)
	if ve <= vs {
		return dst
	}
	w := skipBlanks(s, ve+1)
	if !hasPrefixFold(s[w:], "where ") {
		return dst
	}
	w = skipBlanks(s, w+len("where "))
	k := w
	for k < len(s) && (isWord(s[k]) || s[k] == '`') {
		k++
	}
	switch strings.ToLower(strings.Trim(s[w:k], "`")) {
	case "name", "key", "setting", "setting_name", "option_name", "config_key", "param", "parameter":
	default:
		return dst
	}
	ns, ne := sqlEqualsQuoted(s, k)
	if ne <= ns {
		return dst
	}
	key := s[ns:ne]
	cat := classifyKey(key)
	if cat != Secret && cat != Password || !acceptValue(s[vs:ve], key, cat, true) || holdsPlaceholder(s, vs, ne) {
		return dst
	}
	return append(dst, Span{Start: vs, End: ve})
}

// sqlEqualsQuoted reads "= 'string'" at s[p] (blanks around the '=') and
// returns the bounds of the string's content, or an empty range.
func sqlEqualsQuoted(s string, p int) (int, int) {
	p = skipBlanks(s, p)
	if p+2 >= len(s) || s[p] != '=' {
		return 0, 0
	}
	p = skipBlanks(s, p+1)
	if p >= len(s) || s[p] != '\'' && s[p] != '"' {
		return 0, 0
	}
	e, capped := closingQuote(s, p+1, s[p])
	if e < 0 || capped {
		return 0, 0
	}
	return p + 1, e
}
