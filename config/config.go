// Package config loads ssodesk's settings from the config file
// ($XDG_CONFIG_HOME/ssodesk/config.yaml or --config), SSODESK_* environment
// variables and command-line flags, in rising priority, and validates them.
// It has no UI and no network code.
//
// Environments are the one representation of endpoints: Load translates the
// flat shape (a top-level regions: list) into the selected environment once.
// The flat fields of Config (ClientID, Regions, …) are a view of the
// selected environment that apply() sets; For gives the view of another
// endpoint's environment (an error for one the config lacks), Envs and
// Endpoints walk them all, and EndpointID is an endpoint's identity.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Config is the validated, effective configuration.
type Config struct {
	// File is the config file that was read; "" when none exists.
	File string `json:"file,omitempty"`
	// Warnings are things about the configuration a person should fix (a
	// secret in a file others can read); the CLI prints them.
	Warnings []string `json:"-"`
	// ClientID is the app's client ID supplied by HIMSA.
	ClientID string `json:"client_id"`
	// ClientSecret is only set when HIMSA issued one; never printed.
	ClientSecret string `json:"-"`
	// RedirectURI is the redirect URI HIMSA whitelisted: ssodesk's own
	// loopback one (it listens there; see ParseRedirectURI), or another
	// app's (any absolute URI, ParseAppRedirectURI: a login then takes the
	// address-bar URL pasted back, and check sends that app's request). Port 0 means
	// a random free port.
	RedirectURI string `json:"redirect_uri"`
	// Scopes requested, without offline_access (see OfflineAccess).
	Scopes []string `json:"scopes"`
	// OfflineAccess adds the offline_access scope (refresh tokens, when HIMSA
	// enabled them for the app).
	OfflineAccess bool `json:"offline_access"`
	// CultureLCID localises the HIMSA login site (e.g. 1033 en-US); 0 = not sent.
	CultureLCID int `json:"culture_lcid,omitempty"`
	// UILocales (OIDC ui_locales, space-separated) and ACRValues (OIDC
	// acr_values; IdentityServer's idp:NAME and tenant:NAME) are sent with
	// every login; "" = not sent.
	UILocales string `json:"ui_locales,omitempty"`
	ACRValues string `json:"acr_values,omitempty"`
	// Environment is the selected environment (production, qa, your own);
	// Environments are all of them, built-in and the config's.
	Environment  string        `json:"environment"`
	Environments []Environment `json:"environments"`
	// Region is the endpoint selected when the app starts, in Environment.
	Region string `json:"region"`
	// Regions are the endpoints of the selected environment. ClientID,
	// RedirectURI, Scopes and OfflineAccess above are its registration.
	Regions []Region `json:"regions"`
	// HTTPTimeout bounds each HTTP request to the IdP or API.
	HTTPTimeout time.Duration `json:"http_timeout"`
	// LoginTimeout bounds how long the loopback listener waits for the browser.
	LoginTimeout time.Duration `json:"login_timeout"`
	// Leeway is the clock skew tolerated when checking exp, nbf and iat.
	Leeway time.Duration `json:"leeway"`
	// CAFile is a PEM bundle of extra CAs to trust (a corporate proxy's).
	CAFile string `json:"ca_file,omitempty"`
	// APIPresets replace the API console's built-in presets when set.
	APIPresets []APIPreset `json:"api_presets,omitempty"`
	// Store keeps sessions after a login: "" (off, the default: a support
	// tool should not leave tokens behind), StoreFile or StoreKeyring.
	Store string `json:"store,omitempty"`
	// StoreDir is where the file store writes ("" = its default).
	StoreDir string `json:"store_dir,omitempty"`
	// ExchangeAt is where a login exchanges its code: ExchangeGlobal (the
	// endpoint logged in at; the default) or ExchangeCodeRegion.
	ExchangeAt string `json:"exchange_at"`
	// PostLogoutRedirectURI is where the IdP's end-session endpoint sends
	// the browser back after a logout ("" = none): a loopback one is
	// listened on to confirm the logout. It must be registered for the client.
	PostLogoutRedirectURI string `json:"post_logout_redirect_uri,omitempty"`
	// Introspection names the API resource and its secret, with which the
	// introspection endpoint is asked about access tokens (IdentityServer
	// authenticates introspection as the API, not as the client).
	Introspection Introspection `json:"introspection,omitzero"`
	// Limits bound what a session keeps in memory (limits.console_history,
	// limits.trace_entries; see PerfOf).
	Limits Perf `json:"limits"`
	// DiscoveryCache keeps the IdPs' discovery documents on disk
	// (DiscoveryCacheDir) for a login to read instead of a round trip;
	// `check` always reads the IdP's own answer.
	DiscoveryCache bool `json:"discovery_cache"`
	// Preflight checks the authorize request with the IdP before the
	// browser opens (see auth: pre-flight); true unless turned off.
	Preflight bool `json:"preflight"`
	// AppHosts are the hosts of a web app per region (see AppHosts); nil
	// when not configured.
	AppHosts AppHosts `json:"app_hosts,omitempty"`
}

