package transport

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"
)

func TestTLSOf(t *testing.T) {
	if _, ok := TLSOf(nil); ok {
		t.Error("plain http has TLS facts")
	}
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	cs := &tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256,
		PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: "idp.example"}, NotAfter: exp}}}
	f, ok := TLSOf(cs)
	if !ok || f.Version != "TLS 1.3" || f.Cipher != "TLS_AES_128_GCM_SHA256" || f.CertSubject != "CN=idp.example" || !f.CertExpiry.Equal(exp) {
		t.Errorf("TLSOf = %+v, %v", f, ok)
	}
	if CertExpiresSoon(exp, exp.Add(-15*24*time.Hour)) || !CertExpiresSoon(exp, exp.Add(-13*24*time.Hour)) || CertExpiresSoon(time.Time{}, exp) {
		t.Error("CertExpiresSoon")
	}
}
