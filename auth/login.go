package auth

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/safe"
	"ssodesk/transport"
)

// Options configure one login.
type Options struct {
	Region       config.Region // the endpoint to log in at
	ClientID     string
	ClientSecret string // only when HIMSA issued one
	RedirectURI  string // loopback URI; port 0 = random
	Scopes       []string
	CultureLCID  int  // HIMSA culture-lcid; 0 = not sent
	ForceChoose  bool // HIMSA forcechoose: show the account chooser
	LoginTimeout time.Duration
	HTTPClient   *http.Client // nil = NewHTTPClient(config.DefaultHTTPTimeout)
	// Trusted is the issuer allow-list (issuer → region name); nil trusts
	// only Region.Issuer.
	Trusted  map[string]string
	Leeway   time.Duration // clock skew tolerated; 0 = DefaultLeeway
	Open     Opener        // nil = OpenBrowser
	Progress func(Event)   // nil = no progress; called from the login goroutine, must not block
	// Pasted delivers redirect URLs the user pastes (e.g. over SSH, where the
	// browser cannot reach this loopback); nil when there is no such input.
	Pasted <-chan string
	// Prompt is sent as the OIDC prompt parameter when set ("none": no
	// login page; the IdP answers login_required without an SSO session).
	Prompt string
	// Params are the login's other optional authorize parameters (max_age,
	// login_hint, ui_locales, acr_values, any key=value; a Prompt or
	// CultureLCID there takes precedence over the fields above).
	Params AuthorizeParams
	// ExchangeAt is where the code is exchanged: config.ExchangeGlobal (or
	// "") at Region, config.ExchangeCodeRegion at the region of Regions that
	// the code's prefix names.
	ExchangeAt string
	// Regions are the configured regions: where a code's prefix or a
	// regional re-login can lead.
	Regions []config.Region
	// AppHosts name a web app's host per region (Result.AppHost).
	AppHosts config.AppHosts
	// NoPreflight turns the pre-flight off (config preflight: false): by
	// default the authorize request is checked before the browser opens
	// (CheckAuthorize), and a refusal ends the login without a browser.
	NoPreflight bool
	// Foreign are the issuers of the other environments (issuer → "HIMSA
	// production EU"), and EnvTitle this one's: a token from another
	// environment is a ✗ that names both.
	Foreign  map[string]string
	EnvTitle string
}

// OptionsFrom builds login options from the effective config; client is
// the run's HTTP client (HTTPClientFor), nil for the defaults. An endpoint
// of an environment the config does not have is an error.
//
// The configuration is that of region's environment (config.For): its
// registration, its endpoints (a code's prefix resolves within them) and its
// issuers; the secret is the endpoint's own.
func OptionsFrom(c *config.Config, region config.Region, client *http.Client) (Options, error) {
	c, err := c.For(region)
	if err != nil {
		return Options{}, err
	}
	env, _ := c.FindEnvironment(c.Environment)
	return Options{
		Region:       region,
		ClientID:     c.ClientID,
		ClientSecret: cmp.Or(region.ClientSecret, c.ClientSecret),
		Foreign:      c.ForeignIssuers(),
		EnvTitle:     env.Title(),
		NoPreflight:  !c.Preflight,
		RedirectURI:  c.RedirectURI,
		Scopes:       c.EffectiveScopes(),
		CultureLCID:  c.CultureLCID,
		Params:       AuthorizeParams{UILocales: c.UILocales, ACRValues: c.ACRValues},
		LoginTimeout: c.LoginTimeout,
		HTTPClient:   client,
		Trusted:      c.TrustedIssuers(),
		Leeway:       c.Leeway,
		ExchangeAt:   c.ExchangeAt,
		Regions:      c.Regions,
		AppHosts:     c.AppHosts,
	}, nil
}

// ErrNoClientID: nothing to log in as.
var ErrNoClientID = errors.New("no client ID configured: set client_id in the config file " +
	"(or SSODESK_CLIENT_ID / --client-id) to the ID HIMSA supplied, or run `ssodesk demo`")

// Login runs one browser login with a new Client for o and returns the
// verified result (a value: to refresh it, keep the Client and use
// Client.Login instead).
func Login(ctx context.Context, o Options) (*Result, error) {
	return NewClient(o).Login(ctx, LoginParams{})
}

// login runs one browser login; the verifier it used (its discovery and keys
// cached) serves the session afterwards.
func login(ctx context.Context, o Options) (*Result, *Verifier, error) {
	if o.ClientID == "" {
		return nil, nil, ErrNoClientID
	}
	l := newLoginRun(o)
	res, err := l.run(ctx)
	return res, l.verifier, err
}

