package redact_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// TestRuleSamples runs every default rule's Examples and Negatives, both with
// the rule alone (the example must produce the rule's own placeholder) and
// with the whole default set (the example must be redacted, the negative
// left alone by every rule).
func TestRuleSamples(t *testing.T) {
	for _, rule := range redact.DefaultRules() {
		t.Run(rule.ID, func(t *testing.T) {
			if len(rule.Examples) == 0 || len(rule.Negatives) == 0 {
				t.Errorf("rule has %d examples and %d negatives; want some of each", len(rule.Examples), len(rule.Negatives))
			}
			alone, err := redact.New(rule)
			if err != nil {
				t.Fatal(err)
			}
			ph := redact.Placeholder(rule.Category)
			for _, ex := range rule.Examples {
				out, counts := alone.Redact(ex)
				if !strings.Contains(out, ph) || counts[rule.Category] == 0 {
					t.Errorf("alone: example not redacted:\n in: %q\nout: %q", ex, out)
				}
				if out, _ := redact.Default().Redact(ex); out == ex {
					t.Errorf("default: example not redacted: %q", ex)
				}
			}
			for _, neg := range rule.Negatives {
				if out, _ := alone.Redact(neg); out != neg {
					t.Errorf("alone: negative redacted:\n in: %q\nout: %q", neg, out)
				}
				if out, _ := redact.Default().Redact(neg); out != neg {
					t.Errorf("default: negative redacted:\n in: %q\nout: %q", neg, out)
				}
			}
		})
	}
}

func TestDefaultCheck(t *testing.T) {
	if err := redact.Default().Check(); err != nil {
		t.Fatal(err)
	}
}

// TestFindFuncsStandalone calls each default rule's FindFunc directly (the
// Redactor runs the numeric ones through a shared sweep) and checks that it
// reports what a Redactor with only that rule finds.
func TestFindFuncsStandalone(t *testing.T) {
	var texts []string
	for _, cl := range loadCorpus(t) {
		texts = append(texts, cl.text)
	}
	for _, rule := range redact.DefaultRules() {
		if rule.Find == nil || len(rule.Keywords) > 0 {
			continue
		}
		r, err := redact.New(rule)
		if err != nil {
			t.Fatal(err)
		}
		// A new Rule with the same Find is not marked as a built-in numeric
		// rule, so the Redactor runs it as an ordinary finder.
		inner := rule.Find
		wrapped := redact.Rule{ID: rule.ID, Category: rule.Category, Find: func(dst []redact.Span, s string, at int) []redact.Span { return inner(dst, s, at) }}
		rw, err := redact.New(wrapped)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range texts {
			var direct []string
			for _, sp := range rule.Find(nil, s, -1) {
				direct = append(direct, s[sp.Start+sp.Keep:sp.End])
			}
			var viaRedactor, viaWrapper []string
			for _, f := range r.Find(s) {
				viaRedactor = append(viaRedactor, s[f.Start:f.End])
			}
			for _, f := range rw.Find(s) {
				viaWrapper = append(viaWrapper, s[f.Start:f.End])
			}
			if !slices.Equal(direct, viaRedactor) || !slices.Equal(direct, viaWrapper) {
				t.Errorf("%s on %q:\n direct   %q\n redactor %q\n wrapper  %q", rule.ID, s, direct, viaRedactor, viaWrapper)
			}
			n += len(direct)
		}
		if n == 0 {
			t.Errorf("%s found nothing in the corpus", rule.ID)
		}
	}
}
