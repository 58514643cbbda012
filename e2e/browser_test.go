package e2e

// Real-browser tests of the login: ssodesk's auth.Login opens $BROWSER, which
// is e2e/chromebrowser driving a headless Debian Chromium through the sim's
// login page back to the loopback redirect.
//
// Environment:
//
//	SSODESK_REQUIRE_E2E=1     fail instead of skip when Chromium is missing
//	CHROMEBROWSER_CHROMIUM    the Chromium binary (default /usr/bin/chromium)
//	SSODESK_E2E_SCREENSHOT    keep the PNG of the success page at this path
//	                          (default: a temporary file that is only checked)

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
)

// requireTool skips the test when the external program name is not available
// at path ("" = not found; otherwise it must be an executable file, or a name
// on $PATH), or fails it when SSODESK_REQUIRE_E2E=1 (CI sets it, so a missing
// tool cannot turn the end-to-end tests into silent skips).
func requireTool(t *testing.T, name, path string) {
	t.Helper()
	var reason string
	if path == "" {
		reason = name + " is not installed (not found)"
	} else if _, err := exec.LookPath(path); err != nil {
		reason = fmt.Sprintf("%s is not usable at %s: %v", name, path, err)
	}
	if reason == "" {
		return
	}
	if require, _ := strconv.ParseBool(os.Getenv("SSODESK_REQUIRE_E2E")); require {
		t.Fatalf("%s; SSODESK_REQUIRE_E2E is set, so this end-to-end test must run", reason)
	}
	t.Skipf("skipping: %s (set SSODESK_REQUIRE_E2E=1 to make this a failure)", reason)
}

// Defaults of the Chromium tests.
const (
	chromiumDefaultPath = "/usr/bin/chromium"
	// chromiumTimeout bounds one login through Chromium. A login takes a
	// few seconds; Chromium's start is slow on small machines.
	chromiumTimeout = 60 * time.Second
)

// chromiumPath is the Chromium binary the tests use.
func chromiumPath() string {
	if p := os.Getenv("CHROMEBROWSER_CHROMIUM"); p != "" {
		return p
	}
	return chromiumDefaultPath
}

// chromeBrowserOutcome is the JSON that chromebrowser writes to
// $CHROMEBROWSER_OUT.
type chromeBrowserOutcome struct {
	LoginPageURL  string `json:"login_page_url"`
	LoginPageText string `json:"login_page_text"`
	Clicked       string `json:"clicked"`
	FinalURL      string `json:"final_url"`
	FinalText     string `json:"final_text"`
	Error         string `json:"error"`
}

// chromiumFixture is what every Chromium login test shares.
type chromiumFixture struct {
	browser string // the built chromebrowser
	sim     *sim.Sim
}

