package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
)

// LoginKeys are the login screen's keys.
type LoginKeys struct {
	Cancel key.Binding
	Copy   key.Binding
	Retry  key.Binding
}

func defaultLoginKeys() LoginKeys {
	return LoginKeys{
		Cancel: bind("esc", "cancel"),
		Copy:   bind("c", "copy URL"),
		Retry:  key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "retry")),
	}
}

func (k LoginKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Cancel, k.Copy} }
func (k LoginKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Cancel, k.Copy, k.Retry}} }

// loginModel shows a login in progress, step by step.
type loginModel struct {
	com      *Common
	keys     LoginKeys
	req      LoginRequest
	title    string // overrides the title ("" = from req)
	region   config.Region
	spin     spinner.Model
	done     map[auth.Step]auth.Event
	warnings []string
	authURL  string
	err      error
	width    int
	height   int
}

// newLoginModel shows the login of req; title, when set, replaces the
// usual "Logging in at …".
func newLoginModel(com *Common, req LoginRequest, title string) loginModel {
	return loginModel{
		com:    com,
		req:    req,
		title:  title,
		region: req.Region,
		done:   map[auth.Step]auth.Event{},
		spin:   spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(com.Styles.Spinner)),
		keys:   defaultLoginKeys(),
	}
}

func (m *loginModel) SetSize(w, h int) { m.width, m.height = w, h }

func (m *loginModel) restyle() {
	if m.com != nil {
		m.spin.Style = m.com.Styles.Spinner
	}
}

func (m loginModel) Init() tea.Cmd { return m.spin.Tick }

func (m loginModel) failed() bool { return m.err != nil }

// fail shows why the login ended.
func (m *loginModel) fail(err error) { m.err = err }

// event records one progress event.
func (m *loginModel) event(ev auth.Event) {
	switch {
	case ev.Step == auth.StepWarning:
		m.warnings = append(m.warnings, ev.Msg)
	default:
		m.done[ev.Step] = ev
		if ev.Step == auth.StepBrowser {
			m.authURL = ev.URL
		}
	}
}

func (m loginModel) Update(msg tea.Msg) (loginModel, tea.Cmd) {
	switch msg := msg.(type) {
	case loginEventMsg:
		m.event(msg.ev)
	case spinner.TickMsg:
		if m.failed() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Cancel):
			return m, emit(cancelLoginMsg{failed: m.failed()})
		case m.failed() && key.Matches(msg, m.keys.Retry):
			return m, emit(retryLoginMsg{})
		case key.Matches(msg, m.keys.Copy) && m.authURL != "":
			return m, tea.SetClipboard(m.authURL)
		}
	}
	return m, nil
}

func (m loginModel) View() string {
	s := m.com.Styles
	var b strings.Builder
	title := "Logging in at " + m.region.Name
	if m.req.ForceChoose {
		title = "Switching account at " + m.region.Name + " (forcechoose)"
	}
	if m.title != "" {
		title = m.title
	}
	b.WriteString(s.Title.Render(title) + " " + s.Subtle.Render(m.region.Issuer) + "\n\n")
	b.WriteString(m.stepsView())
	for _, w := range m.warnings {
		b.WriteString(wrapStyled(s.Warn, "! "+w, m.width) + "\n")
	}
	if m.err != nil {
		b.WriteString("\n" + wrapStyled(s.Error, explainLoginError(m.err), m.width) + "\n")
		b.WriteString(s.Subtle.Render("t shows every HTTP exchange of this login, to see which one failed.") + "\n")
	}
	if m.authURL != "" {
		b.WriteString("\n" + s.Subtle.Render("Authorize URL (opens in your browser; press c to copy):") + "\n")
		b.WriteString(s.URL.Render(hardWrap(m.authURL, m.width)) + "\n")
	}
	return b.String()
}

// stepsView lists the steps done, then the one waited for (or failed).
func (m loginModel) stepsView() string {
	s := m.com.Styles
	var b strings.Builder
	pendingShown := false
	for _, step := range auth.Steps {
		ev, ok := m.done[step]
		switch {
		case ok:
			b.WriteString(s.OK.Render("✓ ") + s.Text.Render(ev.Msg) + "\n")
		case pendingShown:
		case m.failed():
			b.WriteString(s.Error.Render("✗ "+step.Pending()) + "\n")
		default:
			b.WriteString(m.spin.View() + " " + s.Text.Render(step.Pending()+"…") + "\n")
		}
		pendingShown = pendingShown || !ok
	}
	return b.String()
}

func (m loginModel) helpKeys() []key.Binding {
	if m.failed() {
		return []key.Binding{m.keys.Retry, m.keys.Cancel}
	}
	return m.keys.ShortHelp()
}

// explainLoginError turns a login error into one plain sentence or two.
func explainLoginError(err error) string {
	switch {
	case errors.Is(err, auth.ErrCancelled):
		return "You cancelled at the IdP. Press enter to try again or esc to pick another region."
	case errors.Is(err, auth.ErrNoClientID):
		return err.Error()
	}
	if errors.Is(err, context.Canceled) {
		return "Login cancelled."
	}
	return fmt.Sprintf("Login failed: %v", err)
}
