package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// getJSON GETs url into v.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// Options.Differ plants each difference in discovery and the JWKS, and a
// stand-in without it has none of them.
func TestDifferPlants(t *testing.T) {
	for _, tc := range []struct {
		name   string
		d      sim.Differences
		scope  string
		alg    string
		kty    string
		bits   int
		revoke bool
	}{
		{"none", sim.Differences{}, "", "RS256", "RSA", 2048, true},
		{"scope", sim.Differences{ExtraScope: "noah.cloud.app.admin"}, "noah.cloud.app.admin", "RS256", "RSA", 2048, true},
		{"es256", sim.Differences{KeyAlgorithm: "ES256"}, "", "ES256", "EC", 0, true},
		{"size", sim.Differences{KeySize: 3072}, "", "RS256", "RSA", 3072, true},
		{"norevoke", sim.Differences{NoRevocation: true}, "", "RS256", "RSA", 2048, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := simtest.Start(t, sim.Options{Environment: sim.EnvQA, Differ: tc.d})
			g, _ := s.Region(sim.GlobalRegion)
			var doc struct {
				Scopes     []string `json:"scopes_supported"`
				Algs       []string `json:"id_token_signing_alg_values_supported"`
				JWKS       string   `json:"jwks_uri"`
				Revocation string   `json:"revocation_endpoint"`
			}
			getJSON(t, g.Issuer+"/.well-known/openid-configuration", &doc)
			if tc.scope != "" && !slices.Contains(doc.Scopes, tc.scope) {
				t.Errorf("scopes_supported %v lacks %s", doc.Scopes, tc.scope)
			}
			if tc.scope == "" && len(doc.Scopes) != 5 {
				t.Errorf("scopes_supported %v: want the five", doc.Scopes)
			}
			if !slices.Equal(doc.Algs, []string{tc.alg}) {
				t.Errorf("id_token_signing_alg_values_supported %v, want %s", doc.Algs, tc.alg)
			}
			if (doc.Revocation != "") != tc.revoke {
				t.Errorf("revocation_endpoint %q, want present=%v", doc.Revocation, tc.revoke)
			}
			if !tc.revoke && getJSON(t, g.Issuer+"/revoke", nil) != http.StatusNotFound {
				t.Error("the revocation route still answers")
			}
			var set struct {
				Keys []struct{ Kty, Alg, N, Crv string } `json:"keys"`
			}
			getJSON(t, doc.JWKS, &set)
			if len(set.Keys) != 1 || set.Keys[0].Kty != tc.kty || set.Keys[0].Alg != tc.alg {
				t.Fatalf("JWKS %+v, want one %s %s key", set.Keys, tc.kty, tc.alg)
			}
			if bits := len(set.Keys[0].N) * 6 / 8 * 8; tc.bits != 0 && (bits < tc.bits-8 || bits > tc.bits) {
				t.Errorf("RSA modulus about %d bits, want %d", bits, tc.bits)
			}
		})
	}
}

// A difference the stand-in cannot play is refused at Start.
func TestDifferRefused(t *testing.T) {
	for _, d := range []sim.Differences{{KeyAlgorithm: "HS256"}, {KeySize: 1024}, {KeyAlgorithm: "ES256", KeySize: 4096}, {ExtraScope: "a b"}} {
		if _, err := sim.Start(t.Context(), sim.Options{Differ: d}); err == nil {
			t.Errorf("%+v: started", d)
		}
	}
}
