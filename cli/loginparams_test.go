package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestLoginParamRefused: --param may not set what ssodesk sets itself; the
// refusal is a usage error before anything is listened on or opened.
func TestLoginParamRefused(t *testing.T) {
	e := newCLIEnv(t, "")
	for _, p := range []string{"client_id=x", "code_challenge=abc", "scope=openid"} {
		out, errOut, code := e.ssodesk("", "login", "--param", p)
		key, _, _ := strings.Cut(p, "=")
		if code != exitUsage || !strings.Contains(errOut, key+" is set by ssodesk itself") || strings.Contains(errOut, "listening") || out != "" {
			t.Errorf("--param %s: exit %d\n%s\n%s", p, code, out, errOut)
		}
	}
	if _, errOut, code := e.ssodesk("", "login", "--max-age", "-5"); code != exitUsage || !strings.Contains(errOut, "max_age must be") {
		t.Errorf("--max-age -5: exit %d\n%s", code, errOut)
	}
}

// TestLoginJSONCarriesParams: the document names the environment, the
// endpoint, the client and every parameter sent, with their checks.
func TestLoginJSONCarriesParams(t *testing.T) {
	e := newCLIEnv(t, "ui_locales: da-DK\n")
	global, _ := e.sim.Region("global")
	out, errOut, code := e.ssodesk("", "login", "--json", "--prompt", "login", "--max-age", "0", "--acr-values", "idp:local", "--param", "foo=bar baz")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var doc struct {
		Environment, Endpoint string
		ClientID              string `json:"client_id"`
		Params                []struct{ Key, Value string }
		ParamChecks           []struct{ Name, Status, Detail string } `json:"param_checks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Environment != "production" || doc.Endpoint != global.Issuer || doc.ClientID != e.sim.ClientID() {
		t.Errorf("environment %q endpoint %q client %q", doc.Environment, doc.Endpoint, doc.ClientID)
	}
	var sent []string
	for _, p := range doc.Params {
		sent = append(sent, p.Key+"="+p.Value)
	}
	if got := strings.Join(sent, "&"); got != "prompt=login&max_age=0&ui_locales=da-DK&acr_values=idp:local&foo=bar baz" {
		t.Errorf("params %s", got)
	}
	status := map[string]string{}
	for _, c := range doc.ParamChecks {
		status[c.Name] = c.Status
	}
	for name, want := range map[string]string{"max_age": "pass", "prompt=login": "pass", "sent prompt": "pass", "sent ui_locales": "pass",
		"sent acr_values": "skip", "idp": "pass", "amr": "skip"} {
		if status[name] != want {
			t.Errorf("%s: %q, want %q (%+v)", name, status[name], want, doc.ParamChecks)
		}
	}
	// report --from reads them back: what was tried, and their checks.
	md, errOut, code := e.ssodesk(out, "report", "--from", "-")
	if code != 0 || !strings.Contains(md, "| login parameters | `prompt=login max_age=0 ui_locales=da-DK acr_values=idp:local foo=bar baz` |") ||
		!strings.Contains(md, "## Login parameters") || !strings.Contains(md, "| max\\_age | ✓ |") {
		t.Errorf("report --from: exit %d\n%s\n%s", code, md, errOut)
	}
}

// TestLoginNamesEnvironmentAndFlagsPrompt: every summary line naming an
// endpoint names its environment; an unsupported prompt value is a warning
// on stderr before the browser opens.
func TestLoginNamesEnvironmentAndFlagsPrompt(t *testing.T) {
	e := newCLIEnv(t, "")
	global, _ := e.sim.Region("global")
	out, errOut, code := e.ssodesk("", "login", "--prompt", "select_account create")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	warn, browser := strings.Index(errOut, "warning: prompt=select_account create: the IdP's discovery does not list create"), strings.Index(errOut, "opening the browser")
	if warn < 0 || browser < warn {
		t.Errorf("no warning before the browser:\n%s", errOut)
	}
	for _, want := range []string{"region         production global  " + global.Issuer + "\n", "issuer         production global  " + global.Issuer + "\n",
		"client         " + e.sim.ClientID() + "\n", "sent           prompt=select_account create\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`(?m)^  ! sent prompt +prompt=select_account create`).MatchString(out) {
		t.Errorf("no ! row for the prompt:\n%s", out)
	}
}

// TestRegionsNameEnvironment: every row of `regions` starts with the environment.
func TestRegionsNameEnvironment(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "regions")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "production ") || !strings.Contains(l, "http://127.0.0.1:") {
			t.Errorf("row without its environment: %q", l)
		}
	}
	if len(lines) != 1+len(e.sim.Regions()) {
		t.Errorf("%d lines:\n%s", len(lines), out)
	}
}
