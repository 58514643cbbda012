package ui

import (
	"cmp"
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

// reloginDoneMsg ends regional re-login id.
type reloginDoneMsg struct {
	id  int
	out *auth.Relogin
	err error
}

// startRelogin runs a regional re-login after first at target (HIMSA 2a)
// on the login screen; first's session stays until it succeeds.
func (m Model) startRelogin(first *auth.Result, target config.Region) (tea.Model, tea.Cmd) {
	m.cancelLogin()
	m.nextID++
	id, relogin := m.nextID, m.com.Relogin
	run, cmd := startRun(id, func(ctx context.Context, progress func(auth.Event)) tea.Msg {
		out, err := relogin(ctx, first, progress)
		return reloginDoneMsg{id: id, out: out, err: err}
	})
	m.run, m.relogining = run, true
	m.screen = screenLogin
	m.login = newLoginModel(m.com, LoginRequest{Region: target})
	m.login.title = "Regional re-login at " + target.Name + " (HIMSA 2a): prompt=none first"
	m.resize()
	return m, tea.Batch(cmd, m.login.Init())
}

// showRelogin makes the re-login's second session the current one (the
// first one is dropped, as the regional app would) and shows both side by
// side.
func (m Model) showRelogin(msg reloginDoneMsg) (tea.Model, tea.Cmd) {
	next, cmd := m.showSession(loginDoneMsg{id: msg.id, res: msg.out.Second, err: msg.err})
	m = next.(Model)
	m.session.relogin = msg.out
	m.session.refresh()
	m.compare = newCompareModel(m.com, msg.out)
	if msg.err != nil {
		m.compare.status, m.compare.statusBad = msg.err.Error(), true
	}
	m.screen = screenCompare
	m.resize()
	return m, cmd
}

// CompareKeys are the side-by-side view's keys.
type CompareKeys struct {
	Back key.Binding
	Up   key.Binding
	Down key.Binding
	Page key.Binding
}

// compareModel shows the two sessions of a regional re-login side by side.
type compareModel struct {
	com       *Common
	keys      CompareKeys
	rel       *auth.Relogin
	scroll    scroller
	status    string
	statusBad bool
	width     int
	height    int
}

func newCompareModel(com *Common, rel *auth.Relogin) compareModel {
	return compareModel{com: com, rel: rel, scroll: newScroller(), keys: CompareKeys{
		Back: key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "regional session")),
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Page: key.NewBinding(key.WithKeys("pgup", "pgdown", "home", "end"), key.WithHelp("pgup/pgdn", "page")),
	}}
}

func (m *compareModel) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll.SetSize(w, h-1) // the status line
	m.scroll.SetContent(m.render())
}

func (m compareModel) Update(msg tea.Msg) (compareModel, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Up):
			m.scroll.ScrollTo(m.scroll.off - 1)
		case key.Matches(k, m.keys.Down):
			m.scroll.ScrollTo(m.scroll.off + 1)
		case key.Matches(k, m.keys.Page):
			m.scroll.Page(k.String())
		}
	}
	return m, nil
}

func (m compareModel) View() string {
	if m.rel == nil {
		return ""
	}
	s := m.com.Styles
	status := ""
	if m.status != "" {
		st := s.OK
		if m.statusBad {
			st = s.Error
		}
		status = st.Render(m.status)
	}
	return fit(m.scroll.View(), max(m.width, 1), m.scroll.Height()) + "\n" + status
}

func (m compareModel) helpKeys() []key.Binding {
	return []key.Binding{m.keys.Back, m.keys.Up, m.keys.Down, m.keys.Page}
}

// The side-by-side table: row labels, two value columns, and a mark
// saying whether both values are the same.
const (
	labelWidth  = 14
	markSame    = "✓ same"
	markDiffers = "✗ differs"
	markWidth   = 9 // of markDiffers
)

