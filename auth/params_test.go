package auth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/sim"
)

// freshSim is a stand-in of its own whose clock no other test moved (the
// shared one's runs ahead after Hooks.Advance), so auth_time is comparable
// with this computer's clock.
func freshSim(t *testing.T, o sim.Options) *sim.Sim {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if o.Regions == nil {
		o.Regions = []string{"global", "eu"}
	}
	s, err := sim.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); cancel() })
	return s
}

// loginAt logs in at s's global endpoint with one scripted browser (its
// SSO cookie persists across calls) and params.
func loginAt(t *testing.T, s *sim.Sim, b *sim.Browser, params auth.AuthorizeParams) (*auth.Result, *recorder) {
	t.Helper()
	g, _ := s.Region("global")
	rec := &recorder{}
	o := auth.Options{Region: config.Region{Name: g.Name, Issuer: g.Issuer}, ClientID: s.ClientID(), RedirectURI: config.DefaultRedirectURI,
		Scopes: config.DefaultScopes(), LoginTimeout: 20 * time.Second, Progress: rec.add, Leeway: time.Second,
		Open: func(ctx context.Context, u string) error { go func() { _, _, _ = b.Login(ctx, u, "") }(); return nil }}
	res, err := auth.NewClient(o).Login(context.Background(), auth.LoginParams{Params: params})
	if err != nil {
		t.Fatalf("login: %v\n%s", err, rec.text())
	}
	return res, rec
}

func authTime(t *testing.T, res *auth.Result) time.Time {
	t.Helper()
	if res.Params == nil || !res.Params.HasAuthTime {
		t.Fatalf("no auth_time in the facts: %+v (claims %v)", res.Params, res.Claims)
	}
	return res.Params.AuthTime
}

func row(rows []check.Row, name string) check.Row {
	for _, r := range rows {
		if r.Name == name {
			return r
		}
	}
	return check.Row{Name: name + " (absent)"}
}

// TestMaxAgeAndPromptLoginSignInAgain: after a first login the SSO session
// signs the user in silently with the old auth_time; max_age=0 and
// prompt=login make the stand-in show its page again, so auth_time is newer,
// and the checks say so. The silent login's auth_time judged as if
// prompt=login had been sent fails: the check can tell.
func TestMaxAgeAndPromptLoginSignInAgain(t *testing.T) {
	h := &sim.Hooks{}
	s := freshSim(t, sim.Options{Hooks: h})
	b := sim.NewBrowser()
	first, _ := loginAt(t, s, b, auth.AuthorizeParams{LoginHint: "x@example.com"}) // a param, so facts are kept
	t0 := authTime(t, first)
	advance(t, h, 2*time.Second) // auth_time has whole seconds; the leeway is 1s

	silent, _ := loginAt(t, s, b, auth.AuthorizeParams{LoginHint: "x@example.com"})
	if got := authTime(t, silent); !got.Equal(t0) {
		t.Fatalf("the silent SSO login has auth_time %v, want the first's %v", got, t0)
	}
	judged := *silent.Params
	judged.Started = t0.Add(3 * time.Second) // as a login started after the first sign-in (the stand-in's clock moved, not this one)
	judged.Sent.Prompt = auth.PromptLogin
	if r := row(explain.ParamChecks(&judged), "prompt=login"); r.Status != check.Fail || !strings.Contains(r.Detail, "did not make the user sign in again") {
		t.Errorf("the old auth_time judged for prompt=login: %+v", r)
	}
	zero := 0
	judged.Sent.MaxAge = &zero
	if r := row(explain.ParamChecks(&judged), "max_age"); r.Status != check.Fail {
		t.Errorf("the old auth_time judged for max_age=0: %+v", r)
	}

	zeroAge, _ := loginAt(t, s, b, auth.AuthorizeParams{MaxAge: &zero})
	if got := authTime(t, zeroAge); !got.After(t0) {
		t.Errorf("max_age=0: auth_time %v, not after the first %v", got, t0)
	}
	if r := row(explain.ParamChecks(zeroAge.Params), "max_age"); r.Status != check.Pass || !strings.Contains(r.Detail, "signed in during this login") {
		t.Errorf("max_age row: %+v", r)
	}
	advance(t, h, 2*time.Second)
	again, _ := loginAt(t, s, b, auth.AuthorizeParams{Prompt: auth.PromptLogin})
	if got := authTime(t, again); !got.After(authTime(t, zeroAge)) {
		t.Errorf("prompt=login: auth_time %v, not after the one before", got)
	}
	rows := explain.ParamChecks(again.Params)
	if r := row(rows, "prompt=login"); r.Status != check.Pass || !strings.Contains(r.Detail, "signed in again") {
		t.Errorf("prompt=login row: %+v", r)
	}
	if r := row(rows, "amr"); r.Status != check.Skip || !strings.Contains(r.Detail, "pwd") {
		t.Errorf("amr row: %+v", r)
	}
	if r := row(rows, "idp"); !strings.Contains(r.Detail, "local") {
		t.Errorf("idp row: %+v", r)
	}
	if r := row(rows, "sent prompt"); r.Status != check.Pass {
		t.Errorf("prompt=login is in prompt_values_supported: %+v", r)
	}
}

