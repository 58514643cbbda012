package sampleapp_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ssodesk/sim"
	"ssodesk/sim/sampleapp"

	"github.com/chromedp/chromedp"
)

// startApps starts the sample apps on a stand-in of their own, with Hooks
// and HIMSA's production error page.
func startApps(t *testing.T) (*sampleapp.Apps, *sim.Hooks) {
	t.Helper()
	h := &sim.Hooks{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := sampleapp.Start(ctx, sampleapp.Options{Sim: sim.Options{Hooks: h, ProductionErrorPage: true}})
	if err != nil {
		cancel()
		t.Fatalf("starting the sample apps: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("closing: %v", err)
		}
		cancel()
	})
	return a, h
}

// accountIn is the first account of region.
func accountIn(t *testing.T, a *sampleapp.Apps, region string) sim.Account {
	t.Helper()
	for _, acc := range a.Sim.Accounts() {
		if acc.Region == region {
			return acc
		}
	}
	t.Fatalf("no account in region %s", region)
	return sim.Account{}
}

// accountButton is the login page's button of account id.
func accountButton(id string) string { return `button[name=account][value="` + id + `"]` }

// TestSPASignIn: the SPA's plain success in Chromium: discovery, authorize,
// the exchange in the browser (CORS), UserInfo and the account's regional
// API (both after a preflight).
func TestSPASignIn(t *testing.T) {
	t.Parallel()
	a, h := startApps(t)
	ctx := newChromium(t)
	acc := accountIn(t, a, "eu")
	d, err := runPage(ctx, a.SPAURL(sampleapp.Scenario{}), accountButton(acc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != "succeeded" || d.Text != "Signed in as "+acc.Name {
		t.Fatalf("#done: %s, want succeeded, Signed in as %s", d, acc.Name)
	}
	for _, c := range []struct {
		region, kind string
		want         int
	}{
		{sim.GlobalRegion, sim.RequestAuthorize, 1},
		{sim.GlobalRegion, sim.RequestTokenCode, 1},
		{sim.GlobalRegion, sim.RequestUserinfo, 1},
		{"eu", sim.RequestAPI, 1},
	} {
		if got := h.Requests(c.region, c.kind); got != c.want {
			t.Errorf("%s %s requests = %d, want %d", c.region, c.kind, got, c.want)
		}
	}
	if h.Requests(sim.GlobalRegion, sim.RequestDiscovery) < 1 || h.Requests(sim.GlobalRegion, sim.RequestPreflight) < 1 || h.Requests("eu", sim.RequestPreflight) < 1 {
		t.Errorf("want discovery and the preflights of UserInfo and the API: discovery %d, IdP preflights %d, API preflights %d",
			h.Requests(sim.GlobalRegion, sim.RequestDiscovery), h.Requests(sim.GlobalRegion, sim.RequestPreflight), h.Requests("eu", sim.RequestPreflight))
	}
}

// spaFailure is one failure scenario of the SPA.
type spaFailure struct {
	name    string
	s       sampleapp.Scenario
	tamper  string // Hooks.TamperAuthorizeResponse mode
	click   bool   // click the eu account on the login page
	clickOn string // or click this selector on it
	step    string // #done's data-step
	err     string // #done's data-error ("" = any)
	netErr  string // a failed request's error text and URL must contain it
	counts  map[[2]string]int
	atLeast map[[2]string]int
}

func spaFailures() []spaFailure {
	g := func(kind string) [2]string { return [2]string{sim.GlobalRegion, kind} }
	return []spaFailure{
		{name: "foreign origin: token response blocked by CORS", s: sampleapp.Scenario{Foreign: true}, click: true, step: "token", err: "network", netErr: "net::ERR_FAILED http://127.0.0.1",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 1, g(sim.RequestUserinfo): 0}},
		{name: "foreign origin: discovery blocked by CORS", s: sampleapp.Scenario{Foreign: true, Discovery: sampleapp.DiscoveryFetch}, step: "discovery", err: "network",
			counts: map[[2]string]int{g(sim.RequestDiscovery): 1, g(sim.RequestAuthorize): 0}},
		{name: "code of eu exchanged at us", s: sampleapp.Scenario{ExchangeRegion: "us"}, click: true, step: "token", err: "invalid_grant",
			counts: map[[2]string]int{{"us", sim.RequestTokenCode}: 1, g(sim.RequestTokenCode): 0}},
		{name: "cancel on the login page", clickOn: "button[name=cancel]", step: "callback", err: "access_denied",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 0}},
		{name: "missing code_verifier", s: sampleapp.Scenario{Verifier: sampleapp.VerifierMissing}, click: true, step: "token", err: "invalid_request",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 1}},
		{name: "wrong code_verifier", s: sampleapp.Scenario{Verifier: sampleapp.VerifierWrong}, click: true, step: "token", err: "invalid_grant",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 1, g(sim.RequestUserinfo): 0}},
		{name: "code exchanged twice", s: sampleapp.Scenario{ExchangeTwice: true}, click: true, step: "token-again", err: "invalid_grant",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 2}},
		{name: "another region's API", s: sampleapp.Scenario{APIRegion: "us"}, click: true, step: "api", err: "invalid_token",
			counts: map[[2]string]int{{"us", sim.RequestAPI}: 1, {"eu", sim.RequestAPI}: 0}},
		{name: "API route needs a scope the token lacks", s: sampleapp.Scenario{APIPath: "/admin/tenants"}, click: true, step: "api", err: "insufficient_scope",
			counts: map[[2]string]int{{"eu", sim.RequestAPI}: 1}},
		{name: "interactive login in an iframe", s: sampleapp.Scenario{InFrame: true}, step: "frame", err: "no_answer", netErr: "net::ERR_BLOCKED_BY_RESPONSE",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 0}, atLeast: map[[2]string]int{g(sim.RequestLogin): 1}},
		{name: "silent renew without a session", s: sampleapp.Scenario{Silent: sampleapp.SilentOnly}, step: "silent", err: "login_required",
			counts: map[[2]string]int{g(sim.RequestAuthorize): 1, g(sim.RequestTokenCode): 0}},
		{name: "state of another login", tamper: sim.TamperAuthorizeStateOther, click: true, step: "callback", err: "state_mismatch",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 0}},
		{name: "iss of another endpoint (mix-up)", tamper: sim.TamperAuthorizeIssOther, click: true, step: "callback", err: "iss_mismatch",
			counts: map[[2]string]int{g(sim.RequestTokenCode): 0}},
		{name: "authorize loop", s: sampleapp.Scenario{Loop: 3}, click: true, step: "loop", err: "loop",
			counts: map[[2]string]int{g(sim.RequestAuthorize): 4, g(sim.RequestTokenCode): 0}},
	}
}

