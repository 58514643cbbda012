package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// explainEnv is a CLI whose config has HIMSA's built-in environments
// (production and QA) and extra config; explain reads no network.
func explainEnv(t *testing.T, config string) *cliEnv {
	t.Helper()
	e := newCLIEnv(t, "")
	if err := os.WriteFile(e.file, []byte("client_id: ssodesk\n"+config), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

const explainAuthorize = "https://idp.himsa-sso.com/connect/authorize?client_id=acme-spa&redirect_uri=https%3A%2F%2Fapp.acme.example%2Fcb" +
	"&response_type=code&scope=openid%20profile%20noah.cloud.app.users.api&state=STATE-SECRET-5555&nonce=NONCE-SECRET-77" +
	"&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"

type explainCase struct {
	name  string
	args  []string
	stdin string
	code  int
	want  []string
	never []string // in neither stdout nor stderr
}

func runExplainCases(t *testing.T, e *cliEnv, cases []explainCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := e.ssodesk(c.stdin, append([]string{"explain"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
			for _, n := range append(c.never, "\x1b") {
				if strings.Contains(out+errOut, n) {
					t.Errorf("output holds %q:\n%s%s", n, out, errOut)
				}
			}
		})
	}
}

func TestExplainAuthorize(t *testing.T) {
	e := explainEnv(t, "")
	secrets := []string{"STATE-SECRET-5555", "NONCE-SECRET-77"}
	runExplainCases(t, e, []explainCase{
		{name: "good", args: []string{explainAuthorize}, code: 0, never: append(secrets, "✗", "✓"), want: []string{
			"An authorize request to the HIMSA production global endpoint (https://idp.himsa-sso.com)",
			"endpoint     production / global  https://idp.himsa-sso.com",
			"client_id             acme-spa", "state                 present, 17 chars (not shown)",
			"code_challenge_method S256", "state=[redacted 17 bytes]",
			"• The scopes were not checked against the endpoint's discovery (scopes_supported): --online reads it."}},
		{name: "no PKCE", args: []string{strings.Split(explainAuthorize, "&code_challenge=")[0]}, code: 1, never: secrets, want: []string{
			"✗ There is no code_challenge: the request uses no PKCE.", "IdentityServer requires PKCE by default",
			"code_challenge_method=S256", "ssodesk: the URL shows 1 problem marked ✗"}},
		{name: "plain", args: []string{strings.Replace(explainAuthorize, "=S256", "=plain", 1)}, code: 1, want: []string{
			"✗ code_challenge_method is plain: the challenge is the verifier itself.", "HIMSA's clients require S256"}},
		{name: "response_type token", args: []string{strings.Replace(explainAuthorize, "response_type=code", "response_type=token", 1)}, code: 1,
			want: []string{"✗ response_type is token, not code.", "Use response_type=code with PKCE (S256)"}},
		{name: "QA while production is selected", args: []string{strings.Replace(explainAuthorize, "idp.", "idp-qa.", 1)}, code: 0, want: []string{
			"endpoint     qa / global  https://idp-qa.himsa-sso.com",
			"! The URL goes to the HIMSA QA global endpoint (https://idp-qa.himsa-sso.com), an endpoint of qa, not of the selected environment (production).",
			"`--env qa` explains it"}},
		{name: "QA selected", args: []string{"--env", "qa", strings.Replace(explainAuthorize, "idp.", "idp-qa.", 1)}, code: 0, never: []string{"not of the selected environment"}},
		{name: "culture-lcid", args: []string{explainAuthorize + "&culture-lcid=1030"}, code: 0, want: []string{
			"culture-lcid          1030", "• culture-lcid=1030 localises HIMSA's login site (da-DK)."}},
		{name: "no openid, no client", args: []string{"https://idp-eu.himsa-sso.com/connect/authorize?response_type=code&redirect_uri=x&scope=profile&code_challenge=x&code_challenge_method=S256&state=abc"},
			code: 1, want: []string{"✗ The authorize request has no client_id.", "✗ The scope lacks openid", "ssodesk: the URL shows 2 problems marked ✗"}},
	})
}

// A client ID that is production's registration sent to QA: ✗, when the
// config gives QA its own.
func TestExplainClientOfAnotherEnvironment(t *testing.T) {
	e := explainEnv(t, "environments:\n  production:\n    client_id: acme-spa\n  qa:\n    client_id: acme-spa-qa\n")
	runExplainCases(t, e, []explainCase{
		{name: "production's client at QA", args: []string{strings.Replace(explainAuthorize, "idp.", "idp-qa.", 1)}, code: 1, want: []string{
			"✗ The client_id acme-spa is the client ID configured for production, but the request goes to the HIMSA QA global endpoint",
			"HIMSA registrations are per environment"}},
		{name: "QA's client at QA", args: []string{strings.Replace(strings.Replace(explainAuthorize, "idp.", "idp-qa.", 1), "acme-spa", "acme-spa-qa", 1)},
			code: 0, never: []string{"is the client ID configured for"}},
	})
}

func TestExplainCallback(t *testing.T) {
	e := explainEnv(t, "")
	code := "eu.CODE-SECRET-ABCDEF123456"
	cb := "https://app.acme.example/signin-oidc?code=" + code + "&state=STATE-SECRET-5555&iss=https%3A%2F%2Fidp.himsa-sso.com"
	runExplainCases(t, e, []explainCase{
		{name: "code eu. to EU", args: []string{cb}, code: 0, never: []string{code, "CODE-SECRET", "STATE-SECRET"}, want: []string{
			"A callback: the IdP's answer, sent by the browser to the app's redirect URI https://app.acme.example/signin-oidc.",
			"code  prefix eu. · 27 bytes, sha256 ",
			"• The code's prefix eu. says the account is in EU: exchange it at the EU endpoint (https://idp-eu.himsa-sso.com), or at the global one, which hands it over.",
			"• iss is the issuer of the HIMSA production global endpoint (https://idp.himsa-sso.com): that endpoint answered.",
			"• state is present (17 chars, not shown)"}},
		{name: "access_denied", args: []string{"http://127.0.0.1:8765/callback?error=access_denied&state=abcdef"}, code: 1, want: []string{
			"✗ The IdP sent the app error=access_denied.", "The user cancelled at the IdP, or declined consent."}},
		{name: "login_required", args: []string{"http://127.0.0.1:8765/callback?error=login_required&error_description=no+session&state=abcdef"}, code: 1, want: []string{
			"✗ The IdP sent the app error=login_required (no session).", "A silent request (prompt=none) found no usable session at the IdP"}},
		{name: "iss of another endpoint", args: []string{"--region", "global", strings.Replace(cb, "idp.himsa", "idp-eu.himsa", 1)}, code: 1, want: []string{
			"✗ iss is https://idp-eu.himsa-sso.com, the issuer of the HIMSA production EU endpoint, not the issuer of the HIMSA production global endpoint (https://idp.himsa-sso.com) the login started at.",
			"RFC 9207"}},
		{name: "iss of the endpoint named", args: []string{"--region", "global", cb}, code: 0, want: []string{"✓ iss is the issuer of the HIMSA production global endpoint"}},
		{name: "no state", args: []string{"http://127.0.0.1:8765/callback?code=us.abc"}, code: 0, want: []string{"! The callback has no state.", "• The callback carries no iss"}},
	})
}

func TestExplainOtherKinds(t *testing.T) {
	e := explainEnv(t, "regions:\n  - name: eu\n    api: https://api-eu.example.com/v1\n")
	runExplainCases(t, e, []explainCase{
		{name: "error page", args: []string{"https://idp-eu.himsa-sso.com/home/error?errorId=CfDJ8SECRETISH"}, code: 1, want: []string{
			"The error page of the HIMSA production EU endpoint (https://idp-eu.himsa-sso.com).",
			"✗ This is the IdP's error page", "only that HIMSA IdP can read it", "the Request Id the page shows",
			"the authorize URL before it (or a HAR", "`ssodesk check --client-id CLIENT_ID --redirect-uri REDIRECT_URI`"}},
		{name: "end-session", args: []string{"https://idp-us.himsa-sso.com/connect/endsession?id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJJRC1UT0tFTi1TRUNSRVQifQ.&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fout&state=abcdef"},
			code: 0, never: []string{"eyJzdWIiOiJJRC1UT0tFTi1TRUNSRVQifQ"}, want: []string{
				"An end-session (logout) request to the HIMSA production US endpoint (https://idp-us.himsa-sso.com)",
				"id_token_hint            jwt, ", "• After the logout the IdP sends the browser to http://127.0.0.1:8765/out, but only when it is registered"}},
		{name: "token endpoint", args: []string{"https://idp-au.himsa-sso.com/connect/token"}, code: 0, want: []string{
			"The token endpoint of the HIMSA production AU endpoint (https://idp-au.himsa-sso.com)", "It takes codes whose prefix names AU",
			"endpoint     production / au  https://idp-au.himsa-sso.com"}},
		{name: "QA userinfo", args: []string{"https://idp-qa-eu.himsa-sso.com/connect/userinfo"}, code: 0, want: []string{
			"The userinfo endpoint of the HIMSA QA EU endpoint (https://idp-qa-eu.himsa-sso.com)", "kind         userinfo"}},
		{name: "API", args: []string{"https://api-eu.example.com/v1/users?page=2"}, code: 0, want: []string{
			"A call to the API of the HIMSA production EU endpoint (its api: base https://api-eu.example.com/v1 in the config).", "kind         api"}},
		{name: "unknown host", args: []string{"https://api.eu.noah-es.com/v1/users"}, code: 0, want: []string{
			"A URL at api.eu.noah-es.com, which is no configured HIMSA endpoint or API base: ssodesk does not guess what it is.",
			"• The host api.eu.noah-es.com is no configured HIMSA endpoint", "endpoint     none configured (unknown host)"}},
	})
}

func TestExplainHostileInput(t *testing.T) {
	e := explainEnv(t, "")
	huge := "https://idp.himsa-sso.com/connect/authorize?client_id=" + strings.Repeat("a", 1<<20)
	runExplainCases(t, e, []explainCase{
		{name: "escapes in a parameter", args: []string{"https://app.acme.example/cb?error=access_denied&error_description=%1B%5B31mRED%1B%5D0%3Bpwned%07%C3%28&state=abcdef"},
			code: 1, never: []string{"\x07", "\x9b"}, want: []string{"\uFFFD[31mRED\uFFFD]0;pwned\uFFFD\uFFFD("}},
		{name: "raw escape in the paste", stdin: "https://app.acme.example/cb?error=access_denied\x1b[2J&state=abcdef\n", code: 1, want: []string{"error=access_denied."}},
		{name: "1 MB on stdin", stdin: huge, code: 2, want: []string{"ssodesk: the input is over the 1048576 bytes (1 MB) a URL may have here, so it was not read"}},
		{name: "credentials", args: []string{"https://alice:PASSWORD-SECRET-1@idp.himsa-sso.com/connect/token?x=PASSWORD-SECRET-1"}, code: 0,
			never: []string{"PASSWORD-SECRET"}, want: []string{
				"! The URL carries credentials before the host (the user name alice and a password); ssodesk sends this URL nowhere and shows no password.",
				"https://alice:[redacted 17 bytes]@idp.himsa-sso.com/connect/token"}},
		{name: "not a URL", args: []string{"hello there"}, code: 2, want: []string{"ssodesk: not a URL: there is no scheme://host in it"}},
		{name: "a path", args: []string{"/connect/authorize?client_id=x"}, code: 2, want: []string{"ssodesk: not an absolute URL"}},
		{name: "empty stdin", stdin: "  \n", code: 2, want: []string{"ssodesk: nothing to explain"}},
		{name: "GET line", args: []string{"GET https://idp-eu.himsa-sso.com/connect/token HTTP/1.1"}, code: 0, want: []string{
			"The token endpoint of the HIMSA production EU endpoint", "• The URL was taken out of the text around it"}},
		{name: "GET line unquoted", args: []string{"GET", "https://idp-eu.himsa-sso.com/connect/token", "HTTP/1.1"}, code: 0, want: []string{"kind         token"}},
		{name: "GET line on stdin", args: []string{"-"}, stdin: "  'GET https://idp-eu.himsa-sso.com/connect/token HTTP/1.1'\r\n", code: 0, want: []string{"kind         token"}},
	})
}

func TestExplainJSON(t *testing.T) {
	e := explainEnv(t, "")
	out, errOut, code := e.ssodesk("", "explain", "--json", "https://app.acme.example/cb?code=eu.CODE-SECRET-ABCDEF123456&state=STATE-SECRET-5555&error_description=%1b%5b31m")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	var doc struct {
		Schema string `json:"schema"`
		Kind   string `json:"kind"`
		URL    string `json:"url"`
		Params []struct {
			Name, Hidden, Prefix, SHA256, Text string
			Chars                              int
		} `json:"params"`
		Findings []struct{ Status, Kind, Text string } `json:"findings"`
		Failed   bool                                  `json:"failed"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Schema != "ssodesk-explain/1" || doc.Kind != "callback" || doc.Failed || len(doc.Params) != 3 {
		t.Fatalf("document: %s", out)
	}
	if p := doc.Params[0]; p.Name != "code" || p.Hidden != "fingerprint" || p.Prefix != "eu" || len(p.SHA256) != 8 {
		t.Errorf("code: %+v", p)
	}
	if p := doc.Params[1]; p.Hidden != "length" || p.Chars != 17 {
		t.Errorf("state: %+v", p)
	}
	found := false
	for _, f := range doc.Findings {
		found = found || f.Kind == "code_region" && f.Status == "note" && strings.Contains(f.Text, "EU")
	}
	if !found {
		t.Errorf("no code_region finding: %s", out)
	}
	for _, s := range []string{"CODE-SECRET", "STATE-SECRET", "\x1b"} {
		if strings.Contains(out, s) {
			t.Errorf("the JSON holds %q", s)
		}
	}
}

// --online reads the endpoint's discovery (an httptest server on
// 127.0.0.1, configured as an endpoint): a scope it does not list is ✗,
// and an endpoint that cannot be read is said, the scopes not checked.
func TestExplainOnline(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		asked.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer": %q, "scopes_supported": ["openid", "profile", "noah.cloud.app.users.api", "offline_access"]}`, "http://"+r.Host)
	}))
	t.Cleanup(srv.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	e := explainEnv(t, fmt.Sprintf("regions:\n  - name: lab\n    issuer: %s\n  - name: gone\n    issuer: %s\n", srv.URL, closed))
	authorize := func(base, scope string) string {
		return base + "/connect/authorize?client_id=acme&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcb&response_type=code&scope=" + scope +
			"&state=abcdef&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
	}
	runExplainCases(t, e, []explainCase{
		{name: "a scope discovery lacks", args: []string{"--online", authorize(srv.URL, "openid%20noah.cloud.app.user.api")}, code: 1, want: []string{
			"endpoint     production / lab  " + srv.URL,
			"✗ The scope noah.cloud.app.user.api is not among the scopes the endpoint's discovery lists (scopes_supported).",
			"HIMSA's API scope is noah.cloud.app.users.api"}},
		{name: "every scope listed", args: []string{"--online", authorize(srv.URL, "openid%20profile")}, code: 0, never: []string{"✗"}, want: []string{
			"✓ Every scope is in the endpoint's discovery (scopes_supported)"}},
		{name: "not an authorize request", args: []string{"--online", srv.URL + "/connect/token"}, code: 0, want: []string{
			"ssodesk: --online read nothing: it checks an authorize request's scopes"}},
		{name: "offline", args: []string{authorize(srv.URL, "openid%20nope")}, code: 0, want: []string{"• The scopes were not checked"}},
		{name: "unreachable", args: []string{"--online", authorize(closed, "openid")}, code: 0, never: []string{"✓"}, want: []string{
			"ssodesk: warning: could not read the discovery document of " + closed,
			"• The scopes were not checked: the endpoint's discovery could not be read ("}},
	})
	if n := asked.Load(); n != 2 {
		t.Errorf("the discovery server was asked %d times, want 2 (only with --online)", n)
	}
}
