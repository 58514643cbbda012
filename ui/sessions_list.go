package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/safe"
	"ssodesk/session"
)

// SessionsKeys are the sessions list's keys.
type SessionsKeys struct {
	Up, Down, Open, Close, Mark, Compare, Back key.Binding
}

func defaultSessionsKeys() SessionsKeys {
	return SessionsKeys{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
		Down:    key.NewBinding(key.WithKeys("down", "j")),
		Open:    bind("enter", "switch to"),
		Close:   bind("x", "close"),
		Mark:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark")),
		Compare: key.NewBinding(key.WithKeys("=", "c"), key.WithHelp("=", "compare the two marked")),
		Back:    bind("esc", "back"),
	}
}

// sessionsModel is the sessions list: every open session with its live
// verdict and expiry; enter switches to one, x closes it, space marks two
// and = compares them.
type sessionsModel struct {
	com *Common
	screenContext
	keys   SessionsKeys
	rows   []sessionRow
	sel    int
	marked []int  // at most two, in the order marked
	notice string // what the last close left (whether it is kept), over the list
	top    int    // the first line of the first row (each row has two)
	status statusLine
	scroll scroller
	width  int
	height int
}

func newSessionsModel(com *Common, rows []sessionRow) sessionsModel {
	m := sessionsModel{com: com, screenContext: newScreenContext(), keys: defaultSessionsKeys(), rows: rows, scroll: newScroller()}
	for i, r := range rows {
		if r.current {
			m.sel = i
		}
	}
	return m
}

func (m sessionsModel) Init() tea.Cmd { return nil }

func (m sessionsModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m sessionsModel) CapturesKeys() bool { return false }

func (m sessionsModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, max(h-lipgloss.Height(m.status.View(m.com.Styles, w)), 1))
	m.refresh()
	return m
}

func (m sessionsModel) Restyle() screen { m.refresh(); return m }

func (m sessionsModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionsMsg:
		m.rows, m.marked = msg.rows, nil
		m.sel = min(m.sel, max(len(m.rows)-1, 0))
		m.refresh()
	case sessionClosedMsg:
		m.notice = msg.text
		m.refresh()
	case tickMsg:
		m.refresh() // the verdicts and expiries, as of now
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

func (m sessionsModel) handleKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case len(m.rows) == 0:
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Open):
		return m, emit(switchSessionMsg{i: m.sel})
	case key.Matches(msg, k.Close):
		return m, emit(closeSessionMsg{i: m.sel})
	case key.Matches(msg, k.Mark):
		m.marked = toggle(m.marked, m.sel)
		m.refresh()
	case key.Matches(msg, k.Compare):
		if len(m.marked) != 2 {
			m.status.Set(explain.SessionsMarkTwo, true)
			return m.SetSize(m.width, m.height), nil
		}
		return m, emit(compareSessionsMsg{a: m.marked[0], b: m.marked[1]})
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

func (m *sessionsModel) move(d int) {
	m.sel = min(max(m.sel+d, 0), len(m.rows)-1)
	m.refresh()
	m.scroll.EnsureVisible(m.top + 2*m.sel + 1)
	m.scroll.EnsureVisible(m.top + 2*m.sel)
}

func (m *sessionsModel) refresh() {
	s, now := m.com.Styles, m.com.Now()
	var lines []string
	if m.notice != "" {
		lines = append(wrapLines(s.OK.Render(safe.Printable(m.notice)), m.width), "")
	}
	if len(m.rows) == 0 {
		lines = append(lines, wrapLines(s.Subtle.Render(explain.NoOpenSessions), m.width)...)
		m.scroll.SetContent(strings.Join(lines, "\n"))
		return
	}
	m.top = len(lines) + 1
	lines = append(lines, s.Title.Render(ansi.Truncate(fmt.Sprintf("Open sessions: %d", len(m.rows)), max(m.width, 1), "…")))
	for i, r := range m.rows {
		lines = append(lines, m.rowLines(s, r, i, now)...)
	}
	m.scroll.SetContent(strings.Join(lines, "\n"))
}

