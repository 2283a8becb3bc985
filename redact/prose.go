package redact

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Passwords and PINs stated in prose, in many languages: "my password is
// hunter2", "the PIN is 4821", "das Passwort lautet X", "mot de passe : X",
// "contraseña es X", "senha é X", "пароль X", "şifrem X", "كلمة المرور X",
// "パスワードは X", "密码是X", and passphrases after such words. Prose that
// only mentions passwords ("forgot your password?", "the password must
// have 8 characters", "Passwort ist falsch") stays.
//
// The finder is called at a word for password. It skips a connector (a
// copula such as "is", "ist", "lautet", "est", "es", "é", "è", "to", "это",
// "là", "は", "是", or a ':', '=' or dash), possibly after a short phrase
// ("for the wifi"), and reads the value. The value must look like a secret:
// a digit, a symbol or mixed case, a passphrase of three or more words, or
// a quoted string; a plain word only after a first-person cue ("my
// password is sunshine") and when it is not one of the words prose puts
// there ("incorrect", "falsch", ...). A PIN is 4 to 12 digits.

// proseWord is a word that names a password, PIN or passphrase.
type proseWord struct {
	w      string // lower case
	kind   byte   // 'p' password, 'n' PIN, 'f' passphrase, 's' API key or token, 'g' a bare word for a secret, 'w' a network or login before a slash, 'c' a word for code that needs a lock in its clause
	suffix bool   // may carry a short suffix (Turkish şifrem, şifreniz)
}

var proseWords = []proseWord{
	{"password", 'p', false}, {"passwd", 'p', false}, {"pwd", 'p', false}, {"pw", 'p', false}, {"passcode", 'p', false},
	// The misspellings and short forms people type in chat.
	{"pasword", 'p', false}, {"passwrod", 'p', false}, {"passowrd", 'p', false}, {"passwrd", 'p', false},
	{"paswd", 'p', false}, {"pswd", 'p', false}, {"psw", 'p', false}, {"wifi pass", 'p', false}, {"wi-fi pass", 'p', false},
	{"ww", 'p', false}, {"الباسورد", 'p', false}, {"باسورد", 'p', false}, {"الباسوورد", 'p', false},
	{"pass code", 'p', false}, {"passphrase", 'f', false}, {"pass phrase", 'f', false},
	{"pin code", 'n', false}, {"pincode", 'n', false}, {"pin number", 'n', false}, {"pin", 'n', false},
	{"passwort", 'p', false}, {"kennwort", 'p', false}, {"geheimzahl", 'n', false},
	{"mot de passe", 'p', false}, {"mdp", 'p', false}, {"code pin", 'n', false}, {"code secret", 'p', false},
	{"contraseña", 'p', false}, {"contrasena", 'p', false}, {"clave", 'p', false},
	{"senha", 'p', false}, {"palavra-passe", 'p', false},
	{"parola d'ordine", 'p', false}, {"wachtwoord", 'p', false},
	{"hasło", 'p', false}, {"haslo", 'p', false}, {"hasła", 'p', false},
	{"пароль", 'p', false}, {"пин-код", 'n', false}, {"пин", 'n', false},
	{"şifre", 'p', true}, {"sifre", 'p', true}, {"parola", 'p', true},
	{"كلمة المرور", 'p', false}, {"كلمة السر", 'p', false}, {"الرقم السري", 'n', false},
	{"पासवर्ड", 'p', false}, {"पिन", 'n', false}, {"पिन कोड", 'n', false}, {"पिनकोड", 'n', false},
	{"パスワード", 'p', false}, {"暗証番号", 'n', false}, {"パスコード", 'p', false},
	{"비밀번호", 'p', false}, {"비번", 'p', false}, {"암호", 'p', false}, {"패스워드", 'p', false},
	{"pin 번호", 'n', false}, {"pin번호", 'n', false}, {"pin码", 'n', false}, {"pin 码", 'n', false},
	{"pin kodu", 'n', true}, {"pin-kod", 'n', false}, {"pin-код", 'n', false}, {"pin numarası", 'n', false},
	{"密码", 'p', false}, {"密碼", 'p', false}, {"口令", 'p', false},
	{"mật khẩu", 'p', false}, {"mat khau", 'p', false}, {"kata sandi", 'p', false},
	{"lösenord", 'p', false}, {"passord", 'p', false}, {"adgangskode", 'p', false}, {"heslo", 'p', false},
	{"κωδικός", 'p', false}, {"סיסמה", 'p', false}, {"סיסמא", 'p', false}, {"رمز عبور", 'p', false},
	// Passphrases, recovery phrases and Wi-Fi keys.
	{"phrase secrète", 'f', false}, {"phrase de passe", 'f', false}, {"kennsatz", 'f', false}, {"passsatz", 'f', false},
	{"frase de contraseña", 'f', false}, {"frase secreta", 'f', false}, {"frase de paso", 'f', false},
	{"frase-senha", 'f', false}, {"frase segreta", 'f', false}, {"wachtzin", 'f', false}, {"fraza hasła", 'f', false},
	{"кодовая фраза", 'f', false}, {"парольная фраза", 'f', false}, {"секретная фраза", 'f', false},
	{"gizli cümle", 'f', false}, {"parola cümlesi", 'f', false}, {"عبارة المرور", 'f', false}, {"العبارة السرية", 'f', false},
	{"पासफ़्रेज़", 'f', false}, {"パスフレーズ", 'f', false}, {"合言葉", 'f', false}, {"암호 문구", 'f', false},
	{"비밀 문구", 'f', false}, {"密码短语", 'f', false}, {"口令短语", 'f', false}, {"cụm mật khẩu", 'f', false},
	{"frasa sandi", 'f', false}, {"secret phrase", 'f', false},
	// Codes of doors, gates, key safes, alarms and SIM cards, read like
	// PINs: the code word and the lock, or the lock alone ("the lockbox
	// is 4096", "Schlüsselsafe neben der Haustür, Code 3107").
	{"door code", 'n', false}, {"gate code", 'n', false}, {"alarm code", 'n', false}, {"entry code", 'n', false},
	{"access code", 'n', false}, {"garage code", 'n', false}, {"keypad", 'n', false}, {"lockbox", 'n', false},
	{"lock box", 'n', false}, {"padlock code", 'n', false}, {"puk", 'n', false},
	{"türcode", 'n', false}, {"tür-code", 'n', false}, {"zugangscode", 'n', false},
	{"alarmcode", 'n', false}, {"haustürcode", 'n', false}, {"schlüsselsafe", 'n', false}, {"schlüsselkasten", 'n', false},
	{"schlüsseltresor", 'n', false}, {"schlüsselbox", 'n', false}, {"zahlenschloss", 'n', false},
	{"digicode", 'n', false}, {"code de la porte", 'n', false}, {"code porte", 'n', false}, {"code d'accès", 'n', false},
	{"code d’accès", 'n', false}, {"code de l'alarme", 'n', false}, {"code alarme", 'n', false}, {"code du portail", 'n', false},
	{"code d'entrée", 'n', false}, {"code de l'immeuble", 'n', false}, {"code du cadenas", 'n', false},
	{"boîte à clés", 'n', false}, {"boîte à clé", 'n', false}, {"boite à clés", 'n', false},
	{"código de la puerta", 'n', false}, {"código de acceso", 'n', false}, {"código de la alarma", 'n', false},
	{"código del portal", 'n', false}, {"código de entrada", 'n', false}, {"código del candado", 'n', false},
	{"caja de llaves", 'n', false}, {"código da porta", 'n', false}, {"código da fechadura", 'n', false},
	{"código de acesso", 'n', false}, {"código do alarme", 'n', false}, {"código do portão", 'n', false},
	{"código do cofre", 'n', false}, {"cofre de chaves", 'n', false}, {"caixa de chaves", 'n', false},
	{"codice del portone", 'n', false}, {"codice di accesso", 'n', false}, {"codice d'accesso", 'n', false},
	{"codice dell'allarme", 'n', false}, {"codice della porta", 'n', false}, {"codice del cancello", 'n', false},
	{"codice del citofono", 'n', false}, {"cassetta delle chiavi", 'n', false}, {"cassetta portachiavi", 'n', false},
	{"deurcode", 'n', false}, {"toegangscode", 'n', false}, {"inlogcode", 'n', false}, {"poortcode", 'n', false}, {"sleutelkluis", 'n', false},
	{"sleutelkastje", 'n', false}, {"kod do drzwi", 'n', false}, {"kod domofonu", 'n', false}, {"kod do domofonu", 'n', false},
	{"kod do bramy", 'n', false}, {"kod alarmu", 'n', false}, {"kod dostępu", 'n', false}, {"kod do sejfu", 'n', false},
	{"kod do skrzynki", 'n', false}, {"kod do klatki", 'n', false}, {"kod do furtki", 'n', false}, {"kod furtki", 'n', false}, {"код от подъезда", 'n', false}, {"код подъезда", 'n', false},
	{"код домофона", 'n', false}, {"код от домофона", 'n', false}, {"код двери", 'n', false}, {"код от двери", 'n', false},
	{"код сигнализации", 'n', false}, {"код доступа", 'n', false}, {"код от сейфа", 'n', false}, {"код замка", 'n', false},
	{"код от калитки", 'n', false}, {"код калитки", 'n', false}, {"код от ворот", 'n', false},
	{"kapı kodu", 'n', true}, {"kapı şifre", 'n', true}, {"alarm kodu", 'n', true}, {"giriş kodu", 'n', true},
	{"erişim kodu", 'n', true}, {"anahtar kutusu", 'n', true}, {"kapısının kodu", 'n', true}, {"kapının kodu", 'n', true},
	{"رمز الباب", 'n', false}, {"رمز باب", 'n', false}, {"كود باب", 'n', false}, {"رمز بوابة", 'n', false}, {"رمز الدخول", 'n', false}, {"رمز البوابة", 'n', false}, {"رمز الإنذار", 'n', false},
	{"رمز القفل", 'n', false}, {"كود الباب", 'n', false}, {"رمز الوصول", 'n', false}, {"كود الدخول", 'n', false},
	{"दरवाज़े का कोड", 'n', false}, {"दरवाजे का कोड", 'n', false}, {"गेट कोड", 'n', false}, {"एक्सेस कोड", 'n', false},
	{"अलार्म कोड", 'n', false}, {"लॉकर कोड", 'n', false}, {"डोर कोड", 'n', false},
	{"ドアコード", 'n', false}, {"解錠番号", 'n', false}, {"解錠コード", 'n', false}, {"キーボックス", 'n', false},
	{"オートロック番号", 'n', false}, {"출입 코드", 'n', false}, {"출입코드", 'n', false}, {"도어락 번호", 'n', false},
	{"도어락번호", 'n', false}, {"门禁码", 'n', false}, {"开门码", 'n', false}, {"门禁卡密码", 'n', false},
	{"mã khóa cửa", 'n', false}, {"mã khoá cửa", 'n', false}, {"mã cửa", 'n', false}, {"mã cổng", 'n', false},
	{"mã két", 'n', false}, {"mã báo động", 'n', false}, {"mã truy cập", 'n', false}, {"mã pin", 'n', false},
	// Lock words whose code may follow a few words later, and words for
	// "code" and "number" that name a lock's code when the clause names
	// the lock (kind 'c', see lockcode.go). No English word here starts
	// with a common trigram ("com", "int", "ent"): each would cost the
	// keyword pass at every offset that shares it.
	{"locker combo", 'n', false}, {"unlock code", 'n', false}, {"phone unlock", 'n', false}, {"lock screen", 'n', false},
	{"schlüsselbox-code", 'n', false}, {"handy-code", 'n', false},
	{"code confidentiel", 'n', false}, {"code de déverrouillage", 'n', false}, {"code interphone", 'n', false},
	{"código de desbloqueo", 'n', false}, {"código de desbloqueio", 'n', false},
	{"codice allarme", 'n', false}, {"codice sblocco", 'n', false}, {"codice di sblocco", 'n', false}, {"codice citofono", 'n', false},
	{"telefoon ontgrendelen", 'n', false}, {"pincode pas", 'n', false},
	{"blokada telefonu", 'n', false}, {"kod blokady", 'n', false}, {"kod odblokowania", 'n', false},
	{"код разблокировки", 'n', false}, {"код ключницы", 'n', false}, {"код от ключницы", 'n', false},
	{"telefon kilidi", 'n', true}, {"ekran kilidi", 'n', true},
	{"قفل الهاتف", 'n', false}, {"رمز صندوق المفاتيح", 'n', false}, {"رمز الصندوق", 'n', false},
	{"फ़ोन लॉक", 'n', false}, {"फोन लॉक", 'n', false}, {"एटीएम पिन", 'n', false},
	{"オートロック", 'n', false}, {"解除コード", 'n', false}, {"スマホのロック", 'n', false}, {"画面ロック", 'n', false},
	{"도어락", 'n', false}, {"휴대폰 잠금", 'n', false}, {"잠금 비밀번호", 'n', false}, {"화면 잠금", 'n', false},
	{"解除码", 'n', false}, {"锁屏", 'n', false}, {"门禁密码", 'n', false},
	{"khóa điện thoại", 'n', false}, {"mã mở khóa", 'n', false}, {"mã hộp", 'n', false},
	{"code", 'c', false}, {"código", 'c', false}, {"codigo", 'c', false}, {"codice", 'c', false}, {"kod", 'c', false},
	{"код", 'c', false}, {"mã", 'c', false}, {"الرمز", 'c', false}, {"الكود", 'c', false}, {"कोड", 'c', false},
	{"番号", 'c', false}, {"번호", 'c', false}, {"комбинация", 'c', false}, {"szyfr", 'c', false},
	// Wi-Fi passwords named in other words.
	{"code wifi", 'p', false}, {"code wi-fi", 'p', false}, {"code du wifi", 'p', false}, {"pass wifi", 'p', false},
	// A network or a login and its password after a slash: "wifi:
	// MaisonDupont / Soleil-2024-x", "login me@example.com / Kettle#Lamp2024".
	{"wifi", 'w', false}, {"wi-fi", 'w', false}, {"wlan", 'w', false}, {"login", 'w', false},
	{"pass", 'p', false},
	// Slang and transliterations of the word, which are other words too
	// (contra, parol, mima): read like "pass", only before a value of
	// mixed classes (weakPasswordWords).
	{"contra", 'p', false}, {"пасс", 'p', false}, {"parol", 'p', false}, {"mima", 'p', false},
	{"pasuwado", 'p', false}, {"paasword", 'p', false}, {"mk", 'p', false}, {"パス", 'p', false},
	// Headings of a list of passwords, one per line (kind 'l').
	{"passwords", 'l', false}, {"passwörter", 'l', false}, {"kennwörter", 'l', false}, {"mots de passe", 'l', false},
	{"contraseñas", 'l', false}, {"senhas", 'l', false}, {"wachtwoorden", 'l', false}, {"hasła", 'l', false},
	{"пароли", 'l', false}, {"şifreler", 'l', false}, {"كلمات المرور", 'l', false}, {"パスワード一覧", 'l', false},
	{"비밀번호 목록", 'l', false}, {"密码列表", 'l', false}, {"danh sách mật khẩu", 'l', false}, {"पासवर्ड सूची", 'l', false},
	{"الواي فاي", 'w', false}, {"واي فاي", 'w', false}, {"वाईफाई", 'w', false}, {"वाई-फाई", 'w', false},
	{"와이파이", 'w', false}, {"вайфай", 'w', false}, {"вай-фай", 'w', false}, {"ワイファイ", 'w', false},
	{"identifiants", 'w', false}, {"credentials", 'w', false}, {"creds", 'w', false}, {"zugangsdaten", 'w', false}, {"credenciales", 'w', false},
	{"credenciais", 'w', false}, {"credenziali", 'w', false}, {"inloggegevens", 'w', false}, {"dane logowania", 'w', false},
	{"учётные данные", 'w', false}, {"учетные данные", 'w', false}, {"giriş bilgileri", 'w', false},
	{"بيانات الدخول", 'w', false}, {"ログイン情報", 'w', false}, {"로그인 정보", 'w', false}, {"登录信息", 'w', false},
	{"thông tin đăng nhập", 'w', false},
	{"pass wi-fi", 'p', false}, {"mk wifi", 'p', false}, {"كلمة مرور", 'p', false}, {"كلمة سر", 'p', false},
	{"wifi key", 'p', false}, {"wi-fi key", 'p', false}, {"wlan key", 'p', false}, {"network key", 'p', false},
	{"wpa key", 'p', false}, {"wpa2 key", 'p', false}, {"psk", 'p', false}, {"pre-shared key", 'p', false},
	{"preshared key", 'p', false}, {"netzwerkschlüssel", 'p', false}, {"wlan-schlüssel", 'p', false},
	{"clé wifi", 'p', false}, {"clé wi-fi", 'p', false}, {"clé de sécurité réseau", 'p', false}, {"clave wifi", 'p', false},
	{"clave de red", 'p', false}, {"chave de rede", 'p', false}, {"chiave di rete", 'p', false}, {"netwerksleutel", 'p', false},
	{"klucz sieci", 'p', false}, {"ключ сети", 'p', false}, {"ağ anahtarı", 'p', false}, {"ネットワークキー", 'p', false},
	{"네트워크 키", 'p', false}, {"网络密钥", 'p', false}, {"khóa mạng", 'p', false},
	// API keys and tokens.
	{"api key", 's', false}, {"api-key", 's', false}, {"apikey", 's', false}, {"api token", 's', false},
	{"access token", 's', false}, {"access key", 's', false}, {"secret key", 's', false}, {"auth token", 's', false},
	{"client secret", 's', false}, {"license key", 's', false}, {"secret token", 's', false}, {"bot token", 's', false},
	{"licence key", 's', false}, {"api-schlüssel", 's', false}, {"schlüssel", 's', false}, {"zugangstoken", 's', false},
	{"clé api", 's', false}, {"clé d'api", 's', false}, {"clé secrète", 's', false}, {"jeton", 's', false},
	{"clave de api", 's', false}, {"clave api", 's', false}, {"chave de api", 's', false}, {"chave api", 's', false},
	{"chiave api", 's', false}, {"api-sleutel", 's', false}, {"sleutel", 's', false}, {"klucz api", 's', false},
	{"ключ api", 's', false}, {"api-ключ", 's', false}, {"токен", 's', false}, {"api anahtarı", 's', true},
	{"anahtar", 's', true}, {"gizli anahtar", 's', true}, {"apiキー", 's', false}, {"api キー", 's', false}, {"アクセストークン", 's', false},
	{"トークン", 's', false}, {"api 키", 's', false}, {"토큰", 's', false}, {"api密钥", 's', false},
	{"api 密钥", 's', false}, {"密钥", 's', false}, {"令牌", 's', false}, {"访问令牌", 's', false},
	{"token", 'g', false}, {"key", 'g', false}, {"secret", 'g', false}, {"credential", 'g', false},
	{"clé", 'g', false}, {"chave", 'g', false}, {"chiave", 'g', false}, {"klucz", 'g', false},
	{"ключ", 'g', false}, {"キー", 'g', false}, {"키", 'g', false}, {"khóa", 'g', false}, {"kunci", 'g', false},
	{"مفتاح", 'g', false}, {"कुंजी", 'g', false}, {"टोकन", 'g', false}, {"رمز", 'g', false},
	{"kunci api", 's', false}, {"token api", 's', false}, {"mã api", 's', false}, {"مفتاح api", 's', false},
	// Secret keys named in one word or a fixed pair; a bare word for a
	// key is made definite by the word before or after it (see
	// prosesecret.go).
	{"clave secreta", 's', false}, {"chave secreta", 's', false}, {"chiave segreta", 's', false},
	{"clé privée", 's', false}, {"khóa bí mật", 's', false}, {"गुप्त कुंजी", 's', false}, {"api कुंजी", 's', false}, {"एपीआई कुंजी", 's', false},
	{"秘密鍵", 's', false}, {"署名鍵", 's', false}, {"シークレットキー", 's', false}, {"비밀 키", 's', false},
	{"시크릿 키", 's', false}, {"私钥", 's', false}, {"秘钥", 's', false}, {"签名密钥", 's', false},
	{"geheimnis", 'g', false}, {"segreto", 'g', false}, {"segredo", 'g', false}, {"sekret", 'g', false},
	{"секрет", 'g', false}, {"シークレット", 'g', false}, {"시크릿", 'g', false},
	{"secreto", 'g', false}, {"السري", 'g', false}, {"सीक्रेट", 'g', false}, {"सीक्रेट की", 's', false},
}

