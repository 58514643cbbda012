package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ssodesk/auth"
	"ssodesk/session"
	"ssodesk/sim"
)

// paramsForm is the picker's L form with fields typed in order, then enter.
func paramsForm(t *testing.T, svc *Services, fields ...string) Model {
	t.Helper()
	m := pressAll(pickerWith(testConfig(), svc, 120, 40), "down", "L")
	if m.active != screenLoginParams {
		t.Fatalf("L: screen %v", m.active)
	}
	for i, f := range fields {
		if i > 0 {
			m = pressAll(m, "tab")
		}
		m = typePath(m, f)
	}
	return pressAll(m, "enter")
}

// The form says what is wrong with a field, as `login` says it of its
// flags, and logs in with nothing in error; a good form's parameters reach
// the login.
func TestLoginParamsForm(t *testing.T) {
	var got *LoginRequest
	svc := testServices(testConfig(), nil)
	svc.Login = func(_ context.Context, req LoginRequest, _ func(auth.Event)) (*auth.Result, error) {
		got = &req
		return nil, context.Canceled
	}
	m := paramsForm(t, svc, "login", "soon", "", "", "", "client_id=x")
	wantAll(t, screenText(m), "✗ "+auth.ErrBadMaxAge.Error(), "✗ client_id is set by ssodesk itself")
	if got != nil || m.active != screenLoginParams {
		t.Fatalf("a form in error logged in: %+v", got)
	}
	m = paramsForm(t, svc, "login", "0", "mette@example.com", "da-DK", "tenant:t-1", "foo=bar")
	for range 3 {
		if got != nil {
			break
		}
		m = settle(m, m.screens[screenLogin].Init())
	}
	if got == nil {
		t.Fatal("no login")
	}
	p := got.Params
	if p.Prompt != "login" || p.MaxAge == nil || *p.MaxAge != 0 || p.LoginHint != "mette@example.com" || p.UILocales != "da-DK" ||
		p.ACRValues != "tenant:t-1" || len(p.Extra) != 1 || p.Extra[0].Key != "foo" {
		t.Errorf("params %+v", p)
	}
}

// Against the stand-in: max_age=0 makes the IdP show its login page again
// (a fresh auth_time), and the session's Summary says what was sent and
// that the ID token's auth_time shows the re-authentication.
func TestStandInLoginWithParams(t *testing.T) {
	s, cfg := startStandIn(t, sim.Options{})
	client := auth.NewHTTPClient(time.Minute)
	open := sim.NewBrowser().Opener(s.Accounts()[0].ID)
	svc := realServices(cfg, client, session.New(cfg, client, nil), open)
	tm := teatest.NewTestModel(t, New(&Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, Demo: true}, svc), teatest.WithInitialTermSize(140, 100))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("global")) }, teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'L', Text: "L"})
	waitFor(t, tm, "with OIDC parameters")
	for _, k := range []string{"login", "\t", "0"} {
		if k == "\t" {
			tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
			continue
		}
		tm.Type(k)
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "prompt_values_supported") // the Summary's parameters (the renderer may move the cursor over spaces)
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	wantAll(t, ansi.Strip(fm.View().Content), "Login parameters", "sent: prompt=login max_age=0", "✓ max_age", "max_age=0 sent;",
		"the user signed in during this login", "✓ prompt=login")
}
