package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"ssodesk/transport"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ssodesk/config"
)

// Client is the network side of the sessions of one endpoint and client
// registration: it logs in, exchanges, refreshes, verifies, fetches
// userinfo, revokes and introspects. A *Result is only a value (tokens,
// claims, the verification report, where they came from); every request
// about it goes through a Client (kubelogin's TokenSet and client.Interface).
//
// The Client keeps the verifier of its last login, restore or
// client-credentials run, so a refresh verifies the new ID token against the
// discovery and keys that login already read. Safe for concurrent use.
type Client struct {
	o  Options
	mu sync.Mutex
	v  *Verifier
}

// NewClient returns a Client for o (the endpoint, the registration, the
// trusted issuers and the HTTP client; the login-only fields are the
// defaults of Login).
func NewClient(o Options) *Client {
	if o.HTTPClient == nil {
		o.HTTPClient = NewHTTPClient(config.DefaultHTTPTimeout)
	}
	return &Client{o: o}
}

// Options are the client's options.
func (c *Client) Options() Options { return c.o }

// LoginParams are one login's own settings; zero values keep the Client's.
type LoginParams struct {
	ForceChoose bool   // HIMSA forcechoose: show the account chooser
	Prompt      string // the OIDC prompt parameter
	// Params are the login's optional authorize parameters (a TUI form or
	// `login`'s flags); those set take precedence over the Client's.
	Params   AuthorizeParams
	Progress func(Event) // called from the login goroutine; must not block
	Open     Opener
	Pasted   <-chan string
}

func (p LoginParams) apply(o Options) Options {
	o.ForceChoose = o.ForceChoose || p.ForceChoose
	o.Prompt = cmp.Or(p.Prompt, o.Prompt)
	o.Params = o.Params.Over(p.Params)
	if p.Progress != nil {
		o.Progress = p.Progress
	}
	if p.Open != nil {
		o.Open = p.Open
	}
	if p.Pasted != nil {
		o.Pasted = p.Pasted
	}
	return o
}

// Login runs one browser login and returns the verified result. On a
// verification failure it returns the Result too, with a *VerifyError.
func (c *Client) Login(ctx context.Context, p LoginParams) (*Result, error) {
	res, v, err := login(ctx, p.apply(c.o))
	c.adopt(v)
	return res, err
}

// adopt makes v the verifier of the client's session (nil: keep).
func (c *Client) adopt(v *Verifier) {
	if v == nil {
		return
	}
	c.mu.Lock()
	c.v = v
	c.mu.Unlock()
}

// verifier is the session's verifier, or a new one of the client's
// trusted issuers.
func (c *Client) verifier() *Verifier {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.v == nil {
		o := c.o.withDefaultTrust()
		c.v = o.newVerifier()
	}
	return c.v
}

// withDefaultTrust trusts the endpoint itself when no allow-list is set,
// and applies the default leeway.
func (o Options) withDefaultTrust() Options {
	if o.Trusted == nil {
		o.Trusted = map[string]string{o.Region.Issuer: o.Region.Name}
	}
	if o.Leeway <= 0 {
		o.Leeway = DefaultLeeway
	}
	return o
}

// CanRefresh says whether Refresh can work, and if not, why.
func (r *Result) CanRefresh() error {
	if r.Token == nil || r.Token.RefreshToken == "" {
		return ErrNoRefreshToken
	}
	return nil
}

// issuerOf is the issuer that issued r's tokens (after a global exchange,
// possibly a regional IdP).
func (r *Result) issuerOf() string { return cmp.Or(r.Issuer, r.ExchangedAt.Issuer, r.Region.Issuer) }

// tokenConfig is the oauth2 config that refreshes r: the token endpoint that
// exchanged its code (read from discovery when r does not name it) and the
// secret of that endpoint (HIMSA: a different client secret per region).
func (c *Client) tokenConfig(ctx context.Context, r *Result) (*oauth2.Config, error) {
	at := cmp.Or(r.ExchangedAt, r.Region)
	oc := &oauth2.Config{ClientID: cmp.Or(r.ClientID, c.o.ClientID), ClientSecret: c.o.ClientSecret, Scopes: r.Scopes,
		Endpoint: oauth2.Endpoint{TokenURL: r.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	if at.SecretKey != "" && at.Issuer != c.o.Region.Issuer {
		oc.ClientSecret = at.ClientSecret
	}
	if oc.Endpoint.TokenURL == "" {
		p, err := c.verifier().provider(ctx, at.Issuer)
		if err != nil {
			return nil, &DiscoveryError{Issuer: at.Issuer, Err: err}
		}
		oc.Endpoint.TokenURL = p.Endpoint().TokenURL
	}
	return oc, nil
}

// Refresh trades r's refresh token for new tokens at the token endpoint that
// issued them and verifies a new ID token if one comes (a nonce in it must
// be the login's ID token's, OIDC Core 12.2). r is not changed: the Refreshed holds the next session.
func (c *Client) Refresh(ctx context.Context, r *Result) (*Refreshed, error) {
	if err := r.CanRefresh(); err != nil {
		return nil, err
	}
	oc, err := c.tokenConfig(ctx, r)
	if err != nil {
		return nil, err
	}
	at := cmp.Or(r.ExchangedAt, r.Region)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.o.HTTPClient)
	tok, err := oc.TokenSource(endpointContext(ctx, "token", at.Issuer, oc.Endpoint.TokenURL), &oauth2.Token{RefreshToken: r.Token.RefreshToken}).Token()
	if err != nil {
		return nil, tokenError(OpRefresh, at, *oc, err, r.Token.RefreshToken)
	}
	next := *r
	next.Token, next.TokenURL = tok, oc.Endpoint.TokenURL
	out := &Refreshed{Result: &next, Rotated: tok.RefreshToken != "" && tok.RefreshToken != r.Token.RefreshToken}
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		rep := c.verifier().Verify(ctx, raw, Expect{ClientID: oc.ClientID, AccessToken: tok.AccessToken, OriginalNonce: cmp.Or(r.Nonce, r.Claim("nonce"))})
		fresh := newResult(tok, rep, r.Scopes)
		next.Issuer, next.RawIDToken, next.Header, next.Claims, next.Report = fresh.Issuer, fresh.RawIDToken, fresh.Header, fresh.Claims, fresh.Report
		next.Scopes, next.ScopesFrom = fresh.Scopes, fresh.ScopesFrom
		out.NewIDToken = true
		out.Changes = DiffClaims(r.Claims, next.Claims)
		if oldKid, newKid := headerString(r.Header, "kid"), headerString(next.Header, "kid"); oldKid != newKid {
			out.OldKeyID, out.NewKeyID = oldKid, newKid
		}
	}
	return out, nil
}

