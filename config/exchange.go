package config

import (
	"fmt"
	"slices"
	"strings"
)

// Values of exchange_at: where a login exchanges its authorization code.
const (
	// ExchangeGlobal exchanges the code at the endpoint the user logged in at
	// (HIMSA 2b: any code at the global endpoint, which hands it to the
	// issuing regional IdP). The default, as for desktop apps.
	ExchangeGlobal = "global"
	// ExchangeCodeRegion exchanges the code at the regional endpoint its
	// prefix names ("eu." → the eu region's IdP), when that region is
	// configured (HIMSA 2b: "exchange on a specific regional IdP according
	// to the prefix of the auth_code").
	ExchangeCodeRegion = "code-region"
)

// ExchangeModes lists the values of exchange_at.
var ExchangeModes = []string{ExchangeGlobal, ExchangeCodeRegion}

// AppHosts maps a code region to the host of a web app hosted in that
// region: region name → URL, plus "default", a template in which {region}
// is replaced by the region's name. HIMSA rule (2/2a): redirect the user to
// a hosted version of the app in the same location as the account chosen
// (app.company.com → app-eu.company.com), for data residency.
type AppHosts map[string]string

// AppHostDefault is the app_hosts entry used for regions without their own.
const AppHostDefault = "default"

// AppHostPlaceholder is replaced by the region's name in an app_hosts template.
const AppHostPlaceholder = "{region}"

// For returns the app host for a code region ("" when the region is empty
// or no entry applies).
func (h AppHosts) For(region string) string {
	if region == "" || len(h) == 0 {
		return ""
	}
	if u, ok := h[region]; ok {
		return strings.ReplaceAll(u, AppHostPlaceholder, region)
	}
	if t, ok := h[AppHostDefault]; ok {
		return strings.ReplaceAll(t, AppHostPlaceholder, region)
	}
	return ""
}

// ForCode is For of a code's region prefix, whose entry may also be under
// the name of the endpoint that serves it (endpoint, from EndpointForCode:
// "lab-eu" for "eu").
func (h AppHosts) ForCode(prefix, endpoint string) string {
	if _, ok := h[prefix]; !ok && endpoint != "" && prefix != "" {
		if u, ok := h[endpoint]; ok {
			return strings.ReplaceAll(u, AppHostPlaceholder, prefix)
		}
	}
	return h.For(prefix)
}

// parseAppHosts reads app_hosts: a template string ("https://app-{region}.example.com")
// or a map of region → URL with an optional "default" template. regions are
// the configured region names a map key must be one of.
func parseAppHosts(raw any, regions []string) (AppHosts, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case string:
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, nil
		}
		if !strings.Contains(v, AppHostPlaceholder) {
			return nil, fmt.Errorf("a single app host must be a template with %s, e.g. https://app-%s.example.com, got %q (or give a map: {default: …, eu: …})",
				AppHostPlaceholder, AppHostPlaceholder, v)
		}
		if err := checkAppHost(v); err != nil {
			return nil, err
		}
		return AppHosts{AppHostDefault: v}, nil
	case map[string]any:
		out := make(AppHosts, len(v))
		for k, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("%s: must be a URL string, got %v", k, x)
			}
			if k != AppHostDefault && !slices.Contains(regions, k) {
				return nil, fmt.Errorf("%q is not a configured region (known: %s) nor %q", k, strings.Join(regions, ", "), AppHostDefault)
			}
			if err := checkAppHost(strings.TrimSpace(s)); err != nil {
				return nil, fmt.Errorf("%s: %v", k, err)
			}
			out[k] = strings.TrimSpace(s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("must be a URL template with %s or a map of region → URL (with an optional default), got %v", AppHostPlaceholder, raw)
}

// checkAppHost checks an app host URL (with {region} filled in): absolute,
// https, or http on loopback (a local test app).
func checkAppHost(raw string) error {
	return CheckSecretURL(strings.ReplaceAll(raw, AppHostPlaceholder, "eu"))
}
