package sim

import (
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// redirectURIs are the redirect URIs the demo (public) client is registered
// with, as HIMSA registers an app's: exact, except that a loopback URI
// registered without a port matches any port (RFC 8252 §7.3: a native app
// listens on a free port), on the same scheme, host and path. They cover
// ssodesk's default redirect_uri (http://127.0.0.1:0/callback, a random
// port); another path or host is refused like IdentityServer refuses it.
var redirectURIs = []string{
	"http://127.0.0.1/callback",
	"http://localhost/callback",
	"http://[::1]/callback",
}

// loopbackRedirectGlobs are the post-logout redirect URIs of the public
// client: any loopback http URI on any port and path. They are doublestar
// patterns (zitadel matches them with doublestar.Match, where '*' stops at
// '/' and '**' spans path segments, including none).
var loopbackRedirectGlobs = []string{
	"http://127.0.0.1:*/**",
	"http://127.0.0.1/**",
	"http://localhost:*/**",
	"http://localhost/**",
	`http://\[::1\]:*/**`,
	`http://\[::1\]/**`,
}

// redirectRegistered reports whether uri is one of registered: the same
// string, or, for a registered loopback URI without a port, the same
// scheme, host, path and query on any port.
func redirectRegistered(registered []string, uri string) bool {
	if slices.Contains(registered, uri) {
		return true
	}
	u, err := url.Parse(uri)
	if err != nil || u.Fragment != "" || u.User != nil {
		return false
	}
	for _, reg := range registered {
		r, err := url.Parse(reg)
		if err != nil || r.Port() != "" || !isLoopbackHost(r.Hostname()) {
			continue
		}
		if u.Scheme == r.Scheme && u.Hostname() == r.Hostname() && u.Path == r.Path && u.RawQuery == r.RawQuery {
			return true
		}
	}
	return false
}

func isLoopbackHost(h string) bool {
	ip := net.ParseIP(h)
	return h == "localhost" || ip != nil && ip.IsLoopback()
}

// clientKind distinguishes the two clients of the sim.
type clientKind int

const (
	publicClient       clientKind = iota // native app: PKCE, no secret
	serviceClient                        // service app: client credentials
	confidentialClient                   // PKCE with a secret per region (HIMSA: "different client secrets for each of your regions")
)

// interactive: the clients that log users in (code + PKCE).
func (k clientKind) interactive() bool { return k == publicClient || k == confidentialClient }

// client implements op.Client and op.HasRedirectGlobs. A value is built per
// request by the regional storage, so LoginURL points at that region's host.
type client struct {
	id              string
	kind            clientKind
	loginURL        string // e.g. http://127.0.0.1:PORT/login
	idTokenLifetime time.Duration
	app             *App // a registered browser app (Options.Apps), else nil
}

var _ op.HasRedirectGlobs = (*client)(nil)

// GetID implements op.Client.
func (c *client) GetID() string { return c.id }

// RedirectURIs implements op.Client: the public client's registration
// (see redirectURIs; authorizeChecks enforces it before zitadel does).
func (c *client) RedirectURIs() []string {
	if !c.kind.interactive() {
		return nil
	}
	if c.app != nil {
		return c.app.RedirectURIs
	}
	return redirectURIs
}

// redirectAllowed reports whether uri is a registered redirect URI: exactly
// one of an App's, or one of the demo clients' (see redirectRegistered).
func (c *client) redirectAllowed(uri string) bool {
	if c.app != nil {
		return slices.Contains(c.app.RedirectURIs, uri)
	}
	return redirectRegistered(c.RedirectURIs(), uri)
}

// scopeAllowed reports whether the client may request scope (IdentityServer
// checks every requested scope against the client's allowed scopes).
func (c *client) scopeAllowed(scope string) bool {
	if c.app != nil {
		return slices.Contains(c.app.Scopes, scope)
	}
	return slices.Contains(allowedScopes, scope)
}

// RedirectURIs returns the redirect URIs the public client is registered
// with; a loopback one without a port stands for any port.
func (s *Sim) RedirectURIs() []string { return slices.Clone(redirectURIs) }

// PostLogoutRedirectURIs implements op.Client: an App's, exact.
func (c *client) PostLogoutRedirectURIs() []string {
	if c.app != nil {
		return c.app.PostLogoutRedirectURIs
	}
	return nil
}

// RedirectURIGlobs implements op.HasRedirectGlobs: none, the redirect URIs
// are registered exactly.
func (c *client) RedirectURIGlobs() []string { return nil }

// PostLogoutRedirectURIGlobs implements op.HasRedirectGlobs: any loopback
// URI of the public client.
func (c *client) PostLogoutRedirectURIGlobs() []string {
	if !c.kind.interactive() || c.app != nil {
		return nil
	}
	return loopbackRedirectGlobs
}

// ApplicationType implements op.Client.
func (c *client) ApplicationType() op.ApplicationType {
	if c.kind == serviceClient || c.app != nil && c.kind == confidentialClient {
		return op.ApplicationTypeWeb // zitadel allows a confidential web client http redirect URIs
	}
	return op.ApplicationTypeNative // zitadel allows it http loopback redirect URIs
}

// AuthMethod implements op.Client.
func (c *client) AuthMethod() oidc.AuthMethod {
	switch c.kind {
	case serviceClient:
		return oidc.AuthMethodBasic
	case confidentialClient:
		return oidc.AuthMethodPost
	}
	return oidc.AuthMethodNone
}

// ResponseTypes implements op.Client.
func (c *client) ResponseTypes() []oidc.ResponseType {
	if c.kind == serviceClient {
		return nil
	}
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

// GrantTypes implements op.Client.
func (c *client) GrantTypes() []oidc.GrantType {
	if c.kind == serviceClient {
		return []oidc.GrantType{oidc.GrantTypeClientCredentials}
	}
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}

// LoginURL implements op.Client: the login page of the same region host.
func (c *client) LoginURL(authRequestID string) string {
	return c.loginURL + "?authRequestID=" + url.QueryEscape(authRequestID)
}

// AccessTokenType implements op.Client: JWTs, so the stand-in API can verify
// them offline.
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

// IDTokenLifetime implements op.Client.
func (c *client) IDTokenLifetime() time.Duration { return c.idTokenLifetime }

// DevMode implements op.Client.
func (c *client) DevMode() bool { return false }

// RestrictAdditionalIdTokenScopes implements op.Client (no restriction).
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// RestrictAdditionalAccessTokenScopes implements op.Client (no restriction).
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed implements op.Client: besides the standard OIDC scopes
// (which zitadel always keeps) only the Noah API scope is allowed.
func (c *client) IsScopeAllowed(scope string) bool {
	if c.app != nil {
		return c.scopeAllowed(scope)
	}
	return scope == APIScope
}

// IDTokenUserinfoClaimsAssertion implements op.Client. It is true so that
// name and email (scope profile/email) appear in the ID token even though an
// access token is issued alongside it.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

// ClockSkew implements op.Client.
func (c *client) ClockSkew() time.Duration { return 0 }
