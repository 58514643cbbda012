package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/safe"
)

// EnvDiffKeys are the environment comparison's keys while two environments
// are chosen (then DiffKeys scroll the outcome).
type EnvDiffKeys struct {
	Up, Down, Mark, Run, Back key.Binding
}

func defaultEnvDiffKeys() EnvDiffKeys {
	return EnvDiffKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
		Down: key.NewBinding(key.WithKeys("down", "j")),
		Mark: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "choose")),
		Run:  bind("enter", "compare the two chosen"),
		Back: bind("esc", "back"),
	}
}

// envDiffMsg ends comparison id.
type envDiffMsg struct {
	id  int
	doc diffDoc
}

func (envDiffMsg) target() screenID { return screenEnvDiff }

// envDiffModel compares two environments without logging in (ssodesk diff
// --env A --env B): two are chosen from the configuration's, then a Cmd
// reads both (Services.DiffEnvironments) while the spinner turns, then the
// outcome scrolls, a part per endpoint pair.
type envDiffModel struct {
	com *Common
	svc *Services
	screenContext
	keys    EnvDiffKeys
	scrKeys DiffKeys
	id      int
	envs    []config.Environment
	sel     int
	chosen  []int // at most two, in the order chosen
	running bool
	doc     *diffDoc
	spin    spinner.Model
	status  statusLine
	scroll  scroller
	width   int
	height  int
}

func newEnvDiffModel(com *Common, svc *Services, id int) envDiffModel {
	spin := spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(com.Styles.Spinner))
	m := envDiffModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultEnvDiffKeys(), scrKeys: defaultDiffKeys(),
		id: id, envs: com.Cfg.Envs(), spin: spin, scroll: newScroller()}
	if len(m.envs) == 2 {
		m.chosen = []int{0, 1} // production and QA: enter compares them
	}
	return m
}

func (m envDiffModel) Init() tea.Cmd { return nil }

func (m envDiffModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m envDiffModel) CapturesKeys() bool { return false }

func (m envDiffModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, max(h-1, 1))
	m.refresh()
	return m
}

func (m envDiffModel) Restyle() screen {
	m.spin.Style = m.com.Styles.Spinner
	m.refresh()
	return m
}

func (m envDiffModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case envDiffMsg:
		if msg.id == m.id {
			m.running, m.doc = false, &msg.doc
			m.scroll.ScrollTo(0)
			m.refresh()
		}
	case spinner.TickMsg:
		if m.running {
			var cmd tea.Cmd
			m.spin, cmd = m.spin.Update(msg)
			return m, cmd
		}
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

func (m envDiffModel) handleKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := m.keys
	switch {
	case m.doc != nil:
		return m, diffKey(&m.scroll, m.scrKeys, msg)
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case m.running:
	case key.Matches(msg, k.Up):
		m.sel = max(m.sel-1, 0)
	case key.Matches(msg, k.Down):
		m.sel = min(m.sel+1, len(m.envs)-1)
	case key.Matches(msg, k.Mark):
		m.chosen = toggle(m.chosen, m.sel)
	case key.Matches(msg, k.Run) && len(m.chosen) == 2:
		m.running = true
		m.status.Set("", false)
		m.refresh()
		return m, tea.Batch(m.spin.Tick, m.diffCmd())
	case key.Matches(msg, k.Run):
		m.status.Set("Choose two environments with space, then enter compares them.", true)
	}
	m.refresh()
	return m, nil
}

// toggle adds i to (or takes it from) a choice of at most two; a third
// drops the first.
func toggle(chosen []int, i int) []int {
	for j, c := range chosen {
		if c == i {
			return append(chosen[:j:j], chosen[j+1:]...)
		}
	}
	chosen = append(chosen, i)
	if len(chosen) > 2 {
		chosen = chosen[1:]
	}
	return chosen
}

// diffCmd compares the two chosen environments and makes the document
// drawn.
func (m envDiffModel) diffCmd() tea.Cmd {
	id, diff, c := m.id, m.svc.DiffEnvironments, m.screenContext
	a, b := m.envs[m.chosen[0]], m.envs[m.chosen[1]]
	return func() tea.Msg {
		if diff == nil {
			return envDiffMsg{id: id, doc: diffDoc{head: []string{errNoService("comparing environments").Error()}}}
		}
		return envDiffMsg{id: id, doc: envDiffDoc(diff(c.ctx, a, b))}
	}
}

// envDiffDoc is what the screen draws of d, as ssodesk diff --env prints
// it: each side, a part per endpoint pair, the endpoints only one side has.
func envDiffDoc(d *compare.EnvDiff) diffDoc {
	na, nb := explain.DiffSide(d.A.Name), explain.DiffSide(d.B.Name)
	doc := diffDoc{a: na, b: nb, count: d.Differences(), head: []string{
		explain.DiffEnvSide(na, d.A.Title, d.A.ClientID, d.A.RedirectURI),
		explain.DiffEnvSide(nb, d.B.Title, d.B.ClientID, d.B.RedirectURI)}}
	for _, p := range d.Pairs {
		doc.groups = append(doc.groups, diffGroup{title: explain.DiffPair(p.Name, na, p.A.Issuer, nb, p.B.Issuer), prefix: p.Name, sections: p.Sections})
	}
	for _, e := range d.OnlyA {
		doc.only = append(doc.only, explain.DiffOnlyEndpoint(e.Name, na, e.Issuer))
	}
	for _, e := range d.OnlyB {
		doc.only = append(doc.only, explain.DiffOnlyEndpoint(e.Name, nb, e.Issuer))
	}
	return doc
}

func (m *envDiffModel) refresh() {
	s := m.com.Styles
	if m.doc != nil {
		m.scroll.SetContent(strings.Join(m.doc.lines(s, m.width), "\n"))
		return
	}
	lines := wrapLines(s.Title.Render("Compare two environments without logging in"), m.width)
	for i, e := range m.envs {
		cursor, mark := "  ", "[ ] "
		if i == m.sel {
			cursor = s.Cursor.Render("▸ ")
		}
		for n, c := range m.chosen {
			if c == i {
				mark = "[" + string(rune('A'+n)) + "] "
			}
		}
		line := fmt.Sprintf("%s%s%s %s", cursor, mark, s.Value.Render(safe.Printable(e.Title())),
			s.Subtle.Render(fmt.Sprintf("· %d endpoints · client %s", len(e.Endpoints), safe.Printable(orDash(e.ClientID)))))
		lines = append(lines, fitParts([]string{line}, "", max(m.width, 1)))
	}
	m.scroll.SetContent(strings.Join(lines, "\n"))
}

func (m envDiffModel) View() string {
	s := m.com.Styles
	bottom := m.status.View(s, m.width)
	if m.running {
		bottom = m.spin.View() + " " + s.Text.Render("reading both environments' discovery, keys, TLS, pre-flight and clock …")
	}
	return clipLines(m.scroll.View()+"\n"+fitParts([]string{bottom}, "", max(m.width, 1)), m.height)
}

func (m envDiffModel) KeyMap() help.KeyMap {
	if m.doc != nil {
		return diffKeyMap(m.scrKeys, m.scroll)
	}
	k := m.keys
	short := []key.Binding{k.Up, k.Mark, k.Run, k.Back}
	return keyMap{short: short, full: [][]key.Binding{short, {k.Down}}}
}
