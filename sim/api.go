package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// apiHandler is the stand-in Noah cloud API of one region, served under /v1.
//
// Every route needs "Authorization: Bearer <JWT access token>" signed by one
// of the sim's keys, not expired, whose region claim is this API's region
// and whose scope includes noah.cloud.app.users.api:
//
//	GET /v1/me         the signed-in user (sub, name, email, tenantid,
//	                   tenantname, noahuserid, noahroleid, region)
//	GET /v1/users      users of the caller's tenant
//	GET /v1/locations  associated locations of the caller's tenant
//	GET /v1/admin/tenants  needs the scope APIAdminScope as well, which no
//	                   client of the stand-in may request: 403
//	                   insufficient_scope for every token (a route whose
//	                   scope the token lacks)
//
// Failures: 401 with WWW-Authenticate: Bearer error="invalid_token" for a
// missing, malformed, badly signed or expired token and for a token of
// another region; 403 error="insufficient_scope" without the API scope;
// 404 JSON for unknown routes.
//
// Client-credentials tokens have no user: /v1/me answers 403 with JSON error
// "user_required", while /v1/users and /v1/locations list the data of every
// tenant of the API's region. A client-credentials token issued by the global
// endpoint has region "global" and is accepted by every regional API. The
// global API accepts tokens of every region.
type apiHandler struct {
	c      *core
	region string
}

// apiClaims are the access token claims the API reads.
type apiClaims struct {
	Issuer   string  `json:"iss"`
	Subject  string  `json:"sub"`
	Expiry   float64 `json:"exp"`
	NotBef   float64 `json:"nbf"`
	Scope    string  `json:"scope"`
	Region   string  `json:"region"`
	TenantID string  `json:"tenantid"`
	ClientID string  `json:"client_id"`
}

// apiError is a failed request: status, OAuth error code and description.
type apiError struct {
	status int
	code   string
	desc   string
}

func (e *apiError) Error() string { return e.code + ": " + e.desc }

func invalidToken(format string, args ...any) *apiError {
	return &apiError{http.StatusUnauthorized, "invalid_token", fmt.Sprintf(format, args...)}
}

// ServeHTTP implements http.Handler.
func (h *apiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var serve func(http.ResponseWriter, *apiClaims)
	extraScope := ""
	switch r.URL.Path {
	case "/v1/admin/tenants":
		serve, extraScope = h.users, APIAdminScope
	case "/v1/me":
		serve = h.me
	case "/v1/users":
		serve = h.users
	case "/v1/locations":
		serve = h.locations
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "error_description": "no such route: " + r.URL.Path})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed", "error_description": "use GET"})
		return
	}
	claims, err := h.authorize(r)
	if err == nil && extraScope != "" && !slices.Contains(strings.Fields(claims.Scope), extraScope) {
		err = &apiError{http.StatusForbidden, "insufficient_scope", "token lacks scope " + extraScope}
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	serve(w, claims)
}

// authorize checks the bearer token of r.
func (h *apiHandler) authorize(r *http.Request) (*apiClaims, *apiError) {
	auth := r.Header.Get("Authorization")
	scheme, raw, ok := strings.Cut(auth, " ")
	if auth == "" {
		return nil, invalidToken("missing bearer token")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return nil, invalidToken("authorization header is not a bearer token")
	}
	claims, err := h.c.verifyAccessToken(strings.TrimSpace(raw), h.c.apiNow())
	if err != nil {
		return nil, err
	}
	if h.region != GlobalRegion && claims.Region != h.region && claims.Region != GlobalRegion {
		return nil, invalidToken("token is for region %s, this is the %s API", claims.Region, h.region)
	}
	if !slices.Contains(strings.Fields(claims.Scope), APIScope) {
		return nil, &apiError{http.StatusForbidden, "insufficient_scope", "token lacks scope " + APIScope}
	}
	return claims, nil
}

// verifyAccessToken checks signature (against every key the sim's JWKS
// publish, so also a region's previous key after a rotation),
// issuer, expiry and not-before of a JWT access token.
func (c *core) verifyAccessToken(raw string, now time.Time) (*apiClaims, *apiError) {
	jws, err := jose.ParseSigned(raw, signatureAlgorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, invalidToken("malformed token")
	}
	key, ok := c.publishedKey(jws.Signatures[0].Header.KeyID)
	if !ok {
		return nil, invalidToken("token is not signed by a key of this HIMSA stand-in")
	}
	payload, err := jws.Verify(key.private.Public())
	if err != nil {
		return nil, invalidToken("bad token signature")
	}
	var claims apiClaims
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, invalidToken("malformed token claims")
	}
	if claims.Issuer != c.regions[key.region].Issuer {
		return nil, invalidToken("unexpected issuer %q", claims.Issuer)
	}
	if claims.Expiry == 0 || now.After(time.Unix(int64(claims.Expiry), 0)) {
		return nil, invalidToken("token expired")
	}
	if claims.NotBef != 0 && now.Add(time.Minute).Before(time.Unix(int64(claims.NotBef), 0)) {
		return nil, invalidToken("token not valid yet")
	}
	return &claims, nil
}

// me answers GET /v1/me.
func (h *apiHandler) me(w http.ResponseWriter, claims *apiClaims) {
	acc, ok := h.c.account(claims.Subject)
	if !ok {
		writeJSON(w, http.StatusForbidden, map[string]string{
			"error":             "user_required",
			"error_description": "this token has no user (client credentials); /v1/me needs a user login",
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"sub":        acc.ID,
		"name":       acc.Name,
		"email":      acc.Email,
		"tenantid":   acc.TenantID,
		"tenantname": acc.TenantName,
		"noahuserid": acc.NoahUserID,
		"noahroleid": acc.NoahRoleID,
		"region":     acc.Region,
	})
}

// tenantsOf returns the tenants a token may read: the user's tenant, or for
// a service token every tenant of this API's region.
func (h *apiHandler) tenantsOf(claims *apiClaims) (tenantID string, tenants []string) {
	if acc, ok := h.c.account(claims.Subject); ok {
		return acc.TenantID, []string{acc.TenantID}
	}
	for _, id := range tenantsInRegion(h.c.opts.Environment, h.region) {
		if _, ok := h.c.regions[demoTenants[id].Region]; ok {
			tenants = append(tenants, id)
		}
	}
	return "", tenants
}

// users answers GET /v1/users.
func (h *apiHandler) users(w http.ResponseWriter, claims *apiClaims) {
	tenantID, tenants := h.tenantsOf(claims)
	users := []TenantUser{}
	for _, t := range tenants {
		users = append(users, tenantUsers(t)...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"region": h.region, "tenantid": tenantID, "users": users})
}

// locations answers GET /v1/locations.
func (h *apiHandler) locations(w http.ResponseWriter, claims *apiClaims) {
	tenantID, tenants := h.tenantsOf(claims)
	locs := []Location{}
	for _, t := range tenants {
		locs = append(locs, tenantLocations(t)...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"region": h.region, "tenantid": tenantID, "locations": locs})
}

// writeAPIError answers an authorization failure with the RFC 6750 header
// and a JSON body.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	desc := strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\' || r < ' ' || r == 0x7f:
			return -1
		}
		return r
	}, e.desc)
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="%s", error_description="%s"`, e.code, desc))
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// apiNow is the API's clock.
func (c *core) apiNow() time.Time {
	if c.opts.APINow != nil {
		return c.opts.APINow()
	}
	return c.now()
}
