package redact

import (
	"errors"
	"fmt"
	"strings"
)

// Rule priorities of the default set: only ties (same start, same length)
// consult them. A specific detector beats a generic one that claims the same
// text (token=ghp_... is a GITHUB_TOKEN, not a SECRET).
const (
	prioGeneric   = 0  // key = value assignments
	prioContext   = 10 // PII and network identifiers
	prioScheme    = 15 // Authorization schemes
	prioVendor    = 20 // vendor tokens, JWTs, URL credentials
	prioContainer = 30 // PEM blocks
)

// DefaultRules returns a fresh copy of the default rule set, which callers
// may filter or extend and pass to [New].
// passwordKeywords are the keywords of the rules that read a value named
// by a word for password (the assignment and the table column).
var passwordKeywords = []string{"pass", "pwd", "psk", "_community", "-community", "rocommunity", "rwcommunity", "identified by", "kennwort", "mot de passe", "contraseña", "contrasena", "senha",
	"khau", "sandi", "sifre", "wachtwoord", "lösenord", "hasło", "пароль", "Пароль", "ПАРОЛЬ", "密码", "密碼", "パスワード", "비밀번호", "पासवर्ड",
	"كلمة المرور", "كلمة السر", "mật khẩu", "haslo", "parol", "mdp", "heslo", "jelszo", "salasana", "adgangskode",
	"losenord", "pw=", "pw:", "pw ", "pw\t", "pw\"", "pw'", "pasw", "psw"}

// secretKeywords are the keywords of the rule that reads a value named by
// a word for a secret, a token or a credential's key, in English and in the
// languages of foreignKeyCategory.
var secretKeywords = []string{"secret", "token", "key", "sess", "sid", "auth", "login", "cred", "salt", "_pat", "cookie",
	"jeton", "clé", "clef", "cle_", "cle-", "clave", "llave", "chave", "chiave", "klucz", "khoa", "sleutel",
	"schluessel", "schlussel", "schlüssel", "anahtar", "klyuch", "geheimnis", "segred", "segret", "sekret",
	"bi_mat", "bimat"}

