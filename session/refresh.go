package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/store"
	"ssodesk/timefmt"
)

// Resume loads the kept session of region, checks that it belongs to the
// region's issuer and that its ID token is still trusted, and refreshes it
// when its access token expires within its margin (Margin). A
// *NoSessionError when none is kept; a *RefusedError saying why a kept one
// cannot be used.
func (m *Manager) Resume(ctx context.Context, region config.Region) (*auth.Result, error) {
	res, s, err := m.kept(ctx, region)
	if err != nil {
		return nil, err
	}
	return m.fresh(ctx, res, lifetime(res.Token, s.SavedAt))
}

// Kept is the kept session of region as it is (not refreshed), after the
// checks Resume makes: for a logout, which ends it rather than uses it.
func (m *Manager) Kept(ctx context.Context, region config.Region) (*auth.Result, error) {
	res, _, err := m.kept(ctx, region)
	return res, err
}

// kept is Kept, with what the store holds of it.
func (m *Manager) kept(ctx context.Context, region config.Region) (*auth.Result, store.Session, error) {
	key, clientID := m.key(region)
	if m.st == nil {
		return nil, store.Session{}, &NoSessionError{Region: region.Name, ClientID: clientID}
	}
	s, err := m.st.Load(key, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, s, &NoSessionError{Region: region.Name, ClientID: clientID, Where: m.st.Where()}
	}
	if err != nil {
		return nil, s, err
	}
	what := "the kept session of region " + region.Name
	if s.Issuer != region.Issuer {
		return nil, s, &RefusedError{What: what, Reason: fmt.Sprintf("it was made at %s, but region %s is %s now "+
			"(the configuration changed since); log in again", s.Issuer, region.Name, region.Issuer)}
	}
	res, err := m.restore(ctx, s, region)
	if err != nil {
		return nil, s, err
	}
	if why := distrust(res.Report); why != "" {
		return nil, s, &RefusedError{What: what, Reason: why + "; log in again"}
	}
	res.LoadedFrom = fmt.Sprintf("%s, kept %s", m.st.Where(), s.SavedAt.Local().Format("2006-01-02 15:04"))
	return res, s, nil
}

// lifetime is how long tok's access token lives, as far as can be told
// (0: unknown): the token response's expires_in; for a kept one, its
// expiry less when it was kept (a session is kept as it arrives); else a
// JWT's exp less its iat.
func lifetime(tok *oauth2.Token, savedAt time.Time) time.Duration {
	switch {
	case tok == nil:
		return 0
	case tok.ExpiresIn > 0:
		return time.Duration(tok.ExpiresIn) * time.Second
	case !savedAt.IsZero() && tok.Expiry.After(savedAt):
		return tok.Expiry.Sub(savedAt)
	}
	t, err := auth.DecodeJWT(tok.AccessToken)
	if err != nil {
		return 0
	}
	exp, ok, err1 := t.TimeClaim("exp")
	iat, ok2, err2 := t.TimeClaim("iat")
	if !ok || !ok2 || err1 != nil || err2 != nil || !exp.After(iat) {
		return 0
	}
	return exp.Sub(iat)
}

