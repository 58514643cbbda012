package ui

import (
	"context"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/explain"
	"ssodesk/report"
	"ssodesk/session"
)

// ReportKeys are the report dialog's keys (its path input has focus).
type ReportKeys struct {
	Write, RedactPII, Back key.Binding
}

func defaultReportKeys() ReportKeys {
	return ReportKeys{
		Write:     bind("enter", "write report"),
		RedactPII: bind("tab", "mask personal data"),
		Back:      bind("esc", "back"),
	}
}

func (k ReportKeys) ShortHelp() []key.Binding { return []key.Binding{k.Write, k.RedactPII, k.Back} }

func (k ReportKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// reportKey is the key of the session screen and of a failed login that
// opens the report dialog.
func reportKey() key.Binding { return bind("d", "report") }

// openReportMsg: write a diagnosis report of the session on screen (res
// and what the screen fetched), or, without res, of the login that failed.
type openReportMsg struct {
	res     *auth.Result
	info    *auth.UserInfo
	infoErr string
	access  *auth.Report
}

func (openReportMsg) isIntent() {}

// reportWrittenMsg ends the writing of report id.
type reportWrittenMsg struct {
	id  int
	w   report.Written
	err error
}

// reportModel is the report dialog: the file's path, whether personal data
// is masked, and what was written.
type reportModel struct {
	com *Common
	svc *Services
	screenContext
	keys    ReportKeys
	id      int
	attempt session.Attempt
	path    textinput.Model
	redact  bool
	writing bool
	written report.Written
	err     error // why the last write failed
	status  statusLine
	width   int
	height  int
}

func newReportModel(com *Common, svc *Services, a session.Attempt, id int) reportModel {
	ti := textinput.New()
	ti.Prompt = "Report file: "
	ti.SetStyles(com.Styles.Input)
	ti.SetValue("ssodesk-report-" + com.Now().Format("20060102-150405") + ".md")
	ti.CursorEnd()
	ti.Focus()
	return reportModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultReportKeys(), id: id, attempt: a, path: ti}
}

func (m reportModel) Init() tea.Cmd { return textinput.Blink }

func (m reportModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

// SetSize: the path input takes what its prompt and the cursor leave.
func (m reportModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.path.SetWidth(max(w-ansi.StringWidth(m.path.Prompt)-1, 4))
	m.path.SetCursor(m.path.Position()) // scrolls the text to the new width
	return m
}

func (m reportModel) Restyle() screen {
	m.path.SetStyles(m.com.Styles.Input)
	return m
}

// CapturesKeys: the path input has focus while the dialog is open.
func (m reportModel) CapturesKeys() bool { return true }

func (reportWrittenMsg) target() screenID { return screenReport }

func (m reportModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case reportWrittenMsg:
		return m.done(msg)
	case copiedMsg:
		m.status.Set(msg.text(), false)
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

// write builds and writes the report and its HAR in a Cmd.
func (m reportModel) write() (reportModel, tea.Cmd) {
	path := m.com.savePath(m.path.Value())
	switch {
	case m.writing:
		return m, nil
	case path == "":
		m.status.Set("no file name given", true)
		return m, nil
	}
	m.writing, m.err = true, nil
	m.status.Working("writing " + path + " …")
	id, a, o, save, c := m.id, m.attempt, report.Options{RedactPII: m.redact, Now: m.com.Now()}, m.svc.SaveReport, m.screenContext
	return m, func() tea.Msg {
		if save == nil {
			return reportWrittenMsg{id: id, err: errNoService("writing a report")}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		w, err := save(ctx, path, a, o)
		return reportWrittenMsg{id: id, w: w, err: err}
	}
}

// done says what was written and copies the paths.
func (m reportModel) done(msg reportWrittenMsg) (reportModel, tea.Cmd) {
	if msg.id != m.id {
		return m, nil
	}
	m.writing, m.err, m.written = false, msg.err, msg.w
	m.status.Done()
	if msg.err != nil {
		return m, nil
	}
	return m, copyCmd("the paths", strings.TrimSpace(msg.w.Report+"\n"+msg.w.HAR))
}

// View puts the path and the toggle first, so they show in a small
// window; then what was written (or why not), then what a report holds.
func (m reportModel) View() string {
	s := m.com.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Diagnosis report") + "\n")
	b.WriteString(m.path.View() + "\n")
	mark := explain.If(m.redact, "[x]", "[ ]")
	b.WriteString(fitParts([]string{s.Text.Render(mark + " mask personal data (--redact-pii)"), s.Subtle.Render("tab toggles")}, "  ", m.width) + "\n")
	switch {
	case m.err != nil:
		b.WriteString(wrapStyled(s.Error, m.err.Error(), m.width) + "\n")
	case m.written.Report != "":
		b.WriteString(wrapStyled(s.OK, "Report: "+m.written.Report, m.width) + "\n")
		if m.written.HAR != "" {
			b.WriteString(wrapStyled(s.OK, "HAR:    "+m.written.HAR, m.width) + "\n")
		}
	}
	if !m.status.Empty() {
		b.WriteString(m.status.View(s, m.width) + "\n")
	}
	b.WriteString("\n" + wrapStyled(s.Text, "A Markdown report of this login for a ticket: what was tried, each step, where it failed "+
		"and the fix, the verification, the claims and the HTTP trace, with the redacted HAR beside it (same name, .har).", m.width) + "\n")
	b.WriteString(wrapStyled(s.Subtle, explain.ReportNever, m.width) + "\n")
	b.WriteString(wrapStyled(s.Subtle, explain.ReportPII(m.redact), m.width) + "\n")
	return clipLines(b.String(), m.height)
}

func (m reportModel) KeyMap() help.KeyMap {
	return keyMap{short: m.keys.ShortHelp(), full: m.keys.FullHelp()}
}

// reportAttempt is what the login screen knows of its login.
func (m loginModel) reportAttempt() session.Attempt {
	return session.Attempt{Region: m.region, ForceChoose: m.req.ForceChoose, Started: m.started, Finished: m.ended,
		Events: slices.Clone(m.events), Err: m.err}
}

// reportIntent asks for a report of the session with what the screen
// fetched (userinfo, the access token's verification).
func (m sessionModel) reportIntent() tea.Cmd {
	in := openReportMsg{res: m.res, info: m.info, infoErr: m.infoErrorMsg}
	if m.insp != nil {
		in.access = m.insp.accessRep
	}
	return emit(in)
}
