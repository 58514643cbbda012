package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
)

type screen int

const (
	screenRegions screen = iota
	screenLogin
	screenSession
	screenAPI
	screenTrace
	screenCompare // a regional re-login's two sessions side by side
)

// tickMsg refreshes the session screen's countdowns once a second.
type tickMsg struct{ id int }

// Model is the root of the TUI: a state machine over the screens.
type Model struct {
	com     *Common
	keys    GlobalKeys
	help    help.Model
	screen  screen
	regions regionsModel
	login   loginModel
	session sessionModel
	console consoleModel
	trace   traceModel
	compare compareModel

	run        loginRun // the login in flight; run.id 0 = none
	nextID     int
	tickID     int
	switching  bool // a switch-account login runs; the session stays until it succeeds
	relogining bool // a regional re-login runs; likewise
}

// New returns the root model.
func New(com *Common) Model {
	if com.Now == nil {
		com.Now = time.Now
	}
	if com.Styles == nil {
		com.Styles = NewStyles(true)
	}
	if com.HTTP == nil {
		com.HTTP = auth.NewHTTPClient(com.Cfg.HTTPTimeout)
	}
	if com.Refresh == nil {
		com.Refresh = func(ctx context.Context, res *auth.Result) (*auth.Refreshed, error) { return res.Refresh(ctx) }
	}
	if com.Relogin == nil {
		com.Relogin = DefaultRelogin(com.Cfg, com.HTTP, com.Store)
	}
	h := help.New()
	h.Styles = help.DefaultStyles(com.Styles.IsDark)
	return Model{com: com, keys: DefaultGlobalKeys(), help: h, regions: newRegionsModel(com)}
}

