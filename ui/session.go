package ui

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/safe"
	"ssodesk/session"
)

// tab is one pane of the session screen.
type tab int

const (
	tabSummary tab = iota
	tabID
	tabAccess
	tabRefresh
	tabUserInfo
	tabRaw
)

var tabNames = []string{"Summary", "ID token", "Access token", "Refresh token", "UserInfo", "Raw"}

// SessionKeys are the session screen's keys. Its scroller adds pgup,
// pgdown, home and end.
type SessionKeys struct {
	NextTab  key.Binding
	PrevTab  key.Binding
	Tabs     key.Binding   // 1..6, for help
	GoTab    []key.Binding // 1, 2, … 6: one tab each
	Up       key.Binding
	Down     key.Binding
	Refresh  key.Binding
	UserInfo key.Binding
	Switch   key.Binding
	Copy     key.Binding
	CopyAll  key.Binding
	Reveal   key.Binding
	NewLogin key.Binding
	Console  key.Binding
	Relogin  key.Binding // regional re-login (HIMSA 2a), or its side-by-side view after one
	Logout   key.Binding // log out at the IdP: revoke, end its session, forget
	Intro    key.Binding // introspect the access token (RFC 7662)
	Report   key.Binding // write a diagnosis report of this session's login
}

func defaultSessionKeys() SessionKeys {
	return SessionKeys{
		NextTab:  key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab", "next tab")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("shift+tab", "prev tab")),
		Tabs:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "tabs")),
		GoTab:    digitKeys(len(tabNames)),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Refresh:  bind("r", "refresh"),
		UserInfo: bind("u", "userinfo"),
		Switch:   bind("s", "switch account"),
		Copy:     bind("c", "copy"),
		CopyAll:  bind("C", "copy token"),
		Reveal:   bind("v", "reveal/mask"),
		NewLogin: bind("n", "new login"),
		Console:  bind("a", "API console"),
		Relogin:  bind("g", "regional re-login"),
		Logout:   bind("L", "log out at the IdP"),
		Intro:    bind("i", "introspect"),
		Report:   reportKey(),
	}
}

func (k SessionKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.NextTab, k.Console, k.Refresh, k.UserInfo, k.Switch, k.Copy, k.Reveal, k.NewLogin, k.Relogin, k.Up, k.Down, k.CopyAll, k.Tabs}
}

func (k SessionKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.Tabs, k.Up, k.Down},
		{k.Console, k.Refresh, k.UserInfo, k.Intro, k.Switch, k.NewLogin, k.Relogin, k.Logout},
		{k.Copy, k.CopyAll, k.Reveal, k.Report},
	}
}

// inspection is the decoded view of a session's tokens, made in a Cmd.
type inspection struct {
	accessKind  auth.TokenKind
	access      *auth.JWT
	accessErr   error
	accessRep   *auth.Report // nil when opaque
	refreshKind auth.TokenKind
}

// sessionModel is the inspector: tabs over one login's tokens and claims.
type sessionModel struct {
	com *Common
	svc *Services
	screenContext
	keys         SessionKeys
	res          *auth.Result
	gen          int         // bumps when res changes; stale Cmd results are dropped
	insp         *inspection // nil while decoding
	info         *auth.UserInfo
	infoErrorMsg string
	lastRefresh  *auth.Refreshed
	intro        *auth.Introspection // the IdP's word on the access token (i); nil until asked
	introErr     string
	relogin      *auth.Relogin // set when this session is a regional re-login's second one
	refreshing   bool          // a refresh runs: r waits for it
	status       statusLine
	// found is the HAR token the inspector shows read-only (nil: a
	// session of this run); res is nil then, and foundKeys its keys.
	found     *foundToken
	foundKeys FoundKeys

	tab    tab
	reveal bool
	cursor int      // selected row on claim tabs
	rows   []rowRef // selectable rows of the current tab
	scroll scroller // the current tab
	width  int
	height int
}

// rowRef is a selectable line: a claim whose value can be copied.
type rowRef struct {
	line  int
	name  string
	value string
}

func newSessionModel(com *Common, svc *Services, res *auth.Result, gen int) sessionModel {
	m := sessionModel{com: com, svc: svc, screenContext: newScreenContext(), res: res, gen: gen, scroll: newScroller(), keys: defaultSessionKeys()}
	m.refresh()
	return m
}

// Init starts decoding and verifying the tokens off the UI goroutine.
func (m sessionModel) Init() tea.Cmd {
	if m.found != nil {
		return nil // a HAR's token: nothing is asked of anyone until v
	}
	return m.inspectCmd()
}

