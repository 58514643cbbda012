package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// fetchJWKS GETs the JWKS of r.
func fetchJWKS(t *testing.T, r Region) jose.JSONWebKeySet {
	t.Helper()
	resp, err := http.Get(r.Issuer + "/keys")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatalf("JWKS of %s: %v", r.Name, err)
	}
	return set
}

// kids lists the key IDs of a JWKS.
func kids(set jose.JSONWebKeySet) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

// verifyWithJWKS checks the signature of a JWT with the key of set named by
// its kid.
func verifyWithJWKS(t *testing.T, set jose.JSONWebKeySet, raw string) error {
	t.Helper()
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return err
	}
	keys := set.Key(jws.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		return jose.ErrJWKSKidNotFound
	}
	_, err = jws.Verify(keys[0].Key)
	return err
}

func TestRotateKey(t *testing.T) {
	h := &Hooks{}
	s := startSim(t, Options{Regions: []string{GlobalRegion, "eu"}, Hooks: h})
	eu := region(t, s, "eu")
	scopes := []string{"openid", APIScope}
	ctx := testCtx(t)

	before := h.KeyIDs("eu")
	if len(before) != 1 || !slices.Equal(kids(fetchJWKS(t, eu)), before) {
		t.Fatalf("KeyIDs %v, JWKS %v: want the same single key", before, kids(fetchJWKS(t, eu)))
	}
	globalKids := h.KeyIDs(GlobalRegion)
	oldProvider, err := oidc.NewProvider(ctx, eu.Issuer) // caches the old JWKS
	if err != nil {
		t.Fatal(err)
	}

	l1 := browserLogin(t, s, eu, "", scopes)
	tok1, err := l1.exchange(ctx, eu)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oldProvider.Verifier(&oidc.Config{ClientID: s.ClientID()}).Verify(ctx, idTokenOf(t, tok1)); err != nil {
		t.Fatalf("pre-rotation token, pre-rotation JWKS: %v", err)
	}

	newKid, err := h.RotateKey("eu")
	if err != nil {
		t.Fatalf("RotateKey: %v", err)
	}
	if want := []string{newKid, before[0]}; newKid == before[0] || !slices.Equal(h.KeyIDs("eu"), want) {
		t.Fatalf("after rotation KeyIDs = %v, want %v", h.KeyIDs("eu"), want)
	}
	if !slices.Equal(h.KeyIDs(GlobalRegion), globalKids) {
		t.Errorf("rotating eu changed the global keys: %v → %v", globalKids, h.KeyIDs(GlobalRegion))
	}

	l2 := browserLogin(t, s, eu, "", scopes)
	tok2, err := l2.exchange(ctx, eu)
	if err != nil {
		t.Fatal(err)
	}
	kid1, _ := jwtParts(t, idTokenOf(t, tok1))
	kid2, _ := jwtParts(t, idTokenOf(t, tok2))
	akid2, _ := jwtParts(t, tok2.AccessToken)
	if kid1 != before[0] || kid2 != newKid || akid2 != newKid {
		t.Errorf("kids: before %s, after %s (access token %s); want %s then %s", kid1, kid2, akid2, before[0], newKid)
	}

	// The JWKS fetched now publishes both keys; both tokens verify.
	set := fetchJWKS(t, eu)
	if !slices.Equal(kids(set), []string{newKid, before[0]}) {
		t.Errorf("JWKS kids %v, want %v", kids(set), []string{newKid, before[0]})
	}
	for i, tok := range []*oauth2.Token{tok1, tok2} {
		for what, raw := range map[string]string{"id_token": idTokenOf(t, tok), "access_token": tok.AccessToken} {
			if err := verifyWithJWKS(t, set, raw); err != nil {
				t.Errorf("token %d %s against the JWKS: %v", i+1, what, err)
			}
		}
	}
	verifyIDToken(t, s, eu, tok1, l1.nonce) // a fresh go-oidc provider
	verifyIDToken(t, s, eu, tok2, l2.nonce)
	// A go-oidc provider that cached the old JWKS refetches for the new kid.
	if _, err := oldProvider.Verifier(&oidc.Config{ClientID: s.ClientID()}).Verify(ctx, idTokenOf(t, tok2)); err != nil {
		t.Errorf("post-rotation token, provider created before rotation: %v", err)
	}
	// The API and zitadel's own verification (UserInfo) accept both.
	for i, tok := range []*oauth2.Token{tok1, tok2} {
		if resp, body := apiGet(t, eu.API+"/me", tok.AccessToken); resp.StatusCode != http.StatusOK {
			t.Errorf("API with token %d: %d %s", i+1, resp.StatusCode, body)
		}
		if _, err := oldProvider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
			t.Errorf("userinfo with token %d: %v", i+1, err)
		}
	}

	// A second rotation drops the oldest key: tokens signed with it fail.
	third, err := h.RotateKey("eu")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{third, newKid}; !slices.Equal(h.KeyIDs("eu"), want) || !slices.Equal(kids(fetchJWKS(t, eu)), want) {
		t.Errorf("after second rotation KeyIDs %v JWKS %v, want %v", h.KeyIDs("eu"), kids(fetchJWKS(t, eu)), want)
	}
	resp, body := apiGet(t, eu.API+"/me", tok1.AccessToken)
	wantBearerError(t, resp, body, http.StatusUnauthorized, "invalid_token", "not signed by a key")
	if resp, body := apiGet(t, eu.API+"/me", tok2.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("API with token 2 after second rotation: %d %s", resp.StatusCode, body)
	}

	if _, err := h.RotateKey("mars"); err == nil {
		t.Error("RotateKey of an unknown region succeeded")
	}
	if ids := h.KeyIDs("mars"); ids != nil {
		t.Errorf("KeyIDs(mars) = %v", ids)
	}
}
