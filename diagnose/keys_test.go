package diagnose

import (
	"context"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// TestJWKSRowDatesKeys: IdentityServer's automatic keys carry no x5c by
// default, so the row says their age cannot be told; with
// UseX509Certificate (sim X509Keys) each key's certificate dates it, and the
// row names the oldest and the newest.
func TestJWKSRowDatesKeys(t *testing.T) {
	_, o := standIn(t)
	if r := row(t, Endpoint(context.Background(), o, Options{}), RowJWKS); !strings.Contains(r.Detail, "carries no x5c certificate, so its age cannot be told") {
		t.Errorf("without x5c: %s", r.Detail)
	}

	h := &sim.Hooks{}
	s := simtest.Start(t, sim.Options{Regions: []string{sim.GlobalRegion}, X509Keys: true, Hooks: h})
	first := h.KeyIDs(sim.GlobalRegion)[0]
	if err := h.Advance(48 * time.Hour); err != nil { // the next key is made two days later
		t.Fatal(err)
	}
	newKid, err := h.RotateKey(sim.GlobalRegion)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := s.Region(sim.GlobalRegion)
	o.Region = config.Region{Name: g.Name, Issuer: g.Issuer}
	o.ClientID, o.HTTPClient = s.ClientID(), auth.NewHTTPClient(20*time.Second)
	r := row(t, Endpoint(context.Background(), o, Options{}), RowJWKS)
	oldest, newest := strings.Index(r.Detail, "oldest key kid "+first), strings.Index(r.Detail, "newest kid "+newKid)
	if oldest < 0 || newest < oldest || strings.Contains(r.Detail, "cannot") || !strings.Contains(r.Detail, "more than one key is normal") {
		t.Errorf("with x5c: %s", r.Detail)
	}
}
