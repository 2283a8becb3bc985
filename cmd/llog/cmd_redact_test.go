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
	if r.code != exitCannotRun || r.stderr != "llog: redact: stdin line 2: not JSON: invalid character 'o' in literal null (expecting 'u')\n" {
		t.Errorf("bad line: %v", r)
	}
}

// TestRedactJSONLObjects checks that objects are redacted member by member,
// so that 'llog query | llog redact --jsonl' works.
func TestRedactJSONLObjects(t *testing.T) {
	hash := strings.Repeat("5a", 32)
	in := `{"prompt":"mail j.smith@example.org","latency_ms":1.50,"n":42,"ok":true,"none":null,` +
		`"attributes":{"note":"ssn 219-09-9999","j.smith@example.org":"key stays"},"list":["x",["219-09-9999"],{}],"hash":"` + hash + `"}` + "\n" +
		`[1,"219-09-9999"]` + "\n42\n"
	want := `{"prompt":"mail [REDACTED:EMAIL]","latency_ms":1.5,"n":42,"ok":true,"none":null,` +
		`"attributes":{"note":"ssn [REDACTED:SSN]","j.smith@example.org":"key stays"},"list":["x",["[REDACTED:SSN]"],{}],"hash":"` + hash + `"}` + "\n" +
		`[1,"[REDACTED:SSN]"]` + "\n42\n"
	r := llogRun(t, in, "redact", "--jsonl", "--summary")
	if r.code != exitOK || r.stdout != want || r.stderr != "llog: redact: redactions: SSN 3, EMAIL 1\n" {
		t.Errorf("got %v\nwant stdout %q", r, want)
	}

	// The records of a store are already redacted: query's lines come back
	// byte for byte.
	dir := newStore(t, storeOpts{n: 30})
	q := mustRun(t, exitOK, "query", "--path", dir)
	r = llogRun(t, q.stdout, "redact", "--jsonl")
	if r.code != exitOK || r.stdout != q.stdout {
		t.Errorf("query | redact --jsonl changed the records: %v", r.code)
	}
}
