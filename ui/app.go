package ui

import (
	"errors"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

// screen is the root's state: the screen on show.
type screen int

const (
	screenRegions screen = iota
	screenLogin
	screenSession
	screenAPI
	screenTrace
	screenCompare // a regional re-login's two sessions side by side
	screenCheck   // an endpoint checked without logging in (ssodesk check)
	screenLogout  // a logout at the IdP, step by step
	screenReport  // the diagnosis report dialog, over the session or a failed login
)

// tickMsg refreshes the session screen's countdowns once a second.
type tickMsg struct{ id int }

// Model is the root of the TUI: a router. It keeps the state (which screen,
// which login runs), turns intents into transitions, and hands every other
// message to the screen it is for. It never reads or writes a screen's
// fields: it builds screens with their constructors and asks them through
// methods.
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
	check   checkModel
	report  reportModel
	logout  logoutModel

	run        loginRun      // the login in flight; run.id 0 = none
	attempt    intent        // what started the login on screen, for a retry
	endpoint   config.Region // where the last login went: the header names its environment and client
	traceFrom  screen        // where esc on the trace returns to
	reportFrom screen        // where esc on the report dialog returns to
	nextID     int
	tickID     int
	switching  bool         // a switch-account login runs; the session stays until it succeeds
	switchFrom *auth.Result // the session it switches from
	relogining bool         // a regional re-login runs; likewise
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
	if com.Login == nil || com.Relogin == nil || com.Refresh == nil || com.Logout == nil || com.Introspect == nil || com.UserInfo == nil || com.VerifyAccess == nil {
		com.defaultSessions()
	}
	if com.WorkDir == "" {
		com.WorkDir = workDir()
	}
	h := help.New()
	h.Styles = com.Styles.Help
	return Model{com: com, keys: DefaultGlobalKeys(), help: h, regions: newRegionsModel(com)}
}

// workDir is where relative file names go (the trace's HAR export).
func workDir() string {
	d, err := os.Getwd()
	if err != nil {
		return "the current directory"
	}
	return d
}

// Init asks the terminal for its background colour (light/dark styles) and
// probes the regions' health.
func (m Model) Init() tea.Cmd { return tea.Batch(tea.RequestBackgroundColor, m.regions.Init()) }

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) { return m.update(msg) }

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.Width, m.com.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		return m.restyle(NewStyles(msg.IsDark())), nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case intent:
		return m.transition(msg)
	case loginEventMsg:
		if msg.id != m.run.id {
			return m, nil // a cancelled login's late news
		}
		m.login, cmd = m.login.Update(msg)
		return m, tea.Batch(cmd, m.run.next())
	case apiResultMsg:
		return m.apiResult(msg)
	case inspectedMsg, userInfoMsg, refreshedMsg: // the session's own work, on any screen
		m.session, cmd = m.session.Update(msg)
		return m, cmd
	case harSavedMsg:
		m.trace, cmd = m.trace.Update(msg)
		return m, cmd
	case traceTickMsg, traceLoadedMsg:
		if m.screen != screenTrace {
			return m, nil // the screen was left: stop re-reading
		}
	case healthMsg, keptMsg:
		m.regions, cmd = m.regions.Update(msg)
		return m, cmd
	case reportWrittenMsg: // delivered on any screen
		m.report, cmd = m.report.Update(msg)
		return m, cmd
	case checkDoneMsg: // delivered even while the trace is on show
		m.check, cmd = m.check.Update(msg)
		return m, cmd
	case logoutDoneMsg:
		m.logout, cmd = m.logout.Update(msg)
		return m, cmd
	case tickMsg:
		if msg.id != m.tickID {
			return m, nil
		}
		if m.screen == screenSession {
			m.session, cmd = m.session.Update(msg) // the access token's countdown
		}
		return m, tea.Batch(cmd, m.tick())
	}
	return m.updateScreen(msg)
}

// handleKey: ctrl+c always quits; a focused text input gets every other
// key; then the global keys; then the screen's.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.ForceQuit):
		return m.transition(quitMsg{})
	case m.capturesKeys():
		return m.updateScreen(msg)
	case key.Matches(msg, m.keys.Quit):
		return m.transition(quitMsg{})
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
		return m, nil
	case key.Matches(msg, m.keys.Trace) && m.traceReachable():
		return m.transition(openTraceMsg{})
	}
	return m.updateScreen(msg)
}

