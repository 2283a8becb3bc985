package redact

import "strings"

// Context vocabulary of phone numbers beyond the order words of phone.go:
// words that name identifiers a number after them is (national identity,
// tax and company registration numbers), stems that do so only before a
// word for "number" (inquiry number, お問い合わせ番号), words for one-time
// codes, and words for service lines and the apps that reach people by
// their phone number. Each list covers the languages of the phone words.

// idWords name national identity, social security, tax and company
// registration numbers: a number right after one of them (fillers aside,
// or as the end of a compound: Steuer-ID, Kimlik No, 사업자등록번호) is that
// identifier, never a phone number.
var idWords = []string{
	// en
	"ssn", "itin", "nino", "nhs", "medicare", "taxpayer", "passport", "licence", "license", "registration",
	"reg", "ein", "tin", "uen", "crn", "duns", "eori",
	// de
	"steuerid", "idnr", "identifikationsnummer", "ustid", "ustidnr", "ust", "umsatzsteuer",
	"sozialversicherung", "versicherung", "personalausweis", "ausweis", "reisepass", "handelsregister",
	"hrb", "hra", "finanzamt", "svnr", "krankenversicherung", "versichertennummer",
	// fr
	"siret", "siren", "tva", "nir", "insee", "sociale", "rcs", "fiscal", "fiscale", "nif", "numéro fiscal",
	"sécu", "secu", "urssaf",
	// es
	"nie", "cif", "dni", "rfc", "curp", "cuit", "cuil", "rut", "ruc", "nss", "iva", "tributario",
	// pt
	"cpf", "cnpj", "nipc", "rg", "pis", "nis", "contribuinte", "niss", "renavam",
	// it
	"p.iva", "piva", "partita", "codice fiscale", "c.f.", "c.f", "inps", "tessera sanitaria", "pdr",
	// nl
	"bsn", "burgerservicenummer", "sofinummer", "sofi", "kvk", "btw", "rsin", "btw-nummer",
	// pl
	"pesel", "nip", "regon", "krs", "dowodu", "dowód", "paszportu",
	// ru
	"инн", "снилс", "огрн", "огрнип", "кпп", "окпо", "бик", "паспорт", "паспорта", "полис",
	// tr
	"kimlik", "tc", "tckn", "vkn", "vergi", "mersis", "sgk",
	// ar
	"الضريبي", "الضريبية", "ضريبي", "ضريبية", "التجاري", "الهوية", "هوية", "الوطنية", "الإقامة", "جواز", "السفر",
	// hi
	"pan", "aadhaar", "aadhar", "gstin", "पैन", "आधार", "जीएसटी",
	// ja
	"マイナンバー", "法人番号", "個人番号", "免許証", "保険証", "旅券", "税", "インボイス",
	// ko
	"사업자", "사업자등록", "주민등록", "법인", "여권", "외국인등록", "납세",
	// zh
	"身份证", "身份證", "税号", "稅號", "纳税人", "納稅人", "信用代码", "營業執照", "营业执照", "护照", "護照", "社保",
	// vi
	"thuế", "mst", "cccd", "cmnd", "căn cước", "hộ chiếu", "bhxh",
	// id
	"npwp", "nik", "ktp",
	// accounts, patients, students, employees, meters, vehicles
	"tài khoản", "stk", "rachunku", "rachunek", "mrn", "patient", "patienten", "paciente", "matrikel",
	"employee", "mitarbeiter", "staff", "student", "studenten", "zähler", "meter", "mpan", "mprn", "vin",
	"fahrgestell", "chassis", "gutschein", "transaktion", "beleg", "buchung", "lieferschein", "bestätigung",
	"afiliación", "afiliacion",
}

// refStems say "reference" only before a word for "number": "inquiry
// number", "お問い合わせ番号" (but お問い合わせ alone is where to call),
// "문의번호", "insurance number", "national number" of an ID card.
var refStems = []string{
	"inquiry", "enquiry", "insurance", "social", "sociale", "contrato", "contratto", "dossier", "cliente", "national", "identity", "identification", "contract",
	"membership", "case", "application", "certificate", "document", "voucher",
	"versicherung", "ausweis", "vertrag", "kunden", "mitglied",
	"sécurité", "securite", "contrat", "adhérent", "sécurité sociale",
	"seguro", "seguridad social", "identidad", "contrato", "socio", "segurança social", "identidade",
	"previdenza", "tessera", "verzekering", "klant", "lid",
	"ubezpieczenia", "klienta", "umowy", "страхового", "полиса", "договора", "клиента",
	"sigorta", "müşteri", "sözleşme", "التأمين", "العقد", "العميل", "بيمه",
	"बीमा", "ग्राहक", "पहचान",
	"問い合わせ", "問合せ", "お問合せ", "管理", "整理", "契約", "お客様", "申込", "登録", "照会",
	"確認", "認証", "証明書", "製造", "品", "型", "控え",
	"문의", "접수", "고객", "회원", "등록", "승인", "계약", "증명서",
	"查询", "客户", "客戶", "会员", "會員", "合同", "证件", "證件", "注册", "註冊", "备案", "保单", "保單",
	"hợp đồng", "khách hàng", "bảo hiểm", "tra cứu",
}

