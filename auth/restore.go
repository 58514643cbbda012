package auth

import (
	"context"

	"golang.org/x/oauth2"
)

// Restore rebuilds a session from stored tokens so it can be inspected,
// refreshed and used: discovery of the client's endpoint, and the stored ID
// token verified again (no nonce: that login is over). A stored ID token
// that no longer verifies (expired, say) is reported, not an error.
func (c *Client) Restore(ctx context.Context, tok *oauth2.Token, idToken, codeRegion string, scopes []string) (*Result, error) {
	o := c.o.withDefaultTrust()
	verifier := o.newVerifier()
	p, err := verifier.provider(ctx, o.Region.Issuer)
	if err != nil {
		return nil, &DiscoveryError{Issuer: o.Region.Issuer, Err: err}
	}
	c.adopt(verifier)
	if idToken != "" {
		tok = tok.WithExtra(map[string]any{"id_token": idToken})
	}
	res := &Result{Region: o.Region, CodeRegion: codeRegion, Token: tok, Issuer: o.Region.Issuer,
		Scopes: scopes, ScopesFrom: "stored", ClientID: o.ClientID, TokenURL: p.Endpoint().TokenURL}
	res.setCodeRegion(codeRegion, o.Regions)
	res.AppHost = o.AppHosts.ForCode(codeRegion, res.CodeEndpoint)
	if idToken != "" {
		rep := verifier.Verify(ctx, idToken, Expect{ClientID: o.ClientID, AccessToken: tok.AccessToken})
		res.Report, res.Issuer = rep, rep.Issuer
		if rep.Token != nil {
			res.RawIDToken, res.Header, res.Claims = rep.Token.Raw, rep.Token.Header, rep.Token.Claims
		}
	}
	return res, nil
}
