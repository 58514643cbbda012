package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
	"ssodesk/store"
)

// qaAccount is qaResult with an account of its own and QA's tenant.
func qaAccount(t testing.TB) *auth.Result {
	res := qaResult()
	res.Claims["sub"], res.Claims["name"], res.Claims["tenantid"] = "qa-0002", "Quinn Tester", "c3d2-qa-0002"
	res.RawIDToken = testJWT(t, res.Claims) // the document compared decodes the ID token
	return res
}

// fakeLogins answers a login at an endpoint with the next of its results
// (nil: a login that waits to be cancelled).
func fakeLogins(results ...*auth.Result) LoginFunc {
	ch := make(chan *auth.Result, len(results))
	for _, r := range results {
		ch <- r
	}
	return func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		select {
		case r := <-ch:
			if r == nil { // a login the test cancels
				<-ctx.Done()
				return nil, ctx.Err()
			}
			if r.Region.ID() != req.Region.ID() {
				return nil, errors.New("the test logs in at " + r.Region.ID().String() + ", not " + req.Region.ID().String())
			}
			return r, nil
		default:
			return nil, errors.New("no more fake logins")
		}
	}
}

// sessionsPump is the picker of production and QA with logins that give
// results, one each, and a session layer that keeps only production's.
func sessionsPump(t *testing.T, w, h int, results ...*auth.Result) *pump {
	m := twoEnvModel(w, h)
	m.svc.Login = fakeLogins(results...)
	m.svc.Holds = func(res *auth.Result) (session.Holding, error) {
		return session.Holding{Kept: res.Region.Env != config.EnvQA, Where: "the system keyring"}, nil
	}
	return newPump(t, m)
}

// loginAt logs in at res's endpoint (as the picker's enter would) and waits
// for its inspector.
func (p *pump) loginAt(res *auth.Result) {
	p.t.Helper()
	p.send(loginRequestedMsg{region: res.Region})
	p.until("Logged in as " + res.Who())
	p.until("ID token ✓ verified") // inspected
}

func (p *pump) key(k string) {
	next, cmd := press(p.m, k)
	p.m = next
	p.start(cmd)
}

func (p *pump) space() {
	next, cmd := p.m.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	p.m = next.(Model)
	p.start(cmd)
}

func header(m Model) string { return ansi.Strip(m.headerView(200)) }

// prodResult is sampleResult as production's: its endpoint named as the
// configuration of two environments names it.
func prodResult(t testing.TB) *auth.Result {
	res := sampleResult()
	res.Region.Env, res.Region.EnvLabel = config.EnvProduction, "HIMSA production"
	res.RawIDToken = testJWT(t, res.Claims)
	return res
}

// Two logins, production global and QA: both stay open; the sessions list
// shows both with verdict and expiry; enter switches (the inspector and
// the header follow); x closes one and says whether the store keeps it.
func TestSessionsStayOpenSwitchAndClose(t *testing.T) {
	p := sessionsPump(t, 120, 40, prodResult(t), nil, qaAccount(t))
	p.loginAt(prodResult(t))
	wantAll(t, header(p.m), "HIMSA production global", "client my-app")
	p.key("n")
	p.until("log in")
	p.send(loginRequestedMsg{region: qaAccount(t).Region}) // a login cancelled: the header names the session open again
	p.key("esc")
	p.until("Login cancelled")
	p.key("S")
	p.until("Open sessions: 1")
	wantAll(t, header(p.m), "HIMSA production global")
	p.key("esc") // back to the picker it was opened from
	p.until("Where do you want to log in?")
	p.loginAt(qaAccount(t))
	wantAll(t, screenText(p.m), "2 sessions open; S lists them")
	wantAll(t, header(p.m), "HIMSA QA global", "client my-app")

	p.key("S")
	p.until("Open sessions: 2")
	wantAll(t, screenText(p.m), "production global", "QA global", "Mette Sørensen", "Quinn Tester", "✓ verified",
		"access token expires in 54m00s", "on screen", "enter switch to", "x close", "space mark")

	p.key("up")
	p.key("enter")
	p.until("Logged in as Mette Sørensen")
	if p.m.active != screenSession {
		t.Fatalf("enter showed %v", p.m.active)
	}
	wantAll(t, header(p.m), "HIMSA production global", "client my-app")

	p.key("S")
	p.until("Open sessions: 2")
	p.key("down") // QA
	p.key("x")
	p.until("Open sessions: 1")
	p.until("it was not kept in the system keyring")
	wantAll(t, screenText(p.m), "Closed QA global, client my-app, Quinn Tester")
	p.key("x")
	p.until("it is still kept in the system keyring")
	wantAll(t, screenText(p.m), "No open sessions.")
	if h := header(p.m); strings.Contains(h, "global") {
		t.Errorf("with no session open the header names one: %q", h)
	}
	p.key("esc") // the inspector it came from is gone: the picker
	p.until("log in")
	if p.m.active != screenRegions {
		t.Errorf("esc went to %v", p.m.active)
	}
}

