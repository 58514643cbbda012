package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Secrets of the OAuth-like exchange below; each distinct and easy to find.
const (
	secCode         = "SplxlOBeZQQYbYS6WxSbIA-code-4711"
	secVerifier     = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	secClientSecret = "cl1ent-s3cret-Zq9xWv8uT7"
	secBearer       = "bearer-at-eyJhbGciOiJSUzI1NiJ9.pay.sig-0001"
	secAccess       = "eyJhbGciOiJSUzI1NiJ9.access-token-payload.signature-AAA"
	secRefresh      = "refresh/token+with/slashes==RRR"
	secID           = "eyJraWQiOiJrMSJ9.id-token-payload.signature-III"
	secCookie       = "session-cookie-value-CCC123"
	secQueryToken   = "query-access-token-QQQ987"
	secURLPassword  = "url-pass-word-PPP"
	secAPIKey       = "api-key-KKK-0123456789"
)

var allSecrets = []string{secCode, secVerifier, secClientSecret, secBearer, secAccess, secRefresh, secID, secCookie, secQueryToken, secURLPassword, secAPIKey}

// An OAuth-like token endpoint: every secret must stay out of the record and
// the HAR file while the non-secret fields stay in.
func TestRedactionOAuthExchange(t *testing.T) {
	tokenJSON := `{
  "access_token": "` + secAccess + `",
  "token_type": "Bearer",
  "expires_in": 3600,
  "refresh_token": "` + strings.ReplaceAll(secRefresh, "/", `\/`) + `",
  "id_token": "` + secID + `",
  "scope": "openid profile offline_access",
  "nested": {"deeper": [{"access_token": "` + secAccess + `"}]}
}`
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostForm.Get("code") != secCode || r.PostForm.Get("code_verifier") != secVerifier ||
			r.Header.Get("Authorization") != "Bearer "+secBearer {
			t.Errorf("server got form %v, auth %q", r.PostForm, r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Location", "https://app.example/cb?code="+secCode+"&state=xyz")
		w.Header().Set("X-Echo", "verifier was "+secVerifier)
		http.SetCookie(w, &http.Cookie{Name: "idsrv", Value: secCookie, Path: "/", HttpOnly: true})
		io.WriteString(w, tokenJSON)
	})
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<p>invalid_grant: the code %s does not match the verifier %s (secret %s)</p>",
			r.PostForm.Get("code"), r.PostForm.Get("code_verifier"), r.PostForm.Get("client_secret"))
	})
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "you sent %s", r.URL.RawQuery)
	})
	srv := newLocalServer(t, mux)
	c, tr := newTraced(t, Options{})
	ctx := WithPurpose(context.Background(), "token")
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {secCode},
		"code_verifier": {secVerifier},
		"client_secret": {secClientSecret},
		"client_id":     {"ssodesk"},
		"redirect_uri":  {"http://127.0.0.1:8765/callback"},
	}.Encode()
	hdr := map[string]string{
		"Content-Type":  "application/x-www-form-urlencoded",
		"Authorization": "Bearer " + secBearer,
		"Cookie":        "idsrv=" + secCookie + "; lang=da",
	}
	_, got := do(t, c, ctx, http.MethodPost, srv.URL+"/token", strings.NewReader(form), hdr)
	if string(got) != tokenJSON {
		t.Fatalf("the caller did not get the token response as sent: %s", got)
	}
	do(t, c, ctx, http.MethodPost, srv.URL+"/error", strings.NewReader(form), hdr)
	u := strings.Replace(srv.URL, "http://", "http://support:"+secURLPassword+"@", 1) + "/api?access_token=" + secQueryToken + "&page=2"
	do(t, c, WithPurpose(ctx, "api"), http.MethodGet, u, nil, map[string]string{"X-Api-Key": secAPIKey})

	es := tr.Entries()
	if len(es) != 3 {
		t.Fatalf("%d entries", len(es))
	}
	var har bytes.Buffer
	if err := tr.WriteHAR(&har, "ssodesk", "test"); err != nil {
		t.Fatal(err)
	}
	record := fmt.Sprintf("%#v", es)
	for _, s := range allSecrets {
		for _, form := range []string{s, url.QueryEscape(s), strings.ReplaceAll(s, "/", `\/`)} {
			if strings.Contains(record, form) {
				t.Errorf("secret %q is in the entries", form)
			}
			if strings.Contains(har.String(), form) {
				t.Errorf("secret %q is in the HAR output", form)
			}
		}
	}
	tok, errE, api := es[0], es[1], es[2]
	// What must stay.
	mustContain(t, "token response", tok.ResponseBody, `"token_type": "Bearer"`, `"expires_in": 3600`,
		`"scope": "openid profile offline_access"`,
		fmt.Sprintf(`"access_token": "[redacted %d bytes]"`, len(secAccess)),
		fmt.Sprintf(`"refresh_token": "[redacted %d bytes]"`, len(secRefresh)),
		fmt.Sprintf(`"id_token": "[redacted %d bytes]"`, len(secID)),
		fmt.Sprintf(`"deeper": [{"access_token": "[redacted %d bytes]"}]`, len(secAccess)))
	mustContain(t, "token request", tok.RequestBody, "grant_type=authorization_code", "client_id=ssodesk",
		fmt.Sprintf("code=[redacted %d bytes]", len(secCode)),
		fmt.Sprintf("code_verifier=[redacted %d bytes]", len(secVerifier)),
		fmt.Sprintf("client_secret=[redacted %d bytes]", len(secClientSecret)),
		"redirect_uri="+url.QueryEscape("http://127.0.0.1:8765/callback"))
	if got, want := tok.RequestHeader.Get("Authorization"), fmt.Sprintf("Bearer [redacted %d bytes]", len(secBearer)); got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	if got, want := tok.RequestHeader.Get("Cookie"), fmt.Sprintf("idsrv=[redacted %d bytes]; lang=[redacted 2 bytes]", len(secCookie)); got != want {
		t.Errorf("Cookie = %q, want %q", got, want)
	}
	if got, want := tok.ResponseHeader.Get("Location"), fmt.Sprintf("https://app.example/cb?code=[redacted %d bytes]&state=xyz", len(secCode)); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got, want := tok.ResponseHeader.Get("X-Echo"), fmt.Sprintf("verifier was [redacted %d bytes]", len(secVerifier)); got != want {
		t.Errorf("X-Echo = %q, want %q", got, want)
	}
	mustContain(t, "Set-Cookie", tok.ResponseHeader.Get("Set-Cookie"), "idsrv=[redacted", "Path=/", "HttpOnly")
	mustContain(t, "error body", errE.ResponseBody, "invalid_grant: the code [redacted", "does not match the verifier [redacted")
	if errE.Status != 400 {
		t.Errorf("error status %d", errE.Status)
	}
	mustContain(t, "api URL", api.URL, "http://support:[redacted", "@127.0.0.1:", "/api?access_token=[redacted", "&page=2")
	mustContain(t, "api response", api.ResponseBody, "you sent access_token=[redacted", "&page=2")
	mustContain(t, "api headers", api.RequestHeader.Get("Authorization"), "Basic [redacted")
	if got := api.RequestHeader.Get("X-Api-Key"); got != fmt.Sprintf("[redacted %d bytes]", len(secAPIKey)) {
		t.Errorf("X-Api-Key = %q", got)
	}
	mustContain(t, "HAR", har.String(), `\"token_type\": \"Bearer\"`, "expires_in", "openid profile offline_access", "grant_type=authorization_code")
}

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://idp.example/authorize?client_id=x&code_challenge=abc&state=s", "https://idp.example/authorize?client_id=x&code_challenge=abc&state=s"},
		{"https://app/cb?code=abcdef&state=s", "https://app/cb?code=[redacted 6 bytes]&state=s"},
		{"https://app/cb?state=s&CODE=a%2Fb", "https://app/cb?state=s&CODE=[redacted 3 bytes]"},
		{"/cb?code=xyz#frag", "/cb?code=[redacted 3 bytes]#frag"},
		{"https://app/cb#access_token=tok123&token_type=Bearer", "https://app/cb#access_token=[redacted 6 bytes]&token_type=Bearer"},
		{"https://user:pa%40ss@host:8443/p?q=1", "https://user:[redacted 5 bytes]@host:8443/p?q=1"},
		{"https://tokenonly@host/", "https://[redacted 9 bytes]@host/"},
		{"https://host/p@q?token=", "https://host/p@q?token="},
		{"https://host/?password=hunter2&password=x", "https://host/?password=[redacted 7 bytes]&password=[redacted 1 bytes]"},
		{"https://host/?id_token=aaaaaaaa&hint=aaaaaaaa", "https://host/?id_token=[redacted 8 bytes]&hint=[redacted 8 bytes]"},
		{"not a url at all", "not a url at all"},
		{"", ""},
	} {
		got := RedactURL(tc.in)
		if got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := RedactURL(got); again != got {
			t.Errorf("RedactURL is not idempotent: %q → %q", got, again)
		}
	}
}

