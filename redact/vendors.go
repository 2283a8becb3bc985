package redact

import "strings"

// Vendor tokens: credentials whose issuer gives them a fixed prefix, length
// and alphabet. The facts (prefixes, lengths, alphabets) follow the vendors'
// documentation and the census of public secret scanners; each rule is a
// tokenSpec, found from its prefixes by the keyword index and checked by
// plain code, without regular expressions.

// tokenSpec describes a vendor token: one of a few literal prefixes followed
// by a body of token bytes.
type tokenSpec struct {
	prefixes []string // longest first; matched case-sensitively
	body     func(c byte) bool
	min, max int // body length; max 0 means no upper bound
	// validate, if set, checks the body (at most decideLen bytes of it).
	validate func(body string) bool
	// checksum, if set, checks the checksum the issuer puts in the body. A
	// body that fails it is still a match unless its line presents it as
	// a test vector (see tokensum.go).
	checksum func(body string) bool
	// hide replaces the prefix too: it is part of the secret's encoding
	// rather than a vendor marker worth keeping.
	hide bool
	// glued allows a word byte right before the prefix.
	glued bool
}

// decideLen bounds the bytes a finder reads to decide whether a candidate
// is a secret. A candidate that is accepted is then claimed up to its real
// end however long it is; one that is rejected never costs more than this,
// so that many keyword occurrences inside a long rejected run stay linear.
const decideLen = 512

// find is the FindFunc of a tokenSpec rule. The keyword occurrence at must
// not follow a word byte or '-' (unless glued), start with one of the
// prefixes, and be followed by a body of min to max body bytes, not glued
// to a following word byte, that is not a placeholder (XXXX, EXAMPLE, ...)
// and validates.
func (t *tokenSpec) find(dst []Span, s string, at int) []Span {
	if !t.glued && at > 0 && (isWord(s[at-1]) || s[at-1] == '-') {
		return dst
	}
	if inBase64Run(s, at) {
		return dst // "…Q4AAAEAAAixQAAE0VAAD…": the middle of a base64 blob, not a token
	}
	for _, p := range t.prefixes {
		if !strings.HasPrefix(s[at:], p) {
			continue
		}
		b := at + len(p)
		e := b
		lim := len(s)
		if t.max > 0 {
			lim = min(lim, b+t.max+1)
		} else {
			lim = min(lim, b+decideLen)
		}
		for e < lim && t.body(s[e]) {
			e++
		}
		if placeholderStartsAt(s, e) {
			return dst // the run went on into what a placeholder replaced (see placeholderEndsAt)
		}
		for e > b && s[e-1] == '.' {
			e-- // the full stop of a sentence
		}
		if e-b < t.min || t.max > 0 && e-b > t.max {
			return dst
		}
		capped := t.max == 0 && e-b == decideLen // the run may go on
		if !capped && e < len(s) && isWord(s[e]) {
			return dst // glued to a word: not this token
		}
		if placeholderToken(s[b:e]) || identifierBody(s[b:e]) || t.validate != nil && !t.validate(s[b:e]) {
			return dst
		}
		if t.checksum != nil && !t.checksum(s[b:e]) && testValueLine(s, at, e) {
			return dst
		}
		if capped {
			for e < len(s) && t.body(s[e]) {
				e++ // accepted: claim the whole run
			}
		}
		keep := len(p)
		if t.hide {
			keep = 0
		}
		return append(dst, Span{Start: at, End: e, Keep: keep})
	}
	return dst
}

// inBase64Run reports an offset right after '+' or '/' that ends 40 or
// more bytes of the base64 alphabet: inside an encoded blob (a WASM
// module, a certificate), where a token's prefix occurs by chance.
func inBase64Run(s string, at int) bool {
	if at == 0 || s[at-1] != '+' && s[at-1] != '/' {
		return false
	}
	b := at
	for b > 0 && at-b < 40 && (isAlnum(s[b-1]) || s[b-1] == '+' || s[b-1] == '/') {
		b--
	}
	// A placeholder where the run stops may have replaced more of it.
	return at-b >= 40 || placeholderEndsAt(s, b)
}

// identifierBody reports a body of two or more lower-case words joined by
// underscores, each word with a vowel and digits only at its end
// (create_bigint_uint64, get_value_string_utf8): the rest of an
// identifier that starts like a prefix (napi_create_bigint_uint64), where
// a token's body is random.
func identifierBody(b string) bool {
	parts := 0
	for w := range strings.SplitSeq(b, "_") {
		letters := strings.TrimRightFunc(w, func(r rune) bool { return r >= '0' && r <= '9' })
		if letters == "" || !allFunc(letters, isLower) || !strings.ContainsAny(letters, "aeiouy") {
			return false
		}
		parts++
	}
	return parts >= 2
}

// placeholderToken reports a token body that stands for a token without
// being one: documentation values (AKIAIOSFODNN7EXAMPLE), masks (XXXX...,
// ****...), and runs of one repeated character.
func placeholderToken(b string) bool {
	if indexFold(b, "example") >= 0 || indexFold(b, "xxxx") >= 0 || strings.Contains(b, "****") ||
		strings.Contains(b, "•••") || strings.Contains(b, "...") || indexFold(b, "your") >= 0 {
		return true
	}
	// Mostly one character (0000000000000000, aaaaaaaa...): find the
	// majority candidate (Boyer-Moore vote), then count it.
	if len(b) >= 8 {
		b = b[:min(len(b), decideLen)]
		var cand byte
		votes := 0
		for i := 0; i < len(b); i++ {
			switch {
			case votes == 0:
				cand, votes = b[i], 1
			case b[i] == cand:
				votes++
			default:
				votes--
			}
		}
		return strings.Count(b, string(rune(cand)))*10 >= len(b)*7 && cand < 0x80
	}
	return false
}

func isTokenByte(c byte) bool  { return isAlnum(c) || c == '_' || c == '-' }
func isSlackByte(c byte) bool  { return isAlnum(c) || c == '-' }
func isUpperDigit(c byte) bool { return isUpper(c) || isDigit(c) }
func isDigitByte(c byte) bool  { return isDigit(c) }
func isHexByte(c byte) bool    { return isHex(c) }
func isUpperRune(r rune) bool  { return r < 0x80 && isUpper(byte(r)) }
func isLowerRune(r rune) bool  { return r < 0x80 && isLower(byte(r)) }

// vendor is one row of the vendor token table.
type vendor struct {
	id, desc  string
	cat       Category
	spec      *tokenSpec
	examples  []string
	negatives []string
}

