package explain

import (
	"cmp"
	"fmt"
	"ssodesk/auth"
	"ssodesk/safe"
	"ssodesk/timefmt"
	"strings"
	"time"
)

// The words of `ssodesk check` (diagnose.Report): one sentence per row.

// CheckDiscovery: the discovery document answered.
func CheckDiscovery(url string, status int, took time.Duration) string {
	return fmt.Sprintf("%s answered HTTP %d in %s", url, status, Elapsed(took))
}

// CheckUnreachable: a document could not be read; reason is why.
func CheckUnreachable(what, url, reason string) string {
	return fmt.Sprintf("cannot read the %s at %s: %s", what, url, reason)
}

// CheckTLS: the TLS version and the certificate's expiry.
func CheckTLS(version string, expiry, now time.Time) string {
	return fmt.Sprintf("%s; the certificate is valid until %s (%s)", version, expiry.Local().Format("2006-01-02"), RelTime(expiry, now))
}

// CheckTLSSoon: the certificate expires within days.
func CheckTLSSoon(version string, expiry, now time.Time) string {
	return CheckTLS(version, expiry, now) + ": it expires soon — tell HIMSA if it is not renewed"
}

// CheckPlainHTTP: an http endpoint (only loopback ones are accepted: the stand-in).
const CheckPlainHTTP = "plain http on this machine (the stand-in); HIMSA's endpoints use TLS 1.2 or higher"

// CheckNoClientID: no client ID is configured for env, so no authorize
// request can be checked (nor any login made), and where to set one.
func CheckNoClientID(env string) string {
	if env == "" {
		env = "production"
	}
	return fmt.Sprintf("no client ID is configured, so no login is possible: set client_id in the config file to the ID HIMSA supplied "+
		"(or environments.%s.client_id for the %s environment only; SSODESK_CLIENT_ID, --client-id)", env, env)
}

// CheckNotReached: the row could not run because discovery failed.
const CheckNotReached = "not checked: discovery failed"

// CheckIssuer: the discovery document names the configured issuer, or not.
func CheckIssuer(configured, discovered string) string {
	if configured == strings.TrimSpace(discovered) || strings.TrimSuffix(configured, "/") == strings.TrimSuffix(discovered, "/") {
		return "discovery names the configured issuer " + configured
	}
	return fmt.Sprintf("discovery names the issuer %q, not the configured %s: ID tokens would fail the issuer check — fix the issuer in the config", discovered, configured)
}

// CheckJWKS: the signing keys.
func CheckJWKS(url string, keys int, algs []string) string {
	return fmt.Sprintf("%d signing key%s at %s (%s)", keys, If(keys == 1, "", "s"), url, strings.Join(algs, ", "))
}

// CheckJWKSNoKeyFor: an algorithm discovery announces that no key can verify.
func CheckJWKSNoKeyFor(alg string) string {
	return "no key for " + alg + ", which discovery lists for ID tokens: a token signed with it would not verify"
}

// CheckTokenAuth says how the client authenticates at the token endpoint,
// given what discovery lists. HIMSA: the list names client_secret_basic and
// client_secret_post, not none, yet a public PKCE client sends only its ID.
func CheckTokenAuth(methods []string, hasSecret bool) string {
	listed := "discovery lists " + If(len(methods) > 0, strings.Join(methods, ", "), "no methods")
	switch {
	case hasSecret:
		return listed + "; ssodesk sends the configured client secret in the body (client_secret_post)"
	case containsString(methods, "none"):
		return listed + "; a public PKCE client sends only its client ID (none)"
	}
	return listed + ", not none; no secret is configured, so ssodesk sends only the client ID with PKCE, which HIMSA accepts " +
		"for a public app — set client_secret_file only if HIMSA issued a secret"
}

// CheckTokenAuthNoPost: a secret is configured but the IdP does not take it in the body.
func CheckTokenAuthNoPost(methods []string) string {
	return "a client secret is configured but discovery lists " + strings.Join(methods, ", ") +
		", not client_secret_post, which ssodesk uses: the token endpoint may refuse it"
}

// CheckEndpoints names the optional endpoints discovery advertises.
func CheckEndpoints(have, missing []string) string {
	s := "advertised: " + If(len(have) > 0, strings.Join(have, ", "), "none")
	if len(missing) > 0 {
		s += "; not advertised: " + strings.Join(missing, ", ")
	}
	if containsString(missing, "userinfo") {
		s += " (u, userinfo, will not work)"
	}
	return s
}

// CheckClock says how far this computer's clock is from the IdP's.
func CheckClock(skew, leeway time.Duration) string {
	switch {
	case skew.Abs() < 5*time.Second:
		return "this computer's clock agrees with the IdP's Date header"
	case skew > 0:
		return clockOff("behind", skew, leeway)
	}
	return clockOff("ahead of", -skew, leeway)
}

func clockOff(dir string, d, leeway time.Duration) string {
	s := fmt.Sprintf("this computer's clock is %s %s the IdP's (its Date header)", timefmt.Short(d), dir)
	if d > leeway {
		return s + fmt.Sprintf(", more than the leeway of %s: tokens will fail the expiry and issued-at checks — set the clock (NTP) or raise leeway", timefmt.Short(leeway))
	}
	return s + fmt.Sprintf(", within the leeway of %s", timefmt.Short(leeway))
}

// CheckNoDate: the IdP sent no Date header.
const CheckNoDate = "the IdP sent no Date header, so clock skew is unknown"

// CheckPortAppRedirect: the redirect URI is another app's, not a loopback
// one ssodesk listens on.
const CheckPortAppRedirect = "not a loopback redirect URI: nothing listens on this machine (a login as this app takes the address-bar URL pasted back)"

