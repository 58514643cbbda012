package ui

// Several sessions open at once (issue 25): the root keeps every login
// open, one per environment, endpoint, client and account, until it is
// closed; the session screen shows the current one, and the sessions list
// (S, from anywhere) switches, closes and compares them.

import (
	"cmp"
	"slices"

	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

// sessionKey is what makes two open sessions one: a new login of the same
// key replaces the open one.
type sessionKey struct {
	env, endpoint, client, sub string
}

// openSession is one open session. The current one's screen is the
// table's screenSession; scr is each other's, as it was left.
type openSession struct {
	key sessionKey
	scr screen
}

// sessionHolder is a screen showing a session of this run (the inspector):
// the session as it is now (after a refresh, its new tokens).
type sessionHolder interface{ heldSession() *auth.Result }

func (m sessionModel) heldSession() *auth.Result { return m.res }

// keyOf is res's key; the client is the environment's configured one when
// the result does not name it.
func keyOf(cfg *config.Config, res *auth.Result) sessionKey {
	client := res.ClientID
	if client == "" && cfg != nil {
		if c, err := cfg.For(res.Region); err == nil {
			client = c.ClientID
		}
	}
	return sessionKey{env: res.Region.ID().Env, endpoint: res.Region.Name, client: client, sub: res.Claim("sub")}
}

// nameOf names res in a line: environment, endpoint, client, account.
func nameOf(cfg *config.Config, res *auth.Result) string {
	k := keyOf(cfg, res)
	return explain.SessionName(k.env, k.endpoint, k.client, res.Who())
}

type (
	// openSessionsMsg: the sessions list (S).
	openSessionsMsg struct{}
	// switchSessionMsg: show open session i in the inspector.
	switchSessionMsg struct{ i int }
	// closeSessionMsg: forget open session i in this TUI.
	closeSessionMsg struct{ i int }
	// compareSessionsMsg: open sessions a and b side by side.
	compareSessionsMsg struct{ a, b int }
	// openEnvDiffMsg: compare two environments without logging in (the
	// picker's D).
	openEnvDiffMsg struct{}
)

func (openSessionsMsg) isIntent()    {}
func (switchSessionMsg) isIntent()   {}
func (closeSessionMsg) isIntent()    {}
func (compareSessionsMsg) isIntent() {}
func (openEnvDiffMsg) isIntent()     {}

// sessionsMsg hands the sessions list the open sessions as they are.
type sessionsMsg struct{ rows []sessionRow }

// sessionRow is one open session as the list shows it.
type sessionRow struct {
	res     *auth.Result
	key     sessionKey
	current bool
}

// sessionsTransition is the part of transition for the open sessions.
func (m Model) sessionsTransition(in intent) (Model, tea.Cmd) {
	switch in := in.(type) {
	case openSessionsMsg:
		m.open(screenSessions, newSessionsModel(m.com, m.rows()))
		return m.show(screenSessions), nil
	case switchSessionMsg:
		return m.switchTo(in.i)
	case closeSessionMsg:
		return m.closeOpen(in.i)
	case compareSessionsMsg:
		a, b := m.held(in.a), m.held(in.b)
		if a == nil || b == nil {
			return m, nil
		}
		m.nextID++
		return m.openShow(screenSessionDiff, newSessionDiffModel(m.com, a, b, m.nextID))
	case openEnvDiffMsg:
		m.nextID++
		return m.openShow(screenEnvDiff, newEnvDiffModel(m.com, m.svc, m.nextID))
	}
	return m, nil
}

// held is open session i as it is now (nil: no such session).
func (m Model) held(i int) *auth.Result {
	if i < 0 || i >= len(m.sessions) {
		return nil
	}
	scr := m.sessions[i].scr
	if i == m.cur {
		scr = m.screens[screenSession]
	}
	if h, ok := scr.(sessionHolder); ok {
		return h.heldSession()
	}
	return nil
}

// rows are the open sessions for the list.
func (m Model) rows() []sessionRow {
	out := make([]sessionRow, 0, len(m.sessions))
	for i, s := range m.sessions {
		if res := m.held(i); res != nil {
			out = append(out, sessionRow{res: res, key: s.key, current: i == m.cur})
		}
	}
	return out
}

// park keeps the current session's screen in its entry (before another
// takes the session screen).
func (m *Model) park() {
	if m.cur >= 0 && m.cur < len(m.sessions) && m.screens[screenSession] != nil {
		m.sessions[m.cur].scr = m.screens[screenSession]
	}
}

// place makes res's session the current one: it replaces the open one of
// its key (replaced names it) or is added. The caller opens its screen.
func (m *Model) place(res *auth.Result) (replaced string) {
	m.park()
	k := keyOf(m.com.Cfg, res)
	i := slices.IndexFunc(m.sessions, func(s openSession) bool { return s.key == k })
	if i < 0 {
		m.sessions = append(m.sessions, openSession{key: k})
		i = len(m.sessions) - 1
	} else if old := m.held(i); old != nil {
		replaced = nameOf(m.com.Cfg, old)
	}
	m.cur = i
	return replaced
}

// dropCurrent forgets the current session (a logout, a re-login's first
// session): its screens close and the session screen is empty.
func (m *Model) dropCurrent() {
	m.closeSession()
	if m.cur >= 0 && m.cur < len(m.sessions) {
		m.sessions = slices.Delete(m.sessions, m.cur, m.cur+1)
	}
	m.cur, m.screens[screenSession] = -1, nil
}

// currentEndpoint is the endpoint of the session on the session screen
// (none: the zero Region).
func (m Model) currentEndpoint() config.Region {
	if res := m.held(m.cur); res != nil {
		return res.Region
	}
	return config.Region{}
}

// switchTo shows open session i in the inspector.
func (m Model) switchTo(i int) (Model, tea.Cmd) {
	if i < 0 || i >= len(m.sessions) {
		return m, nil
	}
	if i == m.cur && m.screens[screenSession] != nil {
		return m.show(screenSession), nil
	}
	m.park()
	m.closeSession()
	res := m.held(i) // before it is the current one: its parked screen
	if res == nil {
		return m, nil
	}
	m.cur = i
	m.endpoint = res.Region // the header names the session's environment, endpoint and client
	m.tickID++
	m, init := m.openShow(screenSession, m.sessions[i].scr.Restyle())
	return m, tea.Batch(m.nextTick(), init)
}

// closeOpen forgets open session i in this TUI (its tokens stay kept if
// the store keeps them) and asks the session layer whether it is kept.
func (m Model) closeOpen(i int) (Model, tea.Cmd) {
	res := m.held(i)
	if res == nil {
		return m, nil
	}
	if i == m.cur {
		m.dropCurrent()
		m.endpoint = config.Region{} // no session on screen: the header names none
	} else {
		m.sessions = slices.Delete(m.sessions, i, i+1)
		if i < m.cur {
			m.cur--
		}
	}
	m, cmd := m.updateScreen(screenSessions, sessionsMsg{rows: m.rows()})
	return m, tea.Batch(cmd, holdsCmd(m.svc, res, nameOf(m.com.Cfg, res)))
}

// sessionClosedMsg: the list says what closing a session left (Holds).
type sessionClosedMsg struct{ text string }

func (sessionClosedMsg) target() screenID { return screenSessions }

// holdsCmd asks the session layer whether res is kept and says so.
func holdsCmd(svc *Services, res *auth.Result, name string) tea.Cmd {
	holds := svc.Holds
	return func() tea.Msg {
		if holds == nil {
			return sessionClosedMsg{explain.SessionClosed(name, false, "", nil)}
		}
		h, err := holds(res)
		return sessionClosedMsg{explain.SessionClosed(name, h.Kept, h.Where, err)}
	}
}

// sessionsReachable: S opens the sessions list from every screen but the
// list itself.
func (m Model) sessionsReachable() bool { return m.active != screenSessions }

// placedStatus is what the inspector says of a login just placed: that it
// replaced an open one, or how many are open beside it ("" for the only
// one).
func (m Model) placedStatus(replaced string) string {
	return cmp.Or(explain.If(replaced != "", explain.SessionReplaced(replaced), ""),
		explain.If(len(m.sessions) > 1, explain.SessionAdded(len(m.sessions)), ""))
}
