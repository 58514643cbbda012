package e2e

// The recording harness of issue 23, item 3: each case of a customer's
// login (success and every failure ssodesk diagnoses) is run by headless
// Chromium against the sample apps and the stand-in on fixed ports, and
// recorded with harrec as Chrome's DevTools exports a HAR. With -update the
// recordings are written to cli/testdata/recorded (with config.yaml naming
// the stand-in's endpoints at those ports), where cli's
// TestRecordedHAR... tests read them; without it each live recording is
// diagnosed by the binary at once, so every run checks recording and
// diagnosis end to end.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"ssodesk/e2e/harrec"
	"ssodesk/sim"
	"ssodesk/sim/sampleapp"
)

var update = flag.Bool("update", false, "write the recorded HARs to cli/testdata/recorded")

// The fixed ports: the stand-in's IdPs and APIs from simBasePort (two per
// region), the sample apps' three from appBasePort.
const (
	simBasePort = 29300
	appBasePort = 29320
	recordedDir = "../cli/testdata/recorded"
)

// recCase is one recorded case.
type recCase struct {
	name    string
	s       sampleapp.Scenario
	web     bool   // the server-side web app (click #signin first)
	click   string // "account" (an account of region, default eu), "cancel", "" (none)
	region  string
	wait    string // "done" (#done), "error" (the error page), "login" (the login page, then ~2 s)
	tamper  string // Hooks.TamperAuthorizeResponse
	advance time.Duration
	noSens  bool   // export without sensitive data
	want    string // what the binary's outcome line says
}

func recCases() []recCase {
	return []recCase{
		{name: "spa-login", click: "account", wait: "done", want: "— succeeded"},
		{name: "web-login", web: true, click: "account", wait: "done", want: "— succeeded"},
		{name: "error-page-redirect", s: sampleapp.Scenario{UnregisteredRedirect: true}, wait: "error", want: "— failed at step"},
		{name: "error-page-client", s: sampleapp.Scenario{ClientID: "unknown-app"}, wait: "error", want: "— failed at step"},
		{name: "error-scope", s: sampleapp.Scenario{ExtraScope: "noah.cloud.app.admin.api"}, wait: "error", want: "— failed at step"},
		{name: "access-denied", click: "cancel", wait: "done", want: "— failed at step"},
		{name: "silent-login-required", s: sampleapp.Scenario{Silent: sampleapp.SilentOnly}, wait: "done", want: "— failed at step"},
		{name: "silent-renew", s: sampleapp.Scenario{Silent: sampleapp.SilentAfterLogin}, click: "account", wait: "done", want: "— succeeded"},
		{name: "login-in-frame", s: sampleapp.Scenario{InFrame: true}, wait: "done", want: "— failed at step"},
		{name: "cors-token", s: sampleapp.Scenario{Foreign: true}, click: "account", wait: "done", want: "— failed at step"},
		{name: "invalid-grant-region", s: sampleapp.Scenario{ExchangeRegion: "us"}, click: "account", wait: "done", want: "— failed at step"},
		{name: "code-twice", s: sampleapp.Scenario{ExchangeTwice: true}, click: "account", wait: "done", want: "— failed at step"},
		{name: "pkce-wrong", s: sampleapp.Scenario{Verifier: sampleapp.VerifierWrong}, click: "account", wait: "done", want: "— failed at step"},
		{name: "pkce-missing", s: sampleapp.Scenario{Verifier: sampleapp.VerifierMissing}, click: "account", wait: "done", want: "— failed at step"},
		{name: "api-401-region", s: sampleapp.Scenario{APIRegion: "us"}, click: "account", wait: "done", want: "— failed at step"},
		{name: "api-403-scope", s: sampleapp.Scenario{APIPath: "/admin/tenants"}, click: "account", wait: "done", want: "— failed at step"},
		{name: "abandoned", wait: "login", want: "— abandoned"},
		{name: "loop", s: sampleapp.Scenario{Loop: 3}, click: "account", wait: "done", want: "— failed at step"},
		{name: "mix-up", tamper: sim.TamperAuthorizeIssOther, click: "account", region: "us", wait: "done", want: "— failed at step"},
		{name: "state-mismatch", tamper: sim.TamperAuthorizeStateOther, click: "account", wait: "done", want: "— failed at step"},
		{name: "clock-skew", advance: 10 * time.Minute, click: "account", wait: "done", want: "clock"},
		{name: "no-sensitive", click: "account", wait: "done", noSens: true, want: "— succeeded"},
	}
}

