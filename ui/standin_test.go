package ui

import (
	"context"
	"testing"

	"ssodesk/config"
	"ssodesk/sim"
)

// startStandIn starts the stand-in for a test and returns it with a config
// whose regions and client are the stand-in's. It stops with the test.
func startStandIn(t *testing.T, o sim.Options) (*sim.Sim, *config.Config) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := sim.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var regions []config.Region
	for _, r := range s.Regions() {
		regions = append(regions, config.Region{Name: r.Name, Issuer: r.Issuer})
	}
	return s, testConfig().ForDemo(regions, s.ClientID())
}
