package explain

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"ssodesk/auth"
)

// The HIMSA rules ssodesk explains (shared/himsa: HIMSA's developer pages),
// each said in one place for the TUI, the CLI and the report.

// OpaqueAccessToken: HIMSA — access tokens "may vary greatly in length. Make
// no assumptions about the contents."
const OpaqueAccessToken = "Not a JWT, and that is fine: HIMSA says access tokens \"may vary greatly in length. " +
	"Make no assumptions about the contents. It can change at any point in time.\" It is sent to the API as it is."

// MalformedAccessToken: the same rule, for a token shaped like a JWT.
const MalformedAccessToken = "It is still sent to the API as it is; HIMSA makes no promise about its format."

// NoRefreshToken explains why a login has no refresh token. HIMSA: refresh
// tokens only with offline_access, enabled per app; never for service apps.
func NoRefreshToken(askedOfflineAccess bool) string {
	if askedOfflineAccess {
		return "The login asked for offline_access but the IdP returned none: HIMSA has not enabled refresh tokens for this app (it enables them per app, on request)."
	}
	return "The login did not ask for offline_access, so the IdP issues none. Set offline_access: true in the config (or --offline-access) if your app registration allows it; HIMSA enables refresh tokens per app."
}

// ServiceAppsNoRefresh: HIMSA — service apps (client credentials) never get a refresh token.
const ServiceAppsNoRefresh = "Service apps (client credentials) never get a refresh token. Without one, renew by logging in again."

// RefreshTokenKind says what a refresh token looks like, and that its
// format is no promise (HIMSA).
func RefreshTokenKind(isJWT bool) string {
	return If(isJWT, "a JWT (do not rely on that: HIMSA says refresh tokens may change at any time)", "opaque")
}

// RefreshTokenPresent: HIMSA enables refresh tokens per app.
const RefreshTokenPresent = "offline_access asked the IdP for this token; HIMSA enables refresh tokens per app. Press r to trade it for new tokens."

// RegionalRelogin offers HIMSA's pattern 2a: a web app hosted per region
// logs the user in again at the region of the code.
func RegionalRelogin(env, target string) string {
	return fmt.Sprintf("g logs in again at the %s IdP, as a web app hosted in %s would (HIMSA 2a), and shows both sessions side by side.",
		cmp.Or(strings.TrimSpace(EnvName(env)+" "+Region(target)), Region(target)), Region(target))
}

// RegionalReloginSession says that a session is the second of a HIMSA 2a pair.
const RegionalReloginSession = "This is the session of a regional re-login; g shows it side by side with the first one."

// CodeRegionFailure says why the exchange at the regional endpoint a code's
// prefix maps to (exchange_at: code-region) failed, with which region
// mapping, and that the endpoint logged in at can exchange the code (HIMSA
// 2b: a desktop app may exchange any code at the global endpoint) — never
// "log in again", which meets the same endpoint.
func CodeRegionFailure(e *auth.CodeRegionError) string {
	what := e.Err.Error()
	var te *auth.TokenError
	if errors.As(e.Err, &te) && te.Code != "" && te.Code != "invalid_grant" {
		what += tokenErrorWords(te)
	}
	return what + ". " + CodeRegionMeaning(e) + " " + CodeRegionFix(e)
}

// CodeRegionMeaning says which region mapping sent the code where, and
// whether the code may still be good.
func CodeRegionMeaning(e *auth.CodeRegionError) string {
	s := fmt.Sprintf("Under exchange_at: code-region, the code's prefix %q mapped to the configured %s endpoint %s", e.CodeRegion+".", e.Mapped, e.MappedIssuer)
	var te *auth.TokenError
	isTE := errors.As(e.Err, &te)
	switch {
	case isTE && te.Code == "invalid_grant":
		s += fmt.Sprintf(", which did not take it as a code of its own (the %s endpoint's issuer is not the IdP that issued the code, or the code expired)", e.Mapped)
	case isTE && te.Code == "" && te.Status == "" && !e.Unsent:
		s += ", which did not answer after the code was sent: the code may be spent"
	case e.Unsent:
		s += ", which could not be reached: the code never left this machine"
	}
	return s + "."
}

// CodeRegionFix says what to do after a failed code-region exchange: the
// endpoint logged in at exchanges the code; after a refusal, logging in
// again with the same setting fails the same way.
func CodeRegionFix(e *auth.CodeRegionError) string {
	takes := "its own codes"
	if e.LoggedInGlobal {
		takes = "a code of any region (HIMSA hands it to the issuing regional IdP)"
	}
	var te *auth.TokenError
	if errors.As(e.Err, &te) && te.Code == "" && te.Status == "" { // no answer: maybe passing
		return fmt.Sprintf("Log in again; while the %s endpoint does not answer, the %s endpoint you logged in at (%s) exchanges %s: "+
			"set exchange_at: global (or --exchange-at global).", e.Mapped, e.LoggedIn, e.LoggedInIssuer, takes)
	}
	return fmt.Sprintf("Logging in again with exchange_at: code-region fails the same way, but the %s endpoint you logged in at (%s) exchanges %s: "+
		"set exchange_at: global (or --exchange-at global) and log in again, or correct the %s endpoint's issuer in the config.",
		e.LoggedIn, e.LoggedInIssuer, takes, e.Mapped)
}

// RegionalAccountsOnly: HIMSA — a regional endpoint lists (and signs in)
// only its own region's accounts; the global endpoint lets the user pick an
// account in any region.
func RegionalAccountsOnly(region string) string {
	return fmt.Sprintf("logging in with an account of another region? The %s endpoint lists only %s accounts: log in at the global endpoint "+
		"(any region's account) or at the account's own region's endpoint", Region(region), Region(region))
}

// timeoutFirst are the causes a timeout names before the usual ones, on one
// line each: how the browser command ended, and at a regional endpoint
// that it lists only its region's accounts.
func timeoutFirst(toe *auth.TimeoutError) string {
	var first []string
	if toe.Browser != "" {
		first = append(first, toe.Browser)
	}
	if toe.Regional != "" {
		first = append(first, RegionalAccountsOnly(toe.Regional))
	}
	return strings.Join(first, "\n  - ")
}

// ReloginOrigin says, for a report, that a session is the second login of
// a regional re-login (HIMSA 2a) and how it came to be.
func ReloginOrigin(f *auth.ReloginFacts, endpoint string) string {
	first := cmp.Or(f.FirstEndpoint, "global")
	s := fmt.Sprintf("This session is the second login of a regional re-login (HIMSA 2a): after a login through the %s endpoint", first)
	if f.FirstCodeRegion != "" {
		s += fmt.Sprintf(" whose code's prefix named %s", Region(f.FirstCodeRegion))
	}
	s += fmt.Sprintf(", that first session was dropped (its code not used, as a web app hosted per region does) and the user logged in again at the %s IdP", Region(endpoint))
	if f.Silent {
		return s + ", which signed the user in silently (prompt=none) with its SSO session: the user saw nothing."
	}
	return s + ", which needed the user (prompt=none was not answered with a code), so its login page followed."
}
