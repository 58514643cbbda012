package urlfacts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ssodesk/config"
)

// himsa is every built-in endpoint (production and QA) as a loaded config
// has them: with their environment.
func himsa() []config.Region {
	var out []config.Region
	for _, e := range config.BuiltinEnvironments() {
		for _, r := range e.Endpoints {
			r.Env, r.EnvLabel = e.Name, e.Title()
			out = append(out, r)
		}
	}
	return out
}

func read(t *testing.T, raw string) *Facts {
	t.Helper()
	f, err := Read(raw, himsa(), config.EnvProduction)
	if err != nil {
		t.Fatalf("Read(%.80q): %v", raw, err)
	}
	return f
}

func readIn(t *testing.T, raw string, c Context) *Facts {
	t.Helper()
	if c.Endpoints == nil {
		c.Endpoints = himsa()
	}
	f, err := ReadIn(raw, c)
	if err != nil {
		t.Fatalf("ReadIn(%.80q): %v", raw, err)
	}
	return f
}

// problem is the first problem of kind k (failing the test when none).
func problem(t *testing.T, f *Facts, k ProblemKind) Problem {
	t.Helper()
	for _, p := range f.Problems {
		if p.Kind == k {
			return p
		}
	}
	t.Fatalf("no %s problem in %+v", k, f.Problems)
	return Problem{}
}

func kinds(f *Facts) []ProblemKind {
	var out []ProblemKind
	for _, p := range f.Problems {
		out = append(out, p.Kind)
	}
	return out
}

const goodAuthorize = "https://idp.himsa-sso.com/connect/authorize?client_id=acme-spa&redirect_uri=https%3A%2F%2Fapp.acme.example%2Fcb" +
	"&response_type=code&scope=openid%20profile%20noah.cloud.app.users.api&state=STATE-SECRET-5555&nonce=NONCE-SECRET-77" +
	"&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"

func TestAuthorizeGood(t *testing.T) {
	f := read(t, goodAuthorize)
	if f.Kind != Authorize || !f.Found || f.Endpoint.Name != "global" || f.Endpoint.Env != config.EnvProduction {
		t.Fatalf("kind %s at %+v (found %v)", f.Kind, f.Endpoint, f.Found)
	}
	if f.Failed() {
		t.Errorf("a good request failed: %v", kinds(f))
	}
	for _, k := range []ProblemKind{NoPKCE, PlainPKCE, ResponseTypeNotCode, MissingParam, StateAbsent, OtherEnv, UnknownHost} {
		if f.Has(k) {
			t.Errorf("a good request has %s", k)
		}
	}
	if p := problem(t, f, ScopesNotChecked); p.Severity != Note {
		t.Errorf("scopes not checked is %v, want a note (never ✓)", p.Severity)
	}
	if c, _ := f.Param("client_id"); c.Value != "acme-spa" {
		t.Errorf("client_id %+v", c)
	}
	for _, name := range []string{"state", "nonce"} {
		p, _ := f.Param(name)
		if p.Hidden != LengthOnly || p.Value != "" || p.Chars == 0 {
			t.Errorf("%s: %+v", name, p)
		}
	}
	if strings.Contains(f.URL, "STATE-SECRET") || strings.Contains(f.URL, "NONCE-SECRET") {
		t.Errorf("the URL shows state or nonce: %s", f.URL)
	}
}

func TestAuthorizeNoPKCE(t *testing.T) {
	f := read(t, strings.Replace(goodAuthorize, "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256", "", 1))
	if p := problem(t, f, NoPKCE); p.Severity != Fail || !f.Failed() {
		t.Errorf("no PKCE: %+v", p)
	}
}

func TestAuthorizePlainPKCE(t *testing.T) {
	f := read(t, strings.Replace(goodAuthorize, "method=S256", "method=plain", 1))
	if p := problem(t, f, PlainPKCE); p.Severity != Fail || p.Value != "plain" {
		t.Errorf("plain: %+v", p)
	}
	f = read(t, strings.Replace(goodAuthorize, "&code_challenge_method=S256", "", 1))
	if p := problem(t, f, PlainPKCE); p.Value != "" {
		t.Errorf("no method (plain by default): %+v", p)
	}
	// A plain challenge is the verifier: a secret, never shown.
	if c, _ := f.Param("code_challenge"); c.Hidden != Fingerprint || c.Value != "" || strings.Contains(f.URL, "E9Melhoa2") {
		t.Errorf("plain challenge shown: %+v in %s", c, f.URL)
	}
	if c, _ := read(t, goodAuthorize).Param("code_challenge"); c.Value == "" {
		t.Errorf("an S256 challenge (a hash) is hidden: %+v", c)
	}
}

