package ui

// A URL from a ticket, pasted (issue 24, item 3; u on the picker): what
// `ssodesk explain` prints of it — the kind, the endpoint, the parameters,
// the findings with cause and fix — from the same facts (urlfacts) and
// words (explain.URL). The URL is sent nowhere.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/report"
	"ssodesk/safe"
	"ssodesk/transport"
	"ssodesk/urlfacts"
)

// openPasteURLMsg: the screen a URL is pasted in and explained.
type openPasteURLMsg struct{}

func (openPasteURLMsg) isIntent() {}

// urlExplainedMsg carries the explanation of paste id, or why there is
// none.
type urlExplainedMsg struct {
	id  int
	x   *explain.URLExplanation
	err string
}

func (urlExplainedMsg) target() screenID { return screenPasteURL }

// explainURL is what ssodesk explain says of paste (a Cmd's work: a paste
// may be 1 MB).
func explainURL(cfg *config.Config, paste string) (*explain.URLExplanation, string) {
	f, err := urlfacts.ReadIn(paste, urlfacts.ContextOf(cfg))
	var ie *urlfacts.InputError
	switch {
	case errors.As(err, &ie) && ie.Reason == urlfacts.Empty:
		return nil, "nothing to explain: paste a URL (the browser's address bar, a line of a ticket or a log)"
	case errors.As(err, &ie):
		return nil, explain.URLInputError(ie)
	case err != nil:
		return nil, err.Error()
	}
	return explain.URL(f), ""
}

// PasteURLKeys are the URL screen's keys; its scroller adds ↑/↓.
type PasteURLKeys struct {
	Explain, Another, Back key.Binding
}

func defaultPasteURLKeys() PasteURLKeys {
	return PasteURLKeys{Explain: bind("enter", "explain"), Another: bind("n", "another URL"), Back: bind("esc", "back")}
}

// pasteURLModel is the paste box, then the explanation under it.
type pasteURLModel struct {
	com *Common
	screenContext
	keys   PasteURLKeys
	box    pasteBox
	id     int // the explanation asked for last; a stale one is dropped
	x      *explain.URLExplanation
	err    string
	scroll scroller
	width  int
	height int
}

func newPasteURLModel(com *Common) pasteURLModel {
	box := newPasteBox("URL", urlfacts.MaxInput)
	box.shown = transport.RedactURL // its credentials, codes and tokens, as the explanation's URL line hides them
	return pasteURLModel{com: com, screenContext: newScreenContext(), keys: defaultPasteURLKeys(), box: box, scroll: newScroller()}
}

func (m pasteURLModel) Init() tea.Cmd                          { return nil }
func (m pasteURLModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m pasteURLModel) Restyle() screen                        { m.render(); return m }
func (m pasteURLModel) CapturesKeys() bool                     { return m.box.focused }

func (m pasteURLModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.render()
	return m
}

