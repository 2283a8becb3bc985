package redact

import (
	"slices"
	"strings"
)

// Passwords given to command-line tools as options: mysql -pSECRET,
// sshpass -p SECRET, redis-cli -a SECRET, ldapsearch -w SECRET, htpasswd -b
// file user SECRET, net use ... /user:DOMAIN\user SECRET,
// ConvertTo-SecureString "SECRET", smbclient -U user%SECRET, sqlplus
// user/SECRET@db. Each tool is a row of cliTools; the finder is called at
// the tool's name and reads the options of that command, continuation
// lines included.

// cliTool describes how a command takes a password.
type cliTool struct {
	names []string // command names, lower case
	flags []string // options followed by the password as the next argument
	glued []string // options with the password glued to them (-pSECRET)
	// prefix starts the password argument (openssl -passin pass:SECRET);
	// an argument without it names a file or a variable instead.
	prefix string
	// direct are the flags of a tool with a prefix that take the password
	// itself (openssl enc -k SECRET).
	direct []string
	// form is a special argument form: "second-arg" (net user name pw),
	// "user%" (smbclient -U user%pw),
	// "user/" (sqlplus user/pw@db), "/user:" (net use ... /user:x pw),
	// "first-string" (the first quoted argument), "htpasswd" (the last of
	// file, user and password after -b), "acl" (Redis ACL rules, the
	// password after '>'), "config set" (Redis CONFIG SET requirepass x).
	form string
	// fold makes flags match in any case (Windows: /RP, /rp).
	fold bool
	// stdin is the flag that makes the tool read the password from its
	// standard input ("*": always), which an echo piped into it or a
	// here-string gives (echo 'pw' | passwd --stdin user).
	stdin string
	// pair says that what the tool reads is user:password (chpasswd).
	pair bool
}

var cliTools = []cliTool{
	{names: []string{"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlsh", "mariadb", "mariadb-dump"}, glued: []string{"-p"}},
	{names: []string{"sshpass"}, flags: []string{"-p"}},
	{names: []string{"docker login", "podman login", "helm registry login", "oras login", "buildah login", "skopeo login"}, flags: []string{"-p"}, stdin: "--password-stdin"},
	{names: []string{"redis-cli", "keydb-cli"}, flags: []string{"-a"}},
	{names: []string{"acl setuser", "user "}, form: "acl"},
	{names: []string{"config set"}, form: "config set"},
	{names: []string{"ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldappasswd", "ldapwhoami", "ldapcompare", "ldapmodrdn"}, flags: []string{"-w"}},
	{names: []string{"mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport"}, flags: []string{"-p"}},
	{names: []string{"sqlcmd", "bcp"}, flags: []string{"-P"}},
	{names: []string{"psexec", "psexec64", "paexec"}, flags: []string{"-p"}},
	{names: []string{"zip", "unzip"}, flags: []string{"-P"}},
	{names: []string{"7z ", "7za", "unrar", "rar "}, glued: []string{"-p"}},
	{names: []string{"az login"}, flags: []string{"-p", "--password"}},
	{names: []string{"net user"}, form: "second-arg"},
	{names: []string{"rdesktop"}, flags: []string{"-p"}},
	{names: []string{"xfreerdp"}, glued: []string{"/p:"}},
	{names: []string{"htpasswd"}, form: "htpasswd"},
	{names: []string{"net use"}, form: "/user:"},
	{names: []string{"schtasks"}, flags: []string{"/rp", "/p"}, fold: true},
	{names: []string{"ssh-keygen"}, flags: []string{"-P", "-N"}},
	{names: []string{"chpasswd"}, stdin: "*", pair: true},
	{names: []string{"passwd"}, stdin: "--stdin"},
	{names: []string{"sudo"}, stdin: "-S"},
	{names: []string{"cryptsetup", "kinit"}, stdin: "*"},
	{names: []string{"convertto-securestring"}, form: "first-string"},
	{names: []string{"smbclient"}, form: "user%"},
	{names: []string{"sqlplus", "rman", "expdp", "impdp", "sqlldr", "dgmgrl", "sqlcl", "exp ", "imp "}, form: "user/"},
	{names: []string{"keytool", "jarsigner"}, flags: []string{"-storepass", "-keypass", "-srcstorepass", "-deststorepass", "-srckeypass", "-destkeypass"}},
	{names: []string{"openssl"}, flags: []string{"-passin", "-passout", "-pass", "-password", "-k"}, prefix: "pass:", direct: []string{"-k"}},
	{names: []string{"apksigner"}, flags: []string{"--ks-pass", "--key-pass"}, prefix: "pass:"},
	{names: []string{"pg_dump", "pg_restore", "psql", "pgbench"}, flags: []string{"--password"}},
}

