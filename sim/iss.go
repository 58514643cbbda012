package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// supportedScopes are the scopes discovery lists (and d's extra one).
func supportedScopes(d Differences) []string {
	scopes := []string{"openid", "profile", "email", "offline_access", APIScope}
	if d.ExtraScope != "" {
		scopes = append(scopes, d.ExtraScope)
	}
	return scopes
}

// discoveryPath is where every provider serves its discovery document.
const discoveryPath = "/.well-known/openid-configuration"

// authorizationResponseIss does what IdentityServer does and zitadel's op
// does not (RFC 9207): it announces authorization_response_iss_parameter_supported
// in discovery, and adds iss (this endpoint's issuer) to every authorization
// response it sends back to an app's redirect URI, code or error alike.
//
// It also plants d (Options.Differ, a test's): without revocation, the
// discovery document names no revocation_endpoint and the route is 404.
func authorizationResponseIss(issuer string, d Differences, next http.Handler) http.Handler {
	host := ""
	if u, err := url.Parse(issuer); err == nil {
		host = u.Host
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case discoveryPath:
			announceIss(w, r, d, next)
			return
		case op.DefaultEndpoints.Revocation.Relative():
			if d.NoRevocation {
				http.NotFound(w, r)
				return
			}
		}
		next.ServeHTTP(&issWriter{ResponseWriter: w, issuer: issuer, host: host}, r)
	})
}

// announceIss serves the discovery document with
// authorization_response_iss_parameter_supported: true added.
func announceIss(w http.ResponseWriter, r *http.Request, d Differences, next http.Handler) {
	b := &bufferedResponse{ResponseWriter: w}
	next.ServeHTTP(b, r)
	var doc map[string]any
	body := b.body.Bytes()
	if b.status() == http.StatusOK && json.Unmarshal(body, &doc) == nil {
		doc["authorization_response_iss_parameter_supported"] = true
		if d.NoRevocation {
			delete(doc, "revocation_endpoint")
		}
		// IdentityServer (v6+) announces the prompt values it handles;
		// "create" only when a CreateAccountUrl is configured.
		doc["prompt_values_supported"] = []string{"none", "login", "consent", "select_account"}
		if out, err := json.Marshal(doc); err == nil {
			body = out
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(b.status())
	_, _ = w.Write(body)
}

// issWriter adds iss to a redirect to an app: one leaving this IdP's host
// with state and a code or an error in its query.
type issWriter struct {
	http.ResponseWriter
	issuer, host string
	wrote        bool
}

func (w *issWriter) WriteHeader(code int) {
	if !w.wrote && code >= 300 && code < 400 {
		if u, err := url.Parse(w.Header().Get("Location")); err == nil && u.Host != "" && u.Host != w.host {
			if q := u.Query(); q.Has("state") && (q.Has("code") || q.Has("error")) && !q.Has("iss") {
				q.Set("iss", w.issuer)
				u.RawQuery = q.Encode()
				w.Header().Set("Location", u.String())
			}
		}
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *issWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}
