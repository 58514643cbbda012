package sampleapp

import (
	"net/url"
	"strconv"
)

// Scenario is what the single-page app does on one run: the knobs of its
// start page, encoded by [Apps.SPAURL] as query parameters. The zero value
// is the plain success: discovery, authorize at the global endpoint, token
// exchange in the browser, UserInfo and GET {api}/me.
type Scenario struct {
	// Foreign serves the page at Apps.Foreign, an origin that is not an
	// allowed CORS origin (its redirect URIs are registered): the IdP
	// answers the token request, the browser withholds the answer. On
	// Foreign the app uses static metadata (no discovery fetch, which CORS
	// would block first) unless Discovery is DiscoveryFetch.
	Foreign bool
	// Discovery is DiscoveryFetch (fetch the discovery document; default
	// except on Foreign) or DiscoveryStatic (configured endpoints, like
	// oidc-client-ts's metadata setting).
	Discovery string
	// Region is the endpoint to log in at (default sim.GlobalRegion).
	Region string
	// ExchangeRegion redeems the code at that region's token endpoint
	// instead of Region's.
	ExchangeRegion string
	// UnregisteredRedirect sends a redirect_uri that is not registered
	// (origin + "/unregistered-callback"): the IdP's error page.
	UnregisteredRedirect bool
	// ClientID replaces the app's client_id (an unknown one: the error page).
	ClientID string
	// ExtraScope is added to the requested scopes (one the client may not
	// request: the error page with invalid_scope).
	ExtraScope string
	// Prompt is the prompt parameter of the interactive authorize request.
	Prompt string
	// InFrame runs the interactive authorize in an iframe of the page: the
	// IdP's X-Frame-Options: SameOrigin makes the browser refuse its login
	// page.
	InFrame bool
	// Silent is SilentAfterLogin (a prompt=none renew in a hidden iframe
	// after the login) or SilentOnly (the renew alone, without a login).
	Silent string
	// Verifier is VerifierWrong (another code_verifier) or VerifierMissing
	// (none) in the token request.
	Verifier string
	// ExchangeTwice posts the same code a second time after the first
	// exchange succeeded.
	ExchangeTwice bool
	// APIRegion calls that region's API instead of the api claim's (a
	// token of another region: 401).
	APIRegion string
	// APIPath is the API route after the base URI (default "/me");
	// "/admin/tenants" needs a scope no token has (403).
	APIPath string
	// Loop makes the callback start the authorize request again this many
	// times (silently, through the SSO session) before the app gives up.
	Loop int
	// NoUserinfo and NoAPI skip the UserInfo and the API call.
	NoUserinfo, NoAPI bool
}

// Values of Scenario's knobs.
const (
	DiscoveryFetch   = "fetch"
	DiscoveryStatic  = "static"
	SilentAfterLogin = "after"
	SilentOnly       = "only"
	VerifierWrong    = "wrong"
	VerifierMissing  = "missing"
)

// query encodes s as the start page's query parameters (only those set).
func (s Scenario) query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	flag := func(k string, on bool) {
		if on {
			q.Set(k, "1")
		}
	}
	meta := s.Discovery
	if meta == "" && s.Foreign {
		meta = DiscoveryStatic
	}
	set("meta", meta)
	set("region", s.Region)
	set("exchange", s.ExchangeRegion)
	flag("unregistered", s.UnregisteredRedirect)
	set("client", s.ClientID)
	set("scope", s.ExtraScope)
	set("prompt", s.Prompt)
	flag("frame", s.InFrame)
	set("silent", s.Silent)
	set("verifier", s.Verifier)
	flag("twice", s.ExchangeTwice)
	set("apiregion", s.APIRegion)
	set("apipath", s.APIPath)
	if s.Loop > 0 {
		q.Set("loop", strconv.Itoa(s.Loop))
	}
	flag("nouserinfo", s.NoUserinfo)
	flag("noapi", s.NoAPI)
	return q
}

// SPAURL is the start page that runs s, at Apps.SPA (or Apps.Foreign).
func (a *Apps) SPAURL(s Scenario) string {
	base := a.SPA
	if s.Foreign {
		base = a.Foreign
	}
	u := base + "/"
	if q := s.query().Encode(); q != "" {
		u += "?" + q
	}
	return u
}

// WebScenario is what the server-side web app does on one sign-in.
type WebScenario struct {
	// Region is the endpoint to log in at (default sim.GlobalRegion).
	Region string
	// UnregisteredRedirect sends a redirect_uri that is not registered: the
	// IdP's error page.
	UnregisteredRedirect bool
}

// WebURL is the web app's home page with its "Sign in" link set up for s.
func (a *Apps) WebURL(s WebScenario) string {
	q := url.Values{}
	if s.Region != "" {
		q.Set("region", s.Region)
	}
	if s.UnregisteredRedirect {
		q.Set("unregistered", "1")
	}
	if len(q) == 0 {
		return a.Web + "/"
	}
	return a.Web + "/?" + q.Encode()
}
