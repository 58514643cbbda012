// Package urlfacts reads one URL from a ticket — an authorize request, a
// callback, the IdP's error page, an end-session request, a token, API or
// other HIMSA URL — into facts: what kind it is, which configured endpoint
// (of which environment) it belongs to, its parameters (made printable,
// secrets as fingerprints or lengths, never whole) and the problems it
// shows. It has no words (explain says what the facts mean), no network
// and no UI: `ssodesk explain` (and anything else) hands it the text and
// the configured endpoints.
package urlfacts

import (
	"net/url"
	"strings"

	"ssodesk/config"
	"ssodesk/transport"
)

// Kind is what a URL is.
type Kind string

// The kinds of URL. At a configured endpoint the path says which (relative
// to the endpoint's issuer, IdentityServer's /connect/* names or the
// suffixes other IdPs use); elsewhere a URL is a callback by its code= or
// error=, an API URL by a configured API base, else unknown.
const (
	Authorize     Kind = "authorize"
	Callback      Kind = "callback"
	ErrorPage     Kind = "error_page"
	EndSession    Kind = "end_session"
	Token         Kind = "token"
	UserInfo      Kind = "userinfo"
	Discovery     Kind = "discovery"
	JWKS          Kind = "jwks"
	Revocation    Kind = "revocation"
	Introspection Kind = "introspection"
	API           Kind = "api"
	OtherAtIdP    Kind = "other_at_idp"
	Unknown       Kind = "unknown"
)

// Facts is what one URL says.
type Facts struct {
	// URL is the URL as read, redacted (transport.RedactURL: codes, tokens,
	// secrets, a password) and printable; long ones are cut.
	URL string
	// Bytes is the URL's length; Around that text surrounded it in the
	// input (taken out); More that the input holds more URLs after it.
	Bytes        int
	Around, More bool
	Scheme, Host string // printable, lower case
	Path         string // printable
	Kind         Kind
	// Endpoint is the configured endpoint (of any environment) the URL is
	// at — its issuer's URL is a prefix of it, the longest such — or, for
	// an API URL, the endpoint whose api: base it is under. Found says one
	// was; Env is the selected environment Read was given.
	Endpoint config.Region
	Found    bool
	Env      string
	// Params are the query's parameters and then the fragment's, in order.
	// ParamsCut counts those left out past MaxParams.
	Params    []Param
	ParamsCut int
	Problems  []Problem
}

// Where a parameter was.
const (
	InQuery    = "query"
	InFragment = "fragment"
)

// How a parameter's value is hidden.
const (
	Shown       = ""            // Value is the value (printable, perhaps cut)
	Fingerprint = "fingerprint" // a secret (transport.IsSecretField): Bytes, SHA256 (and a code's Prefix)
	LengthOnly  = "length"      // state, nonce, session_state: Chars only
)

// Param is one parameter.
type Param struct {
	Name  string // printable
	Where string // InQuery or InFragment
	// Value is the decoded value, printable, at most MaxValue runes (Cut
	// when it was longer); "" when Hidden.
	Value  string
	Cut    bool
	Hidden string // Shown, Fingerprint or LengthOnly
	Bytes  int    // the decoded value's length in bytes
	Chars  int    // … in characters (runes)
	SHA256 string // Fingerprint: the first 8 hex digits of its SHA-256
	// TokenKind is "jwt" or "opaque" for a token, "" for other secrets;
	// Prefix a code's region prefix ("eu", auth.CodeRegion).
	TokenKind, Prefix string
}

// Bounds on what Read keeps of a hostile URL.
const (
	MaxParams = 500  // parameters kept (the rest counted in ParamsCut)
	MaxValue  = 1000 // runes of a shown value
	MaxURL    = 4000 // runes of Facts.URL
)

// Context is what Read is told besides the URL.
type Context struct {
	// Endpoints are every environment's endpoints (config's Endpoints()).
	Endpoints []config.Region
	// Env is the selected environment ("" means production).
	Env string
	// ClientIDs are the configured client IDs by environment: a client_id
	// that is one environment's registration sent to another environment's
	// endpoint is said (only when they differ).
	ClientIDs map[string]string
	// Expect is the endpoint the ticket names (the CLI's --region), when
	// given: a callback's iss is checked against its issuer.
	Expect *config.Region
	// Scopes are the endpoint's discovery scopes_supported, when it was
	// read (--online); nil: not checked, ScopesError says why when reading
	// failed.
	Scopes      []string
	ScopesError string
}

// Read reads raw (a URL, or a paste holding one) with the configured
// endpoints of every environment and the selected environment env.
func Read(raw string, endpoints []config.Region, env string) (*Facts, error) {
	return ReadIn(raw, Context{Endpoints: endpoints, Env: env})
}

// ReadIn is Read with everything Context can tell. An input that is not a
// URL is an *InputError.
func ReadIn(raw string, c Context) (*Facts, error) {
	s, around, more, err := extract(raw)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" && u.Opaque == "" {
		reason := Unparsable
		if err == nil {
			reason = NotAbsolute
		}
		return nil, &InputError{Reason: reason, Bytes: len(raw)}
	}
	if c.Env == "" {
		c.Env = config.EnvProduction
	}
	r := &reader{c: c, u: u, f: &Facts{Bytes: len(s), Around: around, More: more, Env: c.Env,
		Scheme: strings.ToLower(u.Scheme), Host: printable(strings.ToLower(u.Host)), Path: printable(u.Path)}}
	r.secrets = transport.NewSecrets()
	if p, ok := u.User.Password(); ok {
		r.secrets.Add(p)
	} else if u.User != nil {
		r.secrets.Add(u.User.Username()) // a user alone may be a token (RedactURL hides it whole)
	}
	r.params()
	r.f.URL = cut(printable(r.secrets.Scrub(redactLengthOnly(transport.RedactURL(s)))), MaxURL)
	r.classify()
	r.judge()
	return r.f, nil
}

// Failed reports whether a problem is a Fail.
func (f *Facts) Failed() bool {
	for _, p := range f.Problems {
		if p.Severity == Fail {
			return true
		}
	}
	return false
}

// Param is the first parameter called name (query first, then fragment).
func (f *Facts) Param(name string) (Param, bool) {
	for _, p := range f.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Has reports whether a problem of kind k was found.
func (f *Facts) Has(k ProblemKind) bool {
	for _, p := range f.Problems {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// ContextOf is the Context cfg tells: every environment's endpoints, the
// selected environment and each environment's client ID (ssodesk explain
// and the TUI's paste box read a URL alike).
func ContextOf(cfg *config.Config) Context {
	c := Context{Endpoints: cfg.Endpoints(), Env: cfg.Environment, ClientIDs: map[string]string{}}
	for _, e := range cfg.Envs() {
		if e.ClientID != "" {
			c.ClientIDs[e.Name] = e.ClientID
		}
	}
	return c
}
