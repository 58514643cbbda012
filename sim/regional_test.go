package sim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// startSim starts a sim of its own for one test.
func startSim(t *testing.T, opts Options) *Sim {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, opts)
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		cancel()
	})
	return s
}

// jwtParts returns the kid and the (unverified) claims of a JWT.
func jwtParts(t *testing.T, raw string) (kid string, claims map[string]any) {
	t.Helper()
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(jws.Signatures) != 1 {
		t.Fatalf("parsing JWT %.40q…: %v", raw, err)
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		t.Fatalf("JWT claims: %v", err)
	}
	return jws.Signatures[0].Header.KeyID, claims
}

// idTokenOf returns the raw ID token of a token response.
func idTokenOf(t *testing.T, tok *oauth2.Token) string {
	t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatal("token response has no id_token")
	}
	return raw
}

// wantIssuedBy checks that the ID token and the access token of tok carry
// r's issuer and are signed with a key r's JWKS publishes.
func wantIssuedBy(t *testing.T, s *Sim, r Region, tok *oauth2.Token) {
	t.Helper()
	for what, raw := range map[string]string{"id_token": idTokenOf(t, tok), "access_token": tok.AccessToken} {
		kid, claims := jwtParts(t, raw)
		if claims["iss"] != r.Issuer {
			t.Errorf("%s iss = %v, want %s issuer %s", what, claims["iss"], r.Name, r.Issuer)
		}
		if !slices.Contains(s.c.keyIDs(r.Name), kid) {
			t.Errorf("%s kid %q is not one of %s's keys %v", what, kid, r.Name, s.c.keyIDs(r.Name))
		}
	}
}

