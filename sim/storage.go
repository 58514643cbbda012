package sim

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// regionStorage is the op.Storage of one regional provider. It is a thin view
// on the shared core that knows which region it serves: that decides the
// signing key, the login URL, which auth requests and codes it accepts and
// the region of client-credentials tokens.
type regionStorage struct {
	c        *core
	region   string
	loginURL string
}

var (
	_ op.Storage                        = (*regionStorage)(nil)
	_ op.ClientCredentialsStorage       = (*regionStorage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*regionStorage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*regionStorage)(nil)
)

// ---- op.AuthStorage ----

// CreateAuthRequest stores a new auth request created at this endpoint,
// together with the culture-lcid/forcechoose extras captured from the
// authorize request (see withAuthorizeExtras).
func (s *regionStorage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	extras := authorizeExtrasFrom(ctx)
	ar := &authRequest{
		Endpoint:     s.region,
		ClientID:     req.ClientID,
		RedirectURI:  req.RedirectURI,
		State:        req.State,
		Nonce:        req.Nonce,
		Scopes:       append([]string(nil), req.Scopes...),
		ResponseType: req.ResponseType,
		ResponseMode: req.ResponseMode,
		LoginHint:    req.LoginHint,
		MaxAge:       req.MaxAge,
		ACRValues:    append([]string(nil), req.ACRValues...),
		Prompt:       append([]string(nil), req.Prompt...),
		CultureLCID:  extras.cultureLCID,
		ForceChoose:  extras.forceChoose,
	}
	if req.CodeChallenge != "" {
		method := req.CodeChallengeMethod
		if method == "" {
			method = oidc.CodeChallengeMethodPlain
		}
		ar.CodeChallenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: method}
	}
	s.c.createAuthRequest(ar)
	return s.c.authRequest(ar.ID, s.region)
}

// AuthRequestByID returns an auth request created at this endpoint.
func (s *regionStorage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	return s.c.authRequest(id, s.region)
}

// AuthRequestByCode returns the completed auth request behind code. A
// regional endpoint refuses codes of other regions (the token middleware
// reports that with a clear message first; this is the backstop).
func (s *regionStorage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	if err := crossRegionError("code", s.c.codeRegion(code), s.region); err != nil {
		return nil, err
	}
	return s.c.authRequestByCode(code)
}

// SaveAuthCode implements op.AuthStorage.
func (s *regionStorage) SaveAuthCode(_ context.Context, id, code string) error {
	return s.c.saveCode(id, code)
}

// DeleteAuthRequest implements op.AuthStorage (called once the code has been
// exchanged, which makes codes single-use).
func (s *regionStorage) DeleteAuthRequest(_ context.Context, id string) error {
	s.c.deleteAuthRequest(id)
	return nil
}

// tokenRegion is the region a token for request is valid in: the region of
// the user's account, or this endpoint's region for a service client.
func (s *regionStorage) tokenRegion(subject string) (region, tenantID string) {
	if acc, ok := s.c.account(subject); ok {
		return acc.Region, acc.TenantID
	}
	return s.region, ""
}

// newAccessToken builds (but does not store) the record of an access token
// for request.
func (s *regionStorage) newAccessToken(request op.TokenRequest) *accessToken {
	region, _ := s.tokenRegion(request.GetSubject())
	clientID := request.GetSubject()
	if r, ok := request.(interface{ GetClientID() string }); ok {
		clientID = r.GetClientID()
	}
	return &accessToken{
		ID:       newID(),
		Subject:  request.GetSubject(),
		ClientID: clientID,
		Scopes:   append([]string(nil), request.GetScopes()...),
		Audience: request.GetAudience(),
		Expires:  s.c.now().Add(s.c.opts.AccessTokenLifetime),
		Region:   region,
	}
}

// CreateAccessToken implements op.AuthStorage.
func (s *regionStorage) CreateAccessToken(_ context.Context, request op.TokenRequest) (string, time.Time, error) {
	t := s.newAccessToken(request)
	return s.c.storeAccessToken(t), t.Expires, nil
}

