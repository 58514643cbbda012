package report

import (
	"net"
	"net/http"
	"net/url"
	"time"

	"ssodesk/api"
	"ssodesk/explain"
	"ssodesk/transport"
)

// idpPurposes are the trace's exchanges with an IdP.
var idpPurposes = map[string]bool{"discovery": true, "jwks": true, "token": true, "userinfo": true, "preflight": true}

// clockOf compares this computer's clock with the IdP's Date header of the
// last IdP answer (as diagnose does: the IdP's time minus this clock's).
func clockOf(entries []transport.Entry, leeway time.Duration) Clock {
	c := Clock{LeewayMS: leeway.Milliseconds(), Detail: explain.ReportClockUnknown}
	for _, e := range entries {
		if !idpPurposes[e.Purpose] || e.ResponseHeader == nil {
			continue
		}
		date, err := http.ParseTime(e.ResponseHeader.Get("Date"))
		if err != nil {
			continue
		}
		// The Date header is cut to the second: compare it with the middle of that second.
		skew := date.Add(500 * time.Millisecond).Sub(e.Start.Add(e.Duration)).Round(time.Second)
		c = Clock{Known: true, SkewMS: skew.Milliseconds(), From: hostOf(e.URL), LeewayMS: leeway.Milliseconds(),
			Detail: explain.CheckClock(skew, leeway)}
	}
	return c
}

// tlsHosts is the connection to each host the attempt talked to, in the
// order they were first asked.
func tlsHosts(entries []transport.Entry, now time.Time) []TLSHost {
	var out []TLSHost
	seen, answered := map[string]int{}, map[string]bool{}
	for _, e := range entries {
		host := hostOf(e.URL)
		if e.Purpose == "callback" || host == "" {
			continue // the browser's request to ssodesk's listener, not one ssodesk made
		}
		h := TLSHost{Host: host, Version: e.TLSVersion, Cipher: e.TLSCipher, CertSubject: e.CertSubject, CertExpiry: e.CertExpiry,
			Detail: tlsDetail(e, now)}
		switch i, ok := seen[host]; {
		case !ok:
			seen[host] = len(out)
			out = append(out, h)
		case !answered[host] && e.Status != 0:
			out[i] = h // an answer says more than a failure
		}
		answered[host] = answered[host] || e.Status != 0
	}
	return out
}

func tlsDetail(e transport.Entry, now time.Time) string {
	switch {
	case e.TLSVersion != "" && !e.CertExpiry.IsZero():
		return explain.CheckTLS(e.TLSVersion, e.CertExpiry, now)
	case e.TLSVersion != "":
		return e.TLSVersion
	case e.Status == 0 && e.Error != "":
		return explain.ReportNoAnswer(e.Error)
	case isLoopback(hostOf(e.URL)):
		return explain.CheckPlainHTTP
	}
	return explain.ReportPlainHTTP
}

// apiCalls are the API calls of the trace, each refusal diagnosed as the
// console diagnoses it.
func apiCalls(a Attempt, entries []transport.Entry) []APICall {
	var out []APICall
	for _, e := range entries {
		if e.Purpose != "api" {
			continue
		}
		c := APICall{ID: e.ID, Method: e.Method, URL: e.URL, Status: e.Status, DurationMS: e.Duration.Milliseconds(), Error: e.Error}
		if a.Result != nil && e.Status != 0 {
			resp := &api.Response{URL: e.URL, Status: e.Status, Header: e.ResponseHeader}
			if d := api.Diagnose(resp, api.FactsFor(a.Result, a.Region, e.Start)); d != nil {
				c.Diagnosis = d.Summary
			}
		}
		out = append(out, c)
	}
	return out
}

// traceOf is the trace as a table (the HAR's name is added when written).
func traceOf(a Attempt, entries []transport.Entry) Trace {
	if a.Trace == nil {
		return Trace{Note: explain.ReportTraceUnavailable, Entries: []TraceEntry{}}
	}
	t := Trace{Recorded: true, Entries: make([]TraceEntry, 0, len(entries))}
	for _, e := range entries {
		t.Entries = append(t.Entries, TraceEntry{ID: e.ID, Purpose: e.Purpose, Start: e.Start, Method: e.Method, URL: e.URL,
			Status: e.Status, DurationMS: e.Duration.Milliseconds(), TLS: e.TLSVersion, Error: e.Error, Warning: e.Warning})
	}
	return t
}

// hostOf is the host (with port) of a URL ("" when it has none).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}
