package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// isolate keeps the developer's real config and SSODESK_* variables out of a test.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, EnvPrefix+"_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsWithoutFile(t *testing.T) {
	isolate(t)
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "" || c.ClientID != "" || c.Region != "global" {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.RedirectURI != DefaultRedirectURI || c.HTTPTimeout != DefaultHTTPTimeout || c.LoginTimeout != DefaultLoginTimeout || c.Leeway != DefaultLeeway {
		t.Errorf("timeouts/redirect: %+v", c)
	}
	if got := strings.Join(c.EffectiveScopes(), " "); got != "openid profile noah.cloud.app.users.api" {
		t.Errorf("scopes = %q", got)
	}
	want := []string{"global", "eu", "us", "au"} // the production environment; QA is its own
	if c.Environment != EnvProduction || strings.Join(c.EnvironmentNames(), ",") != "production,qa" {
		t.Errorf("environments = %s of %v", c.Environment, c.EnvironmentNames())
	}
	if got := c.RegionNames(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("regions = %v", got)
	}
	eu, _ := c.FindRegion("eu")
	if eu.Issuer != "https://idp-eu.himsa-sso.com" {
		t.Errorf("eu issuer = %q", eu.Issuer)
	}
	if tr := c.TrustedIssuers(); len(tr) != 4 || tr["https://idp-au.himsa-sso.com"] != "au" || tr["https://idp.himsa-sso.com"] != "global" {
		t.Errorf("trusted issuers = %v", tr)
	}
}

func TestFileEnvFlagPrecedence(t *testing.T) {
	isolate(t)
	p := writeFile(t, `
client_id: from-file
region: eu
offline_access: true
culture_lcid: 1030
redirect_uri: http://localhost:8765/auth/callback
timeouts:
  login: 2m
api_presets:
  - name: tenant users
    path: users
    query: page=1
  - name: create
    method: post
    path: users
    body: '{"name":"x"}'
regions:
  - name: qa
    issuer: https://idp-qa-us.himsa-sso.com
  - name: noah-es-eu
    label: Noah ES EU (historic)
    issuer: https://idp.eu.noah-es.com
    api: https://api.eu.noah-es.com
`)
	t.Setenv("SSODESK_CLIENT_ID", "from-env")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("region", "", "")
	fs.String("client-id", "", "")
	if err := fs.Parse([]string{"--region", "us"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p, fs)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientID != "from-env" {
		t.Errorf("client_id = %q, want env to beat file", c.ClientID)
	}
	if c.Region != "us" {
		t.Errorf("region = %q, want flag to win", c.Region)
	}
	if !c.OfflineAccess || c.CultureLCID != 1030 || c.LoginTimeout != 2*time.Minute {
		t.Errorf("file values lost: %+v", c)
	}
	if got := c.EffectiveScopes(); got[len(got)-1] != "offline_access" {
		t.Errorf("offline_access not in scopes: %v", got)
	}
	if len(c.APIPresets) != 2 || c.APIPresets[0].Query != "page=1" || c.APIPresets[1].Method != "POST" || c.APIPresets[1].Body != `{"name":"x"}` {
		t.Errorf("api_presets = %+v", c.APIPresets)
	}
	qa, _ := c.FindRegion("qa")
	if qa.Issuer != "https://idp-qa-us.himsa-sso.com" || qa.Label != "QA" {
		t.Errorf("override of qa = %+v", qa)
	}
	n, ok := c.FindRegion("noah-es-eu")
	if !ok || n.API != "https://api.eu.noah-es.com" {
		t.Errorf("custom region = %+v %v", n, ok)
	}
}

func TestBadConfig(t *testing.T) {
	cases := []struct {
		name, body, key, want string
	}{
		{"unknown key", "client-id: x\n", "client-id", "unknown key"},
		{"client id with a space", "client_id: my app\n", "client_id", "spaces"},
		{"redirect relative", "redirect_uri: /signin-oidc\n", "redirect_uri", "absolute URI"},
		{"redirect no scheme", "redirect_uri: localhost:8080/cb\n", "redirect_uri", "absolute URI"},
		{"redirect fragment", "redirect_uri: https://app.example.com/cb#x\n", "redirect_uri", "fragment"},
		{"redirect credentials", "redirect_uri: https://u:secret@app.example.com/cb\n", "redirect_uri", "user name or password"},
		{"redirect too long", "redirect_uri: https://app.example.com/" + strings.Repeat("a", 2000) + "\n", "redirect_uri", "at most 2000"},
		{"redirect no port", "redirect_uri: http://127.0.0.1/cb\n", "redirect_uri", "explicit port"},
		{"bad bool", "offline_access: maybe\n", "offline_access", "true or false"},
		{"bad lcid", "culture_lcid: danish\n", "culture_lcid", "LCID"},
		{"bad timeout", "timeouts:\n  http: soon\n", "timeouts.http", "duration"},
		{"huge leeway", "leeway: 2h\n", "leeway", "at most 10m0s"},
		{"missing CA file", "ca_file: /nonexistent/ca.pem\n", "ca_file", "cannot read the CA bundle"},
		{"bad store", "store: cloud\n", "store", "none, file or keyring"},
		{"no regions at all", "builtin_regions: false\n", "builtin_regions", "lists no regions"},
		{"preset without path", "api_presets:\n  - name: x\n", "api_presets", "needs a name and a path"},
		{"preset absolute", "api_presets:\n  - name: x\n    path: https://evil.example/\n", "api_presets", "relative to the API base"},
		{"preset bad method", "api_presets:\n  - name: x\n    path: a\n    method: FETCH\n", "api_presets", "unknown method"},
		{"preset bad key", "api_presets:\n  - name: x\n    path: a\n    url: b\n", "api_presets", `unknown key "url"`},
		{"unknown region", "region: mars\n", "region", `unknown region "mars"`},
		{"http issuer", "regions:\n  - name: x\n    issuer: http://idp.example.com\n", "regions", "https"},
		{"region without issuer", "regions:\n  - name: x\n", "regions", "needs an issuer"},
		{"region bad key", "regions:\n  - name: x\n    isuer: https://a\n", "regions", `unknown key "isuer"`},
		{"no openid", "scopes: [profile]\n", "scopes", "openid"},
		{"both secrets", "client_secret: a\nclient_secret_file: /nope\n", "client_secret_file", "not both"},
		{"missing secret file", "client_secret_file: /nonexistent/secret\n", "client_secret_file", "cannot read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			p := writeFile(t, tc.body)
			_, err := Load(p, nil)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *config.Error", err)
			}
			if ce.Key != tc.key || ce.Source != p || !strings.Contains(ce.Msg, tc.want) {
				t.Errorf("got key=%q source=%q msg=%q; want key %q, source %q, msg containing %q", ce.Key, ce.Source, ce.Msg, tc.key, p, tc.want)
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("message %q does not name the file", err)
			}
		})
	}
}

