package transport

import (
	"encoding/base64"
	"strings"
	"testing"
)

// benchTokenResponse is a token endpoint's answer as the trace records it:
// three JWT-sized secrets to redact, and the rest kept.
func benchTokenResponse() []byte {
	jwt := func(n int) string {
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." + enc([]byte(strings.Repeat("c", n))) + "." + enc(make([]byte, 256))
	}
	return []byte(`{"access_token":"` + jwt(600) + `","token_type":"Bearer","expires_in":3600,` +
		`"refresh_token":"rt-Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT",` +
		`"id_token":"` + jwt(900) + `","scope":"openid profile noah.cloud.app.users.api"}`)
}

// BenchmarkRedactBody measures the trace redactor on what it meets:
//   - token-response: a token endpoint's JSON answer (3 secrets);
//   - json-1MB: a 1 MB JSON body (an API list) with one secret field early on,
//     whose value is then searched for in the whole body;
//   - text-1MB: a 1 MB body that is neither form nor JSON (kept as it is);
//   - form: a token request (code, code_verifier in a form body).
//
// Run: go test -run '^$' -bench Redact ./transport
func BenchmarkRedactBody(b *testing.B) {
	item := `{"id":"5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e01","name":"Mette Sørensen","email":"mette.sorensen@nordlyd-hoerecenter.dk"},`
	var big strings.Builder
	big.WriteString(`{"token":"Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT","users":[`)
	for big.Len() < 1<<20-len(item) {
		big.WriteString(item)
	}
	big.WriteString(`{}]}`)
	cases := []struct {
		name, ctype string
		body        []byte
		want        string // must be gone from the output
	}{
		{"token-response", "application/json; charset=utf-8", benchTokenResponse(), "rt-Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT"},
		{"json-1MB", "application/json", []byte(big.String()), "Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT"},
		{"text-1MB", "text/plain", []byte(strings.Repeat("log line without secrets\n", (1<<20)/25)), ""},
		{"form", "application/x-www-form-urlencoded", []byte("grant_type=authorization_code&code=eu.Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT" +
			"&code_verifier=Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhTabc&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&client_id=ssodesk-demo"),
			"eu.Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.want != "" && strings.Contains(RedactBody(c.ctype, c.body), c.want) {
				b.Fatalf("the secret survived redaction")
			}
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				_ = RedactBody(c.ctype, c.body)
			}
		})
	}
}

// BenchmarkRedactURL measures RedactURL on an authorize URL (no secrets but a
// long query), a callback URL (code and state) and a URL with userinfo.
func BenchmarkRedactURL(b *testing.B) {
	cases := []struct{ name, url string }{
		{"authorize", "http://127.0.0.1:45435/authorize?client_id=ssodesk-demo&code_challenge=G1KjfL-LuCpwmhpPh0V5Eh5powlGcX7_cx7T-MWw9iQ" +
			"&code_challenge_method=S256&nonce=OT4YKSFKXNCVAIN7M5X4CB2U35&redirect_uri=http%3A%2F%2F127.0.0.1%3A35691%2Fcallback" +
			"&response_type=code&scope=openid+profile+noah.cloud.app.users.api&state=TV2YDTAWPQQCHA5XQ6RA5IQ6U5"},
		{"callback", "http://127.0.0.1:35691/callback?code=eu.Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT&state=TV2YDTAWPQQCHA5XQ6RA5IQ6U5"},
		{"userinfo", "https://user:s3cr3t-pa55@proxy.example:3128/path?x=1#access_token=abcdef123456&token_type=Bearer"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = RedactURL(c.url)
			}
		})
	}
}
