package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"ssodesk/safe"
	"ssodesk/timefmt"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"

	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/transport"
)

// DefaultLeeway is the clock skew tolerated on exp, nbf and iat.
const DefaultLeeway = time.Minute

// Verifier checks tokens against the keys of trusted issuers and reports
// every check. Discovery uses go-oidc; signatures are verified by go-jose
// with keys from the issuer's JWKS. It caches discovery and keys per issuer;
// an unknown kid triggers one re-fetch of the JWKS. Safe for concurrent use.
type Verifier struct {
	// Trusted maps each allow-listed issuer to its region name. HIMSA rule:
	// after a global exchange the ID token may carry the global or the
	// regional issuer, so every configured HIMSA issuer is accepted.
	Trusted map[string]string
	Leeway  time.Duration
	Now     func() time.Time
	// Foreign names the issuers of other environments ("HIMSA production
	// EU"), and EnvTitle this session's environment: a token from another
	// environment is refused naming both.
	Foreign  map[string]string
	EnvTitle string
	// Against names the allow-list when a token is checked outside a
	// session (decode --verify: "HIMSA production (--env production)"): the
	// issuer check then names the environment, and the endpoint the token
	// is expected from (Expect.Endpoint). "" for a session.
	Against string

	client  *http.Client
	mu      sync.Mutex
	keys    map[string]*issuerKeys // by issuer
	pending map[string]*jwksFetch  // by issuer: started by prefetch, taken by the next keySet
	skew    time.Duration          // local clock minus the IdP's, from Date headers
	skewOK  bool
}

type issuerKeys struct {
	provider *oidc.Provider
	jwksURL  string
	set      *jose.JSONWebKeySet
	foreign  []string // "token_endpoint https://other.example/token": endpoints on another host than the issuer's
}

// endpoints are the URLs of a discovery document that ssodesk may call.
type endpoints struct {
	JWKSURL       string `json:"jwks_uri"`
	Authorization string `json:"authorization_endpoint"`
	Token         string `json:"token_endpoint"`
	UserInfo      string `json:"userinfo_endpoint"`
	EndSession    string `json:"end_session_endpoint"`
	Revocation    string `json:"revocation_endpoint"`
	Introspection string `json:"introspection_endpoint"`
}

// check refuses an endpoint that is not https (http only on loopback):
// codes, verifiers, secrets and tokens go there. It lists the endpoints on
// another host than the issuer's, which are allowed but worth a warning.
func (d endpoints) check(issuer string) (foreign []string, err error) {
	for _, e := range []struct{ name, url string }{{"jwks_uri", d.JWKSURL}, {"authorization_endpoint", d.Authorization},
		{"token_endpoint", d.Token}, {"userinfo_endpoint", d.UserInfo}, {"end_session_endpoint", d.EndSession},
		{"revocation_endpoint", d.Revocation}, {"introspection_endpoint", d.Introspection}} {
		if e.url == "" {
			continue
		}
		if err := config.CheckSecretURL(e.url); err != nil {
			return nil, fmt.Errorf("the discovery document of %s names %s %s, which ssodesk will not use: it %v",
				issuer, e.name, safe.Printable(e.url), err)
		}
		if w := foreignHost(issuer, e.url); w != "" {
			foreign = append(foreign, e.name+" "+e.url)
		}
	}
	return foreign, nil
}

// foreignHost says why endpoint is worth a warning ("" when it is on the
// issuer's host).
func foreignHost(issuer, endpoint string) string {
	iu, err1 := url.Parse(issuer)
	eu, err2 := url.Parse(endpoint)
	if err1 != nil || err2 != nil || strings.EqualFold(iu.Host, eu.Host) {
		return ""
	}
	return fmt.Sprintf("%s is on host %s, not on the issuer's host %s", endpoint, eu.Host, iu.Host)
}

// endpointContext tags the requests to endpoint with purpose, and with a
// warning for the trace when endpoint is on another host than issuer.
func endpointContext(ctx context.Context, purpose, issuer, endpoint string) context.Context {
	ctx = transport.WithPurpose(ctx, purpose)
	if w := foreignHost(issuer, endpoint); w != "" {
		ctx = transport.WithWarning(ctx, w)
	}
	return ctx
}

