package sim

import (
	"errors"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// idTokenClaims are the HIMSA claims the tests read from ID tokens.
type idTokenClaims struct {
	TenantID string `json:"tenantid"`
	API      string `json:"api"`
	Region   string `json:"region"`
	Name     string `json:"name"`
	Email    string `json:"email"`
}

// verifyIDToken checks the ID token of tok against issuer r with go-oidc
// (signature, iss, aud, exp, nonce, at_hash) and returns its claims.
func verifyIDToken(t *testing.T, s *Sim, r Region, tok *oauth2.Token, nonce string) (*oidc.IDToken, idTokenClaims) {
	t.Helper()
	ctx := testCtx(t)
	provider, err := oidc.NewProvider(ctx, r.Issuer)
	if err != nil {
		t.Fatalf("discovery at %s: %v", r.Issuer, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		t.Fatal("token response has no id_token")
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: s.ClientID()}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("verify id_token: %v", err)
	}
	if idt.Nonce != nonce {
		t.Errorf("nonce = %q, want %q", idt.Nonce, nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var c idTokenClaims
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return idt, c
}

func TestLoginViaGlobalWithEUAccount(t *testing.T) {
	global, eu := region(t, shared, GlobalRegion), region(t, shared, "eu")
	acc := accountIn(t, shared, "eu")
	l := browserLogin(t, shared, global, acc.Email, []string{"openid", "profile", APIScope})
	if !strings.HasPrefix(l.code, "eu.") {
		t.Fatalf("code %q does not start with eu.", l.code)
	}
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatalf("exchange at global: %v", err)
	}
	if tok.RefreshToken != "" {
		t.Error("refresh token issued without offline_access")
	}
	idt, c := verifyIDToken(t, shared, global, tok, l.nonce)
	if idt.Issuer != global.Issuer {
		t.Errorf("iss = %q, want global %q", idt.Issuer, global.Issuer)
	}
	if idt.Subject != acc.ID {
		t.Errorf("sub = %q, want %q", idt.Subject, acc.ID)
	}
	want := idTokenClaims{TenantID: acc.TenantID, API: eu.API, Region: "eu", Name: acc.Name, Email: acc.Email}
	if c != want {
		t.Errorf("claims = %+v, want %+v", c, want)
	}

	// UserInfo at the issuing endpoint.
	provider, err := oidc.NewProvider(testCtx(t), global.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	ui, err := provider.UserInfo(testCtx(t), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	var info map[string]any
	if err := ui.Claims(&info); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"sub": acc.ID, "noahuserid": acc.NoahUserID, "noahroleid": acc.NoahRoleID,
		"tenantname": acc.TenantName, "tenantid": acc.TenantID, "name": acc.Name, "email": acc.Email,
	} {
		if info[k] != v {
			t.Errorf("userinfo %s = %v, want %q", k, info[k], v)
		}
	}
}

func TestLoginViaRegionalUS(t *testing.T) {
	us := region(t, shared, "us")
	acc := accountIn(t, shared, "us")
	l := browserLogin(t, shared, us, acc.ID, []string{"openid", APIScope},
		oauth2.SetAuthURLParam("forcechoose", "1"))
	if !strings.HasPrefix(l.code, "us.") {
		t.Fatalf("code %q does not start with us.", l.code)
	}
	tok, err := l.exchange(testCtx(t), us)
	if err != nil {
		t.Fatalf("exchange at us: %v", err)
	}
	idt, c := verifyIDToken(t, shared, us, tok, l.nonce)
	if idt.Issuer != us.Issuer || c.Region != "us" || c.API != us.API || c.TenantID != acc.TenantID {
		t.Errorf("iss %q claims %+v; want issuer %q region us api %q tenant %q", idt.Issuer, c, us.Issuer, us.API, acc.TenantID)
	}
	if c.Name != "" || c.Email != "" {
		t.Errorf("name/email %q/%q present without profile scope", c.Name, c.Email)
	}
}

func TestCodeOfOtherRegionIsRefused(t *testing.T) {
	global, eu, us := region(t, shared, GlobalRegion), region(t, shared, "eu"), region(t, shared, "us")
	l := browserLogin(t, shared, global, accountIn(t, shared, "eu").ID, []string{"openid", APIScope})

	_, err := l.exchange(testCtx(t), us)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("exchange at us: err = %v, want RetrieveError", err)
	}
	if re.ErrorCode != "invalid_grant" {
		t.Errorf("error = %q, want invalid_grant", re.ErrorCode)
	}
	wantContains(t, "error_description", re.ErrorDescription, "region eu", "us endpoint", "use the eu or the global endpoint")

	tok, err := l.exchange(testCtx(t), eu)
	if err != nil {
		t.Fatalf("exchange at eu: %v", err)
	}
	idt, c := verifyIDToken(t, shared, eu, tok, l.nonce)
	if idt.Issuer != eu.Issuer || c.Region != "eu" {
		t.Errorf("iss %q region %q, want %q eu", idt.Issuer, c.Region, eu.Issuer)
	}

	// Codes are single-use.
	if _, err := l.exchange(testCtx(t), eu); err == nil {
		t.Error("second exchange of the same code succeeded")
	}
}

func TestPKCEVerifierIsChecked(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	l := browserLogin(t, shared, global, "", []string{"openid"})
	l.verifier = oauth2.GenerateVerifier()
	_, err := l.exchange(testCtx(t), global)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("exchange with wrong verifier: %v, want invalid_grant", err)
	}
}
