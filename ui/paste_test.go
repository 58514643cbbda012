package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/explain"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/urlfacts"
)

// testJWT is an unsigned-looking JWT (a signature no key made) with claims.
func testJWT(t testing.TB, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]any{"alg": "RS256", "kid": "k1", "typ": "JWT"}) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte("not-a-signature"))
}

// pastedClaims are an EU ID token's claims of the production environment.
func pastedClaims(iss string) map[string]any {
	return map[string]any{"iss": iss, "sub": "5f0c-pasted-sub", "aud": "my-app", "tenantid": "b2a1e7c4-0001",
		"exp": now.Add(30 * time.Minute).Unix(), "iat": now.Add(-time.Minute).Unix()}
}

// readOnlyServices are test services for cfg whose every service that
// would use a token fails the test: a pasted token is only decoded and,
// on request, verified.
func readOnlyServices(t testing.TB, cfg *config.Config) *Services {
	svc := testServices(cfg, nil)
	failTokenUse(t, svc, "a pasted token")
	return svc
}

// pickerWith is the picker of cfg at w×h with svc.
func pickerWith(cfg *config.Config, svc *Services, w, h int) Model {
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: func() time.Time { return now }}
	return step(New(com, svc), tea.WindowSizeMsg{Width: w, Height: h})
}

// pasteToken opens the paste screen from the picker's p, pastes paste and
// presses enter.
func pasteToken(t *testing.T, m Model, paste string) Model {
	t.Helper()
	m = pressAll(m, "p")
	if m.active != screenPasteToken {
		t.Fatalf("p: screen %v", m.active)
	}
	m = settle(m, func() tea.Msg { return tea.PasteMsg{Content: paste} })
	return pressAll(m, "enter")
}

// A JWT, "Bearer …" and a whole Authorization header line all open the
// inspector, read-only, decoded, times as of now, not verified.
func TestPasteTokenOpensInspector(t *testing.T) {
	jwt := testJWT(t, pastedClaims("https://idp-eu.himsa-sso.com"))
	for _, paste := range []string{jwt, "  Bearer " + jwt + "\n", "Authorization: Bearer " + jwt, "authorization: bearer " + jwt + "\r\n"} {
		m := pasteToken(t, pickerWith(testConfig(), readOnlyServices(t, testConfig()), 120, 50), paste)
		if m.active != screenPastedToken {
			t.Fatalf("%.30q: screen %v\n%s", paste, m.active, screenText(m))
		}
		s := screenText(m)
		wantAll(t, s, "Pasted token", "read-only: a pasted token, never sent anywhere", "jwt, "+fmt.Sprint(len(jwt))+" bytes",
			"Issuer https://idp-eu.himsa-sso.com", "Verified not verified", "v checks it against https://idp-eu.himsa-sso.com's keys",
			"5f0c-pasted-sub", "Claims (times as of now)", "(in 30m00s)", "v verify")
		if strings.Contains(s, "✓") {
			t.Errorf("✓ before any verification:\n%s", s)
		}
		if m = pressAll(m, "esc"); m.active != screenPasteToken {
			t.Errorf("esc: screen %v", m.active)
		}
		if m = pressAll(m, "esc"); m.active != screenRegions {
			t.Errorf("esc on the paste screen: screen %v", m.active)
		}
	}
}

// Half a token, an opaque one, nothing and over 1 MB are refused in
// explain's words; the screen stays for another paste.
func TestPasteTokenRefused(t *testing.T) {
	jwt := testJWT(t, pastedClaims("https://idp-eu.himsa-sso.com"))
	for paste, want := range map[string]string{
		jwt[:strings.LastIndex(jwt, ".")]:  "not a JWT: a JWT has 3 dot-separated parts, this has 2",
		jwt[:len(jwt)/2]:                   "not a JWT",
		"opaque-access-token-0123456789":   "not a JWT (30 bytes, no header to decode): HIMSA's access and refresh tokens may be opaque",
		"Bearer ":                          "nothing pasted",
		"eyJhbGciOiJSUzI1NiJ9.%%%.c2ln":    "the token does not decode: payload: not base64url",
		strings.Repeat("x", 1<<20+1):       "the paste is 1048577 bytes, over the 1048576 bytes (1 MB) a token may have here",
		"Bearer " + strings.Repeat("y", 9): "not a JWT (9 bytes",
	} {
		m := pasteToken(t, pickerWith(testConfig(), readOnlyServices(t, testConfig()), 100, 30), paste)
		if m.active != screenPasteToken {
			t.Fatalf("%.30q: screen %v", paste, m.active)
		}
		wantAll(t, screenText(m), want)
	}
	want := explain.TokenNotDecoded(jwt[:strings.LastIndex(jwt, ".")])
	m := pasteToken(t, pickerWith(testConfig(), readOnlyServices(t, testConfig()), 200, 30), jwt[:strings.LastIndex(jwt, ".")])
	wantAll(t, screenText(m), want) // decode's words, as the CLI says them
}

