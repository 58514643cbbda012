package explain

import (
	"fmt"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/timefmt"
)

// The words for a browser's login flows read from a HAR file (flow.Logins):
// what each finding means and what to do. Outside text (client IDs, URLs,
// the IdP's words) is the caller's to make printable.

// HARErrorPage says the IdP showed its error page after an authorize
// request: the error code and Request Id as the page shows them.
func HARErrorPage(code, message, requestID string) string {
	s := "The IdP answered the authorize request with its error page"
	if code != "" {
		s += " (" + code + ")"
	}
	s += "; the app never heard of it."
	if d := RefusalDetail(message, requestID); d != "" {
		s += " " + d
	}
	return s
}

// HARErrorIDNote: the errorId of /home/error is encrypted.
const HARErrorIDNote = "The errorId in the error page's URL is encrypted: only HIMSA can read it (send them the Request Id and the time)."

// HARErrorPageCause is why the IdP refused: the cause its page names
// (RefusalSentence), else the likely ones for the request.
func HARErrorPageCause(r Refusal, responseType string) string {
	if r.Cause != auth.CauseOther {
		return upper(RefusalSentence(r)) + ". " + HARErrorIDNote
	}
	return fmt.Sprintf("The page does not say why; the likely causes: the redirect URI %s is not registered for the client %s "+
		"(it must match exactly, port and path included), the IdP does not know the client %s or it is disabled, or the client may "+
		"not use this flow (response_type %s). %s", r.RedirectURI, r.ClientID, r.ClientID, responseType, HARErrorIDNote)
}

// HARCheckCommand is the command that confirms an authorize refusal.
func HARCheckCommand(clientID, redirectURI string) string {
	return fmt.Sprintf("ssodesk check --client-id %s --redirect-uri %s", shellWord(clientID), shellWord(redirectURI))
}

// HARErrorPageFix says how to confirm it.
func HARErrorPageFix(clientID, redirectURI string) string {
	return "Confirm it with `" + HARCheckCommand(clientID, redirectURI) + "` (it sends the same authorize request and reads the answer); " +
		"then ask HIMSA to register the redirect URI or enable the client, or fix the app's client ID or redirect URI."
}

// shellWord quotes s for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!&;|<>()*?[]{}#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// HARErrorRedirect says the IdP sent error= back to the app.
func HARErrorRedirect(code, description string) string {
	s := "The IdP sent the browser back to the app with error=" + code
	if description != "" {
		s += " (" + description + ")"
	}
	return s + "."
}

// HARErrorRedirectCause is what an error= to the app means: silent says the
// request had prompt=none, inFrame that it ran in a frame; scope is the
// refused scope when the description names one.
func HARErrorRedirectCause(code, scope string, silent, inFrame bool) string {
	switch code {
	case "access_denied":
		return "The user cancelled at the IdP, or declined consent."
	case "invalid_scope":
		if scope != "" {
			return "The client may not ask for the scope " + scope + "."
		}
		return "The client asked for a scope it may not ask for (the IdP does not say which)."
	case "login_required", "interaction_required", "consent_required", "account_selection_required":
		if !silent {
			return "The IdP needs the user to " + strings.TrimSuffix(code, "_required") + "."
		}
		s := "A silent request (prompt=none) found no usable session at the IdP: it expired, the user logged in with another browser or profile, or logged out"
		if inFrame {
			s += ", or the browser blocks third-party cookies, so the IdP's session cookie is not sent to the frame"
		}
		return s + "."
	}
	if m := TokenErrorMeaning(code); m != "" {
		return upper(m) + "."
	}
	return "The IdP refused the request; its description says why."
}

// HARErrorRedirectFix is what to do about an error= to the app.
func HARErrorRedirectFix(code, scope string, silent bool) string {
	switch {
	case code == "invalid_scope" && scope != "":
		return "Remove " + scope + " from the app's scopes, or ask HIMSA to allow it for the client."
	case silent && strings.HasSuffix(code, "_required"):
		return "The app must then log in interactively (without prompt=none) in the top window or a popup; allowing third-party cookies for the IdP, or logging in again in this browser, restores silent renew."
	}
	return FixCallbackError(code)
}

// HARFramed: the IdP's login page was loaded in a frame.
const (
	HARFramed        = "The IdP's login page was loaded in a frame, which the IdP forbids (%s): the browser refused to show it."
	HARFramedBlocked = "the browser blocked the response: net::ERR_BLOCKED_BY_RESPONSE"
	HARFramedCause   = "HIMSA's IdP answers its pages with X-Frame-Options: SameOrigin (or CSP frame-ancestors), so no other site may show them in a frame."
	HARFramedFix     = "The app must show the login in the top window, a popup or the system browser; only a silent renew (prompt=none) may run in a hidden frame."
)

