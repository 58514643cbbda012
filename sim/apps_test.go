package sim

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Origins of the CORS tests: one an App allows, one it does not.
const (
	allowedOrigin = "http://127.0.0.1:5173"
	foreignOrigin = "http://127.0.0.1:5174"
)

// appSim starts a stand-in with Hooks, a public browser app (redirect
// redirect, CORS origin allowedOrigin) and a confidential one.
func appSim(t *testing.T, redirect string, opts Options) (*Sim, *Hooks) {
	t.Helper()
	h := &Hooks{}
	opts.Hooks = h
	opts.Apps = []App{
		{ClientID: "browser-spa", RedirectURIs: []string{redirect}, AllowedCorsOrigins: []string{allowedOrigin}},
		{ClientID: "browser-web", Secret: "web-secret", RedirectURIs: []string{redirect}},
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(); cancel() })
	return s, h
}

// send sends a request with Origin (and, for a preflight, the requested
// method and headers) and returns the answer, its body closed.
func send(t *testing.T, method, u, origin string, preflight bool, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	if preflight {
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp
}

// TestAppsCORS: an App's allowed origin gets CORS answers from discovery,
// JWKS, token, UserInfo, revocation, end-session and the API, preflights
// included; another origin gets no CORS header anywhere, while the IdP
// still answers.
func TestAppsCORS(t *testing.T) {
	s, h := appSim(t, "http://127.0.0.1:5173/callback", Options{})
	g, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	targets := []struct {
		name, method, url, body string
	}{
		{"discovery", http.MethodGet, g.Issuer + discoveryPath, ""},
		{"jwks", http.MethodGet, g.Issuer + "/keys", ""},
		{"token", http.MethodPost, g.TokenURL(), "grant_type=authorization_code&code=nope&client_id=browser-spa&code_verifier=x"},
		{"userinfo", http.MethodGet, g.UserinfoURL(), ""},
		{"revocation", http.MethodPost, g.Issuer + "/revoke", "token=nope&client_id=browser-spa"},
		{"end-session", http.MethodGet, g.Issuer + "/end_session", ""},
		{"api", http.MethodGet, eu.API + "/me", ""},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			resp := send(t, tg.method, tg.url, allowedOrigin, false, tg.body)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != allowedOrigin || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
				t.Errorf("allowed origin: status %d, Access-Control-Allow-Origin %q, Vary %q", resp.StatusCode, got, resp.Header.Values("Vary"))
			}
			pre := send(t, http.MethodOptions, tg.url, allowedOrigin, true, "")
			if pre.StatusCode != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != allowedOrigin ||
				!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
				!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Content-Type") ||
				!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
				t.Errorf("allowed preflight: %d %v", pre.StatusCode, pre.Header)
			}
			for _, r := range []*http.Response{
				send(t, tg.method, tg.url, foreignOrigin, false, tg.body),
				send(t, http.MethodOptions, tg.url, foreignOrigin, true, ""),
			} {
				for k := range r.Header {
					if strings.HasPrefix(k, "Access-Control-") {
						t.Errorf("foreign origin, %s: %s: %q", r.Request.Method, k, r.Header.Get(k))
					}
				}
				if r.StatusCode == 0 || r.StatusCode >= 500 {
					t.Errorf("foreign origin, %s: status %d", r.Request.Method, r.StatusCode)
				}
			}
		})
	}
	if got := h.Requests(GlobalRegion, RequestPreflight); got != 2*(len(targets)-1) {
		t.Errorf("IdP preflights counted = %d, want %d", got, 2*(len(targets)-1))
	}
	if got := h.Requests(GlobalRegion, RequestTokenCode); got != 2 {
		t.Errorf("token requests = %d, want 2 (the foreign origin's is answered too)", got)
	}
}

// TestAppsRegistration: an App logs in at any endpoint with its exact
// redirect URI (public: PKCE alone; confidential: its secret), and any other
// redirect URI or an unallowed scope gets the error page.
func TestAppsRegistration(t *testing.T) {
	redirect := callbackServer(t, "/callback")
	s, _ := appSim(t, redirect, Options{})
	ctx := testCtx(t)
	for _, c := range []struct{ id, secret, region string }{{"browser-spa", "", GlobalRegion}, {"browser-web", "web-secret", "us"}} {
		r := region(t, s, c.region)
		conf := &oauth2.Config{ClientID: c.id, ClientSecret: c.secret, RedirectURL: redirect, Scopes: []string{"openid", "profile", APIScope},
			Endpoint: oauth2.Endpoint{AuthURL: r.AuthorizeURL(), TokenURL: r.TokenURL(), AuthStyle: oauth2.AuthStyleInParams}}
		verifier := oauth2.GenerateVerifier()
		_, body, err := NewBrowser().Login(ctx, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), accountIn(t, s, "us").ID)
		if err != nil {
			t.Fatalf("%s: login: %v", c.id, err)
		}
		q, _ := url.ParseQuery(body)
		tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("%s: exchange: %v", c.id, err)
		}
		if c.secret != "" {
			conf.ClientSecret = "wrong"
			if _, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
				t.Errorf("%s: exchange with a wrong secret succeeded", c.id)
			}
		}
	}
	other := strings.Replace(redirect, "/callback", "/callback2", 1)
	g := region(t, s, GlobalRegion)
	for name, q := range map[string]url.Values{
		"another path":  {"client_id": {"browser-spa"}, "redirect_uri": {other}},
		"another port":  {"client_id": {"browser-spa"}, "redirect_uri": {"http://127.0.0.1:1/callback"}},
		"not its scope": {"client_id": {"browser-spa"}, "redirect_uri": {redirect}, "scope": {"openid email"}},
	} {
		resp := send(t, http.MethodGet, g.AuthorizeURL()+"?"+authorizeQuery(q).Encode(), allowedOrigin, false, "")
		if loc, _ := resp.Location(); resp.StatusCode != http.StatusFound || loc == nil || loc.Path != errorPath {
			t.Errorf("%s: %d to %v, want the error page", name, resp.StatusCode, loc)
		}
	}
}

