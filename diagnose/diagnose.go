// Package diagnose checks an IdP endpoint without logging in (`ssodesk
// check`, the TUI's check screen): discovery, TLS, issuer, JWKS, the
// authorize pre-flight for this client and redirect URI, token endpoint
// authentication, the optional endpoints, clock skew and the local redirect
// port. Each check is a check.Row: a status and one sentence (explain's
// words). The package has no UI.
package diagnose

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"ssodesk/safe"
	"strings"
	"sync"
	"syscall"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/health"
	"ssodesk/transport"
)

// Report is every check of one endpoint.
type Report struct {
	Region      string          `json:"region"`
	Environment string          `json:"environment,omitempty"` // the endpoint's environment ("production", "qa", …)
	Issuer      string          `json:"issuer"`
	Rows        []check.Row     `json:"checks"`
	Preflight   *auth.Preflight `json:"preflight,omitempty"`
	// Probes are the authorize requests sent (the one asked first) when
	// it was refused, and Culprit what they found (nil: none sent).
	Probes  []Probe  `json:"probes,omitempty"`
	Culprit *Culprit `json:"culprit,omitempty"`
}

// OK reports whether no row failed.
func (r Report) OK() bool { return len(r.Failed()) == 0 }

// Failed names the rows that failed.
func (r Report) Failed() []string { return check.Failed(r.Rows) }

// The names of the rows, in order.
const (
	RowDiscovery = "discovery"
	RowTLS       = "tls"
	RowIssuer    = "issuer"
	RowJWKS      = "jwks"
	RowAuthorize = "authorize"
	RowRefuses   = "refuses" // which parameter the IdP refuses (the probes' finding)
	RowTokenAuth = "token auth"
	RowEndpoints = "endpoints"
	RowClock     = "clock"
	RowPort      = "redirect port"
)

// CertWarnWithin: a certificate expiring sooner is a "!" (transport's rule,
// the report's too).
const CertWarnWithin = transport.CertWarnWithin

// maxDocument bounds the discovery document and the JWKS read.
const maxDocument = 1 << 20

// All checks every endpoint of opts at once (each Options as
// auth.OptionsFrom builds it), in order.
func All(ctx context.Context, opts []auth.Options, do Options) []Report {
	out := make([]Report, len(opts))
	var wg sync.WaitGroup
	ports := map[string]check.Row{} // one bind per redirect URI, before the endpoints' checks
	for _, o := range opts {
		if _, ok := ports[o.RedirectURI]; !ok {
			ports[o.RedirectURI] = portCheck(o.RedirectURI)
		}
	}
	for i, o := range opts {
		row := ports[o.RedirectURI]
		do := do
		do.port = &row
		wg.Go(func() { out[i] = Endpoint(ctx, o, do) })
	}
	wg.Wait()
	return out
}

// Endpoint checks o.Region for o's client (ID, secret, redirect URI,
// scopes, prompt) with o.HTTPClient, and do's.
func Endpoint(ctx context.Context, o auth.Options, do Options) Report {
	if do.Interval <= 0 {
		do.Interval = ProbeInterval
	}
	ctx = transport.FreshDiscovery(ctx) // a check reads the IdP's own answers, never a cache
	c := &checker{o: o, do: do, client: o.HTTPClient, now: time.Now, rep: Report{Region: o.Region.Name, Environment: o.Region.Env, Issuer: o.Region.Issuer}}
	if c.client == nil {
		c.client = auth.NewHTTPClient(config.DefaultHTTPTimeout)
	}
	if c.o.Leeway <= 0 {
		c.o.Leeway = auth.DefaultLeeway
	}
	c.run(ctx)
	return c.rep
}

// checker is one endpoint's check in progress.
type checker struct {
	o      auth.Options
	do     Options
	client *http.Client
	now    func() time.Time
	rep    Report
	doc    discovery
	skew   *time.Duration // the discovery answer's Date header minus this clock's time then; nil without one
}

