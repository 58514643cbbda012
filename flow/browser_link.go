package flow

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/safe"
)

// More kinds of a browser's step.
const (
	AuthorizeCallback Kind = "authorize_callback" // the IdP's /connect/authorize/callback after the login
	CORSPreflight     Kind = "cors_preflight"     // a browser's OPTIONS before a cross-origin request
	AppPage           Kind = "app_page"           // a page of the app's (its redirect URI's origin) after the callback
	Page              Kind = "page"               // a page of another site in the redirect chain
)

// maxChain bounds a redirect chain.
const maxChain = 30

// link finds what followed l's authorize request among xs: its redirect
// chain (and the login form's), the callback, the browser's code exchange
// and what used its tokens. end bounds what only time links (the next
// authorize request of the client; zero: none).
func (l *Login) link(xs []*Exchange, claimed map[*Exchange]bool, end time.Time) {
	in := func(x *Exchange) bool {
		return !claimed[x] && !x.Start.Before(l.Authorize.Start) && (end.IsZero() || x.Start.Before(end))
	}
	steps := l.Steps[0].Exchanges
	cur := steps[len(steps)-1] // a loop: what followed its last request
	for n := 0; n < maxChain && cur != nil; n++ {
		next := l.next(xs, cur, in)
		if next == nil {
			l.callbackFromLocation(cur)
			break
		}
		claimed[next] = true
		l.place(next)
		cur = next
	}
	l.linkTokens(xs, claimed, in)
	slices.SortStableFunc(l.Steps[1:], func(a, b Step) int { return a.At.Compare(b.At) })
}

// next is the exchange that followed cur in the browser: its redirect's
// target, or the login form posted from a login page.
func (l *Login) next(xs []*Exchange, cur *Exchange, in func(*Exchange) bool) *Exchange {
	if cur.Location != "" {
		target, err := cur.URL.Parse(cur.Location)
		if err != nil {
			return nil
		}
		for _, x := range xs {
			if in(x) && !x.Start.Before(cur.Start) && x != cur && sameURL(x.URL, target) {
				return x
			}
		}
		return nil
	}
	if !l.isLoginPage(cur) {
		return nil
	}
	for _, x := range xs {
		if in(x) && x.Start.After(cur.Start) && x.Method == http.MethodPost && origin(x.URL) == l.IdP && KindOf("", x.URL) == Other {
			return x
		}
	}
	return nil
}

// sameURL: the same origin, path and query parameters.
func sameURL(a, b *url.URL) bool {
	return origin(a) == origin(b) && a.Path == b.Path && a.Query().Encode() == b.Query().Encode()
}

func (l *Login) isLoginPage(x *Exchange) bool {
	return x.Status == http.StatusOK && origin(x.URL) == l.IdP && isHTML(x) && !isErrorURL(x.URL) && x.Method != http.MethodPost
}

func isHTML(x *Exchange) bool {
	ct := strings.ToLower(x.ResponseHeader.Get("Content-Type"))
	return strings.Contains(ct, "html") || ct == "" && (x.ResourceType == "document" || strings.HasPrefix(strings.TrimSpace(x.ResponseBody), "<"))
}

// isErrorURL: IdentityServer's /home/error?errorId=…, or a path naming an error.
func isErrorURL(u *url.URL) bool {
	return strings.Contains(strings.ToLower(u.Path), "error") || u.Query().Has("errorId")
}

// isRedirectURI: u is the app's redirect URI (its query aside).
func (l *Login) isRedirectURI(u *url.URL) bool {
	r, err := url.Parse(l.RedirectURI)
	return err == nil && r.Host != "" && origin(u) == origin(r) && u.Path == r.Path
}

// pageKind is the kind of a page off the IdP: the app's (its redirect
// URI's origin), or another site's.
func (l *Login) pageKind(u *url.URL) Kind {
	if r, err := url.Parse(l.RedirectURI); err == nil && r.Host != "" && origin(u) == origin(r) {
		return AppPage
	}
	return Page
}

// place makes x, found in the chain, a step.
func (l *Login) place(x *Exchange) {
	switch {
	case l.isRedirectURI(x.URL):
		l.addCallback(x, callbackParams(x))
	case origin(x.URL) != l.IdP:
		l.addStep(l.pageKind(x.URL), x)
	case isErrorURL(x.URL):
		l.addStep(ErrorPage, x)
	case x.Method == http.MethodPost:
		l.addStep(LoginPost, x)
	case strings.HasSuffix(strings.TrimSuffix(x.URL.Path, "/"), "/authorize/callback"):
		l.addStep(AuthorizeCallback, x)
	case l.isLoginPage(x):
		l.addStep(LoginPage, x)
	default:
		l.addStep(KindOf("", x.URL), x)
	}
}

// callbackParams are the authorization response's parameters in x: its
// query, its fragment, or its form (response_mode=form_post).
func callbackParams(x *Exchange) url.Values {
	q := x.Query()
	if !q.Has("code") && !q.Has("error") {
		if f, err := url.ParseQuery(x.URL.Fragment); err == nil && (f.Has("code") || f.Has("error")) {
			return f
		}
		if b, err := url.ParseQuery(x.RequestBody); err == nil && x.Method == http.MethodPost {
			return b
		}
	}
	return q
}

