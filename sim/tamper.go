package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// Tampering (Hooks.TamperRefresh) rewrites the ID token of a refresh-grant
// token response on its way out, after zitadel built it. It cannot happen in
// the op.Storage that zitadel builds tokens from: zitadel takes iss from the
// request context and asks SigningKey for the key of the access token and of
// the ID token alike, so changing either there would spoil the access token
// too. Re-signing the finished ID token changes that token only; its at_hash
// still matches the access token.

// tamperTokenResponse returns body (a token response) with its id_token
// tampered with as mode says, or false if it has none or it cannot be done.
func tamperTokenResponse(c *core, mode string, badKey *signingKey, body []byte) ([]byte, bool) {
	var resp map[string]json.RawMessage
	if json.Unmarshal(body, &resp) != nil {
		return nil, false
	}
	var idToken string
	if json.Unmarshal(resp["id_token"], &idToken) != nil || idToken == "" {
		return nil, false
	}
	bad, err := tamperIDToken(c, mode, badKey, idToken)
	if err != nil {
		return nil, false
	}
	if resp["id_token"], err = json.Marshal(bad); err != nil {
		return nil, false
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, false
	}
	return out, true
}

// tamperIDToken returns raw (an ID token the sim issued) changed as mode
// says: TamperOtherSub (another account's sub, signed as before),
// TamperBadSignature (same claims and kid, signed with badKey) or
// TamperOtherIss (another region's iss, signed with its current key).
func tamperIDToken(c *core, mode string, badKey *signingKey, raw string) (string, error) {
	jws, err := jose.ParseSigned(raw, signatureAlgorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return "", errors.New("not a JWT")
	}
	kid := jws.Signatures[0].Header.KeyID
	key, ok := c.publishedKey(kid)
	if !ok {
		return "", fmt.Errorf("unknown kid %q", kid)
	}
	dec := json.NewDecoder(bytes.NewReader(jws.UnsafePayloadWithoutVerification()))
	dec.UseNumber() // exp, iat, auth_time stay as they were
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		return "", err
	}
	signWith := key
	switch mode {
	case TamperOtherSub:
		sub, _ := claims["sub"].(string)
		other := ""
		for _, a := range c.accounts {
			if a.ID != sub {
				other = a.ID
				break
			}
		}
		if other == "" {
			return "", errors.New("no other account")
		}
		claims["sub"] = other
	case TamperOtherNonce:
		claims["nonce"] = "nonce-of-another-login"
	case TamperBadSignature:
		if badKey == nil {
			return "", errors.New("no tamper key")
		}
		signWith = &signingKey{id: kid, region: key.region, alg: badKey.alg, private: badKey.private}
	case TamperOtherIss:
		other := ""
		for _, name := range c.opts.Regions {
			if name != key.region {
				other = name
				break
			}
		}
		if other == "" {
			return "", errors.New("no other region")
		}
		if signWith, ok = c.signingKey(other); !ok {
			return "", fmt.Errorf("no key for region %s", other)
		}
		claims["iss"] = c.regions[other].Issuer
	default:
		return "", fmt.Errorf("unknown tamper mode %q", mode)
	}
	return signJWT(signWith, claims)
}

// signJWT signs claims as zitadel does (the key's algorithm, typ JWT, its kid).
func signJWT(k *signingKey, claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: k.alg,
		Key:       &jose.JSONWebKey{Key: k.private, KeyID: k.id},
	}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
