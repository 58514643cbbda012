package explain

import (
	"strings"
	"testing"
)

func TestRegionStory(t *testing.T) {
	res := func(chosen, code, issuerRegion, claim string) Story {
		return Story{Chosen: chosen, Code: code, IssuerRegion: issuerRegion, ClaimRegion: claim, HasAPI: true}
	}
	cases := []struct {
		r    Story
		want []string
	}{
		{res("global", "eu", "global", "eu"), []string{"global endpoint and picked an account in EU", "issued by the global endpoint you used"}},
		{res("global", "eu", "eu", "eu"), []string{"issued by the EU IdP, not the global endpoint"}},
		{res("us", "us", "us", "us"), []string{"at the US endpoint with a US account"}},
		{res("eu", "eu", "eu", "eu"), []string{"at the EU endpoint with an EU account"}},
		{res("qa", "qa", "qa", "qa"), []string{"with a QA account"}},
		{res("us", "eu", "us", "eu"), []string{"You chose US but the code came from EU"}},
		{res("eu", "", "eu", "eu"), []string{"no region prefix"}},
		{res("global", "eu", "global", "us"), []string{"region claim (us) differs from the code's prefix (eu)"}},
		{res("global", "eu", "", "eu"), []string{"not one of the configured regions"}},
		{exchanged(res("global", "eu", "eu", "eu"), "eu"), []string{"the code was exchanged at the EU endpoint its prefix names (exchange_at: code-region), not at the global one",
			"issued by the EU IdP that exchanged the code"}},
		{exchanged(res("global", "eu", "global", "eu"), "global"), []string{"exchanged at the global endpoint, which HIMSA hands to the EU IdP", "issued by the global endpoint you used"}},
		{exchanged(res("us", "eu", "eu", "eu"), "eu"), []string{"You chose US but the code came from EU", "exchanged at the EU endpoint (exchange_at: code-region)", "issued by the EU IdP that exchanged the code"}},
	}
	for _, tc := range cases {
		got := RegionStory(tc.r)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("story %q lacks %q", got, w)
			}
		}
	}
}

func exchanged(r Story, region string) Story {
	r.Exchanged = region
	return r
}

func TestMask(t *testing.T) {
	if got := Mask("eyJhbGciOiJSUzI1NiJ9.payload.signatureXYZ"); got != "eyJhbG…eXYZ (41 bytes)" {
		t.Errorf("Mask = %q", got)
	}
	if got := Mask("short"); strings.Contains(got, "short") {
		t.Errorf("short secret shown: %q", got)
	}
}

// A custom environment's global endpoint tells the global story whatever
// its name; a non-production environment names its endpoints.
func TestGlobalStoryByFlagNotName(t *testing.T) {
	got := RegionStory(Story{Chosen: "acme-main", Global: true, Code: "de", IssuerRegion: "acme-main", HasAPI: true, Env: EnvName("staging-acme")})
	for _, want := range []string{"staging-acme: You used the staging-acme acme-main endpoint and picked an account in DE", "which HIMSA hands to the staging-acme DE IdP"} {
		if !strings.Contains(got, want) {
			t.Errorf("story %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "a regional endpoint should offer only its own region's accounts") {
		t.Errorf("a global endpoint told the regional story: %q", got)
	}
}

// TestRegionStoryNoExchange: a web app's login in a HAR: the code went to
// its server, no exchange or token is in the HAR, and the story does not
// guess where the code was exchanged or who issued the tokens.
func TestRegionStoryNoExchange(t *testing.T) {
	s := RegionStory(Story{Chosen: "global", Code: "eu", Global: true, App: true, NoExchange: true})
	for _, want := range []string{"The app used the global endpoint and picked an account in EU.", "the app exchanged the code on its server"} {
		if !strings.Contains(s, want) {
			t.Errorf("story lacks %q: %s", want, s)
		}
	}
	for _, not := range []string{"was exchanged at", "issuer", "api claim"} {
		if strings.Contains(s, not) {
			t.Errorf("story says %q: %s", not, s)
		}
	}
}
