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
	if c.UILocales != "" {
		fmt.Fprintf(&b, "ui_locales:     %s\n", c.UILocales)
	}
	if c.ACRValues != "" {
		fmt.Fprintf(&b, "acr_values:     %s\n", c.ACRValues)
	}
	fmt.Fprintf(&b, "environment:    %s\n", c.Environment)
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
	describeEnvironments(&b, c)
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(not set)"
	}
	return s
}

// describeEnvironments writes every environment in the shape of the
// config's `environments:` key (what a flat config file amounts to), the
// selected one marked, secrets only as set or not.
func describeEnvironments(b *strings.Builder, c *Config) {
	fmt.Fprintf(b, "environments:\n")
	for _, e := range c.Environments {
		mark := ""
		if e.Name == c.Environment {
			mark = "  # selected"
		}
		fmt.Fprintf(b, "  %s:%s\n    label: %s\n    client_id: %s\n    redirect_uri: %s\n", e.Name, mark, e.Title(), orNone(e.ClientID), e.RedirectURI)
		var regional []Region
		for _, r := range e.Endpoints {
			if r.Global {
				fmt.Fprintf(b, "    global: %s%s\n", r.Issuer, endpointNote(r))
				continue
			}
			regional = append(regional, r)
		}
		if len(regional) > 0 {
			fmt.Fprintf(b, "    regions:\n")
		}
		for _, r := range regional {
			fmt.Fprintf(b, "      %-8s %s%s\n", r.Name+":", r.Issuer, endpointNote(r))
		}
	}
}

func endpointNote(r Region) string {
	var n []string
	if r.Label != "" {
		n = append(n, r.Label)
	}
	if r.Code != "" {
		n = append(n, "region "+r.Code)
	}
	if r.API != "" {
		n = append(n, "api "+r.API)
	}
	if r.ClientSecret != "" {
		n = append(n, "secret set ("+r.SecretKey+")")
	}
	if len(n) == 0 {
		return ""
	}
	return "   # " + strings.Join(n, "; ")
}