// v verifies on request (through Services.VerifyPasted), and the checks
// show; before it, nothing is asked.
func TestPastedTokenVerifiedOnRequest(t *testing.T) {
	svc := readOnlyServices(t, testConfig())
	calls := 0
	var got string
	svc.VerifyPasted = func(_ context.Context, raw string) *auth.Report {
		calls++
		got = raw
		return &auth.Report{Issuer: "https://idp-eu.himsa-sso.com", Region: "eu", Checks: []check.Row{
			{Name: "issuer", Status: check.Pass, Detail: "https://idp-eu.himsa-sso.com, the eu issuer of HIMSA production, is on the allow-list"},
			{Name: "signature", Status: check.Pass, Detail: "RS256 by key kid=k1"}}}
	}
	jwt := testJWT(t, pastedClaims("https://idp-eu.himsa-sso.com"))
	m := pasteToken(t, pickerWith(testConfig(), svc, 120, 50), "Bearer "+jwt)
	if calls != 0 {
		t.Fatalf("VerifyPasted called %d times before v", calls)
	}
	m = pressAll(m, "v")
	if calls != 1 || got != jwt {
		t.Fatalf("VerifyPasted called %d times with %.20q", calls, got)
	}
	wantAll(t, screenText(m), "Verified verified", "✓ signature RS256 by key kid=k1", "✓ issuer", "pasted token: verified")
}

// A token of another environment is named as such, before and after v
// (the real verification: an issuer of another environment is not
// trusted, so nothing is fetched); one of an unknown issuer is "not
// verified: unknown issuer". Never ✓.
func TestPastedTokenOtherEnvironmentAndUnknownIssuer(t *testing.T) {
	cfg := testConfig().ForDemo("my-app", config.BuiltinEnvironments()...)
	cfg.Store = ""
	for _, c := range []struct {
		iss   string
		wants []string
	}{
		{"https://idp-qa-eu.himsa-sso.com", []string{"NOT verified: a token of HIMSA QA EU, another environment"}},
		{"https://evil.example", []string{"not verified: unknown issuer", "https://evil.example is no endpoint of HIMSA production"}},
	} {
		m := pasteToken(t, pickerWith(cfg, readOnlyServices(t, cfg), 140, 60), testJWT(t, pastedClaims(c.iss)))
		wantAll(t, screenText(m), c.wants...)
		m = pressAll(m, "v")
		s := screenText(m)
		wantAll(t, s, c.wants[0], "✗ issuer")
		if strings.Contains(c.iss, "qa") {
			wantAll(t, s, "a token of another environment")
		}
		if strings.Contains(s, "✓ signature") || strings.Contains(s, "Verified verified") || strings.Contains(s, "✓ issuer") {
			t.Errorf("%s: a ✓ for a token not verified:\n%s", c.iss, s)
		}
	}
}

// A pasted token is never used: no key of the inspector refreshes, logs
// out, fetches userinfo, calls the API or introspects, and its help offers
// none of that (readOnlyServices fail the test if one is called).
func TestPastedTokenIsReadOnly(t *testing.T) {
	svc := readOnlyServices(t, testConfig())
	m := pasteToken(t, pickerWith(testConfig(), svc, 120, 40), testJWT(t, pastedClaims("https://idp-eu.himsa-sso.com")))
	help := screenText(pressAll(m, "?"))
	for _, k := range []string{"refresh", "userinfo", "log out", "API console", "introspect", "switch account", "copy token", "reveal", "report", "sanitised"} {
		if strings.Contains(help, k) {
			t.Errorf("the help offers %q:\n%s", k, help)
		}
	}
	m = pressAll(m, "?")
	for _, k := range []string{"r", "u", "i", "L", "a", "s", "g", "n", "C", "d", "w", "1", "2", "3", "4", "5", "6", "tab"} {
		if m = pressAll(m, k); m.active != screenPastedToken {
			t.Fatalf("%q left the inspector for %v", k, m.active)
		}
	}
}

