package ui

import (
	"cmp"
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/session"
)

// tickMsg refreshes the session screen's countdowns once a second.
type tickMsg struct{ id int }

// targeted is a message for one screen wherever the user is (the result of
// a screen's work): the root hands it to that screen's row of the table.
type targeted interface{ target() screenID }

// Model is the root of the TUI: a router. It keeps the state (which screen,
// which login runs), turns intents into transitions, and hands every other
// message to the screen it is for. Its screens are one table (screens,
// indexed by screenID) driven only through the screen interface; it never
// reads or writes a screen's fields.
type Model struct {
	com  *Common
	svc  *Services
	help help.Model
	ctx  context.Context // the program's: quitting cancels it, and every screen's
	stop context.CancelFunc

	active  screenID
	screens [numScreens]screen             // nil: not built yet
	cancels [numScreens]context.CancelFunc // of each open screen's context; nil: closed
	opener  [numScreens]screenID           // the screen each was shown from (backOpener)

	run        loginRun      // the login in flight; run.id 0 = none
	attempt    intent        // what started the login on screen, for a retry
	endpoint   config.Region // where the last login went: the header names its environment and client
	consoleOf  *auth.Result  // the session the console was made for
	nextID     int
	tickID     int
	switching  bool          // a switch-account login runs; the session stays until it succeeds
	switchFrom *auth.Result  // the session it switches from
	relogining bool          // a regional re-login runs; likewise
	startHAR   string        // the HAR file Init opens (NewHAR); "" starts at the picker
	sessions   []openSession // every open session, in the order opened (sessions.go)
	cur        int           // the one the session screen shows; -1: none
}

// New returns the root model for com, its work done by svc (built by cli).
// It fills what com leaves unset (the clock, the styles, the keys) in a
// copy: the caller's Common is not changed.
func New(common *Common, svc *Services) Model {
	c := *common
	com := &c
	if com.Now == nil {
		com.Now = time.Now
	}
	if com.Styles == nil {
		com.Styles = NewStyles(true)
	}
	if len(com.Keys.Quit.Keys()) == 0 {
		com.Keys = DefaultGlobalKeys()
	}
	com.WorkDir = cmp.Or(com.WorkDir, "the current directory")
	if svc == nil {
		svc = &Services{}
	}
	h := help.New()
	h.Styles = com.Styles.Help
	ctx, stop := context.WithCancel(context.Background())
	m := Model{com: com, svc: svc, help: h, ctx: ctx, stop: stop, cur: -1}
	m.open(screenRegions, newRegionsModel(com, svc))
	return m.show(screenRegions)
}

// NewHAR is New starting on the flows screen of the HAR file at path
// (ssodesk har FILE in a terminal); esc goes to the picker.
func NewHAR(common *Common, svc *Services, path string) Model {
	m := New(common, svc)
	m.startHAR = path
	return m
}

// Init asks the terminal for its background colour (light/dark styles) and
// probes the regions' health, or opens the HAR file NewHAR was given (no
// probe then: a HAR's diagnosis asks nothing of the network).
func (m Model) Init() tea.Cmd {
	if m.startHAR != "" {
		return tea.Batch(tea.RequestBackgroundColor, emit(openHARMsg{path: m.startHAR}))
	}
	return tea.Batch(tea.RequestBackgroundColor, m.screens[screenRegions].Init())
}

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) { return m.update(msg) }

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
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
		m, cmd := m.updateScreen(screenLogin, msg)
		return m, tea.Batch(cmd, m.run.next())
	case apiResultMsg:
		return m.apiResult(msg)
	case traceTickMsg, traceLoadedMsg:
		if m.active != screenTrace {
			return m, nil // the screen was left: stop re-reading
		}
	case tickMsg:
		return m.tick(msg)
	case targeted:
		return m.updateScreen(msg.target(), msg)
	}
	return m.updateScreen(m.active, msg)
}