// NewVerifier returns a verifier that fetches with client.
func NewVerifier(client *http.Client, trusted map[string]string, leeway time.Duration) *Verifier {
	if client == nil {
		client = NewHTTPClient(0)
	}
	v := &Verifier{Trusted: trusted, Leeway: leeway, Now: time.Now, keys: map[string]*issuerKeys{}, pending: map[string]*jwksFetch{}}
	c := *client
	c.Transport = &dateRecorder{base: transportOf(client), v: v}
	v.client = &c
	return v
}

// Expect is what a token is checked against.
type Expect struct {
	// ClientID is the audience an ID token must name. "" marks an access
	// token: its audience is the API, and OIDC's ID-token rules (sub, iat,
	// typ, the announced algorithms) do not apply to it.
	ClientID string
	Nonce    string // "" skips the check (refreshed or pasted tokens)
	// OriginalNonce is, for a refreshed ID token, the nonce of the one the
	// login issued: a nonce in the refreshed one must be it (OIDC Core
	// 12.2); none is fine. "" when the first had none.
	OriginalNonce string
	AccessToken   string // for at_hash; "" skips the check
	// Endpoint is the endpoint the token is expected from (decode
	// --region's; zero: any on the allow-list). Another of the allow-list
	// is a warning, unless Endpoint is the global one: HIMSA's global
	// endpoint hands a login to its own regions.
	Endpoint config.Region
}

// Verify decodes raw and runs every check.
func (v *Verifier) Verify(ctx context.Context, raw string, exp Expect) *Report {
	now := v.Now()
	r := &Report{Leeway: v.Leeway}
	t, err := DecodeJWT(raw)
	if err != nil {
		r.Checks = append(r.Checks, check.Row{Name: "format", Status: check.Fail, Detail: err.Error()})
		return r
	}
	r.Token = t
	r.Issuer = t.ClaimString("iss")
	r.KeyID = t.HeaderString("kid")
	region, trusted := v.Trusted[r.Issuer]
	r.Region = region

	add := func(name string, st check.Status, format string, args ...any) {
		r.Checks = append(r.Checks, check.Row{Name: name, Status: st, Detail: fmt.Sprintf(format, args...)})
	}
	r.Checks = append(r.Checks, v.checkIssuer(r.Issuer, region, trusted, exp.Endpoint))
	idToken := exp.ClientID != ""
	if idToken {
		r.Checks = append(r.Checks, checkType(t), checkSubject(t))
	}
	switch {
	case !trusted:
		add("signature", check.Skip, "not checked: the issuer is not trusted, so its keys were not fetched")
	case idToken:
		ks, err := v.discover(ctx, r.Issuer)
		if err == nil && len(ks.foreign) > 0 {
			add("endpoints", check.Warn, "discovery names endpoints on another host than the issuer's: %s; make sure you trust them",
				strings.Join(ks.foreign, ", "))
		}
		alg := v.checkAlgorithm(ctx, t, r.Issuer)
		r.Checks = append(r.Checks, alg)
		if err != nil {
			r.KeysUnavailable = true
			add("signature", check.Skip, "not checked: the issuer's discovery document (and so its keys) could not be read")
			break
		}
		if a := t.HeaderString("alg"); alg.Status == check.Fail && a != "" && a != "none" && !strings.HasPrefix(a, "HS") {
			add("signature", check.Skip, "not checked: the algorithm is not one the IdP announced")
			break
		}
		r.Checks = append(r.Checks, v.checkSignature(ctx, t, r))
	default:
		r.Checks = append(r.Checks, v.checkSignature(ctx, t, r))
	}
	r.Checks = append(r.Checks, checkAudience(t, exp.ClientID))
	r.Checks = append(r.Checks, v.checkTimes(t, now, idToken)...)
	if skew, ok := v.clockSkew(); ok && absDur(skew) > v.Leeway {
		dir := "ahead of"
		if skew < 0 {
			dir = "behind"
		}
		add("clock", check.Warn, "this computer's clock is about %s %s the IdP's (from its Date header); times above may be off by that much", timefmt.Short(aboutDuration(skew)), dir)
	}
	r.Checks = append(r.Checks, checkNonce(t, exp), checkAtHash(t, exp.AccessToken))
	return r
}

