package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/safe"
	"ssodesk/session"
)

// logoutRequestedMsg: log res out at the IdP (L on the session screen).
type logoutRequestedMsg struct{ res *auth.Result }

func (logoutRequestedMsg) isIntent() {}

// logoutDoneMsg carries the steps of logout id.
type logoutDoneMsg struct {
	id    int
	steps []session.LogoutStep
}

// LogoutKeys are the logout screen's keys.
type LogoutKeys struct{ Done key.Binding }

func defaultLogoutKeys() LogoutKeys {
	return LogoutKeys{Done: key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "pick a region"))}
}

func (k LogoutKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Done} }
func (k LogoutKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Done}} }

// logoutModel shows a logout running, then each of its steps.
type logoutModel struct {
	com *Common
	svc *Services
	screenContext
	res    *auth.Result
	keys   LogoutKeys
	who    string
	id     int
	steps  []session.LogoutStep // nil while it runs
	width  int
	height int
}

func newLogoutModel(com *Common, svc *Services, res *auth.Result, id int) logoutModel {
	return logoutModel{com: com, svc: svc, screenContext: newScreenContext(), res: res, keys: defaultLogoutKeys(),
		who: safe.Printable(res.Who()), id: id}
}

// Init logs the session out off the UI thread.
func (m logoutModel) Init() tea.Cmd {
	logout, res, id, c := m.svc.Logout, m.res, m.id, m.screenContext
	return func() tea.Msg {
		if logout == nil {
			return logoutDoneMsg{id: id, steps: []session.LogoutStep{{Name: "log out", Status: check.Fail, Detail: errNoService("logout").Error()}}}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		return logoutDoneMsg{id: id, steps: logout(ctx, res)}
	}
}

func (logoutDoneMsg) target() screenID { return screenLogout }

func (m logoutModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m logoutModel) SetSize(w, h int) screen                { m.width, m.height = w, h; return m }
func (m logoutModel) Restyle() screen                        { return m }
func (m logoutModel) CapturesKeys() bool                     { return false }

func (m logoutModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case logoutDoneMsg:
		if msg.id == m.id {
			m.steps = msg.steps
		}
	case tea.KeyPressMsg:
		if m.steps != nil && key.Matches(msg, m.keys.Done) {
			return m, emit(newLoginMsg{})
		}
	}
	return m, nil
}

func (m logoutModel) View() string {
	s := m.com.Styles
	var b strings.Builder
	b.WriteString(wrapStyled(s.Title, "Logging out "+orDash(m.who), m.width) + "\n\n")
	if m.steps == nil {
		b.WriteString(wrapStyled(s.Subtle, "revoking the tokens and ending the IdP's session (the browser opens)…", m.width))
		return clipLines(b.String(), m.height)
	}
	for _, st := range m.steps {
		line := s.Status(st.Status).Render(st.Status.Mark()+" "+fmt.Sprintf("%-25s", st.Name)) + " " + safe.Printable(st.Detail)
		b.WriteString(strings.Join(wrapLines(line, max(m.width, 1)), "\n") + "\n")
	}
	return clipLines(b.String(), m.height)
}

func (m logoutModel) KeyMap() help.KeyMap {
	if m.steps == nil {
		return keyMap{full: m.keys.FullHelp()}
	}
	return keyMap{short: m.keys.ShortHelp(), full: m.keys.FullHelp()}
}
