package session

import (
	"context"
	"errors"
	"fmt"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/store"
)

// Resume loads the kept session of region, checks that it belongs to the
// region's issuer and that its ID token is still trusted, and refreshes it
// when its access token expires within RefreshMargin. A *NoSessionError when
// none is kept; a *RefusedError saying why a kept one cannot be used.
func (m *Manager) Resume(ctx context.Context, region config.Region) (*auth.Result, error) {
	res, err := m.Kept(ctx, region)
	if err != nil {
		return nil, err
	}
	res, refreshed, err := m.fresh(ctx, res)
	if err != nil {
		return nil, err
	}
	if refreshed {
		res.Notes = append(res.Notes, "refreshed the stored session (it expired within a minute)")
	}
	return res, nil
}

// Kept is the kept session of region as it is (not refreshed), after the
// checks Resume makes: for a logout, which ends it rather than uses it.
func (m *Manager) Kept(ctx context.Context, region config.Region) (*auth.Result, error) {
	key, clientID := m.key(region)
	if m.st == nil {
		return nil, &NoSessionError{Region: region.Name, ClientID: clientID}
	}
	s, err := m.st.Load(key, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &NoSessionError{Region: region.Name, ClientID: clientID, Where: m.st.Where()}
	}
	if err != nil {
		return nil, err
	}
	what := "the kept session of region " + region.Name
	if s.Issuer != region.Issuer {
		return nil, &RefusedError{What: what, Reason: fmt.Sprintf("it was made at %s, but region %s is %s now "+
			"(the configuration changed since); log in again", s.Issuer, region.Name, region.Issuer)}
	}
	res, err := m.restore(ctx, s, region)
	if err != nil {
		return nil, err
	}
	if why := distrust(res.Report); why != "" {
		return nil, &RefusedError{What: what, Reason: why + "; log in again"}
	}
	res.LoadedFrom = fmt.Sprintf("%s, kept %s", m.st.Where(), s.SavedAt.Local().Format("2006-01-02 15:04"))
	return res, nil
}

// timeChecks may fail on a kept ID token without making it untrustworthy:
// ID tokens expire long before refresh tokens do.
var timeChecks = map[string]bool{"expiry": true, "not before": true, "issued at": true}

// distrust says why a kept ID token is no longer trusted ("" when it is).
func distrust(rep *auth.Report) string {
	if rep == nil {
		return ""
	}
	for _, c := range rep.Checks {
		if c.Status == check.Fail && !timeChecks[c.Name] {
			return "its ID token fails the " + c.Name + " check (" + c.Detail + ")"
		}
	}
	return ""
}

// fresh refreshes res when its access token expires within RefreshMargin,
// and reports whether it did. An expiring token without a refresh token is
// an error that says to log in again.
func (m *Manager) fresh(ctx context.Context, res *auth.Result) (*auth.Result, bool, error) {
	exp := res.Token.Expiry
	if exp.IsZero() || exp.Sub(m.Now()) > RefreshMargin {
		return res, false, nil
	}
	if res.CanRefresh() != nil {
		return nil, false, fmt.Errorf("the kept access token expires at %s and there is no refresh token: log in again",
			exp.Local().Format("2006-01-02 15:04:05"))
	}
	ref, err := m.Refresh(ctx, res)
	if err != nil {
		return nil, false, fmt.Errorf("refreshing the kept session: %w", err)
	}
	return ref.Result, true, nil
}

// Refresh trades res's refresh token for new tokens and keeps them. A call
// while a refresh of the same session runs joins it (and gets its outcome).
// Across processes the store's lock serialises refreshes; when another
// process refreshed the kept session meanwhile, its tokens are taken and no
// request is made. A refreshed ID token that does not verify, or names
// another iss or sub, is refused: the previous session stays.
func (m *Manager) Refresh(ctx context.Context, res *auth.Result) (*auth.Refreshed, error) {
	if err := res.CanRefresh(); err != nil {
		return nil, err
	}
	key := flightKey(res)
	m.waiting(key, +1)
	defer m.waiting(key, -1)
	v, err, _ := m.flights.Do(key, func() (any, error) { return m.refresh(ctx, res) })
	if err != nil {
		return nil, err
	}
	return v.(*auth.Refreshed), nil
}