func (l *loginRun) run(ctx context.Context) (*Result, error) {
	defer l.em.stop()
	ctx = oidc.ClientContext(ctx, l.o.HTTPClient)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, l.o.HTTPClient)

	// Discovery: always the standard document; HIMSA's endpoint paths are not published.
	provider, err := l.verifier.provider(ctx, l.o.Region.Issuer)
	if err != nil {
		return nil, &DiscoveryError{Issuer: l.o.Region.Issuer, Err: err}
	}
	l.em.emit(Event{Step: StepDiscovered, Msg: "read " + l.o.Region.Issuer + "/.well-known/openid-configuration"})
	if err := l.listen(provider); err != nil {
		return nil, err
	}
	defer l.lb.close()
	l.checkParams(provider)
	authURL := l.authURL(provider)
	// The keys the verification will need are fetched while the pre-flight
	// runs and the person is in the browser (issue 26), so no round trip
	// to an IdP waits between the exchange and the verified session. A
	// login that fails first (the pre-flight refuses: the browser never
	// opens) still waits for them: its trace then always holds the reads.
	l.prefetchKeys(ctx)
	defer l.verifier.settle()
	if err := l.preflight(ctx, authURL); err != nil {
		return nil, err
	}
	l.openBrowser(ctx, authURL)
	hint := afterFunc(waitHintAfter, l.stillWaiting)
	code, err := l.lb.wait(ctx, l.o.LoginTimeout)
	hint.Stop()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("login cancelled: %w", err)
		}
		return nil, l.timedOut(err)
	}
	return l.exchange(ctx, code)
}

// maxPrefetch bounds the issuers a login reads keys of ahead.
const maxPrefetch = 8

// prefetchKeys starts reading the keys of every issuer that may sign the
// login's ID token: this endpoint's; at a global endpoint (which hands a
// regional account's login to its region, HIMSA 2a) or with exchange_at
// code-region, also each regional endpoint's of the environment (the
// allow-list), since the code's prefix, known only after the browser,
// names one of them.
func (l *loginRun) prefetchKeys(ctx context.Context) {
	if l.o.ExchangeAt != config.ExchangeCodeRegion {
		l.verifier.prefetch(ctx, l.o.Region.Issuer)
	}
	if !l.o.Region.IsGlobal() && l.o.ExchangeAt != config.ExchangeCodeRegion {
		return
	}
	n := 0
	for _, iss := range slices.Sorted(maps.Keys(l.o.Trusted)) {
		if iss != l.o.Region.Issuer && n < maxPrefetch {
			l.verifier.prefetch(ctx, iss)
			n++
		}
	}
}

// newVerifier is a verifier of o's trusted issuers, which names those of
// other environments.
func (o Options) newVerifier() *Verifier {
	v := NewVerifier(o.HTTPClient, o.Trusted, o.Leeway)
	v.Foreign, v.EnvTitle = o.Foreign, o.EnvTitle
	return v
}

// loginRun is one login between its steps.
type loginRun struct {
	o            Options
	em           *emitter
	verifier     *Verifier
	defaultTrust bool // o.Trusted was nil: trust the endpoint (and where the code is exchanged)
	started      time.Time
	state, nonce string
	pkce         string // the PKCE verifier
	lb           *loopback
	oc           *oauth2.Config
	pre          *Preflight     // what the pre-flight found; nil before it ran
	support      []ParamSupport // what discovery says of the sent parameters
	browserExit  atomic.Value   // string: how the $BROWSER command ended, when it failed
}

func newLoginRun(o Options) *loginRun {
	if o.HTTPClient == nil {
		o.HTTPClient = NewHTTPClient(config.DefaultHTTPTimeout)
	}
	if o.Open == nil {
		o.Open = OpenBrowser
	}
	if o.LoginTimeout <= 0 {
		o.LoginTimeout = config.DefaultLoginTimeout
	}
	if o.Leeway <= 0 {
		o.Leeway = DefaultLeeway
	}
	l := &loginRun{em: &emitter{fn: o.Progress}, defaultTrust: o.Trusted == nil, started: time.Now(),
		state: rand.Text(), nonce: rand.Text(), pkce: oauth2.GenerateVerifier()}
	if l.defaultTrust {
		o.Trusted = map[string]string{o.Region.Issuer: o.Region.Name}
	}
	l.o, l.verifier = o, o.newVerifier()
	return l
}