// pasteURL opens the URL screen from the picker's u, pastes paste and
// presses enter.
func pasteURL(t *testing.T, w, h int, paste string) Model {
	t.Helper()
	m := pressAll(newTestModel(w, h), "u")
	if m.active != screenPasteURL {
		t.Fatalf("u: screen %v", m.active)
	}
	m = settle(m, func() tea.Msg { return tea.PasteMsg{Content: paste} })
	return pressAll(m, "enter")
}

// The URL screen says what ssodesk explain says: the kind, the endpoint,
// the parameters, the findings with marks, cause and fix.
func TestPasteURLExplains(t *testing.T) {
	authorize := "https://idp.himsa-sso.com/connect/authorize?client_id=acme-spa&redirect_uri=https%3A%2F%2Fapp.acme.example%2Fcb&response_type=code&scope=openid+profile&state=abcdefghij"
	m := pasteURL(t, 140, 80, authorize)
	f, err := urlfacts.ReadIn(authorize, urlfacts.ContextOf(testConfig()))
	if err != nil {
		t.Fatal(err)
	}
	x := explain.URL(f)
	var pkce explain.URLFinding
	for _, fd := range x.Findings {
		if fd.Status == "fail" {
			pkce = fd
		}
	}
	if pkce.Text == "" {
		t.Fatal("explain finds nothing wrong in an authorize request without PKCE: the test would prove nothing")
	}
	wantAll(t, screenText(m), x.What, "kind authorize", "endpoint production / global https://idp.himsa-sso.com", "parameters", "client_id acme-spa",
		"findings", "✗ "+pkce.Text, "cause: "+pkce.Cause, "fix: "+pkce.Fix, "n another URL")

	m = pasteURL(t, 140, 60, "https://app.acme.example/signin-oidc?code=eu.ABCDEF0123456789&state=xyz12345&iss=https%3A%2F%2Fidp.himsa-sso.com")
	wantAll(t, screenText(m), "kind callback", "EU")
	if s := screenText(m); strings.Contains(s, "ABCDEF0123456789") {
		t.Errorf("the code is shown:\n%s", s)
	}
	m = pressAll(m, "n")
	if !m.screens[screenPasteURL].CapturesKeys() {
		t.Error("n: the box does not take a new URL")
	}
}

// Credentials in a URL are said, never shown; escape sequences never
// reach the terminal; what is no URL is refused in explain's words.
func TestPasteURLHostile(t *testing.T) {
	m := pasteURL(t, 140, 60, "https://support:Pa55w0rd-SECRET@idp.himsa-sso.com/connect/authorize?client_id=x")
	s := screenText(m)
	if strings.Contains(s, "Pa55w0rd-SECRET") {
		t.Errorf("the password is shown:\n%s", s)
	}
	wantAll(t, s, "kind authorize")
	for _, p := range hostilePayloads {
		m := pasteURL(t, 120, 60, "https://idp.himsa-sso.com/connect/authorize?client_id="+p+"&"+p+"=1#"+p)
		assertNoRaw(t, "URL screen", m.View().Content)
	}
	m = pasteURL(t, 120, 30, "idp.himsa-sso.com/connect/authorize")
	wantAll(t, screenText(m), "not an absolute URL: it has no scheme and host")
	m = pasteURL(t, 120, 30, strings.Repeat("h", urlfacts.MaxInput+1))
	wantAll(t, screenText(m), "over the 1048576 bytes (1 MB) a URL may have here")
}

// appForm is the picker's a at eu, each field typed (tab between them).
func appForm(t *testing.T, svc *Services, fields ...string) Model {
	t.Helper()
	m := pressAll(pickerWith(testConfig(), svc, 120, 40), "down", "a")
	if m.active != screenAppForm {
		t.Fatalf("a: screen %v", m.active)
	}
	for i, f := range fields {
		if i > 0 {
			m = pressAll(m, "tab")
		}
		m = typePath(m, f)
	}
	return pressAll(m, "enter")
}

