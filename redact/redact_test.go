package redact_test

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/lowlightlog/llog/redact"
)

func TestRedactBasic(t *testing.T) {
	tests := []struct {
		in, want string
		counts   redact.Counts
	}{
		{"", "", nil},
		{"hello world", "hello world", nil},
		{"mail john@example.com now", "mail [REDACTED:EMAIL] now", redact.Counts{redact.Email: 1}},
		{"a@example.com b@example.org", "[REDACTED:EMAIL] [REDACTED:EMAIL]", redact.Counts{redact.Email: 2}},
		{"GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a", "GITHUB_TOKEN=ghp_[REDACTED:GITHUB_TOKEN]", redact.Counts{redact.GitHubToken: 1}},
		{"key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789", "key sk-ant-[REDACTED:API_KEY]", redact.Counts{redact.APIKey: 1}},
		{"Authorization: Bearer 4f9a8c2e71b34d0a9e6f", "Authorization: Bearer [REDACTED:BEARER_TOKEN]", redact.Counts{redact.BearerToken: 1}},
		{"https://admin:hunter2@db.example.com/x", "https://[REDACTED:URL_CREDENTIALS]@db.example.com/x", redact.Counts{redact.URLCredentials: 1}},
		{"password=hunter2 user=bob", "password=[REDACTED:PASSWORD] user=bob", redact.Counts{redact.Password: 1}},
		{"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\nrest", "[REDACTED:PRIVATE_KEY]\nrest", redact.Counts{redact.PrivateKey: 1}},
		// A PEM block wins over everything inside it.
		{"-----BEGIN PRIVATE KEY-----\njohn@example.com 10.0.0.1\n-----END PRIVATE KEY-----", "[REDACTED:PRIVATE_KEY]", redact.Counts{redact.PrivateKey: 1}},
		// The specific rule wins over the generic assignment on the same value.
		{"token=ghp_16C7e42F292c6912E7710c838347Ae178B4a", "token=ghp_[REDACTED:GITHUB_TOKEN]", redact.Counts{redact.GitHubToken: 1}},
		// Placeholders are never matched again.
		{"password=[REDACTED:PASSWORD] [REDACTED:EMAIL]", "password=[REDACTED:PASSWORD] [REDACTED:EMAIL]", nil},
	}
	for _, tt := range tests {
		got, counts := redact.Default().Redact(tt.in)
		if got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if fmt.Sprint(counts) != fmt.Sprint(tt.counts) {
			t.Errorf("Redact(%q) counts = %v, want %v", tt.in, counts, tt.counts)
		}
		if (counts == nil) != (tt.counts == nil) {
			t.Errorf("Redact(%q) counts nil = %v, want nil = %v", tt.in, counts == nil, tt.counts == nil)
		}
	}
}

// TestNoMatchReturnsInput checks that a clean text comes back as the very
// same string (same backing array), not a copy.
func TestNoMatchReturnsInput(t *testing.T) {
	in := readTestdata(t, "chat.txt")
	out, counts := redact.Default().Redact(in)
	if counts != nil {
		t.Fatalf("counts = %v, want nil", counts)
	}
	if out != in || unsafe.StringData(out) != unsafe.StringData(in) {
		t.Fatal("clean text was copied or changed")
	}
}

func TestZeroAllocs(t *testing.T) {
	r := redact.Default()
	inputs := map[string]string{
		"empty":      "",
		"short":      "hello, how are you today?",
		"chat":       readTestdata(t, "chat.txt"),
		"keywords":   "my password manager keeps the key and the token secret; bearer of news; basic stuff",
		"near_miss":  "version 1.2.3.4, 2024-01-15 10:30:00, Order #123456789, $1,234.56, fe80 10:30, a@b, sk-x",
		"multi_byte": "Das Modell hat 7 Milliarden Parameter. 模型的上下文窗口是128000个令牌。",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			if out, counts := r.Redact(in); out != in || counts != nil {
				t.Fatalf("input was redacted: %q", out)
			}
			if n := testing.AllocsPerRun(100, func() { r.Redact(in) }); n != 0 {
				t.Errorf("Redact allocates %v times per call on a clean text", n)
			}
		})
	}
}

