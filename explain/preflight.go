package explain

import (
	"fmt"
	"ssodesk/auth"
	"strings"
)

// Refusal is what the pre-flight learnt of a refused authorize request.
type Refusal struct {
	Cause       string
	ClientID    string
	RedirectURI string   // as sent, with its real port
	RandomPort  bool     // redirect_uri in the config has port 0
	Scope       string   // the refused scope, when the IdP named it
	Candidates  []string // when it did not: the requested scopes it may be
	Error       string   // the OAuth error code (from error= or the page)
	Description string
	Status      int // the authorize endpoint's HTTP status when it answered with an error status
}

// RefusalSentence says in one sentence why the IdP refused the authorize
// request and what fixes it.
func RefusalSentence(r Refusal) string {
	switch r.Cause {
	case auth.CauseRedirectURI:
		s := fmt.Sprintf("the IdP does not accept the redirect URI %s for client %s — HIMSA must whitelist exactly this URI "+
			"(port and path included), or set redirect_uri to the one they whitelisted", r.RedirectURI, r.ClientID)
		if r.RandomPort {
			s += " (redirect_uri has port 0, a random port each time: use the fixed port HIMSA whitelisted)"
		}
		return s
	case auth.CauseUnknownClient:
		return fmt.Sprintf("the IdP does not know the client %s, or it is disabled — set client_id to the ID HIMSA supplied for this endpoint, "+
			"or ask HIMSA to enable it", r.ClientID)
	case auth.CauseClientOrRedirect:
		return fmt.Sprintf("the IdP does not know the client %s or does not accept its redirect URI %s (it does not say which) — "+
			"check client_id against the ID HIMSA supplied, and ask HIMSA to whitelist exactly this URI (port and path included)",
			r.ClientID, r.RedirectURI)
	case auth.CauseScope:
		return scopeSentence(r)
	case auth.CauseResponseType:
		return fmt.Sprintf("the IdP does not let the client %s use the authorization code flow — ask HIMSA to enable "+
			"Authorization Code + PKCE for it", r.ClientID)
	}
	return otherRefusal(r)
}

func scopeSentence(r Refusal) string {
	switch {
	case r.Scope == "offline_access":
		return fmt.Sprintf("the IdP does not let the client %s ask for offline_access (refresh tokens) — set offline_access: false, "+
			"or ask HIMSA to enable refresh tokens for the app", r.ClientID)
	case r.Scope != "":
		return fmt.Sprintf("the IdP does not let the client %s ask for the scope %s — remove it from scopes, or ask HIMSA to allow it for the client",
			r.ClientID, r.Scope)
	case len(r.Candidates) > 0:
		return fmt.Sprintf("the IdP does not let the client %s ask for one of the scopes %s (it does not say which) — "+
			"remove it from scopes, or ask HIMSA which the client may ask for", r.ClientID, strings.Join(r.Candidates, ", "))
	}
	return fmt.Sprintf("the IdP does not let the client %s ask for one of its scopes — check scopes in the config", r.ClientID)
}

func otherRefusal(r Refusal) string {
	what := "the IdP refused the authorize request"
	switch {
	case r.Error != "" && r.Description != "":
		what += ": " + r.Error + " (" + r.Description + ")"
	case r.Error != "":
		what += ": " + r.Error
	case r.Status != 0:
		what += fmt.Sprintf(" with HTTP %d", r.Status)
	}
	if m := TokenErrorMeaning(r.Error); m != "" && r.Error != "invalid_grant" {
		what += " — " + m
	}
	return what
}

// RefusalDetail is what the IdP said itself, on one line: its message and
// Request Id (which HIMSA support can look up). Outside text: the caller
// makes it printable.
func RefusalDetail(message, requestID string) string {
	switch {
	case message != "" && requestID != "":
		return fmt.Sprintf("The IdP said: %q (Request Id %s, for HIMSA support).", message, requestID)
	case message != "":
		return fmt.Sprintf("The IdP said: %q.", message)
	case requestID != "":
		return "Request Id " + requestID + " (for HIMSA support)."
	}
	return ""
}

