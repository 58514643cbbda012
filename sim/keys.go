package sim

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// signingKey is the key of one region. It implements both op.SigningKey
// (private half, for signing) and, through publicKey, op.Key (for the JWKS).
type signingKey struct {
	id      string
	region  string
	alg     jose.SignatureAlgorithm
	private crypto.Signer // *rsa.PrivateKey or *ecdsa.PrivateKey
}

// newSigningKey creates a fresh 2048-bit RS256 key for region.
func newSigningKey(region string) (*signingKey, error) { return newKey(region, Differences{}) }

// newKey creates a fresh key for region of d's algorithm and size (RS256
// and 2048 bits by default).
func newKey(region string, d Differences) (*signingKey, error) {
	alg := keyAlgorithm(d)
	var k crypto.Signer
	var err error
	switch alg {
	case jose.ES256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.ES384:
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		k, err = rsa.GenerateKey(rand.Reader, cmp.Or(d.KeySize, 2048))
	}
	if err != nil {
		return nil, fmt.Errorf("sim: generating %s signing key: %w", region, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("sim: key id: %w", err)
	}
	return &signingKey{id: "sim-" + region + "-" + hex.EncodeToString(b[:]), region: region, alg: alg, private: k}, nil
}

// keyAlgorithm is the algorithm d's keys sign with (RS256 by default).
func keyAlgorithm(d Differences) jose.SignatureAlgorithm {
	return jose.SignatureAlgorithm(cmp.Or(d.KeyAlgorithm, string(jose.RS256)))
}

// signatureAlgorithms are the algorithms the stand-in may sign with.
var signatureAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.ES384}

// SignatureAlgorithm implements op.SigningKey.
func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return k.alg }

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
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return p.k.alg }

// Use implements op.Key.
func (p publicKey) Use() string { return "sig" }

// Key implements op.Key: the public key.
func (p publicKey) Key() any { return p.k.private.Public() }

// regionKeys are the keys of one region: current signs new tokens; previous
// (nil until the first rotation) is still published in the JWKS so tokens
// signed before the rotation keep verifying.
type regionKeys struct {
	current, previous *signingKey
}

// published lists the keys the region's JWKS publishes, current first.
func (rk *regionKeys) published() []*signingKey {
	if rk.previous == nil {
		return []*signingKey{rk.current}
	}
	return []*signingKey{rk.current, rk.previous}
}

// signingKey returns the key region signs with now.
func (c *core) signingKey(region string) (*signingKey, bool) {
	<-c.keysReady
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	rk, ok := c.keys[region]
	if !ok {
		return nil, false
	}
	return rk.current, true
}

// publishedKeys returns the keys region's JWKS publishes now, current first
// (nil for an unknown region).
func (c *core) publishedKeys(region string) []*signingKey {
	<-c.keysReady
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	rk, ok := c.keys[region]
	if !ok {
		return nil
	}
	return rk.published()
}

// keyIDs lists the kids region's JWKS publishes now, current first (nil for
// an unknown region).
func (c *core) keyIDs(region string) []string {
	var ids []string
	for _, k := range c.publishedKeys(region) {
		ids = append(ids, k.id)
	}
	return ids
}

// publishedKey returns the published key (of any region) with ID kid.
func (c *core) publishedKey(kid string) (*signingKey, bool) {
	<-c.keysReady
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	for _, rk := range c.keys {
		for _, k := range rk.published() {
			if k.id == kid {
				return k, true
			}
		}
	}
	return nil, false
}

// rotateKey gives region a new signing key; the current one becomes the
// previous one and the one before that is dropped.
func (c *core) rotateKey(region string) (string, error) {
	if _, ok := c.regions[region]; !ok {
		return "", fmt.Errorf("sim: unknown region %q", region)
	}
	<-c.keysReady
	if c.keysErr != nil {
		return "", c.keysErr
	}
	k, err := newKey(region, c.opts.Differ) // slow: outside the lock
	if err != nil {
		return "", err
	}
	c.keyMu.Lock()
	defer c.keyMu.Unlock()
	rk := c.keys[region]
	c.keys[region] = &regionKeys{current: k, previous: rk.current}
	return k.id, nil
}