func TestInvalidUTF8(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\xffb", "a\uFFFDb"},
		{"\xff\xfe\xfd", "\uFFFD"},
		{"ok \xc3 john@example.com", "ok \uFFFD [REDACTED:EMAIL]"},
		{"\xe2\x82 5555-5555-5555-4444", "\uFFFD [REDACTED:CREDIT_CARD]"},
	}
	for _, tt := range tests {
		got, _ := redact.Default().Redact(tt.in)
		if got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Redact(%q) is not valid UTF-8", tt.in)
		}
	}
	// A length limit inside a multi-byte character must not cut it in two.
	for _, in := range []string{"password=" + strings.Repeat("中", 100), "pass:" + strings.Repeat("0\uFFFD", 90)} {
		if got, _ := redact.Default().Redact(in); !utf8.ValidString(got) {
			t.Errorf("Redact(%q) = %q is not valid UTF-8", in, got)
		}
	}
	// Counts stay nil when only the encoding was repaired.
	if _, counts := redact.Default().Redact("\xff"); counts != nil {
		t.Errorf("counts = %v, want nil", counts)
	}
}

// TestRedactText checks what the pass over a text reports besides the
// redaction: the characters of the repaired input (counted on the input,
// before placeholders replace anything) and the runs of invalid UTF-8 it
// repaired, at every offset around the eight-byte blocks the sweep reads
// (a character or an invalid sequence cut by a block boundary).
func TestRedactText(t *testing.T) {
	r := redact.Default()
	for _, c := range []struct {
		in, repaired, text string
		invalid            int
		counts             redact.Counts
	}{
		{"", "", "", 0, nil},
		{"hello", "hello", "hello", 0, nil},
		{"héllo wörld, 你好 🙂", "héllo wörld, 你好 🙂", "héllo wörld, 你好 🙂", 0, nil},
		{"mail john@example.com", "mail john@example.com", "mail [REDACTED:EMAIL]", 0, redact.Counts{redact.Email: 1}},
		{"caf\xe9 au lait \xff\xfe ok", "caf\uFFFD au lait \uFFFD ok", "caf\uFFFD au lait \uFFFD ok", 2, nil},
		{"\xed\xa0\x80 surrogate, \xc0\xaf overlong, \xf4\x90\x80\x80 too big, \xf8 no",
			"\uFFFD surrogate, \uFFFD overlong, \uFFFD too big, \uFFFD no",
			"\uFFFD surrogate, \uFFFD overlong, \uFFFD too big, \uFFFD no", 4, nil},
		{"cut \xe4\xb8", "cut \uFFFD", "cut \uFFFD", 1, nil},
		{"\xe4\xb8 john@example.com", "\uFFFD john@example.com", "\uFFFD [REDACTED:EMAIL]", 1, redact.Counts{redact.Email: 1}},
	} {
		for pad := range 12 {
			a := strings.Repeat("a", pad)
			res := r.RedactText(a + c.in)
			runes := utf8.RuneCountInString(a + c.repaired)
			if res.Text != a+c.text || res.Runes != runes || res.Invalid != c.invalid || !maps.Equal(res.Counts, c.counts) {
				t.Errorf("RedactText(%q) = %q, %v, %d runes, %d invalid; want %q, %v, %d, %d",
					a+c.in, res.Text, res.Counts, res.Runes, res.Invalid, a+c.text, c.counts, runes, c.invalid)
			}
		}
	}
}

func TestIdempotentCorpus(t *testing.T) {
	r := redact.Default()
	for _, cl := range loadCorpus(t) {
		once, _ := r.Redact(cl.text)
		twice, counts := r.Redact(once)
		if twice != once || counts != nil {
			t.Errorf("line %d: not idempotent:\nonce:  %q\ntwice: %q", cl.lineNo, once, twice)
		}
	}
}