// newChromiumFixture checks for Chromium, builds chromebrowser and starts a
// sim for the test.
func newChromiumFixture(t *testing.T) *chromiumFixture {
	t.Helper()
	path := chromiumPath()
	requireTool(t, "chromium", path)
	fx := &chromiumFixture{browser: goBuild(t, "./e2e/chromebrowser", "chromebrowser")}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		cancel()
		t.Fatalf("starting the sim: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(); cancel() })
	fx.sim = s
	return fx
}

// region is the sim's region called name.
func (fx *chromiumFixture) region(t *testing.T, name string) sim.Region {
	t.Helper()
	r, ok := fx.sim.Region(name)
	if !ok {
		t.Fatalf("the sim has no region %q", name)
	}
	return r
}

// accounts are the sim's accounts in region name.
func (fx *chromiumFixture) accounts(t *testing.T, name string) []sim.Account {
	t.Helper()
	var out []sim.Account
	for _, a := range fx.sim.Accounts() {
		if a.Region == name {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		t.Fatalf("the sim has no account in %s", name)
	}
	return out
}

// chromiumLogin is one login to run through Chromium.
type chromiumLogin struct {
	region      string // sim region whose endpoint to log in at
	account     string // CHROMEBROWSER_ACCOUNT: e-mail, "" (first) or "cancel"
	cultureLCID int
	screenshot  string // CHROMEBROWSER_SCREENSHOT; "" = none
}

// chromiumLoginRun is the outcome of a chromiumLogin.
type chromiumLoginRun struct {
	res     *auth.Result
	err     error
	authURL string               // the URL ssodesk gave the browser
	page    chromeBrowserOutcome // what the browser showed
	events  string               // ssodesk's progress events
}

// login runs auth.Login with auth.OpenBrowser and $BROWSER = chromebrowser,
// then waits for chromebrowser's report (written after Chromium has exited),
// so no browser outlives the test.
func (fx *chromiumFixture) login(t *testing.T, l chromiumLogin) chromiumLoginRun {
	t.Helper()
	r := fx.region(t, l.region)
	out := filepath.Join(t.TempDir(), "chromebrowser.json")
	t.Setenv("BROWSER", fx.browser)
	t.Setenv("CHROMEBROWSER_CHROMIUM", chromiumPath())
	t.Setenv("CHROMEBROWSER_ACCOUNT", l.account)
	t.Setenv("CHROMEBROWSER_OUT", out)
	t.Setenv("CHROMEBROWSER_SCREENSHOT", l.screenshot)
	reported := notifySocket(t) // chromebrowser connects once its report is written

	var (
		mu     sync.Mutex
		events strings.Builder
	)
	progress := func(ev auth.Event) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&events, "%s  %s: %s\n", time.Now().Format("15:04:05.000"), ev.Step, ev.Msg)
	}
	// opened reports the result of auth.OpenBrowser, so the test knows
	// whether a chromebrowser is running that it must wait for.
	type opened struct {
		url string
		err error
	}
	openedCh := make(chan opened, 1)
	open := func(ctx context.Context, u string) error {
		err := auth.OpenBrowser(ctx, u)
		openedCh <- opened{u, err}
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	start := time.Now()
	type loginResult struct {
		res *auth.Result
		err error
	}
	loginCh := make(chan loginResult, 1)
	go func() {
		res, err := auth.Login(ctx, auth.Options{
			Region:       config.Region{Name: r.Name, Issuer: r.Issuer},
			ClientID:     fx.sim.ClientID(),
			RedirectURI:  config.DefaultRedirectURI,
			Scopes:       config.DefaultScopes(),
			CultureLCID:  l.cultureLCID,
			LoginTimeout: chromiumTimeout,
			Open:         open,
			Progress:     progress,
		})
		loginCh <- loginResult{res, err}
	}()
	eventLog := func() string {
		mu.Lock()
		defer mu.Unlock()
		return events.String()
	}

	// Until the browser is opened, only the login can end.
	var (
		run       chromiumLoginRun
		loginDone bool
		o         opened
	)
	select {
	case o = <-openedCh:
	case lr := <-loginCh:
		run.res, run.err, loginDone = lr.res, lr.err, true
		select {
		case o = <-openedCh:
		case <-time.After(2 * time.Second):
			// Login ended before it opened the browser (discovery failed, say).
			t.Fatalf("the browser was never opened; login error: %v\nevents:\n%s", run.err, eventLog())
		}
	}
	run.authURL = o.url
	if o.err != nil {
		cancel()
		if !loginDone {
			<-loginCh
		}
		t.Fatalf("auth.OpenBrowser with $BROWSER=%s: %v", fx.browser, o.err)
	}

	// chromebrowser runs now. Wait for both its report (written on success
	// and on failure, after Chromium has exited) and the login. When the
	// browser gives up first, the login would wait for its full timeout:
	// give it a moment, then cancel it.
	deadline := time.NewTimer(time.Until(start.Add(chromiumTimeout + 15*time.Second)))
	defer deadline.Stop()
	var page *chromeBrowserOutcome
	for !loginDone || page == nil {
		logins := loginCh
		if loginDone {
			logins = nil
		}
		select {
		case lr := <-logins:
			run.res, run.err, loginDone = lr.res, lr.err, true
			t.Logf("auth.Login returned after %v", time.Since(start).Round(time.Millisecond))
		case <-reported:
			reported = nil
			if page = readChromeBrowserOutcome(t, out); page == nil {
				t.Fatalf("chromebrowser said it was done but wrote no report to %s; login error: %v", out, run.err)
			}
			t.Logf("chromebrowser finished after %v (clicked %q)", time.Since(start).Round(time.Millisecond), page.Clicked)
			if page.Error != "" && !loginDone {
				select {
				case lr := <-loginCh:
					run.res, run.err, loginDone = lr.res, lr.err, true
				case <-time.After(2 * time.Second):
					cancel()
				}
			}
		case <-deadline.C:
			if page == nil {
				t.Fatalf("chromebrowser wrote no report to %s within %v; login error: %v", out, chromiumTimeout+15*time.Second, run.err)
			}
		}
	}
	run.page = *page
	run.events = eventLog()
	if page.Error != "" {
		t.Fatalf("chromebrowser failed: %s\nlogin error: %v\nevents:\n%s", page.Error, run.err, run.events)
	}
	return run
}

// notifySocket sets CHROMEBROWSER_NOTIFY to a Unix socket and returns a
// channel closed once chromebrowser has connected to it (or the test ended).
// The socket lives in a short directory of its own: a Unix socket's path
// has a limit of about 100 bytes, which a test's temp dir can pass.
func notifySocket(t *testing.T) <-chan struct{} {
	t.Helper()
	dir, err := os.MkdirTemp("", "cbn")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	t.Setenv("CHROMEBROWSER_NOTIFY", path)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	return done
}

// readChromeBrowserOutcome reads chromebrowser's JSON report; nil while there
// is none. chromebrowser writes it atomically as its last act.
func readChromeBrowserOutcome(t *testing.T, path string) *chromeBrowserOutcome {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading chromebrowser's report: %v", err)
	}
	var o chromeBrowserOutcome
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("chromebrowser's report %s: %v\n%s", path, err, b)
	}
	return &o
}

