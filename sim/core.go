package sim

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

const (
	// authRequestTTL is how long a user has to pick an account.
	authRequestTTL = 15 * time.Minute
	// codeTTL is how long an authorization code can be exchanged.
	codeTTL = 10 * time.Minute
	// refreshTokenTTL is the lifetime of a refresh token.
	refreshTokenTTL = 30 * 24 * time.Hour
	// sessionTTL is the lifetime of an SSO session (the cookie itself is a
	// browser-session cookie).
	sessionTTL = 24 * time.Hour
)

// errNotFound is returned for unknown or expired auth requests, codes and
// tokens. It implements op.StorageNotFoundError.
var errNotFound = notFoundError("not found")

// notFoundError marks "not found" storage errors for zitadel.
type notFoundError string

func (e notFoundError) Error() string { return string(e) }

// IsNotFound implements op.StorageNotFoundError.
func (notFoundError) IsNotFound() {}

// codeEntry maps an issued authorization code to its auth request.
type codeEntry struct {
	authRequestID string
	issued        time.Time
}

// core is the in-memory state shared by every regional provider: users,
// auth requests, codes and tokens. All methods are safe for concurrent use.
type core struct {
	opts     Options
	hooks    *Hooks            // opts.Hooks: nil outside tests
	regions  map[string]Region // by name; fixed after Start
	accounts []Account         // demo accounts of the configured regions
	// providers are the zitadel providers by region (fixed after Start); the
	// global endpoint hands token requests to them in IssuerRegional mode.
	providers map[string]http.Handler
	// regionalExchange is true in IssuerRegional mode.
	regionalExchange atomic.Bool
	// ahead is how far Hooks.Advance moved the stand-in's clock (see now);
	// always zero without Hooks.
	ahead atomic.Int64

	keyMu sync.RWMutex
	keys  map[string]*regionKeys // by region
	// keysReady is closed once the keys Start generates in the background
	// are in keys (or generating them failed: keysErr). Everything that
	// reads keys waits for it first.
	keysReady chan struct{}
	keysErr   error

	mu            sync.Mutex
	authRequests  map[string]*authRequest
	codes         map[string]codeEntry
	accessTokens  map[string]*accessToken
	refreshTokens map[string]*refreshTokenRequest
	sessions      map[string]ssoSession // by the opaque ID in the cookie
}

// ssoSession is the IdP's memory of a browser's login: the account picked
// and when.
type ssoSession struct {
	AccountID string
	AuthTime  time.Time
}

// newCore returns an empty core for opts (already defaulted).
func newCore(opts Options) *core {
	c := &core{
		opts:          opts,
		hooks:         opts.Hooks,
		regions:       make(map[string]Region),
		keys:          make(map[string]*regionKeys),
		keysReady:     make(chan struct{}),
		providers:     make(map[string]http.Handler),
		authRequests:  make(map[string]*authRequest),
		codes:         make(map[string]codeEntry),
		accessTokens:  make(map[string]*accessToken),
		refreshTokens: make(map[string]*refreshTokenRequest),
		sessions:      make(map[string]ssoSession),
	}
	c.regionalExchange.Store(opts.GlobalExchangeIssuer == IssuerRegional)
	for _, a := range demoAccounts {
		if envOf(a.Env) == opts.Environment && slices.Contains(opts.Regions, a.Region) {
			c.accounts = append(c.accounts, a)
		}
	}
	return c
}

// now is the stand-in's clock: the wall clock, moved forward by
// Hooks.Advance in tests. Every lifetime the stand-in keeps (auth requests,
// codes, access and refresh tokens, SSO sessions) and the exp of the tokens
// it issues follow it; zitadel stamps iat (and an access token's nbf) with
// the wall clock.
func (c *core) now() time.Time {
	t := time.Now()
	if c.hooks != nil {
		t = t.Add(time.Duration(c.ahead.Load()))
	}
	return t
}

// idTokenLifetime is the ID tokens' lifetime as zitadel counts it, from the
// wall clock: Options.IDTokenLifetime past the stand-in's clock.
func (c *core) idTokenLifetime() time.Duration {
	return c.opts.IDTokenLifetime + time.Duration(c.ahead.Load())
}

// newID returns a random 128-bit hex identifier.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// account returns the account with the given ID.
func (c *core) account(id string) (Account, bool) {
	for _, a := range c.accounts {
		if a.ID == id {
			return a, true
		}
	}
	return Account{}, false
}

// accountsFor lists the accounts the login page of endpoint offers: all of
// them on the global endpoint, else only the endpoint's region.
func (c *core) accountsFor(endpoint string) []Account {
	var out []Account
	for _, a := range c.accounts {
		if endpoint == GlobalRegion || a.Region == endpoint {
			out = append(out, a)
		}
	}
	return out
}