// rmanTargets are the rman words before a connect string.
var rmanTargets = newWordSet("target", "catalog", "auxiliary")

// cliKeywords returns the command names of cliTools.
func cliKeywords() []string {
	var out []string
	for _, t := range cliTools {
		out = append(out, t.names...)
	}
	return out
}

// cliArg is one argument of a command line.
type cliArg struct {
	start, end int // the argument, quotes included
	vs, ve     int // its value, quotes excluded
}

// cliArgs splits the command that starts at s[i] into arguments, up to
// the end of the command (a newline that does not follow a continuation
// backslash, ';', '|', '&&') and at most 512 bytes on.
func cliArgs(s string, i int, dst []cliArg) []cliArg {
	lim := min(len(s), i+512)
	for p := i; p < lim && len(dst) < 32; {
		c := s[p]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
			p++
			continue
		case c == '\\' || c == '^' || c == '`':
			if q := p + 1; q < len(s) && (s[q] == '\n' || s[q] == '\r') {
				p = q + 1 // a continuation line
				continue
			}
		case c == '\n' || c == ';' || c == '|' || c == '&' && p+1 < len(s) && s[p+1] == '&':
			return dst
		}
		a := cliArg{start: p}
		if c == '"' || c == '\'' {
			e := strings.IndexByte(s[p+1:lim], c)
			if e < 0 {
				return dst
			}
			a.vs, a.ve, a.end = p+1, p+1+e, p+2+e
		} else {
			e := p
			for e < lim && !isSpace(s[e]) && s[e] != ';' && s[e] != '|' {
				if q := s[e]; q == '"' || q == '\'' {
					c := strings.IndexByte(s[e+1:lim], q)
					if c < 0 {
						return dst // a quote that does not close: no argument to read
					}
					e += c + 1 // a quoted part: -p'two words'
				}
				e++
			}
			a.vs, a.ve, a.end = p, e, e
		}
		if a.end == p {
			return dst // no progress: a byte that is neither blank nor part of an argument
		}
		dst = append(dst, a)
		p = a.end
	}
	return dst
}

