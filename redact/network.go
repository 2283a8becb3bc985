package redact

import (
	mbits "math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Email addresses, credentials in URLs, IPv4 and IPv6 addresses.

// isLocalByte reports a byte allowed in the local part of an address (the
// common subset of RFC 5322 atext).
func isLocalByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

// isUserinfoByte reports a byte allowed in the userinfo of a URL (RFC 3986
// unreserved, sub-delims, ':' and '%').
func isUserinfoByte(c byte) bool {
	return class[c]&clUinfo != 0
}

// fileExts are "top-level domains" that are really file extensions, as in
// icon@2x.png.
var fileExts = []string{
	"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "heic", "avif",
	"pdf", "txt", "log", "json", "yaml", "yml", "xml", "html", "htm", "css", "js", "mjs", "ts",
	"tsx", "jsx", "lock", "toml", "tmp", "bak", "md", "csv", "wasm", "map",
}

// findEmail is called at each '@', each full-width '＠' and each "%40" (an
// '@' escaped in a URL query: ?email=john%40example.com). Local parts and
// domains may hold letters, digits and marks of any script (RFC 6531:
// jürgen.müller@beispiel.de, иван@пример.рф, 用户@例子.广告) and full-width
// forms of ASCII (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ). Where CJK text runs into an
// ASCII address without a space (请联系zhang.wei@example.cn获取), the address
// ends where the script changes.
func findEmail(dst []Span, s string, at int) []Span {
	atLen, escaped := 1, false
	switch {
	case s[at] == '%':
		if !strings.HasPrefix(s[at:], "%40") {
			return dst
		}
		atLen, escaped = 3, true
	case s[at] != '@':
		if !strings.HasPrefix(s[at:], "＠") {
			return dst
		}
		atLen = len("＠")
	}
	// Local part.
	ls := at
	script := scriptNone
	for ls > 0 && at-ls < 128 {
		r, n := lastRune(s, ls)
		sc, ok := localRune(r)
		if !ok || script != scriptNone && sc != script && sc != scriptNone {
			break
		}
		if sc != scriptNone {
			script = sc
		}
		ls -= n
	}
	if at-ls >= 128 {
		return dst
	}
	ls = hangulLocal(s, ls, at)
	if ls > 0 && (s[ls-1] == '@' || strings.HasSuffix(s[:ls], "＠")) || placeholderEndsAt(s, ls) {
		return dst
	}
	if escaped && ls > 0 && s[ls-1] != '=' && s[ls-1] != '&' && s[ls-1] != '?' && s[ls-1] != '/' {
		return dst // an escaped '@' only in query strings and paths
	}
	for ls < at && (s[ls] == '.' || s[ls] == '\'') {
		ls++
	}
	if ls == at || s[at-1] == '.' {
		return dst
	}
	// A local part inside a URL authority is userinfo (URL_CREDENTIALS).
	k := ls
	for k > 0 && ls-k < 256 && isUserinfoByte(s[k-1]) {
		k--
	}
	if k >= 2 && s[k-1] == '/' && s[k-2] == '/' || k < ls && placeholderEndsAt(s, k) {
		return dst // or a placeholder that may have replaced the authority's start
	}
	// Domain: at least two labels, the last one (the TLD) letters or an
	// IDNA "xn--" label.
	end, tld, labels := emailDomain(s, at+atLen)
	if labels < 2 {
		return dst
	}
	if k := cjkTLDPrefix(tld); k > 0 {
		end -= len(tld) - k // 例え.テストと…: the text goes on after the TLD
		tld = tld[:k]
	}
	if end < len(s) && (isWord(s[end]) || s[end] == '@' || s[end] == '-' || placeholderStartsAt(s, end)) {
		return dst
	}
	for e := end; e < len(s) && e-end < 64; e++ {
		if c := s[e]; !isAlnum(c) && c != '.' && c != '-' && c < 0x80 {
			if placeholderStartsAt(s, e) {
				return dst // a domain that runs into a placeholder, past letters of any script (see placeholderEndsAt)
			}
			break
		}
	}
	for _, e := range fileExts {
		if equalFold(tld, e) {
			return dst
		}
	}
	// git@github.com:org/repo.git is an SSH remote whose user is the fixed
	// service account "git", not a mailbox.
	if s[ls:at] == "git" && end < len(s) && s[end] == ':' {
		return dst
	}
	return append(dst, Span{Start: ls, End: end})
}

// hangulLocal returns where a local part starts whose digits s[ls:at]
// follow Hangul that a blank or the text's start precedes ("참조는
// 지우11@회사.테스트"): Korean puts spaces between words, so the Hangul
// belongs to the address; else ls.
func hangulLocal(s string, ls, at int) int {
	if ls == 0 || ls == at {
		return ls
	}
	for k := ls; k < at; k++ {
		if !isDigit(s[k]) && !isLocalByte(s[k]) || isAlpha(s[k]) {
			return ls // letters of another script: the script change ends it
		}
	}
	k := ls
	for k > 0 && ls-k < 64 {
		r, n := lastRune(s, k)
		if !unicode.Is(unicode.Hangul, r) {
			break
		}
		k -= n
	}
	if k == ls || k > 0 && s[k-1] != ' ' && s[k-1] != '\n' && s[k-1] != '\t' {
		return ls
	}
	return k
}

// Scripts, as far as address boundaries need them: CJK text has no spaces
// around an address, every other script does.
const (
	scriptNone  = iota // punctuation of the local part: . _ % + - '
	scriptOther        // ASCII and every script written with spaces
	scriptCJK          // Han, Hiragana, Katakana, Hangul
)

func runeScript(r rune) int {
	if r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)) {
		return scriptCJK
	}
	switch r {
	case 'ー', 'ｰ', '々', '〆', '〇', 'ヽ', 'ヾ', 'ゝ', 'ゞ':
		// Marks of the Common script written only inside Japanese words
		// (ユーザー, 佐々木).
		return scriptCJK
	}
	return scriptOther
}

