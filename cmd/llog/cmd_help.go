package main

import (
	"context"

	"github.com/spf13/pflag"
)

var helpCmd = &command{
	name:    "help",
	summary: "show the commands, the exit codes, or a command's flags",
	usage: `usage: llog help [command]

Help without a command lists the commands and the exit codes; with one, it
shows that command's usage and flags. 'llog <command> --help' does the same.
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		return func(ctx context.Context, e *env, args []string) error {
			switch len(args) {
			case 0:
				writeMainUsage(e.stdout)
				return nil
			case 1:
				c := lookup(args[0])
				if c == nil {
					return usagef("unknown command %q", args[0])
				}
				cfs := newFlagSet(c.name, e.stderr)
				c.define(cfs)
				writeUsage(e.stdout, c, cfs)
				return nil
			default:
				return usagef("help takes at most one command, got %d arguments", len(args))
			}
		}
	},
}
