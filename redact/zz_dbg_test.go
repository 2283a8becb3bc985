package redact_test

import (
	"testing"

	"github.com/lowlightlog/llog/redact"
)

func TestDbg(t *testing.T) {
	for _, s := range []string{
		`{"password":"Qz8!rT2m","passwordConfirmation":"Qz8!rT2m","remember":false}`,
	} {
		for _, f := range redact.Default().Find(s) {
			t.Logf("%s %q", f.RuleID, s[f.Start:f.End])
		}
		out, _ := redact.Default().Redact(s)
		t.Log(out)
	}
}