// rule turns a table row into a Rule whose keywords are the prefixes.
func (v vendor) rule() Rule {
	cat := v.cat
	if cat == "" {
		cat = APIKey
	}
	return Rule{
		ID:          v.id,
		Category:    cat,
		Description: v.desc,
		Keywords:    v.spec.prefixes,
		Find:        v.spec.find,
		Priority:    prioVendor,
		Examples:    v.examples,
		Negatives:   v.negatives,
	}
}

// vendorRules returns the rules of the vendor token table.
func vendorRules() []Rule {
	out := make([]Rule, 0, len(vendors)+4)
	for _, v := range vendors {
		out = append(out, v.rule())
	}
	return append(out, vendorContextRules()...)
}

func allFunc(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

// hexGroups reports whether b is hex groups of the given lengths joined by
// sep.
func hexGroups(b string, sep byte, lens ...int) bool {
	for i, n := range lens {
		if len(b) < n || !allFunc(b[:n], isHexByte) {
			return false
		}
		b = b[n:]
		if i < len(lens)-1 {
			if b == "" || b[0] != sep {
				return false
			}
			b = b[1:]
		}
	}
	return b == ""
}

var vendors = []vendor{
	{
		id: "aws-access-key", desc: "AWS access key ID (AKIA long-term, ASIA temporary, ABIA, ACCA + 16), prefix kept", cat: AWSKey,
		spec:      &tokenSpec{prefixes: awsKeyIDPrefixes, body: isUpperDigit, min: 16, max: 16},
		examples:  []string{"aws_access_key_id = AKIAZ2LMNB5TQRA7XYZ9", "export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A"},
		negatives: []string{"AKIAIOSFODNN7EXAMPLE (the documentation key)", "AKIAZ2LMNB5TQRA7XYZ9EXTRA is too long", "the AKIA prefix", "ASIAN markets", "xAKIAZ2LMNB5TQRA7XYZ9", "AKIAXXXXXXXXXXXXXXXX"},
	},
	{
		id: "github-token", desc: "GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens (ghp_, gho_, ghu_, ghs_, ghr_; CRC-32 checksum), prefix kept", cat: GitHubToken,
		spec:     &tokenSpec{prefixes: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, body: isAlnum, min: 36, checksum: crc32Base62},
		examples: []string{"token ghp_16C7e42F292c6912E7710c838347Ae178B4a now", "GH_TOKEN=ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "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 # checksum ok"},
		negatives: []string{
			"ghp_short", "the ghp_ prefix", "xghp_16C7e42F292c6912E7710c838347Ae178B4a", "GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
			"fixtures/reject/4.txt: ghp_X5urFmgv23BW2kM4ckU3uyw5oawoakLjOncN", `{"input": "gho_B7dWINNzzlJJ5jawma4kBBN5cHfUexM1O8F8", "want_match": false}`,
		},
	},
	{
		id: "github-pat", desc: "GitHub fine-grained personal access token (github_pat_; SHA-256 checksum), prefix kept", cat: GitHubToken,
		spec:     &tokenSpec{prefixes: []string{"github_pat_"}, body: isWord, min: 22, checksum: githubPATSum},
		examples: []string{"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"},
		negatives: []string{
			"github_pat_ is the prefix", "github_pat_short", "github_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			`assert not looks_valid("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")`,
		},
	},
	{
		id: "anthropic-key", desc: "Anthropic API key (sk-ant-...), prefix kept",
		spec:      &tokenSpec{prefixes: []string{"sk-ant-"}, body: isTokenByte, min: 20},
		examples:  []string{"ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH-ij_klmnopAA"},
		negatives: []string{"sk-ant-short", "task-ant-abcdefghijklmnopqrstuvwxyz0123456789", "sk-ant-api03-XXXXXXXXXXXXXXXXXXXXXXXX"},
	},
	{
		id: "openai-key", desc: "OpenAI API key (sk-, sk-proj-, sk-svcacct-, sk-admin-), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"}, body: isTokenByte, min: 20,
			validate: func(v string) bool { return !strings.HasPrefix(v, "ant-") && tokenLike(v, 20) },
		},
		examples: []string{
			"OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL",
			"client = OpenAI(api_key='sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z-A_bCdEfGhIjKlMnOp')",
		},
		negatives: []string{
			"sk-learn is scikit-learn", "task-sk-abcdefghijklmnopqrstuvwxyz0123456789",
			"sk-this-is-a-long-kebab-case-identifier-name", "sk-abcdefghijklmnopqrstuvwxyz (no digits)",
			"OPENAI_API_KEY=sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
		},
	},
	{
		id: "slack-token", desc: "Slack bot, user, app, refresh and configuration tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxe-, xoxs-, xoxo-, xapp-), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"xoxe.xoxb-", "xoxe.xoxp-", "xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxe-", "xapp-"}, body: isSlackByte, min: 10,
			validate: func(v string) bool { return strings.ContainsAny(v, "0123456789") },
		},
		examples:  []string{"SLACK_BOT_TOKEN=xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-9876543210-9876543210-9876543210-0123456789abcdef0123456789abcdef"},
		negatives: []string{"xoxb-short", "the xoxb- prefix", "xoxb-not-a-real-token-at-all", "export SLACK_TOKEN=xoxb-your-token-here"},
	},
	{
		id: "stripe-key", desc: "Stripe secret and restricted keys (sk_live_, sk_test_, sk_prod_, rk_live_, rk_test_, rk_prod_), prefix kept; publishable pk_ keys are public",
		spec:      &tokenSpec{prefixes: []string{"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"}, body: isAlnum, min: 10},
		examples:  []string{"stripe.api_key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'", "rk_test_51H8xAbCdEfGhIjKlMnOpQrSt", "STRIPE_RESTRICTED_KEY=rk_prod_51Nq8ZxLm4Kp7Rt2Vw9Yb3Cd"},
		negatives: []string{"pk_live_4eC39HqLyjWDarjtT1zdp7dc is publishable", "sk_live_short", "stripe_key = \"sk_live_****************************\""},
	},
	{
		id: "stripe-webhook-secret", desc: "webhook signing secrets (whsec_, Stripe's and Svix's: base62 or base64 after the prefix), prefix kept",
		spec:      &tokenSpec{prefixes: []string{"whsec_"}, body: isB64, min: 16},
		examples:  []string{"STRIPE_WEBHOOK_SECRET=whsec_kmN5LRcX2rLYRiVGraNe6qatdPG878Pm", "signing secret whsec_MfKQ9r8GKYqrTwjU+PD8ILPZIo2LaLaSw is printed by the CLI"},
		negatives: []string{"whsec_short", "the whsec_ prefix marks webhook secrets", "WEBHOOK_SECRET=whsec_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
	},
	{
		id: "google-api-key", desc: "Google API key (AIza + 35 characters), prefix kept",
		spec:      &tokenSpec{prefixes: []string{"AIza"}, body: isTokenByte, min: 35, max: 35},
		examples:  []string{"key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&q=maps"},
		negatives: []string{"AIzaSyShort", "AIza is the prefix", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHIextra"},
	},
	{
		id: "google-oauth-token", desc: "Google OAuth 2.0 access token (ya29.), prefix kept",
		spec:      &tokenSpec{prefixes: []string{"ya29."}, body: isTokenByte, min: 20},
		examples:  []string{"access_token=ya29.aKuRypvObR8y5h9rcLwnt-NMgXvsWb930cdvJZy9WERCUebsbqAIFj_0h5Va"},
		negatives: []string{"ya29.short", "the ya29. prefix marks Google access tokens"},
	},
	{
		id: "gitlab-token", desc: "GitLab tokens: personal (glpat-), deploy (gldt-), runner (glrt-, GR1348941), CI job (glcbt-), feed, incoming mail, agent, OAuth app, pipeline trigger, SCIM and feature flag tokens; prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"glpat-", "gldt-", "glrt-", "glcbt-", "glft-", "glimt-", "glagent-", "gloas-", "glptt-", "glsoat-", "glffct-", "GR1348941"},
			body:     func(c byte) bool { return isTokenByte(c) || c == '.' }, min: 20,
			validate: func(v string) bool { return tokenLike(v, 20) },
		},
		examples:  []string{"GITLAB_TOKEN=glpat-xYz0123456789AbCdEfGh", "deploy token gldt-BMhp_o4ek81vrfAvqESo", "glptt-d98b4ea3d87d75b94d44d4201effbbaaa08add6f"},
		negatives: []string{"the glpat- prefix", "glpat-short", "glpat-xxxxxxxxxxxxxxxxxxxx"},
	},
	{
		id: "npm-token", desc: "npm access token (npm_ + 36 characters, CRC-32 checksum), prefix kept",
		spec:      &tokenSpec{prefixes: []string{"npm_"}, body: isAlnum, min: 36, max: 36, checksum: crc32Base62},
		examples:  []string{"//registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"},
		negatives: []string{"npm_config_cache=/tmp/npm", "the npm_ prefix", "fixtures/reject/npm-2.txt: npm_H95lyaD7dKUiHCxRZ74KgjAx9JvbaB9ShdQP"},
	},
	{
		id: "pypi-token", desc: "PyPI upload token (pypi-AgEIcHlwaS5vcmc...), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"pypi-"}, body: isTokenByte, min: 64,
			validate: func(v string) bool { return strings.HasPrefix(v, "AgEIcHlwaS5vcmc") },
		},
		examples:  []string{"password = pypi-AgEIcHlwaS5vcmcCJGE0ZmQ2ZjI1LTBmNjctNGE5Mi1iYWI0LTExOTA5NzJkZmI3ZQACKlsz"},
		negatives: []string{"pip install pypi-server", "pypi-AgEIcHlwaS5vcmc (truncated)"},
	},
	{
		id: "huggingface-token", desc: "Hugging Face access token (hf_) and organization API token (api_org_), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"hf_", "api_org_"}, body: isAlnum, min: 34,
			// 34 random letters of both cases (a token without an upper or
			// a lower case letter is one in 2^34).
			validate: func(v string) bool {
				return tokenLike(v, 34) && strings.ContainsFunc(v, isUpperRune) && strings.ContainsFunc(v, isLowerRune)
			},
		},
		examples:  []string{"HF_TOKEN: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH", "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"},
		negatives: []string{"hf_hub_download(repo_id)", "the hf_ prefix", "api_org_name = acme", `assert not looks_valid("hf_6g0b44gi30eadkydj8aeri4qisuqftqcjs")`},
	},
	{
		id: "vault-token", desc: "HashiCorp Vault service, batch and recovery tokens (hvs., hvb., hvr.), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"hvs.", "hvb.", "hvr."}, body: isTokenByte, min: 24,
			validate: func(v string) bool { return tokenLike(v, 24) },
		},
		examples: []string{
			"VAULT_TOKEN=hvs.y63FR5pVH6rHEMFekFRD5ziA",
			"X-Vault-Token: hvs.e29bA7_Jue_PjFUf1rTW1KH6wMUr6E4WfaEryMUEO538iPuC0Eee-MjktXVtom4vyS315FJswpI6Mvww9SP3CafQOFkH5Zu",
		},
		negatives: []string{"the hvs. prefix", "hvs.short", "hvs.XXXXXXXXXXXXXXXXXXXXXXXX"},
	},
	{
		id: "atlassian-api-token", desc: "Atlassian API token (ATATT3 + about 180 letters, digits, '-', '_' and '=', ending in an 8-digit hexadecimal checksum), the whole token",
		spec: &tokenSpec{
			prefixes: []string{"ATATT3"}, body: func(c byte) bool { return isTokenByte(c) || c == '=' }, min: 150, hide: true,
			validate: func(v string) bool { return tokenLike(v, 150) },
		},
		examples: []string{
			"JIRA_API_TOKEN=ATATT3xFfGF0Tq8vL2mZ9pK4wR7nB1cY6hJ5sD3gA0eF8uI2oP4lK6jH9gF1dS3aQ5wE7rT9yU1iO3pA5sD7fG9hJ1kL3zX5cV7bN9mQ2wE4rT6yU8iO0pQ2wE4rT6yU8iO0pA5sD7fG9hJ1kL3zX5cV7bN9mQ2wE4rT6yU8iO0p=4F2A9B8C",
		},
		negatives: []string{"ATATT3 tokens are Atlassian's", "ATATT3xFfGF0short"},
	},
	{
		id: "notion-token", desc: "Notion integration token (ntn_ + 11 digits + 35 letters and digits), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"ntn_"}, body: isAlnum, min: 46, max: 46,
			validate: func(v string) bool { return allFunc(v[:11], isDigitByte) },
		},
		examples:  []string{"NOTION_TOKEN=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"},
		negatives: []string{"ntn_ tokens replaced secret_ ones", "ntn_abcdefghijkKB6Y5xJy9dMdkt98odLlgOKx1lt82czMWBe"},
	},
	{
		id: "sourcegraph-token", desc: "Sourcegraph access token (sgp_ + hex, optionally with an instance id or local_), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"sgp_"}, body: isWord, min: 40, max: 57,
			validate: func(v string) bool {
				return hexGroups(v, '_', 40) || hexGroups(v, '_', 16, 40) || strings.HasPrefix(v, "local_") && hexGroups(v[6:], '_', 40)
			},
		},
		examples:  []string{"SRC_ACCESS_TOKEN=sgp_b6f55cea155d4c3c_373d993bf7905c73f3c69b2602c10da51baf5064", "sgp_9677cd04030153c20d5d151ceea51cefb248852e"},
		negatives: []string{"sgp_ is the prefix", "sgp_notahexvaluenotahexvaluenotahexvalue0123"},
	},
	{
		id: "sentry-token", desc: "Sentry organization (sntrys_) and user (sntryu_) auth tokens, prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"sntrys_", "sntryu_"}, body: func(c byte) bool { return isB64(c) || c == '_' || c == '=' }, min: 64,
			validate: func(v string) bool { return strings.HasPrefix(v, "eyJpYXQiO") || hexGroups(v, 0, 64) },
		},
		examples: []string{
			"SENTRY_AUTH_TOKEN=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",
			"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",
		},
		negatives: []string{"sntrys_ tokens are organization tokens", "sntryu_0123"},
	},
	{
		id: "grafana-token", desc: "Grafana Cloud (glc_) and service account (glsa_) tokens, prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"glc_", "glsa_"}, body: func(c byte) bool { return isB64(c) || c == '_' || c == '=' }, min: 32,
			validate: func(v string) bool { return tokenLike(v, 32) },
		},
		examples:  []string{"GRAFANA_TOKEN=glc_ebU3C9lniU62NwqZyEtWB+XyitqjY6lAb6wvUXAFQMHth+1TRaPLg0K6vo12", "glsa_fhDk4Ye0yIf9aH0UJqKE53fA8hWA2E0o_c0eefd94"},
		negatives: []string{"the glc_ prefix", "glsa_short_token"},
	},
	{
		id: "mapbox-secret-token", desc: "Mapbox secret access token (sk.eyJ1Ijoi... : base64url JSON naming the user, '.', a signature), prefix kept; public pk. tokens are left alone",
		spec: &tokenSpec{
			prefixes: []string{"sk.eyJ"}, body: func(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }, min: 60,
			validate: func(v string) bool { return strings.HasPrefix(v, "1Ijoi") && strings.Count(v, ".") == 1 },
		},
		examples:  []string{"MAPBOX_TOKEN=sk.eyJ1IjoiZmxlZXR2aWV3IiwiYSI6IjE5eW5rN2t2OW96eXJid3U0NXpsbG1tOW8ifQ.b7M1mhJJP_bfIY8ELjpQBG"},
		negatives: []string{"pk.eyJ1IjoiZmxlZXR2aWV3IiwiYSI6IjE5eW5rN2t2OW96eXJid3U0NXpsbG1tOW8ifQ.b7M1mhJJP_bfIY8ELjpQBG", "the sk.eyJ prefix"},
	},
	{
		id: "grafana-api-key", desc: "Grafana API key (base64 JSON starting eyJrIjoi)",
		spec:      &tokenSpec{prefixes: []string{"eyJrIjoi"}, body: isAlnum, min: 62, hide: true},
		examples:  []string{"GF_API_KEY=eyJrIjoiT0pRTmRYWlp0dDRMbVRzZ3FjOGN2TmVmZ2ZkZTJsdmciLCJuIjoicmVhZGVyIiwiaWQiOjF9"},
		negatives: []string{"eyJrIjoi alone"},
	},
	{
		id: "facebook-token", desc: "Facebook (Meta) access token (EAA + 100 or more letters and digits), prefix kept",
		spec:      &tokenSpec{prefixes: []string{"EAA"}, body: isAlnum, min: 100},
		examples:  []string{"fb_token=EAABRFDXwbAORwqbjqcjPRQ5phGT7EXXswuJBX3SvM0sBdgEQUTxFUBEwekLmJWusmaULBUXcWUkkYExzhypY9m58K2eF04dJ16qFfXV6QNSfp3PlkCz5TJmRBSo"},
		negatives: []string{"EAA is a prefix", "EAABRFDXwbAORwqbjqcjPRQ5ph (short)"},
	},
	{
		id: "square-token", desc: "Square access tokens (sq0atp-, EAAA) and OAuth secrets (sq0csp-), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"sq0atp-", "sq0csp-", "EAAA"}, body: isTokenByte, min: 22, max: 99,
			validate: func(v string) bool { return tokenLike(v, 22) },
		},
		examples: []string{
			"SQUARE_ACCESS_TOKEN=sq0atp-30yDU9qzgxykYaDPO_w8FW", "sq0csp-Z7n1lFhniIFJRKVrSqjb5pZcur0E87ivkRIth4fge40",
			"square token EAAANULr7QTiHLSnGWO72ZvJotva4U3IuOyqggvthLT7UNGjzTijF4EILg3R7hVQ",
		},
		negatives: []string{"sq0atp- is the prefix", "EAAA rating"},
	},
	{
		id: "onepassword-token", desc: "1Password service account token (ops_eyJ...) and account secret key (A3-...), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"ops_", "A3-"}, body: func(c byte) bool { return isB64(c) || c == '=' || c == '-' }, min: 34,
			validate: func(v string) bool { return strings.HasPrefix(v, "eyJ") && len(v) >= 200 || onePasswordSecretKey(v) },
		},
		examples:  []string{"A3-NZQ51Z-2W0U9OU8ZCB-53KC2-PC4KE-PG8K8", "OP_SERVICE_ACCOUNT_TOKEN=ops_" + opsExample},
		negatives: []string{"ops_eyJ (truncated)", "A3-size paper"},
	},
	{
		id: "age-secret-key", desc: "age encryption secret key (AGE-SECRET-KEY-1 + 58 Bech32 characters with their checksum), replaced whole",
		spec:      &tokenSpec{prefixes: []string{"AGE-SECRET-KEY-1"}, body: isUpperDigit, min: 58, max: 58, hide: true, checksum: ageKeySum},
		examples:  []string{"# created: 2024-01-15\nAGE-SECRET-KEY-1PDXLFZUNNL3N63WT96SN9XUPPWMRD5Z8Z32KDN3FV2G5HFZSULTCXGRYNA"},
		negatives: []string{"AGE-SECRET-KEY-1 is the header of an age identity", `- "AGE-SECRET-KEY-1R9TLYSXNU5L3JZ67W78U9CCQ3GP6PU8FRG727EKJ7R925CPXJ5N3F45MCN"  # bad bech32 checksum`},
	},
	{
		id: "alibaba-access-key", desc: "Alibaba Cloud AccessKey ID (LTAI + 12 to 20 letters and digits), prefix kept", cat: APIKey,
		spec: &tokenSpec{
			prefixes: []string{"LTAI"}, body: isAlnum, min: 12, max: 20,
			validate: func(v string) bool { return tokenLike(v, 12) },
		},
		examples:  []string{"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tRzq8Nw3Kp7Vx2Hb9Ym", `access_key_id: "LTAI4Gk2mP8xQ3vR7tZ1"`},
		negatives: []string{"the LTAI prefix", "LTAIXXXXXXXXXXXXXXXX", "LTAIshort1"},
	},
	{
		id: "ai-platform-key", desc: "keys of AI platforms with a fixed prefix: Groq (gsk_), xAI (xai-), Replicate (r8_), Perplexity (pplx-), LangSmith (lsv2_pt_, lsv2_sk_), Pinecone (pcsk_), Tavily (tvly-); prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"gsk_", "xai-", "r8_", "pplx-", "lsv2_pt_", "lsv2_sk_", "pcsk_", "tvly-"}, body: isTokenByte, min: 30,
			validate: func(v string) bool { return tokenLike(v, 30) },
		},
		examples: []string{
			"GROQ_API_KEY=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", "REPLICATE_API_TOKEN=r8_IYQkpRyveVWIAhnW28SEy5MMGwD39G32BLLYv",
			"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", "LANGSMITH_API_KEY=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",
		},
		negatives: []string{"gsk_ is Groq's prefix", "the xai-sdk package", "r8_short"},
	},
	{
		id: "cloud-platform-token", desc: "tokens of cloud and developer platforms with a fixed prefix: Databricks (dapi), Doppler (dp.pt., dp.st., dp.ct., dp.sa.), Dynatrace (dt0c01.), Fly.io (fo1_, fm1a_, fm1r_, fm2_), Heroku (HRKU-AA), Linear (lin_api_), New Relic (NRAK-, NRII-), Postman (PMAK-), Prefect (pnu_), Pulumi (pul-), PlanetScale (pscale_tkn_, pscale_oauth_, pscale_pw_), ReadMe (rdme_), RubyGems (rubygems_), Scalingo (tk-us-), Shippo (shippo_live_, shippo_test_), Brevo (xkeysib-), Frame.io (fio-u-), EasyPost (EZAK, EZTK), Artifactory (AKCp), Figma (figd_), Duffel (duffel_live_, duffel_test_), Docker (dckr_pat_, dckr_oat_), Supabase (sbp_), Buildkite (bkua_), Typeform (tfp_), CircleCI (CCIPAT_), Netlify (nfp_), Neon (napi_), HubSpot (pat-na1-, pat-eu1-), Clojars (CLOJARS_); prefix kept",
		spec: &tokenSpec{
			prefixes: []string{
				"dapi", "dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dt0c01.", "fo1_", "fm1a_", "fm1r_", "fm2_",
				"HRKU-AA", "lin_api_", "NRAK-", "NRII-", "PMAK-", "pnu_", "pul-", "pscale_tkn_", "pscale_oauth_", "pscale_pw_", "rdme_",
				"rubygems_", "tk-us-", "shippo_live_", "shippo_test_", "xkeysib-", "fio-u-",
				"EZAK", "EZTK", "AKCp", "figd_", "duffel_live_", "duffel_test_", "dckr_pat_", "dckr_oat_",
				"sbp_", "bkua_", "tfp_", "CCIPAT_", "nfp_", "napi_", "pat-na1-", "pat-eu1-",
				"CLOJARS_",
			},
			body: func(c byte) bool { return isTokenByte(c) || c == '.' || c == '+' || c == '/' || c == '=' }, min: 20,
			validate: func(v string) bool { return tokenLike(v, 20) },
		},
		examples: []string{
			"DATABRICKS_TOKEN=dapi6b51e74e27f3155472e133213fe26363", "LINEAR_API_KEY=lin_api_XiNmE4Cl3ttFrO1Ftk0rdAuetA2hChZW0SpwoIeJ",
			"PULUMI_ACCESS_TOKEN=pul-4f4ae7b321e68cf255de8a5b934d992b65f1e14b",
			"dt0c01.T8PG11VNYE1HH35UVJCB74Q1.QJIZTDX38X4ASJ6RLN6IEMF4VU2VHXKG8C7QFXTXI3FSQ31EF6W52WZKXOCNYCGD",
			"SUPABASE_ACCESS_TOKEN=sbp_7c3e1f9a2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d1f", "BUILDKITE_TOKEN=bkua_0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e",
			"nfp_Qm3kR8vT2xW9yB4nC7dF1gH5jK0lP6sA8uE2", "NEON_API_KEY=napi_kiijtdtr8uhxrywsyxnw353fvmuqvruc0hhuzuwlx039usrb35a1qwxpkgjx",
			"HUBSPOT_TOKEN=pat-na1-7c9e2f41-3b8a-4d6e-9f10-2a5c7e8b1d34",
		},
		negatives: []string{"dapi is an abbreviation", "the dp.pt. prefix", "pul-request", "rubygems_mirror", "figd_ tokens", "sbp_ tokens",
			"nfp_ tokens", "napi_version", "pat-na1-short", "napi_get_value_string_utf16(env, value, buf, bufsize, &result)"},
	},
	{
		id: "shopify-token", desc: "Shopify access tokens and shared secrets (shpat_, shpca_, shppa_, shpss_ + 32 hex digits), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"shpat_", "shpca_", "shppa_", "shpss_"}, body: isAlnum, min: 32, max: 32,
			validate: func(v string) bool { return allFunc(v, isHexByte) },
		},
		examples:  []string{"X-Shopify-Access-Token: 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", "SHOPIFY_API_SECRET=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"},
		negatives: []string{"the shpat_ prefix", "Sample 20 (wrong alphabet): shpat_tpqnzhilwhroniltkgthijnqjqnghwqp", "shpca_7decb2f44e005b5c is short"},
	},
	{
		id: "digitalocean-token", desc: "DigitalOcean personal access, OAuth and refresh tokens (dop_v1_, doo_v1_, dor_v1_ + 64 hex digits), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"dop_v1_", "doo_v1_", "dor_v1_"}, body: isAlnum, min: 64, max: 64,
			validate: func(v string) bool { return allFunc(v, isHexByte) },
		},
		examples:  []string{"DIGITALOCEAN_TOKEN=dop_v1_b58a66d6ee9e0b0883dd9d295b432c8571a8dc28ac70979706560388f3b2ca3c"},
		negatives: []string{"the dop_v1_ prefix", `{in: "dop_v1_0ba2ca8f1f272dcd6043", ok: false}, // too short`, "fixtures/21.txt: dop_v1_xslvrnhltlzztlztvngpiynilogqhtjphysrnnmwmtzsvgmhnwvrswtsrloqzqpu"},
	},
	{
		id: "airtable-token", desc: "Airtable personal access token (pat + 14 letters and digits, '.', 64 hex digits), the whole token",
		spec: &tokenSpec{
			prefixes: []string{"pat"}, body: func(c byte) bool { return isAlnum(c) || c == '.' }, min: 79, max: 79, hide: true,
			validate: func(v string) bool {
				return v[14] == '.' && allFunc(v[:14], isAlnumByte) && allFunc(v[15:], isHexByte) && tokenLike(v[:14], 14)
			},
		},
		examples:  []string{"AIRTABLE_TOKEN=patHYiaQmbqMvWEg3.d29484030cb885f0ca2395ac181ec2f664f7ef61a56b4617696d2c4472b5ee4c"},
		negatives: []string{"the path patHYiaQmbqMvWEg3 is short", "pattern.d29484030cb885f0ca2395ac181ec2f664f7ef61a56b4617696d2c4472b5ee4c"},
	},
	{
		id: "dropbox-token", desc: "Dropbox short-lived access token (sl. + 120 or more base64url characters), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"sl."}, body: func(c byte) bool { return isB64URL(c) || c == '.' }, min: 120,
			validate: func(v string) bool { return tokenLike(v, 120) },
		},
		examples:  []string{"access token sl." + dropboxExample + " expires in four hours", "dbx = dropbox.Dropbox(\"sl." + dropboxExample + "\")"},
		negatives: []string{"ssl." + dropboxExample, "sl.short", "the sl. prefix marks Dropbox tokens"},
	},
	{
		id: "mailgun-key", desc: "Mailgun API key (key- + 32 hex digits), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"key-"}, body: isAlnum, min: 32, max: 32,
			validate: func(v string) bool { return allFunc(v, isHexByte) && tokenShape(v) },
		},
		examples:  []string{"MAILGUN_API_KEY=key-a9da2224cf163c75730b8f03ea247749", "why does key-4e6c9c922f1c17f4fb67d7b4e07104a0 return 401 from Mailgun?"},
		negatives: []string{"api-key-a9da2224cf163c75730b8f03ea247749", "key-value store", "key-a9da2224cf163c75730b8f03ea2477 (short)"},
	},
	{
		id: "infracost-key", desc: "Infracost API key (ico- + 32 letters and digits), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"ico-"}, body: isAlnum, min: 32, max: 32,
			validate: func(v string) bool { return tokenLike(v, 32) },
		},
		examples:  []string{"INFRACOST_API_KEY=ico-9TfgyzRkD0YX84Y1gmABGaupYdTIEtL0"},
		negatives: []string{`<i class="ico-arrow-left"></i>`, "ico-abcdefghijklmnopqrstuvwxyzabcdef", "the ico- prefix"},
	},
	{
		id: "sendgrid-key", desc: "SendGrid API key (SG.<22>.<43>), prefix kept",
		spec: &tokenSpec{
			prefixes: []string{"SG."}, body: func(c byte) bool { return isTokenByte(c) || c == '.' }, min: 66, max: 66,
			validate: func(v string) bool {
				return v[22] == '.' && strings.IndexByte(v[:22], '.') < 0 && strings.IndexByte(v[23:], '.') < 0
			},
		},
		examples:  []string{"SENDGRID_API_KEY=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"},
		negatives: []string{"SG.short.value", "msg.SG.x"},
	},
}

