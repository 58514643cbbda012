package explain

import (
	"encoding/json"
	"fmt"
	"slices"
	"ssodesk/safe"
	"time"
)

// claimLabels explain the claims support staff meet, in a few words.
var claimLabels = map[string]string{
	"iss":                "issuer (the IdP that signed it)",
	"sub":                "subject: the user's IdpId, globally unique",
	"aud":                "audience: who the token is for",
	"azp":                "authorized party (client ID)",
	"exp":                "expires",
	"iat":                "issued at",
	"nbf":                "not valid before",
	"auth_time":          "when the user logged in",
	"nonce":              "login nonce (replay protection)",
	"at_hash":            "hash of the access token",
	"c_hash":             "hash of the authorization code",
	"sid":                "IdP session ID",
	"jti":                "token ID",
	"amr":                "how the user authenticated",
	"acr":                "authentication context",
	"scope":              "granted scopes",
	"client_id":          "client the token was issued to",
	"name":               "display name",
	"email":              "e-mail",
	"email_verified":     "e-mail verified",
	"preferred_username": "username",
	"locale":             "user's locale",
	"tenantid":           "HIMSA: the tenant the user selected",
	"tenantname":         "HIMSA: the tenant's name",
	"api":                "HIMSA: API base URI to use",
	"region":             "HIMSA: the account's region",
	"noahuserid":         "HIMSA: Noah user ID, unique within the tenant",
	"noahroleid":         "HIMSA: Noah role",
}

// ClaimLabel explains a claim in a few words ("" for unknown claims).
func ClaimLabel(name string) string { return claimLabels[name] }

// TimeClaims are the NumericDate claims shown as local and relative times.
var TimeClaims = []string{"exp", "iat", "nbf", "auth_time"}

// ClaimValue is a claim's value as copied: strings as they are, numbers in
// full, anything else as compact JSON. It is raw: make it Printable before
// it reaches a terminal.
func ClaimValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// ClaimText is a claim's value in a table: NumericDate claims as local and
// relative time, the others as ClaimValue, always printable.
func ClaimText(name string, v any, now time.Time) string {
	if slices.Contains(TimeClaims, name) {
		var secs float64
		switch x := v.(type) {
		case json.Number:
			secs, _ = x.Float64()
		case float64:
			secs = x
		}
		if secs > 0 {
			return LocalTime(time.Unix(int64(secs), 0), now)
		}
	}
	return safe.Printable(ClaimValue(v))
}