// checkIssuer: the token's iss must be on the allow-list (region is its
// name there). A token of another environment names both.
func (v *Verifier) checkIssuer(iss, region string, trusted bool, want config.Region) check.Row {
	row := func(st check.Status, format string, args ...any) check.Row {
		return check.Row{Name: "issuer", Status: st, Detail: fmt.Sprintf(format, args...)}
	}
	wantIss := strings.TrimRight(want.Issuer, "/")
	switch {
	case iss == "":
		return row(check.Fail, "the token has no iss claim")
	case trusted && v.Against == "":
		return row(check.Pass, "%s, the %s issuer, is on the allow-list", iss, region)
	case trusted && wantIss == "":
		return row(check.Pass, "%s, the %s issuer of %s, is on the allow-list; checked against this issuer's keys (no endpoint was named)", iss, region, v.Against)
	case trusted && iss == wantIss:
		return row(check.Pass, "%s, the %s issuer of %s, is on the allow-list", iss, region, v.Against)
	case trusted && want.IsGlobal():
		return row(check.Pass, "%s, the %s issuer of %s, is on the allow-list: the %s endpoint (%s) hands a login to its own regions",
			iss, region, v.Against, want.Name, wantIss)
	case trusted:
		return row(check.Warn, "%s is the %s issuer of %s, not %s's (%s): checked against the %s issuer's keys", iss, region, v.Against, want.Name, wantIss, region)
	case v.Foreign[iss] != "" && v.Against != "":
		return row(check.Fail, "issued by %s (%s); checked against %s: a token of another environment", v.Foreign[iss], iss, v.Against)
	case v.Foreign[iss] != "":
		return row(check.Fail, "issued by %s (%s); this session is %s: a token of another environment", v.Foreign[iss], iss, cmp.Or(v.EnvTitle, "another environment"))
	case v.Against != "":
		return row(check.Fail, "%s is not an issuer of %s: its endpoints are %s", iss, v.Against, strings.Join(slices.Sorted(maps.Values(v.Trusted)), ", "))
	}
	return row(check.Fail, "%s is not on the allow-list of HIMSA issuers (the configured regions)", iss)
}

func (v *Verifier) checkSignature(ctx context.Context, t *JWT, r *Report) check.Row {
	c := check.Row{Name: "signature", Status: check.Fail}
	alg := t.HeaderString("alg")
	switch {
	case alg == "" || alg == "none":
		c.Detail = "the token is unsigned (alg none)"
		return c
	case len(alg) > 2 && alg[:2] == "HS":
		c.Detail = alg + " (a shared-secret MAC) cannot be checked against a public JWKS"
		return c
	}
	ks, err := v.keySet(ctx, r.Issuer, false)
	if err != nil {
		c.Detail = "cannot fetch the issuer's keys: " + err.Error()
		r.KeysUnavailable = true
		return c
	}
	r.JWKSURL, r.JWKSKeyIDs = ks.jwksURL, keyIDs(ks.set)
	keys := matchingKeys(ks.set, r.KeyID)
	if len(keys) == 0 {
		// Maybe the IdP rotated its keys since they were fetched: one re-fetch.
		if ks, err = v.keySet(ctx, r.Issuer, true); err != nil {
			c.Detail = "cannot re-fetch the issuer's keys: " + err.Error()
			r.KeysUnavailable = true
			return c
		}
		r.Refetched, r.JWKSKeyIDs = true, keyIDs(ks.set)
		if keys = matchingKeys(ks.set, r.KeyID); len(keys) == 0 {
			r.KeyRotatedAway = r.KeyID != ""
			c.Detail = RotatedAway(r.KeyID, r.JWKSKeyIDs, ks.jwksURL)
			return c
		}
	}
	jws, err := jose.ParseSignedCompact(t.Raw, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
	if err != nil {
		c.Detail = "cannot read the signature: " + err.Error()
		return c
	}
	for _, k := range keys {
		if _, err := jws.Verify(k.Key); err == nil {
			c.Status, r.SigningKeyID = check.Pass, k.KeyID
			c.Detail = fmt.Sprintf("%s by key %s from %s", alg, kidText(k.KeyID), ks.jwksURL)
			if r.Refetched {
				c.Detail += " (found after fetching the JWKS again: the key is new)"
			}
			return c
		}
	}
	c.Detail = fmt.Sprintf("does not match key %s from %s: the token was altered, or signed with another key", kidText(r.KeyID), ks.jwksURL)
	return c
}

// RotatedAway is the signature check's words for a kid the JWKS does not
// have even after a re-fetch (a token without a kid: no key matched).
func RotatedAway(kid string, kids []string, jwksURL string) string {
	has := "no keys"
	if len(kids) > 0 {
		has = strings.Join(kids, ", ")
	}
	if kid == "" {
		return fmt.Sprintf("the token names no kid and no key of %s (%s) matches it", jwksURL, has)
	}
	return fmt.Sprintf("signed with a key the IdP has rotated away (kid %s; the JWKS has %s, even after fetching it again from %s), "+
		"or with a key it never published", kid, has, jwksURL)
}

// keyIDs are set's kids, in its order ("(no kid)" for a key without one).
func keyIDs(set *jose.JSONWebKeySet) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, cmp.Or(k.KeyID, "(no kid)"))
	}
	return out
}

