package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/loginjson"
)

// errNotSaved: the file is not a `login --json` document.
var errNotSaved = errors.New("not a `ssodesk login --json` document (it has no region and no tokens)")

// buildSaved reports a saved `login --json` document: what it holds; no
// steps, no trace (it records neither).
func buildSaved(doc []byte) (*Document, error) {
	// The one type `login --json` writes; its raw tokens only become fingerprints.
	var s loginjson.Document
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("not a `ssodesk login --json` document: %w", err)
	}
	if s.Region == "" || s.Tokens == (loginjson.Tokens{}) {
		return nil, errNotSaved
	}
	d := &Document{Kind: KindSaved, Steps: []Step{}, TLS: []TLSHost{}, APICalls: []APICall{},
		Clock: Clock{Detail: explain.ReportClockUnknown}, Trace: Trace{Note: explain.ReportNoTrace, Entries: []TraceEntry{}}}
	d.Tried = Tried{Environment: s.Environment, Endpoint: s.Region, Issuer: s.Endpoint, Scopes: s.Scopes, ClientID: s.ClientID, Params: s.Params}
	for _, c := range s.ParamChecks {
		st, _ := check.Parse(c.Status) // a word it does not know: not checked
		d.ParamChecks = append(d.ParamChecks, Check{Name: c.Name, Status: st, Detail: c.Detail})
	}
	d.Landing = &Landing{Story: s.Story, Endpoint: s.Region, CodeRegion: s.CodeRegion, ExchangedAt: s.ExchangedAt,
		ExchangeEndpoint: s.ExchangeURL, Issuer: s.Issuer, IssuerRegion: s.IssuerRegion, API: s.API, AppHost: s.AppHost,
		TenantID: s.TenantID, Scopes: s.Scopes, Expiry: s.Expiry, RefreshToken: explain.If(s.Tokens.RefreshToken != "", "issued", "none")}
	d.Tokens = orEmpty(tokens(s.Tokens.AccessToken, s.Tokens.RefreshToken, s.Tokens.IDToken))
	if s.IDToken != nil && s.IDToken.Kind == "jwt" {
		d.IDToken = &Decoded{Header: s.IDToken.Header, Claims: s.IDToken.Claims}
		if d.Tried.ClientID == "" { // a document of an older ssodesk
			d.Tried.ClientID, _ = s.IDToken.Claims["azp"].(string)
		}
	}
	if s.AccessToken != nil && s.AccessToken.Kind == "jwt" {
		d.AccessToken = &Decoded{Header: s.AccessToken.Header, Claims: s.AccessToken.Claims}
	}
	d.Outcome = Outcome{OK: true, Summary: explain.ReportVerified}
	if v := s.Verification; v != nil {
		d.Verification = &Verification{OK: v.OK, Issuer: v.Issuer, IssuerRegion: v.Region, JWKS: v.JWKS, KeyID: v.KeyID}
		var failed []string
		for _, c := range v.Checks {
			st, _ := check.Parse(c.Status) // a word it does not know: not checked
			d.Verification.Checks = append(d.Verification.Checks, Check{Name: c.Name, Status: st, Detail: c.Detail})
			if st == check.Fail {
				failed = append(failed, c.Name)
			}
		}
		d.Verification.Summary = savedSummary(d.Verification.Checks)
		if !v.OK {
			d.Outcome = Outcome{Summary: explain.ReportFailedAt("verify"), FailedStep: "verify",
				Explanation: explain.FailureMeaning("verify"), Fix: explain.FixVerify(failed)}
		}
	}
	d.Notes = append([]string{explain.ReportFromSaved}, s.Notes...)
	return d, nil
}

// savedSummary is auth.Report.Summary for saved checks.
func savedSummary(checks []Check) string {
	r := &auth.Report{}
	for _, c := range checks {
		r.Checks = append(r.Checks, check.Row{Name: c.Name, Status: c.Status})
	}
	return r.Summary()
}
