package sim

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// signingKey is the key of one region. It implements both op.SigningKey
// (private half, for signing) and, through publicKey, op.Key (for the JWKS).
type signingKey struct {
	id      string
	region  string
	alg     jose.SignatureAlgorithm
	private crypto.Signer // *rsa.PrivateKey or *ecdsa.PrivateKey
	created time.Time     // the stand-in's clock when it was made
	// cert is the DER of a self-signed certificate of the key, valid from
	// created (Options.X509Keys; nil otherwise).
	cert []byte
}

// IdentityServer's automatic key management defaults: a key is used for
// 90 days and kept in discovery 14 days after (an X509KeyContainer's
// certificate is valid that long).
const (
	keyRotation  = 90 * 24 * time.Hour
	keyRetention = 14 * 24 * time.Hour
)

// newSigningKey creates a fresh 2048-bit RS256 key for region, made at
// created.
func newSigningKey(region string, created time.Time) (*signingKey, error) {
	return generateKey(region, Differences{}, created)
}

// generateKey creates a fresh key for region of d's algorithm and size
// (RS256 and 2048 bits by default), made at created.
func generateKey(region string, d Differences, created time.Time) (*signingKey, error) {
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
	return &signingKey{id: "sim-" + region + "-" + hex.EncodeToString(b[:]), region: region, alg: alg, private: k, created: created}, nil
}

// withCert gives k a self-signed certificate valid from its creation for
// the rotation and retention periods, as IdentityServer's
// UseX509Certificate publishes in x5c.
func (k *signingKey) withCert() error {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(k.created.UnixNano()), Subject: pkix.Name{CommonName: "IdentityServer (stand-in) " + k.id},
		NotBefore: k.created, NotAfter: k.created.Add(keyRotation + keyRetention), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.private.Public(), k.private)
	if err != nil {
		return fmt.Errorf("sim: certificate of key %s: %w", k.id, err)
	}
	k.cert = der
	return nil
}

// newKey is a new signing key of region (of the planted differences'
// algorithm and size), made now, with a certificate when the stand-in
// publishes them.
func (c *core) newKey(region string) (*signingKey, error) {
	k, err := generateKey(region, c.opts.Differ, c.now().UTC().Truncate(time.Second))
	if err == nil && c.opts.X509Keys {
		err = k.withCert()
	}
	return k, err
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
// previous one and the one before that is dropped (away: the current one
// is dropped too).
func (c *core) rotateKey(region string, away bool) (string, error) {
	if _, ok := c.regions[region]; !ok {
		return "", fmt.Errorf("sim: unknown region %q", region)
	}
	<-c.keysReady
	if c.keysErr != nil {
		return "", c.keysErr
	}
	k, err := c.newKey(region) // slow: outside the lock
	if err != nil {
		return "", err
	}
	c.keyMu.Lock()
	defer c.keyMu.Unlock()
	rk := c.keys[region]
	previous := rk.current
	if away {
		previous = nil // the old key is gone from the JWKS at once
	}
	c.keys[region] = &regionKeys{current: k, previous: previous}
	return k.id, nil
}

// jwks is region's JWKS with each key's certificate (x5c), for
// Options.X509Keys (zitadel's keys endpoint publishes no certificates).
func (c *core) jwks(region string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		var set jose.JSONWebKeySet
		for _, k := range c.publishedKeys(region) {
			jwk := jose.JSONWebKey{KeyID: k.id, Algorithm: string(k.alg), Use: "sig", Key: k.private.Public()}
			if cert, err := x509.ParseCertificate(k.cert); err == nil {
				jwk.Certificates = []*x509.Certificate{cert}
			}
			set.Keys = append(set.Keys, jwk)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	}
}
