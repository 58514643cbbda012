package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secure") })
}

func startTLS(t *testing.T, cfg *tls.Config) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(okHandler())
	s.TLS = cfg
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func TestHTTPSTrustedByCAFile(t *testing.T) {
	for _, tc := range []struct {
		name, version string
		cfg           *tls.Config
	}{
		{"TLS 1.3", "TLS 1.3", nil},
		{"TLS 1.2", "TLS 1.2", &tls.Config{MaxVersion: tls.VersionTLS12}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startTLS(t, tc.cfg)
			c, tr := newTraced(t, Options{CAFile: writeCAFile(t, srv)})
			resp, body := do(t, c, nil, http.MethodGet, srv.URL+"/userinfo", nil, nil)
			if string(body) != "secure" {
				t.Fatalf("body %q", body)
			}
			e := onlyEntry(t, tr)
			if e.TLSVersion != tc.version || e.TLSVersion != tls.VersionName(resp.TLS.Version) {
				t.Errorf("TLSVersion = %q, want %q", e.TLSVersion, tc.version)
			}
			if e.TLSCipher == "" || e.TLSCipher != tls.CipherSuiteName(resp.TLS.CipherSuite) || !strings.HasPrefix(e.TLSCipher, "TLS_") {
				t.Errorf("TLSCipher = %q, want %q", e.TLSCipher, tls.CipherSuiteName(resp.TLS.CipherSuite))
			}
			cert := srv.Certificate()
			if !e.CertExpiry.Equal(cert.NotAfter) || e.CertSubject != cert.Subject.String() || e.CertSubject == "" {
				t.Errorf("CertSubject, CertExpiry = %q, %v; want %q, %v", e.CertSubject, e.CertExpiry, cert.Subject, cert.NotAfter)
			}
		})
	}
}

func TestHTTPSUntrustedWithoutCAFile(t *testing.T) {
	srv := startTLS(t, nil)
	c, tr := newTraced(t, Options{})
	_, err := c.Get(srv.URL + "/")
	if err == nil {
		t.Fatal("the test server's self-signed certificate was trusted")
	}
	var ce *CertError
	var ua x509.UnknownAuthorityError
	if !errors.As(err, &ce) || !errors.As(err, &ua) {
		t.Fatalf("error %T is not a *CertError wrapping x509.UnknownAuthorityError: %v", err, err)
	}
	addr := strings.TrimPrefix(srv.URL, "https://")
	mustContain(t, "error", err.Error(), "TLS certificate of "+addr+" is not trusted", "x509: certificate signed by unknown authority")
	e := onlyEntry(t, tr)
	mustContain(t, "Entry.Error", e.Error, "x509: certificate signed by unknown authority", addr)
	if e.Status != 0 {
		t.Errorf("Status = %d", e.Status)
	}
}

func TestBadCAFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badCert := "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.pem"), "no such file"},
		{"empty", write("empty.pem", " \n"), "is empty"},
		{"not PEM", write("junk.pem", "hello, I am not a certificate\n"), "holds no PEM certificate"},
		{"bad certificate", write("bad.pem", badCert), "is not a valid certificate"},
		{"a directory", dir, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(Options{CAFile: tc.path})
			if err == nil || c != nil {
				t.Fatalf("NewClient accepted %s", tc.path)
			}
			mustContain(t, "error", err.Error(), tc.path, tc.want)
		})
	}
}

// A server that only speaks TLS 1.0/1.1 is refused with HIMSA's rule named.
func TestTLS11ServerRefused(t *testing.T) {
	srv := startTLS(t, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	addr := strings.TrimPrefix(srv.URL, "https://")
	for _, traced := range []bool{true, false} {
		t.Run(fmt.Sprint("traced=", traced), func(t *testing.T) {
			o := Options{CAFile: writeCAFile(t, srv)}
			if traced {
				o.Trace = NewTrace()
			}
			c, err := NewClient(o)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Get(srv.URL + "/token")
			if err == nil {
				t.Fatal("a TLS 1.1 server was accepted")
			}
			var tv *TLSVersionError
			if !errors.As(err, &tv) {
				t.Fatalf("error %T is not a *TLSVersionError: %v", err, err)
			}
			if tv.Addr != addr || tv.Unwrap() == nil {
				t.Errorf("Addr = %q, Unwrap = %v", tv.Addr, tv.Unwrap())
			}
			want := "TLS handshake with " + addr + " failed: the server does not offer TLS 1.2 or higher, which HIMSA requires on every call ("
			mustContain(t, "error", err.Error(), want, "protocol version")
			t.Logf("error: %v", err)
			if traced {
				e := onlyEntry(t, o.Trace)
				mustContain(t, "Entry.Error", e.Error, want)
			}
		})
	}
}

// Both ways crypto/tls reports a version failure, and the QUIC-style
// AlertError, are recognised; other TLS errors are not.
func TestClassifyTLSVersionErrors(t *testing.T) {
	remote := func() error {
		// A real remote protocol_version alert, as crypto/tls reports it.
		srv := startTLS(t, &tls.Config{MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10})
		conn, err := tls.Dial("tcp", strings.TrimPrefix(srv.URL, "https://"), &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true})
		if err == nil {
			conn.Close()
			t.Fatal("handshake succeeded")
		}
		return err
	}()
	if !isRemoteVersionAlert(remote) {
		t.Errorf("the remote alert is not recognised as such (only by its text?): %#v", remote)
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"remote protocol_version alert", remote, true},
		{"server selected an old version", fmt.Errorf("wrapped: %w", errors.New("tls: server selected unsupported protocol version 302")), true},
		{"AlertError 70", fmt.Errorf("x: %w", tls.AlertError(70)), true},
		{"AlertError handshake_failure", tls.AlertError(40), false},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connect: connection refused")}, false},
		{"EOF", io.EOF, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := classify(tc.err, "idp.example:443")
			var tv *TLSVersionError
			if errors.As(got, &tv) != tc.want {
				t.Errorf("classify(%v) = %v; TLS version error: %v, want %v", tc.err, got, !tc.want, tc.want)
			}
			if tc.want && !errors.Is(got, tc.err) {
				t.Error("the original error is not unwrapped")
			}
		})
	}
}
