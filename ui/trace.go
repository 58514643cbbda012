package ui

import (
	"cmp"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ssodesk/explain"
	"ssodesk/transport"
)

// TraceKeys are the trace screen's keys.
type TraceKeys struct {
	Up, Down, Open, Export, Back, Page key.Binding
}

func defaultTraceKeys() TraceKeys {
	return TraceKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
		Down:   key.NewBinding(key.WithKeys("down", "j")),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Export: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export HAR")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Page:   key.NewBinding(key.WithKeys("pgup", "pgdown", "home", "end"), key.WithHelp("pgup/pgdn", "page")),
	}
}

// traceLoadedMsg carries a snapshot of the trace.
type traceLoadedMsg struct{ entries []transport.Entry }

// traceTickMsg re-reads the trace while its screen is open.
type traceTickMsg struct{ id int }

// harSavedMsg ends an export.
type harSavedMsg struct {
	path string
	n    int
	err  error
}

// traceModel lists every HTTP exchange of the run, redacted.
type traceModel struct {
	com     *Common
	keys    TraceKeys
	entries []transport.Entry
	sel     int
	detail  bool
	path    textinput.Model
	saving  bool // the path input has focus
	status  string
	bad     bool
	back    screen // where esc returns to
	tickID  int
	scroll  scroller
	width   int
	height  int
}

func newTraceModel(com *Common, back screen, tickID int) traceModel {
	ti := textinput.New()
	ti.Prompt = "HAR file: "
	return traceModel{com: com, keys: defaultTraceKeys(), back: back, tickID: tickID, path: ti, scroll: newScroller(), sel: -1}
}

// Init reads the trace now and every second while the screen is open.
func (m traceModel) Init() tea.Cmd { return tea.Batch(loadTraceCmd(m.com.Trace), m.tick()) }

func (m traceModel) tick() tea.Cmd {
	id := m.tickID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return traceTickMsg{id: id} })
}

func loadTraceCmd(tr *transport.Trace) tea.Cmd {
	return func() tea.Msg { return traceLoadedMsg{entries: tr.Entries()} }
}

func (m *traceModel) SetSize(w, h int) {
	m.width, m.height = w, h
	m.path.SetWidth(max(w-12, 4))
	m.scroll.SetSize(w, h-3)
	m.refresh()
}

func (m traceModel) capturesKeys() bool { return m.saving }

func (m traceModel) Update(msg tea.Msg) (traceModel, tea.Cmd) {
	switch msg := msg.(type) {
	case traceLoadedMsg:
		m.entries = msg.entries
		if m.sel < 0 || m.sel >= len(m.entries) {
			m.sel = len(m.entries) - 1 // the newest
		}
		m.refresh()
		return m, nil
	case traceTickMsg:
		if msg.id != m.tickID {
			return m, nil
		}
		return m, tea.Batch(loadTraceCmd(m.com.Trace), m.tick())
	case harSavedMsg:
		if msg.err != nil {
			m.status, m.bad = "export failed: "+msg.err.Error(), true
		} else {
			m.status, m.bad = fmt.Sprintf("wrote %d exchanges to %s (secrets redacted)", msg.n, msg.path), false
		}
		return m, nil
	case tea.KeyPressMsg:
		if m.saving {
			return m.pathKey(msg)
		}
		return m.navKey(msg)
	}
	return m, nil
}

func (m traceModel) pathKey(msg tea.KeyPressMsg) (traceModel, tea.Cmd) {
	switch msg.String() {
	case "esc":
		m.saving = false
		m.path.Blur()
		m.status = "export cancelled"
		return m, nil
	case "enter":
		m.saving = false
		m.path.Blur()
		path, tr, n := strings.TrimSpace(m.path.Value()), m.com.Trace, len(m.entries)
		if path == "" {
			m.status, m.bad = "no file name given", true
			return m, nil
		}
		m.status, m.bad = "writing "+path+" …", false
		return m, func() tea.Msg {
			abs, err := tr.SaveHAR(path, "ssodesk", "dev")
			return harSavedMsg{path: abs, n: n, err: err}
		}
	}
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(msg)
	return m, cmd
}

func (m traceModel) navKey(msg tea.KeyPressMsg) (traceModel, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Open) && !m.detail && len(m.entries) > 0:
		m.detail = true
		m.scroll.off = 0
		m.refresh()
	case key.Matches(msg, k.Page):
		m.scroll.Page(msg.String())
	case key.Matches(msg, k.Export):
		m.saving = true
		m.path.SetValue(defaultHARName(m.com.Now()))
		m.path.CursorEnd()
		return m, m.path.Focus()
	}
	return m, nil
}

// leaveDetail reports whether esc closed a detail view (else it leaves the screen).
func (m *traceModel) leaveDetail() bool {
	if !m.detail {
		return false
	}
	m.detail = false
	m.refresh()
	return true
}

func (m *traceModel) move(d int) {
	if m.detail {
		m.scroll.ScrollTo(m.scroll.off + d)
		return
	}
	if len(m.entries) == 0 {
		return
	}
	m.sel = min(max(m.sel+d, 0), len(m.entries)-1)
	m.refresh()
	m.scroll.EnsureVisible(m.sel + 1) // +1: the column header
}