// CreateAccessAndRefreshTokens implements op.AuthStorage. zitadel calls it
// for a code exchange whose scopes include offline_access, and for every
// refresh grant (then currentRefreshToken is set and is rotated: it stops
// working and a new one is returned).
func (s *regionStorage) CreateAccessAndRefreshTokens(_ context.Context, request op.TokenRequest, currentRefreshToken string) (string, string, time.Time, error) {
	at := s.newAccessToken(request)
	rt := &refreshTokenRequest{
		Subject:       request.GetSubject(),
		ClientID:      at.ClientID,
		Scopes:        at.Scopes,
		Audience:      request.GetAudience(),
		Region:        at.Region,
		AccessTokenID: at.ID,
		AuthTime:      s.c.now().UTC(),
		AMR:           []string{"pwd"},
	}
	switch r := request.(type) {
	case op.AuthRequest:
		rt.AuthTime, rt.AMR = r.GetAuthTime(), r.GetAMR()
	case op.RefreshTokenRequest:
		rt.AuthTime, rt.AMR = r.GetAuthTime(), r.GetAMR()
	}
	token, err := s.c.rotateRefreshToken(rt, currentRefreshToken)
	if err != nil {
		return "", "", time.Time{}, err
	}
	s.c.storeAccessToken(at)
	return at.ID, token, at.Expires, nil
}

// TokenRequestByRefreshToken implements op.AuthStorage.
func (s *regionStorage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	r, err := s.c.refreshToken(token)
	if err != nil {
		return nil, err
	}
	if e := crossRegionError("refresh token", r.Region, s.region); e != nil {
		return nil, e
	}
	return r, nil
}

// TerminateSession implements op.AuthStorage.
func (s *regionStorage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.c.terminateSession(userID, clientID)
	return nil
}

// RevokeToken implements op.AuthStorage. zitadel passes a refresh token
// (as GetRefreshTokenInfo named it) or an access token's ID, with the
// subject either way: a known refresh token is revoked as one (with the
// access token issued beside it), anything else as an access token ID.
func (s *regionStorage) RevokeToken(_ context.Context, tokenOrTokenID, _, clientID string) *oidc.Error {
	var err error
	if _, rerr := s.c.refreshToken(tokenOrTokenID); rerr == nil {
		err = s.c.revokeRefreshToken(tokenOrTokenID, clientID)
	} else {
		err = s.c.revokeAccessToken(tokenOrTokenID, clientID)
	}
	if err != nil {
		return oidc.ErrInvalidClient().WithDescription("%s", err.Error())
	}
	return nil
}

// GetRefreshTokenInfo implements op.AuthStorage.
func (s *regionStorage) GetRefreshTokenInfo(_ context.Context, clientID, token string) (string, string, error) {
	r, err := s.c.refreshToken(token)
	if err != nil || r.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return r.Subject, r.Token, nil
}

// SigningKey implements op.AuthStorage: this region's own key.
func (s *regionStorage) SigningKey(context.Context) (op.SigningKey, error) {
	k, ok := s.c.signingKey(s.region)
	if !ok {
		return nil, fmt.Errorf("no signing key for region %s", s.region)
	}
	return k, nil
}

// SignatureAlgorithms implements op.AuthStorage: the algorithm of the
// region's keys (RS256 unless Options.Differ says another), known without
// waiting for the keys Start makes in the background (discovery answers
// at once).
func (s *regionStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{keyAlgorithm(s.c.opts.Differ)}, nil
}

// KeySet implements op.AuthStorage: the public keys of this region only
// (the current one and, after a rotation, the previous one). zitadel calls
// it on every JWKS request and every token verification, so a rotation is
// visible at once.
func (s *regionStorage) KeySet(context.Context) ([]op.Key, error) {
	keys := s.c.publishedKeys(s.region)
	if len(keys) == 0 {
		return nil, fmt.Errorf("no signing key for region %s", s.region)
	}
	out := make([]op.Key, len(keys))
	for i, k := range keys {
		out[i] = k.public()
	}
	return out, nil
}

// ---- op.OPStorage ----

// GetClientByClientID implements op.OPStorage.
func (s *regionStorage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	switch clientID {
	case s.c.opts.ClientID:
		return &client{id: clientID, kind: publicClient, loginURL: s.loginURL, idTokenLifetime: s.c.idTokenLifetime()}, nil
	case s.c.opts.ServiceClientID:
		return &client{id: clientID, kind: serviceClient, loginURL: s.loginURL, idTokenLifetime: s.c.idTokenLifetime()}, nil
	case s.c.opts.ConfidentialClientID:
		return &client{id: clientID, kind: confidentialClient, loginURL: s.loginURL, idTokenLifetime: s.c.idTokenLifetime()}, nil
	}
	if a, ok := s.c.app(clientID); ok {
		return s.c.appClient(a, s.loginURL), nil
	}
	return nil, fmt.Errorf("client %q: %w", clientID, errNotFound)
}

