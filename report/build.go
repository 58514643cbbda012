package report

import (
	"cmp"
	"errors"
	"maps"
	"net/url"
	"reflect"
	"runtime"
	"slices"
	"ssodesk/timefmt"
	"strconv"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/flow"
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
	// Every secret the run knows (the trace's, the session's tokens) is
	// replaced wherever it appears, under whatever name an IdP echoed it.
	walkStrings(reflect.ValueOf(d).Elem(), secretsOf(a).Scrub)
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

// secretsOf is every secret value a knows: its trace's and its tokens.
func secretsOf(a Attempt) *transport.Secrets {
	return a.Trace.Secrets().Also(a.Result.Secrets()...)
}

// buildAttempt reports a login or a check.
func buildAttempt(a Attempt, now time.Time) *Document {
	if a.Kind == "" {
		a.Kind = KindLogin
	}
	if a.Finished.IsZero() {
		a.Finished = now
	}
	f := a.Flow()
	d := &Document{Kind: a.Kind, Tried: tried(a, f)}
	if a.Kind == KindLogin {
		d.Steps, d.Warnings = steps(a, f), f.Warnings
		d.Outcome = loginOutcome(a, f.Failed)
	} else {
		d.Outcome = checkOutcome(a.Checks)
		d.EndpointChecks = endpointChecks(a.Checks)
	}
	if a.Result != nil {
		addResult(d, a, now)
	}
	d.Clock = clockOf(f, a.leeway())
	d.TLS = tlsHosts(f, now)
	d.APICalls = apiCalls(a, f)
	d.Trace = traceOf(a, f)
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

// Flow is what happened in the attempt, read once from its trace (the
// exchanges from its start on) and its events: every part of the report
// that tells what happened is rendered from it.
func (a Attempt) Flow() *flow.Flow {
	var entries []transport.Entry
	if a.Trace != nil {
		entries = a.Trace.Entries()
	}
	return flow.Read(flow.Record{Entries: entries, Events: a.Events, Started: a.started(), Finished: a.Finished,
		Login: a.Kind == KindLogin || a.Kind == "", Err: loginErr(a)})
}

// configOf is the configuration of a's endpoint's environment (an error
// without one: a saved document, or an endpoint of another configuration).
func configOf(a Attempt) (*config.Config, error) {
	if a.Config == nil {
		return nil, errors.New("no configuration")
	}
	return a.Config.For(a.Region)
}

// tried is what the attempt asked for: the configuration of its endpoint's
// environment, then what the authorize request really sent.
func tried(a Attempt, f *flow.Flow) Tried {
	var t Tried
	if c, err := configOf(a); err == nil {
		t = Tried{Environment: c.Environment, ClientID: c.ClientID, RedirectURI: c.RedirectURI, Scopes: c.EffectiveScopes(),
			ExchangeAt: cmp.Or(c.ExchangeAt, config.ExchangeGlobal), Preflight: c.Preflight,
			LoginTimeout: timefmt.Short(cmp.Or(c.LoginTimeout, config.DefaultLoginTimeout)),
			Leeway:       timefmt.Short(cmp.Or(c.Leeway, config.DefaultLeeway)),
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
	if x := f.Authorize(); x != nil {
		q := x.Query()
		t.ClientID, t.RedirectURISent = cmp.Or(q.Get("client_id"), t.ClientID), q.Get("redirect_uri")
		if s := strings.Fields(q.Get("scope")); len(s) > 0 {
			t.Scopes = s
		}
		t.CultureLCID, t.Prompt = cmp.Or(q.Get("culture-lcid"), t.CultureLCID), cmp.Or(q.Get("prompt"), t.Prompt)
		t.ForceChoose = t.ForceChoose || q.Get("forcechoose") == "1"
		t.Params = paramsOf(q)
	}
	if a.Result != nil && a.Result.Params != nil {
		t.Params = a.Result.Params.Sent.Sent()
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

// ownParams are the authorize parameters of the protocol itself (and
// HIMSA's forcechoose), which Tried shows on their own.
var ownParams = append([]string{"forcechoose"}, auth.ReservedParams...)

// paramsOf are the parameters an authorize request sent beyond ownParams,
// sorted by name (a login that ended before its result records them so).
func paramsOf(q url.Values) []auth.Param {
	var out []auth.Param
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(ownParams, k) {
			for _, v := range q[k] {
				out = append(out, auth.Param{Key: k, Value: v})
			}
		}
	}
	return out
}