func TestRedactHeader(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer " + strings.Repeat("t", 812)},
		"Proxy-Authorization": {"Basic dXNlcjpwYXNzd29yZA=="},
		"Cookie":              {"a=12345678; b=x"},
		"Set-Cookie":          {"sid=abcdefgh; Path=/; Secure; HttpOnly"},
		"Location":            {"https://app/cb?code=codecode&state=1"},
		"Content-Type":        {"application/json"},
		"X-Trace":             {"mentions codecode and 12345678"},
	}
	got := RedactHeader(h)
	want := http.Header{
		"Authorization":       {"Bearer [redacted 812 bytes]"},
		"Proxy-Authorization": {"Basic [redacted 20 bytes]"},
		"Cookie":              {"a=[redacted 8 bytes]; b=[redacted 1 bytes]"},
		"Set-Cookie":          {"sid=[redacted 8 bytes]; Path=/; Secure; HttpOnly"},
		"Location":            {"https://app/cb?code=[redacted 8 bytes]&state=1"},
		"Content-Type":        {"application/json"},
		"X-Trace":             {"mentions [redacted 8 bytes] and [redacted 8 bytes]"},
	}
	for k := range want {
		if g, w := got.Get(k), want.Get(k); g != w {
			t.Errorf("%s = %q, want %q", k, g, w)
		}
	}
	if h.Get("Authorization") == got.Get("Authorization") {
		t.Error("RedactHeader changed its argument or did nothing")
	}
	if again := RedactHeader(got); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("not idempotent:\n%v\n%v", got, again)
	}
	if RedactHeader(nil) != nil {
		t.Error("RedactHeader(nil) != nil")
	}
	// The password inside a Basic credential is replaced elsewhere too.
	h2 := http.Header{"Authorization": {"Basic Y2xpZW50OnMzY3IzdC12YWx1ZQ=="}, "X-Echo": {"s3cr3t-value"}}
	if got := RedactHeader(h2).Get("X-Echo"); got != "[redacted 12 bytes]" {
		t.Errorf("Basic password echoed as %q", got)
	}
}

