package flow_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ssodesk/config"
	"ssodesk/flow"
	"ssodesk/safe"
)

// browser builds a browser's exchanges by hand, 100 ms apart.
type browser struct {
	xs []*flow.Exchange
	ms int
}

type opt func(*flow.Exchange)

func loc(l string) opt {
	return func(x *flow.Exchange) { x.Location = l; x.ResponseHeader.Set("Location", l) }
}
func html(body string) opt {
	return func(x *flow.Exchange) {
		x.ResponseHeader.Set("Content-Type", "text/html; charset=utf-8")
		x.ResponseBody, x.ResourceType = body, "document"
	}
}
func jsonBody(v any) opt {
	return func(x *flow.Exchange) {
		b, _ := json.Marshal(v)
		x.ResponseHeader.Set("Content-Type", "application/json")
		x.ResponseBody = string(b)
	}
}
func post(body string) opt              { return func(x *flow.Exchange) { x.RequestBody = body } }
func req(k, v string) opt               { return func(x *flow.Exchange) { x.RequestHeader.Set(k, v) } }
func res(k, v string) opt               { return func(x *flow.Exchange) { x.ResponseHeader.Set(k, v) } }
func framed() opt                       { return func(x *flow.Exchange) { x.InFrame = true } }
func failed(err string) opt             { return func(x *flow.Exchange) { x.Error = err } }
func bearer(tok string) opt             { return req("Authorization", "Bearer "+tok) }
func (b *browser) wait(d time.Duration) { b.ms += int(d / time.Millisecond) }

func (b *browser) add(method, raw string, status int, opts ...opt) *flow.Exchange {
	x := &flow.Exchange{ID: len(b.xs) + 1, Method: method, URL: flow.ParseURL(raw), RawURL: raw, Status: status,
		Start: at(b.ms), Duration: 50 * time.Millisecond, RequestHeader: http.Header{}, ResponseHeader: http.Header{}}
	x.Kind = flow.KindOf("", x.URL)
	for _, o := range opts {
		o(x)
	}
	b.xs = append(b.xs, x)
	b.ms += 100
	return x
}

// endpoints are every built-in environment's, as config.Endpoints gives them.
func endpoints() []config.Region {
	var out []config.Region
	for _, e := range config.BuiltinEnvironments() {
		for _, r := range e.Endpoints {
			r.Env = e.Name
			out = append(out, r)
		}
	}
	return out
}

// jwt is an unsigned JWT with claims (Logins reads, never verifies).
func jwt(claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	c, _ := json.Marshal(claims)
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(c) + "." + enc([]byte("sig"))
}

const (
	global   = "https://idp.himsa-sso.com"
	euIssuer = "https://idp-eu.himsa-sso.com"
	app      = "https://app.test/cb"
)

