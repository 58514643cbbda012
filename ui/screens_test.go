package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/session"
)

// ? shows the full help of the screen on show: the session's lists every
// key its Update handles, i, L, d and shift+tab among them.
func TestFullHelpIsTheScreens(t *testing.T) {
	m := sessionAt(t, 80, 24, sampleResult())
	if s := screenText(m); strings.Contains(s, "L log out") {
		t.Fatalf("the short help already lists L:\n%s", s)
	}
	m, _ = press(m, "?")
	wantAll(t, screenText(m), "i introspect", "L log out at the IdP", "d report", "shift+tab prev tab")
}

// helpKeys are the keys a help.KeyMap's full help names: each binding's
// keys and the keys its help text shows ("[/]" names [ and ]).
func helpKeys(bs [][]key.Binding) map[string]bool {
	out := map[string]bool{}
	for _, col := range bs {
		for _, b := range col {
			for _, k := range b.Keys() {
				out[k] = true
			}
			for _, k := range strings.Split(b.Help().Key, "/") {
				out[k] = true
			}
		}
	}
	return out
}

// Every screen of the table has a full help, and it names each key the
// screen's Update handles (spot-checked).
func TestEveryScreenHasItsFullHelp(t *testing.T) {
	handled := map[screenID][]string{
		screenRegions:     {"enter", "up", "down", "c", "/", "p", "u", "a"},
		screenLogin:       {"esc", "c"},
		screenSession:     {"tab", "shift+tab", "1", "up", "down", "r", "u", "i", "s", "c", "C", "v", "n", "a", "g", "L", "d", "pgup", "home"},
		screenAPI:         {"enter", "e", "1", "[", "]", "x", "R", "y", "v", "H", "esc", "tab", "shift+tab", "pgup"},
		screenTrace:       {"up", "down", "enter", "x", "esc", "pgup"},
		screenCompare:     {"esc", "up", "pgup"},
		screenCheck:       {"r", "esc", "up", "down"},
		screenLogout:      {"enter"},
		screenReport:      {"enter", "tab", "esc"},
		screenHARFlows:    {"up", "down", "enter", "d", "w", "esc", "pgup"},
		screenHARFlow:     {"tab", "shift+tab", "enter", "v", "d", "w", "esc", "up", "pgup"},
		screenHARToken:    {"up", "down", "v", "c", "d", "w", "esc", "pgup"},
		screenHARSave:     {"enter", "tab", "esc"},
		screenPasteToken:  {"enter", "ctrl+u", "esc"},
		screenPastedToken: {"up", "down", "v", "c", "esc", "pgup"},
		screenPasteURL:    {"n", "up", "down", "esc", "pgup"},
		screenAppForm:     {"enter", "tab", "shift+tab", "esc"},
		screenLoginParams: {"enter", "tab", "shift+tab", "esc"},
		screenSessions:    {"up", "down", "enter", "x", "space", "=", "c", "esc", "pgup"},
		screenSessionDiff: {"up", "down", "esc", "pgup", "home"},
		screenEnvDiff:     {"up", "down", "esc"},
	}
	seen := map[screenID]bool{}
	for name, m := range everyScreen(t, 80, 24) {
		id := m.active
		seen[id] = true
		full := m.screens[id].KeyMap().FullHelp()
		if len(full) == 0 {
			t.Errorf("%s: no full help", name)
		}
		keys := helpKeys(full)
		for _, k := range handled[id] {
			if !keys[k] {
				t.Errorf("%s: the full help lacks %q", name, k)
			}
		}
	}
	for id := range numScreens {
		if !seen[id] {
			t.Errorf("everyScreen has no %v screen", id)
		}
	}
}

// spyScreen counts the Restyle calls of the screen it wraps.
type spyScreen struct {
	screen
	restyled *int
}

func (s spyScreen) Restyle() screen { *s.restyled++; return spyScreen{s.screen.Restyle(), s.restyled} }
func (s spyScreen) SetSize(w, h int) screen {
	return spyScreen{s.screen.SetSize(w, h), s.restyled}
}

