package auth

import (
	"context"

	"golang.org/x/oauth2"
)

// Restore rebuilds a session from stored tokens so it can be inspected,
// refreshed and used: discovery of o.Region, and the stored ID token
// verified again (no nonce: that login is over). A stored ID token that no
// longer verifies (expired, say) is reported, not an error.
func Restore(ctx context.Context, o Options, tok *oauth2.Token, idToken, codeRegion string, scopes []string) (*Result, error) {
	if o.HTTPClient == nil {
		o.HTTPClient = NewHTTPClient(0)
	}
	if o.Trusted == nil {
		o.Trusted = map[string]string{o.Region.Issuer: o.Region.Name}
	}
	if o.Leeway <= 0 {
		o.Leeway = DefaultLeeway
	}
	verifier := o.newVerifier()
	p, err := verifier.provider(ctx, o.Region.Issuer)
	if err != nil {
		return nil, &DiscoveryError{Issuer: o.Region.Issuer, Err: err}
	}
	endpoint := p.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	oc := &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: endpoint, Scopes: o.Scopes}
	if idToken != "" {
		tok = tok.WithExtra(map[string]any{"id_token": idToken})
	}
	res := &Result{Region: o.Region, CodeRegion: codeRegion, AppHost: o.AppHosts.For(codeRegion), Token: tok, Issuer: o.Region.Issuer,
		Scopes: scopes, ScopesFrom: "stored", sess: &session{oc: oc, client: o.HTTPClient, verifier: verifier}}
	if idToken != "" {
		rep := verifier.Verify(ctx, idToken, Expect{ClientID: o.ClientID, AccessToken: tok.AccessToken})
		res.Report, res.Issuer = rep, rep.Issuer
		if rep.Token != nil {
			res.RawIDToken, res.Header, res.Claims = rep.Token.Raw, rep.Token.Header, rep.Token.Claims
		}
	}
	return res, nil
}