// PreflightOff: config preflight: false.
const PreflightOff = "pre-flight off (preflight: false): the authorize request is not checked before the browser opens"

// PreflightAccepted says the IdP took the authorize request; where is
// what it answered with ("its login page", "a redirect to /login").
func PreflightAccepted(where string) string {
	return "the IdP accepts this authorize request (" + where + ")"
}

// PreflightFailed: the pre-flight request got no answer; the login goes on.
func PreflightFailed(reason string) string {
	return "the pre-flight of the authorize request failed (" + reason + "); opening the browser anyway"
}

// PreflightRefusedTitle heads a refused login.
const PreflightRefusedTitle = "The IdP refused this login before the browser opened"

// Waiting is where a login waits for the browser: what a person can do
// when the browser cannot reach this machine depends on it.
type Waiting int

const (
	WaitCLI     Waiting = iota // `ssodesk login`: --no-browser takes the pasted redirect URL
	WaitPasting                // `ssodesk login --no-browser`: paste it here
	WaitTUI                    // the TUI: the URL must be opened where the redirect reaches this machine
	WaitDemo                   // the TUI against the stand-in (`ssodesk demo`): --auto-account needs no browser
)

// WaitHint lists what to check when no login response has come from the
// browser: preflight is what the pre-flight found (a sentence, "" when
// unknown), urlHint where the authorize URL is ("press c to copy it"), w
// where the login waits.
func WaitHint(preflight, urlHint string, w Waiting) []string {
	return WaitHintPort(preflight, urlHint, w, "")
}

// WaitHintPort is WaitHint naming the redirect URI's port (the one the
// login listens on; "" when not known) where it says to forward it.
func WaitHintPort(preflight, urlHint string, w Waiting, port string) []string {
	opened := "no browser opened? Open the authorize URL yourself (" + urlHint + ")"
	fwd := "forward the redirect URI's port: ssh -L PORT:127.0.0.1:PORT"
	if port != "" {
		fwd = "forward the redirect URI's port " + port + ": ssh -L " + port + ":127.0.0.1:" + port
	}
	reach := "the browser cannot reach this machine (SSH)? Open the authorize URL in a browser that reaches this machine's " +
		"127.0.0.1 (" + fwd + "), so the IdP's redirect comes back here"
	switch w {
	case WaitCLI:
		reach = "the browser cannot reach this machine (SSH)? `ssodesk login --no-browser` lets you paste the final redirect URL " +
			"(http://127.0.0.1:…/callback?code=…, from the address bar)"
	case WaitPasting:
		reach = "the browser cannot reach this machine (SSH)? Paste the final redirect URL here " +
			"(http://127.0.0.1:…/callback?code=…, from the address bar)"
	case WaitDemo:
		opened += ", or quit and run `ssodesk demo --auto-account first`, which logs in as a demo account without a browser"
	}
	return []string{
		opened,
		"the login went to another browser window or profile? Finish it there, or open the URL in the one you use",
		reach,
		"pre-flight: " + If(preflight != "", preflight, "not run"),
	}
}

// LoginTimeout says that no login response came in time, and why that
// usually is, one cause a line; browser is how the browser command ended
// ("" when unknown), w where the login waited.
func LoginTimeout(after, preflight, browser string, w Waiting) string {
	causes := WaitHint(preflight, "shown when the login started", w)
	if browser != "" {
		causes = append([]string{browser}, causes...)
	}
	return "no login response from the browser within " + after + ". Check:\n  - " + strings.Join(causes, "\n  - ") +
		"\nTo wait longer, raise timeouts.login"
}

// BrowserExited: the $BROWSER command ended with a non-zero status.
func BrowserExited(command string, code int) string {
	return fmt.Sprintf("the browser command %q exited with status %d: it may not have opened the page; open the authorize URL yourself", command, code)
}