// listen opens the loopback listener, which checks the response's state and
// iss and records the callback in the trace.
func (l *loginRun) listen(provider *oidc.Provider) error {
	tr := transport.TraceOf(l.o.HTTPClient)
	receive := listenLoopback
	if !config.IsLoopbackRedirect(l.o.RedirectURI) {
		if l.o.Pasted == nil {
			return &PasteBackError{RedirectURI: safe.Printable(l.o.RedirectURI)}
		}
		receive = pasteBack
	}
	lb, err := receive(l.o.RedirectURI, l.state, func(msg string) {
		l.em.emit(Event{Step: StepWarning, Msg: msg})
	}, func(lb *loopback) {
		lb.iss = responseIssuers(provider, l.o)
		lb.seen = func(q url.Values, err error) {
			warning := ""
			if err != nil {
				warning = err.Error()
			}
			tr.Note("callback", http.MethodGet, lb.redirect.String()+"?"+q.Encode(), http.StatusOK, warning)
		}
	})
	if err != nil {
		return err
	}
	l.lb = lb
	if lb.pasteOnly {
		l.em.emit(Event{Step: StepListening, Msg: "the redirect URI " + lb.redirect.String() + " is another app's: paste the address-bar URL after the login",
			URL: lb.redirect.String(), PasteBack: true})
		return nil
	}
	l.em.emit(Event{Step: StepListening, Msg: "listening for the redirect on " + lb.redirect.String(), URL: lb.redirect.String()})
	return nil
}

// PasteBackError: the redirect URI is another app's (ssodesk cannot listen
// there) and nothing can paste the address-bar URL back.
type PasteBackError struct{ RedirectURI string }

func (e *PasteBackError) Error() string {
	return "the redirect URI " + e.RedirectURI + " is not a loopback one ssodesk can listen on, and this login cannot take a pasted URL"
}

// authURL builds the authorize request (PKCE S256, nonce, and HIMSA's
// culture-lcid and forcechoose) and the client config for the exchange.
func (l *loginRun) authURL(provider *oidc.Provider) string {
	o := l.o
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client sends client_id in the body
	l.oc = &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: endpoint,
		RedirectURL: l.lb.redirect.String(), Scopes: o.Scopes}
	authOpts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(l.pkce), oidc.Nonce(l.nonce)}
	if o.ForceChoose {
		authOpts = append(authOpts, oauth2.SetAuthURLParam("forcechoose", "1"))
	}
	authOpts = append(authOpts, o.authorizeParams().authOptions()...)
	return l.oc.AuthCodeURL(l.state, authOpts...)
}

// openBrowser opens authURL and feeds pasted redirect URLs to the listener.
func (l *loginRun) openBrowser(ctx context.Context, authURL string) {
	l.em.emit(Event{Step: StepBrowser, Msg: "opening the browser; if none opens, open this URL yourself", URL: authURL})
	// The browser outlives Login (it still shows our result page), so it gets
	// the caller's context, not one that ends when Login returns.
	go func() {
		ctx := withBrowserExit(ctx, func(e *BrowserExitError) {
			l.browserExit.Store(e.Error())
			l.em.emit(Event{Step: StepWarning, Msg: e.Error(), Err: e})
		})
		if err := l.o.Open(ctx, authURL); err != nil {
			l.em.emit(Event{Step: StepWarning, Msg: "the browser did not open (" + err.Error() + "); open the URL above yourself", Err: err})
		}
	}()
	if l.o.Pasted != nil {
		go func() {
			for raw := range l.o.Pasted {
				if err := l.lb.deliver(raw); err != nil {
					l.em.emit(Event{Step: StepWarning, Msg: "pasted URL refused: " + err.Error(), Err: err})
				}
			}
		}()
	}
}

// exchange redeems code (at the endpoint exchange_at names) and verifies
// the ID token.
func (l *loginRun) exchange(ctx context.Context, code string) (*Result, error) {
	o, em := l.o, l.em
	codeRegion := CodeRegion(code)
	exAt, note := o.exchangeRegion(codeRegion)
	msg := "redirect received; code region: " + orUnknown(codeRegion)
	if exAt != o.Region {
		msg += fmt.Sprintf("; exchange_at %s: exchanging at the %s endpoint %s", config.ExchangeCodeRegion, strings.TrimSpace(exAt.Env+" "+exAt.Name), exAt.Issuer)
	}
	em.emit(Event{Step: StepCallback, Msg: msg})
	var notes []string
	if note != "" {
		notes = append(notes, note)
		em.emit(Event{Step: StepWarning, Msg: note})
	}
	tok, oc, exAt, note, err := l.redeem(ctx, code, codeRegion, exAt)
	if err != nil {
		return nil, err
	}
	if note != "" {
		notes = append(notes, note)
	}
	em.emit(Event{Step: StepExchanged, Msg: fmt.Sprintf("tokens received from %s (refresh token: %s)", oc.Endpoint.TokenURL, yesNo(tok.RefreshToken != ""))})
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("the token response from %s has no id_token (is openid among the scopes?)", oc.Endpoint.TokenURL)
	}
	rep := l.verifier.Verify(ctx, raw, Expect{ClientID: o.ClientID, Nonce: l.nonce, AccessToken: tok.AccessToken})
	rep.Checks = append([]check.Row{l.lb.issResult}, rep.Checks...)
	res := newResult(tok, rep, o.Scopes)
	res.Region, res.ExchangedAt = o.Region, exAt
	res.setCodeRegion(codeRegion, o.Regions)
	res.AppHost, res.Notes = o.AppHosts.ForCode(codeRegion, res.CodeEndpoint), notes
	res.Started, res.Finished = l.started, time.Now()
	res.ClientID, res.TokenURL, res.Nonce = o.ClientID, oc.Endpoint.TokenURL, l.nonce
	res.Params = l.paramFacts(rep)
	if !rep.OK() {
		return res, &VerifyError{Report: rep}
	}
	em.emit(Event{Step: StepVerified, Msg: "ID token verified: " + res.ChecksSummary()})
	return res, nil
}

