package sim

import (
	"context"
	"slices"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func TestSecretsAreRecorded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Start(ctx, Options{Regions: []string{GlobalRegion}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g, _ := s.Region(GlobalRegion)
	id, secret := s.ServiceClient()
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: g.TokenURL(), Scopes: []string{APIScope}, AuthStyle: oauth2.AuthStyleInParams}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Secrets()
	if !slices.Contains(got, secret) || !slices.Contains(got, tok.AccessToken) {
		t.Errorf("Secrets() = %d values, lacks the client secret or the access token", len(got))
	}
}
