package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"ssodesk/api"
	"ssodesk/sim"
)

func TestBaseURL(t *testing.T) {
	if b, src, err := api.BaseURL("", "https://api-eu.example/v1/"); err != nil || b != "https://api-eu.example/v1" || !strings.Contains(src, "claim") {
		t.Errorf("claim: %q %q %v", b, src, err)
	}
	if b, src, err := api.BaseURL("https://override.example", "https://api-eu.example/v1"); err != nil || b != "https://override.example" || !strings.Contains(src, "config") {
		t.Errorf("override: %q %q %v", b, src, err)
	}
	if _, _, err := api.BaseURL("", ""); err == nil || !strings.Contains(err.Error(), "no api claim") {
		t.Errorf("none: %v", err)
	}
	if _, _, err := api.BaseURL("", "ftp://x"); err == nil {
		t.Error("ftp accepted")
	}
}

// TestCallStandInAPI calls the eu stand-in API with a client-credentials
// token from the eu endpoint and with no token.
func TestCallStandInAPI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	eu, _ := s.Region("eu")
	id, secret := s.ServiceClient()
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: eu.TokenURL(),
		Scopes: []string{sim.APIScope}, AuthStyle: oauth2.AuthStyleInParams}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := api.Call(ctx, http.DefaultClient, eu.API, tok.AccessToken, http.MethodGet, "locations")
	if err != nil {
		t.Fatal(err)
	}
	var body any
	if resp.Status != 200 || json.Unmarshal(resp.Body, &body) != nil {
		t.Fatalf("status %d body %s", resp.Status, resp.Body)
	}
	resp, err = api.Call(ctx, http.DefaultClient, eu.API, "not-a-token", http.MethodGet, "/me")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("bad token: %d %v", resp.Status, resp.Header)
	}
}