func matchingKeys(set *jose.JSONWebKeySet, kid string) []jose.JSONWebKey {
	if kid != "" {
		return set.Key(kid)
	}
	return set.Keys
}

func kidText(kid string) string {
	if kid == "" {
		return "(no kid)"
	}
	return "kid=" + kid
}

// discover returns the issuer's cached discovery, reading it when needed.
// Discovery is go-oidc's, which also checks the document's issuer.
func (v *Verifier) discover(ctx context.Context, issuer string) (*issuerKeys, error) {
	v.mu.Lock()
	ks := v.keys[issuer]
	v.mu.Unlock()
	if ks != nil {
		return ks, nil
	}
	p, err := oidc.NewProvider(transport.WithPurpose(oidc.ClientContext(ctx, v.client), "discovery"), issuer)
	if err != nil {
		return nil, err
	}
	var d endpoints
	if err := p.Claims(&d); err != nil || d.JWKSURL == "" {
		return nil, fmt.Errorf("the discovery document of %s names no jwks_uri", issuer)
	}
	foreign, err := d.check(issuer)
	if err != nil {
		return nil, err
	}
	ks = &issuerKeys{provider: p, jwksURL: d.JWKSURL, foreign: foreign}
	v.mu.Lock()
	v.keys[issuer] = ks
	v.mu.Unlock()
	return ks, nil
}

// keySet returns the issuer's keys, fetching the JWKS when not cached or
// when refetch is set. A fetch prefetch started is waited for; when it
// failed, the keys are fetched again, so the report says what holds now.
func (v *Verifier) keySet(ctx context.Context, issuer string, refetch bool) (*issuerKeys, error) {
	if !refetch {
		v.mu.Lock()
		ks, f := v.keys[issuer], v.pending[issuer]
		delete(v.pending, issuer)
		v.mu.Unlock()
		switch {
		case ks != nil && ks.set != nil:
			return ks, nil
		case f != nil:
			select {
			case <-f.done:
				if f.err == nil {
					return f.ks, nil
				}
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	return v.fetchKeys(ctx, issuer)
}

// jwksFetch is a JWKS fetch started ahead of the token that needs it.
type jwksFetch struct {
	done chan struct{}
	ks   *issuerKeys
	err  error
}

// prefetch starts fetching the issuer's discovery and JWKS in the
// background, unless its keys are cached or already coming: a login calls
// it while the browser is busy, so verifying the ID token after the
// exchange does not wait for the key set.
func (v *Verifier) prefetch(ctx context.Context, issuer string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if ks := v.keys[issuer]; (ks != nil && ks.set != nil) || v.pending[issuer] != nil {
		return
	}
	f := &jwksFetch{done: make(chan struct{})}
	v.pending[issuer] = f
	go func() {
		defer close(f.done)
		f.ks, f.err = v.fetchKeys(ctx, issuer)
	}()
}

// settle waits for the fetches prefetch started to end, so a login that
// returns has no request of its own still under way: its trace is complete
// when a report is built from it. Each fetch runs under the login's context
// (and the client's timeout), so a cancelled login ends it at once. A
// fetch stays pending for the keySet that takes it.
func (v *Verifier) settle() {
	v.mu.Lock()
	fetches := make([]*jwksFetch, 0, len(v.pending))
	for _, f := range v.pending {
		fetches = append(fetches, f)
	}
	v.mu.Unlock()
	for _, f := range fetches {
		<-f.done
	}
}

// fetchKeys reads the issuer's JWKS and caches it.
func (v *Verifier) fetchKeys(ctx context.Context, issuer string) (*issuerKeys, error) {
	ks, err := v.discover(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: %s", issuer, cleanNetErr(err))
	}
	set, err := v.fetchJWKS(transport.WithPurpose(ctx, "jwks"), ks.jwksURL)
	if err != nil {
		return nil, err
	}
	ks = &issuerKeys{provider: ks.provider, jwksURL: ks.jwksURL, set: set, foreign: ks.foreign}
	v.mu.Lock()
	v.keys[issuer] = ks
	v.mu.Unlock()
	return ks, nil
}

// maxJWKS bounds a key set document.
const maxJWKS = 1 << 20

func (v *Verifier) fetchJWKS(ctx context.Context, url string) (*jose.JSONWebKeySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("JWKS URL %q: %v", url, err)
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %s", url, cleanNetErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: %s", url, resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJWKS)).Decode(&set); err != nil {
		return nil, fmt.Errorf("%s is not a JWKS: %v", url, err)
	}
	return &set, nil
}

// provider returns the cached discovery of issuer (endpoints, userinfo).
func (v *Verifier) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	ks, err := v.discover(ctx, issuer)
	if err != nil {
		return nil, err
	}
	return ks.provider, nil
}