// TestUnsupportedPromptFlaggedBeforeBrowser: prompt=create is not in the
// stand-in's prompt_values_supported (IdentityServer's: none login consent
// select_account), so a warning with explain's words comes before the
// browser step; ui_locales is listed, acr_values is not (not checked).
func TestUnsupportedPromptFlaggedBeforeBrowser(t *testing.T) {
	s := freshSim(t, sim.Options{})
	res, rec := loginAt(t, s, sim.NewBrowser(), auth.AuthorizeParams{Prompt: "create", UILocales: "da-DK", ACRValues: "idp:local"})
	warn, browser, notChecked := -1, -1, -1
	for i, ev := range rec.evs {
		switch {
		case ev.Step == auth.StepWarning && ev.Param != nil && ev.Param.Param == "prompt":
			warn = i
		case ev.Step == auth.StepBrowser:
			browser = i
		case ev.Step == auth.StepParams && ev.Param != nil && ev.Param.Param == "acr_values":
			notChecked = i
		}
	}
	if warn < 0 || browser < 0 || warn > browser || notChecked < 0 || notChecked > browser {
		t.Fatalf("warning at %d, not-checked at %d, browser at %d:\n%s", warn, notChecked, browser, rec.text())
	}
	if msg := explain.EventMsg(rec.evs[warn]); !strings.Contains(msg, "does not list create in prompt_values_supported") {
		t.Errorf("warning: %s", msg)
	}
	if msg := explain.EventMsg(rec.evs[notChecked]); !strings.Contains(msg, "not checked") {
		t.Errorf("acr_values: %s", msg)
	}
	rows := explain.ParamChecks(res.Params)
	if r := row(rows, "sent prompt"); r.Status != check.Warn {
		t.Errorf("sent prompt: %+v", r)
	}
	if r := row(rows, "sent acr_values"); r.Status != check.Skip {
		t.Errorf("acr_values is not listed in discovery: never ✓, got %+v", r)
	}
	if r := row(rows, "sent ui_locales"); r.Status != check.Pass {
		t.Errorf("ui_locales da-DK is listed: %+v", r)
	}
	if r := row(rows, "idp"); r.Status != check.Pass {
		t.Errorf("idp:local vs idp claim: %+v", r)
	}
	if !strings.Contains(res.Params.Sent.Sent()[0].Value, "create") {
		t.Errorf("sent: %+v", res.Params.Sent.Sent())
	}
}

// TestTenantHint: acr_values tenant:NAME narrows the stand-in's page to
// that tenant's accounts; tenantid is checked against the hint.
func TestTenantHint(t *testing.T) {
	s := freshSim(t, sim.Options{Regions: []string{"global", "eu", "us"}})
	accts := s.Accounts()
	want := accts[len(accts)-1] // not the first: the hint must do something
	res, _ := loginAt(t, s, sim.NewBrowser(), auth.AuthorizeParams{ACRValues: "tenant:" + want.TenantID})
	if got := res.Claim("tenantid"); got != want.TenantID {
		t.Fatalf("tenantid %s, want %s", got, want.TenantID)
	}
	if r := row(explain.ParamChecks(res.Params), "tenantid"); r.Status != check.Pass {
		t.Errorf("tenantid row: %+v", r)
	}
	other := *res.Params
	other.Sent.ACRValues = "tenant:someone-else"
	if r := row(explain.ParamChecks(&other), "tenantid"); r.Status != check.Warn || !strings.Contains(r.Detail, "did not follow the hint") {
		t.Errorf("another tenant asked: %+v", r)
	}
}

// TestLoginHintPreselects: login_hint puts its account first on the page,
// which the scripted browser (like a person pressing enter) picks.
func TestLoginHintPreselects(t *testing.T) {
	s := freshSim(t, sim.Options{Regions: []string{"global", "eu", "us"}})
	accts := s.Accounts()
	want := accts[len(accts)-1]
	res, _ := loginAt(t, s, sim.NewBrowser(), auth.AuthorizeParams{LoginHint: want.Email})
	if res.Claim("sub") != want.ID {
		t.Errorf("login_hint %s: logged in as %s", want.Email, res.Claim("sub"))
	}
}

