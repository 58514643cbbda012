package report

// The diagnosis of a browser's HAR file (issue 23): what `ssodesk har
// --json` prints, what the TUI's flows screen shows and what a HAR's report
// is made of. It is read from the same flow model as a login's report:
// flow.Login's steps are flow.Steps, its findings flow.Findings, its words
// explain's.

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/flow"
	"ssodesk/har"
	"ssodesk/transport"
)

// HARSchema names the version of `ssodesk har --json`'s document; it
// changes when a field changes meaning or goes away.
const HARSchema = "ssodesk-har/1"

// HAR is the diagnosis of a HAR file (schema ssodesk-har/1):
//
//	schema          "ssodesk-har/1"
//	source          {name, sha256, size, creator, browser, version, pages, entries}
//	problems[]      what the reader could not read (entry and why)
//	sensitive_data  whether the file has cookies or Authorization headers
//	personal_data   "shown" or "masked" (--redact-pii)
//	notes[]         {status ("note", "warn", "fail"), text, cause, fix} of the whole file
//	flows[]         {client_id, redirect_uri, idp, environment, endpoint, scopes, pkce, prompt,
//	                 culture_lcid, silent, code_region, issuer, api_host, story, outcome
//	                 ("succeeded", "failed", "abandoned"), failed_step ("N kind"),
//	                 steps[] {kind, status ("ok", "fail", "warn", "skip"), at, took_ms, detail,
//	                          exchanges[] {id, method, url (redacted), status}, findings[]},
//	                 findings[] {status, text, cause, fix},
//	                 tokens[] {name, kind, bytes, sha256, text, header, claims, at,
//	                           verified ("not verified: offline", "verified", "NOT verified"),
//	                           verification {ok, summary, issuer, jwks, kid, checks[]}}}
//
// It never holds a token, a code, a verifier, a state or a nonce: tokens are
// fingerprints and their decoded claims, URLs are redacted.
type HAR struct {
	Schema       string     `json:"schema"`
	Source       har.Source `json:"source"`
	Problems     []string   `json:"problems,omitempty"`
	Sensitive    bool       `json:"sensitive_data"`
	PersonalData string     `json:"personal_data"`
	Notes        []HARNote  `json:"notes,omitempty"`
	Flows        []HARFlow  `json:"flows"`
}

// HARNote is a finding for output: "fail" and "warn" in the check
// vocabulary, "note" for what is only worth knowing (never ✓: nothing was
// checked by it).
type HARNote struct {
	Status string `json:"status"`
	Text   string `json:"text"`
	Cause  string `json:"cause,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// HARFlow is one login flow of the file.
type HARFlow struct {
	ClientID    string     `json:"client_id"`
	RedirectURI string     `json:"redirect_uri,omitempty"`
	IdP         string     `json:"idp"`
	Environment string     `json:"environment,omitempty"`
	Endpoint    string     `json:"endpoint,omitempty"`
	Scopes      []string   `json:"scopes,omitempty"`
	PKCE        string     `json:"pkce,omitempty"`
	Prompt      string     `json:"prompt,omitempty"`
	CultureLCID string     `json:"culture_lcid,omitempty"`
	Silent      bool       `json:"silent,omitempty"`
	CodeRegion  string     `json:"code_region,omitempty"`
	Issuer      string     `json:"issuer,omitempty"`
	APIHost     string     `json:"api_host,omitempty"`
	Story       string     `json:"story,omitempty"`
	Outcome     string     `json:"outcome"`
	FailedStep  string     `json:"failed_step,omitempty"`
	Steps       []HARStep  `json:"steps"`
	Findings    []HARNote  `json:"findings,omitempty"`
	Tokens      []HARToken `json:"tokens,omitempty"`
}

// HARStep is one step of a flow.
type HARStep struct {
	Kind      string        `json:"kind"`
	Status    check.Status  `json:"status"`
	At        time.Time     `json:"at,omitzero"`
	TookMS    int64         `json:"took_ms"`
	Detail    string        `json:"detail,omitempty"`
	Exchanges []HARExchange `json:"exchanges,omitempty"`
	Findings  []HARNote     `json:"findings,omitempty"`
}

// HARExchange is an exchange of a step, its URL redacted.
type HARExchange struct {
	ID     int    `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"` // redacted: codes, tokens and secrets in it replaced
	Status int    `json:"status"`
}

