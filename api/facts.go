package api

import (
	"time"

	"ssodesk/auth"
	"ssodesk/config"
)

// FactsFor is what a diagnosis knows about the session's token when calling
// region's API. A region's configured api names that region's API; the
// global endpoint names no API region (its users are in every region).
func FactsFor(res *auth.Result, region config.Region, now time.Time) TokenFacts {
	f := TokenFacts{Scopes: res.Scopes, CanRefresh: res.CanRefresh() == nil, RequiredAPI: config.ScopeNoahAPI, Now: now}
	if res.Token != nil {
		f.Expiry = res.Token.Expiry
	}
	if f.Region = res.Claim("region"); f.Region == "" {
		f.Region = res.CodeRegion
	}
	if region.API != "" && !region.IsGlobal() {
		f.APIRegion = region.Name
	}
	return f
}
