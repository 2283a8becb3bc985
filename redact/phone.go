package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phone numbers, by number plan (see phoneplan.go): a number is a phone
// number if the plan of some country assigns it, as it is written: with a
// '+' or an international prefix and a country calling code, or as written
// at home in one of the countries of the national table. How sure the
// writing makes a reader decides what else it needs:
//
//   - +CC ..., 00CC ... and wa.me/CC...: a valid number of that country,
//     in any groups.
//   - At home, with a trunk prefix (0171 1234567, 0917 123 4567, 8 (916)
//     123-45-67, 1-555-010-1234): a valid number in groups of two or more
//     digits with one kind of separator.
//   - At home, without one (555-010-1234, 138 0013 8000, 612 34 56 78): a
//     valid number in the very groups its plan writes it in.
//   - One run of digits (13812345678, 09171234567): a mobile number with a
//     trunk prefix, or of eleven or more digits without one; ten-digit runs
//     are as often counts, timestamps and IDs.
//   - After a phone word (tel, call, phone, Telefon, 电话, "my number is"):
//     any of the above, or any seven to fifteen digits in one of the shapes
//     checked below.
//
// Whatever the plan says, a number is not a phone number right after an
// order, invoice, tracking, reference or similar word, nor when it is
// shaped like a date, an IP address or version, a MAC address, a postal
// code, a list of numbers or a hex dump.

var phoneWords = newWordSet(append(append([]string{}, phoneWordList...), serviceWords...)...)

// phoneWordIn reports whether w holds a phone word at the start of one of
// its words. The short ASCII ones (tel, call, cell, fax) must end there
// too: "tel.", "call me", not "telemetry", "calls" or "cells".
func phoneWordIn(w string) bool { return phoneWords.inBounded(w, 4) }

var phoneWordList = []string{
	"phone", "tel", "tlf", "telnr", "telf", "tfno", "mobile", "mob", "cell", "cellphone", "fax", "call",
	"calling", "callback", "whatsapp", "sms", "contact", "text", "landline",
	// The line's kind, said instead of "phone": Festnetz (de), telemóvel
	// (pt); and fixo (pt), fijo (es), fisso (it) as nouns, after an article
	// or "or" ("ou fixo", "al fijo"): after a noun they are adjectives
	// (preço fixo, precio fijo, prezzo fisso: a fixed price).
	"festnetz", "telemóvel", "telemovel", "ou fixo", "no fixo", "pelo fixo", "para o fixo", "ou o fixo",
	"al fijo", "el fijo", "y fijo", "o el fijo", "il fisso", "al fisso", "o il fisso",
	"ph.", "ph:", "telefon", "telephone", "téléphone", "teléfono", "telefono", "handy", "portable",
	"ruf", "anrufen", "appel", "llám", "móvil", "movil", "celular", "ligue", "ligar",
	"telefone", "chiama", "cellulare", "звон", "tél", "домашн", "мобильн", "сотов", "أتصل", "اتصلوا", "اتصال",
	"телефон", "тел", "позвон", "电话", "電話", "手机", "手機", "拨打", "致电", "携帯", "전화",
	"연락처", "फ़ोन", "फोन", "मोबाइल", "कॉल", "هاتف", "جوال", "اتصل", "điện thoại", "liên hệ", "gọi", "zadzwoń", "dzwoń",
	"komórka", "komórki", "komórkowy", "kom.", "휴대폰", "핸드폰", "휴대전화", "الهاتف", "الجوال",
}

// nearPhoneWords are words for "number" that make a phone number of what
// follows them directly ("my number is", "numéro :", "номер"), unless a
// word such as "order" comes before them.
var nearPhoneWords = []string{
	"number", "nummer", "numéro", "numero", "número", "numer", "numara", "номер", "номера", "番号",
	"号码", "號碼", "번호", "رقم", "नंबर", "नम्बर",
}

// fillerWords may stand between a context word and the number it is about
// ("order number is", "Bestell-Nr.:").
var fillerWords = []string{
	"no", "nr", "num", "n°", "nº", "is", "was", "are", "ist", "est", "es", "é", "è", "は", "是", "이",
	"number", "nummer", "numéro", "numero", "número", "numer", "numara", "numarası", "номер", "id",
	"mã", "số", "code", "код", "コード",
	// Articles and the prepositions a number is written after ("Mi número
	// es el 612 345 678", "napisz smsa na 530123884", "joignable au 06…").
	"el", "la", "le", "il", "lo", "al", "au", "na", "на", "an",
}

// notPhoneWords introduce numbers that are not phone numbers: orders,
// invoices, shipments, references, accounts, serial and part numbers,
// versions and builds, company and tax registrations. They must come right
// before the number (fillers aside); as the last part of a word without
// spaces (CJK) or a German compound ("Bestellnummer") they count too.
var notPhoneWords = []string{
	// English.
	"order", "orders", "invoice", "inv", "tracking", "track", "shipment", "parcel", "consignment",
	"waybill", "awb", "receipt", "ticket", "e-ticket", "eticket", "pnr", "trans", "case", "ref", "reference", "confirmation", "booking",
	"reservation", "po", "sku", "serial", "s/n", "sn", "part", "model", "item", "article",
	"transaction", "txn", "trx", "batch", "lot", "abn", "acn", "tfn", "vat", "gst", "ein", "tin",
	"isbn", "issn", "build", "version", "ver", "release", "firmware", "patch", "rev", "revision",
	"policy", "claim", "account", "acct", "iban", "routing", "aba", "swift", "bic", "sort",
	"poliçe", "poliçesi", "póliza", "poliza", "apólice", "apolice", "polizza", "polis", "档案", "檔案", "案号", "案號",
	"voucher", "coupon", "customer", "client", "member", "membership", "loyalty", "id", "uid", "pid",
	"bug", "issue", "pr", "job", "process", "request", "session", "token", "card", "karte", "carte", "tarjeta", "cartão", "cartao",
	"commit", "commits", "merge", "sha", "hash", "changeset",
	"fedex", "ups", "usps", "dhl", "tnt", "gls", "dpd", "hermes", "imei", "imsi", "iccid", "meid",
	"zip", "postcode", "postal", "plz", "sample", "specimen", "accession",
	// Other languages.
	"bestellung", "bestell", "auftrag", "rechnung", "sendung", "kunden", "vorgang", "artikel",
	"serien", "steuer", "referenz", "aktenzeichen", "konto", "kontonummer",
	"commande", "facture", "suivi", "colis", "référence", "réf", "dossier", "compte",
	"pedido", "factura", "seguimiento", "referencia", "envío", "expediente", "cuenta", "billete", "localizador",
	"billet", "bilhete", "biglietto", "bilet", "carteirinha", "校验码", "校驗碼",
	"fatura", "encomenda", "rastreio", "referência", "protocolo", "conta",
	"ordine", "fattura", "spedizione", "riferimento", "pratica", "conto",
	"bestelling", "bestel", "factuur", "zending", "referentie", "rekening",
	"zamówienie", "zamówienia", "faktura", "faktury", "przesyłka", "przesyłki", "konta",
	"заказ", "заказа", "счёт", "счет", "счета", "накладная", "накладной", "отправление", "артикул", "трек",
	"sipariş", "siparis", "kargo", "takip", "referans", "hesap",
	"طلب", "الطلب", "فاتورة", "الفاتورة", "شحنة", "الشحنة", "مرجع", "حساب",
	"ऑर्डर", "आदेश", "चालान", "खाता",
	"注文", "請求書", "伝票", "追跡", "受付", "予約", "会員", "口座", "顧客番号", "客户编号", "客户号", "고객번호", "nip", "regon",
	"订单", "訂單", "发票", "發票", "单号", "單號", "运单", "運單", "快递", "工单", "流水", "账号", "賬號", "账户",
	"주문", "송장", "운송장", "계좌", "우편", "계산서", "세금계산서", "영수증",
	"hàng", "đơn", "邮编", "郵便", "индекс",
}

