package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"

	"ssodesk/check"
)

// testIdP serves discovery and a JWKS whose keys a test can change.
type testIdP struct {
	srv       *httptest.Server
	mu        sync.Mutex
	published []jose.JSONWebKey
	jwksHits  int
	jwksFail  bool          // the JWKS answers 503
	dateShift time.Duration // added to the Date header (a remote clock that is off)
}

type testKey struct {
	kid  string
	priv *rsa.PrivateKey
}

func newTestKey(t *testing.T, kid string) testKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, priv: k}
}

func newTestIdP(t *testing.T) *testIdP {
	idp := &testIdP{}
	idp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		idp.mu.Lock()
		defer idp.mu.Unlock()
		w.Header().Set("Date", time.Now().Add(idp.dateShift).UTC().Format(http.TimeFormat))
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]any{
				"issuer": idp.srv.URL, "jwks_uri": idp.srv.URL + "/keys",
				"authorization_endpoint": idp.srv.URL + "/authorize", "token_endpoint": idp.srv.URL + "/token",
			})
		case "/keys":
			idp.jwksHits++
			if idp.jwksFail {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: idp.published})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(idp.srv.Close)
	return idp
}

func (idp *testIdP) publish(keys ...testKey) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.published = nil
	for _, k := range keys {
		idp.published = append(idp.published, jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.kid, Algorithm: "RS256", Use: "sig"})
	}
}

func (idp *testIdP) hits() int { idp.mu.Lock(); defer idp.mu.Unlock(); return idp.jwksHits }

func sign(t *testing.T, k testKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

const testClient = "my-app"

func goodClaims(iss string, now time.Time) map[string]any {
	return map[string]any{
		"iss": iss, "sub": "u1", "aud": []string{testClient}, "azp": testClient,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix(), "nbf": now.Add(-time.Minute).Unix(),
		"nonce": "n-123", "tenantid": "t1",
	}
}

func verifierFor(idp *testIdP) *Verifier {
	return NewVerifier(idp.srv.Client(), map[string]string{idp.srv.URL: "eu"}, time.Minute)
}

func checkStatus(t *testing.T, r *Report, name string, want check.Status, detail string) {
	t.Helper()
	c, ok := r.Check(name)
	if !ok {
		t.Fatalf("no %q check in %+v", name, r.Checks)
	}
	if c.Status != want || !strings.Contains(c.Detail, detail) {
		t.Errorf("%s = %s %q; want %s containing %q", name, c.Status.Mark(), c.Detail, want.Mark(), detail)
	}
}

func TestVerifyReport(t *testing.T) {
	idp := newTestIdP(t)
	k1 := newTestKey(t, "k1")
	idp.publish(k1)
	now := time.Now()
	iss := idp.srv.URL
	expect := Expect{ClientID: testClient, Nonce: "n-123"}

	with := func(mut func(map[string]any)) map[string]any {
		c := goodClaims(iss, now)
		mut(c)
		return c
	}
	cases := []struct {
		name   string
		token  string
		exp    Expect
		check  string
		status check.Status
		detail string
	}{
		{"valid", sign(t, k1, goodClaims(iss, now)), expect, "signature", check.Pass, "RS256 by key kid=k1 from " + iss + "/keys"},
		{"expired", sign(t, k1, with(func(c map[string]any) { c["exp"] = now.Add(-10 * time.Minute).Unix() })), expect, "expiry", check.Fail, "expired at"},
		{"expired within leeway", sign(t, k1, with(func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() })), expect, "expiry", check.Warn, " — accepted within the 1m clock leeway"},
		{"expired within leeway (ok)", sign(t, k1, with(func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() })), expect, "signature", check.Pass, "RS256"},
		{"wrong audience", sign(t, k1, with(func(c map[string]any) { c["aud"] = "other-app" })), expect, "audience", check.Fail, `does not contain this app's client ID "my-app"`},
		{"azp mismatch", sign(t, k1, with(func(c map[string]any) { c["aud"] = []string{testClient, "api"}; c["azp"] = "api" })), expect, "audience", check.Fail, "azp"},
		{"wrong nonce", sign(t, k1, with(func(c map[string]any) { c["nonce"] = "other" })), expect, "nonce", check.Fail, "not the one this login sent"},
		{"missing nonce", sign(t, k1, with(func(c map[string]any) { delete(c, "nonce") })), expect, "nonce", check.Fail, "no nonce"},
		{"nonce not expected", sign(t, k1, goodClaims(iss, now)), Expect{ClientID: testClient}, "nonce", check.Skip, "not checked"},
		{"not yet valid", sign(t, k1, with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), expect, "not before", check.Fail, "not valid before"},
		{"issued in the future", sign(t, k1, with(func(c map[string]any) { c["iat"] = now.Add(10 * time.Minute).Unix() })), expect, "issued at", check.Fail, "clock is about 10m"},
		{"untrusted issuer", sign(t, k1, with(func(c map[string]any) { c["iss"] = "https://evil.example" })), expect, "issuer", check.Fail, "not on the allow-list"},
		{"untrusted issuer signature", sign(t, k1, with(func(c map[string]any) { c["iss"] = "https://evil.example" })), expect, "signature", check.Skip, "not checked"},
		{"exp not a number", sign(t, k1, with(func(c map[string]any) { c["exp"] = "tomorrow" })), expect, "expiry", check.Fail, "not a number"},
		{"access token audience skipped", sign(t, k1, goodClaims(iss, now)), Expect{}, "audience", check.Skip, "not checked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := verifierFor(idp).Verify(context.Background(), tc.token, tc.exp)
			checkStatus(t, r, tc.check, tc.status, tc.detail)
			if tc.name == "valid" && (!r.OK() || r.Region != "eu" || r.KeyID != "k1") {
				t.Errorf("valid token: OK=%v region=%q kid=%q\n%+v", r.OK(), r.Region, r.KeyID, r.Checks)
			}
			if tc.status == check.Fail && r.OK() {
				t.Error("a failed check but the report is OK")
			}
		})
	}
}

