package sim

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Hooks are the test controls of a stand-in. They exist only when a test
// asks for them through Options.Hooks:
//
//	h := &sim.Hooks{}
//	s, err := sim.Start(ctx, sim.Options{Hooks: h})
//	…
//	h.RotateKey("global")
//
// Without Hooks (as in `ssodesk demo` and `ssodesk sim`) the stand-in counts
// nothing, records no secret and cannot be tampered with: it keeps only what
// an IdP must (its grant storage: live codes, refresh tokens, access token
// IDs, SSO sessions, the service client's secret).
//
// A Hooks value belongs to one Sim (Start refuses Hooks that already belong
// to another). Its methods are safe for concurrent use; the methods that act
// on the Sim fail (or return nil) before Start has attached it.
type Hooks struct {
	// TLS, when set before Start, serves every endpoint (IdP and API) over
	// TLS with it, so the issuers and API URLs are https: an IdP whose
	// certificate a private CA signed, as behind a company's TLS-inspecting
	// proxy.
	TLS *tls.Config

	c atomic.Pointer[core] // set by Start

	mu       sync.Mutex
	secrets  map[string]bool
	requests map[string]map[string]int // region → kind → count

	tamperMu   sync.Mutex
	tamper     string      // TamperRefresh mode, "" = none
	authTamper string      // TamperAuthorizeResponse mode, "" = none
	badKey     *signingKey // signs the TamperBadSignature tokens; in no JWKS

	hostile hostile // EchoSecrets, FailTokenEcho, SendBomb (hostile.go)
}

// Request kinds counted by [Hooks.Requests]. Each request counts once under
// one kind, except token requests: they count under RequestToken and under
// the kind of their grant ("token:" + grant_type, but RequestTokenRefresh
// for grant_type=refresh_token).
const (
	RequestDiscovery  = "discovery"  // /.well-known/openid-configuration
	RequestJWKS       = "jwks"       // the JWKS (/keys)
	RequestAuthorize  = "authorize"  // the authorization endpoint
	RequestLogin      = "login"      // the login page (GET and POST)
	RequestCallback   = "callback"   // the provider's authorize callback
	RequestToken      = "token"      // the token endpoint, any grant
	RequestUserinfo   = "userinfo"   // the UserInfo endpoint
	RequestRevoke     = "revoke"     // the revocation endpoint
	RequestIntrospect = "introspect" // the introspection endpoint
	RequestEndSession = "end_session"
	RequestAPI        = "api"       // the region's Noah API (any route)
	RequestPreflight  = "preflight" // a CORS preflight (OPTIONS), at the IdP or the API
	RequestOther      = "other"     // anything else at the IdP

	RequestTokenRefresh           = "token:refresh"
	RequestTokenCode              = "token:authorization_code"
	RequestTokenClientCredentials = "token:client_credentials"
)

// Modes of [Hooks.TamperRefresh].
const (
	// TamperOtherSub: the refreshed ID token has a valid signature but the
	// sub of another account.
	TamperOtherSub = "other-sub"
	// TamperBadSignature: the refreshed ID token keeps its claims and its
	// kid but is signed with a key that no JWKS publishes.
	TamperBadSignature = "bad-signature"
	// TamperOtherIss: the refreshed ID token carries another region's iss
	// and is signed (validly) with that region's current key.
	TamperOtherIss = "other-iss"
	// TamperOtherNonce: the refreshed ID token has a valid signature but
	// a nonce other than the login's (OIDC Core 12.2: it must be the same).
	TamperOtherNonce = "other-nonce"
)

// attach binds h to the core of a starting Sim.
func (h *Hooks) attach(c *core) error {
	if !h.c.CompareAndSwap(nil, c) {
		return errors.New("sim: these Hooks already belong to another Sim")
	}
	return nil
}

// core returns the attached core, or an error before Start.
func (h *Hooks) core() (*core, error) {
	c := h.c.Load()
	if c == nil {
		return nil, errors.New("sim: Hooks are not attached to a Sim (pass them in Options.Hooks)")
	}
	return c, nil
}

// SetGlobalExchangeIssuer switches, at run time, who issues the tokens when
// the global endpoint redeems a code or refresh token of a region:
// IssuerGlobal or IssuerRegional (see Options.GlobalExchangeIssuer). Token
// requests already being handled finish in the old mode.
func (h *Hooks) SetGlobalExchangeIssuer(mode string) error {
	c, err := h.core()
	if err != nil {
		return err
	}
	if err := validExchangeIssuer(mode); err != nil {
		return err
	}
	c.regionalExchange.Store(mode == IssuerRegional)
	return nil
}