// Word classes of the context vocabulary.
const (
	wNear   uint8 = 1 << iota // a word for "number"
	wFiller                   // may stand between a context word and the number
	wNot                      // introduces a number that is not a phone number
	wStem                     // does so before a word for "number" (refStems)
	wID                       // names an identity, tax or registration number (idWords)
)

// ctxVocab holds nearPhoneWords, fillerWords and notPhoneWords: ASCII words
// by their lower-case form, other words by their last byte (they also count
// at the end of a longer word, for text without spaces).
var ctxVocab = func() (v struct {
	ascii map[string]uint8
	wide  [256][]vocabWord
}) {
	v.ascii = map[string]uint8{}
	for _, l := range []struct {
		class uint8
		words []string
	}{{wNear, nearPhoneWords}, {wFiller, fillerWords}, {wNot, notPhoneWords}, {wNot | wID, idWords}, {wStem, refStems}} {
		for _, w := range l.words {
			w = strings.ToLower(w)
			if isASCII(w) {
				v.ascii[w] |= l.class
				continue
			}
			last := w[len(w)-1]
			v.wide[last] = append(v.wide[last], vocabWord{w, l.class})
			if up := strings.ToUpper(w); len(up) == len(w) && up[len(up)-1] != last {
				// Written in capitals (ИНН, СНИЛС): found by their last byte too.
				v.wide[up[len(up)-1]] = append(v.wide[up[len(up)-1]], vocabWord{w, l.class})
			}
		}
	}
	return v
}()

type vocabWord struct {
	w     string
	class uint8
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// numberSuffixes end compounds such as Bestellnummer, Rechnungsnr,
// 注文番号: the stem before them decides the class. The ASCII ones come
// first.
var numberSuffixes = [...]string{"nummer", "number", "nr", "no", "номер", "番号", "号码", "號碼", "号", "號", "번호"}

const asciiNumberSuffixes = 4

// wordClass returns the classes of a context word. A compound whose last
// part says "not a phone number" (Steuer-ID, Kunden-ID) says so too, and so
// does a word for "number" after a stem that says it (Bestellnummer,
// Sozialversicherungsnummer, 注文番号, 사업자등록번호).
func wordClass(word string) uint8 {
	if len(word) == 0 || len(word) > 48 {
		return 0
	}
	if isASCII(word) {
		var buf [48]byte
		for i := 0; i < len(word); i++ {
			buf[i] = lower(word[i])
		}
		lw := buf[:len(word)]
		c := ctxVocab.ascii[string(lw)]
		if k := lastIndexAny2(lw, '-', '/'); k > 0 && k < len(lw)-1 {
			c |= ctxVocab.ascii[string(lw[k+1:])] & (wNot | wID)
		}
		for _, suf := range numberSuffixes[:asciiNumberSuffixes] {
			if len(lw) > len(suf) && string(lw[len(lw)-len(suf):]) == suf {
				stem := lw[:len(lw)-len(suf)]
				for len(stem) > 0 && (stem[len(stem)-1] == '-' || stem[len(stem)-1] == '.' || stem[len(stem)-1] == 's') {
					stem = stem[:len(stem)-1]
				}
				if stemRefuses(stem) {
					c |= wNot
				}
				break
			}
		}
		return c
	}
	// A word with other letters: it, or its end after a stem, is a word
	// of the vocabulary; a word for "number" after a stem that says
	// "order" (주문번호, 注文番号) is one too.
	c := wideClass(word)
	for _, suf := range numberSuffixes {
		if len(word) > len(suf) && hasSuffixFoldUTF8(word, suf) {
			if stem := word[:len(word)-len(suf)]; wideClass(stem)&(wNot|wStem) != 0 || containsWideRef(stem) {
				c |= wNot
			}
			break
		}
	}
	if c == 0 {
		// A Korean particle after the word: 번호가, 번호는, 주문번호를.
		for _, p := range koreanParticles {
			if len(word) > len(p)+3 && strings.HasSuffix(word, p) {
				return wordClass(word[:len(word)-len(p)])
			}
		}
	}
	return c
}

// stemRefuses reports whether the ASCII stem before a word for "number"
// (lower case) is, or ends in, a word that says the number is not a phone
// number: "bestell" in Bestellnummer, "sozialversicherung" in
// Sozialversicherungsnummer.
func stemRefuses(stem []byte) bool {
	for k := 0; k+4 <= len(stem); k++ {
		if ctxVocab.ascii[string(stem[k:])]&(wNot|wStem) != 0 {
			return true
		}
	}
	return false
}

func lastIndexAny2(b []byte, x, y byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == x || b[i] == y {
			return i
		}
	}
	return -1
}

// containsWideRef reports whether a stem written without spaces holds a
// word beyond ASCII that says "not a phone number" anywhere, as the
// マイナンバー of マイナンバーカードの番号.
func containsWideRef(stem string) bool {
	for _, w := range wideRefWords {
		if strings.Contains(stem, w) {
			return true
		}
	}
	return false
}

// wideRefWords are the words of idWords, notPhoneWords and refStems beyond
// ASCII of two characters or more.
var wideRefWords = func() (out []string) {
	for _, l := range [][]string{idWords, notPhoneWords, refStems} {
		for _, w := range l {
			if !isASCII(w) && utf8.RuneCountInString(w) >= 2 {
				out = append(out, strings.ToLower(w))
			}
		}
	}
	return out
}()

// wideClass returns the classes of the vocabulary words that word (with
// letters beyond ASCII) is or ends with.
func wideClass(word string) uint8 {
	var c uint8
	for _, vw := range ctxVocab.wide[word[len(word)-1]] {
		if len(vw.w) <= len(word) && hasSuffixFoldUTF8(word, vw.w) {
			c |= vw.class
		}
	}
	return c
}

// koreanParticles follow a noun in Korean: subject, topic and object
// markers.
var koreanParticles = []string{"가", "이", "는", "은", "를", "을", "도"}

// hasSuffixFoldUTF8 reports whether s ends with suffix (lower case),
// ignoring case, at a character boundary: Заказ, ИНН, Número.
func hasSuffixFoldUTF8(s, suffix string) bool {
	t := s[len(s)-len(suffix):]
	if t == suffix {
		return true
	}
	if !utf8.RuneStart(t[0]) {
		return false
	}
	for i, j := 0, 0; i < len(t); {
		r1, n1 := utf8.DecodeRuneInString(t[i:])
		r2, n2 := utf8.DecodeRuneInString(suffix[j:])
		if r1 != r2 && unicode.ToLower(r1) != r2 || n1 != n2 {
			return false
		}
		i, j = i+n1, j+n2
	}
	return true
}

// phoneCtx caches what the text before a token says about it, computed
// only as far as a decision needs it.
type phoneCtx struct {
	loaded  bool
	s       string
	start   int    // of the token in s
	w       string // the text before the token on its line, after its last digit
	peeled  bool
	refused bool // a word such as "order" precedes it
	joined  bool // w starts with a word joined to a placeholder by / . _ -
	near    bool // a word for "number" precedes it ("my number is")
	nearCue bool // ... after a possessive ("my number", "mój numer")
}

// load records where the token is; the context is read when a decision
// needs it.
func (c *phoneCtx) load(s string, start int) {
	c.s, c.start = s, start
}

