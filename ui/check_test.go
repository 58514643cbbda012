package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/diagnose"
	"ssodesk/explain"
)

// waitingAt is the login screen after the pre-flight and the browser step,
// with the clock moved on by after (a spinner tick draws it).
func waitingAt(t *testing.T, w, h int, after time.Duration) Model {
	t.Helper()
	m := loginModelAt(t, w, h)
	m = step(m, loginEventMsg{id: m.run.id, ev: auth.Event{Step: auth.StepPreflight,
		Msg: explain.PreflightAccepted("a redirect to its login page /Account/Login")}})
	m.com.Now = func() time.Time { return now.Add(after) }
	return step(m, m.loginScreen().spin.Tick())
}

// samplePreflight is the stand-in's refusal of an unregistered redirect URI.
func samplePreflight() *auth.Preflight {
	return &auth.Preflight{Outcome: auth.PreflightRefused, ClientID: "my-app", RedirectURI: "http://127.0.0.1:8765/callback",
		Status: 302, ErrorPage: "https://idp-eu.himsa-sso.com/home/error?errorId=CfDJ8", Error: "unauthorized_client",
		Message: "Sorry, there was an error : unauthorized_client Invalid redirect_uri", RequestID: "0HMVD2KS3B1QJ:00000001",
		Cause: auth.CauseRedirectURI}
}

// refusedAt is the login screen after the pre-flight found a refusal.
func refusedAt(t *testing.T, w, h int) Model {
	t.Helper()
	m := newTestModel(w, h)
	m, _ = press(m, "down") // eu
	m, cmd := press(m, "enter")
	m = step(m, run(cmd))
	for _, ev := range []auth.Event{
		{Step: auth.StepDiscovered, Msg: "read https://idp-eu.himsa-sso.com/.well-known/openid-configuration"},
		{Step: auth.StepListening, Msg: "listening for the redirect on http://127.0.0.1:8765/callback"},
	} {
		m = step(m, loginEventMsg{id: m.run.id, ev: ev})
	}
	return step(m, loginDoneMsg{id: m.run.id, err: &auth.RefusedError{Preflight: samplePreflight()}})
}

func sampleReport() diagnose.Report {
	return diagnose.Report{Region: "eu", Issuer: "https://idp-eu.himsa-sso.com", Rows: []check.Row{
		{Name: diagnose.RowDiscovery, Status: check.Pass, Detail: "https://idp-eu.himsa-sso.com/.well-known/openid-configuration answered HTTP 200 in 84ms"},
		{Name: diagnose.RowTLS, Status: check.Pass, Detail: "TLS 1.3; the certificate is valid until 2027-03-02 (in 2401h00m)"},
		{Name: diagnose.RowIssuer, Status: check.Pass, Detail: "discovery names the configured issuer https://idp-eu.himsa-sso.com"},
		{Name: diagnose.RowJWKS, Status: check.Pass, Detail: "2 signing keys at https://idp-eu.himsa-sso.com/.well-known/openid-configuration/jwks (RS256)"},
		{Name: diagnose.RowAuthorize, Status: check.Fail, Detail: explain.PreflightSummary(samplePreflight()) + ". " + explain.PreflightDetail(samplePreflight())},
		{Name: diagnose.RowTokenAuth, Status: check.Warn, Detail: explain.CheckTokenAuth([]string{"client_secret_basic", "client_secret_post"}, false)},
		{Name: diagnose.RowEndpoints, Status: check.Pass, Detail: "advertised: userinfo, end-session, revocation, introspection"},
		{Name: diagnose.RowClock, Status: check.Pass, Detail: "this computer's clock agrees with the IdP's Date header"},
		{Name: diagnose.RowPort, Status: check.Pass, Detail: "127.0.0.1:8765 is free for the login redirect"},
	}}
}

// checkAt is the check screen of eu, opened from the picker, with rep.
func checkAt(t *testing.T, w, h int, rep *diagnose.Report) Model {
	t.Helper()
	m := newTestModel(w, h)
	m, _ = press(m, "down") // eu
	m, cmd := intend(t, m, "c")
	if m.active != screenCheck || cmd == nil {
		t.Fatalf("c on the picker: screen %v", m.active)
	}
	if rep != nil {
		m = step(m, checkDoneMsg{id: m.checkScreen().id, rep: *rep})
	}
	return m
}

func TestWaitTimerAndHint(t *testing.T) {
	m := waitingAt(t, 80, 24, 5*time.Second)
	s := screenText(m)
	if !strings.Contains(s, "waiting for you to log in in the browser… 5s · 4m55s left") || strings.Contains(s, "Check:") {
		t.Errorf("at 5s:\n%s", s)
	}
	m = waitingAt(t, 100, 30, 90*time.Second)
	s = strings.Join(strings.Fields(screenText(m)), " ")
	for _, want := range []string{"in the browser… 1m30s · 3m30s left", "No answer from the browser yet. Check:", "no browser opened?",
		"press c to copy it", "another browser window or profile", "in a browser that reaches this machine's 127.0.0.1",
		"ssh -L PORT:127.0.0.1:PORT", "pre-flight: the IdP accepts this authorize request",
		"The EU endpoint lists only EU accounts: log in at the global endpoint"} {
		if !strings.Contains(s, want) {
			t.Errorf("at 1m30s, lacks %q:\n%s", want, screenText(m))
		}
	}
	// Issue 22 (9): the TUI's hint named another command's flag
	// (`ssodesk login --no-browser`); in the demo it names --auto-account.
	if strings.Contains(s, "--no-browser") || strings.Contains(s, "--auto-account") {
		t.Errorf("the TUI's hint suggests another command:\n%s", screenText(m))
	}
	// The callback ends the wait: no timer any more.
	m = step(m, loginEventMsg{id: m.run.id, ev: auth.Event{Step: auth.StepCallback, Msg: "redirect received"}})
	if strings.Contains(screenText(m), "left") {
		t.Errorf("timer after the callback:\n%s", screenText(m))
	}
}

