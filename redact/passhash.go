package redact

import "strings"

// Password hashes, wherever they appear (a SQL INSERT, a users table dump,
// /etc/shadow, an .htpasswd file, slapd.conf, a Traefik label):
//
//   - the modular crypt format: bcrypt ($2a$, $2b$, $2y$ + cost + 53
//     characters), Argon2 ($argon2id$v=19$m=...,t=...,p=...$salt$hash),
//     SHA-crypt ($5$ and $6$, optional rounds=), yescrypt ($y$), phpass ($P$
//     and $H$, WordPress and phpBB) and MD5-crypt ($1$, Apache's $apr1$);
//     also with every '$' doubled, as docker-compose files escape them
//     ($$apr1$$salt$$hash);
//   - the {SCHEME} prefix of LDAP and Dovecot ({SSHA}base64, {SHA}base64,
//     {SSHA512}..., {CRYPT}$6$..., {BLF-CRYPT}$2y$..., {PBKDF2-SHA256}...,
//     and {PLAIN}/{CLEARTEXT}, a password as it is), replaced with the
//     scheme: the scheme tells what the rest is.
//
// A hash is offline-crackable: it is as sensitive as the password it stands
// for.

// passwordHashKeywords are the prefixes the finder is called at.
var passwordHashKeywords = []string{
	"$2a$", "$2b$", "$2y$", "$argon2", "$5$", "$6$", "$y$", "$P$", "$H$", "$1$", "$apr1$",
	"$$2a$$", "$$2b$$", "$$2y$$", "$$argon2", "$$5$$", "$$6$$", "$$y$$", "$$P$$", "$$H$$", "$$1$$", "$$apr1$$",
	"{SSHA", "{SHA", "{SMD5", "{MD5", "{CRYPT}", "{BLF-CRYPT}", "{PBKDF2", "{ARGON2", "{PLAIN", "{CLEARTEXT}",
}

// findPasswordHash reports the password hash at s[at].
func findPasswordHash(dst []Span, s string, at int) []Span {
	if at > 0 && (isAlnum(s[at-1]) || s[at-1] == '$') {
		return dst
	}
	var e int
	switch {
	case s[at] == '{':
		if e = schemeHashEnd(s, at); e > at {
			return append(dst, Span{Start: at, End: e})
		}
		return dst
	case strings.HasPrefix(s[at:], "$$"):
		e = escapedHashEnd(s, at)
	default:
		e = passwordHashEnd(s, at)
	}
	if e > at && (e == len(s) || !cryptByte(s[e]) && s[e] != '$') {
		return append(dst, Span{Start: at, End: e})
	}
	return dst
}

// escapedHashEnd returns the end of a hash at s[i] whose every '$' is
// doubled ($$apr1$$salt$$hash, docker-compose's escape), or i.
func escapedHashEnd(s string, i int) int {
	e := i
	for e < len(s) && e-i < 320 && (cryptByte(s[e]) || strings.IndexByte("$=,+-_", s[e]) >= 0) {
		if s[e] == '$' {
			if e+1 >= len(s) || s[e+1] != '$' {
				break // a single '$' ends the escaped text
			}
			e++
		}
		e++
	}
	u := strings.ReplaceAll(s[i:e], "$$", "$")
	h := passwordHashEnd(u, 0)
	if h == 0 {
		return i
	}
	return i + h + strings.Count(u[:h], "$") // each '$' of the hash is two bytes of s
}

// hashSchemes are the {SCHEME} prefixes of LDAP userPassword values and
// Dovecot password files, with what follows them: a base64 digest of at
// least min bytes of text, a modular crypt hash (crypt), or the password
// itself (plain).
var hashSchemes = []struct {
	name         string
	min          int
	crypt, plain bool
}{
	{name: "SHA", min: 28}, {name: "SSHA", min: 32}, {name: "SHA256", min: 44}, {name: "SSHA256", min: 48},
	{name: "SHA384", min: 64}, {name: "SSHA384", min: 68}, {name: "SHA512", min: 88}, {name: "SSHA512", min: 92},
	{name: "MD5", min: 24}, {name: "SMD5", min: 28}, {name: "PBKDF2", min: 24}, {name: "PBKDF2-SHA1", min: 24},
	{name: "PBKDF2-SHA256", min: 24}, {name: "PBKDF2-SHA512", min: 24}, {name: "PBKDF2_SHA256", min: 24},
	{name: "CRYPT", crypt: true}, {name: "BLF-CRYPT", crypt: true}, {name: "SHA256-CRYPT", crypt: true},
	{name: "SHA512-CRYPT", crypt: true}, {name: "MD5-CRYPT", crypt: true}, {name: "ARGON2I", crypt: true},
	{name: "ARGON2ID", crypt: true}, {name: "PLAIN", plain: true}, {name: "CLEARTEXT", plain: true},
}

