package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/spf13/cast"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config keys, as written in config.yaml. Flags use the same names with "-"
// for "_"; environment variables are SSODESK_ + the key upper-cased with "."
// as "_" (SSODESK_CLIENT_ID, SSODESK_TIMEOUTS_HTTP).
const (
	KeyClientID         = "client_id"
	KeyClientSecret     = "client_secret"
	KeyClientSecretFile = "client_secret_file"
	KeyRedirectURI      = "redirect_uri"
	KeyScopes           = "scopes"
	KeyOfflineAccess    = "offline_access"
	KeyCultureLCID      = "culture_lcid"
	KeyUILocales        = "ui_locales"
	KeyACRValues        = "acr_values"
	KeyRegion           = "region"
	KeyRegions          = "regions"
	KeyHTTPTimeout      = "timeouts.http"
	KeyLoginTimeout     = "timeouts.login"
	KeyLeeway           = "leeway"
	KeyCAFile           = "ca_file"
	KeyAPIPresets       = "api_presets"
	KeyStore            = "store"
	KeyStoreDir         = "store_dir"
	KeyBuiltinRegions   = "builtin_regions"
	KeyExchangeAt       = "exchange_at"
	KeyAppHosts         = "app_hosts"
	KeyPreflight        = "preflight"
	KeyDiscoveryCache   = "discovery_cache"
	// Introspection (RFC 7662) authenticates as the API resource, not the client.
	KeyIntrospectionResource   = "introspection.resource"
	KeyIntrospectionSecret     = "introspection.secret"
	KeyIntrospectionSecretFile = "introspection.secret_file"
	// KeyPostLogoutRedirectURI is where the IdP's end-session sends the browser back.
	KeyPostLogoutRedirectURI = "post_logout_redirect_uri"
	KeyEnvironment           = "environment"
	KeyEnvironments          = "environments"
)

var knownKeys = []string{
	KeyClientID, KeyClientSecret, KeyClientSecretFile, KeyRedirectURI, KeyScopes,
	KeyOfflineAccess, KeyCultureLCID, KeyRegion, KeyRegions, KeyHTTPTimeout, KeyLoginTimeout, KeyLeeway,
	KeyCAFile, KeyAPIPresets, KeyStore, KeyStoreDir, KeyBuiltinRegions, KeyExchangeAt, KeyAppHosts,
	KeyEnvironment, KeyEnvironments, KeyPreflight, KeyDiscoveryCache, KeyIntrospectionResource, KeyIntrospectionSecret,
	KeyIntrospectionSecretFile, KeyPostLogoutRedirectURI, KeyUILocales, KeyACRValues,
}

var regionKeys = []string{"name", "label", "issuer", "api", "global", "region"}

var presetKeys = []string{"name", "method", "path", "query", "body"}

// EnvPrefix prefixes every environment variable ssodesk reads.
const EnvPrefix = "SSODESK"

// DefaultFile is $XDG_CONFIG_HOME/ssodesk/config.yaml (~/.config/... when unset).
func DefaultFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ssodesk", "config.yaml")
}

