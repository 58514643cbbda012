package api

import (
	"testing"
)

func TestParseChallenges(t *testing.T) {
	cases := []struct {
		in   string
		want []Challenge
	}{
		{`Bearer realm="noah", error="invalid_token", error_description="The access token expired"`,
			[]Challenge{{"Bearer", map[string]string{"realm": "noah", "error": "invalid_token", "error_description": "The access token expired"}}}},
		{`Bearer error="insufficient_scope", scope="noah.cloud.app.users.api"`,
			[]Challenge{{"Bearer", map[string]string{"error": "insufficient_scope", "scope": "noah.cloud.app.users.api"}}}},
		{`Bearer`, []Challenge{{"Bearer", map[string]string{}}}},
		{`Basic realm="x", Bearer error=invalid_token`,
			[]Challenge{{"Basic", map[string]string{"realm": "x"}}, {"Bearer", map[string]string{"error": "invalid_token"}}}},
		{`Bearer error_description="a, \"quoted\" comma", ERROR="x"`,
			[]Challenge{{"Bearer", map[string]string{"error_description": `a, "quoted" comma`, "error": "x"}}}},
		{`Bearer error="unterminated`, []Challenge{{"Bearer", map[string]string{"error": "unterminated"}}}},
		{`Negotiate abc123==`, []Challenge{{"Negotiate", map[string]string{}}}},
		{``, nil},
		{`, ,`, nil},
	}
	for _, tc := range cases {
		got := ParseChallenges(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %d challenges %v, want %v", tc.in, len(got), got, tc.want)
			continue
		}
		for i := range got {
			if got[i].Scheme != tc.want[i].Scheme || len(got[i].Params) != len(tc.want[i].Params) {
				t.Errorf("%q: challenge %d = %v, want %v", tc.in, i, got[i], tc.want[i])
				continue
			}
			for k, v := range tc.want[i].Params {
				if got[i].Param(k) != v {
					t.Errorf("%q: %s = %q, want %q", tc.in, k, got[i].Param(k), v)
				}
			}
		}
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{`Bearer realm="x", error="invalid_token"`, `Basic, Bearer`, `"`, `\`, `Bearer a="\`, `=,=`, "Bearer error=\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, c := range ParseChallenges(h) {
			if c.Scheme == "" || leadingToken(c.Scheme) != c.Scheme {
				t.Fatalf("scheme %q is not a token (input %q)", c.Scheme, h)
			}
			if c.Params == nil {
				t.Fatal("nil params")
			}
		}
	})
}
