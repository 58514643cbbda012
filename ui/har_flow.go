package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/check"
	"ssodesk/report"
	"ssodesk/safe"
)

// harFlowModel is one flow of a HAR: its facts and region story, its steps
// with their exchanges (URLs as the document redacted them), its findings
// with cause and fix, and its tokens; enter opens the selected token in
// the session inspector (read-only), v verifies the flow's tokens.
type harFlowModel struct {
	com *Common
	svc *Services
	screenContext
	keys      HARKeys
	view      *harView
	idx       int
	tok       int   // the selected token
	tokenRows []int // the line of each token's row
	status    statusLine
	scroll    scroller
	width     int
	height    int
}

func newHARFlowModel(com *Common, svc *Services, v *harView, i int) harFlowModel {
	m := harFlowModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultHARKeys(), view: v, idx: i, scroll: newScroller()}
	m.refresh()
	return m
}

func (m harFlowModel) Init() tea.Cmd { return nil }

func (m harFlowModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m harFlowModel) CapturesKeys() bool { return false }

func (m harFlowModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.scroll.SetSize(w, max(h-lipgloss.Height(m.statusView()), 1))
	m.refresh()
	return m
}

func (m harFlowModel) Restyle() screen { m.refresh(); return m }

func (m harFlowModel) flow() report.HARFlow { return m.view.doc.Flows[m.idx] }