// onePasswordSecretKey checks the shape of a 1Password account secret key
// after "A3-": 6, 11 (or 6-5), 5, 5 and 5 upper-case letters and digits in
// dash-separated groups.
func onePasswordSecretKey(v string) bool {
	var lens []int
	n := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '-':
			lens = append(lens, n)
			n = 0
		case isUpperDigit(c):
			n++
		default:
			return false
		}
	}
	lens = append(lens, n)
	switch len(lens) {
	case 5:
		return lens[0] == 6 && lens[1] == 11 && lens[2] == 5 && lens[3] == 5 && lens[4] == 5
	case 6:
		return lens[0] == 6 && lens[1] == 6 && lens[2] == 5 && lens[3] == 5 && lens[4] == 5 && lens[5] == 5
	}
	return false
}

// dropboxExample is a fictitious Dropbox short-lived token body.
const dropboxExample = "jmF2KCZ8DAL7NafncB-pH04I3rHZPX20zVg3rcikNAz9LoAlanZ4ZUgeJ_nZgafEgvkf6QhiSnptUNHu4BEogt1uHNGHWjgdOlerAwE86qjtS_L-ZCQiI4SBOMVRJqas"

// opsExample is a fictitious 1Password service account token body (base64
// of a JSON object), longer than 256 bytes as real ones are.
const opsExample = "eyJlbWFpbCI6InN2Y0BleGFtcGxlLmNvbSIsInNlY3JldEtleSI6Ik9ubE5LMG5TV3dic2ozSFlNOTZGeWYwaUVldFE4bEZYVEVzVzRkRXNjeGVmd0hCY2g4MlJKODZQOFo0a2ljWW9RQTRkZTc4dDNZN2NBMnh2N0dNTjVOc3lxNnlhSklhRG9KZXkxSVN3MXJRSWNkdUw0UUR0dWtrdzZGZ1Z4b3VkT3Q2NVZhOUdzaFZWVHhkaUs0M2Jyb3dJYk10STc0Unk3UVRJTzAzek42QzJ1VWE2MlFpczk5bXc5dzlPMEc1c0FTN2dDam95SXZSUnRwTFJCOWJaZW95WFNua2Q5Znh4Z1JsVjZRMk1RN2Q5UGViQXBTZUpRQjBGcWhiSWcyWm1LWU5PMmUxVzZXOXlQcTlldU1odFRvcEMxaUVRWXVXc21CZEJpQjlxald4NWpLVVhaWnNRMzlLT09HSno0bkZ6VGdxZGt6SVIwZ2pIVW9yb2hkWllkU0F6UEdTY1hVZzZpQnRkMW81QnVzQ05JQjBiOU1uN2tRMVVuZWNOajhNcld1OHFITTd3UDJkUldJaVcifQ=="