// schemeHashEnd returns the end of a {SCHEME}hash at s[i], or i.
func schemeHashEnd(s string, i int) int {
	k := strings.IndexByte(s[i:min(len(s), i+16)], '}')
	if k < 0 {
		return i
	}
	name, b := s[i+1:i+k], i+k+1
	for _, h := range hashSchemes {
		if !strings.EqualFold(name, h.name) {
			continue
		}
		switch {
		case h.crypt:
			if e := passwordHashEnd(s, b); e > b && (e == len(s) || !cryptByte(s[e]) && s[e] != '$') {
				return e
			}
		case h.plain:
			e := b
			for e < len(s) && e-b < decideLen && !isSpace(s[e]) && strings.IndexByte("\"'`:,;", s[e]) < 0 {
				e++
			}
			if e-b >= 3 && acceptValue(s[b:e], "password", Password, true) {
				return e
			}
		default:
			// Base64 (PBKDF2's iterations and salt joined by '$' or '.').
			e := b
			for e < len(s) && e-b < decideLen && (isB64(s[e]) || (s[e] == '$' || s[e] == '.') && h.name[0] == 'P') {
				e++
			}
			for e < len(s) && e-b < decideLen && s[e] == '=' {
				e++
			}
			if e-b >= h.min && (e == len(s) || !isAlnum(s[e])) {
				return e
			}
		}
		return i
	}
	return i
}

// cryptByte reports a byte of the crypt alphabet ./0-9A-Za-z.
func cryptByte(c byte) bool { return isAlnum(c) || c == '.' || c == '/' }

// cryptRun returns the end of the run of crypt bytes (and extra) at s[i].
func cryptRun(s string, i int, extra string) int {
	for i < len(s) && (cryptByte(s[i]) || strings.IndexByte(extra, s[i]) >= 0) {
		i++
	}
	return i
}

// passwordHashEnd returns the end of the hash at s[i], or i.
func passwordHashEnd(s string, i int) int {
	r := s[i:]
	switch {
	case len(r) >= 60 && r[0] == '$' && r[1] == '2' && strings.IndexByte("aby", r[2]) >= 0 && r[3] == '$' &&
		isDigit(r[4]) && isDigit(r[5]) && r[6] == '$':
		if cryptRun(s, i+7, "") == i+60 {
			return i + 60
		}
	case strings.HasPrefix(r, "$argon2"):
		// $argon2id$v=19$m=65536,t=3,p=4$salt$hash: five '$' fields.
		e, fields := i+1, 1
		for fields < 6 {
			f := cryptRun(s, e, "=,+-_")
			if f == e {
				return i
			}
			e = f
			fields++
			if fields < 6 {
				if e >= len(s) || s[e] != '$' {
					break
				}
				e++
			}
		}
		if fields >= 5 && e-i >= 40 {
			return e
		}
	case len(r) >= 34 && (strings.HasPrefix(r, "$P$") || strings.HasPrefix(r, "$H$")):
		// phpass (WordPress, phpBB): a cost byte, 8 of salt, 22 of hash.
		if cryptRun(s, i+3, "") == i+34 {
			return i + 34
		}
	case strings.HasPrefix(r, "$1$") || strings.HasPrefix(r, "$apr1$"):
		// MD5-crypt: up to 8 bytes of salt, 22 of hash.
		e := i + 3
		if r[1] == 'a' {
			e = i + 6
		}
		salt := cryptRun(s, e, "")
		if salt-e > 8 || salt >= len(s) || s[salt] != '$' {
			return i
		}
		if h := cryptRun(s, salt+1, ""); h-salt-1 == 22 {
			return h
		}
	case strings.HasPrefix(r, "$5$") || strings.HasPrefix(r, "$6$") || strings.HasPrefix(r, "$y$"):
		e := i + 3
		if r[1] == 'y' || strings.HasPrefix(s[e:], "rounds=") {
			// yescrypt's parameters, SHA-crypt's rounds.
			f := cryptRun(s, e, "=")
			if f >= len(s) || s[f] != '$' {
				return i
			}
			e = f + 1
		}
		salt := cryptRun(s, e, "")
		if salt == e || salt-e > 32 || salt >= len(s) || s[salt] != '$' {
			return i
		}
		h := cryptRun(s, salt+1, "")
		if n := h - salt - 1; n == 43 || n == 86 {
			return h
		}
	}
	return i
}
