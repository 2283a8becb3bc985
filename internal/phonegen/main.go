// Command phonegen writes redact's phone number plan tables from
// libphonenumber's metadata.
//
// The redact package matches phone numbers against each country's number
// plan: which country calling codes exist, how long a number is after each
// one, and which leading digits are assigned; and, for the countries listed
// in nationalRegions, how numbers are written at home (with or without a
// trunk prefix, in which groups) and which are mobile numbers.
// libphonenumber's metadata is the source of truth for all of that, but its
// Go port is too slow and too big to run on every candidate, so this command
// reduces it to two digit tries and writes them as Go tables:
//
//	go run . -o ../../redact/phoneplan_gen.go
//
// (go generate ./redact runs it). It lives in its own module so that the
// main module does not depend on libphonenumber.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("o", "", "write the tables to this file (default: standard output)")
	flag.Parse()
	src, t, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "phonegen:", err)
		os.Exit(1)
	}
	if *out == "" {
		os.Stdout.Write(src)
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "phonegen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "phonegen: %s: %d bytes of tables\n", *out, t.size())
}
