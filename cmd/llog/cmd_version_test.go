package main

import (
	"regexp"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	r := mustRun(t, exitOK, "version")
	if !regexp.MustCompile(`^llog \S+( \(commit [0-9a-f]{1,12}(\+dirty)?(, \S+)?\))? go\S+ `+runtime.GOOS+`/`+runtime.GOARCH+"\n$").MatchString(r.stdout) || r.stderr != "" {
		t.Errorf("%v", r)
	}
	mustRun(t, exitUsage, "version", "extra")

	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d"}, {Key: "vcs.time", Value: "2026-12-07T05:00:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			"llog v1.2.0 (commit 1a2b3c4d5e6f, 2026-12-07T05:00:00Z) go1.26.8 "},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}},
			"llog (devel) (commit abc+dirty) go1.26.8 "},
		{&debug.BuildInfo{GoVersion: "go1.26.8"}, "llog (devel) go1.26.8 "},
	} {
		if got, want := versionLine(tc.info), tc.want+runtime.GOOS+"/"+runtime.GOARCH; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
