package ui

import (
	"context"
	"ssodesk/safe"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
)

// openCheckMsg: check an endpoint without logging in (c on the picker and
// on a refused login).
type openCheckMsg struct{ region config.Region }

func (openCheckMsg) isIntent() {}

// checkDoneMsg carries the report of check id.
type checkDoneMsg struct {
	id  int
	rep diagnose.Report
}

// CheckKeys are the check screen's keys; its scroller adds ↑/↓.
type CheckKeys struct {
	Again key.Binding
	Back  key.Binding
}

func defaultCheckKeys() CheckKeys {
	return CheckKeys{Again: bind("r", "check again"), Back: bind("esc", "back")}
}

func (k CheckKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Again, k.Back} }
func (k CheckKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Again, k.Back}} }

// checkModel shows `ssodesk check` for one endpoint: a row per check.
type checkModel struct {
	com    *Common
	keys   CheckKeys
	region config.Region
	id     int // the check in flight or shown; a stale report is dropped
	rep    *diagnose.Report
	scroll scroller
	width  int
}

func newCheckModel(com *Common, region config.Region, id int) checkModel {
	m := checkModel{com: com, keys: defaultCheckKeys(), region: region, id: id, scroll: newScroller()}
	m.render()
	return m
}

// Init runs the check.
func (m checkModel) Init() tea.Cmd {
	return runCheck(auth.OptionsFrom(m.com.Cfg, m.region, m.com.HTTP), m.id)
}

// runCheck checks o's endpoint off the UI thread.
func runCheck(o auth.Options, id int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		return checkDoneMsg{id: id, rep: diagnose.Endpoint(ctx, o)}
	}
}

func (m *checkModel) SetSize(w, h int) {
	if m.com == nil {
		return
	}
	m.width = w
	m.scroll.SetSize(w, max(h-2, 1))
	m.render()
}

func (m *checkModel) restyle() {
	if m.com != nil {
		m.render()
	}
}

func (m checkModel) Update(msg tea.Msg) (checkModel, tea.Cmd) {
	switch msg := msg.(type) {
	case checkDoneMsg:
		if msg.id == m.id {
			m.rep = &msg.rep
			m.render()
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Back):
			return m, emit(backMsg{})
		case key.Matches(msg, m.keys.Again) && m.rep != nil:
			return m, emit(openCheckMsg{region: m.region})
		case m.scroll.HandleKey(msg):
		}
	}
	return m, nil
}

// render lays the rows out for the width: mark, check, and the sentence
// wrapped under it.
func (m *checkModel) render() {
	if m.com == nil {
		return
	}
	s := m.com.Styles
	if m.rep == nil {
		m.scroll.SetContent(s.Spinner.Render("… ") + s.Text.Render("checking discovery, TLS, JWKS, the authorize request, the clock…"))
		return
	}
	var lines []string
	for _, r := range m.rep.Rows {
		mark := s.Status(r.Status).Render(r.Status.Mark())
		lines = append(lines, mark+" "+s.Key.Render(r.Name))
		for _, l := range wrapLines(safe.Printable(r.Detail), max(m.width-2, 1)) {
			lines = append(lines, "  "+s.Text.Render(l))
		}
	}
	verdict := s.OK.Render("Every check passed.")
	if f := m.rep.Failed(); len(f) > 0 {
		verdict = s.Error.Render("Failed: " + strings.Join(f, ", ") + ".")
	}
	m.scroll.SetContent(strings.Join(append(lines, "", verdict), "\n"))
}

func (m checkModel) View() string {
	s := m.com.Styles
	head := s.Title.Render("Check of "+m.region.Name) + " " + s.Subtle.Render(m.region.Issuer)
	return ansi.Truncate(head, max(m.width, 1), "…") + "\n\n" + m.scroll.View()
}

func (m checkModel) helpKeys() []key.Binding {
	return []key.Binding{m.keys.Again, m.keys.Back, m.scroll.Keys().Up, m.scroll.Keys().Down}
}
