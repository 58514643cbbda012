package config

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Describe renders the effective configuration for `ssodesk config`, with the
// client secret masked.
func (c *Config) Describe() string {
	var b strings.Builder
	file := c.File
	if file == "" {
		file = "(none; using defaults — expected at " + DefaultFile() + ")"
	}
	fmt.Fprintf(&b, "config file:    %s\n", file)
	fmt.Fprintf(&b, "client_id:      %s\n", orNone(c.ClientID))
	fmt.Fprintf(&b, "client_secret:  %s\n", MaskSecret(c.ClientSecret))
	fmt.Fprintf(&b, "redirect_uri:   %s\n", c.RedirectURI)
	fmt.Fprintf(&b, "scopes:         %s\n", strings.Join(c.EffectiveScopes(), " "))
	fmt.Fprintf(&b, "offline_access: %t\n", c.OfflineAccess)
	lcid := "(not sent)"
	if c.CultureLCID != 0 {
		lcid = fmt.Sprint(c.CultureLCID)
	}
	fmt.Fprintf(&b, "culture_lcid:   %s\n", lcid)
	fmt.Fprintf(&b, "region:         %s\n", c.Region)
	fmt.Fprintf(&b, "timeouts:       http %s, login %s\n", c.HTTPTimeout, c.LoginTimeout)
	fmt.Fprintf(&b, "leeway:         %s (clock skew tolerated on exp, nbf, iat)\n", c.Leeway)
	fmt.Fprintf(&b, "ca_file:        %s\n", cmp.Or(c.CAFile, "(system CAs only)"))
	fmt.Fprintf(&b, "store:          %s\n", cmp.Or(c.Store, "none (sessions are not kept)"))
	fmt.Fprintf(&b, "exchange_at:    %s\n", cmp.Or(c.ExchangeAt, ExchangeGlobal))
	if len(c.AppHosts) > 0 {
		fmt.Fprintf(&b, "app_hosts:\n")
		for _, k := range slices.Sorted(maps.Keys(c.AppHosts)) {
			fmt.Fprintf(&b, "  %-8s %s\n", k, c.AppHosts[k])
		}
	}
	if len(c.APIPresets) > 0 {
		fmt.Fprintf(&b, "api_presets:\n")
		for _, p := range c.APIPresets {
			fmt.Fprintf(&b, "  %-12s %s %s\n", p.Name, cmp.Or(p.Method, "GET"), p.Path)
		}
	}
	fmt.Fprintf(&b, "regions:\n")
	for _, r := range c.Regions {
		api := ""
		if r.API != "" {
			api = "  api " + r.API
		}
		fmt.Fprintf(&b, "  %-8s %-34s %s%s\n", r.Name, r.Issuer, r.Label, api)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(not set)"
	}
	return s
}
