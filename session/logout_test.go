package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/session"
	"ssodesk/sim"
)

// Logging out at the IdP: the refresh token is revoked (and --verify proves
// it: the old one is refused), the end-session URL is opened with
// id_token_hint and the IdP comes back with the state, the kept session is
// deleted, and the next login in the same browser shows the login page again.
func TestLogoutAtTheIdP(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: h})
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	global, _ := cfg.FindRegion("global")
	browser := sim.NewBrowser()
	open := browser.Opener(s.Accounts()[0].ID)
	res, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: open})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Introspect(context.Background(), res, res.Token.AccessToken); !errors.Is(err, session.ErrNoIntrospection) {
		t.Errorf("unconfigured introspection: %v", err)
	}
	cfg.Introspection.Resource, cfg.Introspection.Secret = s.APIResource()
	if in, err := m.Introspect(context.Background(), res, res.Token.AccessToken); err != nil || !in.Active || in.Subject != res.Claim("sub") || in.ClientID != cfg.ClientID {
		t.Fatalf("introspection before logout: %+v %v", in, err)
	}
	var mu sync.Mutex
	var opened []string
	steps := m.Logout(context.Background(), res, session.LogoutInput{Verify: true, PostLogoutRedirectURI: "http://127.0.0.1:0/logged-out",
		Open: func(ctx context.Context, u string) error {
			mu.Lock()
			opened = append(opened, u)
			mu.Unlock()
			go browser.Visit(ctx, u)
			return nil
		}})
	want := map[string]check.Status{"revoke the refresh token": check.Pass, "revoke the access token": check.Skip,
		"end the IdP session": check.Pass, "delete the kept session": check.Pass, "verify the revocation": check.Pass}
	for _, st := range steps {
		if w, ok := want[st.Name]; !ok || w != st.Status {
			t.Errorf("%s: %s %s", st.Name, st.Status.Mark(), st.Detail)
		}
		delete(want, st.Name)
	}
	if len(want) != 0 {
		t.Errorf("steps missing: %v", want)
	}
	if len(opened) != 1 || !strings.Contains(opened[0], "id_token_hint="+res.RawIDToken) || !strings.Contains(opened[0], "post_logout_redirect_uri=") {
		t.Errorf("end-session URL: %q", opened)
	}
	if _, err := m.Refresh(context.Background(), res); !auth.RefreshRefused(err) {
		t.Errorf("the old refresh token after logout: %v", err)
	}
	if in, err := m.Introspect(context.Background(), res, res.Token.AccessToken); err != nil || in.Active {
		t.Errorf("introspection after logout: %+v %v", in, err)
	}
	if n := h.Requests("global", sim.RequestEndSession); n != 1 {
		t.Errorf("end-session requests: %d", n)
	}
	before := h.Requests("global", sim.RequestLogin)
	if _, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: open}); err != nil {
		t.Fatal(err)
	}
	if h.Requests("global", sim.RequestLogin) == before {
		t.Error("the next login was silent: the IdP's session did not end")
	}
}

// The revocation alone ends the refresh token (the end-session URL is
// opened but not visited here): --verify's refresh is refused.
func TestRevocationAloneIsVerified(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	cfg.PostLogoutRedirectURI = "" // none configured: the end-session URL is opened, its return not waited for
	m := session.New(cfg, http.DefaultClient, nil)
	global, _ := cfg.FindRegion("global")
	res, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: user(s, "eu")})
	if err != nil {
		t.Fatal(err)
	}
	steps := m.Logout(context.Background(), res, session.LogoutInput{Verify: true, Open: func(context.Context, string) error { return nil }})
	got := map[string]check.Status{}
	for _, st := range steps {
		got[st.Name] = st.Status
	}
	if got["revoke the refresh token"] != check.Pass || got["verify the revocation"] != check.Pass || got["end the IdP session"] != check.Warn ||
		got["delete the kept session"] != check.Skip {
		t.Errorf("steps: %+v", steps)
	}
}

// A refresh after the IdP rotated its signing key says so: the new kid.
func TestRefreshNamesANewKey(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: h})
	m := session.New(cfg, http.DefaultClient, nil)
	global, _ := cfg.FindRegion("global")
	res, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: user(s, "eu")})
	if err != nil {
		t.Fatal(err)
	}
	kid, err := h.RotateKey("global")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := m.Refresh(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if ref.NewKeyID != kid || ref.OldKeyID == "" || ref.OldKeyID == kid {
		t.Errorf("kids %q → %q, want → %q", ref.OldKeyID, ref.NewKeyID, kid)
	}
}
