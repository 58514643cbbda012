package sim

import (
	"context"
	"net/http"
	"net/url"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Extra authorize parameters that zitadel's parser ignores.
const (
	paramCultureLCID = "culture-lcid"
	paramForceChoose = "forcechoose"
)

// frameOptions sets X-Frame-Options: SameOrigin on every response, as the
// HIMSA IdP does.
func frameOptions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "SameOrigin")
		next.ServeHTTP(w, r)
	})
}

// authorizeExtras are the HIMSA-specific authorize parameters.
type authorizeExtras struct {
	cultureLCID string
	forceChoose bool
}

type authorizeExtrasKey struct{}

// authorizeExtrasFrom returns the extras captured by withAuthorizeExtras.
func authorizeExtrasFrom(ctx context.Context) authorizeExtras {
	e, _ := ctx.Value(authorizeExtrasKey{}).(authorizeExtras)
	return e
}

// withAuthorizeExtras is an op.HttpInterceptor: on the authorize endpoint it
// reads culture-lcid and forcechoose (query or form) into the request
// context, where CreateAuthRequest picks them up.
func withAuthorizeExtras(authorizePath string) op.HttpInterceptor {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == authorizePath && r.ParseForm() == nil {
				_, force := r.Form[paramForceChoose]
				e := authorizeExtras{cultureLCID: r.Form.Get(paramCultureLCID), forceChoose: force}
				r = r.WithContext(context.WithValue(r.Context(), authorizeExtrasKey{}, e))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// regionGuard is an op.HttpInterceptor for the token endpoint of a regional
// provider: a code or refresh token of another region is refused with
// invalid_grant and a description that names both regions. (zitadel would
// only say "invalid code".) The global provider does not install it.
func regionGuard(c *core, region, tokenPath string) op.HttpInterceptor {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != tokenPath || r.Method != http.MethodPost || r.ParseForm() != nil {
				next.ServeHTTP(w, r)
				return
			}
			var e *oidc.Error
			switch r.PostForm.Get("grant_type") {
			case string(oidc.GrantTypeCode):
				e = crossRegionError("code", c.codeRegion(r.PostForm.Get("code")), region)
			case string(oidc.GrantTypeRefreshToken):
				if rt, err := c.refreshToken(r.PostForm.Get("refresh_token")); err == nil {
					e = crossRegionError("refresh token", rt.Region, region)
				}
			}
			if e != nil {
				op.RequestError(w, r, e, nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// regionalExchange wraps the global endpoint's provider. In IssuerRegional
// mode, a token request (POST to tokenPath) for a code with a region prefix
// or a refresh token of a region is handed, unchanged, to that region's
// provider, as HIMSA describes ("we will exchange it for you internally with
// the issuing regional IdP"): the regional provider sets its own issuer in
// the context, so the ID and access tokens carry the regional iss and are
// signed with the regional key, and its region guard, PKCE and redirect_uri
// checks run as for a code redeemed at the regional endpoint (they pass:
// codes and refresh tokens are looked up in the core all providers share,
// and a code's auth request records the client, PKCE challenge and
// redirect_uri but not which provider's /authorize created it). Everything
// else, and every request in IssuerGlobal mode, goes to the global provider.
func regionalExchange(c *core, global http.Handler, tokenPath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.regionalExchange.Load() || r.URL.Path != tokenPath || r.Method != http.MethodPost || r.ParseForm() != nil {
			global.ServeHTTP(w, r)
			return
		}
		if p, ok := c.providers[c.grantRegion(r.PostForm)]; ok {
			// The client authenticated to the global endpoint: its secret is
			// checked as the global one's.
			p.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), arrivedKey{}, GlobalRegion)))
			return
		}
		global.ServeHTTP(w, r)
	})
}

// grantRegion returns the region of the code or refresh token of a token
// request form ("" when it has none, is unknown, or is of the global region,
// which the global provider serves itself).
func (c *core) grantRegion(form url.Values) string {
	var region string
	switch form.Get("grant_type") {
	case string(oidc.GrantTypeCode):
		region = c.codeRegion(form.Get("code"))
	case string(oidc.GrantTypeRefreshToken):
		if rt, err := c.refreshToken(form.Get("refresh_token")); err == nil {
			region = rt.Region
		}
	}
	if region == GlobalRegion {
		return ""
	}
	return region
}

type arrivedKey struct{}

// arrivedAt is the region whose endpoint a request arrived at: the global
// one for a token request it handed to a regional provider, else region.
func arrivedAt(ctx context.Context, region string) string {
	if r, ok := ctx.Value(arrivedKey{}).(string); ok {
		return r
	}
	return region
}
