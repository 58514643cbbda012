package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The fixture: a HIMSA-style login as a browser records it (authorize,
// login page and form POST with a password and an anti-forgery token,
// callback with code, state, session_state and iss, a browser-side token
// exchange with code_verifier, userinfo and an API call with Bearer, a
// silent login's fragment with access_token, a refresh with a client
// secret), and the secret values in it.
const sanFixture = "testdata/sanitize-login.har"

func sanLoad(t *testing.T) ([]byte, map[string]string) {
	t.Helper()
	in, err := os.ReadFile(sanFixture)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/sanitize-login.secrets.json")
	if err != nil {
		t.Fatal(err)
	}
	var secrets map[string]string
	if err := json.Unmarshal(raw, &secrets); err != nil {
		t.Fatal(err)
	}
	return in, secrets
}

func sanRun(t *testing.T, in []byte, o SanitizeOptions) ([]byte, SanitizeStats) {
	t.Helper()
	var out bytes.Buffer
	st, err := Sanitize(bytes.NewReader(in), &out, o)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), st
}

// sanForms are the ways a secret may stand in a HAR's bytes: as it is, URL-
// and form-encoded, and JSON-escaped (inside a body, inside a HAR string).
func sanTestForms(v string) []string {
	j, _ := json.Marshal(v)
	jj, _ := json.Marshal(string(j[1 : len(j)-1]))
	return []string{v, url.QueryEscape(v), url.PathEscape(v), string(j[1 : len(j)-1]), string(jj[1 : len(jj)-1])}
}

func sanFound(data []byte, v string) bool {
	for _, f := range sanTestForms(v) {
		if bytes.Contains(data, []byte(f)) {
			return true
		}
	}
	return false
}

// No secret of the fixture survives anywhere in the output; the positive
// control proves the same search finds each of them in the input.
func TestSanitizeNoSecretSurvives(t *testing.T) {
	in, secrets := sanLoad(t)
	out, st := sanRun(t, in, SanitizeOptions{})
	for name, v := range secrets {
		if !sanFound(in, v) {
			t.Fatalf("positive control: %s is not found in the input: the search is broken", name)
		}
		if sanFound(out, v) {
			t.Errorf("%s survived sanitising", name)
		}
		// A JWT's signature is a secret's part on its own.
		if parts := strings.Split(v, "."); len(parts) == 3 && len(parts[2]) > 20 && bytes.Contains(out, []byte(parts[2])) {
			t.Errorf("the signature of %s survived", name)
		}
	}
	if st.Entries != 10 {
		t.Errorf("entries = %d, want 10", st.Entries)
	}
	for _, label := range []string{"code", "state", "nonce", "session_state", "code_verifier", "access_token", "id_token",
		"refresh_token", "cookie", "password", "antiforgery", "client_secret"} {
		if st.Replaced[label] == 0 {
			t.Errorf("no %s counted as replaced: %v", label, st.Replaced)
		}
	}
}

type sanHAR struct {
	Log struct {
		Version string `json:"version"`
		Pages   []struct {
			Title string `json:"title"`
		} `json:"pages"`
		Entries []struct {
			Request struct {
				Method      string   `json:"method"`
				URL         string   `json:"url"`
				Headers     []sanNVT `json:"headers"`
				Cookies     []sanNVT `json:"cookies"`
				QueryString []sanNVT `json:"queryString"`
				PostData    *struct {
					Text   string   `json:"text"`
					Params []sanNVT `json:"params"`
				} `json:"postData"`
			} `json:"request"`
			Response struct {
				Status  int      `json:"status"`
				Headers []sanNVT `json:"headers"`
				Cookies []sanNVT `json:"cookies"`
				Content struct {
					Text string `json:"text"`
				} `json:"content"`
				RedirectURL string `json:"redirectURL"`
			} `json:"response"`
			ResourceType string `json:"_resourceType"`
		} `json:"entries"`
	} `json:"log"`
}

type sanNVT struct{ Name, Value string }

func sanParseHAR(t *testing.T, b []byte) sanHAR {
	t.Helper()
	var h sanHAR
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	return h
}

func sanGet(list []sanNVT, name string) string {
	for _, nv := range list {
		if strings.EqualFold(nv.Name, name) {
			return nv.Value
		}
	}
	return ""
}

func sanQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%q no longer parses: %v", raw, err)
	}
	return u.Query()
}

