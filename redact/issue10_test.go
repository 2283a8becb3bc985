package redact_test

import (
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// issue10Cases are the leaks and false positives reported against the
// first release, each with the exact output the default rules must give.
// (The numeric ones, phone numbers, cards in CSV rows, MACs, IBAN tails and
// order numbers, are in corpus.txt's section on phone numbers by number
// plan and in phone_test.go.)
var issue10Cases = []struct{ name, in, want string }{
	// Several keys on one line.
	{"two keys", "password: hunter2, password_confirm: hunter2",
		"password: [REDACTED:PASSWORD], password_confirm: [REDACTED:PASSWORD]"},
	{"key and prose key", "Password: Tr0ub4dor&3 and confirm password: Tr0ub4dor&3",
		"Password: [REDACTED:PASSWORD] and confirm password: [REDACTED:PASSWORD]"},
	{"query string", "new_password=Blue-Sky-42&new_password_repeat=Blue-Sky-42&lang=en",
		"new_password=[REDACTED:PASSWORD]&new_password_repeat=[REDACTED:PASSWORD]&lang=en"},
	{"yaml value of words", "password: correct horse battery staple",
		"password: [REDACTED:PASSWORD]"},
	// A string literal's prefix and quotes stay around the value.
	{"python bytes literal", "encryption_key = b'kQ3v9Zx2Lm8Rt5Wy1Bn4Cp7Fs0Hd6Jg3'",
		"encryption_key = b'[REDACTED:SECRET]'"},
	{"raw literal", `API_KEY = r"Zx8Lm3Np7Rt2Vx6Yb1Cd5Fg9Hk4"`, `API_KEY = r"[REDACTED:SECRET]"`},
	// Values longer than any window are replaced whole.
	{"long env value", "export OP_SERVICE_ACCOUNT_TOKEN=" + strings.Repeat("Ab3", 300) + " done",
		"export OP_SERVICE_ACCOUNT_TOKEN=[REDACTED:SECRET] done"},
	{"long quoted value", `{"client_secret": "` + strings.Repeat("xY7_", 250) + `", "a": 1}`,
		`{"client_secret": "[REDACTED:SECRET]", "a": 1}`},
	{"long xml value", "<password>" + strings.Repeat("pW9!", 200) + "</password>",
		"<password>[REDACTED:PASSWORD]</password>"},
	// Key names in any casing and separator, with any assignment operator.
	{"sonar login", "SONAR_LOGIN=squ_8f2d6c1a9e4b7f3d0c5a2e8b6d1f4a9c7e3b0d52", "SONAR_LOGIN=[REDACTED:SECRET]"},
	{"makefile ?=", "X_API_KEY ?= 7d1f3c9a2b8e4f60a5c1d2e3f4a5b6c7", "X_API_KEY ?= [REDACTED:SECRET]"},
	{"makefile :=", "API_TOKEN := tKn93jd8Fq2LmZ0pXw4", "API_TOKEN := [REDACTED:SECRET]"},
	{"makefile ::=", "AUTH_SECRET ::= Rk7qW2zP9xL4mN8vB3cT", "AUTH_SECRET ::= [REDACTED:SECRET]"},
	{"php define", "define( 'DB_PASSWORD', 'wp-Db-Pa55' );", "define( 'DB_PASSWORD', '[REDACTED:PASSWORD]' );"},
	{"sql identified by", "CREATE USER 'r'@'%' IDENTIFIED BY 'R3port!ng#2024';", "CREATE USER 'r'@'%' IDENTIFIED BY '[REDACTED:PASSWORD]';"},
	{"xml attributes", `<credentials user="deploy" password="D3pl0y!ng" token="a91f6c0e2d4b8a7f5c3e1d9b" />`,
		`<credentials user="deploy" password="[REDACTED:PASSWORD]" token="[REDACTED:SECRET]" />`},
	// Continuation lines.
	{"curl continuation", "curl https://api.example.com/v1/items \\\n  -H \"Accept: application/json\" \\\n  --user svc-reader:Vq8!mZ2pLx",
		"curl https://api.example.com/v1/items \\\n  -H \"Accept: application/json\" \\\n  --user [REDACTED:BASIC_AUTH]"},
	// Secrets stated in prose.
	{"prose en", "My password is hunter2, please keep it safe", "My password is [REDACTED:PASSWORD], please keep it safe"},
	{"prose pw", "pw: blue42sky", "pw: [REDACTED:PASSWORD]"},
	{"prose pin", "the PIN is 4821", "the PIN is [REDACTED:PASSWORD]"},
	{"prose de", "das Passwort lautet Sonne#2024", "das Passwort lautet [REDACTED:PASSWORD]"},
	{"prose fr", "mot de passe : Chouette!88", "mot de passe : [REDACTED:PASSWORD]"},
	{"prose es", "contraseña es Gato_Negro7", "contraseña es [REDACTED:PASSWORD]"},
	{"prose pt", "senha é Brasil#2025", "senha é [REDACTED:PASSWORD]"},
	{"prose ru", "пароль Zima2024!", "пароль [REDACTED:PASSWORD]"},
	{"prose tr", "şifre Ankara06!", "şifre [REDACTED:PASSWORD]"},
	{"prose ar", "كلمة المرور Qamar2024", "كلمة المرور [REDACTED:PASSWORD]"},
	{"prose ja", "パスワードは Sakura2024 です", "パスワードは [REDACTED:PASSWORD] です"},
	{"prose zh", "密码是abc12345，别告诉别人", "密码是[REDACTED:PASSWORD]，别告诉别人"},
	{"passphrase", "my wifi password is tundra-piano-tiger-violet", "my wifi password is [REDACTED:PASSWORD]"},
	{"mention stays", "Forgot your password? The password must have 8 characters.", "Forgot your password? The password must have 8 characters."},
	// Authorization headers: the whole credential, whatever the scheme.
	{"basic with a jwt", "Authorization: Basic eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.Xq3vB2mZ7pL0sK8dF3hJ6gT1yR5wE9uI2oP",
		"Authorization: Basic [REDACTED:BASIC_AUTH]"},
	{"token scheme", "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "Authorization: Token [REDACTED:SECRET]"},
	{"api-token scheme", `-H "Authorization: Api-Token dt0s01Xq7Lm2Pz9Rk4Tw8Vb3"`, `-H "Authorization: Api-Token [REDACTED:SECRET]"`},
	{"digest scheme", `Authorization: Digest username="admin", nonce="dcd98b7102dd", response="6629fae49393a05397450978507c4ef1"`,
		"Authorization: Digest [REDACTED:SECRET]"},
	{"long bearer", "Authorization: Bearer " + strings.Repeat("aB3.", 1500), "Authorization: Bearer [REDACTED:BEARER_TOKEN]"},
	{"vendor token keeps its category", "Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a", "Authorization: token ghp_[REDACTED:GITHUB_TOKEN]"},
	{"mysql glued", "mysql -h db -u root -pS3cretRoot app", "mysql -h db -u root -p[REDACTED:PASSWORD] app"},
	{"ldap continuation", "ldapsearch -x -D \"cn=admin\" \\\n  -w Ld@pAdm1n -b \"dc=example\"", "ldapsearch -x -D \"cn=admin\" \\\n  -w [REDACTED:PASSWORD] -b \"dc=example\""},
	// IPv6 before a full stop; versions are not IPv4.
	{"ipv6 full stop", "Server IP: 2400:c401::5054:ff:fe1b:b031.", "Server IP: [REDACTED:IPV6]."},
	{"version to version", "upgraded from version 1.10.48.204 to 8.29.14.172", "upgraded from version 1.10.48.204 to 8.29.14.172"},
	{"firmware", "firmware 4.20.19.79", "firmware 4.20.19.79"},
	{"__version__", `__version__ = "3.5.28.111"`, `__version__ = "3.5.28.111"`},
	// Crypto addresses.
	{"bech32", "send to bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3 now", "send to [REDACTED:CRYPTO_ADDRESS] now"},
	{"p2pkh", "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "BTC [REDACTED:CRYPTO_ADDRESS]"},
	{"ethereum", "ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.", "ETH [REDACTED:CRYPTO_ADDRESS]."},
	// International e-mail addresses.
	{"idn email", "Schreib an jürgen.müller@beispiel.de bitte", "Schreib an [REDACTED:EMAIL] bitte"},
	{"cyrillic email", "почта: иван.петров@пример.рф", "почта: [REDACTED:EMAIL]"},
	{"cjk email", "邮箱：用户@例子.广告", "邮箱：[REDACTED:EMAIL]"},
	{"cjk around ascii", "请联系zhang.wei@example.cn获取更多信息", "请联系[REDACTED:EMAIL]获取更多信息"},
	// Placeholders stay, with or without a vendor prefix.
	{"ghp placeholder", "GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
	{"aws documentation key", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"},
	{"aws documentation secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
	{"masked stripe key", `stripe_key = "sk_live_****************************"`, `stripe_key = "sk_live_****************************"`},
	{"curl placeholder", "curl -u <user:password> https://api.example.com", "curl -u <user:password> https://api.example.com"},
	{"url placeholder", "https://<user>:<password>@db.example.com", "https://<user>:<password>@db.example.com"},
	// Prose around the keywords stays.
	{"password policy", "password_policy: strict, password_min_length: 12", "password_policy: strict, password_min_length: 12"},
}

func TestIssue10(t *testing.T) {
	r := redact.Default()
	for _, tt := range issue10Cases {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := r.Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
