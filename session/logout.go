package session

import (
	"cmp"
	"context"
	"errors"
	"ssodesk/timefmt"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"

	"golang.org/x/oauth2"
)

// step is a logout step's row.
func step(name string, st check.Status, detail string) LogoutStep {
	return check.Row{Name: name, Status: st, Detail: detail}
}

// LogoutStep is one step of a logout and how it went (✓ done, ✗ failed,
// – not done, with the reason; ! done but not confirmed).
type LogoutStep = check.Row

// LogoutInput says how far a logout goes.
type LogoutInput struct {
	// Local only deletes the kept session: nothing is sent to the IdP.
	Local bool
	// Verify tries the refresh token after revoking it: IdentityServer
	// answers 200 to any revocation, so only invalid_grant proves it.
	Verify bool
	// Open opens the end-session URL (nil: the system browser).
	Open auth.Opener
	// PostLogoutRedirectURI is where the IdP sends the browser back: this,
	// else the post_logout_redirect_uri of the session's environment; a
	// loopback one is listened on and its state checked. Neither: none is sent.
	PostLogoutRedirectURI string
	// Wait bounds the wait for that return (default 2 minutes).
	Wait time.Duration
}

// Logout ends res at the IdP and here: (a) revokes its refresh token, and
// its access token when that is a reference (opaque) one, at the
// revocation endpoint (RFC 7009); (b) opens the end-session endpoint in the
// browser with id_token_hint and state (OIDC RP-Initiated Logout), so the
// IdP's browser session ends too; (c) deletes the kept session. Every step
// is reported, done or not and why.
func (m *Manager) Logout(ctx context.Context, res *auth.Result, in LogoutInput) []LogoutStep {
	var steps []LogoutStep
	add := func(name string, st check.Status, detail string) { steps = append(steps, step(name, st, detail)) }
	if !in.Local {
		eps, err := m.clientOf(res).Endpoints(ctx, res)
		if err != nil {
			add("revoke the tokens", check.Fail, err.Error())
		} else {
			steps = append(steps, m.revoke(ctx, res, eps)...)
			steps = append(steps, m.endSession(ctx, res, eps, in))
		}
	}
	switch err := m.Forget(res.Region); {
	case errors.Is(err, ErrNoSession) && m.st == nil:
		add("delete the kept session", check.Skip, "session storage is off: nothing was kept")
	case errors.Is(err, ErrNoSession):
		add("delete the kept session", check.Skip, "nothing was kept for "+res.Region.Name+" in "+m.Where())
	case err != nil:
		add("delete the kept session", check.Fail, err.Error())
	default:
		add("delete the kept session", check.Pass, "deleted from "+m.Where())
	}
	if in.Verify && !in.Local && res.Token != nil && res.Token.RefreshToken != "" {
		steps = append(steps, verifyRevoked(ctx, m.clientOf(res), res))
	}
	return steps
}

// revoke revokes the refresh token, and an opaque access token.
func (m *Manager) revoke(ctx context.Context, res *auth.Result, eps auth.Endpoints) []LogoutStep {
	one := func(name, token, hint string) LogoutStep {
		switch {
		case token == "":
			return step(name, check.Skip, "there is none")
		case eps.Revocation == "":
			return step(name, check.Skip, "no revocation_endpoint in discovery")
		}
		if err := m.clientOf(res).Revoke(ctx, res, eps.Revocation, token, hint); err != nil {
			return step(name, check.Fail, err.Error())
		}
		return step(name, check.Pass, "revoked at "+eps.Revocation+explain.If(hint == "refresh_token",
			" (the IdP answers 200 even for a token it does not know: --verify proves it)", ""))
	}
	refresh, access := "", ""
	if res.Token != nil {
		refresh, access = res.Token.RefreshToken, res.Token.AccessToken
	}
	out := []LogoutStep{one("revoke the refresh token", refresh, "refresh_token")}
	if kind, _, _ := auth.ClassifyToken(access); kind == auth.TokenJWT {
		exp := "when it expires"
		if !res.Token.Expiry.IsZero() {
			exp = "at " + timefmt.Clock(res.Token.Expiry)
		}
		return append(out, step("revoke the access token", check.Skip, "a JWT access token cannot be revoked; it stays valid until it expires "+exp))
	}
	return append(out, one("revoke the access token", access, "access_token"))
}