// A new login of the same environment, endpoint, client and account
// replaces the open one, and says so.
func TestSameKeyLoginReplaces(t *testing.T) {
	again := prodResult(t)
	again.Token = &oauth2.Token{AccessToken: "another-access-token", Expiry: now.Add(time.Hour)}
	p := sessionsPump(t, 120, 40, prodResult(t), again)
	p.loginAt(prodResult(t))
	p.key("n")
	p.until("log in")
	p.loginAt(again)
	wantAll(t, screenText(p.m), "This login replaces the open session of production global, client my-app, Mette Sørensen")
	p.key("S")
	p.until("Open sessions: 1")
	wantAll(t, screenText(p.m), "access token expires in 1h00m")
}

// Mark two and = compares them: the claims that differ are marked ≠, the
// differences counted and said as ssodesk diff says them.
func TestCompareTwoOpenSessions(t *testing.T) {
	p := sessionsPump(t, 120, 40, prodResult(t), qaAccount(t))
	p.loginAt(prodResult(t))
	p.key("n")
	p.until("log in")
	p.loginAt(qaAccount(t))
	p.key("S")
	p.until("Open sessions: 2")
	p.key("=")
	p.until("Mark two sessions with space")
	p.key("up")
	p.space()
	p.key("down")
	p.space()
	p.key("=")
	p.until("ID token claims")
	s := screenText(p.m)
	if p.m.active != screenSessionDiff {
		t.Fatalf("= showed %v", p.m.active)
	}
	wantAll(t, s, "A: production global, client my-app, Mette Sørensen", "B: QA global, client my-app, Quinn Tester", "ID token claims")
	if !strings.Contains(s, "≠ tenantid") {
		t.Errorf("no changed tenantid marked:\n%s", s)
	}
	p.send(tea.KeyPressMsg{Code: tea.KeyEnd})
	p.until("differ in")
	wantAll(t, screenText(p.m), "Differences:", "id_token · tenantid: A b2a1e7c4-0001, B c3d2-qa-0002", "A and B differ in")
	p.key("esc")
	p.until("Open sessions: 2")
	if p.m.active != screenSessions {
		t.Errorf("esc went to %v, want the sessions list", p.m.active)
	}
}

// sessionsScreens are the new screens as the tests of every screen see
// them (everyScreen): the list of two sessions, their comparison, the
// environments to compare and their comparison.
func sessionsScreens(t *testing.T, w, h int) map[string]Model {
	m := twoEnvModel(w, h)
	m = placeTwo(t, m, prodResult(t), qaAccount(t))
	list, _ := m.update(openSessionsMsg{})
	cmp, cmd := list.update(compareSessionsMsg{a: 0, b: 1})
	cmp = step(cmp, run(cmd))
	env := twoEnvModel(w, h)
	env.svc.DiffEnvironments = func(context.Context, config.Environment, config.Environment) *compare.EnvDiff {
		return plantedEnvDiff()
	}
	env, _ = env.update(openEnvDiffMsg{})
	ran, cmd := press(env, "enter")
	ran = step(ran, findMsg[envDiffMsg](cmd))
	return map[string]Model{"sessions": list, "compare sessions": cmp, "compare environments": env, "compare environments done": ran}
}

// placeTwo opens two sessions by message, without their inspection.
func placeTwo(t *testing.T, m Model, a, b *auth.Result) Model {
	t.Helper()
	for _, res := range []*auth.Result{a, b} {
		m = step(m, loginRequestedMsg{region: res.Region})
		m = step(m, loginDoneMsg{id: m.run.id, res: res})
	}
	if len(m.sessions) != 2 {
		t.Fatalf("%d sessions open", len(m.sessions))
	}
	return m
}

// findMsg runs cmd (a batch too) and returns its first T.
func findMsg[T tea.Msg](cmd tea.Cmd) tea.Msg {
	for _, msg := range collect(cmd) {
		if m, ok := msg.(T); ok {
			return m
		}
	}
	return nil
}