// TestRecordHARs records every case and diagnoses each recording with the
// binary (and, with -update, writes them as cli's fixtures).
func TestRecordHARs(t *testing.T) {
	chromium := harrec.RequireChromium(t)
	bin := goBuild(t, ".", "ssodesk")
	dir := t.TempDir()
	if *update {
		dir = recordedDir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	began := time.Now()
	var cfgWritten bool
	for _, c := range recCases() {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			rec := recordCase(t, chromium, c, nil)
			if !cfgWritten {
				writeRecordedConfig(t, filepath.Join(dir, "config.yaml"), rec.apps)
				cfgWritten = true
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("recording took %v, want well under 20 s", took)
			}
			path := filepath.Join(dir, c.name+".har")
			if err := os.WriteFile(path, rec.har, 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(bin, "--config", filepath.Join(dir, "config.yaml"), "har", path).CombinedOutput()
			if !strings.Contains(string(out), c.want) {
				t.Errorf("the diagnosis of the live recording lacks %q:\n%s", c.want, out)
			}
			t.Logf("%s: %d bytes, recorded in %v", c.name, len(rec.har), time.Since(start).Round(time.Millisecond))
		})
	}
	t.Logf("all %d recordings took %v", len(recCases()), time.Since(began).Round(time.Millisecond))
}

// recording is one case's HAR and the apps that served it (closed at the
// test's cleanup, or by the caller).
type recording struct {
	har   []byte
	apps  *sampleapp.Apps
	hooks *sim.Hooks
}

