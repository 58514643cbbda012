package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvironmentsShape(t *testing.T) {
	isolate(t)
	secret := filepath.Join(t.TempDir(), "qa-eu")
	os.WriteFile(secret, []byte("qa-eu-secret\n"), 0o600)
	t.Setenv("ACME_SECRET", "acme-secret")
	p := writeFile(t, `environment: qa
client_id: app-client-id
client_secret: top-secret
environments:
  qa:
    label: HIMSA QA (ours)
    client_id: qa-client-id
    redirect_uri: http://127.0.0.1:8765/callback
    global: https://idp-qa.himsa-sso.com
    regions:
      eu:
        issuer: https://idp-qa-eu.himsa-sso.com
        client_secret_file: `+secret+`
        api: https://api-qa-eu.example.com
  staging-acme:
    global:
      issuer: https://login.acme.example
      client_secret_env: ACME_SECRET
    regions:
      de: https://login-de.acme.example
`)
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Environment != "qa" || c.ClientID != "qa-client-id" || c.RedirectURI != "http://127.0.0.1:8765/callback" {
		t.Errorf("selected QA: env %s client %s redirect %s", c.Environment, c.ClientID, c.RedirectURI)
	}
	if got := strings.Join(c.EnvironmentNames(), ","); got != "production,qa,staging-acme" {
		t.Errorf("environments = %s", got)
	}
	eu, _ := c.FindRegion("eu")
	g, _ := c.FindRegion("global")
	if eu.Env != "qa" || eu.ClientSecret != "qa-eu-secret" || eu.API != "https://api-qa-eu.example.com" || eu.SecretKey != "environments.qa.regions.eu.client_secret_file: "+secret+" in "+p {
		t.Errorf("QA EU = %+v", eu)
	}
	if !g.Global || g.ClientSecret != "top-secret" || g.Issuer != "https://idp-qa.himsa-sso.com" {
		t.Errorf("QA global = %+v", g)
	}
	prod, _ := c.ForEnvironment("production")
	if prod.ClientID != "app-client-id" || len(prod.Regions) != 4 || prod.TrustedIssuers()["https://idp-qa-eu.himsa-sso.com"] != "" {
		t.Errorf("production: client %s regions %v trusted %v", prod.ClientID, prod.RegionNames(), prod.TrustedIssuers())
	}
	acme, _ := c.ForEnvironment("staging-acme")
	ag := acme.Regions[0]
	if !ag.Global || ag.ClientSecret != "acme-secret" || acme.Regions[1].Name != "de" || acme.ClientID != "app-client-id" {
		t.Errorf("staging-acme = %+v", acme.Regions)
	}
	if f := c.ForeignIssuers(); f["https://idp-eu.himsa-sso.com"] != "HIMSA production EU" {
		t.Errorf("foreign issuers = %v", f)
	}
	d := c.Describe()
	for _, want := range []string{"environment:    qa", "  qa:  # selected", "global: https://idp-qa.himsa-sso.com", "eu:      https://idp-qa-eu.himsa-sso.com", "secret set (environments.qa.regions.eu.client_secret_file: " + secret + " in " + p + ")"} {
		if !strings.Contains(d, want) {
			t.Errorf("config lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "qa-eu-secret") || strings.Contains(d, "top-secret") {
		t.Error("config shows a secret")
	}
}

// A flat file (no environments:) is the selected environment, as before;
// `ssodesk config` shows it in the new shape.
func TestFlatConfigIsTheSelectedEnvironment(t *testing.T) {
	isolate(t)
	p := writeFile(t, "client_id: app\nregions:\n  - name: noah-es-eu\n    issuer: https://idp.eu.noah-es.com\n  - name: acme-main\n    global: true\n    issuer: https://login.acme.example\n")
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Environment != "production" || c.ClientID != "app" || strings.Join(c.RegionNames(), ",") != "global,acme-main,eu,us,au,noah-es-eu" {
		t.Errorf("env %s client %s regions %v", c.Environment, c.ClientID, c.RegionNames())
	}
	if r, _ := c.FindRegion("acme-main"); !r.IsGlobal() || r.SecretKey != KeyClientSecretFile {
		t.Errorf("acme-main = %+v", r)
	}
	if !strings.Contains(c.Describe(), "environments:\n  production:  # selected") {
		t.Errorf("config:\n%s", c.Describe())
	}
}

func TestEnvironmentErrorsNameTheKeyPath(t *testing.T) {
	for body, want := range map[string]string{
		"environment: staging\n": `"environment"`,
		"environments:\n  qa:\n    regions:\n      eu:\n        issuer: http://evil.example\n":     `"environments.qa.regions.eu.issuer"`,
		"environments:\n  qa:\n    colour: blue\n":                                                 `"environments.qa.colour"`,
		"environments:\n  lab:\n    regions:\n      x1: {}\n":                                      `"environments.lab.regions.x1.issuer"`,
		"environments:\n  qa:\n    regions:\n      eu:\n        client_secret_env: NOPE_NOT_SET\n": `"environments.qa.regions.eu.client_secret_env"`,
	} {
		isolate(t)
		p := writeFile(t, body)
		_, err := Load(p, nil)
		var ce *Error
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: err = %v, want key %s and the file", body, err, want)
		}
		if err != nil && !errors.As(err, &ce) {
			t.Errorf("%q: not a *config.Error", body)
		}
	}
	isolate(t)
	if _, err := Load(writeFile(t, "environment: staging\n"), nil); err == nil || !strings.Contains(err.Error(), "known: production, qa") {
		t.Errorf("unknown environment: %v", err)
	}
	if _, err := Load(writeFile(t, "region: qa\n"), nil); err == nil || !strings.Contains(err.Error(), "use --env qa") {
		t.Errorf("region qa: %v", err)
	}
}

// For names the environment it lacks instead of answering with another
// environment's registration; a configuration made in code without
// environments is its one environment.
func TestForUnknownEnvironmentIsAnError(t *testing.T) {
	c := (&Config{ClientID: "prod-app", Regions: BuiltinRegions()}).ForDemo("prod-app", BuiltinEnvironments()[0])
	if _, err := c.For(Region{Name: "eu", Env: "lab"}); err == nil || !strings.Contains(err.Error(), `unknown environment "lab"`) ||
		!strings.Contains(err.Error(), "lab/eu") {
		t.Errorf("For(lab/eu) = %v", err)
	}
	flat := &Config{ClientID: "flat-app", Regions: BuiltinRegions()}
	if got, err := flat.For(BuiltinRegions()[1]); err != nil || got != flat {
		t.Errorf("a flat configuration's own endpoint: %v", err)
	}
	if envs := flat.Envs(); len(envs) != 1 || envs[0].Name != EnvProduction || envs[0].ClientID != "flat-app" || len(flat.Endpoints()) != 4 {
		t.Errorf("flat environments: %+v", envs)
	}
	if id := (Region{Name: "eu"}).ID(); id != (EndpointID{Env: EnvProduction, Name: "eu"}) || id.String() != "production/eu" {
		t.Errorf("ID = %v", id)
	}
}
