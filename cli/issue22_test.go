package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ssodesk/sim"
)

// writeConfig writes body as a config file in dir.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Issue 22 (11): without region:, and with endpoints of other names than
// "global", every command used to exit 2 ("unknown region global"),
// `ssodesk config` included; `ssodesk config` now shows even a config
// that names a region it lacks, then says so (exit 2).
func TestConfigWithoutRegionKey(t *testing.T) {
	dir := isolate(t)
	p := writeConfig(t, dir, "client_id: app\nbuiltin_regions: false\nenvironment: lab\nenvironments:\n  lab:\n    regions:\n"+
		"      lab-eu: https://login-eu.lab.example\n      lab-us: https://login-us.lab.example\n")
	e := &cliEnv{t: t, file: p, env: append(os.Environ(), "SSODESK_AS_CLI=1", "XDG_CONFIG_HOME="+dir)}
	out, errOut, code := e.ssodesk("", "config")
	if code != exitOK || !strings.Contains(out, "region:         lab-eu\n") {
		t.Fatalf("config: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = e.ssodesk("", "config", "--region", "eu")
	if code != exitUsage || !strings.Contains(out, "environment:    lab\n") || !strings.Contains(out, "lab-us:") ||
		!strings.Contains(errOut, `unknown region "eu" in environment lab; known: lab-eu, lab-us`) {
		t.Fatalf("config --region eu: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if _, errOut, code = e.ssodesk("", "check", "--region", "eu"); code != exitUsage || !strings.Contains(errOut, `unknown region "eu"`) {
		t.Fatalf("check --region eu: exit %d\n%s", code, errOut)
	}
}

// Issue 22 (4): with only a top-level client_secret_file, invalid_client
// named environments.<env>.regions.<r>.client_secret_file, a key not in the
// file; it names the key and the file the secret came from. And
// SSODESK_CLIENT_SECRET beside a client_secret_file in the file is the
// environment's (the environment beats the file), not an exit 2.
func TestInvalidClientNamesTheSecretsSource(t *testing.T) {
	e := newCLIEnv(t, "")
	id, _ := e.sim.ConfidentialClient()
	g, _ := e.sim.Region("global")
	eu, _ := e.sim.Region("eu")
	secretFile := filepath.Join(e.dir, "secret")
	os.WriteFile(secretFile, []byte("not-the-secret\n"), 0o600)
	e.file = writeConfig(t, e.dir, "client_id: "+id+"\nclient_secret_file: "+secretFile+"\nbuiltin_regions: false\ntimeouts:\n  login: 20s\n"+
		"environment: lab\nenvironments:\n  lab:\n    global: "+g.Issuer+"\n    regions:\n      eu: "+eu.Issuer+"\n")
	_, errOut, code := e.ssodesk("", "login")
	want := "the secret sent for this endpoint comes from client_secret_file: " + secretFile + " in " + e.file
	if code != exitFailed || !strings.Contains(errOut, "invalid_client") || !strings.Contains(errOut, want) || strings.Contains(errOut, "environments.lab") {
		t.Fatalf("login with a wrong top-level secret: exit %d, want the message to hold %q:\n%s", code, want, errOut)
	}
	out, errOut, code := e.ssodesk("", "config")
	if code != exitOK || !strings.Contains(out, "secret set (client_secret_file: "+secretFile+" in "+e.file+")") || strings.Contains(out, "environments.lab.regions") {
		t.Fatalf("config: exit %d\n%s\n%s", code, out, errOut)
	}
	e.env = append(e.env, "SSODESK_CLIENT_SECRET=from-the-environment")
	out, errOut, code = e.ssodesk("", "config")
	if code != exitOK || !strings.Contains(out, "secret set (env SSODESK_CLIENT_SECRET)") {
		t.Fatalf("config with SSODESK_CLIENT_SECRET beside the file's client_secret_file: exit %d\n%s\n%s", code, out, errOut)
	}
}

// Issue 22 (7, 14): check without a client ID said "the IdP does not know
// the client , or it is disabled"; it says that none is configured and
// where to set it. No client ID is a config error: exit 2, as the README
// says of config errors, for check and login alike.
func TestNoClientIDIsAConfigError(t *testing.T) {
	e := newCLIEnv(t, "")
	body, _ := os.ReadFile(e.file)
	e.file = writeConfig(t, e.dir, strings.Replace(string(body), "client_id: "+e.sim.ClientID()+"\n", "", 1))
	out, errOut, code := e.ssodesk("", "check", "--region", "global")
	if code != exitUsage || !strings.Contains(out, "✗ authorize     no client ID is configured") || !strings.Contains(out, "environments.production.client_id") ||
		strings.Contains(out, "does not know the client") || !strings.Contains(errOut, "no client ID configured") {
		t.Fatalf("check without a client ID: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if _, errOut, code = e.ssodesk("", "login"); code != exitUsage || !strings.Contains(errOut, "no client ID configured: set client_id") {
		t.Fatalf("login without a client ID: exit %d\n%s", code, errOut)
	}
}

// privateCA is a CA of its own and a certificate it signed for 127.0.0.1:
// the CA's PEM file, and a TLS config that serves the certificate.
func privateCA(t *testing.T) (caFile string, cfg *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ACME proxy CA"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600)
	return caFile, &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}

// Issue 22 (8): an IdP whose certificate a private CA signed: the login's
// error said "add its CA certificate to the trusted CA file" without naming
// the key; it names ca_file (and SSL_CERT_FILE), and ca_file then works.
func TestPrivateCANamesCAFile(t *testing.T) {
	caFile, tlsCfg := privateCA(t)
	e := newCLIEnvWith(t, "", sim.Options{Hooks: &sim.Hooks{TLS: tlsCfg}})
	_, errOut, code := e.ssodesk("", "login", "--region", "eu")
	last := errOut[strings.LastIndex(strings.TrimSpace(errOut), "\n")+1:]
	if code != exitFailed || !strings.Contains(last, "is not trusted") || !strings.Contains(last, "ca_file") || !strings.Contains(last, "SSL_CERT_FILE") {
		t.Fatalf("login at an IdP of a private CA: exit %d, last line:\n%s\nstderr:\n%s", code, last, errOut)
	}
	if out, _, code := e.ssodesk("", "check", "--region", "eu"); code != exitFailed || !strings.Contains(out, "✗ tls") || !strings.Contains(out, "set ca_file") {
		t.Fatalf("check at an IdP of a private CA: exit %d\n%s", code, out)
	}
	body, _ := os.ReadFile(e.file)
	e.file = writeConfig(t, e.dir, string(body)+"ca_file: "+caFile+"\n")
	if out, errOut, code := e.ssodesk("", "check", "--region", "eu"); code != exitOK || !strings.Contains(out, "✓ discovery") {
		t.Fatalf("check with ca_file: exit %d\n%s\n%s", code, out, errOut)
	}
}
