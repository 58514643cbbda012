package sim

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// The login page contract (used by Browser and by scripts):
//
//	GET  /login?authRequestID=ID   the account chooser (HTML, 200), unless
//	                                the SSO session signs the user in
//	                                silently (see below)
//	POST /login                     form fields:
//	    authRequestID  (hidden input)
//	    account=<Account.ID>        one submit button per offered account
//	                                (with data-email="<Account.Email>")
//	    cancel=1                    the Cancel button
//
// The page has exactly one <form method="post" action="/login">. Choosing an
// account answers 302 to the provider's authorize callback (which then
// redirects to the app with the code) and sets the SSO session cookie;
// Cancel answers 302 to the app's redirect_uri with error=access_denied,
// error_description and state (the session is kept). An unknown, expired or
// foreign authRequestID, or an account not offered on this endpoint,
// answers 400 with a plain-text message.
//
// SSO session: choosing an account sets the cookie himsa_sso (an opaque
// session ID; HttpOnly, SameSite=Lax, Path=/, no expiry). Cookies for
// 127.0.0.1 ignore the port, so, like HIMSA's, the session is shared by all
// endpoints. When /authorize leads to GET /login and the session's account
// may log in at this endpoint (the global endpoint: any account; a regional
// one: only its region's):
//
//   - without forcechoose and prompt, the user is signed in silently: 302
//     straight on to the authorize callback, no page;
//   - with forcechoose (any value), prompt=select_account or prompt=login,
//     the page is shown with the note "Choose an account (forcechoose)" and
//     the session's account marked "signed in";
//   - with prompt=none, silently as well.
//
// Without such a session the page is shown, except with prompt=none: then
// 302 to the redirect_uri with error=login_required (and state).
const loginPath = "/login"

// sessionCookie is the name of the SSO session cookie of production;
// another environment's stand-in names its own (cookieName), since every
// stand-in shares the host 127.0.0.1 and so its cookies.
const sessionCookie = "himsa_sso"

// cookieName is the SSO cookie of the environment env.
func cookieName(env string) string {
	if env == EnvProduction {
		return sessionCookie
	}
	return sessionCookie + "_" + env
}

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
	Chooser       bool   // the app asked for the account chooser
	ChooserPrompt string // the prompt value that asked for it, if any
	SignedIn      string // account ID of the SSO session ("" = none)
	Global        bool
	LoginHint     string // login_hint: its account is listed first, marked
	Tenant        string // acr_values tenant:NAME: only its accounts are offered (all when none is its)
	Accounts      []Account
}

var loginTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("login").Parse(`<!DOCTYPE html>
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
{{if .Chooser}}<p class="muted" id="chooser">Choose an account (forcechoose){{with .ChooserPrompt}}: requested with prompt={{.}}{{end}}</p>{{end}}
{{with .Tenant}}<p class="muted" id="tenant">Tenant: {{.}} (acr_values tenant:)</p>{{end}}
<p>Sign in to <strong>{{.ClientID}}</strong>: choose an account{{if .Global}} (all regions){{else}} in region {{.Region}}{{end}}.</p>
<form method="post" action="/login">
<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">
{{range .Accounts}}<button type="submit" class="account" name="account" value="{{.ID}}" data-email="{{.Email}}"><strong>{{.Name}}</strong> &lt;{{.Email}}&gt;{{if eq .ID $.SignedIn}} <span class="signed-in">· signed in</span>{{end}}{{if and $.LoginHint (eq .Email $.LoginHint)}} <span class="hinted">· login_hint</span>{{end}}<br><span class="muted">{{.TenantName}} · region {{.Region}}</span></button>
{{else}}<p>No accounts in this region.</p>
{{end}}<button type="submit" name="cancel" value="1">Cancel</button>
</form>
</body>
</html>
`))
}) // parsed on first use, not at every ssodesk start

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

// loginDecision is what GET /login does with an auth request.
type loginDecision int

const (
	showChooser   loginDecision = iota // render the page
	signInSilent                       // complete it with the session's account
	loginRequired                      // prompt=none without a usable session
)

// decide picks what GET /login does for ar, given whether the browser has
// an SSO session usable at this endpoint.
func decide(ar *authRequest, hasSession bool, sessionAge time.Duration) loginDecision {
	if hasSession && tooOld(ar.MaxAge, sessionAge) {
		hasSession = false // max_age: the session is too old to sign in silently
	}
	switch {
	case ar.done:
		return showChooser // already completed (e.g. the back button): as before
	case slices.Contains(ar.Prompt, oidc.PromptNone):
		if hasSession {
			return signInSilent
		}
		return loginRequired
	case chooserPrompt(ar) != "" || ar.ForceChoose || !hasSession:
		return showChooser
	}
	return signInSilent
}

// tooOld reports whether a session of age is older than max_age allows
// (OIDC Core 3.1.2.1; max_age=0 always asks for a new sign-in).
func tooOld(maxAge *uint, age time.Duration) bool {
	return maxAge != nil && (*maxAge == 0 || age > time.Duration(*maxAge)*time.Second)
}

// chooserPrompt returns the prompt value of ar that asks for the account
// chooser (select_account or login), or "".
func chooserPrompt(ar *authRequest) string {
	for _, p := range ar.Prompt {
		if p == oidc.PromptSelectAccount || p == oidc.PromptLogin {
			return p
		}
	}
	return ""
}