// AuthorizeClientIDSecret implements op.OPStorage: the service client has
// one secret; the confidential client one per region, that of the endpoint
// the request arrived at; a confidential App the same at every region.
func (s *regionStorage) AuthorizeClientIDSecret(ctx context.Context, clientID, secret string) error {
	want := ""
	switch clientID {
	case s.c.opts.ServiceClientID:
		want = s.c.opts.ServiceClientSecret
	case s.c.opts.ConfidentialClientID:
		want = s.c.confidentialSecret(arrivedAt(ctx, s.region))
	case APIScope: // the API resource, for introspection (IdentityServer: the API authenticates, not the client)
		want = s.c.opts.APIResourceSecret
	default:
		if a, ok := s.c.app(clientID); ok {
			want = a.Secret // "" for a public app: refused
		}
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		return errors.New("invalid client_id or client_secret")
	}
	return nil
}

// SetUserinfoFromScopes is deprecated by zitadel and intentionally empty;
// see SetUserinfoFromRequest.
func (s *regionStorage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest implements op.CanSetUserinfoFromRequest: the ID
// token claims (tenantid, api, region, and name/email by scope).
func (s *regionStorage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, request op.IDTokenRequest, scopes []string) error {
	acc, ok := s.c.account(request.GetSubject())
	if !ok {
		return fmt.Errorf("unknown user %q", request.GetSubject())
	}
	setIDTokenClaims(info, acc, scopes, s.c.regions[acc.Region].API)
	return nil
}

// SetUserinfoFromToken implements op.OPStorage (the UserInfo endpoint).
func (s *regionStorage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, err := s.c.accessToken(tokenID)
	if err != nil {
		return oidc.ErrAccessDenied().WithDescription("access token is unknown, expired or revoked")
	}
	acc, ok := s.c.account(t.Subject)
	if !ok || t.Subject != subject {
		return oidc.ErrAccessDenied().WithDescription("token has no user (client credentials tokens have no userinfo)")
	}
	setUserinfoClaims(info, acc, t.Scopes)
	return nil
}

// SetIntrospectionFromToken implements op.OPStorage.
func (s *regionStorage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, _ string) error {
	t, err := s.c.accessToken(tokenID)
	if err != nil || t.Subject != subject {
		return errNotFound
	}
	resp.Scope = t.Scopes
	resp.ClientID = t.ClientID
	resp.Subject = t.Subject
	resp.Audience = t.Audience
	resp.Expiration = oidc.FromTime(t.Expires)
	if acc, ok := s.c.account(t.Subject); ok {
		info := new(oidc.UserInfo)
		setUserinfoClaims(info, acc, t.Scopes)
		resp.SetUserInfo(info)
	}
	return nil
}

// GetPrivateClaimsFromScopes implements op.OPStorage. zitadel prefers
// GetPrivateClaimsFromRequest; this is the fallback for a user or client.
func (s *regionStorage) GetPrivateClaimsFromScopes(_ context.Context, userID, _ string, scopes []string) (map[string]any, error) {
	region, tenantID := s.tokenRegion(userID)
	return accessTokenClaims(scopes, region, tenantID), nil
}

// GetPrivateClaimsFromRequest implements op.CanGetPrivateClaimsFromRequest:
// the JWT access token gets scope (all granted scopes), region and tenantid.
func (s *regionStorage) GetPrivateClaimsFromRequest(_ context.Context, request op.TokenRequest, _ []string) (map[string]any, error) {
	region, tenantID := s.tokenRegion(request.GetSubject())
	return accessTokenClaims(request.GetScopes(), region, tenantID), nil
}

// GetKeyByIDAndClientID implements op.OPStorage; JWT client assertions are
// not supported.
func (s *regionStorage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT profile client authentication is not supported by the sim")
}

// ValidateJWTProfileScopes implements op.OPStorage.
func (s *regionStorage) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

// Health implements op.Storage.
func (s *regionStorage) Health(context.Context) error { return nil }

// ---- op.ClientCredentialsStorage ----

// ClientCredentials implements op.ClientCredentialsStorage.
func (s *regionStorage) ClientCredentials(ctx context.Context, clientID, secret string) (op.Client, error) {
	if err := s.AuthorizeClientIDSecret(ctx, clientID, secret); err != nil {
		return nil, err
	}
	return s.GetClientByClientID(ctx, clientID)
}

// ClientCredentialsTokenRequest implements op.ClientCredentialsStorage.
//
// Service apps never get a refresh token: offline_access (and any other
// scope the sim does not know, including openid) is dropped silently. With
// no scope left, the Noah API scope is granted.
func (s *regionStorage) ClientCredentialsTokenRequest(_ context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	granted := []string{}
	for _, sc := range scopes {
		if sc == APIScope && !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		granted = []string{APIScope}
	}
	return &serviceTokenRequest{ClientID: clientID, Scopes: granted}, nil
}
