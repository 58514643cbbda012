// Command chromebrowser is a scripted "system browser" for ssodesk's
// end-to-end tests. Set it as $BROWSER; ssodesk appends the authorize URL:
//
//	chromebrowser URL
//
// It starts Debian's Chromium headless through chromedp, opens URL, waits for
// the HIMSA SSO stand-in's login page (ssodesk/sim), clicks one button of its
// login form, waits until the browser has been redirected to the app's
// loopback redirect URI and that page has loaded, records what the browser
// showed, closes Chromium and exits 0. Any failure is reported on stderr and
// exits 1. It never writes to stdout.
//
// Environment:
//
//	CHROMEBROWSER_ACCOUNT     account to click: its e-mail (the button's
//	                          data-email) or its ID (the button's value);
//	                          empty = the first account; "cancel" = Cancel
//	CHROMEBROWSER_OUT         when set, a JSON file written atomically at the
//	                          end (after Chromium has exited), on success and
//	                          on failure: login_page_url, login_page_text,
//	                          clicked, final_url, final_text, and error on
//	                          failure
//	CHROMEBROWSER_NOTIFY      when set, a Unix socket it connects to (and
//	                          closes) once CHROMEBROWSER_OUT is written, so a
//	                          test learns of the report without polling
//	CHROMEBROWSER_SCREENSHOT  when set, a PNG of the final page
//	CHROMEBROWSER_CHROMIUM    the browser binary (default /usr/bin/chromium)
//
// Chromium gets only: --headless --no-sandbox --disable-background-networking
// --disable-component-update --disable-sync --no-first-run
// --no-default-browser-check --disable-quic --disable-gpu and a fresh
// temporary --user-data-dir (created and removed by chromedp, inside a private
// $TMPDIR that is removed at exit too), plus what
// chromedp itself needs (--remote-debugging-pipe, about:blank); Debian's
// /usr/bin/chromium wrapper adds its own defaults from /etc/chromium.d. The
// DevTools connection is a pipe, so no port is opened.
//
// Even with those flags Chromium still resolves Google hosts in the
// background (clients2.google.com, accounts.google.com; update.googleapis.com
// too without the wrapper), which means DNS queries to the system resolver.
// So Chromium also gets the environment all_proxy=http://127.0.0.1:9 and
// no_proxy=localhost,127.0.0.1,[::1] (auto_proxy removed): whatever it fetches
// in the background dies at a closed loopback port without a DNS lookup, while
// the loopback IdP and redirect URI, which bypass the proxy, work as usual.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	defaultChromium = "/usr/bin/chromium"
	overallTimeout  = 60 * time.Second
	pollInterval    = 100 * time.Millisecond
	// stableErrorPolls: a fully loaded page on the IdP without the login form
	// must stay so for this many polls before it counts as an error page
	// (rather than a page about to be replaced).
	stableErrorPolls = 10
	cancelAccount    = "cancel"
	loginFormCSS     = `form[method="post"][action="/login"]`
)

// outcome is the JSON written to CHROMEBROWSER_OUT.
type outcome struct {
	LoginPageURL  string `json:"login_page_url,omitempty"`
	LoginPageText string `json:"login_page_text"`
	Clicked       string `json:"clicked,omitempty"`
	FinalURL      string `json:"final_url"`
	FinalText     string `json:"final_text"`
	Error         string `json:"error,omitempty"`
}