func findCLIPassword(dst []Span, s string, at int) []Span {
	if s[at]|0x20 == 'u' && hasPrefixFold(s[at:], "user ") && !atLineStart(s, at) {
		return dst // "user" in prose, before the tools are looked up: a users.acl rule starts its line
	}
	var tool *cliTool
	name := ""
	for k := range cliTools {
		for _, n := range cliTools[k].names {
			if hasPrefixFold(s[at:], n) && len(n) > len(name) {
				tool, name = &cliTools[k], n
			}
		}
	}
	if tool == nil {
		return dst
	}
	e := at + len(strings.TrimRight(name, " ")) // "7z " is "7z" as a keyword of three bytes (and "exp ")
	if at > 0 && (isWord(s[at-1]) || s[at-1] == '-' || s[at-1] == '.') || e < len(s) && (isWord(s[e]) || s[e] == '-' || s[e] == '.') {
		return dst
	}
	if placeholderEndsAt(s, at) {
		return dst // glued to a placeholder, which may have ended in letters ("001sqlplus")
	}
	var buf [32]cliArg
	args := cliArgs(s, e, buf[:0])
	// emit appends the password s[vs:ve] to dst, if it is one, and
	// returns dst.
	emit := func(vs, ve int) []Span {
		v := s[vs:ve]
		if len(v) < 3 || v == "-" || v[0] == '-' || isPlaceholderValue(v) || isSensitiveWord(v) || v[0] == '%' && len(v) > 1 && v[len(v)-1] == '%' {
			return dst
		}
		if holdsPlaceholder(s, min(e, vs), ve) {
			// A placeholder before the password may have taken arguments
			// with it (a phone number's blanks): which argument is the
			// password, it hides; one inside it leaves a part of it. (A
			// password piped in before the command was checked by
			// pipedArg.)
			return dst
		}
		dst = append(dst, Span{Start: vs, End: ve})
		return dst
	}
	switch {
	case tool.form == "htpasswd":
		return htpasswdPassword(dst, s, args, emit)
	case tool.form == "acl" && name == "user " && !aclDirective(s, at, args):
		return dst
	case tool.stdin == "*" || tool.stdin != "" && slices.ContainsFunc(args, func(a cliArg) bool { return s[a.start:a.end] == tool.stdin }):
		return stdinPassword(dst, s, at, args, tool.pair, emit)
	}
	seen := false // a connect string of the "user/" form
	for k, a := range args {
		arg := s[a.vs:a.ve]
		if arg == "" {
			continue // "" or ''
		}
		switch tool.form {
		case "/user:":
			if hasPrefixFold(arg, "/user:") && k+1 < len(args) && s[args[k+1].vs] != '/' {
				return emit(args[k+1].vs, args[k+1].ve)
			}
			// net use [Z:] \\server\share PASSWORD [/user:x]: the argument
			// after the share, when an option follows it or it is not a
			// word (prose may go on after the share).
			if k <= 1 && strings.HasPrefix(arg, `\\`) && k+1 < len(args) {
				n := args[k+1]
				if v := s[n.vs:n.ve]; v != "" && v[0] != '/' && (k+2 < len(args) && s[args[k+2].vs] == '/' || !allFunc(v, isAlpha)) {
					return emit(n.vs, n.ve)
				}
			}
			continue
		case "acl":
			// ACL SETUSER name on >password ~keys +@all: a rule that
			// starts with '>' adds a password ('#' gives its hash).
			if k > 0 && len(arg) > 1 && arg[0] == '>' {
				dst = emit(a.vs+1, a.ve)
			}
			continue
		case "config set":
			// CONFIG SET requirepass x, CONFIG SET masterauth x (Redis).
			if k == 0 && k+1 < len(args) && (equalFold(arg, "requirepass") || equalFold(arg, "masterauth")) {
				return emit(args[1].vs, args[1].ve)
			}
			return dst
		case "second-arg":
			// net user NAME PASSWORD [/add]: the second argument that is
			// not an option.
			if k == 1 && arg[0] != '/' && arg != "*" {
				return emit(a.vs, a.ve)
			}
			continue
		case "first-string":
			if a.vs > a.start {
				return emit(a.vs, a.ve)
			}
			if arg[0] != '-' {
				return dst
			}
			continue
		case "user%":
			if (arg == "-U" || arg == "--user") && k+1 < len(args) {
				n := args[k+1]
				if pct := strings.IndexByte(s[n.vs:n.ve], '%'); pct > 0 {
					return emit(n.vs+pct+1, n.ve)
				}
			}
			continue
		case "user/":
			// The first argument user/password[@db], after options and
			// words such as "target" (rman target sys/x@db), also as
			// userid=user/password (exp, sqlldr).
			if arg[0] == '-' || arg[0] == '@' || a.start != a.vs {
				continue
			}
			v := a.vs
			if eq := strings.IndexByte(arg, '='); eq > 0 && hasPrefixFold(arg, "userid=") {
				v += eq + 1
			}
			sl := strings.IndexByte(s[v:a.ve], '/')
			if sl < 0 {
				continue
			}
			if seen && (k == 0 || !rmanTargets.has(s[args[k-1].vs:args[k-1].ve])) {
				return dst // one connect string, or one per rman target
			}
			seen = true
			if sl == 0 || !isAlpha(s[v]) || !allFunc(s[v:v+sl], isWord) {
				return dst // "/nolog", "/ as sysdba", a path, a date (exp 09/27)
			}
			end := a.ve
			at := strings.LastIndexByte(s[v:a.ve], '@')
			if strings.Contains(s[v+max(at, sl):a.ve], placeholderPrefix) {
				return dst // a placeholder may have held the last '@' (see placeholderEndsAt)
			}
			if at > sl {
				end = v + at
			}
			dst = emit(v+sl+1, end)
			continue
		}
		for _, f := range tool.glued {
			if strings.HasPrefix(arg, f) && len(arg) > len(f) && a.start == a.vs {
				v := a.vs + len(f)
				ve := a.ve
				if q := s[v]; q == '\'' || q == '"' {
					if c := strings.IndexByte(s[v+1:a.ve], q); c >= 0 {
						v, ve = v+1, v+1+c
					}
				}
				dst = emit(v, ve)
				continue
			}
		}
		for _, f := range tool.flags {
			if (arg == f || tool.fold && equalFold(arg, f)) && a.start == a.vs && k+1 < len(args) {
				n := args[k+1]
				if tool.prefix == "" || slices.Contains(tool.direct, f) {
					dst = emit(n.vs, n.ve)
					continue
				}
				if strings.HasPrefix(s[n.vs:n.ve], tool.prefix) {
					dst = emit(n.vs+len(tool.prefix), n.ve)
					continue
				}
			}
		}
	}
	return dst
}