// discovery is what the checks read from the discovery document.
type discovery struct {
	Issuer        string   `json:"issuer"`
	Authorization string   `json:"authorization_endpoint"`
	Token         string   `json:"token_endpoint"`
	JWKS          string   `json:"jwks_uri"`
	Userinfo      string   `json:"userinfo_endpoint"`
	EndSession    string   `json:"end_session_endpoint"`
	Revocation    string   `json:"revocation_endpoint"`
	Introspection string   `json:"introspection_endpoint"`
	AuthMethods   []string `json:"token_endpoint_auth_methods_supported"`
	IDTokenAlgs   []string `json:"id_token_signing_alg_values_supported"`
}

func (c *checker) add(name string, status check.Status, detail string) {
	c.rep.Rows = append(c.rep.Rows, check.Row{Name: name, Status: status, Detail: safe.Printable(detail)})
}

func (c *checker) run(ctx context.Context) {
	if c.discover(ctx) {
		c.keysAndAuthorize(ctx)
		c.tokenAuth()
		c.endpoints()
		c.clock()
	} else {
		for _, name := range []string{RowJWKS, RowAuthorize, RowTokenAuth, RowEndpoints, RowClock} {
			c.add(name, check.Skip, explain.CheckNotReached)
		}
	}
	if c.do.port != nil {
		c.rep.Rows = append(c.rep.Rows, *c.do.port)
	} else {
		c.port()
	}
}

// keysAndAuthorize reads the JWKS and sends the authorize pre-flight (and
// its probes) at once: both need only the discovery document (issue 26:
// one round trip fewer per endpoint). Their rows keep their order.
func (c *checker) keysAndAuthorize(ctx context.Context) {
	jc, ac := c.fork(), c.fork()
	var wg sync.WaitGroup
	wg.Go(func() { jc.jwks(ctx) })
	wg.Go(func() { ac.authorize(ctx) })
	wg.Wait()
	c.rep.Rows = append(append(c.rep.Rows, jc.rep.Rows...), ac.rep.Rows...)
	c.rep.Preflight, c.rep.Probes, c.rep.Culprit = ac.rep.Preflight, ac.rep.Probes, ac.rep.Culprit
}

// fork is c with no rows yet, for a check that runs beside another.
func (c *checker) fork() *checker {
	f := *c
	f.rep = Report{Region: c.rep.Region, Issuer: c.rep.Issuer}
	return &f
}

// discover probes discovery (reachable, TLS, certificate, issuer) and
// reads the document; false when there is none to go on with.
func (c *checker) discover(ctx context.Context) bool {
	r := c.o.Region
	res := health.Probe(ctx, c.client, []config.Region{r}, health.Options{Timeout: c.client.Timeout})[0]
	docURL := strings.TrimSuffix(r.Issuer, "/") + "/.well-known/openid-configuration"
	if res.Status == health.StatusDown {
		c.add(RowDiscovery, check.Fail, explain.CheckUnreachable("discovery document", docURL, res.Err))
		switch {
		case strings.Contains(res.Err, "unknown authority"): // a private CA's, or a TLS-inspecting proxy's
			c.add(RowTLS, check.Fail, res.Err+" — "+explain.FixPrivateCA)
		case strings.HasPrefix(res.Err, "TLS"):
			c.add(RowTLS, check.Fail, res.Err)
		default:
			c.add(RowTLS, check.Skip, explain.CheckNotReached)
		}
		c.add(RowIssuer, check.Skip, explain.CheckNotReached)
		return false
	}
	// The probe read the document (once: issue 26); a document it could
	// not take (another status, not an object) was not read.
	var err error
	if res.Document == nil {
		err = errors.New(res.Err)
	} else {
		err = json.Unmarshal(res.Document, &c.doc)
	}
	if err != nil {
		c.add(RowDiscovery, check.Fail, explain.CheckUnreachable("discovery document", docURL, err.Error()))
	} else {
		c.add(RowDiscovery, check.Pass, explain.CheckDiscovery(docURL, res.HTTPStatus, res.Latency))
	}
	c.tls(res)
	if res.IssuerMatches {
		c.add(RowIssuer, check.Pass, explain.CheckIssuer(r.Issuer, res.DiscoveredIssuer))
	} else {
		c.add(RowIssuer, check.Fail, explain.CheckIssuer(r.Issuer, res.DiscoveredIssuer))
	}
	if err != nil {
		return false
	}
	if skew, ok := transport.ClockSkew(res.Date, res.CheckedAt.Add(res.Latency)); ok {
		c.skew = &skew
	}
	return true
}

