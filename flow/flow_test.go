package flow_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/flow"
	"ssodesk/transport"
)

var t0 = time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// TestClockSkew: the middle of the Date header's second, against the time
// the answer came, in whole seconds; an answer within the header's second
// is no skew at all wherever in that second it came.
func TestClockSkew(t *testing.T) {
	date := t0.Format(http.TimeFormat)
	for _, tc := range []struct {
		received time.Time
		want     time.Duration
	}{
		{at(1), 0},
		{at(200), 0},
		{at(999), 0}, // the Date header alone (no midpoint) would say -1s here
		{at(-29_700), 30 * time.Second},
		{at(180_800), -3 * time.Minute},
	} {
		got, ok := transport.ClockSkew(date, tc.received)
		if !ok || got != tc.want {
			t.Errorf("received %s: %v %v, want %v", tc.received.Sub(t0), got, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "Mon, 99 Dec 2026 25:00:00 GMT"} {
		if _, ok := transport.ClockSkew(bad, t0); ok {
			t.Errorf("%q read as a date", bad)
		}
	}
	if _, ok := transport.ClockSkew(date, time.Time{}); ok {
		t.Error("skew without a time of receipt")
	}
}

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

const idp = "https://idp.test"

// loginRecord is a login that failed at the verification: every kind of
// step, an exchange before it started (another attempt's), a warning.
func loginRecord() flow.Record {
	date := at(0).Add(2 * time.Second).Format(http.TimeFormat) // the IdP is 2s ahead
	authorize := idp + "/connect/authorize?client_id=app&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback&scope=openid+profile&state=s"
	entries := []transport.Entry{
		{ID: 1, Purpose: "discovery", Start: at(-500), Method: "GET", URL: idp + "/.well-known/openid-configuration", Status: 200},
		{ID: 2, Purpose: "discovery", Start: at(10), Duration: 20 * time.Millisecond, Method: "GET", URL: idp + "/.well-known/openid-configuration",
			Status: 200, ResponseHeader: header("Date", date), TLSVersion: "TLS 1.3", CertExpiry: at(0).Add(90 * 24 * time.Hour)},
		{ID: 3, Purpose: "preflight", Start: at(60), Method: "GET", URL: authorize, Status: 302, ResponseHeader: header("Location", "/login?x=1")},
		{ID: 4, Purpose: "jwks", Start: at(80), Method: "GET", URL: idp + "/keys", Status: 200},
		{ID: 5, Purpose: "callback", Start: at(900), Method: "GET", URL: "http://127.0.0.1:4000/callback?code=[redacted]&state=s", Status: 200},
		{ID: 6, Purpose: "token", Start: at(950), Duration: 40 * time.Millisecond, Method: "POST", URL: "https://other.test/token", Status: 200, Warning: "on another host"},
		{ID: 7, Purpose: "userinfo", Start: at(2000), Method: "GET", URL: idp + "/userinfo", Status: 401},
		{ID: 8, Purpose: "api", Start: at(2100), Method: "GET", URL: "https://api.test/v1/me", Error: "dial tcp: refused"},
	}
	events := []auth.Event{
		{Step: auth.StepDiscovered, Msg: "read discovery", At: at(40)},
		{Step: auth.StepListening, Msg: "listening", URL: "http://127.0.0.1:4000/callback", At: at(50)},
		{Step: auth.StepPreflight, Msg: "accepted", At: at(70)},
		{Step: auth.StepBrowser, Msg: "opening", URL: authorize, At: at(75), Err: errors.New("no browser")},
		{Step: auth.StepWarning, Msg: "the browser did not open", At: at(76)},
		{Step: auth.StepCallback, Msg: "redirect received", At: at(910)},
		{Step: auth.StepExchanged, Msg: "tokens received", At: at(1000)},
	}
	return flow.Record{Entries: entries, Events: events, Started: at(0), Finished: at(1100), Login: true,
		Err: &auth.VerifyError{Report: &auth.Report{}}}
}

func TestReadLogin(t *testing.T) {
	f := flow.Read(loginRecord())
	if len(f.Exchanges) != 7 || f.Exchanges[0].ID != 2 {
		t.Fatalf("exchanges of the attempt: %d from #%d, want 7 from #2", len(f.Exchanges), f.Exchanges[0].ID)
	}
	if f.Failed != flow.Verify {
		t.Errorf("failed at %q", f.Failed)
	}
	want := []struct {
		kind  flow.Kind
		state flow.State
		took  time.Duration
		n     int // exchanges
	}{
		{flow.Discovery, flow.Done, 40 * time.Millisecond, 1}, {flow.Listening, flow.Done, 10 * time.Millisecond, 0},
		{flow.Preflight, flow.Done, 20 * time.Millisecond, 1}, {flow.Browser, flow.Warned, 5 * time.Millisecond, 0},
		{flow.Callback, flow.Done, 835 * time.Millisecond, 1}, {flow.CodeExchange, flow.Done, 90 * time.Millisecond, 1},
		{flow.Verify, flow.Failed, 100 * time.Millisecond, 1},
		{flow.UserInfo, flow.Failed, 0, 1}, {flow.API, flow.Failed, 0, 1},
	}
	if len(f.Steps) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(f.Steps), len(want), f.Steps)
	}
	for i, w := range want {
		s := f.Steps[i]
		if s.Kind != w.kind || s.State != w.state || s.Took != w.took || len(s.Exchanges) != w.n {
			t.Errorf("step %d: %s state %d took %v, %d exchanges; want %s %d %v %d", i, s.Kind, s.State, s.Took, len(s.Exchanges), w.kind, w.state, w.took, w.n)
		}
	}
	if s, _ := f.Step(flow.Verify); s.Detail != "verifying the ID token" || !s.At.Equal(at(1100)) {
		t.Errorf("failed step: %q at %v", s.Detail, s.At)
	}
	if s, _ := f.Step(flow.CodeExchange); len(s.Findings) != 1 || s.Findings[0].Severity != flow.Warning {
		t.Errorf("the exchange's warning: %+v", s.Findings)
	}
	if len(f.Warnings) != 1 || f.Warnings[0] != "the browser did not open" {
		t.Errorf("warnings %q", f.Warnings)
	}
	a := f.Authorize()
	if a == nil || a.Query().Get("client_id") != "app" || a.Query().Get("scope") != "openid profile" || a.Kind != flow.Browser {
		t.Errorf("authorize: %+v", a)
	}
	if pre := f.OfKind(flow.Preflight); len(pre) != 1 || pre[0].Location != "/login?x=1" {
		t.Errorf("pre-flight redirect: %+v", pre)
	}
}

