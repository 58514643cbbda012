package auth

import "testing"

func TestTrimPastedToken(t *testing.T) {
	for in, want := range map[string]string{
		"abc":                           "abc",
		"  Bearer abc\n":                "abc",
		"bearer\tabc":                   "abc",
		"Authorization: Bearer abc\r\n": "abc",
		"AUTHORIZATION:bearer abc":      "abc",
		"Bearer":                        "",
		"Bearerabc":                     "Bearerabc",
		"Authorization: Basic dXNlcjpw": "Basic dXNlcjpw",
	} {
		if got := TrimPastedToken(in); got != want {
			t.Errorf("TrimPastedToken(%q) = %q, want %q", in, got, want)
		}
	}
}