// UserInfo fetches the userinfo endpoint of the issuer that issued r's
// tokens (after a global exchange that may be a regional IdP).
func (c *Client) UserInfo(ctx context.Context, r *Result) (*UserInfo, error) {
	if r == nil || r.Token == nil {
		return nil, errors.New("no session to ask userinfo for")
	}
	issuer := cmp.Or(r.Issuer, r.Region.Issuer)
	p, err := c.verifier().provider(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: %s", issuer, cleanNetErr(err))
	}
	if p.UserInfoEndpoint() == "" {
		return nil, fmt.Errorf("the discovery document of %s names no userinfo_endpoint", issuer)
	}
	sec := c.know(r)
	ui, err := p.UserInfo(endpointContext(oidc.ClientContext(ctx, c.o.HTTPClient), "userinfo", issuer, p.UserInfoEndpoint()), oauth2.StaticTokenSource(r.Token))
	if err != nil {
		return nil, fmt.Errorf("userinfo at %s: %s", p.UserInfoEndpoint(), sec.Scrub(cleanNetErr(err)))
	}
	claims := map[string]any{}
	if err := ui.Claims(&claims); err != nil {
		return nil, fmt.Errorf("userinfo at %s is not a JSON object: %v", p.UserInfoEndpoint(), err)
	}
	scrubClaims(claims, sec)
	return &UserInfo{Endpoint: p.UserInfoEndpoint(), Claims: claims}, nil
}

// know tells the HTTP client's trace r's secrets (a session resumed from
// the store brings tokens no exchange of this run showed), and returns
// them with the client secret as a set, for the answers of an IdP that
// echoes them under other names.
func (c *Client) know(r *Result) *transport.Secrets {
	vals := append(r.Secrets(), c.o.ClientSecret)
	if tr := transport.TraceOf(c.o.HTTPClient); tr != nil {
		tr.AddSecrets(vals...)
		return tr.Secrets().Also(vals...)
	}
	return transport.NewSecrets(vals...)
}

// scrubClaims replaces known secrets in every string of claims, at any
// depth (an IdP that echoes a token as "idToken" or inside a note).
func scrubClaims(claims map[string]any, sec *transport.Secrets) {
	for k, v := range claims {
		claims[k] = scrubValue(v, sec, 0)
	}
}

func scrubValue(v any, sec *transport.Secrets, depth int) any {
	if depth > 64 {
		return v
	}
	switch t := v.(type) {
	case string:
		return sec.Scrub(t)
	case map[string]any:
		for k, e := range t {
			t[k] = scrubValue(e, sec, depth+1)
		}
	case []any:
		for i, e := range t {
			t[i] = scrubValue(e, sec, depth+1)
		}
	}
	return v
}

// VerifyAccessToken verifies r's access token when it is a JWT, against the
// same allow-list of issuers (HIMSA: its format may change at any time, so
// an opaque token is normal and gives a nil report).
func (c *Client) VerifyAccessToken(ctx context.Context, r *Result) *Report {
	if r == nil || r.Token == nil {
		return nil
	}
	if kind, _, _ := ClassifyToken(r.Token.AccessToken); kind != TokenJWT && kind != TokenMalformed {
		return nil
	}
	return c.verifier().Verify(ctx, r.Token.AccessToken, Expect{})
}

// Endpoints reads the session-ending endpoints from the discovery document
// of the issuer that issued r's tokens.
func (c *Client) Endpoints(ctx context.Context, r *Result) (Endpoints, error) {
	p, err := c.verifier().provider(ctx, r.issuerOf())
	if err != nil {
		return Endpoints{}, &DiscoveryError{Issuer: r.issuerOf(), Err: err}
	}
	var d struct {
		Revocation    string `json:"revocation_endpoint"`
		EndSession    string `json:"end_session_endpoint"`
		Introspection string `json:"introspection_endpoint"`
	}
	_ = p.Claims(&d)
	return Endpoints{Revocation: d.Revocation, EndSession: d.EndSession, Introspection: d.Introspection}, nil
}

// post sends a form with the client's HTTP client (basic auth when user is set).
func (c *Client) post(ctx context.Context, endpoint string, form url.Values, basicUser string, basicPass ...string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if basicUser != "" {
		req.SetBasicAuth(url.QueryEscape(basicUser), url.QueryEscape(strings.Join(basicPass, "")))
	}
	return c.o.HTTPClient.Do(req)
}
