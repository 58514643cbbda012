package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
)

// addResult adds what the tokens say: where the login landed, the
// verifications, the tokens (as fingerprints), their claims and userinfo.
func addResult(d *Document, a Attempt, now time.Time) {
	res := a.Result
	d.Landing = landing(res)
	if res.Report != nil {
		d.Verification = verification(res.Report.At(now), now)
	}
	if a.AccessReport != nil {
		d.AccessVerification = verification(a.AccessReport.At(now), now)
	}
	if res.Token != nil {
		d.Tokens = tokens(res.Token.AccessToken, res.Token.RefreshToken, res.RawIDToken)
		if kind, jwt, _ := auth.ClassifyToken(res.Token.AccessToken); kind == auth.TokenJWT {
			d.AccessToken = &Decoded{Header: cloneMap(jwt.Header), Claims: cloneMap(jwt.Claims)}
		}
	}
	if res.RawIDToken != "" {
		d.IDToken = &Decoded{Header: cloneMap(res.Header), Claims: cloneMap(res.Claims)}
	}
	switch {
	case a.UserInfo != nil:
		d.UserInfo = &UserInfo{Endpoint: a.UserInfo.Endpoint, Claims: cloneMap(a.UserInfo.Claims)}
	case a.UserInfoErr != "":
		d.UserInfo = &UserInfo{Error: a.UserInfoErr}
	}
	if res.LoadedFrom != "" {
		d.Notes = append(d.Notes, "The session was loaded from "+res.LoadedFrom+", not logged in here: the steps of its login are not known.")
	}
	d.Notes = append(d.Notes, res.Notes...)
	d.ParamChecks = checksOf(res.ParamChecks)
}

// checksOf are rows as the report's checks.
func checksOf(rows []check.Row) []Check {
	var out []Check
	for _, r := range rows {
		out = append(out, Check{Name: r.Name, Status: r.Status, Detail: r.Detail})
	}
	return out
}

// landing is the region story and its facts.
func landing(res *auth.Result) *Landing {
	l := &Landing{Endpoint: res.Region.Name, CodeRegion: res.CodeRegion, ExchangedAt: res.ExchangedAt.Name,
		ExchangeEndpoint: res.ExchangedAt.Issuer, Issuer: res.Issuer, IssuerRegion: res.IssuerRegion(), API: res.Claim("api"),
		AppHost: res.AppHost, TenantID: res.Claim("tenantid"), Scopes: slices.Clone(res.Scopes), ScopesFrom: res.ScopesFrom}
	if res.RawIDToken != "" {
		l.Story = explain.SessionStory(res)
	}
	if res.Relogin != nil {
		l.Relogin = explain.ReloginOrigin(res.Relogin, res.Region.Name)
	}
	if res.Token != nil {
		l.Expiry = res.Token.Expiry
		l.RefreshToken = explain.If(res.Token.RefreshToken != "", "issued",
			explain.NoRefreshToken(slices.Contains(res.Scopes, config.ScopeOfflineAccess)))
	}
	return l
}

// verification is a report check by check, each time check said as of now.
func verification(r *auth.Report, now time.Time) *Verification {
	v := &Verification{OK: r.OK(), Summary: r.Summary(), Issuer: r.Issuer, IssuerRegion: r.Region, JWKS: r.JWKSURL, KeyID: r.KeyID,
		Keys: explain.KeySet(r), KeyRotatedAway: r.KeyRotatedAway}
	for _, c := range r.Checks {
		v.Checks = append(v.Checks, Check{Name: c.Name, Status: c.Status, Detail: explain.CheckDetail(c.Detail, c.At, now)})
	}
	return v
}

// tokens are the tokens as fingerprints, never their values.
func tokens(access, refresh, id string) []Token {
	var out []Token
	for _, t := range []struct{ name, raw string }{{"access token", access}, {"refresh token", refresh}, {"ID token", id}} {
		if t.raw != "" {
			out = append(out, Fingerprint(t.name, t.raw))
		}
	}
	return out
}

// Fingerprint is a token's kind, length and the first 8 hex digits of its
// SHA-256: enough to tell two tokens apart, nothing to use.
func Fingerprint(name, raw string) Token {
	kind, _, _ := auth.ClassifyToken(raw)
	k := map[auth.TokenKind]string{auth.TokenJWT: "jwt", auth.TokenOpaque: "opaque", auth.TokenMalformed: "malformed"}[kind]
	sum := sha256.Sum256([]byte(raw))
	sha := hex.EncodeToString(sum[:])[:8]
	return Token{Name: name, Kind: k, Bytes: len(raw), SHA256: sha, Text: explain.TokenFingerprint(k, len(raw), sha)}
}

// cloneMap deep-copies decoded JSON, so masking never touches a session's
// own claims.
func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneAny(v)
	}
	return out
}

func cloneAny(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneAny(e)
		}
		return out
	case string, bool, nil, json.Number, float64:
		return x
	}
	// Anything else (a claim type a decoder made): through JSON.
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// sortedKeys are m's keys in order.
func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// VerificationOf is r's checks as a document says them, times as of now
// (nil: not verified): a pasted token's in the TUI's inspector.
func VerificationOf(r *auth.Report, now time.Time) *Verification {
	if r == nil {
		return nil
	}
	return verification(r, now)
}
