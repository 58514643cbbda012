package auth

import (
	"strings"
	"time"
)

// Status is the outcome of one verification check.
type Status int

const (
	Pass Status = iota
	Fail
	Warn // suspicious but not a failure (e.g. the local clock looks off)
	Skip // not applicable (no at_hash claim, no nonce expected)
)

func (s Status) String() string {
	return [...]string{"pass", "fail", "warn", "skip"}[s]
}

// Mark is the one-character symbol for a status.
func (s Status) Mark() string {
	switch s {
	case Pass:
		return "✓"
	case Fail:
		return "✗"
	case Warn:
		return "!"
	}
	return "–"
}

// Check is one verification step and why it passed or failed.
type Check struct {
	Name   string // "signature", "issuer", "audience", ...
	Status Status
	Detail string
	// At is the time a time check (expiry, not before, issued at) judges;
	// zero for the others. See Report.At.
	At time.Time
}

// Report is the full verification of one token: every check is run, so a
// user sees all that is wrong, not just the first thing.
type Report struct {
	Token     *JWT // nil when the token does not decode
	Checks    []Check
	Issuer    string // the token's iss
	Region    string // the allow-listed region of that issuer; "" when not trusted
	JWKSURL   string // where the signing key came from
	KeyID     string
	Refetched bool          // the JWKS was fetched again for an unknown kid
	Leeway    time.Duration // the clock skew the time checks tolerate
}

// OK reports whether no check failed.
func (r *Report) OK() bool {
	if r == nil {
		return false
	}
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Check returns the check called name.
func (r *Report) Check(name string) (Check, bool) {
	if r == nil {
		return Check{}, false
	}
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Summary lists the checks with their marks: "signature ✓, issuer ✓, ...".
func (r *Report) Summary() string {
	if r == nil {
		return ""
	}
	parts := make([]string, 0, len(r.Checks))
	for _, c := range r.Checks {
		if c.Status != Skip {
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
		if c.Status == Fail {
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