// codeRegion returns the region prefix of an authorization code, or "" if
// the code carries no prefix of a configured region.
func (c *core) codeRegion(code string) string {
	prefix, _, ok := strings.Cut(code, ".")
	if !ok {
		return ""
	}
	if _, known := c.regions[prefix]; !known {
		return ""
	}
	return prefix
}

// crossRegionError explains why endpoint refuses a grant issued for region,
// or returns nil when endpoint may redeem it (it is global, or the same
// region, or the region is unknown and the grant will fail on its own).
func crossRegionError(what, region, endpoint string) *oidc.Error {
	if endpoint == GlobalRegion || region == "" || region == endpoint {
		return nil
	}
	return oidc.ErrInvalidGrant().WithDescription(
		"%s issued by region %s cannot be exchanged at the %s endpoint; use the %s or the global endpoint",
		what, region, endpoint, region)
}

// createAuthRequest stores a new auth request and returns its ID.
func (c *core) createAuthRequest(ar *authRequest) string {
	ar.ID = newID()
	ar.CreatedAt = c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked(ar.CreatedAt)
	c.authRequests[ar.ID] = ar
	return ar.ID
}

// pruneLocked drops expired auth requests, codes and tokens so a long-running
// sim does not grow without bound. c.mu must be held.
func (c *core) pruneLocked(now time.Time) {
	for id, ar := range c.authRequests {
		if now.Sub(ar.CreatedAt) > authRequestTTL+codeTTL {
			delete(c.authRequests, id)
		}
	}
	for code, e := range c.codes {
		if now.Sub(e.issued) > codeTTL {
			delete(c.codes, code)
		}
	}
	for id, t := range c.accessTokens {
		if now.After(t.Expires) {
			delete(c.accessTokens, id)
		}
	}
	for tok, r := range c.refreshTokens {
		if now.After(r.Expires) {
			delete(c.refreshTokens, tok)
		}
	}
	for id, ss := range c.sessions {
		if now.Sub(ss.AuthTime) > sessionTTL {
			delete(c.sessions, id)
		}
	}
}

// authRequest returns a copy of the auth request id if it was created at
// endpoint ("" = any endpoint) and has not expired.
func (c *core) authRequest(id, endpoint string) (*authRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ar, err := c.authRequestLocked(id, endpoint)
	if err != nil {
		return nil, err
	}
	cp := *ar
	return &cp, nil
}

func (c *core) authRequestLocked(id, endpoint string) (*authRequest, error) {
	ar, ok := c.authRequests[id]
	if !ok || (endpoint != "" && ar.Endpoint != endpoint) {
		return nil, fmt.Errorf("auth request %q: %w", id, errNotFound)
	}
	if c.now().Sub(ar.CreatedAt) > authRequestTTL+codeTTL {
		return nil, fmt.Errorf("auth request %q expired: %w", id, errNotFound)
	}
	return ar, nil
}

// completeLogin marks the auth request done for accountID, authenticated
// now. The account must be offered by the endpoint's login page.
func (c *core) completeLogin(id, endpoint, accountID string) error {
	return c.completeLoginAt(id, endpoint, accountID, c.now().UTC())
}

