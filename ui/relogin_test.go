package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
)

// sampleRelogin is a finished regional re-login after sampleResult: silent,
// or (userNeeded) login_required and then the login page.
func sampleRelogin(userNeeded bool) *auth.Relogin {
	first := sampleResult()
	first.AppHost = "https://app-eu.example.com"
	first.Started, first.Finished = now.Add(-time.Minute), now.Add(-time.Minute+3200*time.Millisecond)
	eu := config.Region{Name: "eu", Issuer: "https://idp-eu.himsa-sso.com"}
	second := sampleResult()
	second.Region, second.ExchangedAt, second.Issuer, second.AppHost = eu, eu, eu.Issuer, first.AppHost
	second.Report.Issuer, second.Report.Region = eu.Issuer, "eu"
	second.Token = &oauth2.Token{AccessToken: "opaque-access-token-regional", Expiry: now.Add(time.Hour)}
	rel := &auth.Relogin{First: first, Region: eu, Second: second,
		Attempts: []auth.Attempt{{Prompt: auth.PromptNone, Duration: 412 * time.Millisecond}}}
	if userNeeded {
		rel.Attempts = []auth.Attempt{
			{Prompt: auth.PromptNone, Duration: 35 * time.Millisecond, Err: &auth.CallbackError{Code: "login_required", Description: "The user is not signed in."}},
			{Duration: 4200 * time.Millisecond},
		}
	}
	return rel
}

// reloginAt presses g on the sample session and finishes the re-login with rel.
func reloginAt(t *testing.T, w, h int, rel *auth.Relogin) Model {
	t.Helper()
	m := sessionAt(t, w, h, rel.First)
	m, cmd := intend(t, m, "g")
	if m.active != screenLogin || !m.relogining || cmd == nil {
		t.Fatalf("g: screen %v relogining %v", m.active, m.relogining)
	}
	if w >= 80 {
		wantAll(t, screenText(m), "Regional re-login at eu (HIMSA 2a): prompt=none first")
	}
	return step(m, reloginDoneMsg{id: m.run.id, out: rel})
}

func TestReloginShowsBothSessions(t *testing.T) {
	rel := sampleRelogin(false)
	m := reloginAt(t, 100, 30, rel)
	if m.active != screenCompare || m.relogining {
		t.Fatalf("screen %v relogining %v", m.active, m.relogining)
	}
	wantAll(t, screenText(m), "First login", "Second login", "https://idp.himsa-sso.com (global)", "https://idp-eu.himsa-sso.com (eu)",
		"5f0c2a9e-0001                        5f0c2a9e-0001                        ✓ same", "no: silent, prompt=none", "✓ prompt=none", "412ms", "3.2s", "https://app-eu.example.com",
		"signed the user in silently (prompt=none)")
	// esc: the regional session (the first one was dropped); g shows both again.
	m, _ = intend(t, m, "esc")
	if m.active != screenSession || m.sessionScreen().res != rel.Second {
		t.Fatalf("esc: screen %v, session of %s", m.active, m.sessionScreen().res.Region.Name)
	}
	wantAll(t, screenText(m), "Exchanged at   eu  https://idp-eu.himsa-sso.com", "App host       https://app-eu.example.com",
		"This is the session of a regional re-login; g shows it side by side")
	m, _ = intend(t, m, "g")
	if m.active != screenCompare {
		t.Fatalf("g on the regional session: screen %v", m.active)
	}
}

func TestReloginUserNeeded(t *testing.T) {
	m := reloginAt(t, 100, 30, sampleRelogin(true))
	wantAll(t, screenText(m), "yes: the IdP's login page", "✗ prompt=none", "login_required: the IdP has no SSO session",
		"✓ interactive", "4.2s", "answered prompt=none with login_required")
}

