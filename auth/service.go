package auth

import (
	"context"
	"errors"
	"slices"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"ssodesk/config"
)

// ErrNoClientSecret: the client-credentials flow needs the secret HIMSA issued.
var ErrNoClientSecret = errors.New("the client-credentials flow needs a client secret: set client_secret_file " +
	"(or SSODESK_CLIENT_SECRET) to the secret HIMSA issued for the service app")

// userScopes are meaningless without a user; a service app does not ask
// for them.
var userScopes = []string{"openid", "profile", "email", config.ScopeOfflineAccess}

// ClientCredentials runs the service-app flow (client ID and secret, no
// browser) at the region's token endpoint. HIMSA rule: service apps never
// get a refresh token, so offline_access is not asked for; notes says what
// was dropped.
func (c *Client) ClientCredentials(ctx context.Context) (res *Result, notes []string, err error) {
	o := c.o.withDefaultTrust()
	if o.ClientID == "" {
		return nil, nil, ErrNoClientID
	}
	if o.ClientSecret == "" {
		return nil, nil, ErrNoClientSecret
	}
	started := time.Now()
	verifier := o.newVerifier()
	c.adopt(verifier)
	p, err := verifier.provider(ctx, o.Region.Issuer)
	if err != nil {
		return nil, nil, &DiscoveryError{Issuer: o.Region.Issuer, Err: err}
	}
	var scopes []string
	for _, s := range o.Scopes {
		switch {
		case s == config.ScopeOfflineAccess:
			notes = append(notes, "offline_access dropped: HIMSA never issues refresh tokens to service apps (client credentials)")
		case slices.Contains(userScopes, s):
			// identity scopes need a user
		default:
			scopes = append(scopes, s)
		}
	}
	cc := clientcredentials.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, TokenURL: p.Endpoint().TokenURL,
		Scopes: scopes, AuthStyle: oauth2.AuthStyleInParams}
	tok, err := cc.Token(context.WithValue(endpointContext(ctx, "token", o.Region.Issuer, cc.TokenURL), oauth2.HTTPClient, o.HTTPClient))
	if err != nil {
		return nil, notes, tokenError(OpClientCredentials, o.Region, oauth2.Config{ClientSecret: cc.ClientSecret, Endpoint: oauth2.Endpoint{TokenURL: cc.TokenURL}}, err)
	}
	if tok.RefreshToken != "" {
		notes = append(notes, "the IdP returned a refresh token to a service app, which HIMSA says it never does")
	}
	res = &Result{Region: o.Region, ExchangedAt: o.Region, Issuer: o.Region.Issuer, Token: tok, Started: started, Finished: time.Now(),
		ClientID: o.ClientID, TokenURL: cc.TokenURL}
	res.Scopes, res.ScopesFrom = scopes, "as requested (the IdP did not list them)"
	if s, _ := tok.Extra("scope").(string); s != "" {
		res.Scopes, res.ScopesFrom = splitScopes(s), "token response"
	}
	return res, notes, nil
}
