package explain

// tokenErrorMeanings say what a token endpoint's OAuth error code means for
// the person at the keyboard, and what to do (RFC 6749 §5.2).
var tokenErrorMeanings = map[string]string{
	"invalid_client": "the IdP did not accept this client: the client ID is unknown at this endpoint, " +
		"or it needs a client secret (set client_secret_file) and the one sent is missing or wrong for this endpoint",
	"invalid_grant": "the code or refresh token is spent, expired, revoked, or was issued to another client " +
		"or at another endpoint: log in again",
	"unauthorized_client":    "HIMSA has not allowed this client to use this grant type: ask HIMSA to enable it for the app",
	"unsupported_grant_type": "the IdP does not support this grant type",
	"invalid_scope":          "a requested scope is unknown or not allowed for this client: check scopes in the config",
	"invalid_request":        "the request was malformed or missing a parameter",
}

// TokenErrorMeaning explains a token endpoint's OAuth error code ("" for
// codes it does not know).
func TokenErrorMeaning(code string) string { return tokenErrorMeanings[code] }

// SecretHint says which config key gives an endpoint its client secret
// (HIMSA: a different secret per region), after the IdP refused the client.
func SecretHint(key string, sent bool) string {
	if sent {
		return "the secret sent for this endpoint comes from " + key + ": check it is this endpoint's"
	}
	return "no secret was sent for this endpoint: set " + key
}
