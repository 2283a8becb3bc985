package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Codes of locks, alarms, key safes and phones stated in prose, read where
// the prose rule's own grammar (word, connector, value) does not reach:
//
//   - a word for "code" or "number" alone, when the clause names a lock
//     (a key, a key safe, a door, an alarm): "Clé dans la boîte, code
//     0909", "Ключ в сейфе, код 4040", "鍵はキーボックス、番号2024",
//     "열쇠는 키박스에 있고 번호는 1004";
//   - a lock word and its code a few words apart: "Código do cofre das
//     chaves 4120", "Kod skrytki na klucze 6027", "Zahlenschloss am
//     Fahrradkeller: 3-9-1-4", "玄関のオートロックは5921";
//   - a second code in the same clause, after the first: "the door code is
//     X and the alarm 8264", "el de la alarma 8264", "X or 2864".
//
// A code is 4 to 12 digits in any script the number scanners read
// (٩٠٥١, ３５７９, ३३०८), with a keypad's '*' or '#' at either end (*1357#,
// 1453*), one capital letter among the digits as intercoms and digicodes
// have (27К4512, A1947, 2580B, 4B27: then three digits suffice), or groups of one or two digits joined by
// dashes as combination locks are written (3-9-1-4, 19-32-07).

// lockNouns name what a code opens: a key, a key safe, a door, a gate, an
// alarm, an intercom, a locker. An ASCII noun matches at the start of a
// word, a short one (four letters or fewer) only as a whole word.
var lockNouns = []string{
	// en, de, fr, es, pt, it, nl, pl
	"key", "keys", "lock", "lockbox", "safe", "door", "gate", "alarm", "locker", "padlock", "keypad", "intercom", "garage",
	"shed", "storage unit", "mailbox", "building", "lobby", "entrance", "garagentor", "garaje", "garagem",
	// Getting in: "the code to get in is 5279#", "Zum Reinkommen … Code 7032#", "Pour entrer, le code…".
	"get in", "get into", "to enter", "reinkommen", "hereinkommen", "entrer", "entrar", "entrare", "binnenkomen", "wejść",
	"войти", "girmek", "girişte", "binnen te komen", "للدخول", "الدخول", "अंदर आने", "अंदर जाने", "入るには", "入る時",
	"들어가려면", "들어오려면", "进门", "进去", "để vào",
	"buzzer", "schlüssel", "tür", "haustür", "tor", "briefkasten", "tresor", "zahlenschloss", "alarmanlage",
	"clé", "clés", "clef", "boîte", "porte", "portail", "alarme", "digicode", "cadenas", "interphone", "casier",
	"llave", "llaves", "cajetín", "caja", "puerta", "portal", "alarma", "candado", "portero", "taquilla",
	"chave", "chaves", "cofre", "caixa", "porta", "portão", "cadeado", "interfone", "armário",
	"chiave", "chiavi", "cassetta", "cancello", "portone", "allarme", "lucchetto", "citofono", "armadietto",
	"sleutel", "sleutels", "kastje", "sleutelkluis", "kluis", "deur", "voordeur", "achterdeur", "poort", "alarmcode", "kluisje",
	"berging", "fietsenberging", "schuur", "fahrradkeller", "trastero", "cantina", "piwnica", "кладовк",
	"klucz", "klucze", "kluczy", "skrzynce", "skrzynki", "skrzynka", "skrytki", "skrytka", "drzwi", "bramy",
	"brama", "bramie", "domofon", "domofonu", "sejf", "sejfu", "kłódki", "kłódka", "kłódce", "alarmu", "szafki",
	"zamek", "zamka", "zamku",
	// ru, tr, ar, hi
	"ключ", "ключи", "ключа", "ключница", "ключницы", "сейф", "сейфе", "сейфа", "двер", "подъезд",
	"домофон", "ворот", "калитк", "сигнализац", "замок", "замка", "шкафчик",
	"anahtar", "kutu", "kapı", "kasa", "kilit", "kilidi", "dolap",
	"المفتاح", "مفتاح", "المفاتيح", "صندوق", "الصندوق", "الباب", "باب", "البوابة", "الإنذار", "خزنة", "الخزنة",
	"चाबी", "बॉक्स", "दरवाज", "गेट", "अलार्म", "लॉकर", "लॉक", "ताला",
	"messagerie vocale", "voicemail", "buzón de voz", "casella vocale", "голосовой почты",
	// ja, ko, zh, vi
	"鍵", "キーボックス", "ドア", "玄関", "オートロック", "警報", "金庫", "ロッカー", "門",
	"열쇠", "키박스", "현관", "도어락", "금고", "사물함", "경보",
	"钥匙", "门禁", "门", "密码箱", "钥匙盒", "报警", "保险箱", "柜",
	"chìa khóa", "chìa khoá", "hộp", "cửa", "cổng", "két", "báo động", "tủ",
}

