// Package loginjson is the one type of the document `ssodesk login --json`
// writes (Document), and the JSON of a decoded token (`ssodesk decode
// --json`). The CLI writes it; `ssodesk report --from` reads it back into
// the same type. It lives outside auth, the protocol package: auth says what
// happened, this package says how a script reads it.
//
// The bytes are a contract with scripts: field names, their order and
// omitempty only change with care (loginjson_test.go round-trips a document).
package loginjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
)

// Document is a login (or a restored session) as JSON for scripts. It
// holds the raw tokens: scripts asked for them.
type Document struct {
	Region       string        `json:"region"`
	Endpoint     string        `json:"endpoint"`
	Issuer       string        `json:"issuer,omitempty"`
	IssuerRegion string        `json:"issuer_region,omitempty"`
	CodeRegion   string        `json:"code_region,omitempty"`
	ExchangedAt  string        `json:"exchanged_at,omitempty"`      // the region whose endpoint exchanged the code
	ExchangeURL  string        `json:"exchange_endpoint,omitempty"` // that endpoint (its issuer URL)
	AppHost      string        `json:"app_host,omitempty"`          // where a regionally hosted web app would send the user
	TenantID     string        `json:"tenantid,omitempty"`
	API          string        `json:"api,omitempty"`
	Story        string        `json:"story,omitempty"`
	Scopes       []string      `json:"scopes"`
	Expiry       time.Time     `json:"expiry,omitzero"`
	Tokens       Tokens        `json:"tokens"`
	IDToken      *Token        `json:"id_token,omitempty"`
	AccessToken  *Token        `json:"access_token,omitempty"`
	Verification *Verification `json:"verification,omitempty"`
	Notes        []string      `json:"notes,omitempty"`
	DurationMS   int64         `json:"duration_ms,omitempty"`
	// Added after the fields above (whose bytes stay as they were): the
	// environment of the endpoint and the client the tokens were issued
	// to, which `report --from` names.
	Environment string `json:"environment,omitempty"`
	ClientID    string `json:"client_id,omitempty"`
	// Added after those: the authorize parameters the login sent (prompt,
	// max_age, login_hint, ui_locales, acr_values, culture-lcid, --param),
	// and their checks (discovery's support before the browser; auth_time,
	// tenantid, amr, acr, idp in the ID token after).
	Params      []auth.Param `json:"params,omitempty"`
	ParamChecks []Check      `json:"param_checks,omitempty"`
}

// Tokens holds the raw tokens.
type Tokens struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
}

// Token is one token decoded: header, claims, times, and its verification
// when it was verified.
type Token struct {
	Kind         string          `json:"kind"` // "jwt", "opaque", "malformed"
	Bytes        int             `json:"bytes"`
	Header       map[string]any  `json:"header,omitempty"`
	Claims       map[string]any  `json:"claims,omitempty"`
	Times        map[string]Time `json:"times,omitempty"` // exp, iat, nbf, auth_time
	Error        string          `json:"error,omitempty"`
	Verification *Verification   `json:"verification,omitempty"`
}

// Time is a time for scripts: RFC 3339 (UTC) and Unix seconds. No relative
// words: a saved document stays true.
type Time struct {
	RFC3339 string `json:"rfc3339"`
	Unix    int64  `json:"unix"`
}

func timeOf(t time.Time) Time {
	return Time{RFC3339: t.UTC().Format(time.RFC3339), Unix: t.Unix()}
}

// Verification is a verification report for JSON.
type Verification struct {
	OK        bool    `json:"ok"`
	Issuer    string  `json:"issuer,omitempty"`
	Region    string  `json:"issuer_region,omitempty"`
	JWKS      string  `json:"jwks,omitempty"`
	KeyID     string  `json:"kid,omitempty"`
	Refetched bool    `json:"jwks_refetched,omitempty"`
	Checks    []Check `json:"checks"`
	// Added after those: the kids of the JWKS, the one that verified, and
	// whether the token's kid is gone from the JWKS (rotated away).
	KeyIDs         []string `json:"jwks_kids,omitempty"`
	SigningKeyID   string   `json:"signing_kid,omitempty"`
	KeyRotatedAway bool     `json:"key_rotated_away,omitempty"`
	Keys           string   `json:"keys,omitempty"` // explain.KeySet: which key signs now
}

