package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"ssodesk/check"
)

// signWith signs claims with k using alg and the JOSE typ header typ.
func signWith(t *testing.T, k testKey, alg jose.SignatureAlgorithm, typ string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := jws.CompactSerialize()
	return raw
}

// OIDC Core 3.1.3.7 in full: each rule is a line of the report with its
// reason, and each of these tokens fails it.
func TestVerifyOIDCIDTokenRules(t *testing.T) {
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
	good := sign(t, k1, goodClaims(iss, now))
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	trailing := parts[0] + "." + base64.RawURLEncoding.EncodeToString(append(payload, []byte(`{"sub":"admin"}`)...)) + "." + parts[2]

	cases := []struct {
		name, token, check, detail string
	}{
		{"missing sub", sign(t, k1, with(func(c map[string]any) { delete(c, "sub") })), "subject", "no sub claim"},
		{"missing iat", sign(t, k1, with(func(c map[string]any) { delete(c, "iat") })), "issued at", "no iat claim"},
		{"iat in 2100", sign(t, k1, with(func(c map[string]any) { c["iat"] = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Unix() })), "issued at", "issued in the future"},
		{"azp mismatch, single audience", sign(t, k1, with(func(c map[string]any) { c["azp"] = "other-app" })), "audience", `azp is "other-app"`},
		{"PS256 while discovery says RS256 only", signWith(t, k1, jose.PS256, "JWT", goodClaims(iss, now)), "algorithm", `alg "PS256" is not one the IdP announced`},
		{"RS512 while discovery says RS256 only", signWith(t, k1, jose.RS512, "JWT", goodClaims(iss, now)), "algorithm", `alg "RS512"`},
		{"at+jwt as an ID token", signWith(t, k1, jose.RS256, "at+jwt", goodClaims(iss, now)), "type", "marks an access token"},
		{"a second JSON object after the payload", trailing, "format", "more data after the JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := verifierFor(idp).Verify(context.Background(), tc.token, expect)
			checkStatus(t, r, tc.check, check.Fail, tc.detail)
			if r.OK() {
				t.Error("the report is OK")
			}
		})
	}
	// The same rules pass a good ID token, and do not apply to access tokens.
	r := verifierFor(idp).Verify(context.Background(), good, expect)
	for _, name := range []string{"subject", "type", "algorithm", "issued at"} {
		checkStatus(t, r, name, check.Pass, "")
	}
	at := verifierFor(idp).Verify(context.Background(), signWith(t, k1, jose.RS256, "at+jwt", with(func(c map[string]any) { delete(c, "sub") })), Expect{})
	if _, ok := at.Check("type"); ok || !at.OK() {
		t.Errorf("an access token was held to ID-token rules: %+v", at.Checks)
	}
}

// An IdentityServer access token (aud "<issuer>/resources", typ at+jwt) is
// an access token: verified for signature, issuer and time, its audience
// shown, not failed.
func TestAccessTokenAudienceIsShown(t *testing.T) {
	idp := newTestIdP(t)
	k1 := newTestKey(t, "k1")
	idp.publish(k1)
	claims := goodClaims(idp.srv.URL, time.Now())
	claims["aud"] = []string{idp.srv.URL + "/resources", "noah.cloud.app.users.api"}
	delete(claims, "nonce")
	for _, typ := range []string{"at+jwt", "JWT"} {
		raw := signWith(t, k1, jose.RS256, typ, claims)
		tok, _ := DecodeJWT(raw)
		if !tok.IsAccessToken(testClient) {
			t.Fatalf("typ %s, aud %v: not taken for an access token", typ, tok.Audience())
		}
		r := verifierFor(idp).Verify(context.Background(), raw, Expect{})
		checkStatus(t, r, "audience", check.Skip, idp.srv.URL+"/resources")
		if !r.OK() {
			t.Errorf("typ %s: %s", typ, r.Failures())
		}
	}
}