// htpasswdPassword reports the password of htpasswd -b [-c] file user
// password (htpasswd -nb user password has no file): the options come
// first, alone or together (-bc, -nbB), -C and -r take a number.
func htpasswdPassword(dst []Span, s string, args []cliArg, emit func(vs, ve int) []Span) []Span {
	batch, want, n := false, 2, 0
	for k := 0; k < len(args); k++ {
		a := args[k]
		arg := s[a.vs:a.ve]
		if len(arg) > 1 && arg[0] == '-' && a.start == a.vs && n == 0 {
			batch = batch || strings.IndexByte(arg, 'b') > 0
			if strings.IndexByte(arg, 'n') > 0 {
				want = 1 // -n prints the line: no file
			}
			if c := arg[len(arg)-1]; c == 'C' || c == 'r' {
				k++ // -C cost, -r rounds
			}
			continue
		}
		if n == want {
			if !batch {
				return dst // without -b, htpasswd prompts
			}
			return emit(a.vs, a.ve)
		}
		n++
	}
	return dst
}

// aclTokens are Redis ACL rules that say a "user" line is one of users.acl
// or redis.conf: user worker on >pw ~jobs:* +@all.
var aclTokens = newWordSet("on", "off", "nopass", "resetpass", "reset", "allkeys", "allchannels", "allcommands", "resetkeys", "resetchannels", "nocommands")

// aclDirective reports whether the "user" at s[at] starts a Redis ACL
// directive: it starts its line, and a rule other than a password follows
// the name.
func aclDirective(s string, at int, args []cliArg) bool {
	if !atLineStart(s, at) {
		return false
	}
	for k, a := range args {
		arg := s[a.vs:a.ve]
		if k > 0 && arg != "" && (aclTokens.has(arg) || strings.IndexByte("~&+", arg[0]) >= 0 || strings.HasPrefix(arg, "-@") || strings.HasPrefix(arg, "%R") || strings.HasPrefix(arg, "%W")) {
			return true
		}
	}
	return false
}

// stdinPassword reports what a command that reads its password from
// standard input was given there: by echo or printf piped into it (echo
// 'intern2:pw' | sudo chpasswd, printf '%s\n' pw | passwd --stdin bob,
// echo pw | sudo -S cmd) or by a here-string (chpasswd <<< "u:pw"). For
// pair, what it reads is user:password lines (chpasswd), of which the
// passwords are reported.
func stdinPassword(dst []Span, s string, at int, args []cliArg, pair bool, emit func(vs, ve int) []Span) []Span {
	vs, ve := pipedArg(s, at)
	for k, a := range args {
		if ve > vs {
			break
		}
		if !strings.HasPrefix(s[a.start:a.end], "<<<") || a.start != a.vs {
			continue
		}
		if a.end == a.start+3 {
			if k+1 < len(args) {
				vs, ve = args[k+1].vs, args[k+1].ve // <<< "u:pw"
			}
		} else if vs, ve = a.start+3, a.end; ve-vs >= 2 && (s[vs] == '"' || s[vs] == '\'') && s[ve-1] == s[vs] {
			vs, ve = vs+1, ve-1 // <<<"u:pw"
		}
	}
	if ve <= vs {
		return dst
	}
	for ve-vs >= 2 && s[ve-2] == '\\' && s[ve-1] == 'n' {
		ve -= 2 // printf 'pw\n'
	}
	if !pair {
		return emit(vs, ve)
	}
	// user:password, one pair per line (echo -e "a:x\nb:y").
	for p := vs; p < ve; {
		e := p + strings.Index(s[p:ve], `\n`)
		if e < p {
			e = ve
		}
		if c := strings.IndexByte(s[p:e], ':'); c > 0 && allFunc(s[p:p+c], func(b byte) bool { return isWord(b) || b == '.' || b == '-' || b == '$' }) {
			dst = emit(p+c+1, e)
		}
		p = e + 2
	}
	return dst
}

