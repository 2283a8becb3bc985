// Package redact removes personal data and secrets from text before it is
// queued or written: prompts, responses and other fields of inference
// records on edge devices.
//
// A [Redactor] replaces every match of its [Rule]s with a typed placeholder
// and reports how many replacements it made per [Category], never the
// matched text:
//
//	out, counts := redact.Default().Redact("mail john@example.com, token ghp_16C7e42F292c6912E7710c838347Ae178B4a")
//	// out:    "mail [REDACTED:EMAIL], token ghp_[REDACTED:GITHUB_TOKEN]"
//	// counts: map[EMAIL:1 GITHUB_TOKEN:1]
//
// [Default] is the shared Redactor for [DefaultRules]. Use [Redactor.Without]
// to disable categories and [Redactor.With] (or [New]) to add rules; both
// return a new Redactor and leave the original unchanged. A Redactor is
// immutable and safe for concurrent use.
//
// # Categories
//
// The default rules find:
//
//   - EMAIL: addresses (local@domain.tld), also with the '@' escaped as %40
//     in a URL query; local parts and domains in any script (RFC 6531:
//     jürgen.müller@beispiel.de, иван@пример.рф, 用户@例子.广告, IDN
//     top-level domains such as .рф, .中国, .भारत) and in full-width forms
//     (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ). In CJK text without spaces an address
//     ends where the script changes (请联系zhang.wei@example.cn获取), or
//     after a CJK top-level domain the text runs on from (さくら@例え.テスト
//     と..., 张伟@例子.测试和...).
//   - PHONE: numbers that a country's number plan assigns, checked against
//     tables generated from libphonenumber's metadata (the country calling
//     code, the number's length and its leading digits):
//     international numbers in any groups (+44 20 7946 0958, +44 (0)20 7946
//     0958, +7 (495) 123-45-67, +8613812345678, 0044 20 7946 0958, the
//     path of wa.me/447700900123), with a slash after the area code (+49
//     (0)89 / 2345 678) or the calling code in parentheses ((+34) 933 456
//     789); numbers
//     as written at home in the twenty most populous countries, the EU and
//     a dozen more (the list is in phoneplan_gen.go): with a trunk prefix in
//     groups of two or more digits (030 1234567, 0917 123 4567, 0532 123 45
//     67, 06 12 34 56 78, 8 (916) 123-45-67, 089 / 123 456-0, 010 - 413 22
//     87 as the Netherlands write it, each number of a list joined by " / "),
//     without one in
//     the groups the plan writes them in and with nine digits or more
//     ((555) 010-1234, 555.010.1234, 138 0013 8000, 333 123 4567, 612 34 56
//     78, 963.52.18.40: dots make no address when a group exceeds 255), and as one run of digits
//     when it is a mobile number with a trunk prefix or of eleven digits or
//     more (09171234567, 13812345678); and any 7 to 15 digits right after a
//     phone word (tel, call, phone, Telefon, телефон, 电话, फ़ोन, कॉल, هاتف
//     and others), a word for a service line (hotline, customer service,
//     고객센터, tổng đài, 客服) or an app that reaches people by their
//     number (Zelle, Bizum, WhatsApp), also of several words ("Customer
//     support:", "Service client :"), or in a table column headed by one
//     (id,name,phone; or in a plain-text table aligned with spaces, under
//     the header "PHONE" in the same column); a second number joined to such a number by a word
//     for "or" ("Central de atendimento: X ou 4004-0001", "1588-1234 또는
//     080-023-0000"); a number of eight digits or more that the plan of an
//     international number on its line takes as a national number of the
//     same length, outside tables ("0039 333 2655616; in Italia
//     3494726440", "+44 20 7946 0958 (020 7946 0958)"); a number a person is reached on ("contact the
//     patient on 07700 900 604"); a number early in a speaker's turn
//     that answers a question or request for one on the line before
//     ("Could you give me a callback number?\n[customer] sure, 555-0139",
//     "मोबाइल नंबर बताइए।\nग्राहक: ९८७६५४३२१०"); before a word for calling in the languages that put
//     the verb last (1588-1234로 전화, までお電話, पर कॉल करें); and after a
//     word for "number" alone when the number has eight digits or more and
//     does not start with a year, or after "my number". A word such as
//     "client" right after a phone word names whose number follows ("Tél.
//     client : 06 39 98 12 90") and refuses nothing, and none refuses a
//     number with its area code in parentheses ("Rewards member: (206)
//     555-0181"); a Korean particle after a word (번호가, 번호는) leaves
//     its meaning. North American 555
//     numbers count, as documentation and test data use them.
//   - CREDIT_CARD: 13 to 19 digits, contiguous or grouped by spaces or
//     dashes (four groups of four also with both mixed), with the issuer prefix of an international network (Visa,
//     Mastercard, American Express, Discover, JCB, Diners Club, UnionPay,
//     Maestro) or of a national scheme (Mir, Troy, RuPay, NAPAS, Elo,
//     Hipercard, Verve, Borica, Humo, UzCard) matching the length, and a
//     valid Luhn check digit; any Luhn-valid 16 digits right after a word
//     for card (card, carte, Karte, карта, 카드, カード, 卡, ...), also in
//     the groups a person typed (card no 475617 9207 432733) or broken by
//     a line break (Card: 4800 2936 5259\n9882, the next line holding the
//     rest and nothing else); also between the commas of a CSV row, before
//     an address or a decimal in the next field.
//   - SSN: US social security numbers ddd-dd-dddd or ddd dd dddd (or nine
//     digits, or ddd.dd.dddd, after "SSN"), except the never-issued area
//     000, 666 and 900-999, group 00 and serial 0000.
//   - IBAN: any issuing country, contiguous or in groups of four, with the
//     country's length and a valid ISO 7064 mod 97-10 check; after the
//     word IBAN also in the groups a person typed (iban DE53 5096 9449 57
//     2345 2042) and broken by one line break (IBAN: GB53MIDL\n1686…);
//     also in full-width letters and digits (ＤＥ８９ ３７０４ …).
//
// Numbers count in any digits and number punctuation a text may use:
// full-width (０９０－５０６８－７０５８, ＋８１), Arabic-Indic (٠٥٠١٢٣٤٥٦٧),
// Extended Arabic-Indic, Devanagari and Bengali digits, no-break and thin
// spaces, hyphens, en dashes and the minus sign are read as their ASCII
// forms.
//   - IPV4, IPV6: addresses, private and link-local ones included (internal
//     addresses in stored logs map a network); IPv6 in full or compressed
//     form, with an embedded IPv4 tail (::ffff:10.0.0.1), also at the end
//     of a sentence ("Server IP: 2001:db8::1."); IPv4 also in full-width
//     digits and full stops (１９２．１６８．０．１); an IPv4 address with its
//     port after a name and a slash (client/203.0.113.58:51822, as OpenVPN
//     logs a peer), or without one after the name of a host or a service
//     (node-b/10.0.2.21 as kubectl prints a node, TERMSRV/10.50.1.20,
//     HOST/10.1.2.3; not Chrome/120.0.0.0 nor a path), after an ellipsis
//     (198.51.100.7...203.0.113.19, unless a version stands before it),
//     and addresses an update moved between ("updated the
//     gateway from 10.0.0.1 to 10.0.0.2"). Netmasks (255.255.240.0) are
//     none, nor are dotted quads a rollback returns to ("rolled back to
//     10.2.1.17") or that follow a name in a list of versions ("cuDNN
//     9.1.0.70, TensorRT 10.0.1.6").
//   - AWS_KEY: access key IDs (AKIA, ASIA, ABIA, ACCA + 16) and 40-character
//     secret access keys within a line of a "secret" keyword or of an
//     access key ID ("AKIA... / secret").
//   - GITHUB_TOKEN: ghp_, gho_, ghu_, ghs_, ghr_ and github_pat_ tokens.
//   - API_KEY: vendor tokens with a fixed prefix, length or alphabet:
//     OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Slack (xoxb-, xoxp-, ...,
//     xapp-, and webhook and workflow URLs), Stripe (sk_live_, rk_live_,
//     rk_prod_ and the test variants), Google (AIza, OAuth ya29.), GitLab
//     (glpat-, gldt-, glrt-, ...), npm (npm_), PyPI (pypi-), Hugging Face
//     (hf_, api_org_), SendGrid (SG.), HashiCorp Vault (hvs., hvb., and the
//     legacy s. form on a line that mentions Vault), Notion (ntn_),
//     Sourcegraph (sgp_), Sentry (sntrys_, sntryu_), Grafana (glc_, glsa_,
//     eyJrIjoi), Azure client secrets (...8Q~...), Facebook (EAA...),
//     Square (sq0atp-, sq0csp-, EAAA), Mapbox secret tokens (sk.eyJ...; the
//     public pk. ones stay), 1Password (ops_, A3-), age
//     (AGE-SECRET-KEY-1), Twilio (SK + 32 hex), Telegram bot tokens, AI
//     platforms (gsk_, xai-, r8_, pplx-, lsv2_, pcsk_, tvly-), cloud and
//     developer platforms (dop_v1_, dapi, dp.pt., dt0c01., lin_api_,
//     pul-, rubygems_, sbp_, bkua_, ...), Shopify (shpat_, shpss_, ...: 32
//     hex digits), DigitalOcean (dop_v1_, ...: 64 hex digits), Atlassian
//     (ATATT3, the whole token), Alibaba Cloud (LTAI), Airtable (pat….…,
//     the whole token), Dropbox (sl.), Mailgun (key-), Mailchimp (…-usNN,
//     the whole key), Terraform Cloud (….atlasv1.…, the whole token),
//     Infracost (ico-), and Discord and Microsoft Teams webhook URLs. A vendor token is claimed up to its
//     end however long it is. Where the issuer puts a checksum in its
//     tokens (GitHub's CRC-32 and SHA-256, npm's CRC-32, age's Bech32), a
//     token that fails it is left alone on a line that presents it as a
//     test vector ("fixtures/reject/…", "CRC32 mismatch", "want_match":
//     false); elsewhere, and under a key that names a secret, it is
//     redacted as before.
//   - JWT: JSON Web Tokens (eyJ... . ... . ...), unless they are the
//     credential of an Authorization header.
//   - PRIVATE_KEY: whole PEM private key blocks, BEGIN to END line (RSA, EC,
//     DSA, OPENSSH, ENCRYPTED, PGP), also inside JSON strings with \n
//     escapes, and up to the end of the base64 lines when the END line is
//     missing; and PEM private keys encoded in base64 (LS0tLS1CRUdJTi...,
//     whose decoded header says PRIVATE KEY) where no key names them.
//   - BEARER_TOKEN, BASIC_AUTH: the credentials of "Bearer <token>" and
//     "Basic <base64 of user:password>" (in an Authorization header the
//     whole credential, whatever it looks like: a JWT after Basic
//     included, however long; in a quoted string that holds nothing else,
//     as logs print the header's value, a token-shaped base64 credential
//     whatever it decodes to; as the argument after a "Basic" string
//     literal, new AuthenticationHeaderValue("Basic", "…"), when it
//     decodes to user:password), and the user:password given to curl -u or
//     --user, also on a continuation line of the curl command (after a
//     line ending in '\').
//   - PASSWORD: the value assigned to a password-like key: password=,
//     passwd:, pwd=, DB_PASSWORD=, "db_pass": "...", \"password\": \"...\"
//     (JSON inside a JSON string), --password x, <password>x</password>,
//     key="DbPassword" value="x", PASSWORD 'x' and IDENTIFIED BY 'x' (SQL),
//     define('DB_PASSWORD', 'x') (PHP), keys with a qualifier
//     (password_confirm, passwordConfirmation, new_password_repeat,
//     password_db, senha_temporaria, пароль_бд), the misspellings and short
//     forms people type (pasword, passwrod, pswd, psw), and
//     the word for password in other languages (Passwort, mot de passe,
//     contraseña, senha, пароль, 密码, パスワード, ...), also as identifiers
//     write it (mot_de_passe, motDePasse, mat_khau, kata_sandi); a string
//     literal a password is compared with in code (password == "x",
//     getPassword().equals("x")). An
//     unquoted value in an inline code span runs to its closing backtick
//     (`contraseña: Sol y Sombra 33`). The cells of a Markdown table's column
//     headed by a word for password (| User | Password |, | Mot de passe |)
//     are passwords too. A YAML-style
//     "password: several words" loses the rest of its line, unless the line
//     holds another key. Also passwords, PINs and passphrases stated in
//     prose in many languages (en, de, fr, es, pt, it, nl, pl, ru, tr, ar,
//     hi, ja, ko, zh, vi, id and others): "my password is hunter2", with password \"x\" in a JSON string, "pw:
//     x", "the PIN is 4821", "das Passwort lautet x", "mot de passe : x",
//     "contraseña es x", "senha é x", "пароль x", "şifrem x", "كلمة
//     المرور x", "パスワードは x", "密码是x", and passphrases such as
//     tundra-piano-tiger-violet. The value must look like a secret (a
//     digit, a symbol, mixed case, three or more joined words, quotes); a
//     plain word only after "my password is" and the like; a PIN is 4 to
//     12 digits. And passwords given to command-line tools as options,
//     continuation lines included: mysql -pX, sshpass -p X, redis-cli -a
//     X, ldapsearch -w X, mongosh -p X, sqlcmd -P X, zip -P X, htpasswd -b
//     file user X, net use ... /user:u X, ConvertTo-SecureString "X",
//     smbclient -U user%X, sqlplus user/X@db, rman target sys/X@db, exp
//     userid=u/X, keytool -storepass X, openssl -passin pass:X, net user
//     name X, az login -p X, redis-server --requirepass X. And the password
//     field of .pgpass lines (host:5432:db:user:X), of Oracle connect
//     strings (jdbc:oracle:thin:user/X@//host/svc), of Wi-Fi QR texts
//     (WIFI:...;P:X;;), Wi-Fi keys (psk=, "the wifi key is X"), SNMP
//     community strings, app passwords of four random letter groups
//     ("xqzv kwpm tlrb yhae") after a password word, passphrases named in
//     other words (phrase secrète, frase secreta, кодовая фраза, パスフレーズ)
//     and passwords after an adverb ("is literally x") or for a named thing
//     without a connector ("PIN der Karte 4821", "الرقم السري للبطاقة 8841",
//     "пароль от вайфая — x", "пароль от личного кабинета x"), also
//     after a phrase of up to six words ("la clave del wifi de la oficina
//     es x", "a senha do portal que ele mandou é x"). An access or login
//     code of letters and digits is a password ("mon code d'accès
//     Mistral-7712", "inlogcode … is Delft-Blauw-55"). A question about a
//     password or code at the end of a line is its word, and the next
//     speaker's turn its value ("… code de votre boîte à clés ?\nClient :
//     c'est 2580", "What is the wifi password?\n[guest] Sunny-Day-22"); in
//     a chat export, the whole text of one of the next three messages
//     ("[21:10] Sara: qual è la password di Disney+?\n[21:12] Marco:
//     Disney_Famiglia22"). A question or a dash may stand between the
//     word and an answer that starts with "it's", a copula or an arrow
//     ("the staging db pw? it's still X", "wlan pw? -> X", "qual a
//     senha? é X"); "still" in each language joins a word to its value
//     ("ist immer noch", "sigue siendo", "всё ещё", "hâlâ", "لسه", "अभी
//     भी", "はまだ", "아직", "还是"), as do "now" and "became" before a
//     value that looks like a secret ("пароль теперь X", "비밀번호는 이제
//     X예요", "密码改成X了", "كلمة السر صارت X", "पासवर्ड अब X है"); a value
//     given as an afterthought turns after the question ("oh and it's X",
//     "bu arada X", "кстати, он X", "참고로 X이에요"); and a clause naming a new password may
//     give it without a connector ("sifreyi degistirdim yenisi X",
//     "pasuwado kaeta, atarashii no wa X"). Slang and transliterated
//     words (contra, пасс, parol, mima, pasuwado, mk) are read like
//     "pass": only before a value of mixed classes.
//     Door, gate, key-safe, alarm and SIM codes
//     are read as PINs in the 16 languages ("the lockbox code is 4096",
//     "keypad is 2580#", "Handy-PIN ist 1948", "PUK: 60417725", "код от
//     подъезда 4321", "kapı kodu 6071", "رمز الباب 6120", "mã khóa cửa
//     1506", "Schlüsselsafe neben der Haustür, Code 3107"), and so are a
//     word for "code" or "number" alone in a clause that names a lock ("Clé
//     dans la boîte, code 0909", "Ключ в сейфе, код 4040", "鍵はキーボックス、
//     番号2024"), a lock word and its code a few words apart ("Código do
//     cofre das chaves 4120", "Zahlenschloss am Keller: 3-9-1-4"), a
//     second code joined to the first ("the door code is X and the alarm
//     8264", "X ou 2864"), bank-card and phone-unlock codes ("code
//     confidentiel", "ATM पिन ३३०८", "telefon kilidi 1958", "手机锁屏
//     1952"); a code may be written in any digits the number scanners
//     read (٩٠٥١, ３５７９), with a keypad's '*' or '#' (*1357#, 1453*), one
//     capital among the digits as intercoms have (27К4512, A1947), or as
//     a combination (19-32-07); but not India's
//     six-digit postal PIN code (पिन कोड 110001); a value in parentheses
//     right after the word (パスワード（tsukimi0915）, "code … (1789)") or
//     glued to it in CJK text (支付密码820416); Wi-Fi passwords in other
//     words (code wifi, pass wifi, كلمة مرور الواي فاي) and the password
//     after a network or login name and a slash ("wifi: Home / x", "login
//     me@example.com / x"), also without a colon or after a phrase and a
//     colon, in any language ("Wifi Grachtenpand / x", "와이파이 Busan_Ocean
//     / x", "Identifiants de la box : admin / x"), where after a network
//     three words joined by dashes are enough (saigon-mua-mua); after any
//     label's colon, a user name and a slash, a password only a generator
//     makes ("Vendor access: ext_migra / !u=$ikv7H2qJ3FiK"); lists of
//     passwords under a heading that ends in a colon ("Passwords for the
//     shared accounts:" then "- Netflix: x" a line); "pass 'x'" with a
//     quoted value of mixed classes; compounds that end in the word
//     (Gerätepasswort ist x); and a value that goes on past a Latin letter
//     outside ASCII (Tiramisù1988); the password of an e-mail / password
//     pair of mixed classes (Netflix: ana@example.com / Rivera1965!); a
//     variable's value in the cell after its name in a Markdown table (|
//     `SMTP_PASSWORD` | X |); libcurl's CURLOPT_USERPWD "user:X" and
//     CURLOPT_PASSWORD; a quoted ipsec.secrets PSK; SQL*Plus connect
//     user/X@service. A value that follows "password:" on its own
//     line loses the rest of the line only when that is not a sentence
//     going on (a question, a spaced dash).
//     Passwords passed to calls by position (mysqli_connect("h", "u", "X"),
//     new mysqli(...), new PDO($dsn, "u", "X"), pymysql.connect(...),
//     DriverManager.getConnection(url, "u", "X"), requests' auth=("u",
//     "X"), HTTPBasicAuth("u", "X"), NetworkCredential("u", "X"),
//     smtp.login("u", "X"), and login(user, "X") when X looks like a
//     password, ldap_bind($ds, $dn, "X"), simple_bind_s(dn, "X"),
//     $client->setAuth("u", "X")) when the argument is a string literal;
//     the password of a Go MySQL DSN (user:X@tcp(host)/db, @unix(...)); and
//     password hashes in the modular crypt format wherever they appear
//     (bcrypt $2b$..., Argon2 $argon2id$..., SHA-crypt $5$/$6$, yescrypt
//     $y$, phpass $P$/$H$), which can be cracked offline. And the line a command prints after it
//     reveals a named secret (kubectl ... jsonpath='{.data.password}' |
//     base64 -d, vault kv get -field=password, printenv X, echo $X), as
//     PASSWORD or SECRET by the name; the password of a user:password
//     literal encoded for a Basic header (btoa("u:X"), b64encode(b"u:X"),
//     GetBytes("u:X") on a line that says Basic or auth).
//   - SECRET: the value assigned to another credential key, in any casing
//     and with any separator (secret, token, key, auth, credential(s),
//     login, salt: client_secret, SONAR_LOGIN, X-Api-Key, apiKey,
//     private_key, AccountKey, session cookies such as session= and
//     PHPSESSID=, ...), with any assignment operator (=, :, :=, ::=, ?=,
//     =>, ??=, <- (R), a space after a --flag, a comma after a quoted key,
//     a type between (api_key: str = x, val t: String = x, var k string =
//     x, Dim k As String = x, &str), a C array (char token[] = x), a Lisp
//     (def api-token x), a setter call (client.setApiKey("x")), a YAML
//     block scalar (token: |), a configuration directive at the start of
//     a line (requirepass x, ENV API_TOKEN x, fish's set -x TOKEN x)) when
//     it looks machine-made
//     (letters and digits, mixed case, or a long run of letters with few
//     vowels), in env files, YAML, TOML, JSON, HCL, XML attributes,
//     Makefiles and code in many languages; keys whose last word is "key"
//     (segment_write_key, mapsKey) or a bare "key" when the value looks
//     generated; values given apart from their name (Terraform variable
//     "x_token" { default = ... }, - name: API_KEY / value: ..., {"name":
//     "TOKEN", "value": ...}, {"key": "token", "value": ...} (Postman), a
//     browser tool's {"selector": "#password", "value": ...},
//     CloudFormation parameters, Terraform's name = "NAME" and value =
//     "X" in one block, and any Terraform
//     variable marked sensitive = true or parameter marked NoEcho: true,
//     the value an SQL UPDATE writes to a settings row whose key names a
//     secret (SET value = 'X' WHERE name = 'psp_api_secret'), and
//     Alertmanager's PagerDuty routing_key);
//     keys with an encoding after the name (SIGNING_KEY_B64,
//     ENCRYPTION_KEY_HEX), Erlang cookies, Perl's $ENV{'API_KEY'}, and
//     java-jwt's Algorithm.HMAC256("X"); but references into secret
//     stores (vault:…#key, aws-secretsmanager:…, op://…, an ARN) and values
//     elided with an ellipsis (whsec_...f3a9) are none;
//     a literal given as the fallback of an environment read
//     (process.env.JWT_SECRET || "x", process.env.API_KEY ?? "x",
//     getenv("DB_PASSWORD") or "x", System.getenv("TOKEN") ?: "x") or
//     converted on assignment (signingKey = []byte("x"), Buffer.from("x"));
//     the data of Kubernetes Secrets (except user names, hosts and ports);
//     a wallet's seed phrase (12 to 24 words of BIP-39's English list)
//     after a word that names one (seed phrase, recovery phrase,
//     mnemonic, frase semilla, 助记词);
//     the signatures of signed URLs (sig=, X-Amz-Signature=) and key=
//     query parameters; and the credentials of an Authorization or
//     Proxy-Authorization header with another scheme (Token, Api-Token,
//     NTLM; Digest and other schemes of parameters up to the end of the
//     header) or none; and API keys and tokens stated in prose ("my API
//     key is X", "der API-Schlüssel lautet X", "トークンは X", "my token is
//     X", "the secret is X", "use token X") when X is 12 or more letters
//     and digits (16 or more after the bare words token, key and secret,
//     and not a digest or a UUID unless a word says which secret: "the
//     signing key for staging is X", "our HMAC secret leaked: X", "la
//     chiave segreta per le API è X"), key names written in prose ("our
//     app_secret_key is X", "Set signing_key to X"), and, without a
//     connector, a value of 20 or more random letters and digits ("en
//     token X"); a public key, a key ID or fingerprint, a page token stay.
//   - URL_CREDENTIALS: the userinfo of scheme://user:password@host, and of
//     https://<token>@host when the user name looks like a token.
//   - CRYPTO_ADDRESS: Bitcoin P2PKH (1...) and P2SH (3...) addresses with a
//     valid Base58Check checksum, segwit addresses (bc1...) with a valid
//     Bech32 (version 0, BIP 173) or Bech32m (versions 1 to 16, BIP 350)
//     checksum and program length, and Ethereum addresses (0x + 40 hex
//     digits) that carry a valid EIP-55 checksum when they mix cases; an
//     all-lower or all-upper one has no checksum and is taken as it is.
//     The Keccak-256 that EIP-55 needs is a small implementation in this
//     package (the standard library's SHA-3 pads differently).
//
// An assigned value is replaced whole however long it is (an 800-byte
// token included), and every key of a line is considered, so "password:
// x, password_confirm: x" loses both values.
//
// Category is a string type: custom rules may use their own categories
// (upper-case letters, digits and underscores).
//
// # Placeholders
//
// A match is replaced by "[REDACTED:" + category + "]" ([Placeholder]).
// Where it helps a reader and is not secret, the start of the match is kept
// in front of the placeholder: the vendor prefix of a token
// ("ghp_[REDACTED:GITHUB_TOKEN]", "sk-ant-[REDACTED:API_KEY]",
// "AKIA[REDACTED:AWS_KEY]", "hooks.slack.com/services/[REDACTED:API_KEY]")
// and the scheme of an Authorization header ("Bearer
// [REDACTED:BEARER_TOKEN]"). For assignments only the value is replaced
// ("password=[REDACTED:PASSWORD]"); for URLs only the userinfo
// ("https://[REDACTED:URL_CREDENTIALS]@db.example.com"). A PEM block is
// replaced whole.
//
// Placeholders never match a rule, and text already holding a placeholder
// is left as it is.
//
// # Idempotence
//
// Redact reads a text once, and redacting its output again changes
// nothing: Redact(Redact(s)) == Redact(s). That is a property of the
// rules, not a second pass: a replacement can remove what kept a
// neighbour from matching (the start of a number another match claimed,
// "version" before a dotted quad, a letter glued to an address), so the
// rules read a placeholder as the text it replaced, which they had
// already judged with that text in place. Right after or before a
// placeholder (with only spaces and punctuation between, on the same line)
// no number starts or ends and no address is glued; a placeholder where a
// version word, a header name, an order word before "number", an '@' of a
// URL's authority or a key's first part would be may have been one; a
// table header line holding one is no header. More generally, where a
// window of context a rule reads (measured in bytes, which placeholders
// shorten or lengthen) holds or starts inside a placeholder, the rule
// decides toward no match: a value glued to a placeholder on either side
// is not taken, a question or a qualifier that held one is not read, the
// dotted quads of an upgrade are versions. The cost: in a text that
// already holds placeholders (output redacted again with newer rules),
// what sits right next to one is not redacted. The fuzz test and a test
// that splices corpus texts check the property; [Redactor.Check] checks
// it on the examples of custom rules.
//
// # What is left alone
//
// Precision matters as much as recall: an audit log whose text is shredded
// is useless. The default rules leave alone:
//
//   - versions (version 1.2.3.4, v10.0.0.1, pkg==10.2.0.1, lodash@4.17.21,
//     firmware 4.20.19.79, __version__ = "3.5.28.111", APP_VERSION=,
//     <version>, "Firmware wurde von 3.1.22.114", driver 12.19.2.45, BIOS,
//     database and kernel versions, version words of 16 languages and in
//     compounds (Gerätetreiber, versie, sürüm, 펌웨어, phiên bản), "stays at
//     5.10.160.31", "10.2.3.4 as the next revision", "Version der App ist
//     4.12.0.18", "version of the app is ..."), and a dotted quad linked
//     to another version ("from version 1.10.48.204 to 8.29.14.172", "von
//     X auf Y", "2.14.3 -> 10.2.30.41"), dotted quads an upgrade moved
//     between ("upgraded llog from 1.10.48.204 to 8.29.14.172", when the
//     clause names no address, gateway or server), section numbers (§ 4.2.1.3, RFC
//     5280 4.2.1.14) and OIDs
//     (1.3.6.1.4.1.311), and dotted quads with a single-digit first octet
//     and two more single-digit octets (1.2.3.4, 7.1.4.34: more often a
//     version than an address; 8.8.8.8 and 1.1.1.1 are public resolvers);
//   - dates and times (2024-01-15, 15/01/2024, 15.01.2024,
//     2024-01-15T10:30:00Z, 10:30:00), durations and ratios;
//   - UUIDs, git SHAs, hashes, request and trace IDs, prices ($1,234.56),
//     ISBNs, Unix timestamps, and Luhn-invalid or prefix-less 16-digit
//     numbers;
//   - numbers a number plan does not assign, and numbers that look like
//     phone numbers after a word that says they are something else: order,
//     invoice, tracking, reference, account, customer, serial, part, build
//     and version numbers, carriers' parcel numbers, ABNs, VAT and tax
//     numbers, IMEIs and postcodes, national identity, tax, social security
//     and company registration numbers, accounts, contracts, patients and
//     meters, insurance policies and case files, after an abbreviated
//     word for number too ("contrat n° 0142 6853 991", "poliçe no
//     125478963-01", 档案号 0591-2025-0047, C.F. 01234567897), and
//     references with letters after a slash (0912/2025/HĐ-KT), in the
//     languages of the phone words (Order #123456789,
//     INV-2024-000123, Order number 0171 1234567, Bestellnummer 0171
//     1234567, 订单号13812345678, 주문번호 01012345678, FedEx 7712 3456
//     7890, ABN 51 824 753 556, Steuer-ID 47 036 892 816, SIRET 812 345
//     678 00019, NIF 501 234 567, P. IVA 01234567890, CPF 123.456.789-09,
//     T.C. Kimlik No 12345678950, 사업자등록번호 123-45-67890, Mã số thuế
//     0312345678, numéro de contrat 0698 765 432, お問い合わせ番号
//     4433-2211-0098), also with a word or two of whose number it is
//     between (NIF do cliente: 508 221 430, partita IVA del fornitore è
//     01234567890, Mã số thuế người bán: 0312345678, Billete electrónico
//     075-2419938471) or the letters that start it (Colis n° 6A 123 456 789
//     01), and a number right after a word for a code (dial-in code 771
//     204 883) unless it is an area or country code; keys of five or more
//     equal groups (the 44 digits of a Brazilian invoice's access key);
//     references numbered by year after a word for
//     "number" (رقم 2024-0312) and one-time codes near a code word ("Kod
//     SMS: 4471 8820");
//   - the rest of an IBAN-shaped string whose check digits are wrong (DE89
//     3704 0044 0532 0130 01 is neither an IBAN nor a phone number), MAC
//     addresses in any notation (00-11-22-33-44-55, 0012.3456.7890), hex
//     dumps, decimals (15631.549600), ZIP+4 and CEP postcodes (02110-1301,
//     01310-100), bit strings and lists of numbers;
//   - without a phone word, what is as often something else: ten-digit
//     runs without a trunk prefix (8045311447, 1705312200: counts,
//     timestamps, IDs), and numbers without a trunk prefix of fewer than
//     nine digits, in pairs, with a group of zeros, written with thousands
//     separators or followed by a unit or a currency (2019-2020, 20 21 22
//     23, 500 000 000, 1 234 567 890, 612 345 678 units);
//   - loopback ::1 and addresses with fewer than four hex digits, C++ and
//     Rust paths (std::vector), MAC addresses, Python slices (a[1::2]),
//     bytes in hex joined by colons (serial 4F:21:9A:7C:11:03:DE:AA);
//   - public keys and certificates (BEGIN PUBLIC KEY, BEGIN CERTIFICATE,
//     ssh-rsa AAAA..., certificate-authority-data), publishable Stripe keys
//     (pk_live_), and PEM headers named in prose or with the body left out
//     ("must start with -----BEGIN RSA PRIVATE KEY----- and end with ...",
//     "...", "<your key>");
//   - placeholders and references instead of values, with or without a
//     vendor prefix: ${DB_PASSWORD}, $API_KEY, <your-api-key>,
//     {{ .Values.password }}, %s, :password, ?, ********, xxxx,
//     ghp_XXXX..., sk_live_****..., documentation values containing
//     EXAMPLE (AKIAIOSFODNN7EXAMPLE), [FILTERED], YOUR_TOKEN_HERE,
//     xoxb-your-token-here, the same in other languages (sua-senha-aqui,
//     twoje-haslo, dein-passwort), cmd.exe's %VARIABLE%, well-known defaults such
//     as changeme and changeit (they are public knowledge, and showing them
//     tells a reader the configuration was never changed), and a value that
//     only names itself (password=password);
//   - code instead of values: password = os.getenv("X"), cfg.Password
//     (a dotted path, unless a part of it is random, as in a Discord bot
//     token's id.timestamp.hmac, or a capitalized word with a digit inside,
//     as in Blu3berry.Muffin),
//     password: string, token: Optional[str] = None, DB_PASSWORD as an
//     identifier, PowerShell cmdlets ($pw = Read-Host ...,
//     ConvertTo-SecureString), getters (vault.getToken("ci")), valueFrom:
//     references;
//   - keys that are not credentials: max_tokens, prompt_tokens, token_type,
//     eos_token, secret_name, password_hint, primary_key, public_key,
//     cache_key, partition_key, sort_key, NOPASSWD, bypass, a sid that holds
//     a Twilio resource ID (SM + 32 hex digits), and PWD when it
//     holds a directory; a bare "key" with a word, an ID or a digest as its
//     value ("key": "checkout.button.label");
//   - user@ without a domain, icon@2x.png, image@sha256:..., and
//     git@github.com:org/repo (an SSH remote whose user is the fixed service
//     account "git", not a mailbox; the same goes for ssh://git@host);
//     https://john@example.com (a user name without a password);
//   - numbers after a word for "code" where the clause names no lock or
//     says when (error code 4040, "the door code was changed in 2019",
//     "the gate opens at 0730"), dates and phone numbers (groups of more
//     than two digits joined by dashes) after a lock word;
//   - prose around the keywords: "forgot your password?", "Password: at
//     least 8 characters", "the password must have 8 characters", "the
//     password is incorrect", "Das Passwort ist falsch", "Enter your PIN",
//     "the token: a word piece", "reset your password at https://...", "my
//     token is expired", "The key is to keep it simple".
//
// # Rules
//
// Rules are data (see [Rule]): an ID, a category, a description, keywords,
// either an RE2 pattern or a hand-written [FindFunc], an optional validator
// (Luhn, mod-97, SSN ranges, entropy), a priority for ties, and example and
// negative texts. [New] compiles them once; the package tests run every
// rule's examples and negatives, and [Redactor.Check] does the same for a
// Redactor built with custom rules: each example must come out with the
// rule's own placeholder, from the rule alone and from the whole Redactor.
// Vendor tokens are a table of prefix, alphabet and length specifications
// (vendors.go); passwords given to command-line tools are a table of tools
// and options (cli.go); the words for password, PIN and API key in prose
// and their connectors are word lists (prose.go), and so are the words
// that say which secret a key or token is (prosesecret.go); the words that make a
// number a phone number or something else (order, identity, tax and
// reference words, service lines, code words, words for calling) are word
// lists in the languages of the phone words (phone.go, phonectx.go); the
// shapes of configuration files without key = value (.pgpass, connect
// strings, Kubernetes Secrets, Terraform variables) are finders of their
// own (config.go).
//
// When matches overlap, the one that starts first wins, then the longest,
// then the one of higher priority, then the earlier rule. So a PEM block
// wins over everything inside it, the userinfo of a URL over the e-mail
// address its password@host resembles, and a specific token rule over the
// generic assignment that claims the same value ("token=ghp_..." is a
// GITHUB_TOKEN, and so is "Authorization: token ghp_..."), and the
// credential of an Authorization header over a JWT ("Authorization: Token
// eyJ..." is a SECRET). A losing match that reaches beyond the winner
// extends the winner's replacement to its own end ("pw=x 555 0100" with a
// phone number starting inside the value), and one that lies in the text
// the winner keeps in front of its placeholder makes the winner keep
// nothing ("password=Bearer x": the whole "Bearer x" is replaced), so that
// no part of either is left to match in the output.
//
// # Performance
//
// Most text holds nothing to redact, so the design makes the clean path
// cheap and allocation-free:
//
//   - One pass over the text finds every rule's keywords at once, and in
//     the same pass counts the characters and checks that the text is
//     valid UTF-8 ([Redactor.RedactText] reports both, so a caller that
//     estimates tokens need not read the text again). It reads eight bytes
//     at a time: a hash of the three bytes at each offset indexes a 64
//     Ki-bit table of how keywords start (in all ASCII cases), which
//     rejects almost every offset with one shift, one multiply and one bit
//     test; the few offsets that pass are checked against a table of the
//     keywords' first four bytes, and then compared only with the keywords
//     whose first three bytes hash alike; one-byte keywords ('@') are found
//     with strings.IndexByte. A block of ASCII costs the validity check one
//     test; a block with other bytes is decoded byte by byte, and its
//     characters counted with one population count. Invalid UTF-8 stops
//     the pass: the text is repaired and read again.
//   - Pattern rules run only where a keyword occurs, anchored there and on
//     a window of at most MaxLen bytes, never over the whole text. The
//     default rules use patterns only for tokens with a distinctive prefix.
//   - Numbers are found by hand-written scanners: one sweep, eight bytes at
//     a time, finds the digit runs; phone numbers, payment cards, SSNs and
//     IBANs share its tokenization, and check Luhn, mod-97 and ranges in
//     plain code. Phone numbers are checked against the number plans by a
//     walk of a few steps down a digit trie (36 KB of generated tables), not
//     by libphonenumber itself, whose Go port costs tens of microseconds per
//     number and megabytes of binary. Addresses are found from
//     strings.IndexByte of '@' and ':', IPv4 addresses from the dots next
//     to the digits the sweep marked, and Bitcoin Base58 addresses from
//     strings.IndexByte of '1' and '3' (a run once read is skipped whole).
//   - Hand-written finders decide on at most 512 bytes of a candidate and
//     then claim an accepted one up to its real end, however long: a
//     rejected candidate costs a bounded amount, an accepted one is not
//     read again (a keyword occurrence inside a rule's previous candidate
//     is not reported to that rule, for every rule).
//   - No default keyword is shorter than three bytes (a two-byte one would
//     pass the first filter at one offset in thirty): "pw" is keyed as
//     "pw:", "pw " and so on, Ethereum's "0x" as "0x0" to "0xf".
//   - Candidates are collected in slices taken from a pool at the first
//     keyword occurrence and put back after the replacement, so a text with
//     matches allocates its output and its counts only; when nothing
//     matches, Redact returns its input without allocating (invalid UTF-8
//     aside).
//
// Every scanner looks a bounded distance around its trigger, so the cost is
// linear in the text length even for adversarial input.
//
// A text is read once whether or not it holds matches: idempotence is a
// property of the rules (see Idempotence), not a second pass over the
// output.
package redact
