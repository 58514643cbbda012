package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/sim"
)

// sameBrowser is one scripted browser for several logins, as a user's real
// browser is: it keeps the IdP's SSO cookie. It counts the login pages the
// IdP showed and keeps the authorize URLs it was asked to open.
type sameBrowser struct {
	b       *sim.Browser
	account string

	mu    sync.Mutex
	pages int
	urls  []string
	busy  sync.WaitGroup // logins still running in the browser
}

func newSameBrowser(account string) *sameBrowser {
	sb := &sameBrowser{b: sim.NewBrowser(), account: account}
	sb.b.Client.Transport = sb
	return sb
}

// RoundTrip counts the login pages (GET /login answered 200).
func (sb *sameBrowser) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && req.Method == http.MethodGet && req.URL.Path == "/login" && resp.StatusCode == http.StatusOK {
		sb.mu.Lock()
		sb.pages++
		sb.mu.Unlock()
	}
	return resp, err
}

// open is the Opener: this browser handles every URL.
func (sb *sameBrowser) open(ctx context.Context, u string) error {
	sb.mu.Lock()
	sb.urls = append(sb.urls, u)
	sb.mu.Unlock()
	sb.busy.Go(func() { _, _, _ = sb.b.Login(ctx, u, sb.account) })
	return nil
}

// forget clears the browser's cookies once it has finished showing the
// last page (a login returns as soon as the redirect arrives).
func (sb *sameBrowser) forget() {
	sb.busy.Wait()
	sb.b.Forget()
}

func (sb *sameBrowser) shown() int { sb.mu.Lock(); defer sb.mu.Unlock(); return sb.pages }

func (sb *sameBrowser) opened() []string {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return append([]string(nil), sb.urls...)
}

