package report

import (
	"time"

	"ssodesk/api"
	"ssodesk/explain"
	"ssodesk/flow"
)

// clockOf is this computer's clock against the IdP's, as the flow read it
// (flow.ClockSkew: the same formula as check's clock row).
func clockOf(f *flow.Flow, leeway time.Duration) Clock {
	c := f.Clock()
	if !c.Known {
		return Clock{LeewayMS: leeway.Milliseconds(), Detail: explain.ReportClockUnknown}
	}
	return Clock{Known: true, SkewMS: c.Skew.Milliseconds(), From: c.From.Host(), LeewayMS: leeway.Milliseconds(),
		Detail: explain.CheckClock(c.Skew, leeway)}
}

// tlsHosts is the connection to each host the attempt talked to, in the
// order they were first asked (the flow's endpoints).
func tlsHosts(f *flow.Flow, now time.Time) []TLSHost {
	var out []TLSHost
	for _, ep := range f.Endpoints {
		h := TLSHost{Host: ep.Host, Detail: tlsDetail(ep, now)}
		if t := ep.TLS; t != nil {
			h.Version, h.Cipher, h.CertSubject, h.CertExpiry = t.Version, t.Cipher, t.CertSubject, t.CertExpiry
		}
		out = append(out, h)
	}
	return out
}

func tlsDetail(ep flow.Endpoint, now time.Time) string {
	t, x := ep.TLS, ep.From
	switch {
	case t.ExpiresSoon(now):
		return explain.CheckTLSSoon(t.Version, t.CertExpiry, now)
	case t != nil && !t.CertExpiry.IsZero():
		return explain.CheckTLS(t.Version, t.CertExpiry, now)
	case t != nil:
		return t.Version
	case !x.Answered() && x.Error != "":
		return explain.ReportNoAnswer(x.Error)
	case flow.IsLoopback(ep.Host):
		return explain.CheckPlainHTTP
	}
	return explain.ReportPlainHTTP
}

// apiCalls are the API calls of the flow, each refusal diagnosed as the
// console diagnoses it.
func apiCalls(a Attempt, f *flow.Flow) []APICall {
	var out []APICall
	for _, x := range f.OfKind(flow.API) {
		c := APICall{ID: x.ID, Method: x.Method, URL: x.RawURL, Status: x.Status, DurationMS: x.Duration.Milliseconds(), Error: x.Error}
		if a.Result != nil && x.Answered() {
			resp := &api.Response{URL: x.RawURL, Status: x.Status, Header: x.ResponseHeader}
			if d := api.Diagnose(resp, api.FactsFor(a.Result, a.Region, x.Start)); d != nil {
				c.Diagnosis = d.Summary
			}
		}
		out = append(out, c)
	}
	return out
}

// traceOf is the flow's exchanges as a table (the HAR's name is added when
// written).
func traceOf(a Attempt, f *flow.Flow) Trace {
	if a.Trace == nil {
		return Trace{Note: explain.ReportTraceUnavailable, Entries: []TraceEntry{}}
	}
	t := Trace{Recorded: true, Entries: make([]TraceEntry, 0, len(f.Exchanges))}
	for _, x := range f.Exchanges {
		te := TraceEntry{ID: x.ID, Purpose: x.Purpose, Start: x.Start, Method: x.Method, URL: x.RawURL,
			Status: x.Status, DurationMS: x.Duration.Milliseconds(), Error: x.Error, Warning: x.Warning}
		if x.TLS != nil {
			te.TLS = x.TLS.Version
		}
		t.Entries = append(t.Entries, te)
	}
	return t
}
