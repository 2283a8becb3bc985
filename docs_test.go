package llog_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lowlightlog/llog"

// goPackages returns the folders of the main module that hold Go files
// other than tests ("." for the root), with the module-internal and
// third-party imports of those files. Nested modules (bench) are listed
// with no imports.
func goPackages(t *testing.T) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
				pkgs[path] = nil // a nested module: its own rules
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		imps := pkgs[dir]
		if imps == nil {
			imps = []string{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if first := strings.SplitN(p, "/", 2)[0]; strings.Contains(first, ".") && !slices.Contains(imps, p) {
				imps = append(imps, p)
			}
		}
		pkgs[dir] = imps
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// tableNames returns the names written as code in the first column of the
// ARCHITECTURE.md table whose header row starts with header, or of every
// table when header is empty.
func tableNames(t *testing.T, header string) []string {
	t.Helper()
	b, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	cell := regexp.MustCompile("^\\| `([^`]+)` \\|")
	var names []string
	in := header == ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case header != "" && strings.HasPrefix(line, header):
			in = true
		case header != "" && !strings.HasPrefix(line, "|"):
			in = false
		}
		if m := cell.FindStringSubmatch(line); in && m != nil {
			names = append(names, m[1])
		}
	}
	return names
}

// TestArchitectureMapsTheTree checks that ARCHITECTURE.md's tables name
// every file of the root package and every package of the repository, and
// nothing that is not there.
func TestArchitectureMapsTheTree(t *testing.T) {
	var files, docFiles []string
	gos, _ := filepath.Glob("*.go")
	for _, f := range gos {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	for _, n := range tableNames(t, "") {
		if strings.HasSuffix(n, ".go") {
			docFiles = append(docFiles, n)
		}
	}
	slices.Sort(docFiles)
	if !slices.Equal(files, docFiles) {
		t.Errorf("ARCHITECTURE.md's file map names %v;\nthe root package has %v\n(give each root file a row in the file map, and remove rows of files that are gone)", docFiles, files)
	}
	var pkgs []string
	for dir := range goPackages(t) {
		if dir == "." {
			dir = "llog"
		}
		pkgs = append(pkgs, filepath.ToSlash(dir))
	}
	slices.Sort(pkgs)
	docPkgs := tableNames(t, "| Package |")
	slices.Sort(docPkgs)
	if !slices.Equal(pkgs, docPkgs) {
		t.Errorf("ARCHITECTURE.md's package table names %v;\nthe repository has %v\n(give each package a row in the table under \"## Packages\", and remove rows of packages that are gone)", docPkgs, pkgs)
	}
}

// TestArchitectureImports checks the import rules of ARCHITECTURE.md's
// Conventions on the non-test files: the leaves import nothing of ours, wal
// only segment and two internal packages, index only internal/vfs, nothing
// but the commands imports llog, the test helpers only tests; and the main
// module's other dependencies are the allowed ones.
func TestArchitectureImports(t *testing.T) {
	ours := map[string][]string{ // package: the packages of ours it may import; absent: any
		"segment":                 {},
		"chain":                   {},
		"redact":                  {},
		"internal/vfs":            {},
		"internal/hooks":          {},
		"internal/knobs":          {},
		"internal/canon":          {},
		"internal/gen":            {},
		"internal/vectors":        {},
		"internal/testutil":       {"internal/vfs"},
		"cmd/llog/internal/genai": {},
		"wal":                     {"segment", "internal/vfs", "internal/hooks"},
		"index":                   {"internal/vfs"},
	}
	testOnly := []string{"internal/testutil", "internal/vectors"}
	commands := []string{"cmd/llog", "crashtest"}
	thirdParty := []string{"go.etcd.io/bbolt", "github.com/klauspost/crc32", "github.com/spf13/pflag", "golang.org/x/sys", "golang.org/x/mod"}
	for dir, imps := range goPackages(t) {
		pkg := filepath.ToSlash(dir)
		for _, imp := range imps {
			dep, isOurs := strings.CutPrefix(imp, module+"/")
			if imp == module {
				dep, isOurs = ".", true
			}
			switch {
			case !isOurs:
				if !slices.ContainsFunc(thirdParty, func(p string) bool { return imp == p || strings.HasPrefix(imp, p+"/") }) {
					t.Errorf("%s imports %s, which is not an allowed dependency of the main module", pkg, imp)
				}
			case dep == "." && !slices.Contains(commands, pkg):
				t.Errorf("%s imports llog: only %v may", pkg, commands)
			case slices.Contains(testOnly, dep):
				t.Errorf("%s imports %s, which only tests may", pkg, dep)
			default:
				if allowed, ok := ours[pkg]; ok && !slices.Contains(allowed, dep) {
					t.Errorf("%s imports %s; it may import only %v of ours", pkg, dep, allowed)
				}
			}
		}
	}
}