func TestWithout(t *testing.T) {
	base := redact.Default()
	in := "mail john@example.com from 10.1.2.3"
	r := base.Without(redact.Email)
	if got, _ := r.Redact(in); got != "mail john@example.com from [REDACTED:IPV4]" {
		t.Errorf("Without(EMAIL): %q", got)
	}
	if got, _ := base.Redact(in); got != "mail [REDACTED:EMAIL] from [REDACTED:IPV4]" {
		t.Errorf("the original changed: %q", got)
	}
	if slices.Contains(r.Categories(), redact.Email) {
		t.Error("Categories still lists EMAIL")
	}
	none := base.Without(base.Categories()...)
	if got, counts := none.Redact(in); got != in || counts != nil {
		t.Errorf("no rules: %q %v", got, counts)
	}
	// Disabling the numeric categories one at a time keeps the others.
	r = base.Without(redact.Phone, redact.SSN)
	if got, _ := r.Redact("card 4111 1111 1111 1111 ssn 123-45-6789 call +44 20 7946 0958"); got != "card [REDACTED:CREDIT_CARD] ssn 123-45-6789 call +44 20 7946 0958" {
		t.Errorf("Without(PHONE, SSN): %q", got)
	}
}

func TestWith(t *testing.T) {
	employee := redact.Rule{
		ID:          "employee-id",
		Category:    "EMPLOYEE_ID",
		Description: "internal employee number",
		Keywords:    []string{"EMP-"},
		Pattern:     `EMP-([0-9]{6})\b`,
		Examples:    []string{"assigned to EMP-123456"},
		Negatives:   []string{"EMP-12 is too short"},
	}
	base := redact.Default()
	r, err := base.With(employee)
	if err != nil {
		t.Fatal(err)
	}
	in := "assigned to EMP-123456 (john@example.com)"
	if got, counts := r.Redact(in); got != "assigned to EMP-[REDACTED:EMPLOYEE_ID] ([REDACTED:EMAIL])" || counts["EMPLOYEE_ID"] != 1 {
		t.Errorf("With: %q %v", got, counts)
	}
	if got, _ := base.Redact(in); got != "assigned to EMP-123456 ([REDACTED:EMAIL])" {
		t.Errorf("the original changed: %q", got)
	}
	if err := r.Check(); err != nil {
		t.Error(err)
	}
	if _, err := r.With(employee); !errors.Is(err, redact.ErrInvalidRule) || !strings.Contains(err.Error(), "employee-id") {
		t.Errorf("duplicate id: err = %v", err)
	}
	// MaxLen is a speed hint: a match that outgrows the window is retried
	// on the rest of the text rather than cut.
	r, err = redact.New(redact.Rule{ID: "tok", Category: "TOK", Keywords: []string{"tok_"}, Pattern: `tok_([a-z]{4,})`, MaxLen: 8})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Redact("x tok_" + strings.Repeat("abcd", 10) + " y"); got != "x tok_[REDACTED:TOK] y" {
		t.Errorf("long match in a short window: %q", got)
	}
	// A rule without keywords scans the whole text.
	r, err = redact.New(redact.Rule{ID: "digits", Category: "DIGITS", Pattern: `\b\d{4}\b`})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Redact("pin 1234 ok 12345"); got != "pin [REDACTED:DIGITS] ok 12345" {
		t.Errorf("whole-text pattern: %q", got)
	}
	// A hand-written finder.
	r, err = redact.New(redact.Rule{
		ID: "xyz", Category: "XYZ", Keywords: []string{"xyz"},
		Find: func(dst []redact.Span, s string, at int) []redact.Span {
			return append(dst, redact.Span{Start: at, End: at + 3, Keep: 1})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Redact("a xyz b XYZ"); got != "a x[REDACTED:XYZ] b X[REDACTED:XYZ]" {
		t.Errorf("finder: %q", got)
	}
}

func TestNewErrors(t *testing.T) {
	find := func(dst []redact.Span, s string, at int) []redact.Span { return dst }
	tests := []struct {
		name string
		rule redact.Rule
		want string
	}{
		{"bad pattern", redact.Rule{ID: "bad-re", Category: "X", Pattern: `(`}, "bad-re"},
		{"no id", redact.Rule{Category: "X", Pattern: `x`}, "empty id"},
		{"lower category", redact.Rule{ID: "c", Category: "email", Pattern: `x`}, `"c"`},
		{"empty category", redact.Rule{ID: "c", Pattern: `x`}, `"c"`},
		{"neither", redact.Rule{ID: "n", Category: "X"}, "exactly one"},
		{"both", redact.Rule{ID: "b", Category: "X", Pattern: `x`, Find: find}, "exactly one"},
		{"empty keyword", redact.Rule{ID: "k", Category: "X", Pattern: `x`, Keywords: []string{""}}, "empty keyword"},
		{"negative maxlen", redact.Rule{ID: "m", Category: "X", Pattern: `x`, MaxLen: -1}, "MaxLen"},
	}
	for _, tt := range tests {
		_, err := redact.New(tt.rule)
		if !errors.Is(err, redact.ErrInvalidRule) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrInvalidRule mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestDefaultRulesIsACopy(t *testing.T) {
	a := redact.DefaultRules()
	a[0].Keywords[0] = "changed"
	a[0].ID = "changed"
	b := redact.DefaultRules()
	if b[0].ID == "changed" || b[0].Keywords[0] == "changed" {
		t.Fatal("DefaultRules shares state between calls")
	}
	if got := redact.Default().Rules()[0].ID; got == "changed" {
		t.Fatal("Default shares state with DefaultRules")
	}
	// IDs are unique and categories are documented constants or valid names.
	seen := map[string]bool{}
	for _, r := range b {
		if seen[r.ID] {
			t.Errorf("duplicate id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Description == "" {
			t.Errorf("rule %q has no description", r.ID)
		}
	}
}

func TestFind(t *testing.T) {
	s := "mail john@example.com, key ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	got := redact.Default().Find(s)
	if len(got) != 2 {
		t.Fatalf("Find = %v", got)
	}
	if got[0].Category != redact.Email || s[got[0].Start:got[0].End] != "john@example.com" || got[0].RuleID != "email" {
		t.Errorf("first finding %+v", got[0])
	}
	if got[1].Category != redact.GitHubToken || s[got[1].Start:got[1].End] != "16C7e42F292c6912E7710c838347Ae178B4a" {
		t.Errorf("second finding %+v", got[1])
	}
}

// TestConcurrent runs one Redactor from many goroutines (meaningful under
// -race) and checks every result against a sequential run.
func TestConcurrent(t *testing.T) {
	r := redact.Default()
	lines := loadCorpus(t)
	want := make([]string, len(lines))
	for i, cl := range lines {
		want[i], _ = r.Redact(cl.text)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				j := (i + g*37) % len(lines)
				if got, _ := r.Redact(lines[j].text); got != want[j] {
					t.Errorf("goroutine %d line %d: got %q want %q", g, lines[j].lineNo, got, want[j])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPlaceholder(t *testing.T) {
	if got := redact.Placeholder(redact.Email); got != "[REDACTED:EMAIL]" {
		t.Errorf("Placeholder = %q", got)
	}
	if n := (redact.Counts{redact.Email: 2, redact.IPv4: 3}).Total(); n != 5 {
		t.Errorf("Total = %d", n)
	}
}

// TestLinearTime feeds inputs built to trigger many candidates at once and
// checks that eight times the input takes well under 64 times as long
// (quadratic behaviour would).
func TestLinearTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: not in -short mode or under the race detector")
	}
	units := map[string]string{
		"digits_spaces": "1 ",
		"digit_run":     "1",
		"dotted":        "1.",
		"colons":        "a1:",
		"pem_begin":     "-----BEGIN RSA PRIVATE KEY-----\n",
		"at_signs":      "a@b.",
		"password":      "password=",
		"pass":          "pass",
		"secret":        "secret ",
		"scheme":        "ab://",
		"placeholder":   "[REDACTED:",
		"bearer":        " Bearer ",
		"akia":          " AKIA",
		"phone_words":   "tel 12 ",
		"plus":          "+1 ",
		"parens":        "(1)",
		"iban_like":     "DE89 ",
		"prose_cjk":     "密码是",
		"prose_pin":     "pin ",
		"prose_ru":      "пароль ",
		"cli_mysql":     "mysql -p",
		"auth_token":    "Authorization: Token ",
		"long_value":    "password=a&",
		"base58":        "1A",
		"eth":           "0x1",
		"csv_rows":      "x,1234567\n",
		"csv_line":      "1234567,",
		"fullwidth":     "１２３４５６７ ",
		"arabic_digits": "٠١٢٣٤٥٦٧ ",
		"small_list":    "1 2 3 4 5 6 7 8 9 ",
		"k8s_secret":    "kind: Secret\ndata:\n  k: dmFsdWU=\n",
		"hcl_variable":  "variable \"a_token\" { default = \"",
		"named_value":   "- name: API_KEY\n  value: ",
		"json_value":    `{"name": "TOKEN", "value": "`,
		"pgpass":        "h:5432:d:u:",
		"oracle":        "thin:a/b@//",
		"b64_pem":       "LS0tLS1CRUdJTi",
		"webhook":       "discord.com/api/webhooks/",
		"rman":          "rman target a/b@c ",
		"directive":     "\nrequirepass ",
		"app_password":  "password abcd ",
	}
	r := redact.Default()
	// measure times one Redact by the CPU time of the calling thread (wall
	// time where there is no thread clock): on a loaded machine wall time
	// also counts the waits for a CPU, which say nothing about the rules.
	measure := func(s string) time.Duration {
		c0, cpu := threadCPUTime()
		start := time.Now()
		r.Redact(s)
		if c1, _ := threadCPUTime(); cpu {
			return c1 - c0
		}
		return time.Since(start)
	}
	for name, u := range units {
		t.Run(name, func(t *testing.T) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			small := strings.Repeat(u, (16<<10)/len(u))
			large := strings.Repeat(u, (128<<10)/len(u))
			// The best of five runs of each size, taken in turn, so that
			// both sizes see the same machine.
			ts, tl := time.Duration(1<<62), time.Duration(1<<62)
			for range 5 {
				ts = min(ts, measure(small))
				tl = min(tl, measure(large))
			}
			if tl > 24*ts+50*time.Millisecond {
				t.Errorf("16 KiB: %v, 128 KiB: %v (ratio %.1f): superlinear", ts, tl, float64(tl)/float64(ts))
			}
		})
	}
}

func TestCheckReportsFailures(t *testing.T) {
	r, err := redact.New(redact.Rule{
		ID:        "four-digits",
		Category:  "PIN",
		Pattern:   `\b\d{4}\b`,
		Examples:  []string{"pin 1234", "no digits here"},
		Negatives: []string{"year 2024"},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Check()
	if err == nil {
		t.Fatal("Check passed a rule whose samples fail")
	}
	for _, want := range []string{`"four-digits": example 1 not redacted`, `"four-digits": negative 0 redacted`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "example 0") {
		t.Errorf("Check reported a passing example: %v", err)
	}
}

// TestOverlapResolution pins the order in which overlapping matches win.
func TestOverlapResolution(t *testing.T) {
	mk := func(id string, prio int, pattern string) redact.Rule {
		return redact.Rule{ID: id, Category: redact.Category(strings.ToUpper(id)), Pattern: pattern, Priority: prio}
	}
	tests := []struct {
		name  string
		rules []redact.Rule
		in    string
		want  string
	}{
		{"earliest start wins", []redact.Rule{mk("a", 0, `bcde`), mk("b", 9, `cd`)}, "abcdef", "a[REDACTED:A]f"},
		// A loser that reaches beyond the winner extends its replacement:
		// nothing of "cde" is left to match in the output.
		{"the winner reaches as far as the loser", []redact.Rule{mk("a", 0, `bcd`), mk("b", 9, `cde`)}, "abcdef", "a[REDACTED:A]f"},
		// A loser in the text the winner keeps makes it keep nothing.
		{"a kept prefix another rule claims", []redact.Rule{mk("a", 0, `bc(de)`), mk("b", 9, `bc`)}, "abcdef", "a[REDACTED:A]f"},
		{"then the longest", []redact.Rule{mk("a", 9, `bc`), mk("b", 0, `bcde`)}, "abcdef", "a[REDACTED:B]f"},
		{"then the priority", []redact.Rule{mk("a", 0, `bcd`), mk("b", 1, `bcd`)}, "abcdef", "a[REDACTED:B]ef"},
		{"then the rule order", []redact.Rule{mk("a", 0, `bcd`), mk("b", 0, `bcd`)}, "abcdef", "a[REDACTED:A]ef"},
	}
	for _, tt := range tests {
		r, err := redact.New(tt.rules...)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := r.Redact(tt.in)
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
		if again, _ := r.Redact(got); again != got {
			t.Errorf("%s: redacting %q again gives %q", tt.name, got, again)
		}
	}
}

// TestLinearGuardEveryRule checks that the guard which keeps keyword rules
// linear (an occurrence inside the rule's previous candidate is not
// reported again) holds for every rule, however many there are: a finder
// that claims the rest of the text from its keyword is called once, not
// once per occurrence.
func TestLinearGuardEveryRule(t *testing.T) {
	for _, before := range []int{0, 63, 64, 127, 128, 300} {
		var rules []redact.Rule
		for i := range before {
			rules = append(rules, redact.Rule{ID: fmt.Sprintf("filler-%d", i), Category: "FILLER", Keywords: []string{"zzq"}, Pattern: `zzq\d`})
		}
		calls := 0
		rules = append(rules, redact.Rule{
			ID: "rest", Category: "REST", Keywords: []string{"ab"},
			Find: func(dst []redact.Span, s string, at int) []redact.Span {
				calls++
				return append(dst, redact.Span{Start: at, End: len(s)})
			},
		})
		r, err := redact.New(rules...)
		if err != nil {
			t.Fatal(err)
		}
		r.Find(strings.Repeat("ab ", 1000))
		if calls != 1 {
			t.Errorf("rule %d of %d: finder called %d times for one candidate", before, before+1, calls)
		}
	}
}

// TestCheckRequiresOwnCategory checks that Check fails a rule whose
// example is redacted, but under another rule's category.
func TestCheckRequiresOwnCategory(t *testing.T) {
	r, err := redact.New(
		redact.Rule{ID: "wide", Category: "WIDE", Pattern: `order \d+`, Examples: []string{"order 1234"}, Negatives: []string{"order"}},
		redact.Rule{ID: "narrow", Category: "NARROW", Pattern: `\d{4}`, Examples: []string{"order 1234", "pin 5678"}, Negatives: []string{"12"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	err = r.Check()
	if err == nil || !strings.Contains(err.Error(), `"narrow": example 0 not redacted as NARROW`) {
		t.Fatalf("Check = %v, want the narrow rule's example 0 reported", err)
	}
	if strings.Contains(err.Error(), "example 1") || strings.Contains(err.Error(), `"wide"`) {
		t.Errorf("Check reported a passing example: %v", err)
	}
}

// nextToReplacements are texts where a replacement changes what a rule
// sees next to it, one of each kind found by splicing corpus texts: the
// rest of a number another match claimed the start of, a version word, a
// qualifier, an '@', a key's first part or a header's name inside another
// match, a placeholder's ':' read as an assignment, a table header line
// with digits replaced, a search window whose length changes. FuzzRedact
// seeds from them too.
var nextToReplacements = []string{
	"nst password = process.env.DB_PASS+8 5390 0754 7034 et=4fwsecret ",
	"password: hunter2, passwordversion e +91 98765 43210 (India-2",
	"PASSWORD:Panda@ 8 (916) 123-45-67, звоните ве+",
	"password=_version__ = \"3.5.28.111\"\n-",
	"login: jdo@2.14.3 to 10.2.30.41 after '",
	"ema-Spassword=0.113.195, 70.41.3.18, 150.172.23\nck/",
	"n 1.10.48.204 to 8.29.14+ahak@example.in \"",
	":172.16.5.4::5432/apppassword=+",
	"[2001:db8::.mada@example.jp}}です。",
	",5 1051 0510 ://propassword=il='o'reilly@example.ie=",
	"m0ng0P4ss@cluster0.exampé0171 123456:",
	"DATABASE_URL=postgres://appuser:Z8x!kq2Lm@db.prod.intern]er.user={{EMAIL:noreply@example.com}} smtp_pas@",
	"sqlplus hr/Hr-Ora#19@//db.corp.example:15\xff{{SECRET:c7cb63e682@ds, PINs",
	"htpasswd -bc 中\x8f\xb713812345678已发货\xe3中t +1 (555) 010-7788 instead.\"",
	"opassword=Authorization: Basic dXNlcjpo#@",
	"Here password= Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJpassword=-ASSWORD:Paris2024:",
	"password=Part number 123-45-678 and 12-345(",
	"k3r-Pa5password=Tracking no. 09171234567 — out(",
	"PHONE:+852 9123 45.ass=crypto @d,name,phone,card\n2,Ana,0917 123\"SvptVLRazIZN6PStOj91ogAYC_",
	"カード番号 3566 0020 2036 050a_k@example.org}}-",
	"iToken\" value=\"{{SECRET:jJ3JgKd89AvguEq0ecj3dxCKdWOlvlscRhJAVVxr}}[AWS_KEY:i8zWsjDF5ilmo7G57wWtP32/T83RIpJiwoOBJfs9}}, can you check",
	"access_token=ya29.aKuRypvObR8y5h9rcLwnt--パスワードは Sakura2024 で",
	"0040702810.PASSWORD:/to {{PASSWORD+",
}

// TestProseEndsAfterAdverb: a text that ends after "ist einfach" ("is
// simply") once made the prose rule read past its end.
func TestProseEndsAfterAdverb(t *testing.T) {
	for _, in := range []string{"Passwort ist einfach ", "Passwort ist einfach", "the password is literally "} {
		if out, _ := redact.Default().Redact(in); out != in {
			t.Errorf("Redact(%q) = %q", in, out)
		}
	}
}

// TestIdempotentNextToReplacements: Redact reads a text once, so its
// output must hold nothing for the rules to find, also where a replacement
// changed what a neighbour looks like.
func TestIdempotentNextToReplacements(t *testing.T) {
	r := redact.Default()
	for _, in := range nextToReplacements {
		once, counts := r.Redact(in)
		if counts == nil {
			t.Errorf("%q: nothing redacted", in)
		}
		if twice, c := r.Redact(once); twice != once || c != nil {
			t.Errorf("not idempotent:\n in:    %q\nonce:  %q\ntwice: %q", in, once, twice)
		}
	}
}

// TestMaxLen checks the bound on texts built to grow the most: one-byte
// matches, each replaced by a placeholder, and invalid bytes, each
// replaced by U+FFFD.
func TestMaxLen(t *testing.T) {
	one, err := redact.New(redact.Rule{ID: "x", Category: "A_LONG_CATEGORY_NAME", Pattern: `x`})
	if err != nil {
		t.Fatal(err)
	}
	none, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    *redact.Redactor
		in   string
		want int // len(RedactText(in).Text)
	}{
		{one, "xxxx", 4 * len("[REDACTED:A_LONG_CATEGORY_NAME]")},
		{none, "\xff\xfe\xfd", 3},
		{none, "a\xffb\xfe", 8},
		{redact.Default(), "", 0},
	} {
		got := c.r.RedactText(c.in).Text
		if len(got) != c.want {
			t.Errorf("RedactText(%q) = %q, %d bytes; want %d", c.in, got, len(got), c.want)
		}
		if max := c.r.MaxLen(len(c.in)); len(got) > max {
			t.Errorf("RedactText(%q): %d bytes, above MaxLen %d", c.in, len(got), max)
		}
	}
	if got, want := one.MaxLen(4), 4*len("[REDACTED:A_LONG_CATEGORY_NAME]"); got != want {
		t.Errorf("MaxLen(4) = %d, want %d (the bound is reached)", got, want)
	}
	if got := none.MaxLen(5); got != 15 {
		t.Errorf("no rules: MaxLen(5) = %d, want 15 (U+FFFD for each byte)", got)
	}
}
