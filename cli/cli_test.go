package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// The test binary doubles as the ssodesk binary: with SSODESK_AS_CLI=1 it
// runs the CLI, so tests exercise real processes, exit codes and $BROWSER.
func TestMain(m *testing.M) {
	if os.Getenv("SSODESK_AS_CLI") == "1" {
		os.Exit(Execute(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// cliEnv is a stand-in, a config pointing at it, and a scripted $BROWSER.
type cliEnv struct {
	t    *testing.T
	sim  *sim.Sim
	dir  string
	file string
	env  []string
}

func newCLIEnv(t *testing.T, extraConfig string) *cliEnv {
	t.Helper()
	return newCLIEnvWith(t, extraConfig, sim.Options{})
}

// newCLIEnvWith is newCLIEnv with a stand-in started with o.
func newCLIEnvWith(t *testing.T, extraConfig string, o sim.Options) *cliEnv {
	t.Helper()
	s := simtest.Start(t, o)
	e := &cliEnv{t: t, sim: s, dir: t.TempDir()}
	var cfg strings.Builder
	// builtin_regions: false keeps HIMSA's real hosts out of the tests.
	fmt.Fprintf(&cfg, "client_id: %s\nbuiltin_regions: false\nregions:\n", s.ClientID())
	if !strings.Contains(extraConfig, "timeouts:") {
		extraConfig += "timeouts:\n  login: 20s\n" // a test that goes wrong fails soon
	}
	for _, r := range s.Regions() {
		fmt.Fprintf(&cfg, "  - name: %s\n    issuer: %s\n", r.Name, r.Issuer)
	}
	cfg.WriteString(extraConfig)
	e.file = filepath.Join(e.dir, "config.yaml")
	if err := os.WriteFile(e.file, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = append(os.Environ(), "SSODESK_AS_CLI=1", "XDG_CONFIG_HOME="+e.dir, "XDG_STATE_HOME="+filepath.Join(e.dir, "state"), "XDG_CACHE_HOME="+filepath.Join(e.dir, "cache"),
		"BROWSER="+os.Args[0]+" sim browse --account mette.sorensen@nordlyd-hoerecenter.dk")
	return e
}

// ssodesk runs the CLI with args (and --config) and returns its outputs.
func (e *cliEnv) ssodesk(stdin string, args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	cmd := exec.Command(os.Args[0], append(args, "--config", e.file)...)
	cmd.Env = e.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var xe *exec.ExitError
	switch {
	case errors.As(err, &xe):
		code = xe.ExitCode()
	case err != nil:
		e.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func (e *cliEnv) setBrowser(args string) {
	for i, kv := range e.env {
		if strings.HasPrefix(kv, "BROWSER=") {
			e.env[i] = "BROWSER=" + os.Args[0] + " sim browse " + args
		}
	}
}

func TestCLILoginJSON(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "login", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var doc struct {
		Region     string `json:"region"`
		CodeRegion string `json:"code_region"`
		TenantID   string `json:"tenantid"`
		API        string `json:"api"`
		Tokens     struct {
			AccessToken string `json:"access_token"`
			IDToken     string `json:"id_token"`
		} `json:"tokens"`
		IDToken struct {
			Kind   string         `json:"kind"`
			Claims map[string]any `json:"claims"`
			Times  map[string]struct {
				RFC3339 string `json:"rfc3339"`
				Unix    int64  `json:"unix"`
			} `json:"times"`
		} `json:"id_token"`
		Verification struct {
			OK bool `json:"ok"`
		} `json:"verification"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	eu, _ := e.sim.Region("eu")
	if doc.Region != "global" || doc.CodeRegion != "eu" || doc.API != eu.API || !doc.Verification.OK || doc.Tokens.AccessToken == "" {
		t.Errorf("document: %+v", doc)
	}
	if doc.IDToken.Kind != "jwt" || doc.IDToken.Claims["tenantid"] != "b2a1e7c4-0001-4d2e-8f10-0e0000000001" || !strings.HasSuffix(doc.IDToken.Times["exp"].RFC3339, "Z") || doc.IDToken.Times["exp"].Unix < time.Now().Unix() {
		t.Errorf("id_token: %+v", doc.IDToken)
	}
	// A saved document stays true: absolute times only, no relative words.
	if rel := regexp.MustCompile(`\(in [0-9]|[0-9]s ago|[0-9]m[0-9]+s ago`); rel.MatchString(out) {
		t.Errorf("login --json holds a relative time: %s", rel.FindString(out))
	}
	for _, want := range []string{"ssodesk: read ", "listening for the redirect", "/authorize?", "ID token verified"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if doc.Tokens.AccessToken == "" || doc.Tokens.IDToken == "" || strings.Contains(errOut, doc.Tokens.AccessToken) {
		t.Error("tokens missing from stdout, or a token reached stderr")
	}
}

func TestCLILoginHumanAndCancel(t *testing.T) {
	e := newCLIEnv(t, "")
	e.setBrowser("--account emily.carter@clearviewhearing.com") // the us endpoint offers only us accounts
	out, _, code := e.ssodesk("", "login", "--region", "us")
	if code != 0 || !strings.Contains(out, "code region    us") || !strings.Contains(out, "ID token       verified") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	e.setBrowser("--cancel")
	_, errOut, code := e.ssodesk("", "login")
	if code != exitFailed || !strings.Contains(errOut, "you cancelled at the IdP") {
		t.Fatalf("cancel: exit %d\n%s", code, errOut)
	}
}

func TestCLILoginNoBrowserPaste(t *testing.T) {
	e := newCLIEnv(t, "timeouts:\n  login: 2s\n")
	// With --no-browser nothing opens: the user pastes the redirect URL; here
	// a wrong one, then nothing more: the login times out.
	_, errOut, code := e.ssodesk("https://example.com/not-the-redirect?x=1\n", "login", "--no-browser", "--json")
	if code != exitFailed || !strings.Contains(errOut, "pasted URL refused") || !strings.Contains(errOut, "no login response from the browser within 2s") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

func TestCLIClientCredentials(t *testing.T) {
	e := newCLIEnv(t, "offline_access: true\n")
	id, secret := e.sim.ServiceClient()
	e.env = append(e.env, "SSODESK_CLIENT_ID="+id, "SSODESK_CLIENT_SECRET="+secret)
	out, errOut, code := e.ssodesk("", "login", "--client-credentials", "--region", "eu", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "offline_access dropped: HIMSA never issues refresh tokens to service apps") {
		t.Errorf("stderr:\n%s", errOut)
	}
	var doc struct {
		Tokens struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		} `json:"tokens"`
		Access struct {
			Kind         string
			Verification struct{ OK bool }
		} `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Tokens.AccessToken == "" || doc.Tokens.RefreshToken != "" || doc.Access.Kind != "jwt" || !doc.Access.Verification.OK {
		t.Errorf("doc %+v err %v\n%s", doc, err, out)
	}
	e.env = append(e.env, "SSODESK_CLIENT_SECRET=")
	if _, errOut, code := e.ssodesk("", "login", "--client-credentials"); code != exitFailed || !strings.Contains(errOut, "needs a client secret") {
		t.Errorf("no secret: exit %d %s", code, errOut)
	}
}

func TestCLIDecode(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "login", "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var doc struct {
		Tokens struct {
			IDToken string `json:"id_token"`
		} `json:"tokens"`
	}
	json.Unmarshal([]byte(out), &doc)
	id := doc.Tokens.IDToken

	out, _, code = e.ssodesk("", "decode", id)
	if code != 0 || !strings.Contains(out, "tenantid") || !strings.Contains(out, "(HIMSA: the tenant the user selected)") || !strings.Contains(out, "(in ") {
		t.Errorf("decode: exit %d\n%s", code, out)
	}
	out, _, code = e.ssodesk("Bearer "+id+"\n", "decode", "-", "--verify", "--region", "global")
	if code != 0 || !strings.Contains(out, "✓ signature") {
		t.Errorf("decode --verify from stdin: exit %d\n%s", code, out)
	}
	// The allow-list is the environment's issuers, as in the TUI; --region
	// says where the token is expected from: a global token checked as eu's
	// is a warning (exit 0), naming both.
	if out, errOut, code := e.ssodesk("", "decode", id, "--verify", "--region", "eu"); code != 0 || !strings.Contains(out, "! issuer") || !strings.Contains(out, "not eu's") {
		t.Errorf("decode --verify with another --region: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = e.ssodesk("", "decode", id, "--json")
	var v struct {
		Kind   string         `json:"kind"`
		Claims map[string]any `json:"claims"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v.Kind != "jwt" || v.Claims["region"] != "eu" {
		t.Errorf("decode --json: exit %d\n%s", code, out)
	}
	for token, want := range map[string]string{
		"eyJhbGciOiJSUzI1NiJ9.%%%.ZGVm": "does not decode",
		"only.two":                      "not a JWT",
		"eyJhbGciOiJub25lIn0.":          "not a JWT",
		"e30.bm90anNvbg.c2ln":           "payload: not a JSON object",
	} {
		_, errOut, code := e.ssodesk("", "decode", token)
		if code != exitFailed || !strings.Contains(errOut, want) || strings.Contains(errOut, "goroutine") {
			t.Errorf("decode %q: exit %d, want %q:\n%s", token, code, want, errOut)
		}
	}
	if _, errOut, code := e.ssodesk("   \n", "decode", "-"); code != exitUsage || !strings.Contains(errOut, "empty") {
		t.Errorf("empty stdin: exit %d %s", code, errOut)
	}
}

func TestCLIStoreTokenLogout(t *testing.T) {
	e := newCLIEnv(t, "offline_access: true\n")
	stateDir := filepath.Join(e.dir, "state")

	// Storage is off by default: a login leaves nothing behind.
	if _, errOut, code := e.ssodesk("", "login"); code != 0 {
		t.Fatal(errOut)
	}
	if entries, _ := os.ReadDir(stateDir); len(entries) != 0 {
		t.Fatalf("storage off, but %s holds %v", stateDir, entries)
	}
	if _, errOut, code := e.ssodesk("", "token"); code != exitFailed || !strings.Contains(errOut, "no stored session for region global") {
		t.Fatalf("token without a session: exit %d %s", code, errOut)
	}

	_, errOut, code := e.ssodesk("", "login", "--save")
	if code != 0 || !strings.Contains(errOut, "session kept in file "+filepath.Join(stateDir, "ssodesk", "sessions")) {
		t.Fatalf("login --save: exit %d %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(stateDir, "ssodesk", "sessions", "global.*.json"))
	if len(files) != 1 {
		t.Fatalf("session files: %v", files)
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o600 {
		t.Errorf("session file mode %v", st.Mode().Perm())
	}
	first, _, code := e.ssodesk("", "token")
	if code != 0 || strings.Count(first, ".") != 2 {
		t.Fatalf("token: exit %d %q", code, first)
	}
	// Make the stored token expire within the minute: token refreshes first.
	expireKept(t, e, "global")
	second, errOut, code := e.ssodesk("", "token")
	if code != 0 || second == first || !strings.Contains(errOut, "refreshed the stored session") {
		t.Fatalf("token after expiry: exit %d same=%v %s", code, second == first, errOut)
	}
	// call uses the stored session.
	out, errOut, code := e.ssodesk("", "call", "GET", "me")
	if code != 0 || !strings.Contains(out, "b2a1e7c4-0001-4d2e-8f10-0e0000000001") || !strings.Contains(errOut, "200 OK") {
		t.Fatalf("call: exit %d\n%s\n%s", code, out, errOut)
	}
	// logout ends it at the IdP (the stand-in's scripted browser follows the
	// end-session URL back) and here.
	out, errOut, code = e.ssodesk("", "logout", "--region", "global", "--verify")
	if code != 0 || !strings.Contains(out, "✓ revoke the refresh token") || !strings.Contains(out, "✓ delete the kept session") ||
		!strings.Contains(out, "✓ verify the revocation") || !strings.Contains(out, "end the IdP session") {
		t.Fatalf("logout: exit %d %s %s", code, out, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(stateDir, "ssodesk", "sessions", "*.json")); len(files) != 0 {
		t.Errorf("files left after logout: %v", files)
	}
	out, _, _ = e.ssodesk("", "logout")
	if !strings.Contains(out, "nothing to log out") {
		t.Errorf("logout of nothing: %s", out)
	}
}

func TestCLICall(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "call", "GET", "locations", "--json", "--login")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var doc struct {
		Base     string                                `json:"base"`
		Request  struct{ Headers map[string][]string } `json:"request"`
		Response struct {
			Status int `json:"status"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Response.Status != 200 {
		t.Fatalf("%v\n%s", err, out)
	}
	if a := doc.Request.Headers["Authorization"]; len(a) != 1 || !strings.Contains(a[0], "[redacted") {
		t.Errorf("the JSON exchange shows the Authorization header: %v", a)
	}
	if !strings.Contains(errOut, "logging in (--login)") {
		t.Errorf("no stored session, so a fresh login was expected:\n%s", errOut)
	}
	// A path that is not there: 404, exit 1; bad usage: exit 2.
	if _, _, code := e.ssodesk("", "call", "GET", "nope", "--login"); code != exitFailed {
		t.Errorf("404: exit %d", code)
	}
	if _, _, code := e.ssodesk("", "call", "GET"); code != exitUsage {
		t.Errorf("missing path: exit %d", code)
	}
	if _, _, code := e.ssodesk("", "call", "GET", "me", "-H", "no colon"); code != exitUsage {
		t.Errorf("bad header: exit %d", code)
	}
}

func TestCLICallDiagnosesRefusal(t *testing.T) {
	// The eu region's API is configured for the global endpoint: an EU
	// account's token at... the us API (wrong region) is refused with 401.
	e := newCLIEnv(t, "")
	us, _ := e.sim.Region("us")
	cfg, _ := os.ReadFile(e.file)
	os.WriteFile(e.file, []byte(strings.Replace(string(cfg), "  - name: global\n", "  - name: global\n    api: "+us.API+"\n", 1)), 0o600)
	_, errOut, code := e.ssodesk("", "call", "GET", "me", "--login")
	if code != exitFailed || !strings.Contains(errOut, "401 Unauthorized") || !strings.Contains(errOut, "another region") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
}

func TestCLIRegionsHealth(t *testing.T) {
	slow := newSlowIdP(t, 1500*time.Millisecond)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()
	e := newCLIEnv(t, fmt.Sprintf("  - name: slow\n    issuer: %s\n  - name: down\n    issuer: %s\n", slow, down))
	out, _, code := e.ssodesk("", "regions")
	if code != exitFailed {
		t.Errorf("a region is down: exit %d", code)
	}
	for _, want := range []string{"REGION", "global", "ok", "slow  ", "down  ", "connection refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("regions lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = e.ssodesk("", "regions", "--json")
	var rs []struct {
		Region, Status string
	}
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 7 || rs[5].Status != "slow" || rs[6].Status != "down" {
		t.Fatalf("%v %s", err, out)
	}
}

// newSlowIdP serves a discovery document after delay (regions measures
// the latency of a real request against its 1 s threshold, so this IdP
// really is slow), or gives up when the client does.
func newSlowIdP(t *testing.T, delay time.Duration) string {
	var url string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, `{"issuer":%q}`, url)
	}))
	t.Cleanup(srv.Close)
	url = srv.URL
	return url
}
