package ui

import (
	"cmp"
	"context"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/explain"
	"ssodesk/safe"
)

// reloginDoneMsg ends regional re-login id.
type reloginDoneMsg struct {
	id  int
	out *auth.Relogin
	err error
}

// CompareKeys are the side-by-side view's keys. Its scroller adds ↑/↓,
// pgup, pgdown, home and end.
type CompareKeys struct {
	Back key.Binding
}

func (k CompareKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Back} }
func (k CompareKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Back}} }

// compareModel shows the two sessions of a regional re-login side by side.
type compareModel struct {
	com *Common
	screenContext
	keys   CompareKeys
	rel    *auth.Relogin
	scroll scroller
	status statusLine
	width  int
	height int
}

// newCompareModel shows rel; err is a verification that failed.
func newCompareModel(com *Common, rel *auth.Relogin, err error) compareModel {
	m := compareModel{com: com, screenContext: newScreenContext(), rel: rel, scroll: newScroller(), keys: CompareKeys{
		Back: key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "regional session")),
	}}
	if err != nil {
		m.status.Set(explain.Error(err), true)
	}
	return m
}

func (m compareModel) Init() tea.Cmd                          { return nil }
func (m compareModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m compareModel) CapturesKeys() bool                     { return false }

func (m compareModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, max(h-lipgloss.Height(m.status.View(m.com.Styles, w)), 1))
	m.scroll.SetContent(m.render())
	return m
}

func (m compareModel) Restyle() screen {
	m.scroll.SetContent(m.render())
	return m
}

func (m compareModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if key.Matches(k, m.keys.Back) {
			return m, emit(backMsg{})
		}
		m.scroll.HandleKey(k)
	}
	return m, nil
}

func (m compareModel) View() string {
	return clipLines(m.scroll.View()+"\n"+m.status.View(m.com.Styles, m.width), m.height)
}

func (m compareModel) KeyMap() help.KeyMap {
	sk := m.scroll.Keys()
	return keyMap{short: append([]key.Binding{m.keys.Back}, sk.ShortHelp()...), full: append(m.keys.FullHelp(), sk.FullHelp()...)}
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
	region := explain.Region(rel.Region.Name)
	t := &sideBySide{s: s, col: max((m.width-labelWidth-markWidth-3)/2, 8)}
	t.add(s.Title.Render("Regional re-login (HIMSA 2a): the global endpoint, then the "+region+" IdP"), "")
	sessionRows(t, rel)
	t.add("", s.Title.Render("Attempts at the "+region+" IdP"))
	for _, a := range rel.Attempts {
		t.add(wrapLines(attemptLine(s, a), m.width)...)
	}
	t.add("")
	t.add(paragraph(s.Text, explain.ReloginStory(rel), m.width)...)
	t.add(paragraph(s.Subtle, "The first session was dropped, as the regional app would; esc continues with the regional one (g here again).", m.width)...)
	return strings.Join(t.lines, "\n")
}

// sideBySide accumulates the lines of the side-by-side table.
type sideBySide struct {
	s     *Styles
	col   int // the width of each value column
	lines []string
}

func (t *sideBySide) add(l ...string) { t.lines = append(t.lines, l...) }

// row adds a label, two cells cut to the column width, and a mark.
func (t *sideBySide) row(label string, a, b cell, mark string) {
	line := t.s.Key.Render(pad(label, labelWidth)) + " " + a.render(t.col) + " " + b.render(t.col)
	switch {
	case mark == markSame:
		line += " " + t.s.OK.Render(mark)
	case mark != "":
		line += " " + t.s.Error.Render(mark)
	}
	t.add(line)
}

// value is a cell in the value style.
func (t *sideBySide) value(text string) cell { return cell{text: text, st: t.s.Value} }

func same(a, b string) string { return explain.If(a == b, markSame, markDiffers) }

// sessionRows compares the two sessions, row by row.
func sessionRows(t *sideBySide, rel *auth.Relogin) {
	s, first, second, v := t.s, rel.First, rel.Second, t.value
	region := explain.Region(rel.Region.Name)
	t.row("", cell{text: "First login", st: s.Title}, cell{text: "Second login", st: s.Title}, "")
	t.row("", cell{text: "through the " + first.Region.Name + " endpoint", st: s.Subtle}, cell{text: "at the " + region + " IdP, new code + PKCE", st: s.Subtle}, "")
	t.row("Endpoint", v(first.Region.Name+"  "+first.Region.Issuer), v(second.Region.Name+"  "+second.Region.Issuer), "")
	t.row("Region", v(orDash(first.CodeRegion)+" (code prefix)"), v(orDash(second.CodeRegion)+" (code prefix)"), same(first.CodeRegion, second.CodeRegion))
	t.row("Exchanged at", v(orDash(first.ExchangedAt.Name)), v(orDash(second.ExchangedAt.Name)), "")
	t.row("Issuer", v(first.Issuer+" ("+cmp.Or(first.IssuerRegion(), "?")+")"), v(second.Issuer+" ("+cmp.Or(second.IssuerRegion(), "?")+")"), "")
	for _, c := range []string{"sub", "tenantid", "api"} {
		a, b := safe.Printable(first.Claim(c)), safe.Printable(second.Claim(c))
		t.row(c, v(orDash(a)), v(orDash(b)), same(a, b))
	}
	t.row("App host", v(cmp.Or(safe.Printable(first.AppHost), "— (no app_hosts)")), v(cmp.Or(safe.Printable(second.AppHost), "— (no app_hosts)")), "")
	t.row("ID token", verdict(s, first), verdict(s, second), "")
	t.row("Time taken", v(tookText(first)), v(explain.Elapsed(rel.Duration())), "")
	needed := cell{text: "no: silent, prompt=none", st: s.OK}
	if rel.UserNeeded() {
		needed = cell{text: "yes: the IdP's login page", st: s.Warn}
	}
	t.row("User needed", cell{text: "—", st: s.Subtle}, needed, "")
}

// attemptLine says how one attempt at the regional IdP went.
func attemptLine(s *Styles, a auth.Attempt) string {
	mark, st := "✓", s.OK
	if a.Err != nil {
		mark, st = "✗", s.Error
	}
	what := explain.If(a.Silent(), "prompt=none", "interactive")
	return "  " + st.Render(mark+" "+pad(what, 12)) + " " + s.Value.Render(pad(explain.Elapsed(a.Duration), 7)) + " " + s.Text.Render(safe.Printable(a.Outcome()))
}

// paragraph wraps text at spaces only, so a URL such as
// https://app-eu.example.com stays whole, and styles each line.
func paragraph(st lipgloss.Style, text string, width int) []string {
	lines := wrapWords(text, max(width, 1))
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

// cell is one value of the side-by-side table.
type cell struct {
	text string
	st   lipgloss.Style
}

// render cuts the cell to width and pads it.
func (c cell) render(width int) string {
	text := truncate(c.text, width)
	return c.st.Render(text) + strings.Repeat(" ", max(width-ansi.StringWidth(text), 0))
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
	return s + strings.Repeat(" ", max(width-ansi.StringWidth(s), 0))
}