// handleKey: ctrl+c always quits; a focused text input gets every other
// key; then the global keys; then the screen's.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.com.Keys
	switch {
	case key.Matches(msg, k.ForceQuit):
		return m.transition(quitMsg{})
	case m.screens[m.active].CapturesKeys():
	case key.Matches(msg, k.Quit):
		return m.transition(quitMsg{})
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
		return m, nil
	case key.Matches(msg, k.Trace) && m.traceReachable():
		return m.transition(openTraceMsg{})
	case key.Matches(msg, k.Sessions) && m.sessionsReachable():
		return m.transition(openSessionsMsg{})
	}
	return m.updateScreen(m.active, msg)
}

// traceReachable: t opens the trace from every screen after the picker.
func (m Model) traceReachable() bool {
	return m.svc.Trace != nil && !screenSpecs[m.active].noTrace
}

// transition is the root's one state machine: every change of screen, and
// every login started or ended, happens here in answer to an intent.
func (m Model) transition(in intent) (Model, tea.Cmd) {
	switch in := in.(type) {
	case quitMsg:
		m.cancelLogin()
		m.stop() // every screen's work
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
		return m.leaveLogin(in.failed)
	case pastedURLMsg:
		return m, m.run.sendPasted(in.text)
	case loginDoneMsg:
		return m.loginDone(in)
	case reloginDoneMsg:
		return m.reloginDone(in)
	case newLoginMsg:
		m.park() // the session stays open: S lists it
		m.closeSession()
		return m.showRegions("", keptCmd(m.svc.Kept)) // a login since may have kept a session
	case openConsoleMsg:
		return m.openConsole(in.res)
	case openCompareMsg:
		return m.show(screenCompare), nil
	case logoutRequestedMsg:
		m.nextID++
		m.dropCurrent()
		return m.openShow(screenLogout, newLogoutModel(m.com, m.svc, in.res, m.nextID))
	case openCheckMsg:
		m.nextID++
		return m.openShow(screenCheck, newCheckModel(m.com, m.svc, in.region, m.nextID))
	case openTraceMsg:
		m.nextID++
		return m.openShow(screenTrace, newTraceModel(m.com, m.svc, m.nextID))
	case openReportMsg:
		return m.openReport(in)
	case openHARMsg, openHARFlowMsg, openHARTokenMsg, openHARSaveMsg, harVerifiedMsg:
		return m.harTransition(in)
	case openPasteTokenMsg, openPastedTokenMsg, openPasteURLMsg, openAppFormMsg, openAppCheckMsg, openLoginParamsMsg, loginWithParamsMsg:
		return m.pasteTransition(in)
	case openSessionsMsg, switchSessionMsg, closeSessionMsg, compareSessionsMsg, openEnvDiffMsg:
		return m.sessionsTransition(in)
	case backMsg:
		return m.back()
	}
	return m, nil
}

// updateScreen hands msg to screen id (a screen not built drops it).
func (m Model) updateScreen(id screenID, msg tea.Msg) (Model, tea.Cmd) {
	if m.screens[id] == nil {
		return m, nil
	}
	var cmd tea.Cmd
	m.screens[id], cmd = m.screens[id].Update(msg)
	return m, cmd
}

// open puts s in the table as screen id, closing the one it replaces.
func (m *Model) open(id screenID, s screen) {
	m.close(id)
	w, h := m.bodySize()
	m.screens[id] = s.SetSize(w, h)
}

// close cancels the work of screen id, if it is open.
func (m *Model) close(id screenID) {
	if c := m.cancels[id]; c != nil {
		c()
		m.cancels[id] = nil
	}
}

// closeSession ends the session's screens (and their work): the user left
// the session for good.
func (m *Model) closeSession() {
	for _, id := range []screenID{screenSession, screenAPI, screenCompare} {
		m.close(id)
	}
}

// show makes id the screen on show, with a new context when it was closed.
func (m Model) show(id screenID) Model {
	if m.screens[id] == nil {
		return m // never built: nothing to show
	}
	if m.cancels[id] == nil {
		ctx, cancel := context.WithCancel(m.ctx)
		m.cancels[id], m.screens[id] = cancel, m.screens[id].WithContext(ctx)
	}
	if id != m.active {
		m.opener[id] = m.active
	}
	m.active = id
	m.resize()
	return m
}

