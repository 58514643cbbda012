package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/explain"
	"ssodesk/safe"
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
	com *Common
	svc *Services
	screenContext
	keys   CheckKeys
	region config.Region
	app    *auth.AuthorizeRequest // another app's request (nil: the configured client's)
	id     int                    // the check in flight or shown; a stale report is dropped
	rep    *diagnose.Report
	scroll scroller
	width  int
	height int
}

func newCheckModel(com *Common, svc *Services, region config.Region, id int) checkModel {
	m := checkModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultCheckKeys(), region: region, id: id, scroll: newScroller()}
	m.render()
	return m
}

// newAppCheckModel checks app's request at region.
func newAppCheckModel(com *Common, svc *Services, region config.Region, app auth.AuthorizeRequest, id int) checkModel {
	m := newCheckModel(com, svc, region, id)
	m.app = &app
	m.render()
	return m
}

// Init runs the check off the UI thread.
func (m checkModel) Init() tea.Cmd {
	run, region, id, c := m.svc.Check, m.region, m.id, m.screenContext
	if m.app != nil {
		app, check := *m.app, m.svc.CheckApp
		run = nil
		if check != nil {
			run = func(ctx context.Context, r config.Region) diagnose.Report { return check(ctx, r, app) }
		}
	}
	return func() tea.Msg {
		if run == nil {
			return checkDoneMsg{id: id, rep: diagnose.Report{Rows: []check.Row{{Name: "check", Status: check.Fail, Detail: errNoService("the endpoint check").Error()}}}}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		return checkDoneMsg{id: id, rep: run(ctx, region)}
	}
}

func (checkDoneMsg) target() screenID { return screenCheck }

func (m checkModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m checkModel) CapturesKeys() bool                     { return false }

// SetSize gives the rows what the title and the blank line under it leave.
func (m checkModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, max(h-lipgloss.Height(m.headView()+"\n"), 1))
	m.render()
	return m
}

func (m checkModel) Restyle() screen {
	m.render()
	return m
}

func (m checkModel) Update(msg tea.Msg) (screen, tea.Cmd) {
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
		case key.Matches(msg, m.keys.Again) && m.rep != nil && m.app != nil:
			return m, emit(openAppCheckMsg{region: m.region, app: *m.app})
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
	s := m.com.Styles
	if m.rep == nil {
		m.scroll.SetContent(s.Spinner.Render("… ") + s.Text.Render("checking discovery, TLS, JWKS, the authorize request, the clock…"))
		return
	}
	var lines []string
	for _, r := range m.rep.Rows {
		mark := s.Status(r.Status).Render(r.Status.Mark())
		lines = append(lines, mark+" "+s.Key.Render(r.Name))
		const indent = "  "
		for _, l := range wrapLines(safe.Printable(r.Detail), max(m.width-len(indent), 1)) {
			lines = append(lines, indent+s.Text.Render(l))
		}
		if r.Name == diagnose.RowRefuses {
			lines = append(lines, probeLines(s, m.rep.Probes, m.width)...)
		}
	}
	verdict := s.OK.Render("Every check passed.")
	if f := m.rep.Failed(); len(f) > 0 {
		verdict = s.Error.Render("Failed: " + strings.Join(f, ", ") + ".")
	}
	m.scroll.SetContent(strings.Join(append(lines, "", verdict), "\n"))
}

func (m checkModel) View() string { return clipLines(m.headView()+"\n\n"+m.scroll.View(), m.height) }

// probeLines are the probes of a refusal, numbered, as ssodesk check
// lists them under the refuses row.
func probeLines(s *Styles, probes []diagnose.Probe, width int) []string {
	var out []string
	for i, p := range probes {
		n := fmt.Sprintf("    %d. ", i+1)
		line := explain.ProbeLine(p.Changed, p.Value, p.Outcome, p.Error, p.RequestID, p.Request)
		for j, l := range wrapLines(safe.Printable(line), max(width-len(n), 1)) {
			out = append(out, explain.If(j == 0, s.Subtle.Render(n), strings.Repeat(" ", len(n)))+s.Text.Render(l))
		}
	}
	return out
}

// headView names the endpoint checked (and the app, for another app's
// check), and its issuer when it fits.
func (m checkModel) headView() string {
	s := m.com.Styles
	title := "Check of " + m.region.Name
	if m.app != nil {
		title = "Check of " + safe.Printable(m.app.ClientID) + " at " + m.region.Name
	}
	return fitParts([]string{s.Title.Render(title), s.Subtle.Render(m.region.Issuer)}, " ", m.width)
}

func (m checkModel) KeyMap() help.KeyMap {
	sk := m.scroll.Keys()
	return keyMap{short: []key.Binding{m.keys.Again, m.keys.Back, sk.Up, sk.Down}, full: append(m.keys.FullHelp(), sk.FullHelp()...)}
}
