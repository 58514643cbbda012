package ui

// The session inspector, read-only, for a token of a customer's HAR: its
// header and claims decoded (times as at its use), its fingerprint, and
// its verification when asked for (v). A HAR's tokens are a customer's:
// the inspector holds only what report.DiagnoseHAR says of them (never the
// token itself), has none of the keys that would use one (refresh,
// userinfo, API console, introspection, logout, switch, re-login, copy
// token, reveal) and none of its code paths call those services.

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/report"
	"ssodesk/safe"
	"ssodesk/timefmt"
)

// foundToken is the token the inspector shows read-only: token tok of
// flow of view (a HAR's), or pasted (a token pasted in the TUI).
type foundToken struct {
	view      *harView
	flow, tok int
	pasted    *pastedToken
}

func (f foundToken) token() report.HARToken {
	if f.pasted != nil {
		return f.pasted.doc
	}
	return f.view.doc.Flows[f.flow].Tokens[f.tok]
}

// FoundKeys are the read-only inspector's keys: nothing that sends the
// token anywhere.
type FoundKeys struct {
	Up, Down, Copy, Verify, Report, Sanitize, Back key.Binding
}

func defaultFoundKeys() FoundKeys {
	return FoundKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Copy:     bind("c", "copy claim"),
		Verify:   bind("v", "verify (keys only)"),
		Report:   reportKey(),
		Sanitize: bind("w", "write sanitised HAR"),
		Back:     bind("esc", "back"),
	}
}

// newFoundTokenModel is the inspector, read-only, on token tok of flow i.
func newFoundTokenModel(com *Common, svc *Services, v *harView, i, tok int) sessionModel {
	m := sessionModel{com: com, svc: svc, screenContext: newScreenContext(), scroll: newScroller(), keys: defaultSessionKeys(),
		found: &foundToken{view: v, flow: i, tok: tok}, foundKeys: defaultFoundKeys()}
	m.refresh()
	return m
}

// newPastedTokenModel is the inspector, read-only, on a pasted token.
func newPastedTokenModel(com *Common, svc *Services, p *pastedToken) sessionModel {
	m := sessionModel{com: com, svc: svc, screenContext: newScreenContext(), scroll: newScroller(), keys: defaultSessionKeys(),
		found: &foundToken{pasted: p}, foundKeys: defaultFoundKeys()}
	m.refresh()
	return m
}

