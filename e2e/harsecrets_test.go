package e2e

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ssodesk/e2e/harrec"
	"ssodesk/sim"
)

// liveSPALogin records the SPA's plain login in Chromium (stand-in with
// hooks) and writes the HAR and a config of the stand-in's endpoints into
// a temporary directory.
func liveSPALogin(t *testing.T) (rec recording, harFile, cfgFile string) {
	t.Helper()
	chromium := harrec.RequireChromium(t)
	rec = recordCase(t, chromium, recCase{name: "spa-login", click: "account", wait: "done"}, &sim.Hooks{})
	dir := t.TempDir()
	harFile, cfgFile = filepath.Join(dir, "live.har"), filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(harFile, rec.har, 0o600); err != nil {
		t.Fatal(err)
	}
	writeRecordedConfig(t, cfgFile, rec.apps)
	return rec, harFile, cfgFile
}

// TestNoSecretInHAROutputs: a customer's HAR holds every code, verifier and
// token of the login (the positive control: each secret the stand-in saw,
// and the state and nonce, is in the recorded HAR), and none of ssodesk
// har's outputs shows any: the text, --json, the Markdown and JSON
// reports, and the sanitised HAR.
func TestNoSecretInHAROutputs(t *testing.T) {
	rec, harFile, cfg := liveSPALogin(t)
	bin := goBuild(t, ".", "ssodesk")
	dir := filepath.Dir(harFile)
	raw := string(rec.har)
	secrets := rec.hooks.Secrets()
	for _, k := range []string{"state", "nonce"} {
		m := regexp.MustCompile(`[?&]` + k + `=([^&"]+)`).FindStringSubmatch(raw)
		if m == nil {
			t.Fatalf("the HAR has no %s", k)
		}
		v, _ := url.QueryUnescape(m[1])
		secrets = append(secrets, v)
	}
	for _, s := range secrets {
		if len(s) < 8 || !strings.Contains(raw, s) {
			t.Fatalf("the recorded HAR lacks a secret the stand-in saw (%d bytes): the search below would prove nothing", len(s))
		}
	}
	run := func(args ...string) string {
		out, _ := exec.Command(bin, append([]string{"--config", cfg}, args...)...).CombinedOutput()
		return string(out)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	outputs := map[string]string{
		"har":                 run("har", harFile),
		"har --json":          run("har", "--json", harFile),
		"har --report r.md":   run("har", "--report", filepath.Join(dir, "r.md"), harFile),
		"har --report r.json": run("har", "--redact-pii", "--report", filepath.Join(dir, "r.json"), harFile),
		"har sanitize":        run("har", "sanitize", harFile, "-o", filepath.Join(dir, "sanitized.har")),
	}
	outputs["r.md"], outputs["r.json"], outputs["sanitized.har"] = read("r.md"), read("r.json"), read("sanitized.har")
	if !strings.Contains(outputs["har"], "— succeeded") || !strings.Contains(outputs["r.md"], "succeeded") {
		t.Fatalf("the login was not diagnosed as a success:\n%s", outputs["har"])
	}
	outputs["har of the sanitised HAR"] = run("har", filepath.Join(dir, "sanitized.har"))
	if len(secrets) < 7 { // code, verifier, access, ID and refresh token, state, nonce
		t.Fatalf("only %d secrets: the login did not run as planned", len(secrets))
	}
	fold := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for name, text := range outputs {
		for _, sec := range secrets {
			if strings.Contains(text, sec) || strings.Contains(fold(text), sec) {
				t.Errorf("%s shows a secret (%d bytes, starting %q)", name, len(sec), sec[:6])
			}
		}
	}
}

// TestHARVerifyLive: with the stand-in up, har --verify verifies the ID
// token of a live recording against its endpoint's keys (✓ checks); with
// the stand-in gone, it is "not verified: offline", never ✓.
func TestHARVerifyLive(t *testing.T) {
	rec, harFile, cfg := liveSPALogin(t)
	bin := goBuild(t, ".", "ssodesk")
	verify := func() string {
		out, _ := exec.Command(bin, "--config", cfg, "har", "--verify", harFile).CombinedOutput()
		return string(out)
	}
	out := verify()
	idLine := regexp.MustCompile(`(?m)^\s*ID token\s+jwt.*$`).FindString(out)
	if !strings.Contains(idLine, "— verified") || !strings.Contains(out, "✓ signature   RS256") {
		t.Errorf("with the IdP up, the ID token is not verified (%q):\n%s", idLine, out)
	}
	_ = rec.apps.Close() // Chromium's open connections may outlast the shutdown's grace: closed all the same
	out = verify()
	idLine = regexp.MustCompile(`(?m)^\s*ID token\s+jwt.*$`).FindString(out)
	if !strings.Contains(idLine, "not verified: offline") || strings.Contains(idLine, "— verified") || strings.Contains(out, "✓ signature") {
		t.Errorf("with the IdP gone, the ID token line is %q, want not verified: offline:\n%s", idLine, out)
	}
}