// A background colour change restyles every screen of the table.
func TestRestyleReachesEveryScreen(t *testing.T) {
	m := newTestModel(80, 24)
	counts := make([]int, numScreens)
	for _, other := range everyScreen(t, 80, 24) {
		id := other.active
		m.screens[id] = spyScreen{other.screens[id], &counts[id]}
	}
	m = step(m, tea.BackgroundColorMsg{})
	for id := range numScreens {
		if counts[id] != 1 {
			t.Errorf("%v restyled %d times", id, counts[id])
		}
	}
}

// blocking is a service that waits for its context to end and says so.
type blocking struct {
	started chan struct{}
	ended   chan error
}

func newBlocking() *blocking {
	return &blocking{started: make(chan struct{}, 1), ended: make(chan error, 1)}
}

func (b *blocking) wait(ctx context.Context) error {
	b.started <- struct{}{}
	<-ctx.Done()
	b.ended <- ctx.Err()
	return ctx.Err()
}

// runUntilStarted runs cmd's messages in the background until the service
// has started.
func (b *blocking) runUntilStarted(t *testing.T, cmd tea.Cmd) {
	t.Helper()
	go collect(cmd)
	select {
	case <-b.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the service never started")
	}
}

// cancelled reports whether the service's context ended with Canceled.
func (b *blocking) cancelled(t *testing.T) {
	t.Helper()
	select {
	case err := <-b.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the context ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("leaving the screen did not cancel its work")
	}
}

// Work in flight ends when its screen is left: userinfo when the session
// is left for a new login, an API call when the console goes back, and
// everything when the program quits.
func TestLeavingAScreenCancelsItsWork(t *testing.T) {
	b := newBlocking()
	m := sessionAt(t, 80, 24, sampleResult())
	m.svc.UserInfo = func(ctx context.Context, _ *auth.Result) (*auth.UserInfo, error) { return nil, b.wait(ctx) }
	m, cmd := press(m, "u")
	b.runUntilStarted(t, cmd)
	m, _ = intend(t, m, "n")
	b.cancelled(t)

	m = sessionAt(t, 80, 24, sampleResult())
	m.svc.Call = func(ctx context.Context, _ *auth.Result, in session.CallInput) session.CallOutcome {
		return session.CallOutcome{Err: b.wait(ctx)}
	}
	m, _ = intend(t, m, "a")
	m, cmd = press(m, "enter")
	b.runUntilStarted(t, cmd)
	if m, _ = intend(t, m, "esc"); m.active != screenSession {
		t.Fatalf("esc: screen %v", m.active)
	}
	b.cancelled(t)
	m, cmd = press(m, "a") // the console again: its work runs on a new context
	m, cmd = press(step(m, run(cmd)), "enter")
	b.runUntilStarted(t, cmd)
	press(m, "q")
	b.cancelled(t)
}

// At 80×24 the session's header keeps who, the region and the verdict: the
// tenant gives way first.
func TestSessionHeaderAt80x24(t *testing.T) {
	clock := now
	res := sampleResult()
	res.Claims["name"] = "Emily Carter"
	res.Claims["email"] = "emily.carter@clearviewhearing.com"
	res.Claims["tenantid"] = "e2b8c0aa-5e71-4b7c-9a52-3c1f8f6a0d02"
	exp := now.Add(54 * time.Minute)
	res.Report.Checks[3] = check.Row{Name: "expiry", Status: check.Pass, Detail: "valid until 10:24", At: exp}
	res.Token.RefreshToken = "refresh-token"
	m := sessionAt(t, 80, 24, res)
	m.com.Now = func() time.Time { return clock }
	clock = exp.Add(2 * time.Minute)
	m = step(m, tickMsg{id: m.tickID})
	title := strings.Split(screenText(m), "\n")[1]
	wantAll(t, title, "Logged in as", "region eu", "✗ ID token expired 2m00s ago")
	if w := ansi.StringWidth(title); w > 80 || strings.Contains(title, "…") {
		t.Errorf("the header is cut (%d wide): %q", w, title)
	}
	for _, size := range [][2]int{{20, 5}, {40, 10}} {
		small := step(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		_ = small.View() // nothing panics
	}
}
