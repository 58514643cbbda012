package session_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

// twoEnvironments starts a production and a QA stand-in (each with its own
// hooks) and returns a config of both, QA selected.
func twoEnvironments(t *testing.T) (prod, qa *sim.Hooks, qaSim *sim.Sim, cfg *config.Config) {
	t.Helper()
	prod, qa = &sim.Hooks{}, &sim.Hooks{}
	p := simtest.Start(t, sim.Options{Hooks: prod, Regions: []string{"global", "eu", "us", "au"}})
	q := simtest.Start(t, sim.Options{Hooks: qa, Environment: sim.EnvQA})
	base := &config.Config{RedirectURI: "http://127.0.0.1:0/callback", Region: "global", Scopes: config.DefaultScopes(),
		OfflineAccess: true, HTTPTimeout: 10 * time.Second, LoginTimeout: 20 * time.Second, Environment: config.EnvQA}
	cfg = base.ForDemo(sim.DefaultClientID, simtest.Environment(p), simtest.Environment(q))
	cfg.Store = ""
	if cfg.Environment != config.EnvQA || len(cfg.Regions) != 2 {
		t.Fatalf("QA not selected: %s %v", cfg.Environment, cfg.RegionNames())
	}
	return prod, qa, q, cfg
}

func productionRequests(h *sim.Hooks) int {
	n := 0
	for _, r := range []string{"global", "eu", "us", "au"} {
		n += h.RegionRequests(r)
	}
	return n
}

// A QA global login with an EU account and exchange_at: code-region is
// exchanged at QA EU; the regional re-login (g) stays in QA too; production
// receives no request at all.
func TestQALoginStaysInQA(t *testing.T) {
	prod, qa, q, cfg := twoEnvironments(t)
	cfg.ExchangeAt = config.ExchangeCodeRegion
	m := session.New(cfg, http.DefaultClient, nil)
	global, _ := cfg.FindRegion("global")
	res, err := m.Login(context.Background(), session.LoginInput{Region: global, Open: user(q, "eu")})
	if err != nil {
		t.Fatal(err)
	}
	eu, _ := q.Region("eu")
	if res.CodeRegion != "eu" || res.ExchangedAt.Env != config.EnvQA || res.ExchangedAt.Issuer != eu.Issuer || res.Issuer != eu.Issuer {
		t.Errorf("exchanged at %s %s (%s), issuer %s; want QA EU %s", res.ExchangedAt.Env, res.ExchangedAt.Name, res.ExchangedAt.Issuer, res.Issuer, eu.Issuer)
	}
	if qa.Requests("eu", sim.RequestTokenCode) != 1 {
		t.Errorf("QA EU exchanged %d codes", qa.Requests("eu", sim.RequestTokenCode))
	}
	story := explain.SessionStory(res)
	for _, want := range []string{"QA: You used the QA global endpoint and picked an account in EU", "exchanged at the QA EU endpoint"} {
		if !strings.Contains(story, want) {
			t.Errorf("story %q lacks %q", story, want)
		}
	}
	rel, err := m.Relogin(context.Background(), res, session.ReloginInput{Open: user(q, "eu")})
	if err != nil || rel.Region.Env != config.EnvQA || rel.Region.Issuer != eu.Issuer {
		t.Fatalf("relogin at %+v: %v", rel, err)
	}
	if n := productionRequests(prod); n != 0 {
		t.Fatalf("production received %d requests during a QA login", n)
	}
}

