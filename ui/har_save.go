package ui

import (
	"context"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/explain"
	"ssodesk/report"
)

// harSaveKind is what the HAR save dialog writes.
type harSaveKind int

const (
	saveHARReport    harSaveKind = iota // d: the diagnosis report (ssodesk har --report)
	saveSanitizedHAR                    // w: a sanitised copy (ssodesk har sanitize)
)

// harWrittenMsg ends the writing of dialog id.
type harWrittenMsg struct {
	id   int
	path string
	err  error
}

func (harWrittenMsg) target() screenID { return screenHARSave }

// harSaveModel is the dialog that writes a HAR's report (d) or its
// sanitised copy (w): the path, whether personal data is masked, and what
// was written. It looks and works as the report dialog.
type harSaveModel struct {
	com *Common
	svc *Services
	screenContext
	keys    ReportKeys
	id      int
	view    *harView
	kind    harSaveKind
	path    textinput.Model
	redact  bool
	writing bool
	written string
	err     error
	status  statusLine
	width   int
	height  int
}

func newHARSaveModel(com *Common, svc *Services, in openHARSaveMsg, id int) harSaveModel {
	ti := textinput.New()
	ti.SetStyles(com.Styles.Input)
	keys := defaultReportKeys()
	if in.kind == saveSanitizedHAR {
		ti.Prompt = "Sanitised HAR: "
		base := strings.TrimSuffix(filepath.Base(in.view.file.Path), filepath.Ext(in.view.file.Path))
		ti.SetValue(base + "-sanitized.har")
		keys.Write.SetHelp("enter", "write HAR")
	} else {
		ti.Prompt = "Report file: "
		ti.SetValue("ssodesk-har-report-" + com.Now().Format("20060102-150405") + ".md")
	}
	ti.CursorEnd()
	ti.Focus()
	return harSaveModel{com: com, svc: svc, screenContext: newScreenContext(), keys: keys, id: id, view: in.view, kind: in.kind, path: ti}
}

func (m harSaveModel) Init() tea.Cmd { return textinput.Blink }

func (m harSaveModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m harSaveModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.path.SetWidth(max(w-ansi.StringWidth(m.path.Prompt)-1, 4))
	m.path.SetCursor(m.path.Position())
	return m
}

func (m harSaveModel) Restyle() screen {
	m.path.SetStyles(m.com.Styles.Input)
	return m
}

// CapturesKeys: the path input has focus while the dialog is open.
func (m harSaveModel) CapturesKeys() bool { return true }

func (m harSaveModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case harWrittenMsg:
		if msg.id == m.id {
			m.writing, m.written, m.err = false, msg.path, msg.err
			m.status.Done()
		}
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Back):
			return m, emit(backMsg{})
		case key.Matches(msg, m.keys.RedactPII):
			m.redact = !m.redact
			return m, nil
		case key.Matches(msg, m.keys.Write):
			return m.write()
		}
	}
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(msg)
	return m, cmd
}

// write writes the report or the sanitised HAR in a Cmd.
func (m harSaveModel) write() (harSaveModel, tea.Cmd) {
	path := m.com.savePath(m.path.Value())
	switch {
	case m.writing:
		return m, nil
	case path == "":
		m.status.Set("no file name given", true)
		return m, nil
	}
	m.writing, m.err, m.written = true, nil, ""
	m.status.Working("writing " + path + " …")
	id, v, redact, c, now := m.id, m.view, m.redact, m.screenContext, m.com.Now()
	save, sanitize, kind := m.svc.SaveHARReport, m.svc.SanitizeHAR, m.kind
	return m, func() tea.Msg {
		ctx, cancel := c.timeout()
		defer cancel()
		switch {
		case kind == saveSanitizedHAR && sanitize != nil:
			abs, err := sanitize(ctx, v.file, path, redact)
			return harWrittenMsg{id: id, path: abs, err: err}
		case kind == saveHARReport && save != nil:
			abs, err := save(ctx, path, v.file, report.Options{RedactPII: redact, Now: now}, v.verified)
			return harWrittenMsg{id: id, path: abs, err: err}
		}
		return harWrittenMsg{id: id, err: errNoService(explain.If(kind == saveHARReport, "writing a report", "sanitising a HAR"))}
	}
}

func (m harSaveModel) View() string {
	s := m.com.Styles
	var b strings.Builder
	b.WriteString(wrapStyled(s.Title, explain.If(m.kind == saveHARReport, "Diagnosis report of the HAR", "Sanitised copy of the HAR"), m.width) + "\n")
	b.WriteString(m.path.View() + "\n")
	mark := explain.If(m.redact, "[x]", "[ ]")
	b.WriteString(fitParts([]string{s.Text.Render(mark + " mask personal data (--redact-pii)"), s.Subtle.Render("tab toggles")}, "  ", m.width) + "\n")
	switch {
	case m.err != nil:
		b.WriteString(wrapStyled(s.Error, m.err.Error(), m.width) + "\n")
	case m.written != "":
		b.WriteString(wrapStyled(s.OK, "Written: "+m.written, m.width) + "\n")
	}
	if !m.status.Empty() {
		b.WriteString(m.status.View(s, m.width) + "\n")
	}
	if m.kind == saveHARReport {
		b.WriteString("\n" + wrapStyled(s.Text, "A Markdown report (JSON for a .json name) of the file and every flow in it, as ssodesk har --report writes it: "+
			"the steps, the findings with cause and fix, the tokens as fingerprints and their claims.", m.width) + "\n")
	} else {
		b.WriteString("\n" + wrapStyled(s.Text, "A copy fit for a ticket, as ssodesk har sanitize writes it: every code, token, cookie and secret a labelled placeholder "+
			"that keeps what a diagnosis needs. A new file (0600), never over one.", m.width) + "\n")
	}
	b.WriteString(wrapStyled(s.Subtle, explain.If(m.kind == saveHARReport, explain.ReportPII(m.redact), explain.SanitizePII(m.redact)), m.width) + "\n")
	return clipLines(b.String(), m.height)
}

func (m harSaveModel) KeyMap() help.KeyMap {
	return keyMap{short: m.keys.ShortHelp(), full: m.keys.FullHelp()}
}
