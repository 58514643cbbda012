package compare_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"ssodesk/compare"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// testCA is a CA called name and a 127.0.0.1 certificate it signed,
// valid for life.
func testCA(t *testing.T, name string, life time.Duration, pool *x509.CertPool) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(life), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	pool.AddCert(caCert)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(life), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}

// Over TLS: the certificates' issuers are compared (another CA is a
// difference), their expiry is shown and expected to differ, the version
// is the same.
func TestEnvironmentsTLS(t *testing.T) {
	pool := x509.NewCertPool()
	prodTLS, qaTLS := testCA(t, "Prod CA", 48*time.Hour, pool), testCA(t, "QA CA", 24*time.Hour, pool)
	prod := envOf(simtest.Start(t, sim.Options{Regions: []string{"global", "eu"}, Hooks: &sim.Hooks{TLS: prodTLS}}), sim.DefaultClientID)
	qa := envOf(simtest.Start(t, sim.Options{Environment: sim.EnvQA, Hooks: &sim.Hooks{TLS: qaTLS}}), sim.DefaultClientID)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	d := compare.Environments(t.Context(), c, prod, qa, compare.Options{Endpoints: []string{"eu"}})
	if got := differences(d); !slices.Equal(got, []string{"eu/tls/certificate issuer"}) {
		t.Fatalf("differences %q", got)
	}
	if it := find(t, d, "eu", compare.SectionTLS, "certificate issuer"); it.A.Text != "CN=Prod CA" || it.B.Text != "CN=QA CA" {
		t.Errorf("issuer %+v %+v", it.A, it.B)
	}
	if it := find(t, d, "eu", compare.SectionTLS, "version"); it.Mark != compare.Same || it.A.Text != "TLS 1.3" {
		t.Errorf("version %+v %+v", it, it.A)
	}
	if it := find(t, d, "eu", compare.SectionTLS, "certificate expiry"); it.Mark != compare.Changed || !it.Expected || it.A.Time == nil {
		t.Errorf("expiry %+v", it)
	}
}
