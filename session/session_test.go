package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
	"ssodesk/store"
)

// standIn starts the stand-in for one test with o, and returns it with a
// config for its regions and client.
func standIn(t *testing.T, o sim.Options) (*sim.Sim, *config.Config) {
	t.Helper()
	s := simtest.Start(t, o)
	base := &config.Config{RedirectURI: "http://127.0.0.1:0/callback", Region: "global", Scopes: config.DefaultScopes(),
		OfflineAccess: true, HTTPTimeout: 10 * time.Second, LoginTimeout: 20 * time.Second}
	cfg := base.ForDemo(s.ClientID(), simtest.Environment(s))
	cfg.Store = "" // ForDemo keeps no store; the tests pass their own
	return s, cfg
}

func regionOf(t *testing.T, cfg *config.Config, name string) config.Region {
	t.Helper()
	r, ok := cfg.FindRegion(name)
	if !ok {
		t.Fatalf("no region %s", name)
	}
	return r
}

// user is the stand-in's scripted browser, logged in as the first account
// of region.
func user(s *sim.Sim, region string) auth.Opener {
	for _, a := range s.Accounts() {
		if a.Region == region {
			return sim.NewBrowser().Opener(a.ID)
		}
	}
	return sim.NewBrowser().Opener("")
}

func fileStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(store.KindFile, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func login(t *testing.T, m *session.Manager, s *sim.Sim, region config.Region) *auth.Result {
	t.Helper()
	res, err := m.Login(context.Background(), session.LoginInput{Region: region, Open: user(s, "eu")})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return res
}

func TestALoginIsKeptAndResumedByAnotherManager(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	st := fileStore(t)
	global := regionOf(t, cfg, "global")
	res := login(t, session.New(cfg, http.DefaultClient, st), s, global)
	if !strings.Contains(strings.Join(res.Notes, "\n"), "session kept in file") {
		t.Errorf("notes = %q, want 'session kept in file'", res.Notes)
	}
	back, err := session.New(cfg, http.DefaultClient, st).Resume(context.Background(), global)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if back.Claim("sub") != res.Claim("sub") || back.Token.AccessToken != res.Token.AccessToken || back.LoadedFrom == "" {
		t.Errorf("resumed another session: sub %q vs %q, loaded from %q", back.Claim("sub"), res.Claim("sub"), back.LoadedFrom)
	}
}

// The TUI's r: a refresh is kept, so a new process resumes the rotated
// refresh token, not the spent one (the stand-in rotates on every use).
func TestARefreshIsKeptSoTheNextProcessResumesIt(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	st := fileStore(t)
	global := regionOf(t, cfg, "global")
	first := session.New(cfg, http.DefaultClient, st)
	res := login(t, first, s, global)
	ref, err := first.Refresh(context.Background(), res)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if !ref.Rotated {
		t.Fatal("the stand-in did not rotate the refresh token; the test proves nothing")
	}
	kept, err := st.Load("global", cfg.ClientID)
	if err != nil || kept.RefreshToken != ref.Result.Token.RefreshToken {
		t.Fatalf("the refresh was not kept (err %v)", err)
	}
	// A new process: resume, then refresh with what was kept.
	next := session.New(cfg, http.DefaultClient, st)
	back, err := next.Resume(context.Background(), global)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if _, err := next.Refresh(context.Background(), back); err != nil {
		t.Fatalf("the resumed session cannot refresh: %v", err)
	}
}

// HIMSA's issuers are per environment; a kept session made at another
// issuer for the same region name (an earlier demo's stand-in, a changed
// config) is refused with the reason.
func TestResumeRefusesASessionOfAnotherIssuer(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	st := fileStore(t)
	login(t, session.New(cfg, http.DefaultClient, st), s, regionOf(t, cfg, "global"))
	moved := *cfg
	moved.Regions = []config.Region{{Name: "global", Issuer: "http://127.0.0.1:1"}}
	_, err := session.New(&moved, http.DefaultClient, st).Resume(context.Background(), moved.Regions[0])
	var refused *session.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "but region global is http://127.0.0.1:1 now") {
		t.Fatalf("err = %v, want a refusal naming both issuers", err)
	}
}

func TestResumeWithNothingKeptSaysWhatToRun(t *testing.T) {
	_, cfg := standIn(t, sim.Options{})
	_, err := session.New(cfg, http.DefaultClient, fileStore(t)).Resume(context.Background(), regionOf(t, cfg, "eu"))
	if !errors.Is(err, session.ErrNoSession) || !strings.Contains(err.Error(), "ssodesk login --save --region eu") {
		t.Fatalf("err = %v", err)
	}
	_, err = session.New(cfg, http.DefaultClient, nil).Resume(context.Background(), regionOf(t, cfg, "eu"))
	if !errors.Is(err, session.ErrNoSession) || !strings.Contains(err.Error(), "storage is off") {
		t.Fatalf("storage off: err = %v", err)
	}
}

