package api

import "testing"

// TestScopeInDescription: a challenge without scope= whose description
// names the scope (the stand-in's, and a likely API's, words).
func TestScopeInDescription(t *testing.T) {
	for desc, want := range map[string]string{
		"token lacks scope noah.cloud.app.admin.api":   "noah.cloud.app.admin.api",
		`requires scope "noah.cloud.app.admin.api".`:   "noah.cloud.app.admin.api",
		"insufficient scope for this call":             "",
		"":                                             "",
		"the scope: is missing (see docs.example.com)": "",
	} {
		if got := scopeIn(desc); got != want {
			t.Errorf("scopeIn(%q) = %q, want %q", desc, got, want)
		}
	}
}
