package ui

// A token pasted in the TUI (issue 24, item 4): the paste screen (p on the
// picker) takes a JWT, "Bearer …" or a whole "Authorization: Bearer …"
// line and opens it in the session inspector, read-only (session_found.go):
// decoded, times as of now, verified on request (v) against the issuer it
// names when that issuer is an endpoint of the selected environment. A
// pasted token is never used: nothing refreshes, introspects, fetches
// userinfo or calls an API with it.

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/report"
	"ssodesk/safe"
)

// pastedToken is a pasted JWT as the inspector shows it: its document
// (fingerprint, header, claims, verification) and what the configuration
// says of its issuer. It is never changed: a verification makes a new one.
type pastedToken struct {
	raw     string // kept for v only: never shown, never sent
	issuer  string
	known   bool   // the issuer is an endpoint of the selected environment
	foreign string // the other environment's endpoint the issuer is ("HIMSA QA EU"); "" when none
	env     string // the selected environment's title
	rep     *auth.Report
	doc     report.HARToken
}

// readPasted reads a paste into a pasted token, or says why it is none
// (explain's words). It is a Cmd's work: a 1 MB token is decoded here.
func readPasted(cfg *config.Config, paste string, now time.Time) (*pastedToken, string) {
	raw := auth.TrimPastedToken(paste)
	if raw == "" {
		return nil, "nothing pasted: paste a JWT, \"Bearer …\" or a whole Authorization header line"
	}
	if msg := explain.TokenNotDecoded(raw); msg != "" {
		return nil, msg
	}
	jwt, _ := auth.DecodeJWT(raw)
	iss := strings.TrimRight(jwt.ClaimString("iss"), "/")
	p := &pastedToken{raw: raw, issuer: iss, known: iss != "" && cfg.TrustedIssuers()[iss] != "", foreign: cfg.ForeignIssuers()[iss], env: envTitle(cfg)}
	p.doc = report.HARToken{Token: report.Fingerprint("pasted token", raw), Header: jwt.Header, Claims: jwt.Claims}
	return p.verified(nil, now), ""
}

// verified is p with rep, its verification (nil: none yet).
func (p *pastedToken) verified(rep *auth.Report, now time.Time) *pastedToken {
	out := *p
	out.rep = rep
	out.doc.Verified = explain.PastedVerdict(rep, p.known, p.foreign)
	out.doc.Verification = report.VerificationOf(rep, now)
	return &out
}

// envTitle is the title of cfg's selected environment.
func envTitle(cfg *config.Config) string {
	for _, e := range cfg.Envs() {
		if e.Name == cfg.Environment || cfg.Environment == "" {
			return e.Title()
		}
	}
	return cfg.Environment
}

// pastedStatus is the style of a pasted token's verdict: ✓ only for one
// that was verified.
func pastedStatus(word string) check.Status {
	switch {
	case word == explain.PastedVerified:
		return check.Pass
	case strings.HasPrefix(word, explain.PastedNot):
		return check.Fail
	}
	return check.Skip
}

type (
	// openPasteTokenMsg: the screen a token is pasted in (p on the picker).
	openPasteTokenMsg struct{}
	// openPastedTokenMsg: show tok in the inspector, read-only.
	openPastedTokenMsg struct{ tok *pastedToken }
	// pastedVerifiedMsg: the inspector's pasted token, verified.
	pastedVerifiedMsg struct{ tok *pastedToken }
	// pasteRefusedMsg: the paste is no token to show, said why.
	pasteRefusedMsg struct{ why string }
)

func (openPasteTokenMsg) isIntent()  {}
func (openPastedTokenMsg) isIntent() {}

func (pastedVerifiedMsg) target() screenID { return screenPastedToken }
func (pasteRefusedMsg) target() screenID   { return screenPasteToken }

// verifyPastedCmd verifies p (Services.VerifyPasted): its signature
// against its issuer's keys, its issuer, its times as of now.
func verifyPastedCmd(svc *Services, p *pastedToken, c screenContext, now time.Time) tea.Cmd {
	verify := svc.VerifyPasted
	return func() tea.Msg {
		if verify == nil {
			rep := &auth.Report{KeysUnavailable: true}
			return pastedVerifiedMsg{tok: p.verified(rep, now)}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		return pastedVerifiedMsg{tok: p.verified(verify(ctx, p.raw), now)}
	}
}

// PasteTokenKeys are the paste screen's keys (the box adds its own).
type PasteTokenKeys struct {
	Open, Back key.Binding
}

func defaultPasteTokenKeys() PasteTokenKeys {
	return PasteTokenKeys{Open: bind("enter", "open in the inspector"), Back: bind("esc", "back")}
}

// pasteTokenModel is the screen a token is pasted in.
type pasteTokenModel struct {
	com *Common
	screenContext
	keys    PasteTokenKeys
	box     pasteBox
	reading bool
	err     string
	width   int
	height  int
}

func newPasteTokenModel(com *Common) pasteTokenModel {
	return pasteTokenModel{com: com, screenContext: newScreenContext(), keys: defaultPasteTokenKeys(), box: newPasteBox("token", explain.MaxPastedToken)}
}

func (m pasteTokenModel) Init() tea.Cmd                          { return nil }
func (m pasteTokenModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m pasteTokenModel) SetSize(w, h int) screen                { m.width, m.height = w, h; return m }
func (m pasteTokenModel) Restyle() screen                        { return m }
func (m pasteTokenModel) CapturesKeys() bool                     { return true }

func (m pasteTokenModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case pasteRefusedMsg:
		m.reading, m.err = false, msg.why
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Back):
			return m, emit(backMsg{})
		case key.Matches(msg, m.keys.Open):
			return m.open()
		}
	}
	if m.box.Update(msg) {
		m.err = m.box.Refusal()
	}
	return m, nil
}

// open reads the paste in a Cmd: the inspector opens, or the screen says
// why it cannot.
func (m pasteTokenModel) open() (pasteTokenModel, tea.Cmd) {
	if m.reading || m.box.Value() == "" && m.box.Refusal() != "" {
		return m, nil // the refusal stays said
	}
	m.reading, m.err = true, ""
	cfg, paste, now := m.com.Cfg, m.box.Value(), m.com.Now()
	return m, func() tea.Msg {
		p, why := readPasted(cfg, paste, now)
		if p == nil {
			return pasteRefusedMsg{why: why}
		}
		return openPastedTokenMsg{tok: p}
	}
}

func (m pasteTokenModel) View() string {
	s := m.com.Styles
	lines := []string{wrapStyled(s.Title, "Paste a token: a JWT, \"Bearer …\" or a whole Authorization header line", m.width)}
	lines = append(lines, m.box.View(s, m.width, 4)...)
	if m.err != "" {
		lines = append(lines, wrapStyled(s.Error, m.err, m.width))
	}
	lines = append(lines, "", wrapStyled(s.Subtle, "enter opens it in the session inspector, read-only: decoded, its times as of now, verified on request against its issuer when that is an endpoint of "+
		safe.Printable(envTitle(m.com.Cfg))+". Nothing is ever sent with it.", m.width))
	return clipLines(strings.Join(lines, "\n"), m.height)
}

// selectedEnv names, in the header, the environment a pasted token is
// verified against.
func (m pasteTokenModel) selectedEnv() string { return envTitle(m.com.Cfg) }

func (m pasteTokenModel) KeyMap() help.KeyMap {
	short := []key.Binding{m.keys.Open, m.box.keys.Clear, m.keys.Back}
	return keyMap{short: short, full: [][]key.Binding{short}}
}