// flightKey: one refresh at a time per session and refresh token.
func flightKey(res *auth.Result) string {
	return res.Region.Env + "\x00" + res.Region.Name + "\x00" + res.Token.RefreshToken
}

// waiting counts the callers of Refresh per flight (tests wait on it).
func (m *Manager) waiting(key string, d int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.callers == nil {
		m.callers = map[string]int{}
	}
	if m.callers[key] += d; m.callers[key] == 0 {
		delete(m.callers, key)
	}
	if m.joined != nil {
		close(m.joined)
		m.joined = nil
	}
}

func (m *Manager) refresh(ctx context.Context, res *auth.Result) (*auth.Refreshed, error) {
	if l, ok := m.st.(store.Locker); ok {
		key, clientID := m.key(res.Region)
		unlock, err := l.Lock(ctx, key, clientID)
		if err != nil {
			return nil, err
		}
		defer unlock()
		if ref := m.refreshedElsewhere(ctx, res); ref != nil {
			return ref, nil
		}
	}
	ref, err := m.clientOf(res).Refresh(ctx, res)
	if err != nil {
		return nil, err
	}
	if why := refusal(res, ref); why != "" {
		return nil, &RefusedError{What: "the refresh", Reason: why + "; the previous session stays (its refresh token may be spent: " +
			"if the next refresh fails, log in again)"}
	}
	m.keep(ref.Result)
	return ref, nil
}

// refreshedElsewhere returns the kept session when another process has
// refreshed it since res was loaded (the kept tokens differ from res's and
// are not about to expire); nil otherwise.
func (m *Manager) refreshedElsewhere(ctx context.Context, res *auth.Result) *auth.Refreshed {
	s, err := m.st.Load(m.key(res.Region))
	if err != nil || s.Issuer != res.Region.Issuer || s.AccessToken == res.Token.AccessToken ||
		s.Expiry.Sub(m.Now()) <= RefreshMargin {
		return nil
	}
	kept, err := m.restore(ctx, s, res.Region)
	if err != nil || distrust(kept.Report) != "" || refusalOf(res, kept) != "" {
		return nil
	}
	kept.CodeRegion, kept.ExchangedAt, kept.AppHost = res.CodeRegion, res.ExchangedAt, res.AppHost
	kept.Notes = append(kept.Notes, "another ssodesk refreshed the kept session meanwhile; took its tokens")
	return &auth.Refreshed{Result: kept, NewIDToken: kept.RawIDToken != res.RawIDToken,
		Changes: auth.DiffClaims(res.Claims, kept.Claims), Rotated: s.RefreshToken != res.Token.RefreshToken}
}

// refusal says why a refresh's outcome may not replace res ("" when it may).
func refusal(res *auth.Result, ref *auth.Refreshed) string {
	if !ref.NewIDToken {
		return ""
	}
	if !ref.Result.Verified() {
		return "the refreshed ID token did not verify: " + ref.Result.Report.Failures()
	}
	return refusalOf(res, ref.Result)
}

// refusalOf: OIDC Core 12.2 — a refreshed ID token keeps the iss and sub of
// the session it refreshes.
func refusalOf(old, next *auth.Result) string {
	if old.RawIDToken == "" {
		return ""
	}
	if o, n := old.Claim("iss"), next.Claim("iss"); o != n {
		return fmt.Sprintf("the refreshed ID token names another issuer (%s, was %s)", n, o)
	}
	if o, n := old.Claim("sub"), next.Claim("sub"); o != n {
		return fmt.Sprintf("the refreshed ID token names another user (sub %s, was %s)", n, o)
	}
	return ""
}