// HARCORS says a browser request to the IdP was blocked by CORS.
func HARCORS(what, url string) string {
	return fmt.Sprintf("The browser blocked the %s request to %s (CORS: no answer the page may read).", what, url)
}

// HARCORSCause: the app's origin is not allowed for the client.
func HARCORSCause(origin, clientID string) string {
	return fmt.Sprintf("The app's origin %s is not an allowed CORS origin of the client %s at the IdP, so the IdP's answer carries no Access-Control-Allow-Origin for it.", origin, clientID)
}

// HARCORSCodeSpent: a token request CORS blocked was answered all the same.
const HARCORSCodeSpent = "The IdP did answer the token request (the browser only withheld the answer from the page), so the code is spent: the app must log in again after the fix."

// HARCORSFix: ask HIMSA to allow it.
func HARCORSFix(origin, clientID string) string {
	return fmt.Sprintf("Ask HIMSA to add %s to the allowed CORS origins of the client %s (scheme, host and port exactly as the browser sends it).", origin, clientID)
}

// HARTokenError says the token endpoint refused a request.
func HARTokenError(grant, code, description string) string {
	s := "The token endpoint refused the " + grant + " request: " + code
	if description != "" {
		s += " (" + description + ")"
	}
	return s + "."
}

// HARInvalidGrantCause is why a code exchange got invalid_grant, from what
// the HAR shows: the code's region against the token endpoint's, a second
// use, its age.
func HARInvalidGrantCause(codeRegion, tokenRegion string, reused bool, age time.Duration) string {
	switch {
	case codeRegion != "" && tokenRegion != "" && codeRegion != tokenRegion:
		return fmt.Sprintf("The code's prefix names %s but it was exchanged at the %s endpoint: a code is good only at the endpoint whose region its prefix names.", Region(codeRegion), Region(tokenRegion))
	case reused:
		return "The code was exchanged twice: a code is good for one exchange, so the second is refused (an app that runs its callback twice, or a retry)."
	case age > CodeLifetime:
		return fmt.Sprintf("The code was exchanged %s after the callback: codes live a few minutes, so it had expired.", timefmt.Short(age))
	}
	return upper(TokenErrorMeaning("invalid_grant")) + "."
}

// CodeLifetime is how long an IdentityServer code lives by default.
const CodeLifetime = 5 * time.Minute

// HARInvalidGrantFix is what to do.
func HARInvalidGrantFix(codeRegion, tokenRegion string) string {
	if codeRegion != "" && tokenRegion != "" && codeRegion != tokenRegion {
		return fmt.Sprintf("Exchange the code at the %s endpoint (its prefix's region), or at the endpoint the login started at.", Region(codeRegion))
	}
	return FixTokenError("invalid_grant", "", false)
}

// PKCE findings.
const (
	HARPKCEMissing      = "The token request sent no code_verifier, though the authorize request had a code_challenge."
	HARPKCEMissingCause = "With PKCE the IdP exchanges the code only for the code_verifier whose hash was sent as the code_challenge; the app lost it (it keeps it in session storage of another tab, or cleared it) or never sends it."
	HARPKCEWrongCause   = "The IdP says the code_verifier does not match the code_challenge of the authorize request (or none was sent): the app sent the verifier of another login attempt, or changed it."
	HARPKCEFix          = "Keep the code_verifier of each authorize request until its code is exchanged, and send it with that code (a library such as oidc-client-ts does this)."
)

// Flow shape findings.
const (
	HARAbandoned      = "The flow stopped at the IdP's login page: nothing followed it in the HAR."
	HARAbandonedCause = "The user did not finish logging in (closed the tab, or the recording stopped), or the login page failed in a way the HAR does not show."
	HARAbandonedFix   = "Ask the customer to record again and finish the login; if the page misbehaves, note what it shows."
	HARLoopCause      = "The app starts the login again as soon as it returns: it does not accept or keep the result (its callback fails, its session cookie is not set or is blocked, or its route guard redirects before the tokens are stored)."
	HARLoopFix        = "Look at the app's callback handling and the requests after each callback (a failing token exchange, a cookie refused by SameSite, a redirect straight back to login)."
	HARMixUpCause     = "The authorization response names another issuer than the IdP the app asked: another IdP answered (a mix-up attack, or a misconfigured proxy)."
	HARStateCause     = "The state sent back is not the one the authorize request sent: the response belongs to another login attempt (a second tab, a replay) and the app must refuse it."
	HARStateFix       = "Log in again in one tab; if it persists, the app loses or overwrites its stored state."
)

// HARLoop says the same authorize request repeated.
func HARLoop(n int, within time.Duration) string {
	return fmt.Sprintf("The app sent the same authorize request %d times within %s: a login loop.", n, timefmt.Short(within))
}

// HARMixUp says the callback's iss is not the IdP's.
func HARMixUp(iss, want string) string {
	return fmt.Sprintf("The authorization response's iss is %s, not the issuer asked (%s).", iss, want)
}

