package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"ssodesk/timefmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/transport"
)

// LoginKeys are the login screen's keys.
type LoginKeys struct {
	Cancel key.Binding
	Copy   key.Binding
	Retry  key.Binding
	Check  key.Binding // after a refusal (no URL to copy then): check the endpoint
	Report key.Binding // after a failure: write a diagnosis report
	// A login as another app: the address-bar URL pasted back.
	Send, Type, StopTyping key.Binding
}

func defaultLoginKeys() LoginKeys {
	return LoginKeys{
		Cancel:     bind("esc", "cancel"),
		Copy:       bind("c", "copy URL"),
		Retry:      key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "retry")),
		Check:      bind("c", "check endpoint"),
		Report:     reportKey(),
		Send:       bind("enter", "send the pasted URL"),
		Type:       bind("p", "type the URL"),
		StopTyping: bind("esc", "stop typing"),
	}
}

func (k LoginKeys) ShortHelp() []key.Binding { return []key.Binding{k.Cancel, k.Copy} }
func (k LoginKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Cancel, k.Copy, k.Retry, k.Check, k.Report}}
}

// loginModel shows a login in progress, step by step.
type loginModel struct {
	com *Common
	screenContext
	keys     LoginKeys
	req      LoginRequest
	title    string // overrides the title ("" = from req)
	region   config.Region
	spin     spinner.Model
	done     map[auth.Step]auth.Event
	warnings []string
	authURL  string
	err      error
	width    int
	height   int
	// The wait for the browser: since when (the browser step), the clock
	// (moved on by the spinner's ticks), how long the login waits, and
	// what the pre-flight found.
	waitStart time.Time
	now       time.Time
	timeout   time.Duration
	preflight string
	// For a report: every event as it came, when the login started and ended.
	events         []auth.Event
	started, ended time.Time
	// A login as another app (its redirect URI is no loopback): the
	// address-bar URL is pasted in box and sent to the login (pasteBack
	// from the listening step's event); sent counts the URLs sent.
	pasteBack bool
	box       pasteBox
	sent      int
}

// newLoginModel shows the login of req; title, when set, replaces the
// usual "Logging in at …".
func newLoginModel(com *Common, req LoginRequest, title string) loginModel {
	return loginModel{
		com:           com,
		screenContext: newScreenContext(),
		req:           req,
		title:         title,
		region:        req.Region,
		done:          map[auth.Step]auth.Event{},
		spin:          spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(com.Styles.Spinner)),
		keys:          defaultLoginKeys(),
		now:           com.Now(),
		started:       com.Now(),
		timeout:       cmp.Or(com.Cfg.LoginTimeout, config.DefaultLoginTimeout),
		box:           pasteBoxUnfocused("address-bar URL", maxPastedURL),
	}
}

// maxPastedURL bounds a pasted address-bar URL (as ssodesk login bounds a
// pasted line): a redirect URL is far shorter.
const maxPastedURL = 1 << 20

func pasteBoxUnfocused(what string, max int) pasteBox {
	b := newPasteBox(what, max)
	b.focused = false
	b.shown = transport.RedactURL // the code in it is a secret
	return b
}

func (m loginModel) SetSize(w, h int) screen                { m.width, m.height = w, h; return m }
func (m loginModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m loginModel) CapturesKeys() bool                     { return m.box.focused }

func (m loginModel) Restyle() screen {
	m.spin.Style = m.com.Styles.Spinner
	return m
}

func (m loginModel) Init() tea.Cmd { return m.spin.Tick }

func (m loginModel) failed() bool { return m.err != nil }

// fail shows why the login ended.
func (m *loginModel) fail(err error) { m.err, m.ended = err, m.com.Now() }

// event records one progress event.
func (m *loginModel) event(ev auth.Event) {
	m.now = m.com.Now()
	m.events = append(m.events, ev)
	switch ev.Step {
	case auth.StepWarning:
		m.warnings = append(m.warnings, explain.EventMsg(ev))
	case auth.StepStillWaiting: // the screen says it itself, with its timer
	default:
		m.done[ev.Step] = ev
		switch ev.Step {
		case auth.StepBrowser:
			m.authURL, m.waitStart = ev.URL, m.now
		case auth.StepPreflight:
			m.preflight = explain.EventMsg(ev)
		case auth.StepListening:
			m.pasteBack = ev.PasteBack
		}
	}
}

// refused reports whether the pre-flight found the IdP refuses the login.
func (m loginModel) refused() bool {
	_, ok := auth.IsRefused(m.err)
	return ok
}

func (m loginModel) Update(msg tea.Msg) (screen, tea.Cmd) { return m.update(msg) }