func TestAuthorizeResponseTypeToken(t *testing.T) {
	f := read(t, strings.Replace(goodAuthorize, "response_type=code", "response_type=token", 1))
	if p := problem(t, f, ResponseTypeNotCode); p.Severity != Fail || p.Value != "token" {
		t.Errorf("%+v", p)
	}
}

func TestAuthorizeMissingParams(t *testing.T) {
	f := read(t, "https://idp-eu.himsa-sso.com/connect/authorize?response_type=code&scope=profile&code_challenge=x&code_challenge_method=S256")
	var missing []string
	for _, p := range f.Problems {
		if p.Kind == MissingParam {
			missing = append(missing, p.Param+"/"+p.Value)
		}
	}
	if got := strings.Join(missing, " "); got != "client_id/ redirect_uri/ scope/openid" {
		t.Errorf("missing: %s", got)
	}
}

// QA's endpoint while production is selected: said (!); a client ID that
// is production's registration sent to QA: ✗ — only when they differ.
func TestAuthorizeOtherEnvironment(t *testing.T) {
	qa := strings.Replace(goodAuthorize, "idp.himsa-sso.com", "idp-qa.himsa-sso.com", 1)
	f := readIn(t, qa, Context{Env: config.EnvProduction, ClientIDs: map[string]string{"production": "acme-spa", "qa": "acme-spa-qa"}})
	if f.Endpoint.Env != config.EnvQA {
		t.Fatalf("endpoint %+v", f.Endpoint)
	}
	if p := problem(t, f, OtherEnv); p.Severity != Warn || p.Other != config.EnvProduction {
		t.Errorf("other env: %+v", p)
	}
	if p := problem(t, f, ForeignClient); p.Severity != Fail || p.Other != config.EnvProduction || p.Value != "acme-spa" {
		t.Errorf("foreign client: %+v", p)
	}
	f = readIn(t, qa, Context{Env: config.EnvQA, ClientIDs: map[string]string{"production": "acme-spa", "qa": "acme-spa"}})
	if f.Has(OtherEnv) || f.Has(ForeignClient) {
		t.Errorf("QA selected, one client ID for both: %v", kinds(f))
	}
}

func TestAuthorizeCultureLCID(t *testing.T) {
	f := read(t, goodAuthorize+"&culture-lcid=1030")
	if p := problem(t, f, CultureLCID); p.Severity != Note || p.Value != "1030" || p.Param != "culture-lcid" {
		t.Errorf("%+v", p)
	}
	f = read(t, goodAuthorize+"&culture-lcid=da-DK")
	if p := problem(t, f, CultureLCID); p.Severity != Warn {
		t.Errorf("a name, not an LCID: %+v", p)
	}
	f = read(t, goodAuthorize+"&ui_locales=da")
	if p := problem(t, f, CultureLCID); p.Param != "ui_locales" || p.Severity != Warn {
		t.Errorf("ui_locales: %+v", p)
	}
}

func TestAuthorizeScopesChecked(t *testing.T) {
	f := readIn(t, strings.Replace(goodAuthorize, "%20profile", "%20profile%20noah.cloud.app.user.api", 1), Context{Scopes: []string{"openid", "profile", "noah.cloud.app.users.api", "offline_access"}})
	if p := problem(t, f, UnknownScope); p.Value != "noah.cloud.app.user.api" || p.Severity != Fail {
		t.Errorf("%+v", p)
	}
	if f.Has(ScopesNotChecked) || f.Has(ScopesChecked) {
		t.Errorf("%v", kinds(f))
	}
	f = readIn(t, goodAuthorize, Context{Scopes: []string{"openid", "profile", "noah.cloud.app.users.api"}})
	if p := problem(t, f, ScopesChecked); p.Severity != Pass {
		t.Errorf("%+v", p)
	}
	f = readIn(t, goodAuthorize, Context{ScopesError: "connection refused"})
	if p := problem(t, f, ScopesNotChecked); p.Detail != "connection refused" {
		t.Errorf("%+v", p)
	}
}