// foldWidth maps the full-width forms of ASCII (U+FF01..U+FF5E) to ASCII.
func foldWidth(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

// lastRune decodes the rune that ends at s[i] (ASCII without decoding).
func lastRune(s string, i int) (rune, int) {
	if c := s[i-1]; c < 0x80 {
		return rune(c), 1
	}
	return utf8.DecodeLastRuneInString(s[:i])
}

// localRune reports whether r may be in the local part of an address, and
// its script.
func localRune(r rune) (int, bool) {
	r = foldWidth(r)
	if r < 0x80 {
		c := byte(r)
		if !isLocalByte(c) {
			return 0, false
		}
		if isAlnum(c) {
			return scriptOther, true
		}
		return scriptNone, true
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
		return runeScript(r), true
	}
	return 0, false
}

// labelRune reports whether r may be in a domain label, and its script.
func labelRune(r rune) (int, bool) {
	r = foldWidth(r)
	if r < 0x80 {
		if isAlnum(byte(r)) {
			return scriptOther, true
		}
		return scriptNone, r == '-'
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
		return runeScript(r), true
	}
	return 0, false
}

// emailDomain parses a domain at s[i:] and returns its end, its last label
// and its number of labels (0 if it is not a valid domain). Labels are
// separated by '.' or its full-width form; a label ends where CJK and
// other scripts meet.
func emailDomain(s string, i int) (end int, tld string, labels int) {
	p := i
	for {
		q := p
		script := scriptNone
		for q < len(s) && q-p < 252 {
			r, n := rune(s[q]), 1
			if r >= 0x80 {
				r, n = utf8.DecodeRuneInString(s[q:])
			}
			sc, ok := labelRune(r)
			if !ok || script != scriptNone && sc != scriptNone && sc != script {
				break
			}
			if sc != scriptNone {
				script = sc
			}
			q += n
		}
		if q == p || s[p] == '-' || s[q-1] == '-' {
			break
		}
		labels++
		end, tld = q, s[p:q]
		sep := 0
		switch {
		case q < len(s) && s[q] == '.':
			sep = 1
		case strings.HasPrefix(s[q:], "．"):
			sep = len("．")
		}
		if sep > 0 && q+sep < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[q+sep:]); r < 0x80 && isAlnum(byte(r)) || r >= 0x80 && labelStart(r) {
				p = q + sep
				continue
			}
		}
		break
	}
	if labels < 2 || !validTLD(tld) {
		return 0, "", 0
	}
	return end, tld, labels
}

func labelStart(r rune) bool {
	sc, ok := labelRune(r)
	return ok && sc != scriptNone
}

// cjkTLDs are top-level domains in CJK scripts (IANA's IDN TLDs and the
// test TLDs of RFC 6761's translations): in text without spaces, an
// address whose last label starts with one ends there.
var cjkTLDs = []string{
	"中国", "中國", "中文网", "公司", "网络", "网址", "网店", "网站", "在线", "商城", "商店", "商标", "测试", "測試",
	"香港", "台湾", "台灣", "澳門", "新加坡", "世界", "手机", "游戏", "企业", "集团", "信息", "移动", "机构",
	"政务", "公益", "时尚", "购物", "娱乐", "健康", "慈善", "テスト", "コム", "みんな", "ストア", "セール",
	"クラウド", "ポイント", "通販", "食品", "한국", "닷컴", "닷넷", "삼성", "테스트",
}

// cjkTLDPrefix returns the length of the CJK top-level domain that tld
// starts with and goes on past, or 0.
func cjkTLDPrefix(tld string) int {
	if tld == "" || tld[0] < 0x80 {
		return 0
	}
	best := 0
	for _, t := range cjkTLDs {
		if len(t) < len(tld) && len(t) > best && strings.HasPrefix(tld, t) {
			best = len(t)
		}
	}
	return best
}

