package ui

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/check"
)

// sessionAt logs in (by message) and returns the model on the session screen.
func sessionAt(t *testing.T, w, h int, res *auth.Result) Model {
	t.Helper()
	m := loginModelAt(t, w, h)
	next, cmd := m.Update(loginDoneMsg{id: m.run.id, res: res})
	m = next.(Model)
	if m.active != screenSession {
		t.Fatalf("screen = %v", m.active)
	}
	// Run the inspection Cmd the session started (decoding needs no network here).
	return step(m, inspectedOf(t, cmd, m.sessionScreen().gen))
}

// inspectedOf runs the batch's commands concurrently (some are ticks that
// sleep) and returns the inspection result as soon as it arrives.
func inspectedOf(t *testing.T, cmd tea.Cmd, gen int) tea.Msg {
	t.Helper()
	found := make(chan tea.Msg, 1)
	var start func(tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			switch x := c().(type) {
			case tea.BatchMsg:
				for _, sub := range x {
					start(sub)
				}
			case inspectedMsg:
				if x.gen == gen {
					found <- x
				}
			}
		}()
	}
	start(cmd)
	select {
	case msg := <-found:
		return msg
	case <-time.After(20 * time.Second):
		t.Fatal("the session started no inspection")
		return nil
	}
}

func tabText(m Model, k string) (Model, string) {
	m, _ = press(m, k)
	return m, screenText(m)
}

// wantAll checks screen for each want, also across wrapped lines.
func wantAll(t *testing.T, screen string, wants ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(screen), " ")
	for _, w := range wants {
		if !strings.Contains(screen, w) && !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("screen lacks %q:\n%s", w, screen)
		}
	}
}

func TestSessionTabs(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m, s := tabText(m, "2")
	wantAll(t, s, "Header", "alg RS256 · kid k1 · typ JWT", "✓ signature   RS256 by key kid=k1", "– at_hash     no at_hash claim",
		"★ tenantid", "HIMSA: the tenant the user selected", "exp       2026-11-21 10:24:00 (in 54m00s)  expires")
	m, s = tabText(m, "3")
	wantAll(t, s, "Opaque, 30 bytes", "Make no assumptions about the contents")
	m, s = tabText(m, "4")
	wantAll(t, s, "No refresh token was issued", "did not ask for offline_access", "never get a refresh token")
	m, s = tabText(m, "5")
	wantAll(t, s, "Press u to fetch userinfo")
	m, s = tabText(m, "6")
	wantAll(t, s, "Tokens are masked", "Access token (30 bytes)", "opaque…6789 (30 bytes)")
	if strings.Contains(s, "opaque-access-token-0123456789") {
		t.Error("a token is shown before the user revealed it")
	}
	m, s = tabText(m, "v")
	wantAll(t, s, "Tokens shown in full", "opaque-access-token-0123456789")
	_, s = tabText(m, "tab") // wraps around to Summary
	wantAll(t, s, "Code prefix")
}

