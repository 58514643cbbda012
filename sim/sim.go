package sim

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Region is one endpoint of the sim: its OIDC issuer and the base URI of its
// Noah API (the value of the api claim for accounts of that region).
type Region struct {
	Name   string // "global", "eu", ...
	Issuer string // e.g. http://127.0.0.1:PORT
	API    string // e.g. http://127.0.0.1:PORT2/v1
}

// AuthorizeURL is the authorization endpoint of the region.
func (r Region) AuthorizeURL() string { return r.Issuer + op.DefaultEndpoints.Authorization.Relative() }

// TokenURL is the token endpoint of the region.
func (r Region) TokenURL() string { return r.Issuer + op.DefaultEndpoints.Token.Relative() }

// UserinfoURL is the UserInfo endpoint of the region.
func (r Region) UserinfoURL() string { return r.Issuer + op.DefaultEndpoints.Userinfo.Relative() }

// Sim is a running stand-in: one IdP and one API listener per region.
type Sim struct {
	c       *core
	regions []Region
	servers []*http.Server

	wg        sync.WaitGroup
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Start starts every listener (all on 127.0.0.1) and returns once they
// accept connections. The sim shuts down on Close or when ctx ends.
func Start(ctx context.Context, opts Options) (_ *Sim, err error) {
	if opts, err = opts.withDefaults(); err != nil {
		return nil, err
	}
	s := &Sim{c: newCore(opts), done: make(chan struct{})}
	if h := opts.Hooks; h != nil {
		if err := h.attach(s.c); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				h.c.Store(nil)
			}
		}()
	}

	idpLs, apiLs, err := listenAll(opts)
	if err != nil {
		return nil, err
	}
	closeListeners := func() {
		for i := range idpLs {
			_ = idpLs[i].Close()
			_ = apiLs[i].Close()
		}
	}
	scheme := "http://"
	if h := opts.Hooks; h != nil && h.TLS != nil { // a test's: a private CA's certificate
		scheme = "https://"
		for i := range idpLs {
			idpLs[i], apiLs[i] = tls.NewListener(idpLs[i], h.TLS), tls.NewListener(apiLs[i], h.TLS)
		}
	}
	for i, name := range opts.Regions {
		r := Region{
			Name:   name,
			Issuer: scheme + idpLs[i].Addr().String(),
			API:    scheme + apiLs[i].Addr().String() + "/v1",
		}
		s.regions = append(s.regions, r)
		s.c.regions[name] = r
	}
	// RSA keys take ~50 ms each: they are made in the background, so Start
	// returns (and `ssodesk demo` draws its first frame) at once. Whatever
	// needs a key (token endpoints, JWKS, RotateKey) waits for keysReady.
	go func() {
		s.c.keysErr = s.c.generateKeys(opts.Regions)
		close(s.c.keysReady)
	}()
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		closeListeners()
		return nil, fmt.Errorf("sim: crypto key: %w", err)
	}
	providers := make([]op.OpenIDProvider, len(s.regions))
	for i, r := range s.regions {
		if providers[i], err = s.c.newProvider(r, cryptoKey); err != nil {
			closeListeners()
			return nil, err
		}
		s.c.providers[r.Name] = providers[i]
	}
	idps := make([]http.Handler, len(s.regions))
	for i, r := range s.regions {
		idps[i] = s.c.idpHandler(r, providers[i])
	}
	for i, r := range s.regions {
		s.serve(idpLs[i], idps[i])
		var api http.Handler = s.c.serverDate(s.c.cors(nil, &apiHandler{c: s.c, region: r.Name}))
		if h := s.c.hooks; h != nil {
			api = h.countAPI(r.Name, api)
		}
		s.serve(apiLs[i], api)
	}
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// listenAll binds the IdP and API listener of every region.
func listenAll(opts Options) (idp, api []net.Listener, err error) {
	addr := func(i, off int) string {
		if opts.BasePort == 0 {
			return "127.0.0.1:0"
		}
		return "127.0.0.1:" + strconv.Itoa(opts.BasePort+2*i+off)
	}
	for i, name := range opts.Regions {
		l1, err := net.Listen("tcp", addr(i, 0))
		if err == nil {
			var l2 net.Listener
			if l2, err = net.Listen("tcp", addr(i, 1)); err == nil {
				idp, api = append(idp, l1), append(api, l2)
				continue
			}
			_ = l1.Close()
		}
		for j := range idp {
			_ = idp[j].Close()
			_ = api[j].Close()
		}
		return nil, nil, fmt.Errorf("sim: listening for region %s: %w", name, err)
	}
	return idp, api, nil
}

