package sim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// shared is the sim most tests use (default options).
var shared *Sim

func TestMain(m *testing.M) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting sim:", err)
		os.Exit(1)
	}
	shared = s
	code := m.Run()
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "closing sim:", err)
		code = 1
	}
	cancel()
	os.Exit(code)
}

// testCtx returns a context that ends with the test (and after 10 s).
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// region returns the named region of s or fails the test.
func region(t *testing.T, s *Sim, name string) Region {
	t.Helper()
	r, ok := s.Region(name)
	if !ok {
		t.Fatalf("region %q not found", name)
	}
	return r
}

// accountIn returns the first demo account of region.
func accountIn(t *testing.T, s *Sim, regionName string) Account {
	t.Helper()
	for _, a := range s.Accounts() {
		if a.Region == regionName {
			return a
		}
	}
	t.Fatalf("no account in region %s", regionName)
	return Account{}
}

// callbackServer starts a loopback "app" that echoes the query string of the
// redirect it receives, so Browser.Login returns it as the body.
func callbackServer(t *testing.T, path string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, r.URL.RawQuery)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + path
}

// oauthConfig is the app's OAuth2 configuration for endpoint r.
func oauthConfig(s *Sim, r Region, redirect string, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    s.ClientID(),
		RedirectURL: redirect,
		Scopes:      scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   r.AuthorizeURL(),
			TokenURL:  r.TokenURL(),
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// loginResult is what the app holds after the browser part of a login.
type loginResult struct {
	conf     *oauth2.Config
	code     string
	state    string
	nonce    string
	verifier string
}

// browserLogin runs the authorize + login page part of the code flow at
// endpoint r for account, and returns the code the app's callback received.
func browserLogin(t *testing.T, s *Sim, r Region, account string, scopes []string, extra ...oauth2.AuthCodeOption) loginResult {
	t.Helper()
	ctx := testCtx(t)
	res := loginResult{
		conf:     oauthConfig(s, r, callbackServer(t, "/callback"), scopes...),
		state:    "st-" + newID()[:8],
		nonce:    "n-" + newID()[:8],
		verifier: oauth2.GenerateVerifier(),
	}
	opts := append([]oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(res.verifier),
		oauth2.SetAuthURLParam("nonce", res.nonce),
	}, extra...)
	authURL := res.conf.AuthCodeURL(res.state, opts...)
	status, body, err := NewBrowser().Login(ctx, authURL, account)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if status != http.StatusOK {
		t.Fatalf("callback status %d: %s", status, body)
	}
	q, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("callback query %q: %v", body, err)
	}
	if q.Get("state") != res.state {
		t.Fatalf("state = %q, want %q (callback %q)", q.Get("state"), res.state, body)
	}
	res.code = q.Get("code")
	if res.code == "" {
		t.Fatalf("no code in callback %q", body)
	}
	return res
}

// exchange trades the code at endpoint r (which may differ from the one the
// login ran at).
func (l loginResult) exchange(ctx context.Context, r Region) (*oauth2.Token, error) {
	conf := *l.conf
	conf.Endpoint.TokenURL = r.TokenURL()
	return conf.Exchange(ctx, l.code, oauth2.VerifierOption(l.verifier))
}

// apiGet calls the stand-in API with an optional bearer token.
func apiGet(t *testing.T, url, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// wantContains fails unless s contains every sub.
func wantContains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q:\n%s", what, sub, s)
		}
	}
}