// authorizeURL is an SPA's authorize request at base with extra parameters.
func authorizeURL(base string, extra ...string) string {
	q := url.Values{"client_id": {"app"}, "redirect_uri": {app}, "response_type": {"code"}, "scope": {"openid profile noah.api offline_access"},
		"state": {"S1"}, "nonce": {"N1"}, "code_challenge": {"CH"}, "code_challenge_method": {"S256"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return base + "/connect/authorize?" + q.Encode()
}

// login is a browser's interactive login up to the redirect to the app
// with query (its parameters).
func (b *browser) login(base, query string, opts ...opt) {
	b.add("GET", authorizeURL(base), 302, append([]opt{loc("/Account/Login?ReturnUrl=%2Fconnect%2Fauthorize%2Fcallback")}, opts...)...)
	b.add("GET", base+"/Account/Login?ReturnUrl=%2Fconnect%2Fauthorize%2Fcallback", 200, append([]opt{html("<form>")}, opts...)...)
	b.add("POST", base+"/Account/Login?ReturnUrl=%2Fconnect%2Fauthorize%2Fcallback", 302, loc("/connect/authorize/callback?client_id=app"), post("Username=x"))
	b.add("GET", base+"/connect/authorize/callback?client_id=app", 302, loc(app+"?"+query))
	b.add("GET", app+"?"+query, 200, html("<app>"))
}

func idToken(iat time.Time) string {
	return jwt(map[string]any{"iss": euIssuer, "sub": "u1", "aud": "app", "region": "eu", "api": "https://api-eu.test/",
		"iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(), "nonce": "N1"})
}

// exchange is the SPA's code exchange at base, with the form's extra fields.
func (b *browser) exchange(base, code string, status int, answer any, extra string) {
	b.add("POST", base+"/connect/token", status, post("grant_type=authorization_code&client_id=app&code="+url.QueryEscape(code)+
		"&redirect_uri="+url.QueryEscape(app)+extra), req("Origin", "https://app.test"), res("Access-Control-Allow-Origin", "https://app.test"), jsonBody(answer))
}

func only(t *testing.T, b *browser) *flow.Login {
	t.Helper()
	ls := flow.Logins(b.xs, endpoints(), time.Minute)
	if len(ls) != 1 {
		t.Fatalf("%d logins, want 1", len(ls))
	}
	for _, f := range ls[0].Findings {
		for _, s := range []string{f.Text, f.Cause, f.Fix} {
			if safe.Printable(s) != s {
				t.Errorf("not printable: %q", s)
			}
		}
	}
	return ls[0]
}

// failedWith asserts l failed at a step of kind k with a finding whose
// text, cause and fix hold the words given.
func failedWith(t *testing.T, l *flow.Login, k flow.Kind, text, cause, fix string) flow.Finding {
	t.Helper()
	if l.Outcome != flow.LoginFailed {
		t.Fatalf("outcome %s, want failed; findings %+v", l.Outcome, l.Findings)
	}
	if got := l.Steps[l.FailedAt].Kind; got != k {
		t.Errorf("failed at %q (step %d), want %q", got, l.FailedAt, k)
	}
	for _, f := range l.Steps[l.FailedAt].Findings {
		if f.Severity == flow.Failure && strings.Contains(f.Text, text) && strings.Contains(f.Cause, cause) && strings.Contains(f.Fix, fix) {
			return f
		}
	}
	t.Errorf("no failure with %q / %q / %q in %+v", text, cause, fix, l.Steps[l.FailedAt].Findings)
	return flow.Finding{}
}

func kinds(l *flow.Login) string {
	var s []string
	for _, st := range l.Steps {
		s = append(s, string(st.Kind))
	}
	return strings.Join(s, " ")
}

// TestGlobalLoginEUAccount: a global login with an EU account: the code's
// prefix, the regional issuer, the API host and the region story.
func TestGlobalLoginEUAccount(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C0DE&state=S1&iss="+url.QueryEscape(global)+"&session_state=x")
	at, rt := jwt(map[string]any{"iss": euIssuer, "scope": []any{"openid", "noah.api"}, "exp": at(0).Add(time.Hour).Unix()}), "RT1"
	b.exchange(global, "eu.C0DE", 200, map[string]string{"access_token": at, "id_token": idToken(at0()), "refresh_token": rt}, "&code_verifier=V")
	b.add("GET", global+"/connect/userinfo", 200, bearer(at), jsonBody(map[string]string{"sub": "u1"}))
	b.add("GET", "https://api-eu.test/v1/me", 200, bearer(at))
	l := only(t, &b)
	if l.Outcome != flow.Succeeded || len(l.Findings) != 0 {
		t.Fatalf("outcome %s, findings %+v", l.Outcome, l.Findings)
	}
	if want := "browser login_page login_post authorize_callback callback exchange userinfo api"; kinds(l) != want {
		t.Errorf("steps %q, want %q", kinds(l), want)
	}
	if l.Endpoint.Name != "global" || l.IdP != global || l.CodeRegion != "eu" || l.Issuer != euIssuer || l.APIHost != "api-eu.test" ||
		l.ClientID != "app" || l.PKCEMethod != "S256" || l.State != "S1" || l.Silent || len(l.Scopes) != 4 {
		t.Errorf("facts %+v", l)
	}
	if len(l.Tokens) != 4 || l.Token("code") != "eu.C0DE" || l.Token("refresh_token") != rt {
		t.Errorf("tokens %+v", l.Tokens)
	}
	s, ok := l.Story()
	if !ok || s.Chosen != "global" || s.Code != "eu" || !s.Global || s.IssuerRegion != "eu" || s.Exchanged != "global" || !s.HasAPI || s.CodeEndpoint != "eu" || s.Env != "" {
		t.Errorf("story facts %+v", s)
	}
	if st := l.RegionStory(); !strings.Contains(st, "global endpoint and picked an account in EU") || !strings.Contains(st, "issued by the EU IdP") {
		t.Errorf("story %q", st)
	}
}

func at0() time.Time { return at(0) }

// TestSilentRenewInFrame: prompt=none in a hidden frame, straight back
// with a code.
func TestSilentRenewInFrame(t *testing.T) {
	var b browser
	b.add("GET", authorizeURL(euIssuer, "prompt", "none"), 302, loc(app+"?code=eu.X&state=S1"), framed())
	b.add("GET", app+"?code=eu.X&state=S1", 200, html("<cb>"), framed())
	l := only(t, &b)
	if l.Outcome != flow.Succeeded || !l.Silent || !l.InFrame || l.Endpoint.Name != "eu" || l.CodeRegion != "eu" || kinds(l) != "browser callback" {
		t.Errorf("outcome %s silent %v frame %v endpoint %q steps %q", l.Outcome, l.Silent, l.InFrame, l.Endpoint.Name, kinds(l))
	}
}

// TestUnknownIdP: an IdP not configured, recognised by its parameters.
func TestUnknownIdP(t *testing.T) {
	var b browser
	b.add("GET", "https://login.other.test/oauth2/v2/authorize?response_type=code&client_id=x&redirect_uri="+url.QueryEscape(app)+"&state=S", 302,
		loc(app+"?code=abc&state=S&iss=https%3A%2F%2Flogin.other.test"))
	b.add("GET", app+"?code=abc&state=S&iss=https%3A%2F%2Flogin.other.test", 200)
	b.add("GET", "https://other.test/authorize?foo=1", 200) // no authorize parameters: not a login
	l := only(t, &b)
	if l.Endpoint.Name != "" || l.IdP != "https://login.other.test" || l.Outcome != flow.Succeeded || l.CodeRegion != "" || len(l.Findings) != 0 {
		t.Errorf("endpoint %q idp %q outcome %s findings %+v", l.Endpoint.Name, l.IdP, l.Outcome, l.Findings)
	}
	if s, ok := l.Story(); !ok || s.Code != "" {
		t.Errorf("story %+v %v", s, ok)
	}
}

// TestErrorPage: the IdP's /home/error page after the authorize request.
func TestErrorPage(t *testing.T) {
	for _, tc := range []struct{ page, text, cause string }{
		{`<div class="alert">Sorry, there was an error : unauthorized_client</div><div>Request Id: 0HMX:00000001</div>`,
			"unauthorized_client", "does not know the client app or does not accept its redirect URI https://app.test/cb"},
		{`<div class="alert">Sorry, there was an error : invalid_request Invalid redirect_uri</div><p>Request Id 0HMX:2</p>`,
			"Request Id 0HMX:2", "does not accept the redirect URI https://app.test/cb for client app"},
		{`<div class="alert">Sorry, there was an error</div>`, "error page", "the likely causes: the redirect URI https://app.test/cb is not registered"},
		{"", "error page", "likely causes"},
	} {
		var b browser
		b.add("GET", authorizeURL(global), 302, loc("/home/error?errorId=CfDJ8ENCRYPTED"))
		if tc.page != "" {
			b.add("GET", global+"/home/error?errorId=CfDJ8ENCRYPTED", 200, html(tc.page))
		}
		l := only(t, &b)
		want := flow.ErrorPage
		if tc.page == "" {
			want = flow.Browser
		}
		f := failedWith(t, l, want, tc.text, tc.cause, "`ssodesk check --client-id app --redirect-uri https://app.test/cb`")
		if !strings.Contains(f.Cause, "encrypted: only HIMSA can read it") {
			t.Errorf("cause %q", f.Cause)
		}
	}
}

// TestErrorRedirects: error= back to the app.
func TestErrorRedirects(t *testing.T) {
	for _, tc := range []struct {
		query, prompt    string
		frame            bool
		text, cause, fix string
	}{
		{"error=access_denied&state=S1", "", false, "error=access_denied", "cancelled", "finish at the IdP"},
		{"error=invalid_scope&error_description=scope+noah.secret+not+allowed&state=S1", "", false, "invalid_scope", "scope noah.secret", "Remove noah.secret"},
		{"error=login_required&state=S1", "none", true, "login_required", "third-party cookies", "top window or a popup"},
		{"error=interaction_required&state=S1", "none", false, "interaction_required", "no usable session", "without prompt=none"},
		{"error=unauthorized_client&state=S1", "", false, "unauthorized_client", "grant type", "ask HIMSA"},
		{"error=invalid_request&error_description=%1b%5b2Jbad&state=S1", "", false, "invalid_request", "malformed", "malformed or missing a parameter"},
	} {
		var b browser
		opts := []opt{loc(app + "?" + tc.query)}
		if tc.frame {
			opts = append(opts, framed())
		}
		b.add("GET", authorizeURL(global, "prompt", tc.prompt, "scope", "openid noah.secret"), 302, opts...)
		b.add("GET", app+"?"+tc.query, 200)
		l := only(t, &b)
		failedWith(t, l, flow.Callback, tc.text, tc.cause, tc.fix)
	}
}

// TestLoginPageInFrame: X-Frame-Options refuses the login page in a frame.
func TestLoginPageInFrame(t *testing.T) {
	var b browser
	b.add("GET", authorizeURL(global), 302, loc("/Account/Login?ReturnUrl=x"), framed())
	b.add("GET", global+"/Account/Login?ReturnUrl=x", 200, html("<form>"), res("X-Frame-Options", "SameOrigin"), framed())
	l := only(t, &b)
	failedWith(t, l, flow.LoginPage, "X-Frame-Options: SameOrigin", "SameOrigin", "top window, a popup or the system browser")
}

// TestCORS: the token request blocked (status 0), and a pre-flight
// answered without Access-Control-Allow-Origin.
func TestCORS(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C&state=S1")
	b.add("POST", global+"/connect/token", 0, post("grant_type=authorization_code&code=eu.C&code_verifier=V"), req("Origin", "https://app.test"), failed("net::ERR_FAILED"))
	failedWith(t, only(t, &b), flow.CodeExchange, "blocked the token request", "origin https://app.test is not an allowed CORS origin of the client app", "Ask HIMSA to add https://app.test")

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.add("OPTIONS", global+"/connect/token", 204, req("Origin", "https://app.test"))
	failedWith(t, only(t, &b), flow.CORSPreflight, "CORS pre-flight", "not an allowed CORS origin", "allowed CORS origins of the client app")
}

// TestInvalidGrant: a code exchanged at another region's endpoint, twice,
// too late; PKCE's verifier missing or wrong.
func TestInvalidGrant(t *testing.T) {
	bad := map[string]string{"error": "invalid_grant"}
	var b browser
	b.login(global, "code=eu.C&state=S1")
	b.exchange("https://idp-us.himsa-sso.com", "eu.C", 400, bad, "&code_verifier=V")
	failedWith(t, only(t, &b), flow.CodeExchange, "invalid_grant", "names EU but it was exchanged at the US endpoint", "at the EU endpoint")

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.exchange(global, "eu.C", 200, map[string]string{"access_token": "AT"}, "&code_verifier=V")
	b.exchange(global, "eu.C", 400, bad, "&code_verifier=V")
	l := only(t, &b)
	failedWith(t, l, flow.CodeExchange, "invalid_grant", "exchanged twice", "Log in again")
	if l.FailedAt != len(l.Steps)-1 {
		t.Errorf("failed at %d of %d: %s", l.FailedAt, len(l.Steps), kinds(l))
	}

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.wait(6 * time.Minute)
	b.exchange(global, "eu.C", 400, bad, "&code_verifier=V")
	failedWith(t, only(t, &b), flow.CodeExchange, "invalid_grant", "6m", "Log in again")

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.exchange(global, "eu.C", 400, map[string]string{"error": "invalid_grant", "error_description": "code_verifier missing"}, "")
	failedWith(t, only(t, &b), flow.CodeExchange, "sent no code_verifier", "the app lost it", "Keep the code_verifier")

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.exchange(global, "eu.C", 400, map[string]string{"error": "invalid_grant", "error_description": "Transformed code verifier does not match code challenge"}, "&code_verifier=W")
	failedWith(t, only(t, &b), flow.CodeExchange, "does not match", "does not match the code_challenge", "Keep the code_verifier")
}

// TestAPIRefused: a 401 with an expired access token, as api.Diagnose says it.
func TestAPIRefused(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C&state=S1")
	tok := jwt(map[string]any{"exp": at(0).Add(-time.Hour).Unix(), "scope": "openid noah.api"})
	b.exchange(global, "eu.C", 200, map[string]string{"access_token": tok, "refresh_token": "RT"}, "&code_verifier=V")
	b.add("GET", "https://api-eu.test/v1/me", 401, bearer(tok), res("WWW-Authenticate", `Bearer error="invalid_token"`))
	l := only(t, &b)
	f := failedWith(t, l, flow.API, "HTTP 401", "no longer valid", "must refresh its tokens")
	if strings.Contains(f.Cause, "Press R") {
		t.Errorf("the console's key in a HAR's finding: %q", f.Cause)
	}
	if l.APIHost != "api-eu.test" {
		t.Errorf("api host %q", l.APIHost)
	}
}

// TestAbandoned: the flow stops at the login page.
func TestAbandoned(t *testing.T) {
	var b browser
	b.add("GET", authorizeURL(global), 302, loc("/Account/Login?ReturnUrl=x"))
	b.add("GET", global+"/Account/Login?ReturnUrl=x", 200, html("<form>"))
	l := only(t, &b)
	if l.Outcome != flow.Abandoned || len(l.Findings) != 1 || !strings.Contains(l.Findings[0].Text, "stopped at the IdP's login page") ||
		!strings.Contains(l.Findings[0].Fix, "record again") {
		t.Errorf("outcome %s findings %+v", l.Outcome, l.Findings)
	}
}

// TestLoop: the same authorize request three times within seconds.
func TestLoop(t *testing.T) {
	var b browser
	for range 3 {
		b.add("GET", authorizeURL(global), 302, loc(app+"?code=eu.C&state=S1"))
		b.add("GET", app+"?code=eu.C&state=S1", 302, loc("/"))
		b.wait(2 * time.Second)
	}
	ls := flow.Logins(b.xs, endpoints(), time.Minute)
	if len(ls) != 1 {
		t.Fatalf("%d logins", len(ls))
	}
	failedWith(t, ls[0], flow.Browser, "3 times within 4s", "starts the login again", "callback handling")

	b = browser{} // twice is a retry, not a loop
	for range 2 {
		b.add("GET", authorizeURL(global), 302, loc(app+"?code=eu.C&state=S1"))
		b.wait(2 * time.Second)
	}
	if ls := flow.Logins(b.xs, endpoints(), time.Minute); len(ls) != 2 || ls[0].Outcome != flow.Succeeded {
		t.Errorf("%d logins", len(ls))
	}
}

// TestMixUpAndState: a callback whose iss is not the endpoint's, and a
// state not the request's.
func TestMixUpAndState(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C&state=S1&iss=https%3A%2F%2Fevil.test")
	failedWith(t, only(t, &b), flow.Callback, "iss is https://evil.test", "another IdP answered", "Do not use this login")

	b = browser{}
	b.login(global, "code=eu.C&state=OTHER")
	failedWith(t, only(t, &b), flow.Callback, "(OTHER) is not the authorize request's (S1)", "another login attempt", "one tab")

	b = browser{} // a global login's regional iss is the environment's: fine
	b.login(global, "code=eu.C&state=S1&iss="+url.QueryEscape(euIssuer))
	if l := only(t, &b); l.Outcome != flow.Succeeded {
		t.Errorf("regional iss: %s %+v", l.Outcome, l.Findings)
	}
}

// TestClock: the browser's clock 5 minutes behind the IdP's, and an ID
// token issued in its future.
func TestClock(t *testing.T) {
	var b browser
	date := at(0).Add(5 * time.Minute).Format(http.TimeFormat)
	b.add("GET", authorizeURL(global), 302, loc(app+"?code=eu.C&state=S1"), res("Date", date))
	b.add("GET", app+"?code=eu.C&state=S1", 200)
	b.exchange(global, "eu.C", 200, map[string]string{"id_token": idToken(at(0).Add(5 * time.Minute))}, "&code_verifier=V")
	l := only(t, &b)
	if l.Outcome != flow.Succeeded || len(l.Findings) != 2 {
		t.Fatalf("outcome %s findings %+v", l.Outcome, l.Findings)
	}
	if f := l.Findings[0]; !strings.Contains(f.Text, "not yet valid") || !strings.Contains(f.Fix, "synchronise") {
		t.Errorf("token time %+v", f)
	}
	if f := l.Findings[1]; !strings.Contains(f.Text, "the customer's clock is 5m00s behind") || !strings.Contains(f.Text, "more than the leeway") || !strings.Contains(f.Cause, "browser's clock") {
		t.Errorf("clock %+v", f)
	}
}

// TestSensitiveDataNote: said once for a HAR without cookies or
// Authorization, not for one with them.
func TestSensitiveDataNote(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C&state=S1")
	f, ok := flow.SensitiveDataNote(b.xs)
	if !ok || f.Severity != flow.Note || !strings.Contains(f.Cause, "bearer tokens of API calls") || !strings.Contains(f.Fix, "Export HAR (with sensitive data)") {
		t.Errorf("%v %+v", ok, f)
	}
	if !strings.HasPrefix(f.Text, "This HAR was exported without sensitive data") { // a login posted on to /authorize/callback: a session cookie
		t.Errorf("text %q", f.Text)
	}
	var e browser // an error page only: nothing shows the export's mode
	e.add("GET", authorizeURL(global), 302, loc("/home/error?errorId=x"))
	e.add("GET", global+"/home/error?errorId=x", 200, html("<p>error"))
	if f, ok := flow.SensitiveDataNote(e.xs); !ok || !strings.Contains(f.Text, "or the login never got as far") {
		t.Errorf("error page only: %v %q", ok, f.Text)
	}
	b.add("GET", "https://api-eu.test/", 200, req("Cookie", "a=b"))
	if _, ok := flow.SensitiveDataNote(b.xs); ok {
		t.Error("note for a HAR with cookies")
	}
	if _, ok := flow.SensitiveDataNote(nil); ok {
		t.Error("note for no exchanges")
	}
}

// TestRefreshAndLogout: a refresh with the flow's refresh token refused,
// end-session with its ID token; a blocked token request without a body.
func TestRefreshAndLogout(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C&state=S1")
	id := idToken(at(0))
	b.exchange(global, "eu.C", 200, map[string]string{"access_token": "AT", "id_token": id, "refresh_token": "RT"}, "&code_verifier=V")
	b.add("POST", global+"/connect/token", 400, post("grant_type=refresh_token&refresh_token=RT&client_id=app"), jsonBody(map[string]string{"error": "invalid_grant"}))
	b.add("GET", global+"/connect/endsession?id_token_hint="+id, 302, loc(app))
	l := only(t, &b)
	if !strings.HasSuffix(kinds(l), "exchange refresh logout") {
		t.Errorf("steps %q", kinds(l))
	}
	failedWith(t, l, flow.Refresh, "refused the refresh request: invalid_grant", "spent, expired, revoked", "Log in again")

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.add("POST", global+"/connect/token", 0, req("Origin", "https://app.test"), failed("net::ERR_FAILED"))
	failedWith(t, only(t, &b), flow.CodeExchange, "blocked the token request", "https://app.test", "https://app.test")
}

// TestTwoLogins: an interactive login and a later silent renew are two
// flows, each with its own callback.
func TestTwoLogins(t *testing.T) {
	var b browser
	b.login(global, "code=eu.A&state=S1")
	b.wait(time.Minute)
	b.add("GET", authorizeURL(global, "prompt", "none", "state", "S2"), 302, loc(app+"?error=login_required&state=S2"), framed())
	b.add("GET", app+"?error=login_required&state=S2", 200, framed())
	ls := flow.Logins(b.xs, endpoints(), 0)
	if len(ls) != 2 || ls[0].Outcome != flow.Succeeded || ls[0].Token("code") != "eu.A" || !ls[1].Silent {
		t.Fatalf("%d logins", len(ls))
	}
	failedWith(t, ls[1], flow.Callback, "login_required", "third-party cookies", "without prompt=none")
}

// TestAPIOtherRegion: an EU account's token at the US API (the configured
// endpoint's API), said as the console says it.
func TestAPIOtherRegion(t *testing.T) {
	var b browser
	b.login(global, "code=eu.C&state=S1")
	b.exchange(global, "eu.C", 200, map[string]string{"access_token": "AT", "refresh_token": "RT"}, "&code_verifier=V")
	b.add("GET", "https://api-us.test/v1/me", 401, bearer("AT"))
	eps := endpoints()
	for i := range eps {
		if eps[i].Name == "us" {
			eps[i].API = "https://api-us.test/"
		}
	}
	ls := flow.Logins(b.xs, eps, time.Minute)
	if len(ls) != 1 {
		t.Fatalf("%d logins", len(ls))
	}
	failedWith(t, ls[0], flow.API, "api-us.test refused the call with HTTP 401", "The token is for EU but this is the US API", "")
}

// TestRealChromiumShapes: what real Chromium HARs showed (issue 23's
// recordings): a login page refused in a frame recorded with status 200
// and net::ERR_BLOCKED_BY_RESPONSE (and no X-Frame-Options kept); a token
// request CORS blocked whose response headers were kept; a pre-flight
// never a token, userinfo or API step; a mix-up naming another region's
// issuer at the global endpoint; a loop's callback answering the last
// repeat's state.
func TestRealChromiumShapes(t *testing.T) {
	var b browser
	b.add("GET", authorizeURL(global), 302, loc("/Account/Login?ReturnUrl=x"), framed())
	b.add("GET", global+"/Account/Login?ReturnUrl=x", 200, html("<form>"), framed(), failed("net::ERR_BLOCKED_BY_RESPONSE"))
	failedWith(t, only(t, &b), flow.LoginPage, "ERR_BLOCKED_BY_RESPONSE", "SameOrigin", "top window, a popup or the system browser")

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	b.add("POST", global+"/connect/token", 0, post("grant_type=authorization_code&code=eu.C&code_verifier=V"), req("Origin", "https://app.test"),
		res("Content-Type", "application/json"), failed("net::ERR_FAILED"))
	failedWith(t, only(t, &b), flow.CodeExchange, "blocked the token request", "the code is spent", "Ask HIMSA to add https://app.test")

	b = browser{} // the IdP allowed the origin: status 0 was not CORS
	b.login(global, "code=eu.C&state=S1")
	b.add("POST", global+"/connect/token", 0, post("grant_type=authorization_code&code=eu.C&code_verifier=V"), req("Origin", "https://app.test"),
		res("Access-Control-Allow-Origin", "https://app.test"), failed("net::ERR_FAILED"))
	for _, f := range only(t, &b).Findings {
		if strings.Contains(f.Text, "CORS") {
			t.Errorf("an allowed origin read as CORS: %+v", f)
		}
	}

	b = browser{}
	b.login(global, "code=eu.C&state=S1")
	pre := b.add("OPTIONS", global+"/connect/token", 204, req("Origin", "https://app.test"), res("Access-Control-Allow-Origin", "https://app.test"))
	pre.ResourceType = "preflight"
	b.exchange(global, "eu.C", 200, map[string]string{"access_token": "AT", "id_token": idToken(at(1000))}, "&code_verifier=V")
	b.add("OPTIONS", "https://api-eu.test/me", 204, req("Origin", "https://app.test"), req("Access-Control-Request-Headers", "authorization"))
	b.add("GET", "https://api-eu.test/me", 200, bearer("AT"))
	l := only(t, &b)
	if got := kinds(l); !strings.Contains(got, "cors_preflight exchange") || strings.Count(got, "exchange") != 1 || strings.Count(got, "api") != 1 {
		t.Errorf("steps: %s", got)
	}

	b = browser{} // a global login: the code of us, the iss of eu
	b.login(global, "code=us.C&state=S1&iss="+url.QueryEscape(euIssuer))
	failedWith(t, only(t, &b), flow.Callback, "iss is "+euIssuer, "another IdP answered", "Do not use this login")

	b = browser{}
	for i := range 3 {
		b.add("GET", authorizeURL(global, "state", "S"+itoa(i)), 302, loc(app+"?code=eu.C&state=S"+itoa(i)))
	}
	b.add("GET", app+"?code=eu.C&state=S2", 200, html("<app>"))
	for _, f := range only(t, &b).Findings {
		if strings.Contains(f.Text, "state") {
			t.Errorf("a loop's last state read as another's: %+v", f)
		}
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// HIMSA's culture-lcid (and an older "culture") is read from the authorize
// request; the app's own page after the callback is its step, named.
func TestCultureLCIDAndAppPage(t *testing.T) {
	var b browser
	b.add("GET", authorizeURL(global, "culture-lcid", "1030"), 302, loc(app+"?code=eu.C&state=S1"))
	b.add("GET", app+"?code=eu.C&state=S1", 302, loc("/home"))
	b.add("GET", "https://app.test/home", 200, html("<app>"))
	l := only(t, &b)
	if l.CultureLCID != "1030" {
		t.Errorf("culture-lcid %q", l.CultureLCID)
	}
	if k := kinds(l); !strings.HasSuffix(k, "callback app_page") {
		t.Errorf("steps %q", k)
	}
}
