package auth

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"

	"ssodesk/config"
)

// exchangeRegion picks the endpoint that exchanges a code of codeRegion,
// and a note when exchange_at asked for the code's region but could not
// have it. HIMSA rule (2b): a desktop app may exchange any code at the
// global endpoint, or at the regional IdP the code's prefix names.
func (o Options) exchangeRegion(codeRegion string) (config.Region, string) {
	if o.ExchangeAt != config.ExchangeCodeRegion {
		return o.Region, ""
	}
	if codeRegion == "" {
		return o.Region, fmt.Sprintf("exchange_at is %s, but the code has no region prefix: exchanged at the %s endpoint",
			config.ExchangeCodeRegion, o.Region.Name)
	}
	r, ok := config.EndpointForCode(o.Regions, codeRegion)
	switch {
	case ok && r.Name == o.Region.Name:
		return o.Region, ""
	case ok:
		return r, ""
	case codeRegion == o.Region.Name: // a Regions list without this endpoint (made in code)
		return o.Region, ""
	}
	return o.Region, fmt.Sprintf("exchange_at is %s, but %s: exchanged at the %s endpoint",
		config.ExchangeCodeRegion, config.NoEndpointForCode(codeRegion), o.Region.Name)
}

// regionalConfig is oc with the token endpoint of region's IdP (from its
// discovery document); client, redirect URI and scopes stay the same.
func regionalConfig(ctx context.Context, v *Verifier, oc *oauth2.Config, region config.Region) (*oauth2.Config, error) {
	p, err := v.provider(ctx, region.Issuer)
	if err != nil {
		return nil, &DiscoveryError{Issuer: region.Issuer, Err: err}
	}
	endpoint := p.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	next := *oc
	next.Endpoint = endpoint
	if region.SecretKey != "" { // HIMSA: a different client secret per region
		next.ClientSecret = region.ClientSecret
	}
	return &next, nil
}
