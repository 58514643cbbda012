package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/session"
)

// now is the fixed clock of every UI test.
var now = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	time.Local = time.UTC // golden files show local times
	os.Exit(m.Run())
}

func testConfig() *config.Config {
	return &config.Config{
		ClientID:    "my-app",
		RedirectURI: config.DefaultRedirectURI,
		Scopes:      config.DefaultScopes(),
		Region:      "global",
		Regions:     config.BuiltinRegions(),
	}
}

func noLogin(context.Context, LoginRequest, func(auth.Event)) (*auth.Result, error) {
	return nil, errors.New("not used")
}

func newTestModel(w, h int) Model {
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }}
	m := New(com, testServices(com.Cfg, nil))
	return step(m, tea.WindowSizeMsg{Width: w, Height: h})
}

func step(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

func press(m Model, k string) (Model, tea.Cmd) {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		msg = tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+c":
		msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	default:
		msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
	}
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

// intend presses k on a screen that answers with an intent (a Cmd that
// emits it) and hands the intent to the root, as the program would.
func intend(t testing.TB, m Model, k string) (Model, tea.Cmd) {
	t.Helper()
	m, cmd := press(m, k)
	in, ok := run(cmd).(intent)
	if !ok {
		t.Fatalf("%q sent no intent", k)
	}
	return m.update(in)
}

// run executes cmd and returns its message (nil cmd → nil).
func run(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}

func screenText(m Model) string { return ansi.Strip(m.View().Content) }

func sampleResult() *auth.Result {
	exp := now.Add(54 * time.Minute)
	claims := map[string]any{
		"iss": "https://idp.himsa-sso.com", "sub": "5f0c2a9e-0001", "name": "Mette Sørensen", "tenantid": "b2a1e7c4-0001",
		"api": "https://api-eu.example/v1", "region": "eu", "aud": []any{"my-app"}, "nonce": "N1",
		"exp": json.Number(strconv.FormatInt(exp.Unix(), 10)), "iat": json.Number(strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)),
	}
	return &auth.Result{
		Region:      config.Region{Name: "global", Issuer: "https://idp.himsa-sso.com"},
		ExchangedAt: config.Region{Name: "global", Issuer: "https://idp.himsa-sso.com"},
		CodeRegion:  "eu",
		Issuer:      "https://idp.himsa-sso.com",
		Token:       &oauth2.Token{AccessToken: "opaque-access-token-0123456789", Expiry: exp},
		RawIDToken:  "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI1ZjBjIn0.c2lnbmF0dXJl",
		Header:      map[string]any{"alg": "RS256", "kid": "k1", "typ": "JWT"},
		Claims:      claims,
		Scopes:      []string{"openid", "profile", "noah.cloud.app.users.api"},
		ScopesFrom:  "token response",
		Report: &auth.Report{Issuer: "https://idp.himsa-sso.com", Region: "global", KeyID: "k1", Checks: []check.Row{
			{Name: "issuer", Status: check.Pass, Detail: "https://idp.himsa-sso.com, the global issuer, is on the allow-list"},
			{Name: "signature", Status: check.Pass, Detail: "RS256 by key kid=k1 from https://idp.himsa-sso.com/keys"},
			{Name: "audience", Status: check.Pass, Detail: "contains this app's client ID my-app"},
			{Name: "expiry", Status: check.Pass, Detail: "valid until 2026-11-21 10:24:00 (in 54m00s)"},
			{Name: "nonce", Status: check.Pass, Detail: "matches the one this login sent"},
			{Name: "at_hash", Status: check.Skip, Detail: "no at_hash claim"},
		}},
	}
}

// loginModelAt drives a model to the login screen with some progress.
func loginModelAt(t *testing.T, w, h int) Model {
	t.Helper()
	m := newTestModel(w, h)
	m, _ = press(m, "down") // eu
	m, cmd := press(m, "enter")
	msg, ok := run(cmd).(loginRequestedMsg)
	if !ok || msg.region.Name != "eu" {
		t.Fatalf("enter on eu gave %#v", msg)
	}
	m = step(m, msg)
	if m.active != screenLogin {
		t.Fatalf("screen = %v, want login", m.active)
	}
	for _, ev := range []auth.Event{
		{Step: auth.StepDiscovered, Msg: "read https://idp-eu.himsa-sso.com/.well-known/openid-configuration"},
		{Step: auth.StepListening, Msg: "listening for the redirect on http://127.0.0.1:8765/callback"},
		{Step: auth.StepBrowser, Msg: "opening the browser; if none opens, open this URL yourself",
			URL: "https://idp-eu.himsa-sso.com/connect/authorize?client_id=my-app&code_challenge=abc&state=xyz"},
	} {
		m = step(m, loginEventMsg{id: m.run.id, ev: ev})
	}
	return m
}