// CheckPortRandom: redirect_uri has port 0.
const CheckPortRandom = "redirect_uri has port 0: each login listens on a free port (HIMSA must then accept any port for it)"

// CheckPortFree: the redirect URI's port can be listened on.
func CheckPortFree(addr string) string { return addr + " is free for the login redirect" }

// CheckPortInUse: another program holds the port.
func CheckPortInUse(addr string) string {
	return addr + " is in use by another program: a login cannot listen there — free it, or use another port HIMSA whitelisted"
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Culprit is what the probes of a refused authorize request found
// (diagnose.Culprit's facts).
type Culprit struct {
	Param, Value     string                 // the parameter whose addition the IdP refuses ("" when each alone passed)
	Base             *auth.AuthorizeRequest // the request the IdP accepts; nil when none
	OwnAccepted      bool                   // the configured client's own registration was accepted
	ClientOrRedirect bool                   // even the bare request (scope openid) was refused
	RedirectURI      bool                   // the same client is accepted with its configured redirect URI (Base)
	ByTokenProbe     bool                   // Cause is what the token endpoint's answer to a bogus code tells
	Cause            string                 // auth.Cause* of the refusal
}

// ProbeFinding says which parameter the IdP refuses, from n probes.
func ProbeFinding(asked auth.AuthorizeRequest, c Culprit, n int) string {
	probes := fmt.Sprintf(" (%d probe%s, listed below)", n, If(n == 1, "", "s"))
	app := fmt.Sprintf("client %s with redirect URI %s", safe.Printable(asked.ClientID), safe.Printable(asked.RedirectURI))
	switch {
	case c.RedirectURI && c.Base != nil:
		return fmt.Sprintf("The IdP accepts client %s with its configured redirect URI %s but refuses redirect URI %s: it is not registered for this client "+
			"(it must match exactly, port and path included).%s", safe.Printable(asked.ClientID), safe.Printable(c.Base.RedirectURI), safe.Printable(asked.RedirectURI), probes)
	case c.ClientOrRedirect && c.ByTokenProbe && c.Cause == auth.CauseRedirectURI:
		return fmt.Sprintf("The IdP knows client %s (its token endpoint answers a code it never issued with invalid_grant) but refuses redirect URI %s "+
			"even with only scope openid: it is not registered for this client (it must match exactly, port and path included).%s",
			safe.Printable(asked.ClientID), safe.Printable(asked.RedirectURI), probes)
	case c.ClientOrRedirect && c.ByTokenProbe:
		return fmt.Sprintf("The IdP does not know client %s: its authorize endpoint refuses it even with only scope openid, and its token endpoint "+
			"answers invalid_client. The client ID is wrong, disabled, or of another environment (or it is a confidential client, which must send its secret).%s",
			safe.Printable(asked.ClientID), probes)
	case c.ClientOrRedirect:
		s := "The IdP refuses " + app + " even with only scope openid and nothing optional: "
		switch c.Cause {
		case auth.CauseRedirectURI:
			s += "it says the redirect URI is not registered for this client (it must match exactly, port and path included)."
		case auth.CauseUnknownClient:
			s += "it says it does not know the client, or the client is disabled."
		default:
			s += "either it does not know the client (or it is disabled), or the redirect URI is not registered for it; its error page does not say which — HIMSA can tell from the Request Id."
		}
		if c.OwnAccepted {
			s += " The configured client's own registration is accepted, so the IdP itself works."
		}
		return s + probes
	case c.Param == "":
		return "The IdP accepts each parameter of " + app + " on its own (" + requestWords(c.Base) + ") but refused them together; try again, or ask HIMSA with the Request Id." + probes
	}
	what := c.Param + " " + safe.Printable(c.Value)
	if c.Param == "scope" {
		what = safe.Printable(c.Value)
	}
	return fmt.Sprintf("The IdP accepts %s and %s; it refuses it once %s is added.%s", app, requestWords(c.Base), what, probes)
}

// requestWords names what a request asks beyond its client: "scope openid
// profile, prompt login".
func requestWords(r *auth.AuthorizeRequest) string {
	if r == nil {
		return "nothing"
	}
	s := "scope " + safe.Printable(strings.Join(r.Scopes, " "))
	if r.Prompt != "" {
		s += ", prompt " + safe.Printable(r.Prompt)
	}
	if r.ResponseMode != "" {
		s += ", response_mode " + safe.Printable(r.ResponseMode)
	}
	return s
}

// ProbeLine is one probe as listed: what changed and what the IdP said.
func ProbeLine(changed, value, outcome, errCode, requestID string, r auth.AuthorizeRequest) string {
	if changed == "token" {
		verdict := map[string]string{auth.PreflightAccepted: "the client is known (a public client)", auth.PreflightRefused: "the client is unknown to the token endpoint, or needs a secret"}[outcome]
		return "the token endpoint, with a code no IdP issued: " + If(errCode != "", safe.Printable(errCode), "no OAuth error") + " — " + cmp.Or(verdict, "no verdict")
	}
	what := map[string]string{"asked": "as asked", "minimal": "bare (scope openid only)", "own": "the configured client's own (" + safe.Printable(r.ClientID) + ")"}[changed]
	if what == "" {
		what = "+ " + changed + " " + safe.Printable(value)
	}
	said := outcome
	if errCode != "" {
		said += " (" + safe.Printable(errCode) + ")"
	}
	if requestID != "" {
		said += ", Request Id " + safe.Printable(requestID)
	}
	return what + ": " + said + " — " + requestWords(&r)
}
