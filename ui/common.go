// Package ui is ssodesk's terminal interface (Bubble Tea v2). It holds no
// protocol logic: it runs auth and api calls inside tea.Cmds and renders
// their results. The root Model is a small state machine over child screens
// (regions → login → session); each screen has Update, View, SetSize and
// its own KeyMap, and shares one *Common.
package ui

import (
	"context"
	"net/http"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/transport"
)

// LoginRequest is what the UI asks a LoginFunc for.
type LoginRequest struct {
	Region      config.Region
	ForceChoose bool // HIMSA forcechoose: show the account chooser (switch account)
}

// LoginFunc runs one login, reporting progress. It runs inside a tea.Cmd,
// never in Update. On a verification failure it returns the Result too.
type LoginFunc func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error)

// Common is the state every screen shares, passed by pointer.
type Common struct {
	Cfg    *config.Config
	Styles *Styles
	Width  int
	Height int
	// Demo marks a session against the built-in stand-in.
	Demo bool
	// Login runs a login; DefaultLogin(Cfg) unless a test or demo wires another.
	Login LoginFunc
	// Now is the clock for relative times (tests fix it).
	Now func() time.Time
	// HTTP is the client for every call of the run (login and API), and
	// Trace records what it sends, redacted.
	HTTP  *http.Client
	Trace *transport.Trace
}

// NewCommon returns a Common for cfg with the real login, clock, HTTP
// client and trace. It fails only on a bad CA bundle.
func NewCommon(cfg *config.Config) (*Common, error) {
	tr := transport.NewTrace()
	client, err := auth.HTTPClientFor(cfg, tr)
	if err != nil {
		return nil, err
	}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, HTTP: client, Trace: tr}
	com.Login = DefaultLogin(cfg, client)
	return com, nil
}

// DefaultLogin logs in with auth.Login using cfg and client, opening the
// system browser.
func DefaultLogin(cfg *config.Config, client *http.Client) LoginFunc {
	return func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		o := auth.OptionsFrom(cfg, req.Region, client)
		o.ForceChoose = req.ForceChoose
		o.Progress = progress
		return auth.Login(ctx, o)
	}
}
