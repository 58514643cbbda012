package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ssodesk/explain"
	"ssodesk/report"
	"ssodesk/safe"
)

// HARKeys are the keys of the flows and flow screens (the scroller adds
// pgup, pgdown, home and end).
type HARKeys struct {
	Up, Down, NextToken, PrevToken, Open, Verify, Report, Sanitize, Back key.Binding
}

func defaultHARKeys() HARKeys {
	return HARKeys{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
		Down:      key.NewBinding(key.WithKeys("down", "j")),
		NextToken: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next token")),
		PrevToken: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev token")),
		Open:      bind("enter", "open"),
		Verify:    bind("v", "verify tokens"),
		Report:    reportKey(),
		Sanitize:  bind("w", "write sanitised HAR"),
		Back:      bind("esc", "back"),
	}
}

// harLoadedMsg ends the reading of HAR file id.
type harLoadedMsg struct {
	id   int
	view *harView
	err  error
}

func (harLoadedMsg) target() screenID { return screenHARFlows }

// harFlowsModel is the flows screen: the file, its notes and its login
// flows; enter opens one.
type harFlowsModel struct {
	com *Common
	svc *Services
	screenContext
	keys   HARKeys
	id     int
	path   string
	view   *harView // nil while reading
	err    error
	spin   spinner.Model
	status statusLine
	sel    int
	rows   []int // the line of each flow's row
	scroll scroller
	width  int
	height int
}

func newHARFlowsModel(com *Common, svc *Services, path string, id int) harFlowsModel {
	spin := spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(com.Styles.Spinner))
	return harFlowsModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultHARKeys(), id: id, path: path, spin: spin, scroll: newScroller()}
}

// Init reads the file (a 200 MB file takes seconds: the spinner turns
// meanwhile).
func (m harFlowsModel) Init() tea.Cmd { return tea.Batch(m.spin.Tick, m.loadCmd()) }

func (m harFlowsModel) loadCmd() tea.Cmd {
	id, path, open, c, now := m.id, m.path, m.svc.OpenHAR, m.screenContext, m.com.Now()
	return func() tea.Msg {
		if open == nil {
			return harLoadedMsg{id: id, err: errNoService("reading a HAR file")}
		}
		f, err := open(c.ctx, path)
		if err != nil {
			return harLoadedMsg{id: id, err: err}
		}
		return harLoadedMsg{id: id, view: diagnoseHAR(f, nil, now)}
	}
}

func (m harFlowsModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m harFlowsModel) CapturesKeys() bool { return false }

func (m harFlowsModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, max(h-lipgloss.Height(m.status.View(m.com.Styles, w)), 1))
	m.refresh()
	return m
}

func (m harFlowsModel) Restyle() screen {
	m.spin.Style = m.com.Styles.Spinner
	m.refresh()
	return m
}

func (m harFlowsModel) loading() bool { return m.view == nil && m.err == nil }

func (m harFlowsModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case harLoadedMsg:
		if msg.id == m.id {
			m.view, m.err = msg.view, msg.err
			m.refresh()
		}
	case useHARMsg:
		if m.view == nil || msg.view.file != m.view.file {
			return m, nil // another file's late verification
		}
		m.view = msg.view
		m.status.Set(msg.said, msg.bad)
		m.refresh()
	case spinner.TickMsg:
		if m.loading() {
			var cmd tea.Cmd
			m.spin, cmd = m.spin.Update(msg)
			return m, cmd
		}
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

func (m harFlowsModel) handleKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case m.view == nil:
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Open) && len(m.view.doc.Flows) > 0:
		return m, emit(openHARFlowMsg{view: m.view, flow: m.sel})
	case key.Matches(msg, k.Report):
		return m, emit(openHARSaveMsg{view: m.view, kind: saveHARReport})
	case key.Matches(msg, k.Sanitize):
		return m, emit(openHARSaveMsg{view: m.view, kind: saveSanitizedHAR})
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

