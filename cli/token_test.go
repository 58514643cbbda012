package cli

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ssodesk/sim"
)

// shortLived is a stand-in whose tokens live 40 s, as a QA setup that
// tests renewal may have them, with a kept session of the global endpoint.
func shortLived(t *testing.T) (*cliEnv, *sim.Hooks) {
	t.Helper()
	h := &sim.Hooks{}
	e := newCLIEnvWith(t, "offline_access: true\n", sim.Options{Hooks: h, AccessTokenLifetime: 40 * time.Second, IDTokenLifetime: 40 * time.Second})
	if _, errOut, code := e.ssodesk("", "login", "--save"); code != 0 {
		t.Fatal(errOut)
	}
	return e, h
}

// A token that lives 40 s is not refreshed on every use: its margin is a
// fifth of its lifetime (8 s), not a fixed minute. Three `token` calls
// right after the login make no refresh request and print the kept token.
func TestTokenOfShortLifetimeIsNotRefreshedOnEveryUse(t *testing.T) {
	e, h := shortLived(t)
	before := h.Requests("global", sim.RequestTokenRefresh)
	var first string
	for i := range 3 {
		out, errOut, code := e.ssodesk("", "token")
		if code != 0 || strings.Contains(errOut, "refreshed") {
			t.Fatalf("token %d: exit %d\n%s", i, code, errOut)
		}
		if i == 0 {
			first = out
		} else if out != first {
			t.Errorf("token %d printed another token: it was refreshed", i)
		}
	}
	if n := h.Requests("global", sim.RequestTokenRefresh) - before; n != 0 {
		t.Fatalf("three token calls on a 40 s token with 40 s left made %d refresh requests, want 0", n)
	}
}

// Three `token` processes at once on an expired session of 40 s tokens:
// one refreshes; the others, under the lock, find that the kept session's
// tokens moved on and take them, although those expire within a minute
// too. All three succeed, with one refresh request counted at the stand-in.
func TestConcurrentTokenProcessesWithShortLivedTokens(t *testing.T) {
	e, h := shortLived(t)
	expireKept(t, e, "global")
	before := h.Requests("global", sim.RequestTokenRefresh)
	var wg sync.WaitGroup
	outs, errs, codes := make([]string, 3), make([]string, 3), make([]int, 3)
	for i := range 3 {
		wg.Go(func() { outs[i], errs[i], codes[i] = e.ssodesk("", "token") })
	}
	wg.Wait()
	for i := range 3 {
		if codes[i] != 0 || outs[i] != outs[0] {
			t.Errorf("token %d: exit %d, same token %v\n%s", i, codes[i], outs[i] == outs[0], errs[i])
		}
	}
	if n := h.Requests("global", sim.RequestTokenRefresh) - before; n != 1 {
		t.Fatalf("the stand-in received %d refresh requests from three token processes, want 1\n%s", n, strings.Join(errs, "\n"))
	}
	if !strings.Contains(strings.Join(errs, ""), "refreshed the stored session (its access token expired ") {
		t.Errorf("no process says why it refreshed:\n%s", strings.Join(errs, "\n"))
	}
}

// keptFile edits the kept session of the global endpoint with edit.
func keptFile(t *testing.T, e *cliEnv, edit func(map[string]any)) map[string]any {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.dir, "state", "ssodesk", "sessions", "global.*.json"))
	if len(files) != 1 {
		t.Fatalf("kept sessions: %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	var sess map[string]any
	if err := json.Unmarshal(raw, &sess); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(sess)
		raw, _ = json.Marshal(sess)
		os.WriteFile(files[0], raw, 0o600)
	}
	return sess
}

// revoke revokes token at region's revocation endpoint (read from
// discovery), as the public client.
func revoke(t *testing.T, e *cliEnv, region, token string) {
	t.Helper()
	r, _ := e.sim.Region(region)
	resp, err := http.Get(r.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Revocation string `json:"revocation_endpoint"`
	}
	json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	resp, err = http.PostForm(d.Revocation, url.Values{"token": {token}, "token_type_hint": {"refresh_token"}, "client_id": {e.sim.ClientID()}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %v %v", err, resp)
	}
	resp.Body.Close()
}

// A refresh token revoked while the kept access token is still valid:
// token prints the access token with a warning saying until when it is
// valid (exit 0), instead of failing; once it has expired, exit 1.
func TestTokenWithARevokedRefreshTokenAndAValidAccessToken(t *testing.T) {
	e, _ := shortLived(t)
	sess := keptFile(t, e, func(s map[string]any) {
		// 3 s left of a token kept a minute ago: within its margin, still valid.
		s["expiry"] = time.Now().Add(3 * time.Second).Format(time.RFC3339Nano)
		s["saved_at"] = time.Now().Add(-time.Minute).Format(time.RFC3339Nano)
	})
	revoke(t, e, "global", sess["refresh_token"].(string))
	out, errOut, code := e.ssodesk("", "token")
	if code != 0 || strings.TrimSpace(out) != sess["access_token"] {
		t.Fatalf("token: exit %d, printed the kept token %v\n%s", code, strings.TrimSpace(out) == sess["access_token"], errOut)
	}
	for _, want := range []string{"ssodesk: warning: refreshing the kept session:", "invalid_grant", "the kept access token is still valid until", "log in again before then"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	expireKept(t, e, "global")
	if out, errOut, code := e.ssodesk("", "token"); code != exitFailed || out != "" || !strings.Contains(errOut, "invalid_grant") {
		t.Errorf("expired, revoked: exit %d %q\n%s", code, out, errOut)
	}
}