func TestVerifyTamperedSignature(t *testing.T) {
	idp := newTestIdP(t)
	k1 := newTestKey(t, "k1")
	idp.publish(k1)
	raw := sign(t, k1, goodClaims(idp.srv.URL, time.Now()))
	parts := strings.Split(raw, ".")
	// Change a claim, keep the signature: what an attacker would try.
	claims := goodClaims(idp.srv.URL, time.Now())
	claims["tenantid"] = "someone-elses-tenant"
	body, _ := json.Marshal(claims)
	tampered := parts[0] + "." + b64(body) + "." + parts[2]
	r := verifierFor(idp).Verify(context.Background(), tampered, Expect{ClientID: testClient, Nonce: "n-123"})
	checkStatus(t, r, "signature", check.Fail, "does not match key kid=k1")
	// A token signed by a stranger's key that claims a published kid.
	stranger := newTestKey(t, "k1")
	r = verifierFor(idp).Verify(context.Background(), sign(t, stranger, goodClaims(idp.srv.URL, time.Now())), Expect{ClientID: testClient})
	checkStatus(t, r, "signature", check.Fail, "altered, or signed with another key")
}

func TestVerifyUnknownKidRefetchesOnce(t *testing.T) {
	idp := newTestIdP(t)
	k1, k2 := newTestKey(t, "k1"), newTestKey(t, "k2")
	idp.publish(k1)
	v := verifierFor(idp)
	exp := Expect{ClientID: testClient, Nonce: "n-123"}
	if r := v.Verify(context.Background(), sign(t, k1, goodClaims(idp.srv.URL, time.Now())), exp); !r.OK() {
		t.Fatalf("k1: %+v", r.Checks)
	}
	if idp.hits() != 1 {
		t.Fatalf("JWKS fetched %d times, want 1", idp.hits())
	}
	// The IdP rotates to k2: the cached JWKS lacks it, so one re-fetch finds it.
	idp.publish(k1, k2)
	r := v.Verify(context.Background(), sign(t, k2, goodClaims(idp.srv.URL, time.Now())), exp)
	checkStatus(t, r, "signature", check.Pass, "found after fetching the JWKS again")
	if !r.Refetched || idp.hits() != 2 {
		t.Errorf("refetched=%v hits=%d, want one re-fetch", r.Refetched, idp.hits())
	}
	// Cached now: no more fetches for k2.
	v.Verify(context.Background(), sign(t, k2, goodClaims(idp.srv.URL, time.Now())), exp)
	if idp.hits() != 2 {
		t.Errorf("hits = %d after a cached kid", idp.hits())
	}
	// A kid the IdP never publishes: exactly one re-fetch, then a clear ✗.
	r = v.Verify(context.Background(), sign(t, newTestKey(t, "k9"), goodClaims(idp.srv.URL, time.Now())), exp)
	checkStatus(t, r, "signature", check.Fail, `signed with a key the IdP has rotated away (kid k9; the JWKS has k1, k2`)
	if !r.KeyRotatedAway || !slices.Equal(r.JWKSKeyIDs, []string{"k1", "k2"}) {
		t.Errorf("rotated away %v, JWKS kids %v", r.KeyRotatedAway, r.JWKSKeyIDs)
	}
	if idp.hits() != 3 {
		t.Errorf("hits = %d, want exactly one re-fetch for the unknown kid", idp.hits())
	}
}

func TestVerifyMalformedAndUnsigned(t *testing.T) {
	idp := newTestIdP(t)
	idp.publish(newTestKey(t, "k1"))
	v := verifierFor(idp)
	for raw, want := range map[string]string{
		"only.two":        "has 2",
		"a.b.c.d":         "has 4",
		"%%%.e30.e30":     "header: not base64url",
		"e30.bm90anNvbg.": "payload: not a JSON object",
	} {
		r := v.Verify(context.Background(), raw, Expect{ClientID: testClient})
		checkStatus(t, r, "format", check.Fail, want)
		if r.OK() {
			t.Errorf("%q reported OK", raw)
		}
	}
	unsigned := b64([]byte(`{"alg":"none"}`)) + "." + b64(mustJSON(goodClaims(idp.srv.URL, time.Now()))) + "."
	r := v.Verify(context.Background(), unsigned, Expect{ClientID: testClient})
	checkStatus(t, r, "signature", check.Fail, "unsigned")
}

func TestVerifyAtHashAndClockSkew(t *testing.T) {
	idp := newTestIdP(t)
	k1 := newTestKey(t, "k1")
	idp.publish(k1)
	idp.dateShift = -7 * time.Minute // the IdP's clock says 7 minutes earlier: ours is ahead
	at := "the-access-token"
	h, _ := zoidc.ClaimHash(at, jose.RS256)
	claims := goodClaims(idp.srv.URL, time.Now())
	claims["at_hash"] = h
	raw := sign(t, k1, claims)
	v := verifierFor(idp)
	r := v.Verify(context.Background(), raw, Expect{ClientID: testClient, Nonce: "n-123", AccessToken: at})
	checkStatus(t, r, "at_hash", check.Pass, "matches")
	checkStatus(t, r, "clock", check.Warn, "7m")
	checkStatus(t, r, "clock", check.Warn, "ahead of")
	r = v.Verify(context.Background(), raw, Expect{ClientID: testClient, Nonce: "n-123", AccessToken: "another"})
	checkStatus(t, r, "at_hash", check.Fail, "does not match")
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }
