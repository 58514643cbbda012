package auth

import (
	"slices"
	"time"

	"ssodesk/check"
	"ssodesk/explain"
)

// View is a Result as a JSON document for scripts (`ssodesk login --json`).
// It holds the raw tokens: scripts asked for them.
type View struct {
	Region       string      `json:"region"`
	Endpoint     string      `json:"endpoint"`
	Issuer       string      `json:"issuer,omitempty"`
	IssuerRegion string      `json:"issuer_region,omitempty"`
	CodeRegion   string      `json:"code_region,omitempty"`
	ExchangedAt  string      `json:"exchanged_at,omitempty"`      // the region whose endpoint exchanged the code
	ExchangeURL  string      `json:"exchange_endpoint,omitempty"` // that endpoint (its issuer URL)
	AppHost      string      `json:"app_host,omitempty"`          // where a regionally hosted web app would send the user
	TenantID     string      `json:"tenantid,omitempty"`
	API          string      `json:"api,omitempty"`
	Story        string      `json:"story,omitempty"`
	Scopes       []string    `json:"scopes"`
	Expiry       time.Time   `json:"expiry,omitzero"`
	Tokens       TokensView  `json:"tokens"`
	IDToken      *TokenView  `json:"id_token,omitempty"`
	AccessToken  *TokenView  `json:"access_token,omitempty"`
	Verification *ReportView `json:"verification,omitempty"`
	Notes        []string    `json:"notes,omitempty"`
	DurationMS   int64       `json:"duration_ms,omitempty"`
}

// TokensView holds the raw tokens.
type TokensView struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
}

// TokenView is one token decoded: header, claims, times in words, and its
// verification when it was verified.
type TokenView struct {
	Kind         string              `json:"kind"` // "jwt", "opaque", "malformed"
	Bytes        int                 `json:"bytes"`
	Header       map[string]any      `json:"header,omitempty"`
	Claims       map[string]any      `json:"claims,omitempty"`
	Times        map[string]TimeView `json:"times,omitempty"` // exp, iat, nbf, auth_time
	Error        string              `json:"error,omitempty"`
	Verification *ReportView         `json:"verification,omitempty"`
}

// TimeView is a time for scripts: RFC 3339 (UTC) and Unix seconds. No
// relative words: a saved document stays true.
type TimeView struct {
	RFC3339 string `json:"rfc3339"`
	Unix    int64  `json:"unix"`
}

func timeView(t time.Time) TimeView {
	return TimeView{RFC3339: t.UTC().Format(time.RFC3339), Unix: t.Unix()}
}

// ReportView is a verification report for JSON.
type ReportView struct {
	OK        bool        `json:"ok"`
	Issuer    string      `json:"issuer,omitempty"`
	Region    string      `json:"issuer_region,omitempty"`
	JWKS      string      `json:"jwks,omitempty"`
	KeyID     string      `json:"kid,omitempty"`
	Refetched bool        `json:"jwks_refetched,omitempty"`
	Checks    []CheckView `json:"checks"`
}

// CheckView is one check for JSON.
type CheckView struct {
	Name   string    `json:"name"`
	Status string    `json:"status"` // StatusWord: "pass", "fail", "warn", "skip"
	Detail string    `json:"detail"`
	At     *TimeView `json:"at,omitempty"` // the time a time check judged
}

// StatusWord is s in a verification's JSON: "pass", "fail", "warn",
// "skip". A verification has said "pass" since `login --json` began (and a
// report's verification checks say it too), where check.Status's own word,
// in `check --json` and a report's steps and endpoint checks, is "ok";
// check.Parse reads both.
func StatusWord(s check.Status) string {
	if s == check.Pass {
		return "pass"
	}
	return s.String()
}

// View returns the report for JSON (nil for a nil report).
func (r *Report) View() *ReportView {
	if r == nil {
		return nil
	}
	v := &ReportView{OK: r.OK(), Issuer: r.Issuer, Region: r.Region, JWKS: r.JWKSURL, KeyID: r.KeyID, Refetched: r.Refetched}
	for _, c := range r.Checks {
		cv := CheckView{Name: c.Name, Status: StatusWord(c.Status), Detail: c.Detail}
		if !c.At.IsZero() {
			at := timeView(c.At)
			cv.At = &at
		}
		v.Checks = append(v.Checks, cv)
	}
	return v
}

// DecodeView decodes any token for display; it never fails.
func DecodeView(raw string, now time.Time) *TokenView {
	kind, jwt, err := ClassifyToken(raw)
	v := &TokenView{Bytes: len(raw)}
	switch kind {
	case TokenAbsent:
		return nil
	case TokenOpaque:
		v.Kind = "opaque"
	case TokenMalformed:
		v.Kind, v.Error = "malformed", err.Error()
	default:
		v.Kind, v.Header, v.Claims = "jwt", jwt.Header, jwt.Claims
		v.Times = map[string]TimeView{}
		for _, name := range explain.TimeClaims {
			if t, ok, err := jwt.TimeClaim(name); ok && err == nil {
				v.Times[name] = timeView(t)
			}
		}
	}
	return v
}

// View builds the JSON document of a login (or restored session).
func (r *Result) View(now time.Time, access *Report) View {
	v := View{
		Region: r.Region.Name, Endpoint: r.Region.Issuer, Issuer: r.Issuer, IssuerRegion: r.IssuerRegion(),
		CodeRegion: r.CodeRegion, ExchangedAt: r.ExchangedAt.Name, ExchangeURL: r.ExchangedAt.Issuer, AppHost: r.AppHost,
		TenantID: r.Claim("tenantid"), API: r.Claim("api"),
		Scopes: slices.Clone(r.Scopes), DurationMS: r.Finished.Sub(r.Started).Milliseconds(),
	}
	if r.Token != nil {
		v.Expiry = r.Token.Expiry
		v.Tokens = TokensView{AccessToken: r.Token.AccessToken, RefreshToken: r.Token.RefreshToken, IDToken: r.RawIDToken,
			TokenType: r.Token.TokenType, Expiry: r.Token.Expiry}
		if v.AccessToken = DecodeView(r.Token.AccessToken, now); v.AccessToken != nil {
			v.AccessToken.Verification = access.View()
		}
	}
	if r.RawIDToken != "" {
		v.IDToken = DecodeView(r.RawIDToken, now)
		v.Verification = r.Report.View()
		v.Story = explain.RegionStory(r.Story())
	}
	if v.DurationMS < 0 {
		v.DurationMS = 0
	}
	return v
}