// openShow opens s as screen id, shows it and starts it.
func (m Model) openShow(id screenID, s screen) (Model, tea.Cmd) {
	m.open(id, s)
	m = m.show(id)
	return m, m.screens[id].Init()
}

// back leaves the screen, closing it, for the one its spec names.
func (m Model) back() (Model, tea.Cmd) {
	to := screenSpecs[m.active].back
	switch to {
	case backNowhere:
		return m, nil
	case backOpener:
		to = m.opener[m.active]
	}
	if m.screens[to] == nil {
		to = screenRegions // the screen it came from is gone (its session was closed)
	}
	m.close(m.active)
	if to == screenRegions {
		var start tea.Cmd
		if m.startHAR != "" { // ssodesk har FILE: the picker shows for the first time
			m.startHAR, start = "", m.screens[screenRegions].Init()
		}
		return m.showRegions("", start)
	}
	return m.show(to), nil
}

func (m Model) showRegions(notice string, cmd tea.Cmd) (Model, tea.Cmd) {
	m, c := m.updateScreen(screenRegions, noticeMsg{notice})
	return m.show(screenRegions), tea.Batch(cmd, c)
}

func (m Model) startLogin(attempt intent, req LoginRequest) (Model, tea.Cmd) {
	m.cancelLogin()
	m.nextID++
	var paste chan string
	if cfg, err := m.com.Cfg.For(req.Region); err == nil && !config.IsLoopbackRedirect(cfg.RedirectURI) {
		paste = make(chan string) // another app's redirect URI: the address-bar URL is pasted back
		req.Pasted = paste
	}
	id, login := m.nextID, m.svc.Login
	run, cmd := startRun(m.ctx, id, func(ctx context.Context, progress func(auth.Event)) tea.Msg {
		res, err := login(ctx, req, progress)
		return loginDoneMsg{id: id, res: res, err: err}
	})
	run.paste = paste
	m.run, m.attempt, m.endpoint = run, attempt, req.Region
	m, init := m.openShow(screenLogin, newLoginModel(m.com, req, ""))
	return m, tea.Batch(cmd, init)
}

// startRelogin runs a regional re-login after in.first at in.target
// (HIMSA 2a) on the login screen; the first session stays until it succeeds.
func (m Model) startRelogin(in reloginRequestedMsg) (Model, tea.Cmd) {
	m.cancelLogin()
	m.nextID++
	id, relogin, first := m.nextID, m.svc.Relogin, in.first
	run, cmd := startRun(m.ctx, id, func(ctx context.Context, progress func(auth.Event)) tea.Msg {
		out, err := relogin(ctx, first, progress)
		return reloginDoneMsg{id: id, out: out, err: err}
	})
	m.run, m.attempt, m.relogining = run, in, true
	title := "Regional re-login at " + in.target.Name + " (HIMSA 2a): prompt=none first"
	m, init := m.openShow(screenLogin, newLoginModel(m.com, LoginRequest{Region: in.target}, title))
	return m, tea.Batch(cmd, init)
}

// leaveLogin ends the login screen: back to the session a switch or
// re-login started from, else to the picker.
func (m Model) leaveLogin(failed bool) (Model, tea.Cmd) {
	m.cancelLogin()
	m.close(screenLogin)
	if m.switching || m.relogining {
		what := explain.If(m.relogining, "regional re-login", "switch account")
		m.switching, m.relogining = false, false
		m, cmd := m.updateScreen(screenSession, statusMsg{text: what + " cancelled; still logged in as before"})
		return m.show(screenSession), cmd
	}
	m.endpoint = m.currentEndpoint() // the header names the session on screen again, not the login that ended
	return m.showRegions(explain.If(failed, "", "Login cancelled; the loopback listener is closed."), nil)
}

func (m Model) loginDone(msg loginDoneMsg) (Model, tea.Cmd) {
	if msg.id != m.run.id {
		return m, nil // a cancelled login's late result
	}
	m.run = loginRun{}
	if !session.Shown(msg.res, msg.err) { // a token that fails verification is still shown, with its report
		return m.updateScreen(screenLogin, loginFailedMsg{msg.err})
	}
	return m.showSession(msg.id, msg.res, msg.err, nil)
}

