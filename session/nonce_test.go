package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"ssodesk/session"
	"ssodesk/sim"
)

// OIDC Core 12.2: a refreshed ID token whose nonce differs from the
// login's is refused, and the kept session stays as it was (issue 22,
// item 19); one that keeps the login's nonce is accepted.
func TestARefreshWithAnotherNonceIsRefused(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: h})
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	res := login(t, m, s, regionOf(t, cfg, "global"))
	if res.Claim("nonce") == "" {
		t.Fatal("the login's ID token has no nonce; the test proves nothing")
	}
	// The positive control: the stand-in's own refreshed ID token passes.
	if _, err := m.Refresh(context.Background(), res); err != nil {
		t.Fatalf("a plain refresh: %v", err)
	}
	res = login(t, m, s, regionOf(t, cfg, "global"))
	kept, _ := st.Load("global", cfg.ClientID)
	if err := h.TamperRefresh(sim.TamperOtherNonce); err != nil {
		t.Fatal(err)
	}
	_, err := m.Refresh(context.Background(), res)
	var refused *session.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "nonce") || !strings.Contains(err.Error(), "the previous session stays") {
		t.Fatalf("err = %v, want the refresh refused for its nonce", err)
	}
	if after, _ := st.Load("global", cfg.ClientID); after.IDToken != kept.IDToken {
		t.Error("the refused refresh replaced the kept session")
	}
}
