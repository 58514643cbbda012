package auth_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/sim"
	"ssodesk/transport"
)

var (
	stand *sim.Sim
	hooks = &sim.Hooks{} // the stand-in's test controls
)

func TestMain(m *testing.M) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sim.Start(ctx, sim.Options{Hooks: hooks})
	if err != nil {
		fmt.Fprintln(os.Stderr, "stand-in:", err)
		os.Exit(1)
	}
	stand = s
	code := m.Run()
	s.Close()
	cancel()
	os.Exit(code)
}

func region(t *testing.T, name string) config.Region {
	t.Helper()
	r, ok := stand.Region(name)
	if !ok {
		t.Fatalf("stand-in has no region %q", name)
	}
	return config.Region{Name: r.Name, Issuer: r.Issuer}
}

func account(t *testing.T, regionName string) sim.Account {
	t.Helper()
	for _, a := range stand.Accounts() {
		if a.Region == regionName {
			return a
		}
	}
	t.Fatalf("no account in %s", regionName)
	return sim.Account{}
}

// recorder collects progress events.
type recorder struct {
	mu  sync.Mutex
	evs []auth.Event
}

func (r *recorder) add(ev auth.Event) { r.mu.Lock(); r.evs = append(r.evs, ev); r.mu.Unlock() }
func (r *recorder) steps() []auth.Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []auth.Step
	for _, e := range r.evs {
		out = append(out, e.Step)
	}
	return out
}
func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.evs {
		b.WriteString(e.Step.String() + ": " + explain.EventMsg(e) + "\n")
	}
	return b.String()
}

type page struct {
	status int
	body   string
	err    error
}

// browser returns an Opener that acts as the user: the stand-in's scripted
// browser picks the account (or cancels) and follows the redirect to our
// loopback listener. What the browser finally shows arrives on the channel.
func browser(account string, cancel bool) (auth.Opener, <-chan page) {
	ch := make(chan page, 1)
	return func(ctx context.Context, u string) error {
		go func() {
			b := sim.NewBrowser()
			var p page
			if cancel {
				p.status, p.body, p.err = b.Cancel(ctx, u)
			} else {
				p.status, p.body, p.err = b.Login(ctx, u, account)
			}
			ch <- p
		}()
		return nil
	}, ch
}

func options(r config.Region, open auth.Opener, rec *recorder) auth.Options {
	return auth.Options{
		Region:       r,
		ClientID:     stand.ClientID(),
		RedirectURI:  config.DefaultRedirectURI,
		Scopes:       config.DefaultScopes(),
		LoginTimeout: 20 * time.Second,
		Open:         open,
		Progress:     rec.add,
	}
}

func browserPage(t *testing.T, ch <-chan page) page {
	t.Helper()
	select {
	case p := <-ch:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("the browser never finished")
		return page{}
	}
}