func (m pasteURLModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case urlExplainedMsg:
		if msg.id == m.id {
			m.x, m.err = msg.x, msg.err
			m.box.focused = msg.x == nil // a refused paste can be mended
			m.scroll.Top()
			m.render()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	if m.box.Update(msg) {
		m.err = m.box.Refusal()
		m.render()
	}
	return m, nil
}

func (m pasteURLModel) key(msg tea.KeyPressMsg) (pasteURLModel, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Back):
		return m, emit(backMsg{})
	case m.box.focused && key.Matches(msg, m.keys.Explain) && m.box.Value() == "" && m.box.Refusal() != "":
		return m, nil // the refusal stays said
	case m.box.focused && key.Matches(msg, m.keys.Explain):
		m.id++
		id, cfg, paste := m.id, m.com.Cfg, m.box.Value()
		return m, func() tea.Msg {
			x, err := explainURL(cfg, paste)
			return urlExplainedMsg{id: id, x: x, err: err}
		}
	case m.box.focused:
		if m.box.Update(msg) {
			m.err = m.box.Refusal()
			m.render()
		}
	case key.Matches(msg, m.keys.Another):
		m.box.Reset()
		m.box.focused, m.x, m.err = true, nil, ""
		m.render()
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

// headView is the title, the box (one line once explained) and what went
// wrong.
func (m pasteURLModel) headView() string {
	s := m.com.Styles
	lines := []string{fitParts([]string{s.Title.Render("Explain a URL from a ticket"), s.Subtle.Render("sent nowhere")}, " · ", max(m.width, 1))}
	if m.box.focused || m.x == nil {
		lines = append(lines, m.box.View(s, m.width, 4)...)
	} // once explained, the explanation's URL line shows it, redacted
	if m.err != "" {
		lines = append(lines, wrapStyled(s.Error, m.err, m.width))
	}
	return strings.Join(lines, "\n")
}

// render lays the explanation out for the width, under the head.
func (m *pasteURLModel) render() {
	m.scroll.SetSize(m.width, max(m.height-lipgloss.Height(m.headView()), 1))
	if m.x == nil {
		m.scroll.SetContent("\n" + wrapStyled(m.com.Styles.Subtle, "enter explains it as ssodesk explain does: what it is, the endpoint and environment it belongs to, "+
			"each parameter (secrets as fingerprints), what is missing or wrong, with cause and fix.", m.width))
		return
	}
	m.scroll.SetContent(strings.Join(explainedLines(m.com.Styles, m.x, m.width), "\n"))
}

// explainedLines are x as ssodesk explain prints it, styled and wrapped
// to width: the sentence, the kind, endpoint and URL, the parameters, the
// findings with their marks, cause and fix.
func explainedLines(s *Styles, x *explain.URLExplanation, width int) []string {
	out := []string{""}
	out = append(out, strings.Split(wrapStyled(s.Text, x.What, width), "\n")...)
	endpoint := "none configured (unknown host)"
	if e := x.Endpoint; e != nil {
		endpoint = e.Environment + " / " + e.Name + "  " + e.Issuer
	} else if x.Kind == string(urlfacts.Callback) {
		endpoint = "none: a callback goes to the app (its iss names the IdP)"
	}
	for _, kv := range [][2]string{{"kind", x.Kind}, {"endpoint", endpoint}, {"URL", x.URL}} {
		out = append(out, tableRow(s, "  ", kv[0], 12, kv[1], width)...)
	}
	if len(x.Params) > 0 {
		out = append(out, "", s.Title.Render("parameters"))
		w := 4
		for _, p := range x.Params {
			w = max(w, min(ansi.StringWidth(paramName(p)), 28))
		}
		for _, p := range x.Params {
			out = append(out, tableRow(s, "  ", paramName(p), w, p.Text, width)...)
		}
		if x.ParamsCut > 0 {
			out = append(out, s.Subtle.Render(fmt.Sprintf("  … and %d more", x.ParamsCut)))
		}
	}
	if len(x.Findings) > 0 {
		out = append(out, "", s.Title.Render("findings"))
	}
	for _, f := range x.Findings {
		out = append(out, noteLines(s, "  ", report.HARNote{Status: f.Status, Text: f.Text, Cause: f.Cause, Fix: f.Fix}, width)...)
	}
	return out
}

// paramName is a parameter's name, marked when it came in the fragment.
func paramName(p explain.URLParam) string {
	if p.In == urlfacts.InFragment {
		return "#" + p.Name
	}
	return p.Name
}

// tableRow is a label padded to w cells and its value, hard-wrapped under
// itself (a URL, a fingerprint: seen whole); below 24 cells the value goes
// under the label.
func tableRow(s *Styles, indent, label string, w int, value string, width int) []string {
	label, value = safe.Printable(label), safe.Printable(value)
	room := width - len(indent) - w - 1
	if room < 12 {
		out := []string{indent + s.Key.Render(ansi.Truncate(label, max(width-len(indent), 1), "…"))}
		for _, l := range strings.Split(hardWrap(value, max(width-len(indent)-2, 1)), "\n") {
			out = append(out, indent+"  "+s.Value.Render(l))
		}
		return out
	}
	pad := indent + s.Key.Render(ansi.Truncate(label, w, "…")+strings.Repeat(" ", max(w-ansi.StringWidth(label), 0))) + " "
	var out []string
	for i, l := range strings.Split(hardWrap(value, room), "\n") {
		out = append(out, explain.If(i == 0, pad, strings.Repeat(" ", len(indent)+w+1))+s.Value.Render(l))
	}
	return out
}

func (m pasteURLModel) View() string { return clipLines(m.headView()+"\n"+m.scroll.View(), m.height) }

func (m pasteURLModel) KeyMap() help.KeyMap {
	if m.box.focused {
		short := []key.Binding{m.keys.Explain, m.box.keys.Clear, m.keys.Back}
		return keyMap{short: short, full: [][]key.Binding{short}}
	}
	sk := m.scroll.Keys()
	short := []key.Binding{m.keys.Another, sk.Up, sk.Down, m.keys.Back}
	return keyMap{short: short, full: append([][]key.Binding{{m.keys.Another, m.keys.Back}}, sk.FullHelp()...)}
}
