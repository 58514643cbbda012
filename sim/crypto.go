package sim

import (
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// codeCrypto wraps the provider's op.Crypto so that authorization codes carry
// the HIMSA region prefix. zitadel builds a code as Encrypt(authRequestID)
// (op.BuildAuthRequestCode); when s is the ID of an auth request whose user
// has been chosen, Encrypt returns "<region of that account>.<ciphertext>".
// Anything else (e.g. opaque bearer tokens, which the sim does not use) is
// encrypted without a prefix. Decrypt strips a known region prefix.
type codeCrypto struct {
	inner op.Crypto
	c     *core
}

var _ op.Crypto = (*codeCrypto)(nil)

// Encrypt implements op.Crypto.
func (x *codeCrypto) Encrypt(s string) (string, error) {
	enc, err := x.inner.Encrypt(s)
	if err != nil {
		return "", err
	}
	if region := x.c.accountRegionOfAuthRequest(s); region != "" {
		return region + "." + enc, nil
	}
	return enc, nil
}

// Decrypt implements op.Crypto.
func (x *codeCrypto) Decrypt(s string) (string, error) {
	if region := x.c.codeRegion(s); region != "" {
		s = strings.TrimPrefix(s, region+".")
	}
	return x.inner.Decrypt(s)
}