// Advance moves the stand-in's clock forward by d (d > 0), so tests need not
// sleep for time to pass: auth requests, codes, access and refresh tokens
// and SSO sessions age by d; tokens issued afterwards expire d later (their
// exp and expires_in), and the API judges expiry by the moved clock unless
// Options.APINow is set. The iat (and an access token's nbf) that zitadel
// stamps stay on the wall clock. Without Hooks the clock is the wall clock.
func (h *Hooks) Advance(d time.Duration) error {
	c, err := h.core()
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("sim: Advance(%v): the clock only moves forward", d)
	}
	c.ahead.Add(int64(d))
	return nil
}

// RotateKey gives region a new RSA signing key with a new kid and returns
// that kid. Tokens issued afterwards are signed with it; the region's JWKS
// publishes the new key and the previous one (the one before that is
// dropped), and the API accepts tokens signed with either.
func (h *Hooks) RotateKey(region string) (newKeyID string, err error) {
	c, err := h.core()
	if err != nil {
		return "", err
	}
	return c.rotateKey(region, false)
}

// RotateKeyAway gives region a new signing key and drops every other key
// from its JWKS at once, as an IdP does once a retired key's retention has
// passed: tokens signed before it name a kid the JWKS no longer has.
func (h *Hooks) RotateKeyAway(region string) (newKeyID string, err error) {
	c, err := h.core()
	if err != nil {
		return "", err
	}
	return c.rotateKey(region, true)
}

// KeyIDs lists the kids region's JWKS publishes now, the current signing key
// first (nil for an unknown region or before Start).
func (h *Hooks) KeyIDs(region string) []string {
	c, err := h.core()
	if err != nil {
		return nil
	}
	return c.keyIDs(region)
}

// Secrets lists every secret value the stand-in's token endpoints received
// or issued so far (codes, code verifiers, client secrets, refresh tokens,
// access and ID tokens, tampered ones included), sorted. For tests that
// prove an app never shows one.
func (h *Hooks) Secrets() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.secrets))
	for v := range h.secrets {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// Requests returns how many requests of kind (RequestDiscovery, …) the
// endpoints of region received so far. A request counts when it arrives,
// before it is answered, whatever the answer.
func (h *Hooks) Requests(region, kind string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests[region][kind]
}

// RegionRequests returns how many requests the IdP and the API of region
// received so far, of any kind (a token request counts once).
func (h *Hooks) RegionRequests(region string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for kind, k := range h.requests[region] {
		if !strings.HasPrefix(kind, RequestToken+":") {
			n += k
		}
	}
	return n
}

// ResetRequests sets every request count back to zero.
func (h *Hooks) ResetRequests() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests = nil
}

// TamperRefresh makes every later successful refresh-grant token response,
// at any endpoint, carry an ID token that is wrong in one way (mode is
// TamperOtherSub, TamperBadSignature, TamperOtherIss or TamperOtherNonce), until it is called
// with "". The access and refresh tokens of the response are untouched.
func (h *Hooks) TamperRefresh(mode string) error {
	switch mode {
	case "", TamperOtherSub, TamperOtherIss, TamperOtherNonce:
	case TamperBadSignature:
		h.tamperMu.Lock()
		have := h.badKey != nil
		h.tamperMu.Unlock()
		if !have {
			k, err := newSigningKey("tamper", time.Now())
			if err != nil {
				return err
			}
			h.tamperMu.Lock()
			if h.badKey == nil {
				h.badKey = k
			}
			h.tamperMu.Unlock()
		}
	default:
		return errors.New("sim: unknown TamperRefresh mode " + mode)
	}
	if c := h.c.Load(); mode == TamperOtherIss && c != nil && len(c.opts.Regions) < 2 {
		return errors.New("sim: TamperRefresh(other-iss) needs a second region")
	}
	h.tamperMu.Lock()
	defer h.tamperMu.Unlock()
	h.tamper = mode
	return nil
}

// tampering returns the TamperRefresh mode and the key of TamperBadSignature.
func (h *Hooks) tampering() (string, *signingKey) {
	h.tamperMu.Lock()
	defer h.tamperMu.Unlock()
	return h.tamper, h.badKey
}

// addSecret records a secret value (too short to be one: ignored).
func (h *Hooks) addSecret(v string) {
	if len(v) < 6 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.secrets == nil {
		h.secrets = map[string]bool{}
	}
	h.secrets[v] = true
}