// The output is valid HAR: the same entries in the same order, the same
// methods, statuses, hosts and paths, the extra fields kept.
func TestSanitizeKeepsStructure(t *testing.T) {
	in, _ := sanLoad(t)
	out, _ := sanRun(t, in, SanitizeOptions{})
	a, b := sanParseHAR(t, in), sanParseHAR(t, out)
	if b.Log.Version != "1.2" || len(b.Log.Entries) != len(a.Log.Entries) {
		t.Fatalf("version %q, %d entries; want 1.2, %d", b.Log.Version, len(b.Log.Entries), len(a.Log.Entries))
	}
	for i := range a.Log.Entries {
		x, y := a.Log.Entries[i], b.Log.Entries[i]
		ux, _ := url.Parse(x.Request.URL)
		uy, err := url.Parse(y.Request.URL)
		if err != nil || ux.Host != uy.Host || ux.Path != uy.Path || x.Request.Method != y.Request.Method ||
			x.Response.Status != y.Response.Status || y.ResourceType != x.ResourceType {
			t.Errorf("entry %d: %s %s %d became %s %s %d (%v)", i, x.Request.Method, x.Request.URL, x.Response.Status,
				y.Request.Method, y.Request.URL, y.Response.Status, err)
		}
		if len(x.Request.Headers) != len(y.Request.Headers) || len(x.Request.Cookies) != len(y.Request.Cookies) {
			t.Errorf("entry %d: headers or cookies lost", i)
		}
		for j, c := range x.Request.Cookies {
			if y.Request.Cookies[j].Name != c.Name {
				t.Errorf("entry %d: cookie %q renamed %q", i, c.Name, y.Request.Cookies[j].Name)
			}
		}
	}
	// What a diagnosis reads stays: the callback's iss, scopes, the client, the challenge.
	cb := sanQuery(t, b.Log.Entries[4].Request.URL)
	if cb.Get("iss") != "https://eu.sso.himsa.com" || cb.Get("scope") == "" {
		t.Errorf("the callback lost iss or scope: %v", cb)
	}
	az := sanQuery(t, b.Log.Entries[0].Request.URL)
	if az.Get("client_id") != "ssodesk-spa" || az.Get("code_challenge") == "" || az.Get("redirect_uri") != "https://app.example.com/signin-callback" {
		t.Errorf("the authorize request lost its parameters: %v", az)
	}
	if !strings.Contains(b.Log.Entries[9].Response.Content.Text, "invalid_grant") {
		t.Error("the refresh's error was lost")
	}
}

// The same value gets the same placeholder wherever it appears: a URL, a
// header, a JSON body, a form, a cookie, a page title.
func TestSanitizeCorrelates(t *testing.T) {
	in, _ := sanLoad(t)
	out, _ := sanRun(t, in, SanitizeOptions{})
	h := sanParseHAR(t, out)
	e := h.Log.Entries
	authz := sanQuery(t, e[0].Request.URL)
	cb := sanQuery(t, e[4].Request.URL)
	tokForm, _ := url.ParseQuery(e[5].Request.PostData.Text)
	var tok map[string]any
	if err := json.Unmarshal([]byte(e[5].Response.Content.Text), &tok); err != nil {
		t.Fatalf("the token response is no longer JSON: %v", err)
	}
	same := []struct {
		what string
		vals []string
	}{
		{"state", []string{authz.Get("state"), cb.Get("state"), sanGet(e[4].Request.QueryString, "state"), sanQuery(t, e[3].Request.URL).Get("state")}},
		{"code", []string{cb.Get("code"), tokForm.Get("code"), sanQuery(t, h.Log.Pages[0].Title).Get("code"), sanQuery(t, e[3].Response.RedirectURL).Get("code")}},
		{"access token", []string{tok["access_token"].(string), strings.TrimPrefix(sanGet(e[6].Request.Headers, "authorization"), "Bearer "),
			strings.TrimPrefix(sanGet(e[7].Request.Headers, "authorization"), "Bearer ")}},
		{"cookie", []string{sanGet(e[2].Response.Cookies, "idsrv.session"), sanGet(e[3].Request.Cookies, "idsrv.session")}},
		{"anti-forgery token", []string{sanGet(e[2].Request.PostData.Params, "__RequestVerificationToken"),
			regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(e[1].Response.Content.Text)[1]}},
	}
	for _, s := range same {
		for _, v := range s.vals {
			if v != s.vals[0] || !sanIsPlaceholder(v) {
				t.Errorf("%s: %q, want one placeholder everywhere", s.what, s.vals)
				break
			}
		}
	}
	if rt := tok["refresh_token"].(string); !strings.Contains(e[7].Response.Content.Text, rt) {
		t.Errorf("the refresh token echoed in an API body is not its placeholder %s: %s", rt, e[7].Response.Content.Text)
	}
	if authz.Get("state") == "" || authz.Get("state") == sanQuery(t, "?"+strings.SplitN(e[8].Request.URL, "#", 2)[1]).Get("state") {
		t.Error("two different states got the same placeholder")
	}
}

