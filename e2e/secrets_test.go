package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ssodesk/sim"
)

// TestNoSecretInAnyOutput runs a whole session as a person would — the TUI
// in tmux (login, every tab, userinfo, refresh, an API call, the trace and a
// HAR export) and the commands that print no token on purpose — then searches
// every output for every secret the stand-in handed out or received: codes,
// code verifiers, the client secret, access, refresh and ID tokens.
//
// The stand-in is hostile (issue 22, item 15): its userinfo, API and token
// answers echo the session's ID and refresh tokens under names no redaction
// by field name knows ("idToken", "refreshToken", a debug note "rt=…").
func TestNoSecretInAnyOutput(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hooks := &sim.Hooks{}
	s, err := sim.Start(ctx, sim.Options{Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	hooks.EchoSecrets(true)
	defer s.Close()
	bin := goBuild(t, ".", "ssodesk")
	dir := t.TempDir()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "client_id: %s\nbuiltin_regions: false\noffline_access: true\nstore: file\nstore_dir: %s\nregions:\n",
		s.ClientID(), filepath.Join(dir, "sessions"))
	for _, r := range s.Regions() {
		fmt.Fprintf(&cfg, "  - name: %s\n    issuer: %s\n", r.Name, r.Issuer)
	}
	cfgFile := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfgFile, []byte(cfg.String()), 0o600)
	logFile, harFile := filepath.Join(dir, "ssodesk.log"), filepath.Join(dir, "trace.har")
	reportFile := filepath.Join(dir, "tui-report.md")
	browser := func(account string) string { return "BROWSER=" + bin + " sim browse --account " + account }

	outputs := map[string]string{}
	// The TUI.
	tui := startTmux(t, 110, 32, []string{"XDG_CONFIG_HOME=" + dir, "TERM=xterm-256color", browser("mette.sorensen@nordlyd-hoerecenter.dk")},
		fmt.Sprintf("%s --config %s --log %s; sleep 60", bin, cfgFile, logFile))
	capture := func(name, waitFor string) {
		outputs["screen: "+name] = tui.waitFor(waitFor, 20*time.Second)
	}
	tui.waitFor("Where do you want to log in?", 20*time.Second)
	tui.keys("Enter")
	capture("summary", "Code prefix")
	for i, tab := range []string{"Header", "Access token", "Refresh token", "Press u", "Tokens are masked"} {
		tui.keys(fmt.Sprint(i + 2))
		capture("tab "+fmt.Sprint(i+2), tab)
	}
	tui.keys("u")
	capture("userinfo", "[also in ID token]")
	tui.keys("r")
	capture("refresh", "rotated")
	tui.keys("a")
	tui.waitFor("No call yet", 5*time.Second)
	tui.keys("Enter")
	capture("api call", "200 OK")
	tui.keys("t")
	capture("trace", "HTTP trace:")
	tui.keys("Enter")
	capture("trace details", "were redacted when recorded") // only the details view says this
	tui.keys("Escape")
	tui.waitFor("purpose   method", 5*time.Second) // back on the list (x right after esc would read as alt+x)
	tui.keys("x")
	tui.waitFor("HAR file:", 5*time.Second)
	tui.keys("C-u")
	tui.keys("-l", harFile)
	tui.keys("Enter")
	capture("har written", "wrote")
	// A positive control: revealed on purpose, a token must be found, or the
	// search below could not find a leak either (tokens wrap across lines).
	tui.keys("Escape")
	tui.waitFor("API base", 5*time.Second)
	tui.keys("Escape")
	tui.waitFor("Logged in as", 5*time.Second)
	// The diagnosis report of the session (d), and its HAR.
	tui.keys("d")
	tui.waitFor("Report file:", 5*time.Second)
	tui.keys("C-u")
	tui.keys("-l", reportFile)
	tui.keys("Enter")
	capture("report written", "HAR:")
	tui.keys("Escape")
	tui.waitFor("Logged in as", 5*time.Second)
	tui.keys("6")
	tui.waitFor("Tokens are masked", 5*time.Second)
	tui.keys("v")
	revealed := tui.waitFor("Tokens shown in full", 5*time.Second)
	tui.keys("q")

	// The commands that print no token on purpose (login --json and token do).
	run := func(name string, env []string, args ...string) {
		cmd := exec.Command(bin, append(args, "--config", cfgFile)...)
		cmd.Env = append(os.Environ(), append(env, "XDG_CONFIG_HOME="+dir)...)
		out, _ := cmd.CombinedOutput()
		outputs["command: "+name] = string(out)
	}
	id, secret := s.ServiceClient()
	run("login", []string{browser("emily.carter@clearviewhearing.com")}, "login", "--region", "us")
	run("client credentials", []string{"SSODESK_CLIENT_ID=" + id, "SSODESK_CLIENT_SECRET=" + secret}, "login", "--client-credentials", "--region", "eu")
	run("call", nil, "call", "GET", "me")
	run("regions", nil, "regions")
	// diff of two login --json documents (which hold the tokens: files, not
	// outputs) shows claims and fingerprints only.
	var docs []string
	for i, account := range []string{"mette.sorensen@nordlyd-hoerecenter.dk", "lukas.becker@hoerwelt-berlin.de"} {
		cmd := exec.Command(bin, "login", "--json", "--region", "eu", "--config", cfgFile)
		cmd.Env = append(os.Environ(), browser(account), "XDG_CONFIG_HOME="+dir)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("login --json: %v", err)
		}
		docs = append(docs, filepath.Join(dir, fmt.Sprintf("login-%d.json", i)))
		os.WriteFile(docs[i], out, 0o600)
	}
	run("diff", nil, "diff", docs[0], docs[1])
	run("diff --json", nil, "diff", "--json", docs[0], docs[1])
	// explain (text and JSON) of URLs that carry every secret the stand-in
	// saw, under the names a ticket's URL carries them by, and one as a
	// password: each shown as a fingerprint or not at all.
	fields := []string{"code", "access_token", "refresh_token", "id_token", "client_secret", "code_verifier", "id_token_hint", "token"}
	var q []string
	for i, sec := range hooks.Secrets() {
		q = append(q, fields[i%len(fields)]+"="+url.QueryEscape(sec))
	}
	pw := url.PathEscape(hooks.Secrets()[0])
	for name, u := range map[string]string{"callback": "http://127.0.0.1:8765/callback?state=s&" + strings.Join(q, "&"),
		"token URL": "https://u:" + pw + "@" + strings.TrimPrefix(s.Regions()[0].Issuer, "http://") + "/connect/token?" + strings.Join(q, "&")} {
		for _, args := range [][]string{{"explain", "-"}, {"explain", "--json", "-"}} {
			cmd := exec.Command(bin, append(args, "--config", cfgFile)...)
			cmd.Env, cmd.Stdin = append(os.Environ(), "XDG_CONFIG_HOME="+dir), strings.NewReader(u)
			out, _ := cmd.CombinedOutput()
			outputs["command: "+strings.Join(args, " ")+" of a "+name] = string(out)
		}
	}
	for name, path := range map[string]string{"HAR": harFile, "log": logFile, "TUI report": reportFile, "TUI report's HAR": strings.TrimSuffix(reportFile, ".md") + ".har"} {
		b, err := os.ReadFile(path)
		if err != nil && name != "log" {
			t.Fatalf("no HAR written: %v", err)
		}
		outputs["file: "+name] = string(b)
	}

	for name, text := range outputs {
		if strings.TrimSpace(text) == "" && !strings.HasPrefix(name, "file: log") {
			t.Errorf("%s is empty; nothing was checked", name)
		}
	}
	searchSecrets(t, hooks.Secrets(), "the revealed Raw tab", revealed, outputs)
	if tr := outputs["file: TUI report"]; !strings.Contains(tr, "✓ logged in; the ID token verified") || !strings.Contains(tr, "| userinfo | ✓ |") ||
		!strings.Contains(tr, "| api | `GET` |") {
		t.Errorf("the TUI's report lacks the login, its userinfo or its API call:\n%s", tr)
	}
	// The echoes arrived and were replaced where they stood.
	for name, want := range map[string]string{"screen: userinfo": "idToken", "file: HAR": `refreshToken\":\"[redacted`,
		"file: TUI report's HAR": "rt=[redacted", "command: call": `"refreshToken":"[redacted`} {
		if !strings.Contains(outputs[name], want) {
			t.Errorf("%s lacks %q: the hostile stand-in's echo did not arrive, or was not replaced:\n%s", name, want, outputs[name])
		}
	}
	if !strings.Contains(outputs["command: call"], "200 OK") || !strings.Contains(outputs["file: HAR"], `"version": "1.2"`) {
		t.Errorf("the session did not do what it should:\ncall: %s", outputs["command: call"])
	}
}

// searchSecrets fails t for every secret of secrets (what the stand-in saw
// cross the wire) that any of outputs shows, also with white space folded
// away (a wrapped screen). It first proves it can find one: control, an
// output that holds secrets on purpose, must show at least one.
func searchSecrets(t *testing.T, secrets []string, controlName, control string, outputs map[string]string) {
	t.Helper()
	if len(secrets) < 8 {
		t.Fatalf("the stand-in saw only %d secrets; the session did not run as planned", len(secrets))
	}
	found := func(text, sec string) bool {
		return strings.Contains(text, sec) || strings.Contains(strings.Join(strings.Fields(text), ""), sec)
	}
	if !slices.ContainsFunc(secrets, func(sec string) bool { return found(control, sec) }) {
		t.Fatalf("%s shows no secret the search can find: the search would miss a leak", controlName)
	}
	for name, text := range outputs {
		for _, sec := range secrets {
			if found(text, sec) {
				t.Errorf("%s shows a secret (%d bytes, starting %q)", name, len(sec), sec[:6])
			}
		}
	}
}
