package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/oauth2"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/sim"
	"ssodesk/transport"
)

// consoleWithResponse opens the console on the sample session at w×h and
// shows a 200 with body, as a finished call would.
func consoleWithResponse(t *testing.T, w, h int, body string) Model {
	t.Helper()
	m := sessionAt(t, w, h, sampleResult())
	m, _ = intend(t, m, "a")
	if m.active != screenAPI {
		t.Fatalf("a: screen %v", m.active)
	}
	resp := &api.Response{URL: "https://api-eu.example/v1/me", Status: http.StatusOK, Body: []byte(body), Size: int64(len(body)),
		Header: http.Header{"Content-Type": {"application/json"}}, Duration: 42 * time.Millisecond, At: now}
	return step(m, apiResultMsg{gen: m.consoleScreen().gen, out: callOutcome{req: api.Request{Method: "GET", Path: "me"}, resp: resp}})
}

// TestScreensSendIntents: each screen's keys answer with an intent for the
// root, carrying what the root needs; the screen's fields stay its own.
func TestScreensSendIntents(t *testing.T) {
	m := sessionAt(t, 100, 30, sampleResult())
	for _, tc := range []struct {
		key  string
		want intent
	}{
		{"n", newLoginMsg{}},
		{"s", switchAccountMsg{region: m.sessionScreen().res.Region, from: m.sessionScreen().res}},
		{"a", openConsoleMsg{res: m.sessionScreen().res}},
	} {
		_, cmd := press(m, tc.key)
		if got := run(cmd); got != tc.want {
			t.Errorf("%s on the session: %#v, want %#v", tc.key, got, tc.want)
		}
	}
	_, cmd := press(m, "g")
	if in, ok := run(cmd).(reloginRequestedMsg); !ok || in.first != m.sessionScreen().res || in.target.Name != "eu" {
		t.Errorf("g on the session: %#v", run(cmd))
	}
	m, _ = intend(t, m, "a")
	if _, cmd := press(m, "esc"); run(cmd) != (backMsg{}) {
		t.Error("esc on the console sent no backMsg")
	}
}

// TestRefreshRunsOnceAtATime: r while a refresh runs starts no second one
// (Common.Refresh is called once) and says that it is still refreshing;
// after it ends, r refreshes again.
func TestRefreshRunsOnceAtATime(t *testing.T) {
	_, cfg := startStandIn(t, sim.Options{})
	g, _ := cfg.FindRegion("global")
	res := &auth.Result{Region: g, CodeRegion: "eu", Token: &oauth2.Token{AccessToken: "at", RefreshToken: "rt"}} // a value: no stand-in needed
	if res.CanRefresh() != nil {
		t.Fatal("a refreshable session")
	}
	var calls atomic.Int32
	m := loginModelAt(t, 100, 30)
	m.svc.Refresh = func(context.Context, *auth.Result) (*auth.Refreshed, error) {
		calls.Add(1)
		return nil, errors.New("invalid_grant")
	}
	m = step(m, loginDoneMsg{id: m.run.id, res: res})

	m, first := press(m, "r")
	m, second := press(m, "r")
	if second != nil {
		t.Error("the second r returned a Cmd")
	}
	wantAll(t, screenText(m), "still refreshing the tokens")
	var done []tea.Msg
	for _, c := range []tea.Cmd{first, second} {
		done = append(done, collect(c)...)
	}
	if n := calls.Load(); n != 1 || len(done) != 1 {
		t.Fatalf("two r: %d calls to Common.Refresh, messages %v", n, done)
	}
	m = step(m, done[0])
	wantAll(t, screenText(m), "refresh failed: invalid_grant")
	_, third := press(m, "r")
	collect(third)
	if n := calls.Load(); n != 2 {
		t.Errorf("r after the refresh ended: %d calls", n)
	}
}

// TestTraceDrawsAtOnce: the trace's first View lists the exchanges (no
// message needed), and its empty state names no purpose a test could wait for.
func TestTraceDrawsAtOnce(t *testing.T) {
	m, _ := tracedSession(t)
	m, _ = press(m, "t")
	wantAll(t, screenText(m), "HTTP trace: 3 exchanges", "discovery", "token", "/v1/me")

	empty := loginModelAt(t, 100, 30)
	empty.svc.Trace = transport.NewTrace()
	empty, _ = press(empty, "t")
	s := screenText(empty)
	wantAll(t, s, "HTTP trace: 0 exchanges", "No HTTP exchanges yet")
	for _, word := range []string{"discovery", "token"} {
		if strings.Contains(s, word) {
			t.Errorf("the empty trace says %q:\n%s", word, s)
		}
	}
}

// TestLongHighlightedJSONIsWhole: a 150-character string in a coloured
// JSON response is wrapped, not cut, at 80 columns.
func TestLongHighlightedJSONIsWhole(t *testing.T) {
	long := strings.Repeat("0123456789abcde", 10)
	m := consoleWithResponse(t, 80, 24, `{"note":"`+long+`"}`)
	if !strings.Contains(m.consoleScreen().scroll.View(), "\x1b[") {
		t.Fatal("the body is not coloured: the test would not test the wrapping of coloured lines")
	}
	var joined strings.Builder
	for _, l := range strings.Split(screenText(m), "\n") {
		joined.WriteString(strings.TrimSpace(l))
	}
	if !strings.Contains(joined.String(), `"note": "`+long+`"`) {
		t.Errorf("the long string is not all on screen:\n%s", screenText(m))
	}
}