// lockNounAt reports whether a lock noun starts at s[i].
func lockNounAt(s string, i int) bool {
	for _, n := range lockNounsByFirst[lower(s[i])] {
		if !hasPrefixFold(s[i:], n) {
			continue
		}
		if n[0] < 0x80 && len(n) <= 4 && i+len(n) < len(s) && isWord(s[i+len(n)]) {
			continue // "key" in "keyboard", "tor" in "torrent"
		}
		return true
	}
	return false
}

var lockNounsByFirst = func() (t [256][]string) {
	for _, n := range lockNouns {
		t[lower(n[0])] = append(t[lower(n[0])], n)
	}
	return t
}()

// lockNounIn reports a lock noun at the start of a word in s[i:j].
func lockNounIn(s string, i, j int) bool {
	for k := i; k < j; k++ {
		c := s[k]
		if c >= 0x80 && c < 0xC0 {
			continue // inside a character
		}
		if k > i && c < 0x80 && isWord(s[k-1]) {
			continue // inside an ASCII word
		}
		if lockNounAt(s[:j], k) {
			return true
		}
	}
	return false
}

// clauseStart returns where the clause holding s[i] starts, at most n
// bytes back: after a line break, a full stop, exclamation or question
// mark before a space, or a placeholder.
func clauseStart(s string, i, n int) int {
	lo := max(i-n, 0)
	for k := i - 1; k >= lo; k-- {
		switch c := s[k]; {
		case c == '\n':
			return k + 1
		case (c == '.' || c == '!' || c == '?') && k+1 < len(s) && isSpace(s[k+1]):
			// Only before a space: inside a token ("0!000a", a code
			// the first pass replaces) it ends no clause.
			return k + 1
		case c == ']' && placeholderEndsAt(s, k+1):
			// A placeholder may have replaced a code that ended its
			// sentence ("keypad 0000a! Code …"): a second pass reads no
			// further back than the first one did.
			return k + 1
		case c == 0x82 && k >= 2 && s[k-2] == 0xE3 && s[k-1] == 0x80: // 。
			return k + 1
		}
	}
	if lo > 0 {
		for lo < i && s[lo] >= 0x80 && s[lo] < 0xC0 {
			lo++ // not inside a character
		}
	}
	return lo
}

// lockStops are words after a lock or code word that say a number is a
// date, a time or a count rather than the code.
var lockStops = newWordSet(
	"in", "since", "until", "till", "before", "after", "from", "by", "on", "expires", "expired", "opens", "closes",
	"changed", "seit", "bis", "vor", "nach", "um", "depuis", "avant", "après", "jusqu'à", "desde", "hasta",
	"antes", "después", "até", "dal", "fino", "prima", "dopo", "sinds", "tot", "od", "przed", "po", "до",
	"после", "с", "beri", "kadar", "önce", "sonra", "منذ", "حتى", "से", "तक", "từ", "đến", "trước", "sau",
	"has", "have", "had", "hat", "a", "tiene", "tem", "ha", "heeft", "ma", "имеет", "must", "muss", "doit",
	"digits", "chiffres", "stellen", "ziffern", "dígitos", "cifre", "cijfers", "cyfr", "цифр",
)

