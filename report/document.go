package report

import (
	"bytes"
	"encoding/json"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/har"
)

// Schema names the version of the JSON document; it changes when a field
// changes meaning or goes away (new fields may appear within a version).
const Schema = "ssodesk-report/1"

// The kinds of report.
const (
	KindLogin = "login" // a login (the CLI's login --report, the TUI's session or failed login)
	KindCheck = "check" // ssodesk check --report: the endpoints checked without logging in
	KindSaved = "saved" // ssodesk report --from: a saved `login --json` document (no steps, no trace)
)

// Document is a report: what `--json` writes, and what the Markdown is
// rendered from. The JSON schema (ssodesk-report/1) is this type's:
//
//	schema         "ssodesk-report/1"
//	kind           "login", "check", "saved" or "har"
//	generated      {by, version, os, utc (RFC 3339), local ("2006-01-02 15:04:05 MST -07:00")}
//	personal_data  "shown" or "masked" (--redact-pii)
//	outcome        {ok, summary, failed_step, error, explanation, fix, idp_said}
//	tried          {environment, environment_label, endpoint, issuer, client_id, client_secret
//	                ("none" or "set (KEY)": never the value), redirect_uri, redirect_uri_sent, scopes,
//	                culture_lcid, forcechoose, prompt, exchange_at, preflight, login_timeout, leeway}
//	steps[]        {name (discovery, listening, preflight, browser, callback, exchange, verify, userinfo),
//	                status ("ok", "fail", "warn", "skip"), at, duration_ms, detail}
//	warnings[]     what went wrong without ending the login
//	landing        {story, endpoint, code_region, exchanged_at, exchange_endpoint, issuer, issuer_region,
//	                api, app_host, tenantid, scopes, scopes_from, expiry, refresh_token}
//	verification, access_token_verification
//	               {ok, summary, issuer, issuer_region, jwks, kid,
//	                checks[] {name, status ("pass", "fail", "warn", "skip"), detail}}
//	clock          {known, skew_ms (the IdP's clock minus this computer's), from, leeway_ms, detail}
//	tls[]          {host, version ("" for plain http), cipher, cert_subject, cert_expiry, detail}
//	tokens[]       {name, kind ("jwt", "opaque", "malformed"), bytes, sha256 (8 hex digits), text}
//	id_token, access_token
//	               {header, claims} as decoded (claims masked with --redact-pii)
//	userinfo       {endpoint, claims, error}
//	api_calls[]    {id, method, url, status, duration_ms, diagnosis, error}
//	endpoint_checks[]
//	               {region, issuer, ok, checks[] {check, status ("ok", "fail", "warn", "skip"), detail}, idp_said}
//	trace          {recorded, note, har, entries[] {id, purpose, start, method, url, status, duration_ms,
//	                tls, error, warning}}
//	notes[]
//	source         kind "har": {name, sha256, size, creator, browser, version, pages, entries}
//	problems[], har_notes[], flows[]
//	               kind "har": as in ssodesk-har/1 (report.HAR)
//
// Times are RFC 3339. No field ever holds a token, an authorization code, a
// PKCE verifier or a client secret (the trace's URLs are redacted when they
// are recorded).
type Document struct {
	Schema             string          `json:"schema"`
	Kind               string          `json:"kind"`
	Generated          Generated       `json:"generated"`
	PersonalData       string          `json:"personal_data"`
	Outcome            Outcome         `json:"outcome"`
	Tried              Tried           `json:"tried"`
	Steps              []Step          `json:"steps"`
	Warnings           []string        `json:"warnings,omitempty"`
	Landing            *Landing        `json:"landing,omitempty"`
	Verification       *Verification   `json:"verification,omitempty"`
	AccessVerification *Verification   `json:"access_token_verification,omitempty"`
	ParamChecks        []Check         `json:"param_checks,omitempty"` // what the login's parameters did (explain.ParamChecks)
	Clock              Clock           `json:"clock"`
	TLS                []TLSHost       `json:"tls"`
	Tokens             []Token         `json:"tokens"`
	IDToken            *Decoded        `json:"id_token,omitempty"`
	AccessToken        *Decoded        `json:"access_token,omitempty"`
	UserInfo           *UserInfo       `json:"userinfo,omitempty"`
	APICalls           []APICall       `json:"api_calls"`
	EndpointChecks     []EndpointCheck `json:"endpoint_checks,omitempty"`
	Trace              Trace           `json:"trace"`
	Notes              []string        `json:"notes,omitempty"`
	// KindHAR: the file it was read from, what could not be read, the
	// file's notes and every login flow in it.
	Source   *har.Source `json:"source,omitempty"`
	Problems []string    `json:"problems,omitempty"`
	HARNotes []HARNote   `json:"har_notes,omitempty"`
	Flows    []HARFlow   `json:"flows,omitempty"`
}

