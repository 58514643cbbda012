package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/flow"
	"ssodesk/har"
	"ssodesk/report"
)

// harFileOf reads cli/testdata/name as Services.OpenHAR does.
func harFileOf(t testing.TB, name string) *HARFile {
	t.Helper()
	path := filepath.Join("..", "cli", "testdata", name)
	log, err := har.ReadFile(path, har.Options{OnlyDiagnosticBodies: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	return &HARFile{Path: path, Log: log, Logins: flow.Logins(log.Exchanges, cfg.Endpoints(), cfg.Leeway)}
}

// harServices are test services whose OpenHAR gives the test HAR files
// (by base name), and whose every other service used on a token fails the
// test: a HAR's tokens are a customer's.
func harTestServices(t testing.TB) *Services {
	svc := testServices(testConfig(), nil)
	svc.OpenHAR = func(_ context.Context, path string) (*HARFile, error) {
		if strings.HasPrefix(filepath.Base(path), "himsa-") {
			return harFileOf(t, filepath.Base(path)), nil
		}
		return nil, fmt.Errorf("cannot read the HAR file %s: no such file or directory", path)
	}
	failTokenUse(t, svc, "a HAR's token")
	svc.VerifyFound = func(context.Context, *flow.Login) map[string]*auth.Report {
		t.Error("VerifyFound before v was pressed")
		return nil
	}
	return svc
}

// settle hands cmd's messages to m, and theirs, as the program would
// (spinner ticks and cursor blinks aside: they only animate).
func settle(m Model, cmd tea.Cmd) Model {
	queue := collect(cmd)
	for i := 0; len(queue) > 0 && i < 100; i++ {
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(spinner.TickMsg); ok || msg == nil || strings.Contains(strings.ToLower(fmt.Sprintf("%T", msg)), "blink") {
			continue
		}
		next, c := m.Update(msg)
		m = next.(Model)
		queue = append(queue, collect(c)...)
	}
	return m
}

// harAt is the flows screen of cli/testdata/name at w×h, the file read.
func harAt(t *testing.T, w, h int, name string) Model {
	t.Helper()
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }, WorkDir: t.TempDir()}
	m := NewHAR(com, harTestServices(t), filepath.Join("..", "cli", "testdata", name))
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	m = settle(m, m.Init())
	if m.active != screenHARFlows {
		t.Fatalf("screen %v, want the flows screen", m.active)
	}
	return m
}

// pressAll presses each key, handing what it asks to the root.
func pressAll(m Model, keys ...string) Model {
	for _, k := range keys {
		var cmd tea.Cmd
		if k == "tab" {
			next, c := m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
			m, cmd = next.(Model), c
		} else {
			m, cmd = press(m, k)
		}
		m = settle(m, cmd)
	}
	return m
}

func TestHARFlowsScreen(t *testing.T) {
	m := harAt(t, 120, 40, "himsa-error-page.har")
	wantAll(t, screenText(m), "himsa-error-page.har: 2 entries, 0 pages, from Firefox 133.0 · sha256 24df9fe6d209",
		"• This HAR holds no cookies and no Authorization headers", "fix:   For a HAR that can",
		"Login flows: 1", "▸ ✗ 1 acme-webapp at global (https://idp.himsa-sso.com) — failed at step 2 error_page",
		"enter open", "d report", "w write sanitised HAR")

	m = harAt(t, 120, 40, "himsa-spa-login.har")
	wantAll(t, screenText(m), "himsa-spa-login.har: 7 entries, 1 pages, from WebInspector", "✓ 1 acme-spa at global (https://idp.himsa-sso.com)", "— succeeded")
	if s := screenText(m); strings.Contains(s, "without sensitive data") {
		t.Errorf("a HAR with an Authorization header said to be without sensitive data:\n%s", s)
	}
}

