package gen_test

import (
	"testing"

	"github.com/lowlightlog/llog/internal/gen"
	"github.com/lowlightlog/llog/redact"
)

// TestMixes checks that the mixes plant what their names say: the
// benchmarks' ratios are quoted per mix ("one e-mail address per 2.5
// records", "five matches per record"), so each planted piece must be
// exactly one match for the default redactor, and text without planted
// pieces none.
func TestMixes(t *testing.T) {
	r := redact.Default()
	matches := func(s gen.Sample) redact.Counts {
		c := redact.Counts{}
		for _, txt := range []string{s.Prompt, s.Response} {
			_, cs := r.Redact(txt)
			for k, v := range cs {
				c[k] += v
			}
		}
		return c
	}
	for _, k := range gen.Kinds() {
		g := gen.New(5)
		g.PIIRate, g.PIIKinds = 1, []gen.Kind{k}
		for range 50 {
			s := g.Next(1024)
			if c := matches(s); c.Total() != 1 {
				t.Fatalf("kind %s: %v matches in %q / %q, want one", k, c, s.Prompt, s.Response)
			}
		}
	}
	for _, m := range gen.Mixes {
		g := gen.New(9)
		g.Use(m)
		const n = 1000
		total, carriers := 0, 0
		for range n {
			s := g.Next(1024)
			c := matches(s)
			total += c.Total()
			if s.PII {
				carriers++
				if want := max(1, m.PerSample); c.Total() != want {
					t.Fatalf("mix %s: %v in a sample that carries data, want %d matches", m.Name, c, want)
				}
			} else if c.Total() != 0 {
				t.Fatalf("mix %s: %v in a sample without planted data:\n%q\n%q", m.Name, c, s.Prompt, s.Response)
			}
			if m.Kinds != nil && c.Total() > 0 && c[redact.Email] != c.Total() {
				t.Fatalf("mix %s: %v, want only e-mail addresses", m.Name, c)
			}
		}
		if got := float64(carriers) / n; got < m.Rate-0.05 || got > m.Rate+0.05 {
			t.Errorf("mix %s: %.2f of the samples carry data, want about %.2f", m.Name, got, m.Rate)
		}
		t.Logf("mix %s: %d matches in %d samples", m.Name, total, n)
	}
}

func TestMixNamed(t *testing.T) {
	for _, m := range gen.Mixes {
		if got, ok := gen.MixNamed(m.Name); !ok || got.Name != m.Name {
			t.Errorf("MixNamed(%q) = %v, %v", m.Name, got, ok)
		}
	}
	if _, ok := gen.MixNamed("nope"); ok {
		t.Error("MixNamed found an unknown mix")
	}
}