// redeem exchanges code at exAt. When exAt is the regional endpoint the
// code's prefix maps to (exchange_at: code-region) and the code never
// reached it (its discovery failed, or no connection was made), the code is
// exchanged at the endpoint logged in at instead, which exchanges any
// region's code (HIMSA 2b), and note says so; any other failure there is a
// *CodeRegionError.
func (l *loginRun) redeem(ctx context.Context, code, codeRegion string, exAt config.Region) (*oauth2.Token, *oauth2.Config, config.Region, string, error) {
	if exAt == l.o.Region {
		tok, err := l.exchangeAt(ctx, l.oc, exAt, code, nil)
		return tok, l.oc, exAt, "", err
	}
	// The same client, redirect URI and PKCE verifier at the code's own
	// regional IdP, which accepts its region's codes.
	oc, err := regionalConfig(ctx, l.verifier, l.oc, exAt)
	unsent := err != nil // no discovery, no token request: the code went nowhere
	if err == nil {
		if l.defaultTrust {
			l.verifier.Trusted[trimIssuer(exAt.Issuer)] = exAt.Name
		}
		var ct connTracker
		var tok *oauth2.Token
		if tok, err = l.exchangeAt(ctx, oc, exAt, code, &ct); err == nil {
			return tok, oc, exAt, "", nil
		}
		unsent = ct.unsent(err)
	}
	cre := l.codeRegionError(codeRegion, exAt, unsent, err)
	if !unsent {
		return nil, nil, exAt, "", cre
	}
	note := fallbackNote(cre)
	l.em.emit(Event{Step: StepWarning, Msg: note})
	tok, err := l.exchangeAt(ctx, l.oc, l.o.Region, code, nil)
	return tok, l.oc, l.o.Region, note, err
}

// exchangeAt redeems code at oc's token endpoint (exAt's), recording in ct
// (when not nil) whether a connection was made.
func (l *loginRun) exchangeAt(ctx context.Context, oc *oauth2.Config, exAt config.Region, code string, ct *connTracker) (*oauth2.Token, error) {
	ctx = endpointContext(ctx, "token", exAt.Issuer, oc.Endpoint.TokenURL)
	if ct != nil {
		ctx = ct.context(ctx)
	}
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(l.pkce))
	if err != nil {
		return nil, tokenError(OpExchange, exAt, *oc, err, code, l.pkce) // an IdP may echo the request
	}
	return tok, nil
}

// responseIssuers are the issuers that may answer a login at o.Region
// (RFC 9207): the endpoint's own, and for the global endpoint any trusted
// issuer it may hand the login to (HIMSA's global endpoint passes the user
// to the account's regional IdP). iss is required when discovery promises
// it.
func responseIssuers(p *oidc.Provider, o Options) issCheck {
	var d struct {
		Supported bool `json:"authorization_response_iss_parameter_supported"`
	}
	_ = p.Claims(&d)
	c := issCheck{allowed: []string{o.Region.Issuer}, required: d.Supported}
	if o.Region.IsGlobal() {
		for iss := range o.Trusted {
			if iss != o.Region.Issuer {
				c.allowed = append(c.allowed, iss)
			}
		}
		slices.Sort(c.allowed[1:])
	}
	return c
}

// emitter delivers events until the login returns, never after.
type emitter struct {
	mu      sync.Mutex
	fn      func(Event)
	stopped bool
}

func (e *emitter) emit(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fn == nil || e.stopped {
		return
	}
	ev.At = time.Now()
	e.fn(ev)
}

func (e *emitter) stop() {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orUnknown(s string) string {
	if s == "" {
		return "(none: the code has no region prefix)"
	}
	return s
}
