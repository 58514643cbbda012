package auth_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
)

// TestIdPFaults: each way an IdP can fail gives a clear message, no panic.
func TestIdPFaults(t *testing.T) {
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html>maintenance</html>")
	}))
	defer notJSON.Close()
	otherIssuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"issuer":"https://idp.himsa-sso.com","authorization_endpoint":"x","token_endpoint":"y","jwks_uri":"z"}`)
	}))
	defer otherIssuer.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()

	// DNS failure without asking any resolver: a dialer that fails the lookup.
	dnsFail := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}}}

	cases := []struct {
		name   string
		issuer string
		client *http.Client
		want   []string
	}{
		{"non-JSON discovery", notJSON.URL, nil, []string{"cannot read the discovery document of " + notJSON.URL}},
		{"discovery names another issuer", otherIssuer.URL, nil, []string{"did not match the issuer", "https://idp.himsa-sso.com"}},
		{"slow past the timeout", slow.URL, auth.NewHTTPClient(300 * time.Millisecond), []string{"no answer in time (raise timeouts.http"}},
		{"DNS failure", "https://idp-nowhere.invalid", dnsFail, []string{"https://idp-nowhere.invalid", "no such host (DNS lookup failed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := options(config.Region{Name: "x", Issuer: tc.issuer}, nil, &recorder{})
			if tc.client != nil {
				o.HTTPClient = tc.client
			}
			start := time.Now()
			_, err := auth.Login(context.Background(), o)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
}

// TestTokenEndpoint500: the stand-in's token endpoint fails; the login says
// which exchange failed and how.
func TestTokenEndpoint500(t *testing.T) {
	g, _ := stand.Region("global")
	target, _ := url.Parse(g.Issuer)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			http.Error(w, `{"error":"server_error","error_description":"database down"}`, http.StatusInternalServerError)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	// The discovery document names the stand-in's own token URL; point the
	// client's requests for it at the failing proxy instead.
	client := &http.Client{}
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			r = r.Clone(r.Context())
			r.URL.Host = strings.TrimPrefix(proxy.URL, "http://")
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	open, _ := browser(account(t, "eu").Email, false)
	o := options(region(t, "global"), open, &recorder{})
	o.HTTPClient = client
	_, err := auth.Login(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "answered HTTP 500 Internal Server Error") || !strings.Contains(err.Error(), "database down") {
		t.Fatalf("err = %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
