package harrec

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/network"
)

// newTestRecorder is a Recorder fed by hand (no browser).
func newTestRecorder() *Recorder {
	ctx, cancel := context.WithCancel(context.Background())
	return &Recorder{ctx: ctx, cancel: cancel, creator: "t", mainFrame: "main", chains: map[network.RequestID]*chain{}}
}

// TestExtraInfoGoesToItsHop: an internal redirect (HSTS's 307) has no
// extra-info events; the ones that come belong to the next hop, whatever
// order they arrive in. A repeated header (Set-Cookie twice, joined by a
// newline in the protocol) is two entries and two cookies.
func TestExtraInfoGoesToItsHop(t *testing.T) {
	r := newTestRecorder()
	req := func(url string, h network.Headers) *network.Request {
		return &network.Request{URL: url, Method: "GET", Headers: h, InitialPriority: "Low"}
	}
	r.event(&network.EventRequestWillBeSentExtraInfo{RequestID: "1", Headers: network.Headers{"Cookie": "a=1", "Host": "x.test"},
		AssociatedCookies: []*network.AssociatedCookie{{Cookie: &network.Cookie{Name: "a", Value: "1", Domain: "x.test", Path: "/", Session: true}}}})
	r.event(&network.EventRequestWillBeSent{RequestID: "1", LoaderID: "9", Type: network.ResourceTypeImage, FrameID: "main", Timestamp: 10, WallTime: 1e9,
		Request: req("http://x.test/a.png", network.Headers{"Accept": "image/*"})})
	r.event(&network.EventRequestWillBeSent{RequestID: "1", LoaderID: "9", Type: network.ResourceTypeImage, FrameID: "main", Timestamp: 10.001, WallTime: 1e9 + 0.001,
		RedirectResponse: &network.Response{Status: 307, StatusText: "Internal Redirect", Headers: network.Headers{"Location": "https://x.test/a.png"}},
		Request:          req("https://x.test/a.png", network.Headers{"Accept": "image/*"})})
	r.event(&network.EventResponseReceivedExtraInfo{RequestID: "1", StatusCode: 200, Headers: network.Headers{"Set-Cookie": "b=2; Path=/\nc=3; HttpOnly", "Content-Type": "image/png"},
		HeadersText: "HTTP/1.1 200 OK\r\nSet-Cookie: b=2; Path=/\r\nSet-Cookie: c=3; HttpOnly\r\nContent-Type: image/png\r\n\r\n"})
	r.event(&network.EventResponseReceived{RequestID: "1", Type: network.ResourceTypeImage, HasExtraInfo: true, Timestamp: 10.02,
		Response: &network.Response{Status: 200, StatusText: "OK", MimeType: "image/png", Protocol: "http/1.1", Headers: network.Headers{"Content-Type": "image/png"}}})
	r.event(&network.EventDataReceived{RequestID: "1", DataLength: 5})
	r.event(&network.EventLoadingFinished{RequestID: "1", Timestamp: 10.03, EncodedDataLength: 200})

	if busy := r.busy(); busy != "" {
		t.Fatalf("busy: %s", busy)
	}
	var l struct {
		Log struct {
			Entries []struct {
				Started  string `json:"startedDateTime"`
				Time     float64
				Request  struct{ Headers, Cookies []map[string]any }
				Response struct {
					Status      int
					Headers     []map[string]any
					Cookies     []map[string]any
					RedirectURL string `json:"redirectURL"`
					HTTPVersion string `json:"httpVersion"`
					Content     struct{ Size int }
					BodySize    int `json:"bodySize"`
				}
			}
		}
	}
	for _, sanitized := range []bool{false, true} {
		b, err := r.HAR(ExportOptions{WithoutSensitive: sanitized})
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		es := l.Log.Entries
		if len(es) != 2 {
			t.Fatalf("%d entries, want 2 (the internal redirect and the image)", len(es))
		}
		hop, img := es[0], es[1]
		if hop.Response.Status != 307 || hop.Response.RedirectURL != "https://x.test/a.png" || len(hop.Request.Headers) != 1 || hop.Request.Headers[0]["name"] != "Accept" {
			t.Errorf("sanitized %v: the internal redirect: %+v", sanitized, hop)
		}
		if hop.Started != "2001-09-09T01:46:40.000Z" || img.Started != "2001-09-09T01:46:40.001Z" {
			t.Errorf("startedDateTime %s, %s", hop.Started, img.Started)
		}
		wantCookies := map[bool]int{false: 1, true: 0}[sanitized]
		if img.Response.Status != 200 || len(img.Request.Cookies) != wantCookies || len(img.Response.Cookies) != 2*wantCookies {
			t.Errorf("sanitized %v: the image: status %d, cookies %v / %v", sanitized, img.Response.Status, img.Request.Cookies, img.Response.Cookies)
		}
		setCookies, cookieHeader := 0, false
		for _, h := range img.Response.Headers {
			if h["name"] == "Set-Cookie" {
				setCookies++
			}
		}
		for _, h := range img.Request.Headers {
			cookieHeader = cookieHeader || h["name"] == "Cookie"
		}
		if setCookies != 2*wantCookies || cookieHeader != !sanitized {
			t.Errorf("sanitized %v: %d Set-Cookie headers, Cookie header %v", sanitized, setCookies, cookieHeader)
		}
		if img.Response.HTTPVersion != "HTTP/1.1" || img.Response.Content.Size != 5 || img.Response.BodySize != 200-len("HTTP/1.1 200 OK\r\nSet-Cookie: b=2; Path=/\r\nSet-Cookie: c=3; HttpOnly\r\nContent-Type: image/png\r\n\r\n") {
			t.Errorf("httpVersion %q, content.size %d, bodySize %d", img.Response.HTTPVersion, img.Response.Content.Size, img.Response.BodySize)
		}
	}
}