// A login whose ID token does not verify is shown, never kept: here the
// global endpoint hands the tokens to the EU IdP, whose issuer this config
// does not trust.
func TestAFailedVerificationIsNotKept(t *testing.T) {
	s, cfg := standIn(t, sim.Options{GlobalExchangeIssuer: sim.IssuerRegional})
	cfg.Regions = []config.Region{regionOf(t, cfg, "global")}
	st := fileStore(t)
	res, err := session.New(cfg, http.DefaultClient, st).Login(context.Background(),
		session.LoginInput{Region: cfg.Regions[0], Open: user(s, "eu")})
	var verr *auth.VerifyError
	if !errors.As(err, &verr) || res == nil {
		t.Fatalf("err = %v, want a verification failure with the result", err)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "not kept: the ID token did not verify") {
		t.Errorf("notes %q do not say it was not kept", res.Notes)
	}
	if all, _ := st.List(); len(all) != 0 {
		t.Errorf("kept %d sessions", len(all))
	}
}

func TestForgetAll(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	login(t, m, s, regionOf(t, cfg, "global"))
	login(t, m, s, regionOf(t, cfg, "eu"))
	if n, err := m.ForgetAll(); n != 2 || err != nil {
		t.Fatalf("ForgetAll = %d, %v", n, err)
	}
	if err := m.Forget(regionOf(t, cfg, "eu")); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("Forget after ForgetAll = %v", err)
	}
}

// A refresh under the lock after another process refreshed (and rotated)
// the kept session uses the kept refresh token, even when the kept access
// token is itself due for a refresh: the caller's refresh token is spent.
// Here tokens live 40 s, and the kept one has 5 s left (its margin is 8 s).
func TestARefreshAfterAnotherProcessUsesTheKeptRefreshToken(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: h, AccessTokenLifetime: 40 * time.Second})
	st := fileStore(t)
	global := regionOf(t, cfg, "global")
	first := session.New(cfg, http.DefaultClient, st)
	res := login(t, first, s, global)
	other := session.New(cfg, http.DefaultClient, st)
	if ref, err := other.Refresh(context.Background(), res); err != nil || !ref.Rotated {
		t.Fatalf("the other process's refresh: %v (rotated: %v)", err, ref != nil && ref.Rotated)
	}
	kept, _ := st.Load("global", cfg.ClientID)
	first.Now = func() time.Time { return kept.Expiry.Add(-5 * time.Second) }
	before := h.Requests("global", sim.RequestTokenRefresh)
	ref, err := first.Refresh(context.Background(), res)
	if err != nil {
		t.Fatalf("refresh after the other process's: %v", err)
	}
	if n := h.Requests("global", sim.RequestTokenRefresh) - before; n != 1 || ref.Result.Token.AccessToken == kept.AccessToken || !ref.Rotated {
		t.Errorf("%d refresh requests (want 1), a new access token: %v, rotated: %v", n, ref.Result.Token.AccessToken != kept.AccessToken, ref.Rotated)
	}
	if after, _ := st.Load("global", cfg.ClientID); after.RefreshToken != ref.Result.Token.RefreshToken {
		t.Error("the refresh was not kept")
	}
}

func TestMargin(t *testing.T) {
	for life, want := range map[time.Duration]time.Duration{0: time.Minute, 40 * time.Second: 8 * time.Second,
		50 * time.Second: 10 * time.Second, 5 * time.Minute: time.Minute, time.Hour: time.Minute} {
		if got := session.Margin(life); got != want {
			t.Errorf("Margin(%v) = %v, want %v", life, got, want)
		}
	}
}

// Holds says a session is kept only while the store has that very login:
// a second login at the endpoint replaces it, and storage off keeps none.
func TestHoldsSaysWhetherThisLoginIsKept(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	global := regionOf(t, cfg, "global")
	first := login(t, m, s, global)
	if h, err := m.Holds(first); err != nil || !h.Kept || h.Where == "" {
		t.Fatalf("Holds(first) = %+v, %v; want kept", h, err)
	}
	second := login(t, m, s, global)
	if h, _ := m.Holds(first); h.Kept {
		t.Errorf("the first login is still said kept after a second one replaced it")
	}
	if h, _ := m.Holds(second); !h.Kept {
		t.Errorf("the second login is not said kept")
	}
	if h, _ := session.New(cfg, http.DefaultClient, nil).Holds(second); h.Kept || h.Where != "" {
		t.Errorf("storage off: Holds = %+v", h)
	}
}