func TestAccessTokenJWTAndMalformed(t *testing.T) {
	res := sampleResult()
	res.Token.AccessToken = b64(`{"alg":"RS256","kid":"k2"}`) + "." + b64(`{"scope":"openid noah.cloud.app.users.api","region":"eu"}`) + "." + b64("sig")
	m := sessionAt(t, 100, 30, res)
	_, s := tabText(m, "3")
	wantAll(t, s, "JWT, ", "alg RS256 · kid k2", "★ region", "scope", "openid noah.cloud.app.users.api")
	res = sampleResult()
	res.Token.AccessToken = b64(`{"alg":"RS256"}`) + ".%%%." + b64("sig")
	m = sessionAt(t, 100, 30, res)
	_, s = tabText(m, "3")
	wantAll(t, s, "Shaped like a JWT, but it does not decode: payload: not base64url")
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestRefreshDisabledSaysWhy(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m, cmd := press(m, "r")
	if cmd != nil {
		t.Error("refresh started without a refresh token")
	}
	wantAll(t, screenText(m), "refresh disabled: no refresh token: the login did not ask for offline_access")
}

func TestRefreshOutcomeShown(t *testing.T) {
	res := sampleResult()
	res.Token.RefreshToken = "rt-1"
	m := sessionAt(t, 100, 30, res)
	_, s := tabText(m, "4")
	wantAll(t, s, "Present: 4 bytes, opaque")

	next := *res
	next.Token = &oauth2.Token{AccessToken: "at-2", RefreshToken: "rt-2", Expiry: now.Add(time.Hour)}
	newExp := json.Number(fmt.Sprint(now.Add(time.Hour).Unix()))
	out := &auth.Refreshed{Result: &next, Rotated: true, NewIDToken: true,
		Changes: []auth.ClaimChange{{Name: "exp", Old: string(res.Claims["exp"].(json.Number)), New: string(newExp)}}}
	stale := step(m, refreshedMsg{gen: m.sessionScreen().gen + 5, out: out})
	if stale.sessionScreen().res.Token.RefreshToken != "rt-1" {
		t.Fatal("a stale refresh result was applied")
	}
	m = step(m, refreshedMsg{gen: m.sessionScreen().gen, out: out})
	s = screenText(m)
	wantAll(t, s, "refreshed: access token now expires 10:30:00; refresh token rotated; new ID token, 1 claim changed",
		"Last refresh", "exp          10:24:00 → 10:30:00", "expires 10:30:00 — in 1h00m")
	_, s = tabText(m, "4")
	wantAll(t, s, "rotated it (the old one is spent)")

	m = step(m, refreshedMsg{gen: m.sessionScreen().gen, err: errors.New("the IdP refused the code exchange at x: invalid_grant")})
	wantAll(t, screenText(m), "refresh failed: the IdP refused")
}

func TestUserInfoTab(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m, cmd := press(m, "u")
	if cmd == nil || m.sessionScreen().tab != tabUserInfo {
		t.Fatal("u did not start a userinfo fetch on the UserInfo tab")
	}
	wantAll(t, screenText(m), "fetching userinfo…")
	info := &auth.UserInfo{Endpoint: "https://idp.himsa-sso.com/connect/userinfo", Claims: map[string]any{
		"sub": "5f0c2a9e-0001", "noahuserid": "100241", "noahroleid": "1", "tenantname": "Nordlyd Hørecenter", "tenantid": "other-tenant",
	}}
	m = step(m, userInfoMsg{gen: m.sessionScreen().gen, info: info})
	s := screenText(m)
	wantAll(t, s, "From https://idp.himsa-sso.com/connect/userinfo", "noahuserid", "[only in userinfo]", "HIMSA: Noah user ID",
		"sub        5f0c2a9e-0001  [also in ID token]", "[ID token says b2a1e7c4-0001]")
	_, s = tabText(m, "1")
	wantAll(t, s, "Tenant         b2a1e7c4-0001  Nordlyd Hørecenter")

	m = step(m, userInfoMsg{gen: m.sessionScreen().gen, err: errors.New("userinfo at x: 401 Unauthorized")})
	wantAll(t, screenText(m), "userinfo failed: userinfo at x: 401 Unauthorized")
}

func TestCopyClaimAndToken(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m, _ = press(m, "2")
	m, _ = press(m, "j") // aud → api (sorted: api, aud, exp, ...)
	if r := m.sessionScreen().rows[m.sessionScreen().cursor]; r.name != "aud" {
		t.Fatalf("cursor on %q", r.name)
	}
	_, cmd := press(m, "c")
	msgs := collect(cmd)
	var copied copiedMsg
	var osc52 bool
	for _, msg := range msgs {
		switch x := msg.(type) {
		case copiedMsg:
			copied = x
		default:
			if strings.Contains(fmt.Sprintf("%T", x), "Clipboard") {
				osc52 = true
			}
		}
	}
	if copied.what != "claim aud" || copied.n != len(`["my-app"]`) || !osc52 {
		t.Errorf("copy: %+v osc52=%v (msgs %T)", copied, osc52, msgs)
	}
	m = step(m, copied)
	wantAll(t, screenText(m), "claim aud (10 bytes)", "OSC 52")
	_, cmd = press(m, "C")
	for _, msg := range collect(cmd) {
		if c, ok := msg.(copiedMsg); ok && (c.what != "ID token" || c.n != len(sampleResult().RawIDToken)) {
			t.Errorf("C copied %+v", c)
		}
	}
}

// collect runs a (batch) command and returns its messages.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, collect(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestVerificationFailureStillShown(t *testing.T) {
	res := sampleResult()
	res.Report.Checks[1] = check.Row{Name: "signature", Status: check.Fail, Detail: "does not match key kid=k1: the token was altered"}
	m := loginModelAt(t, 100, 30)
	m = step(m, loginDoneMsg{id: m.run.id, res: res, err: &auth.VerifyError{Report: res.Report}})
	if m.active != screenSession {
		t.Fatalf("a failed verification hid the session (screen %v)", m.active)
	}
	s := screenText(m)
	wantAll(t, s, "✗ ID token NOT verified", "signature: does not match key kid=k1")
	_, s = tabText(m, "2")
	wantAll(t, s, "✗ signature   does not match key kid=k1: the token was altered")
}

