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

func newLoginModel(com *Common, req LoginRequest) loginModel {
	return loginModel{
		com:    com,
		req:    req,
		region: req.Region,
		done:   map[auth.Step]auth.Event{},
		spin:   spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(com.Styles.Spinner)),
		keys: LoginKeys{
			Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			Copy:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
			Retry:  key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "retry")),
		},
	}
}

func (m *loginModel) SetSize(w, h int) { m.width, m.height = w, h }

func (m loginModel) Init() tea.Cmd { return m.spin.Tick }

func (m loginModel) failed() bool { return m.err != nil }

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
	case spinner.TickMsg:
		if m.failed() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Copy) && m.authURL != "" {
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
	pendingShown := false
	for _, step := range auth.Steps {
		ev, ok := m.done[step]
		switch {
		case ok:
			b.WriteString(s.OK.Render("✓ ") + s.Text.Render(ev.Msg) + "\n")
		case m.failed() && !pendingShown:
			pendingShown = true
			b.WriteString(s.Error.Render("✗ "+step.Pending()) + "\n")
		case !pendingShown:
			pendingShown = true
			b.WriteString(m.spin.View() + " " + s.Text.Render(step.Pending()+"…") + "\n")
		}
	}
	for _, w := range m.warnings {
		b.WriteString(wrap(s.Warn, m.width).Render("! "+w) + "\n")
	}
	if m.err != nil {
		b.WriteString("\n" + wrap(s.Error, m.width).Render(explainLoginError(m.err)) + "\n")
		b.WriteString(s.Subtle.Render("t shows every HTTP exchange of this login, to see which one failed.") + "\n")
	}
	if m.authURL != "" {
		b.WriteString("\n" + s.Subtle.Render("Authorize URL (opens in your browser; press c to copy):") + "\n")
		b.WriteString(s.URL.Render(hardWrap(m.authURL, m.width)) + "\n")
	}
	return b.String()
}

func (m loginModel) helpKeys() []key.Binding {
	if m.failed() {
		return []key.Binding{m.keys.Retry, m.keys.Cancel}
	}
	return []key.Binding{m.keys.Cancel, m.keys.Copy}
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

// hardWrap breaks s every width cells so a long URL stays whole on screen.
func hardWrap(s string, width int) string {
	if width <= 0 || len(s) <= width {
		return s
	}
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + "\n")
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}
