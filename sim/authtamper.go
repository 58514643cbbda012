package sim

import (
	"errors"
	"net/http"
	"net/url"
)

// Modes of [Hooks.TamperAuthorizeResponse].
const (
	// TamperAuthorizeIssOther: the authorization response carries the iss
	// of another endpoint (a mix-up, RFC 9207): the global endpoint's
	// responses the first regional issuer, a regional endpoint's the global
	// issuer.
	TamperAuthorizeIssOther = "iss-other"
	// TamperAuthorizeStateOther: the authorization response carries a state
	// other than the one the app sent.
	TamperAuthorizeStateOther = "state-other"
)

// TamperAuthorizeResponse makes every later authorization response (the
// redirect to an app's redirect URI with a code or an error), at any
// endpoint, wrong in one way (mode TamperAuthorizeIssOther or
// TamperAuthorizeStateOther) until it is called with "". The code itself is
// untouched and can still be exchanged.
func (h *Hooks) TamperAuthorizeResponse(mode string) error {
	switch mode {
	case "", TamperAuthorizeIssOther, TamperAuthorizeStateOther:
	default:
		return errors.New("sim: unknown TamperAuthorizeResponse mode " + mode)
	}
	if c := h.c.Load(); mode == TamperAuthorizeIssOther && c != nil && len(c.opts.Regions) < 2 {
		return errors.New("sim: TamperAuthorizeResponse(iss-other) needs a second region")
	}
	h.tamperMu.Lock()
	defer h.tamperMu.Unlock()
	h.authTamper = mode
	return nil
}

// authorizeTampering returns the TamperAuthorizeResponse mode.
func (h *Hooks) authorizeTampering() string {
	h.tamperMu.Lock()
	defer h.tamperMu.Unlock()
	return h.authTamper
}

// otherIssuer is the issuer a mix-up at region names: the first regional
// one for the global endpoint, the global one for a region.
func (c *core) otherIssuer(region string) string {
	for _, name := range c.opts.Regions {
		if name != region && (region == GlobalRegion || name == GlobalRegion) {
			return c.regions[name].Issuer
		}
	}
	return ""
}

// tamperAuthorize wraps the IdP handler of region: authorization responses
// are changed as TamperAuthorizeResponse asks. It sits outside
// authorizationResponseIss, so it sees the iss that one added.
func (h *Hooks) tamperAuthorize(c *core, r Region, next http.Handler) http.Handler {
	host := ""
	if u, err := url.Parse(r.Issuer); err == nil {
		host = u.Host
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mode := h.authorizeTampering()
		if mode == "" {
			next.ServeHTTP(w, req)
			return
		}
		next.ServeHTTP(&tamperWriter{ResponseWriter: w, host: host, rewrite: func(q url.Values) {
			switch mode {
			case TamperAuthorizeIssOther:
				q.Set("iss", c.otherIssuer(r.Name))
			case TamperAuthorizeStateOther:
				q.Set("state", "state-of-another-login-"+newID()[:8])
			}
		}}, req)
	})
}

// tamperWriter rewrites the query of a redirect to an app: one leaving the
// IdP's host with state and a code or an error.
type tamperWriter struct {
	http.ResponseWriter
	host    string
	rewrite func(url.Values)
	wrote   bool
}

func (w *tamperWriter) WriteHeader(code int) {
	if !w.wrote && code >= 300 && code < 400 {
		if u, err := url.Parse(w.Header().Get("Location")); err == nil && u.Host != "" && u.Host != w.host {
			if q := u.Query(); q.Has("state") && (q.Has("code") || q.Has("error")) {
				w.rewrite(q)
				u.RawQuery = q.Encode()
				w.Header().Set("Location", u.String())
			}
		}
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *tamperWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}