func TestReloginRefusedAndCancelled(t *testing.T) {
	// Not after a regional login.
	res := sampleResult()
	res.Region = config.Region{Name: "eu", Issuer: "https://idp-eu.himsa-sso.com"}
	m := sessionAt(t, 100, 30, res)
	m, cmd := press(m, "g")
	if m.active != screenSession || cmd != nil {
		t.Fatal("g started a re-login after a regional login")
	}
	wantAll(t, screenText(m), "no regional re-login: a regional re-login follows a login through the global endpoint")

	// esc while it runs: back to the first session, untouched.
	m = sessionAt(t, 100, 30, sampleResult())
	m, _ = intend(t, m, "g")
	m, _ = intend(t, m, "esc")
	if m.active != screenSession || m.relogining || m.sessionScreen().res.Region.Name != "global" {
		t.Fatalf("esc: screen %v", m.active)
	}
	wantAll(t, screenText(m), "regional re-login cancelled; still logged in as before")

	// A failure stays on the login screen; enter retries the re-login, esc returns.
	m, _ = intend(t, m, "g")
	id := m.run.id
	m = step(m, reloginDoneMsg{id: id + 9, err: errors.New("stale")})
	if m.loginScreen().failed() {
		t.Fatal("a stale re-login result was applied")
	}
	m = step(m, reloginDoneMsg{id: id, out: &auth.Relogin{}, err: errors.New("the IdP refused the code exchange at x: invalid_grant")})
	wantAll(t, screenText(m), "Login failed: the IdP refused the code exchange at x: invalid_grant")
	m, cmd = intend(t, m, "enter")
	if m.run.id == id || !m.relogining || cmd == nil {
		t.Fatal("enter did not retry the re-login")
	}
	wantAll(t, screenText(m), "Regional re-login at eu")
	m, _ = intend(t, m, "esc")
	if m.active != screenSession || m.sessionScreen().res.Region.Name != "global" {
		t.Fatal("the first session was lost after a failed re-login")
	}
}

func TestReloginViewFits(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {80, 24}, {20, 5}, {1, 1}} {
		m := reloginAt(t, size[0], size[1], sampleRelogin(true))
		lines := strings.Split(screenText(m), "\n")
		if len(lines) > max(size[1], 1) {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > max(size[0], 3) {
				t.Errorf("%v: line %q is %d wide", size, l, w)
			}
		}
	}
}

// TestGoldenRelogin: the side-by-side view at 100×30 (go test ./ui -run
// Golden -update rewrites testdata/TestGoldenRelogin/*.golden).
func TestGoldenRelogin(t *testing.T) {
	for _, tc := range []struct {
		name       string
		userNeeded bool
	}{{"silent", false}, {"user-needed", true}} {
		m := reloginAt(t, 100, 30, sampleRelogin(tc.userNeeded))
		t.Run(tc.name+"-100x30", func(t *testing.T) {
			golden.RequireEqual(t, screenText(m))
		})
	}
}

// TestReloginFlowAgainstStandIn runs the real program against the stand-in:
// log in through the global endpoint with an EU account in one scripted
// browser, press g: the EU IdP signs the same user in silently in the same
// browser, and both sessions are shown side by side.
func TestReloginFlowAgainstStandIn(t *testing.T) {
	s, cfg := startStandIn(t, sim.Options{})
	cfg.AppHosts = config.AppHosts{config.AppHostDefault: "https://app-{region}.example.com"}
	var acct sim.Account
	for _, a := range s.Accounts() {
		if a.Region == "eu" {
			acct = a
			break
		}
	}
	b := sim.NewBrowser() // the one browser: it keeps the IdP's SSO cookie
	open := func(ctx context.Context, u string) error {
		go func() { _, _, _ = b.Login(ctx, u, acct.Email) }()
		return nil
	}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, Demo: true}
	svc := testServices(cfg, nil)
	svc.Login = func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		o, err := auth.OptionsFrom(cfg, req.Region, nil)
		if err != nil {
			return nil, err
		}
		o.Progress, o.Open = progress, open
		return auth.Login(ctx, o)
	}
	svc.Relogin = func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error) {
		o, err := auth.OptionsFrom(cfg, first.Region, nil)
		if err != nil {
			return nil, err
		}
		o.Progress, o.Open = progress, open
		return auth.RegionalRelogin(ctx, first, o)
	}

	tm := teatest.NewTestModel(t, New(com, svc), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "global")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "g logs in again at the EU IdP")
	tm.Send(tea.KeyPressMsg{Code: 'g', Text: "g"})
	waitFor(t, tm, "no: silent, prompt=none")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)

	eu, _ := s.Region("eu")
	rel := final.screens[screenCompare].(compareModel).rel
	if final.active != screenCompare || rel == nil || rel.UserNeeded() || rel.Second.Issuer != eu.Issuer || final.sessionScreen().res != rel.Second {
		t.Fatalf("final: screen %v relogin %+v", final.active, rel)
	}
	wantAll(t, screenText(final), acct.ID+"  "+acct.ID+" ✓ same", eu.Issuer+" (eu)", "https://app-eu.example.com", "the user saw nothing")
}