// Tokens whose prefix is not at their start, or which need context.

// vendorContextRules returns the vendor rules that are not a plain prefix
// and body: Slack webhook URLs, Azure client secrets, Twilio API keys,
// Telegram bot tokens, Mailchimp keys, Terraform tokens and legacy Vault
// tokens.
func vendorContextRules() []Rule {
	return []Rule{
		{
			ID:          "slack-webhook",
			Category:    APIKey,
			Description: "Slack incoming webhook and workflow URL paths (hooks.slack.com/services/, /workflows/, /triggers/; the host and the kind stay)",
			Keywords:    []string{"hooks.slack.com/"},
			Find:        findSlackWebhook,
			Priority:    prioVendor,
			Examples: []string{
				"https://hooks.slack.com/services/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",
				"https://hooks.slack.com/workflows/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",
				"https://hooks.slack.com/triggers/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",
			},
			Negatives: []string{
				"https://hooks.slack.com/services/ is the endpoint",
				"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
			},
		},
		{
			ID:          "chat-webhook",
			Category:    APIKey,
			Description: "Discord and Microsoft Teams webhook URL paths (discord.com/api/webhooks/<id>/<token>, webhook.office.com/webhookb2/...), the host kept",
			Keywords:    webhookPrefixes,
			Find:        findChatWebhook,
			Priority:    prioVendor,
			Examples: []string{
				"https://discord.com/api/webhooks/1098765432109876543/kR3x-9QpLm2Vb7Zt_Yw8Nc4Hs6Jd1Fg0Ae5Tu3Io7Py2Lk9Mn4Bv6Cx8Zq1Wr",
				"https://contoso.webhook.office.com/webhookb2/7f3c2a1e-9b8d-4c6e-a5f4-1d2e3f4a5b6c@0e1d2c3b-4a59-4687-b8c9-d0e1f2a3b4c5/IncomingWebhook/5e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b/9d8c7b6a-5f4e-4d3c-b2a1-0f9e8d7c6b5a",
			},
			Negatives: []string{"https://discord.com/api/webhooks/ is the endpoint", "https://discord.com/api/webhooks/{webhook.id}/{webhook.token}"},
		},
		{
			ID:          "azure-client-secret",
			Category:    APIKey,
			Description: "Azure AD (Entra ID) client secret: 3 characters, a digit, Q~, then 31 to 34 characters",
			Keywords:    []string{"0q~", "1q~", "2q~", "3q~", "4q~", "5q~", "6q~", "7q~", "8q~", "9q~"},
			Find:        findAzureSecret,
			Priority:    prioVendor,
			Examples:    []string{"AZURE_CLIENT_SECRET=Cko8Q~8~7ZM5c.V7MxECVudehv1Nvzdv7Of.Fecs", `"clientSecret": "xYz3Q~aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4w"`},
			Negatives:   []string{"Cko8Q~ alone", "8Q~ is the marker of Azure secrets"},
		},
		{
			ID:          "twilio-api-key",
			Category:    APIKey,
			Description: "Twilio API key SID (SK + 32 hex digits), prefix kept",
			Keywords:    []string{"sk0", "sk1", "sk2", "sk3", "sk4", "sk5", "sk6", "sk7", "sk8", "sk9", "ska", "skb", "skc", "skd", "ske", "skf"},
			Find:        findTwilioKey,
			Priority:    prioVendor,
			Examples:    []string{"TWILIO_API_KEY=SK349ccf5538f74dc70359275f1af1fd60"},
			Negatives:   []string{"SK349ccf5538 is short", "skeleton key", "SK349ccf5538f74dc70359275f1af1fd60abc"},
		},
		{
			ID:          "telegram-bot-token",
			Category:    APIKey,
			Description: "Telegram bot token (bot id, ':AA' and 33 more characters), replaced whole",
			Keywords:    []string{":aa"},
			Find:        findTelegramToken,
			Priority:    prioVendor,
			Examples:    []string{"TELEGRAM_BOT_TOKEN=7434875736:AACkzx9vZfajYJlHsQzuwY-9EXRarGFVIsv", "https://api.telegram.org/bot7434875736:AACkzx9vZfajYJlHsQzuwY-9EXRarGFVIsv/sendMessage"},
			Negatives:   []string{"at 10:AA the meeting", "12345678:AAshort"},
		},
		{
			ID:          "mailchimp-key",
			Category:    APIKey,
			Description: "Mailchimp API key (32 hex digits, -us and the data center's number), replaced whole",
			Keywords:    []string{"-us"},
			Find:        findMailchimpKey,
			Priority:    prioVendor,
			Examples:    []string{"MAILCHIMP_API_KEY=6b6c4ae6e5e36228dcab3a5a50f51df2-us21", "85cfc57d736e7bc0ea4b5b52ebc9b7e6-us19"},
			Negatives:   []string{"Accept-Language: en-us", "85cfc57d736e7bc0ea4b5b52ebc9b7e6-use", "x85cfc57d736e7bc0ea4b5b52ebc9b7e6-us19"},
		},
		{
			ID:          "terraform-token",
			Category:    APIKey,
			Description: "Terraform Cloud (HCP Terraform) and Terraform Enterprise API token (14 letters and digits, .atlasv1., 60 to 70 base64url characters), replaced whole",
			Keywords:    []string{".atlasv1."},
			Find:        findTerraformToken,
			Priority:    prioVendor,
			Examples:    []string{`token = "f7Kj1TFIBI0Z1n.atlasv1.02xTRIJA6xCc4pps3aUvLb83HeW6nuRLaZBu6PdK4_ez5yl2UFjPQkqnCumPhswBxU8"`},
			Negatives:   []string{"the .atlasv1. infix marks Terraform tokens", "f7Kj1TFIBI0Z1n.atlasv1.short"},
		},
		{
			ID:          "vault-legacy-token",
			Category:    APIKey,
			Description: "HashiCorp Vault token of the legacy form s.<24 letters and digits> on a line that mentions Vault, prefix kept",
			Keywords:    []string{"vault"},
			Find:        findVaultLegacy,
			Priority:    prioVendor,
			Examples:    []string{"vault login s.CK4wdj73CTENCUCMlw0B00v9", "VAULT_TOKEN=s.CK4wdj73CTENCUCMlw0B00v9"},
			Negatives:   []string{"vault status shows s.CK4wdj73 (short)", "the vault holds lots.ofthingsandmorethingstoo"},
		},
	}
}

