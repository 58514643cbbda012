package sim

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// errorPath is IdentityServer's default ErrorUrl: an authorize request it
// refuses without going back to the app ends here, on a page for the user.
const errorPath = "/home/error"

// authorizeRefusal is what IdentityServer's error page shows (its
// ErrorMessage): the OAuth error, a description and the request's ID.
type authorizeRefusal struct {
	Error       string `json:"error"`
	Description string `json:"description,omitempty"`
	RequestID   string `json:"request_id"`
}

// Scopes the demo client may ask for besides the OIDC ones.
var allowedScopes = []string{"openid", "profile", "email", "offline_access", APIScope}

// authorizeChecks is an op.HttpInterceptor on the authorize endpoint that
// refuses like IdentityServer (HIMSA rule, shared/himsa/NOTES.md "How the
// IdP refuses"): an unknown client, a redirect URI that is not registered,
// a response type or scope the client may not use are not sent back to the
// app but to the error page (302 /home/error?errorId=…). Everything else
// goes on to zitadel.
func authorizeChecks(storage op.Storage, authorizePath string) op.HttpInterceptor {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != authorizePath || r.ParseForm() != nil {
				next.ServeHTTP(w, r)
				return
			}
			if ref, refused := checkAuthorize(r.Context(), storage, r.Form); refused {
				refuse(w, r, ref)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// checkAuthorize applies IdentityServer's checks in its order: client,
// redirect URI, response type, scopes.
func checkAuthorize(ctx context.Context, storage op.Storage, form url.Values) (authorizeRefusal, bool) {
	id := form.Get("client_id")
	oc, err := storage.GetClientByClientID(ctx, id)
	cl, ok := oc.(*client)
	switch {
	case err != nil || !ok:
		return authorizeRefusal{Error: "unauthorized_client", Description: "Unknown client or client not enabled"}, true
	case !cl.kind.interactive():
		return authorizeRefusal{Error: "unauthorized_client", Description: "Invalid grant type for client"}, true
	case !cl.redirectAllowed(form.Get("redirect_uri")):
		return authorizeRefusal{Error: "unauthorized_client", Description: "Invalid redirect_uri"}, true
	case form.Get("response_type") != "code":
		return authorizeRefusal{Error: "unsupported_response_type", Description: "Response type not supported"}, true
	}
	for _, s := range strings.Fields(form.Get("scope")) {
		if !cl.scopeAllowed(s) {
			return authorizeRefusal{Error: "invalid_scope", Description: "Invalid scope: the client may not request " + s}, true
		}
	}
	return authorizeRefusal{}, false
}

// refuse sends the browser to the error page with the refusal sealed in
// errorId, as IdentityServer's protected message store does.
func refuse(w http.ResponseWriter, r *http.Request, ref authorizeRefusal) {
	ref.RequestID = requestID()
	id, err := sealRefusal(ref)
	if err != nil {
		http.Error(w, "error page unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, errorPath+"?errorId="+url.QueryEscape(id), http.StatusFound)
}

// requestID looks like ASP.NET Core's TraceIdentifier ("0HN…:00000001").
func requestID() string {
	return "0HN" + strings.ToUpper(rand.Text()[:10]) + ":00000001"
}

// errorPageTmpl is IdentityServer's quickstart error page, in development
// mode (the description is shown).
var errorPageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error</title></head>
<body><div class="error-page">
<div class="lead"><h1>Error</h1></div>
<div class="alert alert-danger">Sorry, there was an error{{if .Error}} <strong><em>: {{.Error}}</em></strong>{{end}}
{{if .Description}}<div>{{.Description}}</div>{{end}}</div>
{{if .RequestID}}<div class="request-id">Request Id: {{.RequestID}}</div>{{end}}
</div></body></html>
`))
}) // parsed on first use, not at every ssodesk start

// errorPage serves /home/error: the refusal its errorId holds, or a bare
// "Sorry, there was an error" for an unknown or forged one. With
// Options.ProductionErrorPage it leaves the description out, as HIMSA's
// production page does (shared/himsa/NOTES.md "What a browser's HAR shows").
func (c *core) errorPage(w http.ResponseWriter, r *http.Request) {
	ref, _ := openRefusal(r.URL.Query().Get("errorId"))
	if c.opts.ProductionErrorPage {
		ref.Description = ""
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = errorPageTmpl().Execute(w, ref)
}

// errorKey seals the refusals of this process's error pages; made on first
// use, not at init in every ssodesk process.
var errorKey = sync.OnceValue(func() cipher.AEAD {
	var k [32]byte
	_, _ = rand.Read(k[:])
	block, _ := aes.NewCipher(k[:]) // a 32-byte key cannot fail
	aead, _ := cipher.NewGCM(block)
	return aead
})

func sealRefusal(ref authorizeRefusal) (string, error) {
	plain, err := json.Marshal(ref)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, errorKey().NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(errorKey().Seal(nonce, nonce, plain, nil)), nil
}

func openRefusal(id string) (authorizeRefusal, bool) {
	var ref authorizeRefusal
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(raw) < errorKey().NonceSize() {
		return ref, false
	}
	n := errorKey().NonceSize()
	plain, err := errorKey().Open(nil, raw[:n], raw[n:], nil)
	if err != nil || json.Unmarshal(plain, &ref) != nil {
		return authorizeRefusal{}, false
	}
	return ref, true
}
