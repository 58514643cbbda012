package ui

// A customer's HAR file in the TUI (issue 23): the flows screen (the
// file and its login flows), a flow's screen (its facts, steps, findings
// and tokens), a token in the session inspector, read-only, and the
// dialogs that write the report and the sanitised HAR. What they say is
// report.DiagnoseHAR's document, the one `ssodesk har` prints.

import (
	"maps"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/report"
	"ssodesk/safe"
)

// harView is a HAR file and what ssodesk says of it (report.DiagnoseHAR),
// with the verifications asked for so far. It is never changed: a
// verification makes a new one (diagnoseHAR, in a Cmd).
type harView struct {
	file     *HARFile
	doc      *report.HAR
	verified map[string]*auth.Report
}

// diagnoseHAR is f's document with verified's verifications (a Cmd's work:
// it walks every flow).
func diagnoseHAR(f *HARFile, verified map[string]*auth.Report, now time.Time) *harView {
	d := report.DiagnoseHAR(f.Log, f.Logins, report.HAROptions{Verified: verified, Now: now})
	return &harView{file: f, doc: d, verified: verified}
}

type (
	// openHARMsg: read the HAR file at path and show its flows.
	openHARMsg struct{ path string }
	// openHARFlowMsg: show flow i of view.
	openHARFlowMsg struct {
		view *harView
		flow int
	}
	// openHARTokenMsg: show token tok of flow i in the session inspector,
	// read-only.
	openHARTokenMsg struct {
		view      *harView
		flow, tok int
	}
	// openHARSaveMsg: the dialog that writes view's report or its
	// sanitised copy.
	openHARSaveMsg struct {
		view *harView
		kind harSaveKind
	}
	// harVerifiedMsg: a flow's tokens were verified; view has the new
	// words, said the outcome in a line.
	harVerifiedMsg struct {
		view *harView
		said string
		bad  bool
	}
)

func (openHARMsg) isIntent()      {}
func (openHARFlowMsg) isIntent()  {}
func (openHARTokenMsg) isIntent() {}
func (openHARSaveMsg) isIntent()  {}
func (harVerifiedMsg) isIntent()  {}

// useHARMsg: the root hands a HAR screen the file's new document (after a
// verification) and what to say of it.
type useHARMsg struct {
	view *harView
	said string
	bad  bool
}

// harTransition is the part of transition for the HAR screens.
func (m Model) harTransition(in intent) (Model, tea.Cmd) {
	switch in := in.(type) {
	case openHARMsg:
		m.nextID++
		return m.openShow(screenHARFlows, newHARFlowsModel(m.com, m.svc, in.path, m.nextID))
	case openHARFlowMsg:
		return m.openShow(screenHARFlow, newHARFlowModel(m.com, m.svc, in.view, in.flow))
	case openHARTokenMsg:
		return m.openShow(screenHARToken, newFoundTokenModel(m.com, m.svc, in.view, in.flow, in.tok))
	case openHARSaveMsg:
		m.nextID++
		return m.openShow(screenHARSave, newHARSaveModel(m.com, m.svc, in, m.nextID))
	case harVerifiedMsg:
		var cmds []tea.Cmd
		for _, id := range []screenID{screenHARFlows, screenHARFlow, screenHARToken} {
			var c tea.Cmd
			m, c = m.updateScreen(id, useHARMsg(in))
			cmds = append(cmds, c)
		}
		return m, tea.Batch(cmds...)
	}
	return m, nil
}

// verifyHARCmd verifies flow's JWTs (Services.VerifyFound) and makes the
// document again with what it found.
func verifyHARCmd(svc *Services, v *harView, flow int, c screenContext, now time.Time) tea.Cmd {
	verify := svc.VerifyFound
	return func() tea.Msg {
		if verify == nil {
			return harVerifiedMsg{view: v, said: errNoService("verification").Error(), bad: true}
		}
		l := v.file.Logins[flow]
		ctx, cancel := c.timeout()
		defer cancel()
		got := verify(ctx, l)
		merged := map[string]*auth.Report{}
		maps.Copy(merged, v.verified)
		maps.Copy(merged, got)
		nv := diagnoseHAR(v.file, merged, now)
		return harVerifiedMsg{view: nv, said: verifiedSummary(nv.doc.Flows[flow], len(got))}
	}
}

// verifiedSummary says a verification's outcome in the document's words
// ("ID token: verified"), or why nothing was verified.
func verifiedSummary(f report.HARFlow, n int) string {
	if n == 0 && f.Endpoint == "" {
		return "not verified: " + f.IdP + " is not a configured HIMSA endpoint, so its keys are not trusted"
	}
	var parts []string
	for _, t := range f.Tokens {
		if t.Verified != "" {
			parts = append(parts, t.Name+": "+t.Verified)
		}
	}
	if len(parts) == 0 {
		return "nothing to verify: no JWT in this flow"
	}
	return strings.Join(parts, "; ")
}

// noteLines draws a finding or a note: its mark and text, then its cause
// and fix, wrapped to width under indent.
func noteLines(s *Styles, indent string, n report.HARNote, width int) []string {
	st, mark := s.Subtle, "•" // a note: nothing was checked by it
	if c, ok := check.Parse(n.Status); ok {
		st, mark = s.Status(c), c.Mark()
	}
	w := max(width-len(indent)-2, 4)
	var out []string
	for i, l := range wrapText(safe.Text(n.Text), w) {
		out = append(out, indent+explain.If(i == 0, st.Render(mark)+" ", "  ")+st.Render(l))
	}
	for _, kv := range [][2]string{{"cause: ", n.Cause}, {"fix:   ", n.Fix}} {
		if kv[1] == "" {
			continue
		}
		for i, l := range wrapText(safe.Text(kv[1]), max(w-len(kv[0]), 4)) {
			out = append(out, indent+"  "+s.Key.Render(explain.If(i == 0, kv[0], strings.Repeat(" ", len(kv[0]))))+s.Text.Render(l))
		}
	}
	return out
}

// outcomeStyle is the mark and style of a flow's outcome: ✓ it got a code,
// ✗ a step failed, ! it stopped on the way.
func outcomeStyle(outcome string) (string, check.Status) {
	switch outcome {
	case "succeeded":
		return check.Pass.Mark(), check.Pass
	case "failed":
		return check.Fail.Mark(), check.Fail
	}
	return check.Warn.Mark(), check.Warn
}

// wrapText wraps text to width at spaces, breaking only a word longer than
// a line: a command's flags (--redirect-uri) stay whole, as ssodesk har
// prints them. ansi.Wrap also breaks after a hyphen, so hyphens are
// non-breaking ones (as wide) while it wraps.
func wrapText(text string, width int) []string {
	const nbHyphen = "\u2011"
	if width > 0 {
		text = strings.ReplaceAll(ansi.Wrap(strings.ReplaceAll(text, "-", nbHyphen), width, ""), nbHyphen, "-")
	}
	return strings.Split(text, "\n")
}