// words returns the text before the token on its line, after its last
// digit.
func (c *phoneCtx) words() string {
	if !c.loaded {
		c.loaded = true
		// The short way: the text after the last digit and line break
		// before the token; the long way when a placeholder may be in it.
		w := c.s[max(0, c.start-40):c.start]
		w = w[strings.LastIndexByte(w, '\n')+1:]
		w = afterLastDigit(w)
		if strings.IndexByte(w, ']') >= 0 || strings.IndexByte(w, '[') >= 0 {
			w = afterLastDigit(contextBefore(c.s, c.start, 40))
			if joinedAfterPlaceholder(w) && placeholderEndsAt(c.s, c.start-len(w)) {
				// A word joined to the placeholder ("[REDACTED:API_KEY]/Tél",
				// "[REDACTED:SSN].ver") was part of a token before, or a
				// word of its own: which, the placeholder hides, so the
				// number is refused (a CJK word glued to a placeholder,
				// "[REDACTED:PHONE]案号", is a word of its own and is read).
				c.joined = true
			}
		}
		// A JSON or dict key "text" names a message's field, not a way to
		// reach someone ({"type":"text","text":"RECHNUNG Nr. 2025-117 …"}).
		for _, k := range [...]string{`"text":`, `'text':`, `"text" :`} {
			if j := strings.LastIndex(w, k); j >= 0 {
				w = w[j+len(k):]
			}
		}
		c.w = w
	}
	return c.w
}

// joinedAfterPlaceholder reports whether w, which follows a placeholder,
// starts with a word joined to it: characters that are neither blanks
// nor letters or digits (/ . _ -, a replacement character) and then a
// letter or digit ("/Tél", "\ufffdTél", "/\ufffdTél"; not ". DE", not
// "案号").
func joinedAfterPlaceholder(w string) bool {
	i := 0
	for i < len(w) {
		r, n := utf8.DecodeRuneInString(w[i:])
		if unicode.IsSpace(r) {
			return false
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return i > 0
		}
		i += n
	}
	return false
}

func (c *phoneCtx) peel() {
	if !c.peeled {
		c.peeled = true
		c.refused, c.near, c.nearCue = notPhoneContext(c.words())
		if c.joined || !c.refused && qualifierReplaced(c.s, c.start-len(c.w), c.w) {
			c.refused = true
		}
		if i := c.start - len(c.w); !c.refused && c.w != "" && !isSpace(c.w[0]) && placeholderEndsAt(c.s, i) {
			// The context's first word is glued to a placeholder: it may
			// have been longer ("१२३४ॺTél", no phone word), and what it was
			// decided the first pass.
			c.refused = true
		}
	}
}

// qualifierReplaced reports whether the context w, which starts at offset
// i of s, follows a placeholder and holds no word, or only words for
// "number", fillers and at most two other words that are no phone words: "[REDACTED:PASSWORD] number 123-45-678" and "[REDACTED:PASSWORD]
// no. 09171234567" may have said "Part number" and "Tracking no." (see
// placeholderEndsAt).
func qualifierReplaced(s string, i int, w string) bool {
	if !placeholderEndsAt(s, i) {
		return false
	}
	n, gap := 0, 0
	for rest := w; ; n++ {
		wd, r := precedingWord(rest)
		if wd == "" {
			break
		}
		if c := wordClass(wd); c == 0 && idChunk(wd) {
			// "A 0A 0A 0100000002": the start of the identifier, as
			// notPhoneContext reads it.
		} else if c&(wNear|wFiller|wStem) == 0 && !numberLinks.has(wd) {
			// ("de contrat" may have followed "numéro"); a word or two of
			// whose number it is may have followed a refusing word
			// ("Track A 0100000002", "NIF do cliente:"), but not a phone
			// word.
			if gap++; gap > 2 || phoneWordIn(wd) {
				return false
			}
		}
		rest = r
	}
	// No word at all between the placeholder and the number: the
	// placeholder stands where the refusing word may have been ("pass=TrACk
	// 〫0100000002" once the password is replaced).
	return true
}

// isRefused reports whether a word such as "order" precedes the token.
func (c *phoneCtx) isRefused() bool {
	c.peel()
	return c.refused
}

// hasPhoneWord reports whether a phone word precedes the token u, and no
// word such as "order" right before it and no word for a one-time code
// near it ("SMS code 4471 8820"). A word for "number" alone ("numer
// 771-2024", "رقم 2024-0312") makes a phone number only of eight digits or
// more that do not start with a year (references are numbered by year), or
// of seven after a possessive ("my number is 555-0123").
func (c *phoneCtx) hasPhoneWord(h *tableHeaders, u sub) bool {
	var broad bool
	if w := c.words(); phoneOrNearWords.in(w) {
		w32 := w[max(0, len(w)-32):]
		if codeWordSet.inBounded(w32, 4) || len(w) < 32 && placeholderEndsAt(c.s, c.start-len(w)) {
			return false // or a placeholder there, which may have been one (see placeholderEndsAt)
		}
		broad = phoneWordIn(w32)
	} else if c.orPhone() {
		broad = true
	} else if c.answersPhoneQuestion() {
		return true // the speaker's label ("Customer:") is no refusing word
	} else if !phoneColumn(c.s, c.start, h) {
		return false
	} else {
		broad = true
	}
	c.peel()
	if c.refused {
		return false
	}
	if broad {
		return true
	}
	if !c.near || yearLed(u) {
		return false
	}
	return u.digits() >= 8 || c.nearCue
}

// answersPhoneQuestion reports a number early in a speaker's turn ("[customer]
// sure, 555-0139", "ग्राहक: ९८७६५४३२१०") that answers a question or a
// request for a phone number ending the line before ("Could you give me a
// callback number?", "कृपया अपना मोबाइल नंबर बताइए।").
func (c *phoneCtx) answersPhoneQuestion() bool {
	lo := max(0, c.start-48)
	nl := strings.LastIndexByte(c.s[lo:c.start], '\n')
	if nl < 0 {
		return false
	}
	nl += lo
	// A speaker's label: up to three words and a colon, or [name].
	line := c.s[nl+1 : c.start]
	if strings.Contains(line, placeholderPrefix) {
		return false // a placeholder's ':' or ']' makes no label
	}
	k := strings.IndexAny(line, ":]：")
	if k <= 0 || k > 32 || line[0] == ' ' || line[k] == ']' && line[0] != '[' || strings.Count(line[:k], " ") > 2 || strings.IndexAny(line[:k], "0123456789") >= 0 {
		return false
	}
	ls := lineStartWithin(c.s, nl, 200)
	prev := strings.TrimRight(c.s[ls:nl], " \t\r")
	if !(strings.HasSuffix(prev, "?") || strings.HasSuffix(prev, "？") || strings.HasSuffix(prev, "।") || strings.HasSuffix(prev, ".")) {
		return false
	}
	if r, _, _ := notPhoneContext(line[k+1:]); r {
		return false // "Customer: order 12345678"
	}
	// The words of the question; one with a placeholder ("…
	// [REDACTED:PHONE].", "비밀번호: [REDACTED:PASSWORD].") is not read.
	qs := ls + max(0, len(prev)-64)
	q := c.s[qs : ls+len(prev)]
	if strings.Contains(q, placeholderPrefix) || pastPlaceholder(c.s, qs) != qs {
		return false // a question a first pass changed asked for nothing it can still tell
	}
	tail := strings.TrimRight(q, "?？।.")
	if codeWordSet.inBounded(tail, 8) {
		return false // "What is the code we sent by SMS?": a one-time code
	}
	refused, near, _ := notPhoneContext(tail)
	return !refused && (near || phoneWordIn(tail))
}

// phoneOrWords join a second phone number to a first ("Hotline: X ou Y").
var phoneOrWords = newWordSet("or", "ou", "oder", "o", "of", "lub", "albo", "или", "veya", "ya da", "أو", "या",
	"또는", "혹은", "或", "或者", "または", "hoặc", "atau")

// orFillers may stand between a word for "or" and the second number.
var orFillers = newWordSet("al", "a", "el", "la", "au", "on", "at", "to", "na", "an", "am", "unter", "op", "allo", "ao", "no", "pod", "по")