// The flow screen says the error page's finding, cause and fix in the
// words of ssodesk har (the same report.HAR document), its URLs redacted.
func TestHARFlowErrorPage(t *testing.T) {
	m := harAt(t, 120, 60, "himsa-error-page.har")
	m = pressAll(m, "enter")
	if m.active != screenHARFlow {
		t.Fatalf("enter: screen %v", m.active)
	}
	f := harFileOf(t, "himsa-error-page.har")
	d := report.DiagnoseHAR(f.Log, f.Logins, report.HAROptions{})
	n := d.Flows[0].Findings[0]
	s := screenText(m)
	wantAll(t, s, "Login 1: client acme-webapp at global (https://idp.himsa-sso.com) — failed at step 2 error_page",
		"redirect URI  https://app.acme.example/signin-oidc", "PKCE          S256",
		"✓ 1 browser", "✗ 2 error_page", "#2 GET 200 https://idp.himsa-sso.com/home/error?errorId=CfDJ8ENCRYPTED",
		"✗ "+n.Text, "cause: "+n.Cause, "fix:   "+n.Fix, "unauthorized_client", "Request Id 0HN8:00000001")
	flat := strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "")), "")
	if !strings.Contains(flat, "state=[redacted15bytes]") {
		t.Errorf("the authorize URL's state is not redacted:\n%s", s)
	}
	m = pressAll(m, "esc")
	if m.active != screenHARFlows {
		t.Fatalf("esc: screen %v", m.active)
	}
	m = pressAll(m, "esc")
	if m.active != screenRegions {
		t.Fatalf("esc on the flows: screen %v", m.active)
	}
}

// spaToken opens the SPA login's flow and its token i (0 code, 1 access,
// 2 ID, 3 refresh) in the inspector.
func spaToken(t *testing.T, w, h, i int) Model {
	t.Helper()
	m := pressAll(harAt(t, w, h, "himsa-spa-login.har"), "enter")
	for range i {
		m = pressAll(m, "tab")
	}
	m = pressAll(m, "enter")
	if m.active != screenHARToken {
		t.Fatalf("enter on a token: screen %v", m.active)
	}
	return m
}

func TestHARTokenInInspector(t *testing.T) {
	m := pressAll(harAt(t, 120, 60, "himsa-spa-login.har"), "enter")
	wantAll(t, screenText(m), "code region   eu", "ID token iss  https://idp-eu.himsa-sso.com", "API host      api-eu.example",
		"picked an account in EU", "Tokens", "▸ authorization code", "ID token            jwt, 356 bytes, sha256 a1f9aa2d — not verified: offline")
	m = spaToken(t, 120, 60, 2)
	s := screenText(m)
	wantAll(t, s, "ID token from himsa-spa-login.har", "read-only", "jwt, 356 bytes, sha256 a1f9aa2d", "not verified: offline",
		"alg RS256", "sub", "5f0c-secret-sub", "tenantid", "exp", "2026-12-07 11:00:05 (in 59m54s)", "v verify")
	for _, never := range []string{"✓ signature", "✓ verified", "verified  ✓"} {
		if strings.Contains(s, never) {
			t.Errorf("the token says %q before it was verified:\n%s", never, s)
		}
	}
	m = pressAll(m, "esc")
	if m.active != screenHARFlow {
		t.Fatalf("esc: screen %v", m.active)
	}
}

// v verifies on request, and the screen shows the checks; keys that could
// not be fetched are "not verified: offline".
func TestHARVerifyOnRequest(t *testing.T) {
	for _, c := range []struct {
		name  string
		rep   func() *auth.Report
		wants []string
	}{
		{"verified", func() *auth.Report {
			return &auth.Report{Checks: []check.Row{{Name: "signature", Status: check.Pass, Detail: "RS256 by key kid=k1"}, {Name: "audience", Status: check.Pass, Detail: "contains acme-spa"}}}
		}, []string{"Verified       verified", "✓ signature   RS256 by key kid=k1", "ID token: verified"}},
		{"offline", func() *auth.Report {
			return &auth.Report{KeysUnavailable: true, Checks: []check.Row{
				{Name: "algorithm", Status: check.Fail, Detail: "cannot read the issuer's discovery document"},
				{Name: "signature", Status: check.Skip, Detail: "not checked: the keys could not be read"}}}
		}, []string{"Verified       not verified: offline", "– signature   not checked", "ID token: not verified: offline"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := spaToken(t, 120, 60, 2)
			calls := 0
			m.svc.VerifyFound = func(_ context.Context, l *flow.Login) map[string]*auth.Report {
				calls++
				return map[string]*auth.Report{l.Token("id_token"): c.rep()}
			}
			if s := screenText(m); strings.Contains(s, "✓ signature") {
				t.Fatalf("✓ before verification:\n%s", s)
			}
			m = pressAll(m, "v")
			if calls != 1 {
				t.Fatalf("VerifyFound called %d times", calls)
			}
			wantAll(t, screenText(m), c.wants...)
			m = pressAll(m, "esc") // the flow screen heard of it too
			wantAll(t, screenText(m), "sha256 a1f9aa2d — "+strings.TrimPrefix(c.wants[0], "Verified       "))
		})
	}
}