// TestEndpoints: each host once, in the order first asked, not the
// browser's redirect to the listener; the TLS facts of its first answer;
// the clock from the last IdP answer with a Date header.
func TestEndpoints(t *testing.T) {
	f := flow.Read(loginRecord())
	var hosts []string
	for _, ep := range f.Endpoints {
		hosts = append(hosts, ep.Host)
	}
	if got := strings.Join(hosts, " "); got != "idp.test other.test api.test" {
		t.Errorf("hosts %s", got)
	}
	ep := f.Endpoints[0]
	if ep.TLS == nil || ep.TLS.Version != "TLS 1.3" || ep.From.ID != 2 || !ep.SkewKnown || ep.Skew != 2*time.Second {
		t.Errorf("idp.test: %+v (tls %+v)", ep, ep.TLS)
	}
	if ep.TLS.ExpiresSoon(at(0)) || !ep.TLS.ExpiresSoon(at(0).Add(80*24*time.Hour)) {
		t.Error("ExpiresSoon")
	}
	if c := f.Clock(); !c.Known || c.Skew != 2*time.Second || c.From.ID != 2 {
		t.Errorf("clock %+v", c)
	}
	// A failure first, then an answer: the answer's facts.
	r := flow.Record{Entries: []transport.Entry{
		{ID: 1, Start: at(0), URL: idp + "/a", Error: "timeout"},
		{ID: 2, Start: at(1), URL: idp + "/b", Status: 200, TLSVersion: "TLS 1.2"},
		{ID: 3, Start: at(2), URL: idp + "/c", Error: "reset"},
	}}
	if eps := flow.Read(r).Endpoints; len(eps) != 1 || eps[0].From.ID != 2 || eps[0].TLS.Version != "TLS 1.2" {
		t.Errorf("endpoints %+v", eps)
	}
}

// TestNoLoginSteps: a check (no events) is its exchanges, one step each;
// a login that never ran (a kept session) has no login steps.
func TestNoLoginSteps(t *testing.T) {
	r := loginRecord()
	r.Login, r.Events, r.Err = false, nil, nil
	f := flow.Read(r)
	if len(f.Steps) != len(f.Exchanges) || f.Failed != flow.Other {
		t.Errorf("check: %d steps for %d exchanges, failed %q", len(f.Steps), len(f.Exchanges), f.Failed)
	}
	r.Login = true
	if f := flow.Read(r); len(f.Steps) != 2 || f.Steps[0].Kind != flow.UserInfo {
		t.Errorf("kept session: %+v", f.Steps)
	}
	r.Err = errors.New("login cancelled")
	if f := flow.Read(r); f.Failed != flow.Discovery {
		t.Errorf("cancelled before any step: failed at %q", f.Failed)
	}
}

// TestKindOf: without ssodesk's tags (a browser's HAR), the URL says what
// an exchange was for.
func TestKindOf(t *testing.T) {
	for raw, want := range map[string]flow.Kind{
		"https://idp.test/.well-known/openid-configuration":      flow.Discovery,
		"https://idp.test/connect/authorize?client_id=x":         flow.Browser,
		"http://127.0.0.1:5000/callback?code=x":                  flow.Callback,
		"https://app.test/callback?code=x":                       flow.Other,
		"https://idp.test/connect/token":                         flow.CodeExchange,
		"https://idp.test/connect/userinfo":                      flow.UserInfo,
		"https://idp.test/.well-known/openid-configuration/jwks": flow.Verify,
		"https://idp.test/connect/endsession?id_token_hint=x":    flow.Logout,
		"https://api.test/v1/me":                                 flow.Other,
	} {
		u, _ := url.Parse(raw)
		if got := flow.KindOf("", u); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
	if got := flow.KindOf("api", &url.URL{Path: "/connect/token"}); got != flow.API {
		t.Errorf("the tag wins: %q", got)
	}
}
