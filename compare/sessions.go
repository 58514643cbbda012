package compare

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	"ssodesk/loginjson"
)

// SessionSide is where one side's login was made.
type SessionSide struct {
	Environment string `json:"environment,omitempty"`
	Endpoint    string `json:"endpoint"`               // the endpoint logged in at ("global", "eu")
	EndpointURL string `json:"endpoint_url,omitempty"` // its issuer URL
	ClientID    string `json:"client_id,omitempty"`
	Story       string `json:"story,omitempty"` // the region story the document tells
}

// SessionDiff is two logins side by side. Expected (shown, not counted)
// are only what differs between any two tokens: the per-token claims
// (PerTokenClaims) and the tokens' fingerprints.
type SessionDiff struct {
	A        SessionSide `json:"a"`
	B        SessionSide `json:"b"`
	Sections []Section   `json:"sections"`
}

// Differences counts the items that differ.
func (d *SessionDiff) Differences() int { return count(d.Sections) }

// The sections of a SessionDiff, in order.
const (
	SectionSession     = "session"
	SectionScopes      = "scopes"
	SectionIDToken     = "id_token"
	SectionAccessToken = "access_token"
	SectionLifetimes   = "lifetimes"
	SectionKeys        = "signing keys"
	SectionTokens      = "tokens"
)

// Sessions compares two `login --json` documents.
func Sessions(a, b *loginjson.Document) *SessionDiff {
	d := &SessionDiff{A: sessionSide(a), B: sessionSide(b)}
	d.Sections = []Section{
		{Name: SectionSession, Items: sessionItems(a, b)},
		{Name: SectionScopes, Items: []Item{set("granted", a.Scopes, true, b.Scopes, true)}},
		{Name: SectionIDToken, Items: claimItems(a.IDToken, b.IDToken)},
	}
	if isJWT(a.AccessToken) || isJWT(b.AccessToken) {
		d.Sections = append(d.Sections, Section{Name: SectionAccessToken, Items: claimItems(a.AccessToken, b.AccessToken)})
	}
	d.Sections = append(d.Sections,
		Section{Name: SectionLifetimes, Items: []Item{
			lifetime("id_token", a.IDToken, b.IDToken), lifetime("access_token", a.AccessToken, b.AccessToken)}},
		Section{Name: SectionKeys, Items: keyItems(a, b)},
		Section{Name: SectionTokens, Items: expectChanged([]Item{
			both("access_token", fingerprint(a.Tokens.AccessToken, a.AccessToken), fingerprint(b.Tokens.AccessToken, b.AccessToken)),
			both("refresh_token", fingerprint(a.Tokens.RefreshToken, nil), fingerprint(b.Tokens.RefreshToken, nil)),
			both("id_token", fingerprint(a.Tokens.IDToken, a.IDToken), fingerprint(b.Tokens.IDToken, b.IDToken)),
		})})
	return d
}

// PerTokenClaims differ between any two tokens, even of one login and its
// refresh: each token's own ID, nonce and hashes.
var PerTokenClaims = []string{"jti", "nonce", "at_hash", "c_hash", "s_hash", "sid"}

// expectChanged marks the items of a changed value expected (a token
// present on both sides, another one).
func expectChanged(items []Item) []Item {
	for i := range items {
		items[i].Expected = items[i].Mark == Changed
	}
	return items
}

func sessionSide(d *loginjson.Document) SessionSide {
	return SessionSide{Environment: d.Environment, Endpoint: d.Region, EndpointURL: d.Endpoint, ClientID: d.ClientID, Story: d.Story}
}

