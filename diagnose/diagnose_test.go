package diagnose

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
	"ssodesk/transport"
)

func standIn(t *testing.T) (*sim.Sim, auth.Options) {
	t.Helper()
	s := simtest.Start(t, sim.Options{Regions: []string{sim.GlobalRegion}})
	r, _ := s.Region(sim.GlobalRegion)
	return s, auth.Options{Region: config.Region{Name: r.Name, Issuer: r.Issuer}, ClientID: s.ClientID(),
		RedirectURI: config.DefaultRedirectURI, Scopes: config.DefaultScopes(), HTTPClient: auth.NewHTTPClient(20 * time.Second)}
}

func row(t *testing.T, rep Report, name string) check.Row {
	t.Helper()
	for _, r := range rep.Rows {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s row in %+v", name, rep.Rows)
	return check.Row{}
}

func TestHealthyStandInAllOK(t *testing.T) {
	_, o := standIn(t)
	rep := Endpoint(context.Background(), o, Options{})
	want := []string{RowDiscovery, RowTLS, RowIssuer, RowJWKS, RowAuthorize, RowTokenAuth, RowEndpoints, RowClock, RowPort}
	if len(rep.Rows) != len(want) {
		t.Fatalf("rows %+v", rep.Rows)
	}
	for i, r := range rep.Rows {
		t.Logf("%s %-13s %s", r.Status.Mark(), r.Name, r.Detail)
		if r.Name != want[i] || r.Status != check.Pass || r.Detail == "" {
			t.Errorf("row %d = %+v, want %s ✓", i, r, want[i])
		}
	}
	if !rep.OK() || rep.Preflight == nil || rep.Preflight.Outcome != auth.PreflightAccepted {
		t.Errorf("report %+v", rep)
	}
}

func TestUnregisteredRedirectURIFails(t *testing.T) {
	s, o := standIn(t)
	o.RedirectURI = "http://127.0.0.1:0/elsewhere"
	rep := Endpoint(context.Background(), o, Options{})
	a := row(t, rep, RowAuthorize)
	if a.Status != check.Fail || !strings.Contains(a.Detail, "does not accept the redirect URI http://127.0.0.1:") ||
		!strings.Contains(a.Detail, "/elsewhere for client "+s.ClientID()) || !strings.Contains(a.Detail, "Request Id") {
		t.Errorf("authorize row %+v", a)
	}
	if f := rep.Failed(); len(f) != 2 || f[0] != RowAuthorize || f[1] != RowRefuses {
		t.Errorf("failed rows %v, want authorize and refuses", f)
	}
	if rep.Culprit == nil || rep.Culprit.Param != CulpritClientOrRedirect || len(rep.Probes) != 2 || rep.Probes[1].Changed != ProbeMinimal {
		t.Errorf("probes %+v, culprit %+v", rep.Probes, rep.Culprit)
	}
}

// TestPublicClientWithoutNone: HIMSA's discovery lists client_secret_basic
// and client_secret_post but not none; a public client without a secret is
// then a "!", never a ✗; with a secret, ✓.
func TestPublicClientWithoutNone(t *testing.T) {
	c := &checker{o: auth.Options{}, doc: discovery{Token: "https://idp/connect/token", AuthMethods: []string{"client_secret_basic", "client_secret_post"}}}
	c.tokenAuth()
	if r := c.rep.Rows[0]; r.Status != check.Warn || !strings.Contains(r.Detail, "sends only the client ID with PKCE") {
		t.Errorf("no secret: %+v", r)
	}
	c = &checker{o: auth.Options{ClientSecret: "s"}, doc: c.doc}
	c.tokenAuth()
	if r := c.rep.Rows[0]; r.Status != check.Pass {
		t.Errorf("with a secret: %+v", r)
	}
}

func TestClockSkew(t *testing.T) {
	for _, tc := range []struct {
		skew   time.Duration
		status check.Status
		want   string
	}{
		{time.Second, check.Pass, "agrees"},
		{30 * time.Second, check.Warn, "30s behind the IdP's"},
		{-3 * time.Minute, check.Fail, "3m00s ahead of the IdP's"},
	} {
		c := &checker{o: auth.Options{Leeway: time.Minute}, skew: &tc.skew}
		c.clock()
		if r := c.rep.Rows[0]; r.Status != tc.status || !strings.Contains(r.Detail, tc.want) {
			t.Errorf("skew %s: %+v", tc.skew, r)
		}
	}
}

func TestRedirectPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := &checker{o: auth.Options{RedirectURI: "http://" + ln.Addr().String() + "/callback"}}
	c.port()
	if r := c.rep.Rows[0]; r.Status != check.Fail || !strings.Contains(r.Detail, "in use") {
		t.Errorf("%+v", r)
	}
}