// TestFailedWithoutResponse: loadingFailed before any response is status
// 0 with _error, _corsErrorStatus; AsDevTools leaves the latter out.
func TestFailedWithoutResponse(t *testing.T) {
	r := newTestRecorder()
	r.event(&network.EventRequestWillBeSent{RequestID: "7", Type: network.ResourceTypeFetch, Timestamp: 1, WallTime: 1e9,
		Request: &network.Request{URL: "https://idp.test/connect/token", Method: "POST", HasPostData: true,
			PostDataEntries: []*network.PostDataEntry{{Bytes: []byte("grant_type=x&")}, {Bytes: []byte("code=y")}},
			Headers:         network.Headers{"Content-Type": "application/x-www-form-urlencoded"}}})
	r.event(&network.EventLoadingFailed{RequestID: "7", Timestamp: 1.5, Type: network.ResourceTypeFetch, ErrorText: "net::ERR_FAILED",
		CorsErrorStatus: &network.CorsErrorStatus{CorsError: network.CorsErrorMissingAllowOriginHeader}})
	for _, devtools := range []bool{false, true} {
		b, err := r.HAR(ExportOptions{AsDevTools: devtools})
		if err != nil {
			t.Fatal(err)
		}
		var l struct {
			Log struct {
				Entries []struct {
					Time    float64
					Request struct {
						PostData struct {
							Text   string
							Params []map[string]string
						} `json:"postData"`
					}
					Response struct {
						Status int
						Error  *string         `json:"_error"`
						CORS   json.RawMessage `json:"_corsErrorStatus"`
					}
				}
			}
		}
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		e := l.Log.Entries[0]
		if e.Response.Status != 0 || e.Response.Error == nil || *e.Response.Error != "net::ERR_FAILED" || (len(e.Response.CORS) > 0) == devtools {
			t.Errorf("devtools %v: status %d, _error %v, _corsErrorStatus %s", devtools, e.Response.Status, e.Response.Error, e.Response.CORS)
		}
		if e.Request.PostData.Text != "grant_type=x&code=y" || len(e.Request.PostData.Params) != 2 || e.Time != 500 {
			t.Errorf("postData %+v, time %v", e.Request.PostData, e.Time)
		}
	}
}
