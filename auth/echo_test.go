package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/config"
)

// An IdP whose revocation and introspection errors repeat the request
// (token, client secret, API secret) gets none of them into the error text
// (issue 22, item 16).
func TestEndpointErrorsThatRepeatTheRequestAreScrubbed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		_, pass, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_request","error_description":"request was ` + r.Form.Encode() + ` auth ` + pass + `"}`))
	}))
	defer srv.Close()
	const refresh, secret, apiSecret = "refresh-token-RRR-123456", "client-secret-SSS-123456", "api-secret-AAA-123456"
	o := auth.Options{Region: config.Region{Name: "x", Issuer: srv.URL}, ClientID: "c", ClientSecret: secret, HTTPClient: srv.Client()}
	c := auth.NewClient(o)
	res := &auth.Result{Token: &oauth2.Token{AccessToken: "access-token-TTT-123456", RefreshToken: refresh}}
	err := c.Revoke(context.Background(), res, srv.URL+"/revoke", refresh, "refresh_token")
	if err == nil || !strings.Contains(err.Error(), "request was") {
		t.Fatalf("revoke: %v", err)
	}
	_, ierr := c.Introspect(context.Background(), res, srv.URL+"/introspect", res.Token.AccessToken, "api", apiSecret)
	for _, e := range []error{err, ierr} {
		for _, sec := range []string{refresh, secret, apiSecret, res.Token.AccessToken} {
			if e != nil && strings.Contains(e.Error(), sec) {
				t.Errorf("the error shows %q: %v", sec, e)
			}
		}
	}
	if ierr == nil || !strings.Contains(ierr.Error(), "[redacted") {
		t.Errorf("introspect: %v; want the echo replaced", ierr)
	}
}
