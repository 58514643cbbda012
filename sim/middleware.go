package sim

import (
	"context"
	"net/http"

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