// useWords before a bare word for a secret let its value follow without
// a connector ("use token X", "with key X").
var useWords = newWordSet("use", "using", "with", "via", "try")

// skipBlanksBack returns i moved back over ASCII blanks.
func skipBlanksBack(s string, i int) int {
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
		i--
	}
	return i
}

// bareSecretWords are the ASCII words of kind 'g'.
var bareSecretWords = []string{"token", "key", "secret", "credential", "geheimnis", "segreto", "segredo", "sekret"}

// secret reports whether the word names an API key, a token or another
// secret rather than a password or a PIN.
func (w proseWord) secret() bool { return w.kind == 's' || w.kind == 'g' }

// hashOrID reports a value shaped like a digest or an identifier rather
// than a credential: 40 or 64 hex digits (git and SHA-256 digests), a
// UUID, or a key fingerprint.
func hashOrID(v string) bool {
	if (len(v) == 40 || len(v) == 64) && allFunc(v, isHexByte) {
		return true
	}
	return isUUID(v) || keyFingerprint(v)
}

// proseTitles[i] is proseWords[i] capitalized, if its first letter is
// outside ASCII and has an upper case (Пароль, Şifre), else "";
// proseUppers[i] is it in capitals if that differs again (ПИН).
var proseTitles, proseUppers = func() (t, u []string) {
	t = make([]string, len(proseWords))
	u = make([]string, len(proseWords))
	for i, w := range proseWords {
		t[i] = titleVariant(w.w)
		if t[i] != "" {
			if up := strings.ToUpper(w.w); up != t[i] {
				u[i] = up
			}
		}
	}
	return t, u
}()

// proseKeywords returns the keywords of a prose rule (of the API key and
// token words if secret, else of the others): each word, and its
// capitalized form when it starts with a letter outside ASCII (Пароль,
// Şifre, Κωδικός). The password words of several words are keyed by their
// first word and the first byte of the next ("code d" for code de la
// porte, code d'accès, code du portail), and a keyword that another one
// starts with makes that one redundant ("wifi" and "wifi key"): the finder
// reads the longest word at the keyword itself, and the clean path pays
// for each keyword whose first three bytes a text's words share.
func proseKeywords(secret bool) []string {
	out := make([]string, 0, len(proseWords)+8)
	add := func(k string) {
		if !secret {
			if i := strings.IndexByte(k, ' '); i > 0 && i+2 < len(k) {
				k = k[:i+2]
			}
		}
		out = append(out, k)
	}
	for i, w := range proseWords {
		if w.secret() != secret {
			continue
		}
		if len(w.w) < 3 {
			// A two-byte keyword would cost a comparison at one offset in
			// thirty of every text; "pw" is only followed by these (は
			// in Japanese: pwはX; ? in "db pw? it's X").
			out = append(out, w.w+":", w.w+" ", w.w+"=", w.w+"\t", w.w+"：", w.w+"は", w.w+"?")
			continue
		}
		add(w.w)
		if proseTitles[i] != "" {
			add(proseTitles[i])
		}
		if proseUppers[i] != "" {
			add(proseUppers[i])
		}
	}
	if secret {
		return out
	}
	// Drop duplicates and keywords that start with another keyword.
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(asciiLower(a), asciiLower(b)) })
	kept := out[:0]
	for _, k := range out {
		if n := len(kept); n > 0 && hasPrefixFold(k, kept[n-1]) {
			continue
		}
		kept = append(kept, k)
	}
	return kept
}

// titleVariant returns w with its first letter in upper case if that
// letter is outside ASCII and has an upper case, else "".
func titleVariant(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	if r < 0x80 || unicode.ToUpper(r) == r {
		return ""
	}
	return string(unicode.ToUpper(r)) + w[n:]
}

// proseWordAt returns the longest word of proseWords at s[i] (in either of
// its forms) and its length in s.
func proseWordAt(s string, i int) (proseWord, int) {
	var best proseWord
	n := 0
	if i+1 >= len(s) {
		return best, 0
	}
	t := lowerWord(s[i:])
	for _, e := range proseByFirst[proseHash(byte(t), byte(t>>8))] {
		if t&e.mask != e.pre {
			continue // most words differ in their first eight bytes
		}
		w := proseWords[e.k]
		m := 0
		switch f := proseForm(e.k, e.form); {
		case e.form == 0 && hasPrefixFold(s[i:], f), e.form != 0 && strings.HasPrefix(s[i:], f):
			m = len(f)
		}
		if m > n {
			best, n = w, m
		}
	}
	return best, n
}

// proseForm returns form f of word k: 0 as written, 1 capitalized, 2 in
// capitals.
func proseForm(k int, f uint8) string {
	switch f {
	case 1:
		return proseTitles[k]
	case 2:
		return proseUppers[k]
	}
	return proseWords[k].w
}

// connectors join a password word to its value. Longer ones come first
// where one is a prefix of another.
var connectors = []string{
	// nl, pl: longer than the English "is" and "to" they start with
	"is nog steeds", "is nog", "is nu", "to nadal",
	// en
	"is now", "is still", "is:", "is", "was", "will be", "would be", "should be", "has been changed to",
	"has been set to", "has been reset to", "changed to", "set to", "reset to", "updated to", "to", "reads", "says",
	// de
	"ist immer noch", "ist noch", "immer noch", "ist jetzt", "ist", "lautet", "war", "heißt", "heisst", "wurde geändert in",
	// fr
	"est toujours", "est maintenant", "est :", "est", "était", "c'est", "c’est", "sera", "toujours",
	// es, pt, it
	"sigue siendo", "sigue", "todavía es", "aún es", "fue cambiada a", "se cambió a", "cambió a", "es", "era", "será",
	"foi alterada para", "foi alterado para", "foi trocada para", "mudou para", "ainda é", "continua sendo", "continua",
	"è stata cambiata in", "è stato cambiato in", "a été changé en", "a été changée en", "gewijzigd in", "veranderd in",
	"é", "è ancora", "è", "e'", "sarà", "é:", "sera", "ancora",
	// nl, pl, ru, uk
	"nog steeds", "luidt", "wordt", "jest", "brzmi", "nadal", "wciąż", "to",
	"всё ещё", "все еще", "всё так же", "это", "будет", "теперь", "сейчас", "была", "было", "был", "była", "było", "był",
	"изменён на", "изменен на", "поменяли на", "сменили на", "поставил", "поставила", "установил", "установила",
	"zmienione na", "zmieniono na", "є", "hâlâ", "hala", "halen", "artık",
	// ar, tr, vi, id, sv, da, no, cs, el, he
	"لسه", "لا يزال", "لا تزال", "مازال", "ما زال", "كانت", "كان", "إلى", "الى", "صارت", "صار", "बदलकर", "أصبحت", "اصبحت", "أصبح", "هي", "هو", "अभी भी", "अब", "है", "vẫn là", "vẫn", "là", "adalah", "yaitu", "ialah", "är", "er", "είναι", "הוא", "היא",
	// ja, ko, zh (particles written right after the word)
	"はまだ", "は今", "はいま", "は", "が", "：", "아직도", "아직", "는", "은", "이", "가", "还是", "仍然是", "依然是", "现在是",
	"改成了", "改为了", "换成了", "改成", "改为", "换成", "变成", "是", "为", "為", "を", "를", "을",
	// punctuation
	"=>", "->", "→", "←", ":", "=", "-", "—", "–",
}

// changeConnectors say what a password is now or became ("пароль
// теперь X", "密码改成X", "كلمة السر صارت X", "पासवर्ड अब X है"); a verb or
// an adjective follows them as often ("пароль теперь недействителен",
// "şifrem artık çalışmıyor"), so a plain word after them is no password.
var changeConnectors = newWordSet("is nu", "теперь", "сейчас", "artık", "изменён на", "изменен на", "поменяли на", "сменили на",
	"поставил", "поставила", "установил", "установила", "改成了", "改为了", "换成了", "を", "를", "을", "إلى", "الى", "बदलकर",
	"zmienione na", "zmieniono na", "fue cambiada a", "se cambió a", "cambió a", "foi alterada para", "foi alterado para",
	"foi trocada para", "mudou para", "è stata cambiata in", "è stato cambiato in", "a été changé en", "a été changée en",
	"gewijzigd in", "veranderd in", "صارت", "صار", "أصبحت", "اصبحت", "أصبح", "अब",
	"は今", "はいま", "现在是", "改成", "改为", "换成", "变成")

// dutchParticiple reports a Dutch past participle ("veranderd",
// "gewijzigd", "vergeten", "ontgrendeld"): what "mijn wachtwoord is"
// says happened to it, not what it is.
func dutchParticiple(w string) bool {
	if len(w) < 6 || !(strings.HasPrefix(w, "ge") || strings.HasPrefix(w, "ver") || strings.HasPrefix(w, "be") || strings.HasPrefix(w, "ont")) {
		return false
	}
	return strings.HasSuffix(w, "d") || strings.HasSuffix(w, "t") || strings.HasSuffix(w, "en")
}