func main() {
	// Defence in depth: ssodesk discards our stdout, but nothing of ours may
	// ever go there.
	os.Stdout = os.Stderr

	if len(os.Args) != 2 || os.Args[1] == "" {
		fmt.Fprintln(os.Stderr, "usage: chromebrowser URL  (behaviour: CHROMEBROWSER_ACCOUNT, CHROMEBROWSER_OUT, CHROMEBROWSER_SCREENSHOT, CHROMEBROWSER_CHROMIUM)")
		os.Exit(2)
	}
	cfg := config{
		url:         os.Args[1],
		account:     strings.TrimSpace(os.Getenv("CHROMEBROWSER_ACCOUNT")),
		out:         os.Getenv("CHROMEBROWSER_OUT"),
		screenshot:  os.Getenv("CHROMEBROWSER_SCREENSHOT"),
		chromium:    os.Getenv("CHROMEBROWSER_CHROMIUM"),
		chromiumLog: &tailBuffer{max: 16 << 10},
	}
	if cfg.chromium == "" {
		cfg.chromium = defaultChromium
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, overallTimeout)
	defer cancel()

	res, err := run(ctx, cfg)
	if err != nil {
		res.Error = err.Error()
		fmt.Fprintln(os.Stderr, "chromebrowser:", err)
		if tail := cfg.chromiumLog.lastLines(20); tail != "" {
			fmt.Fprintf(os.Stderr, "chromebrowser: Chromium's last output (D-Bus noise left out):\n%s\n", tail)
		}
	}
	if cfg.out != "" {
		if werr := writeJSON(cfg.out, res); werr != nil {
			fmt.Fprintln(os.Stderr, "chromebrowser: writing", cfg.out+":", werr)
			err = errors.Join(err, werr)
		}
	}
	if n := os.Getenv("CHROMEBROWSER_NOTIFY"); n != "" {
		if c, nerr := net.Dial("unix", n); nerr != nil {
			fmt.Fprintln(os.Stderr, "chromebrowser: notifying", n+":", nerr)
		} else {
			_ = c.Close()
		}
	}
	if err != nil {
		cancel()
		stop()
		os.Exit(1)
	}
}

type config struct {
	url, account, out, screenshot, chromium string
	chromiumLog                             *tailBuffer // Chromium's stdout and stderr
}

// run drives the browser. It returns what it saw so far even on failure, and
// returns only after Chromium has exited and its profile is removed.
func run(ctx context.Context, cfg config) (res outcome, err error) {
	start, err := url.Parse(cfg.url)
	if err != nil || (start.Scheme != "http" && start.Scheme != "https") || start.Host == "" {
		return res, fmt.Errorf("not an http(s) URL: %q", cfg.url)
	}
	isRedirect := redirectMatcher(start)

	if fi, serr := os.Stat(cfg.chromium); serr != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return res, fmt.Errorf("no Chromium executable at %s (install Debian's chromium or set CHROMEBROWSER_CHROMIUM)", cfg.chromium)
	}

	// Everything Chromium leaves in the temporary directory (its profile,
	// made by chromedp, and its process-singleton socket directory) goes to
	// a private one, removed once Chromium is gone.
	tmp, err := os.MkdirTemp("", "chromebrowser-")
	if err != nil {
		return res, fmt.Errorf("temporary directory: %w", err)
	}
	defer removeAllRetry(tmp)
	_ = os.Setenv("TMPDIR", tmp) // read by os.TempDir (chromedp) and by Chromium

	containNetwork()

	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(cfg.chromium),
		// Not chromedp.DefaultExecAllocatorOptions: only these flags.
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // we may run as root
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
		// No UserDataDir: chromedp then makes a fresh temporary one, passes
		// it as --user-data-dir, and removes it (after killing any leftover
		// Chromium child) once the browser has exited.
		chromedp.CombinedOutput(cfg.chromiumLog),
	)

	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "chromebrowser: chromedp: "+format+"\n", args...)
	}
	tabCtx, tabCancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf))
	defer func() {
		// Close Chromium gracefully, so it cleans up after itself; the
		// cancel funcs alone would kill it. Then make sure it is gone.
		cctx, ccancel := context.WithTimeout(tabCtx, 10*time.Second)
		if cerr := chromedp.Cancel(cctx); cerr != nil && ctx.Err() == nil {
			fmt.Fprintln(os.Stderr, "chromebrowser: closing Chromium:", cerr)
		}
		ccancel()
		tabCancel()
		allocCancel() // waits for Chromium to exit and its profile to be removed
	}()

	// The first Run starts Chromium; it must not get a shorter-lived context.
	if err := chromedp.Do(tabCtx); err != nil {
		return res, fmt.Errorf("starting %s: %w", cfg.chromium, err)
	}
	if err := chromedp.Do(tabCtx, chromedp.Navigate(cfg.url)); err != nil {
		return res, fmt.Errorf("opening %s: %w", redactURL(cfg.url), err)
	}

	// 1. The login page.
	login, err := waitFor(tabCtx, "the IdP's login page", func(p pageState) (bool, error) {
		if p.Form {
			return p.Ready == "complete", nil
		}
		if isRedirect(p.URL) {
			return false, errors.New("the browser went straight to the app's redirect URI without showing a login page")
		}
		return false, nil
	})
	if err != nil {
		return res, err
	}
	res.LoginPageURL, res.LoginPageText = login.URL, login.Text

	// 2. Choose and click.
	sel, label, err := chooseButton(tabCtx, cfg.account)
	if err != nil {
		return res, err
	}
	res.Clicked = label
	if err := chromedp.Do(tabCtx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return res, fmt.Errorf("clicking %s: %w", label, err)
	}

	// 3. The app's loopback redirect URI.
	final, err := waitFor(tabCtx, "the redirect to the app's loopback listener", func(p pageState) (bool, error) {
		return isRedirect(p.URL) && p.Ready == "complete" && strings.TrimSpace(p.Text) != "", nil
	})
	if err != nil {
		return res, err
	}
	res.FinalURL, res.FinalText = final.URL, final.Text

	if cfg.screenshot != "" {
		png, err := chromedp.Run(tabCtx, chromedp.CaptureScreenshot())
		if err != nil {
			return res, fmt.Errorf("screenshot: %w", err)
		}
		if err := writeFileAtomic(cfg.screenshot, png); err != nil {
			return res, fmt.Errorf("screenshot: %w", err)
		}
	}
	return res, nil
}