func TestLoginThroughGlobalWithEUAccount(t *testing.T) {
	acct := account(t, "eu")
	open, pages := browser(acct.Email, false)
	rec := &recorder{}
	res, err := auth.Login(context.Background(), options(region(t, "global"), open, rec))
	if err != nil {
		t.Fatalf("login: %v\nevents:\n%s", err, rec.text())
	}
	eu, _ := stand.Region("eu")
	global, _ := stand.Region("global")
	if res.CodeRegion != "eu" {
		t.Errorf("code region = %q, want eu", res.CodeRegion)
	}
	if got := res.Claim("tenantid"); got != acct.TenantID {
		t.Errorf("tenantid = %q, want %q", got, acct.TenantID)
	}
	if got := res.Claim("api"); got != eu.API {
		t.Errorf("api = %q, want the eu API %q", got, eu.API)
	}
	if res.Claim("region") != "eu" || res.Claim("sub") != acct.ID {
		t.Errorf("claims = %v", res.Claims)
	}
	if res.Issuer != global.Issuer || res.Region.Name != "global" {
		t.Errorf("issuer = %q region %q; want the global endpoint's", res.Issuer, res.Region.Name)
	}
	if res.Token.AccessToken == "" || res.RawIDToken == "" || res.Header["kid"] == nil {
		t.Errorf("tokens missing: %+v", res)
	}
	want := []auth.Step{auth.StepDiscovered, auth.StepListening, auth.StepPreflight, auth.StepBrowser, auth.StepCallback, auth.StepExchanged, auth.StepVerified}
	if got := rec.steps(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if s := res.ChecksSummary(); !strings.Contains(s, "signature ✓") || !strings.Contains(s, "nonce ✓") {
		t.Errorf("checks = %s", s)
	}
	p := browserPage(t, pages)
	if p.err != nil || p.status != 200 || !strings.Contains(p.body, "Login complete") || !strings.Contains(p.body, "Return to the terminal") {
		t.Errorf("browser page: %d %v %s", p.status, p.err, p.body)
	}
	if strings.Contains(p.body, res.Token.AccessToken) || strings.Contains(rec.text(), res.Token.AccessToken) {
		t.Error("a token leaked into the browser page or the events")
	}
}

func TestLoginAtForcedRegion(t *testing.T) {
	for _, name := range []string{"us", "au"} {
		t.Run(name, func(t *testing.T) {
			acct := account(t, name)
			open, _ := browser(acct.Email, false)
			res, err := auth.Login(context.Background(), options(region(t, name), open, &recorder{}))
			if err != nil {
				t.Fatal(err)
			}
			r, _ := stand.Region(name)
			if res.CodeRegion != name || res.Claim("region") != name || res.Issuer != r.Issuer || res.Claim("api") != r.API {
				t.Errorf("code region %q, region claim %q, iss %q, api %q", res.CodeRegion, res.Claim("region"), res.Issuer, res.Claim("api"))
			}
			if res.Claim("tenantid") != acct.TenantID {
				t.Errorf("tenantid = %q", res.Claim("tenantid"))
			}
		})
	}
}

func TestLoginCancelledAtIdP(t *testing.T) {
	open, pages := browser("", true)
	_, err := auth.Login(context.Background(), options(region(t, "global"), open, &recorder{}))
	if !errors.Is(err, auth.ErrCancelled) {
		t.Fatalf("err = %v, want ErrCancelled", err)
	}
	if !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("message %q", err)
	}
	if p := browserPage(t, pages); !strings.Contains(p.body, "You cancelled the login") {
		t.Errorf("browser page: %s", p.body)
	}
}

// forge sends a redirect with a wrong state to the listener, as a stale tab
// or an attacker would.
func forge(t *testing.T, authURL string) {
	u, _ := url.Parse(authURL)
	redirect := u.Query().Get("redirect_uri")
	resp, err := http.Get(redirect + "?code=eu.forged&state=not-the-state")
	if err != nil {
		t.Errorf("forged callback: %v", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged callback answered %d", resp.StatusCode)
	}
}

func TestWrongStateIsRefusedAndLoginGoesOn(t *testing.T) {
	acct := account(t, "eu")
	realOpen, _ := browser(acct.Email, false)
	open := func(ctx context.Context, u string) error {
		forge(t, u)
		return realOpen(ctx, u)
	}
	rec := &recorder{}
	res, err := auth.Login(context.Background(), options(region(t, "global"), open, rec))
	if err != nil {
		t.Fatal(err)
	}
	if res.Claim("sub") != acct.ID {
		t.Errorf("sub = %q", res.Claim("sub"))
	}
	if !strings.Contains(rec.text(), "warning: ignored a login response with a wrong state") {
		t.Errorf("no warning:\n%s", rec.text())
	}
}

func TestWrongStateAloneEndsInTimeout(t *testing.T) {
	open := func(ctx context.Context, u string) error { forge(t, u); return nil }
	o := options(region(t, "global"), open, &recorder{})
	o.LoginTimeout = 500 * time.Millisecond
	_, err := auth.Login(context.Background(), o)
	var te *auth.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a timeout (the forged code must never be exchanged)", err)
	}
}