// webhookPrefixes start the secret paths of chat webhooks.
var webhookPrefixes = []string{
	"discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "webhook.office.com/webhookb2/",
	"outlook.office.com/webhook/",
}

// findChatWebhook reports the path after a chat webhook prefix: at least
// 20 bytes of letters, digits and '/', '-', '_', '@' with a '/' inside.
func findChatWebhook(dst []Span, s string, at int) []Span {
	var b int
	for _, p := range webhookPrefixes {
		if strings.HasPrefix(s[at:], p) {
			b = at + len(p)
			break
		}
	}
	if b == 0 || at > 0 && (isAlnum(s[at-1]) || s[at-1] == '-') && s[at-1] != '.' && s[at-1] != '/' {
		return dst
	}
	return webhookPath(dst, s, at, b, func(c byte) bool { return c == '@' }, 1)
}

// webhookPath reports the secret path of a webhook URL that starts at
// s[b] (the URL's host and kind, from at, are kept): letters, digits, '/',
// '_', '-' and the bytes extra allows, at least 20 of them with slashes
// '/' inside, not a placeholder.
func webhookPath(dst []Span, s string, at, b int, extra func(c byte) bool, slashes int) []Span {
	e := b
	for e < len(s) && (isAlnum(s[e]) || s[e] == '/' || s[e] == '_' || s[e] == '-' || extra(s[e])) {
		e++
	}
	for e > b && s[e-1] == '/' {
		e--
	}
	v := s[b:e]
	if len(v) < 20 || strings.Count(v, "/") < slashes || placeholderToken(v) {
		return dst
	}
	return append(dst, Span{Start: at, End: e, Keep: b - at})
}