// render builds the side-by-side view.
func (m compareModel) render() string {
	s, rel := m.com.Styles, m.rel
	first, second := rel.First, rel.Second
	region := explain.Region(rel.Region.Name)
	col := max((m.width-labelWidth-markWidth-3)/2, 8)
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	// row renders a label, two cells cut to the column width, and a mark.
	row := func(label string, a, b cell, mark string) {
		line := s.Key.Render(pad(label, labelWidth)) + " " + a.render(col) + " " + b.render(col)
		switch mark {
		case "":
		case markSame:
			line += " " + s.OK.Render(mark)
		default:
			line += " " + s.Error.Render(mark)
		}
		add(line)
	}
	same := func(a, b string) string {
		if a == b {
			return markSame
		}
		return markDiffers
	}
	v := func(text string) cell { return cell{text: text, st: s.Value} }

	add(s.Title.Render("Regional re-login (HIMSA 2a): the global endpoint, then the "+region+" IdP"), "")
	row("", cell{text: "First login", st: s.Title}, cell{text: "Second login", st: s.Title}, "")
	row("", cell{text: "through the " + first.Region.Name + " endpoint", st: s.Subtle}, cell{text: "at the " + region + " IdP, new code + PKCE", st: s.Subtle}, "")
	row("Endpoint", v(first.Region.Name+"  "+first.Region.Issuer), v(second.Region.Name+"  "+second.Region.Issuer), "")
	row("Region", v(orDash(first.CodeRegion)+" (code prefix)"), v(orDash(second.CodeRegion)+" (code prefix)"), same(first.CodeRegion, second.CodeRegion))
	row("Exchanged at", v(orDash(first.ExchangedAt.Name)), v(orDash(second.ExchangedAt.Name)), "")
	row("Issuer", v(first.Issuer+" ("+cmp.Or(first.IssuerRegion(), "?")+")"), v(second.Issuer+" ("+cmp.Or(second.IssuerRegion(), "?")+")"), "")
	for _, c := range []string{"sub", "tenantid", "api"} {
		a, b := explain.Printable(first.Claim(c)), explain.Printable(second.Claim(c))
		row(c, v(orDash(a)), v(orDash(b)), same(a, b))
	}
	row("App host", v(cmp.Or(explain.Printable(first.AppHost), "— (no app_hosts)")), v(cmp.Or(explain.Printable(second.AppHost), "— (no app_hosts)")), "")
	row("ID token", verdict(s, first), verdict(s, second), "")
	row("Time taken", v(tookText(first)), v(explain.Elapsed(rel.Duration())), "")
	needed := cell{text: "no: silent, prompt=none", st: s.OK}
	if rel.UserNeeded() {
		needed = cell{text: "yes: the IdP's login page", st: s.Warn}
	}
	row("User needed", cell{text: "—", st: s.Subtle}, needed, "")

	add("", s.Title.Render("Attempts at the "+region+" IdP"))
	for _, a := range rel.Attempts {
		mark, st := "✓", s.OK
		if a.Err != nil {
			mark, st = "✗", s.Error
		}
		what := "interactive"
		if a.Silent() {
			what = "prompt=none"
		}
		line := "  " + st.Render(mark+" "+pad(what, 12)) + " " + s.Value.Render(pad(explain.Elapsed(a.Duration), 7)) + " " + s.Text.Render(explain.Printable(a.Outcome()))
		add(strings.Split(wrap(lipgloss.NewStyle(), m.width).Render(line), "\n")...)
	}
	add("")
	add(paragraph(s.Text, rel.Story(), m.width)...)
	add(paragraph(s.Subtle, "The first session was dropped, as the regional app would; esc continues with the regional one (g here again).", m.width)...)
	return strings.Join(lines, "\n")
}

// paragraph wraps text at spaces only, so a URL such as
// https://app-eu.example.com stays whole, and styles each line.
func paragraph(st lipgloss.Style, text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case lipgloss.Width(line)+1+lipgloss.Width(w) <= width:
			line += " " + w
		default:
			lines = append(lines, st.Render(line))
			line = w
		}
	}
	return append(lines, st.Render(line))
}

// cell is one value of the side-by-side table.
type cell struct {
	text string
	st   lipgloss.Style
}

// render cuts the cell to width and pads it.
func (c cell) render(width int) string {
	text := truncate(c.text, width)
	return c.st.Render(text) + strings.Repeat(" ", max(width-lipgloss.Width(text), 0))
}

func verdict(s *Styles, r *auth.Result) cell {
	if r.Verified() {
		return cell{text: "✓ verified", st: s.OK}
	}
	return cell{text: "✗ NOT verified", st: s.Error}
}

func tookText(r *auth.Result) string {
	if d := r.Took(); d > 0 {
		return explain.Elapsed(d)
	}
	return "—"
}

// pad pads s with spaces to width cells.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(width-lipgloss.Width(s), 0))
}

// up writes short region names in capitals ("eu" → "EU"), as auth's story does.