// removeAllRetry removes dir, retrying for a while: a Chromium child that
// outlived the browser can still write there for a moment.
func removeAllRetry(dir string) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		err := os.RemoveAll(dir)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "chromebrowser: removing", dir+":", err)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// deadProxy is where Chromium's non-loopback requests go: the discard port
// on loopback, where nothing listens.
const deadProxy = "http://127.0.0.1:9"

// containNetwork sets the proxy environment that Chromium inherits (see the
// package comment). Chromium on Linux without a desktop session reads its
// proxy settings from these variables; auto_proxy would win over all_proxy.
func containNetwork() {
	for _, k := range []string{"auto_proxy", "AUTO_PROXY", "ALL_PROXY", "NO_PROXY"} {
		_ = os.Unsetenv(k)
	}
	_ = os.Setenv("all_proxy", deadProxy)
	_ = os.Setenv("no_proxy", "localhost,127.0.0.1,[::1]")
}

// pageState is what one poll reads from the page.
type pageState struct {
	URL   string `json:"url"`
	Ready string `json:"ready"`
	Text  string `json:"text"`
	Form  bool   `json:"form"`
}

var stateJS = `({
	url: String(location.href),
	ready: String(document.readyState),
	text: document.body ? String(document.body.innerText) : "",
	form: !!document.querySelector(` + jsString(loginFormCSS) + `)
})`

// waitFor polls the page until done reports true or an error, or until ctx
// ends. Polls that fail (the page is between two documents) are retried. A
// fully loaded page without the login form that is not the goal and does not
// change for a while is an error page (of the IdP, say): that fails with its
// text instead of running into the timeout.
func waitFor(ctx context.Context, what string, done func(pageState) (bool, error)) (pageState, error) {
	var last pageState
	var lastErr error
	same := 0
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		p, err := chromedp.Run(pctx, chromedp.Evaluate[pageState](stateJS))
		cancel()
		if err == nil {
			ok, derr := done(p)
			if derr != nil {
				return p, fmt.Errorf("waiting for %s: %w (at %s: %q)", what, derr, redactURL(p.URL), snippet(p.Text))
			}
			if ok {
				return p, nil
			}
			if p.Ready == "complete" && p == last && p.URL != "about:blank" {
				same++
			} else {
				same = 0
			}
			if same >= stableErrorPolls && !p.Form && !strings.HasPrefix(p.URL, "about:") {
				return p, fmt.Errorf("waiting for %s: the browser stays at %s, which shows: %q", what, redactURL(p.URL), snippet(p.Text))
			}
			last, lastErr = p, nil
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			msg := fmt.Sprintf("waiting for %s: %v; last location %s (%q)", what, context.Cause(ctx), redactURL(last.URL), snippet(last.Text))
			if lastErr != nil {
				msg += fmt.Sprintf("; last error: %v", lastErr)
			}
			return last, errors.New(msg)
		case <-time.After(pollInterval):
		}
	}
}

