package sim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// pageRecorder is an http.RoundTripper that counts the login pages the IdP
// shows (GET /login answered 200) and keeps the Set-Cookie headers.
type pageRecorder struct {
	next http.RoundTripper

	mu         sync.Mutex
	loginPages int
	setCookies []string
}

func (p *pageRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := p.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if req.Method == http.MethodGet && req.URL.Path == loginPath && resp.StatusCode == http.StatusOK {
		p.loginPages++
	}
	p.setCookies = append(p.setCookies, resp.Header.Values("Set-Cookie")...)
	return resp, nil
}

// pages returns the number of login pages shown so far.
func (p *pageRecorder) pages() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.loginPages
}

// recordingBrowser is a NewBrowser whose traffic a pageRecorder watches.
func recordingBrowser() (*Browser, *pageRecorder) {
	b := NewBrowser()
	rec := &pageRecorder{next: http.DefaultTransport}
	b.Client.Transport = rec
	return b, rec
}

// ssoLogin runs an authorize request at r with b (extra authorize
// parameters in params), picking account if a page is shown. It returns the
// callback query, what the app needs to exchange a code, and whether the
// login page was shown.
func ssoLogin(t *testing.T, b *Browser, rec *pageRecorder, r Region, account string, params url.Values) (url.Values, loginResult, bool) {
	t.Helper()
	l := loginResult{
		conf:     oauthConfig(shared, r, callbackServer(t, "/callback"), "openid", APIScope),
		state:    "st-" + newID()[:8],
		nonce:    "n-" + newID()[:8],
		verifier: oauth2.GenerateVerifier(),
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(l.verifier), oauth2.SetAuthURLParam("nonce", l.nonce)}
	for k, v := range params {
		opts = append(opts, oauth2.SetAuthURLParam(k, v[0]))
	}
	before := rec.pages()
	status, body, err := b.Login(testCtx(t), l.conf.AuthCodeURL(l.state, opts...), account)
	if err != nil {
		t.Fatalf("login at %s %v: %v", r.Name, params, err)
	}
	q, err := url.ParseQuery(body)
	if status != http.StatusOK || err != nil {
		t.Fatalf("callback %d %q: %v", status, body, err)
	}
	if q.Get("state") != l.state {
		t.Errorf("state = %q, want %q", q.Get("state"), l.state)
	}
	l.code = q.Get("code")
	return q, l, rec.pages() > before
}

// ssoSubject exchanges the code of l at r and returns the verified ID token.
func ssoSubject(t *testing.T, l loginResult, r Region) *oidc.IDToken {
	t.Helper()
	if l.code == "" {
		t.Fatal("no code")
	}
	tok, err := l.exchange(testCtx(t), r)
	if err != nil {
		t.Fatalf("exchange at %s: %v", r.Name, err)
	}
	idt, _ := verifyIDToken(t, shared, r, tok, l.nonce)
	return idt
}

// authTime returns the auth_time claim of idt.
func authTime(t *testing.T, idt *oidc.IDToken) int64 {
	t.Helper()
	var c struct {
		AuthTime int64 `json:"auth_time"`
	}
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return c.AuthTime
}

