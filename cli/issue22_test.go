package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfig writes body as a config file in dir.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Issue 22 (11): without region:, and with endpoints of other names than
// "global", every command used to exit 2 ("unknown region global"),
// `ssodesk config` included; `ssodesk config` now shows even a config
// that names a region it lacks, then says so (exit 2).
func TestConfigWithoutRegionKey(t *testing.T) {
	dir := isolate(t)
	p := writeConfig(t, dir, "client_id: app\nbuiltin_regions: false\nenvironment: lab\nenvironments:\n  lab:\n    regions:\n"+
		"      lab-eu: https://login-eu.lab.example\n      lab-us: https://login-us.lab.example\n")
	e := &cliEnv{t: t, file: p, env: append(os.Environ(), "SSODESK_AS_CLI=1", "XDG_CONFIG_HOME="+dir)}
	out, errOut, code := e.ssodesk("", "config")
	if code != exitOK || !strings.Contains(out, "region:         lab-eu\n") {
		t.Fatalf("config: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = e.ssodesk("", "config", "--region", "eu")
	if code != exitUsage || !strings.Contains(out, "environment:    lab\n") || !strings.Contains(out, "lab-us:") ||
		!strings.Contains(errOut, `unknown region "eu" in environment lab; known: lab-eu, lab-us`) {
		t.Fatalf("config --region eu: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if _, errOut, code = e.ssodesk("", "check", "--region", "eu"); code != exitUsage || !strings.Contains(errOut, `unknown region "eu"`) {
		t.Fatalf("check --region eu: exit %d\n%s", code, errOut)
	}
}
