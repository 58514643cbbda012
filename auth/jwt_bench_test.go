package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchToken returns a signed-looking JWT whose payload holds about size
// bytes of claims (HIMSA: tokens "may vary greatly in length").
func benchToken(size int) string {
	claims := map[string]any{
		"iss": "https://idp.himsa-sso.com", "sub": "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e01",
		"aud": []string{"ssodesk-demo"}, "exp": 1795000000, "iat": 1794996400,
		"tenantid": "b2a1e7c4-0001-4d2e-8f10-0e0000000001", "region": "eu",
		"blob": strings.Repeat("x", max(size-300, 0)),
	}
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"k1","typ":"JWT"}`)) + "." + enc(payload) + "." + enc(make([]byte, 256))
}

// BenchmarkDecodeJWT measures DecodeJWT (split, base64url, JSON) on tokens
// of 1 KB, 64 KB and 1 MB of claims; the UI does this (in ClassifyToken) off
// its goroutine before it draws the access token tab.
// Run: go test -run '^$' -bench DecodeJWT ./auth
func BenchmarkDecodeJWT(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		raw := benchToken(size)
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			if _, err := DecodeJWT(raw); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeJWT(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
