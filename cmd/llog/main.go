package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes, the same for every command.
const (
	exitOK        = 0 // success
	exitIntegrity = 1 // integrity failure found: tamper or corruption; ingest: lines skipped
	exitUsage     = 2 // usage error
	exitCannotRun = 3 // could not run: no store, I/O error, store locked
)

// run runs the command line args (without the program name) and returns
// the exit code. SIGINT and SIGTERM cancel the command's context, so a
// following query stops cleanly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, newEnv(stdin, stdout, stderr), args)
}

// env is what a command reads and writes besides its flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// progress is set when stderr is a terminal: long commands then show
	// their progress there.
	progress bool
	// stdoutTerminal is set when stdout is a terminal, where binary output
	// is refused.
	stdoutTerminal bool
	// now returns the current time.
	now func() time.Time
	// pollInterval is how often query --follow looks for new records.
	pollInterval time.Duration
	// cmd is the name of the command being run, for its messages.
	cmd string
	// writerOptions, when set, adjusts the options of every store opened
	// for writing (tests).
	writerOptions func(*llog.Options)
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer) *env {
	return &env{
		stdin:          stdin,
		stdout:         stdout,
		stderr:         stderr,
		progress:       isTerminal(stderr),
		stdoutTerminal: isTerminal(stdout),
		now:            time.Now,
		pollInterval:   200 * time.Millisecond,
	}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// runContext dispatches args to a command.
func runContext(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		writeMainUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help":
		writeMainUsage(e.stdout)
		return exitOK
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "llog: unknown command %q\nllog: run 'llog help' for usage\n", name)
		return exitUsage
	}
	return c.exec(ctx, e, args[1:])
}

// exec parses the command's flags and runs it.
func (c *command) exec(ctx context.Context, e *env, args []string) int {
	e.cmd = c.name
	fs := newFlagSet(c.name, e.stderr)
	runf := c.define(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			writeUsage(e.stdout, c, fs)
			return exitOK
		}
		return c.fail(e, &usageError{msg: err.Error()})
	}
	return c.fail(e, runf(ctx, e, fs.Args()))
}

// fail prints err, if any, and returns the exit code it calls for.
func (c *command) fail(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	msg := cleanMessage(err.Error())
	var ue *usageError
	var ie *integrityError
	var be *badInputError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "llog: %s: %s\nllog: run 'llog help %s' for usage\n", c.name, msg, c.name)
		return exitUsage
	case errors.As(err, &ie), errors.As(err, &be):
		fmt.Fprintf(e.stderr, "llog: %s: %s\n", c.name, msg)
		return exitIntegrity
	default:
		fmt.Fprintf(e.stderr, "llog: %s: %s\n", c.name, msg)
		return exitCannotRun
	}
}

// cleanMessage removes the "llog: " prefixes the library puts on its
// errors, since the CLI prints its own.
func cleanMessage(s string) string {
	return strings.ReplaceAll(s, "llog: ", "")
}

// usageError is a command line the command cannot run: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// integrityError reports that the store does not verify: exit code 1.
type integrityError struct{ msg string }

func (e *integrityError) Error() string { return e.msg }
