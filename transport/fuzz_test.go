package transport

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// testMarkerRe finds Redacted markers (markerSpans is the code's own finder).
var testMarkerRe = regexp.MustCompile(`\[redacted [0-9]{1,12} bytes\]`)

// FuzzRedactBody: the body redactor never panics, keeps UTF-8 text UTF-8,
// and is idempotent (the UI may run recorded text through it again).
func FuzzRedactBody(f *testing.F) {
	seeds := []struct{ ct, body string }{
		{"application/json", `{"access_token":"abc.def.ghi","token_type":"Bearer","expires_in":3600}`},
		{"application/json", `{"a":{"b":[{"refresh_token":"r1r1r1r1"}]},"note":"r1r1r1r1 again"}`},
		{"application/json", `{"id_token":"cut-in-the-mid`},
		{"application/json", `{"code":"a\"b\\c\u00e9\/","x":"a\"b"}`},
		{"application/json", `{"token": {"token": "inner-token"}, "password": 1234}`},
		{"application/problem+json; charset=utf-8", `[{"password":"hunter22"},"hunter22"]`},
		{"application/x-www-form-urlencoded", "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&code_verifier=xyz123456&client_secret=s%2Fc%2Bret"},
		{"application/x-www-form-urlencoded", "code=&code&=x&%zz=1&token=%zz%zz%zz"},
		{"", `  {"assertion":"eyJ.eyJ.sig"}`},
		{"text/html", "<p>code 123456 is invalid</p>"},
		{"application/octet-stream", "\x00\xff\xfe"},
		{"text/plain", "caf\xc3"},
		{"application/json", `{"access_token":"[redacted 3 bytes]","x":"[redacted 3 bytes]"}`},
		{"bad/type;;;", `{"code":"redacted","y":"[redacted 8 bytes]"}`},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		out := RedactBody(ct, body)
		if utf8.Valid(body) && !utf8.ValidString(out) {
			t.Fatalf("UTF-8 in, not UTF-8 out: %q → %q", body, out)
		}
		if again := RedactBody(ct, []byte(out)); again != out {
			t.Fatalf("not idempotent:\n in  %q\n out %q\n 2nd %q", body, out, again)
		}
	})
}

// FuzzRedactPlantedSecret: a token-like secret planted in a secret field of
// a JSON or form body never survives, wherever else it also appears.
func FuzzRedactPlantedSecret(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.payload.sig", "scope", "openid")
	f.Add("a", "note", "a a a")
	f.Add("redacted", "error", "redacted 8 bytes")
	f.Add("access_token", "access_token", "x")
	f.Add("123456", "n", "[redacted 123456 bytes] 123456")
	f.Add("r/f+t==", "echo", "r/f+t== r%2Ff%2Bt%3D%3D")
	f.Fuzz(func(t *testing.T, secret, otherKey, otherVal string) {
		secret = tokenChars(secret)
		if secret == "" || isMarker(secret) {
			return
		}
		for _, field := range SecretFields {
			okey, _ := json.Marshal(otherKey)
			oval, _ := json.Marshal(otherVal + " " + secret)
			sv, _ := json.Marshal(secret)
			body := `{` + string(okey) + `:` + string(oval) + `,"wrap":{"` + field + `":` + string(sv) + `}}`
			check(t, "application/json", body, secret)
			form := url.QueryEscape(otherKey) + "=" + url.QueryEscape(otherVal+" "+secret) + "&" + field + "=" + url.QueryEscape(secret)
			check(t, "application/x-www-form-urlencoded", form, secret)
		}
	})
}

func check(t *testing.T, ct, body, secret string) {
	t.Helper()
	out := RedactBody(ct, []byte(body))
	marker := Redacted(len(secret))
	if !strings.Contains(out, marker) {
		t.Fatalf("no %s in %q (from %q)", marker, out, body)
	}
	if len(secret) < minSecretLen {
		return // redacted in its field only
	}
	// Outside the markers, the secret must be gone.
	if strings.Contains(testMarkerRe.ReplaceAllString(out, "\x00"), secret) {
		t.Fatalf("secret %q survives in %q (from %q)", secret, out, body)
	}
}

// tokenChars keeps the characters tokens, codes and secrets are made of.
func tokenChars(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/=", r)) {
			return r
		}
		return -1
	}, s)
}
