package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"ssodesk/config"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/ui"
)

// harEnv is a CLI whose config has HIMSA's built-in environments (a HAR's
// endpoints are the customer's HIMSA endpoints), reading no network.
func harEnv(t *testing.T) *cliEnv {
	t.Helper()
	e := newCLIEnv(t, "")
	if err := os.WriteFile(e.file, []byte("client_id: ssodesk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// The secrets of testdata/himsa-spa-login.har (a single-page app's login
// through the global endpoint with an EU account, exchanging in the browser).
func spaSecrets(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "himsa-spa-login.har"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"eu.CODE-SECRET-ABCDEF123456", "VERIFIER-SECRET-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		"ACCESS-TOKEN-SECRET-9f8e7d6c5b4a", "REFRESH-TOKEN-SECRET-1a2b3c", "PASSWORD-SECRET-1", "CSRF-SECRET-2",
		"SESSION-STATE-SECRET", "STATE-SECRET-5555", "NONCE-SECRET-77"}
	for _, s := range secrets { // the positive control: the search finds each in the input
		if !strings.Contains(string(raw), s) {
			t.Fatalf("the fixture lacks %q: the search below would prove nothing", s)
		}
	}
	var doc struct {
		Log struct {
			Entries []struct {
				Response struct {
					Content struct{ Text string } `json:"content"`
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var tok struct {
		IDToken string `json:"id_token"`
	}
	for _, e := range doc.Log.Entries {
		if json.Unmarshal([]byte(e.Response.Content.Text), &tok) == nil && tok.IDToken != "" {
			return append(secrets, tok.IDToken)
		}
	}
	t.Fatal("the fixture has no ID token")
	return nil
}

func TestHarDiagnosesASuccessfulLogin(t *testing.T) {
	e := harEnv(t)
	out, errOut, code := e.ssodesk("", "har", filepath.Join("testdata", "himsa-spa-login.har"))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"7 entries", "Login 1: client acme-spa at production global (https://idp.himsa-sso.com) — succeeded",
		"code region   eu", "ID token iss  https://idp-eu.himsa-sso.com", "API host      api-eu.example", "PKCE          S256",
		"ID token      jwt,", "access token  opaque, 32 bytes, sha256 ", "code=[redacted 27 bytes]", "state=[redacted 17 bytes]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, s := range spaSecrets(t) {
		if strings.Contains(out+errOut, s) {
			t.Errorf("the output holds the secret %.20q…", s)
		}
	}
}

func TestHarJSON(t *testing.T) {
	e := harEnv(t)
	out, errOut, code := e.ssodesk("", "har", "--json", filepath.Join("testdata", "himsa-spa-login.har"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Schema string `json:"schema"`
		Source struct {
			Entries int    `json:"entries"`
			SHA256  string `json:"sha256"`
		} `json:"source"`
		Flows []struct {
			ClientID   string `json:"client_id"`
			Endpoint   string `json:"endpoint"`
			Outcome    string `json:"outcome"`
			CodeRegion string `json:"code_region"`
			Steps      []struct {
				Kind   string `json:"kind"`
				Status string `json:"status"`
			} `json:"steps"`
			Tokens []struct {
				Name, Kind string
				Bytes      int
			} `json:"tokens"`
		} `json:"flows"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Schema != "ssodesk-har/1" || len(doc.Flows) != 1 || doc.Source.Entries != 7 || len(doc.Source.SHA256) != 64 {
		t.Fatalf("document: %s", out)
	}
	f := doc.Flows[0]
	if f.ClientID != "acme-spa" || f.Endpoint != "global" || f.Outcome != "succeeded" || f.CodeRegion != "eu" || len(f.Tokens) != 4 || len(f.Steps) < 5 {
		t.Errorf("flow: %+v", f)
	}
	for _, s := range spaSecrets(t) {
		if strings.Contains(out, s) {
			t.Errorf("the JSON holds the secret %.20q…", s)
		}
	}
}

// The IdP's error page: failed at that step, its error code and Request Id,
// the encrypted errorId, the likely causes and the check that confirms them;
// exit 1.
func TestHarErrorPage(t *testing.T) {
	e := harEnv(t)
	out, _, code := e.ssodesk("", "har", filepath.Join("testdata", "himsa-error-page.har"))
	if code != exitFailed {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"— failed at step 2 error_page", "unauthorized_client", "Request Id 0HN8:00000001",
		"errorId in the error page's URL is encrypted: only HIMSA can read it",
		"`ssodesk check --client-id acme-webapp --redirect-uri https://app.acme.example/signin-oidc`",
		"This HAR holds no cookies and no Authorization headers: it was exported without sensitive data, or the login never got as far"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "The IdP answered the authorize request with its error page"); n != 1 {
		t.Errorf("the finding is said %d times", n)
	}
}

// What is not a HAR is a usage error naming the file (exit 2); a HAR
// without a login flow exits 1 and says so.
func TestHarBadInput(t *testing.T) {
	e := harEnv(t)
	notHAR := filepath.Join(e.dir, "notes.txt")
	empty := filepath.Join(e.dir, "empty.har")
	os.WriteFile(notHAR, []byte("hello\x1b[2J"), 0o600)
	os.WriteFile(empty, []byte(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}`), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"har", notHAR}, exitUsage, "notes.txt"},
		{[]string{"har", e.dir}, exitUsage, e.dir},
		{[]string{"har", filepath.Join(e.dir, "missing.har")}, exitUsage, "missing.har"},
		{[]string{"har"}, exitUsage, "har needs one FILE"},
		{[]string{"har", empty}, exitFailed, "no login flow found in"},
	} {
		out, errOut, code := e.ssodesk("", tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || strings.Contains(out+errOut, "\x1b") || strings.Contains(errOut, "panic") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut)
		}
	}
}

// har sanitize leaves no secret of the login in the copy, and the copy
// gives the same diagnosis.
func TestHarSanitizeKeepsTheDiagnosis(t *testing.T) {
	e := harEnv(t)
	in, out := filepath.Join("testdata", "himsa-spa-login.har"), filepath.Join(e.dir, "ticket.har")
	if _, errOut, code := e.ssodesk("", "har", "sanitize", in, "-o", out); code != 0 {
		t.Fatalf("sanitize: exit %d: %s", code, errOut)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range spaSecrets(t) {
		if strings.Contains(string(raw), s) {
			t.Errorf("the sanitised HAR holds the secret %.20q…", s)
		}
	}
	diag, errOut, code := e.ssodesk("", "har", out)
	if code != 0 || !strings.Contains(diag, "client acme-spa at production global (https://idp.himsa-sso.com) — succeeded") ||
		!strings.Contains(diag, "code region   eu") || !strings.Contains(diag, "ID token iss  https://idp-eu.himsa-sso.com") {
		t.Errorf("the sanitised HAR's diagnosis (exit %d):\n%s%s", code, diag, errOut)
	}
}

// --report writes the diagnosis report of the HAR (Markdown, or JSON for
// a .json name), 0600, naming its source; never over a file; no secret of
// the login in it. --redact-pii masks the user in the output and the
// report alike.
func TestHarReport(t *testing.T) {
	e := harEnv(t)
	in := filepath.Join("testdata", "himsa-spa-login.har")
	md, js := filepath.Join(e.dir, "ticket.md"), filepath.Join(e.dir, "ticket.json")
	out, errOut, code := e.ssodesk("", "har", "--report", md, "--redact-pii", in)
	if code != 0 || !strings.Contains(errOut, "Report written to "+md) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	raw, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(md); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	for _, want := range []string{"# ssodesk report: HAR file at", "## Source", "| SHA-256 | `df35e549", "| creator | WebInspector 537.36",
		"| entries | 7 |", "## Login 1: acme-spa at global", "| 6 | exchange | ✓", "user-1", "not verified: offline",
		"The app used the global endpoint and picked an account in EU"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the report lacks %q:\n%s", want, raw)
		}
	}
	for _, s := range append(spaSecrets(t), "5f0c-secret-sub") {
		if strings.Contains(string(raw)+out, s) {
			t.Errorf("the report or the output holds %.20q…", s)
		}
	}
	if _, _, code := e.ssodesk("", "har", "--report", md, in); code != exitUsage {
		t.Errorf("a second report over the first: exit %d", code)
	}
	if _, errOut, code := e.ssodesk("", "har", "--report", js, in); code != 0 {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var doc struct {
		Kind   string `json:"kind"`
		Source struct {
			Name    string `json:"name"`
			Entries int    `json:"entries"`
		} `json:"source"`
		Outcome struct{ OK bool } `json:"outcome"`
		Flows   []struct {
			Tokens []struct {
				Name, Verified string
				Claims         map[string]any
			} `json:"tokens"`
		} `json:"flows"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &doc); err != nil || doc.Kind != "har" || doc.Source.Entries != 7 || !doc.Outcome.OK || len(doc.Flows) != 1 {
		t.Fatalf("%v: %s", err, b)
	}
	for _, tok := range doc.Flows[0].Tokens {
		if tok.Name == "ID token" && (tok.Verified != "not verified: offline" || tok.Claims["sub"] != "5f0c-secret-sub") {
			t.Errorf("the ID token in the JSON report: %+v", tok)
		}
	}
}

// Not in a terminal (a pipe, this test) har prints the text, with or
// without --text; its help says a terminal opens the flows screen.
func TestHarTextOutsideATerminal(t *testing.T) {
	e := harEnv(t)
	file := filepath.Join("testdata", "himsa-error-page.har")
	plain, _, code := e.ssodesk("", "har", file)
	text, _, code2 := e.ssodesk("", "har", "--text", file)
	if code != exitFailed || code2 != exitFailed || plain != text || !strings.Contains(text, "— failed at step 2 error_page") {
		t.Fatalf("har (exit %d) and har --text (exit %d) differ or lack the flow:\n%s\n---\n%s", code, code2, plain, text)
	}
	help, _, _ := e.ssodesk("", "help", "har")
	for _, want := range []string{"--text", "flows screen"} {
		if !strings.Contains(help, want) {
			t.Errorf("har's help lacks %q:\n%s", want, help)
		}
	}
}

// The TUI's HAR services are the commands' code: OpenHAR reads and finds
// the flows as har does (a bad file named as har names it), SanitizeHAR
// writes what har sanitize writes (never over a file), SaveHARReport the
// report har --report writes; no secret of the file is in either.
func TestHarTUIServices(t *testing.T) {
	e := harEnv(t)
	cfg, err := config.Load(e.file, pflag.NewFlagSet("test", pflag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	svc := &ui.Services{}
	harServices(svc, cfg, session.New(cfg, nil, nil))
	ctx := context.Background()
	_, err = svc.OpenHAR(ctx, filepath.Join(e.dir, "nowhere.har"))
	_, cliErr, _ := e.ssodesk("", "har", filepath.Join(e.dir, "nowhere.har"))
	if err == nil || !strings.Contains(cliErr, err.Error()) {
		t.Errorf("OpenHAR of a missing file: %v; ssodesk har says %q", err, cliErr)
	}
	f, err := svc.OpenHAR(ctx, filepath.Join("testdata", "himsa-spa-login.har"))
	if err != nil || len(f.Logins) != 1 || f.Logins[0].ClientID != "acme-spa" {
		t.Fatalf("OpenHAR: %v %+v", err, f)
	}
	out := filepath.Join(e.dir, "ticket.har")
	abs, err := svc.SanitizeHAR(ctx, f, out, true)
	if err != nil || abs != out {
		t.Fatalf("SanitizeHAR: %q %v", abs, err)
	}
	if _, err := svc.SanitizeHAR(ctx, f, out, true); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("SanitizeHAR over a file: %v", err)
	}
	rep := filepath.Join(e.dir, "ticket.md")
	if abs, err := svc.SaveHARReport(ctx, rep, f, report.Options{}, nil); err != nil || abs != rep {
		t.Fatalf("SaveHARReport: %q %v", abs, err)
	}
	for _, p := range []string{out, rep} {
		b, _ := os.ReadFile(p)
		if len(b) == 0 {
			t.Errorf("%s is empty", p)
		}
		for _, s := range spaSecrets(t) {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds the secret %.20q…", p, s)
			}
		}
	}
}