// Introspection is an API resource's credentials.
type Introspection struct {
	Resource string `json:"resource,omitempty"`
	Secret   string `json:"-"`
}

// Session storage kinds.
const (
	StoreFile    = "file"
	StoreKeyring = "keyring"
	// StoreMemory keeps sessions for one run only (the demo; not settable in a config file).
	StoreMemory = "memory"
)

// APIPreset is a named API test call (relative to the API base).
type APIPreset struct {
	Name   string `json:"name"`
	Method string `json:"method,omitempty"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	Body   string `json:"body,omitempty"`
}

// Defaults.
const (
	DefaultRedirectURI  = "http://127.0.0.1:0/callback"
	DefaultHTTPTimeout  = 15 * time.Second
	DefaultLoginTimeout = 5 * time.Minute
	DefaultLeeway       = time.Minute
	MaxLeeway           = 10 * time.Minute
	// ScopeOfflineAccess asks for a refresh token.
	ScopeOfflineAccess = "offline_access"
	// ScopeNoahAPI is the scope the Noah Cloud App Users API needs.
	ScopeNoahAPI = "noah.cloud.app.users.api"
)

// DefaultScopes are the scopes HIMSA documents for a user login.
func DefaultScopes() []string { return []string{"openid", "profile", ScopeNoahAPI} }

// EffectiveScopes are the scopes sent to the IdP.
func (c *Config) EffectiveScopes() []string {
	s := slices.Clone(c.Scopes)
	if c.OfflineAccess && !slices.Contains(s, ScopeOfflineAccess) {
		s = append(s, ScopeOfflineAccess)
	}
	return s
}

// TrustedIssuers is the allow-list of issuers a token may carry: every
// configured region's issuer, mapped to the region's name. HIMSA rule: after
// a global exchange the ID token's iss may be the global or the regional one.
func (c *Config) TrustedIssuers() map[string]string {
	m := make(map[string]string, len(c.Regions))
	for _, r := range c.Regions {
		if r.Issuer != "" {
			m[strings.TrimRight(r.Issuer, "/")] = r.Name
		}
	}
	return m
}

// FindRegion returns the region with that name.
func (c *Config) FindRegion(name string) (Region, bool) {
	i := indexRegion(c.Regions, name)
	if i < 0 {
		return Region{}, false
	}
	return c.Regions[i], true
}

// RegionNames lists the configured region names in order.
func (c *Config) RegionNames() []string {
	names := make([]string, len(c.Regions))
	for i, r := range c.Regions {
		names[i] = r.Name
	}
	return names
}

// ForDemo returns a copy of c that talks to a local stand-in: its
// environments (each with the stand-in's endpoints) replace the configured
// ones, clientID is every environment's client, secrets are dropped, a
// configured store becomes StoreMemory, and the selected environment and
// region are kept when the stand-in has them.
func (c Config) ForDemo(clientID string, envs ...Environment) *Config {
	c.Environments = nil
	for _, e := range envs {
		e.ClientID, e.RedirectURI, e.Scopes, e.OfflineAccess = clientID, c.RedirectURI, slices.Clone(c.Scopes), c.OfflineAccess
		e.Endpoints = slices.Clone(e.Endpoints)
		for i := range e.Endpoints { // the stand-in's secrets (if any), never the user's
			e.Endpoints[i].Env, e.Endpoints[i].EnvLabel = e.Name, e.Title()
		}
		c.Environments = append(c.Environments, e)
	}
	c.ClientSecret = ""
	if c.PostLogoutRedirectURI == "" {
		c.PostLogoutRedirectURI = "http://127.0.0.1:0/logged-out" // the stand-in accepts any loopback one
	}
	if c.Store != "" {
		// The demo never touches the user's kept sessions: its stand-in's
		// issuers change every run, and its sessions are play.
		c.Store, c.StoreDir = StoreMemory, ""
	}
	env := c.Environment
	if _, ok := c.FindEnvironment(env); !ok && len(c.Environments) > 0 {
		env = c.Environments[0].Name
	}
	out, err := c.ForEnvironment(env)
	if err != nil {
		return &c
	}
	return out
}

// IsLoopbackHost reports whether host (no port) names this machine.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseRedirectURI checks a redirect URI: http on a loopback host with an
// explicit port (0 = random). HIMSA rule: the exact redirect URI must be
// whitelisted by HIMSA, so it is used verbatim apart from a port 0.
func ParseRedirectURI(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("must start with http:// (a loopback redirect), got %q", raw)
	}
	if !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("host must be 127.0.0.1, localhost or [::1] (the login listens on this machine only), got %q", u.Hostname())
	}
	p := u.Port()
	if p == "" {
		return nil, fmt.Errorf("needs an explicit port, e.g. http://127.0.0.1:8765/callback (0 picks a random free port), got %q", raw)
	}
	if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
		return nil, fmt.Errorf("port must be 0..65535, got %q", p)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("must not carry a query or fragment, got %q", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// CheckClientID checks a client ID: at most 200 characters, none of them
// a space, a control character or invalid UTF-8 (IdentityServer's client
// IDs are plain words; a pasted one with a space or an escape is a mistake).
func CheckClientID(id string) error {
	if len(id) > 200 {
		return fmt.Errorf("is %d characters long; a client ID has at most 200", len(id))
	}
	if i := strings.IndexFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f || r == utf8.RuneError || unicode.IsSpace(r) }); i >= 0 {
		return fmt.Errorf("must not contain spaces, control characters or invalid UTF-8 (one at byte %d)", i)
	}
	return nil
}

// MaxRedirectURI bounds a redirect URI (IdentityServer's default limit of
// a redirect_uri parameter is 400 characters; browsers cut URLs near 2,000).
const MaxRedirectURI = 2000

// ParseAppRedirectURI checks the redirect URI of an app (another app's
// registration: a web app's https://…/signin-oidc, a desktop app's
// loopback, a custom scheme like com.example.app:/callback): absolute, no
// fragment, no user:password, at most MaxRedirectURI characters, printable.
// An http URI on a loopback host is the one ssodesk listens on, and must
// pass ParseRedirectURI too.
func ParseAppRedirectURI(raw string) (*url.URL, error) {
	if len(raw) > MaxRedirectURI {
		return nil, fmt.Errorf("is %d characters long; a redirect URI has at most %d", len(raw), MaxRedirectURI)
	}
	if i := strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r == utf8.RuneError }); i >= 0 {
		return nil, fmt.Errorf("must not contain spaces, control characters or invalid UTF-8 (one at byte %d)", i)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("not a URI: %v", err)
	case u.Scheme == "" || u.Opaque != "" && u.Opaque[0] >= '0' && u.Opaque[0] <= '9': // "localhost:8080/cb": no scheme
		return nil, fmt.Errorf("must be an absolute URI like https://app.example.com/signin-oidc, http://127.0.0.1:0/callback or com.example.app:/callback, got %q", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("must not carry a fragment (#…): the IdP refuses it (OAuth 2.0 §3.1.2), got %q", raw)
	case u.User != nil:
		return nil, errors.New("must not carry a user name or password (user:pass@): it is never sent anywhere; remove it")
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		return nil, fmt.Errorf("needs a host, got %q", raw)
	}
	if IsLoopbackRedirect(raw) {
		return ParseRedirectURI(raw)
	}
	return u, nil
}

// IsLoopbackRedirect reports whether raw is an http redirect URI on this
// machine (127.0.0.1, localhost, [::1]): ssodesk can listen there; for any
// other a login takes the address-bar URL pasted back.
func IsLoopbackRedirect(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "http" && IsLoopbackHost(u.Hostname())
}

// CheckSecretURL checks a URL that secrets or tokens are sent to (an
// issuer, an endpoint from discovery, an API base). HIMSA rule: TLS on every
// call, so it must be absolute and https, or http on a loopback host (the
// local stand-in).
func CheckSecretURL(raw string) error {
	_, err := secretURL(raw)
	return err
}

// secretURL parses raw and checks it as CheckSecretURL does.
func secretURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("must be an absolute URL like https://idp.himsa-sso.com, got %q", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopbackHost(u.Hostname()):
	default:
		return nil, fmt.Errorf("must use https (HIMSA requires TLS 1.2+); plain http is allowed only on loopback, got %q", raw)
	}
	return u, nil
}

// checkIssuer validates an issuer URL (see CheckSecretURL).
func checkIssuer(raw string) error {
	u, err := secretURL(raw)
	if err != nil {
		return err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must not carry a query or fragment, got %q", raw)
	}
	return nil
}

func checkRegionName(name string) error {
	if name == "" {
		return fmt.Errorf("every region needs a name")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("region name %q may hold only a-z, 0-9, - and _", name)
		}
	}
	return nil
}

// checkCode checks an endpoint's region: (a code prefix; "" = its name).
func checkCode(code string) error {
	if code == "" {
		return nil
	}
	if err := checkRegionName(code); err != nil || code == GlobalRegion {
		return fmt.Errorf("must be the region prefix of the codes the endpoint issues (like eu; a-z, 0-9, - and _), got %q", code)
	}
	return nil
}

// MaskSecret shows whether a secret is set without showing it.
func MaskSecret(s string) string {
	if s == "" {
		return "(not set)"
	}
	return "(set, hidden)"
}

func trimAll(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// DiscoveryCacheDir is where discovery documents are kept:
// $XDG_CACHE_HOME/ssodesk/discovery (os.UserCacheDir); "" when no cache
// directory is known (the cache then lives in memory only).
func DiscoveryCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "ssodesk", "discovery")
}