// A production token in a QA session is refused, naming both environments.
func TestProductionTokenInAQASession(t *testing.T) {
	_, _, _, cfg := twoEnvironments(t)
	prodCfg, _ := cfg.ForEnvironment(config.EnvProduction)
	pg, _ := prodCfg.FindRegion("global")
	pres, err := session.New(prodCfg, http.DefaultClient, nil).Login(context.Background(), session.LoginInput{Region: pg,
		Open: sim.NewBrowser().Opener("first")})
	if err != nil {
		t.Fatal(err)
	}
	qg, _ := cfg.FindRegion("global")
	o, err := auth.OptionsFrom(cfg, qg, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := auth.NewVerifier(nil, o.Trusted, time.Minute)
	v.Foreign, v.EnvTitle = o.Foreign, o.EnvTitle
	rep := v.Verify(context.Background(), pres.RawIDToken, auth.Expect{ClientID: o.ClientID})
	c, _ := rep.Check("issuer")
	if c.Status != check.Fail || !strings.Contains(c.Detail, "issued by HIMSA production") || !strings.Contains(c.Detail, "this session is HIMSA QA") {
		t.Fatalf("issuer check = %+v", c)
	}
}

// HIMSA: the same client ID in every region, a different secret per region.
// Each token endpoint gets its own secret (the stand-in's confidential client
// refuses any other); a wrong one is invalid_client naming the key to fix.
func TestPerEndpointSecrets(t *testing.T) {
	s := simtest.Start(t, sim.Options{})
	id, secrets := s.ConfidentialClient()
	global, _ := s.Region("global")
	eu, _ := s.Region("eu")
	write := func(euSecret string) *config.Config {
		t.Helper()
		t.Setenv("XDG_CONFIG_HOME", t.TempDir())
		body := "builtin_regions: false\ntimeouts:\n  login: 20s\nenvironments:\n  production:\n    client_id: " + id +
			"\n    global:\n      issuer: " + global.Issuer + "\n      client_secret: " + secrets["global"] +
			"\n    regions:\n      eu:\n        issuer: " + eu.Issuer + "\n        client_secret: " + euSecret + "\n"
		f := filepath.Join(t.TempDir(), "config.yaml")
		os.WriteFile(f, []byte(body), 0o600)
		cfg, err := config.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cfg := write(secrets["eu"])
	g, _ := cfg.FindRegion("global")
	for _, at := range []string{config.ExchangeGlobal, config.ExchangeCodeRegion} {
		cfg.ExchangeAt = at
		res, err := session.New(cfg, http.DefaultClient, nil).Login(context.Background(), session.LoginInput{Region: g, Open: user(s, "eu")})
		if err != nil {
			t.Fatalf("exchange_at %s: %v", at, err)
		}
		if want := map[string]string{config.ExchangeGlobal: "global", config.ExchangeCodeRegion: "eu"}[at]; res.ExchangedAt.Name != want {
			t.Errorf("exchange_at %s: exchanged at %s", at, res.ExchangedAt.Name)
		}
	}
	cfg = write("not-the-eu-secret")
	cfg.ExchangeAt = config.ExchangeCodeRegion
	_, err := session.New(cfg, http.DefaultClient, nil).Login(context.Background(), session.LoginInput{Region: g, Open: user(s, "eu")})
	if msg := explain.Error(err); err == nil || !strings.Contains(msg, "invalid_client") || !strings.Contains(msg, "environments.production.regions.eu.client_secret") {
		t.Fatalf("wrong EU secret: %v", err)
	}
}

// Kept sessions are named by environment and endpoint: a QA and a
// production session of the same person live side by side.
func TestKeptEndpointsPerEnvironment(t *testing.T) {
	_, _, q, cfg := twoEnvironments(t)
	st := fileStore(t)
	m := session.New(cfg, http.DefaultClient, st)
	qg, _ := cfg.FindRegion("global")
	if _, err := m.Login(context.Background(), session.LoginInput{Region: qg, Open: user(q, "eu")}); err != nil {
		t.Fatal(err)
	}
	prodCfg, _ := cfg.ForEnvironment(config.EnvProduction)
	pg, _ := prodCfg.FindRegion("global")
	if _, err := session.New(prodCfg, http.DefaultClient, st).Login(context.Background(), session.LoginInput{Region: pg, Open: sim.NewBrowser().Opener("first")}); err != nil {
		t.Fatal(err)
	}
	kept, err := m.KeptEndpoints()
	if err != nil || !kept[config.EndpointID{Env: "qa", Name: "global"}] || !kept[config.EndpointID{Env: "production", Name: "global"}] || len(kept) != 2 {
		t.Fatalf("kept = %v, %v", kept, err)
	}
	if _, err := m.Resume(context.Background(), qg); err != nil {
		t.Errorf("the QA session beside the production one: %v", err)
	}
}
