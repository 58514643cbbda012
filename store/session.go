package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/auth"
)

// FromResult is what is kept of a login.
func FromResult(res *auth.Result, clientID string) Session {
	s := Session{Region: res.Region.Name, Issuer: res.Region.Issuer, ClientID: clientID, CodeRegion: res.CodeRegion,
		IDToken: res.RawIDToken, Scopes: res.Scopes}
	if res.Token != nil {
		s.AccessToken, s.RefreshToken, s.TokenType, s.Expiry = res.Token.AccessToken, res.Token.RefreshToken, res.Token.TokenType, res.Token.Expiry
	}
	return s
}

// Restore turns a stored session back into a usable one (see auth.Restore).
func (s Session) Restore(ctx context.Context, o auth.Options) (*auth.Result, error) {
	tok := &oauth2.Token{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: s.TokenType, Expiry: s.Expiry}
	return auth.Restore(ctx, o, tok, s.IDToken, s.CodeRegion, s.Scopes)
}

// Resume loads the stored session of region and client from st, restored
// and refreshed when it expires within RefreshMargin. ok is false when none
// is stored.
func Resume(ctx context.Context, st Store, o auth.Options, now time.Time) (res *auth.Result, ok bool, err error) {
	s, err := st.Load(o.Region.Name, o.ClientID)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if res, err = s.Restore(ctx, o); err != nil {
		return nil, false, err
	}
	var refreshed bool
	if res, refreshed, err = Fresh(ctx, st, res, o.ClientID, now); err != nil {
		return nil, false, err
	}
	if refreshed {
		res.Notes = append(res.Notes, "refreshed the stored session (it expired within a minute)")
	}
	res.LoadedFrom = fmt.Sprintf("%s, kept %s", st.Where(), s.SavedAt.Local().Format("2006-01-02 15:04"))
	return res, true, nil
}

// RefreshMargin: a stored access token expiring sooner than this is
// refreshed before use.
const RefreshMargin = time.Minute

// Fresh refreshes res when its access token expires within RefreshMargin and
// a refresh token exists, and keeps the new tokens in st. It reports whether
// it refreshed. An expiring token without a refresh token is an error that
// says to log in again.
func Fresh(ctx context.Context, st Store, res *auth.Result, clientID string, now time.Time) (*auth.Result, bool, error) {
	exp := res.Token.Expiry
	if exp.IsZero() || exp.Sub(now) > RefreshMargin {
		return res, false, nil
	}
	if res.CanRefresh() != nil {
		return nil, false, fmt.Errorf("the stored access token expires at %s and there is no refresh token: log in again",
			exp.Local().Format("2006-01-02 15:04:05"))
	}
	ref, err := res.Refresh(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("refreshing the stored session: %w", err)
	}
	if err := st.Save(FromResult(ref.Result, clientID)); err != nil {
		return nil, false, err
	}
	return ref.Result, true, nil
}