// orPhone reports a number joined by a word for "or" to a number right
// before it (or a PHONE placeholder, which may have replaced one: see
// placeholderEndsAt) that a phone word introduces: "Central de
// atendimento: 3003-0001 ou 4004-0001", "고객센터: 1588-1234 또는
// 080-023-0000".
func (c *phoneCtx) orPhone() bool {
	w := c.words()
	t := strings.TrimRight(w, " \t")
	k := strings.LastIndexAny(t, " \t")
	if k >= 0 && orFillers.has(t[k+1:]) {
		// "o al 729724142", "or on 07700 900123": a preposition after the word
		t = strings.TrimRight(t[:k], " \t")
		k = strings.LastIndexAny(t, " \t")
	}
	if k < 0 || !phoneOrWords.has(t[k+1:]) {
		return false
	}
	// What stands before the word: nothing or a remark in parentheses
	// ("(toll-free)", "(مجاني)"), then the previous number.
	rest := strings.TrimRight(t[:k], " \t,")
	if strings.HasSuffix(rest, ")") {
		if o := strings.LastIndexByte(rest, '('); o >= 0 && len(rest)-o <= 32 {
			rest = strings.TrimRight(rest[:o], " \t,")
		}
	}
	if strings.TrimLeft(rest, " \t") != "" {
		return false
	}
	b := c.start - len(w) + len(rest)
	const ph = placeholderPrefix + string(Phone) + "]"
	switch {
	case b >= len(ph) && c.s[b-len(ph):b] == ph:
		// A placeholder for the first number: the first pass decided this
		// number with the first one there, and what the placeholder
		// replaced (its start, its context) is gone, so this decides
		// toward no match ("kom. [REDACTED:PHONE] (A) o A 0000002",
		// "+)[REDACTED:PHONE] … o al …").
		return false
	case b > 0 && isDigit(c.s[b-1]):
		for b > 0 && c.start-b < 64 && (isDigit(c.s[b-1]) || strings.IndexByte(" -.()+", c.s[b-1]) >= 0) {
			b--
		}
		b = skipBlanks(c.s, b)
		for b < len(c.s) && (c.s[b] == '(' || c.s[b] == ')') {
			b++
		}
	default:
		return false
	}
	var prev phoneCtx
	prev.load(c.s, b)
	pw := prev.words()
	return phoneOrNearWords.in(pw) && phoneWordIn(pw[max(0, len(pw)-32):]) && !prev.isRefused()
}

// yearLed reports a number whose first group is a year (1900 to 2099)
// followed by a '-', '/' or '.' and more digits: 2024-0312, 2024/0117.
func yearLed(u sub) bool {
	if u.n() < 2 || u.g(0).len() != 4 || u.g(1).sep != '-' && u.g(1).sep != '/' && u.g(1).sep != '.' {
		return false
	}
	y := int(u.digit(0, 0)-'0')*10 + int(u.digit(0, 1)-'0')
	return y == 19 || y == 20
}

// phoneColumn reports whether the token at s[start] is a field of a table
// (tab, comma, semicolon or '|' separated, rows of at most 4 KiB; or
// aligned with spaces, see alignedHeader) whose
// column header, on the nearest line above without digits, is a phone word
// ("phone", "mobile_number", "Telefon").
func phoneColumn(s string, start int, h *tableHeaders) bool {
	f, _ := columnHeader(s, start, h)
	return f != "" && phoneWordIn(f)
}

// notPhoneColumn reports whether the token at s[start] is a field of a
// table under a header that refuses a phone number (NIP, Nr klienta,
// 顧客番号), as a word before it on its line would. A line that holds a
// placeholder where the header would be may have been the header, before
// a first pass: that refuses too.
func notPhoneColumn(s string, start int, h *tableHeaders) bool {
	f, unsure := columnHeader(s, start, h)
	if unsure {
		return true
	}
	if f == "" {
		return false
	}
	refused, _, _ := notPhoneContext(f)
	return refused
}

// columnHeader returns the header field, shorter than 40 bytes, of the
// column of a table that the token at s[start] is a field of, or "";
// unsure is set when a line after that header (or in its place) holds a
// placeholder and might have been the header (see tableHeaders).
func columnHeader(s string, start int, h *tableHeaders) (field string, unsure bool) {
	if start == 0 || h == nil {
		return "", false
	}
	delim := s[start-1]
	if delim == ' ' && start >= 2 && s[start-2] == ' ' {
		return alignedHeader(s, start, h)
	}
	if delim != '\t' && delim != ',' && delim != ';' && delim != '|' {
		return "", false
	}
	ls := h.lineStart(s, start)
	if ls == 0 || start-ls > 4096 {
		return "", false // the first line, or a row too long to be one
	}
	if holdsPlaceholder(s, ls, start) {
		return "", true // what a placeholder replaced may have held separators: which column is unknown
	}
	col := separatorsOutsideQuotes(s[ls:start], delim) // "Bauer, Jonas" is one field
	line := h.above(s, ls)
	if h.maybe {
		return "", true
	}
	if strings.IndexByte(line, delim) < 0 {
		return "", false
	}
	fs, fe, n := fieldBounds(line, delim, col)
	if n <= col || fe-fs >= 40 {
		return "", false
	}
	return line[fs:fe], false
}

// separatorsOutsideQuotes counts the bytes delim in s that stand outside
// double quotes.
func separatorsOutsideQuotes(s string, delim byte) int {
	n, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case delim:
			if !quoted {
				n++
			}
		}
	}
	return n
}

// alignedHeader returns the header field of the token at s[start], after
// two spaces or more, in a plain-text table whose columns are aligned
// with spaces:
//
//	EMPLOYEE        SSN            PHONE
//	L. Grant        418-13-8615    555-0125
//
// The header is the nearest line above without digits; its field starts
// in the same column as the token, after two spaces and another field,
// and the row holds a field before the token too. Placeholders change the
// columns of a line: a row that holds one decides nothing, and a line
// that holds one ends the table above it (see alignedAbove).
func alignedHeader(s string, start int, h *tableHeaders) (field string, unsure bool) {
	ls := h.lineStart(s, start)
	col := start - ls
	if ls == 0 || col < 2 || col > 512 || strings.TrimLeft(s[ls:start], " ") == "" {
		return "", false
	}
	if holdsPlaceholder(s, ls, start) {
		return "", true
	}
	line := h.alignedAbove(s, ls)
	if h.aMaybe {
		return "", true
	}
	if len(line) <= col || line[col] == ' ' || line[col-1] != ' ' || line[col-2] != ' ' || strings.TrimLeft(line[:col], " ") == "" {
		return "", false
	}
	f := line[col:]
	if k := strings.Index(f, "  "); k >= 0 {
		f = f[:k]
	}
	if len(f) >= 40 {
		return "", false
	}
	return f, false
}

// tableHeaders finds header lines for phoneColumn during one scan: it
// reads each line once, remembering the last one without digits that has
// a field separator, so that the rows of a long table do not each read
// the rows above them.
type tableHeaders struct {
	pos    int // s[:pos] has been searched for line breaks
	ls     int // the start of the line that holds pos
	upTo   int // the lines starting before upTo have been read
	hs, he int // the last line without digits and with a separator among them
	// maybe: a line after hs without digits that holds a placeholder,
	// which may have been a header before a first pass.
	maybe bool

	// The same for tables aligned with spaces (alignedAbove).
	aUpTo  int
	as, ae int  // the last line without digits, or an empty one after a line holding a placeholder
	aMaybe bool // as == ae because of a line holding a placeholder
}

// hasFieldSeparator reports whether line holds a tab, ',', ';' or '|'.
func hasFieldSeparator(line string) bool {
	for i := 0; i < len(line); i++ {
		if c := line[i]; c == '\t' || c == ',' || c == ';' || c == '|' {
			return true
		}
	}
	return false
}

// lineStart returns the start of the line that holds offset i. Successive
// calls must not decrease i.
func (h *tableHeaders) lineStart(s string, i int) int {
	for h.pos < i {
		k := strings.IndexByte(s[h.pos:i], '\n')
		if k < 0 {
			h.pos = i
			break
		}
		h.ls = h.pos + k + 1
		h.pos = h.ls
	}
	return h.ls
}

