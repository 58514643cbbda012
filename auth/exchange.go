package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"strings"
	"sync/atomic"

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

// CodeRegionError: exchange_at code-region sent the code to the regional
// endpoint its prefix maps to, and that endpoint refused it or could not be
// reached (Err: a *TokenError or a *DiscoveryError). Logging in again with
// the same config fails the same way; the endpoint logged in at exchanges
// any region's code (HIMSA 2b). explain.Error says so.
type CodeRegionError struct {
	CodeRegion string // the code's prefix ("eu")
	// Mapped is the configured region the prefix mapped to, and
	// MappedIssuer its issuer: where the code went.
	Mapped, MappedIssuer string
	// LoggedIn is the endpoint the user logged in at, and LoggedInIssuer
	// its issuer: where the code can still be exchanged.
	LoggedIn, LoggedInIssuer string
	LoggedInGlobal           bool // the endpoint logged in at is a global one
	// Unsent: no connection to the regional IdP's token endpoint was made,
	// so the code never left this machine and is unspent.
	Unsent bool
	Err    error
}

func (e *CodeRegionError) Error() string {
	return fmt.Sprintf("exchange_at %s (code prefix %q → the %s endpoint %s): %s",
		config.ExchangeCodeRegion, e.CodeRegion+".", e.Mapped, e.MappedIssuer, e.Err)
}

func (e *CodeRegionError) Unwrap() error { return e.Err }

// codeRegionError is err of the exchange at exAt as a *CodeRegionError.
func (l *loginRun) codeRegionError(codeRegion string, exAt config.Region, unsent bool, err error) *CodeRegionError {
	return &CodeRegionError{CodeRegion: codeRegion, Mapped: exAt.Name, MappedIssuer: exAt.Issuer,
		LoggedIn: l.o.Region.Name, LoggedInIssuer: l.o.Region.Issuer, LoggedInGlobal: l.o.Region.IsGlobal(), Unsent: unsent, Err: err}
}

// fallbackNote says that the regional IdP could not be reached before the
// code left, so the code was exchanged at the endpoint logged in at.
func fallbackNote(e *CodeRegionError) string {
	return fmt.Sprintf("exchange_at is %s, but the %s endpoint %s, where the code's prefix %q maps, could not be reached (%s); "+
		"the code never left this machine, so it was exchanged at the %s endpoint you logged in at instead",
		config.ExchangeCodeRegion, e.Mapped, e.MappedIssuer, e.CodeRegion+".", reachError(e.Err), e.LoggedIn)
}

// reachError is the network reason of a failed exchange or discovery.
func reachError(err error) string {
	var de *DiscoveryError
	var te *TokenError
	switch {
	case errors.As(err, &de):
		return "discovery: " + cleanNetErr(de.Err)
	case errors.As(err, &te) && te.Err != nil:
		return cleanNetErr(te.Err)
	}
	return err.Error()
}

// connTracker records whether a request got a connection: without one,
// nothing of it (not the code) reached any server.
type connTracker struct{ got atomic.Bool }

func (c *connTracker) context(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { c.got.Store(true) }})
}

// unsent reports whether err of a token request means the code was never
// sent: no connection was made (DNS, refused, TLS handshake, proxy).
func (c *connTracker) unsent(err error) bool {
	var te *TokenError
	return !c.got.Load() && errors.As(err, &te) && te.Err != nil && te.Code == "" && te.Status == ""
}

// trimIssuer is an issuer without its trailing slash.
func trimIssuer(iss string) string { return strings.TrimRight(iss, "/") }