// buttonChoice is what chooseJS returns.
type buttonChoice struct {
	Selector string   `json:"selector"`
	Label    string   `json:"label"`
	Error    string   `json:"error"`
	Offered  []string `json:"offered"`
}

// chooseJS finds the button for the wanted account in the login form. It is
// a function expression called with the wanted value.
const chooseJS = `(function (want, formCSS) {
	const form = document.querySelector(formCSS);
	if (!form) return {error: "the page has no login form"};
	const q = (s) => formCSS + " " + s;
	if (want === "cancel") {
		return form.querySelector('button[name="cancel"]')
			? {selector: q('button[name="cancel"]'), label: "Cancel"}
			: {error: "the login form has no Cancel button"};
	}
	const buttons = Array.from(form.querySelectorAll('button[type="submit"][name="account"]'));
	const offered = buttons.map((b) => (b.dataset.email || "") + " (" + b.value + ")");
	if (buttons.length === 0) return {error: "the login form offers no account", offered};
	let pick = buttons[0];
	if (want !== "") {
		const w = want.toLowerCase();
		pick = buttons.find((b) => (b.dataset.email || "").toLowerCase() === w) ||
			buttons.find((b) => b.value === want);
		if (!pick) return {error: "the login form offers no account " + JSON.stringify(want), offered};
	}
	return {
		selector: q('button[name="account"][value="' + CSS.escape(pick.value) + '"]'),
		label: "account " + (pick.dataset.email || "") + " (" + pick.value + ")",
	};
})`

// chooseButton returns the CSS selector and a description of the button to
// click for account ("" = first account, "cancel" = Cancel).
func chooseButton(ctx context.Context, account string) (string, string, error) {
	want := account
	if strings.EqualFold(want, cancelAccount) {
		want = cancelAccount
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	expr := chooseJS + "(" + jsString(want) + ", " + jsString(loginFormCSS) + ")"
	c, err := chromedp.Run(cctx, chromedp.Evaluate[buttonChoice](expr))
	if err != nil {
		return "", "", fmt.Errorf("looking for the button to click: %w", err)
	}
	if c.Error != "" {
		if len(c.Offered) > 0 {
			return "", "", fmt.Errorf("%s; it offers: %s", c.Error, strings.Join(c.Offered, ", "))
		}
		return "", "", errors.New(c.Error)
	}
	return c.Selector, c.Label, nil
}

// redirectMatcher reports whether a location is the app's redirect URI: the
// redirect_uri of the authorize URL (same scheme, host, port and path), or,
// when that is missing, any loopback URL on another host:port than the IdP's.
func redirectMatcher(authorize *url.URL) func(string) bool {
	var want *url.URL
	if r := authorize.Query().Get("redirect_uri"); r != "" {
		if u, err := url.Parse(r); err == nil && u.Host != "" {
			want = u
		}
	}
	return func(loc string) bool {
		u, err := url.Parse(loc)
		if err != nil || u.Host == "" || !isLoopback(u.Hostname()) {
			return false
		}
		if want != nil {
			return strings.EqualFold(u.Scheme, want.Scheme) && strings.EqualFold(u.Host, want.Host) && u.Path == want.Path
		}
		return !strings.EqualFold(u.Host, authorize.Host)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops the query (code, state) from a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.RawQuery == "" {
		return s
	}
	u.RawQuery = "…"
	return u.String()
}

func snippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// writeFileAtomic writes data to a temporary file next to path and renames it
// over path, so a reader never sees a partial file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if serr := f.Sync(); werr == nil {
		werr = serr
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
	}
	return werr
}

// tailBuffer keeps the last max bytes written to it (Chromium's output, shown
// on failure).
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// lastLines returns up to n of the last lines, without Chromium's D-Bus
// complaints (there is no system bus in a container).
func (b *tailBuffer) lastLines(n int) string {
	b.mu.Lock()
	text := string(b.buf)
	b.mu.Unlock()
	var keep []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" || strings.Contains(line, ":ERROR:dbus/") {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}