// generateKeys creates the signing key of every region (in parallel: RSA
// key generation is the slowest part of Start).
func (c *core) generateKeys(regions []string) error {
	keys := make([]*signingKey, len(regions))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, name := range regions {
		wg.Go(func() { keys[i], errs[i] = c.newKey(name) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.keyMu.Lock()
	defer c.keyMu.Unlock()
	for i, name := range regions {
		c.keys[name] = &regionKeys{current: keys[i]}
	}
	return nil
}

// uiLocales are the cultures the login site claims to support (the LCIDs of
// lcid.go), parsed when a stand-in starts, not at init in every process.
func uiLocales() []language.Tag {
	return []language.Tag{
		language.MustParse("en-US"), language.MustParse("da-DK"), language.MustParse("de-DE"),
		language.MustParse("sv-SE"), language.MustParse("nb-NO"),
	}
}

// newProvider builds the zitadel provider of one region. All providers share
// cryptoKey (and the core), so any of them can redeem a code another one
// issued.
func (c *core) newProvider(r Region, cryptoKey [32]byte) (op.OpenIDProvider, error) {
	storage := &regionStorage{c: c, region: r.Name, loginURL: r.Issuer + loginPath}
	config := &op.Config{
		CryptoKey:             cryptoKey,
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    uiLocales(),
		SupportedScopes:       supportedScopes(c.opts.Differ),
		SupportedClaims: append(append([]string(nil), op.DefaultSupportedClaims...),
			ClaimTenantID, ClaimAPI, ClaimRegion, ClaimNoahUserID, ClaimNoahRoleID, ClaimTenantName),
	}
	interceptors := []op.HttpInterceptor{withAuthorizeExtras(op.DefaultEndpoints.Authorization.Relative()),
		authorizeChecks(storage, op.DefaultEndpoints.Authorization.Relative())}
	if r.Name != GlobalRegion {
		interceptors = append(interceptors, regionGuard(c, r.Name, op.DefaultEndpoints.Token.Relative()))
	}
	provider, err := op.NewProvider(config, storage, op.StaticIssuer(r.Issuer),
		op.WithAllowInsecure(),
		op.WithCORSOptions(nil), // c.cors answers CORS, for the Apps' origins only
		op.WithCrypto(&codeCrypto{inner: op.NewAES256GCMCrypto(cryptoKey, "sim"), c: c}),
		op.WithHttpInterceptors(interceptors...),
	)
	if err != nil {
		return nil, fmt.Errorf("sim: provider for region %s: %w", r.Name, err)
	}
	return provider, nil
}

// idpHandler builds the HTTP handler of one region's IdP: the zitadel
// provider plus the login page, behind the X-Frame-Options middleware. The
// global endpoint's provider sits behind regionalExchange, which hands token
// requests to a regional provider in IssuerRegional mode.
func (c *core) idpHandler(r Region, provider op.OpenIDProvider) http.Handler {
	var root http.Handler = provider
	if r.Name == GlobalRegion {
		root = regionalExchange(c, provider, op.DefaultEndpoints.Token.Relative())
	}
	root = clientFirst(provider.Storage(), op.DefaultEndpoints.Token.Relative(), root)
	mux := http.NewServeMux()
	mux.Handle(loginPath, &loginHandler{c: c, region: r.Name, issuer: r.Issuer, provider: provider})
	mux.HandleFunc(errorPath, c.errorPage)
	mux.Handle("/", root)
	if c.opts.X509Keys {
		mux.HandleFunc(op.DefaultEndpoints.JwksURI.Relative(), c.jwks(r.Name))
	}
	h := frameOptions(authorizationResponseIss(r.Issuer, c.opts.Differ, mux))
	if c.hooks != nil {
		h = c.hooks.tamperAuthorize(c, r, h)
	}
	h = c.serverDate(c.cors(corsIdPPath, h))
	if c.hooks != nil {
		h = c.hooks.observeIdP(c, r.Name, h)
	}
	return h
}

// serve runs an HTTP server on l until Close.
func (s *Sim) serve(l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if hk := s.c.hooks; hk != nil && hk.TLS != nil {
		srv.ErrorLog = log.New(io.Discard, "", 0) // a test's refused handshakes are its point, not noise on stderr
	}
	s.servers = append(s.servers, srv)
	s.wg.Go(func() { _ = srv.Serve(l) })
}

// Environment is the HIMSA environment the stand-in plays (EnvProduction,
// EnvQA).
func (s *Sim) Environment() string { return s.c.opts.Environment }

// Regions returns every endpoint, in the order of Options.Regions.
func (s *Sim) Regions() []Region { return append([]Region(nil), s.regions...) }

// Region returns the endpoint called name.
func (s *Sim) Region(name string) (Region, bool) {
	r, ok := s.c.regions[name]
	return r, ok
}

// Accounts returns the demo accounts of the configured regions, in login
// page order.
func (s *Sim) Accounts() []Account { return append([]Account(nil), s.c.accounts...) }

// ClientID is the public (PKCE, no secret) client ID.
func (s *Sim) ClientID() string { return s.c.opts.ClientID }

// ServiceClient returns the client-credentials client ID and secret.
func (s *Sim) ServiceClient() (id, secret string) {
	return s.c.opts.ServiceClientID, s.c.opts.ServiceClientSecret
}

// ConfidentialClient is the PKCE client with a secret per region, and the
// secret of each region.
func (s *Sim) ConfidentialClient() (id string, secrets map[string]string) {
	secrets = map[string]string{}
	for _, r := range s.c.opts.Regions {
		secrets[r] = s.c.confidentialSecret(r)
	}
	return s.c.opts.ConfidentialClientID, secrets
}

// confidentialSecret is the confidential client's secret at region.
func (c *core) confidentialSecret(region string) string {
	if s, ok := c.opts.ConfidentialSecrets[region]; ok {
		return s
	}
	return "demo-secret-" + region
}

// APIResource is the API resource's name and secret, which introspection
// authenticates with.
func (s *Sim) APIResource() (name, secret string) { return APIScope, s.c.opts.APIResourceSecret }

// Close shuts every server down (waiting up to 2 s for requests in flight).
// It is safe to call more than once.
func (s *Sim) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var errs []error
		for _, srv := range s.servers {
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, err, srv.Close())
			}
		}
		s.wg.Wait()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
