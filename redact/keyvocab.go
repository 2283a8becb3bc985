package redact

// Key names in other languages. People name configuration keys in their
// own language and type them in ASCII: jeton_api, clave_api, chiave_segreta,
// khoa_bi_mat, api_sleutel, gizli_anahtar. The words for "password" are
// suffixes like the English ones (passwordKeySuffixes); the words for "key"
// and "secret" are read word by word here, because the Romance, Polish and
// Vietnamese names put the noun first (clave_api: "key of the API") and the
// Germanic and Turkish ones last (api_sleutel), and because a bare "key"
// noun names a secret only when its value looks generated, as in English.

// keyNouns are the words for "key" (and "token") that a credential's name is
// built on: fr jeton, clé, clef; es clave, llave; pt chave; it chiave; pl
// klucz; vi khoá; nl sleutel; de Schlüssel; tr anahtar; ru ключ, typed
// klyuch.
var keyNouns = newWordSet("jeton", "cle", "clé", "clef", "clave", "llave", "chave", "chiave", "klucz", "khoa",
	"sleutel", "schluessel", "schlussel", "schlüssel", "anahtar", "anahtari", "anahtarı", "klyuch", "kljuch")

// keyQualifiers are the words that make a key noun a credential's name when
// they stand next to it: what it opens (api, app, client, session), or that
// it is secret or private (secreta, segreta, geheime, gizli, tajny, bí mật),
// or what it signs or encrypts with.
var credentialQualifiers = newWordSet(
	"api", "app", "client", "cliente", "session", "sesion", "sessao", "sessione", "acces", "acceso", "acesso",
	"accesso", "dostepu", "erisim", "toegang", "zugang", "zugriff", "secret", "secrete", "secrète", "secreta",
	"secreto", "segreta", "segreto", "secreta", "geheim", "geheime", "geheimer", "geheimen", "gizli", "tajny",
	"tajna", "sekretny", "sekretnyy", "prive", "privee", "privée", "privada", "privado", "privata", "privato",
	"prywatny", "privat", "privater", "privaten", "persoonlijke", "firma", "signature", "assinatura",
	"podpisu", "imza", "chiffrement", "cifrado", "criptografia", "crittografia", "szyfrowania", "sifreleme",
	"versleuteling", "verschluesselung", "bimat", "bí mật")

// keyPrepositions may stand between a key noun and its qualifier:
// jeton_d_acces, clave_de_api, chiave_di_accesso.
var keyPrepositions = newWordSet("d", "de", "di", "da", "do", "du", "del", "della", "dell", "des")

// keywordNouns are the words for "word" that make a key noun a keyword
// (parola chiave, palabra clave, palavra-chave, mot-clé): a setting.
var keywordNouns = newWordSet("parola", "palabra", "palavra", "mot", "slowo", "anahtarkelime")

// secretNouns are words for a secret or a token that name one alone:
// jeton, Geheimnis, secreto, segredo, segreto, sekret, bí mật.
var secretNouns = newWordSet("jeton", "geheimnis", "secreto", "segredo", "segreto", "sekret", "bimat", "bí mật")

// foreignKeyCategory classifies a key named in another language:
// Secret for a credential's name (clave_api, chiave_segreta, api_sleutel,
// gizli_anahtar, khoa_bi_mat, jeton), weak (a secret only when the value
// looks generated) for a bare key noun (clave, db_sleutel), "" otherwise
// (clave_primaria, parola_chiave, jeton_url).
func foreignKeyCategory(key string) (c Category, weak bool) {
	var buf [8]string
	w := keyWords(buf[:0], key)
	n := len(w)
	if n == 0 {
		return "", false
	}
	if secretNouns.has(w[n-1]) || n >= 2 && equalFold(w[n-2], "bi") && equalFold(w[n-1], "mat") {
		return Secret, false
	}
	for i, x := range w {
		if !keyNouns.has(x) && !secretNouns.has(x) {
			continue
		}
		if i > 0 && keywordNouns.has(w[i-1]) {
			return "", false // parola_chiave, palabra_clave: a keyword
		}
		rest := w[i+1:]
		for len(rest) > 0 && keyPrepositions.has(rest[0]) {
			rest = rest[1:]
		}
		switch {
		case len(rest) == 0:
			// The noun comes last: api_sleutel, gizli_anahtar, or a bare
			// clave.
			if i > 0 && credentialQualifiers.has(w[i-1]) {
				return Secret, false
			}
			return Secret, true
		case len(rest) == 1 && credentialQualifiers.has(rest[0]),
			len(rest) == 2 && equalFold(rest[0], "bi") && equalFold(rest[1], "mat"):
			return Secret, false // clave_api, chiave_segreta, khoa_bi_mat
		}
	}
	return "", false
}

// keyWords appends the words of an identifier to dst, up to cap(dst): split
// at '_', '-', '.', ' ' and where an upper-case letter follows a lower-case
// one or a digit (jeton_api, ClaveApi, api-sleutel); the words of a longer
// identifier past cap(dst) are dropped from the front.
func keyWords(dst []string, key string) []string {
	start := 0
	for i := 0; i <= len(key); i++ {
		end := i == len(key)
		if !end {
			c := key[i]
			switch {
			case c == '_' || c == '-' || c == '.' || c == ' ':
			case isUpper(c) && i > start && (isLower(key[i-1]) || isDigit(key[i-1])):
				if len(dst) == cap(dst) {
					dst = append(dst[:0], dst[1:]...)
				}
				dst = append(dst, key[start:i])
				start = i
				continue
			default:
				continue
			}
		}
		if i > start {
			if len(dst) == cap(dst) {
				dst = append(dst[:0], dst[1:]...)
			}
			dst = append(dst, key[start:i])
		}
		start = i + 1
	}
	return dst
}
