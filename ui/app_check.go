package ui

// Another app's registration, checked (issue 24, item 1; a on the picker):
// a form for the app's client_id, redirect_uri, scopes, prompt and
// response_mode, each checked as ssodesk check checks its flags, then the
// check screen with that app's rows, the refuses row and its probes.

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

type (
	// openAppFormMsg: the form of another app's request, checked at region.
	openAppFormMsg struct{ region config.Region }
	// openAppCheckMsg: check app's request at region.
	openAppCheckMsg struct {
		region config.Region
		app    auth.AuthorizeRequest
	}
)

func (openAppFormMsg) isIntent()  {}
func (openAppCheckMsg) isIntent() {}

// The form's fields, in order.
const (
	fieldClientID = iota
	fieldRedirectURI
	fieldScopes
	fieldPrompt
	fieldResponseMode
	numAppFields
)

var appFieldNames = [numAppFields]string{"client_id", "redirect_uri", "scopes", "prompt", "response_mode"}

// AppFormKeys are the form's keys.
type AppFormKeys struct {
	Next, Prev, Check, Back key.Binding
}

func defaultAppFormKeys() AppFormKeys {
	return AppFormKeys{
		Next:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Check: bind("enter", "check"),
		Back:  bind("esc", "back"),
	}
}

// appFormModel is the form of another app's authorize request.
type appFormModel struct {
	com *Common
	screenContext
	keys   AppFormKeys
	region config.Region
	form   form
	errs   [numAppFields]string
	width  int
	height int
}

func newAppFormModel(com *Common, region config.Region) appFormModel {
	placeholders := []string{"acme-webapp", "https://app.acme.example/signin-oidc", "the configured ones (openid …)", "none, login, select_account, …", "query, fragment, form_post"}
	return appFormModel{com: com, screenContext: newScreenContext(), keys: defaultAppFormKeys(), region: region,
		form: newForm(com, appFieldNames[:], placeholders, 14, config.MaxRedirectURI+1)} // a value over the limit is said, not cut
}

func (m appFormModel) Init() tea.Cmd                          { return textinput.Blink }
func (m appFormModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m appFormModel) CapturesKeys() bool                     { return true }

func (m appFormModel) SetSize(w, h int) screen {
	m.width, m.height, m.form = w, h, m.form.setSize(w)
	return m
}

func (m appFormModel) Restyle() screen { m.form = m.form.restyle(m.com.Styles.Input); return m }

func (m appFormModel) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Back):
			return m, emit(backMsg{})
		case key.Matches(k, m.keys.Next):
			m.form = m.form.move(1)
			return m, nil
		case key.Matches(k, m.keys.Prev):
			m.form = m.form.move(-1)
			return m, nil
		case key.Matches(k, m.keys.Check):
			app, errs := readAppForm([numAppFields]string(m.form.values()))
			if m.errs = errs; errs != ([numAppFields]string{}) {
				return m, nil
			}
			return m, emit(openAppCheckMsg{region: m.region, app: app})
		}
	}
	var cmd tea.Cmd
	m.form, cmd = m.form.update(msg)
	return m, cmd
}

// readAppForm is the app's request from the form's values, or each
// field's error (as ssodesk check says of its flags).
func readAppForm(v [numAppFields]string) (auth.AuthorizeRequest, [numAppFields]string) {
	var errs [numAppFields]string
	app := auth.AuthorizeRequest{ClientID: v[fieldClientID], RedirectURI: v[fieldRedirectURI], Prompt: v[fieldPrompt], ResponseMode: v[fieldResponseMode]}
	app.Scopes = strings.FieldsFunc(v[fieldScopes], func(r rune) bool { return r == ' ' || r == ',' })
	if app.ClientID == "" {
		errs[fieldClientID] = "the app's client ID is needed"
	} else if err := config.CheckClientID(app.ClientID); err != nil {
		errs[fieldClientID] = "the client ID " + err.Error()
	}
	if app.RedirectURI == "" {
		errs[fieldRedirectURI] = "the app's redirect URI is needed (its https://…/signin-oidc, a loopback, a custom scheme)"
	} else if _, err := config.ParseAppRedirectURI(app.RedirectURI); err != nil {
		errs[fieldRedirectURI] = "the redirect URI " + err.Error()
	}
	if len(app.Scopes) > 0 && !slices.Contains(app.Scopes, "openid") {
		errs[fieldScopes] = "the scopes lack openid: an OpenID Connect login asks for it"
	}
	for _, sc := range app.Scopes {
		if err := config.CheckClientID(sc); err != nil && errs[fieldScopes] == "" {
			errs[fieldScopes] = "a scope " + err.Error()
		}
	}
	for _, i := range []int{fieldPrompt, fieldResponseMode} {
		if strings.ContainsFunc(v[i], func(r rune) bool { return r <= ' ' || r == 0x7f || r == utf8.RuneError }) {
			errs[i] = appFieldNames[i] + " must be one word, without spaces or control characters"
		}
	}
	return app, errs
}

func (m appFormModel) View() string {
	s := m.com.Styles
	lines := append([]string{wrapStyled(s.Title, "Check another app's registration at "+m.region.Name+", without logging in", m.width)}, m.form.view(s, m.errs[:], m.width)...)
	lines = append(lines, "", wrapStyled(s.Subtle, "enter sends the app's authorize request (a throw-away PKCE challenge and state; the redirect to the app is never followed) "+
		"and says whether the IdP accepts it; when it refuses, probes that change one parameter at a time find which one it refuses. "+explain.If(m.region.Issuer != "", m.region.Issuer, ""), m.width))
	return clipLines(strings.Join(lines, "\n"), m.height)
}

func (m appFormModel) KeyMap() help.KeyMap {
	short := []key.Binding{m.keys.Check, m.keys.Next, m.keys.Prev, m.keys.Back}
	return keyMap{short: short, full: [][]key.Binding{short}}
}
