package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"ssodesk/config"
	"ssodesk/session"
	"ssodesk/sim"
)

// Five presses of r while a refresh runs make one token request (counted at
// the stand-in); every caller gets the one outcome.
func TestConcurrentRefreshesMakeOneRequest(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: h})
	g := &gate{arrived: make(chan struct{}, 10), release: make(chan struct{})}
	m := session.New(cfg, &http.Client{Transport: g}, nil) // no store: only the single flight can save the day
	res := login(t, m, s, regionOf(t, cfg, "global"))
	before := h.Requests("global", "token:refresh")

	g.holding.Store(true) // refresh requests wait until released, so all five overlap
	var wg sync.WaitGroup
	outs := make([]string, 5)
	errs := make([]error, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref, err := m.Refresh(context.Background(), res)
			if err == nil {
				outs[i] = ref.Result.Token.AccessToken
			}
			errs[i] = err
		}()
	}
	<-g.arrived
	session.WaitCallers(m, res, 5) // the other four have joined the one in flight
	close(g.release)
	wg.Wait()
	for i := range 5 {
		if errs[i] != nil {
			t.Fatalf("refresh %d: %v", i, errs[i])
		}
		if outs[i] != outs[0] {
			t.Errorf("refresh %d got another access token", i)
		}
	}
	if n := h.Requests("global", "token:refresh") - before; n != 1 {
		t.Fatalf("the stand-in received %d refresh requests, want 1", n)
	}
}

// gate holds refresh requests on their way to the stand-in while holding.
type gate struct {
	holding atomic.Bool
	arrived chan struct{}
	release chan struct{}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if g.holding.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
		g.arrived <- struct{}{}
		<-g.release
	}
	return http.DefaultTransport.RoundTrip(r)
}

// OIDC Core 12.2: a refreshed ID token keeps iss and sub, and verifies;
// otherwise the refresh is refused and the kept session stays as it was.
func TestARefreshThatChangesTheUserOrDoesNotVerifyIsRefused(t *testing.T) {
	for _, tc := range []struct{ mode, want string }{
		{"other-sub", "names another user"},
		{"bad-signature", "did not verify"},
		{"other-iss", "another issuer"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			h := &sim.Hooks{}
			s, cfg := standIn(t, sim.Options{Hooks: h})
			st := fileStore(t)
			m := session.New(cfg, http.DefaultClient, st)
			global := regionOf(t, cfg, "global")
			res := login(t, m, s, global)
			kept, _ := st.Load("global", cfg.ClientID)

			if err := h.TamperRefresh(tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := m.Refresh(context.Background(), res)
			var refused *session.RefusedError
			if !errors.As(err, &refused) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "the previous session stays") {
				t.Fatalf("err = %v, want a refusal saying %q", err, tc.want)
			}
			after, _ := st.Load("global", cfg.ClientID)
			if after.AccessToken != kept.AccessToken || after.IDToken != kept.IDToken {
				t.Error("the refused refresh replaced the kept session")
			}
		})
	}
}

// The demo's config keeps sessions in memory only, whatever the user's store.
func TestDemoNeverOpensTheUsersStore(t *testing.T) {
	dir := t.TempDir()
	cfg := (&config.Config{Store: config.StoreFile, StoreDir: dir, Region: "global"}).ForDemo("demo",
		config.Environment{Name: "production", Endpoints: []config.Region{{Name: "global", Issuer: "http://127.0.0.1:1", Global: true}}})
	st, err := session.OpenStore(cfg, false)
	if err != nil || st == nil || !strings.HasPrefix(st.Where(), "memory") {
		t.Fatalf("demo store = %v, %v; want memory", st, err)
	}
}
