package session_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// Issue 22 (12): endpoints named otherwise than the code prefix ("lab-eu"
// for the codes "eu." names): region: maps the prefix to the endpoint, for
// exchange_at: code-region, the regional re-login and the story; without
// it the story says that no endpoint serves the code's region, and never
// that "a regional endpoint should offer only its own region's accounts".
func TestCodePrefixMapsToTheEndpointThatSaysItsRegion(t *testing.T) {
	s := simtest.Start(t, sim.Options{Regions: []string{"global", "eu"}})
	g, _ := s.Region("global")
	eu, _ := s.Region("eu")
	load := func(euEntry string) *config.Config {
		t.Helper()
		t.Setenv("XDG_CONFIG_HOME", t.TempDir())
		f := filepath.Join(t.TempDir(), "config.yaml")
		os.WriteFile(f, []byte("client_id: "+s.ClientID()+"\nbuiltin_regions: false\ntimeouts:\n  login: 20s\nenvironment: lab\nenvironments:\n  lab:\n"+
			"    global: "+g.Issuer+"\n    regions:\n      lab-eu:\n        issuer: "+eu.Issuer+"\n"+euEntry), 0o600)
		cfg, err := config.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cfg := load("        region: eu\n")
	labEU, _ := cfg.FindRegion("lab-eu")
	m := session.New(cfg, http.DefaultClient, nil)
	res, err := m.Login(context.Background(), session.LoginInput{Region: labEU, Open: user(s, "eu")})
	if err != nil {
		t.Fatal(err)
	}
	if story := explain.SessionStory(res); !strings.Contains(story, "lab-eu endpoint with an EU account.") || strings.Contains(story, "should offer only") {
		t.Errorf("story at lab-eu: %s", story)
	}
	cfg.ExchangeAt = config.ExchangeCodeRegion
	global, _ := cfg.FindRegion("global")
	res, err = session.New(cfg, http.DefaultClient, nil).Login(context.Background(), session.LoginInput{Region: global, Open: user(s, "eu")})
	if err != nil || res.ExchangedAt.Name != "lab-eu" || len(res.Notes) != 0 {
		t.Fatalf("exchange_at code-region: %v, exchanged at %q, notes %v", err, res.ExchangedAt.Name, res.Notes)
	}
	if target, err := auth.ReloginTarget(res, cfg.Regions); err != nil || target.Name != "lab-eu" {
		t.Errorf("the regional re-login's target: %v, %v", target.Name, err)
	}

	cfg = load("") // lab-eu, without region:
	labEU, _ = cfg.FindRegion("lab-eu")
	res, err = session.New(cfg, http.DefaultClient, nil).Login(context.Background(), session.LoginInput{Region: labEU, Open: user(s, "eu")})
	if err != nil {
		t.Fatal(err)
	}
	if story := explain.SessionStory(res); !strings.Contains(story, "no configured endpoint says it serves EU") || !strings.Contains(story, "set region: eu") ||
		strings.Contains(story, "should offer only") {
		t.Errorf("story at lab-eu without region: %s", story)
	}
	if _, err := auth.ReloginTarget(&auth.Result{Region: global, CodeRegion: "eu"}, cfg.Regions); err == nil || !strings.Contains(err.Error(), "region: eu") {
		t.Errorf("re-login without an endpoint for eu: %v", err)
	}
}