// endSession opens the end-session endpoint, and waits for the browser's
// return when the post-logout URI is one this machine can listen on.
func (m *Manager) endSession(ctx context.Context, res *auth.Result, eps auth.Endpoints, in LogoutInput) LogoutStep {
	const name = "end the IdP session"
	if eps.EndSession == "" {
		return step(name, check.Skip, "no end_session_endpoint in discovery")
	}
	open := in.Open
	if open == nil {
		open = auth.OpenBrowser
	}
	var ret *auth.LogoutReturn
	req := res.EndSessionURL(eps.EndSession, "", "")
	if uri := cmp.Or(in.PostLogoutRedirectURI, m.postLogoutURI(res)); uri != "" {
		var err error
		if ret, err = auth.ListenLogoutReturn(uri, req.State); err != nil {
			return step(name, check.Fail, err.Error())
		}
		defer ret.Close()
		req = res.EndSessionURL(eps.EndSession, ret.URI, req.State)
	}
	if err := open(ctx, req.URL); err != nil {
		return step(name, check.Fail, "the browser did not open ("+err.Error()+"); open this URL yourself: "+req.URL)
	}
	if ret == nil {
		return step(name, check.Warn, "opened "+eps.EndSession+" in the browser; set post_logout_redirect_uri to see the IdP confirm it")
	}
	if err := ret.Wait(ctx, cmp.Or(in.Wait, 2*time.Minute)); err != nil {
		return step(name, check.Fail, err.Error()+" (the IdP ignores a post_logout_redirect_uri that is not registered for the client)")
	}
	return step(name, check.Pass, "the IdP ended its session and sent the browser back to "+ret.URI+" (state ✓)")
}

// postLogoutURI is the post_logout_redirect_uri of res's environment.
func (m *Manager) postLogoutURI(res *auth.Result) string {
	c, err := m.cfg.For(res.Region)
	if err != nil {
		return ""
	}
	return c.PostLogoutRedirectURI
}

// verifyRevoked tries the refresh token: invalid_grant proves it revoked.
func verifyRevoked(ctx context.Context, c Client, res *auth.Result) LogoutStep {
	const name = "verify the revocation"
	_, err := c.Refresh(ctx, res)
	switch {
	case err == nil:
		return step(name, check.Fail, "the old refresh token still works: the IdP did not revoke it")
	case auth.RefreshRefused(err):
		return step(name, check.Pass, "the old refresh token is refused (invalid_grant): it is revoked")
	}
	return step(name, check.Warn, "could not tell: "+err.Error())
}

// ErrNoIntrospection: no API resource is configured to introspect with.
var ErrNoIntrospection = errors.New("introspection is not configured: set introspection.resource and introspection.secret_file " +
	"(the API resource's name and secret: IdentityServer lets the API, not the client, introspect)")

// Introspect asks the IdP about token (RFC 7662), as the configured API
// resource, at the introspection endpoint of the issuer of res.
func (m *Manager) Introspect(ctx context.Context, res *auth.Result, token string) (*auth.Introspection, error) {
	c, err := m.cfg.For(res.Region)
	if err != nil {
		return nil, err
	}
	in := c.Introspection
	if in.Resource == "" {
		return nil, ErrNoIntrospection
	}
	eps, err := m.clientOf(res).Endpoints(ctx, res)
	if err != nil {
		return nil, err
	}
	if eps.Introspection == "" {
		return nil, errors.New("the IdP's discovery names no introspection_endpoint")
	}
	return m.clientOf(res).Introspect(ctx, res, eps.Introspection, token, in.Resource, in.Secret)
}

// IntrospectToken asks region's IdP about any token (as Introspect does).
func (m *Manager) IntrospectToken(ctx context.Context, region config.Region, token string) (*auth.Introspection, error) {
	res, err := m.client(region).Restore(ctx, &oauth2.Token{AccessToken: token}, "", "", nil)
	if err != nil {
		return nil, err
	}
	return m.Introspect(ctx, res, token)
}