func TestParseParamRefusesOwnParameters(t *testing.T) {
	for _, kv := range []string{"client_id=x", "redirect_uri=http://x", "code_challenge_method=plain", "Scope=openid", "state=1", "nonce=1", "response_type=token"} {
		var re *auth.ReservedParamError
		if _, err := auth.ParseParam(kv); !errors.As(err, &re) {
			t.Errorf("%s: %v, want a ReservedParamError", kv, err)
		}
	}
	p, err := auth.ParseParam("acr_values=idp:local tenant:x")
	if err != nil || p.Key != "acr_values" || p.Value != "idp:local tenant:x" {
		t.Errorf("%+v %v", p, err)
	}
	if _, err := auth.ParseParam("novalue"); err == nil {
		t.Error("no = accepted")
	}
}

// TestKidRotatedAway: a token whose kid the JWKS no longer has, even after
// fetching it again, is named as signed with a key rotated away — not as a
// bare signature mismatch; a tampered token with a known kid is still the
// bare mismatch.
func TestKidRotatedAway(t *testing.T) {
	h := &sim.Hooks{}
	s := freshSim(t, sim.Options{Hooks: h})
	res, _ := loginAt(t, s, sim.NewBrowser(), auth.AuthorizeParams{})
	oldKid := res.Report.KeyID
	g, _ := s.Region("global")
	trusted := map[string]string{g.Issuer: "global"}

	v := auth.NewVerifier(nil, trusted, time.Minute)
	tampered := tamperPayload(t, res.RawIDToken)
	rep := v.Verify(context.Background(), tampered, auth.Expect{})
	if c, _ := rep.Check("signature"); c.Status != check.Fail || rep.KeyRotatedAway || strings.Contains(c.Detail, "rotated away") {
		t.Errorf("tampered token: %+v rotatedAway=%v", c, rep.KeyRotatedAway)
	}

	newKid, err := h.RotateKeyAway("global")
	if err != nil {
		t.Fatal(err)
	}
	rep = auth.NewVerifier(nil, trusted, time.Minute).Verify(context.Background(), res.RawIDToken, auth.Expect{})
	c, _ := rep.Check("signature")
	if !rep.KeyRotatedAway || c.Status != check.Fail || !rep.Refetched ||
		!strings.Contains(c.Detail, "signed with a key the IdP has rotated away (kid "+oldKid+"; the JWKS has "+newKid) {
		t.Errorf("rotated away: %+v rotatedAway=%v refetched=%v", c, rep.KeyRotatedAway, rep.Refetched)
	}
	if !slices.Equal(rep.JWKSKeyIDs, []string{newKid}) {
		t.Errorf("JWKS kids %v, want [%s]", rep.JWKSKeyIDs, newKid)
	}
}

// TestTwoKeysSayWhichSignsNow: after a rotation the JWKS has the new key
// and the old one; the new one signs, and the report says so.
func TestTwoKeysSayWhichSignsNow(t *testing.T) {
	h := &sim.Hooks{}
	s := freshSim(t, sim.Options{Hooks: h})
	before := h.KeyIDs("global")
	newKid, err := h.RotateKey("global")
	if err != nil {
		t.Fatal(err)
	}
	res, _ := loginAt(t, s, sim.NewBrowser(), auth.AuthorizeParams{})
	rep := res.Report
	if rep.SigningKeyID != newKid || len(rep.JWKSKeyIDs) != 2 {
		t.Fatalf("signing kid %q (new %s), JWKS %v", rep.SigningKeyID, newKid, rep.JWKSKeyIDs)
	}
	words := explain.KeySet(rep)
	if !strings.Contains(words, "kid "+newKid+" signs now") || !strings.Contains(words, "the other, "+before[0]+", is being announced or retired") {
		t.Errorf("key set: %s", words)
	}
	one := *rep
	one.JWKSKeyIDs = []string{newKid}
	if explain.KeySet(&one) != "" {
		t.Error("one key: nothing to say")
	}
}

// tamperPayload changes the payload's sub (the header and its kid stay).
func tamperPayload(t *testing.T, raw string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	claims["sub"] = "someone-else"
	b, _ = json.Marshal(claims)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

// advance moves the stand-in's clock (its SSO session's sign-in times, so
// auth_time) forward by d, instead of waiting d.
func advance(t *testing.T, h *sim.Hooks, d time.Duration) {
	t.Helper()
	if err := h.Advance(d); err != nil {
		t.Fatal(err)
	}
}