// above returns the nearest line without digits and with a field
// separator that ends before offset ls (the start of a line). Successive
// calls must not decrease ls.
func (h *tableHeaders) above(s string, ls int) string {
	for p := h.upTo; p < ls; {
		q := p + strings.IndexByte(s[p:ls], '\n')
		if q < p {
			q = ls
		}
		// (A placeholder may have replaced digits: see placeholderEndsAt.)
		// A line that holds one may have been a header whose separators
		// a first pass replaced with a value.
		if d, _ := indexDigit(s[p:q], 0); d < 0 {
			if strings.Contains(s[p:q], placeholderPrefix) {
				h.maybe = true
			} else if hasFieldSeparator(s[p:q]) {
				h.hs, h.he, h.maybe = p, q, false
			}
		}
		p = q + 1
	}
	h.upTo = max(h.upTo, ls)
	return s[h.hs:h.he]
}

// alignedAbove returns the nearest line without digits that ends before
// offset ls (the start of a line), or "" if a line holding a placeholder
// came after it: a placeholder may have replaced the digits of a row.
// Successive calls must not decrease ls.
func (h *tableHeaders) alignedAbove(s string, ls int) string {
	for p := h.aUpTo; p < ls; {
		q := p + strings.IndexByte(s[p:ls], '\n')
		if q < p {
			q = ls
		}
		if holdsPlaceholder(s, p, q) {
			h.as, h.ae, h.aMaybe = q, q, true
		} else if d, _ := indexDigit(s[p:q], 0); d < 0 {
			h.as, h.ae, h.aMaybe = p, q, false
		}
		p = q + 1
	}
	h.aUpTo = max(h.aUpTo, ls)
	return s[h.as:h.ae]
}

// phoneOrNearWords finds both kinds of words in one pass.
var phoneOrNearWords = newWordSet(append(append(append([]string{}, phoneWordList...), serviceWords...), nearPhoneWords...)...)

var codeWordSet = newWordSet(codeWords...)

// notPhoneContext reads the last words of w, the text before a number:
// refused if one of them says the number is something else ("order",
// "Rechnungsnr.", "订单号", "insurance number"), near if one of them is a
// word for "number" ("my number is") and none says otherwise, and cue if a
// possessive precedes that word. Fillers may stand between them and the
// number.
func notPhoneContext(w string) (refused, near, cue bool) {
	gap := 0        // words passed that are none of the vocabulary
	abbrev := false // a word for number abbreviated (n°, no., nr) was passed
	reach := false  // the word right before the number is "on", "at" or "via"
	for range 5 {
		var wd string
		if gap > 0 && clauseEnds(w) {
			break
		}
		if serviceEnds(w) {
			break // "Customer support:": a service line, whatever its words
		}
		if dottedIDEnds(w) {
			return true, false, false // "C.F. 01234567897"
		}
		wd, w = precedingWord(w)
		if wd == "" {
			break
		}
		c := wordClass(wd)
		if gap > 0 {
			// Past a word or two of what the number belongs to, only an
			// identifier word still speaks: "NIF do cliente:", "partita
			// IVA del fornitore è", "Mã số thuế người bán:"; past one, any
			// word that refuses and is not short ("Billete electrónico";
			// but not the hàng of "ngân hàng qua").
			if (c&wID != 0 || gap == 1 && c&wNot != 0 && utf8.RuneCountInString(wd) >= 5) && !(reach && phoneWordIn(w)) {
				return true, false, false // but "contact the patient on 07700 900 604" reaches the patient
			}
			if phoneWordIn(wd) || gap == 2 {
				break
			}
			gap++
			continue
		}
		if codeWordSet.has(wd) && !areaWords.has(firstWordBefore(w)) {
			return true, false, false // "dial-in code 771 204 883", "PIN 4471 8820": a code
		}
		if c == 0 && idChunk(wd) {
			continue // "Colis n° 6A 123 456 789 01": the start of the identifier
		}
		if c&wNot != 0 && (phoneLabel(w) || serviceBefore(w)) {
			break // "Tél. client :", "Phone (customer):", "Service client :": the phone of whom
		}
		if numberAbbrevs.has(wd) {
			abbrev = true // "contrat n° 0142 6853 991": a word for number, abbreviated
		}
		if abbrev && c&wStem != 0 {
			return true, false, false
		}
		if c&wNot != 0 || near && c&wStem != 0 || c&wStem != 0 && nearBefore(w) {
			return true, false, false
		}
		if phoneWordIn(wd) {
			break
		}
		if c&wNear != 0 {
			near = true // "my number is", unless it is "order number"
			if p, _ := precedingWord(w); cues.has(p) {
				cue = true
			}
			continue
		}
		if c&wFiller == 0 {
			gap = 1
			reach = reachWords.has(wd)
		}
	}
	return false, near, cue
}

// numberAbbrevs are the abbreviated words for "number" that make a
// reference stem refuse what follows ("contrat n°", "poliçe no").
var numberAbbrevs = newWordSet("n°", "nº", "no", "nr", "num", "n.", "no.", "nr.", "số")

// reachWords join a person to the number they are reached on ("contact the
// patient on ...", "reach her at ...").
var reachWords = newWordSet("on", "at", "via", "under", "unter", "au", "al", "ao", "op", "pod", "по")

// serviceEnds reports whether w ends in a service phrase of several words
// ("Customer support:", "Service client :"), punctuation aside.
func serviceEnds(w string) bool {
	w = strings.TrimRight(w, " \t:：.-–—")
	if len(w) < 7 {
		return false
	}
	for _, p := range servicePhrases {
		if len(w) >= len(p) && hasSuffixFold(w, p) && (len(w) == len(p) || !isAlpha(w[len(w)-len(p)-1])) {
			return true
		}
	}
	return false
}

// serviceBefore reports whether a service phrase ends w once a word such
// as "client" is removed: "Service client :" names the line.
func serviceBefore(w string) bool {
	_, rest := precedingWord(w)
	return rest != "" && serviceEnds(rest+" client")
}

// servicePhrases are the service words of several words.
var servicePhrases = func() (out []string) {
	for _, w := range append(append([]string{}, serviceWords...), "customer support", "technical support", "tech support", "support line") {
		if strings.IndexByte(w, ' ') > 0 {
			out = append(out, w)
		}
	}
	return out
}()

// dottedIDEnds reports an identifier abbreviated with dots at the end of w
// (C.F. for the Italian codice fiscale, N.I.F.), punctuation aside.
func dottedIDEnds(w string) bool {
	w = strings.TrimRight(w, " \t:")
	for _, a := range []string{"c.f.", "n.i.f.", "c.i.f.", "r.f.c.", "p.i."} {
		if len(w) >= len(a) && hasSuffixFold(w, a) && (len(w) == len(a) || !isAlpha(w[len(w)-len(a)-1])) {
			return true
		}
	}
	return false
}

// octetOver255 reports a group of three digits above 255: no address.
func octetOver255(g string) bool { return g > "255" }

// areaWords before "code" make it part of a number: area code, country
// code.
var areaWords = newWordSet("area", "country", "calling", "dialing", "dialling", "city")

// firstWordBefore returns the last word of w.
func firstWordBefore(w string) string {
	wd, _ := precedingWord(w)
	return wd
}

// clauseEnds reports whether w ends in a comma, a semicolon or another mark
// that ends a clause (blanks aside): the words before it are about
// something else.
func clauseEnds(w string) bool {
	for i := len(w) - 1; i >= 0; i-- {
		switch w[i] {
		case ' ', '\t':
			continue
		case ',', ';', '!', '?', '(', ')':
			return true
		}
		return false
	}
	return false
}

// idChunk reports a short group of letters and digits (6A, X7) that starts
// an identifier whose digits follow.
func idChunk(wd string) bool {
	if len(wd) > 4 {
		return false
	}
	c := classesOf(wd)
	return !c.other && (c.lower || c.upper) && c.digit
}

