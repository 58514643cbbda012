package explain

import (
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
)

func TestHARCheckCommand(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"app", "https://app.test/cb"}:        "ssodesk check --client-id app --redirect-uri https://app.test/cb",
		{"my app", "https://a.test/cb?x=1&y"}: "ssodesk check --client-id 'my app' --redirect-uri 'https://a.test/cb?x=1&y'",
		{"", "it's"}:                          `ssodesk check --client-id '' --redirect-uri 'it'\''s'`,
	} {
		if got := HARCheckCommand(in[0], in[1]); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestHARErrorPageCause(t *testing.T) {
	known := HARErrorPageCause(Refusal{Cause: auth.CauseRedirectURI, ClientID: "app", RedirectURI: "https://a/cb"}, "code")
	if !strings.HasPrefix(known, "The IdP does not accept the redirect URI https://a/cb for client app") || !strings.HasSuffix(known, HARErrorIDNote) {
		t.Errorf("known cause: %q", known)
	}
	other := HARErrorPageCause(Refusal{ClientID: "app", RedirectURI: "https://a/cb"}, "code")
	for _, w := range []string{"redirect URI https://a/cb is not registered for the client app", "does not know the client app", "response_type code"} {
		if !strings.Contains(other, w) {
			t.Errorf("likely causes %q lack %q", other, w)
		}
	}
}

func TestHARInvalidGrantCause(t *testing.T) {
	for _, tc := range []struct {
		code, token string
		reused      bool
		age         time.Duration
		want        string
	}{
		{"eu", "us", false, 0, "names EU but it was exchanged at the US endpoint"},
		{"eu", "eu", true, 0, "exchanged twice"},
		{"eu", "", false, 7 * time.Minute, "7m"},
		{"", "", false, time.Second, "spent, expired"},
	} {
		if got := HARInvalidGrantCause(tc.code, tc.token, tc.reused, tc.age); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q", tc, got)
		}
	}
}
