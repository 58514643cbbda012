package config

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cast"
)

// Environment is one HIMSA deployment — production, QA, or your own — with
// an optional global endpoint, regional endpoints named by the code prefix
// they issue ("eu", "us", …), and the client registration used there.
// HIMSA: QA registrations are separate from production ones (their own
// client ID and whitelisted redirect URI); "use the same clientId in all
// regions" but "different client secrets for each of your regions".
type Environment struct {
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	// Endpoints: the global one first (when there is one), then the
	// regional ones. Each carries Env = Name.
	Endpoints     []Region `json:"endpoints"`
	ClientID      string   `json:"client_id"`
	RedirectURI   string   `json:"redirect_uri"`
	Scopes        []string `json:"scopes"`
	OfflineAccess bool     `json:"offline_access"`
	// secret is the environment's own client secret (its endpoints' unless
	// they have one), secretFrom where it was set.
	secret, secretFrom string
}

// Title is how people name the environment ("HIMSA QA", else its name).
func (e Environment) Title() string { return cmp.Or(e.Label, e.Name) }

// Built-in environment names.
const (
	EnvProduction = "production"
	EnvQA         = "qa"
)

// BuiltinEnvironments are HIMSA's production and QA deployments, from the
// HIMSA SSO developer pages (QA hosts vary: they can be overridden).
func BuiltinEnvironments() []Environment {
	prod := Environment{Name: EnvProduction, Label: "HIMSA production", Endpoints: []Region{
		{Name: GlobalRegion, Label: "Global (pick an account in any region)", Issuer: "https://idp.himsa-sso.com", Global: true},
		{Name: "eu", Label: "EU production", Issuer: "https://idp-eu.himsa-sso.com"},
		{Name: "us", Label: "US production", Issuer: "https://idp-us.himsa-sso.com"},
		{Name: "au", Label: "AU production", Issuer: "https://idp-au.himsa-sso.com"},
	}}
	qa := Environment{Name: EnvQA, Label: "HIMSA QA", Endpoints: []Region{
		{Name: GlobalRegion, Label: "QA global (pick an account in any region)", Issuer: "https://idp-qa.himsa-sso.com", Global: true},
		{Name: "eu", Label: "QA EU", Issuer: "https://idp-qa-eu.himsa-sso.com"},
	}}
	return []Environment{prod, qa}
}

// legacyRegions were built-in regions before QA became an environment of
// its own: a flat `regions:` entry that names one (to override its issuer,
// say) still starts from it, so such config files keep working.
var legacyRegions = []Region{
	{Name: "qa", Label: "QA", Issuer: "https://idp-qa.himsa-sso.com"},
	{Name: "qa-eu", Label: "QA (EU)", Issuer: "https://idp-qa-eu.himsa-sso.com"},
}

// builtinByName: the production endpoints by name (for builtinName).
var builtinByName = map[string]Region{"global": {Env: EnvProduction}, "eu": {Env: EnvProduction}, "us": {Env: EnvProduction}, "au": {Env: EnvProduction}}

// Environment keys, under environments.<name>.
var (
	envKeys      = []string{"label", "client_id", "redirect_uri", "scopes", "offline_access", "global", "regions", "client_secret", "client_secret_file", "client_secret_env"}
	endpointKeys = []string{"issuer", "label", "api", "region", "client_secret", "client_secret_file", "client_secret_env"}
)

// FindEnvironment returns the environment called name.
func (c *Config) FindEnvironment(name string) (Environment, bool) {
	i := slices.IndexFunc(c.Environments, func(e Environment) bool { return e.Name == name })
	if i < 0 {
		return Environment{}, false
	}
	return c.Environments[i], true
}

// EnvironmentNames lists the environments in order.
func (c *Config) EnvironmentNames() []string {
	out := make([]string, len(c.Environments))
	for i, e := range c.Environments {
		out[i] = e.Name
	}
	return out
}

