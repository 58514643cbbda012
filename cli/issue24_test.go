package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"ssodesk/diagnose"
	"ssodesk/sim"
)

// checkApp runs `check --region global` for another app at a stand-in with
// the production error page (error code and Request Id only), and returns
// the output, the exit code and the requests the check sent to the
// authorize and token endpoints.
func checkApp(t *testing.T, args ...string) (string, int, int) {
	t.Helper()
	h := &sim.Hooks{}
	e := newCLIEnvWith(t, "", sim.Options{Hooks: h, ProductionErrorPage: true})
	out, errOut, code := e.ssodesk("", append([]string{"check", "--region", "global"}, args...)...)
	if strings.Contains(out+errOut, "panic") {
		t.Fatalf("%s%s", out, errOut)
	}
	n := h.Requests("global", sim.RequestAuthorize) + h.Requests("global", sim.RequestToken)
	if n > diagnose.MaxRequests {
		t.Errorf("%d requests to the authorize and token endpoints, more than the %d a check may send", n, diagnose.MaxRequests)
	}
	return out + errOut, code, n
}

// The stand-in's web app (an https redirect URI, scopes openid profile
// email) is accepted as registered: one authorize request, no probe.
func TestCheckAnotherAppsRegistration(t *testing.T) {
	out, code, n := checkApp(t, "--client-id", sim.WebAppClientID, "--redirect-uri", sim.WebAppRedirectURI, "--scope", "openid,profile")
	if code != 0 || n != 1 || !regexp.MustCompile(`(?m)^  ✓ authorize .*for client acme-webapp and redirect URI https://app\.acme\.example/signin-oidc`).MatchString(out) ||
		!strings.Contains(out, "– redirect port not a loopback redirect URI") {
		t.Errorf("exit %d, %d requests:\n%s", code, n, out)
	}
}

// An unregistered redirect URI of a known client: the token endpoint knows
// the client, so the redirect URI is named.
func TestCheckNamesTheRedirectURI(t *testing.T) {
	out, code, n := checkApp(t, "--client-id", sim.WebAppClientID, "--redirect-uri", "https://app.acme.example/other", "--scope", "openid,profile")
	if code != exitFailed || !strings.Contains(out, "✗ refuses       The IdP knows client acme-webapp (its token endpoint answers a code it never issued with invalid_grant) but refuses redirect URI https://app.acme.example/other") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"1. as asked: refused (unauthorized_client)", "2. bare (scope openid only): refused", "3. the configured client's own (ssodesk-demo): accepted",
		"4. the token endpoint, with a code no IdP issued: invalid_grant — the client is known"} {
		if !strings.Contains(out, want) {
			t.Errorf("no probe %q:\n%s", want, out)
		}
	}
	if n != 4 {
		t.Errorf("%d requests, want 4 (asked, bare, own, token)", n)
	}
}

// One scope the client may not ask for: refused, and that scope named.
func TestCheckNamesTheScope(t *testing.T) {
	out, code, _ := checkApp(t, "--client-id", sim.WebAppClientID, "--redirect-uri", sim.WebAppRedirectURI, "--scope", "openid,profile,"+sim.APIScope+",email")
	want := "The IdP accepts client acme-webapp with redirect URI https://app.acme.example/signin-oidc and scope openid profile email; it refuses it once " + sim.APIScope + " is added"
	if code != exitFailed || !strings.Contains(out, want) || !strings.Contains(out, "+ scope "+sim.APIScope+": refused (invalid_scope)") {
		t.Errorf("exit %d, want %q:\n%s", code, want, out)
	}
}

