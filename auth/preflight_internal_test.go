package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"ssodesk/safe"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// idp is a fake authorize endpoint at /authorize answering with authorize,
// and an error page at /home/error answering with page.
func idp(t *testing.T, authorize, page http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", authorize)
	if page != nil {
		mux.HandleFunc("/home/error", page)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

const testRedirect = "http://127.0.0.1:8765/callback"

func authorizeAt(srv *httptest.Server, scopes string) string {
	return srv.URL + "/authorize?" + url.Values{"client_id": {"my-app"}, "redirect_uri": {testRedirect},
		"response_type": {"code"}, "scope": {scopes}, "state": {"s"}}.Encode()
}

func redirectTo(loc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loc, http.StatusFound) }
}

func TestCheckAuthorizeClassifies(t *testing.T) {
	isPage := `<html><head><title>Error</title><style>.x{}</style></head><body><h1>Error</h1>
<div class="alert alert-danger">Sorry, there was an error <strong><em>: unauthorized_client</em></strong></div>
<div class="request-id">Request Id: 0HMV:00000002</div></body></html>`
	for _, tc := range []struct {
		name      string
		authorize http.HandlerFunc
		page      http.HandlerFunc
		outcome   string
		cause     string
		fact      string // in the Preflight's own fields (explain says them: explain/auth_test.go)
	}{
		{"login page", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "<form>log in</form>") }, nil,
			PreflightAccepted, "", "its login page answered"},
		{"redirect to login", redirectTo("/Account/Login?ReturnUrl=x"), nil, PreflightAccepted, "", "a redirect to its login page /Account/Login"},
		{"redirect to another host", redirectTo("https://login.example/start"), nil, PreflightAccepted, "", "a redirect to login.example, not followed"},
		{"login_required", redirectTo(testRedirect + "?error=login_required&state=s"), nil, PreflightAccepted, "", "login_required without a session"},
		{"invalid_scope to the app", redirectTo(testRedirect + "?error=invalid_scope&error_description=scope+noah.x+not+allowed"), nil,
			PreflightRefused, CauseScope, "noah.x"},
		{"error page without description", redirectTo("/home/error?errorId=abc"), func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, isPage)
		}, PreflightRefused, CauseClientOrRedirect, testRedirect},
		{"400 text", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "The requested redirect_uri is missing in the client configuration.", http.StatusBadRequest)
		}, nil, PreflightRefused, CauseRedirectURI, testRedirect},
		{"json error", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_client","error_description":"unknown client"}`)
		}, nil, PreflightRefused, CauseUnknownClient, "my-app"},
		{"500", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", 500) }, nil, PreflightRefused, CauseOther, "500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := idp(t, tc.authorize, tc.page)
			p := CheckAuthorize(context.Background(), nil, authorizeAt(srv, "openid noah.x"))
			facts := fmt.Sprint(p.Answer, " ", p.Scope, " ", p.ClientID, " ", p.RedirectURI, " ", p.Status)
			if p.Outcome != tc.outcome || p.Cause != tc.cause || !strings.Contains(facts, tc.fact) {
				t.Errorf("outcome %q cause %q facts %q; want %q %q %q", p.Outcome, p.Cause, facts, tc.outcome, tc.cause, tc.fact)
			}
			if tc.page != nil && (p.RequestID != "0HMV:00000002" || p.Message != "Sorry, there was an error : unauthorized_client" || p.Error != "unauthorized_client") {
				t.Errorf("page read as %+v", p)
			}
		})
	}
}

// TestPreflightNeverFollowsToAnotherHost: an error page on another host is
// not fetched, and the error page's own redirect is not followed either.
func TestPreflightNeverFollowsToAnotherHost(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := idp(t, redirectTo(other.URL+"/home/error?errorId=1"), nil)
	p := CheckAuthorize(context.Background(), nil, authorizeAt(srv, "openid"))
	if p.Outcome != PreflightRefused || !strings.Contains(p.Message, "another host") || elsewhere.Load() != 0 {
		t.Errorf("cross-host error page: %+v, %d requests there", p, elsewhere.Load())
	}
	srv = idp(t, redirectTo("/home/error?errorId=2"), redirectTo(other.URL+"/steal"))
	p = CheckAuthorize(context.Background(), nil, authorizeAt(srv, "openid"))
	if p.Outcome != PreflightRefused || elsewhere.Load() != 0 {
		t.Errorf("the error page's redirect was followed: %+v, %d requests there", p, elsewhere.Load())
	}
	srv = idp(t, redirectTo(other.URL+"/login"), nil)
	if p = CheckAuthorize(context.Background(), nil, authorizeAt(srv, "openid")); p.Outcome != PreflightAccepted || elsewhere.Load() != 0 {
		t.Errorf("a redirect to another host's login was followed: %+v", p)
	}
}