// reloginDone makes the re-login's second session the current one (the
// first one is dropped, as the regional app would) and shows both side by
// side.
func (m Model) reloginDone(msg reloginDoneMsg) (Model, tea.Cmd) {
	if msg.id != m.run.id {
		return m, nil
	}
	m.run = loginRun{}
	if msg.out == nil || !session.Shown(msg.out.Second, msg.err) {
		return m.updateScreen(screenLogin, loginFailedMsg{msg.err})
	}
	m.dropCurrent() // the first session is dropped, as the regional app would
	m, cmd := m.showSession(msg.id, msg.out.Second, msg.err, msg.out)
	m.open(screenCompare, newCompareModel(m.com, msg.out, msg.err))
	return m.show(screenCompare), cmd
}

// showSession shows res's session (rel: the regional re-login that brought
// it); err is a verification that failed.
func (m Model) showSession(id int, res *auth.Result, err error, rel *auth.Relogin) (Model, tea.Cmd) {
	switched := m.switching && m.switchFrom != nil && err == nil
	m.switching, m.relogining = false, false
	m.endpoint = res.Region // the header names the session's environment
	s := newSessionModel(m.com, m.svc, res, id)
	s.announce(err)
	if switched {
		from := m.switchFrom
		sw := session.Switch{From: from, To: res}
		s.setStatus(explain.Switched(from.Who(), res.Who(), sw.SameUser()), false)
	}
	if rel != nil {
		s.setRelogin(rel)
	}
	m.closeSession()
	if said := m.placedStatus(m.place(res)); said != "" && !switched && err == nil {
		s.setStatus(said, false)
	}
	m.tickID++
	m, init := m.openShow(screenSession, s)
	return m, tea.Batch(m.nextTick(), init)
}

// openConsole shows the API console for res's session: the one already
// made for it (with res's fresher tokens), else a new one.
func (m Model) openConsole(res *auth.Result) (Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.screens[screenAPI] != nil && sameSession(m.consoleOf, res) {
		m, cmd = m.updateScreen(screenAPI, useTokensMsg{res})
	} else {
		m.nextID++
		m.open(screenAPI, newConsoleModel(m.com, m.svc, res, m.nextID))
	}
	m.consoleOf = res
	return m.show(screenAPI), cmd
}

// attemptSource is the screen that knows the last login attempt (the
// login screen): its steps go into a report.
type attemptSource interface {
	reportAttempt() session.Attempt
	failed() bool
}

// openReport opens the report dialog for the session on screen (in.res) or
// the login that failed: the facts come from the login screen (its steps)
// and the screen that asked.
func (m Model) openReport(in openReportMsg) (Model, tea.Cmd) {
	var a session.Attempt
	src, ok := m.screens[screenLogin].(attemptSource)
	if ok {
		a = src.reportAttempt()
	}
	if in.res != nil {
		if ok && src.failed() { // a later login (a switch) failed: its steps are not this session's
			a = session.Attempt{Started: in.res.Started}
		}
		a.Region, a.Result, a.Err, a.Finished = in.res.Region, in.res, nil, in.res.Finished
		a.UserInfo, a.UserInfoErr, a.Access = in.info, in.infoErr, in.access
	}
	m.nextID++
	return m.openShow(screenReport, newReportModel(m.com, m.svc, a, m.nextID))
}

// apiResult ends an API call; a refresh-and-retry's new tokens go to the
// session screen too.
func (m Model) apiResult(msg apiResultMsg) (Model, tea.Cmd) {
	m, toConsole := m.updateScreen(screenAPI, msg)
	var toSession tea.Cmd
	if msg.refreshed != nil {
		m, toSession = m.updateScreen(screenSession, tokensRefreshedMsg{out: msg.refreshed})
	}
	return m, tea.Batch(toConsole, toSession)
}

