package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

// command is one subcommand of llog.
type command struct {
	name string
	// summary is the one line shown by 'llog help'.
	summary string
	// usage is the synopsis and description shown by 'llog help name' and
	// 'llog name --help', before the flags.
	usage string
	// define registers the command's flags on fs and returns the function
	// that runs the command once fs is parsed; args are the arguments left
	// after the flags.
	define func(fs *pflag.FlagSet) func(ctx context.Context, e *env, args []string) error
}

// commands lists the commands in the order 'llog help' shows them. It is
// filled in init because the help command refers to it.
var commands []*command

func init() {
	commands = []*command{demoCmd, ingestCmd, verifyCmd, exportCmd, statsCmd, queryCmd, redactCmd, repairCmd, proxyCmd,
		keygenCmd, checkpointCmd, proveCmd, verifyProofCmd, helpCmd}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// newFlagSet returns an empty flag set for the command name that reports
// to stderr and leaves printing usage to the caller.
func newFlagSet(name string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() {}
	return fs
}

// exitCodesText is the table of exit codes shown by 'llog help'.
const exitCodesText = `Exit codes (the same for every command):

  0  success
  1  integrity failure found: tamper or corruption (ingest: input lines skipped)
  2  usage error
  3  could not run: no such store, I/O error, store locked by a writer
`

// writeMainUsage writes the usage of llog itself.
func writeMainUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("llog records AI inference activity in an append-only, tamper-evident store.\n\n")
	b.WriteString("Usage:\n\n  llog <command> [flags]\n\nCommands:\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	b.WriteString("\n")
	b.WriteString(exitCodesText)
	b.WriteString("\nRun 'llog help <command>' for a command's flags, or 'llog demo' to try it out.\n")
	io.WriteString(w, b.String())
}

// writeUsage writes the usage of the command c, whose flags are in fs.
func writeUsage(w io.Writer, c *command, fs *pflag.FlagSet) {
	var b strings.Builder
	b.WriteString(c.usage)
	if fs.HasFlags() {
		b.WriteString("\nFlags:\n\n")
		writeFlags(&b, fs)
	}
	io.WriteString(w, b.String())
}

// writeFlags writes one line per flag of fs, in the order they were
// defined: the flag, its value's name (the back-quoted word of its usage)
// and its usage, with the default when it is not the zero value.
func writeFlags(w io.Writer, fs *pflag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fs.VisitAll(func(f *pflag.Flag) {
		name, usage := pflag.UnquoteUsage(f)
		if f.Value.Type() == "bool" {
			name = ""
		} else if name != "" {
			name = " " + name
		}
		switch f.DefValue {
		case "", "0", "false", "[]":
		default:
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, name, usage)
	})
	tw.Flush()
}

// noArgs returns a usage error when arguments are left after the flags.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

// requirePath returns a usage error when --path was not given.
func requirePath(path string) error {
	if path == "" {
		return usagef("--path is required")
	}
	return nil
}

// parseTime parses the value of a time flag: RFC 3339 (with or without
// fractional seconds) or a date YYYY-MM-DD, which means midnight UTC.
func parseTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--%s %q: want RFC 3339 (2026-01-02T15:04:05Z) or a date (2026-01-02)", flag, s)
}

// filterFlags are the record selection flags shared by export and query.
type filterFlags struct {
	since, until string
	models       []string
}

func (f *filterFlags) define(fs *pflag.FlagSet) {
	fs.StringVar(&f.since, "since", "", "only records at or after `T`: RFC 3339, or YYYY-MM-DD (midnight UTC)")
	fs.StringVar(&f.until, "until", "", "only records before `T` (exclusive), same forms as --since")
	fs.StringArrayVar(&f.models, "model", nil, "only records of model `M`; repeat for several models")
}

// filter returns the llog.Filter the flags describe.
func (f *filterFlags) filter() (llog.Filter, error) {
	since, err := parseTime("since", f.since)
	if err != nil {
		return llog.Filter{}, err
	}
	until, err := parseTime("until", f.until)
	if err != nil {
		return llog.Filter{}, err
	}
	if !since.IsZero() && !until.IsZero() && !until.After(since) {
		return llog.Filter{}, usagef("--until %s is not after --since %s", f.until, f.since)
	}
	return llog.Filter{Since: since, Until: until, Models: f.models}, nil
}

// openReader opens the store in dir for reading, with errors that say
// what is wrong in the user's terms.
func openReader(dir string) (*llog.Reader, error) {
	r, err := llog.OpenReader(dir)
	switch {
	case err == nil:
		return r, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no store at %s: %w", dir, fs.ErrNotExist)
	default:
		return nil, err
	}
}