func TestCallbackTimeout(t *testing.T) {
	o := options(region(t, "global"), func(context.Context, string) error { return nil }, &recorder{})
	o.LoginTimeout = 100 * time.Millisecond
	_, err := auth.Login(context.Background(), o)
	if !strings.Contains(fmt.Sprint(err), "no login response from the browser within 100ms") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelFreesThePort(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var redirect string
	o := options(region(t, "global"), func(_ context.Context, u string) error {
		q, _ := url.Parse(u)
		redirect = q.Query().Get("redirect_uri")
		cancel()
		return nil
	}, &recorder{})
	_, err := auth.Login(ctx, o)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "login cancelled") {
		t.Fatalf("err = %v", err)
	}
	u, _ := url.Parse(redirect)
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatalf("port %s still held after cancel: %v", u.Host, err)
	}
	ln.Close()
}

func TestIdPNotReachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	o := options(config.Region{Name: "down", Issuer: "http://" + addr}, nil, &recorder{})
	_, err := auth.Login(context.Background(), o)
	var de *auth.DiscoveryError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want DiscoveryError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "http://"+addr) || !strings.Contains(msg, "connection refused") {
		t.Errorf("message %q should name the issuer and the cause", msg)
	}
}

func TestPortInUse(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	o := options(region(t, "global"), nil, &recorder{})
	o.RedirectURI = "http://" + ln.Addr().String() + "/callback"
	_, err := auth.Login(context.Background(), o)
	var pe *auth.PortInUseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "redirect_uri") || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Fatalf("err = %v", err)
	}
}

func TestAuthorizeURLOptions(t *testing.T) {
	acct := account(t, "eu")
	realOpen, _ := browser(acct.Email, false)
	var authURL string
	o := options(region(t, "global"), func(ctx context.Context, u string) error {
		authURL = u
		return realOpen(ctx, u)
	}, &recorder{})
	o.CultureLCID, o.ForceChoose = 1030, true
	o.Scopes = append(o.Scopes, config.ScopeOfflineAccess)
	res, err := auth.Login(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("culture-lcid") != "1030" || q.Get("forcechoose") == "" || q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" {
		t.Errorf("authorize query = %v", q)
	}
	if res.Token.RefreshToken == "" {
		t.Error("offline_access gave no refresh token")
	}
}

func TestNoClientID(t *testing.T) {
	o := options(region(t, "global"), nil, &recorder{})
	o.ClientID = ""
	if _, err := auth.Login(context.Background(), o); !errors.Is(err, auth.ErrNoClientID) {
		t.Fatalf("err = %v", err)
	}
}

func TestBrowserFailureIsAWarningNotAnError(t *testing.T) {
	o := options(region(t, "global"), func(context.Context, string) error { return errors.New("no display") }, &recorder{})
	rec := &recorder{}
	o.Progress = rec.add
	o.LoginTimeout = 300 * time.Millisecond
	_, err := auth.Login(context.Background(), o)
	var te *auth.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(rec.text(), "the browser did not open (no display); open the URL above yourself") {
		t.Errorf("events:\n%s", rec.text())
	}
}

func loginAs(t *testing.T, regionName, email string, mut func(*auth.Options)) *auth.Result {
	_, res := loginWith(t, regionName, email, mut)
	return res
}

// loginWith logs in and returns the client that made the session too.
func loginWith(t *testing.T, regionName, email string, mut func(*auth.Options)) (*auth.Client, *auth.Result) {
	t.Helper()
	open, _ := browser(email, false)
	o := options(region(t, regionName), open, &recorder{})
	if mut != nil {
		mut(&o)
	}
	c := auth.NewClient(o)
	res, err := c.Login(context.Background(), auth.LoginParams{})
	if err != nil {
		t.Fatal(err)
	}
	return c, res
}