// HARState says the callback's state does not match.
func HARState(got, want string) string {
	return fmt.Sprintf("The state in the callback (%s) is not the authorize request's (%s).", got, want)
}

// HARClock says how far the browser's clock is from the IdP's.
func HARClock(skew, leeway time.Duration) string {
	return "In the HAR (the browser's clock against the IdP's Date headers): " + strings.Replace(CheckClock(skew, leeway), "this computer's", "the customer's", 1) + "."
}

// HARClockCause: the HAR's times are the customer's.
const HARClockCause = "A HAR's times are the customer's browser's clock and each Date header is the IdP's; token times (iat, nbf, exp) are the IdP's, so an app or library that checks them with the local clock sees them off by as much."

// HARClockFix is what to do about the customer's clock.
const HARClockFix = "Set the customer's clock to synchronise automatically (Windows: Settings › Time & language › Set time automatically); apps that check token times with the local clock fail until then."

// HARTokenTime says a token was not valid at its use.
func HARTokenTime(kind string, expired bool, by time.Duration) string {
	if expired {
		return fmt.Sprintf("The %s had expired %s before it was used.", kind, timefmt.Short(by))
	}
	return fmt.Sprintf("The %s was not yet valid when it arrived (issued %s in the future of the browser's clock).", kind, timefmt.Short(by))
}

// HARTokenTimeCause is why.
func HARTokenTimeCause(expired bool) string {
	if expired {
		return "The app kept using an access token past its expiry instead of renewing it (or the customer's clock is off)."
	}
	return "The customer's clock is behind the IdP's by more than the leeway, so libraries that check iat/nbf refuse the token."
}

// HARTokenTimeFix is what to do.
func HARTokenTimeFix(expired bool) string {
	if expired {
		return "Renew the token before it expires (silent renew or refresh token), and check the customer's clock."
	}
	return HARClockFix
}

// The sensitive data note (flow.SensitiveDataNote).
const (
	HARNoSensitive      = "This HAR was exported without sensitive data: it holds no cookies and no Authorization headers."
	HARNoSensitiveMaybe = "This HAR holds no cookies and no Authorization headers: it was exported without sensitive data, or the login never got as far as a session or a token."
	HARNoSensitiveCause = "So it cannot show the IdP's session cookies (whether a silent renew had a session to use) or the bearer tokens of API calls (which token each call sent, and so which login it belongs to)."
	HARNoSensitiveFix   = "For a HAR that can: Chrome/Edge: in the Network panel's download menu choose \"Export HAR (with sensitive data)\" " +
		"(enable the setting \"Allow to generate HAR with sensitive data\" first); Firefox: \"Save All As HAR\" keeps cookies. " +
		"It then holds the customer's session: treat it as a password and delete it after use."
)

// HARCallbackOK says the app got its code.
const HARCallbackOK = "The IdP sent the browser back to the app with a code."

// HARAPIRefused says an API refused a call made with the flow's token.
func HARAPIRefused(host string, status int) string {
	return fmt.Sprintf("The API at %s refused the call with HTTP %d.", host, status)
}

// HARRefreshFix: the app has a refresh token.
const HARRefreshFix = "The app has a refresh token: it must refresh its tokens (or renew silently) before they expire, and retry."

// The fixes of an API's refusal in a customer's app.
const (
	HARAPIScopeFix   = "The app must ask for the scope the API needs in its authorize request (scope), and the client must be allowed it at the IdP (ask HIMSA); then log in again."
	HARAPIRegionFix  = "Call the API at the base URI of the ID token's api claim (the account's region), not a fixed or another region's API address."
	HARAPIExpiredFix = "The app must log in again (or renew silently) before its tokens expire, and then retry."
	HARAPIOtherFix   = "Check with HIMSA what the user's role and tenant allow, with the API's answer and the time of the call."
)

// The words of a HAR's report and of `ssodesk har`.
const (
	HARNoFlow          = "no login flow in it: no authorize request to a HIMSA endpoint or any IdP"
	HARReportTimesNote = "Times in a HAR are the customer's browser's clock; a token's times are said as they stood at its use in the HAR."
)

// HARFlowsOK sums up a HAR whose n flows all succeeded.
func HARFlowsOK(n int) string {
	return If(n == 1, "its login flow succeeded", fmt.Sprintf("all %d login flows succeeded", n))
}

// HARFlowsFailed sums up a HAR where failed of n flows did not succeed.
func HARFlowsFailed(failed, n int) string {
	return fmt.Sprintf("%d of %d login flows did not succeed", failed, n)
}

// HARReportTrace says where a HAR's report's exchanges are.
func HARReportTrace(name string) string {
	return "The exchanges are the HAR file's (" + name + "): each step lists its own, with their URLs redacted; the file itself is not copied beside this report (ssodesk har sanitize makes a copy to share)."
}