// A HAR's token is a customer's: no key of the inspector refreshes, logs
// out, fetches userinfo, calls the API or introspects with it, and its
// help offers none of that.
func TestHARTokenIsReadOnly(t *testing.T) {
	for tok := range 4 {
		m := spaToken(t, 120, 40, tok)
		help := screenText(pressAll(m, "?"))
		for _, k := range []string{"refresh", "userinfo", "log out", "API console", "introspect", "switch account", "copy token", "reveal"} {
			if strings.Contains(help, k) {
				t.Errorf("token %d: the help offers %q:\n%s", tok, k, help)
			}
		}
		m = pressAll(m, "?")
		for _, k := range []string{"r", "u", "i", "L", "a", "s", "g", "n", "C", "1", "2", "3", "4", "5", "6", "tab"} {
			m = pressAll(m, k)
			if m.active != screenHARToken {
				t.Fatalf("token %d: %q left the inspector for %v", tok, k, m.active)
			}
		}
	}
}

// typePath clears a focused input and types path.
func typePath(m Model, path string) Model {
	next, _ := m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	m = next.(Model)
	for _, r := range path {
		next, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		m = next.(Model)
	}
	return m
}

// d writes the report and w the sanitised HAR, each at the typed path
// (joined to the work directory), personal data masked when toggled; each
// says the path written, or the error.
func TestHARWritesReportAndSanitisedCopy(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	for _, c := range []struct{ key, file, title string }{{"d", "ticket-1.md", "Diagnosis report of the HAR"}, {"w", "ticket-1.har", "Sanitised copy of the HAR"}} {
		for _, from := range []string{"flows", "flow", "token"} {
			m := harAt(t, 100, 30, "himsa-spa-login.har")
			switch from {
			case "flow":
				m = pressAll(m, "enter")
			case "token":
				m = pressAll(m, "enter", "tab", "tab", "enter")
			}
			dir := m.com.WorkDir
			m.svc.SaveHARReport = func(_ context.Context, path string, f *HARFile, o report.Options, _ map[string]*auth.Report) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				got["d"] = fmt.Sprintf("%s pii=%v flows=%d", path, o.RedactPII, len(f.Logins))
				return path, nil
			}
			m.svc.SanitizeHAR = func(_ context.Context, f *HARFile, out string, pii bool) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				got["w"] = fmt.Sprintf("%s pii=%v flows=%d", out, pii, len(f.Logins))
				return out, nil
			}
			m = pressAll(m, c.key)
			if m.active != screenHARSave {
				t.Fatalf("%s: screen %v", c.key, m.active)
			}
			wantAll(t, screenText(m), c.title, "mask personal data")
			m = pressAll(typePath(m, c.file), "tab", "enter")
			abs := filepath.Join(dir, c.file)
			if want := abs + " pii=true flows=1"; got[c.key] != want {
				t.Errorf("%s from the %s screen: the service got %q, want %q", c.key, from, got[c.key], want)
			}
			wantAll(t, screenText(m), "Written: "+abs)
			if m = pressAll(m, "esc"); m.active != map[string]screenID{"flows": screenHARFlows, "flow": screenHARFlow, "token": screenHARToken}[from] {
				t.Errorf("esc from the dialog opened from the %s screen: screen %v", from, m.active)
			}
		}
	}
	m := pressAll(harAt(t, 100, 30, "himsa-error-page.har"), "w")
	m.svc.SanitizeHAR = func(context.Context, *HARFile, string, bool) (string, error) {
		return "", errors.New("not writing the sanitised HAR: x.har already exists")
	}
	m = pressAll(m, "enter")
	wantAll(t, screenText(m), "not writing the sanitised HAR: x.har already exists")
}

