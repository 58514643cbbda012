package transport

import (
	"crypto/tls"
	"time"
)

// TLSFacts are what a connection's handshake says, read in one place for
// the trace, the health probe and `ssodesk check`.
type TLSFacts struct {
	Version     string    // "TLS 1.3"
	Cipher      string    // "TLS_AES_128_GCM_SHA256"
	CertSubject string    // the leaf certificate's subject ("" when none was sent)
	CertIssuer  string    // who issued it (its issuer's distinguished name)
	CertExpiry  time.Time // its NotAfter (zero when none was sent)
}

// TLSOf reads cs; false for plain http (cs nil).
func TLSOf(cs *tls.ConnectionState) (TLSFacts, bool) {
	if cs == nil {
		return TLSFacts{}, false
	}
	f := TLSFacts{Version: tls.VersionName(cs.Version), Cipher: tls.CipherSuiteName(cs.CipherSuite)}
	if len(cs.PeerCertificates) > 0 {
		leaf := cs.PeerCertificates[0]
		f.CertSubject, f.CertIssuer, f.CertExpiry = leaf.Subject.String(), leaf.Issuer.String(), leaf.NotAfter
	}
	return f, true
}

// CertWarnWithin: a certificate expiring sooner than this is worth a
// warning ("!"), in `check`, the health probe and the report alike.
const CertWarnWithin = 14 * 24 * time.Hour

// CertExpiresSoon reports whether a certificate that expires at expiry
// does so within CertWarnWithin of now (false when expiry is not known).
func CertExpiresSoon(expiry, now time.Time) bool {
	return !expiry.IsZero() && expiry.Sub(now) < CertWarnWithin
}