// validTLD accepts a top-level domain of 2 to 24 letters of one script
// (com, рф, 中国, δοκιμή, テスト) or an IDNA "xn--" label.
func validTLD(t string) bool {
	if len(t) > 4 && hasPrefixFold(t, "xn--") {
		return true
	}
	n := 0
	for _, r := range t {
		r = foldWidth(r)
		if r < 0x80 && !isAlpha(byte(r)) || r >= 0x80 && !unicode.IsLetter(r) && !unicode.IsMark(r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 24
}

// findURLCredentials is called at each "://". It redacts the userinfo of
// scheme://user:password@host when the password is not a placeholder, and a
// lone user name that looks like a token (https://<token>@github.com).
func findURLCredentials(dst []Span, s string, at int) []Span {
	// Scheme.
	b := at
	for b > 0 && at-b < 32 && (isAlnum(s[b-1]) || s[b-1] == '+' || s[b-1] == '.' || s[b-1] == '-') {
		b--
	}
	for b < at && !isAlpha(s[b]) {
		b++
	}
	if b == at {
		return dst
	}
	// Authority, up to the last '@' before the path.
	start := at + 3
	e := start
	for e < len(s) && e-start < 512 {
		c := s[e]
		if c == '?' && passwordQuestion(s, start, e) {
			e++ // mysql://app:X!pTL6Nk?bTjKb@host: a '?' in the password
			continue
		}
		if c == '/' || c == '?' || c == '\\' || c == '"' || c == '`' || c == '<' || c == '>' || isSpace(c) || c >= 0x80 {
			break
		}
		e++
	}
	// The userinfo ends at the last '@' that is followed by a host (an
	// unescaped '@' in a password is common).
	atSign := -1
	for k := e - 1; k > start; k-- {
		if s[k] == '@' && k+1 < e && (isAlnum(s[k+1]) || s[k+1] == '[') {
			atSign = k
			break
		}
		if placeholderEndsAt(s, k+1) {
			// A placeholder may have held the last '@', unless it is the
			// host ("@[REDACTED:IPV4]:8080"; see placeholderEndsAt).
			ps := strings.LastIndex(s[:k], placeholderPrefix)
			if ps-1 <= start || s[ps-1] != '@' {
				return dst
			}
			atSign = ps - 1
			break
		}
	}
	if atSign < 0 {
		return dst
	}
	userinfo := s[start:atSign]
	user, pass, hasPass := strings.Cut(userinfo, ":")
	if user == "" && strings.HasPrefix(pass, "pserver:") {
		return dst // cvs://:pserver:anoncvs@host names a protocol, not a password
	}
	switch {
	case hasPass && pass != "" && !isPlaceholderValue(pass) && !isSensitiveWord(pass):
	case !hasPass && tokenLike(user, 16):
	default:
		return dst
	}
	return append(dst, Span{Start: start, End: atSign})
}

// passwordQuestion reports a '?' at s[q] inside the password of an
// authority that starts at s[start]: a ':' before it, and an '@' before a
// host after it, ahead of any '/', blank or quote (a query string holds
// no '@' followed by a host ahead of its first '/', or is no credential).
func passwordQuestion(s string, start, q int) bool {
	if strings.IndexByte(s[start:q], ':') < 0 || strings.IndexByte(s[start:q], '@') >= 0 {
		return false
	}
	for k := q + 1; k < len(s) && k-q < 128; k++ {
		switch c := s[k]; {
		case c == '@':
			return k+1 < len(s) && (isAlnum(s[k+1]) || s[k+1] == '[')
		case c == '/' || c == '?' || c == '=' || c == '&' || c == '"' || c == '\'' || c == '`' || isSpace(c) || c >= 0x80:
			return false
		}
	}
	return false
}

// IPv4.

// versionWords before a dotted quad make it a version or section number:
// the words for version, release, build and revision in the languages of
// the phone words, the things that carry versions (firmware, drivers, BIOS,
// databases, kernels, browsers) and the parts of documents. Words beyond
// ASCII count as the end of the word before the number (펌웨어, bản).
var versionWords = []string{
	"version", "ver", "v", "release", "rel", "build", "firmware", "fw", "kernel", "revision",
	"rev", "update", "patch", "chrome", "firefox", "safari", "android", "ios", "section", "sec",
	"sect", "chapter", "clause", "article", "paragraph", "para", "oid", "isbn", "§",
	"driver", "drivers", "bios", "uefi", "microcode", "database", "sdk", "jdk", "jre", "runtime",
	"hotfix", "edition", "appendix", "annex", "figure", "fig",
	"versión", "versão", "versione", "verze", "версия", "版本", "バージョン", "संस्करण", "الإصدار",
	"versie", "versi", "wersja", "wersji", "wersję", "wersje", "sürüm", "sürümü", "versiyon", "versiyonu",
	"treiber", "pilote", "révision", "revisión", "revisão", "revisione", "revisie",
	"controlador", "sterownik", "sürücü", "firmware-version", "версии", "версию", "драйвер",
	"прошивка", "прошивки", "сборка", "релиз", "إصدار", "النسخة", "نسخة", "वर्ज़न", "वर्जन",
	"版", "ドライバ", "ドライバー", "ファームウェア", "ビルド", "버전", "펌웨어", "드라이버", "빌드",
	"固件", "驱动", "驅動", "版本号", "bản", "phiên", "abschnitt", "kapitel", "paragraphe", "apartado",
	"sección", "seção", "sezione", "artikel", "rozdział", "раздел", "пункт", "bölüm", "madde",
}

// versionIndex holds versionWords by the bytes a word must have to match
// one, so that a word is compared with a few of them.
type versionIndex struct {
	first [256][]string     // by the first byte: the word itself
	last  [256][]string     // five bytes or more, by the last byte: the end of a compound
	rune  map[rune][]string // beyond ASCII, by the last character: the end of a compound
}

var versionWordIndex = func() *versionIndex {
	x := &versionIndex{rune: map[rune][]string{}}
	for _, v := range versionWords {
		x.first[v[0]] = append(x.first[v[0]], v)
		if len(v) >= 5 {
			x.last[v[len(v)-1]] = append(x.last[v[len(v)-1]], v)
		}
		if v[0] >= 0x80 {
			r, _ := utf8.DecodeLastRuneInString(v)
			x.rune[r] = append(x.rune[r], v)
		}
	}
	return x
}()

// has reports whether word is a version word, ignoring ASCII case; a word
// beyond ASCII, or a long one, counts at the end of a compound too:
// Gerätetreiber, Softwareversion, 펌웨어.
func (x *versionIndex) has(word string) bool {
	if word == "" {
		return false
	}
	for _, v := range x.first[lower(word[0])] {
		if equalFold(word, v) {
			return true
		}
	}
	for _, v := range x.last[lower(word[len(word)-1])] {
		if len(word) > len(v) && hasSuffixFold(word, v) {
			return true
		}
	}
	// hasSuffixFoldUTF8 matches a last character r of the word to r or
	// its lower case.
	r, _ := utf8.DecodeLastRuneInString(word)
	for _, c := range [2]rune{r, unicode.ToLower(r)} {
		for _, v := range x.rune[c] {
			if len(word) >= len(v) && hasSuffixFoldUTF8(word, v) {
				return true
			}
		}
		if unicode.ToLower(r) == r {
			break
		}
	}
	return false
}

// versionAfterWords after a dotted quad, past a few linking words, make it
// a version: "10.2.3.4 as the next revision", "5.1.3.2 is the latest
// release".
var versionAfterWords = newWordSet("revision", "release", "version", "build", "update", "patch", "hotfix",
	"versie", "version", "versión", "versão", "versione", "wersja", "sürüm", "sürümü", "версия", "версии")

// afterLinkWords may stand between a dotted quad and a version word that
// follows it.
var afterLinkWords = newWordSet("as", "is", "was", "the", "a", "an", "next", "new", "latest", "current",
	"previous", "last", "first", "stable", "final", "our", "its", "their", "this", "that", "will", "be",
	"van", "de", "het", "der", "die", "das", "la", "le", "el", "o", "a", "il", "като", "как", "olarak")

// ipWords before a version-like dotted quad make it an address again
// ("DNS 8.8.4.4", "ping 1.2.3.4").
var ipWords = newWordSet(
	"ip", "ipv4", "addr", "address", "host", "server", "dns", "nameserver", "resolver",
	"gateway", "gw", "route", "connect", "connection", "ping", "proxy", "upstream",
	"remote", "client", "peer", "src", "dst", "source", "destination", "listen", "bind",
	"inet", "subnet", "cidr", "@",
)

// findIPv4 scans for dotted quads: four decimal octets 0-255 without leading
// zeros. A dotted quad preceded by a version word is left alone, and so is
// one with a single-digit first octet and at least two more single-digit
// octets (1.2.3.4, 8.2.4.44: far more often a version or a section than an
// address) unless an address word precedes it ("DNS 8.8.4.4").
func findIPv4(dst []Span, s string, _ int) []Span {
	dm := &digitMap{}
	return findIPv4Wide(findIPv4Digits(dst, s, dm), s, dm)
}

// wideFullStop is U+FF0E FULLWIDTH FULL STOP, which Japanese and Chinese
// text writes between full-width digits (１９２．１６８．０．１).
const wideFullStop = "\uff0e"

// findIPv4Wide finds the dotted quads written in full-width digits and
// full stops: each is read as its ASCII form with up to 96 bytes of the
// text on either side, by the finder of ASCII quads, which decides it by
// the same context. dm (when known) marks the first byte of every
// full-width character, so texts without one cost nothing more.
func findIPv4Wide(dst []Span, s string, dm *digitMap) []Span {
	if dm.ascii {
		return dst // no full-width character
	}
	var ascii []byte
	for i := 0; i < len(s); {
		k := -1
		if dm.bits == nil {
			if j := strings.Index(s[i:], wideFullStop); j >= 0 {
				k = i + j
			}
		} else {
			for p := dm.cand(s, i); p < len(s); p = dm.cand(s, p+1) {
				if s[p] == 0xEF && strings.HasPrefix(s[p:], wideFullStop) {
					k = p
					break
				}
			}
		}
		if k < 0 {
			break
		}
		i = k + len(wideFullStop)
		if k < 3 || !isDigitAt(s, k-3) || s[k-3] != 0xEF {
			continue
		}
		// The run of full-width digits and full stops around the dot.
		st := k
		for st >= 3 && s[st-3] == 0xEF && (isDigitAt(s, st-3) || strings.HasPrefix(s[st-3:], wideFullStop)) {
			st -= 3
		}
		end := k
		for end+3 <= len(s) && s[end] == 0xEF && (isDigitAt(s, end) || strings.HasPrefix(s[end:], wideFullStop)) {
			end += 3
		}
		i = end
		ascii = ascii[:0]
		for p := st; p < end; p += 3 {
			if d, _ := digitAt(s, p); d != 0 {
				ascii = append(ascii, d)
			} else {
				ascii = append(ascii, '.')
			}
		}
		a, b := max(0, st-96), min(len(s), end+96)
		if holdsPlaceholder(s, a, b) || inPlaceholder(s, a) {
			// What a placeholder replaced, longer or shorter, may have
			// moved a version word into the window or out of it.
			continue
		}
		t := s[a:st] + string(ascii) + s[end:b]
		for _, sp := range findIPv4Digits(nil, t, &digitMap{}) {
			if sp.Start == st-a && sp.End == st-a+len(ascii) {
				dst = append(dst, Span{Start: st, End: end})
			}
		}
	}
	return dst
}

// findIPv4Digits is findIPv4 reading the dots next to digits only, which
// dm (when known) finds without reading the text again: every other dot
// is read past.
func findIPv4Digits(dst []Span, s string, dm *digitMap) []Span {
	lastVer := -1  // the end of the last dotted version seen
	lastLike := -1 // the end of the last quad read as a version by its small numbers
	for i := 0; i < len(s); {
		k := dotByDigit(s, i, dm)
		if k < 0 {
			break
		}
		i = k + 1
		if k > 0 && !isDigit(s[k-1]) && placeholderEndsAt(s, k) && k+1 < len(s) && isDigit(s[k+1]) {
			// "[REDACTED:JWT].9": the rest of a dotted number whose start
			// a placeholder took, which a version may have been.
			p := k + 1
			for p < len(s) && (isDigit(s[p]) || s[p] == '.' && p+1 < len(s) && isDigit(s[p+1])) {
				p++
			}
			lastVer, i = p, p
			continue
		}
		if k == 0 || !isDigit(s[k-1]) {
			continue
		}
		st := k - 1
		for st > 0 && isDigit(s[st-1]) {
			st--
		}
		// Parse the whole run of dot-separated digit groups.
		var oct [4][2]int
		n, p := 0, st
		for {
			q := p
			for q < len(s) && isDigit(s[q]) {
				q++
			}
			if n < 4 {
				oct[n] = [2]int{p, q}
			}
			n++
			if q+1 < len(s) && s[q] == '.' && isDigit(s[q+1]) {
				p = q + 1
				continue
			}
			p = q
			break
		}
		i = max(p, k+1)
		if n != 4 {
			if n == 3 || n > 4 || gluedToPlaceholder(s, st, p) {
				// 1.10.48: a version, which versions may follow; or the
				// rest of a dotted number a placeholder took the start of.
				lastVer = p
			}
			continue
		}
		if !ipv4Context(s, st, p) {
			continue
		}
		sameLine := lastVer >= 0 && strings.IndexByte(s[lastVer:st], '\n') < 0
		if versionContext(s, st) || sameLine && (versionLink(s[lastVer:st]) || versionListGap(s[lastVer:st])) || rollbackTo(s, st) ||
			lastLike >= 0 && (versionListGap(s[lastLike:st]) || s[lastLike:st] == "...") ||
			versionFollows(s, p) || versionAfter(s, p) || placeholderLinked(s, st) || upgradeFrom(s, st, p) {
			lastVer = p
			continue
		}
		if netmask(s, oct) {
			continue // 255.255.240.0 names a network's size, not a host
		}
		ok, small := true, 0
		for _, o := range oct {
			if !validOctet(s[o[0]:o[1]]) {
				ok = false
			}
			if o[1]-o[0] == 1 {
				small++
			}
		}
		// 1.2.3.4, 7.1.4.34 and 8.2.4.44 are versions and sections far more
		// often than addresses (10.0.0.1 is an address).
		versionLike := small == 4 || small == 3 && oct[0][1]-oct[0][0] == 1
		if versionLike && ok {
			versionLike = !ipWords.in(contextBefore(s, st, 24))
		}
		if ok && !versionLike {
			dst = append(dst, Span{Start: st, End: p})
		} else if versionLike {
			lastLike = p // cuDNN 9.1.0.70, TensorRT 10.0.1.6
		}
	}
	return dst
}

// dotByDigit returns the offset of the first '.' at or after i with an
// ASCII digit before or after it, or -1.
func dotByDigit(s string, i int, dm *digitMap) int {
	if dm.bits == nil {
		for i < len(s) {
			k := strings.IndexByte(s[i:], '.')
			if k < 0 {
				return -1
			}
			k += i
			if k > 0 && isDigit(s[k-1]) || k+1 < len(s) && isDigit(s[k+1]) {
				return k
			}
			i = k + 1
		}
		return -1
	}
	// The first dot next to a digit is next to the first digit that has
	// one: before it, or else after it.
	for w, x := range dm.from(i) {
		for ; x != 0; x &= x - 1 {
			p := w<<3 + mbits.TrailingZeros64(x)
			if !isDigit(s[p]) {
				continue
			}
			if p-1 >= i && s[p-1] == '.' {
				return p - 1
			}
			if p+1 < len(s) && s[p+1] == '.' {
				return p + 1
			}
		}
	}
	return -1
}

// netmask reports a dotted quad that is a netmask: 255 first, then the
// one bits of a prefix and zeros (255.255.240.0, 255.0.0.0).
func netmask(s string, oct [4][2]int) bool {
	var m uint32
	for _, o := range oct {
		v := 0
		for _, c := range []byte(s[o[0]:o[1]]) {
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return false
		}
		m = m<<8 | uint32(v)
	}
	return m>>24 == 255 && m|(m-1) == ^uint32(0) // 255.255.255.255 too
}

// versionListGap reports the gap between two items of a list of
// versions, the dotted quad after it being the second: a comma or a
// semicolon, then one name that is no network word ("cuDNN 9.1.0.70,
// TensorRT 10.0.1.6", "NCCL 2.21.5; TensorRT 10.0.1.6"; not "nginx
// 1.25.3, host 10.0.0.5").
func versionListGap(gap string) bool {
	g := strings.TrimLeft(gap, " \t")
	if len(g) < 3 || len(g) > 32 || g[0] != ',' && g[0] != ';' {
		return false
	}
	name := strings.TrimSpace(g[1:])
	if name == "" || !isAlpha(name[0]) || len(name) == len(g[1:]) {
		return false // the name must stand apart from the number
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isWord(c) && c != '-' && c != '.' && c != '+' {
			return false
		}
	}
	return !networkWords.has(strings.ToLower(name)) && !ipWords.in(name)
}

// rollbackTo reports a dotted quad at s[st] that a rollback returns to
// ("rolling back to 10.2.1.17 fixed it", "pinned to 3.0.9.12"): a program
// is rolled back to a version, never to an address.
func rollbackTo(s string, st int) bool {
	g := strings.TrimRight(s[lineStartWithin(s, st, 32):st], " \t")
	for _, w := range rollbackWords {
		if len(g) >= len(w) && equalFold(g[len(g)-len(w):], w) && (len(g) == len(w) || !isAlpha(g[len(g)-len(w)-1])) {
			return true
		}
	}
	return false
}

// rollbackWords end the phrase before a version a program returns to.
var rollbackWords = []string{
	"rollback to", "roll back to", "rolled back to", "rolling back to", "rolls back to", "downgrade to",
	"downgraded to", "downgrading to", "revert to", "reverted to", "reverting to", "pinned to", "pin it to",
}

// percentEscapeBefore returns the byte a percent escape right before s[i]
// encodes (%3A before "192.0.2.88" in a query string), if there is one.
func percentEscapeBefore(s string, i int) (byte, bool) {
	if i < 3 || i > len(s) || s[i-3] != '%' || !isHex(s[i-2]) || !isHex(s[i-1]) {
		return 0, false
	}
	return hexVal(s[i-2])<<4 | hexVal(s[i-1]), true
}

// hexVal returns the value of a hexadecimal digit.
func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func validOctet(o string) bool {
	if len(o) == 0 || len(o) > 3 || len(o) > 1 && o[0] == '0' {
		return false
	}
	v := 0
	for i := 0; i < len(o); i++ {
		v = v*10 + int(o[i]-'0')
	}
	return v <= 255
}

// ipv4Context checks the bytes around a dotted quad s[st:end].
func ipv4Context(s string, st, end int) bool {
	if st > 0 {
		c := s[st-1]
		if d, ok := percentEscapeBefore(s, st); ok && strings.IndexByte(":= ,;([\"'", d) >= 0 {
			c = d // a query string: q=ip%3A192.0.2.88, %2010.0.0.5
		}
		switch {
		case isWord(c), c == '^', c == '~', c == '#', c == '$':
			return false
		case c == '-':
			if st >= 2 && isAlpha(s[st-2]) {
				return false // build-10.0.0.1; but 10.0.0.1-10.0.0.9 is a range
			}
		case c == '/' || c == '+':
			// pkg/1.2.3.4 is a path; but client/203.0.113.58:51822 (as
			// OpenVPN logs a peer) is an address with its port.
			port := c == '/' && end+1 < len(s) && s[end] == ':' && isDigit(s[end+1])
			if st >= 2 && (isAlnum(s[st-2]) || placeholderEndsAt(s, st-1)) && !port && !(c == '/' && hostSlash(s, st, end)) {
				return false
			}
		case c == '.':
			// An ellipsis between two addresses, as strongSwan logs a
			// peer: "matching 198.51.100.7...203.0.113.19".
			if st < 3 || s[st-2] != '.' || s[st-3] != '.' {
				return false
			}
		case c == '=' || c == '>' || c == '<':
			// pkg==1.2.3.4, >=10.0.0.1 are version constraints.
			if st >= 2 && (s[st-2] == '=' || s[st-2] == '>' || s[st-2] == '<' || s[st-2] == '~' || s[st-2] == '!') {
				return false
			}
		}
	}
	if end < len(s) {
		c := s[end]
		switch {
		case isWord(c), placeholderStartsAt(s, end):
			return false
		case c == '-' && end+1 < len(s) && (isAlpha(s[end+1]) || placeholderStartsAt(s, end+1)):
			return false // 10.0.0.1-beta (or what a placeholder replaced)
		}
	}
	return true
}

// hostSlash reports a dotted quad after the name of a host or a service and
// a slash, which is no path: "Node: node-b/10.0.2.21" (kubectl),
// "TERMSRV/10.50.1.20" (a Windows credential target), "HOST/10.1.2.3" (a
// Kerberos service). The name stands alone (a blank, ':', '=', an opening
// bracket or a quote before it; not a path's '/' nor a placeholder), is
// no version word, and looks like a host: it holds a '-' or a digit
// (node-b, worker-01), is a word for a host (client, peer, server) or a
// service in four or more capitals (TERMSRV, HTTP); no '/' or '\\'
// follows the quad. "Chrome/120.0.0.0", "OPR/106.0.0.0" (a browser's
// version) and "deps/10.2.0.1/lib" stay.
func hostSlash(s string, st, end int) bool {
	if end < len(s) && (s[end] == '/' || s[end] == '\\') {
		return false
	}
	e := st - 1 // the slash
	b := e
	for b > 0 && e-b < 32 && (isAlnum(s[b-1]) || s[b-1] == '-' || s[b-1] == '_') {
		b--
	}
	if b == e || b > 0 && strings.IndexByte(" \t\n:=([{\"'", s[b-1]) < 0 {
		return false
	}
	name := s[b:e]
	if versionWordIndex.has(name) {
		return false
	}
	caps := len(name) >= 4
	for k := 0; k < len(name); k++ {
		c := name[k]
		if c == '-' || isDigit(c) {
			return isAlpha(name[0])
		}
		caps = caps && isUpper(c)
	}
	return caps || ipWords.has(name)
}

// versionContext reports whether the dotted quad at s[st] is named a
// version by what precedes it: a version word ("version", "firmware",
// "v", "Version:"), an identifier that ends in one (__version__,
// app_version, firmwareVersion), a <version> element, or a version word
// two or three words back with only linking words between ("Firmware wurde
// von 3.1.22.114", "version is now 4.20.19.79"), one of them possibly the
// thing whose version it is after an article or a preposition ("Version
// der App ist 4.12.0.18", "version of the app is 4.12.0.18").
func versionContext(s string, st int) bool {
	j := st
	noun := false // the last word was a noun that needs an article before it
	for hops := 0; hops < 5; hops++ {
		// The word before, skipping spaces, quotes, ':', '=' and '>'.
		for k := 0; j > 0 && k < 8 && strings.IndexByte(" :=\"'\t>(", s[j-1]) >= 0; k++ {
			j--
		}
		if placeholderEndsAt(s, j) {
			return true // in place of a word that may have been a version word
		}
		w := j
		for w > 0 && j-w < 32 && (isWord(s[w-1]) || s[w-1] >= 0x80 || s[w-1] == '.') {
			w--
		}
		if w == j {
			return false
		}
		if placeholderEndsAt(s, w) {
			return true // the rest of a word a placeholder replaced the start of
		}
		word := strings.Trim(s[w:j], "._")
		if noun {
			if !articleWords.has(word) {
				return false
			}
			noun = false
			j = w
			continue
		}
		if versionWordIndex.has(word) {
			return true
		}
		if l := lastWord(word); len(l) < len(word) && (equalFold(l, "version") || equalFold(l, "ver")) {
			return true // __version__, app_version, firmwareVersion
		}
		if equalFold(word, "at") && hops < 2 {
			// "firmware stays at 5.10.160.31", not "firmware server at X".
			if p, _ := precedingWord(strings.TrimRight(s[max(0, w-24):w], " ")); !stayWords.has(p) {
				return false
			}
		} else if !linkWords.has(word) {
			if hops == 0 || len(word) < 3 || articleWords.has(word) {
				return false
			}
			noun = true // "App" in "Version der App ist"
		}
		j = w
	}
	return false
}

// articleWords stand before the thing whose version follows: "der" in
// "Version der App ist", "of the" in "version of the app is".
var articleWords = newWordSet("der", "des", "die", "das", "the", "of", "de", "la", "le", "du", "del", "della", "dell'app",
	"van", "het", "do", "da", "dos", "l'", "d'", "el", "il", "lo")

// linkWords may stand between a version word and its number.
var linkWords = newWordSet(
	"is", "was", "now", "from", "to", "updated", "upgraded", "set", "changed", "of", "the", "number",
	"stays", "remains", "still", "currently", "pinned", "stuck", "held", "running", "runs", "sits",
	"von", "ist", "war", "wurde", "auf", "de", "est", "es", "é", "è", "van", "is", "jest", "на", "с",
)

// stayWords may come before "at" between a version word and its number.
var stayWords = newWordSet("stays", "remains", "is", "was", "sits", "stuck", "pinned", "held", "still")

// versionLink reports whether the text between a version and a dotted quad
// links the two as versions: "1.10.48.204 to 8.29.14.172", "von X auf Y",
// "X -> Y", "X, Y".
func versionLink(gap string) bool {
	g := strings.TrimSpace(gap)
	if len(gap) > 16 {
		return false
	}
	if g == "" {
		return false
	}
	switch g {
	case ",", "/", "-", "–", "->", "→", "=>", "..", "...":
		return true
	}
	return versionLinks.has(g)
}

// versionAfter reports whether a version word follows the dotted quad that
// ends at p, past at most three linking words on its line: "10.2.3.4 as
// the next revision", "5.1.3.2 is the latest release".
func versionAfter(s string, p int) bool {
	for range 4 {
		for p < len(s) && (s[p] == ' ' || s[p] == '\t' || s[p] == ',') {
			p++
		}
		e := p
		for e < len(s) && e-p < 24 && (isAlpha(s[e]) || s[e] >= 0x80) {
			e++
		}
		if e == p {
			return false
		}
		w := s[p:e]
		if !wordEndsAt(s, e) {
			return false // a token goes on ("revision-aled.x@example.sa", "revision0@0.AA"): no word
		}
		if versionAfterWords.has(w) {
			return true
		}
		if !afterLinkWords.has(w) {
			return false
		}
		p = e
	}
	return false
}

// wordEndsAt reports whether a word of letters that ends at s[e] stands
// alone: the text ends, or a blank follows, or punctuation that ends a
// clause (,.;:!?) and then a blank or the end. Anything else glued to it
// makes it part of a longer token (revision0@0.AA, revision%@0.AA).
func wordEndsAt(s string, e int) bool {
	if e >= len(s) || s[e] == ' ' || s[e] == '\t' || s[e] == '\n' || s[e] == '\r' {
		return true
	}
	if s[e] >= 0x80 {
		return !isWordRune(s, e)
	}
	if strings.IndexByte(",.;:!?)", s[e]) < 0 {
		return false
	}
	return e+1 >= len(s) || s[e+1] == ' ' || s[e+1] == '\t' || s[e+1] == '\n' || s[e+1] == '\r'
}

// placeholderLinked reports whether a placeholder precedes offset st with a
// version link or the gap of a list of versions between ("[REDACTED:PASSWORD],
// 70.41.3.18", "[REDACTED:SECRET], TensorRT 10.0.1.6"): it may stand
// for the version the quad was linked to (see placeholderEndsAt).
func placeholderLinked(s string, st int) bool {
	for j := st; j > 0 && st-j <= 32 && s[j-1] != '\n'; j-- {
		if placeholderEndsAt(s, j) {
			// The placeholder may also have taken the list's comma
			// ("sig=[REDACTED:SECRET] TensorRT 10.0.1.6"), or a version and
			// the link word glued to it ("sig=A0.0.00A\f10.0.0.0": "a" is
			// Spanish for "to"), when only blanks follow it.
			return strings.TrimSpace(s[j:st]) == "" || versionLink(s[j:st]) || versionListGap(s[j:st]) || j < st && s[j] == ' ' && versionListGap(","+s[j:st])
		}
	}
	return false
}

// versionFollows reports whether a dotted quad ending at p is linked to a
// version that follows it ("from 2.18.4.11 to 2.19.0.3"): a version link,
// then a dotted number of three or five and more parts, or a quad of
// small numbers.
func versionFollows(s string, p int) bool {
	q := p
	for q < len(s) && q-p <= 16 && !isDigit(s[q]) && s[q] != '\n' && !placeholderStartsAt(s, q) {
		q++
	}
	// A word or an arrow, not punctuation: 10.0.0.1-10.0.0.254 and
	// 10.0.0.1, 10.0.0.2 are lists of addresses.
	if q >= len(s) || !isDigit(s[q]) && !placeholderStartsAt(s, q) || !versionLink(s[p:q]) ||
		!versionLinks.has(strings.TrimSpace(s[p:q])) && !strings.ContainsAny(s[p:q], ">→") {
		return false
	}
	if q > p && isAlpha(s[q-1]) {
		return false // a link word glued to the number ("A0.0.0@…") is part of a token
	}
	if !isDigit(s[q]) {
		return true // a placeholder that may have replaced a version (see placeholderEndsAt)
	}
	parts, small, firstSmall := 0, 0, false
	for {
		d := q
		for q < len(s) && isDigit(s[q]) {
			q++
		}
		if q-d == 1 {
			small++
			firstSmall = firstSmall || parts == 0
		}
		parts++
		if q+1 < len(s) && s[q] == '.' && isDigit(s[q+1]) {
			q++
			continue
		}
		break
	}
	return parts == 3 || parts > 4 || parts == 4 && (small == 4 || small == 3 && firstSmall)
}

// upgradeFrom reports a dotted quad at s[st:p] that an upgrade moved from,
// to another dotted quad ("upgraded llog from 1.10.48.204 to
// 8.29.14.172"): "from" before it, a link and a quad after it, a word for
// upgrading earlier in the clause and no word for a network address
// ("updated the gateway from 10.0.0.1 to 10.0.0.2" moves addresses).
func upgradeFrom(s string, st, p int) bool {
	w, _ := precedingWord(strings.TrimRight(s[max(0, st-16):st], " "))
	if !fromWords.has(w) {
		return false
	}
	q := p
	for q < len(s) && q-p <= 8 && !isDigit(s[q]) && s[q] != '\n' {
		q++
	}
	if q >= len(s) || !isDigit(s[q]) || !versionLinks.has(strings.TrimSpace(s[p:q])) {
		return false
	}
	dots := 0
	for e := q; e < len(s) && (isDigit(s[e]) || s[e] == '.' && e+1 < len(s) && isDigit(s[e+1])); e++ {
		if s[e] == '.' {
			dots++
		}
	}
	if dots != 3 {
		return false
	}
	b := max(0, st-80)
	for b > 0 && b < st && isWord(s[b-1]) && isWord(s[b]) {
		b++ // not the end of a word the window starts inside ("Ars|lan": no LAN)
	}
	if k := strings.LastIndexByte(s[b:st], '\n'); k >= 0 {
		b += k + 1
	}
	// A placeholder in the window may have held the word for upgrading, or
	// pushed it out of the 80 bytes: the quads are taken for versions, as
	// they may have been when the values were there.
	replaced := holdsPlaceholder(s, b, st) || pastPlaceholder(s, b) != b
	// Nor may a network word before the last placeholder refuse them: the
	// shorter placeholder may have brought it into the window.
	return (upgradeWords.in(s[b:st]) || replaced) && !networkWordIn(s, placeholderFreeFrom(s, b, st), st)
}

// networkWordIn reports a word of networkWords in s[b:e] outside the
// placeholders there: their category names ([REDACTED:IPV4],
// [REDACTED:CRYPTO_ADDRESS]) are not words of the text, and the first pass
// read the values they replaced instead.
func networkWordIn(s string, b, e int) bool {
	if j := strings.IndexByte(s[b:e], ']'); j >= 0 && placeholderEndsAt(s, b+j+1) && strings.IndexByte(s[b:b+j], '[') < 0 {
		b += j + 1 // a placeholder the window starts inside
	}
	for b < e {
		k := nextPlaceholder(s, b, e)
		if k < 0 {
			return networkWords.inBounded(s[b:e], 4)
		}
		if networkWords.inBounded(s[b:k], 4) {
			return true
		}
		b = k + strings.IndexByte(s[k:], ']') + 1
	}
	return false
}

// fromWords come before the version an upgrade started from.
var fromWords = newWordSet("from", "von", "de", "desde", "da", "dal", "van", "z", "с")

// upgradeWords say that a program or a firmware moved between versions.
var upgradeWords = newWordSet("upgrad", "downgrad", "bump", "updated llog", "rolled back", "roll back", "rollback",
	"aktualisiert", "mis à jour", "actualiz", "atualiz", "aggiorna", "bijgewerkt", "geüpgraded", "zaktualizowa",
	"обновл", "güncelle", "yükselt")

// networkWords name an address, which an update may move between quads.
var networkWords = newWordSet("ip", "ips", "address", "addr", "dns", "gateway", "server", "host", "route", "subnet",
	"network", "peer", "proxy", "endpoint", "nat", "vip", "adresse", "dirección", "endereço", "indirizzo", "adres",
	"адрес", "adresi", "router", "resolver", "nameserver", "interface", "lan", "wan", "ipv4")

var versionLinks = newWordSet(
	"to", "and", "or", "vs", "vs.", "then", "auf", "bis", "und", "oder", "à", "a", "et", "ou", "y", "o", "e",
	"até", "naar", "tot", "en", "of", "до", "на", "и", "или", "ve", "veya", "から", "到", "至",
)

// IPv6.

// findIPv6 scans for IPv6 addresses around each ':' that touches a hex digit
// or another ':'. Full (eight groups) and compressed ("::") forms are
// accepted, with an optional embedded IPv4 tail. To keep C++ and Rust paths,
// clock times, MAC addresses and Python slices out, an address needs at
// least four hex digits, a decimal digit unless it has all eight groups, and
// no identifier byte on either side.
func findIPv6(dst []Span, s string, _ int) []Span {
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], ':')
		if k < 0 {
			break
		}
		k += i
		i = k + 1
		if !(k > 0 && isHex(s[k-1]) || k+1 < len(s) && s[k+1] == ':') {
			continue
		}
		st := k
		for st > 0 && k-st < 48 && (isHex(s[st-1]) || s[st-1] == ':') {
			st--
		}
		en := k
		for en < len(s) && en-st < 64 && (isHex(s[en]) || s[en] == ':' || s[en] == '.') {
			en++
		}
		i = en
		if st > 0 && (isWord(s[st-1]) || s[st-1] == '.') || placeholderEndsAt(s, st) {
			continue
		}
		// Trim a trailing '.' or a single trailing ':' (not part of "::").
		for en > st && s[en-1] == '.' {
			en--
		}
		if en-st >= 2 && s[en-1] == ':' && s[en-2] != ':' {
			en--
		}
		dots := en
		for dots < len(s) && s[dots] == '.' {
			dots++
		}
		if en < len(s) && (isWord(s[en]) || s[en] == ':' && en+1 < len(s) && !isSpace(s[en+1]) || s[en] == '.' && en+1 < len(s) && isAlnum(s[en+1]) ||
			placeholderStartsAt(s, en) || placeholderStartsAt(s, dots)) {
			// Glued to a word; but a full stop may end the sentence, and a
			// colon a label ("from fe80::1: timeout"). Dots and then a
			// placeholder: the run may have gone on into what it replaced
			// ("401::5054....[REDACTED:IPV4]").
			continue
		}
		if st > 0 && s[st-1] == '[' && st > 1 && (isWord(s[st-2]) || s[st-2] == ']') && strings.Count(s[st:en], ":") < 3 {
			continue // a[1000::] is a slice (start:stop:step, two colons at most); host[2001:db8::25] is postfix's client
		}
		if validIPv6(s[st:en]) {
			dst = append(dst, Span{Start: st, End: en})
		}
	}
	return dst
}