// The form says what is wrong with each field, as ssodesk check says it
// of its flags, and sends nothing then.
func TestAppCheckFormValidation(t *testing.T) {
	svc := testServices(testConfig(), nil)
	svc.CheckApp = func(context.Context, config.Region, auth.AuthorizeRequest) diagnose.Report {
		t.Error("CheckApp called with a form in error")
		return diagnose.Report{}
	}
	m := appForm(t, svc)
	wantAll(t, screenText(m), "✗ the app's client ID is needed", "✗ the app's redirect URI is needed")
	m = appForm(t, svc, "acme webapp", "localhost:8080/cb", "profile", "no ne")
	wantAll(t, screenText(m), "✗ the client ID must not contain spaces", "✗ the redirect URI must be an absolute URI",
		"✗ the scopes lack openid", "✗ prompt must be one word")
	m = appForm(t, svc, "acme-webapp", "https://app.acme.example/cb#frag")
	if m.active != screenAppForm {
		t.Fatalf("a redirect URI with a fragment was sent: screen %v", m.active)
	}
	wantAll(t, screenText(m), "✗ the redirect URI")
}

// A refusal's row and its numbered probes show under it.
func TestAppCheckShowsProbes(t *testing.T) {
	var got auth.AuthorizeRequest
	svc := testServices(testConfig(), nil)
	req := auth.AuthorizeRequest{ClientID: "acme-webapp", RedirectURI: "https://app.acme.example/signin-oidc", Scopes: []string{"openid", "profile", "noah.cloud.app.admin"}}
	probes := []diagnose.Probe{{Changed: diagnose.ProbeAsked, Outcome: auth.PreflightRefused, Error: "invalid_scope", Request: req},
		{Changed: "scope", Value: "noah.cloud.app.admin", Outcome: auth.PreflightRefused, Request: req}}
	svc.CheckApp = func(_ context.Context, r config.Region, app auth.AuthorizeRequest) diagnose.Report {
		got = app
		return diagnose.Report{Region: r.Name, Issuer: r.Issuer, Probes: probes, Rows: []check.Row{
			{Name: diagnose.RowAuthorize, Status: check.Fail, Detail: "the IdP refuses the authorize request"},
			{Name: diagnose.RowRefuses, Status: check.Fail, Detail: "The IdP accepts client acme-webapp with redirect URI https://app.acme.example/signin-oidc and scope openid profile; it refuses it once noah.cloud.app.admin is added"}}}
	}
	m := appForm(t, svc, req.ClientID, req.RedirectURI, "openid profile,noah.cloud.app.admin", "", "form_post")
	if m.active != screenCheck {
		t.Fatalf("enter: screen %v\n%s", m.active, screenText(m))
	}
	if got.ClientID != req.ClientID || got.RedirectURI != req.RedirectURI || strings.Join(got.Scopes, " ") != "openid profile noah.cloud.app.admin" || got.ResponseMode != "form_post" {
		t.Errorf("CheckApp got %+v", got)
	}
	wantAll(t, screenText(m), "Check of acme-webapp at eu", "✗ refuses", "it refuses it once noah.cloud.app.admin is added",
		"1. "+explain.ProbeLine(probes[0].Changed, "", probes[0].Outcome, probes[0].Error, "", req),
		"2. "+explain.ProbeLine(probes[1].Changed, probes[1].Value, probes[1].Outcome, "", "", req))
}

// Against the stand-in: its web app with a scope it may not ask for is
// refused, and the refuses row names that scope.
func TestStandInAppCheckNamesTheScope(t *testing.T) {
	_, cfg := startStandIn(t, sim.Options{})
	client := auth.NewHTTPClient(time.Minute)
	svc := realServices(cfg, client, session.New(cfg, client, nil), nil)
	m := pickerWith(cfg, svc, 140, 80)
	m = pressAll(m, "a")
	for i, f := range []string{sim.WebAppClientID, sim.WebAppRedirectURI, "openid profile " + sim.APIScope} {
		if i > 0 {
			m = pressAll(m, "tab")
		}
		m = typePath(m, f)
	}
	m, cmd := press(m, "enter")
	m = settle(m, cmd)
	if m.active != screenCheck {
		t.Fatalf("screen %v", m.active)
	}
	var done tea.Msg
	for range 3 { // the check's Cmd runs in the batch the screen started
		if done = run(m.screens[screenCheck].Init()); done != nil {
			break
		}
	}
	m = step(m, done)
	wantAll(t, screenText(m), "✗ refuses", "it refuses it once "+sim.APIScope+" is added", "1. ")
}