// plantedEnvDiff is production and QA with one difference planted: QA's
// EU discovery has a scope production's has not.
func plantedEnvDiff() *compare.EnvDiff {
	same := func(name, v string) compare.Item {
		return compare.Item{Name: name, Mark: compare.Same, A: &compare.Value{Text: v}, B: &compare.Value{Text: v}}
	}
	scopes := compare.Item{Name: "scopes_supported", Mark: compare.Changed, A: &compare.Value{Text: "openid profile"},
		B: &compare.Value{Text: "noah.cloud.app.admin openid profile"}, OnlyB: []string{"noah.cloud.app.admin"}}
	issuer := compare.Item{Name: "issuer", Mark: compare.Changed, Expected: true, A: &compare.Value{Text: "https://idp-eu.himsa-sso.com"},
		B: &compare.Value{Text: "https://idp-eu.qa.himsa-sso.com"}}
	return &compare.EnvDiff{
		A: compare.EnvSide{Name: "production", Title: "HIMSA production", ClientID: "my-app", RedirectURI: config.DefaultRedirectURI},
		B: compare.EnvSide{Name: "qa", Title: "HIMSA QA", ClientID: "my-app", RedirectURI: config.DefaultRedirectURI},
		Pairs: []compare.Pair{{Name: "eu", A: compare.Endpoint{Name: "eu", Issuer: "https://idp-eu.himsa-sso.com"},
			B:        compare.Endpoint{Name: "eu", Issuer: "https://idp-eu.qa.himsa-sso.com"},
			Sections: []compare.Section{{Name: compare.SectionDiscovery, Items: []compare.Item{issuer, scopes, same("code_challenge_methods_supported", "S256")}}}}},
	}
}

// D on the picker: production and QA are chosen (the only two), enter
// compares them with the service, the planted difference is shown and
// counted, the expected one is shown and not counted.
func TestEnvDiffScreenShowsThePlantedDifference(t *testing.T) {
	m := twoEnvModel(120, 40)
	got := make(chan [2]string, 1)
	m.svc.DiffEnvironments = func(_ context.Context, a, b config.Environment) *compare.EnvDiff {
		got <- [2]string{a.Name, b.Name}
		return plantedEnvDiff()
	}
	m, _ = intend(t, m, "D")
	wantAll(t, screenText(m), "Compare two environments without logging in", "[A] HIMSA production", "[B] HIMSA QA", "enter compare the two chosen")
	m, cmd := press(m, "enter")
	wantAll(t, screenText(m), "reading both environments'")
	m = step(m, findMsg[envDiffMsg](cmd))
	if sides := <-got; sides != [2]string{"production", "qa"} {
		t.Errorf("compared %v", sides)
	}
	wantAll(t, screenText(m), "eu: production https://idp-eu.himsa-sso.com ↔ QA https://idp-eu.qa.himsa-sso.com",
		"Discovery (endpoints compared by path)", "≠ scopes_supported", "only: noah.cloud.app.admin", "issuer (expected)",
		"eu · scopes_supported: QA has noah.cloud.app.admin, production does not",
		"production and QA differ in 1 thing (1 expected, not counted)")
	if strings.Contains(screenText(m), "eu · code_challenge_methods_supported") {
		t.Errorf("a same item is said as a difference")
	}
}

// The new screens at 20×5 and with a token of 1 MB: within their size.
func TestSessionsScreensSurviveSmallAndHuge(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}} {
		for name, m := range sessionsScreens(t, size[0], size[1]) {
			fits(t, name, m.View().Content, size[0], size[1])
		}
	}
	big := bigResult(1 << 20)
	big.Region.Env = config.EnvProduction
	m := placeTwo(t, twoEnvModel(20, 5), big, qaAccount(t))
	m, _ = m.update(openSessionsMsg{})
	fits(t, "sessions with a huge token", m.View().Content, 20, 5)
	m, cmd := m.update(compareSessionsMsg{a: 0, b: 1})
	m = step(m, run(cmd))
	fits(t, "comparison with a huge token", m.View().Content, 20, 5)
}