// connectorsByFirst holds the connectors by their first byte, in the
// order of connectors.
var connectorsByFirst = func() (t [256][]string) {
	for _, c := range connectors {
		t[c[0]] = append(t[c[0]], c)
	}
	return t
}()

// proseEntry is one form of a word of proseWords, filed by its first two
// bytes, with its first eight bytes (ASCII letters in lower case) as a
// little-endian word and the mask of its length.
type proseEntry struct {
	k         int
	form      uint8 // see proseForm
	pre, mask uint64
}

// lowerWord returns up to eight bytes of s as a little-endian word, ASCII
// letters in lower case.
func lowerWord(s string) uint64 {
	var w uint64
	for k := 0; k < 8 && k < len(s); k++ {
		w |= uint64(lower(s[k])) << (8 * k)
	}
	return w
}

// proseHash files a word by its first two bytes, ASCII letters folded.
func proseHash(b0, b1 byte) int { return (int(b0)*31 + int(b1)) & 511 }

// proseByFirst holds the forms of proseWords (as written, capitalized, in
// capitals) by a hash of their first two bytes: a keyword occurrence
// compares the few words that start like it, however many words there
// are.
var proseByFirst = func() (t [512][]proseEntry) {
	for i := range proseWords {
		for f := uint8(0); f < 3; f++ {
			w := proseForm(i, f)
			if w == "" || f > 0 && (w == proseWords[i].w || f == 2 && w == proseTitles[i]) {
				continue
			}
			pre := lowerWord(w)
			mask := ^uint64(0)
			if len(w) < 8 {
				mask = 1<<(8*len(w)) - 1
			}
			h := proseHash(byte(pre), byte(pre>>8))
			t[h] = append(t[h], proseEntry{k: i, form: f, pre: pre, mask: mask})
		}
	}
	return t
}()

// phraseWords may stand between a password word and its connector ("the
// password for the wifi is", "kata sandi saya").
var phraseWords = newWordSet(
	"for", "of", "on", "at", "to", "the", "my", "your", "our", "this", "that", "wifi", "wi-fi", "account",
	"admin", "root", "user", "router", "vpn", "server", "database", "db", "laptop", "phone", "email",
	"für", "das", "den", "dem", "die", "mein", "meine", "pour", "de", "du", "la", "le", "mon", "ma",
	"del", "da", "do", "di", "per", "mi", "voor", "dla", "mojego", "для", "от", "моего", "saya", "anda",
	"kamu", "ku", "của", "tôi", "wlan", "der", "des", "het", "van", "el", "los", "las", "il", "lo", "della",
	"dello", "dos", "ứng", "dụng", "الواي", "واي",
)

// cues before a password word make a plain word after it a password ("my
// password is sunshine").
var cues = newWordSet(
	"my", "our", "new", "temporary", "temp", "initial", "wifi", "wi-fi", "wlan",
	"mein", "meine", "neues", "mon", "ma", "nouveau", "mi", "nueva", "meu", "minha", "nova", "mio",
	"mia", "mijn", "nieuw", "moje", "mój", "moja", "мой", "моя", "новый", "benim", "yeni", "मेरा",
	"मेरी", "我的", "私の", "僕の", "내", "제", "나의", "của tôi", "saya",
)

// proseStop are words that prose puts after "the password is".
var proseStop = newWordSet(
	// en
	"incorrect", "wrong", "invalid", "required", "correct", "weak", "strong", "short", "long", "empty",
	"missing", "expired", "changed", "reset", "saved", "stored", "hidden", "encrypted", "hashed",
	"secure", "insecure", "safe", "mandatory", "optional", "needed", "set", "valid", "visible", "shown",
	"sent", "generated", "unknown", "blank", "protected", "same", "different", "too", "not", "case",
	"accepted", "rejected", "updated", "good", "bad", "fine", "okay", "please", "also", "still", "now",
	"here", "below", "above", "attached", "following", "enabled", "disabled", "forgotten", "lost",
	"compromised", "leaked", "known", "public", "private", "secret", "unique", "random", "simple",
	"complex", "easy", "hard", "strict", "locked", "blocked", "incorrectly", "sensitive", "characters",
	"digits", "letters", "displayed", "printed", "logged", "masked", "visible", "reused", "shared",
	"configured", "defined", "specified", "provided", "supplied", "entered", "typed", "wrongly",
	"actually", "really", "probably", "definitely", "usually", "always", "never", "being", "getting",
	"going", "what", "which", "where", "there", "then", "than", "very", "quite", "really", "just",
	"only", "exactly", "written", "found", "inside", "somewhere", "different", "whatever", "working",
	"anyone", "anybody", "someone", "somebody", "nobody", "everyone", "everybody",
	"finita", "finito", "finite", "finiti", "você", "vocês", "outra", "outro", "otra", "otro", "altra", "altro", "autre",
	"другой", "другая", "другое", "başka",
	// de
	"falsch", "ungültig", "erforderlich", "korrekt", "richtig", "leer", "abgelaufen", "geändert",
	"sicher", "unsicher", "schwach", "stark", "kurz", "lang", "gespeichert", "verschlüsselt", "neu",
	"gleich", "nicht", "noch", "jetzt", "bitte", "geheim", "vergessen", "gesperrt", "zu",
	// fr
	"invalide", "requis", "obligatoire", "faux", "vide", "expiré", "modifié", "sécurisé", "faible",
	"fort", "court", "trop", "pas", "nouveau", "oublié", "erroné", "incorrecte",
	// es, pt, it
	"incorrecta", "inválida", "obligatoria", "requerida", "correcta", "vacía", "caducada", "segura",
	"débil", "fuerte", "corta", "larga", "demasiado", "muy", "nueva", "incorreta", "obrigatória",
	"correta", "vazia", "expirada", "fraca", "forte", "curta", "longa", "muito", "nova", "errata",
	"sbagliata", "scaduta", "obbligatoria", "corretta", "vuota", "sicura", "debole", "lunga", "troppo",
	// nl, pl, ru, tr
	"onjuist", "ongeldig", "verplicht", "juist", "leeg", "verlopen", "veilig", "zwak", "sterk", "kort",
	"te", "nieuw", "nieprawidłowe", "niepoprawne", "wymagane", "poprawne", "puste", "bezpieczne",
	"słabe", "silne", "krótkie", "długie", "za", "nowe", "неверный", "неправильный", "обязателен",
	"верный", "пустой", "истёк", "надёжный", "слабый", "сильный", "короткий", "длинный", "слишком",
	"новый", "yanlış", "hatalı", "gerekli", "doğru", "boş", "geçersiz", "güçlü", "zayıf", "kısa",
	"uzun", "çok", "yeni",
)

func findProsePassword(dst []Span, s string, at int) []Span { return findProse(dst, s, at, false) }

// findProseSecret reports API keys and tokens stated in prose ("my API key
// is 9f8e...", "der API-Schlüssel lautet ...", "トークンは ..."): the value
// must look machine-made (letters and digits, 12 or more).
func findProseSecret(dst []Span, s string, at int) []Span { return findProse(dst, s, at, true) }

// findProse reads a password, PIN or token after the word at s[at] by the
// prose grammar (proseAt), a lock's code that grammar does not reach
// (findLockCode), an answer in a chat's next message (chatAnswer), and a
// second code joined to a first (secondCode).
func findProse(dst []Span, s string, at int, secret bool) []Span {
	if !secret && pinVerb(s, at) || inARN(s, at) || secret && pagingTokenBefore(s, at) {
		return dst // a verb; a resource type (arn:aws:secretsmanager:…:secret:name); a page's token
	}
	n := len(dst)
	dst = findProseValue(dst, s, at, secret)
	if len(dst) > n {
		// The grammar may have read past this value, over words a first
		// pass left, to a value that a placeholder now stands for ("şifresi
		// 1299, panelin yeni \"X\""): a placeholder ahead on the line decides
		// toward no match.
		if e := dst[n].End; holdsPlaceholder(s, e, min(lineEnd(s, e), e+160)) {
			return dst[:n]
		}
	}
	return dst
}

// compoundHead reports two to eight ASCII letters that end at s[d] (a
// dash) and start a word: the first part of a compound such as
// "wifi-wachtwoord" or "admin-Passwort".
func compoundHead(s string, d int) bool {
	k := d
	for k > 0 && d-k < 9 && isAlpha(s[k-1]) {
		k--
	}
	return d-k >= 2 && d-k <= 8 && (k == 0 || s[k-1] == ' ' || s[k-1] == '\n')
}

// findProseValue is findProse without the check of what follows.
func findProseValue(dst []Span, s string, at int, secret bool) []Span {
	n := len(dst)
	var hit proseHit
	dst = proseAt(dst, s, at, secret, &hit)
	pw, wlen := hit.w, hit.n
	if secret || wlen == 0 || pw.kind != 'n' && pw.kind != 'c' && pw.kind != 'p' {
		return dst
	}
	if len(dst) == n {
		// VPN-Passwort, WLAN-PIN, wifi-wachtwoord: a compound.
		compound := at > 1 && s[at-1] == '-' && (isUpper(s[at-2]) && isUpper(s[at]) || compoundHead(s, at-1))
		if hit.replaced || at > 0 && s[at] < 0x80 && !compound && (isWord(s[at-1]) || strings.IndexByte("$.=/-", s[at-1]) >= 0) || placeholderEndsAt(s, at) {
			return dst // inside a word (spinning), a path or a key
		}
		dst = findLockCode(dst, s, at, pw, wlen)
		if len(dst) > n && indianPostalWord(s, at, pw) && dst[n].End-dst[n].Start == 6 {
			return dst[:n] // पिन कोड 110001: India's postal code has six digits
		}
		if len(dst) == n {
			dst = chatAnswer(dst, s, at+wlen, pw.kind) // asked in one message, answered in a next
		}
		// The value before the word first: it does not depend on the text
		// after it, which a first pass may have replaced. When a
		// placeholder stands there, it may have been that value: neither
		// fallback reads on.
		// A line that asks for a value the next messages give has its
		// value there: neither fallback reads, whatever chatAnswer found
		// (a first pass may have replaced the answer).
		if p := at + wlen; len(dst) == n && pw.kind == 'p' {
			before := pw.w[0] >= 0x80 && closerBefore(s, at)
			after := !weakPasswordWords.has(pw.w) && p < len(s) && (s[p] == ' ' || s[p] == ',')
			if (before || after) && !asksForAnswer(s, p) {
				if before {
					if placeholderQuotedBefore(s, at) {
						return dst
					}
					dst = quotedBefore(dst, s, at) // „M4gaza!2025” şifresini değiştir, 'Dukaan@2025' पासवर्ड बदल दीजिए
				}
				if len(dst) == n && after {
					dst = generatedInSentence(dst, s, p)
				}
			}
		}
	}
	if len(dst) > n && (pw.kind != 'p' || codeAt(s, dst[len(dst)-1].Start) == dst[len(dst)-1].End) {
		dst = secondCode(dst, s, dst[len(dst)-1].End)
	}
	return dst
}

// quotedBefore reports a quoted value right before a word for password
// beyond ASCII (not a key's quoted value, ssid="Home5G" psk=…), as
// languages that put the noun after its value write it ("„M4gaza!2025”
// şifresini değiştir", "'Dukaan@2025' पासवर्ड बदल दीजिए"): at most a blank
// between the closing quote and the word, and a value of a password's
// shape (gluedValue) without blanks.
func quotedBefore(dst []Span, s string, at int) []Span {
	e := skipBlanksBack(s, at)
	if at-e > 1 || e == 0 {
		return dst
	}
	for k, cq := range closeQuotes {
		if !strings.HasSuffix(s[:e], cq) {
			continue
		}
		ve := e - len(cq)
		for _, oq := range [...]string{openQuotes[k], "„", "‚", "«", "“"} {
			b := strings.LastIndex(s[max(0, ve-passwordMax-len(oq)):ve], oq)
			if b < 0 {
				continue
			}
			vs := max(0, ve-passwordMax-len(oq)) + b + len(oq)
			qs := vs - len(oq)
			ka := strings.IndexByte(s[vs:ve], '@')
			if v := s[vs:ve]; vs < ve && strings.IndexAny(v, " \t\n\"'/") < 0 && !(ka >= 0 && strings.IndexByte(v[ka:], '.') > 0) &&
				gluedValue(v, 'p') && !holdsPlaceholder(s, vs, ve) &&
				(qs == 0 || s[qs-1] != '=' && s[qs-1] != ':') {
				return append(dst, Span{Start: vs, End: ve})
			}
			return dst
		}
	}
	return dst
}

// closerBefore reports a closing quote or bracket, after at most a blank,
// right before s[at]: where quotedBefore and placeholderQuotedBefore may
// read something.
func closerBefore(s string, at int) bool {
	e := skipBlanksBack(s, at)
	if at-e > 1 || e == 0 {
		return false
	}
	c := s[e-1]
	return c == '"' || c == '\'' || c == ']' || c >= 0x80
}

// placeholderQuotedBefore reports a placeholder right before s[at], in
// quotes or not, after at most a blank: what quotedBefore would have read.
func placeholderQuotedBefore(s string, at int) bool {
	e := skipBlanksBack(s, at)
	if at-e > 1 {
		return false
	}
	for _, cq := range closeQuotes {
		if strings.HasSuffix(s[:e], cq) {
			e -= len(cq)
			break
		}
	}
	return placeholderEndsAt(s, e)
}

// sentenceWindow is how far after a word for password generatedInSentence
// reads.
const sentenceWindow = 160

// generatedInSentence reports the one run in the rest of the sentence
// after a word for password (at most sentenceWindow bytes, on its line)
// that only a generator makes (strongPassword): where the grammar found no
// value, a clause may stand between ("a strong password you can use for
// the router admin page: X", "ein neues WLAN-Passwort, das sich Gäste gut
// merken können: X"). Two such runs, or a placeholder in the window,
// decide toward no match.
func generatedInSentence(dst []Span, s string, p int) []Span {
	le := min(lineEnd(s, p), p+sentenceWindow)
	if holdsPlaceholder(s, p, le) || p < len(s) && inPlaceholder(s, p) {
		return dst
	}
	fs, fe := oneRun(s, p, le, true, func(v string) bool {
		return strongPassword(v) && !codeRef(v) && strings.IndexByte(v, '=') < 0
	})
	if fs < 0 || fe == le && le < lineEnd(s, p) {
		return dst // none, or one the window cut
	}
	return append(dst, Span{Start: fs, End: fe})
}

// trimBlanks returns the bounds of s[vs:ve] without the blanks, no-break
// and narrow no-break spaces at its ends.
func trimBlanks(s string, vs, ve int) (int, int) {
	blank := func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' }
	ve = vs + len(strings.TrimRightFunc(s[vs:ve], blank))
	return ve - len(strings.TrimLeftFunc(s[vs:ve], blank)), ve
}

