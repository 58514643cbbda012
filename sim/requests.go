package sim

import (
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// authRequest is a pending or completed authorization request. It implements
// op.AuthRequest. Values handed to zitadel are copies; the stored value is
// only changed by the core under its lock.
type authRequest struct {
	ID string
	// Endpoint is the region whose /authorize created the request; only that
	// endpoint's login page and callback accept it.
	Endpoint  string
	CreatedAt time.Time

	ClientID      string
	RedirectURI   string
	State         string
	Nonce         string
	Scopes        []string
	ResponseType  oidc.ResponseType
	ResponseMode  oidc.ResponseMode
	CodeChallenge *oidc.CodeChallenge
	LoginHint     string
	// MaxAge is the max_age authorize parameter in seconds (nil: not
	// sent): an SSO session older than that signs the user in again.
	MaxAge *uint
	// ACRValues are the acr_values; IdentityServer reads idp:NAME and
	// tenant:NAME from them (the stand-in offers only the tenant's accounts).
	ACRValues []string

	// Prompt is the prompt authorize parameter (none, login,
	// select_account, consent).
	Prompt []string

	// CultureLCID is the raw culture-lcid authorize parameter ("" if absent).
	CultureLCID string
	// ForceChoose records that forcechoose (HIMSA's switch-account
	// parameter) was passed, with any value: the account chooser is shown
	// even when the SSO session could sign the user in silently.
	ForceChoose bool

	// UserID is the chosen account (set on login); AuthTime when it was chosen.
	UserID   string
	AuthTime time.Time
	done     bool
}

// GetID implements op.AuthRequest.
func (a *authRequest) GetID() string { return a.ID }

// GetACR implements op.AuthRequest.
func (a *authRequest) GetACR() string { return "" }

// GetAMR implements op.AuthRequest.
func (a *authRequest) GetAMR() []string {
	if a.done {
		return []string{"pwd"}
	}
	return nil
}

// GetAudience implements op.AuthRequest.
func (a *authRequest) GetAudience() []string { return []string{a.ClientID} }

// GetAuthTime implements op.AuthRequest.
func (a *authRequest) GetAuthTime() time.Time { return a.AuthTime }

// GetClientID implements op.AuthRequest.
func (a *authRequest) GetClientID() string { return a.ClientID }

// GetCodeChallenge implements op.AuthRequest.
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.CodeChallenge }

// GetNonce implements op.AuthRequest.
func (a *authRequest) GetNonce() string { return a.Nonce }

// GetRedirectURI implements op.AuthRequest.
func (a *authRequest) GetRedirectURI() string { return a.RedirectURI }

// GetResponseType implements op.AuthRequest.
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.ResponseType }

// GetResponseMode implements op.AuthRequest.
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.ResponseMode }

// GetScopes implements op.AuthRequest.
func (a *authRequest) GetScopes() []string { return a.Scopes }

// GetState implements op.AuthRequest.
func (a *authRequest) GetState() string { return a.State }

// GetSubject implements op.AuthRequest.
func (a *authRequest) GetSubject() string { return a.UserID }

// Done implements op.AuthRequest.
func (a *authRequest) Done() bool { return a.done }

// refreshTokenRequest is what a refresh token stands for. It implements
// op.RefreshTokenRequest.
type refreshTokenRequest struct {
	Token    string
	Subject  string
	ClientID string
	Scopes   []string
	AMR      []string
	Audience []string
	AuthTime time.Time
	Expires  time.Time
	// Region is the region of the account (where the session lives).
	Region string
	// AccessTokenID is the access token issued together with this token.
	AccessTokenID string
}

// GetAMR implements op.RefreshTokenRequest.
func (r *refreshTokenRequest) GetAMR() []string { return r.AMR }

// GetAudience implements op.RefreshTokenRequest.
func (r *refreshTokenRequest) GetAudience() []string { return r.Audience }

// GetAuthTime implements op.RefreshTokenRequest.
func (r *refreshTokenRequest) GetAuthTime() time.Time { return r.AuthTime }

// GetClientID implements op.RefreshTokenRequest.
func (r *refreshTokenRequest) GetClientID() string { return r.ClientID }

// GetScopes implements op.RefreshTokenRequest.
func (r *refreshTokenRequest) GetScopes() []string { return r.Scopes }

// GetSubject implements op.RefreshTokenRequest.
func (r *refreshTokenRequest) GetSubject() string { return r.Subject }

// SetCurrentScopes implements op.RefreshTokenRequest (a refresh request may
// narrow the scopes).
func (r *refreshTokenRequest) SetCurrentScopes(scopes []string) { r.Scopes = scopes }

// serviceTokenRequest is a client-credentials request. Its subject is the
// service client ID. It implements op.TokenRequest.
type serviceTokenRequest struct {
	ClientID string
	Scopes   []string
}

// GetSubject implements op.TokenRequest.
func (s *serviceTokenRequest) GetSubject() string { return s.ClientID }

// GetAudience implements op.TokenRequest.
func (s *serviceTokenRequest) GetAudience() []string { return []string{s.ClientID} }

// GetScopes implements op.TokenRequest.
func (s *serviceTokenRequest) GetScopes() []string { return s.Scopes }

// accessToken records an issued access token, so UserInfo, introspection
// and revocation can find it by its ID (the JWT's jti).
type accessToken struct {
	ID       string
	Subject  string
	ClientID string
	Scopes   []string
	Audience []string
	Expires  time.Time
	Region   string
}
