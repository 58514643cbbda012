package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
)

// TestFlowAgainstStandIn runs the real program: pick the global region, log
// in through the stand-in (its scripted browser picks an EU account), see the
// summary, refresh (the stand-in rotates the refresh token), quit.
func TestFlowAgainstStandIn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var regions []config.Region
	for _, r := range s.Regions() {
		regions = append(regions, config.Region{Name: r.Name, Issuer: r.Issuer})
	}
	cfg := testConfig().ForDemo(regions, s.ClientID())
	cfg.OfflineAccess = true
	var acct sim.Account
	for _, a := range s.Accounts() {
		if a.Region == "eu" {
			acct = a
			break
		}
	}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, Demo: true}
	com.Login = func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		o := auth.OptionsFrom(cfg, req.Region)
		o.ForceChoose = req.ForceChoose
		o.Progress = progress
		o.Open = func(ctx context.Context, u string) error {
			go func() { _, _, _ = sim.NewBrowser().Login(ctx, u, acct.Email) }()
			return nil
		}
		return auth.Login(ctx, o)
	}

	tm := teatest.NewTestModel(t, New(com), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("global")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Code prefix")) },
		teatest.WithDuration(20*time.Second))
	// Refresh against the stand-in: it rotates the refresh token.
	tm.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("rotated")) },
		teatest.WithDuration(20*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)

	if final.screen != screenSession {
		t.Fatalf("final screen = %v, want session", final.screen)
	}
	view := screenText(final)
	for _, want := range []string{"Logged in as " + acct.Name, acct.TenantID, "Code prefix    eu", "You chose      global",
		"refresh token rotated", "Last refresh"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
}