// skipEmoji skips the pictographs (and their variation selectors and
// joiners) at s[i], and the blanks after them.
func skipEmoji(s string, i int) int {
	j := i
	for j < len(s) && s[j] >= 0xE2 {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !unicode.Is(unicode.So, r) && r != 0xFE0F && r != 0x200D && !(r >= 0x1F3FB && r <= 0x1F3FF) {
			break
		}
		j += n
	}
	if j == i {
		return i
	}
	return skipBlanks(s, j)
}

// indianPostalWord reports a word for PIN at s[at] that names India's
// postal code (पिन कोड, पिनकोड, PIN कोड), whose six digits are no secret.
func indianPostalWord(s string, at int, pw proseWord) bool {
	if strings.HasPrefix(pw.w, "पिन") {
		return pw.w != "पिन"
	}
	return pw.w == "pin" && strings.HasPrefix(strings.TrimLeft(s[at+len("pin"):], " "), "कोड")
}

// proseHit is the word proseAt read, for findProse.
type proseHit struct {
	w        proseWord
	n        int
	replaced bool // the value the grammar reached is a placeholder
}

func proseAt(dst []Span, s string, at int, secret bool, hit *proseHit) []Span {
	// Which word, and its boundaries.
	if secret {
		// The bare words in plurals and compounds ("tokens", "keyboard")
		// name no secret: a cheap test first, then one for a token ahead.
		for _, g := range bareSecretWords {
			if hasPrefixFold(s[at:], g) && at+len(g) < len(s) && isAlpha(s[at+len(g)]) {
				if lower(s[at+len(g)]) != 'o' || g != "secret" {
					return dst
				}
				if _, n := proseWordAt(s, at); n <= len(g) {
					return dst // but "secreto" is a word of its own
				}
			}
		}
		if !tokenAhead(s, at, tokenWindow(s, at)) {
			return dst // no token soon after the word: prose about tokens
		}
	}
	pw, wlen := proseWordAt(s, at)
	*hit = proseHit{w: pw, n: wlen}
	if wlen == 0 || pw.secret() != secret && !(secret && pw.kind == 'n') || pw.kind == 'c' {
		return dst // a word for a code read as a token only if one follows (رمز الوصول)
	}
	if pw.kind == 'l' {
		return listPasswords(dst, s, at+wlen)
	}
	ident := -1 // where a key name written in prose starts (db_pwd, clientSecret)
	if at > 0 && pw.w[0] < 0x80 && isWord(s[at-1]) {
		ident = identStart(s, at)
	}
	if at > 0 && pw.w[0] < 0x80 && (isWord(s[at-1]) && !compoundEnd(s, at, pw) && ident < 0 || s[at-1] == '$' || s[at-1] == '.' || s[at-1] == '=' || s[at-1] == '/') {
		return dst // inside a word or a path, or the value of a key (-field=password)
	}
	if at > 0 && s[at-1] == '-' && (wlen <= 3 || at > 1 && s[at-2] == '-') && !(pw.kind == 'n' && letterWordBefore(s, at-1)) {
		return dst // a --password flag, or r3d1s-pw: not prose; but Handy-PIN, SIM-PIN
	}
	if placeholderEndsAt(s, at) {
		return dst // glued to what a placeholder replaced (see placeholderEndsAt)
	}
	p := at + wlen
	if pw.suffix {
		p = turkishSuffix(s, p)
	}
	if ident > 0 && s[ident-1] == '`' && p < len(s) && s[p] == '`' {
		p++ // a key name in backquotes
	}
	p = apostropheSuffix(s, p) // token'ı
	if p < len(s) && (isAlnum(s[p]) || isDigitAt(s, p)) && s[at] >= 0x80 {
		// A value written right after a word in a script without spaces:
		// 支付密码820416, パスワードabc12345.
		if r, _ := utf8.DecodeRuneInString(s[at:]); runeScript(r) == scriptCJK {
			if vs, ve, _ := proseValue(s, p, passwordMax); ve > vs && gluedValue(s[vs:ve], pw.kind) {
				return append(dst, Span{Start: vs, End: ve})
			}
		}
		return dst
	}
	if p < len(s) {
		if c := s[p]; isWord(c) || c == '-' || c == '.' && p+1 < len(s) && isWord(s[p+1]) || c == '"' || c == '\'' || c == '`' || c == '(' && s[at] < 0x80 || c == '[' || c == '/' {
			return dst // part of a longer word, a key ("password_hash", "password"), a call
		}
		if r, _ := utf8.DecodeRuneInString(s[p:]); r >= 0x80 && unicode.IsLetter(r) {
			if _, n := connectorAt(s, p); n == 0 {
				return dst // 密码学, パスワードマネージャー, паролем
			}
		}
	}
	if p < len(s) && (s[p] == '=' || s[p] == ':' && assignedWords.has(s[at:p])) {
		return dst // password=x, Passwort: x: the assignment rule's
	}
	if strings.HasPrefix(s[p:], "::") {
		return dst // a namespace or a prefix: key::ecdsa-sha2-nistp256, Password::hash
	}

	if pw.kind == 'w' {
		// A name and a password after a colon, a short phrase and a colon
		// ("Identifiants de la box : admin / x"), or nothing ("Wifi
		// Grachtenpand / x"); "the wifi is slow / ..." is prose.
		q := skipBlanks(s, p)
		if e := parenLabel(s, q); e > 0 {
			q = e // "Wi-Fi (guests): name / X"
		}
		if pw.w != "login" {
			// user:password, after a colon or "are" ("the creds are
			// deploy:Tr0ub4dor&3"), before a phrase's colon is looked for.
			c := q
			if hasPrefixFold(s[c:], "are ") || hasPrefixFold(s[c:], "is ") {
				c = skipBlanks(s, c+strings.IndexByte(s[c:], ' '))
			} else if c < len(s) && s[c] == ':' {
				c = skipBlanks(s, c+1)
			}
			if vs, ve := colonPairPassword(s, c); ve > vs {
				return append(dst, Span{Start: vs, End: ve})
			}
		}
		if e := phraseColon(s, q); e > 0 {
			q = skipBlanks(s, e)
		}
		if vs, ve := pairPassword(s, q, pw.w != "login"); ve > vs {
			return append(dst, Span{Start: vs, End: ve})
		}
		return dst
	}

	// Connector, possibly after a short phrase.
	connected, answered := false, false // answered: the value is the next speaker's turn
	targeted := false                   // a phrase naming what the password opens stands before the value
	changed := false                    // the connector says what the password is now, or became (changeConnectors)
	q := skipEmoji(s, skipBlanks(s, p)) // "door code 🚪 7391"
	if e := parenLabel(s, q); e > 0 {
		q = e // "encryption key (AES-256, hex): X"
	}
	if v := selfAnswerAt(s, q); v > 0 {
		q, connected = v, true // "the staging db pw? it's still X", "password — right now it's X"
	} else if c, n := connectorAt(s, q); n > 0 {
		if c == "to" && (pw.w == "pass" || pw.w == "pin") {
			return dst // a verb: "pass to PEreloc1", "pin to `requests<2.28`"
		}
		connected, changed = true, changeConnectors.has(c)
		q = skipBlanks(s, q+n)
		if c == "is:" || c == "est :" || c == "é:" {
			// already includes the colon
		} else if k, n := connectorAt(s, q); n > 0 && (k == ":" || k == "：") {
			q = skipBlanks(s, q+n) // "is:", "est :"
		}
	} else if v := answerAhead(s, q); v > 0 {
		q, connected, answered = v, true, true // "code de votre boîte à clés ?\nClient : c'est 2580"
	} else if v, direct := renewedAt(s, q, secret || pw.kind == 'p'); v > 0 {
		q, connected = v, direct // "we rotated the session secret yesterday; the new one is X"
		if _, n := connectorAt(s, q); n > 0 && !direct {
			q, connected = skipBlanks(s, q+n), true
		}
	} else if r := skipPhrase(s, q); r > q {
		phrase := strings.TrimSpace(s[q:r])
		if first, _, _ := strings.Cut(phrase, " "); aboutPasswords.has(first) {
			return dst // "password policy updated: min_length=14"
		}
		if e := parenLabel(s, r); e > 0 {
			r = e // "clé de chiffrement (AES-256, hex) : X"
		} else if e := parenAside(s, r); e > 0 {
			r = e // "das Passwort für den Drucker (10.0.0.7) lautet X"
		}
		if v := selfAnswerAt(s, r); v > 0 {
			q, connected = v, true // "what's the netflix pw now?? its still X", "c koi le mdp du wifi? → c'est X"
		} else if fillerEnds(phrase) && directValueAt(s, r) {
			q, connected = r, true // "forgot my pswd again lol it's Lakers#24Forever right?"
		} else if c, n := connectorAt(s, r); n > 0 {
			if c == "to" && (pw.w == "pin" || pw.w == "pass") && at+len(pw.w) <= len(s) && allFunc(s[at:at+len(pw.w)], isLower) {
				return dst // a verb: "pin the runner to windows-2019", "pass code to Foo::Bar"
			}
			connected, changed = true, changeConnectors.has(c)
			q = skipBlanks(s, r+n)
			if c != ":" && c != "：" {
				if _, n := connectorAt(s, q); n > 0 && (s[q] == ':' || strings.HasPrefix(s[q:], "：")) {
					q = skipBlanks(s, q+n) // "provisoire :" after a phrase
				}
			}
		} else if possessives.has(phrase) || targetPhrase(phrase) || thingPhrase(phrase) || appPasswordAt(s, r) > 0 || parenAt(s, r) {
			q, targeted = r, true // "kata sandi saya X", "пароль от роутера X", "الرقم السري للبطاقة X", "code … qu'il m'a donné (1789)"
		} else if v := answerAhead(s, r); v > 0 {
			q, connected, answered = v, true, true // "password for the portal?\nGuest: X"
		} else if pw.kind == 's' && directToken(s, r) {
			q, targeted = r, true // "API-ключ тестового стенда 0664f7c0-…": a generated value after a short phrase
		} else if pw.kind == 'p' && generatedAt(s, r) {
			q, targeted = r, true // "пароль на наклейке роутера gT8wLq3Zr5Ny": a generated password after a short phrase
		} else if pw.kind != 'n' {
			return dst
		} else if v := codeAhead(s, q); v > 0 {
			q, connected = v, true // "sleutelkluis opent niet met code 0911"
		} else {
			return dst
		}
	}
	if !connected && parenAt(s, q) {
		// A value in parentheses right after the word or its phrase:
		// "パスワード（tsukimi0915）", "the lockbox code (1789)".
		vs, ve := parenValue(s, q)
		if ve > vs && gluedValue(s[vs:ve], pw.kind) && !proseCode(s[vs:ve]) && !strings.Contains(s[vs:ve], "://") {
			return append(dst, Span{Start: vs, End: ve})
		}
		return dst
	}
	if q >= len(s) || s[q] == '\n' || s[q] == '\r' || !connected && q == p && !openQuoteAt(s, q) && !(pw.kind == 's' && directToken(s, q)) {
		return dst
	}
	if connected {
		q = skipAdverb(s, q) // "the password is literally hunter2"
		if q >= len(s) {
			return dst // the text ends after the adverb
		}
	}

	// An app password (Google's four groups of four letters), after any
	// phrase or none: "mật khẩu ứng dụng qmzt wxrp lbkd hvye".
	if e := appPasswordAt(s, q); e > 0 {
		return append(dst, Span{Start: q, End: e})
	}
	if q < len(s) && (s[q] == '"' || s[q] == '\'') {
		if e := appPasswordAt(s, q+1); e > 0 && e < len(s) && s[e] == s[q] {
			return append(dst, Span{Start: q + 1, End: e})
		}
	}

	// Value.
	if placeholderStartsAt(s, q) {
		// A first pass replaced the value the grammar reads here: nothing
		// else near the word is its value now (see placeholderEndsAt).
		hit.replaced = true
		return dst
	}
	if holdsPlaceholder(s, p, q) {
		// Nor when it replaced something between the word and the value:
		// the phrase or aside read there ("Passwort (Token X) lautet 0001")
		// may have been longer, or have held the value.
		return dst
	}
	vmax := passwordMax
	if secret {
		vmax = secretMax
	}
	vs, ve, quoted := proseValue(s, q, vmax)
	if quoted {
		vs, ve = trimBlanks(s, vs, ve) // « Soleil&192 », as French typography spaces its quotes
	}
	if weakPasswordWords.has(pw.w) && (!complexValue(s[vs:ve]) || strings.ContainsAny(s[vs:ve], "/\\") || pw.w == "pass" && ticketPasses.has(strings.ToLower(wordBeforeNoun(s, at))) || placeholderWithin(s, at, 2) || placeholderEndsAt(s, skipBlanksBack(s, at))) {
		// "pass" is a verb and a ticket too: only a value of mixed classes,
		// and not after a placeholder, which may have replaced "boarding".
		return dst
	}
	if ve <= vs {
		return dst
	}
	v := s[vs:ve]
	if v[0] == '-' && !quoted {
		return dst // the next option of a command line
	}
	if !secret && (proseCode(v) || pw.w == "pwd" && (strings.IndexByte("/~", v[0]) >= 0 || allFunc(v, isAlpha)) ||
		isIdent(v) && strings.IndexByte(v, '_') >= 0 && indexFold(v, "password") >= 0) {
		return dst // code, a flag, a source line or an issue named in a changelog; $PWD's directory
	}
	if (pw.w == "pass" || pw.w == "pin") && !connected && toAhead(s, ve) {
		return dst // a verb: "Pass varnumber_T to vim_snprintf()", "pass IPv4-mapped IPv6 addresses to"
	}
	if !connected && !quoted && questionEnds(s, skipBlanks(s, ve)) {
		return dst // "c quoi le mdp du compte Canal+ ?": what it opens, asked about
	}
	if strings.HasPrefix(v, "//") || strings.Contains(v, "://") || hasPrefixFold(v, "www.") {
		return dst // where to change it, not what it is
	}
	switch {
	case secret:
		if publicToken(v) || elidedAt(s, ve) || !secretValue(s, at, p, v, pw, ident, connected, quoted) {
			return dst
		}
		return append(dst, Span{Start: vs, End: ve})
	case pw.kind == 'n':
		if machineToken(v) {
			return dst // 20 random bytes are a token, not a code (secret-prose's)
		}
		if e := digitWordsEnd(s, vs); e > vs && connected {
			return append(dst, Span{Start: vs, End: e}) // "the PIN is four-seven-nine-four"
		}
		if !allDigits(v) && gluedValue(v, 'p') && !hashOrID(v) && !unitNumber(s, vs, ve) {
			// An access code of letters and digits: "mon code d'accès
			// Mistral-7712", "inlogcode … is Delft-Blauw-55".
			return append(dst, Span{Start: vs, End: ve})
		}
		if !pinValue(v) || isPlaceholderValue(v) || !digitRunEnds(s, ve) || len(v) == 6 && indianPostalWord(s, at, pw) {
			return dst // पिन कोड 110001: India's postal code has six digits
		}
		return append(dst, Span{Start: vs, End: ve})
	case quoted:
		// Without a connector or a cue, only a quoted value right after the
		// word that looks like a password: with password "Tr0ub4dor&3".
		// A passphrase with spaces may stand there too, and after a phrase
		// naming what it opens: password "Pastel de nata 2024", 비밀번호
		// "봄 여름 가을 겨울", password dell'area riservata «Vespa 125 rossa».
		shaped := strongShape(v) && strings.IndexByte(v, ' ') < 0 || quotedPassphrase(v)
		direct := (q == skipBlanks(s, p) || targeted) && shaped
		if utf8.RuneCountInString(v) < 3 || isPlaceholderValue(v) || isSensitiveWord(v) || percentDirective(v) || proseStop.has(v) ||
			!connected && !direct && !cues.in(contextBefore(s, at, 24)) {
			return dst
		}
		return append(dst, Span{Start: vs, End: ve})
	}
	if utf8.RuneCountInString(v) < 4 || isPlaceholderValue(v) || isSensitiveWord(v) || proseStop.has(firstWord(v)) ||
		!acceptValue(v, "password", Password, false) || unitNumber(s, vs, ve) || nameWithSuffix(v) {
		return dst
	}
	if pw.kind == 'f' || passphraseShape(v) {
		if e := passphraseEnd(s, vs, ve); e > ve {
			return append(dst, Span{Start: vs, End: e})
		}
	}
	switch {
	case strongShape(v):
	case passphraseShape(v):
	case connected && !answered && !changed && plainWord(v) && cues.in(contextBefore(s, at, 24)) && !(auxiliaryBefore(s, vs) && participle(v)) && !dutchParticiple(v) &&
		!codePronouns.has(strings.ToLower(v)): // "la clé wifi est celle de l'étiquette"
	default:
		return dst
	}
	return append(dst, Span{Start: vs, End: ve})
}