// An unknown client is named as such.
func TestCheckNamesAnUnknownClient(t *testing.T) {
	out, code, _ := checkApp(t, "--client-id", "nobody-app", "--redirect-uri", sim.WebAppRedirectURI, "--scope", "openid")
	if code != exitFailed || !strings.Contains(out, "The IdP does not know client nobody-app") || !strings.Contains(out, "invalid_client — the client is unknown") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// Bad redirect URIs and client IDs are refused before anything is sent,
// and a password in a URI is never printed.
func TestCheckAppBadInput(t *testing.T) {
	e := newCLIEnv(t, "")
	for _, tc := range []struct{ uri, want string }{
		{"/signin-oidc", "absolute URI"}, {"https://app.example/cb#x", "fragment"}, {"https://u:hunter2@app.example/cb", "user name or password"},
		{"https://app.example/" + strings.Repeat("a", 2100), "at most 2000"}, {"https://app.example/\x1b[2Jcb", "control characters"},
	} {
		out, errOut, code := e.ssodesk("", "check", "--client-id", "acme-webapp", "--redirect-uri", tc.uri)
		if code != exitUsage || !strings.Contains(errOut, tc.want) || strings.Contains(out+errOut, "hunter2") || strings.Contains(out+errOut, "\x1b") {
			t.Errorf("%.40q: exit %d\n%s%s", tc.uri, code, out, errOut)
		}
	}
	if out, errOut, code := e.ssodesk("", "check", "--client-id", "acme webapp\x1b[2J"); code != exitUsage || !strings.Contains(errOut, "must not contain spaces") || strings.Contains(out+errOut, "\x1b") {
		t.Errorf("a client ID with a space and an escape: exit %d %q", code, errOut)
	}
	if _, errOut, code := e.ssodesk("", "check", "--client-id", "acme-webapp", "--redirect-uri", sim.WebAppRedirectURI, "--scope", "profile"); code != exitUsage || !strings.Contains(errOut, "lacks openid") {
		t.Errorf("--scope without openid: exit %d %s", code, errOut)
	}
}

// Logging in as another app: the stand-in's redirect to the app's https
// URL is not followed (the sim browser stops there, its "address bar"
// written to a file); the user pastes that URL; its code is exchanged as
// that app, and the session's ID token names the app as its audience.
func TestLoginAsAnotherAppPastesTheURLBack(t *testing.T) {
	e := newCLIEnv(t, "scopes: [openid, profile, email]\noffline_access: false\n")
	bar := filepath.Join(e.dir, "address-bar")
	if err := syscall.Mkfifo(bar, 0o600); err != nil { // the browser's write is what the test waits on
		t.Fatal(err)
	}
	e.setBrowser("--account mette.sorensen@nordlyd-hoerecenter.dk --address-bar " + bar)
	cmd := exec.Command(os.Args[0], "login", "--json", "--client-id", sim.WebAppClientID, "--redirect-uri", sim.WebAppRedirectURI, "--config", e.file)
	cmd.Env = e.env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(bar) // blocks until the browser writes the address bar
		read <- strings.TrimSpace(string(b))
	}()
	var pasted string
	select {
	case pasted = <-read:
	case <-time.After(20 * time.Second):
		os.WriteFile(bar, nil, 0o600) // unblocks the reader
	}
	if !strings.HasPrefix(pasted, sim.WebAppRedirectURI+"?code=") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the browser stopped at %q, want the app's redirect URI with a code\n%s", pasted, errOut.String())
	}
	io.WriteString(stdin, "  "+pasted+"  \n") // as pasted: with spaces around
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "which will most likely show an error") || !strings.Contains(errOut.String(), "paste it here") {
		t.Errorf("stderr does not say what to expect and do:\n%s", errOut.String())
	}
	var doc struct {
		IDToken struct {
			Claims map[string]any `json:"claims"`
		} `json:"id_token"`
		ClientID string `json:"client_id"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if doc.IDToken.Claims["aud"] != sim.WebAppClientID && !slices.Contains(anyStrings(doc.IDToken.Claims["aud"]), sim.WebAppClientID) {
		t.Errorf("the ID token's audience is %v, want %s", doc.IDToken.Claims["aud"], sim.WebAppClientID)
	}
}

func anyStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
