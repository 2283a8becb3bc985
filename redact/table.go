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
		return findDelimitedPasswordColumn(dst, s, at)
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

// CSV and its kin, a header line of fields separated by commas,
// semicolons or tabs:
//
//	username,temp_password,email,department
//	lrossi1,tiger-anchor-maple5,a.novak@example.com,Finance
//
// A field of the header that is a word for password heads a column: the
// field in the same place of each line below that has as many fields as
// the header is a password. Fields may be quoted ("a, b" is one field). A
// line with another number of fields (a blank line, prose) ends the
// table, and so does one that holds a placeholder: a first pass may have
// replaced a separator with a value.

// findDelimitedPasswordColumn finds the fields of a delimited table's
// password column, called at a password word in its header.
func findDelimitedPasswordColumn(dst []Span, s string, at int) []Span {
	// Most words for password stand in prose: a header's field ends at a
	// separator or the line's end right after the word (or after the
	// rest of a name such as password_hash).
	e := at
	for e < len(s) && e-at < 48 && (isWord(s[e]) || s[e] == '-' || s[e] == ' ' || s[e] >= 0x80) {
		e++
	}
	if e < len(s) && s[e] != ',' && s[e] != ';' && s[e] != '\t' && s[e] != '\n' && s[e] != '\r' && s[e] != '"' {
		return dst
	}
	if len(strings.TrimRight(s[at:e], " ")) > 32 {
		return dst // the field is longer than any header's name (passwordHeader): prose
	}
	ls := lineStartWithin(s, at, 512)
	if ls > 0 && s[ls-1] != '\n' {
		return dst // a header line this long is no table's
	}
	le := lineEnd(s[:min(len(s), at+513)], at)
	if le-at > 512 || le >= len(s) {
		return dst
	}
	header := strings.TrimSuffix(s[ls:le], "\r")
	if header != "" && header[0] == '\t' {
		return dst // indented code (\tencodeUserPassword), not a table's header
	}
	// The separator is the byte that ends the field before the word's
	// (temp_password), or the one that ends the word's field when it is
	// the first.
	var delim byte
	if k := strings.LastIndexAny(s[ls:at], ",;\t"); k >= 0 {
		delim = s[ls+k]
	} else if k := strings.IndexAny(s[at:ls+len(header)], ",;\t"); k >= 0 {
		delim = s[at+k]
	} else {
		return dst
	}
	if strings.Contains(header, placeholderPrefix) {
		return dst // a header a first pass changed heads nothing
	}
	col := separatorsOutsideQuotes(s[ls:at], delim) // as the rows are read: "a, b" is one field
	hs, he, cols := fieldBounds(header, delim, col)
	if cols < 2 || cols == 2 && strings.IndexByte(header, ' ') >= 0 || !passwordHeader(strings.Trim(header[hs:he], ` "'`)) {
		return dst // two fields only when they are names, not prose ("Password, then username")
	}
	if !namesOnly(header, delim, cols) {
		return dst // a row of values, one of them a name with "passwd" in it (apt	base-passwd	3.6.1)
	}
	for row, rs := 0, le+1; row < maxTableRows && rs < len(s) && rs-le <= maxTableBytes; row++ {
		re := lineEnd(s, rs)
		line := strings.TrimSuffix(s[rs:re], "\r")
		vs, ve, n := fieldBounds(line, delim, col)
		if n != cols || holdsPlaceholder(s, rs, re) {
			break
		}
		vs, ve = rs+vs, rs+ve
		if ve-vs >= 2 && s[vs] == '"' && s[ve-1] == '"' {
			vs, ve = vs+1, ve-1
		}
		for vs < ve && s[vs] == ' ' {
			vs++
		}
		for ve > vs && s[ve-1] == ' ' {
			ve--
		}
		if v := s[vs:ve]; ve > vs && strings.IndexAny(v, ` "`) < 0 && acceptValue(v, "password", Password, false) {
			dst = append(dst, Span{Start: vs, End: ve})
		}
		rs = re + 1
	}
	return dst
}

// fieldBounds splits line into fields separated by delim, a field that
// starts with a double quote going on to its closing quote (a doubled
// quote inside is one quote), and returns the bounds of field col (0, 0
// when there are fewer) and the number of fields.
// namesOnly reports whether every field of a header line is a column's
// name: no field holds three digits or more (a version, a date, an
// amount), which values do.
func namesOnly(header string, delim byte, cols int) bool {
	for k := 0; k < cols; k++ {
		fs, fe, _ := fieldBounds(header, delim, k)
		digits := 0
		for i := fs; i < fe; i++ {
			if isDigit(header[i]) {
				digits++
			}
		}
		if digits >= 3 {
			return false
		}
	}
	return true
}

func fieldBounds(line string, delim byte, col int) (start, end, n int) {
	i := 0
	for {
		fs := i
		if i < len(line) && line[i] == '"' {
			for i++; i < len(line); i++ {
				if line[i] == '"' {
					if i+1 < len(line) && line[i+1] == '"' {
						i++
						continue
					}
					i++
					break
				}
			}
		}
		k := strings.IndexByte(line[i:], delim)
		if k < 0 {
			i = len(line)
		} else {
			i += k
		}
		if n == col {
			start, end = fs, i
		}
		n++
		if i >= len(line) {
			return start, end, n
		}
		i++ // the separator
	}
}

// passwordHeader reports a table header cell that names a password.
func passwordHeader(cell string) bool {
	if cell == "" || len(cell) > 32 || strings.Contains(cell, placeholderPrefix) {
		return false // a cell holding a value a first pass replaced heads nothing
	}
	return classifyKey(cell) == Password || localPasswordWord(cell) == len(cell) || equalFold(cell, "mật khẩu")
}