// pinObjects are words that follow "pin" as a verb ("pin the version",
// "pin deps"), not the noun.
var pinObjects = newWordSet("the", "a", "an", "it", "them", "this", "that", "these", "those", "all", "your", "our",
	"deps", "dependencies", "dependency", "version", "versions", "regression", "flaky", "test", "tests", "package",
	"packages", "image", "images", "node", "runner", "runners", "tab", "message", "post", "comment", "release",
	"toolchain", "python", "go", "npm", "pip", "actions", "action", "commit", "sha", "digest", "tag", "tags")

// pinVerb reports "pin" in lower case at s[at] used as the verb, as
// changelogs and commit messages do: before an object of pinObjects or a
// capitalized word ("pin the linter to eslint-8.57", "pin Ubuntu
// runners"), or before a word and " to " on the line with no digit
// between ("pin flaky test to a single worker").
func pinVerb(s string, at int) bool {
	if !strings.HasPrefix(s[at:], "pin ") || at > 0 && (isWord(s[at-1]) || s[at-1] == '-') {
		return false
	}
	j := at + 4
	k := j
	for k < len(s) && isAlpha(s[k]) {
		k++
	}
	if k == j || k < len(s) && (isWord(s[k]) || s[k] == ':') {
		return false
	}
	if pinObjects.has(s[j:k]) || isUpper(s[j]) && k-j > 1 && isLower(s[j+1]) {
		return true
	}
	rest := s[k:min(len(s), k+48)]
	if e := strings.IndexAny(rest, "\n0123456789"); e >= 0 {
		rest = rest[:e]
	}
	return strings.Contains(rest, " to ")
}

// toAhead reports " to " after s[i] within three words on the line: the
// verb's "pass X to Y", "pass IPv4-mapped IPv6 addresses to".
func toAhead(s string, i int) bool {
	for n := 0; n < 4 && i < len(s); n++ {
		if hasPrefixFold(s[i:], " to") && (i+3 == len(s) || isSpace(s[i+3])) {
			return true
		}
		if s[i] != ' ' {
			return false
		}
		j := i + 1
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		i = j
	}
	return false
}

// pagingTokenBefore reports a word for a token glued by '-' or '_' to a
// word of paging (--starting-token, next_token, page-token): where a
// listing resumes, not a credential.
func pagingTokenBefore(s string, at int) bool {
	if at < 2 || s[at-1] != '-' && s[at-1] != '_' {
		return false
	}
	b := at - 1
	for b > 0 && isAlpha(s[b-1]) {
		b--
	}
	switch strings.ToLower(s[b : at-1]) {
	case "starting", "start", "next", "page", "continuation", "pagination", "resume":
		return true
	}
	return false
}

// generatedAt reports a value at s[i] that only a generator makes: ten
// bytes or more, of all four classes (strongPassword) or of letters and
// digits in the case noise of random text (gT8wLq3Zr5Ny).
func generatedAt(s string, i int) bool {
	vs, ve, quoted := proseValueAt(s, i, passwordMax)
	if ve-vs < 10 || quoted {
		return false
	}
	v := s[vs:ve]
	return strongPassword(v) || caseNoise(v) && allFunc(v, isAlnum)
}

// directToken reports a value at s[i] that needs no connector after a
// word for an API key or a token: a generated one (machineToken) or a
// UUID ("API कुंजी 58571a13-… है", "api key 3f1c…").
func directToken(s string, i int) bool {
	vs, ve, _ := proseValueAt(s, i, secretMax)
	if ve <= vs {
		return false
	}
	v := s[vs:ve]
	return machineToken(v) || isUUID(v)
}

// versionValue reports a version or a decimal number: digits and dots
// with a dot (0.342, 3.6.1), an epoch (1:4.13) and a Debian or semver
// suffix after '-', '+' or '~' (1:4.13+dfsg1-1+deb12u1, 2.0.0-rc1).
func versionValue(v string) bool {
	if k := strings.IndexByte(v, ':'); k > 0 && allDigits(v[:k]) {
		v = v[k+1:] // a Debian epoch
	}
	if k := strings.IndexAny(v, "-+~"); k > 0 {
		v = v[:k]
	}
	if len(v) < 3 || !isDigit(v[0]) || !isDigit(v[len(v)-1]) || strings.IndexByte(v, '.') < 0 {
		return false
	}
	return allFunc(v, func(c byte) bool { return isDigit(c) || c == '.' })
}

// slashedWords reports lower-case words joined by slashes
// (clusters/instances, read/write).
func slashedWords(v string) bool {
	if strings.IndexByte(v, '/') <= 0 {
		return false
	}
	for w := range strings.SplitSeq(v, "/") {
		if len(w) < 2 || !allFunc(w, isLower) {
			return false
		}
	}
	return true
}

// codeAssign reports an identifier assigned True, False, None, a number
// or another identifier (parse_all=True, verbose=0): code, not a value.
func codeAssign(v string) bool {
	k := strings.IndexByte(v, '=')
	if k <= 0 || k == len(v)-1 || !isIdent(v[:k]) || !strings.ContainsAny(v[:k], "_abcdefghijklmnopqrstuvwxyz") {
		return false
	}
	r := v[k+1:]
	return r == "True" || r == "False" || r == "None" || r == "true" || r == "false" || r == "null" || allDigits(r)
}

// proseCode reports a value stated after a word for a password that is
// code or a reference, as changelogs and API docs write after "pass" and
// "pin" as verbs: a path of names (v8::Object), a call (Sign.sign(),
// GetCurrent()), a build flag with a value (-Dpamconfdir=no, --opt=x), a
// source position (leak-tree.c:28), an issue (#8074), "and/or".
func proseCode(v string) bool {
	switch {
	case strings.Contains(v, "::"), strings.Contains(v, "()"), v == "and/or":
		return true
	case versionValue(v):
		return true // 3.6.1, 1:4.13+dfsg1-1+deb12u1, 0.342: a version or a decimal number
	case strings.ContainsAny(v, "<>") && strings.IndexFunc(v, func(r rune) bool { return r >= '0' && r <= '9' }) > 0 &&
		!strings.ContainsAny(v, "!#$%&*?@^~"):
		return true // requests<2.28, urllib3<2: a version specifier
	case codeAssign(v):
		return true // parse_all=True: a keyword argument
	case regexValue(v) || strings.Contains(v, `\.`) && strings.HasSuffix(v, "$"):
		return true // cache\.$: a pattern
	case strings.ContainsAny(v, "{") && strings.ContainsAny(v, "}"):
		return true // --{0} item: a template
	case slashedWords(v):
		return true // clusters/instances: words, not a password
	case len(v) > 2 && v[0] == '-' && (isAlpha(v[1]) || v[1] == '-') && strings.IndexByte(v, '=') > 0:
		return true
	case len(v) > 1 && v[0] == '#' && allDigits(v[1:]):
		return true
	}
	// name.ext:line
	if k := strings.LastIndexByte(v, ':'); k > 0 && k+1 < len(v) && allDigits(v[k+1:]) {
		file := v[:k]
		if d := strings.LastIndexByte(file, '.'); d > 0 && d+1 < len(file) && len(file)-d-1 <= 4 && allFunc(file[d+1:], isLower) &&
			allFunc(file[:d], func(c byte) bool { return isWord(c) || c == '-' || c == '/' || c == '.' }) {
			return true
		}
	}
	return false
}

// auxiliaries are the connectors of a future or conditional, which a
// participle follows more often than a value: "the new code will be sent
// on Monday", "le code sera communiqué lundi", "a senha será partilhada".
var auxiliaries = [...]string{"will be", "would be", "should be", "sera", "será", "sarà"}

// auxiliaryBefore reports whether an auxiliary and blanks end s[:i].
func auxiliaryBefore(s string, i int) bool {
	t := strings.TrimRight(s[:i], " ")
	for _, a := range auxiliaries {
		if hasSuffixFold(t, a) && (len(t) == len(a) || !isAlpha(t[len(t)-len(a)-1])) {
			return true
		}
	}
	return false
}

// participle reports whether the word w ends like a past participle in
// English, French, Portuguese, Spanish or Italian (sent, shared,
// communiqué, partilhada, enviado, comunicata).
func participle(w string) bool {
	for _, suf := range [...]string{"ed", "en", "é", "ée", "és", "ées", "ado", "ada", "ados", "adas",
		"ido", "ida", "idos", "idas", "ato", "ata", "ati", "ate", "ito", "ita", "uto", "uta"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return w == "sent"
}

// pairPassword returns the password of a name and password written with a
// slash between them at s[i] ("MaisonDupont / Soleil-2024-x"): the second
// must look like a password (or, after a word for a network, be three or
// more words joined by dashes: "Gite_Verdon / olivier-et-thym") and not
// like a number with a unit (2.4GHz / 5GHz), or an empty range.
func pairPassword(s string, i int, joined bool) (vs, ve int) {
	e := i
	for e < len(s) && e-i < 64 && !isSpace(s[e]) {
		e++
	}
	if e == i || e-i >= 64 || !strings.HasPrefix(s[e:], " / ") || e+3 >= len(s) || holdsPlaceholder(s, i, e) {
		return 0, 0 // no name, or one a first pass replaced: it may have been no name (64 bytes or more)
	}
	vs, ve, quoted := proseValue(s, e+3, passwordMax)
	if ve <= vs || quoted && !(e-i >= 3 && quoteByte(s[i]) && s[e-1] == s[i] && s[e+3] == s[i]) {
		return 0, 0 // quoted only as the name is: `root` / `X`, "admin" / "X"
	}
	if v := s[vs:ve]; isDigit(v[0]) || !gluedValue(v, 'p') && !(joined && dashedWords(v)) || strings.Contains(v, "://") {
		return 0, 0
	}
	return vs, ve
}

// colonPairPassword returns the password of a "user:password" pair at
// s[i] after a word for credentials ("Zugangsdaten: admin:Xy7-pass",
// "the creds are deploy:Tr0ub4dor&3"): a user name of letters, digits and
// "._-" and a password of mixed classes (gluedValue) without a slash or
// another colon, which a path, a URL or a time would hold.
func colonPairPassword(s string, i int) (vs, ve int) {
	u := i
	for u < len(s) && u-i <= 32 && (isWord(s[u]) || s[u] == '.' || s[u] == '-') {
		u++
	}
	if u == i || u-i > 32 || u+1 >= len(s) || s[u] != ':' || isDigit(s[i]) {
		return 0, 0
	}
	vs, ve, quoted := proseValue(s, u+1, passwordMax)
	if ve <= vs || quoted || vs != u+1 {
		return 0, 0
	}
	if v := s[vs:ve]; isDigit(v[0]) || strings.ContainsAny(v, "/:\\") || !gluedValue(v, 'p') {
		return 0, 0
	}
	return vs, ve
}

// findEmailPair reports the password of an "e-mail / password" pair
// pasted as a login (Netflix: ana@example.com / Rivera1965!), called at the
// address's '@': the value after " / " must have a lower-case letter and
// two of capital, digit and symbol, eight bytes or more.
func findEmailPair(dst []Span, s string, at int) []Span {
	if at == 0 || !isWord(s[at-1]) {
		return dst // no local part
	}
	e, dot := at+1, false
	for e < len(s) && e-at < 128 && (isAlnum(s[e]) || s[e] == '-' || s[e] == '.') {
		dot = dot || s[e] == '.'
		e++
	}
	for e > at+1 && s[e-1] == '.' {
		e--
	}
	if !dot || !strings.HasPrefix(s[e:], " / ") || e+3 >= len(s) {
		return dst // the common case: an address on its own
	}
	vs, ve, quoted := proseValue(s, e+3, passwordMax)
	if ve <= vs || quoted {
		return dst
	}
	if v := s[vs:ve]; !complexValue(v) || strings.IndexByte(v, '@') >= 0 || strings.Contains(v, "://") || hashOrID(v) {
		return dst
	}
	return append(dst, Span{Start: vs, End: ve})
}

// accountNames are the names of system and administrator accounts that a
// pasted "user / password" pair starts with, without a word for
// credentials before it ("root / Tr0ub4dor&3x on 10.0.0.5").
var accountNames = []string{"root", "admin", "administrator", "ubuntu", "postgres", "ec2-user", "sysadmin", "superuser"}

var accountNameSet = newWordSet(accountNames...)

// findAccountPair reports the password of a "user / password" pair whose
// user is a system account, called at the account's name.
func findAccountPair(dst []Span, s string, at int) []Span {
	if at > 0 && (isWord(s[at-1]) || strings.IndexByte("-/.$", s[at-1]) >= 0) {
		return dst // chroot, /root, $admin
	}
	e := at
	for e < len(s) && e-at < 16 && (isWord(s[e]) || s[e] == '-') {
		e++
	}
	b := at
	if at > 0 && quoteByte(s[at-1]) && e < len(s) && s[e] == s[at-1] {
		b, e = at-1, e+1 // in quotes: admin login `root` / `X`
	}
	if !accountNameSet.has(strings.Trim(s[b:e], "`\"'")) || !strings.HasPrefix(s[e:], " / ") {
		return dst // the common case: the word in prose
	}
	if vs, ve := pairPassword(s, b, false); ve > vs && !strings.Contains(s[vs:ve], "/") {
		return append(dst, Span{Start: vs, End: ve})
	}
	return dst
}

// quoteByte reports an ASCII quote or a backquote.
func quoteByte(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// dashedWords reports three or more words of letters or digits joined by
// dashes, eight bytes or more (saigon-mua-mua, tulpen-2025-x).
func dashedWords(v string) bool {
	if len(v) < 8 || isPlaceholderValue(v) {
		return false
	}
	parts, n := 1, 0
	for _, r := range v {
		switch {
		case r == '-':
			if n == 0 {
				return false
			}
			parts, n = parts+1, 0
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			n++
		default:
			return false
		}
	}
	return n > 0 && parts >= 3
}

// phraseColon returns the end of a colon after at most four words of
// letters at s[i] ("de la box :"), or 0.
func phraseColon(s string, i int) int {
	j := i
	for n := 0; n <= 4 && j < len(s); n++ {
		if s[j] == ':' {
			return j + 1
		}
		if strings.HasPrefix(s[j:], "：") {
			return j + len("：")
		}
		if n == 4 {
			break
		}
		k := j
		for k < len(s) && k-j < 32 {
			r, w := utf8.DecodeRuneInString(s[k:])
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				break
			}
			k += w
		}
		if k == j {
			return 0
		}
		j = skipBlanks(s, k)
	}
	return 0
}

// compoundEnd reports a German or Dutch compound that ends in the word for
// password, key or token at s[at] (Gerätepasswort, Routerwachtwoord,
// Signaturschlüssel, Zugriffstoken): letters back to a blank, the first
// of them a capital.
func compoundEnd(s string, at int, pw proseWord) bool {
	switch pw.w {
	case "passwort", "kennwort", "wachtwoord", "schlüssel", "sleutel", "token":
	default:
		return false
	}
	b := at
	for b > 0 && at-b < 32 && (isAlpha(s[b-1]) || s[b-1] >= 0x80) {
		b--
	}
	return at-b >= 3 && isUpper(s[b]) && (b == 0 || isSpace(s[b-1])) && letters(s[b:at])
}

// weakPasswordWords name a password only sometimes: "pass" is a verb and
// a ticket, "contra" a preposition, "parol" and "mima" other words, パス
// a path too (whose value, holding a slash, is refused).
var weakPasswordWords = newWordSet("pass", "contra", "пасс", "parol", "mima", "pasuwado", "paasword", "mk", "パス")

// ticketPasses are the words before "pass" that make it a ticket or a
// permit, not a password ("boarding pass", "day pass").
var ticketPasses = newWordSet("boarding", "day", "week", "weekly", "month", "monthly", "season", "annual", "ski",
	"bus", "train", "transit", "travel", "rail", "museum", "park", "parking", "hall", "backstage", "press", "vip",
	"gym", "festival", "event", "access", "visitor", "free", "bording", "mountain")

// complexValue reports a value of eight bytes or more with a lower-case
// letter and two of capital, digit and symbol (Sunflower#2023,
// tacos4ever!!).
func complexValue(v string) bool {
	lower, upper, digit, symbol := false, false, false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		lower = lower || isLower(c)
		upper = upper || isUpper(c)
		digit = digit || isDigit(c)
		symbol = symbol || strongSymbol[c]
	}
	return len(v) >= 8 && lower && (upper && (digit || symbol) || digit && symbol)
}

