package auth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/check"
	"ssodesk/config"
)

// Result is a finished login (or the state after a refresh).
type Result struct {
	Region     config.Region // the endpoint the user logged in at
	CodeRegion string        // region prefix of the authorization code; "" when none
	// CodeEndpoint names the configured endpoint that serves the code's
	// region (config.EndpointForCode: "lab-eu" for an "eu." code), and
	// CodeUnserved says that none does; both unset when not recorded.
	CodeEndpoint string
	CodeUnserved bool
	// ExchangedAt is the endpoint whose token endpoint exchanged the code:
	// Region, or the code's region with exchange_at: code-region (Region
	// for client credentials; zero for a restored session: not recorded).
	ExchangedAt config.Region
	// AppHost is where a web app hosted per region would send this user,
	// from the code's prefix and app_hosts ("" when not configured).
	AppHost    string
	Issuer     string         // iss of the ID token
	Token      *oauth2.Token  // access token, refresh token (if any), expiry
	RawIDToken string         // the ID token as received
	Header     map[string]any // the ID token's JOSE header (alg, kid, typ)
	Claims     map[string]any // every claim of the ID token
	Report     *Report        // the ID token's verification
	Scopes     []string       // granted scopes
	ScopesFrom string         // "token response", or "as requested" when the IdP did not list them
	Started    time.Time
	Finished   time.Time
	// LoadedFrom says where a restored session came from ("" after a login).
	LoadedFrom string
	// Notes are things to tell the user about how the session came to be.
	Notes []string
	// ClientID is the client the tokens were issued to, and TokenURL the
	// token endpoint that issued them (a refresh goes there; "" when not
	// recorded: read from discovery).
	ClientID string
	TokenURL string
	// Nonce is the nonce of the login that began the session (OIDC Core
	// 12.2: a refreshed ID token's nonce, if present, must be it); a
	// refresh keeps it, so a refreshed token without one does not reset it.
	Nonce string
	// Relogin is set on the second session of a regional re-login (HIMSA
	// 2a): how it came to be; nil for any other login.
	Relogin *ReloginFacts
	// Params are what the login's authorize parameters did (nil for a
	// restored or refreshed session, and for client credentials), and
	// ParamChecks their rows as explain.ParamChecks judges them (set by
	// session's login use case).
	Params      *ParamFacts
	ParamChecks []check.Row
}

// ReloginFacts say how the second session of a regional re-login (HIMSA
// 2a) came to be.
type ReloginFacts struct {
	FirstEndpoint   string // the endpoint of the first login ("global")
	FirstCodeRegion string // its code's region, which named this endpoint
	Silent          bool   // the regional IdP signed the user in with prompt=none, without the user
	Attempts        int    // 1: the silent try; 2: it and the interactive one
}

// Claim returns a claim as text ("" when absent).
func (r *Result) Claim(name string) string { return ClaimString(r.Claims, name) }

// ClaimString returns claims[name] as text: strings as they are, numbers in
// full, anything else as Go prints it; "" when absent or null.
func ClaimString(claims map[string]any, name string) string {
	v, ok := claims[name]
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}

// ChecksSummary lists the ID token's checks: "signature ✓, issuer ✓, ...".
func (r *Result) ChecksSummary() string {
	if r.Report == nil {
		return ""
	}
	return r.Report.Summary()
}

// Verified reports whether the ID token passed every check.
func (r *Result) Verified() bool { return r.Report != nil && r.Report.OK() }

// newResult builds a Result from a token response and the ID token's report.
func newResult(tok *oauth2.Token, rep *Report, requested []string) *Result {
	r := &Result{Token: tok, Report: rep, Issuer: rep.Issuer}
	if rep.Token != nil {
		r.RawIDToken, r.Header, r.Claims = rep.Token.Raw, rep.Token.Header, rep.Token.Claims
	}
	if s, _ := tok.Extra("scope").(string); strings.TrimSpace(s) != "" {
		r.Scopes, r.ScopesFrom = splitScopes(s), "token response"
	} else {
		r.Scopes, r.ScopesFrom = requested, "as requested (the IdP did not list them)"
	}
	return r
}

func splitScopes(s string) []string { return strings.Fields(s) }

// Took is how long the login took, from its start to the verified tokens
// (0 when not recorded, as for a restored session).
func (r *Result) Took() time.Duration {
	if r.Started.IsZero() || r.Finished.IsZero() {
		return 0
	}
	return max(r.Finished.Sub(r.Started), 0)
}

// IssuerRegion names the configured region whose issuer signed the ID token.
func (r *Result) IssuerRegion() string {
	if r.Report == nil {
		return ""
	}
	return r.Report.Region
}

// APIHost is the host of the api claim ("" when absent or not a URL).
func (r *Result) APIHost() string {
	u, err := url.Parse(r.Claim("api"))
	if err != nil {
		return ""
	}
	return u.Host
}

// Who names the user: the name claim, else sub ("" when neither).
func (r *Result) Who() string { return cmp.Or(r.Claim("name"), r.Claim("sub")) }

// setCodeRegion records the code's region and the endpoint of regions that
// serves it.
func (r *Result) setCodeRegion(codeRegion string, regions []config.Region) {
	r.CodeRegion, r.CodeEndpoint, r.CodeUnserved = codeRegion, "", false
	if codeRegion == "" || len(regions) == 0 {
		return
	}
	e, ok := config.EndpointForCode(regions, codeRegion)
	r.CodeEndpoint, r.CodeUnserved = e.Name, !ok
}

// Secrets are r's secret values (access, refresh and ID token; "" left
// out), for scrubbing the answers of an IdP or API that echoes them.
func (r *Result) Secrets() []string {
	if r == nil {
		return nil
	}
	var out []string
	if r.Token != nil {
		out = append(out, r.Token.AccessToken, r.Token.RefreshToken)
	}
	out = append(out, r.RawIDToken)
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}