// The picker's o opens a HAR file by its path.
func TestPickerOpensHAR(t *testing.T) {
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }}
	m := step(New(com, harTestServices(t)), tea.WindowSizeMsg{Width: 100, Height: 30})
	wantAll(t, screenText(m), "o open a HAR file")
	m = pressAll(m, "o")
	wantAll(t, screenText(m), "HAR file:")
	m = pressAll(typePath(m, "../cli/testdata/himsa-spa-login.har"), "enter")
	if m.active != screenHARFlows {
		t.Fatalf("screen %v", m.active)
	}
	wantAll(t, screenText(m), "✓ 1 acme-spa at global (https://idp.himsa-sso.com)")

	m = step(New(com, harTestServices(t)), tea.WindowSizeMsg{Width: 100, Height: 30})
	m = pressAll(typePath(pressAll(m, "o"), "nowhere.har"), "enter")
	wantAll(t, screenText(m), "cannot read the HAR file nowhere.har", "esc goes back")
	if m = pressAll(m, "esc"); m.active != screenRegions {
		t.Errorf("esc after an error: screen %v", m.active)
	}
}

// While the file is read, a spinner names it.
func TestHARReadingShowsProgress(t *testing.T) {
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }}
	m := step(NewHAR(com, harTestServices(t), "big.har"), tea.WindowSizeMsg{Width: 80, Height: 24})
	m, _ = m.update(openHARMsg{path: "big.har"})
	wantAll(t, screenText(m), "reading big.har …")
}

// A HAR without a login flow says so, in ssodesk har's words.
func TestHARWithoutFlows(t *testing.T) {
	f := harFileOf(t, "himsa-error-page.har")
	f.Logins = nil
	v := diagnoseHAR(f, nil, now)
	m := harAt(t, 100, 30, "himsa-error-page.har")
	m = step(m, harLoadedMsg{id: m.nextID, view: v})
	wantAll(t, screenText(m), "No login flow in it: no authorize request to a HIMSA endpoint or any IdP.")
	if m = pressAll(m, "enter"); m.active != screenHARFlows {
		t.Errorf("enter on no flow: screen %v", m.active)
	}
}

// withToken is the SPA view with the ID token's claims and the flow's
// outside text replaced.
func withToken(t *testing.T, claims map[string]any, text string) *harView {
	t.Helper()
	v := diagnoseHAR(harFileOf(t, "himsa-spa-login.har"), nil, now)
	d := *v.doc
	d.Flows = append([]report.HARFlow{}, d.Flows...)
	f := &d.Flows[0]
	f.Tokens = append([]report.HARToken{}, f.Tokens...)
	f.Tokens[2].Claims = claims
	if text != "" {
		f.ClientID, f.Story, f.RedirectURI = text, text, text
		f.Steps = append([]report.HARStep{}, f.Steps...)
		f.Steps[0].Detail = text
		f.Steps[0].Exchanges = []report.HARExchange{{ID: 1, Method: "GET", URL: "https://idp/" + text, Status: 302}}
		f.Findings = []report.HARNote{{Status: "fail", Text: text, Cause: text, Fix: text}}
		d.Notes = []report.HARNote{{Status: "note", Text: text, Cause: text, Fix: text}}
	}
	return &harView{file: v.file, doc: &d}
}

// showHAR shows v's flows, its flow and its ID token, as screens.
func showHAR(t *testing.T, w, h int, v *harView) map[string]Model {
	m := harAt(t, w, h, "himsa-spa-login.har")
	m = step(m, harLoadedMsg{id: m.nextID, view: v})
	out := map[string]Model{"flows": m}
	m = pressAll(m, "enter")
	out["flow"] = m
	out["token"] = pressAll(m, "tab", "tab", "enter")
	return out
}

