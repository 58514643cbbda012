package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/explain"
)

// tab is one pane of the session screen.
type tab int

const (
	tabSummary tab = iota
	tabID
	tabAccess
	tabRefresh
	tabUserInfo
	tabRaw
)

var tabNames = []string{"Summary", "ID token", "Access token", "Refresh token", "UserInfo", "Raw"}

// SessionKeys are the session screen's keys.
type SessionKeys struct {
	NextTab  key.Binding
	PrevTab  key.Binding
	Tabs     key.Binding // 1..6
	Up       key.Binding
	Down     key.Binding
	Page     key.Binding
	Refresh  key.Binding
	UserInfo key.Binding
	Switch   key.Binding
	Copy     key.Binding
	CopyAll  key.Binding
	Reveal   key.Binding
	NewLogin key.Binding
	Console  key.Binding
	Relogin  key.Binding // regional re-login (HIMSA 2a), or its side-by-side view after one
}

func defaultSessionKeys() SessionKeys {
	return SessionKeys{
		NextTab:  key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab", "next tab")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("shift+tab", "prev tab")),
		Tabs:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "tabs")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Page:     key.NewBinding(key.WithKeys("pgup", "pgdown", "home", "end"), key.WithHelp("pgup/pgdn", "page")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		UserInfo: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "userinfo")),
		Switch:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "switch account")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		CopyAll:  key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy token")),
		Reveal:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal/mask")),
		NewLogin: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new login")),
		Console:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "API console")),
		Relogin:  key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "regional re-login")),
	}
}

// inspection is the decoded view of a session's tokens, made in a Cmd.
type inspection struct {
	accessKind  auth.TokenKind
	access      *auth.JWT
	accessErr   error
	accessRep   *auth.Report // nil when opaque
	refreshKind auth.TokenKind
}

// sessionModel is the inspector: tabs over one login's tokens and claims.
type sessionModel struct {
	com          *Common
	keys         SessionKeys
	res          *auth.Result
	gen          int         // bumps when res changes; stale Cmd results are dropped
	insp         *inspection // nil while decoding
	info         *auth.UserInfo
	infoErrorMsg string
	lastRefresh  *auth.Refreshed
	relogin      *auth.Relogin // set when this session is a regional re-login's second one
	busy         string        // "refreshing…"
	status       string
	statusBad    bool

	tab    tab
	reveal bool
	cursor int      // selected row on claim tabs
	rows   []rowRef // selectable rows of the current tab
	scroll scroller // the current tab
	width  int
	height int
}

// rowRef is a selectable line: a claim whose value can be copied.
type rowRef struct {
	line  int
	name  string
	value string
}

func newSessionModel(com *Common, res *auth.Result, gen int) sessionModel {
	m := sessionModel{com: com, res: res, gen: gen, scroll: newScroller(), keys: defaultSessionKeys()}
	m.refresh()
	return m
}

// Init starts decoding and verifying the tokens off the UI goroutine.
func (m sessionModel) Init() tea.Cmd { return inspectCmd(m.gen, m.res) }

func (m *sessionModel) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll.SetSize(w, h-m.chromeHeight())
	m.refresh()
}

// chromeHeight is the lines above and below the viewport.
func (m sessionModel) chromeHeight() int { return 3 } // title, tab bar, status

// refresh re-renders the current tab; cheap for every tab but Raw revealed.
func (m *sessionModel) refresh() {
	if m.res == nil {
		return
	}
	content, rows := m.render()
	m.rows = rows
	if m.cursor >= len(rows) {
		m.cursor = max(len(rows)-1, 0)
	}
	m.scroll.SetContent(content)
}

func (m *sessionModel) setStatus(msg string, bad bool) { m.status, m.statusBad = msg, bad }

func (m sessionModel) Update(msg tea.Msg) (sessionModel, tea.Cmd) {
	switch msg := msg.(type) {
	case inspectedMsg:
		if msg.gen == m.gen {
			m.insp = &msg.insp
			m.refresh()
		}
		return m, nil
	case userInfoMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.busy = ""
		if msg.err != nil {
			m.infoErrorMsg = msg.err.Error()
			m.setStatus("userinfo failed: "+msg.err.Error(), true)
		} else {
			m.info, m.infoErrorMsg = msg.info, ""
			m.setStatus(fmt.Sprintf("userinfo fetched from %s", msg.info.Endpoint), false)
		}
		m.refresh()
		return m, nil
	case refreshedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.busy = ""
		if msg.err != nil {
			m.setStatus("refresh failed: "+msg.err.Error(), true)
			m.refresh()
			return m, nil
		}
		m.res, m.lastRefresh, m.insp, m.info = msg.out.Result, msg.out, nil, nil
		m.gen++
		m.setStatus(refreshSummary(msg.out), false)
		m.refresh()
		return m, inspectCmd(m.gen, m.res)
	case copiedMsg:
		m.setStatus(msg.text(), false)
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

func (m sessionModel) handleKey(msg tea.KeyPressMsg) (sessionModel, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.NextTab):
		m.setTab(m.tab + 1)
	case key.Matches(msg, k.PrevTab):
		m.setTab(m.tab - 1)
	case key.Matches(msg, k.Tabs):
		m.setTab(tab(msg.String()[0] - '1'))
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Page):
		m.scroll.Page(msg.String())
	case key.Matches(msg, k.Reveal):
		m.reveal = !m.reveal
		m.refresh()
	case key.Matches(msg, k.Refresh):
		if err := m.res.CanRefresh(); err != nil {
			m.setStatus("refresh disabled: "+err.Error(), true)
			return m, nil
		}
		m.busy = "refreshing the tokens…"
		return m, refreshCmd(m.com.Refresh, m.gen, m.res)
	case key.Matches(msg, k.UserInfo):
		m.busy = "fetching userinfo…"
		m.setTab(tabUserInfo)
		return m, userInfoCmd(m.gen, m.res)
	case key.Matches(msg, k.Copy):
		return m, m.copySelected()
	case key.Matches(msg, k.CopyAll):
		return m, m.copyToken()
	}
	return m, nil
}

