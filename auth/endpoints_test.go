package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"ssodesk/check"
	"ssodesk/transport"
)

// discoveryIdP serves a discovery document whose endpoints are set by edit.
func discoveryIdP(t *testing.T, k testKey, edit func(base string, d map[string]any)) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			d := map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys",
				"authorization_endpoint": srv.URL + "/authorize", "token_endpoint": srv.URL + "/token"}
			edit(srv.URL, d)
			json.NewEncoder(w).Encode(d)
		case "/keys":
			json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: k.priv.Public(), KeyID: k.kid, Algorithm: "RS256", Use: "sig"}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Secrets go only over https (http only on loopback): discovery naming a
// plain-http endpoint on another host is refused before anything is sent.
func TestDiscoveryWithHTTPEndpointsIsRefused(t *testing.T) {
	k := newTestKey(t, "k1")
	for _, name := range []string{"token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint"} {
		srv := discoveryIdP(t, k, func(_ string, d map[string]any) { d[name] = "http://evil.example/x" })
		v := NewVerifier(srv.Client(), map[string]string{srv.URL: "eu"}, time.Minute)
		_, err := v.discover(context.Background(), srv.URL)
		if err == nil || !strings.Contains(err.Error(), name+" http://evil.example/x, which ssodesk will not use") ||
			!strings.Contains(err.Error(), "must use https") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// An endpoint on another host than the issuer's is allowed, and said: in the
// verification report and on the request in the trace.
func TestEndpointOnAnotherHostIsAWarning(t *testing.T) {
	k := newTestKey(t, "k1")
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	srv := discoveryIdP(t, k, func(_ string, d map[string]any) { d["userinfo_endpoint"] = other.URL + "/userinfo" })
	v := NewVerifier(srv.Client(), map[string]string{srv.URL: "eu"}, time.Minute)
	r := v.Verify(context.Background(), sign(t, k, goodClaims(srv.URL, time.Now())), Expect{ClientID: testClient, Nonce: "n-123"})
	checkStatus(t, r, "endpoints", check.Warn, "userinfo_endpoint "+other.URL+"/userinfo")
	if !r.OK() {
		t.Errorf("a warning failed the report: %s", r.Failures())
	}

	tr := transport.NewTrace()
	c, _ := transport.NewClient(transport.Options{Trace: tr})
	req, _ := http.NewRequestWithContext(endpointContext(context.Background(), "userinfo", srv.URL, other.URL+"/userinfo"), http.MethodGet, other.URL+"/userinfo", nil)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
	}
	es := tr.Entries()
	if len(es) != 1 || !strings.Contains(es[0].Warning, "not on the issuer's host") {
		t.Fatalf("trace entries %+v lack the warning", es)
	}
}