// Load reads the config file (file, or DefaultFile when empty; a missing
// default file is fine, a missing explicit one is not), SSODESK_* variables
// and the flags in flags that carry a config key's name (client-id,
// redirect-uri, region, offline-access, culture-lcid, ...). Every failure is
// an *Error naming the key and its source.
func Load(file string, flags *pflag.FlagSet) (*Config, error) {
	c, err := load(file, flags, false)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// LoadToShow is Load for `ssodesk config`, which shows the configuration
// even when it selects an environment or region it does not have: then the
// Config (with the environment's first one selected) comes with that
// *Error. Any other error comes alone, as from Load.
func LoadToShow(file string, flags *pflag.FlagSet) (*Config, error) {
	return load(file, flags, true)
}

func load(file string, flags *pflag.FlagSet, lenient bool) (*Config, error) {
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	v.SetDefault(KeyRedirectURI, DefaultRedirectURI)
	v.SetDefault(KeyScopes, DefaultScopes())
	v.SetDefault(KeyHTTPTimeout, DefaultHTTPTimeout.String())
	v.SetDefault(KeyLoginTimeout, DefaultLoginTimeout.String())
	v.SetDefault(KeyLeeway, DefaultLeeway.String())
	v.SetDefault(KeyBuiltinRegions, true)
	v.SetDefault(KeyExchangeAt, ExchangeGlobal)
	v.SetDefault(KeyPreflight, true)
	v.SetDefault(KeyDiscoveryCache, true)
	if flags != nil {
		for _, k := range knownKeys {
			if f := flags.Lookup(flagName(k)); f != nil {
				_ = v.BindPFlag(k, f) // cannot fail: f is non-nil
			}
		}
	}

	explicit := file != ""
	if !explicit {
		file = DefaultFile()
	}
	l := loader{v: v, flags: flags, lenient: lenient}
	if file != "" {
		if err := l.readFile(file, explicit); err != nil {
			return nil, err
		}
	}
	return l.build()
}

type loader struct {
	v        *viper.Viper
	flags    *pflag.FlagSet
	file     string
	warnings []string // become Config.Warnings
	// secretFrom is where the top-level client secret was set ("" = none).
	secretFrom string
	// lenient: a selection error (unknown environment or region) is kept in
	// selectErr and the first one selected instead (LoadToShow).
	lenient   bool
	selectErr error
}

// selection is a selection error: returned, or kept when lenient.
func (l *loader) selection(err error) error {
	if !l.lenient {
		return err
	}
	if l.selectErr == nil {
		l.selectErr = err
	}
	return nil
}

func (l *loader) readFile(file string, explicit bool) error {
	st, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil
	}
	if err != nil {
		return &Error{Source: file, Msg: "cannot read the config file: " + strings.TrimPrefix(err.Error(), "stat "+file+": ")}
	}
	if st.IsDir() {
		return &Error{Source: file, Msg: "is a directory, not a config file"}
	}
	data, err := readBounded(file)
	if err != nil {
		return &Error{Source: file, Msg: err.Error()}
	}
	l.v.SetConfigFile(file)
	switch ext := strings.ToLower(filepath.Ext(file)); ext {
	case ".yml", ".yaml", ".json", ".toml":
		l.v.SetConfigType(ext[1:])
	default:
		l.v.SetConfigType("yaml")
	}
	if err := l.v.ReadConfig(bytes.NewReader(data)); err != nil {
		return &Error{Source: file, Msg: "cannot parse: " + oneLine(err.Error())}
	}
	l.file = file
	if l.v.InConfig(KeyClientSecret) {
		if w := exposedWarning(file, st.Mode(), "holds client_secret"); w != "" {
			l.warnings = append(l.warnings, w)
		}
	}
	// Unknown keys are almost always typos ("client-id", "redirect_url"): refuse them.
	for _, k := range l.v.AllKeys() {
		if l.v.InConfig(k) && !slices.Contains(knownKeys, k) && !strings.HasPrefix(k, KeyRegions+".") && !strings.HasPrefix(k, KeyAppHosts+".") &&
			!strings.HasPrefix(k, KeyEnvironments+".") {
			return &Error{Source: file, Key: k, Msg: "unknown key; known keys: " + strings.Join(knownKeys, ", ")}
		}
	}
	return nil
}

// maxConfigFile bounds a config file (a real one is a few KB).
const maxConfigFile = 1 << 20

// readBounded reads a config file of at most maxConfigFile bytes. Only a
// regular file is read: a device (/dev/zero) never ends and a FIFO blocks.
// It is opened without blocking and checked once open, so a file swapped
// after a look cannot make it wait.
func readBounded(file string) ([]byte, error) {
	f, err := os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read the config file: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read the config file: %v", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("is not a regular file (%s): a config file must be a plain file", kindOf(st.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the config file: %v", err)
	}
	if len(data) > maxConfigFile {
		return nil, fmt.Errorf("is larger than %d MB, more than a config file holds: not reading it", maxConfigFile>>20)
	}
	return data, nil
}

