package ui

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ssodesk/auth"
	"ssodesk/sim"
)

// TestFlowAgainstStandIn runs the real program: pick the global region, log
// in through the stand-in (its scripted browser picks an EU account), see the
// summary, refresh (the stand-in rotates the refresh token), quit.
func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(20*time.Second))
}

func TestFlowAgainstStandIn(t *testing.T) {
	var apiSkew atomic.Int64 // how far the stand-in API's clock is ahead
	s, cfg := startStandIn(t, sim.Options{APINow: func() time.Time { return time.Now().Add(time.Duration(apiSkew.Load())) }})
	cfg.OfflineAccess = true
	var acct sim.Account
	for _, a := range s.Accounts() {
		if a.Region == "eu" {
			acct = a
			break
		}
	}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, Demo: true}
	svc := testServices(cfg, nil)
	svc.Login = func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		o, err := auth.OptionsFrom(cfg, req.Region, nil)
		if err != nil {
			return nil, err
		}
		o.ForceChoose = req.ForceChoose
		o.Progress = progress
		o.Open = func(ctx context.Context, u string) error {
			go func() { _, _, _ = sim.NewBrowser().Login(ctx, u, acct.Email) }()
			return nil
		}
		return auth.Login(ctx, o)
	}

	tm := teatest.NewTestModel(t, New(com, svc), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("global")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Code prefix")) },
		teatest.WithDuration(20*time.Second))
	// Refresh against the stand-in: it rotates the refresh token.
	tm.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
	waitFor(t, tm, "rotated")

	// The API console: a call with the token works...
	tm.Send(tea.KeyPressMsg{Code: 'a', Text: "a"})
	waitFor(t, tm, "No call yet")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "200 OK")
	// ...until the token is expired for the API: the console says so and
	// offers refresh-and-retry, which works once the API's clock is back.
	apiSkew.Store(int64(2 * time.Hour))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "Press R to refresh")
	apiSkew.Store(0)
	tm.Send(tea.KeyPressMsg{Code: 'R', Text: "R"})
	waitFor(t, tm, "call 3 of 3")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	waitFor(t, tm, "Code prefix") // esc's intent comes back through a Cmd: wait for the session
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)

	if final.active != screenSession {
		t.Fatalf("final screen = %v, want session", final.active)
	}
	view := screenText(final)
	if final.consoleScreen().history[2].resp.Status != 200 {
		t.Errorf("refresh-and-retry got %s", final.consoleScreen().history[2].resp.StatusText())
	}
	if final.sessionScreen().lastRefresh == nil || final.sessionScreen().res.Token.AccessToken != final.consoleScreen().res.Token.AccessToken {
		t.Error("the console's refresh did not reach the session screen")
	}
	for _, want := range []string{"Logged in as " + acct.Name, acct.TenantID, "Code prefix    eu", "You chose      global",
		"refresh token rotated", "Last refresh"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
}
