package main

import (
	"encoding/json"
	"fmt"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
)

// The JSON that llog writes is canonical (package internal/canon): compact
// and byte for byte what Python's json.dumps(value, ensure_ascii=False,
// separators=(",", ":")) writes for the value it decodes to (keys in the
// order written): see "Canonical JSON" in the package documentation. The
// export hash depends on it.

// appendReport appends the verification report as a JSON object with the
// members and names of llog.VerifyReport's JSON encoding, in canonical form;
// breaks is [] rather than null when there are none.
func appendReport(dst []byte, rep *llog.VerifyReport) ([]byte, error) {
	r := *rep
	if r.Breaks == nil {
		r.Breaks = []llog.Break{}
	}
	b, err := json.Marshal(&r)
	if err != nil {
		return dst, fmt.Errorf("encode the verification report: %w", err)
	}
	return canon.Append(dst, b)
}

// printJSON writes v on standard output as one line of canonical JSON.
func printJSON(e *env, v any) error {
	b, err := json.Marshal(v)
	if err == nil {
		b, err = canon.Append(nil, b)
	}
	if err != nil {
		return err
	}
	if _, err := e.stdout.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