func TestCallbackCodeRegion(t *testing.T) {
	f := read(t, "https://app.acme.example/cb?code=eu.CODE-SECRET-ABCDEF123456&state=STATE-SECRET-5555&iss=https%3A%2F%2Fidp.himsa-sso.com")
	if f.Kind != Callback || f.Failed() {
		t.Fatalf("kind %s, %v", f.Kind, kinds(f))
	}
	p := problem(t, f, CodeRegion)
	if p.Value != "eu" || !p.Found || p.Endpoint.Issuer != "https://idp-eu.himsa-sso.com" {
		t.Errorf("code region: %+v", p)
	}
	code, _ := f.Param("code")
	if code.Hidden != Fingerprint || code.Prefix != "eu" || code.Value != "" || len(code.SHA256) != 8 {
		t.Errorf("code: %+v", code)
	}
	if strings.Contains(f.URL, "CODE-SECRET") {
		t.Errorf("the URL shows the code: %s", f.URL)
	}
	if p := problem(t, f, IssEndpoint); p.Endpoint.Name != "global" {
		t.Errorf("iss: %+v", p)
	}
	problem(t, f, StatePresent)
}

// A QA iss: the code's eu. is QA EU's, never production EU's.
func TestCallbackCodeRegionInTheLoginsEnvironment(t *testing.T) {
	f := read(t, "https://app.acme.example/cb?code=eu.X1234567&state=s&iss=https%3A%2F%2Fidp-qa.himsa-sso.com")
	if p := problem(t, f, CodeRegion); p.Endpoint.Issuer != "https://idp-qa-eu.himsa-sso.com" || p.Other != config.EnvQA {
		t.Errorf("%+v", p)
	}
	problem(t, f, OtherEnv)
}

func TestCallbackErrors(t *testing.T) {
	for _, code := range []string{"access_denied", "login_required"} {
		f := read(t, "http://127.0.0.1:8765/callback?error="+code+"&error_description=no&state=abc")
		if p := problem(t, f, CallbackError); p.Value != code || p.Detail != "no" || p.Severity != Fail {
			t.Errorf("%s: %+v", code, p)
		}
	}
	f := read(t, "http://127.0.0.1:8765/callback?code=eu.x")
	if p := problem(t, f, StateAbsent); p.Severity != Warn {
		t.Errorf("%+v", p)
	}
	problem(t, f, IssAbsent)
}

func TestCallbackIss(t *testing.T) {
	cb := "https://app.acme.example/cb?code=us.X&state=s&iss=https%3A%2F%2Fidp-eu.himsa-sso.com"
	global := himsa()[0]
	f := readIn(t, cb, Context{Expect: &global})
	p := problem(t, f, IssMismatch)
	if p.Severity != Fail || p.Endpoint.Name != "eu" || p.Expected.Name != "global" {
		t.Errorf("%+v", p)
	}
	eu := himsa()[1]
	f = readIn(t, cb, Context{Expect: &eu})
	if p := problem(t, f, IssMatches); p.Severity != Pass {
		t.Errorf("%+v", p)
	}
	f = read(t, "https://app.acme.example/cb?code=us.X&state=s&iss=https%3A%2F%2Fevil.example")
	if p := problem(t, f, IssUnknown); p.Value != "https://evil.example" {
		t.Errorf("%+v", p)
	}
}

func TestCallbackInFragment(t *testing.T) {
	f := read(t, "https://app.acme.example/cb#code=eu.FRAGMENT-CODE-1&state=xyz")
	if f.Kind != Callback {
		t.Fatalf("kind %s", f.Kind)
	}
	if p := problem(t, f, FragmentMode); p.Param != "code" {
		t.Errorf("%+v", p)
	}
	if c, _ := f.Param("code"); c.Where != InFragment || c.Prefix != "eu" {
		t.Errorf("%+v", c)
	}
	if strings.Contains(f.URL, "FRAGMENT-CODE") {
		t.Errorf("the URL shows the code: %s", f.URL)
	}
}

func TestErrorPage(t *testing.T) {
	f := read(t, "https://idp-eu.himsa-sso.com/home/error?errorId=CfDJ8Abc123")
	if f.Kind != ErrorPage || f.Endpoint.Name != "eu" {
		t.Fatalf("%s %+v", f.Kind, f.Endpoint)
	}
	if p := problem(t, f, ErrorID); p.Severity != Fail || p.Value != "11" {
		t.Errorf("%+v", p)
	}
}