// tlsIdP serves a discovery document over TLS with cfg and the certificate
// cert; the returned client trusts cert (through a CA file).
func tlsIdP(t *testing.T, cfg *tls.Config, cert tls.Certificate) (config.Region, *http.Client) {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iss := "https://" + r.Host
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": iss + "/jwks", "authorization_endpoint": iss + "/authorize"})
	}))
	cfg.Certificates = []tls.Certificate{cert}
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := transport.NewClient(transport.Options{Timeout: 5 * time.Second, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	return config.Region{Name: "test", Issuer: srv.URL}, client
}

// certificate is a self-signed certificate for 127.0.0.1 valid from
// notBefore to notAfter.
func certificate(t *testing.T, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"}, NotBefore: notBefore, NotAfter: notAfter,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestExpiredCertificate(t *testing.T) {
	now := time.Now()
	r, client := tlsIdP(t, &tls.Config{}, certificate(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	rep := Endpoint(context.Background(), auth.Options{Region: r, ClientID: "x", RedirectURI: config.DefaultRedirectURI, HTTPClient: client}, Options{})
	if tr := row(t, rep, RowTLS); tr.Status != check.Fail || !strings.Contains(tr.Detail, "expired") {
		t.Errorf("tls row %+v", tr)
	}
	if d := row(t, rep, RowDiscovery); d.Status != check.Fail || !strings.Contains(d.Detail, "expired") {
		t.Errorf("discovery row %+v", d)
	}
	if rep.OK() {
		t.Error("an expired certificate passed")
	}
}

func TestTLS11Endpoint(t *testing.T) {
	now := time.Now()
	r, client := tlsIdP(t, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, certificate(t, now.Add(-time.Hour), now.Add(365*24*time.Hour)))
	rep := Endpoint(context.Background(), auth.Options{Region: r, ClientID: "x", RedirectURI: config.DefaultRedirectURI, HTTPClient: client}, Options{})
	if tr := row(t, rep, RowTLS); tr.Status != check.Fail || !strings.Contains(tr.Detail, "TLS 1.2 or higher") {
		t.Errorf("tls row %+v", tr)
	}
	if rep.OK() {
		t.Error("a TLS 1.1 endpoint passed")
	}
}

func TestCertificateExpiringSoonWarns(t *testing.T) {
	now := time.Now()
	r, client := tlsIdP(t, &tls.Config{}, certificate(t, now.Add(-time.Hour), now.Add(3*24*time.Hour)))
	rep := Endpoint(context.Background(), auth.Options{Region: r, ClientID: "x", RedirectURI: config.DefaultRedirectURI, HTTPClient: client}, Options{})
	if tr := row(t, rep, RowTLS); tr.Status != check.Warn || !strings.Contains(tr.Detail, "expires soon") {
		t.Errorf("tls row %+v", tr)
	}
}

// A fixed redirect port is this machine's: a check of several endpoints
// binds it once, before their checks, so they never find it taken by one
// another (a false ✗ in 3 of 25 runs before, issue 26: each endpoint's
// check bound it at the same moment).
func TestFixedPortIsNotTakenByTheCheckItself(t *testing.T) {
	_, o := standIn(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	o.RedirectURI = fmt.Sprintf("http://127.0.0.1:%d/callback", port)
	o.ClientID = "" // the authorize row then says so without a request: this test is about the port
	var binds atomic.Int32
	listenTCP = func(network, addr string) (net.Listener, error) {
		binds.Add(1)
		return net.Listen(network, addr)
	}
	t.Cleanup(func() { listenTCP = net.Listen })
	for _, rep := range All(context.Background(), []auth.Options{o, o, o}, Options{NoProbe: true}) {
		if r := row(t, rep, RowPort); r.Status != check.Pass {
			t.Errorf("%+v", r)
		}
	}
	if n := binds.Load(); n != 1 {
		t.Errorf("the redirect port was bound %d times for three endpoints, want once", n)
	}
}