// ForEnvironment returns a copy of c with the environment called name
// selected: its endpoints are Regions, its registration the client ID,
// redirect URI and scopes; the selected region is kept when it has one of
// that name, else its global endpoint (else its first).
func (c Config) ForEnvironment(name string) (*Config, error) {
	e, ok := c.FindEnvironment(name)
	if !ok {
		return nil, fmt.Errorf("unknown environment %q; known: %s", name, strings.Join(c.EnvironmentNames(), ", "))
	}
	c.apply(e)
	if _, ok := c.FindRegion(c.Region); !ok && len(c.Regions) > 0 {
		c.Region = c.Regions[0].Name // the global endpoint when there is one: it comes first
	}
	return &c, nil
}

// For returns the configuration a session at r uses: c itself, or c with
// r's environment selected. An environment c does not have is an error
// (a session of another configuration), never a quiet fallback to c.
func (c *Config) For(r Region) (*Config, error) {
	if r.Env == "" || r.Env == c.Environment || len(c.Environments) == 0 && r.Env == c.envName() {
		return c, nil
	}
	out, err := c.ForEnvironment(r.Env)
	if err != nil {
		return nil, fmt.Errorf("the endpoint %s: %w", r.ID(), err)
	}
	return out, nil
}

// Envs are the environments, in order: Environments, or for a
// configuration made in code without them (tests, the flat shape before
// Load translated it) the one environment its flat fields describe.
func (c *Config) Envs() []Environment {
	if len(c.Environments) > 0 {
		return c.Environments
	}
	return []Environment{{Name: c.envName(), Endpoints: c.Regions, ClientID: c.ClientID, RedirectURI: c.RedirectURI,
		Scopes: c.Scopes, OfflineAccess: c.OfflineAccess}}
}

// Endpoints are the endpoints of every environment, in order.
func (c *Config) Endpoints() []Region {
	var out []Region
	for _, e := range c.Envs() {
		out = append(out, e.Endpoints...)
	}
	return out
}

func (c *Config) envName() string { return cmp.Or(c.Environment, EnvProduction) }

// apply selects e.
func (c *Config) apply(e Environment) {
	c.Environment = e.Name
	c.Regions = slices.Clone(e.Endpoints)
	c.ClientID, c.RedirectURI, c.Scopes, c.OfflineAccess = e.ClientID, e.RedirectURI, slices.Clone(e.Scopes), e.OfflineAccess
}

// ForeignIssuers are the issuers of the other environments, each named
// as people say it ("HIMSA production EU"): a token from one of them in a
// session of this environment is named for what it is.
func (c *Config) ForeignIssuers() map[string]string {
	m := map[string]string{}
	for _, e := range c.Environments {
		if e.Name == c.Environment {
			continue
		}
		for _, r := range e.Endpoints {
			name := r.Name
			if !r.IsGlobal() && len(name) <= 3 {
				name = strings.ToUpper(name) // "EU", as people say it
			}
			m[strings.TrimRight(r.Issuer, "/")] = e.Title() + " " + name
		}
	}
	return m
}

// envDefaults are the top-level settings every environment starts from.
type envDefaults struct {
	clientID, redirectURI string
	scopes                []string
	offlineAccess         bool
	secret                string // the top-level client secret
	secretFrom            string // where it was set ("client_secret_file in /…/config.yaml", "env SSODESK_CLIENT_SECRET")
}

