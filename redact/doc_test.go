package redact_test

import (
	"os"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// TestDocListsEveryCategory checks that the package documentation's
// "# Categories" section has an entry for every category of the default
// rules.
func TestDocListsEveryCategory(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "// # Categories")
	if i < 0 {
		t.Fatal("doc.go has no # Categories section")
	}
	sec := doc[i+len("// # Categories"):]
	if j := strings.Index(sec, "// # "); j >= 0 {
		sec = sec[:j]
	}
	// An entry is a list item naming one or more categories: "//   - A: ..."
	// or "//   - A, B: ...".
	listed := map[redact.Category]bool{}
	for line := range strings.Lines(sec) {
		item, ok := strings.CutPrefix(strings.TrimSpace(line), "//   - ")
		if !ok {
			continue
		}
		names, _, ok := strings.Cut(item, ":")
		if !ok {
			continue
		}
		for n := range strings.SplitSeq(names, ",") {
			listed[redact.Category(strings.TrimSpace(n))] = true
		}
	}
	for _, c := range redact.Default().Categories() {
		if !listed[c] {
			t.Errorf("doc.go does not document category %s", c)
		}
	}
}
