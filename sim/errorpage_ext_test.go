package sim_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"ssodesk/auth"
	"ssodesk/sim"
)

// TestProductionErrorPageReadable: ssodesk reads the production-style error
// page (as it finds it in a browser's HAR): the OAuth error and Request Id.
func TestProductionErrorPageReadable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := sim.Start(ctx, sim.Options{ProductionErrorPage: true, Regions: []string{sim.GlobalRegion}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g, _ := s.Region(sim.GlobalRegion)
	q := url.Values{"client_id": {"nobody"}, "response_type": {"code"}, "scope": {"openid"}, "redirect_uri": {"http://127.0.0.1:9/cb"}, "state": {"s"}}
	resp, err := http.Get(g.AuthorizeURL() + "?" + q.Encode()) // follows the 302 to /home/error
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, auth.MaxErrorPage))
	p := auth.ReadErrorPage(resp.Header.Get("Content-Type"), body, []string{"openid"})
	if p.Error != "unauthorized_client" || p.RequestID == "" || p.Cause != auth.CauseClientOrRedirect {
		t.Errorf("read %+v from:\n%s", p, body)
	}
}
