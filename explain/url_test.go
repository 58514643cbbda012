package explain

import (
	"strings"
	"testing"

	"ssodesk/config"
	"ssodesk/safe"
	"ssodesk/urlfacts"
)

func himsaEndpoints() []config.Region {
	var out []config.Region
	for _, e := range config.BuiltinEnvironments() {
		for _, r := range e.Endpoints {
			r.Env, r.EnvLabel = e.Name, e.Title()
			out = append(out, r)
		}
	}
	return out
}

// Every kind of problem has words of its own: a sentence that ends, and
// never the kind's name as a fallback.
func TestURLWordsForEveryProblem(t *testing.T) {
	eu := himsaEndpoints()[1]
	f := &urlfacts.Facts{Kind: urlfacts.Authorize, Host: "idp-eu.himsa-sso.com", Endpoint: eu, Found: true, Env: config.EnvProduction}
	for _, k := range urlfacts.ProblemKinds {
		if _, ok := urlWords[k]; !ok {
			t.Errorf("no words for %s", k)
			continue
		}
		for _, sev := range []urlfacts.Severity{urlfacts.Note, urlfacts.Warn} {
			p := urlfacts.Problem{Kind: k, Severity: sev, Param: "scope", Value: "1", Endpoint: eu, Found: true, Expected: eu, Other: config.EnvQA}
			text, cause, fix := URLProblem(f, p)
			for _, s := range []string{text, cause, fix} {
				if s != "" && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") {
					t.Errorf("%s: %q does not end a sentence", k, s)
				}
			}
			if text == string(k) || text == "" {
				t.Errorf("%s: no sentence (%q)", k, text)
			}
		}
	}
}

func TestURLExplanation(t *testing.T) {
	f, err := urlfacts.Read("https://app.example/cb?code=eu.CODE-SECRET-123456&state=STATE-SECRET-1&error_description=%1b%5b2J",
		himsaEndpoints(), config.EnvProduction)
	if err != nil {
		t.Fatal(err)
	}
	x := URL(f)
	if x.Schema != URLSchema || x.Kind != "callback" || x.Failed || len(x.Params) != 3 {
		t.Fatalf("%+v", x)
	}
	if got := x.Params[0].Text; !strings.HasPrefix(got, "prefix eu. · 21 bytes, sha256 ") {
		t.Errorf("code shown as %q", got)
	}
	if got := x.Params[1].Text; got != "present, 14 chars (not shown)" {
		t.Errorf("state shown as %q", got)
	}
	var all []string
	all = append(all, x.URL, x.What)
	for _, p := range x.Params {
		all = append(all, p.Text, p.Value)
	}
	for _, fd := range x.Findings {
		all = append(all, fd.Text, fd.Cause, fd.Fix)
	}
	for _, s := range all {
		if strings.Contains(s, "SECRET") || safe.Printable(s) != s {
			t.Errorf("shown: %q", s)
		}
	}
	// Fails first, then warnings, checks, notes.
	f, _ = urlfacts.Read("https://idp.himsa-sso.com/connect/authorize?client_id=a&redirect_uri=b&response_type=code&scope=openid&culture-lcid=1033",
		himsaEndpoints(), "")
	x = URL(f)
	if x.Findings[0].Status != "fail" || x.Findings[len(x.Findings)-1].Status != "note" {
		t.Errorf("order: %+v", x.Findings)
	}
}

func TestURLInputError(t *testing.T) {
	for _, r := range []urlfacts.Reason{urlfacts.TooLarge, urlfacts.Empty, urlfacts.NotURL, urlfacts.NotAbsolute, urlfacts.Unparsable} {
		if s := URLInputError(&urlfacts.InputError{Reason: r, Bytes: 5}); !strings.Contains(s, "give") {
			t.Errorf("%s: %q says nothing of what to give", r, s)
		}
	}
}