// HARToken is a token (or code) of a flow: its fingerprint, and a JWT's
// header and claims as decoded, with whether it was verified.
type HARToken struct {
	Token
	Header       map[string]any `json:"header,omitempty"`
	Claims       map[string]any `json:"claims,omitempty"`
	At           time.Time      `json:"at,omitzero"` // when the HAR first shows it (the browser's clock)
	Verified     string         `json:"verified,omitempty"`
	Verification *Verification  `json:"verification,omitempty"`
}

// The words of HARToken.Verified.
const (
	NotVerifiedOffline = "not verified: offline"
	VerifiedOK         = "verified"
	VerifiedNot        = "NOT verified"
)

// HAROptions say how to diagnose a HAR.
type HAROptions struct {
	RedactPII bool // mask people and tenants (user-1, tenant-1)
	// Verified holds the verification of a flow's token (by its raw value),
	// when it was verified against its IdP's keys (ssodesk har --verify);
	// a JWT without one is "not verified: offline".
	Verified map[string]*auth.Report
	Now      time.Time // when the verification ran (zero: time.Now())
}

// Where is the endpoint a flow went to, as ssodesk har and the TUI say it:
// "production global (https://idp…)", or the IdP's origin when it is not a
// configured HIMSA endpoint.
func (f HARFlow) Where() string {
	if f.Endpoint == "" {
		return f.IdP + " (not a configured HIMSA endpoint)"
	}
	return fmt.Sprintf("%s (%s)", strings.TrimSpace(f.Environment+" "+f.Endpoint), f.IdP)
}

// OutcomeText is how a flow ended: "succeeded", "abandoned", "failed at
// step 2 error_page".
func (f HARFlow) OutcomeText() string {
	if f.FailedStep != "" {
		return f.Outcome + " at step " + f.FailedStep
	}
	return f.Outcome
}

// Failed is how many flows did not succeed.
func (h *HAR) Failed() int {
	n := 0
	for _, f := range h.Flows {
		if f.Outcome != flow.Succeeded.String() {
			n++
		}
	}
	return n
}

// DiagnoseHAR is what ssodesk says of a HAR file: what it is, and its
// flows, with every secret of theirs scrubbed and every URL redacted.
func DiagnoseHAR(log *har.Log, logins []*flow.Login, o HAROptions) *HAR {
	sec := HARSecrets(logins)
	d := &HAR{Schema: HARSchema, Source: log.Source, Sensitive: log.Sensitive, PersonalData: "shown", Flows: []HARFlow{}}
	for _, p := range log.Problems {
		d.Problems = append(d.Problems, sec.Scrub(p))
	}
	if f, ok := flow.SensitiveDataNote(log.Exchanges); ok {
		d.Notes = append(d.Notes, harNoteOf(f, sec))
	}
	for _, l := range logins {
		d.Flows = append(d.Flows, harFlowOf(l, sec, o))
	}
	walkStrings(reflect.ValueOf(d).Elem(), sec.Scrub) // a decoded token's nonce claim, an IdP's echo
	if o.RedactPII {
		d.PersonalData = "masked"
		maskHAR(d)
	}
	return d
}

// HARSecrets are the values of every token and code of logins, and their
// state and nonce (they tie the flow to the customer's browser session), to
// scrub from anything said of them.
func HARSecrets(logins []*flow.Login) *transport.Secrets {
	sec := transport.NewSecrets()
	for _, l := range logins {
		for _, t := range l.Tokens {
			sec.Add(t.Raw)
		}
		for _, v := range []string{l.State, l.Nonce} {
			if len(v) >= 4 { // a value this short is no secret, and would scrub other text
				sec.Add(v)
			}
		}
	}
	return sec
}

// harTokenNames are the names of a flow's token kinds, as the reports say
// them.
var harTokenNames = map[string]string{"code": "authorization code", "id_token": "ID token", "access_token": "access token", "refresh_token": "refresh token"}

