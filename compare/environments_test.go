package compare_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// envOf is the stand-in s as a configured environment with its client.
func envOf(s *sim.Sim, clientID string) config.Environment {
	e := simtest.Environment(s)
	for i := range e.Endpoints {
		e.Endpoints[i].Env = e.Name
	}
	e.ClientID, e.RedirectURI, e.Scopes = clientID, "http://127.0.0.1:0/callback", []string{"openid", "profile", sim.APIScope}
	return e
}

// differences lists "pair/section/item" of every counted difference.
func differences(d *compare.EnvDiff) []string {
	var out []string
	for _, e := range d.OnlyA {
		out = append(out, "only A: "+e.Name)
	}
	for _, e := range d.OnlyB {
		out = append(out, "only B: "+e.Name)
	}
	for _, p := range d.Pairs {
		for _, s := range p.Sections {
			for _, it := range s.Items {
				if it.Differs() {
					out = append(out, p.Name+"/"+s.Name+"/"+it.Name)
				}
			}
		}
	}
	return out
}

func client() *http.Client { return &http.Client{Timeout: 5 * time.Second} }

// Two stand-ins, production and QA, differ only as any two IdPs do
// (issuers, key IDs, client IDs: expected) and in the endpoints only
// production has (us, au); each difference planted in QA is found, and
// nothing else.
func TestEnvironmentsFindsThePlantedDifference(t *testing.T) {
	prod := envOf(simtest.Start(t, sim.Options{Regions: []string{"global", "eu", "us", "au"}}), sim.DefaultClientID)
	for _, tc := range []struct {
		name string
		d    sim.Differences
		want []string
		// check looks at the found item.
		check func(t *testing.T, d *compare.EnvDiff)
	}{
		{name: "none"},
		{name: "extra scope", d: sim.Differences{ExtraScope: "noah.cloud.app.admin"},
			want: []string{"global/discovery/scopes_supported", "eu/discovery/scopes_supported"},
			check: func(t *testing.T, d *compare.EnvDiff) {
				it := find(t, d, "eu", compare.SectionDiscovery, "scopes_supported")
				if it.Mark != compare.Changed || len(it.OnlyA) != 0 || !slices.Equal(it.OnlyB, []string{"noah.cloud.app.admin"}) {
					t.Errorf("scopes_supported: %+v", it)
				}
			}},
		{name: "ES256", d: sim.Differences{KeyAlgorithm: "ES256"},
			want: []string{"global/discovery/id_token_signing_alg_values_supported", "global/jwks/key types",
				"eu/discovery/id_token_signing_alg_values_supported", "eu/jwks/key types"},
			check: func(t *testing.T, d *compare.EnvDiff) {
				it := find(t, d, "global", compare.SectionJWKS, "key types")
				if !slices.Equal(it.OnlyA, []string{"RS256 RSA 2048"}) || !slices.Equal(it.OnlyB, []string{"ES256 EC P-256"}) {
					t.Errorf("key types: %+v", it)
				}
			}},
		{name: "key size", d: sim.Differences{KeySize: 3072},
			want: []string{"global/jwks/key types", "eu/jwks/key types"},
			check: func(t *testing.T, d *compare.EnvDiff) {
				it := find(t, d, "eu", compare.SectionJWKS, "key types")
				if it.A.Text != "RS256 RSA 2048" || it.B.Text != "RS256 RSA 3072" {
					t.Errorf("key types: %+v %+v", it.A, it.B)
				}
			}},
		{name: "no revocation", d: sim.Differences{NoRevocation: true},
			want: []string{"global/discovery/revocation_endpoint", "eu/discovery/revocation_endpoint"},
			check: func(t *testing.T, d *compare.EnvDiff) {
				it := find(t, d, "global", compare.SectionDiscovery, "revocation_endpoint")
				if it.Mark != compare.Removed || it.A == nil || it.A.Text != "/revoke" || it.B != nil {
					t.Errorf("revocation_endpoint: %+v", it)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qa := envOf(simtest.Start(t, sim.Options{Environment: sim.EnvQA, ClientID: "ssodesk-qa", Differ: tc.d}), "ssodesk-qa")
			d := compare.Environments(t.Context(), client(), prod, qa, compare.Options{})
			got := differences(d)
			want := append([]string{"only A: us", "only A: au"}, tc.want...)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("differences:\n got %q\nwant %q", got, want)
			}
			if n := d.Differences(); n != len(want) {
				t.Errorf("Differences() = %d, want %d", n, len(want))
			}
			expected(t, d)
			if tc.check != nil {
				tc.check(t, d)
			}
		})
	}
}

// expected checks that the differences any two IdPs have are there, and
// marked expected: the issuer, the kids, the client IDs.
func expected(t *testing.T, d *compare.EnvDiff) {
	t.Helper()
	for _, w := range [][2]string{{compare.SectionDiscovery, "issuer"}, {compare.SectionJWKS, "kids"}, {compare.SectionPreflight, "client_id"}} {
		it := find(t, d, "global", w[0], w[1])
		if it.Mark != compare.Changed || !it.Expected {
			t.Errorf("%s/%s: %+v, want changed and expected", w[0], w[1], it)
		}
	}
	if it := find(t, d, "eu", compare.SectionPreflight, "outcome"); it.Mark != compare.Same || it.A.Text != "accepted" {
		t.Errorf("preflight outcome: %+v %+v", it, it.A)
	}
	if it := find(t, d, "eu", compare.SectionDiscovery, "token_endpoint"); it.Mark != compare.Same || !strings.HasPrefix(it.A.Text, "/") {
		t.Errorf("token_endpoint: %+v %+v", it, it.A)
	}
}

func find(t *testing.T, d *compare.EnvDiff, pair, section, item string) compare.Item {
	t.Helper()
	for _, p := range d.Pairs {
		for _, s := range p.Sections {
			for _, it := range s.Items {
				if p.Name == pair && s.Name == section && it.Name == item {
					return it
				}
			}
		}
	}
	t.Fatalf("no %s/%s/%s in %q", pair, section, item, differences(d))
	return compare.Item{}
}

// An endpoint that does not answer is a fact of its pair ("unreachable:
// …"), a difference; Options.Endpoints keeps only the pairs named.
func TestEnvironmentsUnreachable(t *testing.T) {
	prod := envOf(simtest.Start(t, sim.Options{Regions: []string{"global", "eu"}}), sim.DefaultClientID)
	qa := envOf(simtest.Start(t, sim.Options{Environment: sim.EnvQA}), sim.DefaultClientID)
	qa.Endpoints[1].Issuer = "http://127.0.0.1:1" // eu: nothing listens
	d := compare.Environments(t.Context(), client(), prod, qa, compare.Options{Endpoints: []string{"eu"}})
	if len(d.Pairs) != 1 || d.Pairs[0].Name != "eu" {
		t.Fatalf("pairs %+v, want eu only", d.Pairs)
	}
	it := find(t, d, "eu", compare.SectionDiscovery, "document")
	if it.Mark != compare.Changed || it.A.Text != "read" || !strings.HasPrefix(it.B.Text, compare.Unreachable) {
		t.Errorf("document: %+v %+v %+v", it, it.A, it.B)
	}
	if got := differences(d); !slices.Equal(got, []string{"eu/discovery/document"}) {
		t.Errorf("differences %q", got)
	}
}
