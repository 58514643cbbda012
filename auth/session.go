package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// ErrNoRefreshToken: there is nothing to refresh with. HIMSA issues refresh
// tokens only with offline_access, and only for apps it enabled them for.
var ErrNoRefreshToken = errors.New("no refresh token: the login did not ask for offline_access " +
	"(set offline_access: true), or HIMSA has not enabled refresh tokens for this app")

// ClaimChange is one ID token claim that a refresh changed.
type ClaimChange struct {
	Name     string
	Old, New string // "" when absent
}

// Refreshed is the outcome of a refresh.
type Refreshed struct {
	Result     *Result       // the session after the refresh
	Changes    []ClaimChange // ID token claims that changed (none when no new ID token came)
	NewIDToken bool          // the response carried a new ID token
	Rotated    bool          // a new refresh token replaced the old one
	// OldKeyID and NewKeyID are the kids that signed the old and the new
	// ID token, when they differ (the IdP rotated its signing key).
	OldKeyID, NewKeyID string
}

// CanRefresh says whether Refresh can work, and if not, why.
func (r *Result) CanRefresh() error {
	if r.Token == nil || r.Token.RefreshToken == "" {
		return ErrNoRefreshToken
	}
	if r.sess == nil {
		return errors.New("this session cannot be refreshed (it was not made by a login)")
	}
	return nil
}

// Refresh trades the refresh token for new tokens at the login's token
// endpoint and verifies a new ID token if one comes (no nonce is expected).
func (r *Result) Refresh(ctx context.Context) (*Refreshed, error) {
	if err := r.CanRefresh(); err != nil {
		return nil, err
	}
	s := r.sess
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.client)
	tok, err := s.oc.TokenSource(endpointContext(ctx, "token", cmp.Or(r.ExchangedAt.Issuer, r.Region.Issuer), s.oc.Endpoint.TokenURL), &oauth2.Token{RefreshToken: r.Token.RefreshToken}).Token()
	if err != nil {
		return nil, tokenError(OpRefresh, cmp.Or(r.ExchangedAt, r.Region), *s.oc, err)
	}
	next := *r
	next.Token = tok
	out := &Refreshed{Result: &next, Rotated: tok.RefreshToken != "" && tok.RefreshToken != r.Token.RefreshToken}
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		rep := s.verifier.Verify(ctx, raw, Expect{ClientID: s.oc.ClientID, AccessToken: tok.AccessToken})
		fresh := newResult(tok, rep, r.Scopes)
		next.Issuer, next.RawIDToken, next.Header, next.Claims, next.Report = fresh.Issuer, fresh.RawIDToken, fresh.Header, fresh.Claims, fresh.Report
		next.Scopes, next.ScopesFrom = fresh.Scopes, fresh.ScopesFrom
		out.NewIDToken = true
		out.Changes = DiffClaims(r.Claims, next.Claims)
		if oldKid, newKid := headerString(r.Header, "kid"), headerString(next.Header, "kid"); oldKid != newKid {
			out.OldKeyID, out.NewKeyID = oldKid, newKid
		}
	}
	return out, nil
}

// DiffClaims lists the claims whose values differ, in name order.
func DiffClaims(old, new map[string]any) []ClaimChange {
	names := slices.Sorted(maps.Keys(old))
	for k := range new {
		if _, ok := old[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var out []ClaimChange
	for _, n := range names {
		o, nw := ClaimString(old, n), ClaimString(new, n)
		if o != nw {
			out = append(out, ClaimChange{Name: n, Old: o, New: nw})
		}
	}
	return out
}

// UserInfo is the IdP's userinfo answer for the session's access token.
type UserInfo struct {
	Endpoint string
	Claims   map[string]any
}

// UserInfo fetches the userinfo endpoint of the issuer that issued the
// tokens (after a global exchange that may be a regional IdP).
func (r *Result) UserInfo(ctx context.Context) (*UserInfo, error) {
	if r.sess == nil || r.Token == nil {
		return nil, errors.New("no session to ask userinfo for")
	}
	issuer := r.Issuer
	if issuer == "" {
		issuer = r.Region.Issuer
	}
	p, err := r.sess.verifier.provider(ctx, issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery of %s: %s", issuer, cleanNetErr(err))
	}
	if p.UserInfoEndpoint() == "" {
		return nil, fmt.Errorf("the discovery document of %s names no userinfo_endpoint", issuer)
	}
	ui, err := p.UserInfo(endpointContext(oidc.ClientContext(ctx, r.sess.client), "userinfo", issuer, p.UserInfoEndpoint()), oauth2.StaticTokenSource(r.Token))
	if err != nil {
		return nil, fmt.Errorf("userinfo at %s: %s", p.UserInfoEndpoint(), cleanNetErr(err))
	}
	claims := map[string]any{}
	if err := ui.Claims(&claims); err != nil {
		return nil, fmt.Errorf("userinfo at %s is not a JSON object: %v", p.UserInfoEndpoint(), err)
	}
	return &UserInfo{Endpoint: p.UserInfoEndpoint(), Claims: claims}, nil
}

// VerifyAccessToken verifies the access token when it is a JWT, against the
// same allow-list of issuers (HIMSA: its format may change at any time, so
// an opaque token is normal and gives a nil report).
func (r *Result) VerifyAccessToken(ctx context.Context) *Report {
	if r.sess == nil || r.Token == nil {
		return nil
	}
	if kind, _, _ := ClassifyToken(r.Token.AccessToken); kind != TokenJWT && kind != TokenMalformed {
		return nil
	}
	return r.sess.verifier.Verify(ctx, r.Token.AccessToken, Expect{})
}

func headerString(h map[string]any, name string) string { s, _ := h[name].(string); return s }