// latinLetterAt reports a Latin letter outside ASCII at s[i] (the ù of
// Tiramisù1988): a value that starts in ASCII goes on past it.
func latinLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.Is(unicode.Latin, r)
}

// listPasswords reads a list of passwords under a heading that ends in a
// colon at the end of its line ("Passwords for the shared accounts:"):
// one item a line ("- Netflix: popcornFriday22"), a bullet, a label of a
// few words, a colon and a value that looks like a password.
func listPasswords(dst []Span, s string, p int) []Span {
	if p >= len(s) || s[p] != ' ' && s[p] != ':' && !strings.HasPrefix(s[p:], "：") {
		return dst // "passwords," in a sentence is no heading
	}
	k := strings.IndexByte(s[p:min(p+96, len(s))], '\n')
	if k < 0 {
		return dst
	}
	e := p + k
	h := strings.TrimRight(s[p:e], " \t\r")
	if !strings.HasSuffix(h, ":") && !strings.HasSuffix(h, "：") {
		return dst
	}
	for line, n := e+1, 0; line < len(s) && n < 16; n++ {
		end := strings.IndexByte(s[line:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += line
		}
		item := strings.TrimLeft(s[line:end], " \t")
		start := end - len(item)
		b := 0
		for _, bullet := range []string{"- ", "* ", "• ", "· ", "・"} {
			if strings.HasPrefix(item, bullet) {
				b = len(bullet)
				break
			}
		}
		if b == 0 || end-line > 160 {
			break
		}
		colon := strings.Index(item[b:], ": ")
		if colon <= 0 || colon > 40 {
			break
		}
		vs := skipBlanks(s, start+b+colon+2)
		ve := strings.TrimRight(s[vs:end], " \t\r")
		if v := ve; v != "" && strings.IndexByte(v, ' ') < 0 && (gluedValue(v, 'p') || complexValue(v)) {
			dst = append(dst, Span{Start: vs, End: vs + len(v)})
		}
		line = end + 1
	}
	return dst
}

// nameWithSuffix reports a name of letters with a case suffix after an
// apostrophe (PTT'den, Ankara'ya, e-Devlet'e in Turkish; O'Neil): prose,
// though its capitals make it look mixed-case.
func nameWithSuffix(v string) bool {
	k := strings.LastIndexByte(v, '\'')
	if k <= 0 || len(v)-k-1 > 4 || !letters(v[:k]) || strings.IndexByte(v[:k], '\'') >= 0 {
		return false
	}
	for i := k + 1; i < len(v); i++ {
		if !isLower(v[i]) {
			return false
		}
	}
	return true
}

// pinValue reports a PIN or a door code: 4 to 12 digits, the code of a
// keypad with its closing '#' or '*' (2580#).
func pinValue(v string) bool {
	if len(v) > 4 && (v[len(v)-1] == '#' || v[len(v)-1] == '*') {
		v = v[:len(v)-1]
	}
	return len(v) >= 4 && len(v) <= 12 && allDigits(v)
}

// digitRunEnds reports that no group of digits follows the value at s[e]
// (a PIN is one group; "access code 4471 8820 19" is a dial-in number), nor
// a placeholder that may have replaced one.
func digitRunEnds(s string, e int) bool {
	return !(e+1 < len(s) && s[e] == ' ' && (isDigit(s[e+1]) || placeholderStartsAt(s, e+1)))
}

// gluedValue reports a value written without a connector, right after
// the word or in parentheses: a PIN for a PIN word, else a password with
// a digit that is not a name in capitals (SHA256): a lower-case letter
// and six bytes or more, or digits alone.
func gluedValue(v string, kind byte) bool {
	if kind == 'n' || allDigits(v) {
		return pinValue(v)
	}
	if len(v) < 6 || len(v) > 64 || isPlaceholderValue(v) || !strongShape(v) {
		return false
	}
	c := classesOf(v)
	return c.digit && c.lower
}

// parenAt reports an opening parenthesis at s[i], ASCII or full-width.
func parenAt(s string, i int) bool {
	return i < len(s) && (s[i] == '(' || strings.HasPrefix(s[i:], "（"))
}

// parenValue returns the bounds of one word in parentheses at s[i]
// ("(1789)", "（tsukimi0915）"), or an empty range.
func parenValue(s string, i int) (vs, ve int) {
	vs = i + 1
	if s[i] != '(' {
		vs = i + len("（")
	}
	for e := vs; e < len(s) && e-vs <= 64; e++ {
		switch {
		case s[e] == ')' || strings.HasPrefix(s[e:], "）"):
			return vs, e
		case isSpace(s[e]) || s[e] == '(' || s[e] >= 0x80:
			return 0, 0
		}
	}
	return 0, 0
}

// letterWordBefore reports a word of two or more letters ending at s[i]
// (the "Handy" of Handy-PIN), not a key with digits (r3d1s-pw).
func letterWordBefore(s string, i int) bool {
	b, letters := i, 0
	for b > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:b])
		if !unicode.IsLetter(r) {
			break
		}
		b -= w
		letters++
	}
	return letters >= 2 && (b == 0 || !isWord(s[b-1]) && s[b-1] != '-' && !placeholderEndsAt(s, b))
}

// lockCodeWords are the words for "code" that may end a phrase after the
// name of a lock, right before its code.
var lockCodeWords = newWordSet("code", "kod", "код", "Код", "código", "codice", "mã", "رمز", "कोड", "kodu", "コード", "코드")

// codeAhead returns where a code starts after at most six words that end
// in a word for "code" ("opent niet met code 0911", "neben der Haustür,
// Code 3107"), or -1.
func codeAhead(s string, i int) int {
	j := i
	for n := 0; n < 6; n++ {
		k := j
		for k < len(s) && k-j < 32 && !isSpace(s[k]) && s[k] != ':' {
			k++
		}
		w := strings.TrimRight(s[j:k], ",")
		if w == "" || !letters(w) {
			return -1
		}
		if lockCodeWords.has(w) {
			v := skipBlanks(s, k)
			if v < len(s) && s[v] == ':' {
				v = skipBlanks(s, v+1)
			}
			if v < len(s) && isDigit(s[v]) {
				return v
			}
			return -1
		}
		j = skipBlanks(s, k)
	}
	return -1
}

// answerAhead returns where the answer starts when a question ends at
// s[i] and the next line is a speaker's turn: the question mark, the end
// of the line, a label of at most three words and a colon ("Client :",
// "Klant:", "[customer]") and a connector if any ("c'est 2580"); or -1.
// So a support agent's question about a code and the customer's answer
// are read as the word and its value ("… code de votre boîte à clés ?\n
// Client : c'est 2580").
func answerAhead(s string, i int) int {
	n := questionAt(s, i)
	if n == 0 {
		return -1
	}
	i += n
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	if i >= len(s) || s[i] != '\n' {
		return -1
	}
	j, words := i+1, 1
	for k := j; k < len(s) && k-j < 40; k++ {
		switch c := s[k]; {
		case c == ':' || c == ']' && s[j] == '[' || strings.HasPrefix(s[k:], "："):
			if k == j || words > 3 {
				return -1
			}
			v := skipBlanks(s, k+1)
			if c != ':' && c != ']' {
				v = skipBlanks(s, k+len("："))
			}
			for _, f := range answerFillers {
				if hasPrefixFold(s[v:], f) && v+len(f) < len(s) && s[v+len(f)] == ' ' {
					v += len(f)
					break
				}
			}
			v = skipBlanks(s, v)
			if _, n := connectorAt(s, v); n > 0 {
				v += n
			}
			return skipBlanks(s, v)
		case c == ' ':
			words++
		case c == '\n' || isDigit(c):
			return -1
		}
	}
	return -1
}

// selfAnswerAt returns where the value starts when the writer names the
// password, breaks off with a question mark or a dash, and gives it in
// the same breath: "the staging db pw? it's still X", "password — right
// now it's `X`", "pw?? its X", "wlan pw? -> X", "qual a senha? é X". The
// answer must start with "it's" or "it is" (after at most a few words
// saying when), a copula (answerCopulas) or an arrow: -1 otherwise.
func selfAnswerAt(s string, i int) int {
	switch n := questionAt(s, i); {
	case i >= len(s):
		return -1
	case n > 0:
		i += n
		i += questionAt(s, i) // "pw?? its X"
	case strings.HasPrefix(s[i:], "—"), strings.HasPrefix(s[i:], "–"):
		i += len("—")
	case strings.HasPrefix(s[i:], "--") && i+2 < len(s) && s[i+2] == ' ':
		i += 2
	case s[i] == '-' && i+1 < len(s) && s[i+1] == ' ':
		i++
	case s[i] == ',' && answerFillerAt(s, skipBlanks(s, i+1)) > 0:
		i++ // "the personal access token, it is X"
	default:
		return -1
	}
	i = skipBlanks(s, i)
	arrow := false
	for _, a := range answerArrows {
		if strings.HasPrefix(s[i:], a) {
			i, arrow = skipBlanks(s, i+len(a)), true // "wlan pw? -> X", "wat is het wachtwoord? → X"
			break
		}
	}
	for n := 0; n < 2; n++ { // "right now", "atm", "currently"
		e := i
		for e < len(s) && isAlpha(s[e]) {
			e++
		}
		if e == i || !answerTimes.has(strings.ToLower(s[i:e])) {
			break
		}
		i = skipBlanks(s, e)
		if i < len(s) && s[i] == ',' {
			i = skipBlanks(s, i+1)
		}
	}
	if v := answerFillerAt(s, i); v > 0 {
		return v
	}
	if c, n := connectorAt(s, i); n > 0 && answerCopulas.has(c) {
		return skipAdverb(s, skipBlanks(s, i+n)) // "qual a senha? é X", "c koi le mdp du wifi? → c'est X"
	}
	if arrow && i < len(s) && s[i] != '\n' {
		return i
	}
	return -1
}

// answerArrows point from a question to its answer.
var answerArrows = []string{"->", "=>", "→", "←", "👉", "—", "–"}

// answerCopulas may start an answer after a question mark: "qual a senha?
// é X", "cual es la clave del wifi? → es X".
var answerCopulas = newWordSet("é", "es", "c'est", "c’est", "ist", "est", "è", "là", "是", "это")

// fillerEnds reports whether a phrase ends in "it's" or "it is".
func fillerEnds(phrase string) bool {
	for _, f := range selfAnswerFillers {
		if len(phrase) >= len(f) && equalFold(phrase[len(phrase)-len(f):], f) && (len(phrase) == len(f) || phrase[len(phrase)-len(f)-1] == ' ') {
			return true
		}
	}
	return false
}

// answerFillerAt returns where the text after "it's" or "it is" at s[i]
// starts (past an adverb), or 0.
func answerFillerAt(s string, i int) int {
	for _, f := range selfAnswerFillers {
		if hasPrefixFold(s[i:], f) && i+len(f) < len(s) && s[i+len(f)] == ' ' {
			return skipAdverb(s, skipBlanks(s, i+len(f)))
		}
	}
	return 0
}

