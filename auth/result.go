package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"ssodesk/config"
)

// Result is a finished, verified login.
type Result struct {
	Region     config.Region  // the endpoint the user logged in at
	CodeRegion string         // region prefix of the authorization code; "" when none
	Issuer     string         // iss of the verified ID token
	Token      *oauth2.Token  // access token, refresh token (if any), expiry
	RawIDToken string         // the ID token as received
	Header     map[string]any // the ID token's JOSE header (alg, kid, typ)
	Claims     map[string]any // every claim of the verified ID token
	Expiry     time.Time      // ID token expiry
	Checks     []Check        // what was verified
	Started    time.Time
	Finished   time.Time
}

// Check is one verification step of the ID token.
type Check struct {
	Name   string // "signature", "issuer", ...
	OK     bool
	Detail string
}

// Claim returns a claim as text ("" when absent).
func (r *Result) Claim(name string) string {
	v, ok := r.Claims[name]
	if !ok || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// ChecksSummary lists the passed checks, e.g. "signature ✓ issuer ✓ ...".
func (r *Result) ChecksSummary() string {
	parts := make([]string, len(r.Checks))
	for i, c := range r.Checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
		}
		parts[i] = c.Name + " " + mark
	}
	return strings.Join(parts, ", ")
}

// verifyIDToken checks the ID token with go-oidc (signature against the
// issuer's JWKS, iss, aud, exp), then the nonce and at_hash.
func verifyIDToken(ctx context.Context, p *oidc.Provider, clientID, nonce string, tok *oauth2.Token) (*Result, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("the token response has no id_token (is openid among the scopes?)")
	}
	header, err := decodeHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("ID token is malformed: %w", err)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("ID token verification failed: %w", err)
	}
	if idt.Nonce != nonce {
		return nil, fmt.Errorf("ID token verification failed: nonce does not match the one sent (a replayed or foreign token)")
	}
	checks := []Check{
		{Name: "signature", OK: true, Detail: fmt.Sprintf("%v key %v from %s's JWKS", header["alg"], header["kid"], idt.Issuer)},
		{Name: "issuer", OK: true, Detail: idt.Issuer},
		{Name: "audience", OK: true, Detail: "contains " + clientID},
		{Name: "expiry", OK: true, Detail: "valid until " + idt.Expiry.Format(time.RFC3339)},
		{Name: "nonce", OK: true, Detail: "matches the one sent"},
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, fmt.Errorf("ID token verification failed: at_hash does not match the access token: %w", err)
		}
		checks = append(checks, Check{Name: "at_hash", OK: true, Detail: "matches the access token"})
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("ID token claims are not a JSON object: %w", err)
	}
	return &Result{Issuer: idt.Issuer, RawIDToken: raw, Header: header, Claims: claims, Expiry: idt.Expiry, Checks: checks}, nil
}
