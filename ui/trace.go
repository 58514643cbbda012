package ui

import (
	"cmp"
	"context"
	"fmt"
	"ssodesk/flow"
	"ssodesk/safe"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/explain"
	"ssodesk/transport"
)

// TraceKeys are the trace screen's keys. Its scroller adds pgup, pgdown,
// home and end (and ↑/↓ in the details).
type TraceKeys struct {
	Up, Down, Open, Export, Back key.Binding
	Save, CancelSave             key.Binding // while the HAR file's path is typed
}

func defaultTraceKeys() TraceKeys {
	return TraceKeys{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
		Down:       key.NewBinding(key.WithKeys("down", "j")),
		Open:       bind("enter", "details"),
		Export:     bind("x", "export HAR"),
		Back:       bind("esc", "back"),
		Save:       bind("enter", "save"),
		CancelSave: bind("esc", "cancel"),
	}
}

func (k TraceKeys) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Open, k.Export} }

func (k TraceKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Open, k.Export, k.Back}, {k.Save, k.CancelSave}}
}

// traceLoadedMsg carries a snapshot of the trace, as of its version.
type traceLoadedMsg struct {
	entries []*flow.Exchange
	version uint64
}

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
	com *Common
	svc *Services
	screenContext
	keys    TraceKeys
	entries []*flow.Exchange
	sel     int
	detail  bool
	path    textinput.Model
	saving  bool // the path input has focus
	status  statusLine
	tickID  int
	version uint64 // of the trace when entries was read
	scroll  scroller
	width   int
	height  int
	shown   detailKey // what the details on screen show
}

// detailKey tells whether the details on screen still show the selected
// entry as it is: drawing a 256 KB body again on every tick would stall.
type detailKey struct {
	id, width, body int
	errText         string
	styles          *Styles
}

// newTraceModel shows the trace as it is now (an in-memory snapshot, so the
// first View already lists the exchanges) and re-reads it every second.
func newTraceModel(com *Common, svc *Services, tickID int) traceModel {
	ti := textinput.New()
	ti.Prompt = "HAR file: "
	ti.SetStyles(com.Styles.Input)
	m := traceModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultTraceKeys(), tickID: tickID, path: ti, scroll: newScroller(), sel: -1}
	if svc.Trace != nil {
		m.version = svc.Trace.Version()
		m.setEntries(flow.ExchangesOf(svc.Trace.Entries()))
	}
	return m
}

// Init re-reads the trace every second while the screen is open.
func (m traceModel) Init() tea.Cmd { return m.tick() }

func (m traceModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (harSavedMsg) target() screenID { return screenTrace }

func (m traceModel) tick() tea.Cmd {
	id := m.tickID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return traceTickMsg{id: id} })
}

// loadTraceCmd reads the trace when it changed since version (nil when not).
func loadTraceCmd(tr *transport.Trace, version uint64) tea.Cmd {
	return func() tea.Msg {
		v := tr.Version() // read first: a change in between is read again at the next tick
		if v == version {
			return nil
		}
		return traceLoadedMsg{entries: flow.ExchangesOf(tr.Entries()), version: v}
	}
}

// SetSize: the list takes what the title and the status line leave; the
// path input what its prompt and the cursor leave.
func (m traceModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.path.SetWidth(max(w-ansi.StringWidth(m.path.Prompt)-1, 4))
	m.path.SetCursor(m.path.Position())
	m.scroll.SetSize(w, max(h-lipgloss.Height(m.titleView())-lipgloss.Height(m.statusView()), 1))
	m.refresh()
	return m
}

func (m traceModel) Restyle() screen {
	m.path.SetStyles(m.com.Styles.Input)
	m.refresh()
	return m
}

func (m traceModel) CapturesKeys() bool { return m.saving }

// setEntries shows a snapshot, keeping the selection (the newest at first).
func (m *traceModel) setEntries(entries []*flow.Exchange) {
	m.entries = entries
	if m.sel < 0 || m.sel >= len(m.entries) {
		m.sel = len(m.entries) - 1
	}
	m.refresh()
}

func (m traceModel) Update(msg tea.Msg) (screen, tea.Cmd) { return m.update(msg) }