// selfAnswerFillers start the answer selfAnswerAt reads.
var selfAnswerFillers = []string{"it's", "it’s", "its", "it is"}

// answerTimes say when, before an answer: "right now it's X".
var answerTimes = newWordSet("right", "now", "rn", "atm", "currently", "today", "still")

// answerFillers are the words an answer may start with before a
// connector or the value ("it's 7315", "het is 4590").
var answerFillers = []string{"it", "that", "het", "das", "es", "dat", "it's", "it’s", "that's"}

// tokenAhead reports whether the rest of the line from offset i holds a
// digit in its first n bytes, in a run of 12 or more token bytes with a
// letter (which may go on past the n bytes): a cheap test before reading
// an API key or token in prose.
func tokenAhead(s string, i, n int) bool {
	end := min(len(s), i+n)
	if d, _ := indexDigit(s[:end], i); d < 0 {
		return false // no digit: the common case, decided first
	}
	if k := strings.IndexByte(s[i:end], '\n'); k >= 0 {
		end = i + k
	}
	if holdsPlaceholder(s, i, end) {
		return false // the window may reach text it did not before the values were replaced
	}
	// A token holds a digit: find each digit and measure the run of token
	// bytes around it, skipping the run.
	for p := i; p < end; {
		d, _ := indexDigit(s[:end], p)
		if d < 0 {
			return false
		}
		b, e := d, d+1
		for b > i && tokenRunByte(s[b-1]) {
			b--
		}
		for e < len(s) && e-b < 12 && tokenRunByte(s[e]) {
			e++
		}
		if e-b >= 12 {
			for k := b; k < e; k++ {
				if isAlpha(s[k]) {
					return true
				}
			}
			for e < len(s) && tokenRunByte(s[e]) {
				if isAlpha(s[e]) {
					return true
				}
				e++
			}
		}
		p = e
	}
	return false
}

// tokenWindow is how far after the word at s[at] a token's first digit may
// be: 96 bytes (a phrase of some words and a connector, then a token whose
// first digit may come late: "clé secrète de l'API de paiement est
// RAVeykvg…50WL"), more for a word outside ASCII, whose letters take two
// or three bytes each.
func tokenWindow(s string, at int) int {
	if s[at] >= 0x80 {
		return 160
	}
	return 96
}

// tokenRunByte reports a byte of a token as tokenAhead reads it.
func tokenRunByte(c byte) bool { return tokenRunBytes[c] }

// tokenRunBytes holds the bytes of a token as tokenAhead reads it: letters,
// digits and the symbols of base64, URLs and generated secrets (an Azure
// client secret holds '~', others '%', '^', '!').
var tokenRunBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isAlnum(byte(c))
	}
	for _, c := range []byte("_-+/=.~%^!?*#&@$") {
		t[c] = true
	}
	return t
}()

// turkishSuffix skips a possessive or case suffix of at most four letters
// after a Turkish word (şifrem, şifreniz, şifresi).
func turkishSuffix(s string, p int) int {
	for n := 0; n < 4 && p < len(s); n++ {
		r, size := utf8.DecodeRuneInString(s[p:])
		if !(r < 0x80 && isLower(byte(r)) || strings.ContainsRune("ıüöçğş", r)) {
			break
		}
		p += size
	}
	return p
}

// skipBlanks skips spaces, tabs, no-break spaces and ideographic spaces.
func skipBlanks(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case strings.HasPrefix(s[i:], "\u00a0"):
			i += len("\u00a0")
		case strings.HasPrefix(s[i:], "\u3000"):
			i += len("\u3000")
		default:
			return i
		}
	}
	return i
}