// chooserPage GETs authURL-like parameters at r with b and returns the page.
func chooserPage(t *testing.T, b *Browser, r Region, params url.Values) string {
	t.Helper()
	q := url.Values{
		"client_id": {shared.ClientID()}, "response_type": {"code"}, "scope": {"openid"},
		"redirect_uri": {"http://127.0.0.1:41234/callback"}, "state": {"s"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())}, "code_challenge_method": {"S256"},
	}
	for k, v := range params {
		q[k] = v
	}
	resp, err := b.Client.Get(r.AuthorizeURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != loginPath {
		t.Fatalf("no login page: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return string(body)
}

func TestSSOSession(t *testing.T) {
	global, eu, us := region(t, shared, GlobalRegion), region(t, shared, "eu"), region(t, shared, "us")
	var eus []Account
	for _, a := range shared.Accounts() {
		if a.Region == "eu" {
			eus = append(eus, a)
		}
	}
	acc1, acc2, usAcc := eus[0], eus[1], accountIn(t, shared, "us")
	b, rec := recordingBrowser()

	// First login: the page, then a session cookie.
	_, l, shown := ssoLogin(t, b, rec, global, acc1.ID, nil)
	if !shown {
		t.Fatal("first login showed no login page")
	}
	first := ssoSubject(t, l, global)
	if first.Subject != acc1.ID {
		t.Fatalf("sub %q, want %q", first.Subject, acc1.ID)
	}
	var cookie string
	for _, c := range rec.setCookies {
		if strings.HasPrefix(c, sessionCookie+"=") {
			cookie = c
		}
	}
	wantContains(t, "Set-Cookie", cookie, "HttpOnly", "SameSite=Lax", "Path=/")
	if cookie == "" || strings.Contains(cookie, acc1.ID) || strings.Contains(cookie, acc1.Email) {
		t.Errorf("session cookie %q: want an opaque value", cookie)
	}

	// Second login: silent, same sub and auth_time, even when the caller
	// names another account.
	_, l, shown = ssoLogin(t, b, rec, global, acc2.ID, nil)
	if shown {
		t.Error("second login showed the login page; want a silent SSO login")
	}
	second := ssoSubject(t, l, global)
	if second.Subject != acc1.ID || authTime(t, second) != authTime(t, first) || authTime(t, first) == 0 {
		t.Errorf("silent login: sub %q auth_time %d, want %q %d", second.Subject, authTime(t, second), acc1.ID, authTime(t, first))
	}

	// forcechoose (any value), prompt=select_account and prompt=login show
	// the chooser with the session's account marked.
	for _, p := range []url.Values{{"forcechoose": {""}}, {"forcechoose": {"1"}}, {"prompt": {"select_account"}}, {"prompt": {"login"}}} {
		page := chooserPage(t, b, global, p)
		wantContains(t, "chooser "+p.Encode(), page, "Choose an account (forcechoose)", "signed in")
		if i, j := strings.Index(page, `value="`+acc1.ID+`"`), strings.Index(page, "signed in"); i < 0 || j < i || j > i+300 {
			t.Errorf("chooser %s: %q not marked signed in", p.Encode(), acc1.Email)
		}
	}
	if page := chooserPage(t, NewBrowser(), global, nil); strings.Contains(page, "Choose an account (forcechoose)") || strings.Contains(page, "signed in") {
		t.Error("plain login page without a session has the chooser note or a signed-in account")
	}

	// Switch account with forcechoose: new sub; the session follows.
	_, l, shown = ssoLogin(t, b, rec, global, acc2.ID, url.Values{"forcechoose": {"true"}})
	if !shown {
		t.Error("forcechoose showed no page")
	}
	if sub := ssoSubject(t, l, global).Subject; sub != acc2.ID {
		t.Errorf("after forcechoose sub %q, want %q", sub, acc2.ID)
	}
	_, l, shown = ssoLogin(t, b, rec, global, "", url.Values{"prompt": {"none"}})
	if shown {
		t.Error("prompt=none showed a page")
	}
	if sub := ssoSubject(t, l, global).Subject; sub != acc2.ID {
		t.Errorf("prompt=none with session: sub %q, want %q", sub, acc2.ID)
	}

	// A regional endpoint: silent for its own region's account.
	_, l, shown = ssoLogin(t, b, rec, eu, "", nil)
	if shown {
		t.Error("eu endpoint with an eu session showed the page")
	}
	if sub := ssoSubject(t, l, eu).Subject; sub != acc2.ID {
		t.Errorf("eu silent sub %q, want %q", sub, acc2.ID)
	}
	// Another region's endpoint: login_required with prompt=none, else
	// the page.
	q, _, shown := ssoLogin(t, b, rec, us, "", url.Values{"prompt": {"none"}})
	if shown || q.Get("error") != "login_required" || q.Get("code") != "" {
		t.Errorf("us prompt=none with an eu session: shown %v, callback %v; want error=login_required", shown, q)
	}
	_, l, shown = ssoLogin(t, b, rec, us, usAcc.ID, nil)
	if !shown {
		t.Error("us endpoint with an eu session showed no page")
	}
	if sub := ssoSubject(t, l, us).Subject; sub != usAcc.ID {
		t.Errorf("us sub %q, want %q", sub, usAcc.ID)
	}

	// Cancel clears nothing.
	conf := oauthConfig(shared, global, callbackServer(t, "/callback"), "openid")
	if _, body, err := b.Cancel(testCtx(t), conf.AuthCodeURL("c", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("forcechoose", "1"))); err != nil || !strings.Contains(body, "access_denied") {
		t.Fatalf("cancel: %q %v", body, err)
	}
	if _, _, err := b.Cancel(testCtx(t), conf.AuthCodeURL("c", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); err == nil || !strings.Contains(err.Error(), "nothing to cancel") {
		t.Errorf("Cancel on a silent login: %v", err)
	}
	_, l, shown = ssoLogin(t, b, rec, global, "", nil)
	if shown {
		t.Error("login after cancel showed the page")
	}
	if sub := ssoSubject(t, l, global).Subject; sub != usAcc.ID {
		t.Errorf("after cancel sub %q, want %q", sub, usAcc.ID)
	}

	// Forget: a fresh browser has no session.
	b.Forget()
	q, _, shown = ssoLogin(t, b, rec, global, "", url.Values{"prompt": {"none"}})
	if shown || q.Get("error") != "login_required" || q.Get("code") != "" || q.Get("error_description") == "" {
		t.Errorf("prompt=none after Forget: shown %v callback %v; want error=login_required", shown, q)
	}
	if _, _, shown = ssoLogin(t, b, rec, global, "", nil); !shown {
		t.Error("login after Forget showed no page")
	}
}
