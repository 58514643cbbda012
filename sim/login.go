package sim

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// The login page contract (used by Browser and by scripts):
//
//	GET  /login?authRequestID=ID   the account chooser (HTML, 200)
//	POST /login                     form fields:
//	    authRequestID  (hidden input)
//	    account=<Account.ID>        one submit button per offered account
//	                                (with data-email="<Account.Email>")
//	    cancel=1                    the Cancel button
//
// The page has exactly one <form method="post" action="/login">. Choosing an
// account answers 302 to the provider's authorize callback (which then
// redirects to the app with the code); Cancel answers 302 to the app's
// redirect_uri with error=access_denied, error_description and state. An
// unknown, expired or foreign authRequestID, or an account not offered on
// this endpoint, answers 400 with a plain-text message.
const loginPath = "/login"

// loginHandler serves the login page of one region's provider.
type loginHandler struct {
	c        *core
	region   string
	issuer   string
	provider op.OpenIDProvider
}

// loginPage is the template data of the login page.
type loginPage struct {
	Region        string
	AuthRequestID string
	ClientID      string
	Language      string
	ForceChoose   bool
	Global        bool
	Accounts      []Account
}

var loginTmpl = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>HIMSA SSO (stand-in) — {{.Region}}</title>
<style>
body{font-family:sans-serif;max-width:40em;margin:2em auto;color:#222}
button.account{display:block;width:100%;text-align:left;margin:.5em 0;padding:.6em;border:1px solid #999;background:#f7f7f7;cursor:pointer}
.muted{color:#666;font-size:.9em}
</style>
</head>
<body>
<h1>HIMSA SSO (stand-in) — {{.Region}}</h1>
<p class="muted">Offline stand-in of the HIMSA identity provider. No password is needed.</p>
{{if .Language}}<p id="language">Language: {{.Language}}</p>{{end}}
{{if .ForceChoose}}<p class="muted">Account chooser requested by the app (forcechoose).</p>{{end}}
<p>Sign in to <strong>{{.ClientID}}</strong>: choose an account{{if .Global}} (all regions){{else}} in region {{.Region}}{{end}}.</p>
<form method="post" action="/login">
<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">
{{range .Accounts}}<button type="submit" class="account" name="account" value="{{.ID}}" data-email="{{.Email}}"><strong>{{.Name}}</strong> &lt;{{.Email}}&gt;<br><span class="muted">{{.TenantName}} · region {{.Region}}</span></button>
{{else}}<p>No accounts in this region.</p>
{{end}}<button type="submit" name="cancel" value="1">Cancel</button>
</form>
</body>
</html>
`))

// ServeHTTP implements http.Handler.
func (h *loginHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.show(w, r)
	case http.MethodPost:
		h.submit(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// show renders the account chooser.
func (h *loginHandler) show(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	ar, err := h.c.authRequest(id, h.region)
	if id == "" || err != nil {
		badRequest(w, "unknown or expired login request (authRequestID); start the sign-in again from the app")
		return
	}
	page := loginPage{
		Region:        h.region,
		AuthRequestID: ar.ID,
		ClientID:      ar.ClientID,
		Language:      describeLCID(ar.CultureLCID),
		ForceChoose:   ar.ForceChoose,
		Global:        h.region == GlobalRegion,
		Accounts:      h.c.accountsFor(h.region),
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := loginTmpl.Execute(w, page); err != nil {
		slog.WarnContext(r.Context(), "sim: rendering login page", "error", err)
	}
}

// submit handles the account choice or Cancel.
func (h *loginHandler) submit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		badRequest(w, "cannot parse the login form")
		return
	}
	id := r.PostForm.Get("authRequestID")
	if id == "" {
		badRequest(w, "missing authRequestID")
		return
	}
	if r.PostForm.Get("cancel") != "" {
		h.cancel(w, r, id)
		return
	}
	account := r.PostForm.Get("account")
	if account == "" {
		badRequest(w, "no account chosen")
		return
	}
	if err := h.c.completeLogin(id, h.region, account); err != nil {
		badRequest(w, "cannot complete the login: "+err.Error())
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), h.issuer)
	http.Redirect(w, r, op.AuthCallbackURL(h.provider)(ctx, url.QueryEscape(id)), http.StatusFound)
}

// cancel drops the auth request and sends the user back to the app with
// error=access_denied.
func (h *loginHandler) cancel(w http.ResponseWriter, r *http.Request, id string) {
	ar, err := h.c.removeAuthRequest(id, h.region)
	if err != nil {
		badRequest(w, "unknown or expired login request (authRequestID)")
		return
	}
	target, err := url.Parse(ar.RedirectURI)
	if err != nil {
		badRequest(w, "the app's redirect_uri is invalid")
		return
	}
	q := target.Query()
	q.Set("error", "access_denied")
	q.Set("error_description", "The user cancelled the sign-in.")
	if ar.State != "" {
		q.Set("state", ar.State)
	}
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// badRequest answers 400 with a plain-text message.
func badRequest(w http.ResponseWriter, msg string) {
	http.Error(w, msg, http.StatusBadRequest)
}
