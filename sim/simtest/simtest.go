// Package simtest starts the stand-in for a test: the one way tests of the
// other packages get an IdP (with its hooks, when they pass them in
// sim.Options) and the config regions that point at it.
package simtest

import (
	"context"
	"testing"

	"ssodesk/config"
	"ssodesk/sim"
)

// Start starts the stand-in with o; it stops when the test ends.
func Start(t testing.TB, o sim.Options) *sim.Sim {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := sim.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Regions are s's endpoints as config regions (the global one marked).
func Regions(s *sim.Sim) []config.Region {
	var out []config.Region
	for _, r := range s.Regions() {
		out = append(out, config.Region{Name: r.Name, Issuer: r.Issuer, Global: r.Name == sim.GlobalRegion})
	}
	return out
}

// Environment is s as a config environment, titled after the HIMSA one
// it stands in for.
func Environment(s *sim.Sim) config.Environment {
	e := config.Environment{Name: s.Environment(), Endpoints: Regions(s)}
	for _, real := range config.BuiltinEnvironments() {
		if real.Name == e.Name {
			e.Label = real.Label
		}
	}
	return e
}