// capturesKeys reports whether the screen's text input has focus.
func (m Model) capturesKeys() bool {
	switch m.screen {
	case screenRegions:
		return m.regions.capturesKeys()
	case screenAPI:
		return m.console.capturesKeys()
	case screenTrace:
		return m.trace.capturesKeys()
	case screenReport:
		return m.report.capturesKeys()
	}
	return false
}

// traceReachable: t opens the trace from every screen after the picker.
func (m Model) traceReachable() bool {
	return m.com.Trace != nil && m.screen != screenRegions && m.screen != screenTrace
}

// transition is the root's one state machine: every change of screen, and
// every login started or ended, happens here in answer to an intent.
func (m Model) transition(in intent) (Model, tea.Cmd) {
	switch in := in.(type) {
	case quitMsg:
		m.cancelLogin()
		return m, tea.Quit
	case loginRequestedMsg:
		return m.startLogin(in, LoginRequest{Region: in.region})
	case switchAccountMsg:
		m.switching, m.switchFrom = true, in.from
		return m.startLogin(in, LoginRequest{Region: in.region, ForceChoose: true})
	case reloginRequestedMsg:
		return m.startRelogin(in)
	case retryLoginMsg:
		if m.attempt == nil {
			return m, nil
		}
		return m.transition(m.attempt)
	case cancelLoginMsg:
		return m.leaveLogin(in.failed), nil
	case loginDoneMsg:
		return m.loginDone(in)
	case reloginDoneMsg:
		return m.reloginDone(in)
	case newLoginMsg:
		return m.showRegions(""), keptCmd(m.com.Kept) // a login since may have kept a session
	case openConsoleMsg:
		return m.openConsole(in.res), nil
	case openCompareMsg:
		return m.show(screenCompare), nil
	case logoutRequestedMsg:
		m.nextID++
		m.logout = newLogoutModel(m.com, in.res, m.nextID)
		m = m.show(screenLogout)
		return m, runLogout(m.com.Logout, in.res, m.nextID)
	case openCheckMsg:
		m.nextID++
		m.check = newCheckModel(m.com, in.region, m.nextID)
		m = m.show(screenCheck)
		return m, m.check.Init()
	case openTraceMsg:
		return m.openTrace()
	case openReportMsg:
		return m.openReport(in)
	case backMsg:
		return m.back(), nil
	}
	return m, nil
}

func (m Model) updateScreen(msg tea.Msg) (Model, tea.Cmd) {
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
	case screenCheck:
		m.check, cmd = m.check.Update(msg)
	case screenLogout:
		m.logout, cmd = m.logout.Update(msg)
	case screenReport:
		m.report, cmd = m.report.Update(msg)
	}
	return m, cmd
}

// show makes s the screen on show.
func (m Model) show(s screen) Model {
	m.screen = s
	m.resize()
	return m
}

func (m Model) startLogin(attempt intent, req LoginRequest) (Model, tea.Cmd) {
	m.cancelLogin()
	m.nextID++
	run, cmd := startLogin(m.nextID, m.com.Login, req)
	m.run, m.attempt, m.endpoint = run, attempt, req.Region
	m.login = newLoginModel(m.com, req, "")
	m = m.show(screenLogin)
	return m, tea.Batch(cmd, m.login.Init())
}

// leaveLogin ends the login screen: back to the session a switch or
// re-login started from, else to the picker.
func (m Model) leaveLogin(failed bool) Model {
	m.cancelLogin()
	if m.switching || m.relogining {
		what := explain.If(m.relogining, "regional re-login", "switch account")
		m.switching, m.relogining = false, false
		m.session.setStatus(what+" cancelled; still logged in as before", false)
		return m.show(screenSession)
	}
	return m.showRegions(explain.If(failed, "", "Login cancelled; the loopback listener is closed."))
}

