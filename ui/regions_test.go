package ui

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/health"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/store"
)

func TestRegionHealthColumn(t *testing.T) {
	var up string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q}`, up)
	}))
	defer srv.Close()
	up = srv.URL
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()

	cfg := testConfig()
	cfg.Regions = []config.Region{{Name: "global", Issuer: up}, {Name: "eu", Issuer: down}}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Login: noLogin, Now: func() time.Time { return now },
		Health: health.NewCache(srv.Client(), cfg.Regions, health.Options{Timeout: 2 * time.Second}, time.Minute)}
	m := New(com)
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = step(m, m.regions.Init()())
	wantAll(t, screenText(m), "✓ up", "✗ down: connection refused")
	m, cmd := press(m, "h")
	wantAll(t, screenText(m), "… checking")
	m = step(m, cmd())
	wantAll(t, screenText(m), "✓ up", "h check health")
}

func TestKeptSessionIsResumed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, cfg := startStandIn(t, sim.Options{})
	g, _ := cfg.FindRegion("global")
	st := store.NewFile(t.TempDir())
	first, err := session.New(cfg, nil, st).Login(ctx, session.LoginInput{Region: g, Open: func(ctx context.Context, u string) error {
		go func() { _, _, _ = sim.NewBrowser().Login(ctx, u, "") }()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	login := SessionLogin(session.New(cfg, auth.NewHTTPClient(time.Minute), st), nil)
	// No browser may open: the kept session is resumed.
	t.Setenv("BROWSER", "false")
	res, err := login(ctx, LoginRequest{Region: g}, func(auth.Event) {})
	if err != nil || res.LoadedFrom == "" || res.Token.AccessToken != first.Token.AccessToken || !res.Verified() {
		t.Fatalf("resume: %v, loaded from %q", err, res.LoadedFrom)
	}
	m := loginModelAt(t, 100, 30)
	m = step(m, loginDoneMsg{id: m.run.id, res: res})
	wantAll(t, screenText(m), "loaded the kept session (file "+st.Where()[len("file "):])
}
