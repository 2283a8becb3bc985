package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"
)

var versionCmd = &command{
	name:    "version",
	summary: "print llog's version, the commit it was built from and the Go version",
	usage: `usage: llog version

Version prints one line: the module version (a release tag such as v1.2.0
when installed with 'go install github.com/lowlightlog/llog/cmd/llog@v1.2.0',
"(devel)" when built from a checkout), the commit and its time when the
build recorded them (with "+dirty" for uncommitted changes), the Go version
and the platform.
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			info, _ := debug.ReadBuildInfo()
			_, err := fmt.Fprintln(e.stdout, versionLine(info))
			return err
		}
	},
}

// versionLine describes the build, as in "llog v1.2.0 (commit 1a2b3c4d5e6f,
// 2026-12-07T05:00:00Z) go1.26.8 linux/arm64".
func versionLine(info *debug.BuildInfo) string {
	var b strings.Builder
	b.WriteString("llog ")
	version, goVersion := "(unknown)", runtime.Version()
	var rev, when string
	dirty := false
	if info != nil {
		version = info.Main.Version
		if version == "" {
			version = "(devel)"
		}
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	b.WriteString(version)
	if rev != "" {
		fmt.Fprintf(&b, " (commit %.12s", rev)
		if dirty {
			b.WriteString("+dirty")
		}
		if when != "" {
			b.WriteString(", " + when)
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " %s %s/%s", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}
