package cli

// Tests on the HAR files headless Chromium recorded against the stand-in
// and the sample apps (e2e/harrecord_test.go writes them with -update): one
// per case of issue 23, item 3, each diagnosed as a support person would
// run it, the outcome, the finding, its cause and its fix asserted as
// printed and through --json.

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordedCase is what the diagnosis of one recorded HAR must say.
type recordedCase struct {
	name    string
	outcome string // the Login line's end ("— succeeded", "— failed at step 2 login_page", "— abandoned")
	status  string // the finding's status in --json ("" when the flow has no finding)
	text    string // key phrases of the finding, its cause and its fix
	cause   string
	fix     string
	note    string // a note on the whole file ("" when none is asserted)
	story   string // a phrase of the flow's region story ("" when none is asserted)
	// cleanText replaces text for the sanitised HAR (which shows a
	// placeholder where text quotes a secret).
	cleanText string
}

// recordedCases: the key phrases are explain's words.
func recordedCases() []recordedCase {
	const idp = "http://127.0.0.1:29300"
	return []recordedCase{
		{name: "spa-login", outcome: "— succeeded"},
		{name: "web-login", outcome: "— succeeded", story: "the app exchanged the code on its server (a web app)"},
		{name: "silent-renew", outcome: "— succeeded"},
		{name: "no-sensitive", outcome: "— succeeded", note: "exported without sensitive data"},
		{name: "error-page-redirect", outcome: "— failed at step 2 error_page", status: "fail",
			text:  "error page (unauthorized_client); the app never heard of it",
			cause: "does not accept its redirect URI http://127.0.0.1:29320/unregistered-callback (it does not say which)",
			fix:   "ssodesk check --client-id himsa-sample-spa --redirect-uri http://127.0.0.1:29320/unregistered-callback"},
		{name: "error-page-client", outcome: "— failed at step 2 error_page", status: "fail", note: "or the login never got as far as a session or a token",
			text: "error page (unauthorized_client)", cause: "The IdP does not know the client unknown-app",
			fix: "ssodesk check --client-id unknown-app --redirect-uri http://127.0.0.1:29320/callback"},
		{name: "error-scope", outcome: "— failed at step 2 error_page", status: "fail",
			text: "error page (invalid_scope)", cause: "ask for one of the scopes offline_access, noah.cloud.app.users.api, noah.cloud.app.admin.api",
			fix: "ssodesk check --client-id himsa-sample-spa"},
		{name: "access-denied", outcome: "— failed at step 4 callback", status: "fail",
			text: "error=access_denied", cause: "The user cancelled at the IdP", fix: "Log in again and finish at the IdP"},
		{name: "silent-login-required", outcome: "— failed at step 3 callback", status: "fail",
			text: "error=login_required", cause: "A silent request (prompt=none) found no usable session at the IdP",
			fix: "log in interactively (without prompt=none) in the top window or a popup"},
		{name: "login-in-frame", outcome: "— failed at step 2 login_page", status: "fail",
			text: "login page was loaded in a frame, which the IdP forbids (X-Frame-Options: SameOrigin)", cause: "X-Frame-Options: SameOrigin",
			fix: "top window, a popup or the system browser"},
		{name: "cors-token", outcome: "— failed at step 6 exchange", status: "fail",
			text:  "The browser blocked the token request to " + idp + "/oauth/token",
			cause: "origin http://127.0.0.1:29321 is not an allowed CORS origin of the client himsa-sample-spa",
			fix:   "Ask HIMSA to add http://127.0.0.1:29321 to the allowed CORS origins"},
		{name: "invalid-grant-region", outcome: "— failed at step 7 exchange", status: "fail",
			text: "invalid_grant", cause: "The code's prefix names EU but it was exchanged at the US endpoint", fix: "Exchange the code at the EU endpoint"},
		{name: "code-twice", outcome: "— failed at step 8 exchange", status: "fail",
			text: "invalid_grant", cause: "The code was exchanged twice", fix: "a code is good for one exchange"},
		{name: "pkce-wrong", outcome: "— failed at step 7 exchange", status: "fail",
			text: "invalid_grant (invalid code_verifier)", cause: "the code_verifier does not match the code_challenge", fix: "Keep the code_verifier of each authorize request"},
		{name: "pkce-missing", outcome: "— failed at step 7 exchange", status: "fail",
			text: "The token request sent no code_verifier", cause: "With PKCE the IdP exchanges the code only for the code_verifier", fix: "Keep the code_verifier of each authorize request"},
		{name: "api-401-region", outcome: "— failed at step 10 api", status: "fail",
			text: "refused the call with HTTP 401", cause: "The token is for EU but this is the US API", fix: "the ID token's api claim"},
		{name: "api-403-scope", outcome: "— failed at step 10 api", status: "fail",
			text: "refused the call with HTTP 403", cause: "The token lacks a scope the API needs (noah.cloud.app.admin.api)", fix: "The app must ask for the scope the API needs"},
		{name: "abandoned", outcome: "— abandoned", status: "warn",
			text: "The flow stopped at the IdP's login page", cause: "did not finish logging in", fix: "record again and finish the login"},
		{name: "loop", outcome: "— failed at step 1 browser", status: "fail",
			text: "the same authorize request 4 times", cause: "starts the login again as soon as it returns", fix: "the app's callback handling"},
		{name: "mix-up", outcome: "— failed at step 5 callback", status: "fail",
			text: "iss is http://127.0.0.1:29302, not the issuer asked (" + idp + ")", cause: "another IdP answered", fix: "Do not use this login"},
		{name: "state-mismatch", outcome: "— failed at step 5 callback", status: "fail",
			text: "The state in the callback (state-of-another-login-…)", cleanText: "is not the authorize request's", cause: "belongs to another login attempt", fix: "Log in again in one tab"},
		{name: "clock-skew", outcome: "— succeeded", status: "warn",
			text: "the customer's clock is 10m00s behind the IdP's", cause: "A HAR's times are the customer's browser's clock", fix: "synchronise automatically"},
	}
}