func (m traceModel) update(msg tea.Msg) (traceModel, tea.Cmd) {
	switch msg := msg.(type) {
	case traceLoadedMsg:
		m.version = msg.version
		m.setEntries(msg.entries)
		return m, nil
	case traceTickMsg:
		if msg.id != m.tickID {
			return m, nil
		}
		return m, tea.Batch(loadTraceCmd(m.svc.Trace, m.version), m.tick())
	case harSavedMsg:
		if msg.err != nil {
			m.status.Set("export failed: "+msg.err.Error(), true)
		} else {
			m.status.Set(fmt.Sprintf("wrote %d exchanges to %s (secrets redacted)", msg.n, msg.path), false)
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
	switch {
	case key.Matches(msg, m.keys.CancelSave):
		m.saving = false
		m.path.Blur()
		m.status.Set("export cancelled", false)
		return m, nil
	case key.Matches(msg, m.keys.Save):
		m.saving = false
		m.path.Blur()
		return m.save()
	}
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(msg)
	return m, cmd
}

// save writes the HAR file in a Cmd.
func (m traceModel) save() (traceModel, tea.Cmd) {
	path, tr, n := strings.TrimSpace(m.path.Value()), m.svc.Trace, len(m.entries)
	if path == "" {
		m.status.Set("no file name given", true)
		return m, nil
	}
	m.status.Set("writing "+path+" …", false)
	return m, func() tea.Msg {
		abs, err := tr.SaveHAR(path, "ssodesk", "dev")
		return harSavedMsg{path: abs, n: n, err: err}
	}
}

func (m traceModel) navKey(msg tea.KeyPressMsg) (traceModel, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back) && m.detail:
		m.detail = false
		m.refresh()
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Open) && !m.detail && len(m.entries) > 0:
		m.detail = true
		m.scroll.Top()
		m.refresh()
	case key.Matches(msg, k.Export):
		m.saving = true
		m.path.SetValue(defaultHARName(m.com.Now()))
		m.path.CursorEnd()
		return m, m.path.Focus()
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
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
	if m.detail && m.sel >= 0 && m.sel < len(m.entries) {
		e := m.entries[m.sel]
		k := detailKey{id: e.ID, width: m.width, body: len(e.RequestBody) + len(e.ResponseBody), errText: e.Error, styles: m.com.Styles}
		if k != m.shown {
			m.shown = k
			m.scroll.SetContent(m.detailView(e))
		}
		return
	}
	m.shown = detailKey{}
	if len(m.entries) == 0 {
		m.scroll.SetContent(m.com.Styles.Subtle.Render(traceEmpty))
		return
	}
	m.scroll.SetSource(traceRows{entries: m.entries, sel: m.sel, s: m.com.Styles})
}

// traceEmpty is the list before the first request. It names no purpose
// ("discovery", "token", …): a test waiting for one must see a real row.
const traceEmpty = "No HTTP exchanges yet. Every request ssodesk makes to the IdP or the API shows up here, redacted."

// traceRows is the list of exchanges, drawn a row at a time for the rows
// on screen: the column header, then one row per entry.
type traceRows struct {
	entries []*flow.Exchange
	sel     int
	s       *Styles
}

func (t traceRows) Len() int { return len(t.entries) + 1 }

func (t traceRows) Lines(from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		if i == 0 {
			out = append(out, t.s.Key.Render(fmt.Sprintf("   %3s %-8s %-9s %-6s %-6s %7s %8s  %s", "#", "time", "purpose", "method", "status", "ms", "bytes", "URL")))
		} else {
			out = append(out, t.row(i-1))
		}
	}
	return out
}

func (t traceRows) row(i int) string {
	s, e := t.s, t.entries[i]
	status := fmt.Sprint(e.Status)
	st := s.OK
	switch {
	case e.Cached != "":
		status = "cache"
	case e.Status == 0:
		status, st = "ERR", s.Error
	case e.Status >= 400:
		st = s.Error
	}
	cursor := "  "
	if i == t.sel {
		cursor = s.Cursor.Render("▸ ")
	}
	line := fmt.Sprintf(" %3d %-8s %-9s %-6s ", e.ID, e.Start.Local().Format("15:04:05"), cmp.Or(e.Purpose, string(e.Kind), "-"), e.Method)
	if e.Warning != "" {
		status += "!"
	}
	return cursor + line + st.Render(fmt.Sprintf("%-6s", status)) +
		fmt.Sprintf(" %7d %8d  %s", e.Duration.Milliseconds(), e.ResponseSize, safe.Printable(e.RawURL))
}

