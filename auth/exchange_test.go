package auth_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/loginjson"
)

// standRegions are the stand-in's endpoints as configured regions.
func standRegions() []config.Region {
	var out []config.Region
	for _, r := range stand.Regions() {
		out = append(out, config.Region{Name: r.Name, Issuer: r.Issuer})
	}
	return out
}

// TestExchangeAtGlobalOrCodeRegion: HIMSA 2b both ways. The same login
// through the global endpoint with an EU account is exchanged at the global
// endpoint (default) or at the EU endpoint its code's prefix names; the
// result says which endpoint exchanged it and which issuer signed.
func TestExchangeAtGlobalOrCodeRegion(t *testing.T) {
	acct := account(t, "eu")
	eu, _ := stand.Region("eu")
	global, _ := stand.Region("global")
	hosts := config.AppHosts{config.AppHostDefault: "https://app-{region}.example.com"}
	for _, tc := range []struct {
		mode, wantAt, wantIss, story string
	}{
		{"", "global", global.Issuer, "exchanged at the global endpoint, which HIMSA hands to the EU IdP"},
		{config.ExchangeGlobal, "global", global.Issuer, "issued by the global endpoint you used"},
		{config.ExchangeCodeRegion, "eu", eu.Issuer, "exchanged at the EU endpoint its prefix names (exchange_at: code-region)"},
	} {
		t.Run("mode="+tc.mode, func(t *testing.T) {
			rec := &recorder{}
			c, res := loginWith(t, "global", acct.Email, func(o *auth.Options) {
				o.ExchangeAt, o.Regions, o.AppHosts = tc.mode, standRegions(), hosts
				o.Scopes = append(o.Scopes, config.ScopeOfflineAccess)
				o.Progress = rec.add
			})
			if res.ExchangedAt.Name != tc.wantAt || res.Issuer != tc.wantIss || res.IssuerRegion() != tc.wantAt || !res.Verified() {
				t.Fatalf("exchanged at %q, iss %s (%q), verified %v; want %s and %s\n%s", res.ExchangedAt.Name, res.Issuer,
					res.IssuerRegion(), res.Verified(), tc.wantAt, tc.wantIss, res.Report.Failures())
			}
			if res.Region.Name != "global" || res.CodeRegion != "eu" || res.Claim("sub") != acct.ID || res.Claim("api") != eu.API {
				t.Errorf("region %s code %s sub %s api %s", res.Region.Name, res.CodeRegion, res.Claim("sub"), res.Claim("api"))
			}
			if res.AppHost != "https://app-eu.example.com" {
				t.Errorf("app host = %q", res.AppHost)
			}
			if !strings.Contains(explain.SessionStory(res), tc.story) {
				t.Errorf("story %q lacks %q", explain.SessionStory(res), tc.story)
			}
			tokenAt := map[string]string{"global": global.Issuer, "eu": eu.Issuer}[tc.wantAt]
			if !strings.Contains(rec.text(), "exchange: tokens received from "+tokenAt) {
				t.Errorf("events do not name the %s token endpoint:\n%s", tc.wantAt, rec.text())
			}
			if tc.wantAt == "eu" && !strings.Contains(rec.text(), "exchange_at code-region: exchanging at the eu endpoint "+eu.Issuer) {
				t.Errorf("the callback event does not say where the code goes:\n%s", rec.text())
			}
			// login --json says the same.
			b, _ := json.Marshal(loginjson.Of(res, res.Finished, nil))
			var doc map[string]any
			_ = json.Unmarshal(b, &doc)
			if doc["exchanged_at"] != tc.wantAt || doc["exchange_endpoint"] != tokenAt || doc["issuer"] != tc.wantIss || doc["app_host"] != "https://app-eu.example.com" {
				t.Errorf("JSON: exchanged_at %v endpoint %v issuer %v app_host %v", doc["exchanged_at"], doc["exchange_endpoint"], doc["issuer"], doc["app_host"])
			}
			// A refresh goes to the endpoint that issued the tokens.
			ref, err := c.Refresh(context.Background(), res)
			if err != nil || ref.Result.Issuer != tc.wantIss || ref.Result.ExchangedAt.Name != tc.wantAt {
				t.Errorf("refresh: %v (iss %v)", err, ref)
			}
		})
	}
}

// TestCodeOfRegionARefusedAtRegionB: a regional endpoint refuses another
// region's code, and the message says so plainly. Here the config's eu
// entry points at the US IdP (a wrong issuer for a region), so exchange_at
// code-region sends the EU code to the US endpoint.
func TestCodeOfRegionARefusedAtRegionB(t *testing.T) {
	us, _ := stand.Region("us")
	regions := standRegions()
	for i := range regions {
		if regions[i].Name == "eu" {
			regions[i].Issuer = us.Issuer
		}
	}
	open, _ := browser(account(t, "eu").Email, false)
	o := options(region(t, "global"), open, &recorder{})
	o.ExchangeAt, o.Regions = config.ExchangeCodeRegion, regions
	res, err := auth.Login(context.Background(), o)
	if res != nil || err == nil {
		t.Fatalf("an EU code was exchanged at the US endpoint: %+v", res)
	}
	for _, want := range []string{"the IdP refused the code exchange at " + us.Issuer, "invalid_grant",
		"code issued by region eu cannot be exchanged at the us endpoint; use the eu or the global endpoint"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestExchangeAtCodeRegionNotConfigured: a code whose region is not
// configured is exchanged at the endpoint logged in at, and that is said.
func TestExchangeAtCodeRegionNotConfigured(t *testing.T) {
	rec := &recorder{}
	res := loginAs(t, "global", account(t, "eu").Email, func(o *auth.Options) {
		o.ExchangeAt, o.Progress = config.ExchangeCodeRegion, rec.add
		o.Regions = []config.Region{region(t, "global"), region(t, "us")}
	})
	if res.ExchangedAt.Name != "global" || !res.Verified() {
		t.Fatalf("exchanged at %q verified %v", res.ExchangedAt.Name, res.Verified())
	}
	want := `exchange_at is code-region, but ` + config.NoEndpointForCode("eu") + `: exchanged at the global endpoint`
	if len(res.Notes) != 1 || res.Notes[0] != want || !strings.Contains(rec.text(), "warning: "+want) {
		t.Errorf("notes %q, events:\n%s", res.Notes, rec.text())
	}
}
