package report_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"ssodesk/auth"
	"ssodesk/loginjson"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/sim"
)

// TestOutcomeNamesTheIdPsIDs: issue 22 item 13. When the IdP refused the
// authorize request with its error page, the Outcome of the login's report
// and of a check's names its Request Id and the page's errorId (which HIMSA
// support reads).
func TestOutcomeNamesTheIdPsIDs(t *testing.T) {
	f := newFixture(t, sim.Options{}, "redirect_uri: http://127.0.0.1:0/elsewhere\n", "global", "eu")
	a := f.login("eu", lukas)
	p, ok := auth.IsRefused(a.Err)
	if !ok || p.ErrorID == "" || p.RequestID == "" {
		t.Fatalf("want a refusal with an errorId and a Request Id, got %v (%+v)", a.Err, p)
	}
	eu, _ := f.cfg.FindRegion("eu")
	checks, err := f.m.Check(context.Background(), eu)
	if err != nil {
		t.Fatal(err)
	}
	cp := checks[0].Preflight // the check's own pre-flight, with its own ids
	if cp == nil || cp.ErrorID == "" || cp.RequestID == "" {
		t.Fatalf("the check's pre-flight: %+v", cp)
	}
	for name, tc := range map[string]struct {
		at report.Attempt
		p  *auth.Preflight
	}{"login": {a, p}, "check": {f.m.CheckReport(checks, eu), cp}} {
		d, err := report.Build(tc.at, report.Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Request Id " + tc.p.RequestID, "errorId, which HIMSA support can read: " + tc.p.ErrorID} {
			if !strings.Contains(d.Outcome.IdPSaid, want) {
				t.Errorf("%s: the outcome's idp_said %q lacks %q", name, d.Outcome.IdPSaid, want)
			}
		}
	}
}

// TestReloginReportSaysItIs2a: issue 22 item 13. The report of a regional
// re-login's second session says that it is one (HIMSA 2a), from which
// endpoint and that the regional IdP signed the user in silently.
func TestReloginReportSaysItIs2a(t *testing.T) {
	f := newFixture(t, sim.Options{}, "", "global", "eu")
	a := f.login("global", lukas)
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	first := a.Result
	b := sim.NewBrowser() // one browser: its SSO cookie makes the re-login silent
	ctx := context.Background()
	global, _ := f.cfg.FindRegion("global")
	if _, err := f.m.Login(ctx, session.LoginInput{Region: global, Open: b.Opener(lukas)}); err != nil {
		t.Fatal(err)
	}
	rel, err := f.m.Relogin(ctx, first, session.ReloginInput{Open: b.Opener(lukas)})
	if err != nil || rel.Second == nil {
		t.Fatalf("re-login: %v", err)
	}
	for name, res := range map[string]*auth.Result{"first": first, "second": rel.Second} {
		d, err := report.Build(f.m.Report(ctx, session.Attempt{Region: res.Region, Result: res}), report.Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		md := string(d.Markdown())
		const want = "This session is the second login of a regional re-login (HIMSA 2a): after a login through the global endpoint whose code's prefix named EU"
		if got := strings.Contains(d.Landing.Relogin, want) && strings.Contains(md, want); got != (name == "second") {
			t.Errorf("%s session: the report says it is a 2a re-login: %v\nlanding.relogin %q", name, got, d.Landing.Relogin)
		}
		if name == "second" && !strings.Contains(d.Landing.Relogin, "signed the user in silently (prompt=none)") {
			t.Errorf("the re-login's report does not say it was silent: %q", d.Landing.Relogin)
		}
	}
}

// TestReportFromSavedNamesEnvironmentAndClient: issue 22 item 13. A report
// made from a saved `login --json` document names the environment and the
// client ID the login used, not "–", also when the ID token has no azp
// (IdentityServer's have none).
func TestReportFromSavedNamesEnvironmentAndClient(t *testing.T) {
	f := newFixture(t, sim.Options{}, "", "global", "eu")
	a := f.login("global", lukas)
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	saved := loginjson.Of(a.Result, a.Result.Finished, nil)
	delete(saved.IDToken.Claims, "azp") // IdentityServer's ID tokens carry no azp: the client ID is not there
	doc, err := json.Marshal(saved)
	if err != nil {
		t.Fatal(err)
	}
	d, err := report.Build(report.Attempt{Kind: report.KindSaved, Saved: doc}, report.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Tried.Environment != f.cfg.Environment || d.Tried.ClientID != f.sim.ClientID() {
		t.Errorf("tried: environment %q, client ID %q; want %q and %q", d.Tried.Environment, d.Tried.ClientID, f.cfg.Environment, f.sim.ClientID())
	}
	md := string(d.Markdown())
	for _, want := range []string{"| environment | `" + f.cfg.Environment, "| client ID | `" + f.sim.ClientID()} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// TestCodeRegionFailureOutcome: issue 22 item 5 in the report. A refused
// code-region exchange's outcome names the mapping and says to exchange at
// the endpoint logged in at, not "log in again".
func TestCodeRegionFailureOutcome(t *testing.T) {
	err := &auth.CodeRegionError{CodeRegion: "eu", Mapped: "eu", MappedIssuer: "https://idp-eu.example", LoggedIn: "global",
		LoggedInIssuer: "https://idp.example", LoggedInGlobal: true,
		Err: &auth.TokenError{Op: auth.OpExchange, Endpoint: "https://idp-eu.example/connect/token", Code: "invalid_grant"}}
	d, e := report.Build(report.Attempt{Err: err}, report.Options{Version: "test"})
	if e != nil {
		t.Fatal(e)
	}
	o := d.Outcome
	if o.FailedStep != "exchange" || !strings.Contains(o.Explanation, `the code's prefix "eu." mapped to the configured eu endpoint https://idp-eu.example`) ||
		!strings.Contains(o.Fix, "set exchange_at: global") || strings.HasPrefix(o.Fix, "Log in again") {
		t.Errorf("outcome %+v", o)
	}
}