// findSlackWebhook reports the path of a Slack webhook or workflow URL
// after hooks.slack.com/services/ (or workflows/, triggers/).
func findSlackWebhook(dst []Span, s string, at int) []Span {
	p := at + len("hooks.slack.com/")
	var kind string
	for _, k := range []string{"services/", "workflows/", "triggers/"} {
		if strings.HasPrefix(s[p:], k) {
			kind = k
			break
		}
	}
	if kind == "" || !strings.HasPrefix(s[at:], "hooks.slack.com/") {
		return dst
	}
	return webhookPath(dst, s, at, p+len(kind), func(c byte) bool { return c == '+' }, 2)
}

func isAzureByte(c byte) bool { return isWord(c) || c == '~' || c == '.' }

// findAzureSecret is called at the digit before "Q~" in an Azure client
// secret.
func findAzureSecret(dst []Span, s string, at int) []Span {
	st := at - 3
	if st < 0 || !strings.HasPrefix(s[at+1:], "Q~") || !allFunc(s[st:at], isAzureByte) {
		return dst
	}
	if st > 0 && (isAzureByte(s[st-1]) || s[st-1] == '-') {
		return dst
	}
	b := at + 3
	e := b
	for e < len(s) && e-b <= 34 && (isAzureByte(s[e]) || s[e] == '-') {
		e++
	}
	if n := e - b; n < 31 || n > 34 || e < len(s) && isAlnum(s[e]) {
		return dst
	}
	if placeholderToken(s[st:e]) || !tokenLike(s[st:e], 20) {
		return dst
	}
	return append(dst, Span{Start: st, End: e})
}

