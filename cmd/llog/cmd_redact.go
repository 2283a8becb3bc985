package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/lowlightlog/llog/internal/canon"
	"github.com/lowlightlog/llog/redact"
	"github.com/spf13/pflag"
)

var redactCmd = &command{
	name:    "redact",
	summary: "redact personal data and secrets from text on stdin",
	usage: `usage: llog redact [--jsonl] [--summary]

Redact reads text on stdin and writes it to stdout with personal data and
secrets (emails, phone numbers, card numbers, IP addresses, API keys, tokens,
passwords, ...) replaced by placeholders such as [REDACTED:EMAIL], using the
same rules llog applies before a record is stored. The whole input is
redacted as one text, so secrets that span lines (PEM keys) are caught.

With --jsonl, each input line is a JSON value: a string, written back
redacted, or an object or array (such as the lines of 'llog query'), written
back with every string value redacted and its members in their order (the
member names are kept). Output lines are canonical JSON; empty lines are
passed through.

Exit codes: 0 success, 2 usage error, 3 could not run (unreadable input, a
line that is not JSON).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var jsonl, summary bool
		fs.BoolVar(&jsonl, "jsonl", false, "read and write one JSON value per line: strings, or objects whose string values are redacted")
		fs.BoolVar(&summary, "summary", false, "print the number of redactions by category on stderr")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			red := redact.Default()
			total := map[string]int{}
			count := func(c redact.Counts) {
				for k, v := range c {
					total[string(k)] += v
				}
			}
			w := bufio.NewWriterSize(e.stdout, 64<<10)
			if jsonl {
				if err := redactLines(e.stdin, w, func(s string) string {
					out, c := red.Redact(s)
					count(c)
					return out
				}); err != nil {
					return err
				}
			} else {
				in, err := io.ReadAll(e.stdin)
				if err != nil {
					return fmt.Errorf("read stdin: %w", err)
				}
				out, c := red.Redact(string(in))
				count(c)
				if _, err := io.WriteString(w, out); err != nil {
					return fmt.Errorf("write: %w", err)
				}
			}
			if err := flush(w); err != nil {
				return err
			}
			if summary {
				s := "none"
				if len(total) > 0 {
					s = formatCounts(maps.Clone(total))
				}
				fmt.Fprintf(e.stderr, "llog: redact: redactions: %s\n", s)
			}
			return nil
		}
	},
}

// redactLines reads JSON values, one per line, and writes each one with
// its strings redacted by fn, on its own line.
func redactLines(in io.Reader, w io.Writer, fn func(string) string) error {
	br := bufio.NewReaderSize(in, 64<<10)
	var buf []byte
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			text := b
			if text[len(text)-1] == '\n' {
				text = text[:len(text)-1]
			}
			if len(text) > 0 && text[len(text)-1] == '\r' {
				text = text[:len(text)-1]
			}
			if len(text) == 0 {
				buf = append(buf[:0], '\n')
			} else {
				// A string, or an object or array whose string values
				// are redacted (the lines of llog query), members in
				// their order.
				out, jerr := canon.AppendMapped(buf[:0], text, fn)
				if jerr != nil {
					return fmt.Errorf("stdin line %d: not JSON: %w", line, errors.Unwrap(jerr))
				}
				buf = append(out, '\n')
			}
			if _, werr := w.Write(buf); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
	}
}
