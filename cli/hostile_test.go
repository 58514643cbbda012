package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// payloads are what a hostile IdP, token or API might send to a terminal.
var payloads = map[string]string{
	"CSI":           "\x1b[31mred\x1b[2J",
	"OSC title":     "\x1b]2;TOKENPWN\x07",
	"C1 CSI":        "\u009b31m",
	"NUL":           "a\x00b",
	"bidi override": "user\u202Egnp.exe",
	"bidi isolate":  "\u2066x\u2069",
	"DEL":           "a\x7fb",
}

// raw are the characters none of which may reach a terminal from outside.
const raw = "\x1b\x07\x00\x7f\u009b\u202E\u2066\u2069"

func assertClean(t *testing.T, where, out string) {
	t.Helper()
	if i := strings.IndexAny(out, raw); i >= 0 {
		t.Errorf("%s holds a raw control character at %d: %q", where, i, out[max(0, i-20):min(len(out), i+20)])
	}
	if strings.Contains(out, "\x9b") && !strings.Contains(out, "\u009b") {
		t.Errorf("%s holds a raw 0x9b byte", where)
	}
}

// hostileIdP answers discovery and refuses every token request with the
// payload in error and error_description.
func hostileIdP(t *testing.T, payload string) string {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys",
				"authorization_endpoint": srv.URL + "/authorize", "token_endpoint": srv.URL + "/token"})
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant" + payload, "error_description": payload})
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// hostileAPI refuses every call with the payload in its challenge and body.
func hostileAPI(t *testing.T, payload string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Go's HTTP client refuses a header line with C0 controls; C1 and
		// bidi characters (UTF-8) pass, so they are what a challenge can carry.
		if !strings.ContainsFunc(payload, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description="%s"`, payload))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{"message": payload})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// unsigned is a JWT-shaped token whose claims carry payload.
func unsigned(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{"sub": payload, "name": payload, "tenantid": payload, "exp": 4102444800})
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("sig"))
}

// Every path by which the CLI prints outside text: an IdP's token error, a
// token's claims (human and JSON), an API's challenge and body.
func TestCLIPrintsNoRawControlCharacters(t *testing.T) {
	e := newCLIEnv(t, "offline_access: true\n")
	if _, errOut, code := e.ssodesk("", "login", "--save"); code != 0 {
		t.Fatal(errOut)
	}
	base := e.file
	for name, p := range payloads {
		t.Run(name, func(t *testing.T) {
			idp, api := hostileIdP(t, p), hostileAPI(t, p)
			cfg, _ := os.ReadFile(base)
			hostile := strings.Replace(string(cfg), "regions:\n", "regions:\n  - name: hostile\n    issuer: "+idp+"\n", 1)
			hostile = strings.Replace(hostile, "  - name: global\n", "  - name: global\n    api: "+api+"\n", 1)
			e.file = base + "." + strings.ReplaceAll(name, " ", "-")
			os.WriteFile(e.file, []byte(hostile), 0o600)
			defer func() { e.file = base }()

			e.env = append(e.env, "SSODESK_CLIENT_SECRET=x")
			out, errOut, code := e.ssodesk("", "login", "--client-credentials", "--region", "hostile")
			if code != exitFailed || !strings.Contains(errOut, "refused the client credentials") {
				t.Errorf("token error: exit %d\n%s", code, errOut)
			}
			assertClean(t, "token error", out+errOut)

			for _, args := range [][]string{{"decode", unsigned(p)}, {"decode", unsigned(p), "--json"}} {
				out, errOut, _ := e.ssodesk("", args...)
				assertClean(t, strings.Join(args[:1], " ")+" output", out+errOut)
			}
			out, errOut, code = e.ssodesk("", "call", "GET", "me")
			if code != exitFailed || !strings.Contains(errOut, "401") {
				t.Errorf("call: exit %d\n%s", code, errOut)
			}
			assertClean(t, "call output", out+errOut)
			out, errOut, _ = e.ssodesk("", "call", "GET", "me", "--json")
			assertClean(t, "call --json output", out+errOut)
		})
	}
}