func TestFileLevelErrors(t *testing.T) {
	isolate(t)
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("missing explicit file: %v", err)
	}
	p := writeFile(t, "client_id: [unclosed\n")
	if _, err := Load(p, nil); err == nil || !strings.Contains(err.Error(), "cannot parse") || !strings.Contains(err.Error(), p) {
		t.Errorf("bad yaml: %v", err)
	}
}

func TestErrorNamesEnvAndFlag(t *testing.T) {
	isolate(t)
	t.Setenv("SSODESK_REGION", "mars")
	_, err := Load("", nil)
	if err == nil || !strings.Contains(err.Error(), "env SSODESK_REGION") {
		t.Errorf("err = %v, want it to name the env var", err)
	}
	os.Unsetenv("SSODESK_REGION")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("redirect-uri", "", "")
	_ = fs.Parse([]string{"--redirect-uri", "http://10.0.0.1:1/#frag"})
	_, err = Load("", fs)
	if err == nil || !strings.Contains(err.Error(), "flag --redirect-uri") {
		t.Errorf("err = %v, want it to name the flag", err)
	}
}

func TestSecretNeverDescribed(t *testing.T) {
	isolate(t)
	sec := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(sec, []byte("s3cr3t-value\n"), 0o600)
	p := writeFile(t, "client_id: app\nclient_secret_file: "+sec+"\n")
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientSecret != "s3cr3t-value" {
		t.Fatalf("secret = %q", c.ClientSecret)
	}
	d := c.Describe()
	if strings.Contains(d, "s3cr3t") || !strings.Contains(d, "client_secret:  (set, hidden)") {
		t.Errorf("describe leaks or hides wrongly:\n%s", d)
	}
}

func TestOnlyConfiguredRegions(t *testing.T) {
	isolate(t)
	p := writeFile(t, "builtin_regions: false\nregion: lab\nregions:\n  - name: lab\n    issuer: http://127.0.0.1:7400\n")
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.RegionNames(); len(got) != 1 || got[0] != "lab" {
		t.Errorf("regions = %v", got)
	}
}

func TestForDemo(t *testing.T) {
	isolate(t)
	c, _ := Load("", nil)
	c.Region = "au"
	c.ClientSecret = "x"
	d := c.ForDemo("demo", Environment{Name: EnvProduction, Endpoints: []Region{{Name: "global", Issuer: "http://127.0.0.1:1", Global: true}, {Name: "eu", Issuer: "http://127.0.0.1:2"}}})
	if d.ClientID != "demo" || d.ClientSecret != "" || d.Region != "global" || len(d.Regions) != 2 || d.Regions[1].Env != EnvProduction {
		t.Errorf("ForDemo = %+v", d)
	}
	if c.ClientID == "demo" || len(c.Regions) != 4 {
		t.Errorf("ForDemo changed the original")
	}
}

// TestLoginWordKeys: ui_locales and acr_values are read from the file (a
// list is joined) and refused with a control character, naming the key.
func TestLoginWordKeys(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte("ui_locales: [da-DK, en-US]\nacr_values: idp:local  tenant:x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.UILocales != "da-DK en-US" || c.ACRValues != "idp:local tenant:x" || !strings.Contains(c.Describe(), "acr_values:     idp:local tenant:x") {
		t.Errorf("ui_locales %q acr_values %q", c.UILocales, c.ACRValues)
	}
	if err := os.WriteFile(file, []byte("acr_values: \"idp:local\\u0007\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(file, nil); err == nil || !strings.Contains(err.Error(), `"acr_values"`) {
		t.Errorf("control character: %v", err)
	}
}
