package transport

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Discovery and JWKS follow redirects within the same scheme and host only;
// every other purpose follows none.
func TestRedirectPolicy(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("other host")) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/final":
			w.Write([]byte("final"))
		}
	}))
	defer srv.Close()
	c, err := NewClient(Options{})
	if err != nil {
		t.Fatal(err)
	}
	get := func(purpose, path string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(WithPurpose(context.Background(), purpose), http.MethodGet, srv.URL+path, nil)
		return c.Do(req)
	}
	for _, purpose := range []string{"discovery", "jwks"} {
		resp, err := get(purpose, "/same")
		if err != nil || resp.StatusCode != 200 || resp.Request.URL.Path != "/final" {
			t.Errorf("%s, same host: %v %v", purpose, resp, err)
		}
		if _, err := get(purpose, "/away"); err == nil || !strings.Contains(err.Error(), "another scheme or host: not followed") {
			t.Errorf("%s, other host: err = %v", purpose, err)
		}
	}
	for _, purpose := range []string{"token", "userinfo", "api", "revocation", "introspection", ""} {
		resp, err := get(purpose, "/same")
		if err != nil || resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/final" {
			t.Errorf("%q followed a redirect: %v %v", purpose, resp, err)
		}
	}
}