// connectorAt returns the connector at s[i] and its length, or 0. A
// connector made of letters must end at a word boundary.
func connectorAt(s string, i int) (string, int) {
	if i >= len(s) {
		return "", 0
	}
	for _, c := range connectorsByFirst[lower(s[i])] {
		if !hasPrefixFold(s[i:], c) {
			continue
		}
		n := len(c)
		if r, _ := utf8.DecodeRuneInString(c); r < 0x80 && isAlpha(c[0]) || r >= 0x80 && unicode.IsLetter(r) && r < 0x3000 {
			// A word: a boundary must follow.
			if i+n < len(s) {
				r2, _ := utf8.DecodeRuneInString(s[i+n:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '_' {
					continue
				}
			}
		}
		if c == "-" || c == "=" {
			// "password - x" and "password = x", not "password-less" or "==".
			if i+1 < len(s) && (s[i+1] == '=' || s[i+1] == '-' || s[i+1] == '>') || i > 0 && s[i-1] != ' ' && c == "-" {
				continue
			}
		}
		return c, n
	}
	return "", 0
}

// skipPhrase skips up to six short words ("for the wifi network", "du
// wifi", "provisoire", "الخاصة بي", "del bancomat di mia madre", "del
// wifi de la oficina", "do portal que ele mandou") and returns where they
// end, or i. It stops before a connector and before a word shaped like a
// secret.
func skipPhrase(s string, i int) int {
	j, most := i, 8
	for n := 0; n < most; n++ {
		if _, c := connectorAt(s, j); c > 0 && n > 0 || appPasswordAt(s, j) > 0 {
			break
		}
		k := j
		for k < len(s) && k-j < 32 && s[k] != ' ' && s[k] != '\t' && s[k] != ':' && s[k] != '\n' && !strings.HasPrefix(s[k:], "：") && !phraseQuestion(s, k) {
			k++
		}
		w := s[j:k]
		if k == j {
			break
		}
		strong := strongShape(stripElision(w))
		name := strong && nameInPhrase(s, w, k, n > 0)
		if (strong && !name || passphraseShape(w)) && !thingWord(w) ||
			!letters(w) && !phraseWords.has(w) && !(name && isDigit(w[0])) || strings.HasPrefix(s[k:], "://") {
			break // a URL's scheme ends the phrase too: "reset your password at https://..."
		}
		j = skipBlanks(s, k)
	}
	return j
}

// phraseQuestion reports a question mark at s[k] that ends a phrase's
// word: any but an ASCII '?' with a letter or a digit after it, which is
// inside a value ("पासवर्ड Mitti?8749 है").
func phraseQuestion(s string, k int) bool {
	if questionAt(s, k) == 0 {
		return false
	}
	return s[k] != '?' || k+1 >= len(s) || !isAlnum(s[k+1])
}

// nameInPhrase reports a name in mixed case (GitLab, OpenAI, iPhone,
// VPN-Client; 1Password when inner, not the phrase's first word) that ends
// at s[k] and is followed by a connector or a plain word: part of a phrase
// ("the private token for the GitLab runner is"), where a password of
// letters would end it.
func nameInPhrase(s, w string, k int, inner bool) bool {
	d := 0
	for d < len(w) && isDigit(w[d]) {
		d++ // a product named with a leading number, inside the phrase: "for the family 1Password vault"
	}
	if d > 0 && (!inner || d > 2 || d+1 >= len(w) || !isUpper(w[d])) {
		return false
	}
	for i := d; i < len(w); i++ {
		if !isAlpha(w[i]) && !(w[i] == '-' && i > 0 && i+1 < len(w) && isAlpha(w[i-1]) && isAlpha(w[i+1])) {
			return false // letters, or letters joined by dashes (VPN-Client)
		}
	}
	j := skipBlanks(s, k)
	if j == k {
		return false
	}
	if _, n := connectorAt(s, j); n > 0 {
		return true
	}
	if placeholderStartsAt(s, j) {
		// What a first pass replaced after the name: the words that kept
		// the name in the phrase then ("password AAAa aaaa aaaa aaaa
		// bbbb" took the words and left the name), so they keep it now.
		return true
	}
	e := proseWordEnd(s, j)
	t := e
	for t < len(s) && s[t] < 0x80 && !isSpace(s[t]) && !isAlnum(s[t]) {
		t++ // punctuation after the word
	}
	if t < len(s) && !isSpace(s[t]) || strings.TrimRight(s[e:t], ".,;:)\"'") != "" {
		return false // the token goes on ("AA!0", "AA!!"): a value, not a word
	}
	return e > j && letters(s[j:e]) && !strongShape(s[j:e])
}

// targetPhrase reports a preposition and the thing a password opens, which
// may come right before the password without a connector ("пароль от
// роутера X", "password for the NAS X", "пароль от личного кабинета X");
// but not a user or an account, as in "Failed password for invalid user
// admin".
func targetPhrase(p string) bool {
	if arabicTarget(p) {
		return true
	}
	prep, rest, ok := strings.Cut(p, " ")
	if k := strings.IndexAny(prep, "'’"); k > 0 && elidedPreps.has(prep[:k]) {
		// An elided preposition glued to its noun: "dell'area riservata",
		// "de l'imprimante".
		_, w := utf8.DecodeRuneInString(prep[k:])
		if noun := prep[k+w:]; ok {
			rest = noun + " " + rest
		} else {
			rest, ok = noun, noun != ""
		}
		prep = "di"
	}
	if !ok || !targetPreps.has(prep) {
		return false
	}
	adj, noun, two := strings.Cut(rest, " ")
	if !two {
		adj, noun = "", rest
	} else if strings.Contains(noun, " ") || notTargets.has(adj) || !plainWord(adj) {
		return false // "от личного кабинета": one word before the thing, no more
	}
	return !notTargets.has(noun) && (plainWord(noun) || shortTargets.has(noun) || allFunc(noun, isUpperDigit))
}

// elidedPreps are prepositions written with an apostrophe before a vowel
// (Italian dell'area, French d'accès).
var elidedPreps = newWordSet("dell", "dall", "nell", "all", "d")

// shortTargets are things of fewer than four letters that a password
// opens ("a senha do app X", "Passwort für den PC X", "password for the
// NAS X").
var shortTargets = newWordSet("app", "pc", "nas", "vpn", "tv", "box", "db", "ssh", "ftp", "mac", "sim", "vm", "atm", "crm", "erp")

var targetPreps = newWordSet("for", "of", "от", "ot", "для", "für", "fürs", "vom", "zum", "beim", "pour", "de", "del", "du", "da", "do", "di", "van", "voor", "dla", "için",
	"بتاع", "بتاعة", "بتاعت", "تبع") // the last: "of" in spoken Arabic (الباسورد بتاع الواي فاي X); "ot" is "от" in Latin letters

// arabicTarget reports an Arabic phrase naming what a password opens,
// written with the preposition glued to its noun, after at most one
// adjective with the article: "للبوابة" (for the gateway), "الجديدة
// للبوابة" (the new one, for the gateway), "لحسابي" (for my account).
func arabicTarget(p string) bool {
	first, last, two := strings.Cut(p, " ")
	if !two {
		first, last = "", p
	} else if strings.Contains(last, " ") || !strings.HasPrefix(first, "ال") {
		return false
	}
	return strings.HasPrefix(last, "ل") && utf8.RuneCountInString(last) >= 4 && allFunc(last, func(c byte) bool { return c >= 0x80 })
}

var notTargets = newWordSet("user", "users", "invalid", "account", "root", "admin", "login", "username", "the", "a", "an", "this", "that", "it", "all", "every", "each", "some", "which", "your", "my")

// aboutPasswords are nouns that, right after a word for password, make a
// compound about passwords in general ("password policy", "password
// requirements"): what follows it is never the password.
var aboutPasswords = newWordSet("policy", "policies", "requirements", "rules", "complexity", "length", "strength",
	"expiry", "expiration", "history", "hint", "hints", "manager", "rotation", "settings", "guidelines",
	// The parts of a form that asks for a password ("the password field
	// says “incorrect”", "the password error reads "...""): what they
	// say is a message.
	"field", "fields", "box", "input", "prompt", "dialog", "error", "errors", "message", "label", "button",
	"link", "page", "screen", "form", "validation", "validator", "check", "warning", "banner", "toggle")

// assignedWords are the password words the assignment rule reads after
// ':' itself ("password: x", "Passwort: x").
var assignedWords = newWordSet("password", "passwd", "passwort", "kennwort", "mot de passe", "contraseña",
	"contrasena", "senha", "wachtwoord", "lösenord", "hasło", "пароль", "Пароль", "密码", "密碼", "パスワード", "비밀번호", "पासवर्ड", "كلمة المرور", "كلمة السر")

// possessives may stand alone between a password word and its value
// ("kata sandi saya X").
var possessives = newWordSet("saya", "anda", "kamu", "ku", "tôi", "benim", "у меня", "у нас")

var openQuotes = []string{"\"", "'", "`", "“", "‘", "«", "「", "『", "„", "‚", `\"`}
var closeQuotes = []string{"\"", "'", "`", "”", "’", "»", "」", "』", "“", "‘", `\"`}

// otherCloseQuotes close the same quotes as closeQuotes in another
// language's style: German opens „ and closes “, Polish opens „ and closes
// ” („pierogi z wiśniami”).
var otherCloseQuotes = []string{"", "", "", "", "", "", "", "", "”", "’", ""}

// openQuoteAt reports an opening quote at s[i] (of openQuotes).
func openQuoteAt(s string, i int) bool {
	for _, oq := range openQuotes {
		if strings.HasPrefix(s[i:], oq) {
			return true
		}
	}
	return false
}

// quotedPassphrase reports a quoted value of two to eight words that reads
// as a passphrase rather than a quoted message or label ("Pastel de nata
// 2024", "봄 여름 가을 겨울"; not "does not match", "Error 401"): a digit
// in it, or three words or more and none a prose word.
func quotedPassphrase(v string) bool {
	words, digit, prose := spacedWords(v)
	return words >= 2 && words <= 8 && (digit || words >= 3 && !prose)
}

// spacedWords reads a value with spaces: how many words it has, whether
// one holds a digit and whether one is a prose word (proseStop,
// passwordStopWords). It returns no words for what is no password at all:
// longer than passwordMax, a placeholder, a value that starts with a prose
// word or holds a word of a message.
func spacedWords(v string) (words int, digit, prose bool) {
	if len(v) > passwordMax || strings.IndexByte(v, ' ') < 0 || isPlaceholderValue(v) || isStopWord(v) {
		return 0, false, false
	}
	for w := range strings.FieldsSeq(v) {
		words++
		w = strings.Trim(w, ".,;:!?")
		if messageWords.has(w) {
			return 0, false, false
		}
		prose = prose || proseStop.has(w) || stopWordSet.has(w)
		for _, r := range w {
			digit = digit || unicode.IsDigit(r)
		}
	}
	return words, digit, prose
}

// messageWords in a quoted value make it an error message or a label, not
// a passphrase ("Error 401", "Login failed", "Access denied").
var messageWords = newWordSet("error", "failed", "failure", "denied", "invalid", "incorrect", "wrong", "expired",
	"unauthorized", "forbidden", "exception", "click", "forgot", "show", "hide", "reset", "change", "required",
	// A rule about passwords: "min 8 chars", "expires after 90 days".
	"min", "max", "minimum", "maximum", "chars", "characters", "digits", "letters", "length", "days", "attempts",
	"expires", "expire", "zeichen", "caractères", "caracteres", "dígitos", "символов", "karakter")

// parenAside returns where a connector starts after an aside in
// parentheses at s[i], whatever it holds ("für den Drucker (10.0.0.7)
// lautet X"), or 0: the parentheses close on the same line, with no other
// one opened inside. Neither what they hold nor its length counts, so a
// second pass over the placeholders a first one wrote there decides the
// same; and a scan ends at the next '(', so that many asides on one line
// cost linear time.
func parenAside(s string, i int) int {
	if !parenAt(s, i) {
		return 0
	}
	for e := i + 1; e < len(s); e++ {
		switch c := s[e]; {
		case c == '\n' || c == '(' || strings.HasPrefix(s[e:], "（"):
			return 0
		case c == ')' || strings.HasPrefix(s[e:], "）"):
			k := e + 1
			if c != ')' {
				k = e + len("）")
			}
			if k = skipBlanks(s, k); k < len(s) {
				if _, n := connectorAt(s, k); n > 0 {
					return k
				}
			}
			return 0
		}
	}
	return 0
}

// passwordMax and secretMax are the longest password and key or token
// stated in a sentence that proseValue reads, in bytes.
const (
	passwordMax = 64
	secretMax   = 256
)

// proseValue is proseValueAt, except that a value that holds what looks
// like a placeholder, even a broken one ("xiaomi888[REDACTED:]"), is no
// value: a first pass would cut it there.
func proseValue(s string, i, max int) (vs, ve int, quoted bool) {
	vs, ve, quoted = proseValueAt(s, i, max)
	// A placeholder that starts inside the value, whether or not the
	// value reaches its ':'.
	if k := strings.Index(s[vs:min(len(s), ve+len(placeholderPrefix)-1)], placeholderPrefix); ve > vs && k >= 0 && vs+k < ve {
		return 0, 0, false
	}
	return vs, ve, quoted
}

// proseValueAt reads the value at s[i]: a quoted string, or a run of
// non-blank bytes that ends at CJK punctuation, at a quote, at a change
// from ASCII to another script (密码是abc123，请), and before trailing
// sentence punctuation; at most max bytes.
func proseValueAt(s string, i, max int) (vs, ve int, quoted bool) {
	if i >= len(s) {
		return 0, 0, false // nothing to read: the text ends
	}
	if i+2 < len(s) && (s[i+1] == '\'' || s[i+1] == '"') && strings.IndexByte("bBrRuUfF", s[i]) >= 0 {
		// A string literal's prefix: b'...' (Python bytes), r"..." (raw).
		if vs, ve, quoted = proseValueAt(s, i+1, max); quoted {
			return vs, ve, quoted
		}
	}
	for k, oq := range openQuotes {
		if strings.HasPrefix(s[i:], oq) {
			vs = i + len(oq)
			cq, oc := closeQuotes[k], otherCloseQuotes[k]
			for e := vs; e < len(s) && e-vs < decideLen && s[e] != '\n'; e++ {
				if strings.HasPrefix(s[e:], cq) || oc != "" && strings.HasPrefix(s[e:], oc) {
					return vs, e, true
				}
			}
			return 0, 0, false
		}
	}
	vs = i
	ascii := s[i] < 0x80
	if !ascii {
		if r, _ := utf8.DecodeRuneInString(s[i:]); runeScript(r) == scriptCJK {
			return 0, 0, false // CJK text, not a password
		}
	}
	e := i
	for e < len(s) && e-vs <= max+1 {
		c := s[e]
		if isSpace(c) || c == '"' || c == '`' || c == '<' {
			break
		}
		if c == '[' && e > vs && placeholderStartsAt(s, e) {
			// Glued to a placeholder, the value may have gone on into
			// what it replaced (see placeholderEndsAt).
			return 0, 0, false
		}
		if c >= 0x80 {
			if ascii && !latinLetterAt(s, e) || valueEndPunct(s[e:]) || strings.HasPrefix(s[e:], "\u00a0") {
				break
			}
			_, n := utf8.DecodeRuneInString(s[e:])
			e += n
			continue
		}
		e++
	}
	if e-vs > max+1 {
		return 0, 0, false // longer than any password stated in a sentence
	}
	for e > vs && strings.IndexByte(".,;:?)]}'", s[e-1]) >= 0 {
		e--
	}
	if e-vs > 2 && s[e-1] == '*' && s[e-2] == '*' {
		e -= 2 // Markdown's strong emphasis closing: "**Password reset**"
	}
	if e-vs > max {
		return 0, 0, false
	}
	return vs, e, false
}

// strongShape reports a value with a digit, a symbol or mixed case beyond
// an initial capital: what a password looks like and a prose word does
// not.
func strongShape(v string) bool {
	lower, upperAfter := false, false
	for i, r := range v {
		switch {
		case r < 0x80 && (isDigit(byte(r)) || strongSymbol[r]), r >= 0x80 && unicode.IsDigit(r):
			return true
		case r < 0x80 && isLower(byte(r)), r >= 0x80 && unicode.IsLower(r):
			lower = true
		case r < 0x80 && isUpper(byte(r)), r >= 0x80 && unicode.IsUpper(r):
			if i > 0 {
				upperAfter = true
			}
		}
	}
	return lower && upperAfter
}

// strongSymbol holds the symbols that make a value strongShape.
var strongSymbol = func() (t [256]bool) {
	for _, c := range []byte("!@#$%^&*+=?~/\\|<>[]{}_$") {
		t[c] = true
	}
	return t
}()

// passphraseShape reports three or more words of letters joined by '-',
// '.' or '_' (tundra-piano-tiger-violet, pelmeni-s-uksusom): at least two
// of them of four letters or more, short words such as "s" or "of" between
// them allowed.
func passphraseShape(v string) bool {
	parts, long, n := 0, 0, 0
	for _, r := range v {
		switch {
		case r == '-' || r == '.' || r == '_':
			if n == 0 {
				return false
			}
			if n >= 4 {
				long++
			}
			parts++
			n = 0
		case unicode.IsLetter(r):
			n++
		default:
			return false
		}
	}
	if n >= 4 {
		long++
	}
	return n > 0 && parts >= 2 && long >= 2
}

// appPasswordAt returns the end of an app password at s[i] (Google's four
// groups of four lower-case letters, separated by spaces or hyphens as
// Apple writes its own: "xqzv kwpm tlrb yhae", "abcd-efgh-ijkl-mnop"), or
// 0.
func appPasswordAt(s string, i int) int {
	if i+19 > len(s) || i > 0 && isAlnum(s[i-1]) {
		return 0
	}
	sep := s[i+4]
	if sep != ' ' && sep != '-' {
		return 0
	}
	for g := 0; g < 4; g++ {
		for k := i + 5*g; k < i+5*g+4; k++ {
			if !isLower(s[k]) {
				return 0
			}
		}
		if g < 3 && s[i+5*g+4] != sep {
			return 0
		}
	}
	e := i + 19
	if e < len(s) && (isAlnum(s[e]) || sep == '-' && s[e] == '-') {
		return 0
	}
	// The letters are random: some group has no vowel, or there are few
	// ("will need some work" is prose).
	vowels, bare := 0, false
	for g := 0; g < 4; g++ {
		n := 0
		for k := i + 5*g; k < i+5*g+4; k++ {
			if strings.IndexByte("aeiou", s[k]) >= 0 {
				n++
			}
		}
		vowels += n
		bare = bare || n == 0
	}
	if !bare && vowels > 2 {
		return 0
	}
	return e
}

// proseAdverbs may stand between a connector and the value ("is literally
// x", "ist einfach x", "est toujours x").
var proseAdverbs = newWordSet(
	"literally", "just", "simply", "actually", "basically", "currently", "always", "again", "also", "exactly",
	"wirklich", "einfach", "immer", "aktuell", "derzeit", "toujours", "simplement", "juste", "actuellement",
	"simplemente", "solo", "sólo", "ahora", "todavía", "aún", "literalmente", "simplesmente", "só", "agora",
	"ainda", "semplicemente", "ora", "ancora", "letteralmente", "gewoon", "letterlijk", "nog", "teraz",
	"wciąż", "nadal", "dosłownie", "просто", "сейчас", "теперь", "буквально", "sadece", "hâlâ", "şimdi",
	"chỉ", "vẫn", "masih", "hanya", "sekarang", "still", "now", "이제", "아직", "아직도", "지금은", "지금",
	"probably", "wohl", "vermutlich", "probablement", "probablemente", "provavelmente", "forse", "waarschijnlijk",
	"chyba", "pewnie", "наверное", "кажется", "galiba", "sanırım", "아마",
)

// skipAdverb skips one word of proseAdverbs at s[i] and the blanks after
// it.
func skipAdverb(s string, i int) int {
	e := i
	for e < len(s) && e-i < 16 && s[e] != ' ' && s[e] != '\t' {
		e++
	}
	if e < len(s) && e > i && proseAdverbs.has(s[i:e]) {
		return skipBlanks(s, e)
	}
	return i
}

// thingNouns are what a PIN or password opens, for a phrase between the
// word and the value without a connector ("PIN der Karte 4821", "PIN
// карты 4821", "الرقم السري للبطاقة 8841"). Words beyond ASCII count at
// the end of a word (للبطاقة: لل + بطاقة).
var thingNouns = []string{
	"card", "karte", "carte", "tarjeta", "cartão", "carta", "kaart", "karty", "karta", "карты", "карта",
	"kart", "kartı", "kartın", "بطاقة", "कार्ड", "カード", "카드", "卡", "thẻ", "sim", "phone", "telefon",
	"account", "konto", "kontos", "compte", "cuenta", "conta", "conto", "rekening", "счёта", "счета",
	"hesap", "hesabı", "حساب", "खाता", "口座", "계좌", "账户", "賬戶", "bank", "banka", "банка", "بنك",
	"atm", "bancomat", "safe", "tresor", "tresors", "coffre", "cofre", "cassaforte", "kluis", "sejf",
	"sejfu", "сейфа", "kasa", "kasası", "خزنة", "तिजोरी", "金庫", "금고", "保险箱", "két", "door",
	"garage", "alarm", "lock", "voicemail", "router", "routers", "routera", "роутера", "wifi", "wi-fi", "wlan",
	"вайфая", "вайфай", "فاي", "واي", "الواي", "للواي", "راوتر", "الراوتر", "للراوتر", "wifiの", "와이파이", "مصرف", "المصرف", "email", "e-mail", "mail", "gmail", "akun",
	"surel", "laptop", "komputer", "computer", "server", "почты", "почта", "posta", "البريد", "ईमेल", "メール",
	"이메일", "邮箱", "邮件", "correo", "courriel",
}

var thingNounSet = newWordSet(thingNouns...)

// thingSuffixes holds thingNouns by their last byte.
var thingSuffixes = func() (t [256][]string) {
	for _, n := range thingNouns {
		t[n[len(n)-1]] = append(t[n[len(n)-1]], n)
	}
	return t
}()

// thingPhrase reports a phrase of at most three words, each a linking
// word ("der", "de la", "for my") or a thing a PIN or password opens, at
// least one of them the latter.
func thingPhrase(p string) bool {
	n, things := 0, 0
	for rest := p; ; {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		w, tail, _ := strings.Cut(rest, " ")
		rest = tail
		if n++; n > 3 {
			return false
		}
		switch {
		case thingWord(w):
			things++
		case phraseWords.has(w) || targetPreps.has(w):
		default:
			return false
		}
	}
	return things > 0
}

func thingWord(w string) bool {
	if thingNounSet.has(w) {
		return true
	}
	// The end of a compound: EC-Karte, Kreditkarte, للبطاقة.
	for _, t := range thingSuffixes[lower(w[len(w)-1])] {
		if len(w) > len(t) && (t[0] >= 0x80 && strings.HasSuffix(w, t) || len(t) >= 4 && hasSuffixFold(w, t)) {
			return true
		}
	}
	return false
}

// passphraseEnd extends a passphrase written as words with spaces
// ("correct horse battery staple") to the end of its sentence: up to eight
// lower-case words, at least three in all, none a prose word.
func passphraseEnd(s string, vs, ve int) int {
	if !plainWord(s[vs:ve]) {
		return ve
	}
	words, e := 1, ve
	for words < 8 {
		j := e
		if j >= len(s) || s[j] != ' ' {
			break
		}
		j++
		k := j
		for k < len(s) && isLower(s[k]) {
			k++
		}
		if k-j < 3 || proseStop.has(s[j:k]) || isStopWord(s[j:k]) {
			break
		}
		e = k
		words++
	}
	if words < 3 || e < len(s) && !isSpace(s[e]) && strings.IndexByte(".,;!?\"'", s[e]) < 0 {
		return ve
	}
	return e
}

// letters reports a word of letters (and apostrophes, hyphens).
func letters(v string) bool {
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != '\'' && r != '-' {
			return false
		}
	}
	return v != ""
}

// plainWord reports a word of four or more letters.
func plainWord(v string) bool {
	n := 0
	for _, r := range v {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= 4
}

func firstWord(v string) string {
	if i := strings.IndexAny(v, " \t,.;:!?"); i > 0 {
		return v[:i]
	}
	return v
}

// unitNumber reports a number that is a length or a count, not a
// password: "8+ characters", "4-digit", "12 chars", "8文字".
func unitNumber(s string, vs, ve int) bool {
	v := s[vs:ve]
	d := 0
	for d < len(v) && isDigit(v[d]) {
		d++
	}
	if d == 0 || d > 2 {
		return false
	}
	rest := strings.TrimLeft(v[d:], "+-")
	if rest == "" {
		rest = strings.TrimLeft(s[ve:min(len(s), ve+24)], " ")
	}
	for _, u := range unitWords {
		if hasPrefixFold(rest, u) {
			return true
		}
	}
	return rest == ""
}

// unitWords are what a count of a password's length is counted in.
var unitWords = []string{
	"char", "digit", "letter", "symbol", "byte", "zeichen", "stellen", "ziffer", "caract", "chiffre",
	"cifra", "cifre", "dígito", "digito", "carácter", "teken", "cijfer", "znak", "cyfr", "символ",
	"цифр", "знак", "karakter", "hane", "rakam", "文字", "桁", "位", "个字符", "자리", "글자", "अक्षर", "حرف", "أحرف",
	"ký tự", "chữ số", "tecken", "siffr", "tegn",
}
