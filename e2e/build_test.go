package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The binaries the tests run are built once per test run, into binDir
// (removed when the tests end), and shared: ssodesk and chromebrowser,
// which TestMain starts building at once, side by side, since most tests
// need both.
var (
	binDir string
	builds = map[string]*build{ // by package
		".":                   {name: "ssodesk"},
		"./e2e/chromebrowser": {name: "chromebrowser"},
	}
)

// build is one binary, built on first use.
type build struct {
	name string
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssodesk-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binDir = dir
	for pkg, b := range builds {
		go b.do(pkg)
	}
	code := m.Run()
	for pkg, b := range builds {
		b.do(pkg) // a build still under way must not write into a removed dir
	}
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
	}
	os.Exit(code)
}

// do builds b (package pkg) into binDir, once.
func (b *build) do(pkg string) {
	b.once.Do(func() {
		bin := filepath.Join(binDir, b.name)
		if strings.ContainsAny(bin, ": \t\n") {
			b.err = fmt.Errorf("the temp dir %q cannot be used in $BROWSER", bin)
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			b.err = fmt.Errorf("the go tool is not on PATH: %v", err)
			return
		}
		cmd := exec.Command(goTool, "build", "-o", bin, pkg)
		cmd.Dir = ".." // the module root; tests run in the package directory
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
			return
		}
		b.path = bin
	})
}

// goBuild returns the binary of the package pkg (a path relative to the
// module root: "." or "./e2e/chromebrowser"), built once for all the tests.
// The path never holds ':' or blanks, since it may be used in $BROWSER,
// which auth.OpenBrowser splits at both.
func goBuild(t *testing.T, pkg, name string) string {
	t.Helper()
	b, ok := builds[pkg]
	if !ok || b.name != name {
		t.Fatalf("goBuild(%q, %q): not a binary the e2e tests build (see builds)", pkg, name)
	}
	b.do(pkg)
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}
