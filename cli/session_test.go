package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/ui"
)

// expireKept makes the kept session of region expire now, so the next use
// refreshes it.
func expireKept(t *testing.T, e *cliEnv, region string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.dir, "state", "ssodesk", "sessions", region+".*.json"))
	if len(files) != 1 {
		t.Fatalf("kept sessions of %s: %v", region, files)
	}
	raw, _ := os.ReadFile(files[0])
	var sess map[string]any
	json.Unmarshal(raw, &sess)
	sess["expiry"] = "2000-01-01T00:00:00Z"
	raw, _ = json.Marshal(sess)
	os.WriteFile(files[0], raw, 0o600)
}

// Three `ssodesk token` processes at once on an expiring session: the file
// lock lets one refresh; the others take what it kept. One refresh request
// reaches the stand-in, and all three print the same, working token.
func TestConcurrentTokenProcessesRefreshOnce(t *testing.T) {
	h := &sim.Hooks{}
	e := newCLIEnvWith(t, "offline_access: true\n", sim.Options{Hooks: h})
	if _, errOut, code := e.ssodesk("", "login", "--save"); code != 0 {
		t.Fatal(errOut)
	}
	expireKept(t, e, "global")
	before := h.Requests("global", sim.RequestTokenRefresh)
	var wg sync.WaitGroup
	outs, errs, codes := make([]string, 3), make([]string, 3), make([]int, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i], codes[i] = e.ssodesk("", "token")
		}()
	}
	wg.Wait()
	for i := range 3 {
		if codes[i] != 0 || outs[i] != outs[0] {
			t.Errorf("token %d: exit %d, same token %v\n%s", i, codes[i], outs[i] == outs[0], errs[i])
		}
	}
	if n := h.Requests("global", sim.RequestTokenRefresh) - before; n != 1 {
		t.Fatalf("the stand-in received %d refresh requests from three token processes, want 1\n%s", n, strings.Join(errs, "\n"))
	}
	if out, errOut, code := e.ssodesk("", "call", "GET", "me"); code != 0 {
		t.Fatalf("the kept session does not work after the refresh: exit %d %s %s", code, out, errOut)
	}
}

// A login whose ID token fails verification is shown (exit 1), never kept.
// Here the global endpoint has the EU IdP issue the tokens, whose issuer this
// configuration (the global endpoint only) does not trust.
func TestLoginSaveKeepsNothingWhenVerificationFails(t *testing.T) {
	e := newCLIEnvWith(t, "", sim.Options{GlobalExchangeIssuer: sim.IssuerRegional})
	g, _ := e.sim.Region("global")
	cfg := "client_id: " + e.sim.ClientID() + "\nbuiltin_regions: false\nregions:\n  - name: global\n    issuer: " + g.Issuer + "\ntimeouts:\n  login: 20s\n"
	if err := os.WriteFile(e.file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := e.ssodesk("", "login", "--save")
	if code != exitFailed || !strings.Contains(out, "NOT verified") || !strings.Contains(errOut, "not kept: the ID token did not verify") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(e.dir, "state", "ssodesk", "sessions", "*.json")); len(files) != 0 {
		t.Fatalf("kept %v", files)
	}
}

// The demo never touches the user's store: with store: file configured, a
// demo login is kept in memory, and the user's session directory stays as
// it was.
func TestDemoLeavesTheUsersStoreUntouched(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user-sessions")
	user := &config.Config{ClientID: "real-app", RedirectURI: config.DefaultRedirectURI, Scopes: config.DefaultScopes(),
		Region: "global", Store: config.StoreFile, StoreDir: dir}
	envs, stop, err := startDemoSims(context.Background(), sim.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	cfg := user.ForDemo(sim.DefaultClientID, envs...)
	_, svc, err := demoTUI(cfg, "first")
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Login(context.Background(), ui.LoginRequest{Region: cfg.Regions[0]}, func(auth.Event) {})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "session kept in memory") {
		t.Errorf("notes = %q", res.Notes)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo touched the user's session directory %s: %v", dir, err)
	}
}

// --log works for every command: a CLI login writes its steps and its HTTP
// exchanges (redacted) there, and no token.
func TestLogForEveryCommand(t *testing.T) {
	e := newCLIEnv(t, "")
	logFile := filepath.Join(e.dir, "ssodesk.log")
	out, errOut, code := e.ssodesk("", "login", "--json", "--log", logFile)
	if code != 0 {
		t.Fatal(errOut)
	}
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{"msg=login", "listening for the redirect", "msg=http", "purpose=discovery", "purpose=token", "purpose=callback", "status=200"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	var doc struct {
		Tokens map[string]string `json:"tokens"`
	}
	json.Unmarshal([]byte(out), &doc)
	for k, v := range doc.Tokens {
		if v != "" && strings.Contains(log, v) {
			t.Errorf("the log holds the %s", k)
		}
	}
	if st, _ := os.Stat(logFile); st.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v", st.Mode().Perm())
	}
}

