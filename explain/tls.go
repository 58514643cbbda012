package explain

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"ssodesk/transport"
)

// CertError says why a server's TLS certificate is not trusted and what
// fixes it: for a certificate of an unknown CA (a private one, or a company
// proxy's that re-signs TLS traffic), the config key that adds a CA.
func CertError(e *transport.CertError) string {
	reason := e.Err
	var cv *tls.CertificateVerificationError
	if errors.As(reason, &cv) && cv.Err != nil {
		reason = cv.Err
	}
	var (
		ua x509.UnknownAuthorityError
		hn x509.HostnameError
		ci x509.CertificateInvalidError
	)
	s := fmt.Sprintf("TLS certificate of %s is not trusted: %v — ", e.Addr, reason)
	switch {
	case errors.As(reason, &hn):
		return s + "it is not for this host: check the issuer URL (and anything between this machine and the IdP that answers for it)"
	case errors.As(reason, &ci) && ci.Reason == x509.Expired:
		return s + "it has expired or is not valid yet: check this computer's clock, else tell the server's owner"
	case errors.As(reason, &ua):
		return s + FixPrivateCA
	}
	return s + "if a company proxy or a private CA signs this server's certificates, set ca_file in the config to that CA's " +
		"certificate (PEM; or SSODESK_CA_FILE); SSL_CERT_FILE names a bundle used instead of the system's"
}

// FixPrivateCA: how to trust a CA that signed an IdP's certificate.
const FixPrivateCA = "a CA this machine does not trust signed it (a private CA, or a company proxy that re-signs TLS traffic): " +
	"put that CA's certificate (PEM) in a file and set ca_file to it in the config (or SSODESK_CA_FILE), " +
	"which adds it to the system's CAs; SSL_CERT_FILE names a bundle used instead of the system's. " +
	"If ca_file is set already, its file does not hold the CA that signed this certificate"