func TestRegionToLoginToSession(t *testing.T) {
	m := loginModelAt(t, 80, 24)
	s := screenText(m)
	for _, want := range []string{"Logging in at eu", "✓ read https://idp-eu", "waiting for you to log in", "connect/authorize?client_id=my-app"} {
		if !strings.Contains(s, want) {
			t.Errorf("login screen lacks %q:\n%s", want, s)
		}
	}
	// A stale login's messages are dropped.
	stale := step(m, loginDoneMsg{id: m.run.id + 7, err: errors.New("stale")})
	if stale.active != screenLogin || stale.loginScreen().err != nil {
		t.Fatal("a stale login's result was applied")
	}
	m = step(m, loginDoneMsg{id: m.run.id, res: sampleResult()})
	if m.active != screenSession {
		t.Fatalf("screen = %v, want session", m.active)
	}
	s = screenText(m)
	for _, want := range []string{"Logged in as Mette Sørensen", "Tenant         b2a1e7c4-0001", "Code prefix    eu",
		"API host       api-eu.example", "You used the global endpoint and picked an account in EU", "expires 10:24:00 — in 54m00s", "✓ verified"} {
		if !strings.Contains(s, want) {
			t.Errorf("session screen lacks %q:\n%s", want, s)
		}
	}
	// n goes back to the picker for a new login.
	m, _ = intend(t, m, "n")
	if m.active != screenRegions {
		t.Fatalf("n: screen = %v", m.active)
	}
}

func TestLoginErrorRetryAndCancel(t *testing.T) {
	m := loginModelAt(t, 80, 24)
	id := m.run.id
	m = step(m, loginDoneMsg{id: id, err: &auth.CallbackError{Code: "access_denied"}})
	if s := screenText(m); !strings.Contains(s, "You cancelled at the IdP") || !strings.Contains(s, "✗ waiting for you to log in") {
		t.Errorf("cancel at IdP not shown:\n%s", s)
	}
	m, cmd := intend(t, m, "enter") // retry
	if m.active != screenLogin || m.run.id == id || cmd == nil {
		t.Fatalf("retry did not start a new login (id %d → %d)", id, m.run.id)
	}
	ctx := m.run.cancel
	m, _ = intend(t, m, "esc")
	if m.active != screenRegions || m.run.cancel != nil || ctx == nil {
		t.Fatal("esc did not cancel the login")
	}
	if s := screenText(m); !strings.Contains(s, "Login cancelled; the loopback listener is closed.") {
		t.Errorf("no cancel notice:\n%s", s)
	}
}

func TestQuitKeys(t *testing.T) {
	m := newTestModel(80, 24)
	if _, cmd := press(m, "q"); run(cmd) != tea.Quit() {
		t.Error("q does not quit")
	}
	// While filtering, q is text for the filter; ctrl+c still quits.
	m, _ = press(m, "/")
	m, cmd := press(m, "q")
	if msg := run(cmd); msg == tea.Quit() {
		t.Error("q quit while the filter had focus")
	}
	if _, cmd := press(m, "ctrl+c"); run(cmd) != tea.Quit() {
		t.Error("ctrl+c does not quit while filtering")
	}
}