// phoneLabel reports whether a short phone word (tel, phone, Tél.,
// телефон) ends w: a word after it names whose number follows, not what
// kind of number it is.
func phoneLabel(w string) bool {
	p, _ := precedingWord(w)
	return p != "" && len(p) <= 16 && phoneWordIn(p)
}

// nearBefore reports whether a word for "number" ends w, past other stems
// and linking words: the "numéro de" of "numéro de contrat", the "número
// de la" of "número de la seguridad social".
func nearBefore(w string) bool {
	for range 4 {
		var wd string
		wd, w = precedingWord(w)
		if wd == "" {
			return false
		}
		c := wordClass(wd)
		if c&wNear != 0 {
			return true
		}
		if c&wStem == 0 && !numberLinks.has(wd) {
			return false
		}
	}
	return false
}

// numberLinks join a word for "number" to what it numbers in the Romance
// languages.
var numberLinks = newWordSet("de", "du", "des", "d", "da", "do", "dos", "das", "di", "del", "della", "dello", "la", "el", "le", "il", "of", "the")

// precedingWord splits w after its last word, skipping the spaces and
// punctuation that end it. A word is a run of letters, digits, '/', '-',
// '°' and other characters beyond ASCII except spaces and punctuation.
func precedingWord(w string) (word, rest string) {
	end := len(w)
	for end > 0 {
		if c := w[end-1]; c < 0x80 {
			if isAlnum(c) {
				break
			}
			end--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(w[:end])
		if wordRune(r) {
			break
		}
		end -= n
	}
	start := end
	for start > 0 {
		if c := w[start-1]; c < 0x80 {
			if !isAlnum(c) && c != '/' && c != '-' {
				break
			}
			start--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(w[:start])
		if !wordRune(r) {
			break
		}
		start -= n
	}
	for start < end && (w[start] == '-' || w[start] == '/') {
		start++
	}
	return w[start:end], w[:start]
}

// wordRune reports whether r can be part of a context word: not a space,
// a punctuation mark or a symbol of the Latin-1, general punctuation, CJK
// punctuation or full-width blocks.
func wordRune(r rune) bool {
	switch {
	case r < 0x80:
		return isAlnum(byte(r)) || r == '/' || r == '-'
	case r == '°' || r == 'º':
		return true
	case r < 0xC0, r >= 0x2000 && r < 0x2070, r >= 0x3000 && r < 0x3040, r >= 0xFE30 && r < 0xFE70:
		return false
	case r >= 0xFF00 && r < 0xFF66:
		// Full-width forms: letters and digits are word characters.
		return r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A
	}
	return true
}

func findPhone(dst []Span, s string, _ int) []Span { return findNumbers(dst, s, kindPhone) }

// isPhone matches the phone grammars.
func isPhone(s string, u sub, ctx *phoneCtx) bool {
	d := u.num()
	nd := len(d)
	if nd < 7 || nd > 17 {
		return false
	}
	n := u.n()
	if n > 1 {
		if n == 2 && u.g(1).sep == '.' {
			return false // +35236450.6, 15631.549600: decimal numbers
		}
		if dateLike(u) {
			return false
		}
		// No '/' except one right after a leading trunk-prefixed area code
		// (089/1234567), or after the area code of an international
		// number, with or without "(0)" before it ("+49 (0)89 / 2345 678",
		// as Germany, Austria and Switzerland write it).
		slashes := 0
		for k := 1; k < n; k++ {
			if u.g(k).sep != '/' {
				continue
			}
			slashes++
			if slashes > 1 || !(k == 1 && d[0] == '0' || u.plus() && (k <= 2 || k == 3 && u.g(1).paren)) {
				return false
			}
			if rest := (sub{u.t, u.a + k, u.b}); u.plus() && (dateLike(rest) || yearLed(rest)) {
				return false // "+49 (0)89 / 2024-01-15": a date after the slash
			}
		}
	}
	if u.plus() || u.a == 0 && waMe(s, u.t.start) {
		return intlValid(d) && !notPhoneShape(s, u)
	}
	if a, b := u.t.segment(u.a, u.b); b-a >= 7 && smallGroups(u.t, a, b) {
		return false // a list of small numbers or a hex dump
	}
	ctx.load(s, u.t.start)
	if nd >= 10 && d[0] == '0' && d[1] == '0' && d[2] != '0' && intlValid(d[2:]) && !intlNetwork(d[2:]) || nationalValid(s, u, d) {
		// A valid number: 00 + country code (the international prefix
		// of most countries), or as written at home.
		// A refusing word does not stand before an area code in
		// parentheses ("Rewards member: (206) 555-0181"): nothing but
		// a phone number is written that way.
		// Nor a speaker's label ("Customer:") before the answer to a
		// question for a phone number.
		return !notPhoneShape(s, u) && (!ctx.isRefused() || u.g(0).paren && u.n() >= 3 || ctx.answersPhoneQuestion()) &&
			!notPhoneColumn(s, u.t.start, &u.t.headers) &&
			!((u.n() == 1 && countingDigits(string(d)) || rgbTriplet(s, u)) && !ctx.hasPhoneWord(&u.t.headers, u))
	}
	// Any other shape needs a phone word before it; 14 digits or more in
	// one run that no plan takes are an ID, an IMEI or a card ("number:
	// 341798408282502").
	if n == 1 && nd >= 14 {
		return false
	}
	return nd <= 15 && !notPhoneShape(s, u) && (ctx.hasPhoneWord(&u.t.headers, u) || callAfter(s, u.end()) && !ctx.isRefused() ||
		sameCountryNear(s, u.start(), u.end(), d) && !ctx.isRefused() && !inTable(s, u) && !thousandsToken(u.t) ||
		u.n() == 1 && nd >= 9 && mobileRun(d) && emailBefore(s, u.start()) && !ctx.isRefused() && !amountAfter(s, u.end()))
}

// mobileRun reports a run of digits that a national plan assigns to a
// mobile number of its length (3387136420 in Italy, 721663463 in Poland).
func mobileRun(d []byte) bool {
	return natLeaf(d).mobile&(uint16(1)<<len(d)) != 0
}

// emailBefore reports an e-mail address right before s[i], then a comma,
// a middle dot, a slash or a bar and blanks: the number of a contact
// listed as name, address, number ("Giulia Romano, giulia@esempio.it,
// 3387136420").
func emailBefore(s string, i int) bool {
	j := skipBlanksBack(s, i)
	if j == i || j == 0 {
		return false
	}
	switch {
	case s[j-1] == ',' || s[j-1] == '/' || s[j-1] == '|' || s[j-1] == ';':
		j--
	case strings.HasSuffix(s[:j], "·"):
		j -= len("·")
	default:
		return false
	}
	j = skipBlanksBack(s, j)
	b := j
	for b > 0 && j-b < 96 && s[b-1] > ' ' && s[b-1] != ',' && s[b-1] != '(' && s[b-1] != '<' {
		b--
	}
	w := s[b:j]
	at := strings.IndexByte(w, '@')
	return at > 0 && strings.IndexByte(w[at:], '.') > 0 && !strings.ContainsAny(w, "[]")
}

// inTable reports a number in a column of a table, whose header decides
// what it is (see hasPhoneWord), or in a line a table may hold.
func inTable(s string, u sub) bool {
	st := u.t.start
	if f, unsure := columnHeader(s, st, &u.t.headers); unsure || f != "" {
		return true
	}
	if st > 0 && strings.IndexByte(",;\t|", s[st-1]) < 0 && s[st-1] != '\n' {
		return false // a field starts with a delimiter or the line
	}
	ls := strings.LastIndexByte(s[:st], '\n') + 1
	le := lineEnd(s, st)
	return hasFieldSeparator(s[ls:le])
}

// sameWindow is how far apart on its line a number may stand from an
// international one for sameCountryNear.
const sameWindow = 320

// sameCountryNear reports a number d at s[start:end] that is valid in the
// number plan of an international number on its line, within sameWindow
// bytes before or after it, written with '+' or "00": the calling code
// and d (or d without its trunk 0) make a valid number as long as the
// international one. People list a
// number from abroad and the one at home side by side ("0039 333 2655616;
// in Italia 3494726440", "+351 915 359 673; em Portugal, 928161111", "+44
// 20 7946 0958 (020 7946 0958)"). No placeholder may stand between the
// two: it may have made them nearer than they were.
func sameCountryNear(s string, start, end int, d []byte) bool {
	if len(d) < 8 {
		return false
	}
	lo := max(lineStartWithin(s, start, sameWindow), start-sameWindow)
	hi := min(lineEnd(s, end), end+sameWindow)
	for _, w := range [2][2]int{{lo, start}, {end, hi}} {
		// Numbers after '+', then after "00" at the start of a word.
		for i := w[0]; i < w[1]; i++ {
			k := strings.IndexByte(s[i:w[1]], '+')
			if k < 0 {
				break
			}
			i += k
			if intlCountry(s, i+1, d) && !holdsPlaceholder(s, min(i, start), max(i, end)) {
				return true
			}
		}
		for i := w[0]; i+2 < w[1]; i++ {
			k := strings.Index(s[i:w[1]], "00")
			if k < 0 {
				break
			}
			i += k
			if i+2 < w[1] && isDigit(s[i+2]) && (i == 0 || !isAlnum(s[i-1])) &&
				intlCountry(s, i+2, d) && !holdsPlaceholder(s, min(i, start), max(i, end)) {
				return true
			}
		}
	}
	return false
}

// intlCountry reports whether the international number whose digits
// start at s[i] (in any groups) is valid and its calling code (one to
// three digits) and d, or d without its trunk 0, make a valid number,
// d as long as the other's national number.
func intlCountry(s string, i int, d []byte) bool {
	var buf [16]byte
	n := 0
	for i < len(s) && n < len(buf) {
		if c, w := digitAt(s, i); w > 0 {
			buf[n] = c
			n++
			i += w
			continue
		}
		if c, w := punctAt(s, i); w > 0 && c != '+' && c != '/' && i+w < len(s) && (isDigitAt(s, i+w) || c != '(' && punctIs(s, i+w, '(')) {
			i += w
			continue
		}
		break
	}
	if n < 8 || n == len(buf) || !intlValid(buf[:n]) {
		return false
	}
	k := i
	for k < len(s) && k-i < 4 && (s[k] == ' ' || s[k] == '(' || s[k] == '-' || s[k] == '.') {
		k++
	}
	if placeholderStartsAt(s, k) {
		return false // a placeholder right after may have replaced the number's end
	}
	cc := callingCodeLen(buf[:n])
	nsn := buf[cc:n]
	if nsn[0] == '0' || cc == 2 && buf[0] == '5' && buf[1] == '2' && nsn[0] == '1' && len(nsn) == 11 {
		nsn = nsn[1:] // +49 (0)211 …: the trunk prefix written after the code; Mexico's old mobile 1 (+52 1 33 …)
	}
	var nb [20]byte
	for _, nat := range [2][]byte{d, d[1:]} {
		if len(nat) < 7 || len(nat) != len(d) && d[0] != '0' || len(nat) != len(nsn) {
			continue // as long as the other's national number
		}
		m := copy(nb[:], buf[:cc])
		m += copy(nb[m:], nat)
		if intlValid(nb[:m]) {
			return true
		}
	}
	return false
}

// callingCodeLen returns the length of the country calling code that the
// digits d of an international number start with. The codes are prefix
// free (ITU-T E.164): 1 and 7 have one digit; the two-digit codes are
// listed; every other code has three.
func callingCodeLen(d []byte) int {
	if d[0] == '1' || d[0] == '7' {
		return 1
	}
	switch string(d[:2]) {
	case "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
		"51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86",
		"90", "91", "92", "93", "94", "95", "98":
		return 2
	}
	return 3
}

// intlNetwork reports the calling codes of international networks
// (satellite and global services: +881, +882, +883), which a run of
// digits after "00" matches far more often by chance (PDR 00881100223344)
// than a person writes one.
func intlNetwork(d []byte) bool {
	return len(d) >= 3 && d[0] == '8' && d[1] == '8' && d[2] >= '1' && d[2] <= '3'
}

// smallGroups reports whether no group a..b of t has more than two
// digits.
func smallGroups(t *numTok, a, b int) bool {
	for k := a; k <= b; k++ {
		if t.g[k].len() > 2 {
			return false
		}
	}
	return true
}

// waMe reports whether the number at s[i] is the path of a WhatsApp link
// (wa.me/447700900123), which holds an international number without its
// '+'.
func waMe(s string, i int) bool {
	return i >= 6 && hasSuffixFold(s[:i], "wa.me/")
}

// nationalValid reports whether the sub-token u with digits d is a valid
// number as written at home in a country of the national table.
func nationalValid(s string, u sub, d []byte) bool {
	n := len(d)
	if n > 15 {
		return false
	}
	l := natLeaf(d)
	bit := uint16(1) << n
	if l.valid&bit == 0 {
		return false
	}
	if u.n() == 1 {
		// One run of digits: only a mobile number long enough not to be a
		// count, a timestamp or an ID.
		return l.mobile&bit != 0 && (l.trunk&bit != 0 && n >= 10 || n >= 11)
	}
	if n < 8 {
		return false
	}
	if l.trunk&bit != 0 && trunkGroups(s, u) {
		return true
	}
	return plainNumber(s, u) && l.hasGrouping(u) && plainSeps(s, u)
}

// plainNumber checks what a number written without a trunk prefix needs
// beyond its plan's groups to be read as a phone number without a phone
// word: it is not as easily an amount, a year range or a list. It has nine
// digits or more (ten in two groups; 2019-2020, 5000 6000 are ranges), is
// not all pairs (20 21 22 23), has no group of zeros after the first (500
// 000 000), is not the tail of a number with thousands separators (1 234
// 567 890), and no unit or currency follows it (612 345 678 units).
func plainNumber(s string, u sub) bool {
	n, nd := u.n(), u.digits()
	if nd < 9 || n == 2 && nd < 10 {
		return false
	}
	pairs := true
	for k := 0; k < n; k++ {
		g := u.g(k)
		pairs = pairs && g.len() == 2
		if k > 0 {
			zero := true
			for j := 0; j < g.len(); j++ {
				zero = zero && u.digit(k, j) == '0'
			}
			if zero {
				return false
			}
		}
	}
	return !pairs && !thousandsToken(u.t) && !amountAfter(s, u.end())
}

// thousandsToken reports a token written like a large number with
// thousands separators: a first group of one or two digits, or four groups
// or more, and then groups of exactly three digits.
func thousandsToken(t *numTok) bool {
	if t.n < 3 || t.plus || t.g[0].len() > 3 || t.g[0].paren {
		return false
	}
	for k := 1; k < t.n; k++ {
		if t.g[k].len() != 3 || t.g[k].sep != t.g[1].sep {
			return false
		}
	}
	return t.g[0].len() < 3 || t.n >= 4
}

// amountWords are units, currencies and counted things that follow
// amounts, not phone numbers.
var amountWords = newWordSet(
	"units", "items", "pieces", "people", "persons", "users", "customers", "visitors", "views",
	"downloads", "copies", "times", "records", "rows", "tokens", "bytes", "kb", "mb", "gb", "tb",
	"km", "kg", "tons", "tonnes", "liters", "litres", "euro", "eur", "dollar", "usd", "pln", "zł",
	"czk", "kč", "rub", "руб", "try", "tl", "yen", "yuan", "rmb", "won", "inhabitants", "habitants",
	"einwohner", "personas", "pessoas", "persone", "osób", "человек", "жителей", "€", "$", "£", "¥",
	"₹", "₽", "元", "円", "원", "人", "vnd", "vnđ", "VNĐ", "đ", "₫", "đồng", "triệu", "huf", "ron", "sek", "nok", "dkk", "chf",
	"brl", "r$", "mxn", "inr", "rs", "krw", "jpy", "cny", "aud", "cad", "thb", "idr", "rp", "php", "₱", "egp", "sar", "aed",
	"₺", "₩", "฿", "ريال", "درهم", "جنيه",
)

// amountAfter reports whether a unit, a currency or a counted thing
// follows the number ending at s[end].
func amountAfter(s string, end int) bool {
	i := end
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) {
		return false
	}
	b := amountWords.bucket(lower(s[i]))
	if b == nil {
		return false
	}
	for _, k := range b.words {
		if hasPrefixFold(s[i:], k) && (i+len(k) == len(s) || !isAlpha(s[i+len(k)]) || !isAlpha(k[len(k)-1])) {
			return true
		}
	}
	return false
}

// notPhoneShape reports shapes that are something else whatever the plan
// says: IP addresses and versions, MAC addresses, bit strings, postal
// codes.
func notPhoneShape(s string, u sub) bool {
	n := u.n()
	if n == 4 && u.seps('.') && !u.hasParen() {
		// IP-like: dots only and every group an octet (963.52.18.40 is a
		// Spanish number written with dots).
		long := false
		for k := 0; k < 4; k++ {
			g := u.g(k)
			long = long || g.len() > 3 || g.len() == 3 && octetOver255(s[g.start:g.end])
		}
		if !long {
			return true
		}
	}
	if n == 3 && u.seps('.') && u.g(0).len() == 4 && u.g(1).len() == 4 && u.g(2).len() == 4 {
		return true // 0012.3456.7890: a MAC address as network devices write it
	}
	if n == 2 && u.g(1).sep == '-' && u.g(0).len() == 5 && (u.g(1).len() == 4 || u.g(1).len() == 3) {
		return true // 02110-1301, 01310-100: US ZIP+4 and Brazilian CEP postal codes
	}
	if e := u.end(); e+1 < len(s) && s[e] == '/' && (isAlpha(s[e+1]) || s[e+1] >= 0x80) {
		return true // 0912/2025/HĐ-KT: a reference with its letters
	}
	if numberRange(s, u) {
		return true // 60000-64999: a range of IDs or ports
	}
	if commitLinkText(s, u.t.start, u.end()) {
		return true // [`0123309566`](https://github.com/o/r/commit/0123309566): a commit's hash
	}
	for _, c := range u.num() {
		if c != '0' && c != '1' {
			return false
		}
	}
	return true // 01110/11110 is a bit string
}

// rgbTriplet reports three groups of one to three digits, each 255 or
// less, joined by blanks (205 104 137): a colour, as rgb.txt and palettes
// list them; a phone number's groups rarely all stay under 256.
func rgbTriplet(s string, u sub) bool {
	if u.n() != 3 {
		return false
	}
	for k := 0; k < 3; k++ {
		g := u.g(k)
		if k > 0 && g.sep != ' ' || g.len() > 3 {
			return false
		}
		v := 0
		for j := 0; j < g.len(); j++ {
			v = v*10 + int(u.digit(k, j)-'0')
		}
		if v > 255 {
			return false
		}
	}
	return true
}

// numberRange reports two groups of five digits or more and the same
// length joined by a dash, the second greater than the first and with the
// same first digit, not a trunk prefix (60000-64999, 100000-199999): a
// range, not a number.
func numberRange(s string, u sub) bool {
	if u.n() != 2 || u.g(1).sep != '-' {
		return false
	}
	n := u.g(0).len()
	if n < 5 || u.g(1).len() != n || u.digit(0, 0) == '0' || u.digit(0, 0) != u.digit(1, 0) {
		return false
	}
	for k := 1; k < n; k++ {
		if a, b := u.digit(0, k), u.digit(1, k); a != b {
			return b > a
		}
	}
	return false
}

// commitLinkText reports a number that is the text of a Markdown link
// (in backquotes or not) to a commit: [`0123309566`](https://…/commit/…),
// as changelogs list abbreviated hashes that happen to hold only digits.
func commitLinkText(s string, start, end int) bool {
	if start > 0 && s[start-1] == '`' && end < len(s) && s[end] == '`' {
		start, end = start-1, end+1
	}
	if start == 0 || s[start-1] != '[' || !strings.HasPrefix(s[end:], "](") {
		return false
	}
	target := s[end+2 : min(len(s), end+2+256)]
	if k := strings.IndexAny(target, ") \n"); k >= 0 {
		target = target[:k]
	}
	// A placeholder in the target may have pushed "/commit/" out of the
	// 256 bytes read: it decides as the word would.
	return strings.Contains(target, "/commit/") || strings.Contains(target, "/commits/") || strings.Contains(target, placeholderPrefix)
}

// trunkGroups checks the groups of a number written with a trunk prefix:
// 020 7946 0958, 030 12345678, 06 12 34 56 78, 03-1234-5678, (030) 1234567,
// 8 (912) 345-67-89, 070-123 45 67, 089 / 123 456-0. After the area code
// every group has two or more digits and one kind of separator, except an
// extension after a '-' at the end.
func trunkGroups(s string, u sub) bool {
	n := u.n()
	if n >= 3 && u.g(n-1).sep == '-' && u.g(n-1).len() <= 4 && u.g(n-2).sep != '-' {
		n-- // an extension: 089 / 123 456-0, 030 1234-56
	}
	pairs, zeros := true, true
	for k := 1; k < n; k++ {
		pairs = pairs && u.g(k).len() == 2
		zeros = zeros && u.digit(k, 0) == '0'
	}
	if zeros && n >= 3 {
		return false // 013 014 015, 0069 0307 0300: zero-padded numbers
	}
	// The area code: the first group, or the second after a trunk prefix
	// written alone (8 (912) ..., 1 555 ...).
	area := 0
	if u.g(0).len() <= 2 && n >= 3 && (u.g(1).paren || u.g(0).len() == 1) {
		area = 1
	}
	var sep byte
	uniform := true
	for k := 1; k < n; k++ {
		g := u.g(k)
		if g.len() < 2 || g.paren && k != area {
			return false
		}
		if k <= area+1 {
			continue // the separators around the area code may differ
		}
		if sep == 0 {
			sep = g.sep
		} else if g.sep != sep {
			return false
		}
	}
	if n >= 2 && u.g(1).sep != sep && area == 0 {
		uniform = false
	}
	if pairs && u.g(0).len() == 2 && (uniform && n != 5 || hexNeighbour(s, u.start(), u.end())) {
		return false // 01.02.03.04.05.06 is a MAC address, 4b 03 04 14 00 00 a hex
		// dump; French numbers have five pairs
	}
	return true
}

// plainSeps checks the separators of a number written without a trunk
// prefix, in its plan's groups: one kind, except after "(ddd)".
func plainSeps(s string, u sub) bool {
	pairs := true
	for k := 0; k < u.n(); k++ {
		pairs = pairs && u.g(k).len() == 2
	}
	if pairs && hexNeighbour(s, u.start(), u.end()) {
		return false
	}
	var sep byte
	for k := 1; k < u.n(); k++ {
		g := u.g(k)
		if g.paren {
			return false
		}
		if k == 1 && g.sep == ')' || k == 2 && u.g(0).paren {
			continue
		}
		if sep == 0 {
			sep = g.sep
		} else if g.sep != sep {
			return false
		}
	}
	return true
}

// hexNeighbour reports whether the word before start or after end is a
// two-digit hex byte, as in a hex dump.
func hexNeighbour(s string, start, end int) bool {
	isByte := func(i int) bool { // s[i:i+2] is a hex byte standing alone
		return i >= 0 && i+2 <= len(s) && isHex(s[i]) && isHex(s[i+1]) &&
			(i == 0 || !isAlnum(s[i-1])) && (i+2 == len(s) || !isAlnum(s[i+2]))
	}
	return start >= 3 && s[start-1] == ' ' && isByte(start-3) ||
		end+3 <= len(s) && s[end] == ' ' && isByte(end+1)
}