func (m sessionModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m sessionModel) CapturesKeys() bool { return false }

func (m sessionModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.fitScroll()
	m.refresh()
	return m
}

// fitScroll gives the viewport what the title, the tab bar and the status
// line leave of the height, as drawn now.
func (m *sessionModel) fitScroll() {
	chrome := lipgloss.Height(m.titleView()) + lipgloss.Height(m.tabsView()) + lipgloss.Height(m.status.View(m.com.Styles, m.width))
	m.scroll.SetSize(m.width, max(m.height-chrome, 1))
}

// refresh re-renders the current tab; cheap for every tab but Raw revealed.
func (m *sessionModel) refresh() {
	content, rows := m.render()
	m.rows = rows
	if m.cursor >= len(rows) {
		m.cursor = max(len(rows)-1, 0)
	}
	m.scroll.SetContent(content)
}

func (m *sessionModel) setStatus(msg string, bad bool) { m.status.Set(msg, bad) }

// announce says how the session came: kept, with notes, or with the error
// of a verification that failed.
func (m *sessionModel) announce(err error) {
	switch r := m.res; {
	case err != nil:
		m.setStatus(err.Error(), true)
	case r.LoadedFrom != "":
		m.setStatus(strings.Join(append([]string{"loaded the kept session (" + r.LoadedFrom + ")"}, r.Notes...), "; ")+
			"; n logs in anew, s switches account", false)
	case len(r.Notes) > 0:
		m.setStatus(strings.Join(r.Notes, "; "), false)
	}
}

// setRelogin marks this session as the second one of the regional
// re-login rel: g then shows both again.
func (m *sessionModel) setRelogin(rel *auth.Relogin) {
	m.relogin = rel
	m.refresh()
}

// Restyle re-renders the tab with the current styles.
func (m sessionModel) Restyle() screen { m.refresh(); return m }

func (m sessionModel) Update(msg tea.Msg) (screen, tea.Cmd) { return m.update(msg) }

