package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// userToken logs in at endpoint r with account and returns the access token.
func userToken(t *testing.T, s *Sim, r Region, account string, scopes ...string) string {
	t.Helper()
	l := browserLogin(t, s, r, account, scopes)
	tok, err := l.exchange(testCtx(t), r)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok.AccessToken
}

// wantBearerError checks status, WWW-Authenticate error code and that the
// description contains every sub.
func wantBearerError(t *testing.T, resp *http.Response, body string, status int, code string, subs ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	h := resp.Header.Get("WWW-Authenticate")
	wantContains(t, "WWW-Authenticate", h, `Bearer error="`+code+`"`, "error_description=")
	wantContains(t, "WWW-Authenticate", h, subs...)
}

func TestAPI(t *testing.T) {
	global, eu, us := region(t, shared, GlobalRegion), region(t, shared, "eu"), region(t, shared, "us")
	acc := accountIn(t, shared, "eu")
	token := userToken(t, shared, global, acc.ID, "openid", APIScope)

	resp, body := apiGet(t, eu.API+"/me", token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/v1/me: %d %s", resp.StatusCode, body)
	}
	var me map[string]string
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		t.Fatalf("/v1/me body %q: %v", body, err)
	}
	if me["tenantid"] != acc.TenantID || me["tenantname"] != acc.TenantName || me["sub"] != acc.ID || me["region"] != "eu" || me["noahuserid"] != acc.NoahUserID {
		t.Errorf("/v1/me = %v, want account %+v", me, acc)
	}

	resp, body = apiGet(t, eu.API+"/users", token)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, acc.NoahUserID) || strings.Contains(body, "hoerwelt-berlin.de") {
		t.Errorf("/v1/users: %d %s (want only tenant %s)", resp.StatusCode, body, acc.TenantName)
	}
	resp, body = apiGet(t, eu.API+"/locations", token)
	var locs struct {
		Locations []Location `json:"locations"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &locs) != nil || len(locs.Locations) < 2 {
		t.Errorf("/v1/locations: %d %s", resp.StatusCode, body)
	}
	for _, l := range locs.Locations {
		if l.TenantID != acc.TenantID {
			t.Errorf("location %+v of another tenant", l)
		}
	}
	// The global API serves every region.
	if resp, body := apiGet(t, global.API+"/me", token); resp.StatusCode != http.StatusOK {
		t.Errorf("global /v1/me: %d %s", resp.StatusCode, body)
	}

	resp, body = apiGet(t, eu.API+"/me", "")
	wantBearerError(t, resp, body, http.StatusUnauthorized, "invalid_token", "missing")

	resp, body = apiGet(t, eu.API+"/me", "not-a-jwt")
	wantBearerError(t, resp, body, http.StatusUnauthorized, "invalid_token", "malformed")

	resp, body = apiGet(t, eu.API+"/me", token[:len(token)-4]+"AAAA")
	wantBearerError(t, resp, body, http.StatusUnauthorized, "invalid_token", "signature")

	resp, body = apiGet(t, us.API+"/me", token)
	wantBearerError(t, resp, body, http.StatusUnauthorized, "invalid_token", "region eu", "us API")

	noScope := userToken(t, shared, global, acc.ID, "openid", "profile")
	resp, body = apiGet(t, eu.API+"/users", noScope)
	wantBearerError(t, resp, body, http.StatusForbidden, "insufficient_scope", APIScope)

	resp, body = apiGet(t, eu.API+"/nope", token)
	if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown route: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestAPIExpiredToken(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var skew atomic.Int64 // how far the API's clock is ahead
	s, err := Start(ctx, Options{Regions: []string{GlobalRegion, "eu"}, AccessTokenLifetime: time.Minute,
		APINow: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	eu := region(t, s, "eu")
	token := userToken(t, s, eu, "", "openid", APIScope)
	if resp, body := apiGet(t, eu.API+"/me", token); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh token: %d %s", resp.StatusCode, body)
	}
	skew.Store(int64(2 * time.Minute)) // the token's minute is over
	resp, body := apiGet(t, eu.API+"/me", token)
	wantBearerError(t, resp, body, http.StatusUnauthorized, "invalid_token", "expired")
}
