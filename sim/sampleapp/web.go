package sampleapp

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/sim"
)

// Cookies of the web app.
const (
	webLoginCookie   = "sample_web_login"
	webSessionCookie = "sample_web_session"
	maxUserinfo      = 1 << 20 // bytes of a UserInfo answer read
	maxPending       = 1000    // logins in flight kept (oldest dropped)
)

// webApp is the server-side web app: it redirects to the IdP, exchanges the
// code on the server (confidential client, secret + PKCE) and keeps the
// user in its own cookie.
type webApp struct {
	a      *Apps
	client *http.Client

	mu       sync.Mutex
	pending  map[string]webLogin // by the login cookie (= state)
	sessions map[string]string   // session cookie → the user's name
}

// webLogin is a login in flight.
type webLogin struct {
	region, verifier, redirect string
}

func newWebApp(a *Apps) http.Handler {
	w := &webApp{a: a, client: &http.Client{Timeout: 10 * time.Second}, pending: map[string]webLogin{}, sessions: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", w.home)
	mux.HandleFunc("GET /login", w.login)
	mux.HandleFunc("GET /signin-oidc", w.callback)
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
}

var webTmpl = template.Must(template.New("web").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>HIMSA sample web app</title></head>
<body><h1>HIMSA sample web app</h1>
{{if .Outcome}}<div id="done" data-outcome="{{.Outcome}}"{{with .Error}} data-error="{{.}}"{{end}}>{{.Text}}</div>
{{else}}<p><a id="signin" href="/login?{{.Query}}">Sign in</a></p>{{end}}
</body></html>
`))

// webPage is the template data of every page.
type webPage struct {
	Outcome, Error, Text string
	Query                template.URL
}

func render(w http.ResponseWriter, status int, p webPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = webTmpl.Execute(w, p)
}

// home shows who is signed in, or the "Sign in" link (keeping the scenario's
// query for /login).
func (w *webApp) home(rw http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(webSessionCookie); err == nil {
		w.mu.Lock()
		name, ok := w.sessions[ck.Value]
		w.mu.Unlock()
		if ok {
			render(rw, http.StatusOK, webPage{Outcome: "succeeded", Text: "Signed in as " + name})
			return
		}
	}
	q := url.Values{}
	for _, k := range []string{"region", "unregistered"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	render(rw, http.StatusOK, webPage{Query: template.URL(q.Encode())})
}

// config is the oauth2 configuration at region.
func (w *webApp) config(region sim.Region, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: w.a.WebClientID, ClientSecret: webSecret, RedirectURL: redirect,
		Scopes:   []string{"openid", "profile", sim.APIScope},
		Endpoint: oauth2.Endpoint{AuthURL: region.AuthorizeURL(), TokenURL: region.TokenURL(), AuthStyle: oauth2.AuthStyleInParams},
	}
}

// login starts a sign-in: 302 to the IdP's authorize endpoint.
func (w *webApp) login(rw http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("region")
	if name == "" {
		name = sim.GlobalRegion
	}
	region, ok := w.a.Sim.Region(name)
	if !ok {
		render(rw, http.StatusBadRequest, webPage{Outcome: "failed", Error: "unknown_region", Text: "Unknown region " + name})
		return
	}
	redirect := w.a.Web + "/signin-oidc"
	if r.URL.Query().Get("unregistered") != "" {
		redirect = w.a.Web + "/unregistered-signin"
	}
	state, verifier := rand.Text(), oauth2.GenerateVerifier()
	w.mu.Lock()
	if len(w.pending) >= maxPending {
		clear(w.pending)
	}
	w.pending[state] = webLogin{region: name, verifier: verifier, redirect: redirect}
	w.mu.Unlock()
	http.SetCookie(rw, &http.Cookie{Name: webLoginCookie, Value: state, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	u := w.config(region, redirect).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", rand.Text()))
	http.Redirect(rw, r, u, http.StatusFound)
}

// callback is the redirect URI: it checks state, exchanges the code, reads
// the user's name from UserInfo and signs the user in to the app.
func (w *webApp) callback(rw http.ResponseWriter, r *http.Request) {
	fail := func(code, text string) {
		render(rw, http.StatusOK, webPage{Outcome: "failed", Error: code, Text: text})
	}
	q := r.URL.Query()
	ck, err := r.Cookie(webLoginCookie)
	w.mu.Lock()
	var pl webLogin
	ok := err == nil && ck.Value == q.Get("state")
	if ok {
		pl, ok = w.pending[ck.Value]
		delete(w.pending, ck.Value)
	}
	w.mu.Unlock()
	switch {
	case q.Get("error") != "":
		fail(q.Get("error"), "Sign-in failed: "+q.Get("error")+" "+q.Get("error_description"))
		return
	case !ok:
		fail("state_mismatch", "Sign-in failed: the state does not match a sign-in of this browser")
		return
	}
	region, _ := w.a.Sim.Region(pl.region)
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, w.client)
	tok, err := w.config(region, pl.redirect).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pl.verifier))
	if err != nil {
		code := "token_error"
		if re, isRE := err.(*oauth2.RetrieveError); isRE && re.ErrorCode != "" {
			code = re.ErrorCode
		}
		fail(code, "Sign-in failed at the token request: "+code)
		return
	}
	name, err := w.userName(ctx, region, tok.AccessToken)
	if err != nil {
		fail("userinfo", "Sign-in failed at UserInfo: "+err.Error())
		return
	}
	sid := rand.Text()
	w.mu.Lock()
	w.sessions[sid] = name
	w.mu.Unlock()
	http.SetCookie(rw, &http.Cookie{Name: webSessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.SetCookie(rw, &http.Cookie{Name: webLoginCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(rw, r, "/", http.StatusFound)
}

// userName asks region's UserInfo endpoint for the user's name.
func (w *webApp) userName(ctx context.Context, region sim.Region, accessToken string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, region.UserinfoURL(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var info struct {
		Name string `json:"name"`
		Sub  string `json:"sub"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxUserinfo)).Decode(&info); err != nil {
		return "", err
	}
	if info.Name == "" {
		return info.Sub, nil
	}
	return info.Name, nil
}