// Generated says who wrote the report, where and when.
type Generated struct {
	By      string    `json:"by"`
	Version string    `json:"version"`
	OS      string    `json:"os"` // GOOS/GOARCH
	UTC     time.Time `json:"utc"`
	Local   string    `json:"local"`
}

// Outcome is how the attempt ended; for a failure, where, why and the fix.
type Outcome struct {
	OK          bool   `json:"ok"`
	Summary     string `json:"summary"`
	FailedStep  string `json:"failed_step,omitempty"`
	Error       string `json:"error,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	Fix         string `json:"fix,omitempty"`
	IdPSaid     string `json:"idp_said,omitempty"` // the IdP's own message and Request Id
}

// Tried is what the attempt asked for.
type Tried struct {
	Environment      string   `json:"environment"`
	EnvironmentLabel string   `json:"environment_label,omitempty"`
	Endpoint         string   `json:"endpoint"`
	Issuer           string   `json:"issuer,omitempty"`
	ClientID         string   `json:"client_id"`
	ClientSecret     string   `json:"client_secret"`
	RedirectURI      string   `json:"redirect_uri"`
	RedirectURISent  string   `json:"redirect_uri_sent,omitempty"`
	Scopes           []string `json:"scopes"`
	CultureLCID      string   `json:"culture_lcid,omitempty"`
	ForceChoose      bool     `json:"forcechoose"`
	Prompt           string   `json:"prompt,omitempty"`
	ExchangeAt       string   `json:"exchange_at"`
	Preflight        bool     `json:"preflight"`
	LoginTimeout     string   `json:"login_timeout,omitempty"`
	Leeway           string   `json:"leeway,omitempty"`
	// Params are the authorize parameters the login sent beyond the
	// protocol's own (prompt, max_age, login_hint, ui_locales, acr_values,
	// culture-lcid, --param), in order.
	Params []auth.Param `json:"params,omitempty"`
}

// Step is one step of a login.
type Step struct {
	Name       string       `json:"name"`
	Status     check.Status `json:"status"` // "ok", "fail", "warn", "skip"
	At         time.Time    `json:"at,omitzero"`
	DurationMS int64        `json:"duration_ms"`
	Detail     string       `json:"detail"`
}

// Landing is where the login landed: the region story and its facts.
type Landing struct {
	Story            string    `json:"story"`
	Relogin          string    `json:"relogin,omitempty"` // a regional re-login's second session (HIMSA 2a): how it came to be
	Endpoint         string    `json:"endpoint"`
	CodeRegion       string    `json:"code_region,omitempty"`
	ExchangedAt      string    `json:"exchanged_at,omitempty"`
	ExchangeEndpoint string    `json:"exchange_endpoint,omitempty"`
	Issuer           string    `json:"issuer,omitempty"`
	IssuerRegion     string    `json:"issuer_region,omitempty"`
	API              string    `json:"api,omitempty"`
	AppHost          string    `json:"app_host,omitempty"`
	TenantID         string    `json:"tenantid,omitempty"`
	Scopes           []string  `json:"scopes,omitempty"`
	ScopesFrom       string    `json:"scopes_from,omitempty"`
	Expiry           time.Time `json:"expiry,omitzero"`
	RefreshToken     string    `json:"refresh_token,omitempty"`
}

// Verification is a token's verification, check by check.
type Verification struct {
	OK           bool    `json:"ok"`
	Summary      string  `json:"summary"`
	Issuer       string  `json:"issuer,omitempty"`
	IssuerRegion string  `json:"issuer_region,omitempty"`
	JWKS         string  `json:"jwks,omitempty"`
	KeyID        string  `json:"kid,omitempty"`
	Checks       []Check `json:"checks"`
	// Keys says which key of a JWKS with several signs now (explain.KeySet),
	// and KeyRotatedAway that the token's kid is gone from the JWKS.
	Keys           string `json:"keys,omitempty"`
	KeyRotatedAway bool   `json:"key_rotated_away,omitempty"`
}

// Check is one verification check. Its JSON says the status in the
// verification's words (auth.StatusWord: "pass" where steps and endpoint
// checks say "ok"), as schema 1 always has.
type Check struct {
	Name   string       `json:"name"`
	Status check.Status `json:"status"` // pass, fail, warn, skip
	Detail string       `json:"detail"`
}

// MarshalJSON writes c with auth.StatusWord's word for its status.
func (c Check) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the document's encoder escapes, or not, as it is told
	err := enc.Encode(struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Detail string `json:"detail"`
	}{c.Name, auth.StatusWord(c.Status), c.Detail})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// Clock is this computer's clock against the IdP's Date header.
type Clock struct {
	Known    bool   `json:"known"`
	SkewMS   int64  `json:"skew_ms"` // the IdP's clock minus this one's: > 0 when this computer is behind
	From     string `json:"from,omitempty"`
	LeewayMS int64  `json:"leeway_ms"`
	Detail   string `json:"detail"`
}

// TLSHost is the connection to one host.
type TLSHost struct {
	Host        string    `json:"host"`
	Version     string    `json:"version"`
	Cipher      string    `json:"cipher,omitempty"`
	CertSubject string    `json:"cert_subject,omitempty"`
	CertExpiry  time.Time `json:"cert_expiry,omitzero"`
	Detail      string    `json:"detail"`
}

// Token is a token as a report shows it: never its value.
type Token struct {
	Name   string `json:"name"` // "access token", "refresh token", "ID token"
	Kind   string `json:"kind"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"` // the first 8 hex digits
	Text   string `json:"text"`   // "jwt, 1043 bytes, sha256 3f2a9c1b"
}