// A secret others can read is a warning on stderr naming the chmod.
func TestConfigWarningsOnStderr(t *testing.T) {
	e := newCLIEnv(t, "client_secret: s3cret\n")
	os.Chmod(e.file, 0o644)
	_, errOut, _ := e.ssodesk("", "config")
	if !strings.Contains(errOut, "ssodesk: warning: "+e.file+" holds client_secret") || !strings.Contains(errOut, "chmod 600 "+e.file) {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestEnvFlag(t *testing.T) {
	e := newCLIEnv(t, "")
	_, errOut, code := e.ssodesk("", "login", "--env", "staging")
	if code != exitUsage || !strings.Contains(errOut, `unknown environment "staging"`) || !strings.Contains(errOut, "known: production") {
		t.Errorf("unknown --env: exit %d\n%s", code, errOut)
	}
	out, errOut, code := e.ssodesk("", "config", "--env", "production")
	if code != 0 || !strings.Contains(out, "environment:    production") {
		t.Errorf("config --env: exit %d\n%s%s", code, out, errOut)
	}
}

// demo --confidential: the stand-in's confidential client, a different
// secret per endpoint; each endpoint accepts its own (a login through each
// environment's global endpoint, exchanged at the code's region).
func TestDemoConfidentialSecrets(t *testing.T) {
	envs, stop, err := startDemoSims(context.Background(), sim.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	user := &config.Config{RedirectURI: config.DefaultRedirectURI, Scopes: config.DefaultScopes(), Region: "global", ExchangeAt: config.ExchangeCodeRegion}
	for _, env := range []string{config.EnvProduction, config.EnvQA} {
		user.Environment = env
		cfg := user.ForDemo(sim.DefaultConfidentialClientID, envs...)
		_, svc, err := demoTUI(cfg, "first")
		if err != nil {
			t.Fatal(err)
		}
		g, _ := cfg.FindRegion("global")
		res, err := svc.Login(context.Background(), ui.LoginRequest{Region: g}, func(auth.Event) {})
		if err != nil || res.ExchangedAt.Name != res.CodeRegion {
			t.Fatalf("%s: %v (exchanged at %s)", env, err, res.ExchangedAt.Name)
		}
	}
}

// Scripts never wait for a person: call and token without a kept session
// exit 1 at once with the login to run, and no browser starts.
func TestCallWithoutSessionFailsAtOnce(t *testing.T) {
	e := newCLIEnv(t, "")
	marker := filepath.Join(e.dir, "browser-ran")
	e.env = append(e.env, "BROWSER=touch "+marker)
	for _, args := range [][]string{{"call", "GET", "me"}, {"token"}} {
		start := time.Now()
		_, errOut, code := e.ssodesk("", args...)
		if code != exitFailed || !strings.Contains(errOut, "ssodesk login --save --region global") || time.Since(start) > 5*time.Second {
			t.Errorf("%v: exit %d after %s\n%s", args, code, time.Since(start), errOut)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a browser was started")
	}
}

// decode --verify agrees with the TUI: an ID token with a regional iss
// verifies with the default region, and a JWT access token (its audience
// not this client) verifies with its audience shown, not failed.
func TestDecodeVerifyAgreesWithTheTUI(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "login", "--json", "--exchange-at", "code-region")
	if code != 0 {
		t.Fatal(errOut)
	}
	var doc struct {
		Issuer string            `json:"issuer"`
		Tokens map[string]string `json:"tokens"`
	}
	json.Unmarshal([]byte(out), &doc)
	eu, _ := e.sim.Region("eu")
	if doc.Issuer != eu.Issuer {
		t.Fatalf("issuer %s, want the regional %s", doc.Issuer, eu.Issuer)
	}
	if out, errOut, code := e.ssodesk("", "decode", doc.Tokens["id_token"], "--verify"); code != 0 || !strings.Contains(out, "✓ issuer") {
		t.Errorf("regional-iss ID token, default region: exit %d\n%s%s", code, out, errOut)
	}
	// The stand-in's access token names the client in aud, so it reads as
	// an ID token here; auth's TestAccessTokenAudienceIsShown covers
	// IdentityServer's "<issuer>/resources".
	if out, errOut, code := e.ssodesk("", "decode", doc.Tokens["access_token"], "--verify"); code != 0 || !strings.Contains(out, "✓ signature") {
		t.Errorf("JWT access token: exit %d\n%s%s", code, out, errOut)
	}
}

// introspect asks as the API resource; a revoked session's token is not active.
func TestIntrospectCommand(t *testing.T) {
	e := newCLIEnv(t, "offline_access: true\nintrospection:\n  resource: noah.cloud.app.users.api\n  secret: api-secret\n")
	if _, errOut, code := e.ssodesk("", "login", "--save"); code != 0 {
		t.Fatal(errOut)
	}
	token, _, _ := e.ssodesk("", "token")
	out, errOut, code := e.ssodesk("", "introspect", "--json")
	if code != 0 || !strings.Contains(out, `"active": true`) || !strings.Contains(out, `"client_id": "ssodesk-demo"`) {
		t.Fatalf("introspect: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := e.ssodesk("", "logout", "--local"); code != 0 {
		t.Fatal(errOut)
	}
	out, _, code = e.ssodesk(strings.TrimSpace(token)+"\n", "introspect", "-")
	if code != 0 || !strings.Contains(out, "active     yes") {
		t.Errorf("a locally forgotten token is still active at the IdP: exit %d %s", code, out)
	}
}
