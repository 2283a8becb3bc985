package llog_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/redact"
)

var secrets = []string{
	"jane.doe@example.com",
	"+44 20 7946 0958",
	"4111 1111 1111 1111",
	"AKIAZ2LMNB5TQRA7XYZ9",
	"hunter2",
	"10.20.30.40",
}

func piiInference() llog.Inference {
	in := inf(1)
	in.Prompt = "Mail jane.doe@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111"
	in.Response = "Use key AKIAZ2LMNB5TQRA7XYZ9 with postgres://admin:hunter2@db.internal/x"
	in.Error = "connect 10.20.30.40: timeout"
	in.Attributes = map[string]string{"user": "jane.doe@example.com", "region": "eu"}
	return in
}

// TestNoUnredactedByteOnDisk logs records full of personal data and
// secrets and checks that none of it is in any file of the store.
func TestNoUnredactedByteOnDisk(t *testing.T) {
	e, dir := open(t, nil)
	for range 20 {
		if err := e.Log(ctx, piiInference()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.LogSync(ctx, piiInference()); err != nil {
		t.Fatal(err)
	}
	st := e.Stats()
	e.Close()
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		b, _ := os.ReadFile(filepath.Join(dir, f.Name()))
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", f.Name(), s)
			}
		}
	}
	recs, _, _ := llog.ReadAll(dir)
	r := recs[0]
	for _, cat := range []string{"EMAIL", "PHONE", "CREDIT_CARD", "AWS_KEY", "URL_CREDENTIALS", "IPV4"} {
		if r.Redactions[cat] == 0 {
			t.Errorf("no %s counted: %v", cat, r.Redactions)
		}
	}
	if r.Attributes["region"] != "eu" || r.Attributes["user"] != redact.Placeholder(redact.Email) {
		t.Errorf("attributes: %v", r.Attributes)
	}
	if st.Redactions["EMAIL"] != 21*2 {
		t.Errorf("stats redactions: %v", st.Redactions)
	}
}

func TestRedactionOptions(t *testing.T) {
	// A Redactor without the EMAIL rules keeps addresses, redacts the rest.
	e, dir := open(t, &llog.Options{Redactor: redact.Default().Without(redact.Email)})
	e.LogSync(ctx, piiInference())
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	if !bytes.Contains([]byte(recs[0].Prompt), []byte("jane.doe@example.com")) || recs[0].Redactions["PHONE"] == 0 {
		t.Fatalf("custom redactor: %q %v", recs[0].Prompt, recs[0].Redactions)
	}
	// DisableRedaction stores text as given.
	e, dir = open(t, &llog.Options{DisableRedaction: true})
	e.LogSync(ctx, piiInference())
	e.Close()
	recs, _, _ = llog.ReadAll(dir)
	if recs[0].Prompt != piiInference().Prompt || recs[0].Redactions != nil {
		t.Fatalf("redaction disabled: %q %v", recs[0].Prompt, recs[0].Redactions)
	}
}