// Issue 22 (9): in the demo the hint offers `ssodesk demo --auto-account`,
// which needs no browser.
func TestWaitHintInTheDemo(t *testing.T) {
	m := loginModelAt(t, 100, 30)
	m.com.Demo = true
	m = step(m, loginEventMsg{id: m.run.id, ev: auth.Event{Step: auth.StepListening, Msg: "listening", URL: "http://127.0.0.1:8765/callback"}})
	m = step(m, loginEventMsg{id: m.run.id, ev: auth.Event{Step: auth.StepPreflight, Msg: explain.PreflightAccepted("a redirect to its login page /login")}})
	m.com.Now = func() time.Time { return now.Add(time.Minute) }
	m = step(m, m.loginScreen().spin.Tick())
	s := strings.Join(strings.Fields(screenText(m)), " ")
	if !strings.Contains(s, "ssodesk demo --auto-account first") || strings.Contains(s, "--no-browser") || !strings.Contains(s, "ssh -L 8765:127.0.0.1:8765") {
		t.Errorf("the demo's hint:\n%s", screenText(m))
	}
}

func TestRefusedLogin(t *testing.T) {
	m := refusedAt(t, 100, 30)
	s := strings.Join(strings.Fields(screenText(m)), " ")
	for _, want := range []string{explain.PreflightRefusedTitle, "✗ checking the authorize request with the IdP",
		"The IdP does not accept the redirect URI http://127.0.0.1:8765/callback for client my-app",
		"Request Id 0HMVD2KS3B1QJ:00000001", "No browser was opened", "c check endpoint"} {
		if !strings.Contains(s, want) {
			t.Errorf("refused screen lacks %q:\n%s", want, screenText(m))
		}
	}
	if strings.Contains(s, "opening the browser") || strings.Contains(s, "Authorize URL") {
		t.Errorf("a refused login shows the browser step:\n%s", screenText(m))
	}
	// c checks the endpoint; esc there goes back to the picker.
	m, cmd := intend(t, m, "c")
	if m.active != screenCheck || m.checkScreen().region.Name != "eu" || cmd == nil {
		t.Fatalf("c on a refused login: screen %v region %q", m.active, m.checkScreen().region.Name)
	}
	m, _ = intend(t, m, "esc")
	if m.active != screenRegions {
		t.Errorf("esc on the check: screen %v", m.active)
	}
}

func TestCheckScreen(t *testing.T) {
	m := checkAt(t, 80, 24, nil)
	if s := screenText(m); !strings.Contains(s, "Check of eu") || !strings.Contains(s, "checking discovery") {
		t.Errorf("check in progress:\n%s", s)
	}
	id := m.checkScreen().id
	stale := step(m, checkDoneMsg{id: id + 5, rep: sampleReport()})
	if stale.checkScreen().rep != nil {
		t.Error("a stale check's report was shown")
	}
	rep := sampleReport()
	m = step(m, checkDoneMsg{id: id, rep: rep})
	s := screenText(m)
	for _, want := range []string{"✓ discovery", "✗ authorize", "! token auth", "does not accept the redirect URI"} {
		if !strings.Contains(s, want) {
			t.Errorf("check screen lacks %q:\n%s", want, s)
		}
	}
	// r checks again: a new check, whose report replaces this one.
	m, cmd := intend(t, m, "r")
	if m.active != screenCheck || m.checkScreen().id == id || m.checkScreen().rep != nil || cmd == nil {
		t.Errorf("r: id %d → %d, rep %v", id, m.checkScreen().id, m.checkScreen().rep)
	}
}

func TestCheckScreenIsPrintable(t *testing.T) {
	rep := sampleReport()
	rep.Rows[4].Detail = "The IdP said: \x1b]52;c;evil\x07\x9b31m"
	m := checkAt(t, 80, 24, &rep)
	for _, bad := range []string{"\x1b]52", "\x07", "\x9b"} {
		if strings.Contains(m.View().Content, bad) {
			t.Errorf("raw %q on the check screen", bad)
		}
	}
}

func TestNewScreensFitTheWindow(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}, {100, 30}, {1, 1}} {
		w, h := size[0], size[1]
		rep := sampleReport()
		for name, m := range map[string]Model{"waiting": waitingAt(t, w, h, 25*time.Second), "refused": refusedAt(t, w, h),
			"check": checkAt(t, w, h, &rep), "checking": checkAt(t, w, h, nil)} {
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) > max(h, 1) {
				t.Errorf("%s at %dx%d: %d lines", name, w, h, len(lines))
			}
			for _, l := range lines {
				if lw := ansi.StringWidth(l); lw > max(w, 3) {
					t.Errorf("%s at %dx%d: line %q is %d wide", name, w, h, ansi.Strip(l), lw)
				}
			}
		}
	}
}

// TestGoldenPreflight: the waiting screen with its timer and hint, the
// refused login and the check screen (go test ./ui -run GoldenPreflight
// -update rewrites testdata/TestGoldenPreflight/*.golden).
func TestGoldenPreflight(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {20, 5}} {
		w, h := size[0], size[1]
		rep := sampleReport()
		suffix := "-" + strconv.Itoa(w) + "x" + strconv.Itoa(h)
		for name, m := range map[string]Model{"waiting": waitingAt(t, w, h, 25*time.Second), "refused": refusedAt(t, w, h),
			"check": checkAt(t, w, h, &rep)} {
			t.Run(name+suffix, func(t *testing.T) { golden.RequireEqual(t, screenText(m)) })
		}
	}
}
