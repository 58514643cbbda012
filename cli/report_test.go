package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"ssodesk/safe"
	"strings"
	"testing"

	"ssodesk/loginjson"
	"ssodesk/report"
	"ssodesk/report/reporttest"
	"ssodesk/sim"
)

// reportFiles reads the report at path and its HAR, checks both are
// private (0600) and the Markdown reads as Markdown.
func reportFiles(t *testing.T, path string) (body, har string) {
	t.Helper()
	for _, p := range []string{path, report.HARPath(path)} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("no file %s: %v", p, err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, st.Mode().Perm())
		}
	}
	b, _ := os.ReadFile(path)
	h, _ := os.ReadFile(report.HARPath(path))
	if !json.Valid(h) || !strings.Contains(string(h), `"version": "1.2"`) {
		t.Errorf("the HAR beside the report is no HAR file:\n%.300s", h)
	}
	if !report.IsJSON(path) {
		reporttest.Parse(t, b)
	}
	return string(b), string(h)
}

// globalOnly points e's config at the global endpoint alone.
func (e *cliEnv) globalOnly(t *testing.T) {
	g, _ := e.sim.Region("global")
	cfg := "client_id: " + e.sim.ClientID() + "\nbuiltin_regions: false\nregions:\n  - name: global\n    issuer: " + g.Issuer + "\ntimeouts:\n  login: 20s\n"
	if err := os.WriteFile(e.file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCLILoginReport(t *testing.T) {
	e := newCLIEnv(t, "")
	path := filepath.Join(e.dir, "ticket.md")
	out, errOut, code := e.ssodesk("", "login", "--json", "--report", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !json.Valid([]byte(out)) || !strings.Contains(errOut, "report written to "+path) || !strings.Contains(errOut, report.HARPath(path)) {
		t.Errorf("stdout is not the login's JSON, or stderr names no report:\n%s", errOut)
	}
	md, har := reportFiles(t, path)
	for _, want := range []string{"✓ logged in; the ID token verified", "| callback | ✓ |", "Mette Sørensen", "| token | `POST` |", "ticket.har"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(har, "/oauth/token") {
		t.Error("the HAR lacks the token request")
	}
	// Never over an existing file: refused before any login (exit 2).
	_, errOut, code = e.ssodesk("", "login", "--report", path)
	if code != exitUsage || !strings.Contains(errOut, path+" already exists") || strings.Contains(errOut, "listening") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	if _, errOut, code := e.ssodesk("", "login", "--redact-pii"); code != exitUsage || !strings.Contains(errOut, "--report") {
		t.Errorf("--redact-pii without --report: exit %d %s", code, errOut)
	}
}

// A report is written on each way a login fails, and the exit code stays
// the login's.
func TestCLIReportOnEveryFailure(t *testing.T) {
	cases := []struct {
		name, config, step, want string
		sim                      sim.Options
		args                     []string
		browser                  string
		globalOnly               bool
	}{
		{name: "timeout", config: "timeouts:\n  login: 2s\n", step: "callback", args: []string{"--no-browser"},
			want: "no login response from the browser within 2s"},
		{name: "refused", step: "preflight", args: []string{"--region", "eu", "--redirect-uri", "http://127.0.0.1:0/elsewhere"},
			want: "does not accept the redirect URI"},
		{name: "idp error", step: "callback", browser: "--cancel", want: "access_denied"},
		{name: "verification", step: "verify", sim: sim.Options{GlobalExchangeIssuer: sim.IssuerRegional}, globalOnly: true,
			want: "is not on the allow-list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newCLIEnvWith(t, tc.config, tc.sim)
			if tc.globalOnly {
				e.globalOnly(t)
			}
			if tc.browser != "" {
				e.setBrowser(tc.browser)
			}
			md := filepath.Join(e.dir, "r.md")
			_, errOut, code := e.ssodesk("", append([]string{"login", "--report", md}, tc.args...)...)
			if code != exitFailed || !strings.Contains(errOut, "report written to") {
				t.Fatalf("exit %d, want 1, and a report\n%s", code, errOut)
			}
			body, _ := reportFiles(t, md)
			if !strings.Contains(body, "✗ the login failed at the "+explainStep(tc.step)+" step") || !strings.Contains(body, tc.want) ||
				!strings.Contains(body, "**Fix:**") {
				t.Errorf("the report does not say where and why it failed:\n%s", body)
			}
		})
	}
}

func explainStep(s string) string {
	return map[string]string{"preflight": "pre-flight", "verify": "verification"}[s] + map[bool]string{true: s}[s != "preflight" && s != "verify"]
}

func TestCLIReportJSON(t *testing.T) {
	e := newCLIEnv(t, "")
	path := filepath.Join(e.dir, "r.json")
	_, errOut, code := e.ssodesk("", "login", "--region", "eu", "--redirect-uri", "http://127.0.0.1:0/elsewhere", "--report", path, "--redact-pii")
	if code != exitFailed {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	body, _ := reportFiles(t, path)
	var d report.Document
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	if d.Schema != report.Schema || d.Kind != report.KindLogin || d.Outcome.OK || d.Outcome.FailedStep != "preflight" ||
		d.PersonalData != "masked" || !d.Trace.Recorded || len(d.Trace.Entries) == 0 || d.Trace.HAR != "r.har" {
		t.Errorf("document %+v", d)
	}
}

func TestCLICheckReport(t *testing.T) {
	e := newCLIEnv(t, "")
	path := filepath.Join(e.dir, "check.md")
	out, errOut, code := e.ssodesk("", "check", "--region", "eu", "--redirect-uri", "http://127.0.0.1:0/elsewhere", "--report", path)
	if code != exitFailed || !strings.Contains(out, "✗ authorize") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	md, _ := reportFiles(t, path)
	for _, want := range []string{"# ssodesk report: check at eu ✗", "## Endpoint checks", "| authorize | ✗ |", "Request Id", "| preflight |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the check's report lacks %q:\n%s", want, md)
		}
	}
}

func TestCLIReportFromSavedLogin(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "login", "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	saved := filepath.Join(e.dir, "login.json")
	os.WriteFile(saved, []byte(out), 0o600)
	var tokens struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
			IDToken     string `json:"id_token"`
		} `json:"tokens"`
	}
	json.Unmarshal([]byte(out), &tokens)
	// The document is the one type report --from reads: it round-trips.
	var doc loginjson.Document
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("login --json does not read back: %v", err)
	}
	if again, _ := json.MarshalIndent(doc, "", "  "); string(safe.JSON(again))+"\n" != out {
		t.Errorf("login --json does not round-trip:\n%s\nvs\n%s", again, out)
	}
	md, errOut, code := e.ssodesk("", "report", "--from", saved, "--redact-pii")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	reporttest.Parse(t, []byte(md))
	for _, want := range []string{"saved login", "No HTTP trace", "`sub` | `user-1`", "sha256 "} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if tokens.Tokens.AccessToken == "" || strings.Contains(md, "Mette") || strings.Contains(md, tokens.Tokens.AccessToken) || strings.Contains(md, tokens.Tokens.IDToken) {
		t.Errorf("the report holds personal data or a token:\n%s", md)
	}
	js, _, code := e.ssodesk(out, "report", "--from", "-", "--json")
	var d report.Document
	if code != 0 || json.Unmarshal([]byte(js), &d) != nil || d.Kind != report.KindSaved || d.Trace.Recorded || !d.Outcome.OK {
		t.Errorf("exit %d\n%s", code, js)
	}
	if _, errOut, code := e.ssodesk("{}", "report", "--from", "-"); code != exitUsage || !strings.Contains(errOut, "not a `ssodesk login --json` document") {
		t.Errorf("exit %d %s", code, errOut)
	}
}
