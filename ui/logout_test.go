package ui

import (
	"context"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/session"
)

// L on the session screen logs out through Common.Logout and shows each
// step; enter goes back to the picker.
func TestLogoutScreen(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	var got *auth.Result
	m.svc.Logout = func(_ context.Context, res *auth.Result) []session.LogoutStep {
		got = res
		return []session.LogoutStep{
			{Name: "revoke the refresh token", Status: check.Pass, Detail: "revoked at https://idp.himsa-sso.com/connect/revocation"},
			{Name: "revoke the access token", Status: check.Skip, Detail: "a JWT access token cannot be revoked; it stays valid until it expires at 2026-11-21 10:24:00"},
			{Name: "end the IdP session", Status: check.Pass, Detail: "the IdP ended its session and sent the browser back to http://127.0.0.1:41234/logged-out (state ✓)"},
			{Name: "delete the kept session", Status: check.Skip, Detail: "session storage is off: nothing was kept"},
		}
	}
	m, cmd := intend(t, m, "L")
	if m.active != screenLogout {
		t.Fatalf("screen %v", m.active)
	}
	wantAll(t, screenText(m), "Logging out Mette Sørensen", "revoking the tokens")
	m = step(m, run(cmd))
	if got == nil || got.Claim("sub") != "5f0c2a9e-0001" {
		t.Fatalf("logged out %+v", got)
	}
	wantAll(t, screenText(m), "✓ revoke the refresh token", "– revoke the access token", "✓ end the IdP session", "enter pick a region")
	golden.RequireEqual(t, screenText(m))
	m, _ = intend(t, m, "enter")
	if m.active != screenRegions {
		t.Errorf("after enter: screen %v", m.active)
	}
}

// i asks the IdP about the access token; the Access token tab shows its word.
func TestIntrospectKey(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m.svc.Introspect = func(context.Context, *auth.Result, string) (*auth.Introspection, error) {
		return &auth.Introspection{Active: true, Scope: "openid noah.cloud.app.users.api", ClientID: "my-app", Subject: "5f0c2a9e-0001"}, nil
	}
	m, cmd := press(m, "i")
	m = step(m, run(cmd))
	wantAll(t, screenText(m), "Introspection (the IdP's word)", "✓ yes", "noah.cloud.app.users.api")
}

// A switch of account says from whom to whom, or that the IdP kept it.
func TestSwitchSaysFromWhomToWhom(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m, cmd := intend(t, m, "s")
	other := sampleResult()
	other.Claims["name"], other.Claims["sub"] = "Lukas Becker", "5f0c2a9e-0002"
	_ = cmd
	m = step(m, loginDoneMsg{id: m.run.id, res: other})
	wantAll(t, screenText(m), "switched from Mette Sørensen to Lukas Becker")
	m, _ = intend(t, m, "s")
	m = step(m, loginDoneMsg{id: m.run.id, res: other})
	wantAll(t, screenText(m), "the IdP kept the same account")
}
