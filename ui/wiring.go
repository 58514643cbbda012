package ui

import (
	"context"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/health"
	"ssodesk/session"
	"ssodesk/transport"
)

// NewCommon returns a Common for cfg with the real login, clock, HTTP
// client and trace, and the session manager for the configured store. It
// fails only on a bad CA bundle or store.
func NewCommon(cfg *config.Config) (*Common, error) {
	tr := transport.NewTrace()
	tr.SetLimit(config.PerfOf(cfg).TraceEntries)
	client, err := auth.HTTPClientFor(cfg, tr)
	if err != nil {
		return nil, err
	}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, HTTP: client, Trace: tr}
	// The health probe gets an untraced client: its polling is not the user's traffic.
	probe, err := auth.HTTPClientFor(cfg, nil)
	if err != nil {
		return nil, err
	}
	com.Health = health.NewCache(probe, allEndpoints(cfg), health.Options{}, health.DefaultTTL)
	st, err := session.OpenStore(cfg, false)
	if err != nil {
		return nil, err
	}
	com.UseSessions(session.New(cfg, client, st), nil)
	return com, nil
}

// allEndpoints are the endpoints of every environment (the picker shows
// them all, with their health).
func allEndpoints(cfg *config.Config) []config.Region {
	if len(cfg.Environments) == 0 {
		return cfg.Regions
	}
	var out []config.Region
	for _, e := range cfg.Environments {
		out = append(out, e.Endpoints...)
	}
	return out
}

// UseSessions routes the session work of the TUI (login, resume, switch,
// refresh, regional re-login) through m, opening logins with open (nil: the
// system browser).
func (com *Common) UseSessions(m *session.Manager, open auth.Opener) {
	com.Login = SessionLogin(m, open)
	com.Relogin = SessionRelogin(m, open)
	com.Refresh = m.Refresh
	com.Logout = func(ctx context.Context, res *auth.Result) []session.LogoutStep {
		return m.Logout(ctx, res, session.LogoutInput{PostLogoutRedirectURI: com.Cfg.For(res.Region).PostLogoutRedirectURI, Open: open})
	}
	com.Introspect = m.Introspect
	com.UserInfo, com.VerifyAccess = m.UserInfo, m.VerifyAccessToken
	com.Kept = func() map[string]bool { k, _ := m.KeptEndpoints(); return k }
}

// SessionLogin logs in through m: it resumes a kept session of the region
// instead (unless the user switches account) and m keeps verified logins.
func SessionLogin(m *session.Manager, open auth.Opener) LoginFunc {
	return func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		return m.Login(ctx, session.LoginInput{Region: req.Region, ForceChoose: req.ForceChoose, Resume: true,
			Progress: progress, Open: open})
	}
}

// SessionRelogin runs a regional re-login through m in the same browser as
// the login (whose IdP cookie makes prompt=none silent).
func SessionRelogin(m *session.Manager, open auth.Opener) ReloginFunc {
	return func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error) {
		return m.Relogin(ctx, first, session.ReloginInput{Progress: progress, Open: open})
	}
}

// defaultSessions fills what a test or caller left unset with a session
// manager for Cfg that keeps nothing.
func (com *Common) defaultSessions() {
	m := session.New(com.Cfg, com.HTTP, nil)
	if com.Login == nil {
		com.Login = SessionLogin(m, nil)
	}
	if com.Relogin == nil {
		com.Relogin = SessionRelogin(m, nil)
	}
	if com.Refresh == nil {
		com.Refresh = m.Refresh
	}
	if com.Logout == nil {
		com.Logout = func(ctx context.Context, res *auth.Result) []session.LogoutStep {
			return m.Logout(ctx, res, session.LogoutInput{PostLogoutRedirectURI: com.Cfg.PostLogoutRedirectURI})
		}
	}
	if com.Introspect == nil {
		com.Introspect = m.Introspect
	}
	if com.UserInfo == nil {
		com.UserInfo = m.UserInfo
	}
	if com.VerifyAccess == nil {
		com.VerifyAccess = m.VerifyAccessToken
	}
}
