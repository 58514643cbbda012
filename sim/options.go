package sim

import (
	"fmt"
	"strings"
	"time"
)

// GlobalRegion is the name of the global endpoint. Its login page lists the
// accounts of every region and its token endpoint exchanges codes of every
// region.
const GlobalRegion = "global"

// APIScope is the scope an app requests to call the Noah cloud API.
const APIScope = "noah.cloud.app.users.api"

// APIAdminScope is the scope the API's /v1/admin/tenants route needs besides
// APIScope. No client may request it (an App whose Scopes list it aside),
// so that route answers 403 insufficient_scope.
const APIAdminScope = "noah.cloud.app.admin.api"

// Options configures [Start]. The zero value is usable: every field has a
// default.
type Options struct {
	// Regions lists the endpoints to start. Default: "global", "eu", "us",
	// "au", "qa". "global" is always the global endpoint. Names must be
	// lower-case letters, digits or '-', and unique.
	Regions []string
	// ClientID is the public PKCE client (native app). Default "ssodesk-demo".
	ClientID string
	// ServiceClientID and ServiceClientSecret identify the client-credentials
	// client. Default "ssodesk-service" / "demo-secret".
	ServiceClientID, ServiceClientSecret string
	// ConfidentialClientID is a PKCE client with a client secret per region,
	// as HIMSA recommends ("different client secrets for each of your
	// regions"): ConfidentialSecrets[region], default "demo-secret-<region>".
	// Default ID "ssodesk-confidential".
	ConfidentialClientID string
	ConfidentialSecrets  map[string]string
	// APIResourceSecret is the secret of the API resource (named APIScope)
	// that introspection authenticates with, as in IdentityServer. Default
	// "api-secret".
	APIResourceSecret string
	// BasePort chooses the ports: 0 picks random free ports; otherwise the
	// IdP of Regions[i] listens on BasePort+2*i and its API on BasePort+2*i+1.
	BasePort int
	// AccessTokenLifetime defaults to 1h.
	AccessTokenLifetime time.Duration
	// IDTokenLifetime defaults to 1h.
	IDTokenLifetime time.Duration
	// GlobalExchangeIssuer decides who issues the tokens when the global
	// endpoint's token endpoint redeems a code or refresh token of a region:
	// IssuerGlobal (the default; iss is the global issuer) or IssuerRegional
	// (the region's provider handles the request, so iss is the regional
	// issuer and the tokens are signed with the regional key). HIMSA does not
	// document which one it does. Tests can switch it at run time with
	// [Hooks.SetGlobalExchangeIssuer].
	GlobalExchangeIssuer string
	// Environment is the HIMSA environment this stand-in plays: EnvProduction
	// (the default) or EnvQA, whose default regions are global and eu and
	// whose accounts and tenants are its own. Run one Sim per environment:
	// each has its own issuers and keys, so a code or token of one is
	// unknown to the other, as in HIMSA.
	Environment string
	// APINow is the clock the stand-in API checks token expiry with; nil is
	// the stand-in's own clock (the wall clock, unless Hooks.Advance moved
	// it). Tests move it forward instead of sleeping.
	APINow func() time.Time
	// X509Keys publishes each signing key with a self-signed certificate
	// (x5c) valid from the key's creation for 90 + 14 days, as
	// IdentityServer does for an algorithm with UseX509Certificate. Its
	// automatic keys carry none by default (the default here too), so
	// their age cannot be read from the JWKS.
	X509Keys bool
	// Apps are browser apps (web and single-page apps of other parties)
	// registered besides the stand-in's own clients, served by every
	// region's provider; their AllowedCorsOrigins get CORS answers from the
	// IdPs and APIs. See [App].
	Apps []App
	// ProductionErrorPage makes the error page (/home/error) show only the
	// error code and the Request Id, as HIMSA's production IdP does, not
	// the description (IdentityServer's development page, the default).
	ProductionErrorPage bool
	// Differ, for tests only, plants differences in this environment's
	// IdPs (`ssodesk diff --env` must find them and nothing else). The zero
	// value plants none; `ssodesk demo` and `ssodesk sim` never set it.
	Differ Differences
	// Hooks, for tests only, receives the test controls of the sim: request
	// counts, the secrets the token endpoints saw, key rotation, the global
	// exchange issuer at run time and tampered refresh responses. Nil (the
	// product's choice) leaves all of that out: nothing is counted or
	// recorded. A Hooks value can belong to one Sim only.
	Hooks *Hooks
}

// Differences are what a test plants in one stand-in so that it differs
// from another of the same kind (see Options.Differ).
type Differences struct {
	// ExtraScope is also listed in discovery's scopes_supported.
	ExtraScope string
	// KeyAlgorithm signs the tokens and is the JWKS keys' alg and
	// discovery's id_token_signing_alg_values_supported: "RS256" (the
	// default), "PS256", "ES256" or "ES384".
	KeyAlgorithm string
	// KeySize is the RSA keys' size in bits (default 2048; 2048 to 4096);
	// an EC algorithm's curve follows from it, so it takes none.
	KeySize int
	// NoRevocation leaves revocation_endpoint out of discovery, and its
	// route answers 404.
	NoRevocation bool
}