func TestEndSession(t *testing.T) {
	f := read(t, "https://idp-us.himsa-sso.com/connect/endsession?id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fout&state=abc")
	if f.Kind != EndSession || f.Endpoint.Name != "us" || f.Failed() {
		t.Fatalf("%s %+v %v", f.Kind, f.Endpoint, kinds(f))
	}
	if h, _ := f.Param("id_token_hint"); h.Hidden != Fingerprint || h.TokenKind != "jwt" {
		t.Errorf("%+v", h)
	}
	problem(t, f, PostLogoutTarget)
	f = read(t, "https://idp-us.himsa-sso.com/connect/endsession?post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fout")
	problem(t, f, NoIDTokenHint)
}

func TestOtherKinds(t *testing.T) {
	withAPI := append(himsa(), config.Region{Name: "eu-api", Env: config.EnvProduction, Issuer: "https://idp-x.example", API: "https://api-eu.example/v1"})
	for raw, want := range map[string]Kind{
		"https://idp-eu.himsa-sso.com/connect/token":                                 Token,
		"https://idp-qa-eu.himsa-sso.com/connect/userinfo":                           UserInfo,
		"https://idp.himsa-sso.com/.well-known/openid-configuration":                 Discovery,
		"https://idp.himsa-sso.com/.well-known/openid-configuration/jwks":            JWKS,
		"https://idp.himsa-sso.com/connect/revocation":                               Revocation,
		"https://idp.himsa-sso.com/account/login?ReturnUrl=%2Fconnect%2Fauthorize":   OtherAtIdP,
		"https://api-eu.example/v1/users?page=2":                                     API,
		"https://idp.eu.noah-es.com/connect/token":                                   Unknown,
		"https://login.example.org/connect/authorize?client_id=a&response_type=code": Authorize,
	} {
		f, err := Read(raw, withAPI, config.EnvProduction)
		if err != nil || f.Kind != want {
			t.Errorf("%s: %v %v, want %s", raw, f.Kind, err, want)
			continue
		}
		if want == API && f.Endpoint.Name != "eu-api" {
			t.Errorf("API at %+v", f.Endpoint)
		}
		if want == Unknown || raw == "https://login.example.org/connect/authorize?client_id=a&response_type=code" {
			if f.Found || !f.Has(UnknownHost) {
				t.Errorf("%s: found %v, %v", raw, f.Found, kinds(f))
			}
		}
	}
	// The default port names the same endpoint; plain http to it is ✗.
	if f := read(t, "https://idp-eu.himsa-sso.com:443/connect/token"); f.Endpoint.Name != "eu" || f.Kind != Token || f.Has(PlainHTTP) {
		t.Errorf(":443: %s at %+v", f.Kind, f.Endpoint)
	}
	f := read(t, "http://idp-eu.himsa-sso.com/connect/token")
	if p := problem(t, f, PlainHTTP); p.Severity != Fail || f.Endpoint.Name != "eu" || f.Kind != Token {
		t.Errorf("http: %+v, %s at %+v", p, f.Kind, f.Endpoint)
	}
	// The longest issuer wins: an endpoint whose issuer has a path.
	eps := append(himsa(), config.Region{Name: "tenant", Env: config.EnvProduction, Issuer: "https://idp-eu.himsa-sso.com/tenant"})
	f, _ = Read("https://idp-eu.himsa-sso.com/tenant/connect/token", eps, "")
	if f.Endpoint.Name != "tenant" || f.Kind != Token {
		t.Errorf("%s at %+v", f.Kind, f.Endpoint)
	}
}

func TestTokenEndpointWithCodeInURL(t *testing.T) {
	f := read(t, "https://idp-eu.himsa-sso.com/connect/token?grant_type=authorization_code&code=eu.abcdefgh&client_secret=SECRET-XYZ-123")
	if f.Kind != Token {
		t.Fatal(f.Kind)
	}
	n := 0
	for _, p := range f.Problems {
		if p.Kind == SecretInURL {
			n++
		}
	}
	if n != 2 || strings.Contains(f.URL, "SECRET-XYZ") {
		t.Errorf("%d secrets in the URL said; URL %s", n, f.URL)
	}
}

