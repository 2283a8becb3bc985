package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
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
		keygenCmd, checkpointCmd, proveCmd, verifyProofCmd, versionCmd, helpCmd}
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
		short := ""
		if f.Shorthand != "" {
			short = "-" + f.Shorthand + ", "
		}
		fmt.Fprintf(tw, "  %s--%s%s\t%s\n", short, f.Name, name, usage)
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
// fractional seconds), a date YYYY-MM-DD (midnight UTC), "today" or
// "yesterday" (midnight UTC), "now", or a duration before now: a Go
// duration ("90m", "1h30m") or a whole number of days or weeks ("2d", "1w").
func parseTime(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	midnight := now.UTC().Truncate(24 * time.Hour)
	switch s {
	case "now":
		return now.UTC(), nil
	case "today":
		return midnight, nil
	case "yesterday":
		return midnight.AddDate(0, 0, -1), nil
	}
	if d, ok := parseAgo(s); ok {
		return now.UTC().Add(-d), nil
	}
	return time.Time{}, usagef("--%s %q: want RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02), today, yesterday, or a time ago (90m, 1h, 2d, 1w)", flag, s)
}

// parseAgo parses a positive duration: Go's form, or N days ("2d") or N
// weeks ("1w").
func parseAgo(s string) (time.Duration, bool) {
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		unit = 7 * 24 * time.Hour
	}
	if unit != 0 {
		n, err := strconv.ParseUint(s[:len(s)-1], 10, 16)
		return time.Duration(n) * unit, err == nil && n > 0
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0
}

// filterFlags are the record selection flags shared by export and query.
type filterFlags struct {
	since, until string
	models       []string
	afterSeq     uint64
}

func (f *filterFlags) define(fs *pflag.FlagSet) {
	fs.StringVar(&f.since, "since", "", "only records at or after `T`: RFC 3339, YYYY-MM-DD (midnight UTC), today, yesterday, or a time ago (1h, 2d)")
	fs.StringVar(&f.until, "until", "", "only records before `T` (exclusive), same forms as --since")
	fs.StringSliceVar(&f.models, "model", nil, "only records of the models `M`: a comma-separated list, or repeat the flag")
	fs.Uint64Var(&f.afterSeq, "after-seq", 0, "only records after sequence number `N` (what is new since an earlier run)")
}

// filter returns the llog.Filter the flags describe; relative times count
// back from now.
func (f *filterFlags) filter(now time.Time) (llog.Filter, error) {
	since, err := parseTime("since", f.since, now)
	if err != nil {
		return llog.Filter{}, err
	}
	until, err := parseTime("until", f.until, now)
	if err != nil {
		return llog.Filter{}, err
	}
	if !since.IsZero() && !until.IsZero() && !until.After(since) {
		return llog.Filter{}, usagef("--until %s is not after --since %s", f.until, f.since)
	}
	return llog.Filter{Since: since, Until: until, Models: f.models, AfterSeq: f.afterSeq}, nil
}

// notAFolder is the error for a --path that names a file.
func notAFolder(dir string) error {
	return fmt.Errorf("%s is a file, not a store's folder", dir)
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
	case errors.Is(err, syscall.ENOTDIR):
		return nil, notAFolder(dir)
	default:
		return nil, err
	}
}
