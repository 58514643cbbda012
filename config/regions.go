package config

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
}

// GlobalRegion is the name of the global endpoint, which lets the user pick an
// account in any region.
const GlobalRegion = "global"

// BuiltinRegions are the HIMSA endpoints from the HIMSA SSO developer page.
// HIMSA rule: global endpoint plus forced regional ones; QA hosts vary, so
// users may override or add regions in the config file.
func BuiltinRegions() []Region {
	return []Region{
		{Name: GlobalRegion, Label: "Global (pick an account in any region)", Issuer: "https://idp.himsa-sso.com"},
		{Name: "eu", Label: "EU production", Issuer: "https://idp-eu.himsa-sso.com"},
		{Name: "us", Label: "US production", Issuer: "https://idp-us.himsa-sso.com"},
		{Name: "au", Label: "AU production", Issuer: "https://idp-au.himsa-sso.com"},
		{Name: "qa", Label: "QA", Issuer: "https://idp-qa.himsa-sso.com"},
		{Name: "qa-eu", Label: "QA (EU)", Issuer: "https://idp-qa-eu.himsa-sso.com"},
	}
}

// mergeRegions overlays user regions on base: a user region with an existing
// name replaces the non-empty fields of that region; a new name is appended.
func mergeRegions(base, user []Region) []Region {
	out := append([]Region(nil), base...)
	for _, u := range user {
		i := indexRegion(out, u.Name)
		if i < 0 {
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
