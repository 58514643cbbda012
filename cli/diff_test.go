package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// loginDoc logs in with --json (as the browser's account) and writes the
// document to dir/name.
func loginDoc(t *testing.T, e *cliEnv, account, name string, args ...string) (path string, tokens []string) {
	t.Helper()
	e.setBrowser("--account " + account)
	out, errOut, code := e.ssodesk("", append([]string{"login", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("login as %s: exit %d\n%s", account, code, errOut)
	}
	var doc struct {
		Tokens map[string]any `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "id_token", "refresh_token"} {
		if s, _ := doc.Tokens[k].(string); s != "" {
			tokens = append(tokens, s)
		}
	}
	path = filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, tokens
}

// noTokens fails when any token value appears in out.
func noTokens(t *testing.T, out string, tokens []string) {
	t.Helper()
	if len(tokens) < 2 {
		t.Fatalf("only %d tokens to look for", len(tokens))
	}
	for _, tok := range tokens {
		if strings.Contains(out, tok) || strings.Contains(out, tok[len(tok)-20:]) {
			t.Errorf("the diff shows a token value (…%s)", tok[len(tok)-12:])
		}
	}
}

// Two accounts' `login --json` documents: exit 1, the claims that differ
// marked (sub, tenantid), the same ones "=", no token value printed; the
// same document twice: exit 0. --json is schema ssodesk-diff/1.
func TestCLIDiffDocuments(t *testing.T) {
	e := newCLIEnv(t, "offline_access: true\n")
	a, ta := loginDoc(t, e, "mette.sorensen@nordlyd-hoerecenter.dk", "a.json", "--region", "eu")
	b, tb := loginDoc(t, e, "lukas.becker@hoerwelt-berlin.de", "b.json", "--region", "eu")
	tokens := append(ta, tb...)
	out, errOut, code := e.ssodesk("", "diff", a, b)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"ID token claims", "≠ tenantid", "≠ sub", "= aud", "= iss", "= environment",
		"id_token · tenantid: a.json", "Differences:", "a.json and " + b + " differ in", "Token lifetimes", "sha256:"} {
		if !strings.Contains(out, strings.ReplaceAll(want, "a.json", a)) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	noTokens(t, out+errOut, tokens)

	out, errOut, code = e.ssodesk("", "diff", a, b, "--json")
	if code != exitFailed {
		t.Fatalf("--json: exit %d\n%s", code, errOut)
	}
	var doc diffDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "ssodesk-diff/1" || doc.Kind != "sessions" || doc.Differences == 0 || doc.Differences != len(doc.Lines) ||
		doc.Sessions == nil || doc.Sessions.A.Environment != "production" {
		t.Errorf("document %+v", doc)
	}
	noTokens(t, out, tokens)

	out, errOut, code = e.ssodesk("", "diff", a, a)
	if code != exitOK || !strings.Contains(out, "do not differ") {
		t.Errorf("the same document twice: exit %d\n%s%s", code, out, errOut)
	}
}

// Bad inputs are refused with exit 2, naming the file, and a huge file is
// read only as far as the bound.
func TestCLIDiffBadInputs(t *testing.T) {
	e := newCLIEnv(t, "")
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	good := write("good.json", `{"region":"eu","endpoint":"http://x","scopes":[],"tokens":{"access_token":"x"}}`)
	huge := filepath.Join(dir, "huge.json")
	f, _ := os.Create(huge)
	f.Truncate(100 << 20) // sparse: 100 MB of nothing
	f.Close()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not JSON", []string{write("notjson.json", "hello"), good}, "notjson.json is not a `ssodesk login --json` document"},
		{"a HAR", []string{good, "testdata/himsa-spa-login.har"}, "himsa-spa-login.har is not a `ssodesk login --json` document: it has no region"},
		{"a directory", []string{dir, good}, "is a directory"},
		{"100 MB", []string{huge, good}, "huge.json is not a `ssodesk login --json` document: more than 16 MB"},
		{"missing", []string{filepath.Join(dir, "nope.json"), good}, "nope.json"},
		{"one file", []string{good}, "diff takes two login documents"},
		{"files and --env", []string{good, good, "--env", "production"}, "diff takes two"},
		{"stdin twice", []string{"-", "-"}, "only one of A and B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := e.ssodesk("", append([]string{"diff"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, tc.want, errOut)
			}
		})
	}
}

// twoEnvDiffCLI is a production stand-in and a QA one started with qa
// (its differences planted), and a config of both environments.
func twoEnvDiffCLI(t *testing.T, qa sim.Options) (*cliEnv, *sim.Sim) {
	t.Helper()
	e := newCLIEnvWith(t, "", sim.Options{Regions: []string{"global", "eu", "us", "au"}})
	qa.Environment = sim.EnvQA
	q := simtest.Start(t, qa)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "client_id: %s\nbuiltin_regions: false\ntimeouts:\n  login: 20s\nenvironments:\n", e.sim.ClientID())
	for _, env := range []struct {
		name string
		s    *sim.Sim
	}{{"production", e.sim}, {"qa", q}} {
		fmt.Fprintf(&cfg, "  %s:\n    regions:\n", env.name)
		for _, r := range env.s.Regions() {
			if r.Name != sim.GlobalRegion {
				fmt.Fprintf(&cfg, "      %s: %s\n", r.Name, r.Issuer)
			}
		}
		g, _ := env.s.Region(sim.GlobalRegion)
		fmt.Fprintf(&cfg, "    global: %s\n", g.Issuer)
	}
	if err := os.WriteFile(e.file, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return e, q
}

// diff --env production --env qa against two stand-ins: the endpoints only
// production has, the planted scope, nothing else; --region eu narrows to
// one pair; an unknown environment is exit 2.
func TestCLIDiffEnvironments(t *testing.T) {
	e, _ := twoEnvDiffCLI(t, sim.Options{Differ: sim.Differences{ExtraScope: "noah.cloud.app.admin"}})
	out, errOut, code := e.ssodesk("", "diff", "--env", "production", "--env", "qa")
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"global: production http://127.0.0.1", "eu: production", "Discovery (endpoints compared by path)",
		"≠ scopes_supported", "≠ issuer (expected)", "≠ kids (expected)", "= token_endpoint", "JWKS", "Pre-flight", "Clock",
		"global · scopes_supported: QA has noah.cloud.app.admin, production does not",
		"eu · scopes_supported: QA has noah.cloud.app.admin, production does not",
		"us: only production has this endpoint", "au: only production has this endpoint",
		"production and QA differ in 4 things"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	out, errOut, code = e.ssodesk("", "diff", "--env", "production", "--env", "qa", "--region", "eu", "--json")
	var doc diffDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitFailed {
		t.Fatalf("exit %d, %v\n%s", code, err, errOut)
	}
	if doc.Kind != "environments" || doc.Differences != 1 || len(doc.Environments.Pairs) != 1 || doc.Expected == 0 ||
		doc.Lines[0] != "eu · scopes_supported: QA has noah.cloud.app.admin, production does not" {
		t.Errorf("--region eu --json: %+v", doc)
	}
	if _, errOut, code := e.ssodesk("", "diff", "--env", "production", "--env", "staging"); code != exitUsage || !strings.Contains(errOut, `unknown environment "staging"`) {
		t.Errorf("unknown environment: exit %d\n%s", code, errOut)
	}
}

// Two stand-ins without a planted difference, one pair: exit 0.
func TestCLIDiffEnvironmentsSame(t *testing.T) {
	e, _ := twoEnvDiffCLI(t, sim.Options{})
	out, errOut, code := e.ssodesk("", "diff", "--env", "production", "--env", "qa", "--region", "eu")
	if code != exitOK || !strings.Contains(out, "production and QA do not differ (") {
		t.Errorf("exit %d, want 0\n%s%s", code, out, errOut)
	}
}

// Two kept sessions by name, production/eu and qa/eu, through the session
// layer: the environments, issuers and tenants differ.
func TestCLIDiffKept(t *testing.T) {
	e, _ := twoEnvDiffCLI(t, sim.Options{})
	e.setBrowser("--account mette.sorensen@nordlyd-hoerecenter.dk")
	if _, errOut, code := e.ssodesk("", "login", "--save", "--env", "production", "--region", "eu"); code != 0 {
		t.Fatalf("login production: %d\n%s", code, errOut)
	}
	e.setBrowser("--account robin.probe@qa-eu-clinic.himsa.test")
	if _, errOut, code := e.ssodesk("", "login", "--save", "--env", "qa", "--region", "eu"); code != 0 {
		t.Fatalf("login qa: %d\n%s", code, errOut)
	}
	out, errOut, code := e.ssodesk("", "diff", "--kept", "production/eu", "--kept", "qa/eu")
	if code != exitFailed {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"≠ environment", "≠ tenantid", "≠ iss", "id_token · tenantid: production/eu", "production/eu: production eu"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if out2, _, code := e.ssodesk("", "diff", "--kept", "eu", "--kept", "qa/eu", "--json"); code != exitFailed || !strings.Contains(out2, `"a": "eu"`) ||
		!strings.Contains(out2, `"environment": "production"`) {
		t.Errorf("--kept eu (the selected environment's): exit %d\n%s", code, out2)
	}
	if _, errOut, code := e.ssodesk("", "diff", "--kept", "production/us", "--kept", "qa/eu"); code != exitUsage || !strings.Contains(errOut, "--kept production/us") {
		t.Errorf("no kept session: exit %d\n%s", code, errOut)
	}
	if _, errOut, code := e.ssodesk("", "diff", "--kept", "qa/us", "--kept", "qa/eu"); code != exitUsage || !strings.Contains(errOut, `qa has no endpoint "us"`) {
		t.Errorf("unknown endpoint: exit %d\n%s", code, errOut)
	}
}

// A stand-in with another key algorithm planted still works: a login
// there verifies its ES256 ID token, and the stand-in API takes the
// ES256 access token.
func TestCLIDifferES256Login(t *testing.T) {
	e := newCLIEnvWith(t, "store: file\n", sim.Options{Differ: sim.Differences{KeyAlgorithm: "ES256"}})
	out, errOut, code := e.ssodesk("", "login", "--json", "--region", "eu")
	if code != 0 || !strings.Contains(out, `"alg": "ES256"`) {
		t.Fatalf("login: exit %d\n%s", code, errOut)
	}
	if out, errOut, code := e.ssodesk("", "call", "--region", "eu", "GET", "me"); code != 0 {
		t.Errorf("call: exit %d\n%s%s", code, out, errOut)
	}
}