// Audience is the token's aud claim as a list.
func (t *JWT) Audience() []string {
	var aud []string
	switch a := t.Claims["aud"].(type) {
	case string:
		aud = []string{a}
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok {
				aud = append(aud, s)
			}
		}
	}
	return aud
}

// IsAccessToken says whether t is an access token rather than an ID token
// for clientID: typ at+jwt (RFC 9068), or an audience without the client
// (IdentityServer's access tokens name "<issuer>/resources" and the APIs).
func (t *JWT) IsAccessToken(clientID string) bool {
	switch strings.ToLower(t.HeaderString("typ")) {
	case "at+jwt", "application/at+jwt":
		return true
	}
	return !slices.Contains(t.Audience(), clientID)
}

func checkAudience(t *JWT, clientID string) check.Row {
	c := check.Row{Name: "audience"}
	aud := t.Audience()
	switch {
	case clientID == "":
		c.Status, c.Detail = check.Skip, fmt.Sprintf("aud %v: not checked (an access token's audience is the API, not this app)", aud)
	case len(aud) == 0:
		c.Status, c.Detail = check.Fail, "the token has no aud claim"
	case !slices.Contains(aud, clientID):
		c.Status, c.Detail = check.Fail, fmt.Sprintf("aud %v does not contain this app's client ID %q: the token was issued to another app", aud, clientID)
	case len(aud) > 1 && t.ClaimString("azp") != clientID:
		c.Status, c.Detail = check.Fail, fmt.Sprintf("several audiences %v but azp is %q, not %q", aud, t.ClaimString("azp"), clientID)
	case t.Claims["azp"] != nil && t.ClaimString("azp") != clientID:
		// OIDC Core 3.1.3.7 (5): an azp present must be this client.
		c.Status, c.Detail = check.Fail, fmt.Sprintf("azp is %q, not this app's client ID %q: the token was issued to another app", t.ClaimString("azp"), clientID)
	default:
		c.Status, c.Detail = check.Pass, "contains this app's client ID "+clientID
	}
	return c
}

// checkTimes checks exp, nbf and iat; an ID token must carry iat.
func (v *Verifier) checkTimes(t *JWT, now time.Time, idToken bool) []check.Row {
	var out []check.Row
	for _, c := range []struct {
		claim, name, absent string
		required            bool
	}{
		{"exp", "expiry", "the token has no exp claim", true},
		{"nbf", "not before", "no nbf claim", false},
		{"iat", "issued at", "no iat claim", false},
	} {
		at, ok, err := t.TimeClaim(c.claim)
		switch {
		case err != nil:
			out = append(out, check.Row{Name: c.name, Status: check.Fail, Detail: err.Error()})
		case !ok && c.claim == "iat" && idToken:
			out = append(out, check.Row{Name: c.name, Status: check.Fail, Detail: "the token has no iat claim (OIDC Core requires one in an ID token)"})
		case !ok && c.required:
			out = append(out, check.Row{Name: c.name, Status: check.Fail, Detail: c.absent})
		case !ok:
			out = append(out, check.Row{Name: c.name, Status: check.Skip, Detail: c.absent})
		default:
			out = append(out, timeCheck(c.name, at, now, v.Leeway))
		}
	}
	return out
}

