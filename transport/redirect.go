package transport

import (
	"errors"
	"fmt"
	"net/http"
)

// followsRedirects are the purposes whose requests carry no secret and may
// follow a redirect: to the same scheme and host only, at most maxRedirects
// times. Every other request (token, userinfo, revocation, introspection,
// API calls, untagged ones) follows none: a redirect answer is returned as it
// is, so no client secret, code, verifier or bearer token is sent anywhere
// the user did not configure (RFC 9700 §4.11: no secrets across redirects).
var followsRedirects = map[string]bool{"discovery": true, "jwks": true, "health": true}

const maxRedirects = 5

// checkRedirect is every client's http.Client.CheckRedirect.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	if !followsRedirects[PurposeOf(first.Context())] {
		return http.ErrUseLastResponse
	}
	switch {
	case len(via) >= maxRedirects:
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	case req.URL.Scheme != first.URL.Scheme || req.URL.Host != first.URL.Host:
		return &RedirectError{From: first.URL.String(), To: req.URL.String()}
	}
	return nil
}

// RedirectError: a redirect to another scheme or host was not followed.
type RedirectError struct{ From, To string }

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s redirected to %s, another scheme or host: not followed (ssodesk follows redirects only within the same host)", e.From, e.To)
}

// IsRedirect reports whether status is a redirect a client could follow.
func IsRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// AsRedirectError finds a *RedirectError in err.
func AsRedirectError(err error) (*RedirectError, bool) {
	var re *RedirectError
	ok := errors.As(err, &re)
	return re, ok
}