func (m Model) loginDone(msg loginDoneMsg) (Model, tea.Cmd) {
	if msg.id != m.run.id {
		return m, nil // a cancelled login's late result
	}
	m.run = loginRun{}
	var verr *auth.VerifyError
	if msg.err != nil && !(errors.As(msg.err, &verr) && msg.res != nil) {
		m.login.fail(msg.err)
		return m, nil
	}
	// A token that fails verification is still shown, with its report.
	return m.showSession(msg.id, msg.res, msg.err)
}

func (m Model) showSession(id int, res *auth.Result, err error) (Model, tea.Cmd) {
	switched := m.switching && m.switchFrom != nil && err == nil
	m.switching, m.relogining = false, false
	m.endpoint = res.Region // the header names the session's environment
	m.session = newSessionModel(m.com, res, id)
	m.session.announce(err)
	if switched {
		from := m.switchFrom
		m.session.setStatus(explain.Switched(from.Who(), res.Who(), from.Claim("sub") == res.Claim("sub")), false)
	}
	m.tickID++
	m = m.show(screenSession)
	return m, tea.Batch(m.tick(), m.session.Init())
}

func (m Model) showRegions(notice string) Model {
	m.regions.setNotice(notice)
	return m.show(screenRegions)
}

// openConsole shows the API console for res's session: the one already
// made for it (with res's fresher tokens), else a new one.
func (m Model) openConsole(res *auth.Result) Model {
	if m.console.serves(res) {
		m.console.useTokens(res)
	} else {
		m.nextID++
		m.console = newConsoleModel(m.com, res, m.nextID)
	}
	return m.show(screenAPI)
}

func (m Model) openTrace() (Model, tea.Cmd) {
	m.nextID++
	m.trace = newTraceModel(m.com, m.nextID)
	m.traceFrom = m.screen
	m = m.show(screenTrace)
	return m, m.trace.Init()
}

// back leaves the screen for the one it was opened from.
func (m Model) back() Model {
	switch m.screen {
	case screenTrace:
		return m.show(m.traceFrom)
	case screenReport:
		return m.show(m.reportFrom)
	case screenAPI, screenCompare:
		return m.show(screenSession)
	case screenCheck:
		return m.showRegions("")
	}
	return m
}

// apiResult ends an API call; a refresh-and-retry's new tokens go to the
// session screen too.
func (m Model) apiResult(msg apiResultMsg) (Model, tea.Cmd) {
	var toConsole, toSession tea.Cmd
	m.console, toConsole = m.console.Update(msg)
	if msg.refreshed != nil {
		m.session, toSession = m.session.Update(tokensRefreshedMsg{out: msg.refreshed})
	}
	return m, tea.Batch(toConsole, toSession)
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

// restyle puts new styles (a light or dark background) on every screen.
func (m Model) restyle(s *Styles) Model {
	m.com.Styles = s
	m.help.Styles = s.Help
	m.regions.restyle()
	m.login.restyle()
	m.session.restyle()
	m.console.restyle()
	m.trace.restyle()
	m.compare.restyle()
	m.check.restyle()
	m.report.restyle()
	m.resize()
	return m
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
	m.console.SetSize(w, h)
	m.trace.SetSize(w, h)
	m.compare.SetSize(w, h)
	m.check.SetSize(w, h)
	m.logout.SetSize(w, h)
	m.report.SetSize(w, h)
}

func (m Model) headerView() string {
	s := m.com.Styles
	h := s.Header.Render("ssodesk")
	if m.com.Demo {
		h += " " + s.Badge.Render("DEMO")
	}
	env, cfg := m.regions.selectedEnv(), m.com.Cfg
	if m.screen != screenRegions && m.endpoint.Name != "" {
		env, cfg = m.endpoint.EnvLabel, cfg.For(m.endpoint)
	}
	if env != "" {
		h += " " + s.Title.Render(env)
	}
	if id := cfg.ClientID; id != "" {
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
	case screenCheck:
		return m.check
	case screenLogout:
		return m.logout
	case screenReport:
		return m.report
	}
	return m.regions
}

func (m Model) footerView() string {
	short := m.active().helpKeys()
	if m.screen != screenRegions && m.screen != screenTrace && m.screen != screenReport {
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