// Check is one verification check for JSON.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // auth.StatusWord: "pass", "fail", "warn", "skip"
	Detail string `json:"detail"`
	At     *Time  `json:"at,omitempty"` // the time a time check judged
}

// VerificationOf is r for JSON (nil for a nil report).
func VerificationOf(r *auth.Report) *Verification {
	if r == nil {
		return nil
	}
	v := &Verification{OK: r.OK(), Issuer: r.Issuer, Region: r.Region, JWKS: r.JWKSURL, KeyID: r.KeyID, Refetched: r.Refetched}
	v.Checks = ChecksOf(r.Checks)
	v.KeyIDs, v.SigningKeyID, v.KeyRotatedAway, v.Keys = r.JWKSKeyIDs, r.SigningKeyID, r.KeyRotatedAway, explain.KeySet(r)
	return v
}

// ChecksOf are rows for JSON.
func ChecksOf(rows []check.Row) []Check {
	var out []Check
	for _, c := range rows {
		cv := Check{Name: c.Name, Status: auth.StatusWord(c.Status), Detail: c.Detail}
		if !c.At.IsZero() {
			at := timeOf(c.At)
			cv.At = &at
		}
		out = append(out, cv)
	}
	return out
}

// DecodeToken decodes any token for display (nil for none); it never fails.
func DecodeToken(raw string, now time.Time) *Token {
	kind, jwt, err := auth.ClassifyToken(raw)
	v := &Token{Bytes: len(raw)}
	switch kind {
	case auth.TokenAbsent:
		return nil
	case auth.TokenOpaque:
		v.Kind = "opaque"
	case auth.TokenMalformed:
		v.Kind, v.Error = "malformed", err.Error()
	default:
		v.Kind, v.Header, v.Claims = "jwt", jwt.Header, jwt.Claims
		v.Times = map[string]Time{}
		for _, name := range explain.TimeClaims {
			if t, ok, err := jwt.TimeClaim(name); ok && err == nil {
				v.Times[name] = timeOf(t)
			}
		}
	}
	return v
}

// Of is the document of a login (or restored session) r, with access the
// access token's verification (nil when it was not verified).
func Of(r *auth.Result, now time.Time, access *auth.Report) Document {
	v := Document{
		Region: r.Region.Name, Endpoint: r.Region.Issuer, Issuer: r.Issuer, IssuerRegion: r.IssuerRegion(),
		CodeRegion: r.CodeRegion, ExchangedAt: r.ExchangedAt.Name, ExchangeURL: r.ExchangedAt.Issuer, AppHost: r.AppHost,
		TenantID: r.Claim("tenantid"), API: r.Claim("api"),
		Scopes: slices.Clone(r.Scopes), DurationMS: r.Finished.Sub(r.Started).Milliseconds(),
		Environment: r.Region.Env, ClientID: r.ClientID,
	}
	if r.Token != nil {
		v.Expiry = r.Token.Expiry
		v.Tokens = Tokens{AccessToken: r.Token.AccessToken, RefreshToken: r.Token.RefreshToken, IDToken: r.RawIDToken,
			TokenType: r.Token.TokenType, Expiry: r.Token.Expiry}
		if v.AccessToken = DecodeToken(r.Token.AccessToken, now); v.AccessToken != nil {
			v.AccessToken.Verification = VerificationOf(access)
		}
	}
	if r.RawIDToken != "" {
		v.IDToken = DecodeToken(r.RawIDToken, now)
		v.Verification = VerificationOf(r.Report)
		v.Story = explain.SessionStory(r)
	}
	if r.Params != nil {
		v.Params = r.Params.Sent.Sent()
		v.ParamChecks = ChecksOf(r.ParamChecks)
	}
	if v.DurationMS < 0 {
		v.DurationMS = 0
	}
	return v
}

// ErrNotDocument: the bytes are JSON, but not a document `login --json`
// wrote (no region, no tokens: a HAR, a report, another tool's JSON).
var ErrNotDocument = errors.New("it has no region and no tokens")

// Parse reads a document `login --json` wrote (numbers kept as written).
// JSON that is not one is ErrNotDocument; what is not JSON, the decoder's
// error.
func Parse(data []byte) (*Document, error) {
	var d Document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if d.Region == "" || d.Tokens == (Tokens{}) {
		return nil, ErrNotDocument
	}
	return &d, nil
}
