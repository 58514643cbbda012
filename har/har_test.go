package har

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ssodesk/flow"
	"ssodesk/safe"
)

func readFixture(t *testing.T, name string) *Log {
	t.Helper()
	lg, err := ReadFile(filepath.Join("testdata", name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lg.Problems {
		if safe.Printable(p) != p {
			t.Errorf("problem %q is not printable", p)
		}
	}
	for i, x := range lg.Exchanges {
		if x.ID != i+1 || x.URL == nil {
			t.Errorf("exchange %d: ID %d, URL %v", i, x.ID, x.URL)
		}
		if i > 0 && x.Start.Before(lg.Exchanges[i-1].Start) && !x.Start.IsZero() {
			t.Errorf("exchange %d starts before %d", x.ID, x.ID-1)
		}
	}
	return lg
}

func urls(lg *Log) []string {
	var out []string
	for _, x := range lg.Exchanges {
		out = append(out, x.RawURL)
	}
	return out
}

func TestChrome(t *testing.T) {
	lg := readFixture(t, "chrome.har")
	s := lg.Source
	if s.Creator != "WebInspector 537.36" || s.Version != "1.2" || s.Pages != 2 || s.Entries != 4 || s.Size == 0 || len(s.SHA256) != 64 {
		t.Errorf("source = %+v", s)
	}
	if lg.Sensitive {
		t.Error("Chrome's export without sensitive data: Sensitive is true")
	}
	if len(lg.Problems) != 0 {
		t.Errorf("problems: %q", lg.Problems)
	}
	got := urls(lg)
	if len(got) != 4 || !strings.HasSuffix(got[2], "app.test/home") || !strings.HasSuffix(got[3], "/connect/token") {
		t.Fatalf("order = %q", got)
	}
	az, frame, home, tok := lg.Exchanges[0], lg.Exchanges[1], lg.Exchanges[2], lg.Exchanges[3]
	if az.Kind != flow.Browser || az.Status != 302 || az.Location != "https://idp.test/account/login?ReturnUrl=%2Fconnect" ||
		az.Proto != "http/2.0" || az.ResourceType != "document" || az.PageRef != "page_1" || az.InFrame || az.TLS != nil {
		t.Errorf("authorize = %+v", az)
	}
	if az.Duration != 45200*time.Microsecond || !az.Start.Equal(time.Date(2026, 12, 7, 22, 0, 0, 100e6, time.UTC)) {
		t.Errorf("authorize start %v, took %v", az.Start, az.Duration)
	}
	if az.RequestHeader.Get(":authority") != "idp.test" && az.RequestHeader[":authority"] == nil {
		t.Errorf("pseudo header lost: %v", az.RequestHeader)
	}
	if az.ResponseHeader.Get("Date") == "" {
		t.Error("a lower-case header is not found by Get")
	}
	if !frame.InFrame || frame.ResponseBody != "<html>check</html>" {
		t.Errorf("checksession: InFrame %v, body %q", frame.InFrame, frame.ResponseBody)
	}
	if home.InFrame || home.Status != 200 || home.ResponseBody != "<html></html>" || home.ResponseSize != 13 {
		t.Errorf("home = %+v", home)
	}
	if tok.Status != 0 || tok.Answered() || tok.Error != "net::ERR_FAILED" || tok.Method != http.MethodPost ||
		tok.RequestBody != "grant_type=authorization_code&code=abc" || tok.RequestSize != 42 || tok.Kind != flow.CodeExchange {
		t.Errorf("blocked token request = %+v", tok)
	}
}

func TestFirefox(t *testing.T) {
	lg := readFixture(t, "firefox.har")
	if lg.Source.Browser != "Firefox 133.0" || lg.Source.Creator != "Firefox 133.0" || !lg.Sensitive {
		t.Errorf("source %+v, sensitive %v", lg.Source, lg.Sensitive)
	}
	app, disc := lg.Exchanges[0], lg.Exchanges[1]
	if app.RawURL != "https://app.test/" || app.Duration != 0 || app.RequestSize != 0 || app.ResponseSize != 0 {
		t.Errorf("app = %+v (time and sizes -1: 0)", app)
	}
	if disc.Kind != flow.Discovery || disc.Start.UTC() != time.Date(2026, 12, 7, 22, 0, 0, 500e6, time.UTC) ||
		!strings.Contains(disc.ResponseBody, "issuer") {
		t.Errorf("discovery = %+v", disc)
	}
	if got := disc.ResponseHeader.Values("Set-Cookie"); len(got) != 2 {
		t.Errorf("repeated header: %q", got)
	}
}

func TestSafari(t *testing.T) {
	lg := readFixture(t, "safari.har")
	x := lg.Exchanges[0]
	if x.Status != 401 || x.Kind != flow.UserInfo || x.Proto != "" || !lg.Sensitive || x.ResponseHeader.Get("Www-Authenticate") == "" {
		t.Errorf("userinfo = %+v, sensitive %v", x, lg.Sensitive)
	}
}

func TestPlaywright(t *testing.T) {
	lg := readFixture(t, "playwright.har")
	if lg.Source.Browser != "chromium 131.0.6778.33" || len(lg.Exchanges) != 3 {
		t.Fatalf("source %+v", lg.Source)
	}
	app, az, blocked := lg.Exchanges[0], lg.Exchanges[1], lg.Exchanges[2]
	if app.InFrame || !az.InFrame {
		t.Errorf("frames: app %v, authorize %v (want false, true)", app.InFrame, az.InFrame)
	}
	if blocked.Status != 0 || blocked.Error != "net::ERR_BLOCKED_BY_CLIENT" || blocked.Duration != 0 {
		t.Errorf("blocked = %+v", blocked)
	}
}

func TestFiddlerAndCharles(t *testing.T) {
	lg := readFixture(t, "fiddler.har")
	x := lg.Exchanges[0]
	if lg.Source.Pages != 0 || !lg.Sensitive || x.RequestBody != "grant_type=refresh_token&refresh_token=rt" ||
		x.RequestHeader.Get("Content-Type") == "" || x.Status != 400 || x.Start.IsZero() {
		t.Errorf("fiddler: %+v, problems %q", x, lg.Problems)
	}
	lg = readFixture(t, "charles.har")
	x = lg.Exchanges[0]
	if x.Status != 302 || x.Location != "https://app.test/signout-callback" || x.Kind != flow.Logout || lg.Sensitive {
		t.Errorf("charles: %+v", x)
	}
}

func TestLateKeys(t *testing.T) {
	lg := readFixture(t, "late-keys.har")
	if lg.Source.Creator != "handmade 0" || lg.Source.Pages != 3 || lg.Source.Version != "1.2" {
		t.Errorf("source = %+v", lg.Source)
	}
	got := urls(lg)
	// The file says b, a, c; c has no start time: it stays after a, the entry before it.
	if strings.Join(got, " ") != "https://idp.test/a https://idp.test/c https://idp.test/b" {
		t.Errorf("order = %q", got)
	}
	if lg.Exchanges[2].Method != "get" || lg.Exchanges[0].Method != "GET" {
		t.Errorf("methods %q %q", lg.Exchanges[1].Method, lg.Exchanges[0].Method)
	}
	if len(lg.Problems) != 1 || !strings.Contains(lg.Problems[0], "entry 3: startedDateTime is missing") {
		t.Errorf("problems = %q", lg.Problems)
	}
	if c := lg.Exchanges[1]; c.Status != 0 || c.Error == "" {
		t.Errorf("no response: %+v", c)
	}
}

// TestFailureReasons: where the tools put why a request got no response.
func TestFailureReasons(t *testing.T) {
	for _, tt := range []struct{ extra, want string }{
		{`"_error":"net::ERR_FAILED"`, "net::ERR_FAILED"},
		{`"_failureText":"net::ERR_ABORTED"`, "net::ERR_ABORTED"},
		{`"_corsErrorStatus":{"corsError":"MissingAllowOriginHeader","failedParameter":""}`, "blocked by CORS MissingAllowOriginHeader"},
		{`"_corsErrorStatus":"odd"`, "blocked by CORS"},
		{`"_blockedReason":"inspector"`, "(blocked: inspector)"},
		{`"_x":1`, "no response (status 0): the request failed or was blocked"},
	} {
		in := `{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-12-07T22:00:00Z","request":{"url":"https://a.test/"},"response":{"status":0,` + tt.extra + `}}]}}`
		lg, err := Read(strings.NewReader(in), "r.har", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if x := lg.Exchanges[0]; x.Error != tt.want || x.Answered() {
			t.Errorf("%s: Error %q, want %q", tt.extra, x.Error, tt.want)
		}
	}
}

// TestChromiumFrameShapes: what real Chromium writes for a script-made
// iframe (initiator "script", Sec-Fetch-Dest: iframe) whose login page it
// refused (status 200, _error net::ERR_BLOCKED_BY_RESPONSE); a top window
// a script navigated (Sec-Fetch-Dest: document) is not in a frame, nor is
// a script's navigation alone.
func TestChromiumFrameShapes(t *testing.T) {
	entry := func(url string, status int, errText, dest string) string {
		hdr := ""
		if dest != "" {
			hdr = `{"name":"Sec-Fetch-Dest","value":"` + dest + `"}`
		}
		e := ""
		if errText != "" {
			e = `,"_error":"` + errText + `"`
		}
		return `{"startedDateTime":"2026-01-01T10:00:00.000Z","time":1,"_resourceType":"document","_initiator":{"type":"script"},
"request":{"method":"GET","url":"` + url + `","headers":[` + hdr + `]},
"response":{"status":` + itoa(status) + `,"headers":[{"name":"X-Frame-Options","value":"SameOrigin"}],"content":{"size":0,"mimeType":"text/html"}` + e + `}}`
	}
	doc := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[` +
		entry("https://idp.test/login", 200, "net::ERR_BLOCKED_BY_RESPONSE", "iframe") + "," +
		entry("https://app.test/next", 200, "", "document") + "," +
		entry("https://app.test/other", 200, "", "") + "]}}"
	lg, err := Read(strings.NewReader(doc), "frame.har", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		frame bool
		err   string
	}{{true, "net::ERR_BLOCKED_BY_RESPONSE"}, {false, ""}, {false, ""}}
	for i, x := range lg.Exchanges {
		if x.InFrame != want[i].frame || x.Error != want[i].err || x.Status != 200 {
			t.Errorf("%s: InFrame %v, Error %q, Status %d; want %v, %q, 200", x.RawURL, x.InFrame, x.Error, x.Status, want[i].frame, want[i].err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
