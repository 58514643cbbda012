package auth_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

// countingOpener is a browser that only counts how often it was asked.
func countingOpener(n *atomic.Int32) auth.Opener {
	return func(context.Context, string) error { n.Add(1); return nil }
}

// refusedLogin runs a login that the stand-in refuses and checks what every
// refusal must show: it ends at once, with a *RefusedError, no browser.
func refusedLogin(t *testing.T, edit func(*auth.Options)) (*auth.Preflight, string) {
	t.Helper()
	var opened atomic.Int32
	o := options(region(t, "global"), countingOpener(&opened), &recorder{})
	o.LoginTimeout = 20 * time.Second // ending before it shows the pre-flight ended the login
	edit(&o)
	start := time.Now()
	_, err := auth.Login(context.Background(), o)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the refused login took %s, want under 3s", took)
	}
	p, ok := auth.IsRefused(err)
	if !ok {
		t.Fatalf("err = %v, want a *RefusedError", err)
	}
	if n := opened.Load(); n != 0 {
		t.Errorf("the browser was opened %d times after a refusal", n)
	}
	if p.RequestID == "" || !strings.Contains(explain.Error(err), "Request Id "+p.RequestID) {
		t.Errorf("no Request Id in %q (%+v)", err, p)
	}
	t.Log(err)
	return p, explain.Error(err)
}

func TestPreflightUnregisteredRedirectURI(t *testing.T) {
	p, msg := refusedLogin(t, func(o *auth.Options) { o.RedirectURI = "http://127.0.0.1:0/elsewhere" })
	if !strings.HasPrefix(p.RedirectURI, "http://127.0.0.1:") || !strings.HasSuffix(p.RedirectURI, "/elsewhere") || strings.Contains(p.RedirectURI, ":0/") {
		t.Fatalf("redirect URI = %q, want the one sent, with its real port", p.RedirectURI)
	}
	for _, want := range []string{"does not accept the redirect URI " + p.RedirectURI + " for client " + stand.ClientID(),
		"HIMSA must whitelist exactly this URI (port and path included)", "set redirect_uri to the one they whitelisted",
		"port 0", "Invalid redirect_uri"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestPreflightUnknownClient(t *testing.T) {
	_, msg := refusedLogin(t, func(o *auth.Options) { o.ClientID = "not-registered-app" })
	if !strings.Contains(msg, "does not know the client not-registered-app") || !strings.Contains(msg, "client_id") {
		t.Errorf("message: %s", msg)
	}
}

func TestPreflightDisallowedScope(t *testing.T) {
	p, msg := refusedLogin(t, func(o *auth.Options) { o.Scopes = append(config.DefaultScopes(), "admin.everything") })
	if p.Scope != "admin.everything" || !strings.Contains(msg, "ask for the scope admin.everything") {
		t.Errorf("scope %q, message: %s", p.Scope, msg)
	}
}

// TestPreflightOff: with the pre-flight off the browser opens even for a
// request the IdP refuses, and the timeout then says what to check.
func TestPreflightOff(t *testing.T) {
	var opened atomic.Int32
	rec := &recorder{}
	o := options(region(t, "global"), countingOpener(&opened), rec)
	o.RedirectURI, o.NoPreflight, o.LoginTimeout = "http://127.0.0.1:0/elsewhere", true, 200*time.Millisecond
	_, err := auth.Login(context.Background(), o)
	var te *auth.TimeoutError
	if !errors.As(err, &te) || opened.Load() != 1 {
		t.Fatalf("err = %v, browser opened %d times; want a timeout after one open", err, opened.Load())
	}
	if !strings.Contains(rec.text(), "preflight: pre-flight off (preflight: false)") {
		t.Errorf("events:\n%s", rec.text())
	}
	msg := explain.Error(err)
	for _, want := range []string{"within 200ms", "no browser opened?", "another browser window or profile", "--no-browser",
		"paste the final redirect URL", "pre-flight: pre-flight off", "timeouts.login"} {
		if !strings.Contains(msg, want) {
			t.Errorf("timeout message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "sooner") {
		t.Errorf("timeout message still says finish sooner: %s", msg)
	}
}

// TestPreflightAcceptedThenTimeout: the pre-flight's verdict is an event and
// part of the timeout message.
func TestPreflightAcceptedThenTimeout(t *testing.T) {
	rec := &recorder{}
	o := options(region(t, "global"), func(context.Context, string) error { return nil }, rec)
	o.LoginTimeout = 200 * time.Millisecond
	_, err := auth.Login(context.Background(), o)
	if !strings.Contains(rec.text(), "preflight: the IdP accepts this authorize request (a redirect to its login page /login)") {
		t.Errorf("events:\n%s", rec.text())
	}
	if err == nil || !strings.Contains(explain.Error(err), "pre-flight: the IdP accepts this authorize request") {
		t.Errorf("err = %v", err)
	}
}

// TestBrowserExitStatus: a $BROWSER that exits 3 is reported at once (while
// the login still waits: its timeout fires only when the test says), as a
// warning carrying a *BrowserExitError, and named by the timeout.
func TestBrowserExitStatus(t *testing.T) {
	script := filepath.Join(t.TempDir(), "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	timers := useFakeTimers(t)
	exited := make(chan auth.Event, 1)
	o := options(region(t, "global"), nil, &recorder{})
	o.Open = nil // the real OpenBrowser, which runs $BROWSER
	o.LoginTimeout = 3 * time.Second
	o.Progress = func(ev auth.Event) {
		var be *auth.BrowserExitError
		if errors.As(ev.Err, &be) {
			exited <- ev
		}
	}
	done := make(chan error, 1)
	go func() { _, err := auth.Login(context.Background(), o); done <- err }()
	select {
	case ev := <-exited:
		var be *auth.BrowserExitError
		errors.As(ev.Err, &be)
		if be.Code != 3 || ev.Step != auth.StepWarning || !strings.Contains(explain.EventMsg(ev), "exited with status 3") {
			t.Errorf("event %+v (%+v)", ev, be)
		}
	case err := <-done:
		t.Fatalf("the login ended (%v) before its timeout without reporting the browser's exit", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the browser's exit status 3 was not reported")
	}
	select {
	case err := <-done:
		t.Fatalf("the login ended before its timeout: %v", err)
	default:
	}
	nextTimer(t, timers, o.LoginTimeout).fire()
	if err := <-done; err == nil || !strings.Contains(explain.Error(err), "exited with status 3") || !strings.Contains(err.Error(), "within 3s") {
		t.Errorf("timeout does not name the browser's exit: %v", err)
	}
}