func TestSwitchAccountKeepsSessionUntilSuccess(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	m, cmd := intend(t, m, "s")
	if m.active != screenLogin || !m.loginScreen().req.ForceChoose || cmd == nil {
		t.Fatalf("s: screen %v forcechoose %v", m.active, m.loginScreen().req.ForceChoose)
	}
	wantAll(t, screenText(m), "Switching account at global (forcechoose)")
	// Cancel: back to the old session, untouched.
	m, _ = intend(t, m, "esc")
	if m.active != screenSession || m.sessionScreen().res.Claim("sub") != "5f0c2a9e-0001" {
		t.Fatalf("esc during switch: screen %v", m.active)
	}
	wantAll(t, screenText(m), "switch account cancelled; still logged in as before")
	// A failed switch stays on the login screen; esc returns to the old session.
	m, _ = intend(t, m, "s")
	m = step(m, loginDoneMsg{id: m.run.id, err: auth.ErrCancelled})
	wantAll(t, screenText(m), "You cancelled at the IdP")
	m, _ = intend(t, m, "esc")
	if m.active != screenSession || m.sessionScreen().res.Claim("sub") != "5f0c2a9e-0001" {
		t.Fatal("the old session was lost after a failed switch")
	}
	// Success replaces the session.
	m, _ = intend(t, m, "s")
	other := sampleResult()
	other.Claims["sub"], other.Claims["name"] = "another-user", "Lukas Becker"
	m = step(m, loginDoneMsg{id: m.run.id, res: other})
	wantAll(t, screenText(m), "Logged in as Lukas Becker")
}

func TestGoldenTabs(t *testing.T) {
	res := sampleResult()
	res.Token.RefreshToken = "refresh-token-value-abcdef"
	m := sessionAt(t, 100, 30, res)
	m = step(m, userInfoMsg{gen: m.sessionScreen().gen, info: &auth.UserInfo{Endpoint: "https://idp.himsa-sso.com/connect/userinfo",
		Claims: map[string]any{"sub": "5f0c2a9e-0001", "noahuserid": "100241", "noahroleid": "1", "tenantname": "Nordlyd Hørecenter"}}})
	for i, name := range tabNames {
		m, _ = press(m, fmt.Sprint(i+1))
		t.Run(strings.ReplaceAll(name, " ", "-")+"-100x30", func(t *testing.T) {
			golden.RequireEqual(t, screenText(m))
		})
	}
}

