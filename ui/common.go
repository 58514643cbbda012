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
	"ssodesk/health"
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

// RefreshFunc trades a session's refresh token for new tokens. It runs
// inside a tea.Cmd, never in Update. session.Manager.Refresh is the real one:
// it joins a refresh already running and keeps the result.
type RefreshFunc func(ctx context.Context, res *auth.Result) (*auth.Refreshed, error)

// ReloginFunc runs a regional re-login after first, a login through the
// global endpoint (HIMSA 2a; see auth.RegionalRelogin), reporting progress.
// It runs inside a tea.Cmd, never in Update.
type ReloginFunc func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error)

// UserInfoFunc fetches a session's userinfo, VerifyFunc verifies its access
// token (nil for an opaque one); both run inside a tea.Cmd.
type (
	UserInfoFunc func(ctx context.Context, res *auth.Result) (*auth.UserInfo, error)
	VerifyFunc   func(ctx context.Context, res *auth.Result) *auth.Report
)

// Common is the state every screen shares, passed by pointer.
type Common struct {
	Cfg    *config.Config
	Styles *Styles
	Width  int
	Height int
	// Demo marks a session against the built-in stand-in.
	Demo bool
	// Login runs a login (or resumes a kept session); Relogin runs a
	// regional re-login (g on the session screen) in the same browser. Both
	// go through the session layer (UseSessions) unless a test wires others.
	Login   LoginFunc
	Relogin ReloginFunc
	// Refresh refreshes a session (r on the session screen, the console's
	// refresh-and-retry); the session manager's unless a test wires another.
	Refresh RefreshFunc
	// Logout ends a session at the IdP and here (L on the session screen);
	// Introspect asks the IdP about an access token (the Access token tab).
	Logout     LogoutFunc
	Introspect IntrospectFunc
	// UserInfo and VerifyAccess ask the IdP about a session (u, the
	// Access token tab).
	UserInfo     UserInfoFunc
	VerifyAccess VerifyFunc
	// Kept says which endpoints have a kept session ("env/name"), for the
	// picker's marks; nil shows none.
	Kept func() map[string]bool
	// Now is the clock for relative times (tests fix it).
	Now func() time.Time
	// WorkDir is where relative file names (a HAR export) go; New sets it
	// to the working directory unless a test fixes it.
	WorkDir string
	// HTTP is the client for every call of the run (login and API), and
	// Trace records what it sends, redacted.
	HTTP  *http.Client
	Trace *transport.Trace
	// Health feeds the region picker's health column; nil shows none.
	Health *health.Cache
}
