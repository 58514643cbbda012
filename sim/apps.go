package sim

import (
	"fmt"
	"net/url"
	"slices"
)

// App is a browser app (another party's web or single-page app) registered
// with the stand-in through Options.Apps, as HIMSA registers one: served by
// every region's provider, with exact redirect URIs (an unregistered one gets
// the error page) and the origins whose browser-side requests get CORS
// answers (IdentityServer's AllowedCorsOrigins).
type App struct {
	// ClientID must be unique among the apps and the stand-in's own clients.
	ClientID string
	// Secret is the client secret of a confidential app (the same at every
	// region); "" makes the app public, which must use PKCE.
	Secret string
	// RedirectURIs are matched exactly (scheme, host, port, path, query).
	RedirectURIs []string
	// PostLogoutRedirectURIs are the URIs end-session may send the user
	// back to, matched exactly.
	PostLogoutRedirectURIs []string
	// AllowedCorsOrigins are origins ("http://127.0.0.1:PORT", no path)
	// whose fetches of discovery, JWKS, token, UserInfo, revocation,
	// end-session and the API get Access-Control-Allow-Origin.
	AllowedCorsOrigins []string
	// Scopes the app may request; default DefaultAppScopes.
	Scopes []string
}

// DefaultAppScopes are the scopes an App may request when App.Scopes is
// empty.
var DefaultAppScopes = []string{"openid", "profile", "offline_access", APIScope}

// The web app every stand-in registers besides its own clients (issue 24:
// another app's registration, checked and logged in as without that app):
// a public client (PKCE) with an https redirect URI ssodesk cannot listen
// on, a restricted scope list (no API scope, no offline_access: no refresh
// tokens).
const (
	WebAppClientID    = "acme-webapp"
	WebAppRedirectURI = "https://app.acme.example/signin-oidc"
)

// WebAppScopes are the scopes the web app may request.
var WebAppScopes = []string{"openid", "profile", "email"}

// webApp is the registration of WebAppClientID.
func webApp() App {
	return App{ClientID: WebAppClientID, RedirectURIs: []string{WebAppRedirectURI}, Scopes: slices.Clone(WebAppScopes),
		PostLogoutRedirectURIs: []string{"https://app.acme.example/signout-callback-oidc"}}
}

// appsWithDefaults checks the apps of o and returns copies with defaults,
// the web app (WebAppClientID) among them unless o has its own of that ID.
func appsWithDefaults(o Options) ([]App, error) {
	taken := map[string]bool{o.ClientID: true, o.ServiceClientID: true, o.ConfidentialClientID: true, APIScope: true}
	apps := o.Apps
	if !slices.ContainsFunc(apps, func(a App) bool { return a.ClientID == WebAppClientID }) {
		apps = append(slices.Clone(apps), webApp())
	}
	out := make([]App, 0, len(apps))
	for _, a := range apps {
		if a.ClientID == "" || taken[a.ClientID] {
			return nil, fmt.Errorf("sim: app client ID %q is empty or already taken", a.ClientID)
		}
		taken[a.ClientID] = true
		for _, origin := range a.AllowedCorsOrigins {
			if u, err := url.Parse(origin); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
				return nil, fmt.Errorf("sim: app %s: CORS origin %q is not scheme://host[:port]", a.ClientID, origin)
			}
		}
		a.RedirectURIs = slices.Clone(a.RedirectURIs)
		a.PostLogoutRedirectURIs = slices.Clone(a.PostLogoutRedirectURIs)
		a.AllowedCorsOrigins = slices.Clone(a.AllowedCorsOrigins)
		if len(a.Scopes) == 0 {
			a.Scopes = DefaultAppScopes
		}
		a.Scopes = slices.Clone(a.Scopes)
		out = append(out, a)
	}
	return out, nil
}

// app returns the registered App with clientID.
func (c *core) app(clientID string) (*App, bool) {
	for i := range c.opts.Apps {
		if c.opts.Apps[i].ClientID == clientID {
			return &c.opts.Apps[i], true
		}
	}
	return nil, false
}

// corsAllowed reports whether origin is an allowed CORS origin of any app.
func (c *core) corsAllowed(origin string) bool {
	for _, a := range c.opts.Apps {
		if slices.Contains(a.AllowedCorsOrigins, origin) {
			return true
		}
	}
	return false
}

// appClient is the op.Client of a registered App.
func (c *core) appClient(a *App, loginURL string) *client {
	kind := publicClient
	if a.Secret != "" {
		kind = confidentialClient
	}
	return &client{id: a.ClientID, kind: kind, loginURL: loginURL, idTokenLifetime: c.idTokenLifetime(), app: a}
}