// TestPreflightSendsNoCookie: neither a cookie the IdP sets nor one in the
// caller's jar goes with the pre-flight's requests.
func TestPreflightSendsNoCookie(t *testing.T) {
	var cookies atomic.Int32
	check := func(r *http.Request) {
		if len(r.Cookies()) > 0 || r.Header.Get("Cookie") != "" {
			cookies.Add(1)
		}
	}
	srv := idp(t, func(w http.ResponseWriter, r *http.Request) {
		check(r)
		http.SetCookie(w, &http.Cookie{Name: "idsrv.session", Value: "x", Path: "/"})
		http.Redirect(w, r, "/home/error?errorId=1", http.StatusFound)
	}, func(w http.ResponseWriter, r *http.Request) {
		check(r)
		io.WriteString(w, "Sorry, there was an error")
	})
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "idsrv", Value: "session-of-the-user", Path: "/"}})
	client := &http.Client{Jar: jar}
	p := CheckAuthorize(context.Background(), client, authorizeAt(srv, "openid"))
	if p.Outcome != PreflightRefused || cookies.Load() != 0 {
		t.Errorf("outcome %q; %d requests carried a cookie", p.Outcome, cookies.Load())
	}
	if client.CheckRedirect != nil || client.Jar != jar {
		t.Error("the caller's client was changed")
	}
}

// countingReader counts what is read from it.
type countingReader struct {
	n int64
	r io.Reader
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestPreflightReadsAtMost256KB: an error page is read to MaxErrorPage and
// no further, so a Request Id beyond it is not seen.
func TestPreflightReadsAtMost256KB(t *testing.T) {
	cr := &countingReader{r: strings.NewReader(strings.Repeat("x", 10<<20))}
	b, _ := readCapped(cr, MaxErrorPage)
	if len(b) != MaxErrorPage || cr.n > MaxErrorPage {
		t.Errorf("read %d bytes (kept %d), want at most %d", cr.n, len(b), MaxErrorPage)
	}
	var written atomic.Int64
	srv := idp(t, redirectTo("/home/error?errorId=1"), func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("Sorry ", 1000))
		for range 200 { // 1.2 MB, then the Request Id
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
		io.WriteString(w, "Request Id: TOO-FAR")
	})
	p := CheckAuthorize(context.Background(), nil, authorizeAt(srv, "openid"))
	if p.Outcome != PreflightRefused || p.RequestID != "" || len([]rune(p.Message)) > 400 {
		t.Errorf("page beyond 256 KB read: request id %q, message of %d runes", p.RequestID, len([]rune(p.Message)))
	}
}

// TestPreflightPageIsPrintable: an error page's control characters never
// reach the message.
func TestPreflightPageIsPrintable(t *testing.T) {
	srv := idp(t, redirectTo("/home/error?errorId=1"), func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "Sorry\x1b[2J\x1b]52;c;evil\x07 \u202eerror\x9b31m. Request Id: R1\x1b[0m")
	})
	p := CheckAuthorize(context.Background(), nil, authorizeAt(srv, "openid"))
	for _, s := range []string{p.Message, p.RequestID, p.Error, p.Description} {
		if safe.Printable(s) != s {
			t.Errorf("not printable: %q", s)
		}
	}
	if p.RequestID != "R1" {
		t.Errorf("request id %q", p.RequestID)
	}
}

func TestPreflightNetworkFailure(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	p := CheckAuthorize(context.Background(), nil, addr+"/authorize?client_id=x")
	if p.Outcome != PreflightFailed || p.Err == nil || !strings.Contains(p.Reason, "connection refused") {
		t.Errorf("%+v: %s", p, p.Reason)
	}
}