func TestRedactBody(t *testing.T) {
	for _, tc := range []struct{ name, ct, in, want string }{
		{"form", "application/x-www-form-urlencoded",
			"grant_type=refresh_token&refresh_token=r3fr3sh&client_id=c",
			"grant_type=refresh_token&refresh_token=[redacted 7 bytes]&client_id=c"},
		{"form, all fields", "application/x-www-form-urlencoded; charset=utf-8",
			"code=1&code_verifier=2&client_secret=3&client_assertion=4&refresh_token=5&access_token=6&id_token=7&password=8&token=9&subject_token=a&assertion=b&other=c",
			"code=[redacted 1 bytes]&code_verifier=[redacted 1 bytes]&client_secret=[redacted 1 bytes]&client_assertion=[redacted 1 bytes]&refresh_token=[redacted 1 bytes]&access_token=[redacted 1 bytes]&id_token=[redacted 1 bytes]&password=[redacted 1 bytes]&token=[redacted 1 bytes]&subject_token=[redacted 1 bytes]&assertion=[redacted 1 bytes]&other=c"},
		{"json", "application/json",
			`{"access_token":"abc","token_type":"Bearer","expires_in":3600}`,
			`{"access_token":"[redacted 3 bytes]","token_type":"Bearer","expires_in":3600}`},
		{"json, spaces, escapes, nesting", "application/problem+json",
			`{ "Token" : "a\"b\\c\u00e9", "inner": {"password": "hunter22", "list": [{"ID_TOKEN":"x"}]}, "n": {"token": 5} }`,
			`{ "Token" : "[redacted 7 bytes]", "inner": {"password": "[redacted 8 bytes]", "list": [{"ID_TOKEN":"[redacted 1 bytes]"}]}, "n": {"token": 5} }`},
		{"json, value elsewhere too", "application/json",
			`{"error":"bad code 0123456789","code":"0123456789"}`,
			`{"error":"bad code [redacted 10 bytes]","code":"[redacted 10 bytes]"}`},
		{"json cut in a value", "application/json",
			`{"scope":"openid","refresh_token":"abcdefghij`,
			`{"scope":"openid","refresh_token":"[redacted 10 bytes]`},
		{"json without content type", "",
			` {"id_token":"abc"}`, ` {"id_token":"[redacted 3 bytes]"}`},
		{"text is kept", "text/plain", "code=abc is text", "code=abc is text"},
		{"binary", "application/octet-stream", "\xff\xfe\x00\x01", "[4 bytes of binary data, not shown]"},
		{"utf-8 cut in a rune", "text/plain", "caf\xc3", "caf\xc3"},
		{"empty", "application/json", "", ""},
		{"already redacted", "application/json", `{"access_token":"[redacted 3 bytes]"}`, `{"access_token":"[redacted 3 bytes]"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RedactBody(tc.ct, []byte(tc.in))
			if got != tc.want {
				t.Errorf("RedactBody(%q, %q)\n got %q\nwant %q", tc.ct, tc.in, got, tc.want)
			}
			if again := RedactBody(tc.ct, []byte(got)); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

// Values shorter than minSecretLen are redacted in their field but not
// replaced elsewhere (they would wreck unrelated text).
func TestShortSecretsNotSpread(t *testing.T) {
	got := RedactBody("application/json", []byte(`{"code":"42","count":42,"note":"42 items"}`))
	want := `{"code":"[redacted 2 bytes]","count":42,"note":"42 items"}`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A valid JSON body stays valid JSON after redaction.
	if !json.Valid([]byte(got)) {
		t.Errorf("redacted JSON is not valid: %s", got)
	}
}

func TestIsSecretField(t *testing.T) {
	for _, f := range []string{"code", "CODE", "Code_Verifier", "client_secret", "client_assertion", "refresh_token", "access_token", "id_token", "password", "token", "subject_token", "assertion"} {
		if !IsSecretField(f) {
			t.Errorf("%s is not secret", f)
		}
	}
	for _, f := range []string{"token_type", "expires_in", "scope", "state", "code_challenge", "client_id", "nonce", ""} {
		if IsSecretField(f) {
			t.Errorf("%s is secret", f)
		}
	}
	if Redacted(812) != "[redacted 812 bytes]" || !isMarker(Redacted(812)) || isMarker("[redacted x bytes]") {
		t.Error("marker format")
	}
}
