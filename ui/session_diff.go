package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/compare"
	"ssodesk/explain"
	"ssodesk/loginjson"
)

// DiffKeys are the comparison screens' keys (the scroller adds pgup,
// pgdown, home and end).
type DiffKeys struct {
	Up, Down, Back key.Binding
}

func defaultDiffKeys() DiffKeys {
	return DiffKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "scroll")),
		Down: key.NewBinding(key.WithKeys("down", "j")),
		Back: bind("esc", "back"),
	}
}

// sessionDiffMsg ends comparison id: the two sessions' documents
// (loginjson.Of, as login --json writes them) compared.
type sessionDiffMsg struct {
	id  int
	doc diffDoc
}

func (sessionDiffMsg) target() screenID { return screenSessionDiff }

// sessionDiffModel is two open sessions side by side: compare.Sessions of
// their login --json documents, in ssodesk diff's words.
type sessionDiffModel struct {
	com *Common
	screenContext
	keys   DiffKeys
	id     int
	a, b   *auth.Result
	doc    *diffDoc // nil while comparing
	scroll scroller
	width  int
	height int
}

func newSessionDiffModel(com *Common, a, b *auth.Result, id int) sessionDiffModel {
	return sessionDiffModel{com: com, screenContext: newScreenContext(), keys: defaultDiffKeys(), id: id, a: a, b: b, scroll: newScroller()}
}

// Init compares off the UI goroutine (a token of 1 MB decodes slowly).
func (m sessionDiffModel) Init() tea.Cmd {
	id, a, b, cfg, now := m.id, m.a, m.b, m.com.Cfg, m.com.Now()
	return func() tea.Msg {
		return sessionDiffMsg{id: id, doc: sessionDiffDoc(nameOf(cfg, a), nameOf(cfg, b), a, b, now)}
	}
}

// sessionDiffDoc is what the screen draws of a and b, named na and nb:
// "A" and "B" in the table, their names and stories over it.
func sessionDiffDoc(na, nb string, a, b *auth.Result, now time.Time) diffDoc {
	da, db := loginjson.Of(a, now, nil), loginjson.Of(b, now, nil)
	d := compare.Sessions(&da, &db)
	doc := diffDoc{a: "A", b: "B", groups: []diffGroup{{sections: d.Sections}}, count: d.Differences(),
		head: []string{"A: " + na, "B: " + nb}}
	for _, side := range []struct{ name, story string }{{"A", d.A.Story}, {"B", d.B.Story}} {
		if side.story != "" {
			doc.head = append(doc.head, explain.DiffStory(side.name, side.story))
		}
	}
	return doc
}

func (m sessionDiffModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m sessionDiffModel) CapturesKeys() bool { return false }

func (m sessionDiffModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, h)
	m.refresh()
	return m
}

func (m sessionDiffModel) Restyle() screen { m.refresh(); return m }

func (m *sessionDiffModel) refresh() {
	if m.doc == nil {
		m.scroll.SetContent(m.com.Styles.Subtle.Render("comparing …"))
		return
	}
	m.scroll.SetContent(strings.Join(m.doc.lines(m.com.Styles, m.width), "\n"))
}

func (m sessionDiffModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case sessionDiffMsg:
		if msg.id == m.id {
			m.doc = &msg.doc
			m.refresh()
		}
	case tea.KeyPressMsg:
		return m, diffKey(&m.scroll, m.keys, msg)
	}
	return m, nil
}

// diffKey is a comparison screen's keys: esc goes back, the rest scroll.
func diffKey(sc *scroller, k DiffKeys, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, k.Back):
		return emit(backMsg{})
	case key.Matches(msg, k.Up):
		sc.ScrollTo(sc.off - 1)
	case key.Matches(msg, k.Down):
		sc.ScrollTo(sc.off + 1)
	default:
		sc.HandleKey(msg)
	}
	return nil
}

func (m sessionDiffModel) View() string { return clipLines(m.scroll.View(), m.height) }

func (m sessionDiffModel) KeyMap() help.KeyMap { return diffKeyMap(m.keys, m.scroll) }

func diffKeyMap(k DiffKeys, sc scroller) help.KeyMap {
	short := []key.Binding{k.Up, sc.Keys().PageUp, k.Back}
	return keyMap{short: short, full: [][]key.Binding{short, {k.Down, sc.Keys().Top}}}
}