func TestHostileInput(t *testing.T) {
	// Escape sequences and invalid UTF-8 in a parameter: made printable.
	f := read(t, "https://app.acme.example/cb?error=access_denied&error_description=%1B%5B31mred%1B%5D0%3Btitle%07%C3%28&state=x")
	p := problem(t, f, CallbackError)
	if strings.ContainsAny(p.Detail, "\x1b\x07") || !strings.Contains(p.Detail, "\uFFFD") {
		t.Errorf("not printable: %q", p.Detail)
	}
	for _, q := range f.Params {
		if strings.ContainsAny(q.Value, "\x1b\x07") {
			t.Errorf("param %s not printable: %q", q.Name, q.Value)
		}
	}
	// Credentials: said, the password nowhere.
	f = read(t, "https://alice:PASSWORD-SECRET-9@idp.himsa-sso.com/connect/authorize?x=PASSWORD-SECRET-9")
	if p := problem(t, f, Credentials); p.Value != "alice" {
		t.Errorf("%+v", p)
	}
	if strings.Contains(f.URL, "PASSWORD-SECRET") || strings.Contains(f.Params[0].Value, "PASSWORD-SECRET") {
		t.Errorf("the password shows: %s %+v", f.URL, f.Params)
	}
	f = read(t, "https://TOKEN-AS-USER-1@idp.himsa-sso.com/connect/userinfo?x=TOKEN-AS-USER-1")
	if p := problem(t, f, Credentials); p.Value != "" || strings.Contains(f.URL+f.Params[0].Value, "TOKEN-AS-USER") {
		t.Errorf("a user alone shows: %+v %s %+v", p, f.URL, f.Params)
	}
	// A request line, quotes and a sentence around it.
	for _, paste := range []string{
		"GET https://idp.himsa-sso.com/connect/token HTTP/1.1",
		"  \"https://idp.himsa-sso.com/connect/token\"\n",
		"The customer sees <https://idp.himsa-sso.com/connect/token>.",
		"see (https://idp.himsa-sso.com/connect/token), then",
	} {
		f := read(t, paste)
		if f.Kind != Token || f.URL != "https://idp.himsa-sso.com/connect/token" || !f.Around {
			t.Errorf("%q: %s %q around %v", paste, f.Kind, f.URL, f.Around)
		}
	}
	// A huge URL: bounded.
	huge := "https://idp.himsa-sso.com/connect/authorize?client_id=" + strings.Repeat("a", MaxInput)
	if _, err := Read(huge, himsa(), ""); !isReason(err, TooLarge) {
		t.Errorf("over 1 MB: %v", err)
	}
	big := "https://idp.himsa-sso.com/connect/authorize?" + strings.Repeat("p=1&", (MaxInput-100)/4)
	f = read(t, big)
	if len(f.Params) != MaxParams || f.ParamsCut == 0 || len([]rune(f.URL)) > MaxURL+1 {
		t.Errorf("%d params, %d cut, URL %d runes", len(f.Params), f.ParamsCut, len([]rune(f.URL)))
	}
	// A paste of a million closing brackets after a URL: one pass.
	start := time.Now()
	if f := read(t, "(https://idp.himsa-sso.com/connect/token"+strings.Repeat(")", MaxInput-100)); f.Path != "/connect/token" {
		t.Errorf("path %q", f.Path)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("trailing brackets took %s", took)
	}
	long := read(t, "https://idp.himsa-sso.com/connect/authorize?client_id="+strings.Repeat("x", 500_000))
	if c, _ := long.Param("client_id"); !c.Cut || len([]rune(c.Value)) > MaxValue+1 || c.Chars != 500_000 {
		t.Errorf("long value: cut %v, %d runes, %d chars", c.Cut, len([]rune(c.Value)), c.Chars)
	}
}

func isReason(err error, r Reason) bool {
	var ie *InputError
	return errors.As(err, &ie) && ie.Reason == r
}

func TestNotURLs(t *testing.T) {
	for raw, want := range map[string]Reason{
		"":                                   Empty,
		"   \n":                              Empty,
		"hello world":                        NotURL,
		"/connect/authorize?client_id=x":     NotAbsolute,
		"idp.himsa-sso.com/connect/token":    NotAbsolute,
		"https:///connect/token":             NotAbsolute,
		"://idp.himsa-sso.com":               NotAbsolute,
		"https://idp.himsa-sso.com:port/x":   Unparsable,
		"https://user:p@ss@host%zz/x?code=1": Unparsable,
	} {
		f, err := Read(raw, himsa(), "")
		if !isReason(err, want) {
			t.Errorf("%q: %v (%+v), want %s", raw, err, f, want)
		}
		if err != nil && strings.Contains(err.Error(), "p@ss") {
			t.Errorf("the error holds the input: %v", err)
		}
	}
}