// pasteScreens are the screens of issue 24 for everyScreen.
func pasteScreens(t *testing.T, w, h int) map[string]Model {
	jwt := testJWT(t, pastedClaims("https://idp-eu.himsa-sso.com"))
	tok := pasteToken(t, newTestModel(w, h), jwt)
	url := pasteURL(t, w, h, "https://idp.himsa-sso.com/connect/authorize?client_id=acme-spa&response_type=code&scope=openid")
	return map[string]Model{"paste token": pressAll(newTestModel(w, h), "p"), "pasted token": tok, "explain URL": url,
		"check app": pressAll(newTestModel(w, h), "a"), "login parameters": pressAll(newTestModel(w, h), "L")}
}

// Every paste screen fits 20×5 with a 1 MB paste, quickly.
func TestPasteScreensSurviveSmallAndHuge(t *testing.T) {
	big := testJWT(t, map[string]any{"iss": "https://idp.himsa-sso.com", "sub": strings.Repeat("s", 1<<20-2000)})
	hugeURL := "https://idp.himsa-sso.com/connect/authorize?client_id=" + strings.Repeat("c", 1<<20-100)
	start := time.Now()
	for _, size := range [][2]int{{20, 5}, {80, 24}} {
		w, h := size[0], size[1]
		screens := map[string]Model{
			"token box":    settle(pressAll(newTestModel(w, h), "p"), func() tea.Msg { return tea.PasteMsg{Content: big} }),
			"pasted token": pasteToken(t, newTestModel(w, h), big),
			"URL box":      settle(pressAll(newTestModel(w, h), "u"), func() tea.Msg { return tea.PasteMsg{Content: hugeURL} }),
			"explained":    pasteURL(t, w, h, hugeURL),
		}
		for name, m := range screens {
			fits(t, fmt.Sprintf("%s at %dx%d", name, w, h), m.View().Content, w, h)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a 1 MB paste took %v", d)
	}
}

// The paste screens as drawn, at the three sizes of every screen's goldens.
func TestGoldenPasteScreens(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}, {100, 30}} {
		for name, m := range pasteScreens(t, size[0], size[1]) {
			t.Run(fmt.Sprintf("%s_%dx%d", strings.ReplaceAll(name, " ", "_"), size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, screenText(m))
			})
		}
	}
}

// Against the stand-in, through the real services: a pasted ID token of
// its environment verifies (its issuer's keys read), as decode --verify.
func TestStandInPastedTokenVerifies(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, cfg := startStandIn(t, sim.Options{})
	g, _ := cfg.FindRegion("global")
	client := auth.NewHTTPClient(time.Minute)
	res, err := session.New(cfg, client, nil).Login(ctx, session.LoginInput{Region: g, Open: func(ctx context.Context, u string) error {
		go func() { _, _, _ = sim.NewBrowser().Login(ctx, u, "") }()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	m := pickerWith(cfg, realServices(cfg, client, session.New(cfg, client, nil), nil), 140, 80)
	m.com.Now = time.Now // the token's times are the stand-in's, now
	m = pasteToken(t, m, "Authorization: Bearer "+res.RawIDToken)
	if s := screenText(m); strings.Contains(s, "✓") {
		t.Fatalf("✓ before v:\n%s", s)
	}
	m = pressAll(m, "v")
	wantAll(t, screenText(m), "Verified verified", "✓ signature", "✓ issuer", "pasted token: verified")
}

// Escape sequences in a pasted token's claims, or in the paste itself,
// never reach the terminal raw.
func TestPastedTokenShowsNoRawControlCharacters(t *testing.T) {
	for _, p := range hostilePayloads {
		claims := pastedClaims("https://idp-eu.himsa-sso.com" + p)
		claims["sub"], claims[p] = p, p
		m := pasteToken(t, newTestModel(120, 60), testJWT(t, claims))
		if m.active != screenPastedToken {
			t.Fatalf("%q: screen %v", p, m.active)
		}
		assertNoRaw(t, "pasted token", m.View().Content)
		m = pressAll(m, "v")
		assertNoRaw(t, "pasted token, verified", m.View().Content)
		box := settle(pressAll(newTestModel(120, 30), "p"), func() tea.Msg { return tea.PasteMsg{Content: "eyJ" + p + "." + p} })
		assertNoRaw(t, "token box", box.View().Content)
		assertNoRaw(t, "token box, refused", pressAll(box, "enter").View().Content)
	}
}
