package sampleapp_test

// Chromium tests of the sample apps. The helpers (requireChromium,
// newChromium, runPage) are meant to be copied by tests that record HAR
// files: they start a headless Chromium with a fresh profile (so no SSO
// cookie of another test), open a page, optionally click a button of the
// IdP's login page and wait for the app's #done.
//
// Environment:
//
//	SSODESK_REQUIRE_E2E=1     fail instead of skip when Chromium is missing
//	CHROMEBROWSER_CHROMIUM    the Chromium binary (default /usr/bin/chromium)

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumTimeout bounds one scenario in Chromium (its start included).
const chromiumTimeout = 60 * time.Second

// requireChromium returns the Chromium binary, or skips the test when there
// is none (fails it when SSODESK_REQUIRE_E2E=1), as e2e's requireTool does.
func requireChromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROMEBROWSER_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	_, err := exec.LookPath(path)
	if err == nil {
		return path
	}
	reason := fmt.Sprintf("chromium is not usable at %s: %v", path, err)
	if require, _ := strconv.ParseBool(os.Getenv("SSODESK_REQUIRE_E2E")); require {
		t.Fatalf("%s; SSODESK_REQUIRE_E2E is set, so this end-to-end test must run", reason)
	}
	t.Skipf("skipping: %s (set SSODESK_REQUIRE_E2E=1 to make this a failure)", reason)
	return ""
}

// newChromium starts a headless Chromium with a fresh profile for the test
// and returns its tab's context (ended, and Chromium stopped, at cleanup).
// Like e2e/chromebrowser, Chromium gets a dead proxy for anything that is
// not loopback, so it fetches nothing from the internet in the background.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	path := requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // we may run as root
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Env("all_proxy=http://127.0.0.1:9", "no_proxy=localhost,127.0.0.1,[::1]"),
	)
	tabCtx, tabCancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { tabCancel(); allocCancel(); cancel() })
	if err := chromedp.Do(tabCtx); err != nil { // starts Chromium
		t.Fatalf("starting %s: %v", path, err)
	}
	return tabCtx
}

// netFailures collects, from now on, the error text of every request of the
// tab that failed (net::ERR_FAILED for a response CORS withheld,
// net::ERR_BLOCKED_BY_RESPONSE for a frame X-Frame-Options refused), with
// the URL it was for.
func netFailures(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	urls := map[network.RequestID]string{}
	var failed []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls[e.RequestID] = e.Request.URL
		case *network.EventLoadingFailed:
			failed = append(failed, e.ErrorText+" "+urls[e.RequestID])
		}
	})
	if err != nil {
		t.Fatalf("listening to the tab's network events: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(failed)
	}
}

// done is what the app's <div id="done"> says.
type done struct {
	Outcome string `json:"outcome"`
	Step    string `json:"step"`
	Error   string `json:"error"`
	Text    string `json:"text"`
	URL     string `json:"url"`
}

func (d done) String() string {
	return fmt.Sprintf("outcome=%q step=%q error=%q text=%q at %s", d.Outcome, d.Step, d.Error, d.Text, d.URL)
}

// waitSelector polls the top document until sel matches an element and the
// document has loaded (navigations in between are retried), or ctx ends.
func waitSelector(ctx context.Context, sel string) error {
	expr := fmt.Sprintf(`document.readyState === "complete" && document.querySelector(%s) !== null`, strconv.Quote(sel))
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", sel, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runPage opens url (unless it is "": the page the tab is on), clicks click
// on the IdP's login page when it is not "", and waits for the app's #done.
func runPage(ctx context.Context, url, click string) (done, error) {
	if url != "" {
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			return done{}, fmt.Errorf("opening %s: %w", url, err)
		}
	}
	if click != "" {
		if err := waitSelector(ctx, click); err != nil {
			return done{}, fmt.Errorf("the login page: %w (page: %s)", err, pageText(ctx))
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(click))); err != nil {
			return done{}, fmt.Errorf("clicking %s: %w", click, err)
		}
	}
	return waitDone(ctx)
}

// waitDone waits for #done and reads it.
func waitDone(ctx context.Context) (done, error) {
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := waitSelector(wctx, "#done"); err != nil {
		return done{}, fmt.Errorf("%w (page: %s)", err, pageText(ctx))
	}
	return chromedp.Run(ctx, chromedp.Evaluate[done](`(() => { const d = document.getElementById("done");
		return {outcome: d.dataset.outcome || "", step: d.dataset.step || "", error: d.dataset.error || "",
			text: d.textContent.trim(), url: location.href}; })()`))
}

// pageText is the current page's URL and text, shortened, for failures.
func pageText(ctx context.Context) string {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](`location.href + " " + document.body.innerText`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
