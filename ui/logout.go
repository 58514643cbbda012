package ui

import (
	"context"
	"fmt"
	"ssodesk/safe"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/session"
)

// LogoutFunc ends a session at the IdP and here (session.Manager.Logout
// with the configured post-logout URI). It runs inside a tea.Cmd.
type LogoutFunc func(ctx context.Context, res *auth.Result) []session.LogoutStep

// IntrospectFunc asks the IdP about token (session.Manager.Introspect). It
// runs inside a tea.Cmd.
type IntrospectFunc func(ctx context.Context, res *auth.Result, token string) (*auth.Introspection, error)

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
	com   *Common
	keys  LogoutKeys
	who   string
	id    int
	steps []session.LogoutStep // nil while it runs
	width int
}

func newLogoutModel(com *Common, res *auth.Result, id int) logoutModel {
	return logoutModel{com: com, keys: defaultLogoutKeys(), who: safe.Printable(res.Who()), id: id}
}

// runLogout logs res out off the UI thread.
func runLogout(logout LogoutFunc, res *auth.Result, id int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		return logoutDoneMsg{id: id, steps: logout(ctx, res)}
	}
}

func (m *logoutModel) SetSize(w, _ int) { m.width = w }

func (m logoutModel) Update(msg tea.Msg) (logoutModel, tea.Cmd) {
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
	b.WriteString(s.Title.Render("Logging out "+orDash(m.who)) + "\n\n")
	if m.steps == nil {
		b.WriteString(s.Subtle.Render("revoking the tokens and ending the IdP's session (the browser opens)…"))
		return b.String()
	}
	for _, st := range m.steps {
		line := s.Status(st.Status).Render(st.Status.Mark()+" "+fmt.Sprintf("%-25s", st.Name)) + " " + safe.Printable(st.Detail)
		b.WriteString(strings.Join(wrapLines(line, max(m.width, 1)), "\n") + "\n")
	}
	return b.String()
}

func (m logoutModel) helpKeys() []key.Binding {
	if m.steps == nil {
		return nil
	}
	return m.keys.ShortHelp()
}
