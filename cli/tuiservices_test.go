package cli

import (
	"testing"

	"ssodesk/auth"
	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
	"ssodesk/transport"
)

// The TUI's environment comparison (the picker's D) is ssodesk diff
// --env's: wired to compare.Environments with the run's client, it finds
// the scope planted in the QA stand-in at each endpoint pair and nothing
// else (the endpoints only production has aside); the sessions list's Holds is the session layer's.
func TestTUIServicesCompareEnvironments(t *testing.T) {
	prod := simtest.Start(t, sim.Options{})
	qa := simtest.Start(t, sim.Options{Environment: sim.EnvQA, Differ: sim.Differences{ExtraScope: "noah.cloud.app.admin"}})
	cfg := (&config.Config{RedirectURI: config.DefaultRedirectURI, Scopes: config.DefaultScopes()}).
		ForDemo(prod.ClientID(), simtest.Environment(prod), simtest.Environment(qa))
	client := auth.NewHTTPClient(cfg.HTTPTimeout)
	svc := tuiServices(cfg, session.New(cfg, client, nil), nil, nil, transport.NewTrace(), client)
	if svc.DiffEnvironments == nil || svc.Holds == nil {
		t.Fatal("the TUI has no environment comparison or no Holds")
	}
	d := svc.DiffEnvironments(t.Context(), cfg.Environments[0], cfg.Environments[1])
	var found []string
	for _, p := range d.Pairs {
		for _, s := range p.Sections {
			for _, it := range s.Items {
				if it.Differs() {
					found = append(found, p.Name+"/"+s.Name+"/"+it.Name)
				}
			}
		}
	}
	// Besides: the endpoints only production has (the QA stand-in has fewer).
	if d.Differences() != len(found)+len(d.OnlyA) || len(d.OnlyB) != 0 || len(found) != len(d.Pairs) || len(found) == 0 {
		t.Fatalf("differences %d: %v; only production: %v; only QA: %v", d.Differences(), found, d.OnlyA, d.OnlyB)
	}
	for _, f := range found {
		if f != "global/"+compare.SectionDiscovery+"/scopes_supported" && f != "eu/"+compare.SectionDiscovery+"/scopes_supported" {
			t.Errorf("found %s, not planted", f)
		}
	}
}