// Decoded is a JWT's header and claims.
type Decoded struct {
	Header map[string]any `json:"header,omitempty"`
	Claims map[string]any `json:"claims"`
}

// UserInfo is the userinfo answer, when it was fetched.
type UserInfo struct {
	Endpoint string         `json:"endpoint,omitempty"`
	Claims   map[string]any `json:"claims,omitempty"`
	Error    string         `json:"error,omitempty"`
}

// APICall is one call of the API (from the trace).
type APICall struct {
	ID         int    `json:"id"`
	Method     string `json:"method"`
	URL        string `json:"url"`
	Status     int    `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Diagnosis  string `json:"diagnosis,omitempty"`
	Error      string `json:"error,omitempty"`
}

// EndpointCheck is `ssodesk check`'s report of one endpoint.
type EndpointCheck struct {
	Region  string      `json:"region"`
	Issuer  string      `json:"issuer"`
	OK      bool        `json:"ok"`
	Checks  []check.Row `json:"checks"`
	IdPSaid string      `json:"idp_said,omitempty"`
}

// Trace is the HTTP trace of the attempt.
type Trace struct {
	Recorded bool         `json:"recorded"`
	Note     string       `json:"note,omitempty"`
	HAR      string       `json:"har,omitempty"` // the HAR file's name, beside the report
	Entries  []TraceEntry `json:"entries"`
}

// TraceEntry is one recorded exchange (redacted when it was recorded).
type TraceEntry struct {
	ID         int       `json:"id"`
	Purpose    string    `json:"purpose"`
	Start      time.Time `json:"start"`
	Method     string    `json:"method"`
	URL        string    `json:"url"`
	Status     int       `json:"status"`
	DurationMS int64     `json:"duration_ms"`
	TLS        string    `json:"tls,omitempty"`
	Error      string    `json:"error,omitempty"`
	Warning    string    `json:"warning,omitempty"`
}