// foundKey handles the read-only inspector's keys; every other key only
// scrolls.
func (m sessionModel) foundKey(msg tea.KeyPressMsg) (sessionModel, tea.Cmd) {
	k := m.foundKeys
	switch {
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Copy) && len(m.rows) > 0:
		r := m.rows[m.cursor]
		return m, copyCmd("claim "+r.name, r.value)
	case key.Matches(msg, k.Report) && m.found.view != nil:
		return m, emit(openHARSaveMsg{view: m.found.view, kind: saveHARReport})
	case key.Matches(msg, k.Sanitize) && m.found.view != nil:
		return m, emit(openHARSaveMsg{view: m.found.view, kind: saveSanitizedHAR})
	case key.Matches(msg, k.Verify) && m.found.pasted != nil:
		p := m.found.pasted
		m.status.Working("verifying against " + safe.Printable(orDash(p.issuer)) + "'s keys…")
		return m, verifyPastedCmd(m.svc, p, m.screenContext, m.com.Now())
	case key.Matches(msg, k.Verify):
		f := m.found
		m.status.Working("verifying against " + safe.Printable(f.view.doc.Flows[f.flow].IdP) + "'s keys, as of the token's use…")
		return m, verifyHARCmd(m.svc, f.view, f.flow, m.screenContext, m.com.Now())
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

// usePasted takes a pasted token's verification.
func (m sessionModel) usePasted(msg pastedVerifiedMsg) sessionModel {
	if m.found == nil || m.found.pasted == nil || m.found.pasted.raw != msg.tok.raw {
		return m // another token's late verification
	}
	m.found = &foundToken{pasted: msg.tok}
	m.status.Done()
	m.setStatus("pasted token: "+msg.tok.doc.Verified, pastedStatus(msg.tok.doc.Verified) != check.Pass)
	m.refresh()
	return m
}

// useHAR takes a verification's new document.
func (m sessionModel) useHAR(msg useHARMsg) sessionModel {
	if m.found == nil || m.found.view == nil || msg.view.file != m.found.view.file {
		return m // a session of this run, or another file's late verification
	}
	f := *m.found // a copy: the model is a value
	f.view = msg.view
	m.found = &f
	m.status.Done()
	m.setStatus(msg.said, msg.bad)
	m.refresh()
	return m
}

// foundAt is when the token was used in the HAR (the browser's clock), the
// time its claims are said as of; a pasted token's as of now.
func (m sessionModel) foundAt() time.Time {
	if at := m.found.token().At; !at.IsZero() {
		return at
	}
	return m.com.Now()
}

// renderFound is the token's page: what it is, its verification, its
// header and claims.
func (m sessionModel) renderFound() (string, []rowRef) {
	t, pasted := m.found.token(), m.found.pasted
	p := &page{m: m, s: m.com.Styles, now: m.foundAt()}
	s := p.s
	p.field("Token", safe.Printable(t.Text))
	if !t.At.IsZero() {
		p.field("Used at", timefmt.Clock(t.At)+s.Subtle.Render("  (the browser's clock; claims' times as of then)"))
	}
	if pasted != nil {
		p.field("Issuer", safe.Printable(orDash(pasted.issuer))+s.Subtle.Render("  (checked against "+safe.Printable(pasted.env)+")"))
	}
	st := verifiedStatus(t.Verified)
	if pasted != nil {
		st = pastedStatus(t.Verified)
	}
	switch {
	case t.Claims == nil && t.Header == nil:
		p.add("")
		p.para(s.Subtle, "Not a JWT: a HAR shows an opaque token or a code only as its fingerprint.")
		return strings.Join(p.lines, "\n"), nil
	case t.Verification == nil:
		p.field("Verified", s.Status(st).Render(t.Verified))
		for _, l := range wrapLines(m.verifyHint(), max(p.m.width-15, 1)) {
			p.add(strings.Repeat(" ", 15) + s.Subtle.Render(l))
		}
	default:
		p.field("Verified", s.Status(st).Render(t.Verified))
		p.foundChecks(t.Verification, explain.If(pasted != nil, "Verification", "Verification (as of its use)"))
	}
	p.jwtHeader(t.Header)
	p.claims(explain.If(pasted != nil, "Claims (times as of now)", "Claims (times as at its use)"), t.Claims, nil)
	return strings.Join(p.lines, "\n"), p.rows
}

// verifyHint says what v would do, before it is pressed.
func (m sessionModel) verifyHint() string {
	if p := m.found.pasted; p != nil {
		return explain.PastedIssuerNote(safe.Printable(p.issuer), p.env, p.known, p.foreign)
	}
	return "v checks it against the IdP's keys; nothing is sent with it"
}

// foundChecks are a verification's checks, in the document's words.
func (p *page) foundChecks(v *report.Verification, title string) {
	s := p.s
	p.heading(title)
	const indent = 16 // "  ✓ signature   ": the detail wraps under itself
	for _, c := range v.Checks {
		head := "  " + s.Status(c.Status).Render(c.Status.Mark()+" "+fmt.Sprintf("%-11s", c.Name)) + " "
		for i, l := range wrapLines(safe.Printable(c.Detail), max(p.m.width-indent, 8)) {
			p.add(explain.If(i == 0, head, strings.Repeat(" ", indent)) + s.Text.Render(l))
		}
	}
}

// foundTitle names the token and the file, and says it is read-only.
func (m sessionModel) foundTitle() string {
	if p := m.found.pasted; p != nil {
		title := m.com.Styles.Title.Render("Pasted token")
		return fitParts([]string{title, m.com.Styles.Subtle.Render(safe.Printable(p.doc.Text))}, " · ", max(m.width, 1))
	}
	t, v := m.found.token(), m.found.view
	title := m.com.Styles.Title.Render(upperFirst(t.Name) + " from " + safe.Printable(baseName(v.doc.Source.Name)))
	return fitParts([]string{title, m.com.Styles.Subtle.Render(fmt.Sprintf("login %d", m.found.flow+1))}, " · ", max(m.width, 1))
}

// foundBar says what the inspector is here, in the tab bar's place.
func (m sessionModel) foundBar() string {
	what := explain.If(m.found.pasted != nil, explain.PastedReadOnly, "read-only: a customer's token, never sent anywhere")
	return ansi.Truncate(m.com.Styles.Warn.Render(what), max(m.width, 1), "…")
}

func (m sessionModel) foundKeyMap() help.KeyMap {
	k, sk := m.foundKeys, m.scroll.Keys()
	short := []key.Binding{k.Up, k.Down, k.Verify, k.Copy, k.Back}
	more := []key.Binding{k.Report, k.Sanitize, sk.PageUp, sk.Top}
	if m.found.pasted != nil {
		more = more[2:] // no HAR to write
	}
	return keyMap{short: append(short, sk.PageUp), full: [][]key.Binding{short, more}}
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