// environments reads the built-in environments, the config's
// `environments:` and the legacy top-level `regions:` (which apply to the
// selected environment), and selects `environment`.
func (l *loader) environments(c *Config, d envDefaults) error {
	builtin, err := cast.ToBoolE(l.v.Get(KeyBuiltinRegions))
	if err != nil {
		return l.errorf(KeyBuiltinRegions, "must be true or false")
	}
	var envs []Environment
	if builtin {
		envs = BuiltinEnvironments()
	}
	if envs, err = l.userEnvironments(envs, d); err != nil {
		return err
	}
	selected, err := l.str(KeyEnvironment)
	if err != nil {
		return err
	}
	selected = cmp.Or(strings.ToLower(selected), EnvProduction)
	i := slices.IndexFunc(envs, func(e Environment) bool { return e.Name == selected })
	switch {
	case i >= 0:
	case len(envs) > 0:
		if err := l.selection(l.unknownEnvironment(selected, envs)); err != nil {
			return err
		}
		i = 0 // shown as the first, with the error
	default: // what a flat list without built-ins forms: production
		if selected != EnvProduction {
			if err := l.selection(l.unknownEnvironment(selected, []Environment{{Name: EnvProduction}})); err != nil {
				return err
			}
		}
		envs, i = []Environment{{Name: EnvProduction}}, 0 // made of the flat regions below
	}
	flat, err := l.regions()
	if err != nil {
		return err
	}
	for k, r := range flat { // legacy: a flat list belongs to the selected environment
		if j := indexRegion(legacyRegions, r.Name); j >= 0 && indexRegion(envs[i].Endpoints, r.Name) < 0 {
			envs[i].Endpoints = append(envs[i].Endpoints, legacyRegions[j])
		}
		flat[k].Global = r.Global || r.Name == GlobalRegion
	}
	envs[i].Endpoints = mergeRegions(envs[i].Endpoints, flat) // one merge: a list of 1000 stays fast
	legacy := !l.v.IsSet(KeyEnvironments)                     // a flat config: its secret keys are the top-level ones
	for j := range envs {
		finishEnvironment(&envs[j], d, legacy && j == i)
	}
	if len(envs[i].Endpoints) == 0 {
		return l.errorf(KeyBuiltinRegions, "is false, but the config lists no regions of its own")
	}
	c.Environments = envs
	c.apply(envs[i])
	return nil
}

func (l *loader) unknownEnvironment(name string, envs []Environment) error {
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e.Name
	}
	return l.errorf(KeyEnvironment, "unknown environment %q; known: %s", name, strings.Join(names, ", "))
}

// finishEnvironment fills what e leaves to the top level, and each
// endpoint's environment, order (global first) and secret.
func finishEnvironment(e *Environment, d envDefaults, topLevelKeys bool) {
	e.ClientID = cmp.Or(e.ClientID, d.clientID)
	e.RedirectURI = cmp.Or(e.RedirectURI, d.redirectURI)
	if len(e.Scopes) == 0 {
		e.Scopes = slices.Clone(d.scopes)
	}
	e.OfflineAccess = e.OfflineAccess || d.offlineAccess
	slices.SortStableFunc(e.Endpoints, func(a, b Region) int {
		switch {
		case a.Global == b.Global:
			return 0
		case a.Global:
			return -1
		}
		return 1
	})
	for k := range e.Endpoints {
		r := &e.Endpoints[k]
		r.Env, r.EnvLabel = e.Name, e.Title()
		switch { // the endpoint's own secret, else its environment's, else the top-level one
		case r.ClientSecret != "":
		case e.secret != "":
			r.ClientSecret, r.SecretKey = e.secret, e.secretFrom
		case d.secret != "":
			r.ClientSecret, r.SecretKey = d.secret, d.secretFrom
		}
		switch { // without a secret: the key that would set this endpoint's
		case r.SecretKey != "":
		case topLevelKeys:
			r.SecretKey = KeyClientSecretFile
		default:
			r.SecretKey = fmt.Sprintf("%s.%s.%s.%s", KeyEnvironments, e.Name, endpointPath(*r), KeyClientSecretFile)
		}
	}
}

// endpointPath is where an endpoint sits under environments.<name>.
func endpointPath(r Region) string {
	if r.Global {
		return "global"
	}
	return "regions." + r.Name
}