func (m loginModel) update(msg tea.Msg) (loginModel, tea.Cmd) {
	switch msg := msg.(type) {
	case loginFailedMsg:
		m.fail(msg.err)
	case loginEventMsg:
		m.event(msg.ev)
	case spinner.TickMsg:
		if m.failed() {
			return m, nil
		}
		m.now = m.com.Now() // the wait's timer
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.PasteMsg:
		if m.pasting() {
			m.box.Update(msg)
		}
	case tea.KeyPressMsg:
		if m.pasting() {
			if cmd, ok := m.pasteKey(msg); ok {
				return m, cmd
			}
		}
		switch {
		case key.Matches(msg, m.keys.Cancel):
			return m, emit(cancelLoginMsg{failed: m.failed()})
		case m.failed() && key.Matches(msg, m.keys.Retry):
			return m, emit(retryLoginMsg{})
		case m.failed() && key.Matches(msg, m.keys.Report):
			return m, emit(openReportMsg{})
		case m.refused() && key.Matches(msg, m.keys.Check):
			return m, emit(openCheckMsg{region: m.region})
		case key.Matches(msg, m.keys.Copy) && m.authURL != "":
			return m, tea.SetClipboard(m.authURL)
		}
	}
	return m, nil
}

// pasting reports whether the login waits for a pasted address-bar URL.
func (m loginModel) pasting() bool { return m.pasteBack && m.waiting() }

// pasteKey handles the keys of the pasted URL: enter sends it (the login's
// warning says when it is refused: paste again), p types it, esc stops
// typing; ok is false for a key that is not one of them.
func (m *loginModel) pasteKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.keys.Send) && strings.TrimSpace(m.box.Value()) != "":
		text := strings.TrimSpace(m.box.Value())
		m.box.Reset()
		m.box.focused = false
		m.sent++
		return emit(pastedURLMsg{text: text}), true
	case m.box.focused && key.Matches(msg, m.keys.StopTyping):
		m.box.focused = false
		return nil, true
	case !m.box.focused && key.Matches(msg, m.keys.Type):
		m.box.focused = true
		return nil, true
	case m.box.focused:
		m.box.Update(msg)
		return nil, true
	}
	return nil, false
}

// pasteView is the box the address-bar URL is pasted in, and what became
// of the last one.
func (m loginModel) pasteView() string {
	if !m.pasting() {
		return ""
	}
	s := m.com.Styles
	out := "\n" + s.Title.Render("Address-bar URL after the login:") + "\n" + strings.Join(m.box.View(s, m.width, 3), "\n") + "\n"
	if r := m.box.Refusal(); r != "" {
		out += wrapStyled(s.Error, r, m.width) + "\n"
	}
	hint := "paste it (the terminal's paste) and press enter; p types it"
	if m.sent > 0 {
		hint = fmt.Sprintf("%d sent; a warning above says when one is refused: paste the whole URL again", m.sent)
	}
	return out + wrapStyled(s.Subtle, hint, m.width) + "\n"
}

func (m loginModel) View() string {
	s := m.com.Styles
	var b strings.Builder
	title := "Logging in at " + m.region.Name
	if m.req.ForceChoose {
		title = "Switching account at " + m.region.Name + " (forcechoose)"
	}
	if m.title != "" {
		title = m.title
	}
	b.WriteString(fitParts([]string{s.Title.Render(title), s.Subtle.Render(m.region.Issuer)}, " ", m.width) + "\n\n")
	b.WriteString(m.stepsView())
	for _, w := range m.warnings {
		b.WriteString(wrapStyled(s.Warn, "! "+w, m.width) + "\n")
	}
	switch p, refused := auth.IsRefused(m.err); {
	case refused:
		b.WriteString(refusedView(s, p, m.width))
	case m.err != nil:
		b.WriteString("\n" + wrapStyled(s.Error, explainLoginError(m.err, m.waitingIn()), m.width) + "\n")
		b.WriteString(s.Subtle.Render("t shows every HTTP exchange of this login, to see which one failed.") + "\n")
	}
	if m.authURL != "" {
		b.WriteString("\n" + s.Subtle.Render("Authorize URL (opens in your browser; press c to copy):") + "\n")
		b.WriteString(s.URL.Render(hardWrap(m.authURL, m.width)) + "\n")
	}
	b.WriteString(m.pasteView())
	b.WriteString(m.hintView())
	return clipLines(strings.Join(wrapLines(b.String(), m.width), "\n"), m.height)
}

// stepsView lists the steps done, then the one waited for (or failed).
func (m loginModel) stepsView() string {
	s := m.com.Styles
	var b strings.Builder
	pendingShown := false
	for i, step := range auth.Steps {
		ev, ok := m.done[step]
		switch {
		case !ok && m.passed(auth.Steps[i+1:]):
			continue // a step this login did without (a pre-flight of a flow that has none)
		case ok:
			b.WriteString(s.OK.Render("✓ ") + s.Text.Render(explain.EventMsg(ev)) + "\n")
		case pendingShown:
		case m.failed():
			b.WriteString(s.Error.Render("✗ "+step.Pending()) + "\n")
		default:
			b.WriteString(m.spin.View() + " " + s.Text.Render(step.Pending()+"…") + m.timerView(step) + "\n")
		}
		pendingShown = pendingShown || !ok
	}
	return b.String()
}

