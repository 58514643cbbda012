package session_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/session"
	"ssodesk/sim"
)

// TestLoginInputParams: the TUI's login form and `login`'s flags hand the
// authorize parameters to the use case; the result carries what was sent
// and its checks, and a login with parameters never resumes a kept
// session (it asks the IdP for something).
func TestLoginInputParams(t *testing.T) {
	h := &sim.Hooks{}
	_, cfg := standIn(t, sim.Options{Hooks: h})
	cfg.Leeway = time.Second
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	global := regionOf(t, cfg, "global")
	b := sim.NewBrowser()
	first, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: b.Opener(""), Resume: true})
	if err != nil || first.Params != nil || first.ParamChecks != nil {
		t.Fatalf("first login: %v, params %+v", err, first.Params)
	}
	if err := h.Advance(2 * time.Second); err != nil { // the next sign-in's auth_time is newer, without waiting
		t.Fatal(err)
	}
	zero := 0
	res, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: b.Opener(""), Resume: true,
		Params: auth.AuthorizeParams{MaxAge: &zero, Prompt: auth.PromptLogin}})
	if err != nil {
		t.Fatal(err)
	}
	if res.LoadedFrom != "" || res.Params == nil || res.Params.Sent.Prompt != auth.PromptLogin {
		t.Fatalf("resumed (%q) or no params: %+v", res.LoadedFrom, res.Params)
	}
	firstAuth, _, _ := (&auth.JWT{Claims: first.Claims}).TimeClaim("auth_time")
	if !res.Params.AuthTime.After(firstAuth) {
		t.Errorf("auth_time %v not after the first login's %v", res.Params.AuthTime, firstAuth)
	}
	got := map[string]check.Status{}
	for _, r := range res.ParamChecks {
		got[r.Name] = r.Status
	}
	if got["max_age"] != check.Pass || got["prompt=login"] != check.Pass || got["sent prompt"] != check.Pass {
		t.Errorf("checks %+v", res.ParamChecks)
	}
}