// count adds one request of every kind given to region.
func (h *Hooks) count(region string, kinds ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.requests == nil {
		h.requests = map[string]map[string]int{}
	}
	m := h.requests[region]
	if m == nil {
		m = map[string]int{}
		h.requests[region] = m
	}
	for _, k := range kinds {
		m[k]++
	}
}

// idpRequestKind classifies a request to an IdP by its path.
func idpRequestKind(path string) string {
	switch path {
	case oidc.DiscoveryEndpoint:
		return RequestDiscovery
	case op.DefaultEndpoints.JwksURI.Relative():
		return RequestJWKS
	case op.DefaultEndpoints.Authorization.Relative():
		return RequestAuthorize
	case op.DefaultEndpoints.Authorization.Relative() + "/callback":
		return RequestCallback
	case loginPath:
		return RequestLogin
	case op.DefaultEndpoints.Token.Relative():
		return RequestToken
	case op.DefaultEndpoints.Userinfo.Relative():
		return RequestUserinfo
	case op.DefaultEndpoints.Revocation.Relative():
		return RequestRevoke
	case op.DefaultEndpoints.Introspection.Relative():
		return RequestIntrospect
	case op.DefaultEndpoints.EndSession.Relative():
		return RequestEndSession
	}
	return RequestOther
}

// tokenGrantKind is the request kind of a token request's grant_type.
func tokenGrantKind(grantType string) string {
	if grantType == string(oidc.GrantTypeRefreshToken) {
		return RequestTokenRefresh
	}
	return RequestToken + ":" + grantType
}

// countAPI wraps the API handler of region: every request is counted.
func (h *Hooks) countAPI(region string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPreflight(r) {
			h.count(region, RequestPreflight)
			next.ServeHTTP(w, r)
			return
		}
		h.count(region, RequestAPI)
		h.echoAPI(next).ServeHTTP(w, r)
	})
}

// observeIdP wraps the IdP handler of region: every request is counted; a
// token request's secret form fields and its response's tokens are
// recorded, and a refresh-grant response is tampered with as TamperRefresh
// asks.
func (h *Hooks) observeIdP(c *core, region string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := idpRequestKind(r.URL.Path)
		if isPreflight(r) {
			kind = RequestPreflight
		}
		if kind != RequestToken || r.Method != http.MethodPost {
			h.count(region, kind)
			switch {
			case h.bomb(kind, w):
			case kind == RequestUserinfo:
				h.echoUserinfo(next, w, r)
			default:
				next.ServeHTTP(w, r)
			}
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		form, perr := url.ParseQuery(string(body))
		if err != nil || perr != nil {
			form = url.Values{}
		}
		grant := form.Get("grant_type")
		h.count(region, RequestToken, tokenGrantKind(grant))
		for _, k := range []string{"code", "code_verifier", "client_secret", "refresh_token"} {
			h.addSecret(form.Get(k))
		}
		if _, secret, ok := r.BasicAuth(); ok {
			h.addSecret(secret)
		}
		if h.failingEcho() {
			echoError(w, r, string(body))
			return
		}

		rec := &bufferedResponse{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		out := rec.body.Bytes()
		if grant == string(oidc.GrantTypeRefreshToken) && rec.status() == http.StatusOK {
			if mode, badKey := h.tampering(); mode != "" {
				if t, ok := tamperTokenResponse(c, mode, badKey, out); ok {
					out = t
					w.Header().Del("Content-Length")
				}
			}
		}
		var resp map[string]any
		if json.Unmarshal(out, &resp) == nil {
			for _, k := range []string{"access_token", "refresh_token", "id_token"} {
				if v, ok := resp[k].(string); ok {
					h.addSecret(v)
				}
			}
			if rec.status() == http.StatusOK {
				id, _ := resp["id_token"].(string)
				rt, _ := resp["refresh_token"].(string)
				at, _ := resp["access_token"].(string)
				h.issued(at, id, rt)
				if on, _, _ := h.echoing(r); on {
					out = echoInto(out, id, rt, false)
					w.Header().Del("Content-Length")
				}
			}
		}
		w.WriteHeader(rec.status())
		_, _ = w.Write(out)
	})
}

// bufferedResponse holds back what a handler writes (the headers go to the
// real writer's map, which is sent only on WriteHeader).
type bufferedResponse struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}

// status is the status the handler set (200 if it set none).
func (b *bufferedResponse) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}