// findTwilioKey reports SK + 32 hex digits.
func findTwilioKey(dst []Span, s string, at int) []Span {
	if !strings.HasPrefix(s[at:], "SK") || at > 0 && (isWord(s[at-1]) || s[at-1] == '-') {
		return dst
	}
	b := at + 2
	e := b
	for e < len(s) && e-b <= 32 && isHex(s[e]) {
		e++
	}
	if e-b != 32 || e < len(s) && isWord(s[e]) || placeholderToken(s[b:e]) || !tokenLike(s[b:e], 32) {
		return dst
	}
	return append(dst, Span{Start: at, End: e, Keep: 2})
}

// findTelegramToken is called at ":AA" after a bot id of 8 to 10 digits.
func findTelegramToken(dst []Span, s string, at int) []Span {
	if !strings.HasPrefix(s[at:], ":AA") {
		return dst
	}
	d := at
	for d > 0 && at-d <= 10 && isDigit(s[d-1]) {
		d--
	}
	if n := at - d; n < 8 || n > 10 {
		return dst
	}
	if d > 0 && (isWord(s[d-1]) || s[d-1] == '-') && !(d >= 3 && s[d-3:d] == "bot") {
		return dst
	}
	b := at + 1
	e := b
	for e < len(s) && e-b <= 35 && isTokenByte(s[e]) {
		e++
	}
	if e-b != 35 || e < len(s) && isWord(s[e]) || placeholderToken(s[b:e]) {
		return dst
	}
	return append(dst, Span{Start: d, End: e})
}

