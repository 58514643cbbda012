package config

import (
	"errors"
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