// recordedEnv runs ssodesk with the recorded HARs' config (the stand-in's
// endpoints at the recording's fixed ports; no stand-in runs).
func recordedEnv(t *testing.T) *cliEnv {
	t.Helper()
	dir := t.TempDir()
	return &cliEnv{t: t, dir: dir, file: filepath.Join("testdata", "recorded", "config.yaml"),
		env: append(os.Environ(), "SSODESK_AS_CLI=1", "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+filepath.Join(dir, "state"))}
}

func TestRecordedHARs(t *testing.T) {
	cases := recordedCases()
	files, _ := filepath.Glob(filepath.Join("testdata", "recorded", "*.har"))
	if len(files) != len(cases) {
		t.Errorf("%d recorded HARs, %d cases: every fixture needs its case", len(files), len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := recordedEnv(t)
			file := filepath.Join("testdata", "recorded", c.name+".har")
			out, errOut, code := e.ssodesk("", "har", file)
			wantCode := 1
			if strings.HasSuffix(c.outcome, "succeeded") {
				wantCode = 0
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d\n%s", code, wantCode, errOut)
			}
			checkRecordedText(t, c, out)
			out, errOut, code = e.ssodesk("", "har", "--json", file)
			if code != wantCode {
				t.Errorf("--json: exit %d, want %d\n%s", code, wantCode, errOut)
			}
			checkRecordedJSON(t, c, out)
			checkSanitizedSame(t, e, file, c)
		})
	}
}

// checkRecordedText: the first flow's Login line ends in the outcome, and
// the finding, its cause and its fix are printed as explain words them.
func checkRecordedText(t *testing.T, c recordedCase, out string) {
	t.Helper()
	var login string
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, "Login 1: ") {
			login = strings.TrimSpace(l)
			break
		}
	}
	if !strings.HasSuffix(login, c.outcome) {
		t.Errorf("Login line %q, want it to end in %q\n%s", login, c.outcome, out)
	}
	if c.status != "" {
		for _, want := range [][2]string{{map[string]string{"fail": "✗ ", "warn": "! "}[c.status], c.text}, {"cause: ", c.cause}, {"fix:   ", c.fix}} {
			if !lineWith(out, want[0], want[1]) {
				t.Errorf("no line %q…%q:\n%s", want[0], want[1], out)
			}
		}
	}
	if !containsFolded(out, c.story) {
		t.Errorf("the output lacks the story's %q:\n%s", c.story, out)
	}
	if !containsFolded(out, c.note) {
		t.Errorf("the output lacks the note %q:\n%s", c.note, out)
	}
	if c.status == "" && strings.Contains(out, "    ✗ ") {
		t.Errorf("a finding in a flow that succeeded:\n%s", out)
	}
}

