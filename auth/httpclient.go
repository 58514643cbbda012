package auth

import (
	"net/http"
	"time"

	"ssodesk/config"
	"ssodesk/transport"
)

// NewHTTPClient returns a client for the IdP with the defaults: TLS 1.2 at
// least (HIMSA rule: TLS 1.2 or higher on every call), proxies from the
// environment, system CAs, no trace.
func NewHTTPClient(timeout time.Duration) *http.Client {
	c, _ := transport.NewClient(transport.Options{Timeout: timeout}) // cannot fail without a CA file
	return c
}

// HTTPClientFor returns the client every call of a run uses, built from the
// config (timeout, CA bundle) and recording into tr (nil: not recorded).
//
// With config discovery_cache (the default) it keeps discovery documents
// (transport.DiscoveryCache in config.DiscoveryCacheDir) and answers a
// login's discovery requests from them while they are fresh; a check or
// a health probe asks for the IdP's own answer (transport.FreshDiscovery).
func HTTPClientFor(c *config.Config, tr *transport.Trace) (*http.Client, error) {
	o := transport.Options{Timeout: c.HTTPTimeout, CAFile: c.CAFile, Trace: tr}
	if c.DiscoveryCache {
		o.Discovery = &transport.DiscoveryCache{Dir: config.DiscoveryCacheDir()}
	}
	return transport.NewClient(o)
}