// check refuses differences the stand-in cannot play.
func (d Differences) check() error {
	switch d.KeyAlgorithm {
	case "", "RS256", "PS256":
		if d.KeySize != 0 && (d.KeySize < 2048 || d.KeySize > 4096) {
			return fmt.Errorf("sim: Differ.KeySize %d: want 2048 to 4096 bits", d.KeySize)
		}
	case "ES256", "ES384":
		if d.KeySize != 0 {
			return fmt.Errorf("sim: Differ.KeySize is for RSA keys, not %s", d.KeyAlgorithm)
		}
	default:
		return fmt.Errorf("sim: Differ.KeyAlgorithm %q: want RS256, PS256, ES256 or ES384", d.KeyAlgorithm)
	}
	if strings.ContainsAny(d.ExtraScope, " \t\n") {
		return fmt.Errorf("sim: Differ.ExtraScope %q: one scope, without spaces", d.ExtraScope)
	}
	return nil
}

// Values of Options.GlobalExchangeIssuer.
const (
	// IssuerGlobal: tokens from the global endpoint carry the global iss.
	IssuerGlobal = "global"
	// IssuerRegional: the global endpoint has the code's (or refresh
	// token's) region issue the tokens, with that region's iss and key.
	IssuerRegional = "regional"
)

// validExchangeIssuer checks a GlobalExchangeIssuer mode.
func validExchangeIssuer(mode string) error {
	switch mode {
	case IssuerGlobal, IssuerRegional:
		return nil
	}
	return fmt.Errorf("sim: unknown global exchange issuer mode %q (want %q or %q)", mode, IssuerGlobal, IssuerRegional)
}

// DefaultRegions are the endpoints started when Options.Regions is empty
// (production; the legacy "qa" region keeps its one account).
var DefaultRegions = []string{GlobalRegion, "eu", "us", "au", "qa"}

// DefaultClientID is the public PKCE client when Options.ClientID is empty,
// DefaultConfidentialClientID the one with a secret per region.
const (
	DefaultClientID             = "ssodesk-demo"
	DefaultConfidentialClientID = "ssodesk-confidential"
)

// Environments the stand-in can play.
const (
	EnvProduction = "production"
	EnvQA         = "qa"
)

// qaRegions are the QA environment's default endpoints.
var qaRegions = []string{GlobalRegion, "eu"}

// withDefaults returns a copy of o with defaults filled in, or an error for
// options that cannot work.
func (o Options) withDefaults() (Options, error) {
	switch o.Environment = envOf(o.Environment); {
	case o.Environment != EnvProduction && o.Environment != EnvQA:
		return o, fmt.Errorf("sim: unknown environment %q (want %q or %q)", o.Environment, EnvProduction, EnvQA)
	case len(o.Regions) == 0 && o.Environment == EnvQA:
		o.Regions = append([]string(nil), qaRegions...)
	case len(o.Regions) == 0:
		o.Regions = append([]string(nil), DefaultRegions...)
	default:
		o.Regions = append([]string(nil), o.Regions...)
	}
	seen := make(map[string]bool, len(o.Regions))
	for _, r := range o.Regions {
		if !validRegionName(r) {
			return o, fmt.Errorf("sim: invalid region name %q (use lower-case letters, digits and '-')", r)
		}
		if seen[r] {
			return o, fmt.Errorf("sim: region %q listed twice", r)
		}
		seen[r] = true
	}
	if o.ClientID == "" {
		o.ClientID = DefaultClientID
	}
	if o.ServiceClientID == "" {
		o.ServiceClientID = "ssodesk-service"
	}
	if o.ServiceClientSecret == "" {
		o.ServiceClientSecret = "demo-secret"
	}
	if o.APIResourceSecret == "" {
		o.APIResourceSecret = "api-secret"
	}
	if o.ConfidentialClientID == "" {
		o.ConfidentialClientID = DefaultConfidentialClientID
	}
	if o.ClientID == o.ServiceClientID {
		return o, fmt.Errorf("sim: ClientID and ServiceClientID must differ (both %q)", o.ClientID)
	}
	if o.BasePort < 0 || o.BasePort+2*len(o.Regions) > 65535 {
		return o, fmt.Errorf("sim: BasePort %d leaves no room for %d regions", o.BasePort, len(o.Regions))
	}
	if o.AccessTokenLifetime <= 0 {
		o.AccessTokenLifetime = time.Hour
	}
	if o.IDTokenLifetime <= 0 {
		o.IDTokenLifetime = time.Hour
	}
	if o.GlobalExchangeIssuer == "" {
		o.GlobalExchangeIssuer = IssuerGlobal
	}
	if err := validExchangeIssuer(o.GlobalExchangeIssuer); err != nil {
		return o, err
	}
	if err := o.Differ.check(); err != nil {
		return o, err
	}
	apps, err := appsWithDefaults(o)
	if err != nil {
		return o, err
	}
	o.Apps = apps
	return o, nil
}

// validRegionName reports whether name can be used as a region (it becomes
// the prefix of authorization codes, so it must not contain '.').
func validRegionName(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