// findVaultLegacy is called at "vault" and reports a legacy Vault token
// (s. + 24 letters and digits) later on the same line.
func findVaultLegacy(dst []Span, s string, at int) []Span {
	end := min(len(s), at+256)
	if k := strings.IndexByte(s[at:end], '\n'); k >= 0 {
		end = at + k
	}
	for p := at + 5; p+26 <= end; p++ {
		k := strings.Index(s[p:end], "s.")
		if k < 0 {
			break
		}
		p += k
		if p > 0 && (isWord(s[p-1]) || s[p-1] == '.' || s[p-1] == '-') {
			continue
		}
		b := p + 2
		e := b
		for e < len(s) && e-b <= 24 && isAlnum(s[e]) {
			e++
		}
		if e-b != 24 || e < len(s) && (isWord(s[e]) || s[e] == '.') || placeholderToken(s[b:e]) || !tokenLike(s[b:e], 24) {
			continue
		}
		return append(dst, Span{Start: p, End: e, Keep: 2})
	}
	return dst
}

// findMailchimpKey is called at "-us" and reports a Mailchimp API key: 32
// hex digits, "-us" and the one or two digits of the data center, replaced
// whole.
func findMailchimpKey(dst []Span, s string, at int) []Span {
	st := at - 32
	if st < 0 || !strings.HasPrefix(s[at:], "-us") || !allFunc(s[st:at], isHexByte) {
		return dst
	}
	if st > 0 && (isWord(s[st-1]) || s[st-1] == '-') || placeholderEndsAt(s, st) {
		return dst
	}
	e := at + 3
	for e < len(s) && e-at < 5 && isDigit(s[e]) {
		e++
	}
	if e == at+3 || e < len(s) && isWord(s[e]) || placeholderToken(s[st:at]) || !tokenShape(s[st:at]) {
		return dst
	}
	return append(dst, Span{Start: st, End: e})
}

// findTerraformToken is called at ".atlasv1." and reports a Terraform
// Cloud (HCP Terraform) or Enterprise API token: 14 letters and digits,
// ".atlasv1." and 60 to 70 base64url characters, replaced whole.
func findTerraformToken(dst []Span, s string, at int) []Span {
	st := at - 14
	if st < 0 || !strings.HasPrefix(s[at:], ".atlasv1.") || !allFunc(s[st:at], isAlnumByte) {
		return dst
	}
	if st > 0 && (isWord(s[st-1]) || s[st-1] == '-' || s[st-1] == '.') || placeholderEndsAt(s, st) {
		return dst
	}
	b := at + len(".atlasv1.")
	e := b
	for e < len(s) && e-b <= 70 && isB64URL(s[e]) {
		e++
	}
	if n := e - b; n < 60 || n > 70 || e < len(s) && (isWord(s[e]) || s[e] == '-') {
		return dst
	}
	if placeholderToken(s[b:e]) || !tokenLike(s[st:at], 14) && !tokenLike(s[b:e], 20) {
		return dst
	}
	return append(dst, Span{Start: st, End: e})
}
