package ui

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/paginator"
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
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: func() time.Time { return now }}
	probes := health.NewCache(srv.Client(), cfg.Regions, health.Options{Timeout: 2 * time.Second}, time.Minute)
	svc := testServices(com.Cfg, nil)
	svc.Health = probes.Stream
	m := New(com, svc)
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = stepHealth(m, m.regionsScreen().Init()())
	wantAll(t, screenText(m), "✓ up", "✗ down: connection refused")
	m, cmd := press(m, "h")
	wantAll(t, screenText(m), "… checking")
	m = stepHealth(m, cmd())
	wantAll(t, screenText(m), "✓ up", "h check health")
}

// stepHealth steps m with msg and, as the program would, with every
// healthMsg of its probe's stream until it ends.
func stepHealth(m Model, msg tea.Msg) Model {
	for msg != nil {
		m = step(m, msg)
		hm, ok := msg.(healthMsg)
		if !ok || hm.stream == nil {
			return m
		}
		msg = hm.stream.next()
	}
	return m
}

// TestRegionHealthStreams: issue 22 item 10. Each endpoint's health shows
// as soon as its probe returns: with the global endpoint's result in and
// eu's not yet, the picker shows global's (and nothing for eu); eu's comes
// with the next message; a stream that a newer probe (h) replaced is dropped.
func TestRegionHealthStreams(t *testing.T) {
	cfg := testConfig()
	cfg.Regions = []config.Region{{Name: "global", Issuer: "http://127.0.0.1:1"}, {Name: "eu", Issuer: "http://127.0.0.1:2"}}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: func() time.Time { return now }}
	svc := testServices(com.Cfg, nil)
	streams := []chan health.Result{make(chan health.Result, 2), make(chan health.Result, 2)}
	probes := 0
	svc.Health = func(ctx context.Context, refresh bool) <-chan health.Result {
		probes++
		return streams[probes-1]
	}
	result := func(name string, ms int) health.Result {
		return health.Result{Region: name, Environment: cfg.Environment, Status: health.StatusOK, Latency: time.Duration(ms) * time.Millisecond, TLSVersion: "TLS 1.3"}
	}
	m := New(com, svc)
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	first := m.regionsScreen().Init()
	streams[0] <- result("global", 12)
	msg := first()
	m = step(m, msg)
	text := screenText(m)
	wantAll(t, text, "✓ up 12ms TLS 1.3")
	if strings.Contains(text, "✓ up 5400ms") || strings.Count(text, "✓ up") != 1 {
		t.Fatalf("eu shows health before its probe returned:\n%s", text)
	}
	streams[0] <- result("eu", 5400)
	close(streams[0])
	next := msg.(healthMsg).stream.next()
	m = step(m, next)
	wantAll(t, screenText(m), "✓ up 12ms", "✓ up 5.4s")
	if end := next.(healthMsg).stream.next(); end != nil {
		t.Errorf("after the last result: %#v", end)
	}

	// h starts a new probe: the old stream's late results are dropped.
	old := &healthStream{ch: make(chan health.Result), cancel: func() {}, gen: 0}
	m, cmd := press(m, "h")
	streams[1] <- result("eu", 30)
	m = step(m, healthMsg{results: []health.Result{result("global", 999)}, stream: old})
	if strings.Contains(screenText(m), "999ms") {
		t.Errorf("a replaced probe's result was shown:\n%s", screenText(m))
	}
	m = step(m, cmd())
	wantAll(t, screenText(m), "✓ up 30ms")
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
	client := auth.NewHTTPClient(time.Minute)
	login := realServices(cfg, client, session.New(cfg, client, st), nil).Login
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

// A long list of endpoints pages as "1/200", not a row of dots wider than
// the screen; a short one keeps its dots.
func TestManyEndpointsPageAsNumbers(t *testing.T) {
	m := step(New(benchRegionsCommon(1000), &Services{}), tea.WindowSizeMsg{Width: 80, Height: 24})
	// Arabic up front: the list's own fallback draws every dot first, on each
	// draw and layout change (most of the picker's start at 1000 endpoints).
	if p := m.regionsScreen().list.Paginator; p.TotalPages < 100 || p.Type != paginator.Arabic {
		t.Fatalf("1000 endpoints: %d pages, type %v, want arabic", p.TotalPages, p.Type)
	}
	screen := screenText(m)
	wantAll(t, screen, "Where do you want to log in?", fmt.Sprintf("1/%d", m.regionsScreen().list.Paginator.TotalPages))
	if strings.Contains(screen, "•••") {
		t.Errorf("the picker draws a dot per page:\n%s", screen)
	}
	// A dozen endpoints: a dot per page fits, and is drawn.
	m = step(New(benchRegionsCommon(12), &Services{}), tea.WindowSizeMsg{Width: 80, Height: 24})
	if p := m.regionsScreen().list.Paginator; p.TotalPages < 2 || p.Type != paginator.Dots {
		t.Errorf("12 endpoints: %d pages, type %v, want dots", p.TotalPages, p.Type)
	}
	if dots := strings.Repeat("•", m.regionsScreen().list.Paginator.TotalPages); !strings.Contains(screenText(m), dots) {
		t.Errorf("no %s on the screen:\n%s", dots, screenText(m))
	}
	// Narrowed below a dot per page: numbers at once, at the new width.
	m = step(m, tea.WindowSizeMsg{Width: m.regionsScreen().list.Paginator.TotalPages - 1, Height: 24})
	if p := m.regionsScreen().list.Paginator; p.Type != paginator.Arabic {
		t.Errorf("%d pages at width %d: type %v, want arabic", p.TotalPages, m.regionsScreen().list.Width(), p.Type)
	}
}
