package session_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ssodesk/flow"
	"ssodesk/session"
	"ssodesk/sim"
)

// A HAR's tokens are verified against the endpoint's keys as of their use:
// a token used an hour ago that has expired since still verifies; a
// tampered one does not; with the IdP gone the keys are unavailable (not a
// failure of the token); an IdP that is not configured is not verified.
func TestVerifyFoundTokens(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	global := regionOf(t, cfg, "global")
	m := session.New(cfg, http.DefaultClient, nil)
	res := login(t, m, s, global)
	used := time.Now()
	where := &flow.Exchange{Start: used}
	l := &flow.Login{Endpoint: global, ClientID: cfg.ClientID, Nonce: res.Nonce, Tokens: []flow.FoundToken{
		{Kind: "id_token", Raw: res.RawIDToken, Where: where}, {Kind: "code", Raw: "eu.not-a-jwt", Where: where}}}
	m.Now = func() time.Time { return used.Add(48 * time.Hour) }
	got := session.New(cfg, http.DefaultClient, nil).VerifyFound(context.Background(), l)
	if rep := got[res.RawIDToken]; rep == nil || !rep.OK() || len(got) != 1 {
		t.Fatalf("verification of the ID token as of its use: %+v (%d reports)", rep, len(got))
	}

	tampered := res.RawIDToken[:len(res.RawIDToken)-4] + "AAAA"
	l.Tokens = []flow.FoundToken{{Kind: "id_token", Raw: tampered, Where: where}}
	if rep := m.VerifyFound(context.Background(), l)[tampered]; rep == nil || rep.OK() || rep.KeysUnavailable {
		t.Errorf("a tampered token: %+v", rep)
	}

	l.Tokens = []flow.FoundToken{{Kind: "id_token", Raw: res.RawIDToken, Where: where}}
	s.Close()
	if rep := session.New(cfg, http.DefaultClient, nil).VerifyFound(context.Background(), l)[res.RawIDToken]; rep == nil || rep.OK() || !rep.KeysUnavailable {
		t.Errorf("with the IdP gone: %+v", rep)
	}
	l.Endpoint.Issuer = ""
	if got := m.VerifyFound(context.Background(), l); len(got) != 0 {
		t.Errorf("an IdP that is not configured was verified: %v", got)
	}
}