// timeCheck judges one time claim (check "expiry", "not before" or
// "issued at", at its time at) against the clock now, with leeway. Its
// Detail names the time absolutely; how far that is from now is for the
// screen to say (explain.CheckDetail), so a saved report stays true.
func timeCheck(name string, at, now time.Time, leeway time.Duration) check.Row {
	c := check.Row{Name: name, Status: check.Pass, At: at}
	clock := timefmt.Clock(at)
	switch name {
	case "expiry":
		c.Detail = "valid until " + clock
		switch {
		case now.After(at.Add(leeway)):
			c.Status, c.Detail = check.Fail, "expired at "+clock
		case now.After(at):
			// Past exp by the IdP's claim, yet within the tolerated skew: a
			// warning, not a pass — it fails once the leeway has passed.
			c.Status, c.Detail = check.Warn, "expired at "+clock+" — accepted within the "+timefmt.Span(leeway)+" clock leeway"
		}
	case "not before":
		c.Detail = "valid since " + clock
		if now.Add(leeway).Before(at) {
			c.Status, c.Detail = check.Fail, "not valid before "+clock+"; if it was just issued, this computer's clock is behind"
		}
	case "issued at":
		c.Detail = clock
		if now.Add(leeway).Before(at) {
			c.Status = check.Fail
			c.Detail = fmt.Sprintf("issued in the future, at %s: a forged token, or this computer's clock is about %s behind the IdP's",
				clock, timefmt.Short(aboutDuration(at.Sub(now))))
		}
	}
	return c
}

// At is the report judged at now: its time checks (expiry, not before,
// issued at) again, so a verdict stays true while it is on screen. The
// other checks do not change with the clock.
func (r *Report) At(now time.Time) *Report {
	if r == nil {
		return nil
	}
	out := *r
	out.Checks = slices.Clone(r.Checks)
	for i, c := range out.Checks {
		if !c.At.IsZero() {
			out.Checks[i] = timeCheck(c.Name, c.At, now, r.Leeway)
		}
	}
	return &out
}

// checkType: an access token (RFC 9068 typ at+jwt) is not an ID token.
func checkType(t *JWT) check.Row {
	typ := t.HeaderString("typ")
	switch strings.ToLower(typ) {
	case "at+jwt", "application/at+jwt":
		return check.Row{Name: "type", Status: check.Fail, Detail: "typ " + typ + " marks an access token (RFC 9068), not an ID token"}
	case "":
		return check.Row{Name: "type", Status: check.Pass, Detail: "no typ header (allowed for an ID token)"}
	}
	return check.Row{Name: "type", Status: check.Pass, Detail: "typ " + typ}
}

// checkSubject: OIDC Core 2 — an ID token names its user in sub.
func checkSubject(t *JWT) check.Row {
	if sub := t.ClaimString("sub"); sub != "" {
		return check.Row{Name: "subject", Status: check.Pass, Detail: "sub " + sub}
	}
	return check.Row{Name: "subject", Status: check.Fail, Detail: "the token has no sub claim (OIDC Core requires one: it names the user)"}
}

// checkAlgorithm: the ID token's alg must be one the issuer announced in
// id_token_signing_alg_values_supported (RS256 when it announces none), so
// a token cannot pick a weaker algorithm than the IdP uses.
func (v *Verifier) checkAlgorithm(ctx context.Context, t *JWT, issuer string) check.Row {
	alg := t.HeaderString("alg")
	allowed := []string{"RS256"}
	ks, err := v.discover(ctx, issuer)
	if err != nil {
		return check.Row{Name: "algorithm", Status: check.Fail, Detail: "cannot read the issuer's discovery document: " + cleanNetErr(err)}
	}
	var d struct {
		Algs []string `json:"id_token_signing_alg_values_supported"`
	}
	if ks.provider.Claims(&d) == nil && len(d.Algs) > 0 {
		allowed = d.Algs
	}
	if alg == "" || !slices.Contains(allowed, alg) || alg == "none" {
		return check.Row{Name: "algorithm", Status: check.Fail, Detail: fmt.Sprintf("alg %q is not one the IdP announced for ID tokens (%s)", alg, strings.Join(allowed, ", "))}
	}
	return check.Row{Name: "algorithm", Status: check.Pass, Detail: alg + ", announced by the IdP"}
}

