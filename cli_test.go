package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ssodesk/sim"
)

// The test binary doubles as the ssodesk binary: with SSODESK_AS_CLI=1 it
// runs the CLI, so tests exercise real processes, exit codes and $BROWSER.
func TestMain(m *testing.M) {
	if os.Getenv("SSODESK_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:]))
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
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := &cliEnv{t: t, sim: s, dir: t.TempDir()}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "client_id: %s\nregions:\n", s.ClientID())
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
	e.env = append(os.Environ(), "SSODESK_AS_CLI=1", "XDG_CONFIG_HOME="+e.dir, "XDG_STATE_HOME="+filepath.Join(e.dir, "state"),
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
			Kind   string            `json:"kind"`
			Claims map[string]any    `json:"claims"`
			Times  map[string]string `json:"times"`
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
	if doc.IDToken.Kind != "jwt" || doc.IDToken.Claims["tenantid"] != "b2a1e7c4-0001-4d2e-8f10-0e0000000001" || !strings.Contains(doc.IDToken.Times["exp"], "(in ") {
		t.Errorf("id_token: %+v", doc.IDToken)
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
