package ui

// A login with OIDC parameters (issue 25, item 5; L on the picker):
// prompt, max_age, login_hint, ui_locales, acr_values (IdentityServer's
// idp: and tenant: forms) and any key=value, checked as `login`'s flags
// are; the login screen then runs it, and the session's Summary shows what
// was sent and what the ID token says of each.

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/safe"
)

type (
	// openLoginParamsMsg: the form of a login's parameters at region.
	openLoginParamsMsg struct{ region config.Region }
	// loginWithParamsMsg: log in at region sending params.
	loginWithParamsMsg struct {
		region config.Region
		params auth.AuthorizeParams
	}
)

func (openLoginParamsMsg) isIntent() {}
func (loginWithParamsMsg) isIntent() {}

// The form's fields, in order.
const (
	paramPrompt = iota
	paramMaxAge
	paramLoginHint
	paramUILocales
	paramACRValues
	paramExtra
	numParamFields
)

var paramFieldNames = [numParamFields]string{"prompt", "max_age", "login_hint", "ui_locales", "acr_values", "other"}

// loginParamsModel is the form.
type loginParamsModel struct {
	com *Common
	screenContext
	keys   AppFormKeys
	region config.Region
	form   form
	errs   [numParamFields]string
	width  int
	height int
}

func newLoginParamsModel(com *Common, region config.Region) loginParamsModel {
	keys := defaultAppFormKeys()
	keys.Check = bind("enter", "log in")
	placeholders := []string{"login, select_account, none, consent", "seconds (0: sign in again)", "the account's e-mail",
		"da-DK", "idp:NAME tenant:NAME", "key=value key=value"}
	return loginParamsModel{com: com, screenContext: newScreenContext(), keys: keys, region: region,
		form: newForm(com, paramFieldNames[:], placeholders, 12, 2001)} // a value over the limit is said, not cut
}

func (m loginParamsModel) Init() tea.Cmd                          { return textinput.Blink }
func (m loginParamsModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }
func (m loginParamsModel) CapturesKeys() bool                     { return true }

func (m loginParamsModel) SetSize(w, h int) screen {
	m.width, m.height, m.form = w, h, m.form.setSize(w)
	return m
}

func (m loginParamsModel) Restyle() screen { m.form = m.form.restyle(m.com.Styles.Input); return m }

func (m loginParamsModel) Update(msg tea.Msg) (screen, tea.Cmd) {
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
			params, errs := readLoginParams([numParamFields]string(m.form.values()))
			if m.errs = errs; errs != ([numParamFields]string{}) {
				return m, nil
			}
			return m, emit(loginWithParamsMsg{region: m.region, params: params})
		}
	}
	var cmd tea.Cmd
	m.form, cmd = m.form.update(msg)
	return m, cmd
}

// readLoginParams is the parameters of the form's values, or each field's
// error (as `login` says of its flags).
func readLoginParams(v [numParamFields]string) (auth.AuthorizeParams, [numParamFields]string) {
	var errs [numParamFields]string
	p := auth.AuthorizeParams{Prompt: strings.Join(strings.Fields(v[paramPrompt]), " "), LoginHint: v[paramLoginHint],
		UILocales: v[paramUILocales], ACRValues: v[paramACRValues]}
	for i, s := range v {
		if len(s) > 2000 || strings.ContainsFunc(s, unicode.IsControl) {
			errs[i] = paramFieldNames[i] + " must be printable text of at most 2000 characters"
		}
	}
	if s := v[paramMaxAge]; s != "" && errs[paramMaxAge] == "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			errs[paramMaxAge] = auth.ErrBadMaxAge.Error()
		} else {
			p.MaxAge = &n
		}
	}
	if errs[paramExtra] == "" {
		for _, kv := range strings.Fields(v[paramExtra]) {
			param, err := auth.ParseParam(kv)
			if err != nil {
				errs[paramExtra] = safe.Printable(err.Error())
				break
			}
			p.Extra = append(p.Extra, param)
		}
	}
	return p, errs
}

func (m loginParamsModel) View() string {
	s := m.com.Styles
	lines := append([]string{wrapStyled(s.Title, "Log in at "+m.region.Name+" with OIDC parameters", m.width)}, m.form.view(s, m.errs[:], m.width)...)
	lines = append(lines, "", wrapStyled(s.Subtle, "enter logs in sending these (empty ones are not sent); values the IdP's discovery does not list "+
		"are flagged before the browser opens, and the session's Summary says what the ID token shows of each (auth_time against max_age "+
		"and prompt=login, tenantid against tenant:, amr, acr, idp). A login with parameters never resumes a kept session.", m.width))
	return clipLines(strings.Join(lines, "\n"), m.height)
}

func (m loginParamsModel) KeyMap() help.KeyMap {
	short := []key.Binding{m.keys.Check, m.keys.Next, m.keys.Prev, m.keys.Back}
	return keyMap{short: short, full: [][]key.Binding{short}}
}