// everyScreen returns a model on each screen at w×h: the region picker,
// the login, each session tab, the console with a response, the trace (list
// and details) and the side-by-side view of a regional re-login.
func everyScreen(t *testing.T, w, h int) map[string]Model {
	t.Helper()
	models := map[string]Model{"regions": newTestModel(w, h), "login": loginModelAt(t, w, h)}
	sess := sessionAt(t, w, h, sampleResult())
	for i, name := range tabNames {
		models["session "+name], _ = press(sess, strconv.Itoa(i+1))
	}
	models["console"] = consoleWithResponse(t, w, h, `{"tenantid":"b2a1e7c4-0001","note":"`+strings.Repeat("Sørensen ", 30)+`"}`)
	traced, _ := tracedSession(t)
	traced, _ = press(step(traced, tea.WindowSizeMsg{Width: w, Height: h}), "t")
	models["trace"] = traced
	models["trace details"], _ = press(traced, "enter")
	models["compare"] = reloginAt(t, w, h, sampleRelogin(true))
	out := sessionAt(t, w, h, sampleResult())
	out.svc.Logout = func(context.Context, *auth.Result) []session.LogoutStep {
		return []session.LogoutStep{{Name: "revoke the refresh token", Status: check.Pass, Detail: strings.Repeat("revoked at https://idp.himsa-sso.com ", 4)}}
	}
	out, cmd := intend(t, out, "L")
	models["logout"] = step(out, run(cmd))
	rep := sampleReport()
	models["check"] = checkAt(t, w, h, &rep)
	models["report"], _ = intend(t, sessionAt(t, w, h, sampleResult()), "d")
	maps.Copy(models, harScreens(t, w, h))
	maps.Copy(models, pasteScreens(t, w, h))
	maps.Copy(models, sessionsScreens(t, w, h))
	return models
}

// Every screen draws itself within the size the root gave it (SetSize):
// its own View, before the root pads or cuts anything, has at most that
// many lines of at most that many cells. The whole window fits too.
func TestViewFitsTheWindow(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}, {100, 30}, {1, 1}, {200, 60}} {
		w, h := size[0], size[1]
		for name, m := range everyScreen(t, w, h) {
			if bw, bh := m.bodySize(); w >= 20 { // below, a form's labels alone are wider
				own := m.screens[m.active].View()
				fits(t, fmt.Sprintf("%s's own view at %dx%d (body %dx%d)", name, w, h, bw, bh), own, bw, bh)
			}
			fits(t, fmt.Sprintf("%s at %dx%d", name, w, h), m.View().Content, max(w, 3), max(h, 1))
		}
	}
}

// fits checks that view has at most h lines of at most w cells, valid UTF-8.
func fits(t *testing.T, what, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%s: %d lines", what, len(lines))
	}
	for _, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%s: line %q is %d wide", what, ansi.Strip(l), lw)
		}
		if !utf8.ValidString(l) {
			t.Errorf("%s: line %q is not valid UTF-8", what, l)
		}
	}
}

// TestGoldenViews compares each screen, without colours, at 80×24 and 20×5
// with testdata/TestGoldenViews/*.golden (go test ./ui -update rewrites them).
func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {20, 5}} {
		w, h := size[0], size[1]
		login := loginModelAt(t, w, h)
		cases := map[string]Model{
			"regions": newTestModel(w, h),
			"login":   login,
			"session": step(login, loginDoneMsg{id: login.run.id, res: sampleResult()}),
		}
		for name, m := range cases {
			t.Run(name+"-"+strconv.Itoa(w)+"x"+strconv.Itoa(h), func(t *testing.T) {
				golden.RequireEqual(t, screenText(m))
			})
		}
	}
}

func TestLongErrorsWrap(t *testing.T) {
	m := loginModelAt(t, 60, 24)
	m = step(m, loginDoneMsg{id: m.run.id, err: &auth.PortInUseError{Addr: "127.0.0.1:8765"}})
	s := screenText(m)
	flat := strings.Join(strings.Fields(s), " ")
	for _, want := range []string{"127.0.0.1:8765", "redirect_uri", "port 0 picks a random free port"} {
		if !strings.Contains(flat, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

func TestHostileClaimsCannotEscape(t *testing.T) {
	res := sampleResult()
	res.Claims["name"] = "Eve\x1b[2J\x1b]52;c;evil\x07"
	res.Claims["tenantid"] = "t\x9b1m"
	res.Claims["extra"] = map[string]any{"k": "\x1b[31m"}
	m := loginModelAt(t, 100, 30)
	m = step(m, loginDoneMsg{id: m.run.id, res: res})
	m, _ = press(m, "2")
	content, _ := m.sessionScreen().render()
	for _, bad := range []string{"\x1b[2J", "\x1b]52", "\x07", "\x9b", "\x1b[31m"} {
		if strings.Contains(content, bad) {
			t.Errorf("session content holds a raw control sequence %q", bad)
		}
	}
	if !strings.Contains(ansi.Strip(content), "Eve\uFFFD[2J") {
		t.Errorf("name not shown safely:\n%s", ansi.Strip(content))
	}
}