func DefaultRules() []Rule {
	rules := []Rule{
		{
			ID:          "private-key",
			Category:    PrivateKey,
			Description: "PEM private key block (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP), BEGIN to END line inclusive",
			Keywords:    []string{"-----BEGIN "},
			Find:        findPrivateKey,
			Priority:    prioContainer,
			Examples: []string{
				"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----",
				"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----",
				`{"key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----\n"}`,
				"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5Bp7I2kIwgZ4k",
			},
			Negatives: []string{
				"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
				"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
				"load the key with -----BEGIN PRIVATE KEY (a header without dashes)",
				"the file starts with -----BEGIN EC PRIVATE KEY----- and ends with -----END EC PRIVATE KEY-----.",
				"-----BEGIN OPENSSH PRIVATE KEY-----\n<paste your key here>\n-----END OPENSSH PRIVATE KEY-----",
			},
		},
		{
			ID:          "aws-secret-key",
			Category:    AWSKey,
			Description: `AWS secret access key: 40 base64 characters within a line of a "secret" keyword or an access key ID`,
			Keywords:    []string{"secret", "AKIA", "ASIA"},
			Find:        findAWSSecret,
			Priority:    prioVendor - 2,
			Examples: []string{
				"aws_secret_access_key = k9Vb2/Qm8Xz+Lr5Tn7Wp3Ys6Uh1Jd4Fc0Ge2Ha8B",
				`"SecretAccessKey": "Zq1X9dKeRTy7Pl0Vb2Nm8Qw3Er4Ty5Ui6Op7As8D"`,
				"my AWS secret is k9Vb2/Qm8Xz+Lr5Tn7Wp3Ys6Uh1Jd4Fc0Ge2Ha8B ok",
				"is it real? AKIAQX4TZR7NWD2LKP5M / Hq8vTb3Rz1+Lm6Nw9Pk2Xc5Vd7Sf0Gj4Ya8Ue3Wo",
			},
			Negatives: []string{
				"secret commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
				"k9Vb2/Qm8Xz+Lr5Tn7Wp3Ys6Uh1Jd4Fc0Ge2Ha8B without the keyword",
				"AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
				"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (the documentation key)",
				"the secret path is /usr/local/share/applications/defaults.list",
			},
		},
		{
			ID:          "jwt",
			Category:    JWT,
			Description: "JSON Web Token: three base64url parts, the first starting eyJ; not one whose empty signature an ellipsis or a template follows",
			Keywords:    []string{"eyJ"},
			Find:        findJWT,
			Priority:    prioVendor - 2,
			Examples: []string{
				"id_token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
				"eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
				"token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c...",
			},
			Negatives: []string{"eyJhbGciOiJIUzI1NiJ9 alone is a header", "they eyJ.x.y",
				"Example JWT (truncated): eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0...",
				"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.<signature>"},
		},
		{
			ID:          "bearer-token",
			Category:    BearerToken,
			Description: `Bearer credential ("Authorization: Bearer <token>"), the scheme kept`,
			Keywords:    []string{"bearer"},
			Find:        findBearer,
			Priority:    prioScheme,
			Examples:    []string{"Authorization: Bearer 4f9a8c2e71b34d0a9e6f5c8b2a1d7e3f", `-H "Authorization: Bearer abc123DEF456ghi789"`},
			Negatives: []string{"Authorization: Bearer <token>", "Authorization: Bearer $TOKEN", "bearer of bad news", "Bearer authentication scheme", "Authorization: Bearer YOUR_ACCESS_TOKEN",
				"// example only: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.<payload>.<signature>"},
		},
		{
			ID:          "basic-auth",
			Category:    BasicAuth,
			Description: `HTTP Basic credentials ("Authorization: Basic <base64 of user:password>"), the scheme kept`,
			Keywords:    []string{"basic"},
			Find:        findBasic,
			Priority:    prioScheme,
			Examples: []string{"Authorization: Basic dXNlcjpodW50ZXIy", "curl -H 'Authorization: Basic YWRtaW46czNjcjN0IQ=='",
				`msg="basic auth header" value="Basic UI++IS5M3B2VMEUz7jWbi+FjB4lvwv1+KJ9Jmr6y" route=/admin`,
				`req.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpodW50ZXIy");`},
			Negatives: []string{"basic authentication is enabled", "Authorization: Basic <credentials>", "basic dXNlcm5hbWU= has no colon",
				`label="Basic Authentication" other`, `title='Basic ConfigurationSettings' x`, `new AuthenticationHeaderValue("Basic", token)`,
				`new AuthenticationHeaderValue("Basic", "aGVsbG8gd29ybGQ=")`},
		},
		{
			ID:          "authorization-header",
			Category:    Secret,
			Description: "credentials of an Authorization or Proxy-Authorization header with a scheme other than Bearer and Basic (Token, Api-Token, Digest, ...) or none; the scheme kept",
			Keywords:    []string{"authorization"},
			Find:        findAuthorization,
			Priority:    prioVendor - 1,
			Examples: []string{
				"Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
				`headers = {"Authorization": "Api-Token dt8f2kq9x7m4p1z6"}`,
				`Authorization: Digest username="admin", realm="api", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", response="6629fae49393a05397450978507c4ef1"`,
				"authorization: 4f9a8c2e71b34d0a9e6f5c8b2a1d7e3f",
			},
			Negatives: []string{
				"Authorization: Token <token>", "Authorization: Token ${API_TOKEN}", "the Authorization header carries the token",
				"Authorization: required", `{"Authorization": f"Token {token}"}`,
			},
		},
		{
			ID:          "curl-user",
			Category:    BasicAuth,
			Description: "user:password given to curl -u or --user",
			Keywords:    []string{"-u ", "--user"},
			Find:        findCurlUser,
			Priority:    prioScheme,
			Examples:    []string{"curl -u admin:Adm1nPass https://api.example.com", "curl --user=svc:S3rv1ce! -X POST https://x.example"},
			Negatives:   []string{"docker run -u 1000:1000 alpine", "mysql -u root -p", "curl -u admin:$PASSWORD https://x.example", "curl -u user https://x.example"},
		},
		{
			ID:          "cli-password",
			Category:    Password,
			Description: "password given to a command-line tool as an option (mysql -pX, sshpass -p X, redis-cli -a X, ldapsearch -w X, htpasswd -b file user X, net use /user:u X, schtasks /rp X, ssh-keygen -N X, ACL SETUSER u >X, ...), also on continuation lines, or echoed into one that reads it from its input (echo 'u:X' | chpasswd)",
			Keywords:    cliKeywords(),
			Find:        findCLIPassword,
			Priority:    prioGeneric,
			Examples: []string{
				"mysql -h db.example.org -u root -pS3cretRoot app_prod", "sshpass -p 'Raspberry!9' ssh pi@host",
				"redis-cli -h cache -a R3disP@ssw0rd ping", "htpasswd -b /etc/nginx/.htpasswd admin Sw0rdfish!42",
				`net use Z: \\fileserver\share /user:CORP\bob P@ssw0rd-Q3`, `$s = ConvertTo-SecureString "Azur3!Deploy" -AsPlainText -Force`,
				`ldapsearch -x -D "cn=admin,dc=example,dc=com" \` + "\n" + `  -w Ld@pAdm1n -b "dc=example,dc=com"`,
				"smbclient //nas/share -U alice%Sh4re!pw", "sqlplus scott/T1ger#db@orcl", "7z a -pArch!ve42 backup.7z docs",
				"htpasswd -b -c /etc/nginx/.htpasswd admin Adm1n-Htp-77", `net use Z: \\fs01\finance Fin-Share#25 /user:CORP\jdoe`,
				`schtasks /create /tn Export /tr C:\jobs\export.bat /sc daily /ru CORP\svc /rp Exp0rt-Night!y`,
				"ssh-keygen -p -f ~/.ssh/id_ed25519 -P 'old pass phrase' -N 'new-Pass-Phrase-2025'",
				"cache:6379> ACL SETUSER worker on >W0rker-Redis-91 ~jobs:* +@all", "echo 'intern2:Intern#Summer25' | sudo chpasswd",
				`echo "Rhel-Stdin-42" | passwd --stdin jdoe`,
			},
			Negatives: []string{
				"mysql -u root -p app_prod", "sshpass -p $SSHPASS ssh host", "docker login -u me --password-stdin",
				"redis-cli -a \"$REDIS_PASSWORD\" ping", "the mysql -p option prompts for the password", "unzip -P <password> file.zip",
				"htpasswd -B -c /etc/nginx/.htpasswd admin", `net use Z: \\fs01\finance * /user:CORP\jdoe`,
				"schtasks /create /tn Sync /tr sync.bat /sc hourly /ru CORP\\svc /rp *", `ssh-keygen -t ed25519 -N "" -f key`,
				"ACL SETUSER carol on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +@all",
				`echo "$USER:$NEWPASS" | chpasswd`, "cat users.txt | chpasswd",
			},
		},
		{
			ID:          "password-call-argument",
			Category:    Password,
			Description: `password passed to a call by position (mysqli_connect("h", "u", "X"), new PDO($dsn, "u", "X"), DriverManager.getConnection(url, "u", "X"), auth=("u", "X"), HTTPBasicAuth("u", "X"), smtp.login("u", "X"))`,
			Keywords:    credentialCallKeywords(false),
			Find:        findCallPassword,
			Priority:    prioGeneric,
			Examples: []string{
				`$db = mysqli_connect("10.0.0.5", "shop", "Php-Shop-9!", "shop");`, `$m = new mysqli("db", "app", "Lynx-62-x", "app");`,
				`Connection c = DriverManager.getConnection(url, "hr_app", "Oracle-Hr-4");`, `requests.get(u, auth=("svc", "g?gy4k5_8zD5"))`,
				`$pdo = new PDO('mysql:host=db;dbname=shop', 'shop', 'Pdo-Pass-77');`, `server.login("alerts@example.org", "Smtp-Pw-2025")`,
				`new NetworkCredential("svc_build", "Bu1ld!Agent")`, `server.login(user, "mail-app-pw-zxcv")`,
				`conn.simple_bind_s("cn=admin,dc=example,dc=org", "Ld4p-Pw-91")`, `ldap_bind($ds, $dn, "Php-Ldap-7x")`,
				`$client->setAuth('api_user', 'Php-Api-Pw-13');`,
				`my $dbh = DBI->connect("dbi:Pg:dbname=ledger", "ledger", "5FgnRUxeonaeJQ", { RaiseError => 1 });`,
				`con = cx_Oracle.connect("hr", "VwX7O9x8LFKN", "db/XEPDB1")`, `.basic_auth("metrics", Some("0QUQYUVOr8q1RxWQ"))`,
				`req.basic_auth "ops", "jlZPq0lmioq1RhVCPA"`,
				"Connection c = DriverManager.getConnection(\n    \"jdbc:postgresql://db:5432/app\", \"app\", \"Pg-Lines-42x\");",
				`return new PasswordAuthentication("proxyuser", "Pr0xy^Pw-7".toCharArray());`,
			},
			Negatives: []string{
				`mysqli_connect($host, $user, $pass, $db)`, `new PDO($dsn, $user, getenv('DB_PASS'))`,
				`DriverManager.getConnection(url, props)`, `auth=("user", "<password>")`, `client.login(user, "x")`,
				`HTTPBasicAuth("svc", os.environ["PW"])`, `ds.getConnection()`, `client.login(user, "guest")`,
				`ldap_bind($ds, $dn, $pw)`, `$client->setAuth($user, $pass);`,
				`DBI->connect($dsn, $user, $ENV{DB_PASS}, { RaiseError => 1 })`, `.basic_auth(&user, Some(&pass))`,
				`req.basic_auth "ops", ENV["OPS_PASSWORD"]`,
				"DriverManager.getConnection(\n  url,\n  user,\n  System.getenv(\"DB_PASS\"));",
			},
		},
		{
			ID:          "secret-call-argument",
			Category:    Secret,
			Description: `key or signing secret passed to the constructor or call that uses it (new SymmetricSecurityKey(Encoding.UTF8.GetBytes("X")), new SecretKeySpec("X".getBytes(), "HmacSHA256"), crypto.createHmac("sha256", "X"), hmac.new(b"X", ...), jwt.sign(payload, "X"))`,
			Keywords:    credentialCallKeywords(true),
			Find:        findCallSecret,
			Priority:    prioGeneric,
			Examples: []string{
				`IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("X9no5aSrlLVJzSQlMVZ3VoXAg3tG")),`,
				`Key k = new SecretKeySpec("q7Rt5Yu8Io2Pa4Sd6Fg".getBytes(StandardCharsets.UTF_8), "HmacSHA256");`,
				`const sig = crypto.createHmac('sha256', 'wH7dK2pL9xQ4vM1zT8rB').update(body).digest('hex');`,
				`mac = hmac.new(b"Zf3D0LXCM3EIMbgJpUNn", msg, hashlib.sha256)`,
				`const token = jwt.sign({ sub: user.id, role: "admin" }, "cAEYAKgOQNNctbRl7lG2", { expiresIn: "1h" });`,
			},
			Negatives: []string{
				`new SymmetricSecurityKey(Encoding.UTF8.GetBytes(config["Jwt:Key"]))`, `crypto.createHmac('sha256', secret)`,
				`jwt.sign(payload, process.env.JWT_SECRET)`, `hmac.new(key, msg, hashlib.sha256)`,
				`new SecretKeySpec("<your-secret>".getBytes(), "HmacSHA256")`, `jwt.encode(payload, "secret", algorithm="HS256")`,
			},
		},
		{
			ID:          "password-command-output",
			Category:    Password,
			Description: "password printed by a command that reveals a named secret, on the line after it (kubectl jsonpath='{.data.password}' | base64 -d, printenv DB_PASSWORD, vault kv get -field=password)",
			Keywords:    revealKeywords,
			Find:        findRevealedPassword,
			Priority:    prioGeneric,
			Examples: []string{
				"$ kubectl get secret db-creds -o jsonpath='{.data.password}' | base64 -d\nKube-Db-Creds-Thrush-9",
				"$ vault kv get -field=password secret/app\nV4ult-Pw-2025",
			},
			Negatives: []string{
				"$ kubectl get secret db -o jsonpath='{.data.username}' | base64 -d\napp_user",
				"$ printenv DB_PASSWORD\n$ ls", "echo $DB_PASSWORD\nchangeme",
			},
		},
		{
			ID:          "secret-command-output",
			Category:    Secret,
			Description: `secret printed by a command that reveals a named secret, on the line after it (printenv SESSION_SECRET, echo $API_TOKEN, or the text around the variable of echo "using key $ENCRYPTION_KEY")`,
			Keywords:    revealKeywords,
			Find:        findRevealedSecret,
			Priority:    prioGeneric,
			Examples: []string{
				"$ fly ssh console -C 'printenv SESSION_SECRET'\nftMSAM62UmNnBojCuwaB3zugHm35lsDHwUd8gGdUwvoxliIgM1hvFDAEdwZ2DPN_",
				"$ echo $API_TOKEN\nq8Vn2LxR7pT4wZ9mK3sJ6hB1",
				"$ echo \"using key $ENCRYPTION_KEY\"\nusing key 30a0208c499f044f054eed0cbbc9da1e842cfcce38537c2d1d490aa8d1bc04dc",
			},
			Negatives: []string{"$ printenv SESSION_SECRET\nnot set", "echo $TOKEN_TTL\n3600", "printenv API_KEY | wc -c\n41",
				"$ echo \"using key $ENCRYPTION_KEY\"\nusing key \n$ ls", "echo \"key: ${API_KEY:-unset}\"\nkey: unset"},
		},
		{
			ID:          "basic-auth-literal",
			Category:    Password,
			Description: `password of the user:password literal that code encodes for a Basic Authorization header (btoa("u:X"), base64.b64encode(b"u:X"), GetBytes("u:X"))`,
			Keywords:    basicLiteralKeywords,
			Find:        findBasicLiteral,
			Priority:    prioGeneric,
			Examples: []string{
				`$h = @{ Authorization = "Basic " + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes("svc_jira:Jira-Svc-27")) }`,
				`headers: { Authorization: "Basic " + btoa("admin:Adm1n-Portal!") }`,
				`auth = base64.b64encode(b"etl:Etl-Load-41").decode()`,
			},
			Negatives: []string{
				`"Basic " + btoa(user + ":" + password)`, `auth = base64.b64encode(f"{user}:{pw}".encode())`,
				`Encoding.UTF8.GetBytes("key:value")`, `"Basic " + btoa("user:<password>")`,
			},
		},
		{
			ID:          "password-hash",
			Category:    Password,
			Description: "password hash in the modular crypt format: bcrypt ($2a$, $2b$, $2y$), Argon2 ($argon2id$...), SHA-crypt ($5$, $6$), yescrypt ($y$), phpass ($P$, $H$), MD5-crypt ($1$, $apr1$), also with every '$' doubled; or after an LDAP or Dovecot {SCHEME} ({SSHA}, {SHA}, {CRYPT}, {PLAIN}, ...), the scheme included",
			Keywords:    passwordHashKeywords,
			Find:        findPasswordHash,
			Priority:    prioVendor,
			Examples: []string{
				"INSERT INTO users VALUES ('a@example.org', '$2b$12$3IklsuO3owxjAtibD1Ehz0dTjvt6zxkUXrHojIm7EmKpyvU2o2pcL');",
				"$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
				"root:$6$rounds=5000$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/:19000:0:99999:7:::",
				"INSERT INTO wp_users VALUES (3,'editor','$P$Bq7n2Lx0vR7sT5wY1zA3cE9gH4jM6k.','editor');",
				"admin:$apr1$Duw1jFbN$2v4Jk3g7Pdhqc0tM4n2Ab/", "grafana:{SHA}qGbLObV0aOZCr9qZDgWmg8arsVo=",
				"rootpw {SSHA}KbQi69CqSEuCTgY9buuCVX6Ru0/lbLus",
				`- "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$sd8rtK8o$$AVCHJL2yE2NqN0XRyMirVB"`,
			},
			Negatives: []string{
				"the $2b$ prefix marks bcrypt", "$2b$12$short", "costs $5$ or $6$ each", "$argon2id$v=19", "phpass hashes start with $P$ or $H$",
				"rootpw {SSHA}<hash from slappasswd>", "the {SHA} scheme is unsalted", "nobody:*:19000:0:99999:7:::",
				"echo $1$2 and $$apr1$$ escapes",
			},
		},
		{
			ID:          "url-credentials",
			Category:    URLCredentials,
			Description: "userinfo of a URL with a password (scheme://user:password@host) or a token as user name; scheme and host stay",
			Keywords:    []string{"://"},
			Find:        findURLCredentials,
			Priority:    prioVendor,
			Examples: []string{
				"postgres://admin:S3cr3t!@db.internal:5432/app",
				"git clone https://x-access-token:gho_16C7e42F292c6912E7710c838347Ae178B4a@github.com/org/repo.git",
				"https://ghp16C7e42F292c6912E7710c838347Ae178B4a@github.com/org/repo",
			},
			Negatives: []string{
				"https://example.com/path?q=1",
				"ssh://git@github.com/org/repo.git",
				"https://user:${DB_PASSWORD}@db.example.com",
				"https://user:password@example.com in the docs",
				"https://john@example.com/",
			},
		},
		{
			ID:          "email",
			Category:    Email,
			Description: "email address",
			Keywords:    []string{"@", "%40", "＠"},
			Find:        findEmail,
			Priority:    prioContext,
			Examples:    []string{"Contact john.doe+tag@example.co.uk today", "mailto:info@mueller-example.de", "<jane_o'neil@sub.example.org>", "GET /users?email=john%40example.com&x=1", "さくら@例え.テストと", "发到张伟@例子.测试和"},
			Negatives: []string{
				"user@ without a domain", "pkg@1.2.3", "npm i lodash@4.17.21", "@babel/core@7.22.0",
				"git@github.com:org/repo.git", "icon@2x.png", "@mention and @here", "image@sha256:abc",
				"https://user:pass@host.example.com/",
			},
		},
		{
			ID:          "credit-card",
			Category:    CreditCard,
			Description: "payment card number: 13-19 digits, contiguous or grouped by spaces or dashes, with the issuer prefix of an international network or a national scheme for its length and a valid Luhn check digit",
			Find:        findCard,
			numeric:     kindCard,
			Priority:    prioContext,
			Examples: []string{
				"CRM 발췌: 고객 박민수, 카드 9410 3565 0810 0089", "card: 9410 3565 0810 0089",
				"card 4111 1111 1111 1111 exp 12/27", "5555-5555-5555-4444", "Amex 3782 822463 10005", "4012888888881881",
				"карта Мир 2200 7877 8932 8792", "Troy 9792 1614 6100 3306", "name,card\nOla,4421774366875972,198.51.100.14",
				"card no 475617 9207 432733 (typed the groups wrong)", "Card:  4800 2936 5259\n9882\nExp: 05/28",
				"refund to 5555 5555-5555 4444 please",
			},
			Negatives: []string{
				"the id 9410 3565 0810 0089 here", "discard 9410 3565 0810 0089", "카드 9410 3565 0810 0088",
				"4111 1111 1111 1112", "1234 5678 9012 3456", "order 4111111111111111.5", "id=99999999999999999999", "ts 1705312200000",
				"полис 2200 7877 8932 8795", "order no 475617 9207 432733", "Card:  4800 2936 5259\n9883\nExp: 05/28",
				"Order:  4800 2936 5259\n9882", "Card: 4800 2936 5259\n9882 EUR",
			},
		},
		{
			ID:          "ssn",
			Category:    SSN,
			Description: "US social security number ddd-dd-dddd (or spaced, or 9 digits after \"SSN\"), excluding never-issued areas 000, 666, 900-999, group 00 and serial 0000",
			Find:        findSSN,
			numeric:     kindSSN,
			Priority:    prioContext,
			Examples:    []string{"SSN 123-45-6789", "ssn: 078051120", "social security number 219 09 9999", "his ssn: 100.31.3170 (from the old form)"},
			Negatives: []string{"000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "order 123456789", "ref INV-123-45-6789",
				"build 100.31.3170", "ssn 666.31.3170"},
		},
		{
			ID:          "iban",
			Category:    IBAN,
			Description: "IBAN of any issuing country, contiguous or in groups of four, with the country's length and a valid mod-97 check",
			Find:        findIBAN,
			numeric:     kindIBAN,
			Priority:    prioContext,
			Examples: []string{"IBAN DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819", "FR14 2004 1010 0505 0001 3M02 606",
				"iban DE53 5096 9449 57 2345 2042 pls double check", "IBAN: GB53MIDL\n16864733397751\nSort code 16-86-47"},
			Negatives: []string{"DE89 3704 0044 0532 0130 01", "XX89370400440532013000", "ISO 8601 and RFC 3339",
				"iban DE53 5096 9449 57 2345 2043", "iban DE53 5096 9449 57 2345 2042 01", "IBAN: GB53MIDL\n16864733397752"},
		},
		{
			ID:          "phone",
			Category:    Phone,
			Description: "phone number that a country's number plan assigns: +international or 00, national as the plan writes it (trunk prefix, groups), a mobile number as one run of digits, or 7-15 digits after a phone word",
			Find:        findPhone,
			numeric:     kindPhone,
			Priority:    prioContext - 5,
			Examples: []string{
				"[agent] Could you give me a callback number?\n[customer] sure, 555-0139 or later",
				"एजेंट: कृपया अपना मोबाइल नंबर बताइए।\nग्राहक: ९८७६५४३२१०",
				"call +44 20 7946 0958", "(555) 010-1234", "+91 98765 43210", "555.010.1234",
				"Tel. 030 1234567", "+1-555-010-1234", "電話 090-1234-5678", "phone: 5550101234",
				"My CN number is 13812345678", "reach me on 0917 123 4567", "０９０－５０６８－７０５８",
				"1,Henry,+13055550139,x", "tel. 010 - 413 22 87", "(04 91 22 58 70 / 06 12 48 90 33)",
				"Tél. client : 06 39 98 12 90", "카드사 분실신고 번호가 1577-3408 맞나요?", "Rewards member: (206) 555-0181",
				"на домашний (812) 275-44-18", "أتصل على 920020405", "Service client : 09 69 32 16 16",
				"Customer support: 1-800-555-0142", "Teléfono de la oficina: 963.41.27.80", "or text 555-0147",
				"Contact the patient on 07700 900 871", "Central de atendimento: 3003 0001 ou 4004-0002",
				"고객센터: 1588-1234 또는 080-023-1111",
				"Tel.: +49 (0)89 / 2345 678, Durchwahl -12", "Tel. (+34) 933 456 789 | Móvil",
				"EMPLOYEE        SSN            PHONE\nL. Grant        418-13-8615    555-0125",
			},
			Negatives: []string{
				"Agent: What is your order number?\nCustomer: 12345678", "Agent: What is the code we sent by SMS?\nCustomer: 44718820",
				"Agent: What's your phone number?\nClient: order 12345678 first",
				"2024-01-15", "15/01/2024", "Order #123456789", "INV-2024-000123", "$1,234.56",
				"ISBN 978-3-16-148410-0", "1.3.6.1.4.1.311", "ts=1705312200", "version 1.2.3.4",
				"v10.0.0.1", "4111 1111 1111 1112", "DE89 3704 0044 0532 0130 01",
				"Order number 0171 1234567", "switch 0012.3456.7890", "ABN 51 824 753 556",
				"Population 8045311447", "the years 2019 - 2020", "sizes 36 38 40 42 / 44 46 48 50 52 54",
				"Artikel +49 (0)89 / 2024-01-15", "sales (+34) 933 456 units",
				"NAME        ORDER      PHONE\nGrant       5550125    n/a", "NAME        PHONE\nA  [REDACTED:SSN]\nGrant       5550125",
				"NIF do cliente: 508 221 430", "La partita IVA del fornitore è 01234567890", "Mã số thuế người bán: 0312345678",
				"Colis n° 6A 123 456 789 01", "Billete 075-2419938471", "dial-in code 771 204 883",
				"Chave de acesso: 3525 0512 3456 7800 0195 5500 1000 1184 4710 0012 3458", "TRANS# 0412-03-77610",
				"contrat n° 0142 6853 991", "P.IVA 01234567897 · C.F. 01234567897", "poliçe no 125478963-01",
				"档案号 0591-2025-0047", "Số hợp đồng 0912/2025/HĐ-KT", "Order 12345678 or 87654321 shipped",
			},
		},
		{
			ID:          "ipv4",
			Category:    IPv4,
			Description: "IPv4 address (dotted quad, octets 0-255 without leading zeros), private ranges included; not after a version word",
			Find:        findIPv4,
			digitFind:   ipv4Finder,
			Priority:    prioContext,
			Examples: []string{"from 192.168.1.23 port 22", "host=10.0.0.1:8080", "CIDR 172.16.0.0/12", "updated the gateway from 10.0.0.1 to 10.0.0.2", "connection from 10.20.30.40 to 10.20.30.41 refused", "openvpn[881]: client/203.0.113.58:51822 TLS: ok",
				"peer configs matching 198.51.100.7...203.0.113.19[alice]", "Node: node-b/10.0.2.21", "cmdkey /generic:TERMSRV/10.50.1.20 /user:admin",
				"管理画面は１９２．１６８．１．２０です"},
			Negatives: []string{"version 1.2.3.4", "v10.0.0.1", "1.3.6.1.4.1.311", "§ 4.2.1.3", "1.2.3.4", "999.1.1.1", "pkg==10.2.0.1", "3.14159", "Version der App ist 4.12.0.18", "upgraded the agent from 2.10.48.204 to 3.29.14.172", "deps/10.2.0.1/lib",
				"Gecko) Chrome/120.0.0.0 Safari/537.36", "OPR/106.0.0.0", "compare 4.2.1.30...10.20.30.40", "https://mirror.example.org/releases/10.2.0.1", "バージョン ４．２０．１９．７９"},
		},
		{
			ID:          "ipv6",
			Category:    IPv6,
			Description: "IPv6 address, full or compressed, with an optional embedded IPv4 tail",
			Find:        findIPv6,
			Priority:    prioContext,
			Examples:    []string{"fe80::1 on eth0", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "http://[2001:db8::1]:8080/"},
			Negatives:   []string{"10:30:00", "std::vector", "00:1A:2B:3C:4D:5E", "a[1::2]", "::1", "Foo::Bar::baz", "dead::beef", "fingerprint 3A:7F:09:C2:5D:E1:48:B6"},
		},
		{
			ID:          "bitcoin-base58-address",
			Category:    CryptoAddress,
			Description: "Bitcoin P2PKH (1...) and P2SH (3...) address with a valid Base58Check checksum",
			Find:        findBase58Address,
			Priority:    prioContext,
			Examples:    []string{"send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "BTC: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"},
			Negatives:   []string{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb (bad checksum)", "13 apples", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz"},
		},
		{
			ID:          "bitcoin-bech32-address",
			Category:    CryptoAddress,
			Description: "Bitcoin segwit address (bc1...) with a valid Bech32 (version 0) or Bech32m (versions 1-16) checksum",
			Keywords:    []string{"bc1"},
			Find:        findBech32Address,
			Priority:    prioContext,
			Examples: []string{
				"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
				"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
			},
			Negatives: []string{
				"bc1qw508d6qejxtdg4c5r3zarvary0c5xw7kv8f3t4 (bad checksum)",
				"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd (Bech32 where Bech32m is due)",
				"the bc1 prefix",
			},
		},
		{
			ID:          "ethereum-address",
			Category:    CryptoAddress,
			Description: "Ethereum address: 0x + 40 hex digits, with a valid EIP-55 checksum if it mixes cases",
			Keywords:    []string{"0x0", "0x1", "0x2", "0x3", "0x4", "0x5", "0x6", "0x7", "0x8", "0x9", "0xa", "0xb", "0xc", "0xd", "0xe", "0xf"},
			Find:        findEthAddress,
			Priority:    prioContext,
			Examples:    []string{"ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "to: 0xde709f2102306220921060314715629080e2fb77"},
			Negatives: []string{
				"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD (bad checksum)",
				"tx 0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b", "mask 0xffffffff",
				"0x0000000000000000000000000000000000000000",
			},
		},
		{
			ID:          "password-assignment",
			Category:    Password,
			Description: `value assigned to a password-like key (password=, passwd:, pwd=, "db_pass": ...), the key kept`,
			Keywords:    passwordKeywords,
			Find:        findPasswordAssignment,
			Priority:    prioGeneric,
			Examples: []string{
				"la ligne `mot_de_passe: \"Chat-Noir!64\"` : YAML", "dòng `mat_khau: HaLong@Bay1994`; code", "kata_sandi: \"Bali-2024!\"",
				"en `contraseña: Sol y Sombra 33`: los espacios",
				"password=hunter2", `{"password": "correct horse"}`, "DB_PASSWORD=s3cr3t!", "passwd: Tr0ub4dor&3",
				"mysql --password=Pa55word", "pwd = 'abc123'", "Password: zX9!qW",
				"CREATE USER app WITH PASSWORD 'R3p0rt!ng';", "Passwort: geheim123", "mot de passe : s3cret!",
				"密码：abc123，请记住", `{\"password\": \"s3cr3t!\"}`, `<add key="DbPassword" value="Xy9!kq" />`,
				"variable \"db_password\" {\n  type    = string\n  default = \"Tf-Db-Pa55!\"\n}",
				"env:\n  - name: POSTGRES_PASSWORD\n    value: Pg-Env-9x!", `{"name": "DB_PASSWORD", "value": "Ecs-Pw-77"}`,
				"Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\n    Default: Cfn-Pw-2024",
				`password = os.getenv("DB_PASSWORD") or "Fallback-Pw-1"`, "pw=hunter2", "user=admin&pw=s3cret99",
			},
			Negatives: []string{
				"use `password: string` in the type", "set `mot_de_passe: ${DB_PASS}` then", "`mat_khau: <mật khẩu>` here",
				"password=${DB_PASSWORD}", "password=<password>", "password: ********", "password=changeme",
				"password = os.getenv('DB_PASSWORD')", "Password: cfg.Password,", "password: string;",
				"forgot your password?", "PWD=/home/user", "NOPASSWD: ALL", "password_hint: blue",
				"if password == stored {", "password: {{ .Values.db.password }}", "password: !vault |",
				"Password: at least 8 characters, one digit.", "the password field", "password 'reset' link",
				"$pass = Read-Host -AsSecureString", "$dbPassword = Get-Secret -Name db -AsPlainText",
				"INSERT INTO `users` (`id`, `email`, `password`, `phone`) VALUES (7, 2, 3, 4);",
				`INSERT INTO accounts ("login", "password", "created_at") VALUES (1, 2, 3);`,
				"kubectl create secret generic db-creds --from-file=password=./db_password.txt",
				"pw=800", "render?w=100&pw=0.5mm", "pw=full",
			},
		},
		{
			ID:          "password-account-pair",
			Category:    Password,
			Description: `the password of a "user / password" pair whose user is a system account (root / Tr0ub4dor&3x)`,
			Keywords:    accountNames,
			Find:        findAccountPair,
			Priority:    prioGeneric,
			Examples: []string{
				"root / Tr0ub4dor&3x on 10.0.0.5 (temporary, change after first login)",
				"ssh in as ubuntu / Gx7-mKq2-Lw9 and restart the service",
			},
			Negatives: []string{
				"root / home / user", "the admin / user split", "root / 2 = 0.5", "chroot / Tr0ub4dor&3x",
				"admin / [REDACTED:PASSWORD]", "root / <password>",
			},
		},
		{
			ID:          "password-email-pair",
			Category:    Password,
			Description: `the password of an "e-mail / password" pair, of mixed classes ("Netflix: ana@example.com / Rivera1965!")`,
			Keywords:    []string{"@"},
			Find:        findEmailPair,
			Priority:    prioGeneric,
			Examples: []string{
				"Netflix: ana.r@example.com / Rivera1965!", "Spotify — j.doe@example.org / tacos4ever!! (family plan)",
			},
			Negatives: []string{
				"ping @dev.team / Rivera1965! for access", "the handle @ana.r / Rivera1965!",
			},
		},
		{
			ID:          "password-redis-reply",
			Category:    Password,
			Description: `the value redis-cli prints after CONFIG GET requirepass or masterauth (1) "requirepass" / 2) "X")`,
			Keywords:    []string{`"requirepass"`, `"masterauth"`},
			Find:        findRedisConfigReply,
			Priority:    prioGeneric,
			Examples: []string{
				"127.0.0.1:6379> CONFIG GET requirepass\n1) \"requirepass\"\n2) \"hkbDD89IhM!YI\"",
				"1) \"masterauth\"\r\n2) \"Winter.9716x\"",
			},
			Negatives: []string{
				"1) \"requirepass\"\n2) \"\"",
				"\"requirepass\" is the directive to set",
			},
		},
		{
			ID:          "password-table",
			Category:    Password,
			Description: `cells of a Markdown table's column headed by a word for password (| User | Password |), and fields of a CSV column so headed`,
			Keywords:    passwordKeywords,
			Find:        findPasswordColumn,
			Priority:    prioGeneric,
			Examples: []string{
				"| Host | User | Password |\n|------|------|----------|\n| gpu-1 | ubuntu | Nv1d!a-A100 |",
				"| Dienst | Passwort | Notiz |\n|---|---|---|\n| NAS | Blau-Wal-77 | Keller |",
				"Compte | Mot de passe\n--- | ---\nadmin | Soleil#2024",
				"user,password,role\nalice,Wint3r!Lake,admin",
				"login;Kennwort;Abteilung\nm.weber;Fichte#2031;Einkauf",
				"user,password\nalice,Wint3r!Lake",
			},
			Negatives: []string{
				"| Field | Password hint |\n|---|---|\n| a | the dog |",
				"user,password_hint,role\nalice,the dog's name,admin",
				"Password, then user name\nfirst, then second",
				"| Host | Password |\n| gpu-1 | not a separator |",
				"| Setting | Password |\n|---|---|\n| length | ${MIN_LEN} |",
			},
		},
		{
			ID:          "sql-setting",
			Category:    Secret,
			Description: `the value an UPDATE writes to a settings table's row whose key names a secret (SET value = 'X' WHERE name = 'psp_api_secret')`,
			Keywords:    []string{"set value"},
			Find:        findSQLSetting,
			Priority:    prioGeneric,
			Examples: []string{
				"UPDATE app_settings SET value = 'GRbn7zh2yGVSB9Gv2hZZU44OJkybgwNC' WHERE name = 'psp_api_secret';",
			},
			Negatives: []string{
				"UPDATE app_settings SET value = 'dark' WHERE name = 'theme';",
				"UPDATE app_settings SET value = '[REDACTED:SECRET]' WHERE name = 'psp_api_secret';",
				"set value = 'x' where the user asks",
			},
		},
		{
			ID:          "snmp-community",
			Category:    Password,
			Description: `an SNMP community string stated after its name ("SNMP v2c community (monitoring only): X", "the snmp community string is X")`,
			Keywords:    []string{"snmp"},
			Find:        findSNMPCommunity,
			Priority:    prioGeneric,
			Examples: []string{
				"SNMP v2c community (monitoring only): n0c-o03u1ys5DB", "the snmp community string is Rk7-mon1tor",
			},
			Negatives: []string{
				"SNMP community: public", "snmp community: <community>", "SNMP communities are configured per VLAN",
				"snmpCommunity: ${SNMP_COMMUNITY}",
			},
		},
		{
			ID:          "password-user-slash",
			Category:    Password,
			Description: `a generated password after a label's colon, a user name and a slash ("Emergency account: ext_migra / !u=$ikv7H2qJ3FiK"), as runbooks and tickets give an account`,
			Keywords:    []string{" / "},
			Find:        findUserSlashPassword,
			Priority:    prioGeneric,
			Examples: []string{
				"Emergency account of the vendor: ext_migra / !u=$ikv7H2qJ3FiK (expires at the end of the project)",
				"Vendor access: svc.vendor / $^5I!MKnDbFd.",
			},
			Negatives: []string{
				"ratio 1 / 2", "and / or", "see docs / README.md", "admin / changeme", "admin / [REDACTED:PASSWORD]",
				"src / Abc123!xyzQ", "cost 12 / Kx9$mQ2!zLp4", "chroot / Tr0ub4dor&3x",
			},
		},
		{
			ID:          "password-login",
			Category:    Password,
			Description: `a generated password given with a verb for logging in ("Use X to log in", "Melde dich mit X an", "Xでログイン")`,
			Keywords:    loginVerbs,
			Find:        findLoginValue,
			Priority:    prioGeneric,
			Examples: []string{
				"Use 0cpU$Hcx0RB7dIv to log in the first time, it'll ask you to change it.",
				"Melde dich mit uJId9bRT5D@j2gGK an, danach musst du es ändern.", "初回はxZfPT5ODjDWb%wPでログインして、そのあと変更してください。",
				"Lần đầu đăng nhập bằng xzKjxTk_eZ89RuWz, sau đó nó bắt đổi.",
			},
			Negatives: []string{
				"Log in with your GitHub account at https://github.com/login", "login as admin123 on the test box",
				"sign in with your company account and the code we sent", "Use [REDACTED:PASSWORD] to log in",
				"log in with Ab1!Cd2@Ef3 or Gh4#Ij5$Kl6",
			},
		},
		{
			ID:          "password-old",
			Category:    Password,
			Description: `the quoted old password of a sentence that gave a new one ("Das alte („Apfelbaum&8886“) geht noch bis Montag")`,
			Keywords:    oldWords,
			Find:        findOldPassword,
			Priority:    prioGeneric,
			Examples: []string{
				"Le nouveau mot de passe est dans le coffre. L'ancien, « Soleil&192 », marche jusqu'à lundi.",
				"Das neue Passwort kommt per Post. Das alte („Apfelbaum&8886“) geht noch bis Montag.",
			},
			Negatives: []string{
				"Das neue Passwort kommt per Post. Das alte Modell („Serie 5“) geht noch.", "Das alte („Apfel&8886“) war kürzer.",
				"L'ancien « directeur » part lundi.", "La vieja contraseña ya no sirve.",
			},
		},
		{
			ID:          "password-lock-list",
			Category:    Password,
			Description: `the codes of a list of what opens what ("1) street door: 8953#", "2) key safe: 4 2 5 9") and the Wi-Fi password of such a list`,
			Find:        findLockList,
			Priority:    prioGeneric,
			Examples: []string{
				"Which codes do I need?\n1) street door: 8953#\n2) key safe: 4 2 5 9\n3) wifi: pebble3418CDI",
				"Что нужно для квартиры?\n— домофон: 01A86\n— сейф с ключами: 8 2 9 9", "进门需要：\n1、单元门：2718#",
			},
			Negatives: []string{
				"- door: open from 8:00", "1) key points: the roadmap", "- lockers: 12", "- wifi: Office-Guest-5G\n- printer: 2nd floor",
				"1) front door: 12 Main Street",
			},
		},
		{
			ID:          "password-prose",
			Category:    Password,
			Description: `password, PIN or passphrase stated in prose in one of many languages ("my password is X", "the PIN is 4821", "das Passwort lautet X", "パスワードは X"), the words kept`,
			Keywords:    proseKeywords(false),
			Find:        findProsePassword,
			Priority:    prioGeneric,
			Examples: []string{
				`{"input":"Login failed for user \"svc\" with password \"B4ckup-2024-Nov\" from x"}`,
				"My password is hunter2, please keep it safe", "pw: blue42sky", "the PIN is 4821",
				"das Passwort lautet Sonne#2024", "mot de passe : Chouette!88", "mi contraseña es Gato_Negro7",
				"a senha é Brasil#2025", "пароль Zima2024!", "şifrem kedi1234", "كلمة المرور Qamar2024",
				"パスワードは Sakura2024 です", "密码是abc12345，别告诉别人", "my wifi password is tundra-piano-tiger-violet",
				"my password is sunshine.",
				"The lockbox code is 4096 and the keypad is 2580#.", "Schlüsselsafe neben der Haustür, Code 3107",
				"код от подъезда 4321", "PIN kodum 7301", "رمز الباب 6120", "mã khóa cửa 1506", "Handy-PIN ist 1948",
				"ПИН у меня 4407", "パスワード（tsukimi0915）を入力", "支付密码820416。", "wifi: MaisonDupont / Soleil-2024-x",
				"Mon code wifi c'est LiveboxSoleil88", "de sleutelkluis opent niet met code 0911.",
				"Keys are in the box by the shed, code 6120.", "Ключ под ковриком, а сейф открывается, код 7731",
				"鍵はポストの中、番号3391です", "the gate code is 5521 and the alarm 7004", "senha do cartão é 1188 ou 2299",
				"PIN ٤٧٢١ bitte", "门禁密码３１４１，谢谢", "Zahlenschloss am Keller: 2-7-1-9", "Код домофона 14К2207",
				"Schlüsselbox-Code 6618", "Mã hộp chìa khóa 5150", "현관 도어락 130522입니다", "telefon kilidi 2741",
				"WiFi Casa_Lago / limone-e-basilico", "와이파이 Jeju_Stay / hallasan-wind-3", "Zugangsdaten vom NAS: admin / Nas-Blau-88",
				"the creds are deploy:Tr0ub4dor&3", "Zugangsdaten: admin:Geheim!23",
				"Passwords for the office:\n- Printer: prnt4Floor2\n- Guest wifi: Visitor#2026", "use pass 'Lighthouse#77' for now",
				"Das Routerpasswort ist Kiste!7590-ab", "La mia password è Caffè2024xy", "카드 비밀번호(5521)는 비밀", "the PUK on the letter says 41870925",
				"la clave del wifi de la oficina es Madrid-Oficina-2024 y", "a senha do portal que ele mandou é Curitiba#2024",
				"пароль от личного кабинета Neva-Piter-1703.", "« mon code d'accès Mistral-7712 ne marche plus »",
				"zijn inlogcode voor het portaal is Delft-Blauw-55.",
				"Conseillère : quel est le code de votre boîte à clés ?\nClient : c'est 2580, merci",
				"Medewerker: Wat is de code van het sleutelkastje?\nKlant: 4590", "[agent] What is the wifi password?\n[guest] Sunny-Day-22",
				"my pwd for the router admin page is Kx9!mT2q", "Our db_pwd got committed: Y4KNiRTvygkBioSC.",
				"Il PIN del bancomat è 6152, quello della SIM è 0420.", "Alarm code is 4512, and if it beeps twice enter 4512#.",
				"code du portail A2719, wifi Lavande&Thym7.",
			},
			Negatives: []string{
				"the credentials are stored in vault:secret/app", "creds are at 10:30", "the credentials are root:x:0:0",
				`{"msg":"the password \"incorrect\" was typed"}`,
				"Forgot your password? Click here to reset it.", "The password must have 8 characters.",
				"The password is incorrect, please try again.", "Das Passwort ist falsch.", "La contraseña es obligatoria.",
				"Пароль неверный.", "パスワードが違います。", "密码错误，请重试。", "Enter your PIN to continue.",
				"Use a password manager and enable 2FA.", "Failed password for root from host db1 port 22",
				"the password is at least 8 characters long", "password authentication failed for user \"app\"",
				"spinning and pinned", "password: string", "pin the dependency to 4.2.0",
				"The keypad has 12 buttons.", "dial-in access code 4471 8820 19", "पिन कोड 110001, नई दिल्ली।",
				"密码SHA256加密", "error code 4040 in the log", "HTTP status code 5000 returned",
				"The door code was changed in 2019.", "Order code 12345, door open", "the door code is 1234-5678-90",
				"key rotation code 2024-01-15", "the gate opens at 0730 and the alarm 2230", "wifi 2.4GHz / 5GHz",
				"wifi Home / Office", "Passwords:\n- must have 8 characters\n- never reused", "pass 'arg1' to the function", "the password says incorrect",
				"Credentials: see the vault / ask ops", "login Home / settings-page", "wifi Gast / zwei-drei", "the wifi is slow / broken2day", "login / logout", "şifreyi PTT'den yeniden almam lazım",
				"la clave del wifi de la oficina es obligatoria", "пароль от личного кабинета не подходит",
				"Failed password for invalid user admin from host db1", "the keypad model KX-2000 is new",
				"de inlogcode voor het portaal is verlopen", "Agent: did you change the PIN?\nCustomer: yes, last week",
				"Agent: what is the door code?\nCustomer: I do not know it", "What is the PIN?\n\nStep 2: 1234 steps",
				"is it leaking my password?\nAgent: Digest only", "cd $(pwd) && make", "Our db_pwd got committed. How do I purge it?",
			},
		},
		{
			ID:          "seed-phrase",
			Category:    Secret,
			Description: "wallet seed phrase (a BIP-39 mnemonic of 12 to 24 words) after a word that names one (seed phrase, recovery phrase, mnemonic, frase semilla, 助记词)",
			Keywords:    seedPhraseKeywords,
			Find:        findSeedPhrase,
			Priority:    prioGeneric,
			Examples: []string{
				"the seed phrase of my wallet is orbit tunnel wagon fiscal lemon survey cradle awake tissue ranch glove mixture and it is empty now",
				"recovery phrase: abandon ability able about above absent absorb abstract absurd abuse access accident",
				"助记词：canvas pepper rural ocean enjoy pilot movie vapor cabin remain spell hover",
			},
			Negatives: []string{
				"never share your seed phrase with anyone, not even support",
				"the mnemonic has twelve words and a checksum in the last one",
				"seed: 42 for the random generator",
			},
		},
		{
			ID:          "secret-prose",
			Category:    Secret,
			Description: `API key, token or secret stated in prose ("my API key is X", "the signing key for staging is X", "our app_secret_key is X", "der API-Schlüssel lautet X", "トークンは X"), when X looks machine-made`,
			Keywords:    proseKeywords(true),
			Find:        findProseSecret,
			Priority:    prioGeneric,
			Examples: []string{
				"my API key is 9f8e7d6c5b4a3f2e1d0c, use it for the demo", "der API-Schlüssel lautet Xk29Lm7Qr4Tz8Vb3",
				"la clé API est a8f5f167f44f4964e6c9", "APIキーは q7Rt5Yu8Io2Pa4Sd6Fg です", "访问令牌是tK9mN3pQ7rS2vX5z",
				"The signing key for staging is 5e0a7c3f9b1d4e6a8c2f0b3d5e7a9c1f3b5d7e9a1c3f5b7d9e1a3c5f7b9d1e3a.",
				"our app_secret_key is Wn4Rq8Zt2Lx7Vm3Kp9Bc6Hd1Js5Fa0Yg", "encryption key (AES-256, hex): 9d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c",
				"I rotated the session secret; the new one is Gk3vQm8Zt1Lw6Xr9Np2Bc5Hd7Js4Fa0Ye=.", "erişim token'ı Yp3Zq8Lw1Xv6Rk9Nm4Bc7Hd2Jf5Gs",
			},
			Negatives: []string{
				"each token attends to every other token", "the API key is missing", "Your access token expired at 10:30.",
				"token limit is 128000 tokens", "the secret to good bread is patience", "the key insight is that attention is quadratic",
				"the public key is MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
				"ED25519 key fingerprint is SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8.",
				"the commit key is 9fceb02d0ae598e95dc970b74767f19372d61af8", "encryptionKey = encryptionKey1024",
			},
		},
		{
			ID:          "secret-assignment",
			Category:    Secret,
			Description: `value assigned to a secret-like key (secret, token, api_key, client_secret, private_key, session cookie, ...), the key kept`,
			Keywords:    secretKeywords,
			Find:        findSecretAssignment,
			Priority:    prioGeneric,
			Examples: []string{
				"DISCORD_BOT_TOKEN=cWUI3bJ2Ja2hAvomcGqe2xxb.Sa7ZVM0.qsCBwqQ1iHnZeQXhMg5TkhGhKzUKA6R7NSI21w",
				`"client_secret": "9f8e7d6c5b4a3f2e1d0c"`, "api_key: 6b1f0c3e9a8d7e2f", "token=a1b2c3d4e5f6g7h8",
				"X-Api-Key: Zm9vYmFyYmF6MTIz", "export SONAR_TOKEN=squ_4f9a8c2e71b34d0a9e6f5c8b2a1d7e3f",
				"Set-Cookie: session=s%3Aj8Kd92mZx7Q1wErT5yU3iO0p; Path=/", "Cookie: PHPSESSID=9k2j4h5g6f7d8s1a",
				"variable \"github_token\" {\n  default   = \"t0k3n-for-ci-9f8e7d6c5b4a\"\n}",
				"        - name: API_KEY\n          value: \"8f3a9c1d7e2b4f60a5c1d2e3\"", `[{"Name": "STRIPE_SECRET", "Value": "wH7dK2pL9xQ4vM1zT8rB"}]`,
				`const JWT_SECRET = process.env.JWT_SECRET || "cAEYAKgOQNNctbRl7lG2wK1dyfZVaVaL";`, `var signingKey = []byte("2TOkWdtmnKESD8kcbi1bzMSTqiNCAjob")`,
				`set -x REGISTRY_TOKEN "Gh7sKd92LmQw4Xz8PnB1vT5rYc3"`,
				`$env:AZURE_STORAGE_KEY = "KzQvZFdLca1Z0qkhsF48etG7RiV9qHXGLtl5It50C0RowAKd/c5WIRwo7uKsA3YlLK/Kxi1PhT/jHgPN4XHrQA=="`,
			},
			Negatives: []string{
				"token = self.tokenStore.current", "BOT_TOKEN=settings.Discord.BotToken",
				"max_tokens=1024", "token_type: Bearer", `"eos_token": "</s>"`, "api_key: $API_KEY",
				"api_key = <your-api-key>", "secret_name: db-credentials", "token: the smallest unit",
				"primary_key: id", "secret = os.environ['SECRET']", "tokens: 512", "session: 3", "sid=S-1-5-21",
				"- name: API_TOKEN\n  valueFrom:\n    secretKeyRef:\n      name: api", `{"name": "TOKEN_TTL", "value": "3600"}`,
				`const port = process.env.PORT || "3000";`, `const API_KEY = process.env.API_KEY || "";`,
				`"sid":"SM4f2a19b07c1e4d8a9b3e6f0a1c2d3e4f"`, `storageKey: 'app-theme-v2'`,
				`$env:AZURE_STORAGE_KEY = $(az storage account keys list -n acme --query [0].value -o tsv)`,
			},
		},
	}
	rules = append(rules, configRules()...)
	return append(rules, vendorRules()...)
}

// Check runs every rule's Examples and Negatives through r. Each example
// must be redacted with the rule's own category, both by the rule alone and
// by r with all its rules (where another rule may win the text, but only
// one of the same category), and redacting r's output again must change
// nothing (Redact reads a text once: idempotence is the rules' part); each
// negative must come out of r unchanged. It reports every failure, naming the rule and the index of the sample.
// Use it to test custom rules together with the rules they will run with.
func (r *Redactor) Check() error {
	var errs []error
	for _, c := range r.rules {
		alone := build([]compiled{c})
		for i, ex := range c.rule.Examples {
			if out, _ := alone.Redact(ex); !strings.Contains(out, c.placeholder) {
				errs = append(errs, fmt.Errorf("redact: rule %q: example %d not redacted as %s by the rule alone", c.rule.ID, i, c.rule.Category))
			}
			out, _ := r.Redact(ex)
			if !strings.Contains(out, c.placeholder) {
				errs = append(errs, fmt.Errorf("redact: rule %q: example %d not redacted as %s", c.rule.ID, i, c.rule.Category))
			}
			if again, counts := r.Redact(out); again != out || counts != nil {
				errs = append(errs, fmt.Errorf("redact: rule %q: example %d: redacting the output again changes it", c.rule.ID, i))
			}
		}
		for i, neg := range c.rule.Negatives {
			if out, _ := r.Redact(neg); out != neg {
				errs = append(errs, fmt.Errorf("redact: rule %q: negative %d redacted", c.rule.ID, i))
			}
		}
	}
	return errors.Join(errs...)
}
