package redact_test

import (
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