// pipedArg returns the bounds of the text that an echo or printf piped
// into the command at s[at] prints (quotes excluded), or 0, 0: "echo
// 'u:pw' | sudo chpasswd", "printf '%s' pw | cmd". The pipe and the
// producer are on the command's line; neither holds a placeholder, which
// may have replaced arguments or a pipe.
func pipedArg(s string, at int) (vs, ve int) {
	j := at
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	if hasSuffixFold(s[:j], "sudo") && (j == 4 || !isWord(s[j-5])) {
		for j -= 4; j > 0 && (s[j-1] == ' ' || s[j-1] == '\t'); j-- {
		}
	}
	if j < 2 || s[j-1] != '|' || s[j-2] == '|' {
		return 0, 0
	}
	pipe := j - 1
	ls := lineStartWithin(s, pipe, 256)
	start, word := -1, ""
	for _, w := range []string{"echo ", "printf "} {
		if k := strings.LastIndex(s[ls:pipe], w); k >= 0 && ls+k > start && (k == 0 || !isWord(s[ls+k-1]) && s[ls+k-1] != '-' && s[ls+k-1] != '.') {
			start, word = ls+k, w
		}
	}
	if start < 0 || holdsPlaceholder(s, start, at) {
		return 0, 0
	}
	var buf [32]cliArg
	args := cliArgs(s, start+len(word), buf[:0])
	for len(args) > 0 && word == "echo " && args[0].start == args[0].vs && len(s[args[0].vs:args[0].ve]) <= 3 && strings.Trim(s[args[0].vs:args[0].ve], "-neE") == "" {
		args = args[1:] // -n, -e, -ne
	}
	if len(args) == 0 || args[len(args)-1].end > pipe || strings.TrimSpace(s[args[len(args)-1].end:pipe]) != "" {
		return 0, 0 // no argument; or the '|' is inside one (echo "|docker login ..."); or something else is piped
	}
	a := args[0]
	switch {
	case word == "printf " && len(args) == 2 && strings.Contains(s[a.vs:a.ve], "%s"):
		a = args[1] // printf '%s\n' pw
	case len(args) != 1 || word == "printf " && strings.IndexByte(s[a.vs:a.ve], '%') >= 0:
		return 0, 0
	}
	return a.vs, a.ve
}

// Secrets a command prints: the line after a command that reveals a named
// secret holds its value ("$ kubectl get secret db -o
// jsonpath='{.data.password}' | base64 -d" then the password, "printenv
// SESSION_SECRET" then the session secret, "vault kv get -field=password
// ...", "echo $DB_PASSWORD"). The name decides the category, as for an
// assignment; the next line must be one word that looks like the value.

// revealKeywords are where such a command names its secret.
var revealKeywords = []string{"printenv ", "jsonpath=", "-field=", "echo $", "echo \"", "echo ${"}

func findRevealedPassword(dst []Span, s string, at int) []Span {
	return findRevealed(dst, s, at, Password)
}

func findRevealedSecret(dst []Span, s string, at int) []Span { return findRevealed(dst, s, at, Secret) }

// findRevealed reports the output line of a command at s[at] that prints
// a secret of category want.
func findRevealed(dst []Span, s string, at int, want Category) []Span {
	if at > 0 && (isWord(s[at-1]) || s[at-1] == '.') || placeholderEndsAt(s, at) {
		return dst // inside a word; or glued to a placeholder, which may have replaced one
	}
	if hasPrefixFold(s[at:], `echo "`) && !strings.HasPrefix(s[at+6:], "$") {
		return findEchoed(dst, s, at+6, want)
	}
	p := at
	for p < len(s) && s[p] != ' ' && s[p] != '=' && s[p] != '$' {
		p++
	}
	// The name: after "printenv ", "echo $", "-field=", or ".data." in a
	// jsonpath.
	switch {
	case hasPrefixFold(s[at:], "jsonpath="):
		k := strings.Index(s[at:min(len(s), at+64)], ".data.")
		if k < 0 {
			return dst
		}
		p = at + k + len(".data.")
	default:
		for p < len(s) && strings.IndexByte(" =$\"{", s[p]) >= 0 && p-at < 16 {
			p++
		}
	}
	n := p
	for n < len(s) && n-p < 64 && (isWord(s[n]) || s[n] == '-') {
		n++
	}
	if n == p {
		return dst
	}
	name := s[p:n]
	if c := classifyKey(name); c != want {
		return dst
	}
	// The output: the next line, one word.
	vs, ve, ok := outputLine(s, n)
	if !ok {
		return dst
	}
	v := s[vs:ve]
	if len(v) < 6 || strings.ContainsAny(v, " \t") || strings.IndexByte("$#>%", v[0]) >= 0 ||
		!acceptValue(v, name, want, true) || want == Secret && !tokenLike(v, 12) {
		return dst
	}
	return append(dst, Span{Start: vs, End: vs + len(v)})
}