func (m *harFlowsModel) move(d int) {
	if len(m.rows) == 0 {
		m.scroll.ScrollTo(m.scroll.off + d)
		return
	}
	m.sel = min(max(m.sel+d, 0), len(m.rows)-1)
	m.refresh()
	m.scroll.EnsureVisible(m.rows[m.sel])
}

func (m *harFlowsModel) refresh() {
	if m.view == nil {
		m.scroll.SetContent("")
		return
	}
	lines, rows := harFlowsLines(m.com.Styles, m.view, m.sel, m.width)
	m.rows = rows
	m.scroll.SetContent(strings.Join(lines, "\n"))
}

// harFlowsLines are the file's facts and notes, then a row per flow (rows:
// their lines), sel's marked.
func harFlowsLines(s *Styles, v *harView, sel, width int) ([]string, []int) {
	d, src := v.doc, v.doc.Source
	head := fmt.Sprintf("%s: %d entries, %d pages, from %s · sha256 %s", filepath.Base(src.Name), src.Entries, src.Pages,
		orDash(src.Creator), src.SHA256[:min(len(src.SHA256), 12)])
	lines := wrapLines(s.Title.Render(safe.Printable(head)), width)
	for _, p := range d.Problems {
		lines = append(lines, wrapLines(s.Warn.Render("! "+safe.Printable(p)), width)...)
	}
	for _, n := range d.Notes {
		lines = append(lines, noteLines(s, "", n, width)...)
	}
	lines = append(lines, "")
	if len(d.Flows) == 0 {
		return append(lines, wrapLines(s.Warn.Render("No"+strings.TrimPrefix(explain.HARNoFlow, "no")+"."), width)...), nil
	}
	lines = append(lines, s.Title.Render(fmt.Sprintf("Login flows: %d", len(d.Flows))))
	var rows []int
	for i, f := range d.Flows {
		rows = append(rows, len(lines))
		lines = append(lines, flowRow(s, f, v.file.Logins[i].InFrame, i, i == sel))
	}
	return lines, rows
}

// flowRow is a flow in one line: its outcome's mark, the app, the
// endpoint, the outcome and how it ran (silent, in a frame).
func flowRow(s *Styles, f report.HARFlow, inFrame bool, i int, selected bool) string {
	mark, st := outcomeStyle(f.Outcome)
	cursor := "  "
	if selected {
		cursor = s.Cursor.Render("▸ ")
	}
	line := cursor + s.Status(st).Render(mark) + fmt.Sprintf(" %d ", i+1) + s.Value.Render(safe.Printable(orDash(f.ClientID))) +
		s.Subtle.Render(" at "+safe.Printable(f.Where())) + " — " + s.Status(st).Render(safe.Printable(f.OutcomeText()))
	if f.Silent {
		line += " " + s.Badge.Render("silent")
	}
	if inFrame {
		line += " " + s.Badge.Render("in a frame")
	}
	return line
}

func (m harFlowsModel) View() string {
	s := m.com.Styles
	switch {
	case m.loading():
		return clipLines(m.spin.View()+" "+s.Text.Render("reading "+safe.Printable(m.path)+" …")+"\n"+
			wrapStyled(s.Subtle, "A large file takes a few seconds; esc goes back.", m.width), m.height)
	case m.err != nil:
		return clipLines(wrapStyled(s.Error, m.err.Error(), m.width)+"\n"+wrapStyled(s.Subtle, "esc goes back.", m.width), m.height)
	}
	return clipLines(m.scroll.View()+"\n"+m.status.View(s, m.width), m.height)
}

func (m harFlowsModel) KeyMap() help.KeyMap {
	k := m.keys
	if m.view == nil {
		return keyMap{short: []key.Binding{k.Back}, full: [][]key.Binding{{k.Back}}}
	}
	short := []key.Binding{k.Up, k.Open, k.Report, k.Sanitize, k.Back}
	return keyMap{short: short, full: [][]key.Binding{short, {k.Down, m.scroll.Keys().PageUp, m.scroll.Keys().Top}}}
}