func TestNamedScope(t *testing.T) {
	for text, want := range map[string]string{
		"Invalid scope: the client may not request noah.x.":  "noah.x",
		"scope noah.x.y is unknown":                          "",
		"invalid_scope":                                      "",
		"offline_access is not allowed for this client":      "offline_access",
		"scopes openid noah.x requested; noah.x not allowed": "noah.x",
	} {
		if got := namedScope(text, []string{"openid", "noah.x", "offline_access"}); got != want {
			t.Errorf("namedScope(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestStillWaitingHint: without a callback, the login says what to check
// once the hint's timer (of WaitHintAfter) fires, and stops that timer when
// it ends; the event carries the pre-flight and the wait, which
// explain.EventMsg turns into the checklist. The test fires the timer.
func TestStillWaitingHint(t *testing.T) {
	s := simtest.Start(t, sim.Options{Regions: []string{sim.GlobalRegion}})
	var hintTimer *time.Timer
	const timeout = 10 * time.Minute // never reached: the test ends the login
	SetAfterFunc(t, func(d time.Duration, f func()) *time.Timer {
		timer := time.AfterFunc(time.Hour, func() {}) // what the login stops
		switch d {
		case WaitHintAfter:
			hintTimer = timer
			f() // the wait has lasted d
		case timeout:
		default:
			t.Errorf("a timer of %v", d)
		}
		return timer
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var hints []Event
	r, _ := s.Region(sim.GlobalRegion)
	_, err := Login(ctx, Options{Region: config.Region{Name: r.Name, Issuer: r.Issuer}, ClientID: s.ClientID(),
		RedirectURI: config.DefaultRedirectURI, Scopes: config.DefaultScopes(), LoginTimeout: timeout,
		Open: func(context.Context, string) error { return nil },
		Progress: func(ev Event) {
			if ev.Step == StepStillWaiting {
				mu.Lock()
				hints = append(hints, ev)
				mu.Unlock()
				cancel() // the person gives up after reading the hint
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the login cancelled after the hint", err)
	}
	if hintTimer == nil {
		t.Fatalf("no timer of %v for the hint", WaitHintAfter)
	}
	if hintTimer.Stop() {
		t.Error("the login ended without stopping the hint's timer")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hints) != 1 || hints[0].Waited != WaitHintAfter || hints[0].Pasting || hints[0].Preflight == nil ||
		hints[0].Preflight.Outcome != PreflightAccepted || !strings.Contains(hints[0].Msg, "no login response after") {
		t.Errorf("hints = %+v", hints)
	}
}

// FuzzErrorPage: whatever an IdP's error page holds, what the pre-flight
// takes from it is printable, on one line and bounded.
func FuzzErrorPage(f *testing.F) {
	f.Add("text/html", []byte(`<div class="alert">Sorry, there was an error <em>: unauthorized_client</em></div><div>Request Id: 0HM:1</div>`))
	f.Add("application/json", []byte(`{"error":"invalid_scope","error_description":"scope \u009b x"}`))
	f.Add("text/plain", []byte("Request Id\x1b[2J: \x9b1m redirect_uri"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		p := &Preflight{Scopes: []string{"openid", "noah.x"}}
		p.readPage(contentType, body)
		p.Cause, p.Scope = causeOf(p.Error, p.Error+" "+p.Description+" "+p.Message, p.Scopes)
		for _, s := range []string{p.Message, p.RequestID, p.Error, p.Description, p.Scope} {
			if safe.Printable(s) != s || strings.ContainsAny(s, "\n\r\t") {
				t.Fatalf("not printable on one line: %q", s)
			}
		}
		if len([]rune(p.Message)) > 400 {
			t.Fatalf("message of %d runes", len([]rune(p.Message)))
		}
	})
}

// TestPreflightNetworkFailureLoginGoesOn: when the pre-flight gets no
// answer, the login says so and opens the browser anyway.
func TestPreflightNetworkFailureLoginGoesOn(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"issuer":"`+srv.URL+`","authorization_endpoint":"`+deadURL+`/authorize","token_endpoint":"`+srv.URL+`/token","jwks_uri":"`+srv.URL+`/keys"}`)
	}))
	defer srv.Close()
	var opened atomic.Int32
	var mu sync.Mutex
	var pre []Event
	_, err := Login(context.Background(), Options{Region: config.Region{Name: "x", Issuer: srv.URL}, ClientID: "my-app",
		RedirectURI: config.DefaultRedirectURI, Scopes: []string{"openid"}, LoginTimeout: 200 * time.Millisecond,
		Open: func(context.Context, string) error { opened.Add(1); return nil },
		Progress: func(ev Event) {
			if ev.Step == StepPreflight {
				mu.Lock()
				pre = append(pre, ev)
				mu.Unlock()
			}
		}})
	var te *TimeoutError
	if !errors.As(err, &te) || opened.Load() != 1 {
		t.Fatalf("err = %v, opened %d times; want a timeout after the browser opened", err, opened.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pre) != 1 || pre[0].Err == nil || pre[0].Preflight == nil || pre[0].Preflight.Outcome != PreflightFailed ||
		!strings.Contains(pre[0].Preflight.Reason, "connection refused") {
		t.Errorf("pre-flight events %+v", pre)
	}
}
