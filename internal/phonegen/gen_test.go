package main

import (
	"bytes"
	"os"
	"testing"
)

const committed = "../../redact/phoneplan_gen.go"

// TestTablesUpToDate regenerates the tables and fails if the committed file
// differs: the metadata or the generator changed without go generate.
func TestTablesUpToDate(t *testing.T) {
	src, _, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir() + "/phoneplan_gen.go"
	if err := os.WriteFile(tmp, src, 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, src) {
		t.Fatalf("%s is stale: run go generate ./redact (the new tables are in %s)", committed, tmp)
	}
}

// TestDigitNFA checks the pattern automaton against regexp on the patterns
// of a few regions: the lengths it promises for a prefix exist, and it
// accepts exactly what the pattern matches.
func TestDigitNFA(t *testing.T) {
	for _, c := range []struct {
		pattern string
		yes     []string
		no      []string
	}{
		{`[2-9]\d{9}|3\d{6}`, []string{"2125550100", "3123456"}, []string{"1125550100", "212555010", "31234567"}},
		{`1(?:[38]\d|4[57])\d{8}`, []string{"13812345678", "14512345678"}, []string{"14412345678", "1381234567"}},
		{`(?:1[0-8]|[2-9]\d)\d{0,6}`, []string{"10", "99123456"}, []string{"19", "1", "991234567"}},
	} {
		n, err := compileDigits(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.yes {
			if !n.matches(s) {
				t.Errorf("%s: %s not matched", c.pattern, s)
			}
			// Every prefix promises the length of s.
			for i := 0; i <= len(s); i++ {
				if n.mask(n.run(s[:i]))&(1<<(len(s)-i)) == 0 {
					t.Errorf("%s: prefix %s does not promise %d more digits", c.pattern, s[:i], len(s)-i)
				}
			}
		}
		for _, s := range c.no {
			if n.matches(s) {
				t.Errorf("%s: %s matched", c.pattern, s)
			}
		}
		// complete returns a matching string of the promised length.
		for r := 0; r < 16; r++ {
			if n.mask(n.start)&(1<<r) == 0 {
				continue
			}
			ex, ok := n.complete(nil, n.start, r)
			if !ok || len(ex) != r || !n.matches(string(ex)) {
				t.Errorf("%s: complete(%d) = %q, %v", c.pattern, r, ex, ok)
			}
		}
	}
}