func checkNonce(t *JWT, exp Expect) check.Row {
	got, nonce := t.ClaimString("nonce"), exp.Nonce
	switch {
	case nonce == "" && exp.OriginalNonce != "" && got != "" && got != exp.OriginalNonce:
		// OIDC Core 12.2: a refreshed ID token's nonce, if present, is the original's.
		return check.Row{Name: "nonce", Status: check.Fail, Detail: fmt.Sprintf("nonce %q of the refreshed ID token is not the one of the login's ID token: "+
			"a token of another login", got)}
	case nonce == "" && exp.OriginalNonce != "" && got != "":
		return check.Row{Name: "nonce", Status: check.Pass, Detail: "the same as the login's ID token's"}
	case nonce == "":
		return check.Row{Name: "nonce", Status: check.Skip, Detail: "not checked (no nonce expected for this token)"}
	case got == "":
		return check.Row{Name: "nonce", Status: check.Fail, Detail: "the token has no nonce, but the login sent one"}
	case got != nonce:
		return check.Row{Name: "nonce", Status: check.Fail, Detail: fmt.Sprintf("nonce %q is not the one this login sent: a replayed token, or one from another login", got)}
	}
	return check.Row{Name: "nonce", Status: check.Pass, Detail: "matches the one this login sent"}
}

func checkAtHash(t *JWT, accessToken string) check.Row {
	want := t.ClaimString("at_hash")
	switch {
	case want == "":
		return check.Row{Name: "at_hash", Status: check.Skip, Detail: "no at_hash claim"}
	case accessToken == "":
		return check.Row{Name: "at_hash", Status: check.Skip, Detail: "not checked (no access token to compare)"}
	}
	got, err := zoidc.ClaimHash(accessToken, jose.SignatureAlgorithm(t.HeaderString("alg")))
	switch {
	case err != nil:
		return check.Row{Name: "at_hash", Status: check.Fail, Detail: "cannot compute for alg " + t.HeaderString("alg") + ": " + err.Error()}
	case got != want:
		return check.Row{Name: "at_hash", Status: check.Fail, Detail: "does not match the access token: the two were not issued together"}
	}
	return check.Row{Name: "at_hash", Status: check.Pass, Detail: "matches the access token"}
}

// TimeClaim reads a NumericDate claim. ok is false when it is absent.
func (t *JWT) TimeClaim(name string) (time.Time, bool, error) {
	v, present := t.Claims[name]
	if !present {
		return time.Time{}, false, nil
	}
	var secs float64
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return time.Time{}, true, fmt.Errorf("%s is not a number: %v", name, x)
		}
		secs = f
	case float64:
		secs = x
	default:
		return time.Time{}, true, fmt.Errorf("%s is not a number (NumericDate): %v", name, v)
	}
	if secs < 0 || secs > 1<<40 {
		return time.Time{}, true, fmt.Errorf("%s is out of range: %v", name, v)
	}
	return time.Unix(int64(secs), 0), true, nil
}

// dateRecorder notes the IdP's Date header to spot a local clock that is off.
type dateRecorder struct {
	base http.RoundTripper
	v    *Verifier
}

func (d *dateRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := d.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if skew, ok := transport.ClockSkew(resp.Header.Get("Date"), d.v.Now()); ok {
		d.v.mu.Lock()
		d.v.skew, d.v.skewOK = -skew, true // local minus the IdP's
		d.v.mu.Unlock()
	}
	return resp, nil
}

func (v *Verifier) clockSkew() (time.Duration, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.skew, v.skewOK
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// aboutDuration rounds a clock difference for an "about …" sentence.
func aboutDuration(d time.Duration) time.Duration {
	if absDur(d) >= time.Minute {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
