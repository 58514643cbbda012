package sim

import (
	"net/http"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// clientFirst authenticates the client of a token request before anything
// else, as IdentityServer does: a client the IdP does not know is answered
// 400 invalid_client whatever the request holds (zitadel would look at the
// code first and say invalid_grant). ssodesk check relies on it to tell an
// unknown client from an unregistered redirect URI.
func clientFirst(storage op.Storage, tokenPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != tokenPath || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			writeJSONError(w, http.StatusBadRequest, "invalid_request", "the request body cannot be read")
			return
		}
		id := r.PostForm.Get("client_id")
		if user, _, ok := r.BasicAuth(); ok {
			id = user
		}
		if id != "" {
			if _, err := storage.GetClientByClientID(r.Context(), id); err != nil {
				writeJSONError(w, http.StatusBadRequest, "invalid_client", "")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writeJSONError writes an OAuth error answer.
func writeJSONError(w http.ResponseWriter, status int, code, description string) {
	body := map[string]string{"error": code}
	if description != "" {
		body["error_description"] = description
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}