// userEnvironments overlays the config's `environments:` on base.
func (l *loader) userEnvironments(base []Environment, d envDefaults) ([]Environment, error) {
	raw := l.v.Get(KeyEnvironments)
	if raw == nil {
		return base, nil
	}
	m, err := cast.ToStringMapE(raw)
	if err != nil {
		return nil, l.errorf(KeyEnvironments, "must be a map of environment name → {label, client_id, redirect_uri, global, regions, …}")
	}
	out := slices.Clone(base)
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if err := checkRegionName(name); err != nil {
			return nil, l.errorf(KeyEnvironments+"."+name, "%v", strings.Replace(err.Error(), "region", "environment", 1))
		}
		i := slices.IndexFunc(out, func(e Environment) bool { return e.Name == name })
		if i < 0 {
			out, i = append(out, Environment{Name: name}), len(out)
		}
		if err := l.environment(&out[i], name, m[name]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// environment overlays one environments.<name> entry on e.
func (l *loader) environment(e *Environment, name string, raw any) error {
	key := KeyEnvironments + "." + name
	m, err := cast.ToStringMapE(raw)
	if err != nil {
		return l.errorf(key, "must be a map with label, client_id, redirect_uri, global, regions, …")
	}
	for k := range m {
		if !slices.Contains(envKeys, k) {
			return l.errorf(key+"."+k, "unknown key; known: %s", strings.Join(envKeys, ", "))
		}
	}
	e.Label = cmp.Or(cast.ToString(m["label"]), e.Label)
	e.ClientID = cmp.Or(cast.ToString(m["client_id"]), e.ClientID)
	if err := CheckClientID(e.ClientID); err != nil {
		return l.errorf(key+".client_id", "%v", err)
	}
	if uri := cast.ToString(m["redirect_uri"]); uri != "" {
		if _, err := ParseAppRedirectURI(uri); err != nil {
			return l.errorf(key+".redirect_uri", "%v", err)
		}
		e.RedirectURI = uri
	}
	if s, ok := m["scopes"]; ok {
		if e.Scopes, err = cast.ToStringSliceE(s); err != nil || !slices.Contains(e.Scopes, "openid") {
			return l.errorf(key+".scopes", "must be a list of scopes that includes openid")
		}
	}
	if v, ok := m["offline_access"]; ok {
		if e.OfflineAccess, err = cast.ToBoolE(v); err != nil {
			return l.errorf(key+".offline_access", "must be true or false")
		}
	}
	secret, from, err := l.endpointSecret(key, m)
	if err != nil {
		return err
	}
	if secret != "" {
		e.secret, e.secretFrom = secret, from
	}
	return l.endpoints(e, key, m)
}

// endpoints overlays environments.<name>.global and .regions on e.
func (l *loader) endpoints(e *Environment, key string, m map[string]any) error {
	var user []Region
	if g, ok := m["global"]; ok {
		r, err := l.endpoint(key+".global", GlobalRegion, g)
		if err != nil {
			return err
		}
		r.Global = true
		user = append(user, r)
	}
	if raw, ok := m["regions"]; ok {
		rm, err := cast.ToStringMapE(raw)
		if err != nil {
			return l.errorf(key+".regions", "must be a map of endpoint name (the code prefix it issues, eu, us, …, or any name with region:) → {issuer, label, api, region, client_secret_file}")
		}
		for _, prefix := range slices.Sorted(maps.Keys(rm)) {
			if err := checkRegionName(prefix); err != nil || prefix == GlobalRegion {
				return l.errorf(key+".regions."+prefix, "a regional endpoint is named by the code prefix it issues, or says it with region: (a-z, 0-9, - and _; not %q)", GlobalRegion)
			}
			r, err := l.endpoint(key+".regions."+prefix, prefix, rm[prefix])
			if err != nil {
				return err
			}
			user = append(user, r)
		}
	}
	for _, u := range user {
		if i := indexRegion(e.Endpoints, u.Name); i < 0 && u.Issuer == "" {
			return l.errorf(key+"."+endpointPath(u)+".issuer", "a new endpoint needs an issuer")
		}
	}
	e.Endpoints = mergeRegions(e.Endpoints, user)
	return nil
}

// endpoint reads one endpoint: an issuer URL, or a map with issuer, label,
// api and its client secret.
func (l *loader) endpoint(key, name string, raw any) (Region, error) {
	r := Region{Name: name}
	if s, ok := raw.(string); ok {
		raw = map[string]any{"issuer": s}
	}
	m, err := cast.ToStringMapE(raw)
	if err != nil {
		return r, l.errorf(key, "must be an issuer URL or a map with issuer, label, api, client_secret_file")
	}
	for k := range m {
		if !slices.Contains(endpointKeys, k) {
			return r, l.errorf(key+"."+k, "unknown key; known: %s", strings.Join(endpointKeys, ", "))
		}
	}
	r.Issuer, r.Label, r.API = cast.ToString(m["issuer"]), cast.ToString(m["label"]), cast.ToString(m["api"])
	if r.Code = cast.ToString(m["region"]); r.Code != "" && name == GlobalRegion {
		return r, l.errorf(key+".region", "the global endpoint serves every region: region: is for a regional endpoint")
	}
	if err := checkCode(r.Code); err != nil {
		return r, l.errorf(key+".region", "%v", err)
	}
	if r.Issuer != "" {
		if err := checkIssuer(r.Issuer); err != nil {
			return r, l.errorf(key+".issuer", "%v", err)
		}
	}
	if r.API != "" {
		if err := CheckSecretURL(r.API); err != nil {
			return r, l.errorf(key+".api", "%v", err)
		}
	}
	secret, from, err := l.endpointSecret(key, m)
	if err != nil {
		return r, err
	}
	r.ClientSecret, r.SecretKey = secret, from // "" when none: finishEnvironment fills them
	return r, nil
}

// endpointSecret reads client_secret, client_secret_file or
// client_secret_env of an environment or endpoint map ("" when none), and
// says which key it came from.
func (l *loader) endpointSecret(key string, m map[string]any) (secret, from string, err error) {
	secret, file, env := cast.ToString(m["client_secret"]), cast.ToString(m["client_secret_file"]), cast.ToString(m["client_secret_env"])
	if n := btoi(secret != "") + btoi(file != "") + btoi(env != ""); n > 1 {
		return "", "", l.errorf(key, "set one of client_secret, client_secret_file and client_secret_env, not several")
	}
	switch {
	case file != "":
		s, warning, err := readSecretFile(expandHome(file))
		if err != nil {
			return "", "", l.errorf(key+".client_secret_file", "%v", err)
		}
		if warning != "" {
			l.warnings = append(l.warnings, warning)
		}
		return s, l.whereFile(key+".client_secret_file", file), nil
	case env != "":
		s := strings.TrimSpace(os.Getenv(env))
		if s == "" {
			return "", "", l.errorf(key+".client_secret_env", "the environment variable %s is not set", env)
		}
		return s, l.whereFile(key+".client_secret_env", env), nil
	case secret != "":
		return secret, l.where(key + ".client_secret"), nil
	}
	return "", "", nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expandHome turns a leading ~/ into the home directory.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return home + string(os.PathSeparator) + rest
		}
	}
	return path
}

// builtinName reports whether a built-in environment (env; "" = production)
// has an endpoint called name, which a flat `regions:` entry may then
// override without an issuer.
func builtinName(env, name string) bool {
	env = cmp.Or(strings.ToLower(env), EnvProduction)
	if r, ok := builtinByName[name]; ok && r.Env == env { // the common case, without building the list
		return true
	}
	for _, e := range BuiltinEnvironments() {
		if e.Name == env {
			return indexRegion(e.Endpoints, name) >= 0 || indexRegion(legacyRegions, name) >= 0
		}
	}
	return indexRegion(legacyRegions, name) >= 0
}
