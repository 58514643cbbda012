package auth

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"ssodesk/check"
)

// RFC 9207: a response whose iss is another IdP's, or that lacks the iss the
// IdP promised, ends the login with a mix-up error and no code; a right iss
// is a ✓ line for the report; an IdP that sends none (and promises none) is
// a – line.
func TestResponseIssuerCheck(t *testing.T) {
	const idp = "https://idp.himsa-sso.com"
	cases := []struct {
		name     string
		check    issCheck
		query    string
		wantErr  string
		wantMark check.Status
	}{
		{"forged iss", issCheck{allowed: []string{idp}, required: true}, "iss=https://attacker.example", "came from https://attacker.example, not from " + idp, check.Fail},
		{"forged iss, not promised", issCheck{allowed: []string{idp}}, "iss=https://attacker.example", "mix-up", check.Fail},
		{"missing iss where promised", issCheck{allowed: []string{idp}, required: true}, "", "carries no iss although the IdP promises one", check.Fail},
		{"right iss", issCheck{allowed: []string{idp}, required: true}, "iss=" + url.QueryEscape(idp), "", check.Pass},
		{"a regional iss after the global endpoint", issCheck{allowed: []string{idp, "https://idp-eu.himsa-sso.com"}, required: true}, "iss=https://idp-eu.himsa-sso.com", "", check.Pass},
		{"no iss, none promised", issCheck{allowed: []string{idp}}, "", "", check.Skip},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := newLoopback(t, "http://127.0.0.1:0/callback")
			l.iss = tc.check
			q, _ := url.ParseQuery("code=eu.abc&state=the-state&" + tc.query)
			l.handle(q)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			code, err := l.wait(ctx, time.Second)
			var mix *MixUpError
			switch {
			case tc.wantErr == "" && (err != nil || code != "eu.abc"):
				t.Fatalf("wait = %q, %v", code, err)
			case tc.wantErr != "" && (!errors.As(err, &mix) || !strings.Contains(err.Error(), tc.wantErr) || code != ""):
				t.Fatalf("wait = %q, %v; want a mix-up error saying %q", code, err, tc.wantErr)
			}
			if l.issResult.Name != "response issuer" || l.issResult.Status != tc.wantMark {
				t.Errorf("check = %+v, want %s", l.issResult, tc.wantMark.Mark())
			}
		})
	}
}
