package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// Issue 22 (11): a config without region: preselects its environment's
// global endpoint, else its first; `builtin_regions: false` with endpoints
// of other names must not fail on a "global" nobody configured.
func TestNoRegionKeyDefaultsToTheEnvironmentsFirst(t *testing.T) {
	isolate(t)
	for _, tc := range []struct{ name, body, want string }{
		{"no global", "builtin_regions: false\nenvironment: lab\nenvironments:\n  lab:\n    regions:\n      lab-us: https://login-us.lab.example\n      lab-eu: https://login-eu.lab.example\n", "lab-eu"},
		{"a global", "builtin_regions: false\nenvironment: lab\nenvironments:\n  lab:\n    global: https://login.lab.example\n    regions:\n      eu: https://login-eu.lab.example\n", "global"},
		{"flat list", "builtin_regions: false\nregions:\n  - name: west\n    issuer: https://w.example\n  - name: east\n    issuer: https://e.example\n", "west"},
		{"built-in", "client_id: x\n", "global"},
	} {
		c, err := Load(writeFile(t, tc.body), nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.Region != tc.want {
			t.Errorf("%s: region = %q, want %q", tc.name, c.Region, tc.want)
		}
	}
}

// LoadToShow (`ssodesk config`) shows a config that selects a region or an
// environment it lacks, with the error; Load refuses it.
func TestLoadToShowKeepsTheSelectionError(t *testing.T) {
	isolate(t)
	for _, body := range []string{
		"builtin_regions: false\nregion: eu\nenvironment: lab\nenvironments:\n  lab:\n    regions:\n      lab-eu: https://login-eu.lab.example\n",
		"environment: staging\n",
	} {
		p := writeFile(t, body)
		if _, err := Load(p, nil); err == nil {
			t.Errorf("Load accepted %q", body)
		}
		c, err := LoadToShow(p, nil)
		var ce *Error
		if c == nil || !errors.As(err, &ce) || (ce.Key != KeyRegion && ce.Key != KeyEnvironment) {
			t.Fatalf("LoadToShow(%q) = %v, %v", body, c, err)
		}
		if d := c.Describe(); !strings.Contains(d, "region:") || !strings.Contains(d, "environments:") {
			t.Errorf("describe:\n%s", d)
		}
	}
	if c, err := LoadToShow(writeFile(t, "bogus_key: 1\n"), nil); c != nil || err == nil {
		t.Errorf("an unknown key: %v, %v", c, err)
	}
}

// Issue 22 (4): a secret names where it was set — the top-level key and
// the file for every endpoint that uses it, the environment's key for the
// endpoints of an environment with a secret of its own — and a secret in
// the environment beats a secret file in the config file, as every other
// key does; both in one layer are refused.
func TestSecretSources(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	top, qa := dir+"/top", dir+"/qa"
	os.WriteFile(top, []byte("top-secret\n"), 0o600)
	os.WriteFile(qa, []byte("qa-secret\n"), 0o600)
	p := writeFile(t, "client_secret_file: "+top+"\nenvironments:\n  qa:\n    client_secret_file: "+qa+"\n  lab:\n    regions:\n      eu: https://login-eu.lab.example\n")
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ env, region, secret, from string }{
		{"production", "eu", "top-secret", "client_secret_file: " + top + " in " + p},
		{"lab", "eu", "top-secret", "client_secret_file: " + top + " in " + p},
		{"qa", "eu", "qa-secret", "environments.qa.client_secret_file: " + qa + " in " + p}, // a built-in endpoint the file does not list
	} {
		e, _ := c.ForEnvironment(tc.env)
		r, _ := e.FindRegion(tc.region)
		if r.ClientSecret != tc.secret || r.SecretKey != tc.from {
			t.Errorf("%s %s: secret %q from %q, want %q from %q", tc.env, tc.region, r.ClientSecret, r.SecretKey, tc.secret, tc.from)
		}
	}
	t.Setenv("SSODESK_CLIENT_SECRET", "env-secret")
	c, err = Load(writeFile(t, "client_secret_file: "+top+"\n"), nil)
	if err != nil {
		t.Fatalf("SSODESK_CLIENT_SECRET beside client_secret_file in the file: %v", err)
	}
	if r, _ := c.FindRegion("eu"); c.ClientSecret != "env-secret" || r.ClientSecret != "env-secret" || r.SecretKey != "env SSODESK_CLIENT_SECRET" {
		t.Errorf("the environment's secret: %q, eu %q from %q", c.ClientSecret, r.ClientSecret, r.SecretKey)
	}
	os.Unsetenv("SSODESK_CLIENT_SECRET")
	_, err = Load(writeFile(t, "client_secret: s\nclient_secret_file: "+top+"\n"), nil)
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "set either client_secret or client_secret_file, not both") {
		t.Errorf("both in the file: %v", err)
	}
}

// Issue 22 (12): a code prefix names the endpoint whose region: it is,
// else the one named so (without a region: of its own); a global one never.
func TestEndpointForCode(t *testing.T) {
	rs := []Region{{Name: "global", Global: true, Code: ""}, {Name: "eu", Code: "de"}, {Name: "lab-eu", Code: "eu"}, {Name: "us"}}
	for prefix, want := range map[string]string{"eu": "lab-eu", "de": "eu", "us": "us", "global": "", "au": "", "": ""} {
		r, ok := EndpointForCode(rs, prefix)
		if r.Name != want || ok != (want != "") {
			t.Errorf("EndpointForCode(%q) = %q, %v; want %q", prefix, r.Name, ok, want)
		}
	}
	isolate(t)
	c, err := Load(writeFile(t, "builtin_regions: false\nregions:\n  - name: lab-us\n    issuer: https://us.example\n    region: us\n"), nil)
	if r, ok := c.EndpointForCode("us"); err != nil || !ok || r.Name != "lab-us" || !strings.Contains(c.Describe(), "region us") {
		t.Errorf("a flat entry's region: %v, %+v", err, r)
	}
	for _, body := range []string{
		"environments:\n  lab:\n    global:\n      issuer: https://g.example\n      region: eu\n",
		"environments:\n  lab:\n    regions:\n      lab-eu:\n        issuer: https://g.example\n        region: EU!\n",
	} {
		if _, err := Load(writeFile(t, body), nil); err == nil || !strings.Contains(err.Error(), ".region") {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// An app_hosts entry may name the endpoint or the region: it serves.
func TestAppHostsOfAnEndpointWithRegion(t *testing.T) {
	isolate(t)
	c, err := Load(writeFile(t, "builtin_regions: false\nregions:\n  - name: lab-eu\n    issuer: https://eu.example\n    region: eu\n"+
		"  - name: lab-us\n    issuer: https://us.example\n    region: us\napp_hosts:\n  eu: https://app-eu.example\n  lab-us: https://app-us.example\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AppHosts.ForCode("eu", "lab-eu"); got != "https://app-eu.example" {
		t.Errorf("eu: %q", got)
	}
	if got := c.AppHosts.ForCode("us", "lab-us"); got != "https://app-us.example" {
		t.Errorf("us: %q", got)
	}
}