// lineWith: a line of out starts (after its indent) with prefix and holds
// phrase.
func lineWith(out, prefix, phrase string) bool {
	for l := range strings.Lines(out) {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) && strings.Contains(l, phrase) {
			return true
		}
	}
	return false
}

// containsFolded: out holds want, also when out wraps it (cause and fix
// lines may be long): white space is compared folded.
func containsFolded(out, want string) bool {
	fold := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	return strings.Contains(out, want) || strings.Contains(fold(out), fold(want))
}

// checkRecordedJSON: the same through --json.
func checkRecordedJSON(t *testing.T, c recordedCase, out string) {
	t.Helper()
	var doc struct {
		Notes []struct{ Text string } `json:"notes"`
		Flows []struct {
			Outcome    string `json:"outcome"`
			Story      string `json:"story"`
			FailedStep string `json:"failed_step"`
			Findings   []struct {
				Status, Text, Cause, Fix string
			} `json:"findings"`
		} `json:"flows"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Flows) == 0 {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	f := doc.Flows[0]
	wantOutcome, wantStep := "succeeded", ""
	switch {
	case strings.HasSuffix(c.outcome, "abandoned"):
		wantOutcome = "abandoned"
	case strings.Contains(c.outcome, "failed at step "):
		wantOutcome, wantStep = "failed", strings.TrimPrefix(c.outcome, "— failed at step ")
	}
	if f.Outcome != wantOutcome || f.FailedStep != wantStep {
		t.Errorf("--json: outcome %q, failed_step %q; want %q, %q", f.Outcome, f.FailedStep, wantOutcome, wantStep)
	}
	if !strings.Contains(f.Story, c.story) {
		t.Errorf("--json: story %q lacks %q", f.Story, c.story)
	}
	if c.status == "" {
		if len(f.Findings) > 0 {
			t.Errorf("--json: findings in a flow that succeeded: %+v", f.Findings)
		}
	} else {
		found := false
		for _, x := range f.Findings {
			found = found || x.Status == c.status && strings.Contains(x.Text, c.text) && strings.Contains(x.Cause, c.cause) && strings.Contains(x.Fix, c.fix)
		}
		if !found {
			t.Errorf("--json: no %s finding with %q / cause %q / fix %q in %+v", c.status, c.text, c.cause, c.fix, f.Findings)
		}
	}
	if c.note != "" && (len(doc.Notes) == 0 || !strings.Contains(doc.Notes[0].Text, c.note)) {
		t.Errorf("--json: notes %+v, want one with %q", doc.Notes, c.note)
	}
}

// checkSanitizedSame: the sanitised HAR reads back to the same outcome and
// finding (issue 23, item 5).
func checkSanitizedSame(t *testing.T, e *cliEnv, file string, c recordedCase) {
	t.Helper()
	clean := filepath.Join(e.dir, "clean.har")
	if _, errOut, code := e.ssodesk("", "har", "sanitize", file, "-o", clean); code != 0 {
		t.Fatalf("har sanitize: exit %d: %s", code, errOut)
	}
	out, _, _ := e.ssodesk("", "har", clean)
	c.text = cmp.Or(c.cleanText, c.text)
	t.Run("sanitized", func(t *testing.T) { checkRecordedText(t, c, out) })
}
