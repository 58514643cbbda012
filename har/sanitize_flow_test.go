package har

import (
	"bytes"
	"net/http"
	"testing"

	"ssodesk/auth"
	"ssodesk/flow"
	"ssodesk/transport"
)

// sanExchanges are a HAR's entries as recorded exchanges (what the HAR
// reader makes of them, in short), for the flow model.
func sanExchanges(t *testing.T, b []byte) []transport.Entry {
	t.Helper()
	h := sanParseHAR(t, b)
	var out []transport.Entry
	for i, e := range h.Log.Entries {
		x := transport.Entry{ID: i + 1, Method: e.Request.Method, URL: e.Request.URL, Status: e.Response.Status,
			RequestHeader: http.Header{}, ResponseHeader: http.Header{}, ResponseBody: e.Response.Content.Text}
		for _, nv := range e.Request.Headers {
			x.RequestHeader.Add(nv.Name, nv.Value)
		}
		for _, nv := range e.Response.Headers {
			x.ResponseHeader.Add(nv.Name, nv.Value)
		}
		out = append(out, x)
	}
	return out
}

// Reading the sanitised HAR back gives the same diagnosis: the same steps
// with the same states and findings, the code's region, the callback's
// issuer, the tokens' kinds.
func TestSanitizeSameDiagnosis(t *testing.T) {
	in, _ := sanLoad(t)
	out, _ := sanRun(t, in, SanitizeOptions{RedactPII: true})
	a, b := flow.Read(flow.Record{Entries: sanExchanges(t, in)}), flow.Read(flow.Record{Entries: sanExchanges(t, out)})
	if len(a.Steps) != len(b.Steps) || len(a.Endpoints) != len(b.Endpoints) {
		t.Fatalf("%d steps, %d endpoints; want %d, %d", len(b.Steps), len(b.Endpoints), len(a.Steps), len(a.Endpoints))
	}
	for i, s := range a.Steps {
		x := b.Steps[i]
		if x.Kind != s.Kind || x.State != s.State || len(x.Findings) != len(s.Findings) {
			t.Errorf("step %d: %v %v %v, want %v %v %v", i, x.Kind, x.State, x.Findings, s.Kind, s.State, s.Findings)
		}
		for j := range s.Findings {
			if j < len(x.Findings) && x.Findings[j].Text != s.Findings[j].Text {
				t.Errorf("step %d finding %q, want %q", i, x.Findings[j].Text, s.Findings[j].Text)
			}
		}
	}
	for i, x := range a.Exchanges {
		y := b.Exchanges[i]
		if y.Kind != x.Kind || y.Host() != x.Host() || y.URL.Path != x.URL.Path {
			t.Errorf("exchange %d: %v %s%s, want %v %s%s", i, y.Kind, y.Host(), y.URL.Path, x.Kind, x.Host(), x.URL.Path)
		}
		for _, q := range []string{"iss", "client_id", "redirect_uri", "scope", "response_type", "code_challenge_method"} {
			if y.Query().Get(q) != x.Query().Get(q) {
				t.Errorf("exchange %d: %s %q, want %q", i, q, y.Query().Get(q), x.Query().Get(q))
			}
		}
		if code := x.Query().Get("code"); code != "" && auth.CodeRegion(y.Query().Get("code")) != auth.CodeRegion(code) {
			t.Errorf("exchange %d: the code's region %q, want %q", i, auth.CodeRegion(y.Query().Get("code")), auth.CodeRegion(code))
		}
	}
}

// The HAR reader and the login finder see the same logins in the sanitised
// HAR: the same outcome, code region, issuer (read from the ID token's
// placeholder, itself a JWT), steps and findings.
func TestSanitizeSameLogins(t *testing.T) {
	in, _ := sanLoad(t)
	out, _ := sanRun(t, in, SanitizeOptions{RedactPII: true})
	read := func(b []byte) []*flow.Login {
		lg, err := Read(bytes.NewReader(b), "fixture.har", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return flow.Logins(lg.Exchanges, nil, 0)
	}
	a, b := read(in), read(out)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d logins, want %d (> 0)", len(b), len(a))
	}
	for i, x := range a {
		y := b[i]
		if y.Outcome != x.Outcome || y.CodeRegion != x.CodeRegion || y.Issuer != x.Issuer || y.ClientID != x.ClientID ||
			len(y.Steps) != len(x.Steps) || len(y.Findings) != len(x.Findings) || len(y.Tokens) != len(x.Tokens) {
			t.Errorf("login %d: %v %q %q %q %d steps %d findings %d tokens; want %v %q %q %q %d %d %d", i,
				y.Outcome, y.CodeRegion, y.Issuer, y.ClientID, len(y.Steps), len(y.Findings), len(y.Tokens),
				x.Outcome, x.CodeRegion, x.Issuer, x.ClientID, len(x.Steps), len(x.Findings), len(x.Tokens))
		}
		for j := range min(len(x.Findings), len(y.Findings)) {
			if x.Findings[j].Text != y.Findings[j].Text {
				t.Errorf("login %d finding %d: %q, want %q", i, j, y.Findings[j].Text, x.Findings[j].Text)
			}
		}
	}
	if a[0].Issuer != "https://eu.sso.himsa.com" || a[0].CodeRegion != "eu" || a[0].Outcome != flow.LoginFailed || len(a[0].Tokens) != 4 {
		t.Errorf("the original's login: %v, issuer %q, code region %q, %d tokens", a[0].Outcome, a[0].Issuer, a[0].CodeRegion, len(a[0].Tokens))
	}
}
