package sim

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// refresh redeems refreshToken at endpoint tokenURL.
func refresh(t *testing.T, conf *oauth2.Config, tokenURL, refreshToken string) (*oauth2.Token, error) {
	t.Helper()
	c := *conf
	c.Endpoint.TokenURL = tokenURL
	return c.TokenSource(testCtx(t), &oauth2.Token{RefreshToken: refreshToken}).Token()
}

func TestRefreshTokenOnlyWithOfflineAccessAndRotates(t *testing.T) {
	global, eu, us := region(t, shared, GlobalRegion), region(t, shared, "eu"), region(t, shared, "us")

	l := browserLogin(t, shared, global, accountIn(t, shared, "eu").ID, []string{"openid", "offline_access", APIScope})
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	rt1 := tok.RefreshToken
	if rt1 == "" {
		t.Fatal("no refresh token with offline_access")
	}

	// Refresh at another region's endpoint is refused.
	_, err = refresh(t, l.conf, us.TokenURL(), rt1)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("refresh at us: %v, want invalid_grant", err)
	}
	wantContains(t, "error_description", re.ErrorDescription, "region eu", "us endpoint")

	tok2, err := refresh(t, l.conf, global.TokenURL(), rt1)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	rt2 := tok2.RefreshToken
	if rt2 == "" || rt2 == rt1 {
		t.Fatalf("refresh token not rotated: old %q new %q", rt1, rt2)
	}
	if tok2.AccessToken == "" || tok2.AccessToken == tok.AccessToken {
		t.Error("refresh did not return a new access token")
	}
	if idt, c := verifyIDToken(t, shared, global, tok2, ""); idt.Subject != accountIn(t, shared, "eu").ID || c.Region != "eu" || c.API != eu.API {
		t.Errorf("refreshed ID token: sub %q claims %+v", idt.Subject, c)
	}
	if resp, body := apiGet(t, eu.API+"/me", tok2.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("refreshed access token at eu API: %d %s", resp.StatusCode, body)
	}

	// The old refresh token is now invalid; the new one works (at eu too).
	if _, err := refresh(t, l.conf, global.TokenURL(), rt1); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("reusing rotated refresh token: %v, want invalid_grant", err)
	}
	tok3, err := refresh(t, l.conf, eu.TokenURL(), rt2)
	if err != nil {
		t.Fatalf("second refresh at eu: %v", err)
	}
	if tok3.RefreshToken == "" || tok3.RefreshToken == rt2 {
		t.Error("second refresh did not rotate")
	}
}

func TestNoRefreshTokenWithoutOfflineAccess(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	l := browserLogin(t, shared, global, "", []string{"openid", "profile"})
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" {
		t.Errorf("refresh token %q issued without offline_access", tok.RefreshToken)
	}
}

func TestClientCredentials(t *testing.T) {
	eu := region(t, shared, "eu")
	id, secret := shared.ServiceClient()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		conf := clientcredentials.Config{
			ClientID: id, ClientSecret: secret, TokenURL: eu.TokenURL(), AuthStyle: style,
			Scopes: []string{APIScope, "offline_access"},
		}
		tok, err := conf.Token(testCtx(t))
		if err != nil {
			t.Fatalf("client credentials (style %d): %v", style, err)
		}
		if tok.AccessToken == "" {
			t.Fatal("no access token")
		}
		if tok.RefreshToken != "" {
			t.Errorf("service client got a refresh token")
		}
		if scope, _ := tok.Extra("scope").(string); strings.Contains(scope, "offline_access") {
			t.Errorf("scope %q still has offline_access", scope)
		}

		resp, body := apiGet(t, eu.API+"/users", tok.AccessToken)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/v1/users with service token: %d %s", resp.StatusCode, body)
		}
		wantContains(t, "/v1/users", body, "@nordlyd-hoerecenter.dk", "@hoerwelt-berlin.de")
		if strings.Contains(body, "clearviewhearing") {
			t.Errorf("eu API lists us users to a service token: %s", body)
		}
		resp, body = apiGet(t, eu.API+"/me", tok.AccessToken)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "user_required") {
			t.Errorf("/v1/me with service token: %d %s, want 403 user_required", resp.StatusCode, body)
		}
	}

	bad := clientcredentials.Config{ClientID: id, ClientSecret: "wrong", TokenURL: eu.TokenURL()}
	if _, err := bad.Token(testCtx(t)); err == nil {
		t.Error("wrong client secret accepted")
	}
	public := clientcredentials.Config{ClientID: shared.ClientID(), TokenURL: eu.TokenURL(), AuthStyle: oauth2.AuthStyleInParams}
	if _, err := public.Token(testCtx(t)); err == nil {
		t.Error("public client got a client-credentials token")
	}
}