// Hostile claims (escapes, a name with control characters) reach neither
// the list nor the comparison as they are.
func TestSessionsHostileClaimsAreSafe(t *testing.T) {
	evil := prodResult(t)
	evil.Claims["name"] = "Eve\x1b]52;c;ZXZpbA==\x07\x1b[2J"
	evil.Claims["x\x1b[31mred"] = "v\x1b[2Jv"
	evil.RawIDToken = testJWT(t, evil.Claims)
	m := placeTwo(t, twoEnvModel(120, 40), evil, qaAccount(t))
	m, _ = m.update(openSessionsMsg{})
	for _, view := range []string{m.View().Content} {
		if strings.Contains(view, "\x1b]52") || strings.Contains(view, "\x1b[2J") {
			t.Errorf("a claim's escape reached the list:\n%q", view)
		}
	}
	m, cmd := m.update(compareSessionsMsg{a: 0, b: 1})
	m = step(m, run(cmd))
	for range 20 {
		m, _ = press(m, "pgdown")
		if v := m.View().Content; strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x1b[31mred") {
			t.Fatalf("a claim's escape reached the comparison:\n%q", v)
		}
	}
}

// The sessions list and the comparison as drawn, at 80×24 and 120×40.
func TestGoldenSessionsAndComparison(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		for name, m := range sessionsScreens(t, w, h) {
			t.Run(strings.ReplaceAll(name, " ", "_")+"_"+strconv.Itoa(w)+"x"+strconv.Itoa(h), func(t *testing.T) {
				golden.RequireEqual(t, screenText(m))
			})
		}
	}
}

// The real session layer against two stand-ins, one playing production and
// one QA: a login at each stays open, the list switches between them, and
// their comparison finds what two environments' logins differ in (the
// issuer the ID token names); closing says the memory store keeps it.
func TestStandInProductionAndQASessionsSideBySide(t *testing.T) {
	prod := simtest.Start(t, sim.Options{})
	qa := simtest.Start(t, sim.Options{Environment: sim.EnvQA})
	cfg := testConfig().ForDemo(prod.ClientID(), simtest.Environment(prod), simtest.Environment(qa))
	email := func(s *sim.Sim) string {
		for _, a := range s.Accounts() {
			if a.Region == "eu" {
				return a.Email
			}
		}
		return s.Accounts()[0].Email
	}
	open := func(ctx context.Context, u string) error {
		s := prod
		for _, r := range qa.Regions() {
			if strings.HasPrefix(u, r.Issuer+"/") {
				s = qa
			}
		}
		go func() { _, _, _ = sim.NewBrowser().Login(ctx, u, email(s)) }()
		return nil
	}
	client := auth.NewHTTPClient(cfg.HTTPTimeout)
	svc := realServices(cfg, client, session.New(cfg, client, store.NewMemory()), open)
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, Demo: true}
	p := newPump(t, step(New(com, svc), tea.WindowSizeMsg{Width: 140, Height: 60}))

	for _, env := range cfg.Environments {
		p.send(loginRequestedMsg{region: env.Endpoints[0]})
		p.until("ID token ✓ verified")
		p.key("n")
		p.until("log in")
	}
	p.key("S")
	p.until("Open sessions: 2")
	wantAll(t, screenText(p.m), "production global", "QA global", "✓ verified")
	p.key("enter") // the QA one, on screen last
	p.until("Logged in as")
	wantAll(t, header(p.m), "QA global")
	p.key("S")
	p.until("Open sessions: 2")
	p.key("up")
	p.key("enter")
	p.until("Logged in as")
	wantAll(t, header(p.m), "production global")

	p.key("S")
	p.until("Open sessions: 2")
	p.space()
	p.key("down")
	p.space()
	p.key("=")
	p.until("ID token claims")
	p.send(tea.KeyPressMsg{Code: tea.KeyEnd})
	p.until("differ in")
	wantAll(t, screenText(p.m), "id_token · iss: A "+prod.Regions()[0].Issuer, "B "+qa.Regions()[0].Issuer)
	p.key("esc")
	p.until("Open sessions: 2")
	p.key("x")
	p.until("Open sessions: 1")
	p.until("it is still kept in")
}

// A logout (L) ends the session on screen for good: it leaves the list;
// the other stays open.
func TestLogoutLeavesTheOthersOpen(t *testing.T) {
	m := placeTwo(t, twoEnvModel(120, 40), prodResult(t), qaAccount(t))
	m.svc.Logout = func(context.Context, *auth.Result) []session.LogoutStep { return nil }
	m, _ = intend(t, m, "L")
	if m.active != screenLogout {
		t.Fatalf("L showed %v", m.active)
	}
	m, _ = m.update(openSessionsMsg{})
	s := screenText(m)
	wantAll(t, s, "Open sessions: 1", "Mette Sørensen")
	if strings.Contains(s, "Quinn Tester") {
		t.Errorf("the logged-out session is still listed:\n%s", s)
	}
}