func (m harFlowModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case useHARMsg:
		if msg.view.file != m.view.file {
			return m, nil // another file's late verification
		}
		m.view = msg.view
		m.status.Done()
		m.status.Set(msg.said, msg.bad)
		m.refresh()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

func (m harFlowModel) handleKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k, n := m.keys, len(m.flow().Tokens)
	switch {
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case key.Matches(msg, k.NextToken) && n > 0:
		m.selectToken((m.tok + 1) % n)
	case key.Matches(msg, k.PrevToken) && n > 0:
		m.selectToken((m.tok + n - 1) % n)
	case key.Matches(msg, k.Open) && n > 0:
		return m, emit(openHARTokenMsg{view: m.view, flow: m.idx, tok: m.tok})
	case key.Matches(msg, k.Verify):
		m.status.Working("verifying the flow's tokens against " + safe.Printable(m.flow().IdP) + "'s keys…")
		return m, verifyHARCmd(m.svc, m.view, m.idx, m.screenContext, m.com.Now())
	case key.Matches(msg, k.Report):
		return m, emit(openHARSaveMsg{view: m.view, kind: saveHARReport})
	case key.Matches(msg, k.Sanitize):
		return m, emit(openHARSaveMsg{view: m.view, kind: saveSanitizedHAR})
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

func (m *harFlowModel) selectToken(i int) {
	m.tok = i
	m.refresh()
	m.scroll.EnsureVisible(m.tokenRows[i])
}

func (m *harFlowModel) refresh() {
	p := &harFlowPage{s: m.com.Styles, width: m.width}
	p.flow(m.flow(), m.view.file.Logins[m.idx].InFrame, m.idx, m.tok)
	m.tokenRows = p.tokenRows
	m.scroll.SetContent(strings.Join(p.lines, "\n"))
}

// harFlowPage accumulates a flow's lines.
type harFlowPage struct {
	s         *Styles
	width     int
	lines     []string
	tokenRows []int
}

// add adds text (outside text made printable first), wrapped.
func (p *harFlowPage) add(text string) { p.lines = append(p.lines, wrapLines(text, p.width)...) }

func (p *harFlowPage) heading(title string) { p.lines = append(p.lines, "", p.s.Title.Render(title)) }

func (p *harFlowPage) flow(f report.HARFlow, inFrame bool, i, tok int) {
	s := p.s
	_, st := outcomeStyle(f.Outcome)
	p.add(s.Title.Render(fmt.Sprintf("Login %d: client %s at %s — ", i+1, safe.Printable(orDash(f.ClientID)), safe.Printable(f.Where()))) +
		s.Status(st).Render(safe.Printable(f.OutcomeText())))
	for _, kv := range [][2]string{{"redirect URI", f.RedirectURI}, {"scopes", strings.Join(f.Scopes, " ")}, {"PKCE", f.PKCE},
		{"prompt", f.Prompt}, {"culture-lcid", f.CultureLCID}, {"code region", f.CodeRegion}, {"ID token iss", f.Issuer}, {"API host", f.APIHost}} {
		if kv[1] != "" {
			p.add(s.Key.Render(fmt.Sprintf("%-13s", kv[0])) + " " + s.Value.Render(safe.Printable(kv[1])))
		}
	}
	if f.Silent {
		p.add(s.Key.Render(fmt.Sprintf("%-13s", "silent")) + " " + s.Value.Render("prompt=none (a silent renew)"))
	}
	if inFrame {
		p.add(s.Key.Render(fmt.Sprintf("%-13s", "in a frame")) + " " + s.Value.Render("it ran in an iframe"))
	}
	if f.Story != "" {
		p.lines = append(p.lines, wrapLines(s.Text.Render(safe.Text(f.Story)), p.width)...)
	}
	said := p.steps(f.Steps)
	p.findings(f.Findings, said)
	p.tokens(f.Tokens, tok)
}

// steps draws each step with its exchanges and findings; it returns the
// findings it said.
func (p *harFlowPage) steps(steps []report.HARStep) map[string]bool {
	s, said := p.s, map[string]bool{}
	p.heading("Steps")
	for j, st := range steps {
		line := s.Status(st.Status).Render(st.Status.Mark()) + fmt.Sprintf(" %d %-12s ", j+1, st.Kind) + s.Text.Render(safe.Printable(st.Detail))
		p.add(strings.TrimRight(line, " "))
		for _, x := range st.Exchanges {
			line := "    " + s.Subtle.Render(fmt.Sprintf("#%d %s %s ", x.ID, x.Method, exchangeStatus(x.Status))) + s.URL.Render(safe.Printable(x.URL))
			p.lines = append(p.lines, strings.Split(hardWrap(line, p.width), "\n")...) // a URL is seen whole
		}
		for _, n := range st.Findings {
			p.lines = append(p.lines, noteLines(s, "    ", n, p.width)...)
			said[n.Text] = true
		}
	}
	return said
}

// findings draws the flow's findings not said under a step.
func (p *harFlowPage) findings(ns []report.HARNote, said map[string]bool) {
	var rest []report.HARNote
	for _, n := range ns {
		if !said[n.Text] {
			rest = append(rest, n)
		}
	}
	if len(rest) == 0 {
		return
	}
	p.heading("Findings")
	for _, n := range rest {
		p.lines = append(p.lines, noteLines(p.s, "", n, p.width)...)
	}
}

// tokens draws a row per token (its fingerprint and whether it was
// verified), tok's marked.
func (p *harFlowPage) tokens(ts []report.HARToken, tok int) {
	if len(ts) == 0 {
		return
	}
	s := p.s
	p.heading("Tokens (tab selects, enter opens it in the inspector, read-only; v verifies)")
	for i, t := range ts {
		cursor := "  "
		if i == tok {
			cursor = s.Cursor.Render("▸ ")
		}
		line := cursor + s.Key.Render(fmt.Sprintf("%-19s", t.Name)) + " " + s.Value.Render(safe.Printable(t.Text))
		if t.Verified != "" {
			line += " — " + s.Status(verifiedStatus(t.Verified)).Render(t.Verified)
		}
		p.tokenRows = append(p.tokenRows, len(p.lines))
		p.lines = append(p.lines, line)
	}
}

// verifiedStatus is the status of a token's verification word: ✓ only once
// it verified.
func verifiedStatus(word string) check.Status {
	switch word {
	case report.VerifiedOK:
		return check.Pass
	case report.VerifiedNot:
		return check.Fail
	}
	return check.Skip
}

func exchangeStatus(s int) string {
	if s == 0 {
		return "(no answer)"
	}
	return fmt.Sprint(s)
}

func (m harFlowModel) View() string {
	return clipLines(m.scroll.View()+"\n"+m.statusView(), m.height)
}

// statusView is the last outcome (a verification), else where the tokens
// are and how to open one.
func (m harFlowModel) statusView() string {
	s, n := m.com.Styles, len(m.flow().Tokens)
	if !m.status.Empty() || n == 0 {
		return m.status.View(s, m.width)
	}
	hint := fmt.Sprintf("%d %s at the end: tab selects one, enter opens it (read-only)", n, plural(n, "token", "tokens"))
	return ansi.Truncate(s.Subtle.Render(hint), max(m.width, 1), "…")
}

func (m harFlowModel) KeyMap() help.KeyMap {
	k := m.keys
	short := []key.Binding{k.NextToken, k.Open, k.Verify, k.Report, k.Sanitize, k.Back}
	sk := m.scroll.Keys()
	return keyMap{short: append(short, sk.Up), full: [][]key.Binding{short, {k.PrevToken, sk.Up, sk.PageUp, sk.Top}}}
}
