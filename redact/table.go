package redact

import "strings"

// Markdown tables with a password column:
//
//	| Host | User | Password |
//	|------|------|----------|
//	| gpu-1 | ubuntu | Nv1d!a-A100 |
//
// The finder is called at a word for password. When that word is the
// whole of a header cell (Password, DB password, Passwort, Mot de passe,
// mật khẩu) and the next line is the table's separator, the cell of the
// same column in each row below is a password, as a value assigned to the
// key would be.

// maxTableRows bounds the rows read below one header.
const maxTableRows = 256

// maxTableBytes bounds the bytes of the rows read below one header.
const maxTableBytes = 16 << 10

// findPasswordColumn finds the cells of a Markdown table's password column,
// called at a password word in its header.
func findPasswordColumn(dst []Span, s string, at int) []Span {
	// The cell's opening pipe within 64 bytes before the word, on its line.
	open := strings.LastIndexByte(s[lineStartWithin(s, at, 64):at], '|')
	if open < 0 {
		return dst
	}
	open += lineStartWithin(s, at, 64)
	ls := lineStartWithin(s, open, 512)
	if ls > 0 && s[ls-1] != '\n' {
		return dst // a header line this long is no table's
	}
	le := lineEnd(s[:min(len(s), at+513)], at)
	if le-at > 512 {
		return dst // no table's header line
	}
	end := le // a table without outer pipes: the last cell ends the line
	if k := strings.IndexByte(s[at:le], '|'); k >= 0 {
		end = at + k
	}
	if !passwordHeader(strings.TrimSpace(s[open+1 : end])) {
		return dst
	}
	if strings.Contains(s[ls:le], placeholderPrefix) {
		return dst // a header a first pass changed: its pipes may have gone with a value
	}
	col := strings.Count(s[ls:open], "|") // the column's pipes before it
	// The separator line: pipes, dashes, colons and blanks only.
	if le >= len(s) {
		return dst
	}
	sep := le + 1
	sepEnd := lineEnd(s[:min(len(s), sep+513)], sep)
	if sepEnd == sep || sepEnd-sep > 512 || strings.IndexByte(s[sep:sepEnd], '-') < 0 || strings.Trim(s[sep:sepEnd], "|-: \t\r") != "" {
		return dst
	}
	for row, rs := 0, sepEnd+1; row < maxTableRows && rs < len(s); row++ {
		re := lineEnd(s[:min(len(s), sepEnd+maxTableBytes+1)], rs)
		if re-sepEnd > maxTableBytes {
			break
		}
		line := s[rs:re]
		if strings.IndexByte(line, '|') < 0 {
			break
		}
		// The cell after the column's pipes.
		cs := rs
		for n := 0; n <= col && cs <= re; n++ {
			k := strings.IndexByte(s[cs:re], '|')
			if k < 0 {
				cs = -1
				break
			}
			cs += k + 1
		}
		if cs >= 0 && cs <= re {
			ce := re
			if k := strings.IndexByte(s[cs:re], '|'); k >= 0 {
				ce = cs + k
			}
			vs, ve := cs, ce
			for vs < ve && (s[vs] == ' ' || s[vs] == '\t') {
				vs++
			}
			for ve > vs && (s[ve-1] == ' ' || s[ve-1] == '\t' || s[ve-1] == '\r') {
				ve--
			}
			if v := s[vs:ve]; ve > vs && strings.IndexByte(v, ' ') < 0 && !inPlaceholder(s, vs) && acceptValue(v, "password", Password, false) {
				dst = append(dst, Span{Start: vs, End: ve})
			}
		}
		if re >= len(s) {
			break
		}
		rs = re + 1
	}
	return dst
}

// passwordHeader reports a table header cell that names a password.
func passwordHeader(cell string) bool {
	if cell == "" || len(cell) > 32 || strings.Contains(cell, placeholderPrefix) {
		return false // a cell holding a value a first pass replaced heads nothing
	}
	return classifyKey(cell) == Password || localPasswordWord(cell) == len(cell) || equalFold(cell, "mật khẩu")
}