// recordCase runs c in a fresh Chromium profile against sample apps on the
// fixed ports and returns its HAR as DevTools exports it. hooks, when not
// nil, is the stand-in's (else a new one).
func recordCase(t *testing.T, chromium string, c recCase, hooks *sim.Hooks) recording {
	t.Helper()
	if hooks == nil {
		hooks = &sim.Hooks{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	a, err := sampleapp.Start(ctx, sampleapp.Options{BasePort: appBasePort,
		Sim: sim.Options{BasePort: simBasePort, ProductionErrorPage: true, Hooks: hooks}})
	if err != nil {
		t.Fatalf("starting the sample apps: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if err := hooks.TamperAuthorizeResponse(c.tamper); err != nil {
		t.Fatal(err)
	}
	if c.advance > 0 {
		if err := hooks.Advance(c.advance); err != nil {
			t.Fatal(err)
		}
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, harrec.ExecOptions(chromium, t.TempDir(),
		chromedp.Env("all_proxy=http://127.0.0.1:9", "no_proxy=localhost,127.0.0.1,[::1]"))...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)
	r, err := harrec.Start(tctx, harrec.Options{Creator: "WebInspector"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	// Headless Chromium's favicon requests may never end in the protocol:
	// blocked, they end at once (and trimHAR drops them).
	block := []*network.BlockPattern{{URLPattern: "*://*:*/favicon.ico", Block: true}}
	if _, err := chromedp.Call(tctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: block}); err != nil {
		t.Fatal(err)
	}
	if err := driveCase(tctx, a, c); err != nil {
		t.Fatalf("%s: %v (page: %s)", c.name, err, recPageText(tctx))
	}
	// Now and then Chromium sends no end for a document the page navigated
	// away from at once (harrec then waits for it): after 5 s the HAR is
	// taken as it is, as DevTools would export it.
	wctx, wcancel := context.WithTimeout(tctx, 5*time.Second)
	defer wcancel()
	if err := r.WaitIdle(wctx, 300*time.Millisecond); errors.Is(err, harrec.ErrOutOfProcessFrame) || err != nil && tctx.Err() != nil {
		t.Fatal(err)
	} else if err != nil {
		t.Logf("exported while not idle: %v", err)
	}
	b, err := r.HAR(harrec.ExportOptions{AsDevTools: true, WithoutSensitive: c.noSens})
	if err != nil {
		t.Fatal(err)
	}
	return recording{har: trimHAR(t, b), apps: a, hooks: hooks}
}

// driveCase opens c's page, clicks what c clicks and waits for its end.
func driveCase(ctx context.Context, a *sampleapp.Apps, c recCase) error {
	url := a.SPAURL(c.s)
	if c.web {
		url = a.WebURL(sampleapp.WebScenario{})
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("opening %s: %w", url, err)
	}
	if c.web {
		if err := recClick(ctx, "#signin"); err != nil {
			return err
		}
	}
	switch c.click {
	case "account":
		id, region := "", cmp.Or(c.region, "eu")
		for _, acc := range a.Sim.Accounts() {
			if acc.Region == region {
				id = acc.ID
				break
			}
		}
		if err := recClick(ctx, `button[name=account][value="`+id+`"]`); err != nil {
			return err
		}
	case "cancel":
		if err := recClick(ctx, "button[name=cancel]"); err != nil {
			return err
		}
	}
	switch c.wait {
	case "error":
		return recWait(ctx, ".request-id")
	case "login":
		return recWait(ctx, "button[name=cancel]") // the page is up; the user does nothing (the recorder waits until the tab is idle)
	}
	return recWait(ctx, "#done")
}

// recClick waits for sel and clicks it.
func recClick(ctx context.Context, sel string) error {
	if err := recWait(ctx, sel); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return fmt.Errorf("clicking %s: %w", sel, err)
	}
	return nil
}

// recWait polls the top document until sel matches and it has loaded.
func recWait(ctx context.Context, sel string) error {
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	expr := fmt.Sprintf(`document.readyState === "complete" && document.querySelector(%q) !== null`, sel)
	for {
		ok, err := chromedp.Run(wctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return nil
		}
		select {
		case <-wctx.Done():
			return fmt.Errorf("waiting for %s: %w", sel, wctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// recPageText is the page's URL and text, shortened, for a failure.
func recPageText(ctx context.Context) string {
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

// trimHAR keeps a fixture small: no favicon or data: entries, and the
// sample apps' own pages and scripts without their bodies (the IdP's pages
// and every JSON answer but discovery's are kept: the diagnosis reads
// them), no request headers of noiseHeaders, no call stacks in the
// initiators, no indentation.
func trimHAR(t *testing.T, b []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	lg, _ := doc["log"].(map[string]any)
	entries, _ := lg["entries"].([]any)
	apps := []string{}
	for i := range 3 {
		apps = append(apps, fmt.Sprintf("http://127.0.0.1:%d/", appBasePort+i))
	}
	var kept []any
	for _, e := range entries {
		m, _ := e.(map[string]any)
		req, _ := m["request"].(map[string]any)
		u, _ := req["url"].(string)
		if strings.HasPrefix(u, "data:") || strings.Contains(u, "/favicon.ico") {
			continue
		}
		resp, _ := m["response"].(map[string]any)
		content, _ := resp["content"].(map[string]any)
		mime, _ := content["mimeType"].(string)
		for _, app := range apps {
			if strings.HasPrefix(u, app) && content != nil && (strings.Contains(mime, "html") || strings.Contains(mime, "javascript")) {
				delete(content, "text")
				delete(content, "encoding")
			}
		}
		if strings.HasSuffix(strings.SplitN(u, "?", 2)[0], "/.well-known/openid-configuration") && content != nil {
			delete(content, "text") // 2 KB the diagnosis does not read
		}
		req["headers"] = dropNoise(req["headers"])
		if in, ok := m["_initiator"].(map[string]any); ok {
			delete(in, "stack") // the sample app's call stacks: noise
		}
		kept = append(kept, m)
	}
	lg["entries"] = kept
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// noiseHeaders are request headers every entry has and no diagnosis reads
// (most of a fixture's size).
var noiseHeaders = map[string]bool{"user-agent": true, "sec-ch-ua": true, "sec-ch-ua-mobile": true, "sec-ch-ua-platform": true,
	"accept-language": true, "accept-encoding": true, "accept": true, "upgrade-insecure-requests": true, "cache-control": true,
	"pragma": true, "connection": true, "dnt": true}

// dropNoise is a HAR headers array without noiseHeaders.
func dropNoise(v any) any {
	hs, _ := v.([]any)
	var out []any
	for _, h := range hs {
		if m, _ := h.(map[string]any); m != nil {
			if n, _ := m["name"].(string); noiseHeaders[strings.ToLower(n)] {
				continue
			}
		}
		out = append(out, h)
	}
	return out
}

// writeRecordedConfig writes a config naming the stand-in's endpoints (at
// the fixed ports) and no built-in ones.
func writeRecordedConfig(t *testing.T, path string, a *sampleapp.Apps) {
	t.Helper()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "# The stand-in's endpoints at the fixed ports of e2e/harrecord_test.go (written by it with -update).\n")
	fmt.Fprintf(&cfg, "client_id: %s\nbuiltin_regions: false\nregions:\n", a.Sim.ClientID())
	for _, r := range a.Sim.Regions() {
		fmt.Fprintf(&cfg, "  - name: %s\n    issuer: %s\n    api: %s\n", r.Name, r.Issuer, r.API)
	}
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