// codeAt reads a lock's code at s[i] (see the comment at the top of this
// file) and returns its end, or -1.
func codeAt(s string, i int) int {
	if i >= len(s) {
		return -1
	}
	if e := spacedDigits(s, i); e > 0 {
		return e
	}
	e, digits, letters, group, groups, maxGroup := i, 0, 0, 0, 0, 0
	dashed := false
	if s[e] == '*' || s[e] == '#' {
		e++
	}
	for e < len(s) {
		if d, w := digitAt(s, e); w > 0 && d != 0 {
			digits++
			group++
			e += w
			continue
		}
		c := s[e]
		if c == '-' && group > 0 && e+1 < len(s) && isDigit(s[e+1]) {
			dashed = true
			groups++
			maxGroup = max(maxGroup, group)
			group = 0
			e++
			continue
		}
		if letters == 0 && !dashed {
			r, w := utf8.DecodeRuneInString(s[e:])
			if unicode.IsUpper(r) && (r < 0x80 || unicode.Is(unicode.Cyrillic, r)) {
				next := e + w
				if next < len(s) && isDigitAt(s, next) || digits >= 4 && (next >= len(s) || !isWordRune(s, next)) {
					letters++
					e = next
					continue
				}
			}
		}
		break
	}
	if dashed {
		groups++
		maxGroup = max(maxGroup, group)
		if groups < 3 || maxGroup > 2 {
			return -1 // a date, a phone number or a range, not a combination
		}
	}
	if (digits < 4 || digits > 12) && !(digits == 3 && letters == 1) {
		return -1 // four characters at least, one of them a letter (a digicode's 4B27)
	}
	if e < len(s) && (s[e] == '#' || s[e] == '*') {
		e++
	}
	// What follows must end the code: not a letter or digit of the same
	// word, another group of digits, a decimal, a date or a time.
	if e < len(s) {
		c := s[e]
		switch {
		case c < 0x80 && isWord(c), isDigitAt(s, e):
			return -1
		case (c == '.' || c == ',' || c == '/' || c == ':' || c == '-') && e+1 < len(s) && isDigitAt(s, e+1):
			return -1
		case c == ' ' && e+1 < len(s) && (isDigitAt(s, e+1) || placeholderStartsAt(s, e+1)):
			return -1 // another group of digits, or a placeholder that may have replaced one
		case c >= 0x80 && isWordRune(s, e) && !cjkOrHangul(s, e):
			return -1
		}
	}
	if i > 0 && (s[i-1] == '+' || s[i-1] == '-' || s[i-1] == '/' || s[i-1] == '.' || s[i-1] == '#' || s[i-1] == '$') {
		return -1
	}
	return e
}

// spacedDigits returns the end of four to eight single ASCII digits
// joined by single blanks at s[i] (4 2 5 9, 7 4 4 0), as a code is read
// out or keyed digit by digit, with an optional '#' after it; or 0.
func spacedDigits(s string, i int) int {
	if i > 0 && (isWord(s[i-1]) || s[i-1] == '+' || s[i-1] == '-' || s[i-1] == '.' || s[i-1] == '/') {
		return 0
	}
	k, n := i, 0
	for k < len(s) && isDigit(s[k]) && (k+1 == len(s) || !isDigit(s[k+1])) {
		n++
		k++
		if k+1 < len(s) && s[k] == ' ' && isDigit(s[k+1]) {
			k++
			continue
		}
		break
	}
	if n < 4 || n > 8 {
		return 0
	}
	if k < len(s) && (s[k] == '#' || s[k] == '*') {
		k++
	}
	if k < len(s) && (isWord(s[k]) || s[k] == '.' && k+1 < len(s) && isDigit(s[k+1])) {
		return 0
	}
	return k
}

// codeMayFollow reports whether s[p:p+n] may hold a code: a run of four
// ASCII digits or more, or a shorter one followed by a dash or a letter
// (3-9-1-4, 15K2407), or a byte outside ASCII (which may start a wide
// digit). Most words for code or password in prose are followed by none.
func codeMayFollow(s string, p, n int) bool {
	t := s[p:min(p+n, len(s))]
	for i := 0; i < len(t); {
		k, wide := indexDigit(t, i)
		if wide {
			return true
		}
		if k < 0 {
			return false
		}
		e := k
		for e < len(t) && isDigit(t[e]) {
			e++
		}
		if e-k >= 4 || e < len(t) && (t[e] == '-' || isUpper(t[e])) || k > 0 && (t[k-1] == '*' || isUpper(t[k-1])) ||
			e-k == 1 && e+1 < len(t) && t[e] == ' ' && isDigit(t[e+1]) {
			return true // also a digit, a blank and a digit: a code keyed digit by digit (4 2 5 9)
		}
		i = e
	}
	return false
}

