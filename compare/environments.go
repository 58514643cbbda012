package compare

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
)

// What counts as a difference between two environments, and what is
// expected of any two (shown with Item.Expected, not counted):
//   - expected: the discovery document's issuer; the hosts of its
//     endpoints (they are compared by path); the JWKS's key IDs (every IdP
//     has keys of its own); the certificates' expiry dates; the client ID
//     and redirect URI of each environment's registration (HIMSA registers
//     an app separately in QA); clocks that differ by at most 2 s (a Date
//     header is cut to the second);
//   - counted: every other discovery key (a value, or a list's members, or
//     a key only one side has), the number of keys and each key's type,
//     algorithm and size or curve, the TLS version and certificate issuer,
//     the pre-flight's outcome, a clock further apart, an endpoint that
//     does not answer.

// Options tune Environments.
type Options struct {
	// Timeout bounds each request besides the client's own timeout (0:
	// the client's alone).
	Timeout time.Duration
	// Endpoints limits the pairs to those of these names ("global", "eu");
	// nil: every pair.
	Endpoints []string
	// Now is this computer's clock (nil: time.Now).
	Now func() time.Time
}

// Concurrency bounds the endpoints read at the same time.
const Concurrency = 8

// EnvSide is one environment's registration.
type EnvSide struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	ClientID    string `json:"client_id"`
	RedirectURI string `json:"redirect_uri"`
}

// Endpoint is one endpoint of a side.
type Endpoint struct {
	Name   string `json:"name"`
	Issuer string `json:"issuer"`
}

// Pair is the endpoints of one name in both environments, compared.
type Pair struct {
	Name     string    `json:"name"` // "global", "eu", …
	A        Endpoint  `json:"a"`
	B        Endpoint  `json:"b"`
	Sections []Section `json:"sections"`
}

// EnvDiff is two environments side by side.
type EnvDiff struct {
	A     EnvSide    `json:"a"`
	B     EnvSide    `json:"b"`
	Pairs []Pair     `json:"pairs"`
	OnlyA []Endpoint `json:"only_a"` // endpoints A has and B does not
	OnlyB []Endpoint `json:"only_b"`
}

// Differences counts what differs: the items of every pair, and every
// endpoint only one side has.
func (d *EnvDiff) Differences() int {
	n := len(d.OnlyA) + len(d.OnlyB)
	for _, p := range d.Pairs {
		n += count(p.Sections)
	}
	return n
}

// The sections of a Pair, in order.
const (
	SectionDiscovery = "discovery"
	SectionJWKS      = "jwks"
	SectionTLS       = "tls"
	SectionPreflight = "preflight"
	SectionClock     = "clock"
)

// pairKey is the name an endpoint is paired by: "global" for a global
// endpoint, else the region its codes name.
func pairKey(r config.Region) string {
	if r.IsGlobal() {
		return config.GlobalRegion
	}
	return cmp.Or(r.Code, r.Name)
}

// Environments compares a and b without logging in: their endpoints paired
// by name (global↔global, eu↔eu), each pair's discovery, JWKS, TLS,
// pre-flight and clock, read with client (its timeout and CA bundle) at
// most Concurrency endpoints at a time (nil: a client with the default
// timeout). An endpoint that does not answer
// is a fact of its pair, never an error.
func Environments(ctx context.Context, client *http.Client, a, b config.Environment, o Options) *EnvDiff {
	if o.Now == nil {
		o.Now = time.Now
	}
	if client == nil {
		client = auth.NewHTTPClient(config.DefaultHTTPTimeout)
	}
	d := &EnvDiff{A: envSide(a), B: envSide(b), Pairs: []Pair{}, OnlyA: []Endpoint{}, OnlyB: []Endpoint{}}
	type job struct {
		env config.Environment
		r   config.Region
		out *facts
	}
	var jobs []job
	var pairs [][2]*facts
	want := func(r config.Region) bool { return o.Endpoints == nil || slices.Contains(o.Endpoints, pairKey(r)) }
	for _, ra := range a.Endpoints {
		if !want(ra) {
			continue
		}
		i := slices.IndexFunc(b.Endpoints, func(rb config.Region) bool { return pairKey(rb) == pairKey(ra) })
		if i < 0 {
			d.OnlyA = append(d.OnlyA, Endpoint{Name: ra.Name, Issuer: ra.Issuer})
			continue
		}
		rb := b.Endpoints[i]
		fa, fb := &facts{}, &facts{}
		jobs = append(jobs, job{a, ra, fa}, job{b, rb, fb})
		pairs = append(pairs, [2]*facts{fa, fb})
		d.Pairs = append(d.Pairs, Pair{Name: pairKey(ra), A: Endpoint{ra.Name, ra.Issuer}, B: Endpoint{rb.Name, rb.Issuer}})
	}
	for _, rb := range b.Endpoints {
		if want(rb) && !slices.ContainsFunc(a.Endpoints, func(ra config.Region) bool { return pairKey(ra) == pairKey(rb) }) {
			d.OnlyB = append(d.OnlyB, Endpoint{Name: rb.Name, Issuer: rb.Issuer})
		}
	}
	sem := make(chan struct{}, Concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			*j.out = read(ctx, client, j.env, j.r, o)
		})
	}
	wg.Wait()
	for i, p := range pairs {
		d.Pairs[i].Sections = comparePair(p[0], p[1])
	}
	return d
}

func envSide(e config.Environment) EnvSide {
	return EnvSide{Name: e.Name, Title: e.Title(), ClientID: e.ClientID, RedirectURI: e.RedirectURI}
}

// preflightOptions are the authorize request of e's configured client.
func preflightOptions(e config.Environment) auth.Options {
	scopes := slices.Clone(e.Scopes)
	if e.OfflineAccess && !slices.Contains(scopes, config.ScopeOfflineAccess) {
		scopes = append(scopes, config.ScopeOfflineAccess)
	}
	return auth.Options{ClientID: e.ClientID, RedirectURI: e.RedirectURI, Scopes: scopes}
}