// due says whether an access token expiring at exp, of lifetime, is to be
// refreshed before use now.
func due(exp time.Time, life time.Duration, now time.Time) bool {
	return !exp.IsZero() && exp.Sub(now) <= Margin(life)
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

// fresh refreshes res when its access token (of lifetime life) expires
// within its margin, and says so in res.Notes. When it cannot be refreshed
// (no refresh token, or the refresh failed: revoked, say) but the access
// token is still valid, res is returned as it is with a warning; once the
// access token has expired, that is an error saying to log in again.
func (m *Manager) fresh(ctx context.Context, res *auth.Result, life time.Duration) (*auth.Result, error) {
	now, exp := m.Now(), res.Token.Expiry
	if !due(exp, life, now) {
		return res, nil
	}
	why := "its access token expired " + timefmt.Short(now.Sub(exp)) + " ago"
	if exp.After(now) {
		why = fmt.Sprintf("its access token had %s left, within the %s refresh margin", timefmt.Short(exp.Sub(now)), timefmt.Short(Margin(life)))
	}
	err := res.CanRefresh()
	if err == nil {
		var ref *auth.Refreshed
		if ref, err = m.Refresh(ctx, res); err == nil {
			ref.Result.Notes = append(ref.Result.Notes, "refreshed the stored session ("+why+")")
			return ref.Result, nil
		}
		err = fmt.Errorf("refreshing the kept session: %w", err)
	}
	if !exp.After(now) {
		if res.CanRefresh() != nil {
			return nil, fmt.Errorf("the kept access token expired at %s and there is no refresh token: log in again", timefmt.Clock(exp))
		}
		return nil, err
	}
	res.Notes = append(res.Notes, fmt.Sprintf("warning: %s; the kept access token is still valid until %s (%s left): "+
		"using it — log in again before then", explain.Error(err), timefmt.Clock(exp), timefmt.Short(exp.Sub(now))))
	return res, nil
}

// Refresh trades res's refresh token for new tokens and keeps them. A call
// while a refresh of the same session runs joins it (and gets its outcome).
// Across processes the store's lock serialises refreshes; when another
// process refreshed the kept session meanwhile, its tokens are taken and no
// request is made — or, when they are due for a refresh too, they are
// refreshed with the kept refresh token (res's may be spent). A refreshed ID token that does not verify, or names
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
	from := res
	if l, ok := m.st.(store.Locker); ok {
		key, clientID := m.key(res.Region)
		unlock, err := l.Lock(ctx, key, clientID)
		if err != nil {
			return nil, err
		}
		defer unlock()
		if ref, fresh := m.refreshedElsewhere(ctx, res); fresh {
			return ref, nil
		} else if ref != nil && ref.Result.CanRefresh() == nil {
			from = ref.Result // res's refresh token may be spent (rotated): refresh with the kept one
		}
	}
	ref, err := m.clientOf(from).Refresh(ctx, from)
	if err != nil {
		return nil, err
	}
	if why := refusal(from, ref); why != "" {
		return nil, &RefusedError{What: "the refresh", Reason: why + "; the previous session stays (its refresh token may be spent: " +
			"if the next refresh fails, log in again)"}
	}
	if from != res { // say what changed since res, the session the caller holds
		ref.Changes = auth.DiffClaims(res.Claims, ref.Result.Claims)
		ref.NewIDToken = ref.NewIDToken || from.RawIDToken != res.RawIDToken
		ref.Rotated = ref.Result.Token.RefreshToken != res.Token.RefreshToken
	}
	m.keepRotated(ref.Result, ref.Rotated)
	return ref, nil
}

// refreshedElsewhere returns the kept session when another process has
// refreshed it since res was loaded (its tokens differ from res's: res's
// refresh token may be spent), and whether it is fresh enough to use as it
// is; nil when the kept session is res's, or cannot be trusted.
func (m *Manager) refreshedElsewhere(ctx context.Context, res *auth.Result) (*auth.Refreshed, bool) {
	s, err := m.st.Load(m.key(res.Region))
	if err != nil || s.Issuer != res.Region.Issuer ||
		s.AccessToken == res.Token.AccessToken && s.RefreshToken == res.Token.RefreshToken {
		return nil, false
	}
	kept, err := m.restore(ctx, s, res.Region)
	if err != nil || distrust(kept.Report) != "" || refusalOf(res, kept) != "" {
		return nil, false
	}
	kept.CodeRegion, kept.ExchangedAt, kept.AppHost = res.CodeRegion, res.ExchangedAt, res.AppHost
	fresh := !due(s.Expiry, lifetime(kept.Token, s.SavedAt), m.Now())
	if fresh {
		kept.Notes = append(kept.Notes, "another ssodesk refreshed the kept session meanwhile; took its tokens")
	}
	return &auth.Refreshed{Result: kept, NewIDToken: kept.RawIDToken != res.RawIDToken,
		Changes: auth.DiffClaims(res.Claims, kept.Claims), Rotated: s.RefreshToken != res.Token.RefreshToken}, fresh
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