// callbackFromLocation: the chain ends at a redirect to the redirect URI
// the HAR has no request for (a native app's, or one cut off): the
// response is read from the Location.
func (l *Login) callbackFromLocation(cur *Exchange) {
	if cur.Location == "" || l.step(Callback) != nil {
		return
	}
	u, err := cur.URL.Parse(cur.Location)
	if err != nil || !l.isRedirectURI(u) {
		return
	}
	l.addCallback(cur, callbackParams(&Exchange{URL: u, Method: http.MethodGet}))
}

// callback is what the authorization response said.
type callback struct {
	Code, State, Iss, Error, Description string
	HasState, HasIss                     bool
}

func (l *Login) addCallback(x *Exchange, q url.Values) {
	st := l.addStep(Callback, x)
	cb := callback{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss"), Error: safe.Printable(q.Get("error")),
		Description: safe.Printable(q.Get("error_description")), HasState: q.Has("state"), HasIss: q.Has("iss")}
	st.Detail = cb.Error
	l.addToken("code", cb.Code, x)
	l.CodeRegion = auth.CodeRegion(cb.Code)
	l.cb = &cb
}

// form is a request's form body (nil when it has none that parses).
func form(x *Exchange) url.Values {
	v, err := url.ParseQuery(x.RequestBody)
	if err != nil {
		return nil
	}
	return v
}

// tokenAnswer is a token endpoint's JSON answer.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

func answerOf(x *Exchange) tokenAnswer {
	var a tokenAnswer
	_ = json.Unmarshal([]byte(x.ResponseBody), &a)
	a.Error, a.Description = safe.Printable(a.Error), safe.Printable(a.Description)
	return a
}

// linkTokens finds the browser's code exchange (by the code), the refreshes
// (by the refresh token), userinfo, API calls (by the bearer token),
// end-session, and the CORS pre-flights and discovery that went with them.
func (l *Login) linkTokens(xs []*Exchange, claimed map[*Exchange]bool, in func(*Exchange) bool) {
	code := l.Token("code")
	for _, x := range xs {
		if claimed[x] || x.Start.Before(l.Authorize.Start) {
			continue
		}
		k := l.tokenKind(x, code, in)
		if k == Other {
			continue
		}
		claimed[x] = true
		l.addStep(k, x)
		if k == CodeExchange || k == Refresh {
			a := answerOf(x)
			l.addToken("access_token", a.AccessToken, x)
			l.addToken("id_token", a.IDToken, x)
			l.addToken("refresh_token", a.RefreshToken, x)
		}
		if k == API && l.APIHost == "" {
			l.APIHost = safe.Printable(x.Host())
		}
	}
}

// tokenKind is the step x is of l's, by the tokens it carries (Other: not
// l's).
func (l *Login) tokenKind(x *Exchange, code string, in func(*Exchange) bool) Kind {
	path := strings.ToLower(strings.TrimSuffix(x.URL.Path, "/"))
	f := form(x)
	bearer := bearerOf(x)
	if isPreflight(x) { // never the exchange it asks for
		if in(x) && l.near(x) && (strings.HasSuffix(path, "/token") || strings.HasSuffix(path, "/userinfo")) {
			return CORSPreflight
		}
		return Other
	}
	switch {
	case strings.HasSuffix(path, "/token") && x.Method == http.MethodPost:
		if x.RequestBody == "" && in(x) && l.near(x) && l.step(Callback) != nil && l.step(CodeExchange) == nil {
			return CodeExchange // a blocked request's body is often not recorded
		}
		switch f.Get("grant_type") {
		case "authorization_code":
			if code != "" && f.Get("code") == code || code == "" && in(x) && f.Get("client_id") == l.ClientID && l.step(Callback) != nil {
				return CodeExchange
			}
		case "refresh_token":
			if rt := l.Token("refresh_token"); rt != "" && f.Get("refresh_token") == rt {
				return Refresh
			}
		}
	case strings.HasSuffix(path, "/userinfo"):
		if at := l.Token("access_token"); at != "" && bearer == at || bearer == "" && in(x) && l.near(x) {
			return UserInfo
		}
	case strings.HasSuffix(path, "/.well-known/openid-configuration") && in(x) && origin(x.URL) == l.IdP && l.step(Callback) != nil:
		return Discovery
	case strings.HasSuffix(path, "/endsession") || strings.HasSuffix(path, "/logout") && origin(x.URL) == l.IdP:
		hint := x.Query().Get("id_token_hint")
		if id := l.Token("id_token"); id != "" && hint == id || hint == "" && in(x) && x.Query().Get("client_id") == l.ClientID {
			return Logout
		}
	case bearer != "" && bearer == l.Token("access_token"):
		return API
	}
	return Other
}

// isPreflight: x is a browser's CORS pre-flight (Chrome: _resourceType
// "preflight"; any HAR: OPTIONS).
func isPreflight(x *Exchange) bool {
	return x.Method == http.MethodOptions || strings.EqualFold(x.ResourceType, "preflight")
}

// near: x is at the IdP, or at the host the code was exchanged at.
func (l *Login) near(x *Exchange) bool {
	if origin(x.URL) == l.IdP {
		return true
	}
	if s := l.step(CodeExchange); s != nil {
		return origin(s.Exchanges[0].URL) == origin(x.URL)
	}
	return false
}

// bearerOf is the bearer token x sent ("" when none).
func bearerOf(x *Exchange) string {
	v := x.RequestHeader.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}
