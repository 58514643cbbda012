package auth

import (
	"crypto/tls"
	"net/http"
	"time"
)

// NewHTTPClient returns the client for every call to the IdP: TLS 1.2 at
// least (HIMSA rule: TLS 1.2 or higher on every call), proxies from the
// environment, and a per-request timeout.
func NewHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, Timeout: timeout}
}