// Init asks the terminal for its background colour (light/dark styles) and
// probes the regions' health.
func (m Model) Init() tea.Cmd { return tea.Batch(tea.RequestBackgroundColor, m.regions.Init()) }

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.Width, m.com.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.com.Styles = NewStyles(msg.IsDark())
		m.help.Styles = help.DefaultStyles(msg.IsDark())
		m.regions.setStyles()
		m.session.refresh()
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case startLoginMsg:
		return m.startLogin(LoginRequest{Region: msg.region})
	case loginEventMsg:
		if msg.id != m.run.id {
			return m, nil // a cancelled login's late news
		}
		m.login.event(msg.ev)
		return m, m.run.next()
	case loginDoneMsg:
		if msg.id != m.run.id {
			return m, nil
		}
		m.run = loginRun{}
		var verr *auth.VerifyError
		if msg.err != nil && !(errors.As(msg.err, &verr) && msg.res != nil) {
			m.login.err = msg.err
			return m, nil
		}
		// A token that fails verification is still shown, with its report.
		return m.showSession(msg)
	case reloginDoneMsg:
		if msg.id != m.run.id {
			return m, nil
		}
		m.run = loginRun{}
		var verr *auth.VerifyError
		if msg.out == nil || msg.out.Second == nil || msg.err != nil && !errors.As(msg.err, &verr) {
			m.login.err = msg.err
			return m, nil
		}
		return m.showRelogin(msg)
	case apiResultMsg:
		if msg.gen != m.console.gen {
			return m, nil
		}
		var cmds []tea.Cmd
		var cmd tea.Cmd
		m.console, cmd = m.console.Update(msg)
		cmds = append(cmds, cmd)
		if msg.refreshed != nil { // refresh-and-retry: the session has new tokens too
			m.session, cmd = m.session.Update(refreshedMsg{gen: m.session.gen, out: msg.refreshed})
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	case traceTickMsg:
		if m.screen != screenTrace {
			return m, nil // the screen was left: stop re-reading
		}
		var cmd tea.Cmd
		m.trace, cmd = m.trace.Update(msg)
		return m, cmd
	case healthMsg:
		var cmd tea.Cmd
		m.regions, cmd = m.regions.Update(msg)
		return m, cmd
	case tickMsg:
		if msg.id != m.tickID {
			return m, nil
		}
		if m.screen == screenSession && m.session.tab == tabSummary {
			m.session.refresh() // the access token's countdown
		}
		return m, m.tick()
	}
	return m.updateScreen(msg)
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.ForceQuit) {
		m.cancelLogin()
		return m, tea.Quit
	}
	// Focus guard: while a text input has focus, keys go only to it.
	if m.screen == screenRegions && m.regions.capturesKeys() || m.screen == screenAPI && m.console.capturesKeys() ||
		m.screen == screenTrace && m.trace.capturesKeys() {
		return m.updateScreen(msg)
	}
	if key.Matches(msg, m.keys.Trace) && m.screen != screenRegions && m.screen != screenTrace && m.com.Trace != nil {
		m.nextID++
		m.trace = newTraceModel(m.com, m.screen, m.nextID)
		m.screen = screenTrace
		m.resize()
		return m, m.trace.Init()
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.cancelLogin()
		return m, tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
		return m, nil
	}
	switch m.screen {
	case screenLogin:
		switch {
		case key.Matches(msg, m.login.keys.Cancel):
			m.cancelLogin()
			if m.switching || m.relogining {
				what := "switch account"
				if m.relogining {
					what = "regional re-login"
				}
				m.switching, m.relogining = false, false
				m.screen = screenSession
				m.session.setStatus(what+" cancelled; still logged in as before", false)
				m.resize()
				return m, nil
			}
			notice := "Login cancelled; the loopback listener is closed."
			if m.login.failed() {
				notice = ""
			}
			return m.showRegions(notice), nil
		case m.login.failed() && key.Matches(msg, m.login.keys.Retry):
			if m.relogining {
				return m.startRelogin(m.session.res, m.login.region)
			}
			return m.startLogin(m.login.req)
		}
	case screenSession:
		switch {
		case key.Matches(msg, m.session.keys.NewLogin):
			return m.showRegions(""), nil
		case key.Matches(msg, m.session.keys.Switch):
			// HIMSA: forcechoose makes the IdP show its account chooser.
			m.switching = true
			return m.startLogin(LoginRequest{Region: m.session.res.Region, ForceChoose: true})
		case key.Matches(msg, m.session.keys.Relogin):
			if m.session.relogin != nil { // this is the regional session: show both again
				m.screen = screenCompare
				m.resize()
				return m, nil
			}
			target, err := auth.ReloginTarget(m.session.res, m.com.Cfg.Regions)
			if err != nil {
				m.session.setStatus("no regional re-login: "+err.Error(), true)
				return m, nil
			}
			return m.startRelogin(m.session.res, target)
		case key.Matches(msg, m.session.keys.Console):
			if m.console.res == nil || m.console.res.Claim("sub") != m.session.res.Claim("sub") ||
				m.console.res.Region != m.session.res.Region { // a regional re-login: that region's API base
				m.nextID++
				m.console = newConsoleModel(m.com, m.session.res, m.nextID)
			}
			m.console.res = m.session.res // the freshest tokens
			m.screen = screenAPI
			m.resize()
			return m, nil
		}
	case screenAPI:
		if key.Matches(msg, m.console.keys.Back) {
			m.screen = screenSession
			m.resize()
			return m, nil
		}
	case screenCompare:
		if key.Matches(msg, m.compare.keys.Back) {
			m.screen = screenSession
			m.resize()
			return m, nil
		}
	case screenTrace:
		if key.Matches(msg, m.trace.keys.Back) && !m.trace.leaveDetail() {
			m.screen = m.trace.back
			m.resize()
			return m, nil
		}
		if key.Matches(msg, m.trace.keys.Back) {
			return m, nil
		}
	}
	return m.updateScreen(msg)
}

func (m Model) updateScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.screen {
	case screenRegions:
		m.regions, cmd = m.regions.Update(msg)
	case screenLogin:
		m.login, cmd = m.login.Update(msg)
	case screenSession:
		m.session, cmd = m.session.Update(msg)
	case screenAPI:
		m.console, cmd = m.console.Update(msg)
	case screenTrace:
		m.trace, cmd = m.trace.Update(msg)
	case screenCompare:
		m.compare, cmd = m.compare.Update(msg)
	}
	return m, cmd
}

