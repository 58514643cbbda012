package explain

import (
	"fmt"
	"strings"

	"ssodesk/auth"
)

// The words for a token pasted in the TUI (issue 24), and for decode's
// input: what does not decode, and what its verification says.

// MaxPastedToken bounds a pasted token: HIMSA's tokens "may vary greatly
// in length", but not past 1 MB.
const MaxPastedToken = 1 << 20

// PastedTooLarge says a paste over max bytes was refused.
func PastedTooLarge(what string, n, max int) string {
	return fmt.Sprintf("the paste is %d bytes, over the %d bytes (1 MB) a %s may have here, so it was not read: paste the %s alone", n, max, what, what)
}

// TokenNotDecoded says why raw is not a JWT that can be shown, in decode's
// words ("" when it decodes): malformed (a JWT's header, but a part that
// does not decode), cut (a JWT's header, but not three parts: half a
// token), or opaque.
func TokenNotDecoded(raw string) string {
	kind, _, err := auth.ClassifyToken(raw)
	switch kind {
	case auth.TokenJWT:
		return ""
	case auth.TokenAbsent:
		return "the token is empty"
	case auth.TokenMalformed:
		return "the token does not decode: " + err.Error()
	}
	if _, jerr := auth.DecodeJWT(raw); strings.HasPrefix(raw, "eyJ") && jerr != nil {
		return "not a JWT: " + jerr.Error() + " (a part of the token is missing: was it cut when copied?)"
	}
	return fmt.Sprintf("not a JWT (%d bytes, no header to decode): HIMSA's access and refresh tokens may be opaque", len(raw))
}

// The words of a pasted token's verification.
const (
	PastedNotYet        = "not verified"
	PastedUnknownIssuer = "not verified: unknown issuer"
	PastedOffline       = "not verified: offline"
	PastedVerified      = "verified"
	PastedNot           = "NOT verified"
)

// PastedVerdict is a pasted token's verification in a few words: rep is
// its report (nil: not verified yet), foreign the other environment's
// endpoint its issuer is ("HIMSA QA EU"; "" when it is none), known
// whether its issuer is an endpoint of the selected environment. Never
// "verified" for what was not checked.
func PastedVerdict(rep *auth.Report, known bool, foreign string) string {
	switch {
	case foreign != "":
		return "NOT verified: a token of " + foreign + ", another environment"
	case !known:
		return PastedUnknownIssuer
	case rep == nil:
		return PastedNotYet
	case rep.KeysUnavailable:
		return PastedOffline
	case rep.OK():
		return PastedVerified
	}
	return PastedNot
}

// PastedVerifyHint says what v does for a pasted token whose issuer is
// issuer, before it was pressed.
func PastedVerifyHint(issuer string) string {
	return "v checks it against " + issuer + "'s keys; nothing is sent with it"
}

// PastedReadOnly says what the inspector does with a pasted token.
const PastedReadOnly = "read-only: a pasted token, never sent anywhere"

// PastedIssuerNote says, before v, what a pasted token's verification can
// be: against the keys of issuer, an endpoint of env (known); of another
// environment (foreign); or not at all (an unknown issuer's keys are not
// trusted, so they are never fetched).
func PastedIssuerNote(issuer, env string, known bool, foreign string) string {
	if issuer == "" {
		issuer = "the token names no issuer (iss): it"
	}
	switch {
	case foreign != "":
		return issuer + " is the issuer of " + foreign + ", not an endpoint of " + env + "; v says so check by check"
	case !known:
		return issuer + " is no endpoint of " + env + ", so its keys are not trusted and never fetched"
	}
	return PastedVerifyHint(issuer)
}