// bigResult has a 1 MB access token (a JWT with a large claim) and a large ID token.
func bigResult(size int) *auth.Result {
	res := sampleResult()
	claims := map[string]any{"sub": "u", "region": "eu", "blob": strings.Repeat("x", size)}
	payload, _ := json.Marshal(claims)
	res.Token.AccessToken = b64(`{"alg":"RS256","kid":"k1"}`) + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + b64("sig")
	res.Token.RefreshToken = strings.Repeat("r", size/4)
	return res
}

func TestHugeTokenFitsAndScrolls(t *testing.T) {
	m := sessionAt(t, 100, 30, bigResult(1<<20))
	for _, k := range []string{"3", "6", "v", "end", "pgup"} {
		m, _ = press(m, k)
		lines := strings.Split(m.View().Content, "\n")
		if len(lines) > 30 {
			t.Fatalf("after %q the view has %d lines", k, len(lines))
		}
	}
	if !strings.Contains(screenText(m), "rrrr") {
		t.Errorf("revealed raw tab does not reach the refresh token at the end:\n%s", screenText(m))
	}
}

// BenchmarkSessionHugeToken measures what a user waits for with a large
// access token:
//   - open: decoding it (inspectCmd) and rendering the Access tab, which is
//     what the default (masked) screens show;
//   - reveal: rendering the whole token on the Raw tab (press v), a deliberate
//     action whose cost is dominated by the viewport measuring every line;
//   - scroll: one page down and a View() on the revealed Raw tab.
func BenchmarkSessionHugeToken(b *testing.B) {
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }}
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		res := bigResult(size)
		name := fmt.Sprintf("%dKB", size>>10)
		b.Run("open/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sm := newSessionModel(com, testServices(com.Cfg, nil), res, 1)
				sm = sm.SetSize(100, 27).(sessionModel)
				sm, _ = sm.update(sm.inspectCmd()())
				sm.setTab(tabAccess)
				_ = sm.View()
			}
		})
		b.Run("reveal/"+name, func(b *testing.B) {
			sm := newSessionModel(com, testServices(com.Cfg, nil), res, 1)
			sm = sm.SetSize(100, 27).(sessionModel)
			sm.reveal = true
			b.ReportAllocs()
			for b.Loop() {
				sm.setTab(tabRaw)
				_ = sm.View()
			}
		})
		b.Run("scroll/"+name, func(b *testing.B) {
			sm := newSessionModel(com, testServices(com.Cfg, nil), res, 1)
			sm = sm.SetSize(100, 27).(sessionModel)
			sm.reveal = true
			sm.setTab(tabRaw)
			b.ReportAllocs()
			for b.Loop() {
				sm, _ = sm.update(tea.KeyPressMsg{Code: tea.KeyPgDown})
				_ = sm.View()
			}
		})
	}
}

var _ = ansi.Strip

func TestCursorStaysVisibleOnShortScreens(t *testing.T) {
	m := sessionAt(t, 100, 12, sampleResult())
	m, _ = press(m, "2")
	for i := 0; i < len(m.sessionScreen().rows)+2; i++ {
		m, _ = press(m, "j")
		name := m.sessionScreen().rows[m.sessionScreen().cursor].name
		if s := screenText(m); !strings.Contains(s, "▸") || !strings.Contains(s, name) {
			t.Fatalf("after %d×j the selected claim %q is off screen:\n%s", i+1, name, s)
		}
	}
	for i := 0; i < len(m.sessionScreen().rows)+20; i++ { // past the first claim: scrolls up to the report
		m, _ = press(m, "k")
	}
	if m.sessionScreen().scroll.off != 0 || m.sessionScreen().cursor != 0 {
		t.Errorf("back at the top: off %d cursor %d", m.sessionScreen().scroll.off, m.sessionScreen().cursor)
	}
}
