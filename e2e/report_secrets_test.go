package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ssodesk/report"
	"ssodesk/report/reporttest"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// TestNoSecretInAnyReport writes every kind of report the binary writes —
// login --report (Markdown and JSON, with and without --redact-pii, after a
// success and after a verification failure), check --report and report
// --from a saved login --json — and searches each report and HAR for every
// secret the stand-in handed out or received. The positive control: the
// saved login --json, which holds the tokens on purpose, must be found.
//
// The stand-in is hostile (issue 22, items 15 and 16): its token responses
// echo the ID and refresh tokens under other names ("idToken", a debug note
// "rt=…"), and one login is refused with an error_description that repeats
// the request (code, verifier); that login's report, --json and stderr are
// searched too.
func TestNoSecretInAnyReport(t *testing.T) {
	hooks := &sim.Hooks{}
	s := simtest.Start(t, sim.Options{Hooks: hooks})
	hooks.EchoSecrets(true)
	bin := goBuild(t, ".", "ssodesk")
	dir := t.TempDir()
	writeConfig := func(name string, regions ...string) string {
		var cfg strings.Builder
		fmt.Fprintf(&cfg, "client_id: %s\nbuiltin_regions: false\noffline_access: true\nregions:\n", s.ClientID())
		for _, r := range s.Regions() {
			if len(regions) == 0 || r.Name == regions[0] {
				fmt.Fprintf(&cfg, "  - name: %s\n    issuer: %s\n", r.Name, r.Issuer)
			}
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(cfg.String()), 0o600)
		return path
	}
	all, globalOnly := writeConfig("all.yaml"), writeConfig("global.yaml", "global")
	command := func(cfg string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(args, "--config", cfg)...)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "BROWSER="+bin+" sim browse --account lukas.becker@hoerwelt-berlin.de")
		return cmd
	}
	run := func(cfg string, args ...string) string {
		out, _ := command(cfg, args...).CombinedOutput()
		return string(out)
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	run(all, "login", "--report", at("ok.md"))
	run(all, "login", "--report", at("ok-masked.json"), "--redact-pii")
	stdout, _ := command(all, "login", "--json").Output()
	saved := string(stdout)
	os.WriteFile(at("login.json"), []byte(saved), 0o600)
	if out := run(all, "report", "--from", at("login.json"), "-o", at("saved.md")); !strings.Contains(out, "report written") {
		t.Errorf("report --from: %s", out)
	}
	run(all, "check", "--report", at("check.md"))
	hooks.SetGlobalExchangeIssuer(sim.IssuerRegional) // the EU IdP issues: the global-only config does not trust it
	run(globalOnly, "login", "--report", at("unverified.md"), "--redact-pii")

	hooks.SetGlobalExchangeIssuer(sim.IssuerGlobal)
	hooks.FailTokenEcho(true)
	echoed := run(all, "login", "--report", at("refused.md"))
	refusedJSON := run(all, "login", "--json")
	hooks.FailTokenEcho(false)

	files := map[string]string{"refused login's stderr": echoed, "refused login --json": refusedJSON}
	for _, name := range []string{"ok.md", "ok.har", "ok-masked.json", "ok-masked.har", "saved.md", "check.md", "check.har", "unverified.md", "unverified.har",
		"refused.md", "refused.har"} {
		b, err := os.ReadFile(at(name))
		if err != nil {
			t.Fatalf("no %s: %v", name, err)
		}
		files[name] = string(b)
		if strings.HasSuffix(name, ".md") {
			reporttest.Parse(t, b)
		}
	}
	searchSecrets(t, hooks.Secrets(), "the saved login --json", saved, files)
	// The echoes were there, and were replaced (not dropped with their text).
	for name, want := range map[string]string{"ok.har": "rt=[redacted", "refused.md": "request was:", "refused login's stderr": "code=[redacted",
		"refused login --json": "code_verifier=[redacted"} {
		if !strings.Contains(files[name], want) {
			t.Errorf("%s lacks %q: the hostile stand-in's echo did not arrive, or was not replaced where it was:\n%s", name, want, files[name])
		}
	}
	if !strings.Contains(files["unverified.md"], "✗ the login failed at the verification step") ||
		strings.Contains(files["unverified.md"], "Lukas") || strings.Contains(files["unverified.har"], "Lukas") ||
		!strings.Contains(files["ok-masked.json"], `"schema": "`+report.Schema+`"`) {
		t.Errorf("the reports do not say what happened, or show personal data when masked:\n%s", files["unverified.md"])
	}
}