func (m Model) startLogin(req LoginRequest) (tea.Model, tea.Cmd) {
	m.cancelLogin()
	m.nextID++
	run, cmd := startLogin(m.nextID, m.com.Login, req)
	m.run = run
	m.screen = screenLogin
	m.login = newLoginModel(m.com, req)
	m.resize()
	return m, tea.Batch(cmd, m.login.Init())
}

func (m Model) showSession(msg loginDoneMsg) (tea.Model, tea.Cmd) {
	m.screen = screenSession
	m.switching, m.relogining = false, false
	m.session = newSessionModel(m.com, msg.res, msg.id)
	switch {
	case msg.err != nil:
		m.session.setStatus(msg.err.Error(), true)
	case msg.res.LoadedFrom != "":
		m.session.setStatus(strings.Join(append([]string{"loaded the kept session (" + msg.res.LoadedFrom + ")"}, msg.res.Notes...), "; ")+
			"; n logs in anew, s switches account", false)
	case len(msg.res.Notes) > 0:
		m.session.setStatus(strings.Join(msg.res.Notes, "; "), false)
	}
	m.resize()
	m.tickID++
	return m, tea.Batch(m.tick(), m.session.Init())
}

func (m Model) showRegions(notice string) Model {
	m.screen = screenRegions
	m.regions.notice = notice
	m.resize()
	return m
}

func (m Model) tick() tea.Cmd {
	id := m.tickID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{id: id} })
}

// cancelLogin stops the login in flight, if any; its port is freed when
// auth.Login returns.
func (m *Model) cancelLogin() {
	if m.run.cancel != nil {
		m.run.cancel()
	}
	m.run = loginRun{}
}

// bodySize is the space left for the active screen.
func (m Model) bodySize() (int, int) {
	frame := m.com.Styles.App.GetHorizontalFrameSize()
	w := max(m.com.Width-frame, 1)
	h := max(m.com.Height-lineCount(m.headerView())-lineCount(m.footerView()), 1)
	return w, h
}

func (m *Model) resize() {
	w, h := m.bodySize()
	m.help.SetWidth(w)
	m.regions.SetSize(w, h)
	m.login.SetSize(w, h)
	m.session.SetSize(w, h)
	if m.console.res != nil {
		m.console.SetSize(w, h)
	}
	m.trace.SetSize(w, h)
	if m.compare.rel != nil {
		m.compare.SetSize(w, h)
	}
}

func (m Model) headerView() string {
	s := m.com.Styles
	h := s.Header.Render("ssodesk")
	if m.com.Demo {
		h += " " + s.Badge.Render("DEMO")
	}
	if id := m.com.Cfg.ClientID; id != "" {
		h += " " + s.Subtle.Render("client "+id)
	}
	return h
}

// screenView is what the root needs from the active screen to draw it.
type screenView interface {
	View() string
	helpKeys() []key.Binding
}

func (m Model) active() screenView {
	switch m.screen {
	case screenLogin:
		return m.login
	case screenSession:
		return m.session
	case screenAPI:
		return m.console
	case screenTrace:
		return m.trace
	case screenCompare:
		return m.compare
	}
	return m.regions
}

func (m Model) footerView() string {
	short := m.active().helpKeys()
	if m.screen == screenLogin || m.screen == screenSession || m.screen == screenAPI || m.screen == screenCompare {
		short = append(short[:len(short):len(short)], m.keys.Trace)
	}
	return m.help.View(screenKeys{short: short, global: m.keys})
}

// View draws header, the active screen and the help bar, cut to the window.
func (m Model) View() tea.View {
	w, h := m.bodySize()
	content := m.headerView() + "\n" + fit(m.active().View(), w, h) + "\n" + m.footerView()
	v := tea.NewView(m.com.Styles.App.Render(fit(content, w, max(m.com.Height, 1))))
	v.AltScreen = true
	v.WindowTitle = "ssodesk"
	return v
}

// fit cuts s to at most h lines of at most w cells, padding to h lines so
// the footer stays at the bottom.
func fit(s string, w, h int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