func TestRefreshWithOfflineAccess(t *testing.T) {
	acct := account(t, "eu")
	c, res := loginWith(t, "global", acct.Email, func(o *auth.Options) { o.Scopes = append(o.Scopes, config.ScopeOfflineAccess) })
	if err := res.CanRefresh(); err != nil {
		t.Fatalf("CanRefresh: %v", err)
	}
	// The stand-in's clock moves on a minute (so exp does) instead of the
	// test sleeping for a second to pass. It stays ahead for later tests,
	// which is harmless: every lifetime it keeps is longer than the tests.
	if err := hooks.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	ref, err := c.Refresh(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if !ref.Rotated || ref.Result.Token.RefreshToken == res.Token.RefreshToken {
		t.Error("the stand-in rotates refresh tokens, but no rotation was detected")
	}
	if d := ref.Result.Token.Expiry.Sub(res.Token.Expiry); d < 59*time.Second {
		t.Errorf("new expiry %v is not a minute after the old %v", ref.Result.Token.Expiry, res.Token.Expiry)
	}
	if !ref.NewIDToken {
		t.Fatal("the stand-in returns a new ID token on refresh, but none was seen")
	}
	if !ref.Result.Verified() {
		t.Errorf("refreshed ID token did not verify: %s", ref.Result.Report.Failures())
	}
	if !slices.ContainsFunc(ref.Changes, func(c auth.ClaimChange) bool { return c.Name == "exp" && c.Old != c.New }) {
		t.Errorf("changes %v lack exp", ref.Changes)
	}
	if ref.Result.Claim("tenantid") != acct.TenantID {
		t.Errorf("tenantid after refresh = %q", ref.Result.Claim("tenantid"))
	}
	// The old refresh token is spent.
	if _, err := c.Refresh(context.Background(), res); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("reusing the rotated-away refresh token: %v", err)
	}
}

func TestRefreshWithoutOfflineAccess(t *testing.T) {
	c, res := loginWith(t, "global", account(t, "us").Email, nil)
	err := res.CanRefresh()
	if !errors.Is(err, auth.ErrNoRefreshToken) || !strings.Contains(err.Error(), "offline_access") {
		t.Fatalf("CanRefresh = %v", err)
	}
	if _, err := c.Refresh(context.Background(), res); !errors.Is(err, auth.ErrNoRefreshToken) {
		t.Fatalf("Refresh = %v", err)
	}
}

func TestUserInfo(t *testing.T) {
	acct := account(t, "eu")
	c, res := loginWith(t, "global", acct.Email, nil)
	ui, err := c.UserInfo(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"sub": acct.ID, "noahuserid": acct.NoahUserID, "noahroleid": acct.NoahRoleID, "tenantname": acct.TenantName} {
		if got := fmt.Sprint(ui.Claims[k]); got != want {
			t.Errorf("userinfo %s = %q, want %q", k, got, want)
		}
	}
	if !strings.HasPrefix(ui.Endpoint, res.Issuer) {
		t.Errorf("endpoint %s is not the issuer's", ui.Endpoint)
	}
}

// trustAll allow-lists every stand-in issuer, as the config does for HIMSA's.
func trustAll() map[string]string {
	m := map[string]string{}
	for _, r := range stand.Regions() {
		m[r.Issuer] = r.Name
	}
	return m
}

func TestGlobalExchangeIssuerGlobalOrRegional(t *testing.T) {
	acct := account(t, "eu")
	eu, _ := stand.Region("eu")
	global, _ := stand.Region("global")
	for _, tc := range []struct{ mode, wantIss, wantRegion, story string }{
		{sim.IssuerGlobal, global.Issuer, "global", "issued by the global endpoint you used"},
		{sim.IssuerRegional, eu.Issuer, "eu", "issued by the EU IdP, not the global endpoint you used"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			if err := hooks.SetGlobalExchangeIssuer(tc.mode); err != nil {
				t.Fatal(err)
			}
			defer hooks.SetGlobalExchangeIssuer(sim.IssuerGlobal)
			c, res := loginWith(t, "global", acct.Email, func(o *auth.Options) { o.Trusted = trustAll() })
			if res.Issuer != tc.wantIss || res.IssuerRegion() != tc.wantRegion || !res.Verified() {
				t.Fatalf("iss %s (region %q) verified=%v; want %s\n%s", res.Issuer, res.IssuerRegion(), res.Verified(), tc.wantIss, res.Report.Failures())
			}
			sig, _ := res.Report.Check("signature")
			if !strings.Contains(sig.Detail, tc.wantIss) {
				t.Errorf("signature check %q does not name %s's JWKS", sig.Detail, tc.wantIss)
			}
			if !strings.Contains(explain.SessionStory(res), tc.story) {
				t.Errorf("story %q lacks %q", explain.SessionStory(res), tc.story)
			}
			// Userinfo goes to the issuer that issued the tokens.
			if ui, err := c.UserInfo(context.Background(), res); err != nil || !strings.HasPrefix(ui.Endpoint, tc.wantIss) {
				t.Errorf("userinfo: %v %v", ui, err)
			}
		})
	}
}