// TestProductionErrorPage: with Options.ProductionErrorPage the page shows
// the error code and the Request Id, not the description.
func TestProductionErrorPage(t *testing.T) {
	s, _ := appSim(t, "http://127.0.0.1:5173/callback", Options{ProductionErrorPage: true})
	g := region(t, s, GlobalRegion)
	for q, code := range map[string]string{"nobody": "unauthorized_client", "browser-spa": "unauthorized_client"} {
		resp := send(t, http.MethodGet, g.AuthorizeURL()+"?"+authorizeQuery(url.Values{"client_id": {q}, "redirect_uri": {"http://127.0.0.1:9/x"}}).Encode(), allowedOrigin, false, "")
		loc, _ := resp.Location()
		page, err := noRedirect.Get(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(io.LimitReader(page.Body, 1<<20))
		page.Body.Close()
		text := string(body)
		if !strings.Contains(text, code) || !regexp.MustCompile(`Request Id: 0HN[A-Z0-9]{10}:00000001`).MatchString(text) ||
			strings.Contains(text, "Unknown client") || strings.Contains(text, "Invalid redirect_uri") {
			t.Errorf("%s: want %s and a Request Id only:\n%s", q, code, text)
		}
	}
}

// TestTamperAuthorizeResponse: the authorization response carries another
// endpoint's iss, or another state, until the hook is switched off.
func TestTamperAuthorizeResponse(t *testing.T) {
	redirect := callbackServer(t, "/callback")
	s, h := appSim(t, redirect, Options{})
	g, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	login := func(r Region) url.Values {
		conf := &oauth2.Config{ClientID: "browser-spa", RedirectURL: redirect, Scopes: []string{"openid"},
			Endpoint: oauth2.Endpoint{AuthURL: r.AuthorizeURL()}}
		b := NewBrowser()
		_, body, err := b.Login(testCtx(t), conf.AuthCodeURL("sent-state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), accountIn(t, s, "eu").ID)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := url.ParseQuery(body)
		return q
	}
	if err := h.TamperAuthorizeResponse("nonsense"); err == nil {
		t.Error("an unknown mode was accepted")
	}
	must := func(mode string) {
		if err := h.TamperAuthorizeResponse(mode); err != nil {
			t.Fatal(err)
		}
	}
	must(TamperAuthorizeIssOther)
	if q := login(g); q.Get("iss") == g.Issuer || q.Get("iss") == "" || q.Get("code") == "" || q.Get("state") != "sent-state" {
		t.Errorf("iss-other at global: %v", q)
	}
	if q := login(eu); q.Get("iss") != g.Issuer {
		t.Errorf("iss-other at eu: iss %q, want the global issuer", q.Get("iss"))
	}
	must(TamperAuthorizeStateOther)
	if q := login(g); q.Get("state") == "sent-state" || q.Get("iss") != g.Issuer {
		t.Errorf("state-other: %v", q)
	}
	must("")
	if q := login(g); q.Get("state") != "sent-state" || q.Get("iss") != g.Issuer {
		t.Errorf("off: %v", q)
	}
}

// TestDateFollowsClock: the Date header of the IdP and the API follows the
// stand-in's clock, which Hooks.Advance moves.
func TestDateFollowsClock(t *testing.T) {
	s, h := appSim(t, "http://127.0.0.1:5173/callback", Options{})
	g, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	if err := h.Advance(3 * time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{g.Issuer + discoveryPath, eu.API + "/me", g.Issuer + errorPath} {
		resp := send(t, http.MethodGet, u, foreignOrigin, false, "")
		d, err := http.ParseTime(resp.Header.Get("Date"))
		if ahead := time.Until(d); err != nil || ahead < 3*time.Hour-time.Minute || ahead > 3*time.Hour+time.Minute {
			t.Errorf("%s: Date %q (%v), want 3 h ahead of the wall clock", u, resp.Header.Get("Date"), err)
		}
	}
}