// sessionItems: where each login was made, landed, and what it may call.
func sessionItems(a, b *loginjson.Document) []Item {
	verified := func(d *loginjson.Document) string {
		switch {
		case d.Verification == nil:
			return "not verified"
		case d.Verification.OK:
			return "verified"
		}
		return "failed"
	}
	return []Item{
		both("environment", a.Environment, b.Environment),
		both("endpoint", a.Region, b.Region),
		both("endpoint_url", a.Endpoint, b.Endpoint),
		both("client_id", a.ClientID, b.ClientID),
		both("issuer", a.Issuer, b.Issuer),
		both("issuer_region", a.IssuerRegion, b.IssuerRegion),
		both("code_region", a.CodeRegion, b.CodeRegion),
		both("exchanged_at", a.ExchangedAt, b.ExchangedAt),
		both("tenantid", a.TenantID, b.TenantID),
		both("api", a.API, b.API),
		both("app_host", a.AppHost, b.AppHost),
		always("verification", verified(a), verified(b)),
		both("story", a.Story, b.Story),
	}
}

func isJWT(t *loginjson.Token) bool { return t != nil && t.Kind == "jwt" }

// claimItems compares two tokens' claims, each claim once, in name order;
// the time claims as times.
func claimItems(a, b *loginjson.Token) []Item {
	ca, cb := claimsOf(a), claimsOf(b)
	names := slices.Sorted(maps.Keys(ca))
	for n := range cb {
		if _, ok := ca[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := make([]Item, 0, len(names)+1)
	if !isJWT(a) || !isJWT(b) {
		out = append(out, both("kind", kindOf(a), kindOf(b)))
	}
	for _, n := range names {
		va, inA := ca[n]
		vb, inB := cb[n]
		ta, tA := timeOf(a, n)
		tb, tB := timeOf(b, n)
		if tA || tB {
			if it := times(n, ta, tb); (tA || !inA) && (tB || !inB) {
				out = append(out, it)
				continue
			}
		}
		it := value(n, va, inA, vb, inB)
		it.Expected = it.Mark == Changed && slices.Contains(PerTokenClaims, n)
		out = append(out, it)
	}
	return out
}

func claimsOf(t *loginjson.Token) map[string]any {
	if !isJWT(t) || t.Claims == nil {
		return map[string]any{}
	}
	return t.Claims
}

func kindOf(t *loginjson.Token) string {
	if t == nil {
		return ""
	}
	return t.Kind
}

// timeOf is the time claim n of t as the document decoded it.
func timeOf(t *loginjson.Token, n string) (time.Time, bool) {
	if t == nil {
		return time.Time{}, false
	}
	v, ok := t.Times[n]
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(v.Unix, 0).UTC(), true
}

// lifetime compares exp−iat of two tokens.
func lifetime(name string, a, b *loginjson.Token) Item {
	return both(name, lifetimeOf(a), lifetimeOf(b))
}

func lifetimeOf(t *loginjson.Token) string {
	exp, ok1 := timeOf(t, "exp")
	iat, ok2 := timeOf(t, "iat")
	if !ok1 || !ok2 {
		return ""
	}
	return exp.Sub(iat).String()
}

// keyItems: the issuer and signing key (kid, alg) of each token.
func keyItems(a, b *loginjson.Document) []Item {
	var out []Item
	for _, tok := range []struct {
		name string
		a, b *loginjson.Token
	}{{"id_token", a.IDToken, b.IDToken}, {"access_token", a.AccessToken, b.AccessToken}} {
		out = append(out,
			both(tok.name+" iss", claimString(tok.a, "iss"), claimString(tok.b, "iss")),
			both(tok.name+" kid", header(tok.a, "kid"), header(tok.b, "kid")),
			both(tok.name+" alg", header(tok.a, "alg"), header(tok.b, "alg")))
	}
	return out
}

func header(t *loginjson.Token, k string) string {
	if !isJWT(t) {
		return ""
	}
	s, _ := t.Header[k].(string)
	return s
}

func claimString(t *loginjson.Token, k string) string {
	s, _ := claimsOf(t)[k].(string)
	return s
}

// fingerprint is a token as kind, length and the first 8 hex digits of
// its SHA-256: enough to tell two apart, nothing to use ("" for none).
func fingerprint(raw string, t *loginjson.Token) string {
	if raw == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(raw))
	kind := "token"
	if t != nil {
		kind = t.Kind
	}
	return fmt.Sprintf("%s %d B sha256:%s", kind, len(raw), hex.EncodeToString(sum[:])[:8])
}
