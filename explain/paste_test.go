package explain

import (
	"strings"
	"testing"

	"ssodesk/auth"
	"ssodesk/check"
)

func TestTokenNotDecoded(t *testing.T) {
	for raw, want := range map[string]string{
		"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln": "",
		"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0":      "not a JWT: a JWT has 3 dot-separated parts, this has 2 (a part of the token is missing",
		"eyJhbGciOiJSUzI1NiJ9.%%%.c2ln":            "the token does not decode: payload: not base64url",
		"opaque-123":                               "not a JWT (10 bytes, no header to decode)",
		"":                                         "the token is empty",
	} {
		got := TokenNotDecoded(raw)
		if want == "" && got != "" || !strings.HasPrefix(got, want) {
			t.Errorf("%q: %q, want %q…", raw, got, want)
		}
	}
}

// A pasted token is "verified" only when a verification passed; an
// unknown issuer or another environment's never is.
func TestPastedVerdict(t *testing.T) {
	pass := &auth.Report{Checks: []check.Row{{Name: "signature", Status: check.Pass}}}
	fail := &auth.Report{Checks: []check.Row{{Name: "signature", Status: check.Fail}}}
	for _, c := range []struct {
		rep     *auth.Report
		known   bool
		foreign string
		want    string
	}{
		{nil, true, "", PastedNotYet},
		{pass, true, "", PastedVerified},
		{fail, true, "", PastedNot},
		{&auth.Report{KeysUnavailable: true}, true, "", PastedOffline},
		{pass, false, "", PastedUnknownIssuer},
		{nil, false, "", PastedUnknownIssuer},
		{pass, false, "HIMSA QA EU", "NOT verified: a token of HIMSA QA EU, another environment"},
	} {
		if got := PastedVerdict(c.rep, c.known, c.foreign); got != c.want {
			t.Errorf("PastedVerdict(%v, %v, %q) = %q, want %q", c.rep != nil, c.known, c.foreign, got, c.want)
		}
	}
}