func defaultHARName(now time.Time) string {
	return "ssodesk-trace-" + now.Format("20060102-150405") + ".har"
}

func (m *traceModel) refresh() {
	if m.com == nil {
		return // not opened yet
	}
	if m.detail && m.sel >= 0 && m.sel < len(m.entries) {
		m.scroll.SetContent(m.detailView(m.entries[m.sel]))
		return
	}
	m.scroll.SetContent(m.listView())
}

func (m traceModel) listView() string {
	s := m.com.Styles
	if len(m.entries) == 0 {
		return s.Subtle.Render("No HTTP exchanges yet. Every request ssodesk makes (discovery, JWKS, token, userinfo, API) shows up here.")
	}
	var b strings.Builder
	b.WriteString(s.Key.Render(fmt.Sprintf("   %3s %-8s %-9s %-6s %-6s %7s %8s  %s", "#", "time", "purpose", "method", "status", "ms", "bytes", "URL")) + "\n")
	for i, e := range m.entries {
		status := fmt.Sprint(e.Status)
		st := s.OK
		switch {
		case e.Status == 0:
			status, st = "ERR", s.Error
		case e.Status >= 400:
			st = s.Error
		}
		cursor := "  "
		if i == m.sel {
			cursor = s.Cursor.Render("▸ ")
		}
		line := fmt.Sprintf(" %3d %-8s %-9s %-6s ", e.ID, e.Start.Local().Format("15:04:05"), cmp.Or(e.Purpose, "-"), e.Method)
		b.WriteString(cursor + line + st.Render(fmt.Sprintf("%-6s", status)) +
			fmt.Sprintf(" %7d %8d  %s", e.Duration.Milliseconds(), e.ResponseSize, explain.Printable(e.URL)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (m traceModel) detailView(e transport.Entry) string {
	s := m.com.Styles
	var b strings.Builder
	field := func(k, v string) {
		if v != "" {
			b.WriteString(s.Key.Render(fmt.Sprintf("%-12s", k)) + " " + explain.Printable(v) + "\n")
		}
	}
	b.WriteString(s.Title.Render(fmt.Sprintf("#%d %s %s", e.ID, e.Method, explain.Printable(e.URL))) + "\n")
	field("purpose", e.Purpose)
	field("started", e.Start.Local().Format("2006-01-02 15:04:05.000"))
	field("duration", e.Duration.Round(time.Millisecond).String())
	if e.Status != 0 {
		field("status", fmt.Sprintf("%d %s", e.Status, e.Proto))
	}
	if e.Error != "" {
		b.WriteString(s.Key.Render(fmt.Sprintf("%-12s", "error")) + " " + s.Error.Render(explain.Printable(e.Error)) + "\n")
	}
	field("sizes", fmt.Sprintf("request %d bytes, response %d bytes", e.RequestSize, e.ResponseSize))
	if e.TLSVersion != "" {
		field("TLS", e.TLSVersion+", "+e.TLSCipher)
		field("certificate", e.CertSubject+", expires "+explain.LocalTime(e.CertExpiry, m.com.Now()))
	} else {
		field("TLS", "none (plain http; allowed only on loopback)")
	}
	section := func(title string, h map[string][]string, body string) {
		b.WriteString("\n" + s.Title.Render(title) + "\n")
		for _, k := range sortedKeys(h) {
			b.WriteString(s.Key.Render(k+": ") + explain.Printable(strings.Join(h[k], ", ")) + "\n")
		}
		if body != "" {
			b.WriteString("\n" + hardWrapLines(explain.PrintableText(body), m.width) + "\n")
		}
	}
	section("Request", e.RequestHeader, e.RequestBody)
	section("Response", e.ResponseHeader, e.ResponseBody)
	b.WriteString("\n" + s.Subtle.Render("Secrets (tokens, codes, verifier, client secret, cookies) were redacted when recorded."))
	return b.String()
}

func (m traceModel) View() string {
	s := m.com.Styles
	title := fmt.Sprintf("HTTP trace: %d exchanges", len(m.entries))
	if m.detail {
		title += " · details (esc: back to the list)"
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(title) + "\n")
	b.WriteString(fit(m.scroll.View(), max(m.width, 1), m.scroll.Height()) + "\n")
	switch {
	case m.saving:
		b.WriteString(m.path.View())
	case m.status != "" && m.bad:
		b.WriteString(wrap(s.Error, m.width).Render(m.status))
	case m.status != "":
		b.WriteString(wrap(s.OK, m.width).Render(m.status))
	default:
		b.WriteString(s.Subtle.Render("x exports a HAR file (opens in a browser's devtools); relative names go to " + cwd()))
	}
	return b.String()
}

func (m traceModel) helpKeys() []key.Binding {
	k := m.keys
	if m.saving {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	}
	return []key.Binding{k.Up, k.Open, k.Export, k.Page, k.Back}
}

func cwd() string {
	d, err := filepath.Abs(".")
	if err != nil {
		return "the current directory"
	}
	return d
}
