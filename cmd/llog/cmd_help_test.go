package main

import (
	"os"
	"path/filepath"
	"testing"
)

// golden compares got with the file testdata/name, or rewrites the file
// with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run go test -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := mustRun(t, exitOK, args...)
		if r.stderr != "" {
			t.Errorf("llog %s wrote to stderr: %q", args[0], r.stderr)
		}
		golden(t, "help.golden", r.stdout)
	}
}

// TestCommandHelp checks that 'llog help CMD', 'llog CMD --help' and
// 'llog CMD -h' print the same usage on stdout and exit 0.
func TestCommandHelp(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			r := mustRun(t, exitOK, "help", c.name)
			if r.stderr != "" {
				t.Errorf("stderr: %q", r.stderr)
			}
			golden(t, "help-"+c.name+".golden", r.stdout)
			for _, flag := range []string{"--help", "-h"} {
				r2 := mustRun(t, exitOK, c.name, flag)
				if r2.stdout != r.stdout || r2.stderr != "" {
					t.Errorf("llog %s %s differs from llog help %s: %v", c.name, flag, c.name, r2)
				}
			}
		})
	}
}
