package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
	// Issue 22 item 5: the words name the mapping used and the endpoint
	// that can exchange the code, never a bare "log in again".
	var cre *auth.CodeRegionError
	if !errors.As(err, &cre) || cre.Mapped != "eu" || cre.MappedIssuer != us.Issuer || cre.Unsent {
		t.Fatalf("error %T %+v: want a *CodeRegionError naming the eu mapping to %s, sent", err, cre, us.Issuer)
	}
	global, _ := stand.Region("global")
	words := explain.Error(err)
	for _, want := range []string{"invalid_grant", `Under exchange_at: code-region, the code's prefix "eu." mapped to the configured eu endpoint ` + us.Issuer,
		"the global endpoint you logged in at (" + global.Issuer + ") exchanges a code of any region", "set exchange_at: global"} {
		if !strings.Contains(words, want) {
			t.Errorf("explain.Error = %q\nlacks %q", words, want)
		}
	}
	if strings.Contains(words, ": log in again") {
		t.Errorf("explain.Error advises logging in again, which fails the same way: %q", words)
	}
}

// regionalIdP is an IdP whose discovery names itself and whose token
// endpoint is token(its own URL), served by handler (nil: nothing there).
func regionalIdP(t *testing.T, token func(base string) string, handler http.HandlerFunc) string {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			_, _ = fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%s/authorize","token_endpoint":%q,"jwks_uri":"%s/jwks"}`,
				srv.URL, srv.URL, token(srv.URL), srv.URL)
			return
		}
		if handler != nil {
			handler(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedPort is a 127.0.0.1 URL nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	_ = ln.Close()
	return u
}

// withEU is the stand-in's regions with eu's issuer replaced by issuer.
func withEU(issuer string) []config.Region {
	regions := standRegions()
	for i := range regions {
		if regions[i].Name == "eu" {
			regions[i].Issuer = issuer
		}
	}
	return regions
}

// TestCodeRegionUnreachableFallsBack: issue 22 item 5. When the regional
// IdP the code's prefix maps to cannot be reached before the code leaves
// (its discovery, or its token endpoint refusing the connection), the code
// was never spent: it is exchanged at the endpoint logged in at, and a note
// says so.
func TestCodeRegionUnreachableFallsBack(t *testing.T) {
	for name, eu := range map[string]func(t *testing.T) string{
		"discovery refused": closedPort,
		"token endpoint refused": func(t *testing.T) string {
			closed := closedPort(t)
			return regionalIdP(t, func(string) string { return closed + "/connect/token" }, nil)
		},
	} {
		t.Run(name, func(t *testing.T) {
			issuer := eu(t)
			rec := &recorder{}
			res := loginAs(t, "global", account(t, "eu").Email, func(o *auth.Options) {
				o.ExchangeAt, o.Regions, o.Progress = config.ExchangeCodeRegion, withEU(issuer), rec.add
			})
			if res.ExchangedAt.Name != "global" || !res.Verified() {
				t.Fatalf("exchanged at %q, verified %v", res.ExchangedAt.Name, res.Verified())
			}
			want := "the code never left this machine, so it was exchanged at the global endpoint you logged in at instead"
			if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], want) || !strings.Contains(res.Notes[0], issuer) ||
				!strings.Contains(rec.text(), want) {
				t.Errorf("notes %q lack %q; events:\n%s", res.Notes, want, rec.text())
			}
		})
	}
}

// TestCodeRegionNoAnswerAfterSending: the regional token endpoint took the
// request and closed the connection: the code may be spent, so there is no
// second exchange, and the words say so and where to exchange next time.
func TestCodeRegionNoAnswerAfterSending(t *testing.T) {
	var tokenCalls atomic.Int32
	issuer := regionalIdP(t, func(base string) string { return base + "/connect/token" }, func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
	open, _ := browser(account(t, "eu").Email, false)
	o := options(region(t, "global"), open, &recorder{})
	o.ExchangeAt, o.Regions = config.ExchangeCodeRegion, withEU(issuer)
	res, err := auth.Login(context.Background(), o)
	var cre *auth.CodeRegionError
	if res != nil || !errors.As(err, &cre) || cre.Unsent || tokenCalls.Load() != 1 {
		t.Fatalf("res %v err %v (%+v), token calls %d: want a sent, failed code-region exchange", res, err, cre, tokenCalls.Load())
	}
	words := explain.Error(err)
	for _, want := range []string{"the code may be spent", "set exchange_at: global"} {
		if !strings.Contains(words, want) {
			t.Errorf("explain.Error = %q\nlacks %q", words, want)
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
