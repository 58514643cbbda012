package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goBuild builds the package pkg (a path relative to the module root, e.g.
// "." or "./e2e/chromebrowser") into the test's temp dir and returns the
// binary's path. The path never holds ':' or blanks, since it may be used in
// $BROWSER, which auth.OpenBrowser splits at both.
func goBuild(t *testing.T, pkg, name string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), name)
	if strings.ContainsAny(bin, ": \t\n") {
		t.Fatalf("the temp dir %q cannot be used in $BROWSER", bin)
	}
	cmd := exec.Command(goTool, "build", "-o", bin, pkg)
	cmd.Dir = ".." // the module root; tests run in the package directory
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}
