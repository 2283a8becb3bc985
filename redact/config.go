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
	if isPlaceholderValue(rest) || isSensitiveWord(rest) || len(rest) < 3 {
		return dst
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

// findOracleConnect is called at "thin:" (jdbc:oracle:thin:user/pw@...),
// "@//" (EZConnect: user/pw@//host:1521/service) and "@(description" (a
// TNS descriptor): it reports the password of the user/password before
// the '@'.
func findOracleConnect(dst []Span, s string, at int) []Span {
	var b, e int // the user/password word
	if hasPrefixFold(s[at:], "thin:") {
		b = at + len("thin:")
		e = b
		for e < len(s) && e-b < 256 && s[e] != '@' && !isSpace(s[e]) && s[e] != '"' && s[e] != '\'' {
			e++
		}
		if e >= len(s) || s[e] != '@' {
			return dst
		}
	} else {
		e = at
		b = e
		for b > 0 && e-b < 256 && !isSpace(s[b-1]) && s[b-1] != '"' && s[b-1] != '\'' && s[b-1] != '=' && s[b-1] != ':' {
			b--
		}
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
			if v := s[vs:ve]; classifyKey(key) != Password && !plainDataKeys.has(lastWord(key)) && len(v) >= 4 && !isPlaceholderValue(v) && v != "|" && v != ">" {
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

func findNamedPassword(dst []Span, s string, at int) []Span {
	return findNamedValue(dst, s, at, Password)
}

func findNamedSecret(dst []Span, s string, at int) []Span {
	return findNamedValue(dst, s, at, Secret)
}

// findNamedValue is called at `variable "` (Terraform), "value:" (YAML
// name/value lists: Kubernetes env, GitHub Actions), `value":` (JSON:
// ECS task definitions, CloudFormation, Azure app settings) and
// "default:" (CloudFormation parameters). It finds the name the value is
// given under, classifies it like a key, and reports the value if the
// name is of category want. A Terraform variable or CloudFormation
// parameter marked sensitive (sensitive = true, NoEcho: true) holds a
// secret whatever its name.
func findNamedValue(dst []Span, s string, at int, want Category) []Span {
	var name string
	var vs, ve int
	sensitive := false
	switch {
	case hasPrefixFold(s[at:], `variable "`):
		var ok bool
		name, vs, ve, sensitive, ok = hclVariable(s, at)
		if !ok {
			return dst
		}
	case hasPrefixFold(s[at:], `value":`):
		if at == 0 || s[at-1] != '"' {
			return dst
		}
		name = jsonSiblingName(s, at-1)
		vs, ve = quotedAfter(s, at+len(`value":`))
	case hasPrefixFold(s[at:], "value:"):
		if at > 0 && isWord(s[at-1]) || !atLineStart(s, at) {
			return dst
		}
		name = yamlSiblingName(s, at)
		vs, ve = yamlValue(s, at+len("value:"))
	case hasPrefixFold(s[at:], "default:"):
		if at > 0 && isWord(s[at-1]) || !atLineStart(s, at) {
			return dst
		}
		name, sensitive = yamlParent(s, at)
		vs, ve = yamlValue(s, at+len("default:"))
	default:
		return dst
	}
	if name == "" || ve <= vs {
		return dst
	}
	cat := classifyKey(name)
	if cat == "" && sensitive {
		cat = Secret
	}
	if cat != want || !acceptValue(s[vs:ve], name, want, true) {
		return dst
	}
	return append(dst, Span{Start: vs, End: ve})
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

// jsonSiblingName returns the string of a "name" (or "Name", "key")
// member of the JSON object whose "value" key starts at s[q] (the opening
// quote), looking back within the object at most 256 bytes.
func jsonSiblingName(s string, q int) string {
	lo := max(0, q-256)
	obj := s[lo:q]
	if k := strings.LastIndexAny(obj, "{}"); k >= 0 {
		if obj[k] == '}' {
			return ""
		}
		obj = obj[k:]
	}
	for _, key := range []string{`"name"`, `"Name"`, `"key"`, `"Key"`} {
		k := strings.Index(obj, key)
		if k < 0 {
			continue
		}
		p := k + len(key)
		for p < len(obj) && (obj[p] == ' ' || obj[p] == ':') {
			p++
		}
		if p < len(obj) && obj[p] == '"' {
			if e := strings.IndexByte(obj[p+1:], '"'); e > 0 {
				return obj[p+1 : p+1+e]
			}
		}
	}
	return ""
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

// yamlSiblingName returns the name of the YAML list item or map whose
// "value:" key is at s[at]: a "name:" (or "key:") key on one of the two
// lines above, at the same indentation (or two less, after "- ").
func yamlSiblingName(s string, at int) string {
	ls := strings.LastIndexByte(s[:at], '\n') + 1
	indent := at - ls
	p := ls
	for range 2 {
		if p == 0 {
			return ""
		}
		prev := strings.LastIndexByte(s[:p-1], '\n') + 1
		line := s[prev : p-1]
		t := strings.TrimLeft(line, " \t")
		ind := len(line) - len(t)
		t = strings.TrimPrefix(t, "- ")
		if ind+(len(line)-ind-len(t)) == indent || ind == indent {
			for _, key := range []string{"name:", "key:", "Name:", "Key:"} {
				if strings.HasPrefix(t, key) {
					return strings.Trim(strings.TrimSpace(t[len(key):]), `"'`)
				}
			}
		}
		p = prev
	}
	return ""
}

// yamlParent returns the key of the YAML map that holds the key at s[at]
// (the nearest line above, at most eight, indented less), and whether a
// sibling says NoEcho: true (a CloudFormation parameter that is never
// shown).
func yamlParent(s string, at int) (name string, noEcho bool) {
	ls := strings.LastIndexByte(s[:at], '\n') + 1
	indent := at - ls
	p := ls
	for range 8 {
		if p == 0 {
			return "", false
		}
		prev := strings.LastIndexByte(s[:p-1], '\n') + 1
		line := s[prev : p-1]
		t := strings.TrimLeft(line, " \t")
		switch ind := len(line) - len(t); {
		case ind == indent && hasPrefixFold(t, "noecho:"):
			noEcho = strings.Contains(strings.ToLower(t), "true")
		case ind < indent && strings.HasSuffix(strings.TrimRight(t, " \r"), ":"):
			return strings.Trim(strings.TrimSuffix(strings.TrimRight(t, " \r"), ":"), `"'`), noEcho
		case ind < indent:
			return "", false
		}
		p = prev
	}
	return "", false
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

// configRules returns the rules of this file.
func configRules() []Rule {
	namedKW := []string{`variable "`, "value:", `value":`, "default:"}
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
			Keywords:    []string{"thin:", "@//", "@(description"},
			Find:        findOracleConnect,
			Priority:    prioGeneric,
			Examples:    []string{"jdbc:oracle:thin:scott/T1ger-db@//db.example.com:1521/ORCL", "url=jdbc:oracle:thin:app/Pw4pp!@db:1521:ORCL", "conn hr/Hr-2024x@//db:1521/pdb1"},
			Negatives:   []string{"jdbc:oracle:thin:@//db.example.com:1521/ORCL", "jdbc:oracle:thin:scott/${DB_PASSWORD}@//db:1521/x", "see https://example.com/a@//b"},
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
			ID:          "named-password",
			Category:    Password,
			Description: "value given apart from its password-like name: Terraform variable \"db_password\" { default = \"...\" }, name/value lists (Kubernetes env, ECS, CloudFormation), CloudFormation parameter defaults",
			Keywords:    namedKW,
			Find:        findNamedPassword,
			Priority:    prioGeneric,
			Examples: []string{
				"variable \"db_password\" {\n  type    = string\n  default = \"Tf-Db-Pa55!\"\n}",
				"env:\n  - name: POSTGRES_PASSWORD\n    value: Pg-Env-9x!",
				`{"name": "DB_PASSWORD", "value": "Ecs-Pw-77"}`,
				"Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\n    Default: Cfn-Pw-2024",
			},
			Negatives: []string{
				"variable \"db_password\" {\n  type      = string\n  sensitive = true\n}",
				"env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db",
				`{"name": "PASSWORD_MIN_LENGTH", "value": "12"}`,
				"  - name: DB_PASSWORD\n    value: ${DB_PASSWORD}",
			},
		},
		{
			ID:          "named-secret",
			Category:    Secret,
			Description: "value given apart from its secret-like name, or in a Terraform variable or CloudFormation parameter marked sensitive: variable \"api_token\" { default = \"...\" }, - name: API_KEY / value: ..., {\"name\": \"TOKEN\", \"value\": \"...\"}",
			Keywords:    namedKW,
			Find:        findNamedSecret,
			Priority:    prioGeneric,
			Examples: []string{
				"variable \"github_token\" {\n  default   = \"t0k3n-for-ci-9f8e7d6c5b4a\"\n  sensitive = true\n}",
				"variable \"conn\" {\n  sensitive = true\n  default   = \"Zx81kQ2mP9vL4tR7\"\n}",
				"        - name: API_KEY\n          value: \"8f3a9c1d7e2b4f60a5c1d2e3\"",
				`[{"Name": "STRIPE_SECRET", "Value": "wH7dK2pL9xQ4vM1zT8rB"}]`,
			},
			Negatives: []string{
				"variable \"region\" {\n  default = \"eu-west-1\"\n}",
				"- name: LOG_LEVEL\n  value: debug",
				`{"name": "TOKEN_TTL", "value": "3600"}`,
				"variable \"api_token\" {\n  default = \"\"\n}",
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