// completeLoginAt is completeLogin with the time the user authenticated (for
// a silent SSO login, when the session was created).
func (c *core) completeLoginAt(id, endpoint, accountID string, authTime time.Time) error {
	acc, ok := c.account(accountID)
	if !ok || (endpoint != GlobalRegion && acc.Region != endpoint) {
		return fmt.Errorf("account %q is not offered at the %s endpoint", accountID, endpoint)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ar, err := c.authRequestLocked(id, endpoint)
	if err != nil {
		return err
	}
	if ar.done {
		return errors.New("this login was already completed")
	}
	ar.UserID = acc.ID
	ar.AuthTime = authTime
	ar.done = true
	return nil
}

// removeAuthRequest deletes a pending auth request created at endpoint and
// returns it (used by Cancel).
func (c *core) removeAuthRequest(id, endpoint string) (*authRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ar, err := c.authRequestLocked(id, endpoint)
	if err != nil {
		return nil, err
	}
	c.deleteAuthRequestLocked(id)
	return ar, nil
}

// deleteAuthRequest forgets an auth request and its codes.
func (c *core) deleteAuthRequest(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteAuthRequestLocked(id)
}

func (c *core) deleteAuthRequestLocked(id string) {
	delete(c.authRequests, id)
	for code, e := range c.codes {
		if e.authRequestID == id {
			delete(c.codes, code)
		}
	}
}

// accountRegionOfAuthRequest returns the region of the account chosen for
// auth request id, or "" if there is none (yet).
func (c *core) accountRegionOfAuthRequest(id string) string {
	c.mu.Lock()
	ar, ok := c.authRequests[id]
	var user string
	if ok {
		user = ar.UserID
	}
	c.mu.Unlock()
	if acc, ok := c.account(user); ok {
		return acc.Region
	}
	return ""
}

// saveCode records an issued authorization code.
func (c *core) saveCode(id, code string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.authRequests[id]; !ok {
		return fmt.Errorf("auth request %q: %w", id, errNotFound)
	}
	c.codes[code] = codeEntry{authRequestID: id, issued: c.now()}
	return nil
}

// authRequestByCode returns a copy of the completed auth request behind code.
func (c *core) authRequestByCode(code string) (*authRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.codes[code]
	if !ok || c.now().Sub(e.issued) > codeTTL {
		return nil, fmt.Errorf("code: %w", errNotFound)
	}
	ar, ok := c.authRequests[e.authRequestID]
	if !ok || !ar.done {
		return nil, fmt.Errorf("code: %w", errNotFound)
	}
	cp := *ar
	return &cp, nil
}

// storeAccessToken records an access token (giving it an ID unless it has
// one) and returns its ID.
func (c *core) storeAccessToken(t *accessToken) string {
	if t.ID == "" {
		t.ID = newID()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accessTokens[t.ID] = t
	return t.ID
}

// accessToken returns a copy of a live access token.
func (c *core) accessToken(id string) (*accessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.accessTokens[id]
	if !ok || c.now().After(t.Expires) {
		return nil, fmt.Errorf("access token: %w", errNotFound)
	}
	cp := *t
	return &cp, nil
}

// rotateRefreshToken stores r under a new token value and returns it. When
// previous is not empty it must still be valid, and it is invalidated in the
// same step, so a refresh token can be used only once.
func (c *core) rotateRefreshToken(r *refreshTokenRequest, previous string) (string, error) {
	r.Token = newID() + newID()
	r.Expires = c.now().Add(refreshTokenTTL)
	c.mu.Lock()
	defer c.mu.Unlock()
	if previous != "" {
		old, ok := c.refreshTokens[previous]
		if !ok {
			return "", oidc.ErrInvalidGrant().WithDescription("refresh token was already used or revoked")
		}
		delete(c.refreshTokens, previous)
		delete(c.accessTokens, old.AccessTokenID)
	}
	c.refreshTokens[r.Token] = r
	return r.Token, nil
}

// refreshToken returns a copy of a live refresh token.
func (c *core) refreshToken(token string) (*refreshTokenRequest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.refreshTokens[token]
	if !ok || c.now().After(r.Expires) {
		return nil, fmt.Errorf("refresh token: %w", errNotFound)
	}
	cp := *r
	return &cp, nil
}

// revokeRefreshToken deletes a refresh token (and its access token) of
// clientID. Unknown tokens are not an error (RFC 7009).
func (c *core) revokeRefreshToken(token, clientID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.refreshTokens[token]
	if !ok {
		return nil
	}
	if r.ClientID != clientID {
		return errors.New("token belongs to another client")
	}
	delete(c.refreshTokens, token)
	delete(c.accessTokens, r.AccessTokenID)
	return nil
}

// revokeAccessToken deletes an access token of clientID.
func (c *core) revokeAccessToken(id, clientID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.accessTokens[id]
	if !ok {
		return nil
	}
	if t.ClientID != clientID {
		return errors.New("token belongs to another client")
	}
	delete(c.accessTokens, id)
	return nil
}

// terminateSession ends userID's SSO session (the next login shows the
// login page again) and deletes every token of userID issued to clientID,
// as IdentityServer's end-session does.
func (c *core) terminateSession(userID, clientID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, ss := range c.sessions {
		if ss.AccountID == userID {
			delete(c.sessions, id)
		}
	}
	for id, t := range c.accessTokens {
		if t.Subject == userID && t.ClientID == clientID {
			delete(c.accessTokens, id)
		}
	}
	for tok, r := range c.refreshTokens {
		if r.Subject == userID && r.ClientID == clientID {
			delete(c.refreshTokens, tok)
		}
	}
}

// createSession starts an SSO session for accountID and returns its opaque
// ID (the cookie value). The session replacing, if any, is dropped.
func (c *core) createSession(accountID, replacing string) string {
	id := newID() + newID()
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, replacing)
	c.sessions[id] = ssoSession{AccountID: accountID, AuthTime: c.now().UTC()}
	return id
}

// session returns the live SSO session id.
func (c *core) session(id string) (ssoSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ss, ok := c.sessions[id]
	if !ok || c.now().Sub(ss.AuthTime) > sessionTTL {
		return ssoSession{}, false
	}
	return ss, true
}

// mayLogInAt reports whether accountID can be signed in at endpoint (the
// global endpoint: any account; a regional one: accounts of its region).
func (c *core) mayLogInAt(accountID, endpoint string) bool {
	acc, ok := c.account(accountID)
	return ok && (endpoint == GlobalRegion || acc.Region == endpoint)
}
