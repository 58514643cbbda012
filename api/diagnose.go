package api

import (
	"cmp"
	"fmt"
	"slices"
	"ssodesk/explain"
	"ssodesk/safe"
	"ssodesk/transport"
	"strings"
	"time"
)

// Problem is what a 401 or 403 most likely means.
type Problem int

const (
	ProblemNone         Problem = iota
	ProblemExpired              // the access token expired
	ProblemWrongRegion          // the token is for another region's API
	ProblemMissingScope         // the token lacks a scope the API needs
	ProblemInvalidToken         // the API refused the token for another reason
	ProblemForbidden            // 403 without a scope error: the user may not do this
	ProblemRedirect             // a 3xx: not followed, since it would carry the bearer token
)

// TokenFacts is what the app knows about the token it sent.
type TokenFacts struct {
	Expiry      time.Time // access token expiry; zero when unknown
	Region      string    // the token's region (region claim or code prefix)
	Scopes      []string  // granted scopes
	APIRegion   string    // the region of the API base, when known
	CanRefresh  bool      // a refresh token is at hand
	RequiredAPI string    // the scope the API needs (noah.cloud.app.users.api)
	Now         time.Time
}

// Diagnosis explains a refused call in plain words.
type Diagnosis struct {
	Problem   Problem
	Summary   string // one or two sentences for the user
	Challenge Challenge
	Retry     bool // refresh the tokens and retry
}

// Diagnose explains a 401 or 403 from the WWW-Authenticate challenge and
// what the app knows of its token, and a redirect (which is never followed:
// the request carries the bearer token). It returns nil for other statuses.
// HIMSA does not document its API's error texts, so the challenge's error
// code comes first and the description is only a hint.
func Diagnose(r *Response, f TokenFacts) *Diagnosis {
	if transport.IsRedirect(r.Status) {
		return &Diagnosis{Problem: ProblemRedirect, Summary: fmt.Sprintf("The API answered with a redirect to %s. ssodesk did not follow it: "+
			"the request carries the bearer token, and a redirect could send it elsewhere (or over plain http). "+
			"Call the target yourself if you trust it, or fix the API base.", cmp.Or(safe.Printable(r.Header.Get("Location")), "(no Location header)"))}
	}
	if r.Status != 401 && r.Status != 403 {
		return nil
	}
	c, _ := r.Bearer()
	d := &Diagnosis{Challenge: c}
	code, desc := c.Param("error"), strings.ToLower(c.Param("error_description"))
	expired := !f.Expiry.IsZero() && !f.Now.Before(f.Expiry)
	wrongRegion := f.Region != "" && f.APIRegion != "" && f.Region != f.APIRegion
	switch {
	case code == "insufficient_scope" || strings.Contains(desc, "scope"):
		d.Problem = ProblemMissingScope
		need := cmp.Or(c.Param("scope"), scopeIn(c.Param("error_description")), f.RequiredAPI)
		d.Summary = fmt.Sprintf("The token lacks a scope the API needs (%s); it has: %s. Add it to scopes in the config and log in again.",
			cmp.Or(need, "not named by the API"), cmp.Or(strings.Join(f.Scopes, " "), "none listed"))
		if need != "" && slices.Contains(f.Scopes, need) {
			d.Summary = fmt.Sprintf("The API says a scope is missing (%s), though the login was granted it: the API may want another scope or role.", need)
		}
	case expired || strings.Contains(desc, "expired"):
		d.Problem = ProblemExpired
		when := "it has expired"
		if !f.Expiry.IsZero() {
			when = "it expired at " + f.Expiry.Local().Format("15:04:05")
		}
		d.Summary = "The access token is no longer valid: " + when + "."
		if f.CanRefresh {
			d.Summary += " Press R to refresh the tokens and retry."
			d.Retry = true
		} else {
			d.Summary += " There is no refresh token, so log in again."
		}
	case wrongRegion || strings.Contains(desc, "region"):
		d.Problem = ProblemWrongRegion
		if wrongRegion {
			d.Summary = fmt.Sprintf("The token is for %s but this is the %s API: call the API named by the ID token's api claim (HIMSA: use it, especially with the global endpoint).", explain.Region(f.Region), explain.Region(f.APIRegion))
		} else {
			d.Summary = "The API says the token is for another region: call the API named by the ID token's api claim (HIMSA: use it, especially with the global endpoint)."
		}
	case r.Status == 403:
		d.Problem = ProblemForbidden
		d.Summary = "The API accepted the token but refuses this call (403): the user's role or tenant may not allow it."
	default:
		d.Problem = ProblemInvalidToken
		d.Summary = "The API refused the token (401)."
	}
	if code != "" {
		d.Summary += " The API said: " + code
		if c.Param("error_description") != "" {
			d.Summary += ": " + c.Param("error_description")
		}
		d.Summary += "."
	} else if c.Scheme == "" {
		d.Summary += " It sent no WWW-Authenticate challenge to say why."
	}
	return d
}

// scopeIn is the scope a challenge's description names after the word
// "scope" ("token lacks scope noah.cloud.app.admin.api"; only a hint: the
// API's texts are not documented), "" when none.
func scopeIn(desc string) string {
	f := strings.Fields(desc)
	for i := 0; i+1 < len(f); i++ {
		if w := strings.Trim(f[i+1], `"'.,;:()`); strings.EqualFold(f[i], "scope") && strings.Contains(w, ".") {
			return w
		}
	}
	return ""
}