// rawExchange posts a code exchange to tokenURL and returns the JSON
// response's field names.
func rawExchange(t *testing.T, l loginResult, tokenURL string) []string {
	t.Helper()
	resp, err := http.PostForm(tokenURL, url.Values{
		"grant_type": {"authorization_code"}, "code": {l.code}, "redirect_uri": {l.conf.RedirectURL},
		"client_id": {l.conf.ClientID}, "code_verifier": {l.verifier},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("token response %d: %v %v", resp.StatusCode, m, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestGlobalExchangeIssuerRegional(t *testing.T) {
	h := &Hooks{}
	s := startSim(t, Options{Regions: []string{GlobalRegion, "eu", "us"}, GlobalExchangeIssuer: IssuerRegional, Hooks: h})
	global, eu, us := region(t, s, GlobalRegion), region(t, s, "eu"), region(t, s, "us")
	acc := accountIn(t, s, "eu")
	scopes := []string{"openid", "profile", "offline_access", APIScope}

	l := browserLogin(t, s, global, acc.ID, scopes)
	if !strings.HasPrefix(l.code, "eu.") {
		t.Fatalf("code %q does not start with eu.", l.code)
	}
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatalf("exchange at global: %v", err)
	}
	idt, c := verifyIDToken(t, s, eu, tok, l.nonce) // go-oidc, EU discovery and JWKS
	if idt.Issuer != eu.Issuer || idt.Subject != acc.ID {
		t.Errorf("iss %q sub %q, want eu issuer %q and %q", idt.Issuer, idt.Subject, eu.Issuer, acc.ID)
	}
	if want := (idTokenClaims{TenantID: acc.TenantID, API: eu.API, Region: "eu", Name: acc.Name, Email: acc.Email}); c != want {
		t.Errorf("claims = %+v, want %+v", c, want)
	}
	wantIssuedBy(t, s, eu, tok)

	// Not verifiable as a global token: wrong issuer, and (issuer check
	// skipped) not signed by any key the global JWKS publishes.
	ctx := testCtx(t)
	gp, err := oidc.NewProvider(ctx, global.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gp.Verifier(&oidc.Config{ClientID: s.ClientID()}).Verify(ctx, idTokenOf(t, tok)); err == nil {
		t.Error("eu-issued ID token verified against the global issuer")
	}
	_, err = gp.Verifier(&oidc.Config{ClientID: s.ClientID(), SkipIssuerCheck: true}).Verify(ctx, idTokenOf(t, tok))
	if err == nil || !strings.Contains(err.Error(), "signature") {
		t.Errorf("eu-issued ID token against the global keys: err = %v, want a signature error", err)
	}

	// The access token works at the eu API and the eu UserInfo endpoint.
	if resp, body := apiGet(t, eu.API+"/me", tok.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("eu API with the eu-issued access token: %d %s", resp.StatusCode, body)
	}
	ep, err := oidc.NewProvider(ctx, eu.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	if ui, err := ep.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil || ui.Subject != acc.ID {
		t.Errorf("eu userinfo: %v %v", ui, err)
	}
	// Only the token endpoint hands over to the region: the global UserInfo
	// endpoint refuses a token with the eu iss (an app must use the
	// endpoints of the issuer it got).
	if _, err := gp.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("global userinfo accepted an eu-issued access token")
	}

	// Refresh at the global endpoint: eu-issued again.
	tok2, err := refresh(t, l.conf, global.TokenURL(), tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh at global: %v", err)
	}
	if idt, _ := verifyIDToken(t, s, eu, tok2, ""); idt.Issuer != eu.Issuer || idt.Subject != acc.ID {
		t.Errorf("refreshed: iss %q sub %q", idt.Issuer, idt.Subject)
	}
	wantIssuedBy(t, s, eu, tok2)
	if tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken {
		t.Error("refresh token not rotated")
	}

	// The regional rule is unchanged: us refuses an eu code.
	l2 := browserLogin(t, s, global, acc.ID, scopes)
	_, err = l2.exchange(testCtx(t), us)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("eu code at us: %v, want invalid_grant", err)
	}
	wantContains(t, "error_description", re.ErrorDescription, "region eu", "us endpoint")
	// Same response fields as a regional exchange; PKCE still checked.
	bad := l2
	bad.verifier = oauth2.GenerateVerifier()
	if _, err := bad.exchange(testCtx(t), global); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("wrong PKCE verifier at global (regional mode): %v, want invalid_grant", err)
	}
	l3 := browserLogin(t, s, eu, acc.ID, scopes)
	if got, want := rawExchange(t, l2, global.TokenURL()), rawExchange(t, l3, eu.TokenURL()); !slices.Equal(got, want) {
		t.Errorf("global-in-regional-mode response fields %v, regional %v", got, want)
	}

	// Flipped to global at run time: the global issuer again, for codes and
	// for refresh tokens.
	if err := h.SetGlobalExchangeIssuer(IssuerGlobal); err != nil {
		t.Fatal(err)
	}
	l4 := browserLogin(t, s, global, acc.ID, scopes)
	tok4, err := l4.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	if idt, _ := verifyIDToken(t, s, global, tok4, l4.nonce); idt.Issuer != global.Issuer {
		t.Errorf("global mode: iss %q", idt.Issuer)
	}
	wantIssuedBy(t, s, global, tok4)
	tok5, err := refresh(t, l.conf, global.TokenURL(), tok2.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	wantIssuedBy(t, s, global, tok5)

	if err := h.SetGlobalExchangeIssuer("eu"); err == nil {
		t.Error("SetGlobalExchangeIssuer accepted an unknown mode")
	}
	if err := h.SetGlobalExchangeIssuer(IssuerRegional); err != nil {
		t.Error(err)
	}
	tok6, err := refresh(t, l.conf, global.TokenURL(), tok5.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	wantIssuedBy(t, s, eu, tok6)
}

func TestGlobalExchangeIssuerOption(t *testing.T) {
	if s, err := Start(context.Background(), Options{GlobalExchangeIssuer: "sometimes"}); err == nil {
		s.Close()
		t.Error("Start accepted an unknown GlobalExchangeIssuer")
	}
	// The default is the global issuer (the shared sim).
	global := region(t, shared, GlobalRegion)
	l := browserLogin(t, shared, global, accountIn(t, shared, "us").ID, []string{"openid"})
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	wantIssuedBy(t, shared, global, tok)
}