// passed reports whether any of steps is done.
func (m loginModel) passed(steps []auth.Step) bool {
	for _, st := range steps {
		if _, ok := m.done[st]; ok {
			return true
		}
	}
	return false
}

func (m loginModel) KeyMap() help.KeyMap {
	k := m.keys
	switch {
	case m.refused():
		return keyMap{short: []key.Binding{k.Check, k.Retry, k.Report, k.Cancel}, full: [][]key.Binding{{k.Check, k.Retry, k.Report, k.Cancel}}}
	case m.failed():
		return keyMap{short: []key.Binding{k.Retry, k.Report, k.Cancel}, full: [][]key.Binding{{k.Retry, k.Report, k.Cancel}}}
	}
	if m.pasting() {
		keys := []key.Binding{k.Send, k.Type, k.Cancel, k.Copy}
		if m.box.focused {
			keys = []key.Binding{k.Send, m.box.keys.Clear, k.StopTyping}
		}
		return keyMap{short: keys, full: [][]key.Binding{keys}}
	}
	return keyMap{short: k.ShortHelp(), full: [][]key.Binding{{k.Cancel, k.Copy}}}
}

// waiting reports whether the login waits for the browser to come back.
func (m loginModel) waiting() bool {
	_, called := m.done[auth.StepCallback]
	return !m.waitStart.IsZero() && !called && !m.failed()
}

// waited is how long the login has waited for the browser.
func (m loginModel) waited() time.Duration {
	return max(m.now.Sub(m.waitStart), 0).Truncate(time.Second)
}

// timerView is the wait's timer (elapsed, time left) for the step waited
// for, when it is the browser's answer.
func (m loginModel) timerView(step auth.Step) string {
	if step != auth.StepCallback || !m.waiting() {
		return ""
	}
	left := max(m.timeout-m.waited(), 0)
	return " " + m.com.Styles.Subtle.Render(timefmt.Short(m.waited())+" · "+timefmt.Short(left)+" left")
}

// hintView says what to check after auth.WaitHintAfter without an
// answer from the browser.
func (m loginModel) hintView() string {
	if !m.waiting() || m.waited() < auth.WaitHintAfter || m.pasteBack {
		return "" // a login as another app: the paste-back hint says what to do
	}
	s := m.com.Styles
	out := "\n" + wrapStyled(s.Warn, "No answer from the browser yet. Check:", m.width) + "\n"
	port := "" // the port the login listens on, for the hint's ssh -L
	if u, err := url.Parse(m.done[auth.StepListening].URL); err == nil {
		port = u.Port()
	}
	for _, h := range explain.WaitHintPort(m.preflight, "press c to copy it", m.waitingIn(), port) {
		out += wrapStyled(s.Text, "• "+h, m.width) + "\n"
	}
	if !m.region.IsGlobal() { // a regional endpoint lists only its own region's accounts
		out += wrapStyled(s.Text, "• "+explain.RegionalAccountsOnly(m.region.Name), m.width) + "\n"
	}
	return out
}

// waitingIn is where this login waits, for explain's words on a browser
// that cannot reach this machine: the TUI, or the demo's TUI.
func (m loginModel) waitingIn() explain.Waiting {
	if m.com.Demo {
		return explain.WaitDemo
	}
	return explain.WaitTUI
}

// refusedView is the verdict of a pre-flight that found the IdP refuses
// the login: why and what fixes it, what the IdP said, what to do next.
func refusedView(s *Styles, p *auth.Preflight, width int) string {
	out := "\n" + wrapStyled(s.Error, explain.PreflightRefusedTitle, width) + "\n"
	out += wrapStyled(s.Text, upperFirst(explain.PreflightSummary(p))+".", width) + "\n"
	if d := explain.PreflightDetail(p); d != "" {
		out += wrapStyled(s.Subtle, d, width) + "\n"
	}
	return out + "\n" + wrapStyled(s.Subtle, "No browser was opened. c checks this endpoint in full; enter tries again; esc picks another region.", width) + "\n"
}

// upperFirst capitalises a sentence's first letter.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// explainLoginError turns a login error into one plain sentence or two.
func explainLoginError(err error, w explain.Waiting) string {
	switch {
	case errors.Is(err, auth.ErrCancelled):
		return "You cancelled at the IdP. Press enter to try again or esc to pick another region."
	case errors.Is(err, auth.ErrNoClientID):
		return err.Error()
	}
	if errors.Is(err, context.Canceled) {
		return "Login cancelled."
	}
	return "Login failed: " + explain.ErrorIn(err, w)
}