// A code keeps its region prefix; a JWT its kind, length, hash, header and
// non-personal claims (the nonce as its placeholder); an opaque token its
// kind and length.
func TestSanitizeKeepsWhatADiagnosisNeeds(t *testing.T) {
	in, secrets := sanLoad(t)
	out, _ := sanRun(t, in, SanitizeOptions{})
	e := sanParseHAR(t, out).Log.Entries
	code := sanQuery(t, e[4].Request.URL).Get("code")
	if p, ok := ParsePlaceholder(code); !ok || p.Region != "eu" || p.Label != "code" || !strings.HasPrefix(code, "eu.[code-1]") {
		t.Errorf("code placeholder %q (%+v)", code, p)
	}
	var tok map[string]string
	json.Unmarshal([]byte(strings.Replace(e[5].Response.Content.Text, `"expires_in": 3600,`, "", 1)), &tok)
	p, ok := ParsePlaceholder(tok["id_token"])
	if !ok || p.Label != "id_token" || p.Kind != "jwt" || p.Len != len(secrets["id_token"]) || len(p.SHA256) != 8 {
		t.Fatalf("id token placeholder %q: %+v", tok["id_token"], p)
	}
	if p.Header["alg"] != "RS256" || p.Header["kid"] != "eu-key-2024" || p.Claims["iss"] != "https://eu.sso.himsa.com" ||
		p.Claims["exp"] != 1765000000.0 || p.Claims["region"] != "eu" || p.Claims["aud"] != "ssodesk-spa" {
		t.Errorf("id token header %v claims %v", p.Header, p.Claims)
	}
	if nonce := sanQuery(t, e[0].Request.URL).Get("nonce"); p.Claims["nonce"] != nonce {
		t.Errorf("the ID token's nonce %v is not the authorize request's %v", p.Claims["nonce"], nonce)
	}
	for _, personal := range []string{"sub", "name", "email", "tenantname"} {
		if _, ok := p.Claims[personal]; ok {
			t.Errorf("the placeholder keeps the personal claim %s", personal)
		}
	}
	frag := strings.SplitN(e[8].Request.URL, "#", 2)[1]
	at2, _ := url.ParseQuery(frag)
	if q, ok := ParsePlaceholder(at2.Get("access_token")); !ok || q.Kind != "opaque" || q.Len != len(secrets["access_token_fragment"]) {
		t.Errorf("fragment access token %q: %+v", at2.Get("access_token"), q)
	}
	if at2.Get("token_type") != "Bearer" || at2.Get("expires_in") != "3600" {
		t.Errorf("the fragment lost token_type or expires_in: %s", frag)
	}
	for _, l := range []string{sanGet(e[2].Request.Headers, "cookie"), tok["access_token"], code} {
		if strings.ContainsAny(l, " \"{},;\n") && !strings.Contains(l, "; ") {
			t.Errorf("a placeholder with characters that break a header or URL: %q", l)
		}
	}
}

