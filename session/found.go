package session

import (
	"context"
	"time"

	"ssodesk/auth"
	"ssodesk/flow"
)

// VerifyFound verifies the JWTs of a login a browser made (a HAR's flow)
// against the keys of the configured endpoint it went to, each as of its
// use in the HAR (the browser's clock): a token that was valid then is not
// failed for having expired since. The ID token is checked as one of the
// flow's client (audience, nonce, at_hash with the flow's access token);
// an access token as an access token. A flow at an IdP that is not a
// configured HIMSA endpoint is not verified (no entry): its keys are not
// trusted. The result is keyed by the token's value.
func (m *Manager) VerifyFound(ctx context.Context, l *flow.Login) map[string]*auth.Report {
	out := map[string]*auth.Report{}
	if l.Endpoint.Issuer == "" {
		return out
	}
	cfg, err := m.cfg.For(l.Endpoint)
	if err != nil {
		return out
	}
	access := l.Token("access_token")
	v := auth.NewVerifier(m.http, cfg.TrustedIssuers(), cfg.Leeway)
	v.Foreign = cfg.ForeignIssuers()
	for _, t := range l.Tokens {
		if t.Kind == "code" || out[t.Raw] != nil {
			continue
		}
		jwt, err := auth.DecodeJWT(t.Raw)
		if err != nil {
			continue
		}
		at := m.Now()
		if t.Where != nil && !t.Where.Start.IsZero() {
			at = t.Where.Start
		}
		v.Now = func() time.Time { return at }
		exp := auth.Expect{ClientID: l.ClientID, Nonce: l.Nonce, AccessToken: access}
		if t.Kind == "access_token" || jwt.IsAccessToken(l.ClientID) {
			exp = auth.Expect{}
		}
		exp.Endpoint = l.Endpoint
		out[t.Raw] = v.Verify(ctx, t.Raw, exp)
	}
	return out
}
