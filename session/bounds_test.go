package session_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/transport"
)

// A UserInfo answer that is a gzip bomb stops at the bound and says so,
// without taking the memory it would expand to (issue 22, item 17:
// go-oidc reads the whole body of what the HTTP client hands it).
func TestUserInfoBombIsBounded(t *testing.T) {
	hooks := &sim.Hooks{}
	s, cfg := standIn(t, sim.Options{Hooks: hooks})
	hc, err := transport.NewClient(transport.Options{Trace: transport.NewTrace()})
	if err != nil {
		t.Fatal(err)
	}
	m := session.New(cfg, hc, nil)
	res := login(t, m, s, regionOf(t, cfg, "global"))
	if err := hooks.SendBomb(sim.RequestUserinfo, 256<<20); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = m.UserInfo(context.Background(), res)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MB") || !strings.Contains(err.Error(), "/userinfo") {
		t.Fatalf("err = %v, want the userinfo answer named as too large", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("reading the userinfo answer allocated %d MB; the bound is 8 MB", grew>>20)
	}
}