// codeWords name one-time codes, TANs and PINs: a number near one ("Kod
// SMS do autoryzacji przelewu: 4471 8820", "SMS code 4471 8820", "验证码
// 44718820") is a code, although "SMS" is a phone word.
var codeWords = []string{
	"code", "codes", "kod", "kodu", "kode", "cod", "codigo", "código", "codice", "tan", "mtan", "smstan",
	"otp", "pin", "passcode", "2fa", "mfa", "verification", "verify", "verifizierung", "bestätigung",
	"bestätigungscode", "autorisierung", "vérification", "verificación", "verificação", "verifica",
	"verificatie", "weryfikacyjny", "autoryzacji", "код", "кода", "подтверждения", "doğrulama", "onay",
	"şifre", "رمز", "التحقق", "कोड", "ओटीपी", "認証", "確認コード", "ワンタイム", "인증", "인증번호",
	"验证码", "驗證碼", "校验码", "动态码", "mã xác", "mã otp", "xác thực", "xác minh",
}

// serviceWords name service lines and the apps that reach people by
// their phone number: a number after one is a phone number in any of the
// shapes a phone word allows ("Hotline: 1900 1234", "고객센터 1588-1234",
// "Zelle payment to 2125550147").
var serviceWords = []string{
	"hotline", "helpline", "help line", "support line", "call center", "call centre", "callcenter",
	"toll-free", "toll free", "tollfree", "freephone", "customer service", "customer care", "switchboard",
	"zelle", "venmo", "cash app", "cashapp", "paytm", "phonepe", "gpay", "m-pesa", "mpesa", "bizum",
	"swish", "twint", "mbway", "mb way", "viber", "telegram", "signal", "imessage", "facetime", "wechat",
	"kakaotalk", "text me", "texting", "liga", "ligue-me", "bel", "bellen", "llámame", "llame", "chiamami",
	"ara", "arayın", "arayin", "zadzwoń", "dzwoń", "zadzwonić", "zadzwonic", "dzwonić", "звоните", "звонить", "gọi", "anruf",
	"richiamatemi", "richiamami", "rappelez-moi", "rappelle-moi", "rückruf", "zurückrufen", "oddzwoń", "oddzwonię",
	"перезвоните", "перезвони", "geri ara", "回电", "回拨", "折り返し", "gọi lại", "miễn phí", "stacjonarny",
	"komórkowy", "komórka", "komórki",
	"centralita", "centralino", "الرقم الموحد",
	"servicenummer", "kundenservice", "kundendienst", "numéro vert", "service client", "servicio al cliente",
	"atención al cliente", "atendimento", "sac", "servizio clienti", "klantenservice", "infolijn",
	"infolinia", "горячая линия", "горячей линии", "müşteri hizmetleri", "çağrı merkezi",
	"خدمة العملاء", "الخط الساخن", "هاتفي", "हेल्पलाइन", "टोल फ्री", "コールセンター", "フリーダイヤル",
	"ナビダイヤル", "お客様センター", "고객센터", "콜센터", "대표번호", "상담센터", "客服", "热线", "熱線",
	"服务热线", "客服电话", "tổng đài", "đường dây nóng", "chăm sóc khách hàng",
}

// callParticles and callWords follow a number in the languages that put
// the verb last: "1588-1234로 전화", "0570-000-123 までお電話", "444 0
// 123'ü arayın", "1800 123 4567 पर कॉल करें".
var (
	callParticles = []string{"번으로", "으로", "로", "에게", "에", "번", "までに", "まで", "に", "へ", "'ya", "'yı", "'yi", "'yu", "'yü", "'e", "'a", "'ü", "'u", "पर", "को", "на", "по"}
	callWords     = []string{"전화", "연락", "문의", "통화", "電話", "お電話", "ご連絡", "連絡", "お問い合わせ", "arayın", "arayin", "arayabilirsiniz", "कॉल", "फोन", "फ़ोन", "संपर्क", "звоните", "позвоните", "звонить", "拨打", "致电", "gọi"}
)

// callFirst holds the first bytes of callParticles and callWords.
var callFirst = func() (t [256]bool) {
	for _, l := range [][]string{callParticles, callWords} {
		for _, w := range l {
			t[w[0]] = true
		}
	}
	return t
}()

// callAfter reports whether a word for calling follows the number that
// ends at s[end], after blanks and a particle. Words beyond ASCII may run
// on (전화했어요, お電話ください).
func callAfter(s string, end int) bool {
	i := skipBlanks(s, end)
	if i >= len(s) || !callFirst[s[i]] {
		return false // no particle or word starts with this byte
	}
	for _, p := range callParticles {
		if strings.HasPrefix(s[i:], p) {
			i = skipBlanks(s, i+len(p))
			break
		}
	}
	for _, w := range callWords {
		if strings.HasPrefix(s[i:], w) && (w[0] >= 0x80 || i+len(w) == len(s) || !isAlpha(s[i+len(w)])) {
			return true
		}
	}
	return false
}
