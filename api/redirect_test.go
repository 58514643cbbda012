package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ssodesk/transport"
)

// An API answering 302 to plain http on the same host: not followed, so the
// bearer token is not sent again; the diagnosis says why.
func TestAPIRedirectIsNotFollowed(t *testing.T) {
	var leaked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/leak" {
			leaked = append(leaked, r.Header.Get("Authorization"))
			return
		}
		http.Redirect(w, r, "http://"+r.Host+"/leak", http.StatusFound)
	}))
	defer srv.Close()
	client, err := transport.NewClient(transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := Do(context.Background(), client, srv.URL+"/v1", "bearer-secret", Request{Path: "me"})
	if err != nil {
		t.Fatal(err)
	}
	if len(leaked) != 0 {
		t.Fatalf("the redirect target received the token: %q", leaked)
	}
	if resp.Status != http.StatusFound {
		t.Fatalf("status %d, want the 302 itself", resp.Status)
	}
	d := Diagnose(resp, TokenFacts{})
	if d == nil || d.Problem != ProblemRedirect || !strings.Contains(d.Summary, "redirect to http://"+strings.TrimPrefix(srv.URL, "http://")+"/leak") ||
		!strings.Contains(d.Summary, "did not follow") {
		t.Fatalf("diagnosis = %+v", d)
	}
}

// The api claim decides where the bearer token goes: https only (http only
// on loopback, the stand-in).
func TestBaseURLRequiresHTTPS(t *testing.T) {
	if _, _, err := BaseURL("", "http://evil.example/v1"); err == nil || !strings.Contains(err.Error(), "must use https") ||
		!strings.Contains(err.Error(), "no bearer token is sent there") {
		t.Errorf("http api claim: err = %v", err)
	}
	for _, ok := range []string{"https://api-eu.example.com/v1", "http://127.0.0.1:8080/v1"} {
		if _, _, err := BaseURL("", ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}
