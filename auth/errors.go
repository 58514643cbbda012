package auth

import (
	"cmp"
	"errors"
	"fmt"
	"ssodesk/config"
	"ssodesk/safe"
	"ssodesk/transport"
	"strings"

	"golang.org/x/oauth2"
)

// ErrCancelled: the user pressed cancel (or refused consent) at the IdP.
var ErrCancelled = errors.New("you cancelled at the IdP (error=access_denied)")

// CallbackError is an OAuth error= the IdP sent to the redirect URI.
type CallbackError struct {
	Code        string // e.g. "access_denied", "invalid_scope"
	Description string
}

func (e *CallbackError) Error() string {
	if e.Code == "access_denied" {
		msg := "you cancelled at the IdP (error=access_denied"
		if e.Description != "" {
			msg += ": " + e.Description
		}
		return msg + ")"
	}
	if e.Description == "" {
		return fmt.Sprintf("the IdP refused the login: %s", e.Code)
	}
	return fmt.Sprintf("the IdP refused the login: %s: %s", e.Code, e.Description)
}

// Is makes errors.Is(err, ErrCancelled) true for access_denied.
func (e *CallbackError) Is(target error) bool {
	return target == ErrCancelled && e.Code == "access_denied"
}

// TimeoutError: no redirect reached the loopback listener in time
// (explain.Error names the usual causes).
type TimeoutError struct {
	After     string
	Preflight *Preflight // what the pre-flight found (nil when it did not run)
	Browser   string     // how the browser command ended, when it failed
	// Regional is the endpoint's region when the login was at a regional
	// endpoint, which lists only its own region's accounts ("" at a global one).
	Regional string
}

func (e *TimeoutError) Error() string { return "no login response from the browser within " + e.After }

// PortInUseError: the redirect URI's port is taken.
type PortInUseError struct {
	Addr string // "127.0.0.1:8765"
	Err  error
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("cannot listen on %s for the login redirect: the port is already in use "+
		"(another ssodesk or program holds it). Free it, or change the port in the config key "+
		"redirect_uri to another one HIMSA whitelisted (port 0 picks a random free port)", e.Addr)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// DiscoveryError: the IdP's discovery document could not be read.
type DiscoveryError struct {
	Issuer string
	Err    error
}

func (e *DiscoveryError) Error() string {
	return fmt.Sprintf("cannot read the discovery document of %s: %s", e.Issuer, cleanNetErr(e.Err))
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// cleanNetErr shortens Go's nested network errors to their useful tail
// ("connection refused", "no such host") while keeping the URL context once.
func cleanNetErr(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "connection refused"):
		return "connection refused (is the IdP up and the issuer URL right?)"
	case strings.Contains(s, "no such host"):
		return "no such host (DNS lookup failed; check the issuer URL and your network)"
	case strings.Contains(s, "Client.Timeout") || strings.Contains(s, "deadline exceeded"):
		return "no answer in time (raise timeouts.http or check the network)"
	}
	return s
}

// Op names what a call to the token endpoint was for.
type Op string

// The token endpoint operations.
const (
	OpExchange          Op = "code exchange"
	OpRefresh           Op = "refresh"
	OpClientCredentials Op = "client credentials"
)

// TokenError: the token endpoint refused (explain.Error adds what its code
// means and, for invalid_client, which key sets the secret) (an OAuth error document), answered
// something else (Status and Body), or could not be reached (Err).
type TokenError struct {
	Op          Op
	Endpoint    string // the token endpoint's URL
	Code        string // the OAuth error code ("invalid_grant"); "" when none
	Description string // its error_description
	Status      string // the HTTP status when it was no OAuth error document
	Body        string // the start of that body, on one line
	Location    string // where a redirect answer pointed (never followed)
	// SecretKey is the config key that sets the secret of the endpoint
	// that answered ("" when unknown); SecretSent whether one was sent.
	SecretKey  string
	SecretSent bool
	Err        error // the network error, when there was no answer
}

func (e *TokenError) Error() string {
	switch {
	case e.Code != "":
		msg := e.Code
		if e.Description != "" {
			msg += ": " + e.Description
		}
		return fmt.Sprintf("the IdP refused the %s at %s: %s", e.Op, e.Endpoint, msg)
	case e.Location != "" || strings.HasPrefix(e.Status, "3"):
		return fmt.Sprintf("the token endpoint %s answered the %s with a redirect (HTTP %s) to %s: not followed, since the request "+
			"carries the code or refresh token, the PKCE verifier and any client secret; check the issuer URL", e.Endpoint, e.Op, e.Status, cmp.Or(e.Location, "(no Location)"))
	case e.Status != "":
		return fmt.Sprintf("the token endpoint %s answered HTTP %s to the %s: %s", e.Endpoint, e.Status, e.Op, cmp.Or(e.Body, "(empty body)"))
	}
	return fmt.Sprintf("the %s at %s failed: %s", e.Op, e.Endpoint, cleanNetErr(e.Err))
}

func (e *TokenError) Unwrap() error { return e.Err }

// tokenError turns x/oauth2's error of a token endpoint call at oc into a
// *TokenError; r is the endpoint (for the key that sets its secret). The
// request's secrets (sent: the code, the PKCE verifier, the refresh token;
// and oc's client secret) are replaced wherever the IdP's answer repeats
// them: an error_description may echo the request.
func tokenError(op Op, r config.Region, oc oauth2.Config, err error, sent ...string) error {
	out := tokenErrorOf(op, r, oc, err)
	sec := transport.NewSecrets(append(sent, oc.ClientSecret)...)
	out.Code, out.Description = sec.Scrub(out.Code), sec.Scrub(out.Description)
	out.Body, out.Location = sec.Scrub(out.Body), sec.Scrub(out.Location)
	if out.Err != nil && sec.Scrub(out.Err.Error()) != out.Err.Error() {
		out.Err = scrubbedError{msg: sec.Scrub(out.Err.Error()), err: out.Err}
	}
	return out
}

// scrubbedError is an error whose text had secrets replaced; it still
// unwraps to the original for errors.Is and As.
type scrubbedError struct {
	msg string
	err error
}

func (e scrubbedError) Error() string { return e.msg }
func (e scrubbedError) Unwrap() error { return e.err }

func tokenErrorOf(op Op, r config.Region, oc oauth2.Config, err error) *TokenError {
	out := &TokenError{Op: op, Endpoint: oc.Endpoint.TokenURL, SecretKey: r.SecretKey, SecretSent: oc.ClientSecret != ""}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode != "":
		out.Code, out.Description = re.ErrorCode, re.ErrorDescription
	case errors.As(err, &re) && re.Response != nil:
		// Not an OAuth error document: keep the status and the start of the body.
		body := strings.Join(strings.Fields(safe.Printable(string(re.Body))), " ")
		if len(body) > 200 {
			body = body[:200] + "…"
		}
		out.Status, out.Body = re.Response.Status, body
		if transport.IsRedirect(re.Response.StatusCode) {
			out.Location = re.Response.Header.Get("Location")
		}
	default:
		out.Err = err
	}
	return out
}
