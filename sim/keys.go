package sim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// signingKey is the RSA key of one region. It implements both op.SigningKey
// (private half, for signing) and, through publicKey, op.Key (for the JWKS).
type signingKey struct {
	id      string
	region  string
	private *rsa.PrivateKey
}

// newSigningKey creates a fresh 2048-bit RS256 key for region.
func newSigningKey(region string) (*signingKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("sim: generating %s signing key: %w", region, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("sim: key id: %w", err)
	}
	return &signingKey{id: "sim-" + region + "-" + hex.EncodeToString(b[:]), region: region, private: k}, nil
}

// SignatureAlgorithm implements op.SigningKey.
func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }

// Key implements op.SigningKey: the private key.
func (k *signingKey) Key() any { return k.private }

// ID implements op.SigningKey.
func (k *signingKey) ID() string { return k.id }

// public returns the verification half for the JWKS.
func (k *signingKey) public() publicKey { return publicKey{k} }

// publicKey implements op.Key for the keys endpoint.
type publicKey struct{ k *signingKey }

// ID implements op.Key.
func (p publicKey) ID() string { return p.k.id }

// Algorithm implements op.Key.
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }

// Use implements op.Key.
func (p publicKey) Use() string { return "sig" }

// Key implements op.Key: the public key.
func (p publicKey) Key() any { return &p.k.private.PublicKey }
