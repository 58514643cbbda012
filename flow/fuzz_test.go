package flow_test

import (
	"net/http"
	"testing"
	"time"

	"ssodesk/flow"
	"ssodesk/transport"
)

// FuzzExchange: any URL, Location and Date header (a customer's HAR holds
// anything) reads into a flow without a panic, with a URL never nil, and
// an endpoint per host at most once.
func FuzzExchange(f *testing.F) {
	f.Add("https://idp.test/connect/authorize?client_id=a&scope=openid", "/login?x=1", "Mon, 07 Dec 2026 22:00:00 GMT", 302)
	f.Add("http://127.0.0.1:4000/callback?code=%zz&state=s", "", "", 200)
	f.Add("::not a url", "http://[::1", "Mon, 07 Dec 2026 25:61:61 GMT", 0)
	f.Add("https://[fe80::1%25en0]:443/.well-known/openid-configuration", "\x00", "Sunday, 06-Nov-94 08:49:37 GMT", 500)
	f.Fuzz(func(t *testing.T, rawURL, location, date string, status int) {
		start := time.Unix(1_796_677_200, 0)
		h := http.Header{"Location": {location}, "Date": {date}}
		e := transport.Entry{ID: 1, Purpose: "", Start: start, Duration: time.Millisecond, Method: "GET", URL: rawURL, Status: status, ResponseHeader: h}
		fl := flow.Read(flow.Record{Entries: []transport.Entry{e, e}, Login: true})
		for _, x := range fl.Exchanges {
			if x.URL == nil {
				t.Fatal("nil URL")
			}
			_ = x.Query()
			if skew, ok := x.Skew(); ok && skew%time.Second != 0 {
				t.Errorf("skew %v is not whole seconds", skew)
			}
		}
		if len(fl.Endpoints) > 1 {
			t.Errorf("one host, %d endpoints", len(fl.Endpoints))
		}
		_ = fl.Authorize()
		_ = fl.Clock()
	})
}

// FuzzClockSkew: any Date header is a whole number of seconds or no skew.
func FuzzClockSkew(f *testing.F) {
	f.Add("Mon, 07 Dec 2026 22:00:00 GMT", int64(1_796_677_200_123))
	f.Add("Monday, 07-Dec-26 22:00:00 GMT", int64(0))
	f.Add("Mon Dec  7 22:00:00 2026", int64(-1))
	f.Fuzz(func(t *testing.T, date string, ms int64) {
		skew, ok := transport.ClockSkew(date, time.UnixMilli(ms))
		if ok && skew%time.Second != 0 {
			t.Errorf("%q: skew %v", date, skew)
		}
		if !ok && skew != 0 {
			t.Errorf("%q: no skew, yet %v", date, skew)
		}
	})
}