func TestRegionalIssuerNotOnAllowList(t *testing.T) {
	if err := hooks.SetGlobalExchangeIssuer(sim.IssuerRegional); err != nil {
		t.Fatal(err)
	}
	defer hooks.SetGlobalExchangeIssuer(sim.IssuerGlobal)
	open, _ := browser(account(t, "eu").Email, false)
	o := options(region(t, "global"), open, &recorder{}) // trusts only the global issuer
	res, err := auth.Login(context.Background(), o)
	var ve *auth.VerifyError
	if !errors.As(err, &ve) || res == nil {
		t.Fatalf("err = %v, want a VerifyError with the result", err)
	}
	if c, _ := res.Report.Check("issuer"); c.Status != check.Fail || !strings.Contains(c.Detail, "not on the allow-list") {
		t.Errorf("issuer check = %+v", c)
	}
}

func TestKeyRotationSeenOnRefresh(t *testing.T) {
	acct := account(t, "eu")
	c, res := loginWith(t, "global", acct.Email, func(o *auth.Options) { o.Scopes = append(o.Scopes, config.ScopeOfflineAccess) })
	oldKid := res.Report.KeyID
	newKid, err := hooks.RotateKey("global")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := c.Refresh(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	rep := ref.Result.Report
	if rep.KeyID != newKid || rep.KeyID == oldKid || !rep.Refetched || !rep.OK() {
		t.Fatalf("after rotation: kid %s (old %s, new %s) refetched=%v ok=%v", rep.KeyID, oldKid, newKid, rep.Refetched, rep.OK())
	}
	if c, _ := rep.Check("signature"); !strings.Contains(c.Detail, "found after fetching the JWKS again") {
		t.Errorf("signature = %q", c.Detail)
	}
}

func TestSwitchAccountWithForceChoose(t *testing.T) {
	b := sim.NewBrowser() // one browser: the IdP's SSO session persists between logins
	login := func(account string, force bool) *auth.Result {
		t.Helper()
		o := options(region(t, "global"), func(ctx context.Context, u string) error {
			go func() { _, _, _ = b.Login(ctx, u, account) }()
			return nil
		}, &recorder{})
		o.ForceChoose = force
		res, err := auth.Login(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	eu, us := account(t, "eu"), account(t, "us")
	first := login(eu.Email, false)
	// Without forcechoose the IdP's SSO session logs the same user in silently,
	// whatever account the browser would have picked.
	again := login(us.Email, false)
	if again.Claim("sub") != first.Claim("sub") {
		t.Fatalf("a second login without forcechoose changed the user (%s → %s)", first.Claim("sub"), again.Claim("sub"))
	}
	switched := login(us.Email, true)
	if switched.Claim("sub") != us.ID || switched.CodeRegion != "us" || switched.Claim("tenantid") != us.TenantID {
		t.Fatalf("forcechoose: sub %s region %s tenant %s; want the us account", switched.Claim("sub"), switched.CodeRegion, switched.Claim("tenantid"))
	}
}

func TestTLS11IdPIsRefusedNamingTheRule(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.StartTLS()
	defer srv.Close()
	o := options(config.Region{Name: "old", Issuer: srv.URL}, nil, &recorder{})
	_, err := auth.Login(context.Background(), o)
	var tv *transport.TLSVersionError
	if !errors.As(err, &tv) || !strings.Contains(err.Error(), "TLS 1.2 or higher, which HIMSA requires") {
		t.Fatalf("err = %v", err)
	}
}

// TestPastedRedirect: over SSH the browser cannot reach this machine's
// loopback; the user pastes the redirect URL instead.
func TestPastedRedirect(t *testing.T) {
	acct := account(t, "eu")
	pasted := make(chan string, 2)
	o := options(region(t, "global"), func(ctx context.Context, u string) error {
		b := sim.NewBrowser()
		redirect := mustRedirect(u)
		b.Client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), redirect) {
				pasted <- "not a url at all"     // a wrong paste first: refused, the login goes on
				pasted <- " " + req.URL.String() // what the user copies from the address bar
				return http.ErrUseLastResponse   // the browser never reaches the loopback
			}
			return nil
		}
		go func() { _, _, _ = b.Login(ctx, u, acct.Email) }()
		return nil
	}, &recorder{})
	rec := &recorder{}
	o.Progress = rec.add
	o.Pasted = pasted
	res, err := auth.Login(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Claim("sub") != acct.ID || res.CodeRegion != "eu" {
		t.Errorf("sub %s region %s", res.Claim("sub"), res.CodeRegion)
	}
	if !strings.Contains(rec.text(), "pasted URL refused: that is not the redirect URL") {
		t.Errorf("events:\n%s", rec.text())
	}
}

func mustRedirect(authURL string) string {
	u, _ := url.Parse(authURL)
	return u.Query().Get("redirect_uri")
}

func TestClientCredentials(t *testing.T) {
	id, secret := stand.ServiceClient()
	o := options(region(t, "eu"), nil, &recorder{})
	o.ClientID, o.ClientSecret = id, secret
	o.Scopes = append(config.DefaultScopes(), config.ScopeOfflineAccess)
	res, notes, err := auth.NewClient(o).ClientCredentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Token.AccessToken == "" || res.Token.RefreshToken != "" || res.RawIDToken != "" {
		t.Errorf("tokens: access %d bytes, refresh %q, id %q", len(res.Token.AccessToken), res.Token.RefreshToken, res.RawIDToken)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "never issues refresh tokens to service apps") {
		t.Errorf("notes = %v", notes)
	}
	if rep := auth.NewClient(o).VerifyAccessToken(context.Background(), res); rep == nil || !rep.OK() {
		t.Errorf("access token report: %+v", rep)
	}
	if err := res.CanRefresh(); !errors.Is(err, auth.ErrNoRefreshToken) {
		t.Errorf("CanRefresh = %v", err)
	}
	o.ClientSecret = ""
	if _, _, err := auth.NewClient(o).ClientCredentials(context.Background()); !errors.Is(err, auth.ErrNoClientSecret) {
		t.Errorf("no secret: %v", err)
	}
	o.ClientSecret = "wrong"
	if _, _, err := auth.NewClient(o).ClientCredentials(context.Background()); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("wrong secret: %v", err)
	}
}

func TestRestoreAndRefresh(t *testing.T) {
	acct := account(t, "eu")
	res := loginAs(t, "global", acct.Email, func(o *auth.Options) { o.Scopes = append(o.Scopes, config.ScopeOfflineAccess) })
	o := options(region(t, "global"), nil, &recorder{})
	stored := &oauth2.Token{AccessToken: res.Token.AccessToken, RefreshToken: res.Token.RefreshToken, TokenType: "Bearer", Expiry: res.Token.Expiry}
	c := auth.NewClient(o) // a new client, as in another process
	back, err := c.Restore(context.Background(), stored, res.RawIDToken, res.CodeRegion, res.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Verified() || back.Claim("tenantid") != acct.TenantID || back.CodeRegion != "eu" {
		t.Fatalf("restored: verified=%v tenant %q\n%s", back.Verified(), back.Claim("tenantid"), back.Report.Failures())
	}
	if n, _ := back.Report.Check("nonce"); n.Status != check.Skip {
		t.Errorf("nonce of a restored token: %+v", n)
	}
	ref, err := c.Refresh(context.Background(), back)
	if err != nil || !ref.Rotated {
		t.Fatalf("refresh of a restored session: %v %+v", err, ref)
	}
}