func (m *sessionModel) setTab(t tab) {
	n := tab(len(tabNames))
	m.tab = (t%n + n) % n
	m.cursor, m.scroll.off = 0, 0
	m.refresh()
}

// move moves the row cursor on claim tabs, or scrolls elsewhere.
func (m *sessionModel) move(d int) {
	next := m.cursor + d
	if len(m.rows) == 0 || next < 0 || next >= len(m.rows) {
		// No rows, or past the first/last claim: scroll to what lies beyond.
		m.scroll.ScrollTo(m.scroll.off + d)
		return
	}
	m.cursor = next
	m.refresh()
	m.scroll.EnsureVisible(m.rows[m.cursor].line)
}

// copySelected copies the selected claim, or the tab's token.
func (m sessionModel) copySelected() tea.Cmd {
	if len(m.rows) > 0 {
		r := m.rows[m.cursor]
		return copyCmd("claim "+r.name, r.value)
	}
	return m.copyToken()
}

// copyToken copies the token the current tab is about.
func (m sessionModel) copyToken() tea.Cmd {
	what, raw := m.tabToken()
	if raw == "" {
		return func() tea.Msg { return copiedMsg{what: "nothing", empty: true} }
	}
	return copyCmd(what, raw)
}

func (m sessionModel) tabToken() (string, string) {
	switch m.tab {
	case tabID:
		return "ID token", m.res.RawIDToken
	case tabRefresh:
		return "refresh token", m.res.Token.RefreshToken
	}
	return "access token", m.res.Token.AccessToken
}

func (m sessionModel) View() string {
	if m.res == nil {
		return ""
	}
	s := m.com.Styles
	var b strings.Builder
	who := explain.Printable(m.res.Who())
	title := s.Title.Render("Logged in as "+orDash(who)) + s.Subtle.Render(" · tenant "+orDash(explain.Printable(m.res.Claim("tenantid")))+" · region "+orDash(m.res.CodeRegion))
	if !m.res.Verified() {
		title += " " + s.Error.Render("✗ ID token NOT verified")
	}
	b.WriteString(title + "\n")
	b.WriteString(m.tabBar() + "\n")
	b.WriteString(fit(m.scroll.View(), max(m.width, 1), m.scroll.Height()) + "\n")
	b.WriteString(m.statusLine())
	return b.String()
}

func (m sessionModel) tabBar() string {
	s := m.com.Styles
	parts := make([]string, len(tabNames))
	for i, n := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, n)
		if tab(i) == m.tab {
			parts[i] = s.TabActive.Render(label)
		} else {
			parts[i] = s.Tab.Render(label)
		}
	}
	return strings.Join(parts, " ")
}

func (m sessionModel) statusLine() string {
	s := m.com.Styles
	switch {
	case m.busy != "":
		return s.Spinner.Render("… ") + s.Text.Render(m.busy)
	case m.status != "" && m.statusBad:
		return s.Error.Render(m.status)
	case m.status != "":
		return s.OK.Render(m.status)
	}
	return ""
}

func (m sessionModel) helpKeys() []key.Binding {
	k := m.keys
	relogin := k.Relogin
	if m.relogin != nil {
		relogin.SetHelp("g", "side by side")
	}
	return []key.Binding{k.NextTab, k.Console, k.Refresh, k.UserInfo, k.Switch, k.Copy, k.Reveal, k.NewLogin, relogin, k.Up, k.Down, k.CopyAll, k.Tabs, k.Page}
}

// refreshSummary says what a refresh changed, in one line.
func refreshSummary(r *auth.Refreshed) string {
	parts := []string{"refreshed: access token now expires " + r.Result.Token.Expiry.Local().Format("15:04:05")}
	if r.Rotated {
		parts = append(parts, "refresh token rotated")
	} else {
		parts = append(parts, "refresh token unchanged")
	}
	if r.NewIDToken {
		parts = append(parts, fmt.Sprintf("new ID token, %d %s changed", len(r.Changes), plural(len(r.Changes), "claim", "claims")))
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