func (c *checker) tls(res health.Result) {
	now := c.now()
	switch {
	case res.TLSVersion == "":
		c.add(RowTLS, check.Pass, explain.CheckPlainHTTP)
	case transport.CertExpiresSoon(res.CertExpiry, now):
		c.add(RowTLS, check.Warn, explain.CheckTLSSoon(res.TLSVersion, res.CertExpiry, now))
	default:
		c.add(RowTLS, check.Pass, explain.CheckTLS(res.TLSVersion, res.CertExpiry, now))
	}
}

// get GETs rawURL tagged with purpose (see Fetch).
func (c *checker) get(ctx context.Context, purpose, rawURL string) (*http.Response, []byte, error) {
	return Fetch(ctx, c.client, purpose, rawURL)
}

// MaxDocument bounds a discovery document or JWKS read (1 MB; real ones
// are a few KB).
const MaxDocument = maxDocument

// ErrTooLarge: a document was larger than MaxDocument.
var ErrTooLarge = fmt.Errorf("more than %d bytes: not a discovery document or JWKS", maxDocument)

// Fetch GETs rawURL with client, tagged with purpose ("discovery",
// "jwks"), as check reads its documents: JSON asked for, at most
// MaxDocument read (ErrTooLarge beyond), an answer other than 200 an error.
// The response is returned whenever one came (its headers: Date, TLS).
func Fetch(ctx context.Context, client *http.Client, purpose, rawURL string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(transport.WithPurpose(ctx, purpose), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	switch {
	case err != nil:
	case len(body) > maxDocument:
		body, err = body[:maxDocument], ErrTooLarge
	case resp.StatusCode != http.StatusOK:
		err = fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp, body, err
}

// Preflight sends the authorize request of o's client (client ID, redirect
// URI — a free port for port 0 —, scopes, prompt) to the authorize
// endpoint authURL, as check's authorize row does first, and says how the
// IdP answered. It sends no probes.
func Preflight(ctx context.Context, client *http.Client, o auth.Options, authURL string) *auth.Preflight {
	redirect := withFreePort(o.RedirectURI)
	asked := auth.AuthorizeRequest{ClientID: o.ClientID, RedirectURI: redirect, Scopes: o.Scopes, Prompt: o.Prompt}
	p := auth.CheckAuthorize(ctx, client, asked.URL(authURL))
	p.RandomPort = redirect != o.RedirectURI
	return p
}

func (c *checker) jwks(ctx context.Context) {
	if c.doc.JWKS == "" {
		c.add(RowJWKS, check.Fail, "discovery names no jwks_uri: ID tokens cannot be verified")
		return
	}
	_, body, err := c.get(ctx, "jwks", c.doc.JWKS)
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err == nil {
		err = json.Unmarshal(body, &set)
	}
	switch {
	case err != nil:
		c.add(RowJWKS, check.Fail, explain.CheckUnreachable("JWKS", c.doc.JWKS, err.Error()))
		return
	case len(set.Keys) == 0:
		c.add(RowJWKS, check.Fail, explain.CheckJWKS(c.doc.JWKS, 0, []string{"no keys: no ID token can be verified"}))
		return
	}
	var algs []string
	covers := map[string]bool{}
	for _, k := range set.Keys {
		algs = appendNew(algs, orKty(k.Alg, k.Kty))
		covers[k.Alg], covers["kty:"+k.Kty] = true, true
	}
	dates := "; " + keyDates(set.Keys, c.now())
	if len(set.Keys) > 1 {
		dates += "; " + explain.CheckJWKSSeveral
	}
	for _, alg := range c.doc.IDTokenAlgs {
		if !covers[alg] && !covers["kty:"+ktyOf(alg)] {
			c.add(RowJWKS, check.Warn, explain.CheckJWKS(c.doc.JWKS, len(set.Keys), algs)+"; "+explain.CheckJWKSNoKeyFor(alg)+dates)
			return
		}
	}
	c.add(RowJWKS, check.Pass, explain.CheckJWKS(c.doc.JWKS, len(set.Keys), algs)+dates)
}

// jwk is what the jwks row reads of a key.
type jwk struct {
	Kty string   `json:"kty"`
	Alg string   `json:"alg"`
	Kid string   `json:"kid"`
	X5C []string `json:"x5c"`
}

// keyDates says the oldest and newest key the JWKS can date: by the
// NotBefore of the first x5c certificate (the key's own), when a key has
// one that parses; the others cannot be dated.
func keyDates(keys []jwk, now time.Time) string {
	var dated []explain.KeyDate
	undated := 0
	for _, k := range keys {
		var cert *x509.Certificate
		if len(k.X5C) > 0 {
			if der, err := base64.StdEncoding.DecodeString(k.X5C[0]); err == nil {
				cert, _ = x509.ParseCertificate(der)
			}
		}
		if cert == nil {
			undated++
			continue
		}
		dated = append(dated, explain.KeyDate{KeyID: k.Kid, NotBefore: cert.NotBefore, NotAfter: cert.NotAfter})
	}
	return explain.CheckJWKSDates(dated, undated, now)
}

func orKty(alg, kty string) string {
	if alg != "" {
		return alg
	}
	return kty + " key"
}

// ktyOf is the key type an algorithm needs.
func ktyOf(alg string) string {
	switch {
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		return "RSA"
	case strings.HasPrefix(alg, "ES"):
		return "EC"
	case alg == "EdDSA":
		return "OKP"
	}
	return ""
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// authorize runs the pre-flight for this client and redirect URI (port 0:
// a free port, as a login would pick).
func (c *checker) authorize(ctx context.Context) {
	if c.doc.Authorization == "" {
		c.add(RowAuthorize, check.Fail, "discovery names no authorization_endpoint: no browser login is possible")
		return
	}
	if c.o.ClientID == "" { // the IdP would call it an unknown client "": say what is missing instead
		c.add(RowAuthorize, check.Fail, explain.CheckNoClientID(c.o.Region.Env))
		return
	}
	redirect := c.redirectURI()
	asked := auth.AuthorizeRequest{ClientID: c.o.ClientID, RedirectURI: redirect, Scopes: c.o.Scopes, Prompt: c.o.Prompt, ResponseMode: c.do.ResponseMode}
	pr := &prober{c: c, endpoint: c.doc.Authorization, interval: c.do.Interval, last: time.Now()}
	p := auth.CheckAuthorize(ctx, c.client, asked.URL(c.doc.Authorization))
	pr.probes = []Probe{{Changed: ProbeAsked, Request: asked, Outcome: p.Outcome, Error: p.Error, Cause: p.Cause, RequestID: p.RequestID}}
	p.RandomPort = redirect != c.o.RedirectURI
	c.rep.Preflight = p
	switch p.Outcome {
	case auth.PreflightAccepted:
		c.add(RowAuthorize, check.Pass, explain.PreflightSummary(p)+" for client "+c.o.ClientID+" and redirect URI "+redirect)
	case auth.PreflightRefused:
		c.add(RowAuthorize, check.Fail, strings.TrimSpace(explain.PreflightSummary(p)+". "+explain.PreflightDetail(p)))
		if !c.do.NoProbe {
			c.rep.Culprit = pr.find(ctx, asked, p, c.do.Own)
			c.rep.Probes = pr.probes
			if c.rep.Culprit != nil {
				c.add(RowRefuses, check.Fail, explain.ProbeFinding(asked, culpritFacts(c.rep.Culprit), len(pr.probes)-1))
			}
		}
	default:
		c.add(RowAuthorize, check.Warn, explain.PreflightSummary(p))
	}
}

// culpritFacts is what explain needs of a culprit.
func culpritFacts(c *Culprit) explain.Culprit {
	return explain.Culprit{Param: c.Param, Value: c.Value, Base: c.Base, OwnAccepted: c.OwnAccepted, Cause: c.Cause,
		ClientOrRedirect: c.Param == CulpritClientOrRedirect, RedirectURI: c.Param == "redirect_uri", ByTokenProbe: c.ByTokenProbe}
}

// redirectURI is o.RedirectURI with a free port for port 0.
func (c *checker) redirectURI() string { return withFreePort(c.o.RedirectURI) }

// withFreePort is a loopback redirect URI with a free port for port 0
// (any other URI as it is).
func withFreePort(uri string) string {
	u, err := config.ParseRedirectURI(uri)
	if err != nil || u.Port() != "0" {
		return uri
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return uri
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	u.Host = net.JoinHostPort(u.Hostname(), fmt.Sprint(port))
	return u.String()
}

// tokenAuth compares the token endpoint's authentication methods with the
// configured secret. HIMSA rule (shared/himsa/NOTES.md): discovery lists
// client_secret_basic/post and not none, yet a public PKCE client sends
// only its client ID: at most a "!", never a ✗, without a secret.
func (c *checker) tokenAuth() {
	methods, secret := c.doc.AuthMethods, c.o.ClientSecret != ""
	switch {
	case c.doc.Token == "":
		c.add(RowTokenAuth, check.Fail, "discovery names no token_endpoint: no code can be exchanged")
	case secret && len(methods) > 0 && !slices.Contains(methods, "client_secret_post"):
		c.add(RowTokenAuth, check.Warn, explain.CheckTokenAuthNoPost(methods))
	case !secret && len(methods) > 0 && !slices.Contains(methods, "none"):
		c.add(RowTokenAuth, check.Warn, explain.CheckTokenAuth(methods, secret))
	default:
		c.add(RowTokenAuth, check.Pass, explain.CheckTokenAuth(methods, secret))
	}
}

func (c *checker) endpoints() {
	var have, missing []string
	for _, e := range []struct{ name, url string }{
		{"userinfo", c.doc.Userinfo}, {"end-session", c.doc.EndSession},
		{"revocation", c.doc.Revocation}, {"introspection", c.doc.Introspection},
	} {
		if e.url != "" {
			have = append(have, e.name)
		} else {
			missing = append(missing, e.name)
		}
	}
	c.add(RowEndpoints, explainStatus(!slices.Contains(missing, "userinfo")), explain.CheckEndpoints(have, missing))
}

func explainStatus(ok bool) check.Status {
	if ok {
		return check.Pass
	}
	return check.Warn
}

func (c *checker) clock() {
	if c.skew == nil {
		c.add(RowClock, check.Warn, explain.CheckNoDate)
		return
	}
	skew := *c.skew
	switch {
	case skew.Abs() > c.o.Leeway:
		c.add(RowClock, check.Fail, explain.CheckClock(skew, c.o.Leeway))
	case skew.Abs() >= 5*time.Second:
		c.add(RowClock, check.Warn, explain.CheckClock(skew, c.o.Leeway))
	default:
		c.add(RowClock, check.Pass, explain.CheckClock(skew, c.o.Leeway))
	}
}

// port says whether the redirect URI's port is free on this machine. The
// answer is this machine's, not the endpoint's: a check of several
// endpoints binds a redirect URI's port once (portCheck), not once per
// endpoint at the same moment — they would find it taken by one another,
// a false ✗.
func (c *checker) port() { c.rep.Rows = append(c.rep.Rows, portCheck(c.o.RedirectURI)) }

// portMu serialises the binding of redirect ports, so concurrent checks
// (All, a TUI check beside a login) never see each other's bind as "in
// use by another program".
var portMu sync.Mutex

// listenTCP binds a port (a test holds the bind longer, as a slow machine
// may).
var listenTCP = net.Listen

// portCheck is the redirect port row of uri.
func portCheck(uri string) check.Row {
	row := func(st check.Status, detail string) check.Row {
		return check.Row{Name: RowPort, Status: st, Detail: safe.Printable(detail)}
	}
	if !config.IsLoopbackRedirect(uri) {
		return row(check.Skip, explain.CheckPortAppRedirect)
	}
	u, err := config.ParseRedirectURI(uri)
	switch {
	case err != nil:
		return row(check.Fail, "redirect_uri: "+err.Error())
	case u.Port() == "0":
		return row(check.Pass, explain.CheckPortRandom)
	}
	host := u.Hostname()
	if host == "localhost" {
		host = "127.0.0.1"
	}
	addr := net.JoinHostPort(host, u.Port())
	portMu.Lock()
	defer portMu.Unlock()
	ln, err := listenTCP("tcp", addr)
	switch {
	case err == nil:
		ln.Close()
		return row(check.Pass, explain.CheckPortFree(addr))
	case errors.Is(err, syscall.EADDRINUSE):
		return row(check.Fail, explain.CheckPortInUse(addr))
	}
	return row(check.Fail, addr+": "+err.Error())
}