func (m traceModel) detailView(e *flow.Exchange) string {
	s := m.com.Styles
	var b strings.Builder
	field := func(k, v string) {
		if v != "" {
			b.WriteString(s.Key.Render(fmt.Sprintf("%-12s", k)) + " " + safe.Printable(v) + "\n")
		}
	}
	b.WriteString(s.Title.Render(fmt.Sprintf("#%d %s %s", e.ID, e.Method, safe.Printable(e.RawURL))) + "\n")
	field("purpose", e.Purpose)
	field("step", string(e.Kind))
	field("started", e.Start.Local().Format("2006-01-02 15:04:05.000"))
	field("duration", e.Duration.Round(time.Millisecond).String())
	if e.Status != 0 {
		field("status", fmt.Sprintf("%d %s", e.Status, e.Proto))
	}
	if e.Error != "" {
		b.WriteString(s.Key.Render(fmt.Sprintf("%-12s", "error")) + " " + s.Error.Render(safe.Printable(e.Error)) + "\n")
	}
	if e.Cached != "" {
		b.WriteString(s.Key.Render(fmt.Sprintf("%-12s", "cache")) + " " + safe.Printable(e.Cached) + "\n")
	}
	if e.Warning != "" {
		b.WriteString(s.Key.Render(fmt.Sprintf("%-12s", "warning")) + " " + s.Warn.Render("! "+safe.Printable(e.Warning)) + "\n")
	}
	field("sizes", fmt.Sprintf("request %d bytes, response %d bytes", e.RequestSize, e.ResponseSize))
	if e.TLS != nil {
		field("TLS", e.TLS.Version+", "+e.TLS.Cipher)
		field("certificate", e.TLS.CertSubject+", expires "+explain.LocalTime(e.TLS.CertExpiry, m.com.Now()))
	} else {
		field("TLS", "none (plain http; allowed only on loopback)")
	}
	b.WriteString(m.section("Request", e.RequestHeader, e.RequestBody))
	b.WriteString(m.section("Response", e.ResponseHeader, e.ResponseBody))
	b.WriteString("\n" + s.Subtle.Render("Secrets (tokens, codes, verifier, client secret, cookies) were redacted when recorded."))
	return b.String()
}

// section draws a request's or response's headers and body.
func (m traceModel) section(title string, h map[string][]string, body string) string {
	s := m.com.Styles
	var b strings.Builder
	b.WriteString("\n" + s.Title.Render(title) + "\n")
	for _, k := range sortedKeys(h) {
		b.WriteString(s.Key.Render(k+": ") + safe.Printable(strings.Join(h[k], ", ")) + "\n")
	}
	if body != "" {
		b.WriteString("\n" + hardWrap(safe.Text(body), m.width) + "\n")
	}
	return b.String()
}

func (m traceModel) View() string {
	return clipLines(m.titleView()+"\n"+m.scroll.View()+"\n"+m.statusView(), m.height)
}

func (m traceModel) titleView() string {
	s := m.com.Styles
	parts := []string{s.Title.Render(fmt.Sprintf("HTTP trace: %d exchanges", len(m.entries)))}
	if m.detail {
		parts = append(parts, s.Title.Render("· details (esc: back to the list)"))
	}
	return fitParts(parts, " ", m.width)
}

// statusView is the HAR file's path while it is typed, else the last
// outcome, else the hint (cut to the width: the hint names the directory).
func (m traceModel) statusView() string {
	s := m.com.Styles
	switch {
	case m.saving:
		return m.path.View()
	case m.status.Empty():
		return ansi.Truncate(s.Subtle.Render("x exports a HAR file (opens in a browser's devtools); relative names go to "+m.com.WorkDir), max(m.width, 1), "…")
	}
	return m.status.View(s, m.width)
}

func (m traceModel) KeyMap() help.KeyMap {
	k := m.keys
	full := append(k.FullHelp(), m.scroll.Keys().FullHelp()...)
	if m.saving {
		return keyMap{short: []key.Binding{k.Save, k.CancelSave}, full: full}
	}
	return keyMap{short: append(append(k.ShortHelp(), m.scroll.Keys().PageUp), k.Back), full: full}
}
