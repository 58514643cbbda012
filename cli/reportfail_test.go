package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ssodesk/sim"
)

// A report directory that cannot take the report is said before the login
// starts: exit 2, and no browser opened (issue 22, item 19).
func TestCLIReportDirectoryCheckedBeforeTheBrowser(t *testing.T) {
	hooks := &sim.Hooks{}
	e := newCLIEnvWith(t, "", sim.Options{Hooks: hooks})
	notDir := filepath.Join(e.dir, "a-file")
	os.WriteFile(notDir, []byte("x"), 0o600)
	for _, path := range []string{filepath.Join(e.dir, "missing", "r.md"), filepath.Join(notDir, "r.md")} {
		_, stderr, code := e.ssodesk("", "login", "--report", path)
		if code != 2 || !strings.Contains(stderr, "cannot write a file in "+filepath.Dir(path)) {
			t.Errorf("--report %s: exit %d, stderr %q; want 2 and the directory named", path, code, stderr)
		}
	}
	if n := hooks.Requests("global", sim.RequestAuthorize); n != 0 {
		t.Errorf("the browser was opened %d times before the report's directory was found unusable", n)
	}
}

// A login that succeeded stays a success (exit 0) when its report then
// cannot be written (the directory went away during the login, as on a
// full disk or a read-only mount): stderr says the report failed.
func TestCLIReportFailureKeepsTheLoginsExitCode(t *testing.T) {
	e := newCLIEnv(t, "")
	dir := filepath.Join(e.dir, "reports")
	os.Mkdir(dir, 0o700)
	// $BROWSER first replaces the report's directory by a file (a write
	// fails even for root), then logs in.
	script := filepath.Join(e.dir, "browser.sh")
	os.WriteFile(script, []byte(fmt.Sprintf("#!/bin/sh\nrm -rf %q && touch %q\nexec %q sim browse --account mette.sorensen@nordlyd-hoerecenter.dk \"$@\"\n",
		dir, dir, os.Args[0])), 0o700)
	for i, kv := range e.env {
		if strings.HasPrefix(kv, "BROWSER=") {
			e.env[i] = "BROWSER=" + script
		}
	}
	_, stderr, code := e.ssodesk("", "login", "--report", filepath.Join(dir, "r.md"))
	if code != 0 || !strings.Contains(stderr, "no report:") || !strings.Contains(stderr, "the login itself succeeded") {
		t.Fatalf("exit %d, stderr:\n%s\nwant 0 and the report's failure said", code, stderr)
	}
}
