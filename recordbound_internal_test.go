package llog

import (
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// FuzzRecordBound checks the bound Log uses to hand a record to a
// redaction worker: a record's encoded body, once redacted, is never
// longer than maxRecordSize said before redaction, with the default rules
// and with a rule that makes one-byte matches into long placeholders.
func FuzzRecordBound(f *testing.F) {
	f.Add("mail a@b.example or call +1 415 555 0100", "ok", "", "m", "k", "v")
	f.Add("xxxx", "x x x", "x", "mod\xffel", "k\xfe", "x\xff")
	f.Add("password: hunter2, password_confirm: hunter2", "AKIAIOSFODNN7EXAMPL3", "err", "", "", "")
	f.Add(strings.Repeat("\xff", 40), strings.Repeat("4111 1111 1111 1111 ", 8), "", "", "a", "")
	grow, err := redact.New(redact.Rule{ID: "x", Category: "A_VERY_LONG_CATEGORY_NAME", Pattern: `x`})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prompt, response, errText, model, key, val string) {
		for _, red := range []*redact.Redactor{redact.Default(), grow, noRules()} {
			var cats []string
			for _, c := range red.Categories() {
				cats = append(cats, string(c))
			}
			e := &Engine{red: red, countsMax: maxCountsSize(cats)}
			inf := Inference{Model: model, Prompt: prompt, Response: response, Error: errText,
				Attributes: map[string]string{key: val, key + "2": prompt}}
			it, err := e.admit(&inf)
			if err != nil {
				t.Fatal(err)
			}
			bound := maxRecordSize(&it.rec, red.MaxLen, e.countsMax)
			e.finish(it)
			if n := len(it.body()); n > bound {
				t.Fatalf("encoded %d bytes, bound %d: %+v", n, bound, inf)
			}
		}
	})
}