// TestWrapKeepsUTF8: long text of "ø" (two bytes each) wraps at cell
// boundaries: every line of the view is valid UTF-8, and no "ø" was cut in
// two (lipgloss would show the halves as U+FFFD).
func TestWrapKeepsUTF8(t *testing.T) {
	for _, pad := range []string{"", "x"} { // an odd or even number of bytes before the first ø
		m := loginModelAt(t, 80, 24)
		m = step(m, loginEventMsg{id: m.run.id, ev: auth.Event{Step: auth.StepBrowser, Msg: "opening the browser",
			URL: "https://idp-eu.himsa-sso.com/connect/authorize?login_hint=" + pad + strings.Repeat("ø", 150)}})
		c := consoleWithResponse(t, 80, 24, `{"name":"`+pad+strings.Repeat("ø", 150)+`"}`)
		for name, v := range map[string]string{"login": m.View().Content, "console": c.View().Content} {
			for i, l := range strings.Split(v, "\n") {
				if !utf8.ValidString(l) {
					t.Errorf("%s: line %d is not valid UTF-8: %q", name, i, l)
				}
			}
			if strings.ContainsRune(v, utf8.RuneError) {
				t.Errorf("%s: a character was cut in two:\n%s", name, ansi.Strip(v))
			}
			if !strings.Contains(ansi.Strip(v), "øøøø") {
				t.Errorf("%s: no ø on screen:\n%s", name, ansi.Strip(v))
			}
		}
	}
}

// TestBackgroundColourRestyles: a light background rebuilds Styles, and the
// help bar, the region list and every screen's drawn content take them.
func TestBackgroundColourRestyles(t *testing.T) {
	fg := func(c color.Color) string { return fmt.Sprint(c.RGBA()) }
	m := sessionAt(t, 100, 30, sampleResult())
	dark, before, tab := m.com.Styles, m.View().Content, m.sessionScreen().scroll.View()
	m = step(m, tea.BackgroundColorMsg{Color: color.White})
	light := m.com.Styles
	if light == dark || light.IsDark {
		t.Fatal("a light background kept the dark styles")
	}
	if fg(light.Text.GetForeground()) == fg(dark.Text.GetForeground()) {
		t.Fatal("light and dark text have the same colour")
	}
	if fg(m.help.Styles.ShortKey.GetForeground()) != fg(light.Help.ShortKey.GetForeground()) {
		t.Error("the help bar kept its styles")
	}
	if fg(m.regionsScreen().list.Styles.Title.GetBackground()) != fg(light.List.Title.GetBackground()) ||
		fg(m.regionsScreen().list.Styles.Title.GetBackground()) == fg(dark.List.Title.GetBackground()) {
		t.Error("the region list kept its styles")
	}
	after := m.View().Content
	if after == before || ansi.Strip(after) != ansi.Strip(before) || m.sessionScreen().scroll.View() == tab {
		t.Error("the session screen was not restyled (or its text changed)")
	}
}

// traceRow is a row of the trace list: its time and milliseconds vary from
// run to run.
var (
	traceRow = regexp.MustCompile(`(?m)^(.{4}\s*\d+ )\d\d:\d\d:\d\d( \S+\s+\S+\s+\S+)( +\d+)( .*)$`)
	hostPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// normaliseTrace fixes what varies in a trace list: times, durations, ports.
func normaliseTrace(s string) string {
	s = traceRow.ReplaceAllStringFunc(s, func(row string) string {
		p := traceRow.FindStringSubmatch(row)
		return p[1] + "09:30:00" + p[2] + fmt.Sprintf("%*d", len(p[3]), 1) + p[4]
	})
	return hostPort.ReplaceAllStringFunc(s, func(hp string) string {
		return "127.0.0.1:" + strings.Repeat("9", len(hp)-len("127.0.0.1:"))
	})
}

// TestGoldenConsoleAndTrace compares the console with a response and the
// trace list, without colours, at 80×24 with
// testdata/TestGoldenConsoleAndTrace/*.golden (go test ./ui -update
// rewrites them).
func TestGoldenConsoleAndTrace(t *testing.T) {
	console := consoleWithResponse(t, 80, 24, `{"tenantid":"b2a1e7c4-0001","name":"Mette Sørensen","roles":[1,2],"active":true,"note":null}`)
	traced, _ := tracedSession(t)
	traced.com.WorkDir = "/home/you"
	traced, _ = press(step(traced, tea.WindowSizeMsg{Width: 80, Height: 24}), "t")
	for name, view := range map[string]string{"console-80x24": screenText(console), "trace-80x24": normaliseTrace(screenText(traced))} {
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, view) })
	}
}
