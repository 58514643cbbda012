package session

import (
	"context"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

// VerifyToken verifies raw, a token given outside a session (ssodesk
// decode --verify, a token pasted in the TUI), against the issuers of the
// manager's environment: its global endpoint and regions are the
// allow-list, the other environments' issuers are named as such (a token
// of another environment fails, naming both), and an issuer of neither is
// not trusted (its keys are not fetched). With endpoint, the token is
// expected from that endpoint. It is checked as an ID token of the
// configured client, or — typ at+jwt, or an audience without this client —
// as an access token: signature, issuer and times checked, its audience
// shown, not failed. Nothing is sent with the token: only the issuer's
// discovery and keys are read.
func (m *Manager) VerifyToken(ctx context.Context, raw string, endpoint *config.Region) *auth.Report {
	cfg := m.cfg
	title := cfg.Environment
	for _, e := range cfg.Envs() {
		if e.Name == cfg.Environment {
			title = e.Title()
		}
	}
	expect := auth.Expect{ClientID: cfg.ClientID}
	if t, err := auth.DecodeJWT(raw); err == nil && t.IsAccessToken(cfg.ClientID) {
		expect = auth.Expect{}
	}
	if endpoint != nil {
		expect.Endpoint = *endpoint
	}
	v := auth.NewVerifier(m.http, cfg.TrustedIssuers(), cfg.Leeway)
	v.Foreign, v.EnvTitle = cfg.ForeignIssuers(), title
	v.Against = explain.If(title == cfg.Environment, title, title+" (--env "+cfg.Environment+")")
	return v.Verify(ctx, raw, expect)
}

// OwnRegistration is the baseline of another app's check (CheckApp):
// cfg's own client, asking for openid, when it is a loopback one that is
// not app's; nil otherwise (the probes start from the bare request then).
func OwnRegistration(cfg *config.Config, app auth.AuthorizeRequest) *auth.AuthorizeRequest {
	if cfg == nil || cfg.ClientID == "" || cfg.ClientID == app.ClientID && cfg.RedirectURI == app.RedirectURI || !config.IsLoopbackRedirect(cfg.RedirectURI) {
		return nil
	}
	return &auth.AuthorizeRequest{ClientID: cfg.ClientID, RedirectURI: cfg.RedirectURI, Scopes: []string{"openid"}}
}
