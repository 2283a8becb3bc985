package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitSkipped = 3
)

// command is one subcommand.
type command struct {
	name, summary, usage string
	// run parses args with its own flag set (output to stderr) and does the
	// work. It returns errUsage (wrapped) for bad arguments, a *skipError
	// when the machine cannot run it, and errViolations when a check
	// failed.
	run func(args []string, stdout, stderr io.Writer) error
}

var commands []*command

func init() {
	commands = []*command{cmdWriter, cmdRun, cmdCheck, cmdCut, cmdPoints}
}

// errUsage marks a usage error; the message has been printed.
var errUsage = errors.New("usage")

// errViolations is returned when checks failed; they have been printed.
var errViolations = errors.New("crash guarantees violated")

// skipError says why this machine cannot run a tier.
type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }

func skipf(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

// run is the whole program: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" && len(args) == 1 {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	name := args[0]
	if name == "help" {
		name = args[1]
		args = []string{name, "--help"}
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var skip *skipError
		switch {
		case err == nil, errors.Is(err, pflag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "run 'crashtest help %s' for usage\n", name)
			return exitUsage
		case errors.As(err, &skip):
			fmt.Fprintf(stderr, "crashtest: %s: %v\n", name, err)
			return exitSkipped
		case errors.Is(err, errViolations):
			fmt.Fprintf(stderr, "crashtest: %s: %v\n", name, err)
			return exitFailed
		default:
			fmt.Fprintf(stderr, "crashtest: %s: %v\n", name, err)
			return exitFailed
		}
	}
	fmt.Fprintf(stderr, "crashtest: unknown command %q\n", name)
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "crashtest proves llog's crash guarantees.\n\nUsage:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  crashtest %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'crashtest help <command>' for its flags. Exit status: 0 every check held,\n"+
		"1 a check failed, 2 usage error, 3 this machine cannot run the tier.\n")
}

// flagSet returns a flag set for c that prints its usage to stderr.
func flagSet(c *command, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: crashtest %s\n\n%s\n\nFlags:\n", c.name, strings.TrimSpace(c.usage))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs and maps its errors onto errUsage.
func parse(fs *pflag.FlagSet, args []string, stderr io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		fmt.Fprintf(stderr, "crashtest: %v\n", err)
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "crashtest: unexpected arguments %q\n", fs.Args())
		return fmt.Errorf("%w: unexpected arguments", errUsage)
	}
	return nil
}

// usageErr prints a usage problem found after parsing.
func usageErr(stderr io.Writer, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(stderr, "crashtest: %s\n", msg)
	return fmt.Errorf("%w: %s", errUsage, msg)
}

// interrupts returns a channel that receives SIGINT and SIGTERM, so that a
// long run stops after the current kill or cut and still prints its
// summary. Stop it with signal.Stop.
func interrupts() chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	return c
}

// interrupted reports whether a signal arrived on c.
func interrupted(c chan os.Signal) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