// session returns the browser's SSO session if it has one whose account may
// log in at this endpoint.
func (h *loginHandler) session(r *http.Request) (ssoSession, bool) {
	ck, err := r.Cookie(cookieName(h.c.opts.Environment))
	if err != nil {
		return ssoSession{}, false
	}
	ss, ok := h.c.session(ck.Value)
	if !ok || !h.c.mayLogInAt(ss.AccountID, h.region) {
		return ssoSession{}, false
	}
	return ss, true
}

// show renders the account chooser, or signs the user in silently, or
// answers login_required (see the contract above).
func (h *loginHandler) show(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	ar, err := h.c.authRequest(id, h.region)
	if id == "" || err != nil {
		badRequest(w, "unknown or expired login request (authRequestID); start the sign-in again from the app")
		return
	}
	ss, hasSession := h.session(r)
	decision := decide(ar, hasSession, h.c.now().Sub(ss.AuthTime))
	if r.Method == http.MethodHead {
		decision = showChooser // a HEAD request never signs in or ends a login
	}
	switch decision {
	case signInSilent:
		if err := h.c.completeLoginAt(ar.ID, h.region, ss.AccountID, ss.AuthTime); err != nil {
			badRequest(w, "cannot complete the login: "+err.Error())
			return
		}
		h.toCallback(w, r, ar.ID)
		return
	case loginRequired:
		if _, err := h.c.removeAuthRequest(ar.ID, h.region); err != nil {
			badRequest(w, "unknown or expired login request (authRequestID)")
			return
		}
		redirectError(w, r, ar, "login_required", "The user is not signed in and prompt=none was requested.")
		return
	}
	page := loginPage{
		Region:        h.region,
		AuthRequestID: ar.ID,
		ClientID:      ar.ClientID,
		Language:      describeLCID(ar.CultureLCID),
		Chooser:       ar.ForceChoose || chooserPrompt(ar) != "" || hasSession && tooOld(ar.MaxAge, h.c.now().Sub(ss.AuthTime)),
		ChooserPrompt: chooserPrompt(ar),
		SignedIn:      ss.AccountID,
		Global:        h.region == GlobalRegion,
		LoginHint:     ar.LoginHint,
		Tenant:        acrHint(ar.ACRValues, "tenant:"),
	}
	page.Accounts = hinted(forTenant(h.c.accountsFor(h.region), page.Tenant), ar.LoginHint)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := loginTmpl().Execute(w, page); err != nil {
		slog.WarnContext(r.Context(), "sim: rendering login page", "error", err)
	}
}

// toCallback redirects to the provider's authorize callback for the
// completed auth request id (which redirects to the app with the code).
func (h *loginHandler) toCallback(w http.ResponseWriter, r *http.Request, id string) {
	ctx := op.ContextWithIssuer(r.Context(), h.issuer)
	http.Redirect(w, r, op.AuthCallbackURL(h.provider)(ctx, url.QueryEscape(id)), http.StatusFound)
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
	var previous string
	if ck, err := r.Cookie(cookieName(h.c.opts.Environment)); err == nil {
		previous = ck.Value
	}
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName(h.c.opts.Environment),
		Value:    h.c.createSession(account, previous),
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
	h.toCallback(w, r, id)
}

// cancel drops the auth request and sends the user back to the app with
// error=access_denied.
func (h *loginHandler) cancel(w http.ResponseWriter, r *http.Request, id string) {
	ar, err := h.c.removeAuthRequest(id, h.region)
	if err != nil {
		badRequest(w, "unknown or expired login request (authRequestID)")
		return
	}
	redirectError(w, r, ar, "access_denied", "The user cancelled the sign-in.")
}

// redirectError sends the user back to the app's redirect_uri with an OAuth
// error, its description and the state.
func redirectError(w http.ResponseWriter, r *http.Request, ar *authRequest, code, desc string) {
	target, err := url.Parse(ar.RedirectURI)
	if err != nil {
		badRequest(w, "the app's redirect_uri is invalid")
		return
	}
	q := target.Query()
	q.Set("error", code)
	q.Set("error_description", desc)
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

// acrHint is the NAME of acr_values' prefix NAME ("tenant:" → the tenant).
func acrHint(acr []string, prefix string) string {
	for _, v := range acr {
		if rest, ok := strings.CutPrefix(v, prefix); ok {
			return rest
		}
	}
	return ""
}

// forTenant keeps the accounts of tenant (by ID or name), as IdentityServer's
// tenant: hint narrows the login; all of them when none is the tenant's.
func forTenant(accounts []Account, tenant string) []Account {
	if tenant == "" {
		return accounts
	}
	out := slices.DeleteFunc(slices.Clone(accounts), func(a Account) bool {
		return !strings.EqualFold(a.TenantID, tenant) && !strings.EqualFold(a.TenantName, tenant)
	})
	if len(out) == 0 {
		return accounts
	}
	return out
}

// hinted lists the login_hint's account (by e-mail or ID) first: the
// account the page pre-selects.
func hinted(accounts []Account, hint string) []Account {
	i := slices.IndexFunc(accounts, func(a Account) bool { return hint != "" && (strings.EqualFold(a.Email, hint) || a.ID == hint) })
	if i <= 0 {
		return accounts
	}
	out := append([]Account{accounts[i]}, accounts[:i]...)
	return append(out, accounts[i+1:]...)
}
