package ui

import (
	"testing"

	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// startStandIn starts the stand-in for a test and returns it with a config
// whose regions and client are the stand-in's. It stops with the test.
func startStandIn(t *testing.T, o sim.Options) (*sim.Sim, *config.Config) {
	t.Helper()
	s := simtest.Start(t, o)
	return s, testConfig().ForDemo(s.ClientID(), simtest.Environment(s))
}
