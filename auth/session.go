package auth

import (
	"errors"
	"maps"
	"slices"
)

// ErrNoRefreshToken: there is nothing to refresh with. HIMSA issues refresh
// tokens only with offline_access, and only for apps it enabled them for.
var ErrNoRefreshToken = errors.New("no refresh token: the login did not ask for offline_access " +
	"(set offline_access: true), or HIMSA has not enabled refresh tokens for this app")

// ClaimChange is one ID token claim that a refresh changed.
type ClaimChange struct {
	Name     string
	Old, New string // "" when absent
}

// Refreshed is the outcome of a refresh.
type Refreshed struct {
	Result     *Result       // the session after the refresh
	Changes    []ClaimChange // ID token claims that changed (none when no new ID token came)
	NewIDToken bool          // the response carried a new ID token
	Rotated    bool          // a new refresh token replaced the old one
	// OldKeyID and NewKeyID are the kids that signed the old and the new
	// ID token, when they differ (the IdP rotated its signing key).
	OldKeyID, NewKeyID string
}

// DiffClaims lists the claims whose values differ, in name order.
func DiffClaims(old, new map[string]any) []ClaimChange {
	names := slices.Sorted(maps.Keys(old))
	for k := range new {
		if _, ok := old[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var out []ClaimChange
	for _, n := range names {
		o, nw := ClaimString(old, n), ClaimString(new, n)
		if o != nw {
			out = append(out, ClaimChange{Name: n, Old: o, New: nw})
		}
	}
	return out
}

// UserInfo is the IdP's userinfo answer for the session's access token.
type UserInfo struct {
	Endpoint string
	Claims   map[string]any
}

func headerString(h map[string]any, name string) string { s, _ := h[name].(string); return s }