// isWordRune reports a letter or digit at s[i].
func isWordRune(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

// cjkOrHangul reports a CJK ideograph, kana or Hangul at s[i]: text
// written without spaces, where a code ends at the next word
// (240613입니다, ３８０６です).
func cjkOrHangul(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r >= 0x3040 && r < 0xA000 || r >= 0xAC00 && r < 0xD7B0
}

// findLockCode reports the code after a lock or code word at s[at] that
// the prose grammar did not read: after at most five words, punctuation
// and a connector, with a lock noun in the clause for a bare word for
// "code".
func findLockCode(dst []Span, s string, at int, pw proseWord, wlen int) []Span {
	p := at + wlen
	if s[at] < 0x80 && p < len(s) && isWord(s[p]) {
		return dst // "codec", "keypads"
	}
	if !codeMayFollow(s, p, 96) {
		return dst // no code can follow: the common case, kept cheap
	}
	if p+1 < len(s) && s[p] == '-' {
		// Schlüsselbox-Code, ПИН-код: the word for code after a dash.
		q := p + 1
		for q < len(s) && (isAlpha(s[q]) || s[q] >= 0x80) {
			q++
		}
		if !dashCodeWords.has(strings.ToLower(s[p+1 : q])) {
			return dst
		}
		p = q
	}
	e, vs := codeAfter(s, p)
	if e < 0 || pw.kind != 'n' && !checkInBefore(s, at) && !lockNounIn(s, clauseStart(s, at, 120), vs) {
		return dst // no code, or a word for code or password in a clause that names no lock
	}
	return append(dst, Span{Start: vs, End: e})
}

// checkInBefore reports "check-in" (or "checkin") right before the word
// for code at s[at]: a rental's check-in code opens its door ("Check-in
// code: 7319"), where "check-in" elsewhere in the clause names no lock.
func checkInBefore(s string, at int) bool {
	b := skipBlanksBack(s, at)
	if b == at {
		return false
	}
	return hasSuffixFold(s[:b], "check-in") || hasSuffixFold(s[:b], "checkin")
}

// orWords join a second code to a first one in a clause ("... and the
// alarm 8264", "... ou 2864").
var orWords = newWordSet("and", "or", "und", "oder", "et", "ou", "y", "o", "e", "en", "of", "i", "lub", "albo",
	"then", "dann", "puis", "luego", "depois", "poi", "daarna", "potem", "потом", "затем",
	"и", "или", "а", "ve", "veya", "ya", "أو", "و", "और", "या", "또는", "그리고", "hoặc", "và", "con", "com")

// secondCode reports a second code joined to the code that ends at s[e]
// in the same clause: after "and" or "or" when a lock noun names it, a
// verb of entry stands right before it or nothing stands between ("the
// door code is X and the alarm 8264", "X ou 2864", "and if it beeps twice
// enter 4512#"); after a pronoun when a lock or what a PIN opens names it
// ("Il PIN del bancomat è X, quello della SIM è 0420"); or as the next
// item of a list, after a word for a network ("code du portail X,
// digicode Y, wifi Lavande&Thym7").
func secondCode(dst []Span, s string, e int) []Span {
	j := e
	if j < len(s) && (s[j] == ',' || s[j] == ';') {
		j++
	} else if strings.HasPrefix(s[j:], "、") || strings.HasPrefix(s[j:], "，") || strings.HasPrefix(s[j:], "،") {
		_, w := utf8.DecodeRuneInString(s[j:])
		j += w
	}
	j = skipBlanks(s, j)
	k := j
	for k < len(s) && k-j < 12 && (isAlpha(s[k]) || s[k] >= 0x80) && !isSpace(s[k]) {
		k++
	}
	if k == j || k >= len(s) || s[k] != ' ' {
		return dst
	}
	w := strings.ToLower(s[j:k])
	switch {
	case orWords.has(w):
		if a := skipBlanks(s, k); a < len(s) {
			// An article the or-word may bring ("e a do alarme 9071",
			// "puis la 2e porte 0389"), which codeAfter reads as a verb
			// in other languages ("il a 4 chiffres").
			if b := strings.IndexByte(s[a:min(len(s), a+4)], ' '); b > 0 && secondArticles.has(strings.ToLower(s[a:a+b])) {
				k = a + b
			}
		}
		if ve, vs := codeAfter(s, k); ve > 0 {
			if vs == skipBlanks(s, k) || lockNounIn(s, k, vs) || entryVerbs.has(wordBeforeNoun(s, vs)) {
				return append(dst, Span{Start: vs, End: ve})
			}
		}
	case codePronouns.has(w):
		if ve, vs := codeAfter(s, k); ve > 0 && (lockNounIn(s, k, vs) || thingIn(s, k, vs)) {
			return append(dst, Span{Start: vs, End: ve})
		}
	case e > 0 && s[e-1] != ' ' && j > e && s[e] == ',':
		if pw, n := proseWordAt(s, j); n > 0 && pw.kind == 'w' && pw.w != "login" {
			q := skipBlanks(s, j+n)
			if _, c := connectorAt(s, q); c > 0 {
				q = skipBlanks(s, q+c)
			}
			if q < len(s) && q > j+n {
				if vs, ve, quoted := proseValue(s, q, passwordMax); ve > vs && !quoted && gluedValue(s[vs:ve], 'p') {
					return append(dst, Span{Start: vs, End: ve})
				}
			}
		}
	}
	return dst
}

// secondArticles are the articles that may follow an or-word before the
// second code's lock ("e a do alarme", "y la de la alarma", "puis la 2e
// porte").
var secondArticles = newWordSet("a", "o", "la", "le", "el", "il", "lo", "the", "de", "het", "die", "der", "das")

// codePronouns stand for a code named before ("quello della SIM è 0420",
// "celui de l'alarme est 8264", "that of the safe is 1234").
var codePronouns = newWordSet("quello", "quella", "that", "celui", "celle", "el", "aquel", "aquella", "aquele", "aquela",
	"dat", "die", "der", "тот", "та", "то")

// entryVerbs, right before a code, say it is typed at a keypad ("enter
// 4512#", "tapez 2580").
var entryVerbs = newWordSet("enter", "type", "dial", "press", "punch", "input", "eingeben", "tippen", "tippe", "gib", "digitate",
	"digitare", "tecleen", "marque",
	"entrez", "tapez", "composez", "saisissez", "introduce", "marca", "teclea", "digite", "digita", "inserisci",
	"voer", "toets", "wpisz", "введите", "наберите", "girin", "tuşlayın", "أدخل", "डालें", "nhập")

// thingIn reports a word in s[i:j] that names what a PIN or password
// opens (a card, a SIM, an account).
func thingIn(s string, i, j int) bool {
	for k := i; k < j; {
		k = skipBlanks(s, k)
		e := proseWordEnd(s, k)
		if e == k {
			k++
			continue
		}
		if e <= j && thingWord(s[k:e]) {
			return true
		}
		k = e
	}
	return false
}

// codeAfter reads at s[p:] at most five words, punctuation, parentheses
// and connectors, then a code (codeAt), and returns its end and start, or
// -1.
func codeAfter(s string, p int) (int, int) {
	j, words := p, 0
	for words <= 5 && j < len(s) && j-p < 96 {
		j = skipBlanks(s, j)
		if j >= len(s) || s[j] == '\n' || s[j] == '\r' {
			return -1, 0
		}
		if e := codeAt(s, j); e > 0 {
			return e, j
		}
		if c, n := connectorAt(s, j); n > 0 && c != "-" {
			j += n
			continue
		}
		// A word: letters up to a blank, a digit or punctuation.
		k := j
		for k < len(s) && k-p < 128 {
			r, w := utf8.DecodeRuneInString(s[k:])
			if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != '\'' && r != '’' && r != '-' {
				break
			}
			if r == '-' && (k+1 >= len(s) || !isAlpha(s[k+1]) && s[k+1] < 0x80) {
				break
			}
			k += w
		}
		if k == j {
			// Punctuation between words: a comma, a colon, a parenthesis.
			if c := s[j]; c == ',' || c == ';' || c == ':' || c == '(' || c == ')' {
				j++
				continue
			}
			if r, w := utf8.DecodeRuneInString(s[j:]); r == '、' || r == '，' || r == '：' || r == '،' || r == '（' || r == '）' {
				j += w
				continue
			}
			return -1, 0
		}
		if equalFold(s[j:k], "get") && hasPrefixFold(s[k:], " in") && (k+3 == len(s) || !isWord(s[k+3])) {
			k += 3 // "the code to get in is 5279#": "in" ends the verb here
		} else if w := s[j:k]; lockStops.has(w) || proseStop.has(w) && !lockNounAt(s[:k], j) {
			return -1, 0
		}
		words++
		j = k
	}
	return -1, 0
}

// dashCodeWords are the words for "code" that may follow a lock word after a
// dash (Schlüsselbox-Code, ПИН-код).
var dashCodeWords = newWordSet("code", "kod", "kodu", "код", "código", "codice", "pin")

// digitWords are the words for the digits 0 to 9 in the Latin- and
// Cyrillic-script languages of the prose rules, as a PIN is spelled out
// ("four-seven-nine-four", "eins null acht null", "cero tres ocho uno").
var digitWords = newWordSet(
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh",
	"null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
	"zéro", "un", "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf",
	"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
	"um", "dois", "três", "quatro", "sete", "oito", "nove",
	"due", "tre", "quattro", "sei", "sette", "otto",
	"nul", "een", "twee", "vier", "vijf", "zes", "zeven", "negen",
	"jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem", "dziewięć",
	"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
	"sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz",
)

// digitWordsEnd returns the end of four to eight digit words at s[i],
// joined by blanks or dashes, or 0.
func digitWordsEnd(s string, i int) int {
	n, e := 0, i
	for j := i; j < len(s) && n < 8; {
		k := j
		for k < len(s) && (isAlpha(s[k]) || s[k] >= 0x80 && !isSpace(s[k]) && s[k] != 0xE2) {
			k++
		}
		if k == j || !digitWords.has(strings.ToLower(s[j:k])) {
			break
		}
		n++
		e = k
		if k+1 < len(s) && (s[k] == ' ' || s[k] == '-') && isAlpha(s[k+1]) || k+2 < len(s) && s[k] == ' ' && s[k+1] >= 0x80 {
			j = k + 1
			continue
		}
		break
	}
	if n < 4 {
		return 0
	}
	return e
}

// findLockList reports the codes of a list of what opens what, reading
// the whole text: "1) street door: 8953#", "— сейф с ключами: 8 2 9 9",
// "2、钥匙盒：9 2 6 1". An item is a line that starts with a list mark,
// whose label (up to its colon, at most 32 bytes) holds a lock noun and
// whose value is a code (codeAt). The Wi-Fi item of a list that holds
// such a code is its password when the value has mixed classes
// ("3) wifi: pebble3418CDI").
func findLockList(dst []Span, s string, _ int) []Span {
	if strings.IndexByte(s, '\n') < 0 {
		return dst // one line: no list
	}
	type item struct{ vs, ve int }
	var wifi []item
	codes := 0
	flush := func() {
		if codes > 0 {
			for _, w := range wifi {
				dst = append(dst, Span{Start: w.vs, End: w.ve})
			}
		}
		wifi, codes = wifi[:0], 0
	}
	for ls := 0; ls < len(s); {
		le := lineEnd(s, ls)
		lb, vs := listItem(s, ls, le)
		if lb < 0 {
			flush()
			ls = le + 1
			continue
		}
		label := s[lb:vs]
		v := skipBlanks(s, vs)
		switch {
		case lockNounIn(s[:vs], lb, vs):
			if w := proseWordEnd(s, v); w > v && w < le && entryVerbs.has(strings.ToLower(s[v:w])) {
				v = skipBlanks(s, w) // "Portone: digitate *2127 sul tastierino"
			}
			if e := codeAt(s, v); e > v && e <= le && !placeholderStartsAt(s, skipBlanks(s, e)) {
				// (A placeholder right after may have replaced more of
				// the value: "3 8 1 7 [REDACTED:PHONE]".)
				dst = append(dst, Span{Start: v, End: e})
				codes++
			}
		case wifiLabel(label) && v < le:
			vv, ve, quoted := proseValueAt(s[:le], v, passwordMax)
			if ve <= vv || quoted {
				break
			}
			// "name / password" (also "／"): the network's name comes
			// first; "name，密码X" or "name, password X": the word for
			// password names the value after it, which the prose rules
			// read.
			if k := skipBlanks(s[:le], ve); strings.HasPrefix(s[k:le], "/") || strings.HasPrefix(s[k:le], "／") {
				_, w := utf8.DecodeRuneInString(s[k:])
				vv, ve, quoted = proseValueAt(s[:le], skipBlanks(s[:le], k+w), passwordMax)
				if ve <= vv || quoted {
					break
				}
			} else if ve < le && (s[ve] == ',' || strings.HasPrefix(s[ve:le], "，") || strings.HasPrefix(s[ve:le], "、")) {
				break
			}
			if gluedValue(s[vv:ve], 'p') && !holdsPlaceholder(s, vv, ve) {
				wifi = append(wifi, item{vv, ve})
			}
		}
		ls = le + 1
	}
	flush()
	return dst
}

// listItem returns the start of the label and the end of its colon for
// a list item s[ls:le] ("1) key safe: …", "- Schlüsselbox: …",
// "3、Wi-Fi：…", "・キーボックス：…", "Host: 1) street door: …"), or -1.
func listItem(s string, ls, le int) (lb, ve int) {
	i := ls
	for i < le && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i+4 < le && isUpper(s[i]) {
		// A speaker's label before the item: "Host: 1) street door: …".
		k := i + 1
		for k < le && k-i < 16 && isLower(s[k]) {
			k++
		}
		if k+2 < le && s[k] == ':' && s[k+1] == ' ' {
			i = skipBlanks(s, k+1)
		}
	}
	if i >= le || !isDigit(s[i]) && s[i] != '-' && s[i] != '*' && s[i] != 0xE2 && s[i] != 0xC2 && s[i] != 0xE3 {
		return -1, -1 // the common case: no list mark
	}
	switch {
	case s[i] == '-' || s[i] == '*':
		i++
	case strings.HasPrefix(s[i:le], "•"), strings.HasPrefix(s[i:le], "·"), strings.HasPrefix(s[i:le], "・"),
		strings.HasPrefix(s[i:le], "—"), strings.HasPrefix(s[i:le], "–"):
		_, w := utf8.DecodeRuneInString(s[i:le])
		i += w
	case !isDigit(s[i]):
		return -1, -1
	default:
		k := i
		for k < le && isDigit(s[k]) {
			k++
		}
		switch {
		case k == i || k-i > 2:
			return -1, -1
		case k < le && (s[k] == ')' || s[k] == '.'):
			i = k + 1
		case strings.HasPrefix(s[k:le], "、"):
			i = k + len("、")
		default:
			return -1, -1
		}
	}
	lb = skipBlanks(s, i)
	w := s[lb:min(le, lb+36)]
	c, n := strings.IndexByte(w, ':'), 1
	if k := strings.Index(w, "："); k >= 0 && (c < 0 || k < c) {
		c, n = k, len("：")
	}
	if c < 0 || c > 32 || holdsPlaceholder(s, lb, lb+c) {
		return -1, -1
	}
	return lb, lb + c + n
}

// wifiLabel reports a label that names a Wi-Fi network's password.
func wifiLabel(label string) bool {
	l := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(label), ":："))
	switch strings.ToLower(l) {
	case "wifi", "wi-fi", "wlan", "wifi password", "вайфай", "вай-фай", "wi‑fi", "와이파이", "ワイファイ", "ワイファイのパスワード", "الواي فاي", "वाईफाई":
		return true
	}
	return false
}