// source says where key's value came from, for error messages.
func (l *loader) source(key string) string {
	if l.flags != nil {
		if f := l.flags.Lookup(flagName(key)); f != nil && f.Changed {
			return "flag --" + f.Name
		}
	}
	env := EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
	if _, ok := os.LookupEnv(env); ok {
		return "env " + env
	}
	for k := key; l.file != "" && k != ""; k, _ = cutLast(k) {
		if l.v.InConfig(k) { // a key under environments. is in the file when its parent is
			return l.file
		}
	}
	return "default"
}

func (l *loader) errorf(key, format string, args ...any) error {
	return &Error{Source: l.source(key), Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (l *loader) build() (*Config, error) {
	v := l.v
	c := &Config{File: l.file}
	var err error
	if c.ClientID, err = l.str(KeyClientID); err != nil {
		return nil, err
	}
	if err := CheckClientID(c.ClientID); err != nil {
		return nil, l.errorf(KeyClientID, "%v", err)
	}
	if c.ClientSecret, err = l.secret(); err != nil {
		return nil, err
	}
	if c.RedirectURI, err = l.str(KeyRedirectURI); err != nil {
		return nil, err
	}
	if _, err := ParseAppRedirectURI(c.RedirectURI); err != nil {
		return nil, l.errorf(KeyRedirectURI, "%v", err)
	}
	scopes, err := cast.ToStringSliceE(v.Get(KeyScopes))
	if err != nil {
		return nil, l.errorf(KeyScopes, "must be a list of scopes, e.g. [openid, profile]")
	}
	if len(scopes) == 1 { // from a flag or env: "openid profile x"
		scopes = strings.FieldsFunc(scopes[0], func(r rune) bool { return r == ' ' || r == ',' })
	}
	c.Scopes = trimAll(scopes)
	if !slices.Contains(c.Scopes, "openid") {
		return nil, l.errorf(KeyScopes, "must include openid (the login needs an ID token), got %v", c.Scopes)
	}
	if c.OfflineAccess, err = cast.ToBoolE(v.Get(KeyOfflineAccess)); err != nil {
		return nil, l.errorf(KeyOfflineAccess, "must be true or false, got %q", fmt.Sprint(v.Get(KeyOfflineAccess)))
	}
	if raw := v.Get(KeyCultureLCID); raw != nil && fmt.Sprint(raw) != "" {
		n, err := cast.ToIntE(raw)
		if err != nil || n < 0 || n > 0xFFFF {
			return nil, l.errorf(KeyCultureLCID, "must be a Windows culture LCID number such as 1033 (en-US) or 1030 (da-DK), got %q", fmt.Sprint(raw))
		}
		c.CultureLCID = n
	}
	if c.UILocales, c.ACRValues, err = l.loginWords(); err != nil {
		return nil, err
	}
	if c.HTTPTimeout, err = l.duration(KeyHTTPTimeout); err != nil {
		return nil, err
	}
	if c.LoginTimeout, err = l.duration(KeyLoginTimeout); err != nil {
		return nil, err
	}
	if c.Leeway, err = l.duration(KeyLeeway); err != nil {
		return nil, err
	}
	if c.Leeway > MaxLeeway {
		return nil, l.errorf(KeyLeeway, "at most %s (a larger leeway would accept long-expired tokens), got %s", MaxLeeway, c.Leeway)
	}
	if c.CAFile, err = l.str(KeyCAFile); err != nil {
		return nil, err
	}
	if c.CAFile != "" {
		if st, err := os.Stat(c.CAFile); err != nil || st.IsDir() {
			return nil, l.errorf(KeyCAFile, "cannot read the CA bundle %s", c.CAFile)
		}
	}
	if c.Store, err = l.str(KeyStore); err != nil {
		return nil, err
	}
	switch c.Store = strings.ToLower(c.Store); c.Store {
	case "none":
		c.Store = ""
	case "", StoreFile, StoreKeyring:
	default:
		return nil, l.errorf(KeyStore, "must be none, file or keyring, got %q", c.Store)
	}
	if c.StoreDir, err = l.str(KeyStoreDir); err != nil {
		return nil, err
	}
	if c.APIPresets, err = l.presets(); err != nil {
		return nil, err
	}
	if err := l.buildRegions(c); err != nil {
		return nil, err
	}
	if c.DiscoveryCache, err = cast.ToBoolE(v.Get(KeyDiscoveryCache)); err != nil {
		return nil, l.errorf(KeyDiscoveryCache, "must be true or false")
	}
	if c.Preflight, err = cast.ToBoolE(v.Get(KeyPreflight)); err != nil {
		return nil, l.errorf(KeyPreflight, "must be true or false")
	}
	if err := l.sessionEnd(c); err != nil {
		return nil, err
	}
	if err := l.perf(c); err != nil {
		return nil, err
	}
	c.Warnings = l.warnings
	if l.selectErr != nil {
		return c, l.selectErr
	}
	return c, nil
}

// buildRegions reads the environments and their endpoints (built-in and the
// config's), the environment and region to preselect, exchange_at and
// app_hosts into c.
func (l *loader) buildRegions(c *Config) error {
	v := l.v
	d := envDefaults{clientID: c.ClientID, redirectURI: c.RedirectURI, scopes: c.Scopes, offlineAccess: c.OfflineAccess, secret: c.ClientSecret,
		secretFrom: l.secretFrom}
	region, err := l.str(KeyRegion)
	if err != nil {
		return err
	}
	if err := l.environments(c, d); err != nil {
		return err
	}
	// No region: the environment's global endpoint, else its first (the
	// global one sorts first).
	if c.Region = cmp.Or(region, c.Regions[0].Name); !slices.Contains(c.RegionNames(), c.Region) {
		hint := ""
		if _, isEnv := c.FindEnvironment(c.Region); isEnv {
			hint = fmt.Sprintf(" (%s is an environment: use --env %s)", c.Region, c.Region)
		}
		err := l.errorf(KeyRegion, "unknown region %q in environment %s; known: %s%s", c.Region, c.Environment, strings.Join(c.RegionNames(), ", "), hint)
		if c.Region = c.Regions[0].Name; l.selection(err) != nil {
			return err
		}
	}
	if c.ExchangeAt, err = l.str(KeyExchangeAt); err != nil {
		return err
	}
	if c.ExchangeAt = strings.ToLower(c.ExchangeAt); !slices.Contains(ExchangeModes, c.ExchangeAt) {
		return l.errorf(KeyExchangeAt, "must be %s (exchange every code at the endpoint you logged in at, HIMSA's default for desktop apps) "+
			"or %s (at the regional endpoint the code's prefix names), got %q", ExchangeGlobal, ExchangeCodeRegion, c.ExchangeAt)
	}
	names := c.RegionNames()
	for _, r := range c.Regions { // an entry may name an endpoint or the region: it serves
		if r.Code != "" && !slices.Contains(names, r.Code) {
			names = append(names, r.Code)
		}
	}
	if c.AppHosts, err = parseAppHosts(v.Get(KeyAppHosts), names); err != nil {
		return l.errorf(KeyAppHosts, "%v", err)
	}
	return nil
}

func (l *loader) str(key string) (string, error) {
	s, err := cast.ToStringE(l.v.Get(key))
	if err != nil {
		return "", l.errorf(key, "must be a string")
	}
	return strings.TrimSpace(s), nil
}

func (l *loader) duration(key string) (time.Duration, error) {
	raw := l.v.Get(key)
	d, err := cast.ToDurationE(raw)
	if err != nil || d <= 0 {
		return 0, l.errorf(key, "must be a positive duration such as 30s or 5m, got %q", fmt.Sprint(raw))
	}
	return d, nil
}

// secret reads client_secret, or the file named by client_secret_file,
// and where it was set (l.secretFrom). When both are set, the one from the
// higher layer wins (a flag beats the environment, which beats the file:
// SSODESK_CLIENT_SECRET beside a client_secret_file in the file is the
// environment's); both in one layer is an error. Neither value is ever put
// into an error message.
func (l *loader) secret() (string, error) {
	s, err := l.str(KeyClientSecret)
	if err != nil {
		return "", err
	}
	path, err := l.str(KeyClientSecretFile)
	if err != nil {
		return "", err
	}
	if s != "" && path != "" {
		switch ls, lf := l.layer(KeyClientSecret), l.layer(KeyClientSecretFile); {
		case ls == lf:
			return "", l.errorf(KeyClientSecretFile, "set either client_secret or client_secret_file, not both (client_secret from %s)", l.source(KeyClientSecret))
		case ls > lf:
			path = ""
		default:
			s = ""
		}
	}
	if path == "" {
		if s != "" {
			l.secretFrom = l.where(KeyClientSecret)
		}
		return s, nil
	}
	secret, warning, err := readSecretFile(expandHome(path))
	if err != nil {
		return "", l.errorf(KeyClientSecretFile, "%v", err)
	}
	if warning != "" {
		l.warnings = append(l.warnings, warning)
	}
	l.secretFrom = l.whereFile(KeyClientSecretFile, path)
	return secret, nil
}

// layer ranks where key's value came from: a flag 3, the environment 2,
// the file 1, a default 0 (flags beat the environment, which beats the file).
func (l *loader) layer(key string) int {
	switch src := l.source(key); {
	case strings.HasPrefix(src, "flag "):
		return 3
	case strings.HasPrefix(src, "env "):
		return 2
	case src == "default":
		return 0
	}
	return 1
}

// where names key and its source for a person: "client_secret_file in
// /…/config.yaml", "env SSODESK_CLIENT_SECRET", "flag --client-id".
func (l *loader) where(key string) string {
	if src := l.source(key); src != l.file || l.file == "" {
		return src
	}
	return key + " in " + l.file
}

// whereFile is where for a key naming a file: "client_secret_file:
// ~/s/eu in /…/config.yaml", "env SSODESK_CLIENT_SECRET_FILE=~/s/eu".
func (l *loader) whereFile(key, path string) string {
	if src := l.source(key); src != l.file || l.file == "" {
		return src + "=" + path
	}
	return key + ": " + path + " in " + l.file
}

func (l *loader) regions() ([]Region, error) {
	raw := l.v.Get(KeyRegions)
	if raw == nil {
		return nil, nil
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, l.errorf(KeyRegions, "must be a list of regions, each with name and issuer (and optional label, api)")
	}
	out := make([]Region, 0, len(items))
	env := l.v.GetString(KeyEnvironment)
	for i, it := range items {
		m, err := stringMap(it)
		key := regionKey(i)
		if err != nil {
			return nil, l.errorf(KeyRegions, "%s must be a map with name, issuer, label, api", key)
		}
		for k := range m {
			if !slices.Contains(regionKeys, k) {
				return nil, l.errorf(KeyRegions, "%s has unknown key %q; known: %s", key, k, strings.Join(regionKeys, ", "))
			}
		}
		r := Region{Name: m["name"], Label: m["label"], Issuer: m["issuer"], API: m["api"], Global: m["global"] == "true", Code: m["region"]}
		if err := checkRegionName(r.Name); err != nil {
			return nil, l.errorf(KeyRegions, "%s: %v", key, err)
		}
		if err := checkCode(r.Code); err != nil {
			return nil, l.errorf(KeyRegions, "%s (%s) region: %v", key, r.Name, err)
		}
		if r.Issuer == "" && (!builtinName(env, r.Name) || !l.v.GetBool(KeyBuiltinRegions)) {
			return nil, l.errorf(KeyRegions, "%s (%s): a new region needs an issuer", key, r.Name)
		}
		if r.Issuer != "" {
			if err := checkIssuer(r.Issuer); err != nil {
				return nil, l.errorf(KeyRegions, "%s (%s) issuer: %v", key, r.Name, err)
			}
		}
		if r.API != "" {
			if err := checkIssuer(r.API); err != nil {
				return nil, l.errorf(KeyRegions, "%s (%s) api: %v", key, r.Name, err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// regionKey names the i-th region in messages: regions[3].
type regionKey int

func (i regionKey) String() string { return fmt.Sprintf("%s[%d]", KeyRegions, int(i)) }

// stringMap is a region's map with its values as strings; YAML gives
// map[string]any with string values, which needs no conversion.
func stringMap(it any) (map[string]string, error) {
	if m, ok := it.(map[string]any); ok {
		out := make(map[string]string, len(m))
		for k, v := range m {
			s, ok := v.(string)
			if !ok {
				return cast.ToStringMapStringE(it)
			}
			out[k] = s
		}
		return out, nil
	}
	return cast.ToStringMapStringE(it)
}

// presets reads api_presets: a list of {name, method, path, query, body}.
func (l *loader) presets() ([]APIPreset, error) {
	raw := l.v.Get(KeyAPIPresets)
	if raw == nil {
		return nil, nil
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, l.errorf(KeyAPIPresets, "must be a list of presets, each with name and path (and optional method, query, body)")
	}
	var out []APIPreset
	for i, it := range items {
		key := fmt.Sprintf("%s[%d]", KeyAPIPresets, i)
		m, err := cast.ToStringMapStringE(it)
		if err != nil {
			return nil, l.errorf(KeyAPIPresets, "%s must be a map with name, method, path, query, body", key)
		}
		for k := range m {
			if !slices.Contains(presetKeys, k) {
				return nil, l.errorf(KeyAPIPresets, "%s has unknown key %q; known: %s", key, k, strings.Join(presetKeys, ", "))
			}
		}
		p := APIPreset{Name: m["name"], Method: strings.ToUpper(m["method"]), Path: m["path"], Query: m["query"], Body: m["body"]}
		switch {
		case p.Name == "" || p.Path == "":
			return nil, l.errorf(KeyAPIPresets, "%s needs a name and a path", key)
		case strings.Contains(p.Path, "://"):
			return nil, l.errorf(KeyAPIPresets, "%s (%s): path %q must be relative to the API base", key, p.Name, p.Path)
		case p.Method != "" && !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}, p.Method):
			return nil, l.errorf(KeyAPIPresets, "%s (%s): unknown method %q", key, p.Name, p.Method)
		}
		out = append(out, p)
	}
	return out, nil
}

func flagName(key string) string {
	if key == KeyEnvironment {
		return "env"
	}
	return strings.NewReplacer("_", "-", ".", "-").Replace(key)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cutLast drops the last dotted segment of key ("a.b.c" → "a.b").
func cutLast(key string) (string, bool) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return "", false
	}
	return key[:i], true
}

// sessionEnd reads what ending a session needs: the post-logout redirect
// URI and the API resource's credentials for introspection.
func (l *loader) sessionEnd(c *Config) error {
	var err error
	if c.PostLogoutRedirectURI, err = l.str(KeyPostLogoutRedirectURI); err != nil {
		return err
	}
	if c.PostLogoutRedirectURI != "" {
		if err := CheckSecretURL(c.PostLogoutRedirectURI); err != nil {
			return l.errorf(KeyPostLogoutRedirectURI, "%v", err)
		}
	}
	if c.Introspection.Resource, err = l.str(KeyIntrospectionResource); err != nil {
		return err
	}
	secret, file := l.v.GetString(KeyIntrospectionSecret), l.v.GetString(KeyIntrospectionSecretFile)
	switch {
	case secret != "" && file != "":
		return l.errorf(KeyIntrospectionSecretFile, "set either introspection.secret or introspection.secret_file, not both")
	case file != "":
		s, warning, err := readSecretFile(expandHome(file))
		if err != nil {
			return l.errorf(KeyIntrospectionSecretFile, "%v", err)
		}
		if warning != "" {
			l.warnings = append(l.warnings, warning)
		}
		secret = s
	}
	c.Introspection.Secret = secret
	return nil
}

// loginWords reads ui_locales and acr_values.
func (l *loader) loginWords() (uiLocales, acrValues string, err error) {
	if uiLocales, err = l.printableWords(KeyUILocales); err != nil {
		return "", "", err
	}
	acrValues, err = l.printableWords(KeyACRValues)
	return uiLocales, acrValues, err
}

// printableWords reads key as space-separated words (a list is joined),
// refusing control characters and more than 1000 characters.
func (l *loader) printableWords(key string) (string, error) {
	raw := l.v.Get(key)
	if raw == nil {
		return "", nil
	}
	var s string
	if list, err := cast.ToStringSliceE(raw); err == nil && len(list) > 1 {
		s = strings.Join(list, " ")
	} else {
		s = fmt.Sprint(raw)
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 1000 || strings.ContainsFunc(s, unicode.IsControl) {
		return "", l.errorf(key, "must be space-separated words without control characters (at most 1000 characters)")
	}
	return s, nil
}
