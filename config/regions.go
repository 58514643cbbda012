package config

import "fmt"

// Region is one HIMSA IdP endpoint the user can log in at.
type Region struct {
	// Name is the short key used on the command line and in config (e.g. "eu").
	Name string `json:"name"`
	// Label is a human description ("EU production").
	Label string `json:"label,omitempty"`
	// Issuer is the IdP's issuer URL; discovery is read from
	// Issuer + "/.well-known/openid-configuration".
	Issuer string `json:"issuer"`
	// API, when set, overrides the API base URI taken from the ID token's `api` claim.
	API string `json:"api,omitempty"`
	// Env is the environment the endpoint belongs to, EnvLabel its title.
	Env      string `json:"environment,omitempty"`
	EnvLabel string `json:"-"`
	// Global marks the environment's global endpoint: the user picks an
	// account in any region there, and the code's prefix names that region.
	Global bool `json:"global,omitempty"`
	// Code is the region (code prefix, "eu") whose codes this endpoint
	// issues, when it is not its Name (an endpoint called "lab-eu"); config
	// key region:. See EndpointForCode.
	Code string `json:"region,omitempty"`
	// ClientSecret is the secret this endpoint's token endpoint gets (the
	// endpoint's own, else its environment's, else the top-level one); ""
	// for a public client. SecretKey is the config key that sets it.
	ClientSecret string `json:"-"`
	SecretKey    string `json:"-"`
}

// IsGlobal reports whether r is its environment's global endpoint (a
// region named "global" counts, for configurations made by hand).
func (r Region) IsGlobal() bool { return r.Global || r.Name == GlobalRegion }

// GlobalRegion is the name of the global endpoint, which lets the user pick an
// account in any region.
const GlobalRegion = "global"

// BuiltinRegions are the endpoints of the built-in production environment
// (see BuiltinEnvironments). HIMSA rule: a global endpoint plus forced
// regional ones.
func BuiltinRegions() []Region { return BuiltinEnvironments()[0].Endpoints }

// mergeRegions overlays user regions on base: a user region with an existing
// name replaces the non-empty fields of that region; a new name is appended.
func mergeRegions(base, user []Region) []Region {
	out := append([]Region(nil), base...)
	index := make(map[string]int, len(base)+len(user))
	for i, r := range out {
		index[r.Name] = i
	}
	for _, u := range user {
		i, ok := index[u.Name]
		if !ok {
			i = -1
		}
		if i < 0 {
			index[u.Name] = len(out)
			out = append(out, u)
			continue
		}
		if u.Label != "" {
			out[i].Label = u.Label
		}
		if u.Issuer != "" {
			out[i].Issuer = u.Issuer
		}
		if u.API != "" {
			out[i].API = u.API
		}
		if u.ClientSecret != "" {
			out[i].ClientSecret = u.ClientSecret
		}
		if u.SecretKey != "" {
			out[i].SecretKey = u.SecretKey
		}
		if u.Code != "" {
			out[i].Code = u.Code
		}
		out[i].Global = out[i].Global || u.Global
	}
	return out
}

func indexRegion(rs []Region, name string) int {
	for i, r := range rs {
		if r.Name == name {
			return i
		}
	}
	return -1
}

// EndpointID names one endpoint of one environment: the one identity of an
// endpoint (kept sessions, the picker's marks, the health cache). Env is
// never empty for a loaded config (the flat shape is production).
type EndpointID struct {
	Env, Name string
}

// String is "env/name", for people and map keys that must be text.
func (id EndpointID) String() string { return id.Env + "/" + id.Name }

// ID is r's identity; an endpoint without an environment is production's.
func (r Region) ID() EndpointID {
	env := r.Env
	if env == "" {
		env = EnvProduction
	}
	return EndpointID{Env: env, Name: r.Name}
}

// EndpointForCode is the regional endpoint of regions (one environment's)
// that serves the region a code's prefix names: the first whose region:
// (Code) is prefix, else the first without a region: of its own that is
// named prefix. A global endpoint serves no one region. HIMSA rule: the
// code's prefix names a region within the environment of the login.
func EndpointForCode(regions []Region, prefix string) (Region, bool) {
	if prefix == "" {
		return Region{}, false
	}
	for _, r := range regions {
		if !r.IsGlobal() && r.Code == prefix {
			return r, true
		}
	}
	for _, r := range regions {
		if !r.IsGlobal() && r.Code == "" && r.Name == prefix {
			return r, true
		}
	}
	return Region{}, false
}

// EndpointForCode is the endpoint of the selected environment that serves
// the code prefix's region (see the function EndpointForCode).
func (c *Config) EndpointForCode(prefix string) (Region, bool) {
	return EndpointForCode(c.Regions, prefix)
}

// NoEndpointForCode says that no endpoint of an environment serves the
// region a code's prefix names, and how to name one.
func NoEndpointForCode(prefix string) string {
	return fmt.Sprintf("no configured endpoint serves the code's region %q (none is named %s or says region: %s; set region: %s on the endpoint that issues its codes)",
		prefix, prefix, prefix, prefix)
}