// --redact-pii masks people and tenants consistently, inside JWT
// placeholders too (tenantid).
func TestSanitizeRedactPII(t *testing.T) {
	in, secrets := sanLoad(t)
	out, st := sanRun(t, in, SanitizeOptions{RedactPII: true})
	for _, v := range []string{"Mette", "mette.sorensen", "nordlyd-hoerecenter", "Nordlyd", "7d3c2b1a-5e4f-4a3b-9c8d-0e1f2a3b4c5d",
		"9a8b7c6d-1111-2222-3333-444455556666", "noah-4711"} {
		if !sanFound(in, v) {
			t.Fatalf("positive control: %q not in the input", v)
		}
		if sanFound(out, v) {
			t.Errorf("%q survived --redact-pii", v)
		}
	}
	for name, v := range secrets {
		if sanFound(out, v) {
			t.Errorf("%s survived with --redact-pii", name)
		}
	}
	e := sanParseHAR(t, out).Log.Entries
	var ui map[string]string
	json.Unmarshal([]byte(e[6].Response.Content.Text), &ui)
	if ui["sub"] != "user-1" || ui["email"] != "email-1@example.invalid" || ui["tenantname"] != "tenant-1" || ui["name"] != "name-1" {
		t.Errorf("userinfo masked as %v", ui)
	}
	if u := sanGet(e[2].Request.PostData.Params, "Input.Username"); u != "email-1@example.invalid" {
		t.Errorf("the login form's user name is %q, want the same stand-in as userinfo's e-mail", u)
	}
	if !strings.Contains(e[7].Response.Content.Text, "name-1") {
		t.Errorf("the API body's name is not masked as name-1: %s", e[7].Response.Content.Text)
	}
	var tok map[string]any
	json.Unmarshal([]byte(e[5].Response.Content.Text), &tok)
	p, _ := ParsePlaceholder(tok["id_token"].(string))
	if p.Claims["tenantid"] != ui["tenantid"] || !strings.HasPrefix(ui["tenantid"], "tenantid-") {
		t.Errorf("tenantid: placeholder %v, userinfo %v", p.Claims["tenantid"], ui["tenantid"])
	}
	if st.Replaced["user"] == 0 || st.Replaced["email"] == 0 {
		t.Errorf("PII not counted: %v", st.Replaced)
	}
	plain, _ := sanRun(t, in, SanitizeOptions{})
	if !bytes.Contains(plain, []byte("Mette")) {
		t.Error("without --redact-pii, personal data should stay")
	}
}

