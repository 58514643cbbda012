package auth

import (
	"errors"
	"fmt"
	"strings"
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

// TimeoutError: no redirect reached the loopback listener in time.
type TimeoutError struct{ After string }

func (e *TimeoutError) Error() string {
	return "no login response from the browser within " + e.After +
		" (login timed out; finish the login in the browser sooner, or raise timeouts.login)"
}

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
