package report

import (
	"cmp"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/transport"
)

// Build makes the report of a: every fact it holds, in words from explain,
// masked when o.RedactPII. Only a saved document that does not read fails.
func Build(a Attempt, o Options) (*Document, error) {
	d, _, err := build(a, o)
	return d, err
}

// build is Build, with the masker that masked it (nil without RedactPII),
// for the HAR beside the report.
func build(a Attempt, o Options) (*Document, *masker, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	var d *Document
	if a.Kind == KindSaved {
		var err error
		if d, err = buildSaved(a.Saved); err != nil {
			return nil, nil, err
		}
	} else {
		d = buildAttempt(a, now)
	}
	d.Schema, d.Generated = Schema, generated(o, now)
	d.PersonalData = explain.If(o.RedactPII, "masked", "shown")
	d.Notes = append(d.Notes, explain.ReportTimesNote)
	if !o.RedactPII {
		return d, nil, nil
	}
	m := newMasker(d)
	m.document(d)
	return d, m, nil
}

// buildAttempt reports a login or a check.
func buildAttempt(a Attempt, now time.Time) *Document {
	if a.Kind == "" {
		a.Kind = KindLogin
	}
	if a.Finished.IsZero() {
		a.Finished = now
	}
	entries := a.entries()
	d := &Document{Kind: a.Kind, Tried: tried(a, entries)}
	failed := failedStep(a)
	if a.Kind == KindLogin {
		d.Steps, d.Warnings = steps(a, failed, entries)
		d.Outcome = loginOutcome(a, failed)
	} else {
		d.Outcome = checkOutcome(a.Checks)
		d.EndpointChecks = endpointChecks(a.Checks)
	}
	if a.Result != nil {
		addResult(d, a, now)
	}
	d.Clock = clockOf(entries, a.leeway())
	d.TLS = tlsHosts(entries, now)
	d.APICalls = apiCalls(a, entries)
	d.Trace = traceOf(a, entries)
	// Lists are [] in JSON, never null.
	d.Steps, d.TLS, d.Tokens, d.APICalls = orEmpty(d.Steps), orEmpty(d.TLS), orEmpty(d.Tokens), orEmpty(d.APICalls)
	return d
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func generated(o Options, now time.Time) Generated {
	return Generated{By: "ssodesk", Version: cmp.Or(o.Version, Version()), OS: runtime.GOOS + "/" + runtime.GOARCH,
		UTC: now.UTC(), Local: now.Local().Format("2006-01-02 15:04:05 MST -07:00")}
}

// started is when the attempt began: Started, else its first event.
func (a Attempt) started() time.Time {
	if a.Started.IsZero() && len(a.Events) > 0 {
		return a.Events[0].At
	}
	return a.Started
}

// leeway is the clock skew the verification tolerates.
func (a Attempt) leeway() time.Duration {
	switch {
	case a.Result != nil && a.Result.Report != nil && a.Result.Report.Leeway > 0:
		return a.Result.Report.Leeway
	case a.Config != nil && a.Config.Leeway > 0:
		return a.Config.Leeway
	}
	return auth.DefaultLeeway
}

// entries are the trace's exchanges of this attempt: from its start on.
func (a Attempt) entries() []transport.Entry {
	if a.Trace == nil {
		return nil
	}
	all, from := a.Trace.Entries(), a.started()
	out := make([]transport.Entry, 0, len(all))
	for _, e := range all {
		if from.IsZero() || !e.Start.Before(from) {
			out = append(out, e)
		}
	}
	return out
}

// tried is what the attempt asked for: the configuration of its endpoint's
// environment, then what the authorize request really sent.
func tried(a Attempt, entries []transport.Entry) Tried {
	var t Tried
	if a.Config != nil {
		c := a.Config.For(a.Region)
		t = Tried{Environment: c.Environment, ClientID: c.ClientID, RedirectURI: c.RedirectURI, Scopes: c.EffectiveScopes(),
			ExchangeAt: cmp.Or(c.ExchangeAt, config.ExchangeGlobal), Preflight: c.Preflight,
			LoginTimeout: explain.ShortDuration(cmp.Or(c.LoginTimeout, config.DefaultLoginTimeout)),
			Leeway:       explain.ShortDuration(cmp.Or(c.Leeway, config.DefaultLeeway)),
			ClientSecret: secretText(cmp.Or(a.Region.ClientSecret, c.ClientSecret), a.Region.SecretKey)}
		if env, ok := c.FindEnvironment(c.Environment); ok {
			t.EnvironmentLabel = env.Title()
		}
		if c.CultureLCID != 0 {
			t.CultureLCID = strconv.Itoa(c.CultureLCID)
		}
	}
	t.Endpoint, t.Issuer, t.ForceChoose, t.Prompt = a.Region.Name, a.Region.Issuer, a.ForceChoose, a.Prompt
	if a.Kind == KindCheck {
		t.Endpoint = checkedEndpoints(a)
	}
	if u := authorizeURL(a.Events, entries); u != nil {
		q := u.Query()
		t.ClientID, t.RedirectURISent = cmp.Or(q.Get("client_id"), t.ClientID), q.Get("redirect_uri")
		if s := strings.Fields(q.Get("scope")); len(s) > 0 {
			t.Scopes = s
		}
		t.CultureLCID, t.Prompt = cmp.Or(q.Get("culture-lcid"), t.CultureLCID), cmp.Or(q.Get("prompt"), t.Prompt)
		t.ForceChoose = t.ForceChoose || q.Get("forcechoose") == "1"
	}
	return t
}

// secretText says whether a client secret is set: never its value.
func secretText(secret, key string) string {
	switch {
	case secret == "":
		return "none (a public client: PKCE only)"
	case key != "":
		return "set (" + key + "), not shown"
	}
	return "set, not shown"
}

func checkedEndpoints(a Attempt) string {
	names := make([]string, 0, len(a.Checks))
	for _, c := range a.Checks {
		names = append(names, c.Region)
	}
	return strings.Join(names, ", ")
}

// authorizeURL is the authorize request the login sent: the browser
// step's URL, else the pre-flight's (a refused login opens no browser).
func authorizeURL(events []auth.Event, entries []transport.Entry) *url.URL {
	raw := ""
	for _, ev := range events {
		if ev.Step == auth.StepBrowser && ev.URL != "" {
			raw = ev.URL
		}
	}
	for _, e := range entries {
		if raw == "" && e.Purpose == "preflight" && strings.Contains(e.URL, "client_id=") {
			raw = e.URL
		}
	}
	u, err := url.Parse(raw)
	if raw == "" || err != nil {
		return nil
	}
	return u
}
