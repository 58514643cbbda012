package sim

import (
	"slices"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// HIMSA-specific claim names.
const (
	ClaimTenantID = "tenantid"
	// ClaimIDP names the identity provider the user signed in with;
	// IdentityServer puts it in every ID token, "local" for its own login.
	ClaimIDP        = "idp"
	ClaimTenantName = "tenantname"
	ClaimAPI        = "api"
	ClaimRegion     = "region"
	ClaimNoahUserID = "noahuserid"
	ClaimNoahRoleID = "noahroleid"
	ClaimScope      = "scope"
)

// setProfileClaims adds name (scope profile) and email (scope profile or
// email) of acc to info.
func setProfileClaims(info *oidc.UserInfo, acc Account, scopes []string) {
	info.Subject = acc.ID
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.Name = acc.Name
		info.PreferredUsername = acc.Email
	}
	if slices.Contains(scopes, oidc.ScopeProfile) || slices.Contains(scopes, oidc.ScopeEmail) {
		info.Email = acc.Email
		info.EmailVerified = oidc.Bool(true)
	}
}

// IDPLocal is the idp claim of a login at the IdP itself (IdentityServer's word).
const IDPLocal = "local"

// setIDTokenClaims fills the ID token claims of acc: sub, tenantid, api,
// region, plus name/email by scope. apiURL is the API base of acc's region.
func setIDTokenClaims(info *oidc.UserInfo, acc Account, scopes []string, apiURL string) {
	setProfileClaims(info, acc, scopes)
	info.AppendClaims(ClaimTenantID, acc.TenantID)
	info.AppendClaims(ClaimAPI, apiURL)
	info.AppendClaims(ClaimRegion, acc.Region)
	info.AppendClaims(ClaimIDP, IDPLocal)
}

// setUserinfoClaims fills a UserInfo response for acc: sub, noahuserid,
// noahroleid, tenantname, tenantid, plus name/email by scope.
func setUserinfoClaims(info *oidc.UserInfo, acc Account, scopes []string) {
	setProfileClaims(info, acc, scopes)
	info.AppendClaims(ClaimNoahUserID, acc.NoahUserID)
	info.AppendClaims(ClaimNoahRoleID, acc.NoahRoleID)
	info.AppendClaims(ClaimTenantName, acc.TenantName)
	info.AppendClaims(ClaimTenantID, acc.TenantID)
}

// accessTokenClaims are the private claims of a JWT access token: the space
// separated scope, the region the token is valid for and, for a user, the
// tenant.
func accessTokenClaims(scopes []string, region, tenantID string) map[string]any {
	claims := map[string]any{
		ClaimScope:  strings.Join(scopes, " "),
		ClaimRegion: region,
	}
	if tenantID != "" {
		claims[ClaimTenantID] = tenantID
	}
	return claims
}
