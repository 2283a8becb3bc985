package main

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	in := "Mail maria.garcia@example.com or call +44 20 7946 0123.\nKey AKIAZ2LMNB5TQRA7XYZ9, fine text stays.\n"
	r := llogRun(t, in, "redact", "--summary")
	if r.code != exitOK {
		t.Fatalf("%v", r)
	}
	for _, leak := range []string{"maria.garcia@example.com", "7946 0123", "AKIAZ2LMNB5TQRA7XYZ9"} {
		if strings.Contains(r.stdout, leak) {
			t.Errorf("output still holds %q: %q", leak, r.stdout)
		}
	}
	for _, want := range []string{"[REDACTED:EMAIL]", "[REDACTED:PHONE]", "[REDACTED:AWS_KEY]", "fine text stays.\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q: %q", want, r.stdout)
		}
	}
	if !strings.HasPrefix(r.stderr, "llog: redact: redactions: ") || !strings.Contains(r.stderr, "EMAIL 1") {
		t.Errorf("summary: %q", r.stderr)
	}

	r = llogRun(t, "nothing to see here\n", "redact")
	if r.code != exitOK || r.stdout != "nothing to see here\n" || r.stderr != "" {
		t.Errorf("clean text: %v", r)
	}
}

func TestRedactJSONL(t *testing.T) {
	in := `"write to j.smith@example.org"` + "\n\n" + `"no secrets\nhere \u00e9"` + "\r\n" + `"ssn 219-09-9999"`
	r := llogRun(t, in, "redact", "--jsonl")
	want := `"write to [REDACTED:EMAIL]"` + "\n\n" + `"no secrets\nhere é"` + "\n" + `"ssn [REDACTED:SSN]"` + "\n"
	if r.code != exitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("got %v\nwant stdout %q", r, want)
	}

	r = llogRun(t, "\"ok\"\nnot json\n", "redact", "--jsonl")
	if r.code != exitCannotRun || r.stderr != "llog: redact: stdin line 2: not a JSON string: invalid character 'o' in literal null (expecting 'u')\n" {
		t.Errorf("bad line: %v", r)
	}
	r = llogRun(t, "42\n", "redact", "--jsonl")
	if r.code != exitCannotRun || !strings.Contains(r.stderr, "stdin line 1: not a JSON string") {
		t.Errorf("number line: %v", r)
	}
}