// TestSPAFailures: each failure knob of the SPA ends in #done
// data-outcome=failed at the step it breaks, with the stand-in's request
// counts to prove what the browser sent.
func TestSPAFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range spaFailures() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, h := startApps(t)
			if err := h.TamperAuthorizeResponse(tc.tamper); err != nil {
				t.Fatal(err)
			}
			ctx := newChromium(t)
			failed := netFailures(t, ctx)
			click := ""
			if tc.click {
				click = accountButton(accountIn(t, a, "eu").ID)
			}
			if tc.clickOn != "" {
				click = tc.clickOn
			}
			d, err := runPage(ctx, a.SPAURL(tc.s), click)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("#done: %s", d)
			if tc.netErr != "" && !slices.ContainsFunc(failed(), func(f string) bool { return strings.Contains(f, tc.netErr) }) {
				t.Errorf("no failed request with %q; failed: %q", tc.netErr, failed())
			}
			if d.Outcome != "failed" || d.Step != tc.step || tc.err != "" && d.Error != tc.err {
				t.Errorf("#done: %s; want failed at %s with %s", d, tc.step, tc.err)
			}
			for k, want := range tc.counts {
				if got := h.Requests(k[0], k[1]); got != want {
					t.Errorf("%s %s requests = %d, want %d", k[0], k[1], got, want)
				}
			}
			for k, want := range tc.atLeast {
				if got := h.Requests(k[0], k[1]); got < want {
					t.Errorf("%s %s requests = %d, want at least %d", k[0], k[1], got, want)
				}
			}
		})
	}
}