// firstLogin logs in through the global endpoint with sb.
func firstLogin(t *testing.T, sb *sameBrowser) (*auth.Result, auth.Options) {
	t.Helper()
	o := options(region(t, "global"), sb.open, &recorder{})
	o.Regions = standRegions()
	o.AppHosts = config.AppHosts{config.AppHostDefault: "https://app-{region}.example.com"}
	res, err := auth.Login(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if sb.shown() != 1 {
		t.Fatalf("the first login showed %d login pages, want 1", sb.shown())
	}
	return res, o
}

func query(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestRegionalReloginSilent: HIMSA 2a in the same browser. The IdP's SSO
// session from the global login lets the EU IdP issue a new code with
// prompt=none: no login page, the user is not needed.
func TestRegionalReloginSilent(t *testing.T) {
	acct := account(t, "eu")
	eu, _ := stand.Region("eu")
	sb := newSameBrowser(acct.Email)
	first, o := firstLogin(t, sb)
	rec := &recorder{}
	o.Progress = rec.add

	rel, err := auth.RegionalRelogin(context.Background(), first, o)
	if err != nil {
		t.Fatalf("re-login: %v\n%s", err, rec.text())
	}
	if sb.shown() != 1 {
		t.Errorf("the silent re-login showed a login page (%d pages in all)", sb.shown())
	}
	if rel.UserNeeded() || len(rel.Attempts) != 1 || !rel.Attempts[0].Silent() || rel.Attempts[0].Err != nil || rel.Attempts[0].Duration <= 0 {
		t.Fatalf("attempts %+v", rel.Attempts)
	}
	urls := sb.opened()
	if q := query(t, urls[len(urls)-1]); q.Get("prompt") != "none" || !strings.HasPrefix(urls[len(urls)-1], eu.Issuer+"/") {
		t.Errorf("the silent attempt opened %s", urls[len(urls)-1])
	}
	second := rel.Second
	if rel.Region.Name != "eu" || second.Region.Name != "eu" || second.ExchangedAt.Name != "eu" || second.Issuer != eu.Issuer || !second.Verified() {
		t.Fatalf("second: region %s exchanged at %s iss %s verified %v", second.Region.Name, second.ExchangedAt.Name, second.Issuer, second.Verified())
	}
	if second.Claim("sub") != first.Claim("sub") || second.Claim("tenantid") != acct.TenantID || second.CodeRegion != "eu" || second.AppHost != "https://app-eu.example.com" {
		t.Errorf("second: sub %s tenant %s code %s host %s", second.Claim("sub"), second.Claim("tenantid"), second.CodeRegion, second.AppHost)
	}
	if second.Token.AccessToken == first.Token.AccessToken {
		t.Error("the re-login reused the first session's token")
	}
	story := explain.ReloginStory(rel)
	for _, want := range []string{"to https://app-eu.example.com without exchanging the first code", "signed the user in silently (prompt=none)", "the user saw nothing", "same user"} {
		if !strings.Contains(story, want) {
			t.Errorf("story %q lacks %q", story, want)
		}
	}
}

// TestRegionalReloginFallsBackToInteractive: without the IdP's session (the
// browser forgot its cookies) the EU IdP answers prompt=none with
// login_required at once, and the interactive login shows its page.
func TestRegionalReloginFallsBackToInteractive(t *testing.T) {
	acct := account(t, "eu")
	sb := newSameBrowser(acct.Email)
	first, o := firstLogin(t, sb)
	sb.forget()
	rec := &recorder{}
	o.Progress = rec.add
	o.LoginTimeout = 20 * time.Second

	rel, err := auth.RegionalRelogin(context.Background(), first, o)
	if err != nil {
		t.Fatalf("re-login: %v\n%s", err, rec.text())
	}
	if !rel.UserNeeded() || len(rel.Attempts) != 2 || sb.shown() != 2 {
		t.Fatalf("attempts %+v, %d login pages in all; want the fallback with one more page", rel.Attempts, sb.shown())
	}
	silent, inter := rel.Attempts[0], rel.Attempts[1]
	var ce *auth.CallbackError
	if !errors.As(silent.Err, &ce) || ce.Code != "login_required" {
		t.Fatalf("silent attempt: %v, want login_required", silent.Err)
	}
	if silent.Duration > 5*time.Second {
		t.Errorf("the silent attempt took %s: login_required must end it at once, not at the timeout", silent.Duration)
	}
	if inter.Silent() || inter.Err != nil {
		t.Errorf("interactive attempt %+v", inter)
	}
	urls := sb.opened()
	if q := query(t, urls[len(urls)-1]); q.Has("prompt") {
		t.Errorf("the interactive attempt sent prompt=%s", q.Get("prompt"))
	}
	if rel.Second.Claim("sub") != acct.ID || rel.Second.Region.Name != "eu" || !rel.Second.Verified() {
		t.Errorf("second: sub %s region %s", rel.Second.Claim("sub"), rel.Second.Region.Name)
	}
	if !strings.Contains(rec.text(), "warning: the eu IdP needs the user (login_required: the IdP has no SSO session") {
		t.Errorf("no fallback event:\n%s", rec.text())
	}
	if s := explain.ReloginStory(rel); !strings.Contains(s, "answered prompt=none with login_required") || !strings.Contains(s, "had to log in again on its page") {
		t.Errorf("story %q", s)
	}
}

// TestRegionalReloginSilentNoAnswer: a browser that never comes back from
// the silent attempt (it did not reach the IdP) ends it at the login
// timeout (fired by the test once the browser is lost), then the
// interactive login runs.
func TestRegionalReloginSilentNoAnswer(t *testing.T) {
	acct := account(t, "eu")
	sb := newSameBrowser(acct.Email)
	first, o := firstLogin(t, sb)
	o.LoginTimeout = 3 * time.Second
	timers := useFakeTimers(t)
	o.Open = func(ctx context.Context, u string) error {
		if query(t, u).Get("prompt") == "none" {
			go func() { // lost: the silent attempt's timeout is all that ends it
				for tm := range timers {
					if tm.d == o.LoginTimeout {
						tm.fire()
						return
					}
				}
			}()
			return nil
		}
		return sb.open(ctx, u)
	}
	rel, err := auth.RegionalRelogin(context.Background(), first, o)
	if err != nil {
		t.Fatal(err)
	}
	var te *auth.TimeoutError
	if len(rel.Attempts) != 2 || !errors.As(rel.Attempts[0].Err, &te) || rel.Attempts[1].Err != nil || rel.Second == nil {
		t.Fatalf("attempts %+v", rel.Attempts)
	}
}

func TestReloginTarget(t *testing.T) {
	regions := standRegions()
	for _, tc := range []struct {
		chosen, code, want string
	}{
		{"eu", "eu", "this session logged in at the eu endpoint already"},
		{"global", "", "the code had no region prefix"},
		{"global", "mars", `no configured endpoint serves the code's region "mars"`},
	} {
		_, err := auth.ReloginTarget(&auth.Result{Region: config.Region{Name: tc.chosen}, CodeRegion: tc.code}, regions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s/%s: %v, want %q", tc.chosen, tc.code, err, tc.want)
		}
		if _, err := auth.RegionalRelogin(context.Background(), &auth.Result{Region: config.Region{Name: tc.chosen}, CodeRegion: tc.code}, auth.Options{Regions: regions}); err == nil {
			t.Errorf("%s/%s: RegionalRelogin ran", tc.chosen, tc.code)
		}
	}
	r, err := auth.ReloginTarget(&auth.Result{Region: config.Region{Name: "global"}, CodeRegion: "us"}, regions)
	if us, _ := stand.Region("us"); err != nil || r.Issuer != us.Issuer {
		t.Errorf("target %+v %v", r, err)
	}
}
