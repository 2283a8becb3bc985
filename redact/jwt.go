package redact

import "strings"

// JSON Web Tokens: three base64url parts joined by dots, the first (the
// header) starting eyJ ('{"' encoded). The signature may be empty (alg
// "none": "eyJ….eyJ…."). A token written with a part elided ("eyJ….eyJ…...",
// "eyJ….eyJ…." and "…") or given as a template ("eyJ….<payload>.<signature>")
// is an example, not a credential.

// isB64URL reports a byte of the base64url alphabet.
func isB64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// findJWT is called at "eyJ". It reports header.payload.signature, the
// header and payload of at least eight bytes after eyJ and the payload's
// start, unless the signature is empty and an ellipsis or a template
// follows the last dot.
func findJWT(dst []Span, s string, at int) []Span {
	if at > 0 && (isWord(s[at-1]) || s[at-1] == '-') || !strings.HasPrefix(s[at:], "eyJ") {
		return dst
	}
	p := at + 3
	for part := 0; part < 2; part++ {
		b := p
		for p < len(s) && isB64URL(s[p]) {
			p++
		}
		if p-b < 8 || p >= len(s) || s[p] != '.' {
			return dst
		}
		p++
	}
	e := p
	for e < len(s) && isB64URL(s[e]) {
		e++
	}
	if e == p && jwtElided(s, e) {
		return dst
	}
	return append(dst, Span{Start: at, End: e})
}

// jwtElided reports whether what follows the dot that ends a token at
// s[e] (an empty part) says the token was cut short or is a template: a
// further dot ("eyJ….eyJ…..."), an ellipsis character, or the opening of a
// placeholder of documentation ("<signature>", "{signature}", "${SIG}").
func jwtElided(s string, e int) bool {
	if e >= len(s) {
		return false
	}
	switch s[e] {
	case '.', '<', '{', '$':
		return true
	}
	return strings.HasPrefix(s[e:], "…")
}

// elidedBearerJWT reports a bearer credential s[b:e] that is a JWT written
// as an example: a part elided or given as a template after its header or
// payload ("eyJhbGciOiJIUzI1NiJ9.<payload>.<signature>",
// "eyJ….eyJ…..."). A token with its signature present and cut short
// ("eyJ….eyJ….SflKx...") still holds the real header and payload.
func elidedBearerJWT(s string, b, e int) bool {
	tok := s[b:e]
	if !strings.HasPrefix(tok, "eyJ") {
		return false
	}
	if k := strings.Index(tok, ".."); k >= 0 {
		return strings.Count(tok[:k], ".") <= 1
	}
	return tok[len(tok)-1] == '.' && strings.Count(tok, ".") <= 2 && jwtElided(s, e)
}
