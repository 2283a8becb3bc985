// Package vectors reads and writes testdata/vectors/records.json, the
// known-answer records that FORMAT.md ("Test vectors") describes. The root
// package's tests write the bodies, cmd/llog's tests the export members;
// both check the file. Only _test.go files import it.
package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Records is the content of records.json.
type Records struct {
	StoreID string   `json:"store_id"` // 32 hex digits
	Genesis string   `json:"genesis"`  // hex digest
	Records []Record `json:"records"`
}

// Record is one known-answer record.
type Record struct {
	// Name says what the record covers.
	Name string `json:"name"`
	// Body is the hex of the stored record body.
	Body string `json:"body"`
	// Record is the record exactly as an export writes it, or null before
	// cmd/llog's test has filled it in.
	Record json.RawMessage `json:"record"`
}

// Comment is the first member of records.json.
const Comment = "Known-answer records: FORMAT.md, section 15. Each record is exactly as llog export writes it; body is the hex of its stored body."

// Load reads a records.json file.
func Load(path string) (*Records, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v Records
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &v, nil
}

// Marshal encodes v as records.json: one record per line, each record's
// export members byte for byte as given.
func (v *Records) Marshal() []byte {
	var b bytes.Buffer
	str := func(s string) {
		j, _ := json.Marshal(s)
		b.Write(j)
	}
	b.WriteString(`{"comment":`)
	str(Comment)
	b.WriteString(",\n\"store_id\":")
	str(v.StoreID)
	b.WriteString(",\n\"genesis\":")
	str(v.Genesis)
	b.WriteString(",\n\"records\":[\n")
	for i, r := range v.Records {
		b.WriteString(`{"name":`)
		str(r.Name)
		b.WriteString(`,"body":`)
		str(r.Body)
		b.WriteString(`,"record":`)
		if len(r.Record) == 0 {
			b.WriteString("null")
		} else {
			b.Write(r.Record)
		}
		b.WriteString("}")
		if i < len(v.Records)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]}\n")
	return b.Bytes()
}