// Every HAR screen fits 20×5 with a 1 MB token, quickly.
func TestHARScreensSurviveSmallAndHuge(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	v := withToken(t, map[string]any{"sub": big, "name": big}, "")
	start := time.Now()
	for _, size := range [][2]int{{20, 5}, {80, 24}} {
		for name, m := range showHAR(t, size[0], size[1], v) {
			fits(t, fmt.Sprintf("%s at %dx%d", name, size[0], size[1]), m.View().Content, size[0], size[1])
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a 1 MB claim took %v", d)
	}
}

// Escape sequences in a HAR (a URL, a claim, a finding) never reach the
// terminal raw.
func TestHARShowsNoRawControlCharacters(t *testing.T) {
	for _, p := range hostilePayloads {
		v := withToken(t, map[string]any{"sub": p, p: "x"}, p)
		for name, m := range showHAR(t, 120, 60, v) {
			assertNoRaw(t, name, m.View().Content)
		}
	}
}

// harScreens are the HAR screens for everyScreen: the flows, a flow, a
// token in the inspector and the report dialog.
func harScreens(t *testing.T, w, h int) map[string]Model {
	flows := harAt(t, w, h, "himsa-spa-login.har")
	flow := pressAll(flows, "enter")
	return map[string]Model{"har flows": flows, "har flow": flow, "har token": pressAll(flow, "tab", "tab", "enter"), "har save": pressAll(flows, "d")}
}

// The HAR screens as drawn, at the three sizes of every screen's goldens.
func TestGoldenHARScreens(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}, {100, 30}} {
		for name, m := range harScreens(t, size[0], size[1]) {
			t.Run(fmt.Sprintf("%s_%dx%d", strings.ReplaceAll(name, " ", "_"), size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, screenText(m))
			})
		}
	}
}

// A verification that ends after its file was left for another changes
// nothing of the other file's screens.
func TestHARLateVerificationOfAnotherFile(t *testing.T) {
	m := pressAll(harAt(t, 120, 60, "himsa-spa-login.har"), "enter")
	m.svc.VerifyFound = func(_ context.Context, l *flow.Login) map[string]*auth.Report {
		return map[string]*auth.Report{l.Token("id_token"): {Checks: []check.Row{{Name: "signature", Status: check.Pass}}}}
	}
	_, cmd := press(m, "v")
	late := run(cmd)
	m = pressAll(m, "esc", "esc")
	m = settle(m, emit(openHARMsg{path: "../cli/testdata/himsa-spa-login.har"}))
	m = pressAll(m, "enter")
	if s := screenText(m); !strings.Contains(s, "— not verified: offline") {
		t.Fatalf("the token row is not on screen:\n%s", s)
	}
	m = step(m, late)
	if s := screenText(m); strings.Contains(s, "— verified") {
		t.Errorf("another file's verification reached this one:\n%s", s)
	}
}

// No HAR screen shows a secret of the file: its code, tokens, state,
// nonce, session_state, verifier, password or anti-forgery token (the
// positive control: each is in the file, and the ID token is found).
func TestHARScreensShowNoSecret(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "cli", "testdata", "himsa-spa-login.har"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"eu.CODE-SECRET-ABCDEF123456", "VERIFIER-SECRET-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		"ACCESS-TOKEN-SECRET-9f8e7d6c5b4a", "REFRESH-TOKEN-SECRET-1a2b3c", "PASSWORD-SECRET-1", "CSRF-SECRET-2",
		"SESSION-STATE-SECRET", "STATE-SECRET-5555", "NONCE-SECRET-77"}
	idToken := harFileOf(t, "himsa-spa-login.har").Logins[0].Token("id_token")
	if idToken == "" {
		t.Fatal("no ID token found: the search below would prove nothing")
	}
	for _, s := range secrets {
		if !strings.Contains(string(raw), s) {
			t.Fatalf("the fixture lacks %q: the search below would prove nothing", s)
		}
	}
	flows := harAt(t, 200, 300, "himsa-spa-login.har")
	screens := map[string]Model{"flows": flows, "flow": pressAll(flows, "enter")}
	for i := range 4 {
		screens[fmt.Sprintf("token %d", i)] = spaToken(t, 200, 300, i)
	}
	for name, m := range screens {
		s := m.View().Content
		for _, secret := range append(secrets, idToken, strings.Split(idToken, ".")[1]) {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows the secret %.24q…", name, secret)
			}
		}
	}
}
