package sim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// noRedirect is an HTTP client that returns redirects instead of following.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// loginPageFor runs /authorize at r and returns the login page response.
func loginPageFor(t *testing.T, r Region, params url.Values) (*http.Response, string) {
	t.Helper()
	q := url.Values{
		"client_id":             {shared.ClientID()},
		"response_type":         {"code"},
		"scope":                 {"openid"},
		"redirect_uri":          {"http://127.0.0.1:41234/callback"},
		"state":                 {"s1"},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())},
		"code_challenge_method": {"S256"},
	}
	for k, v := range params {
		q[k] = v
	}
	resp, err := NewBrowser().Client.Get(r.AuthorizeURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestLoginPageListsAccountsByEndpoint(t *testing.T) {
	eu, global := region(t, shared, "eu"), region(t, shared, GlobalRegion)

	resp, body := loginPageFor(t, eu, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("eu login page: %d %s", resp.StatusCode, body)
	}
	if resp.Request.URL.Host != strings.TrimPrefix(eu.Issuer, "http://") || resp.Request.URL.Path != "/login" {
		t.Errorf("login page served at %s, want the eu host", resp.Request.URL)
	}
	wantContains(t, "eu page", body, "HIMSA SSO (stand-in) — eu", `<form method="post" action="/login">`, `name="authRequestID"`, `name="cancel" value="1"`)
	form, err := parseLoginForm(body, resp.Request.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range shared.Accounts() {
		listed := strings.Contains(body, `value="`+a.ID+`"`)
		if listed != (a.Region == "eu") {
			t.Errorf("eu page lists %s (%s): %v", a.Email, a.Region, listed)
		}
	}
	if len(form.accounts) < 2 {
		t.Errorf("eu page offers %d accounts, want at least 2", len(form.accounts))
	}

	resp, body = loginPageFor(t, global, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("global login page: %d %s", resp.StatusCode, body)
	}
	form, err = parseLoginForm(body, resp.Request.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(form.accounts) != len(shared.Accounts()) {
		t.Errorf("global page offers %d accounts, want all %d", len(form.accounts), len(shared.Accounts()))
	}
	if got := resp.Header.Get("X-Frame-Options"); got != "SameOrigin" {
		t.Errorf("X-Frame-Options = %q", got)
	}
}

func TestLoginPageCultureLCID(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	_, body := loginPageFor(t, global, url.Values{"culture-lcid": {"1030"}, "forcechoose": {"true"}})
	wantContains(t, "page", body, "Language: da-DK (1030)", "forcechoose")
	_, body = loginPageFor(t, global, url.Values{"culture-lcid": {"xyz"}})
	wantContains(t, "page", body, "unknown LCID")
	_, body = loginPageFor(t, global, nil)
	if strings.Contains(body, "Language:") {
		t.Error("language shown without culture-lcid")
	}
}

func TestDescribeLCID(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "1033": "en-US (1033)", "1030": "da-DK (1030)", "1031": "de-DE (1031)",
		"1053": "sv-SE (1053)", "1044": "nb-NO (1044)", "1036": "LCID 1036",
		"-5": `unknown LCID ("-5")`, "da": `unknown LCID ("da")`, "99999999": `unknown LCID ("99999999")`,
	} {
		if got := describeLCID(in); got != want {
			t.Errorf("describeLCID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestXFrameOptionsEverywhere(t *testing.T) {
	for _, r := range shared.Regions() {
		for _, path := range []string{"/.well-known/openid-configuration", "/keys", "/login?authRequestID=nope", "/no-such-page", "/oauth/token"} {
			resp, err := noRedirect.Get(r.Issuer + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("X-Frame-Options"); got != "SameOrigin" {
				t.Errorf("%s%s: X-Frame-Options = %q", r.Name, path, got)
			}
		}
	}
}

func TestLoginPageBadRequests(t *testing.T) {
	eu := region(t, shared, "eu")
	for _, tc := range []struct {
		name   string
		method string
		path   string
		form   url.Values
	}{
		{"unknown id", http.MethodGet, "/login?authRequestID=does-not-exist", nil},
		{"missing id", http.MethodGet, "/login", nil},
		{"post unknown id", http.MethodPost, "/login", url.Values{"authRequestID": {"nope"}, "account": {accountIn(t, shared, "eu").ID}}},
		{"post no id", http.MethodPost, "/login", url.Values{"cancel": {"1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			var err error
			if tc.method == http.MethodGet {
				resp, err = noRedirect.Get(eu.Issuer + tc.path)
			} else {
				resp, err = noRedirect.PostForm(eu.Issuer+tc.path, tc.form)
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400: %s", resp.StatusCode, body)
			}
		})
	}

	// A regional page refuses an account of another region and requests
	// created at another endpoint.
	resp, body := loginPageFor(t, eu, nil)
	form, err := parseLoginForm(body, resp.Request.URL)
	if err != nil {
		t.Fatal(err)
	}
	id := form.hidden.Get("authRequestID")
	r, err := noRedirect.PostForm(eu.Issuer+"/login", url.Values{"authRequestID": {id}, "account": {accountIn(t, shared, "us").ID}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("us account at eu page: status %d, want 400", r.StatusCode)
	}
	us := region(t, shared, "us")
	r, err = noRedirect.Get(us.Issuer + "/login?authRequestID=" + id)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("eu auth request on us page: status %d, want 400", r.StatusCode)
	}
}

func TestCancel(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	conf := oauthConfig(shared, global, callbackServer(t, "/callback"), "openid")
	authURL := conf.AuthCodeURL("cancel-state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	status, body, err := NewBrowser().Cancel(testCtx(t), authURL)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(body)
	if status != http.StatusOK || q.Get("error") != "access_denied" || q.Get("state") != "cancel-state" || q.Get("error_description") == "" {
		t.Errorf("callback got %d %q, want error=access_denied with state", status, body)
	}
}

func TestRedirectURIs(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	// Registered exactly, any port on loopback (RFC 8252 §7.3); another
	// path, host, scheme or query is refused on the error page.
	for uri, ok := range map[string]bool{
		"http://127.0.0.1:41234/callback":     true,
		"http://localhost:8765/callback":      true,
		"http://[::1]:5000/callback":          true,
		"http://127.0.0.1/callback":           true,
		"http://localhost:8765/auth/callback": false,
		"http://127.0.0.1:5000":               false,
		"http://127.0.0.1:5000/callback/":     false,
		"http://127.0.0.1:5000/callback?x=1":  false,
		"http://127.0.0.2:5000/callback":      false,
		"https://127.0.0.1:5000/callback":     false,
		"http://example.com/callback":         false,
		"https://evil.example:443/cb":         false,
	} {
		resp, body := loginPageFor(t, global, url.Values{"redirect_uri": {uri}})
		got := resp.StatusCode == http.StatusOK && resp.Request.URL.Path == "/login"
		if got != ok {
			t.Errorf("redirect_uri %s: accepted=%v, want %v (%d %.200s)", uri, got, ok, resp.StatusCode, body)
		}
		if !ok && (resp.Request.URL.Path != errorPath || !strings.Contains(body, "Invalid redirect_uri")) {
			t.Errorf("redirect_uri %s: ended at %s, want the error page: %.300s", uri, resp.Request.URL, body)
		}
	}
}

func TestBrowserErrors(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	conf := oauthConfig(shared, global, callbackServer(t, "/callback"), "openid")
	authURL := conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	if _, _, err := NewBrowser().Login(testCtx(t), authURL, "nobody@example.com"); err == nil || !strings.Contains(err.Error(), "not offered") {
		t.Errorf("unknown account: err = %v", err)
	}
	conf.RedirectURL = "http://example.com/cb"
	if _, _, err := NewBrowser().Login(testCtx(t), conf.AuthCodeURL("s"), ""); err == nil || !strings.Contains(err.Error(), "error page") ||
		!strings.Contains(err.Error(), "Invalid redirect_uri") {
		t.Errorf("bad redirect: err = %v", err)
	}
	if _, _, err := NewBrowser().Login(testCtx(t), global.Issuer+"/.well-known/openid-configuration", ""); err == nil || !strings.Contains(err.Error(), "no login form") {
		t.Errorf("no form: err = %v", err)
	}
}
