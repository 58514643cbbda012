package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
)

func TestBaseURL(t *testing.T) {
	if b, src, err := api.BaseURL("", "https://api-eu.example/v1/"); err != nil || b != "https://api-eu.example/v1" || !strings.Contains(src, "claim") {
		t.Errorf("claim: %q %q %v", b, src, err)
	}
	if b, src, err := api.BaseURL("https://override.example", "https://api-eu.example/v1"); err != nil || b != "https://override.example" || !strings.Contains(src, "config") {
		t.Errorf("override: %q %q %v", b, src, err)
	}
	if _, _, err := api.BaseURL("", ""); err == nil || !strings.Contains(err.Error(), "no api claim") {
		t.Errorf("none: %v", err)
	}
	if _, _, err := api.BaseURL("", "ftp://x"); err == nil {
		t.Error("ftp accepted")
	}
}

func TestRequestURL(t *testing.T) {
	for _, tc := range []struct{ path, query, want string }{
		{"me", "", "https://h/v1/me"},
		{"/users", "page=2&size=10", "https://h/v1/users?page=2&size=10"},
		{"locations", "?x=1", "https://h/v1/locations?x=1"},
	} {
		got, err := api.Request{Path: tc.path, Query: tc.query}.URL("https://h/v1/")
		if err != nil || got != tc.want {
			t.Errorf("%q %q: %q %v", tc.path, tc.query, got, err)
		}
	}
	if _, err := (api.Request{Path: "https://evil.example/x"}).URL("https://h/v1"); err == nil {
		t.Error("an absolute URL as path was accepted (the token would go elsewhere)")
	}
}

// standIn starts a stand-in whose API clock can be moved forward.
type standIn struct {
	*sim.Sim
	skew atomic.Int64
}

