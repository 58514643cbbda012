package auth

import (
	"strings"
	"time"

	"ssodesk/check"
)

// Report is the full verification of one token: every check is run, so a
// user sees all that is wrong, not just the first thing.
type Report struct {
	Token     *JWT        // nil when the token does not decode
	Checks    []check.Row // each check's At is the time a time check judges (see Leeway)
	Issuer    string      // the token's iss
	Region    string      // the allow-listed region of that issuer; "" when not trusted
	JWKSURL   string      // where the signing key came from
	KeyID     string
	Refetched bool // the JWKS was fetched again for an unknown kid
	// KeysUnavailable: the issuer's keys could not be fetched (offline, or
	// the IdP did not answer), so the signature was not checked.
	KeysUnavailable bool
	Leeway          time.Duration // the clock skew the time checks tolerate
	// JWKSKeyIDs are the kids of the JWKS the signature was checked
	// against, as published (after a re-fetch, the re-fetched one's), and
	// SigningKeyID the kid of the key that verified the signature ("" when
	// none did). With more than one key, the others are being announced or
	// retired (IdentityServer publishes a key 14 days before it signs with
	// it and keeps it 14 days after).
	JWKSKeyIDs   []string
	SigningKeyID string
	// KeyRotatedAway: the token's kid is not in the issuer's JWKS even
	// after fetching it again — signed with a key the IdP has rotated away
	// (not a bare signature mismatch).
	KeyRotatedAway bool
}

// OK reports whether no check failed.
func (r *Report) OK() bool {
	if r == nil {
		return false
	}
	return len(r.Checks) > 0 && check.Verdict(r.Checks) != check.Fail
}

// Check returns the check called name.
func (r *Report) Check(name string) (check.Row, bool) {
	if r == nil {
		return check.Row{}, false
	}
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return check.Row{}, false
}

// Summary lists the checks with their marks: "signature ✓, issuer ✓, ...".
func (r *Report) Summary() string {
	if r == nil {
		return ""
	}
	parts := make([]string, 0, len(r.Checks))
	for _, c := range r.Checks {
		if c.Status != check.Skip {
			parts = append(parts, c.Name+" "+c.Status.Mark())
		}
	}
	return strings.Join(parts, ", ")
}

// Failures joins the failed checks' reasons.
func (r *Report) Failures() string {
	if r == nil {
		return "no report"
	}
	var parts []string
	for _, c := range r.Checks {
		if c.Status == check.Fail {
			parts = append(parts, c.Name+": "+c.Detail)
		}
	}
	return strings.Join(parts, "; ")
}

// VerifyError: the ID token of a login did not verify. The login's Result is
// still returned so the user can see the report.
type VerifyError struct{ Report *Report }

func (e *VerifyError) Error() string {
	return "ID token verification failed: " + e.Report.Failures()
}

// StatusWord is s in a verification's JSON: "pass", "fail", "warn",
// "skip". A verification has said "pass" since `login --json` began (and a
// report's verification checks say it too), where check.Status's own word,
// in `check --json` and a report's steps and endpoint checks, is "ok";
// check.Parse reads both.
func StatusWord(s check.Status) string {
	if s == check.Pass {
		return "pass"
	}
	return s.String()
}
