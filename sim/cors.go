package sim

import "net/http"

// CORS like IdentityServer's (HIMSA rule, shared/himsa/NOTES.md "What a
// browser's HAR shows of it"): only an origin listed in some App's
// AllowedCorsOrigins gets Access-Control-Allow-Origin, on the endpoints a
// browser app fetches (discovery, JWKS, token, UserInfo, revocation,
// end-session, introspection) and on the API. Any other origin gets no CORS
// header at all: the IdP still answers (a token request spends the code),
// and the browser withholds the answer from the app. zitadel's own CORS
// handler, which allows every origin, is switched off (newProvider).

// Preflight answers of an allowed origin.
const (
	corsAllowMethods = "GET, POST, OPTIONS"
	corsAllowHeaders = "Authorization, Content-Type, Accept, Accept-Language"
	corsMaxAge       = "600"
)

// corsIdPPath reports whether a browser app fetches path of an IdP (and so
// IdentityServer's CORS policy covers it).
func corsIdPPath(path string) bool {
	switch idpRequestKind(path) {
	case RequestDiscovery, RequestJWKS, RequestToken, RequestUserinfo, RequestRevoke, RequestEndSession, RequestIntrospect:
		return true
	}
	return false
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// cors answers CORS for the paths covered (all when covered is nil): an
// allowed origin gets Access-Control-Allow-Origin and Vary: Origin, and its
// preflight 204 with the allowed methods and headers; another origin's
// preflight gets 204 without any CORS header (as ASP.NET Core answers a
// preflight its policy refuses), its other requests go on unchanged.
func (c *core) cors(covered func(string) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || covered != nil && !covered(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		allowed := c.corsAllowed(origin)
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
		}
		if !isPreflight(r) {
			next.ServeHTTP(w, r)
			return
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Methods", corsAllowMethods)
			w.Header().Set("Access-Control-Allow-Headers", corsAllowHeaders)
			w.Header().Set("Access-Control-Max-Age", corsMaxAge)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// serverDate sets the Date header from the stand-in's clock (c.now, which
// Hooks.Advance moves), so a browser's HAR can show a server clock ahead of
// the browser's. net/http adds the wall clock's only when none is set.
func (c *core) serverDate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", c.now().UTC().Format(http.TimeFormat))
		next.ServeHTTP(w, r)
	})
}
