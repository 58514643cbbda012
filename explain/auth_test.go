package explain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/explain"
	"ssodesk/safe"
)

const redirect = "http://127.0.0.1:8765/callback"

// Each cause the pre-flight reads (auth) is one sentence naming what to fix.
func TestPreflightSummary(t *testing.T) {
	refused := func(cause, scope string) *auth.Preflight {
		return &auth.Preflight{Outcome: auth.PreflightRefused, Cause: cause, ClientID: "my-app", RedirectURI: redirect, Scope: scope,
			Scopes: []string{"openid", "noah.x"}, Status: 500}
	}
	for _, tc := range []struct {
		p    *auth.Preflight
		want string
	}{
		{&auth.Preflight{Outcome: auth.PreflightAccepted, Answer: "its login page answered"}, "the IdP accepts this authorize request (its login page answered)"},
		{&auth.Preflight{Outcome: auth.PreflightOff}, "pre-flight off (preflight: false)"},
		{&auth.Preflight{Outcome: auth.PreflightFailed, Reason: "connection refused"}, "failed (connection refused); opening the browser anyway"},
		{refused(auth.CauseScope, "noah.x"), "ask for the scope noah.x"},
		{refused(auth.CauseScope, ""), "one of the scopes noah.x (it does not say which)"},
		{refused(auth.CauseClientOrRedirect, ""), "does not know the client my-app or does not accept its redirect URI " + redirect},
		{refused(auth.CauseRedirectURI, ""), "does not accept the redirect URI " + redirect},
		{refused(auth.CauseUnknownClient, ""), "does not know the client my-app"},
		{refused(auth.CauseOther, ""), "HTTP 500"},
		{nil, ""},
	} {
		if got := explain.PreflightSummary(tc.p); !strings.Contains(got, tc.want) || tc.want == "" && got != "" {
			t.Errorf("%+v: %q lacks %q", tc.p, got, tc.want)
		}
	}
}

// What an IdP's error page holds stays printable in the sentences about it.
func TestPreflightWordsArePrintable(t *testing.T) {
	p := &auth.Preflight{Outcome: auth.PreflightRefused, Message: "Sorry\x1b[2J\u202eerror\x9b31m", RequestID: "R1\x07", ClientID: "c"}
	for _, s := range []string{explain.PreflightSummary(p), explain.PreflightDetail(p), explain.Error(&auth.RefusedError{Preflight: p})} {
		if safe.Printable(s) != s {
			t.Errorf("not printable: %q", s)
		}
	}
}

func TestEventMsg(t *testing.T) {
	wait := auth.Event{Step: auth.StepStillWaiting, Msg: "no login response after 20s", Waited: 20 * time.Second,
		Preflight: &auth.Preflight{Outcome: auth.PreflightAccepted, Answer: "its login page answered"}}
	got := explain.EventMsg(wait)
	for _, want := range []string{"no login response after 20s. Check:", "another browser window or profile", "--no-browser",
		"pre-flight: the IdP accepts this authorize request"} {
		if !strings.Contains(got, want) {
			t.Errorf("still waiting: %q lacks %q", got, want)
		}
	}
	wait.Pasting = true
	if got := explain.EventMsg(wait); !strings.Contains(got, "Paste the final redirect URL here") {
		t.Errorf("still waiting with a paste box: %q", got)
	}
	exit := auth.Event{Step: auth.StepWarning, Msg: "x", Err: &auth.BrowserExitError{Command: "chromium", Code: 3}}
	if got := explain.EventMsg(exit); !strings.Contains(got, `"chromium" exited with status 3`) || !strings.Contains(got, "open the authorize URL yourself") {
		t.Errorf("browser exit: %q", got)
	}
	if got := explain.EventMsg(auth.Event{Step: auth.StepCallback, Msg: "redirect received"}); got != "redirect received" {
		t.Errorf("plain event: %q", got)
	}
}

// Error adds what an error means to what happened, also inside a wrapping
// error, and says it once.
func TestError(t *testing.T) {
	toe := &auth.TimeoutError{After: "2s", Browser: "the browser command b exited with status 3"}
	got := explain.Error(fmt.Errorf("login: %w", toe))
	if !strings.HasPrefix(got, "login: no login response from the browser within 2s. Check:") || !strings.Contains(got, "exited with status 3") ||
		!strings.HasSuffix(got, "raise timeouts.login") {
		t.Errorf("timeout: %q", got)
	}
	te := &auth.TokenError{Op: auth.OpRefresh, Endpoint: "https://idp/token", Code: "invalid_client", SecretKey: "client_secret_file", SecretSent: true}
	got = explain.Error(fmt.Errorf("refreshing the kept session: %w", te))
	if !strings.Contains(got, "invalid_client (the IdP did not accept this client") || strings.Count(got, "did not accept") != 1 ||
		!strings.Contains(got, "comes from client_secret_file") {
		t.Errorf("token error: %q", got)
	}
	if te.Error() != "the IdP refused the refresh at https://idp/token: invalid_client" {
		t.Errorf("auth's own words are the facts: %q", te.Error())
	}
	if explain.Error(nil) != "" {
		t.Error("no error, no words")
	}
}