func startStandIn(t *testing.T) *standIn {
	t.Helper()
	s := &standIn{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var err error
	s.Sim, err = sim.Start(ctx, sim.Options{APINow: func() time.Time { return time.Now().Add(time.Duration(s.skew.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// login logs in at the global endpoint as the first account of region.
func (s *standIn) login(t *testing.T, region string, scopes []string) *auth.Result {
	t.Helper()
	var email string
	for _, a := range s.Accounts() {
		if a.Region == region {
			email = a.Email
			break
		}
	}
	g, _ := s.Region("global")
	o := auth.Options{
		Region: config.Region{Name: "global", Issuer: g.Issuer}, ClientID: s.ClientID(), RedirectURI: config.DefaultRedirectURI,
		Scopes: scopes, LoginTimeout: 20 * time.Second,
		Open: func(ctx context.Context, u string) error {
			go func() { _, _, _ = sim.NewBrowser().Login(ctx, u, email) }()
			return nil
		},
	}
	res, err := auth.Login(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func facts(res *auth.Result, apiRegion string, now time.Time) api.TokenFacts {
	return api.TokenFacts{Expiry: res.Token.Expiry, Region: res.CodeRegion, Scopes: res.Scopes, APIRegion: apiRegion,
		CanRefresh: res.Token.RefreshToken != "", RequiredAPI: sim.APIScope, Now: now}
}

func TestCallsAgainstStandIn(t *testing.T) {
	s := startStandIn(t)
	res := s.login(t, "eu", config.DefaultScopes())
	base, src, err := api.BaseURL("", res.Claim("api"))
	if err != nil || !strings.Contains(src, "api claim") {
		t.Fatal(base, src, err)
	}
	ctx := context.Background()

	r, err := api.Do(ctx, http.DefaultClient, base, res.Token.AccessToken, api.FromPreset(config.APIPreset{Method: "GET", Path: "me"}))
	if err != nil {
		t.Fatal(err)
	}
	var me map[string]any
	if r.Status != 200 || r.Kind() != api.BodyJSON || json.Unmarshal(r.Body, &me) != nil || me["tenantid"] != res.Claim("tenantid") {
		t.Fatalf("me: %s %s", r.StatusText(), r.Body)
	}
	if !strings.Contains(r.Pretty(), "\n  \"tenantid\"") || api.Diagnose(r, facts(res, "eu", time.Now())) != nil {
		t.Errorf("pretty/diagnose of a 200:\n%s", r.Pretty())
	}

	t.Run("wrong region", func(t *testing.T) {
		us, _ := s.Region("us")
		r, err := api.Call(ctx, http.DefaultClient, us.API, res.Token.AccessToken, "GET", "me")
		if err != nil {
			t.Fatal(err)
		}
		d := api.Diagnose(r, facts(res, "", time.Now()))
		if r.Status != 401 || d == nil || d.Problem != api.ProblemWrongRegion || !strings.Contains(d.Summary, "api claim") {
			t.Fatalf("%s %+v", r.StatusText(), d)
		}
		if d2 := api.Diagnose(r, facts(res, "us", time.Now())); !strings.Contains(d2.Summary, "token is for EU but this is the US API") {
			t.Errorf("with the API's region known: %q", d2.Summary)
		}
	})
	t.Run("missing scope", func(t *testing.T) {
		narrow := s.login(t, "eu", []string{"openid", "profile"})
		r, err := api.Call(ctx, http.DefaultClient, base, narrow.Token.AccessToken, "GET", "users")
		if err != nil {
			t.Fatal(err)
		}
		d := api.Diagnose(r, facts(narrow, "eu", time.Now()))
		if r.Status != 403 || d.Problem != api.ProblemMissingScope || !strings.Contains(d.Summary, sim.APIScope) || d.Retry {
			t.Fatalf("%s %+v", r.StatusText(), d)
		}
	})
	t.Run("expired", func(t *testing.T) {
		s.skew.Store(int64(2 * time.Hour))
		defer s.skew.Store(0)
		r, err := api.Call(ctx, http.DefaultClient, base, res.Token.AccessToken, "GET", "me")
		if err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(2 * time.Hour)
		d := api.Diagnose(r, facts(res, "eu", later))
		if r.Status != 401 || d.Problem != api.ProblemExpired || !strings.Contains(d.Summary, "expired at") {
			t.Fatalf("%s %+v", r.StatusText(), d)
		}
		if d.Retry || !strings.Contains(d.Summary, "log in again") {
			t.Errorf("no refresh token, but: %+v", d)
		}
		f := facts(res, "eu", later)
		f.CanRefresh = true
		if d := api.Diagnose(r, f); !d.Retry || !strings.Contains(d.Summary, "Press R to refresh the tokens and retry") {
			t.Errorf("with a refresh token: %+v", d)
		}
	})
	t.Run("curl", func(t *testing.T) {
		cmdline, err := api.Curl(base, res.Token.AccessToken, api.Request{Path: "me"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cmdline, res.Token.AccessToken) || !strings.Contains(cmdline, "$ACCESS_TOKEN") {
			t.Fatalf("redacted curl holds the token or no placeholder: %s", cmdline)
		}
		curl, err := exec.LookPath("curl")
		if err != nil {
			t.Skip("curl is not installed")
		}
		cmd := exec.Command("sh", "-c", cmdline)
		cmd.Env = append(os.Environ(), "ACCESS_TOKEN="+res.Token.AccessToken)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), res.Claim("tenantid")) {
			t.Fatalf("%s: %v\n%s", curl, err, out)
		}
		revealed, _ := api.Curl(base, res.Token.AccessToken, api.Request{Path: "me"}, true)
		if !strings.Contains(revealed, res.Token.AccessToken) {
			t.Error("revealed curl lacks the token")
		}
	})
}

func TestBodyKinds(t *testing.T) {
	mk := func(ct string, body []byte) *api.Response {
		return &api.Response{Header: http.Header{"Content-Type": {ct}}, Body: body, Size: int64(len(body))}
	}
	if k := mk("application/json", []byte(`{"a":1}`)).Kind(); k != api.BodyJSON {
		t.Errorf("json: %v", k)
	}
	if p := mk("text/plain", []byte("hello")).Pretty(); p != "hello" {
		t.Errorf("text: %q", p)
	}
	if p := mk("image/png", []byte{0x89, 'P', 'N', 'G', 0, 0, 0xff}).Pretty(); p != "7 bytes of image/png" {
		t.Errorf("binary: %q", p)
	}
	if k := mk("application/json", []byte(`{broken`)).Kind(); k != api.BodyText {
		t.Errorf("broken json: %v", k)
	}
}

func TestCurlQuotesAndBody(t *testing.T) {
	got, err := api.Curl("https://h/v1", "tok", api.Request{Method: "post", Path: "users", Query: "q=it's",
		Header: http.Header{"X-Trace": {"a'b"}}, Body: `{"name":"O'Connor"}`}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `curl -sS -X POST 'https://h/v1/users?q=it'\''s' -H "Authorization: Bearer $ACCESS_TOKEN" -H 'Accept: application/json' -H 'X-Trace: a'\''b' -H 'Content-Type: application/json' --data-raw '{"name":"O'\''Connor"}'`
	if got != want {
		t.Errorf("curl =\n%s\nwant\n%s", got, want)
	}
}