func (m Model) tick(msg tickMsg) (Model, tea.Cmd) {
	if msg.id != m.tickID {
		return m, nil
	}
	var cmd tea.Cmd
	if m.active == screenSession || m.active == screenSessions {
		m, cmd = m.updateScreen(m.active, msg) // the access token's countdown
	}
	return m, tea.Batch(cmd, m.nextTick())
}

func (m Model) nextTick() tea.Cmd {
	id := m.tickID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{id: id} })
}

// cancelLogin stops the login in flight, if any; its port is freed when
// the login returns.
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
	for id, sc := range m.screens {
		if sc != nil {
			m.screens[id] = sc.Restyle()
		}
	}
	m.resize()
	return m
}

// bodySize is the space left for the active screen: the window less the
// app's frame, the header and the help bar, as drawn.
func (m Model) bodySize() (int, int) {
	app := m.com.Styles.App
	w := max(m.com.Width-app.GetHorizontalFrameSize(), 1)
	h := m.com.Height - app.GetVerticalFrameSize() - lineCount(m.headerView(w)) - lineCount(m.footerView(w))
	return w, max(h, 1)
}

func (m *Model) resize() {
	w, h := m.bodySize()
	m.help.SetWidth(w)
	for id, s := range m.screens {
		if s != nil {
			m.screens[id] = s.SetSize(w, h)
		}
	}
}

// envTitled is a screen that names the environment the header shows (the
// picker: the selected endpoint's).
type envTitled interface{ selectedEnv() string }

// headerView names the app, the demo, the environment, the endpoint and
// the client of the current session (or the login running), in that order
// of priority: what does not fit in w cells is left out.
func (m Model) headerView(w int) string {
	s := m.com.Styles
	env, cfg := "", m.com.Cfg
	if t, ok := m.screens[m.active].(envTitled); ok {
		env = t.selectedEnv()
	} else if m.endpoint.Name != "" {
		env = explain.EndpointTitle(m.endpoint) // "production EU", "HIMSA QA global"
		if cfg, _ = cfg.For(m.endpoint); cfg == nil {
			cfg = &config.Config{} // an endpoint of no environment here: no client to name
		}
	}
	parts := []string{s.Header.Render("ssodesk")}
	if m.com.Demo {
		parts = append(parts, s.Badge.Render("DEMO"))
	}
	if env != "" {
		parts = append(parts, s.Title.Render(env))
	}
	if id := cfg.ClientID; id != "" {
		parts = append(parts, s.Subtle.Render("client "+id))
	}
	return fitParts(parts, " ", w)
}

// fitParts joins parts with sep, leaving out the last ones (the least
// important) while they do not fit in w cells; the first part is cut when
// even it alone does not fit.
func fitParts(parts []string, sep string, w int) string {
	for n := len(parts); n > 1; n-- {
		if l := strings.Join(parts[:n], sep); ansi.StringWidth(l) <= w {
			return l
		}
	}
	return ansi.Truncate(parts[0], max(w, 1), "…")
}

// keys are the active screen's keys and the global ones, for the help bar
// and ?.
func (m Model) keys() help.KeyMap {
	var own help.KeyMap = keyMap{} // before the first screen is built
	if s := m.screens[m.active]; s != nil {
		own = s.KeyMap()
	}
	return joinedKeys{screen: own, global: m.com.Keys, trace: m.traceReachable(), sessions: m.sessionsReachable() && len(m.sessions) > 0}
}

func (m Model) footerView(w int) string {
	h := m.help
	h.SetWidth(w)
	return h.View(m.keys())
}

// View draws the header, the active screen and the help bar. The screen
// draws itself within its size; the root pads it so the help bar stays at
// the bottom, and cuts only what a screen got wrong (a last resort).
func (m Model) View() tea.View {
	w, h := m.bodySize()
	content := m.headerView(w) + "\n" + fit(m.screens[m.active].View(), w, h) + "\n" + m.footerView(w)
	v := tea.NewView(m.com.Styles.App.Render(fit(content, w, max(m.com.Height, 1))))
	v.AltScreen = true
	v.WindowTitle = "ssodesk"
	return v
}

// fit pads s to h lines, so the help bar stays at the bottom, and cuts it
// to at most h lines of at most w cells.
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