// TestSPASilentRenew: after the login a prompt=none authorize in a hidden
// iframe comes straight back with a code (redirects only) and is redeemed.
func TestSPASilentRenew(t *testing.T) {
	t.Parallel()
	a, h := startApps(t)
	ctx := newChromium(t)
	d, err := runPage(ctx, a.SPAURL(sampleapp.Scenario{Silent: sampleapp.SilentAfterLogin}), accountButton(accountIn(t, a, "us").ID))
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != "succeeded" {
		t.Fatalf("#done: %s, want succeeded", d)
	}
	if got := h.Requests(sim.GlobalRegion, sim.RequestAuthorize); got != 2 {
		t.Errorf("authorize requests = %d, want 2 (login and silent renew)", got)
	}
	if got := h.Requests(sim.GlobalRegion, sim.RequestTokenCode); got != 2 {
		t.Errorf("code exchanges = %d, want 2", got)
	}
}

// TestSPAErrorPage: an unregistered redirect URI, an unknown client and a
// scope the client may not request end on the IdP's production error page:
// the error code and a Request Id, no description; the app never hears of
// it and no login page is shown.
func TestSPAErrorPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		s    sampleapp.Scenario
		code string
	}{
		{"unregistered redirect URI", sampleapp.Scenario{UnregisteredRedirect: true}, "unauthorized_client"},
		{"unknown client", sampleapp.Scenario{ClientID: "unknown-app"}, "unauthorized_client"},
		{"scope not allowed", sampleapp.Scenario{ExtraScope: "email"}, "invalid_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, h := startApps(t)
			ctx := newChromium(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(a.SPAURL(tc.s))); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := waitSelector(wctx, ".request-id"); err != nil {
				t.Fatalf("%v (page: %s)", err, pageText(ctx))
			}
			text := pageText(ctx)
			if !strings.Contains(text, "/home/error?errorId=") || !strings.Contains(text, tc.code) ||
				strings.Contains(text, "Invalid") || strings.Contains(text, "Unknown client") {
				t.Errorf("want the production error page (%s and a Request Id only), got: %s", tc.code, text)
			}
			if got := h.Requests(sim.GlobalRegion, sim.RequestLogin); got != 0 {
				t.Errorf("login page requests = %d, want 0", got)
			}
		})
	}
}

// TestWebSignIn: the server-side web app in Chromium: Sign in, the account,
// and the app's own page says who signed in.
func TestWebSignIn(t *testing.T) {
	t.Parallel()
	a, h := startApps(t)
	ctx := newChromium(t)
	acc := accountIn(t, a, "au")
	if err := clickOn(ctx, a.WebURL(sampleapp.WebScenario{}), "#signin"); err != nil {
		t.Fatal(err)
	}
	d, err := runPage(ctx, "", accountButton(acc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != "succeeded" || d.Text != "Signed in as "+acc.Name {
		t.Fatalf("#done: %s, want succeeded, Signed in as %s", d, acc.Name)
	}
	if got := h.Requests(sim.GlobalRegion, sim.RequestTokenCode); got != 1 {
		t.Errorf("code exchanges = %d, want 1", got)
	}
}

// clickOn opens url and clicks sel once it is there.
func clickOn(ctx context.Context, url, sel string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	if err := waitSelector(ctx, sel); err != nil {
		return err
	}
	return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
}

// TestWebAppHTTP: the web app's sign-in and its unregistered redirect URI,
// driven by sim.Browser (no Chromium needed).
func TestWebAppHTTP(t *testing.T) {
	t.Parallel()
	a, h := startApps(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	acc := accountIn(t, a, "eu")
	_, body, err := sim.NewBrowser().Login(ctx, a.Web+"/login?region=eu", acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `<div id="done" data-outcome="succeeded">Signed in as `+acc.Name+`</div>`) {
		t.Errorf("home page after the sign-in:\n%s", body)
	}
	if got := h.Requests("eu", sim.RequestTokenCode); got != 1 {
		t.Errorf("eu code exchanges = %d, want 1", got)
	}
	_, _, err = sim.NewBrowser().Login(ctx, a.Web+"/login?unregistered=1", acc.ID)
	if err == nil || !strings.Contains(err.Error(), "error page") {
		t.Errorf("unregistered redirect URI: %v, want the IdP's error page", err)
	}
}