// chromiumRequireText fails unless text contains every one of want.
func chromiumRequireText(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, text)
		}
	}
}

// checkChromiumSuccessPage checks the loopback page of a finished login.
func checkChromiumSuccessPage(t *testing.T, run chromiumLoginRun) {
	t.Helper()
	chromiumRequireText(t, "the browser's final page", run.page.FinalText, "Login complete", "Return to the terminal")
	u, err := url.Parse(run.page.FinalURL)
	if err != nil || u.Hostname() != "127.0.0.1" || u.Path != "/callback" {
		t.Errorf("final URL = %q, want the loopback redirect http://127.0.0.1:PORT/callback", run.page.FinalURL)
	}
	if run.res != nil && run.res.Token != nil && run.res.Token.AccessToken != "" &&
		strings.Contains(run.page.FinalText, run.res.Token.AccessToken) {
		t.Error("the access token is shown in the browser")
	}
}

func TestChromiumLogin(t *testing.T) {
	fx := newChromiumFixture(t)

	t.Run("GlobalEndpointEUAccount", func(t *testing.T) {
		// The last eu account, so the choice is not just the first button.
		eus := fx.accounts(t, "eu")
		acct := eus[len(eus)-1]
		shot := os.Getenv("SSODESK_E2E_SCREENSHOT")
		if shot == "" {
			shot = filepath.Join(t.TempDir(), "success.png")
		} else if abs, err := filepath.Abs(shot); err == nil {
			shot = abs
		}
		run := fx.login(t, chromiumLogin{region: "global", account: acct.Email, screenshot: shot})
		if run.err != nil {
			t.Fatalf("login: %v\nevents:\n%s", run.err, run.events)
		}
		eu := fx.region(t, "eu")
		global := fx.region(t, "global")
		res := run.res
		if res.CodeRegion != "eu" {
			t.Errorf("CodeRegion = %q, want eu", res.CodeRegion)
		}
		for claim, want := range map[string]string{
			"tenantid": acct.TenantID,
			"api":      eu.API,
			"region":   "eu",
			"sub":      acct.ID,
		} {
			if got := res.Claim(claim); got != want {
				t.Errorf("claim %s = %q, want %q", claim, got, want)
			}
		}
		if res.Issuer != global.Issuer {
			t.Errorf("Issuer = %q, want the global endpoint %q", res.Issuer, global.Issuer)
		}
		chromiumRequireText(t, "the login page", run.page.LoginPageText, acct.Email, "(all regions)")
		if !strings.Contains(run.page.Clicked, acct.Email) {
			t.Errorf("chromebrowser clicked %q, want %s", run.page.Clicked, acct.Email)
		}
		checkChromiumSuccessPage(t, run)
		png, err := os.ReadFile(shot)
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
			t.Errorf("screenshot %s: not a PNG of the page (%d bytes, %v)", shot, len(png), err)
		} else {
			t.Logf("screenshot of the success page: %s (%d bytes)", shot, len(png))
		}
	})

	t.Run("ForcedRegionUS", func(t *testing.T) {
		acct := fx.accounts(t, "us")[0]
		run := fx.login(t, chromiumLogin{region: "us", account: acct.Email})
		if run.err != nil {
			t.Fatalf("login: %v\nevents:\n%s", run.err, run.events)
		}
		us := fx.region(t, "us")
		if run.res.CodeRegion != "us" {
			t.Errorf("CodeRegion = %q, want us", run.res.CodeRegion)
		}
		if run.res.Issuer != us.Issuer {
			t.Errorf("Issuer = %q, want the us issuer %q", run.res.Issuer, us.Issuer)
		}
		if got := run.res.Claim("sub"); got != acct.ID {
			t.Errorf("sub = %q, want %q", got, acct.ID)
		}
		chromiumRequireText(t, "the login page", run.page.LoginPageText, acct.Email, "in region us")
		for _, other := range fx.accounts(t, "eu") {
			if strings.Contains(run.page.LoginPageText, other.Email) {
				t.Errorf("the us login page offers the eu account %s", other.Email)
			}
		}
		checkChromiumSuccessPage(t, run)
	})

	t.Run("CultureLCID", func(t *testing.T) {
		run := fx.login(t, chromiumLogin{region: "global", account: "", cultureLCID: 1030})
		if run.err != nil {
			t.Fatalf("login: %v\nevents:\n%s", run.err, run.events)
		}
		if u, err := url.Parse(run.authURL); err != nil || u.Query().Get("culture-lcid") != "1030" {
			t.Errorf("authorize URL %q has no culture-lcid=1030", run.authURL)
		}
		chromiumRequireText(t, "the login page", run.page.LoginPageText, "da-DK")
		// An empty CHROMEBROWSER_ACCOUNT clicks the first account.
		first := fx.sim.Accounts()[0]
		if got := run.res.Claim("sub"); got != first.ID {
			t.Errorf("sub = %q, want the first account %q", got, first.ID)
		}
		checkChromiumSuccessPage(t, run)
	})

	t.Run("Cancel", func(t *testing.T) {
		run := fx.login(t, chromiumLogin{region: "global", account: "cancel"})
		if !errors.Is(run.err, auth.ErrCancelled) {
			t.Fatalf("login error = %v, want auth.ErrCancelled\nevents:\n%s", run.err, run.events)
		}
		if run.res != nil {
			t.Errorf("a cancelled login returned a result: %+v", run.res)
		}
		if run.page.Clicked != "Cancel" {
			t.Errorf("chromebrowser clicked %q, want Cancel", run.page.Clicked)
		}
		chromiumRequireText(t, "the browser's final page", run.page.FinalText, "Login failed", "You cancelled the login")
	})
}