// findEchoed reports the value that an echo of a template with one
// variable printed on the next line: echo "using key $ENCRYPTION_KEY" and
// then "using key 30a0208c...". The template's string starts at s[i]; the
// next line must be its text around the variable, and the rest the value.
func findEchoed(dst []Span, s string, i int, want Category) []Span {
	e, capped := closingQuote(s, i, '"')
	if e < 0 || capped {
		return dst
	}
	tpl := s[i:e]
	d := strings.IndexByte(tpl, '$')
	if d < 0 || strings.IndexByte(tpl[d+1:], '$') >= 0 || strings.ContainsAny(tpl, "`\\") {
		return dst // no variable, several, or a command substitution
	}
	ns := d + 1
	brace := ns < len(tpl) && tpl[ns] == '{'
	if brace {
		ns++
	}
	ne := ns
	for ne < len(tpl) && isWord(tpl[ne]) {
		ne++
	}
	if ne == ns {
		return dst
	}
	name, pre, suf := tpl[ns:ne], tpl[:d], tpl[ne:]
	if brace {
		if !strings.HasPrefix(suf, "}") {
			return dst // ${NAME:-default} and other expansions
		}
		suf = suf[1:]
	}
	c, weak := keyCategory(name, 0, len(name))
	if c != want {
		return dst
	}
	vs, ve, ok := outputLine(s, e)
	if !ok {
		return dst
	}
	line := s[vs:ve]
	if len(line) <= len(pre)+len(suf) || !strings.HasPrefix(line, pre) || !strings.HasSuffix(line, suf) {
		return dst
	}
	v := line[len(pre) : len(line)-len(suf)]
	if len(v) < 6 || strings.ContainsAny(v, " \t") || !acceptValue(v, name, want, true) || want == Secret && !tokenLike(v, 12) ||
		weak && !weakValue(name, v) {
		return dst
	}
	return append(dst, Span{Start: vs + len(pre), End: vs + len(pre) + len(v)})
}

// outputLine returns the bounds of the line after the command whose name
// or argument ends at s[i] (its '\r' left out): what the command printed.
// The command's line may go on for 160 bytes at most after i, and holds
// no placeholder: one may have replaced the lines that followed it.
func outputLine(s string, i int) (vs, ve int, ok bool) {
	le := lineEnd(s, i)
	if le-i > 160 || le >= len(s) || holdsPlaceholder(s, i, le) {
		return 0, 0, false
	}
	vs = le + 1
	ve = lineEnd(s, vs)
	if ve > vs && s[ve-1] == '\r' {
		ve--
	}
	return vs, ve, true
}

// findRedisConfigReply finds the password in redis-cli's reply to CONFIG
// GET requirepass (or masterauth), called at the quoted parameter name of
// its first line:
//
//  1. "requirepass"
//  2. "hkbDD89IhM!YI"
func findRedisConfigReply(dst []Span, s string, at int) []Span {
	if at < 3 || s[at-3:at] != "1) " {
		return dst
	}
	p := at + 1 + strings.IndexByte(s[at+1:], '"') + 1 // past the closing quote
	if p <= at+1 {
		return dst
	}
	if p < len(s) && s[p] == '\r' {
		p++
	}
	if !strings.HasPrefix(s[p:], "\n2) \"") {
		return dst
	}
	vs := p + len("\n2) \"")
	e := strings.IndexByte(s[vs:], '"')
	if e <= 0 || strings.IndexByte(s[vs:vs+e], '\n') >= 0 {
		return dst
	}
	if v := s[vs : vs+e]; !inPlaceholder(s, vs) && !holdsPlaceholder(s, vs, vs+e) && acceptValue(v, "password", Password, true) {
		dst = append(dst, Span{Start: vs, End: vs + e})
	}
	return dst
}
