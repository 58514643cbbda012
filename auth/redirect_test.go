package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"ssodesk/auth"
	"ssodesk/transport"
)

// A token endpoint answering 307 to another host: the client does not
// follow, so the other host receives neither the code, nor the PKCE
// verifier, nor a client secret; the error says where it pointed.
func TestTokenEndpointRedirectIsNotFollowed(t *testing.T) {
	var stolen atomic.Int32
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer attacker.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, attacker.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()

	client, err := transport.NewClient(transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inner := client.Transport
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			r = r.Clone(r.Context())
			r.URL.Host = strings.TrimPrefix(redirector.URL, "http://")
		}
		return inner.RoundTrip(r)
	})
	open, _ := browser(account(t, "eu").Email, false)
	o := options(region(t, "global"), open, &recorder{})
	o.HTTPClient = client
	o.ClientSecret = "s3cret-never-to-leave"
	_, err = auth.Login(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "redirect (HTTP 307 Temporary Redirect) to "+attacker.URL+"/steal: not followed") {
		t.Fatalf("err = %v", err)
	}
	if n := stolen.Load(); n != 0 {
		t.Fatalf("the redirect target received %d requests", n)
	}
}
