package explain

// The words of a login's authorize parameters: what discovery says of them
// before the browser opens, and what the ID token shows of their effect.

import (
	"fmt"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/safe"
	"ssodesk/timefmt"
)

// ParamSupport says what discovery says of one sent parameter.
func ParamSupport(s auth.ParamSupport) string {
	sent := safe.Printable(s.Param + "=" + strings.Join(s.Values, " "))
	switch {
	case len(s.Unsupported) > 0:
		return fmt.Sprintf("%s: the IdP's discovery does not list %s in %s (it lists %s); the IdP may ignore or refuse it",
			sent, safe.Printable(strings.Join(s.Unsupported, ", ")), s.Key, safe.Printable(If(len(s.Supported) > 0, strings.Join(s.Supported, ", "), "nothing")))
	case !s.Listed:
		return fmt.Sprintf("%s: not checked — the IdP's discovery has no %s", sent, s.Key)
	}
	return fmt.Sprintf("%s: listed in the IdP's %s", sent, s.Key)
}

// ParamSupportRow is ParamSupport as a row: ! for a value discovery does
// not list, – when it lists none, ✓ when it lists them all.
func ParamSupportRow(s auth.ParamSupport) check.Row {
	st := check.Pass
	switch {
	case len(s.Unsupported) > 0:
		st = check.Warn
	case !s.Listed:
		st = check.Skip
	}
	return check.Row{Name: "sent " + s.Param, Status: st, Detail: ParamSupport(s)}
}

// ParamChecks are the rows of a login's authorize parameters: discovery's
// support (before the browser), then their effect in the ID token:
// auth_time against max_age and prompt=login, tenantid against a tenant:
// hint, idp against an idp: hint, and amr and acr shown (nil: none).
func ParamChecks(f *auth.ParamFacts) []check.Row {
	if f == nil {
		return nil
	}
	var rows []check.Row
	for _, s := range f.Support {
		rows = append(rows, ParamSupportRow(s))
	}
	if f.Sent.MaxAge != nil {
		rows = append(rows, maxAgeRow(f, *f.Sent.MaxAge))
	}
	if f.Sent.Prompt == auth.PromptLogin {
		rows = append(rows, promptLoginRow(f))
	}
	if t := f.Sent.ACRHint("tenant:"); t != "" {
		rows = append(rows, hintRow("tenantid", "tenant:", t, f.TenantID))
	}
	if idp := f.Sent.ACRHint("idp:"); idp != "" {
		rows = append(rows, hintRow("idp", "idp:", idp, f.IDP))
	}
	rows = append(rows, shownRow("amr", strings.Join(f.AMR, " ")), shownRow("acr", f.ACR))
	if f.Sent.ACRHint("idp:") == "" {
		rows = append(rows, shownRow("idp", f.IDP))
	}
	return rows
}

// authTimeText is "auth_time 10:04:05 (3s after the login started)".
func authTimeText(f *auth.ParamFacts) string {
	d := f.AuthTime.Sub(f.Started.Truncate(time.Second))
	rel := timefmt.Short(d.Abs()) + If(d >= 0, " after", " before") + " the login started"
	return "auth_time " + timefmt.Clock(f.AuthTime) + " (" + rel + ")"
}

// maxAgeRow: with max_age the ID token must carry auth_time (OIDC Core
// 3.1.2.1), no older than max_age before the login started (+leeway).
func maxAgeRow(f *auth.ParamFacts, maxAge int) check.Row {
	r := check.Row{Name: "max_age", Status: check.Fail}
	limit := time.Duration(maxAge) * time.Second
	switch {
	case !f.HasAuthTime:
		r.Detail = fmt.Sprintf("max_age=%d sent, but the ID token has no auth_time (OIDC requires it then): cannot tell whether the user signed in again", maxAge)
	case f.AuthTime.Before(f.Started.Truncate(time.Second).Add(-limit - f.Leeway)):
		r.Detail = fmt.Sprintf("max_age=%d sent, but %s is older than that allows (with the %s leeway): the IdP signed the user in from an older session, not again",
			maxAge, authTimeText(f), timefmt.Span(f.Leeway))
	case !f.AuthTime.Before(f.Started.Truncate(time.Second)):
		r.Status, r.Detail = check.Pass, fmt.Sprintf("max_age=%d sent; %s: the user signed in during this login", maxAge, authTimeText(f))
	default:
		r.Status, r.Detail = check.Pass, fmt.Sprintf("max_age=%d sent; %s: within max_age, so the IdP's session was young enough", maxAge, authTimeText(f))
	}
	return r
}

// promptLoginRow: prompt=login asks for a new sign-in, so auth_time is no
// earlier than the login's start (+leeway).
func promptLoginRow(f *auth.ParamFacts) check.Row {
	r := check.Row{Name: "prompt=login", Status: check.Fail}
	switch {
	case !f.HasAuthTime:
		r.Status, r.Detail = check.Skip, "not checked: the ID token has no auth_time, so a new sign-in cannot be seen"
	case f.AuthTime.Before(f.Started.Truncate(time.Second).Add(-f.Leeway)):
		r.Detail = fmt.Sprintf("%s, earlier than the login (with the %s leeway): the IdP did not make the user sign in again", authTimeText(f), timefmt.Span(f.Leeway))
	case f.AuthTime.Before(f.Started.Truncate(time.Second)):
		r.Status, r.Detail = check.Pass, fmt.Sprintf("%s, within the %s leeway of the login's start: the clocks differ a little; the user signed in again",
			authTimeText(f), timefmt.Span(f.Leeway))
	default:
		r.Status, r.Detail = check.Pass, authTimeText(f)+": the user signed in again"
	}
	return r
}

// hintRow compares a claim with the acr_values hint that asked for it.
func hintRow(claim, prefix, want, got string) check.Row {
	r := check.Row{Name: claim, Status: check.Warn}
	switch {
	case got == "":
		r.Status, r.Detail = check.Skip, fmt.Sprintf("not checked: acr_values asked for %s%s, but the ID token has no %s claim", prefix, safe.Printable(want), claim)
	case strings.EqualFold(got, want):
		r.Status, r.Detail = check.Pass, fmt.Sprintf("%s, as acr_values' %s%s asked", safe.Printable(got), prefix, safe.Printable(want))
	default:
		r.Detail = fmt.Sprintf("%s, not the %s%s acr_values asked for: the IdP did not follow the hint (or names it differently)", safe.Printable(got), prefix, safe.Printable(want))
	}
	return r
}

// shownRow shows a claim nothing was asked of (– : not a check).
func shownRow(claim, value string) check.Row {
	if value == "" {
		return check.Row{Name: claim, Detail: "not in the ID token"}
	}
	return check.Row{Name: claim, Detail: safe.Printable(value) + " (shown, not checked)"}
}

// ParamsSent is the parameters a login sent, "k=v k=v" ("" for none).
func ParamsSent(p auth.AuthorizeParams) string {
	var parts []string
	for _, s := range p.Sent() {
		parts = append(parts, s.Key+"="+s.Value)
	}
	return safe.Printable(strings.Join(parts, " "))
}
