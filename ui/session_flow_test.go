package ui

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/store"
)

// holdRefresh holds refresh requests on their way to the stand-in until
// released, so key presses can be made while one runs.
type holdRefresh struct {
	held    atomic.Bool
	release chan struct{}
}

func (h *holdRefresh) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.held.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
		<-h.release
	}
	return http.DefaultTransport.RoundTrip(r)
}

// The TUI's r goes through the session layer: five presses while a refresh
// runs make one refresh request (counted at the stand-in), and the refresh
// is kept, so a new process resumes the rotated session and can refresh it.
func TestRefreshInTheTUIIsKeptAndRunsOnce(t *testing.T) {
	h := &sim.Hooks{}
	s, cfg := startStandIn(t, sim.Options{Hooks: h})
	cfg.OfflineAccess = true
	st := store.NewFile(t.TempDir())
	hold := &holdRefresh{release: make(chan struct{})}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, Demo: true}
	client := &http.Client{Transport: hold}
	account := s.Accounts()[0]
	svc := realServices(cfg, client, session.New(cfg, client, st), sim.NewBrowser().Opener(account.ID))

	tm := teatest.NewTestModel(t, New(com, svc), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "global")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "Code prefix")
	before := h.Requests("global", sim.RequestTokenRefresh)
	hold.held.Store(true)
	for range 5 {
		tm.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
	}
	waitFor(t, tm, "still refreshing")
	close(hold.release)
	waitFor(t, tm, "rotated")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if n := h.Requests("global", sim.RequestTokenRefresh) - before; n != 1 {
		t.Fatalf("five presses of r made %d refresh requests, want 1", n)
	}

	// A new process: the kept session is the refreshed one.
	next := session.New(cfg, nil, st)
	g, _ := cfg.FindRegion("global")
	res, err := next.Resume(context.Background(), g)
	if err != nil {
		t.Fatalf("resume after the TUI's refresh: %v", err)
	}
	if _, err := next.Refresh(context.Background(), res); err != nil {
		t.Fatalf("the kept refresh token was spent: %v", err)
	}
}