func harFlowOf(l *flow.Login, sec *transport.Secrets, o HAROptions) HARFlow {
	hf := HARFlow{ClientID: l.ClientID, RedirectURI: transport.RedactURL(l.RedirectURI), IdP: l.IdP, Environment: l.Endpoint.Env,
		Endpoint: l.Endpoint.Name, Scopes: l.Scopes, PKCE: l.PKCEMethod, Prompt: l.Prompt, CultureLCID: l.CultureLCID,
		Silent: l.Silent, CodeRegion: l.CodeRegion, Issuer: l.Issuer, APIHost: l.APIHost, Outcome: l.Outcome.String(),
		Story: sec.Scrub(l.RegionStory())}
	if l.Outcome == flow.LoginFailed && l.FailedAt >= 0 && l.FailedAt < len(l.Steps) {
		hf.FailedStep = fmt.Sprintf("%d %s", l.FailedAt+1, l.Steps[l.FailedAt].Kind)
	}
	for _, s := range l.Steps {
		hf.Steps = append(hf.Steps, harStepOf(s, sec))
	}
	for _, f := range l.Findings {
		hf.Findings = append(hf.Findings, harNoteOf(f, sec))
	}
	for _, t := range l.Tokens {
		hf.Tokens = append(hf.Tokens, harTokenOf(t, o))
	}
	return hf
}

// harTokenOf is t's fingerprint and, for a JWT, its header and claims, and
// its verification when there was one.
func harTokenOf(t flow.FoundToken, o HAROptions) HARToken {
	ht := HARToken{Token: Fingerprint(harTokenNames[t.Kind], t.Raw)}
	if t.Where != nil {
		ht.At = t.Where.Start
	}
	jwt, err := auth.DecodeJWT(t.Raw)
	if err != nil || t.Kind == "code" {
		return ht
	}
	ht.Header, ht.Claims = cloneMap(jwt.Header), cloneMap(jwt.Claims)
	ht.Verified = NotVerifiedOffline
	if rep := o.Verified[t.Raw]; rep != nil {
		now := o.Now
		if now.IsZero() {
			now = time.Now()
		}
		ht.Verification = verification(rep, now)
		switch {
		case rep.KeysUnavailable: // its signature was not checked, whatever else passed
			ht.Verified = NotVerifiedOffline
		case rep.OK():
			ht.Verified = VerifiedOK
		default:
			ht.Verified = VerifiedNot
		}
	}
	return ht
}

func harStepOf(s flow.Step, sec *transport.Secrets) HARStep {
	st := map[flow.State]check.Status{flow.NotReached: check.Skip, flow.Done: check.Pass, flow.Warned: check.Warn, flow.Failed: check.Fail}[s.State]
	hs := HARStep{Kind: string(s.Kind), Status: st, At: s.At, TookMS: s.Took.Milliseconds(), Detail: sec.Scrub(s.Detail)}
	for _, x := range s.Exchanges {
		hs.Exchanges = append(hs.Exchanges, HARExchange{ID: x.ID, Method: x.Method, URL: HARURL(x.RawURL, sec), Status: x.Status})
	}
	for _, f := range s.Findings {
		hs.Findings = append(hs.Findings, harNoteOf(f, sec))
	}
	return hs
}

// HARURL is a URL of a HAR as printed: its secret parameters (code,
// tokens: transport.RedactURL) and those that tie it to the customer's
// browser session (state, nonce, session_state) redacted, and any known
// secret scrubbed.
func HARURL(raw string, sec *transport.Secrets) string {
	out := transport.RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return sec.Scrub(out)
	}
	var vals []string
	for _, k := range []string{"state", "nonce", "session_state"} {
		if v := u.Query().Get(k); len(v) >= 4 { // a value this short is no secret, and would scrub other text
			vals = append(vals, v, url.QueryEscape(v))
		}
	}
	return sec.Also(vals...).Scrub(out)
}

func harNoteOf(f flow.Finding, sec *transport.Secrets) HARNote {
	st := map[flow.Severity]string{flow.Note: "note", flow.Warning: check.Warn.String(), flow.Failure: check.Fail.String()}[f.Severity]
	return HARNote{Status: st, Text: sec.Scrub(f.Text), Cause: sec.Scrub(f.Cause), Fix: sec.Scrub(f.Fix)}
}

// maskHAR masks the people and tenants of d's tokens everywhere in d, the
// same value by the same stand-in (user-1, tenant-1), as a login's report
// masks them.
func maskHAR(d *HAR) {
	m := &masker{stand: map[string]string{}, count: map[string]int{}}
	for _, f := range d.Flows {
		for _, t := range f.Tokens {
			m.learn(t.Claims)
		}
	}
	walkStrings(reflect.ValueOf(d).Elem(), m.text)
}