func (m sessionModel) update(msg tea.Msg) (sessionModel, tea.Cmd) {
	switch msg := msg.(type) {
	case statusMsg:
		m.setStatus(msg.text, msg.bad)
		return m, nil
	case useHARMsg:
		return m.useHAR(msg), nil
	case pastedVerifiedMsg:
		return m.usePasted(msg), nil
	case inspectedMsg:
		if msg.gen == m.gen {
			m.insp = &msg.insp
			m.refresh()
		}
		return m, nil
	case userInfoMsg:
		return m.userInfoDone(msg), nil
	case introspectedMsg:
		if msg.gen == m.gen {
			m.status.Done()
			m.intro, m.introErr = msg.in, ""
			if msg.err != nil {
				m.introErr = msg.err.Error()
				m.setStatus("introspection failed: "+msg.err.Error(), true)
			}
			m.refresh()
		}
		return m, nil
	case refreshedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.refreshing = false
		m.status.Done()
		if msg.err != nil {
			m.setStatus("refresh failed: "+explain.Error(msg.err), true)
			m.refresh()
			return m, nil
		}
		return m.adopt(msg.out)
	case tokensRefreshedMsg:
		if !sameSession(m.res, msg.out.Result) {
			return m, nil
		}
		return m.adopt(msg.out)
	case tickMsg:
		if m.tab == tabSummary || m.tab == tabID {
			m.refresh() // the countdowns, and the verdicts judged now
		}
		return m, nil
	case copiedMsg:
		m.setStatus(msg.text(), false)
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

func (m sessionModel) userInfoDone(msg userInfoMsg) sessionModel {
	if msg.gen != m.gen {
		return m
	}
	m.status.Done()
	if msg.err != nil {
		m.infoErrorMsg = msg.err.Error()
		m.setStatus("userinfo failed: "+msg.err.Error(), true)
	} else {
		m.info, m.infoErrorMsg = msg.info, ""
		m.setStatus(fmt.Sprintf("userinfo fetched from %s", msg.info.Endpoint), false)
	}
	m.refresh()
	return m
}

// adopt makes a refresh's tokens the session's. Work still running for the
// old tokens (a refresh, userinfo) is dropped when it ends.
func (m sessionModel) adopt(out *auth.Refreshed) (sessionModel, tea.Cmd) {
	m.res, m.lastRefresh, m.insp, m.info = out.Result, out, nil, nil
	m.gen++
	m.refreshing = false
	m.status.Done()
	m.setStatus(refreshSummary(out), false)
	m.refresh()
	return m, m.inspectCmd()
}

// sameSession reports whether b is a (refreshed) version of a's session.
func sameSession(a, b *auth.Result) bool {
	return a != nil && b != nil && a.Region == b.Region && a.Claim("sub") == b.Claim("sub")
}

func (m sessionModel) handleKey(msg tea.KeyPressMsg) (sessionModel, tea.Cmd) {
	if m.found != nil {
		return m.foundKey(msg) // read-only: none of the keys below
	}
	k := m.keys
	if i := matchIndex(msg, k.GoTab); i >= 0 {
		m.setTab(tab(i))
		return m, nil
	}
	switch {
	case key.Matches(msg, k.NextTab):
		m.setTab(m.tab + 1)
	case key.Matches(msg, k.PrevTab):
		m.setTab(m.tab - 1)
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Reveal):
		m.reveal = !m.reveal
		m.refresh()
	case key.Matches(msg, k.Refresh):
		return m.startRefresh()
	case key.Matches(msg, k.UserInfo):
		m.status.Working("fetching userinfo…")
		m.setTab(tabUserInfo)
		return m, m.userInfoCmd()
	case key.Matches(msg, k.Copy):
		return m, m.copySelected()
	case key.Matches(msg, k.CopyAll):
		return m, m.copyToken()
	case key.Matches(msg, k.NewLogin):
		return m, emit(newLoginMsg{})
	case key.Matches(msg, k.Switch):
		return m, emit(switchAccountMsg{region: m.res.Region, from: m.res})
	case key.Matches(msg, k.Relogin):
		return m.relogIn()
	case key.Matches(msg, k.Console):
		return m, emit(openConsoleMsg{res: m.res})
	case key.Matches(msg, k.Report):
		return m, m.reportIntent()
	case key.Matches(msg, k.Logout):
		return m, emit(logoutRequestedMsg{res: m.res})
	case key.Matches(msg, k.Intro):
		m.status.Working("asking the IdP about the access token…")
		m.setTab(tabAccess)
		return m, m.introspectCmd()
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

// startRefresh trades the refresh token for new tokens, one refresh at a time.
func (m sessionModel) startRefresh() (sessionModel, tea.Cmd) {
	if err := m.res.CanRefresh(); err != nil {
		m.setStatus("refresh disabled: "+err.Error(), true)
		return m, nil
	}
	if m.refreshing {
		m.status.Working("still refreshing the tokens… (one refresh at a time)")
		return m, nil
	}
	m.refreshing = true
	m.status.Working("refreshing the tokens…")
	return m, m.refreshCmd()
}

// relogIn asks for a regional re-login (HIMSA 2a) or, on the session one
// brought, for the side-by-side view again.
func (m sessionModel) relogIn() (sessionModel, tea.Cmd) {
	if m.relogin != nil {
		return m, emit(openCompareMsg{})
	}
	target, err := session.ReloginTarget(m.com.Cfg, m.res)
	if err != nil {
		m.setStatus("no regional re-login: "+err.Error(), true)
		return m, nil
	}
	return m, emit(reloginRequestedMsg{first: m.res, target: target})
}

func (m *sessionModel) setTab(t tab) {
	n := tab(len(tabNames))
	m.tab = (t%n + n) % n
	m.cursor = 0
	m.scroll.Top()
	m.refresh()
}

// move moves the row cursor on claim tabs, or scrolls elsewhere.
func (m *sessionModel) move(d int) {
	next := m.cursor + d
	if len(m.rows) == 0 || next < 0 || next >= len(m.rows) {
		// No rows, or past the first/last claim: scroll to what lies beyond.
		m.scroll.ScrollTo(m.scroll.off + d)
		return
	}
	m.cursor = next
	m.refresh()
	m.scroll.EnsureVisible(m.rows[m.cursor].line)
}

// copySelected copies the selected claim, or the tab's token.
func (m sessionModel) copySelected() tea.Cmd {
	if len(m.rows) > 0 {
		r := m.rows[m.cursor]
		return copyCmd("claim "+r.name, r.value)
	}
	return m.copyToken()
}

// copyToken copies the token the current tab is about.
func (m sessionModel) copyToken() tea.Cmd {
	what, raw := m.tabToken()
	if raw == "" {
		return func() tea.Msg { return copiedMsg{what: "nothing", empty: true} }
	}
	return copyCmd(what, raw)
}

func (m sessionModel) tabToken() (string, string) {
	switch m.tab {
	case tabID:
		return "ID token", m.res.RawIDToken
	case tabRefresh:
		return "refresh token", m.res.Token.RefreshToken
	}
	return "access token", m.res.Token.AccessToken
}

func (m sessionModel) View() string {
	s := m.com.Styles
	// At a height below the chrome's, the lines at the bottom give way.
	return clipLines(m.titleView()+"\n"+m.tabsView()+"\n"+m.scroll.View()+"\n"+m.status.View(s, m.width), m.height)
}

func (m sessionModel) tabsView() string {
	if m.found != nil {
		return m.foundBar()
	}
	return tabBar(m.com.Styles, tabNames, int(m.tab), m.width)
}

// titleView is the header line: who, the region, the verdict and the
// tenant, in that order of importance. What does not fit the width gives
// way: the tenant shortens to its first characters, then goes; then the
// verdict loses its hint, the region its label; who is cut last.
func (m sessionModel) titleView() string {
	if m.found != nil {
		return m.foundTitle()
	}
	s, w := m.com.Styles, max(m.width, 1)
	who := s.Title.Render("Logged in as " + orDash(safe.Printable(m.res.Who())))
	tenant := safe.Printable(m.res.Claim("tenantid"))
	region := orDash(m.res.CodeRegion)
	verdict, hint, st := m.verdict()
	for _, v := range []struct{ tenant, region, hint string }{
		{orDash(tenant), "region " + region, hint},
		{shortID(tenant), "region " + region, hint},
		{"", "region " + region, hint},
		{"", "region " + region, ""},
		{"", region, ""},
	} {
		line := who
		if v.tenant != "" {
			line += s.Subtle.Render(" · tenant " + v.tenant)
		}
		line += s.Subtle.Render(" · " + v.region)
		if verdict != "" {
			line += " " + s.Status(st).Render(verdict+v.hint)
		}
		if ansi.StringWidth(line) <= w {
			return line
		}
	}
	tail := s.Subtle.Render(" · "+region) + explain.If(verdict != "", " "+s.Status(st).Render(verdict), "")
	if room := w - ansi.StringWidth(tail); room >= 8 {
		return ansi.Truncate(who, room, "…") + tail
	}
	return ansi.Truncate(who+tail, w, "…")
}

// shortID is an ID's first characters, enough to tell tenants apart.
func shortID(id string) string {
	if ansi.StringWidth(id) <= 9 {
		return id
	}
	return ansi.Truncate(id, 9, "…")
}

// verdict is the header's word on the ID token, judged now ("" when it
// verifies), its hint and its status: a token that verified is a warning
// once past its exp within the clock leeway ("! ID token expired 5s ago —
// accepted within the 1m clock leeway") and turns ✗ after it ("expired 12s
// ago"), with the refresh key offered when there is a refresh token.
func (m sessionModel) verdict() (string, string, check.Status) {
	now := m.com.Now()
	rep := m.res.Report.At(now)
	hint := ""
	if m.res.Token != nil && m.res.Token.RefreshToken != "" {
		hint = " · r refreshes"
	}
	c, expiry := rep.Check("expiry")
	switch {
	case rep.OK() && expiry && c.Status == check.Warn:
		return "! ID token " + explain.ExpiredWithinLeeway(c.At, now, rep.Leeway), hint, check.Warn
	case rep.OK():
		return "", "", check.Pass
	case expiry && c.Status == check.Fail && !c.At.IsZero() && m.res.Verified():
		return "✗ ID token expired " + explain.RelTime(c.At, now), hint, check.Fail
	}
	return "✗ ID token NOT verified", "", check.Fail
}

// KeyMap: the short help leads with the keys used most; the full help
// lists every key the screen handles.
func (m sessionModel) KeyMap() help.KeyMap {
	if m.found != nil {
		return m.foundKeyMap()
	}
	k := m.keys
	if m.relogin != nil {
		k.Relogin.SetHelp("g", "side by side")
	}
	sk := m.scroll.Keys()
	full := k.FullHelp()
	full = append(full, []key.Binding{sk.PageUp, sk.Top})
	return keyMap{short: append(k.ShortHelp(), sk.PageUp), full: full}
}

// refreshSummary says what a refresh changed, in one line.
func refreshSummary(r *auth.Refreshed) string {
	parts := []string{"refreshed: access token now expires " + r.Result.Token.Expiry.Local().Format("15:04:05")}
	if r.Rotated {
		parts = append(parts, "refresh token rotated")
	} else {
		parts = append(parts, "refresh token unchanged")
	}
	if r.NewIDToken {
		parts = append(parts, fmt.Sprintf("new ID token, %d %s changed", len(r.Changes), plural(len(r.Changes), "claim", "claims")))
	}
	if r.NewKeyID != "" {
		parts = append(parts, fmt.Sprintf("signed with a new key (kid %s → %s): the IdP rotated its keys", cmp.Or(r.OldKeyID, "none"), r.NewKeyID))
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