// rowLines are one session in two lines: cursor, mark, environment and
// endpoint, client, account; under them the verdict and the expiry. What
// does not fit the width gives way from the end.
func (m sessionsModel) rowLines(s *Styles, r sessionRow, i int, now time.Time) []string {
	cursor, mark := "  ", "  "
	if i == m.sel {
		cursor = s.Cursor.Render("▸ ")
	}
	for n, j := range m.marked {
		if j == i {
			mark = s.Badge.Render(string(rune('A'+n))) + " "
		}
	}
	verdict, st := liveVerdict(r.res, now)
	where := explain.Endpoint(r.key.env, r.key.endpoint)
	if explain.EnvName(r.key.env) == "" {
		where = "production " + r.key.endpoint
	}
	w := max(m.width, 1)
	first := fitParts([]string{
		cursor + mark + s.Value.Render(safe.Printable(where)),
		s.Subtle.Render("client " + safe.Printable(orDash(r.key.client))),
		s.Text.Render(safe.Printable(orDash(account(r.res)))),
	}, " · ", w)
	second := []string{"    " + s.Status(st).Render(verdict), s.Subtle.Render(expiryText(r.res, now))}
	if r.current {
		second = append(second, s.Badge.Render("on screen"))
	}
	return []string{first, fitParts(second, " · ", w)}
}

// account is who the session is, as the inspector names them, and their
// email when the ID token has one.
func account(res *auth.Result) string {
	who := res.Who()
	if e := res.Claim("email"); e != "" && e != who {
		who += " <" + e + ">"
	}
	return who
}

// liveVerdict is the session's ID token judged now: ✓ verified only when
// its verification passed; ! when it is past exp within the leeway, or the
// access token expires within the refresh margin; ✗ otherwise.
func liveVerdict(res *auth.Result, now time.Time) (string, check.Status) {
	if res.Report == nil {
		return "– not verified", check.Skip
	}
	rep := res.Report.At(now)
	c, expiry := rep.Check("expiry")
	switch {
	case rep.OK() && expiry && c.Status == check.Warn:
		return "! ID token " + explain.ExpiredWithinLeeway(c.At, now, rep.Leeway), check.Warn
	case rep.OK() && expiring(res, now):
		return "! expiring", check.Warn
	case rep.OK():
		return "✓ verified", check.Pass
	case expiry && c.Status == check.Fail && !c.At.IsZero() && res.Verified():
		return "✗ ID token expired " + explain.RelTime(c.At, now), check.Fail
	}
	return "✗ NOT verified", check.Fail
}

// expiring: the access token expires within the margin a use refreshes it
// at (session.Margin).
func expiring(res *auth.Result, now time.Time) bool {
	if res.Token == nil || res.Token.Expiry.IsZero() {
		return false
	}
	left := res.Token.Expiry.Sub(now)
	return left < session.Margin(res.Token.Expiry.Sub(res.Finished))
}

// expiryText is the access token's expiry, relative to now.
func expiryText(res *auth.Result, now time.Time) string {
	if res.Token == nil || res.Token.Expiry.IsZero() {
		return "access token: no expiry given"
	}
	return "access token expires " + explain.RelTime(res.Token.Expiry, now)
}

func (m sessionsModel) View() string {
	return clipLines(m.scroll.View()+"\n"+m.status.View(m.com.Styles, m.width), m.height)
}

func (m sessionsModel) KeyMap() help.KeyMap {
	k := m.keys
	if len(m.rows) == 0 {
		return keyMap{short: []key.Binding{k.Back}, full: [][]key.Binding{{k.Back}}}
	}
	short := []key.Binding{k.Up, k.Open, k.Close, k.Mark, k.Compare, k.Back}
	return keyMap{short: short, full: [][]key.Binding{short, {k.Down, m.scroll.Keys().PageUp, m.scroll.Keys().Top}}}
}