// Sanitising a sanitised HAR changes nothing; so does reading it from a
// reader that cannot seek (it is copied to a temporary file).
func TestSanitizeIdempotentAndUnseekable(t *testing.T) {
	in, _ := sanLoad(t)
	out, _ := sanRun(t, in, SanitizeOptions{RedactPII: true})
	again, st := sanRun(t, out, SanitizeOptions{RedactPII: true})
	if !bytes.Equal(out, again) {
		t.Errorf("sanitising twice differs")
	}
	if st.Entries != 10 {
		t.Errorf("entries %d", st.Entries)
	}
	var piped bytes.Buffer
	if _, err := Sanitize(struct{ *bytes.Reader }{bytes.NewReader(in)}, &piped, SanitizeOptions{RedactPII: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(piped.Bytes(), out) {
		t.Error("an unseekable reader gives another output")
	}
}

// Bad input is a clear error, never a panic, and nothing is written.
func TestSanitizeBadInput(t *testing.T) {
	in, _ := sanLoad(t)
	cases := map[string]struct{ in, want string }{
		"empty":       {"", "empty"},
		"not JSON":    {"<html>hello</html>", "invalid JSON"},
		"truncated":   {string(in[:len(in)/2]), "truncated"},
		"array":       {"[1,2]", "not a JSON object"},
		"no log":      {`{"foo": 1}`, `no "log"`},
		"no entries":  {`{"log": {"version": "1.2"}}`, `no "entries"`},
		"entry":       {`{"log": {"entries": [1]}}`, "not an object"},
		"trailing":    {`{"log": {"entries": []}} {}`, "more data"},
		"entries obj": {`{"log": {"entries": {}}}`, "not an array"},
	}
	for name, c := range cases {
		var out bytes.Buffer
		_, err := Sanitize(strings.NewReader(c.in), &out, SanitizeOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, c.want)
		}
		if out.Len() > 0 {
			t.Errorf("%s: %d bytes written for a bad input", name, out.Len())
		}
	}
	var out bytes.Buffer
	if _, err := Sanitize(bytes.NewReader(in), &out, SanitizeOptions{MaxFile: 1000}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("over MaxFile: %v", err)
	}
	if _, err := Sanitize(struct{ *bytes.Reader }{bytes.NewReader(in)}, &out, SanitizeOptions{MaxFile: 1000}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("over MaxFile, unseekable: %v", err)
	}
}

// The rules the login fixture does not reach: a form_post page, a base64
// body, Basic credentials, a URL's password, an API key header, a JWT
// under a name no rule knows, a JSON body cut short.
func TestSanitizeMoreRules(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lkcCIsInN1YiI6ImFiYyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"
	b64 := base64.StdEncoding.EncodeToString([]byte(`{"refresh_token":"rt-Base64Body-0123456789"}`))
	basic := base64.StdEncoding.EncodeToString([]byte("client:Basic-S3cret-99"))
	entry := func(req, resp string) string { return `{"request":` + req + `,"response":` + resp + `}` }
	har := `{"log":{"entries":[` + strings.Join([]string{
		entry(`{"url":"https://app/cb"}`, `{"content":{"mimeType":"text/html","text":"<form method=post><input type=\"hidden\" name=\"code\" value=\"eu.FormPostCode123456\"/><input type='hidden' name='state' value='FormPostState789'></form>"}}`),
		entry(`{"url":"https://app/x"}`, `{"content":{"mimeType":"application/json","encoding":"base64","text":"`+b64+`"}}`),
		entry(`{"url":"https://user:UrlPassw0rd@host/p","headers":[{"name":"Authorization","value":"Basic `+basic+`"},{"name":"X-Api-Key","value":"ApiKey-0123456789abcdef"}]}`, `{}`),
		entry(`{"url":"https://app/y"}`, `{"content":{"mimeType":"application/json","text":"{\"data\":{\"weird\":\"`+jwt+`\"},\"note\":\"`+"eu.FormPostCode123456"+`\",\"access_token\":\"cut-AccessToken-12345`+`"}}`),
	}, ",") + `]}}`
	out, st := sanRun(t, []byte(har), SanitizeOptions{})
	for _, v := range []string{"FormPostCode123456", "FormPostState789", "rt-Base64Body-0123456789", "UrlPassw0rd", basic, "Basic-S3cret-99",
		"ApiKey-0123456789abcdef", jwt, "cut-AccessToken-12345"} {
		if !sanFound([]byte(har), v) && !strings.Contains(har, v) && v != "rt-Base64Body-0123456789" && v != "Basic-S3cret-99" {
			t.Fatalf("positive control: %s not in the input", v)
		}
		if sanFound(out, v) {
			t.Errorf("%s survived:\n%s", v, out)
		}
	}
	if !bytes.Contains(out, []byte(`value=\"eu.[code-1]\"`)) || !bytes.Contains(out, []byte(`"note\":\"eu.[code-1]\"`)) {
		t.Errorf("the form_post code and its echo are not one placeholder:\n%s", out)
	}
	if !bytes.Contains(out, []byte(".sanitised_jwt-1_len-105_sha256-")) || !bytes.Contains(out, []byte("[api_key-1.opaque")) || st.Replaced["basic"] != 1 {
		t.Errorf("jwt, api key or basic not replaced (%v):\n%s", st.Replaced, out)
	}
	var h struct {
		Log struct {
			Entries []struct {
				Response struct{ Content struct{ Text string } }
			}
		}
	}
	json.Unmarshal(out, &h)
	dec, err := base64.StdEncoding.DecodeString(h.Log.Entries[1].Response.Content.Text)
	if err != nil || !strings.HasPrefix(string(dec), `{"refresh_token":"[refresh_token-1.opaque`) {
		t.Errorf("base64 body: %q %v", dec, err)
	}
}

// Text from outside stays text: control, bidi and invisible characters are
// escaped in the output (it may be shown in a terminal), and stay JSON.
func TestSanitizeEscapesControls(t *testing.T) {
	in := "{\"log\":{\"entries\":[{\"comment\":\"a\\u001b[31m\\u009b\\u202e\\u2028\\u200b b\"}]}}"
	out, _ := sanRun(t, []byte(in), SanitizeOptions{})
	for _, raw := range []string{"\x1b", "\u009b", "\u202e", "\u2028", "\u200b"} {
		if bytes.Contains(out, []byte(raw)) {
			t.Errorf("%q written raw:\n%s", raw, out)
		}
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
}

// A single-page app's hash route and a URL inside a JSON body have their
// secret fields replaced too.
func TestSanitizeRoutesAndURLsInJSON(t *testing.T) {
	in := `{"log":{"entries":[{"request":{"url":"https://app/#/callback?code=RouteCode-0123456789&state=RouteState-98765"},` +
		`"response":{"content":{"mimeType":"application/json","text":"{\"redirect\": \"https://app/cb?code=JsonUrlCode-123456&x=1\"}"}}}]}}`
	out, _ := sanRun(t, []byte(in), SanitizeOptions{})
	for _, v := range []string{"RouteCode-0123456789", "RouteState-98765", "JsonUrlCode-123456"} {
		if bytes.Contains(out, []byte(v)) {
			t.Errorf("%s survived:\n%s", v, out)
		}
	}
	if !bytes.Contains(out, []byte(`#/callback?code=[code-1]&state=[state-1]`)) || !bytes.Contains(out, []byte(`cb?code=[code-2]&x=1`)) {
		t.Errorf("routes or JSON URLs:\n%s", out)
	}
}
