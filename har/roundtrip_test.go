package har

import (
	"bytes"
	"context"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ssodesk/transport"
)

// ssodeskTrace records, with ssodesk's own client, a redirect, a form
// POST answered with JSON, a failed request and an HTTPS request.
func ssodeskTrace(t *testing.T) *transport.Trace {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/connect/authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/account/login?ReturnUrl=x", http.StatusFound)
	})
	mux.HandleFunc("/connect/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Repeat", "one")
		w.Header().Add("X-Repeat", "two")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(tlsSrv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	tr := transport.NewTrace()
	c, err := transport.NewClient(transport.Options{Trace: tr, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(method, url, body string) {
		req, _ := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if resp, err := c.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	get(http.MethodGet, srv.URL+"/connect/authorize?client_id=ssodesk&scope=openid", "")
	get(http.MethodPost, srv.URL+"/connect/token", "grant_type=authorization_code&code=abcdefgh")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	get(http.MethodGet, "http://"+closed+"/x", "")
	get(http.MethodGet, tlsSrv.URL+"/connect/userinfo", "")
	return tr
}

// TestSsodeskRoundTrip: ssodesk's own HAR reads back into the exchanges
// it was written from.
func TestSsodeskRoundTrip(t *testing.T) {
	tr := ssodeskTrace(t)
	var buf bytes.Buffer
	if err := tr.WriteHAR(&buf, "ssodesk", "dev"); err != nil {
		t.Fatal(err)
	}
	lg, err := Read(&buf, "trace.har", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if lg.Source.Creator != "ssodesk dev" || lg.Source.Version != "1.2" || len(lg.Problems) != 0 {
		t.Errorf("source %+v, problems %q", lg.Source, lg.Problems)
	}
	want := tr.Entries()
	if len(lg.Exchanges) != len(want) || len(want) != 4 {
		t.Fatalf("%d exchanges, %d entries", len(lg.Exchanges), len(want))
	}
	for i, e := range want {
		x := lg.Exchanges[i]
		if x.Method != e.Method || x.RawURL != e.URL || x.Status != e.Status || x.RequestBody != e.RequestBody ||
			x.ResponseBody != e.ResponseBody || x.Error != e.Error && e.Status == 0 && x.Error == "" {
			t.Errorf("exchange %d:\n got %s %s %d %q %q %q\nwant %s %s %d %q %q %q", i+1, x.Method, x.RawURL, x.Status, x.RequestBody, x.ResponseBody, x.Error,
				e.Method, e.URL, e.Status, e.RequestBody, e.ResponseBody, e.Error)
		}
		if e.Error != "" && x.Error != e.Error {
			t.Errorf("exchange %d: error %q, want %q", i+1, x.Error, e.Error)
		}
		for _, pair := range []struct{ got, want http.Header }{{x.RequestHeader, e.RequestHeader}, {x.ResponseHeader, e.ResponseHeader}} {
			for k, vs := range pair.want {
				if strings.Join(pair.got[k], "\n") != strings.Join(vs, "\n") {
					t.Errorf("exchange %d: header %s = %q, want %q", i+1, k, pair.got[k], vs)
				}
			}
			if len(pair.got) != len(pair.want) {
				t.Errorf("exchange %d: %d headers, want %d", i+1, len(pair.got), len(pair.want))
			}
		}
		if (e.TLSVersion != "") != (x.TLS != nil) || x.TLS != nil && (x.TLS.Version != e.TLSVersion || x.TLS.Cipher != e.TLSCipher ||
			x.TLS.CertSubject != e.CertSubject || !x.TLS.CertExpiry.Equal(e.CertExpiry.Truncate(1e9))) {
			t.Errorf("exchange %d: TLS %+v, want %s %s %s %v", i+1, x.TLS, e.TLSVersion, e.TLSCipher, e.CertSubject, e.CertExpiry)
		}
	}
	if got := lg.Exchanges[1].ResponseHeader.Values("X-Repeat"); len(got) != 2 {
		t.Errorf("repeated header: %q", got)
	}
	if !strings.Contains(lg.Exchanges[1].ResponseBody, "invalid_grant") || lg.Exchanges[3].TLS == nil || lg.Exchanges[2].Error == "" {
		t.Errorf("the trace did not record what the test needs: %+v", lg.Exchanges)
	}
	if lg.Exchanges[0].Location != "/account/login?ReturnUrl=x" {
		t.Errorf("Location = %q", lg.Exchanges[0].Location)
	}
}
