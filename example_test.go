package llog_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/lowlightlog/llog"
)

// The README's minimal example: open a store, log an inference durably,
// read it back.
func Example() {
	dir, err := os.MkdirTemp("", "llog-example-*")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	e, err := llog.Open(dir, nil) // nil: default options
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	ctx := context.Background()
	r, err := e.LogSync(ctx, llog.Inference{
		Model:    "phi-3-mini",
		Prompt:   "What is the capital of France? Reply to jane.doe@example.com",
		Response: "Paris.",
		Latency:  87 * time.Millisecond,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("durable as record", r.Seq)

	for rec, err := range e.Query(ctx, llog.Filter{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Model, rec.Prompt, rec.Redactions, rec.Hash == r.Hash)
	}
	// Output:
	// durable as record 1
	// phi-3-mini What is the capital of France? Reply to [REDACTED:EMAIL] map[EMAIL:1] true
}