func validIPv6(a string) bool {
	if len(a) < 3 || strings.Contains(a, ":::") {
		return false
	}
	dbl := strings.Index(a, "::")
	if dbl >= 0 && strings.Contains(a[dbl+1:], "::") {
		return false
	}
	groups, hexDigits, longest := 0, 0, 0
	hasDec := false
	// Walk the fields between colons; the "::" contributes an empty field
	// that is skipped.
	for i := 0; i <= len(a); {
		j := i
		for j < len(a) && a[j] != ':' {
			j++
		}
		f := a[i:j]
		switch {
		case f == "":
			// Only as part of "::" (at the start, the end or in the middle).
			if !(dbl >= 0 && (i == dbl || i == dbl+1 || i == dbl+2)) {
				return false
			}
		case strings.IndexByte(f, '.') >= 0:
			// Embedded IPv4: only as the very last field, after the "::"
			// if there is one.
			if j != len(a) || dbl >= 0 && i < dbl || !validDottedQuad(f) {
				return false
			}
			groups += 2
			hexDigits += 4
			hasDec = true
		default:
			if len(f) > 4 {
				return false
			}
			for k := 0; k < len(f); k++ {
				if !isHex(f[k]) {
					return false
				}
				hasDec = hasDec || isDigit(f[k])
			}
			groups++
			hexDigits += len(f)
			longest = max(longest, len(f))
		}
		i = j + 1
	}
	if dbl < 0 && groups != 8 || dbl >= 0 && groups > 7 {
		return false
	}
	if dbl < 0 && longest <= 2 {
		return false // 4F:21:9A:7C:11:03:DE:AA: bytes in hex (a serial number, a fingerprint, an EUI-64)
	}
	return hexDigits >= 4 && (hasDec || groups == 8)
}

func validDottedQuad(q string) bool {
	n := 0
	for f := range strings.SplitSeq(q, ".") {
		if !validOctet(f) {
			return false
		}
		n++
	}
	return n == 4
}
