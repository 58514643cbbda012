package flow_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"ssodesk/flow"
	"ssodesk/safe"
)

// FuzzLogins: whatever a customer's HAR holds (URLs, redirects, bodies,
// headers), Logins finds its flows without a panic, with bounded output,
// and every finding printable.
func FuzzLogins(f *testing.F) {
	f.Add(authorizeURL(global, "prompt", "none"), "/home/error?errorId=x", `<div class="alert">Request Id: 1 unauthorized_client</div>`,
		"grant_type=authorization_code&code=eu.C", "SameOrigin", 302, 3)
	f.Add(authorizeURL(euIssuer), app+"?code=eu.C&state=S1&iss=x", `{"error":"invalid_grant","error_description":"code_verifier"}`,
		"grant_type=refresh_token&refresh_token=R", "", 302, 5)
	f.Add("https://x.test/authorize?response_type=code&client_id=a&redirect_uri=https%3A%2F%2Fa%2Fcb", "https://a/cb#code=1&state=",
		"\x1b[2J\x9b", "%zz", "Mon, 07 Dec 2026 22:00:00 GMT", 0, 2)
	f.Add("::bad", "http://[::1", "", "", "", 200, 1)
	// Shapes of cli/testdata/recorded (Chromium against the stand-in): a
	// login page refused in a script-made frame (status 200 and
	// net::ERR_BLOCKED_BY_RESPONSE), a token request CORS blocked (status 0,
	// net::ERR_FAILED), a mix-up's iss.
	const sample = "http://127.0.0.1:29300/authorize?client_id=himsa-sample-spa&response_type=code&scope=openid+profile+offline_access+noah.cloud.app.users.api&redirect_uri=http%3A%2F%2F127.0.0.1%3A29320%2Fcallback&state=S1&nonce=N1&code_challenge=jRwebes9&code_challenge_method=S256"
	f.Add(sample, "/login?authRequestID=a06256b5951fef6acababbf2ca9b3c0f", "<!doctype html><form method=post>", "", "net::ERR_BLOCKED_BY_RESPONSE", 200, 2)
	f.Add(sample, "http://127.0.0.1:29321/callback?code=eu.eyJ&state=S1&iss=http%3A%2F%2F127.0.0.1%3A29300", "", "grant_type=authorization_code&code=eu.eyJ&code_verifier=V",
		"net::ERR_FAILED", 0, 8)
	f.Add(sample, "http://127.0.0.1:29320/callback?code=us.eyJ&state=S1&iss=http%3A%2F%2F127.0.0.1%3A29302", "", "", "iframe", 302, 4)
	f.Fuzz(func(t *testing.T, authURL, location, body, form, header string, status, n int) {
		if n < 0 || n > 20 {
			n = 20
		}
		var b browser
		for i := range n {
			raw := authURL
			switch i % 4 {
			case 1:
				raw = location
			case 2:
				raw = global + "/connect/token"
			case 3:
				raw = app + "?code=eu.C&state=S1"
			}
			if u := flow.ParseURL(raw); u.Host == "" && i%4 == 1 {
				raw = global + location
			}
			method := http.MethodGet
			if i%4 == 2 {
				method = http.MethodPost
			}
			b.add(method, raw, status, loc(location), html(body), post(form), res("X-Frame-Options", header), res("Date", header),
				req("Origin", header), req("Sec-Fetch-Dest", header), bearer(form), framed(), failed(header))
		}
		ls := flow.Logins(b.xs, endpoints(), time.Minute)
		if len(ls) > n {
			t.Fatalf("%d logins from %d exchanges", len(ls), n)
		}
		for _, l := range ls {
			if len(l.Steps) == 0 || len(l.Steps) > n+1 || len(l.Findings) > 4*n+4 || l.FailedAt < 0 || l.FailedAt >= len(l.Steps) {
				t.Fatalf("%d steps, %d findings, failed at %d, from %d exchanges", len(l.Steps), len(l.Findings), l.FailedAt, n)
			}
			for _, fd := range l.Findings {
				for _, s := range []string{fd.Text, fd.Cause, fd.Fix} {
					if safe.Printable(s) != s || len(s) > 8000 {
						t.Fatalf("finding not printable or unbounded: %q", s)
					}
				}
			}
			_ = strings.TrimSpace(l.RegionStory())
		}
		flow.SensitiveDataNote(b.xs)
	})
}
