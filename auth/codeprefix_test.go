package auth

import "testing"

func TestCodeRegion(t *testing.T) {
	cases := map[string]string{
		"eu.AbC-123_xyz":            "eu",
		"us.x":                      "us",
		"qa-eu.code":                "qa-eu",
		"au.with.more.dots":         "au",
		"NoPrefixAtAll":             "",
		"EU.upper":                  "", // HIMSA prefixes are lower case; anything else is opaque
		".leadingdot":               "",
		"eu.":                       "",
		"":                          "",
		"-eu.x":                     "",
		"averyveryverylongprefix.x": "",
		"eu%2e.x":                   "",
	}
	for code, want := range cases {
		if got := CodeRegion(code); got != want {
			t.Errorf("CodeRegion(%q) = %q, want %q", code, got, want)
		}
	}
}

func FuzzCodeRegion(f *testing.F) {
	for _, s := range []string{"eu.abc", "", ".", "us.", "qa-eu.x.y", "\xff.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		r := CodeRegion(code)
		if r == "" {
			return
		}
		if len(code) <= len(r)+1 || code[:len(r)+1] != r+"." {
			t.Fatalf("CodeRegion(%q) = %q is not a prefix followed by a dot and more", code, r)
		}
	})
}
