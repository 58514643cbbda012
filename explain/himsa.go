package explain

import (
	"cmp"
	"fmt"
	"strings"
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
