package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// twoEnvCLI is a production and a QA stand-in, and a CLI config of both
// environments (labelled as HIMSA's), production selected.
func twoEnvCLI(t *testing.T) (*cliEnv, *sim.Sim) {
	t.Helper()
	e := newCLIEnv(t, "")
	qa := simtest.Start(t, sim.Options{Environment: sim.EnvQA})
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "client_id: %s\nbuiltin_regions: false\ntimeouts:\n  login: 20s\nenvironments:\n", e.sim.ClientID())
	for _, env := range []struct {
		name, label string
		s           *sim.Sim
	}{{"production", "HIMSA production", e.sim}, {"qa", "HIMSA QA", qa}} {
		fmt.Fprintf(&cfg, "  %s:\n    label: %s\n    regions:\n", env.name, env.label)
		for _, r := range env.s.Regions() {
			if r.Name == sim.GlobalRegion {
				fmt.Fprintf(&cfg, "      # global\n")
				continue
			}
			fmt.Fprintf(&cfg, "      %s: %s\n", r.Name, r.Issuer)
		}
		g, _ := env.s.Region(sim.GlobalRegion)
		fmt.Fprintf(&cfg, "    global: %s\n", g.Issuer)
	}
	if err := os.WriteFile(e.file, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return e, qa
}

// loginID logs in with args and returns the ID token.
func loginID(t *testing.T, e *cliEnv, args ...string) string {
	t.Helper()
	out, errOut, code := e.ssodesk("", append([]string{"login", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("login %v: exit %d\n%s", args, code, errOut)
	}
	var doc struct {
		Tokens struct {
			IDToken string `json:"id_token"`
		} `json:"tokens"`
	}
	json.Unmarshal([]byte(out), &doc)
	return doc.Tokens.IDToken
}

// decode --verify checks against the named environment, not every
// configured one: a QA ID token checked with --env production --region us
// is ✗ naming both environments (exit 1); checked as QA it verifies, and
// without --region the issuer row says which issuer it was checked
// against.
func TestDecodeVerifyChecksTheNamedEnvironment(t *testing.T) {
	e, qa := twoEnvCLI(t)
	e.setBrowser("--account robin.probe@qa-eu-clinic.himsa.test")
	id := loginID(t, e, "--env", "qa", "--region", "eu")
	qaEU, _ := qa.Region("eu")

	out, errOut, code := e.ssodesk("", "decode", id, "--verify", "--env", "production", "--region", "us")
	if code != exitFailed || strings.Contains(out, "✓ issuer") ||
		!strings.Contains(out, "✗ issuer      issued by HIMSA QA EU ("+qaEU.Issuer+"); checked against HIMSA production (--env production): a token of another environment") {
		t.Errorf("a QA token checked as production: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = e.ssodesk("", "decode", id, "--verify", "--env", "qa")
	if code != 0 || !strings.Contains(out, "✓ issuer      "+qaEU.Issuer+", the eu issuer of HIMSA QA (--env qa), is on the allow-list; checked against this issuer's keys (no endpoint was named)") ||
		!strings.Contains(out, "✓ signature") {
		t.Errorf("a QA token checked as QA: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code = e.ssodesk("", "decode", id, "--verify", "--env", "qa", "--region", "eu"); code != 0 || !strings.Contains(out, "✓ issuer") ||
		strings.Contains(out, "no endpoint was named") {
		t.Errorf("a QA EU token checked as QA EU: exit %d\n%s%s", code, out, errOut)
	}
}

// Within an environment, --region says where the token is expected from:
// the global endpoint hands a login to its own regions (✓), a regional
// endpoint does not (! naming both, still exit 0: the token is HIMSA's).
func TestDecodeVerifyRegion(t *testing.T) {
	e := newCLIEnvWith(t, "", sim.Options{GlobalExchangeIssuer: sim.IssuerRegional})
	id := loginID(t, e) // the global endpoint, an EU account: iss is EU's
	eu, _ := e.sim.Region("eu")
	us, _ := e.sim.Region("us")
	out, errOut, code := e.ssodesk("", "decode", id, "--verify", "--region", "global")
	if code != 0 || !strings.Contains(out, "✓ issuer      "+eu.Issuer+", the eu issuer of") || !strings.Contains(out, "hands a login to its own regions") {
		t.Errorf("--region global: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = e.ssodesk("", "decode", id, "--verify", "--region", "us")
	if code != 0 || !strings.Contains(out, "! issuer      "+eu.Issuer+" is the eu issuer of") || !strings.Contains(out, "not us's ("+us.Issuer+")") ||
		!strings.Contains(out, "✓ signature") {
		t.Errorf("--region us: exit %d\n%s%s", code, out, errOut)
	}
}
