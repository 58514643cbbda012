package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/store"
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

// The login's nonce outlives the first refresh (whose ID token has none) and
// a restart (it is kept): a later refreshed ID token with another nonce is
// still refused.
func TestTheLoginsNonceOutlivesRefreshesAndRestarts(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: h})
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	res := login(t, m, s, regionOf(t, cfg, "global"))
	nonce := res.Claim("nonce")
	ref, err := m.Refresh(context.Background(), res)
	if err != nil || ref.Result.Claim("nonce") != "" || ref.Result.Nonce != nonce {
		t.Fatalf("first refresh: %v; its ID token's nonce %q, the session's %q (want none and %q)", err, ref.Result.Claim("nonce"), ref.Result.Nonce, nonce)
	}
	if kept, _ := st.Load("global", cfg.ClientID); kept.Nonce != nonce {
		t.Fatalf("kept nonce %q, want the login's", kept.Nonce)
	}
	other := session.New(cfg, http.DefaultClient, st) // another process
	back, err := other.Resume(context.Background(), regionOf(t, cfg, "global"))
	if err != nil || back.Nonce != nonce {
		t.Fatalf("resumed: %v, nonce %q", err, back.Nonce)
	}
	if err := h.TamperRefresh(sim.TamperOtherNonce); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Refresh(context.Background(), back); err == nil || !strings.Contains(err.Error(), "nonce") {
		t.Fatalf("a resumed, once-refreshed session's refresh with another nonce: %v", err)
	}
}

// failingSave is a store whose Save fails after the first (a full disk).
type failingSave struct {
	store.Store
	saves int
}

func (f *failingSave) Save(s store.Session) error {
	if f.saves++; f.saves > 1 {
		return errors.New("no space left on device")
	}
	return f.Store.Save(s)
}

// A refresh that rotates the refresh token but cannot be kept says that the
// kept refresh token is now spent.
func TestARefreshThatCannotBeKeptSaysTheKeptTokenIsSpent(t *testing.T) {
	s, cfg := standIn(t, sim.Options{})
	st := &failingSave{Store: store.NewMemory()}
	m := session.New(cfg, http.DefaultClient, st)
	res := login(t, m, s, regionOf(t, cfg, "global"))
	ref, err := m.Refresh(context.Background(), res)
	if err != nil || !ref.Rotated {
		t.Fatalf("refresh: %v (rotated %v)", err, ref != nil && ref.Rotated)
	}
	notes := strings.Join(ref.Result.Notes, "\n")
	if !strings.Contains(notes, "could not be kept: no space left on device") || !strings.Contains(notes, "the refresh token that was kept is now spent") {
		t.Errorf("notes:\n%s", notes)
	}
}
