package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ssodesk/auth"
)

// SessionKeys are the session screen's keys.
type SessionKeys struct {
	NewLogin key.Binding
	Scroll   key.Binding
}

// highlighted are the claims support staff look for first.
var highlighted = []string{"tenantid", "api", "region"}

// timeClaims are NumericDate claims shown as local and relative time.
var timeClaims = []string{"exp", "iat", "nbf", "auth_time"}

// sessionModel shows who logged in and the verified ID token's claims.
type sessionModel struct {
	com  *Common
	keys SessionKeys
	res  *auth.Result
	vp   viewport.Model
}

func newSessionModel(com *Common, res *auth.Result) sessionModel {
	m := sessionModel{
		com: com,
		res: res,
		vp:  viewport.New(),
		keys: SessionKeys{
			NewLogin: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new login")),
			Scroll:   key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll")),
		},
	}
	m.refresh()
	return m
}

func (m *sessionModel) SetSize(w, h int) {
	m.vp.SetWidth(w)
	m.vp.SetHeight(max(h, 1))
	m.refresh()
}

// refresh re-renders content that depends on the clock or the styles.
func (m *sessionModel) refresh() {
	if m.res != nil {
		m.vp.SetContent(m.content())
	}
}

func (m sessionModel) Update(msg tea.Msg) (sessionModel, tea.Cmd) {
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

func (m sessionModel) View() string { return m.vp.View() }

func (m sessionModel) helpKeys() []key.Binding { return []key.Binding{m.keys.NewLogin, m.keys.Scroll} }

func (m sessionModel) content() string {
	s, r, now := m.com.Styles, m.res, m.com.Now()
	var b strings.Builder
	who := auth.Printable(r.Claim("name"))
	if who == "" {
		who = auth.Printable(r.Claim("email"))
	}
	b.WriteString(s.Title.Render("Logged in as "+orDash(who)) + " " + s.Subtle.Render("sub "+auth.Printable(r.Claim("sub"))) + "\n\n")

	keyWidth := 12
	for k := range r.Claims {
		keyWidth = min(max(keyWidth, len(k)), 20)
	}
	row := func(k, v string, hl bool) {
		ks, vs := s.Key, s.Value
		mark := "  "
		if hl {
			ks, vs, mark = s.Highlight, s.Highlight, s.Highlight.Render("★ ")
		}
		b.WriteString(mark + ks.Render(fmt.Sprintf("%-*s", keyWidth, k)) + " " + vs.Render(v) + "\n")
	}
	row("tenantid", orDash(auth.Printable(r.Claim("tenantid"))), true)
	row("api", orDash(auth.Printable(r.Claim("api"))), true)
	codeRegion := r.CodeRegion
	if codeRegion == "" {
		codeRegion = "(code had no region prefix)"
	}
	row("region", codeRegion+s.Subtle.Render("  from the code prefix; you chose "+r.Region.Name), true)
	row("issuer", r.Issuer, false)
	row("verified", r.ChecksSummary(), false)
	if r.Token != nil {
		exp := "no expiry given"
		if !r.Token.Expiry.IsZero() {
			exp = r.Token.Expiry.Local().Format("15:04:05") + " (" + relTime(r.Token.Expiry, now) + ")"
		}
		row("access tok.", "expires "+exp, false)
		row("refresh tok.", yesNo(r.Token.RefreshToken != "", "issued", "none (needs offline_access, enabled per app by HIMSA)"), false)
	}

	b.WriteString("\n" + s.Title.Render("ID token claims") + "\n")
	keys := make([]string, 0, len(r.Claims))
	for k := range r.Claims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		row(auth.Printable(k), claimText(k, r.Claims[k], now), slices.Contains(highlighted, k))
	}
	return b.String()
}

// claimText renders a claim value: times as local + relative, lists and
// objects as compact JSON.
func claimText(name string, v any, now time.Time) string {
	switch x := v.(type) {
	case string:
		return auth.Printable(x)
	case float64:
		if slices.Contains(timeClaims, name) {
			t := time.Unix(int64(x), 0)
			return t.Local().Format("2006-01-02 15:04:05") + " (" + relTime(t, now) + ")"
		}
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(v) // escapes control characters
	if err != nil {
		return auth.Printable(fmt.Sprint(v))
	}
	return string(b)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// wrap returns st word-wrapping at width (when known).
func wrap(st lipgloss.Style, width int) lipgloss.Style {
	if width <= 0 {
		return st
	}
	return st.Width(width)
}
