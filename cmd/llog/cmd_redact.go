package main

import (
	"bufio"
	"context"
	"encoding/json"
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

With --jsonl, each input line is a JSON string and each output line is the
redacted string, as JSON; empty lines are passed through.

Exit codes: 0 success, 2 usage error, 3 could not run (unreadable input, a
line that is not a JSON string).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var jsonl, summary bool
		fs.BoolVar(&jsonl, "jsonl", false, "read and write one JSON string per line")
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

// redactLines reads JSON strings, one per line, and writes each one
// redacted by fn, as a JSON string on its own line.
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
				var s string
				if jerr := json.Unmarshal(text, &s); jerr != nil {
					return fmt.Errorf("stdin line %d: not a JSON string: %w", line, jerr)
				}
				buf = append(canon.AppendString(buf[:0], fn(s)), '\n')
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
