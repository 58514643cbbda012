package harrec_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ssodesk/e2e/harrec"
	"ssodesk/flow"
	"ssodesk/har"
)

// The secrets the page sends: the test looks for them in the HAR.
const (
	bearer    = "Bearer tok-4711-secret"
	cookieVal = "sid-0815-secret"
)

// png is a body that is not text.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")

// site is an httptest server on 127.0.0.1 that Chromium reaches by a name
// (host-resolver-rules map *.test to 127.0.0.1): app.test and idp.test are
// different sites, as an app and its IdP are.
type site struct {
	srv  *httptest.Server
	host string // name:port
}

func (s site) url(path string) string { return "http://" + s.host + path }

func newSite(t *testing.T, name string, h http.Handler) site {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return site{srv: srv, host: name + ":" + port}
}

// fixture: app.test redirects /start → /hop → /page (302 twice); /page sets
// a cookie and, from script, fetches /api/data with an Authorization header
// (JSON), fetches idp.test/nocors (no CORS headers: blocked), embeds
// idp.test/login in an <iframe> (X-Frame-Options: SameOrigin: blocked) and
// creates an iframe of idp.test/silent by script, which fetches
// idp.test/frame.json itself.
func fixture(t *testing.T) (app, idp site) {
	idpMux := http.NewServeMux()
	idp = newSite(t, "idp.test", idpMux)
	appMux := http.NewServeMux()
	app = newSite(t, "app.test", appMux)

	appMux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hop?step=2", http.StatusFound)
	})
	appMux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page", http.StatusFound)
	})
	appMux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: cookieVal, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>app</title></head><body>
<iframe id="login" src="%s"></iframe>
<script>
const jobs = [
  fetch('/api/data', {headers: {'Authorization': %q}}).then(r => r.json()).then(j => 'json:' + j.ok),
  fetch(%[3]q).then(() => 'cors:open', e => 'cors:blocked'),
  new Promise(res => {
    const x = new XMLHttpRequest();
    x.open('GET', %[3]q + '?via=xhr');
    x.onloadend = () => res('xhr:' + x.status);
    x.send();
  }),
  fetch(%[3]q + '?via=preflight', {headers: {'X-Requested-With': 'ssodesk'}}).then(() => 'preflight:open', e => 'preflight:blocked'),
  fetch('/api/token', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'grant_type=authorization_code&code=c%%2B1'})
    .then(r => r.json()).then(j => 'token:' + j.token_type),
  fetch('/logo.png').then(r => r.arrayBuffer()).then(b => 'png:' + b.byteLength),
  new Promise(res => {
    const f = document.createElement('iframe');
    f.src = %[4]q;
    f.onload = () => res('silent:loaded');
    document.body.appendChild(f);
  }),
];
Promise.all(jobs).then(v => { document.title = v.join(' '); });
</script></body></html>`, idp.url("/login"), bearer, idp.url("/nocors"), idp.url("/silent"))
	})
	appMux.HandleFunc("/api/data", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"auth":%t,"cookie":%t}`, r.Header.Get("Authorization") == bearer, strings.Contains(r.Header.Get("Cookie"), cookieVal))
	})
	appMux.HandleFunc("/api/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"token_type":%q}`, r.PostFormValue("code"))
	})
	appMux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(png)
	})
	idpMux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "SameOrigin")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>login</title><form method="post"><button>Sign in</button></form>`)
	})
	idpMux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>silent</title><script>fetch('/frame.json').then(r => r.text()).then(t => { document.title = t; });</script>`)
	})
	idpMux.HandleFunc("/frame.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"frame":"ok"}`)
	})
	idpMux.HandleFunc("/nocors", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"secret":"not for app.test"}`)
	})
	return app, idp
}

// record runs Chromium through the fixture and returns the recorder, idle.
func record(t *testing.T, app, idp site, extra ...chromedp.ExecAllocatorOption) *harrec.Recorder {
	t.Helper()
	rec, err := recordErr(t, app, idp, extra...)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// recordErr is record, returning WaitIdle's error.
func recordErr(t *testing.T, app, idp site, extra ...chromedp.ExecAllocatorOption) (*harrec.Recorder, error) {
	t.Helper()
	tctx := tab(t, app, idp, extra...)
	rec, err := harrec.Start(tctx, harrec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rec.Stop)
	open(t, tctx, app)
	return rec, rec.WaitIdle(tctx, 300*time.Millisecond)
}

// tab starts Chromium (bounded by 45 s) and returns its tab's context.
func tab(t *testing.T, app, idp site, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	chromium := harrec.RequireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.Flag("host-resolver-rules", "MAP *.test 127.0.0.1, MAP * ~NOTFOUND"),
		// As https would be: secure contexts, so Chromium sends sec-fetch-*.
		chromedp.Flag("unsafely-treat-insecure-origin-as-secure", app.url("")+","+idp.url("")),
	}, extra...)
	actx, acancel := chromedp.NewExecAllocator(ctx, harrec.ExecOptions(chromium, t.TempDir(), opts...)...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(tctx, 10*time.Second)
		_ = chromedp.Cancel(cctx)
		ccancel()
		tcancel()
	})
	return tctx
}

// open opens app's /start and waits until its page's script has done all
// it does (it then sets the title).
func open(t *testing.T, tctx context.Context, app site) {
	t.Helper()
	if err := chromedp.Do(tctx, chromedp.Navigate(app.url("/start"))); err != nil {
		t.Fatalf("navigating: %v", err)
	}
	title, err := waitJS(tctx, "document.title && document.title != 'app' ? document.title : null")
	if err != nil {
		t.Fatalf("waiting for the page's script to set its title: %v", err)
	}
	if want := "json:true cors:blocked xhr:0 preflight:blocked token:c+1 png:18 silent:loaded"; title != want {
		t.Errorf("the page's title is %q, want %q (what its script saw)", title, want)
	}
}

// TestPagePerNavigation: a page per top-level navigation, and each request
// in the page it was made in.
func TestPagePerNavigation(t *testing.T) {
	app, idp := fixture(t)
	tctx := tab(t, app, idp)
	rec, err := harrec.Start(tctx, harrec.Options{Creator: "page-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	open(t, tctx, app)
	// The second navigation is the page's own (as an app sends the
	// browser to its IdP): its initiator is "script", like a frame's made by
	// script; only sec-fetch-dest tells them apart.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](fmt.Sprintf("location.assign(%q), true", idp.url("/login")))); err != nil {
		t.Fatalf("navigating: %v", err)
	}
	if _, err := waitJS(tctx, fmt.Sprintf("document.readyState == 'complete' && location.href == %q", idp.url("/login"))); err != nil {
		t.Fatalf("waiting for %s: %v", idp.url("/login"), err)
	}
	if err := rec.WaitIdle(tctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	rec.Stop()
	b, err := rec.HAR(harrec.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "rec-pages.har", b)
	d := decode(t, b)
	if d.Log.Creator.Name != "page-test" {
		t.Errorf("creator %q", d.Log.Creator.Name)
	}
	if len(d.Log.Pages) != 2 || d.Log.Pages[0].Title != app.url("/page") || d.Log.Pages[1].Title != idp.url("/login") || d.Log.Pages[1].ID != "page_2" {
		t.Fatalf("pages %+v", d.Log.Pages)
	}
	for url, page := range map[string]string{app.url("/start"): "page_1", app.url("/api/data"): "page_1", idp.url("/frame.json"): "page_1"} {
		if e := d.find(t, url); e.PageRef != page {
			t.Errorf("%s: pageref %q, want %s", url, e.PageRef, page)
		}
	}
	var top *entry
	for i, e := range d.Log.Entries {
		if e.Request.URL == idp.url("/login") && e.PageRef == "page_2" {
			top = &d.Log.Entries[i]
		}
	}
	if top == nil {
		t.Fatal("no /login in page_2")
	}
	if dest, _ := header(top.Request.Headers, "Sec-Fetch-Dest"); top.Response.Status != 200 || top.Response.Error != nil || top.ResourceType != "document" || top.Initiator.Type != "script" || dest != "document" {
		t.Errorf("the top-level /login: status %d, _error %v, type %q, initiator %q, sec-fetch-dest %q; want 200, none, document, script, document", top.Response.Status, top.Response.Error, top.ResourceType, top.Initiator.Type, dest)
	}
	lg, err := har.Read(bytes.NewReader(b), "rec-pages.har", har.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if lg.Source.Pages != 2 || len(lg.Problems) > 0 {
		t.Errorf("reader: %d pages, problems %q", lg.Source.Pages, lg.Problems)
	}
	for _, x := range lg.Exchanges {
		if x.RawURL == idp.url("/login") && x.PageRef == "page_2" && x.InFrame {
			t.Errorf("reader: the top-level /login (a script's navigation) read as InFrame")
		}
	}
}

// entry is what the tests read of a recorded entry.
type entry struct {
	PageRef      string `json:"pageref"`
	Started      string `json:"startedDateTime"`
	ResourceType string `json:"_resourceType"`
	Initiator    struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"_initiator"`
	Request struct {
		Method   string `json:"method"`
		URL      string `json:"url"`
		Headers  []struct{ Name, Value string }
		Cookies  []struct{ Name, Value string }
		BodySize int `json:"bodySize"`
		PostData *struct {
			MimeType string                         `json:"mimeType"`
			Text     string                         `json:"text"`
			Params   []struct{ Name, Value string } `json:"params"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status      int    `json:"status"`
		RedirectURL string `json:"redirectURL"`
		Headers     []struct{ Name, Value string }
		Cookies     []struct{ Name, Value string }
		Content     struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
		Error     *string         `json:"_error"`
		Blocked   string          `json:"_blockedReason"`
		CORSError json.RawMessage `json:"_corsErrorStatus"`
	} `json:"response"`
}

type doc struct {
	Log struct {
		Version string `json:"version"`
		Creator struct{ Name, Version string }
		Browser struct{ Name, Version string }
		Pages   []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"pages"`
		Entries []entry `json:"entries"`
	} `json:"log"`
}

func decode(t *testing.T, b []byte) *doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("the HAR is not JSON: %v", err)
	}
	return &d
}

func (d *doc) find(t *testing.T, url string) *entry {
	t.Helper()
	for i := range d.Log.Entries {
		if d.Log.Entries[i].Request.URL == url {
			return &d.Log.Entries[i]
		}
	}
	t.Fatalf("no entry for %s", url)
	return nil
}

func header(hs []struct{ Name, Value string }, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// keep writes the HAR where $HARREC_KEEP says (to look at what Chromium wrote).
func keep(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("HARREC_KEEP"); dir != "" {
		if err := os.WriteFile(dir+"/"+name, b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

func TestRecordLoginShapes(t *testing.T) {
	app, idp := fixture(t)
	rec := record(t, app, idp)
	b, err := rec.HAR(harrec.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "rec.har", b)
	d := decode(t, b)

	if d.Log.Version != "1.2" || d.Log.Creator.Name != "ssodesk-e2e-harrec" || d.Log.Browser.Name == "" || d.Log.Browser.Version == "" {
		t.Errorf("log: version %q, creator %q, browser %q %q", d.Log.Version, d.Log.Creator.Name, d.Log.Browser.Name, d.Log.Browser.Version)
	}
	if len(d.Log.Pages) != 1 || d.Log.Pages[0].ID != "page_1" || d.Log.Pages[0].Title != app.url("/page") {
		t.Errorf("pages: %+v, want one, page_1, titled %s (its last URL, as DevTools)", d.Log.Pages, app.url("/page"))
	}
	for i := 1; i < len(d.Log.Entries); i++ {
		if d.Log.Entries[i].Started < d.Log.Entries[i-1].Started {
			t.Errorf("entry %d starts before entry %d", i, i-1)
		}
	}

	t.Run("redirects", func(t *testing.T) {
		for _, hop := range []struct{ url, to string }{{app.url("/start"), "/hop?step=2"}, {app.url("/hop?step=2"), "/page"}} {
			e := d.find(t, hop.url)
			if e.Response.Status != 302 || e.Response.RedirectURL != hop.to || e.ResourceType != "document" || e.PageRef != "page_1" {
				t.Errorf("%s: status %d, redirectURL %q, type %q, page %q; want 302 to %s, a document of page_1", hop.url, e.Response.Status, e.Response.RedirectURL, e.ResourceType, e.PageRef, hop.to)
			}
		}
		e := d.find(t, app.url("/page"))
		if e.Response.Status != 200 || !strings.Contains(e.Response.Content.Text, "<iframe") {
			t.Errorf("/page: status %d, body %.40q", e.Response.Status, e.Response.Content.Text)
		}
		if v, ok := header(e.Response.Headers, "Set-Cookie"); !ok || !strings.Contains(v, cookieVal) {
			t.Errorf("/page: no Set-Cookie header with the cookie: %+v", e.Response.Headers)
		}
		if len(e.Response.Cookies) != 1 || e.Response.Cookies[0].Value != cookieVal {
			t.Errorf("/page: response cookies %+v", e.Response.Cookies)
		}
	})

	t.Run("json with authorization and cookie", func(t *testing.T) {
		e := d.find(t, app.url("/api/data"))
		if e.ResourceType != "fetch" || e.Response.Status != 200 {
			t.Errorf("type %q status %d", e.ResourceType, e.Response.Status)
		}
		if v, _ := header(e.Request.Headers, "Authorization"); v != bearer {
			t.Errorf("Authorization %q, want %q", v, bearer)
		}
		if v, _ := header(e.Request.Headers, "Cookie"); !strings.Contains(v, cookieVal) {
			t.Errorf("Cookie %q, want the cookie (the real headers sent, from requestWillBeSentExtraInfo)", v)
		}
		if v, _ := header(e.Request.Headers, "Sec-Fetch-Mode"); v != "cors" {
			t.Errorf("sec-fetch-mode %q", v)
		}
		if len(e.Request.Cookies) != 1 || e.Request.Cookies[0].Value != cookieVal {
			t.Errorf("request cookies %+v", e.Request.Cookies)
		}
		if e.Response.Content.Text != `{"ok":true,"auth":true,"cookie":true}` || e.Response.Content.Encoding != "" {
			t.Errorf("body %q (encoding %q)", e.Response.Content.Text, e.Response.Content.Encoding)
		}
	})

	t.Run("form post and binary body", func(t *testing.T) {
		e := d.find(t, app.url("/api/token"))
		const form = "grant_type=authorization_code&code=c%2B1"
		if p := e.Request.PostData; e.Request.Method != "POST" || p == nil || p.Text != form || p.MimeType != "application/x-www-form-urlencoded" ||
			len(p.Params) != 2 || p.Params[1].Name != "code" || p.Params[1].Value != "c+1" || e.Request.BodySize != len(form) {
			t.Errorf("%s postData %+v bodySize %d", e.Request.Method, e.Request.PostData, e.Request.BodySize)
		}
		if e.Response.Content.Text != `{"token_type":"c+1"}` {
			t.Errorf("token body %q", e.Response.Content.Text)
		}
		e = d.find(t, app.url("/logo.png"))
		if e.Response.Content.Encoding != "base64" || e.Response.Content.Text != base64.StdEncoding.EncodeToString(png) {
			t.Errorf("png: encoding %q text %q", e.Response.Content.Encoding, e.Response.Content.Text)
		}
	})

	t.Run("blocked frame", func(t *testing.T) {
		e := d.find(t, idp.url("/login"))
		if e.ResourceType != "document" || e.Initiator.Type != "parser" || e.Initiator.URL != app.url("/page") {
			t.Errorf("type %q initiator %+v; want a document, the parser of %s", e.ResourceType, e.Initiator, app.url("/page"))
		}
		if e.Response.Error == nil || *e.Response.Error != "net::ERR_BLOCKED_BY_RESPONSE" {
			t.Errorf("_error %v, want net::ERR_BLOCKED_BY_RESPONSE", e.Response.Error)
		}
		if v, _ := header(e.Request.Headers, "Sec-Fetch-Dest"); v != "iframe" {
			t.Errorf("sec-fetch-dest %q, want iframe", v)
		}
		t.Logf("blocked frame: status %d, _blockedReason %q, _corsErrorStatus %s", e.Response.Status, e.Response.Blocked, e.Response.CORSError)
	})

	t.Run("script frame and its own request", func(t *testing.T) {
		e := d.find(t, idp.url("/silent"))
		if e.ResourceType != "document" || e.Response.Status != 200 {
			t.Errorf("type %q status %d", e.ResourceType, e.Response.Status)
		}
		dest, _ := header(e.Request.Headers, "Sec-Fetch-Dest")
		t.Logf("script-created frame: initiator %+v, sec-fetch-dest %q", e.Initiator, dest)
		f := d.find(t, idp.url("/frame.json"))
		if f.Response.Status != 200 || f.Response.Content.Text != `{"frame":"ok"}` {
			t.Errorf("the frame's fetch: status %d body %q", f.Response.Status, f.Response.Content.Text)
		}
	})

	t.Run("cors", func(t *testing.T) {
		for _, c := range []struct{ url, typ, corsError string }{
			{idp.url("/nocors"), "fetch", "MissingAllowOriginHeader"},
			{idp.url("/nocors?via=xhr"), "xhr", "MissingAllowOriginHeader"},
			{idp.url("/nocors?via=preflight"), "fetch", "PreflightMissingAllowOriginHeader"},
		} {
			var e *entry
			for i := range d.Log.Entries {
				if x := &d.Log.Entries[i]; x.Request.URL == c.url && x.Request.Method == "GET" {
					e = x
				}
			}
			if e == nil {
				t.Errorf("no GET %s", c.url)
				continue
			}
			var cors struct{ CorsError, FailedParameter string }
			_ = json.Unmarshal(e.Response.CORSError, &cors)
			if e.ResourceType != c.typ || e.Response.Status != 0 || e.Response.Error == nil || *e.Response.Error != "net::ERR_FAILED" || cors.CorsError != c.corsError {
				t.Errorf("%s: type %q, status %d, _error %v, _corsErrorStatus %s; want %s, 0, net::ERR_FAILED, %s", c.url, e.ResourceType, e.Response.Status, e.Response.Error, e.Response.CORSError, c.typ, c.corsError)
			}
			if e.Response.Content.Text != "" {
				t.Errorf("%s: a blocked body was kept: %q", c.url, e.Response.Content.Text)
			}
		}
		// The preflight is an entry of its own, answered (200), its
		// initiator the request it was for.
		var pre *entry
		for i := range d.Log.Entries {
			if x := &d.Log.Entries[i]; x.Request.Method == "OPTIONS" {
				pre = x
			}
		}
		if pre == nil || pre.Request.URL != idp.url("/nocors?via=preflight") || pre.ResourceType != "preflight" || pre.Initiator.Type != "preflight" || pre.Response.Status != 200 {
			t.Errorf("the preflight: %+v", pre)
		}
	})

	t.Run("sanitized", func(t *testing.T) {
		s, err := rec.HAR(harrec.ExportOptions{WithoutSensitive: true})
		if err != nil {
			t.Fatal(err)
		}
		keep(t, "rec-sanitized.har", s)
		// The cookie's value is in no body, only in headers and cookies
		// (the bearer token is in /page's script too).
		if !bytes.Contains(b, []byte(cookieVal)) || bytes.Contains(s, []byte(cookieVal)) {
			t.Errorf("the cookie's value: in the HAR %v, in the sanitized HAR %v; want true, false", bytes.Contains(b, []byte(cookieVal)), bytes.Contains(s, []byte(cookieVal)))
		}
		sd := decode(t, s)
		for _, e := range sd.Log.Entries {
			for _, n := range []string{"Cookie", "Authorization"} {
				if _, ok := header(e.Request.Headers, n); ok {
					t.Errorf("%s: request header %s kept", e.Request.URL, n)
				}
			}
			if _, ok := header(e.Response.Headers, "Set-Cookie"); ok {
				t.Errorf("%s: Set-Cookie kept", e.Request.URL)
			}
			if len(e.Request.Cookies)+len(e.Response.Cookies) != 0 {
				t.Errorf("%s: cookies kept", e.Request.URL)
			}
		}
		lg, err := har.Read(bytes.NewReader(s), "rec-sanitized.har", har.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if lg.Sensitive {
			t.Errorf("ssodesk's reader finds sensitive data in the sanitized HAR")
		}
	})

	t.Run("as devtools", func(t *testing.T) {
		b, err := rec.HAR(harrec.ExportOptions{AsDevTools: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, extra := range []string{`"browser"`, `"_blockedReason"`, `"_corsErrorStatus"`} {
			if bytes.Contains(b, []byte(extra)) {
				t.Errorf("the DevTools-shaped HAR has %s", extra)
			}
		}
		lg, err := har.Read(bytes.NewReader(b), "rec-devtools.har", har.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range lg.Exchanges {
			if x.RawURL == idp.url("/nocors") && (x.Status != 0 || x.Error != "net::ERR_FAILED") {
				t.Errorf("CORS failure read as status %d, Error %q", x.Status, x.Error)
			}
		}
	})

	t.Run("ssodesk reads it", func(t *testing.T) {
		lg, err := har.Read(bytes.NewReader(b), "rec.har", har.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(lg.Problems) > 0 {
			t.Errorf("problems: %q", lg.Problems)
		}
		if !lg.Sensitive || lg.Source.Entries != len(d.Log.Entries) || lg.Source.Pages != 1 {
			t.Errorf("source %+v, sensitive %v", lg.Source, lg.Sensitive)
		}
		byURL := map[string]*flow.Exchange{}
		for _, x := range lg.Exchanges {
			byURL[x.RawURL] = x
		}
		for _, want := range []struct {
			url     string
			status  int
			inFrame bool
			err     string
		}{
			{app.url("/start"), 302, false, ""},
			{app.url("/hop?step=2"), 302, false, ""},
			{app.url("/page"), 200, false, ""},
			{app.url("/api/data"), 200, false, ""},
			{idp.url("/nocors"), 0, false, "net::ERR_FAILED"},
			{idp.url("/nocors?via=xhr"), 0, false, "net::ERR_FAILED"},
			{idp.url("/frame.json"), 200, false, ""},
			{app.url("/api/token"), 200, false, ""},
			{app.url("/logo.png"), 200, false, ""},
		} {
			x := byURL[want.url]
			if x == nil {
				t.Errorf("no exchange for %s", want.url)
				continue
			}
			if x.Status != want.status || x.InFrame != want.inFrame || !strings.Contains(x.Error, want.err) {
				t.Errorf("%s: status %d, InFrame %v, Error %q; want %d, %v, %q", want.url, x.Status, x.InFrame, x.Error, want.status, want.inFrame, want.err)
			}
		}
		if x := byURL[app.url("/start")]; x != nil && x.Location != "/hop?step=2" {
			t.Errorf("/start: Location %q", x.Location)
		}
		if x := byURL[app.url("/api/token")]; x != nil && x.RequestBody != "grant_type=authorization_code&code=c%2B1" {
			t.Errorf("/api/token: request body %q", x.RequestBody)
		}
		if x := byURL[app.url("/logo.png")]; x != nil && x.ResponseBody != string(png) {
			t.Errorf("/logo.png: body %q", x.ResponseBody)
		}
		if x := byURL[idp.url("/nocors")]; x != nil {
			t.Logf("reader: CORS failure Error %q", x.Error)
		}
		// The frames: what the reader makes of Chromium's own shapes is
		// logged (see the report), and checked where the reader is right.
		login, silent := byURL[idp.url("/login")], byURL[idp.url("/silent")]
		if login == nil || silent == nil {
			t.Fatalf("no exchange for the frames")
		}
		if !login.InFrame {
			t.Errorf("/login (an <iframe src>): InFrame false")
		}
		t.Logf("reader: /login status %d InFrame %v Error %q; /silent status %d InFrame %v", login.Status, login.InFrame, login.Error, silent.Status, silent.InFrame)
	})
}

// TestOutOfProcessFrameIsReported: with site isolation on (Chromium's
// default), idp.test's frame runs in its own process, whose requests the
// recorder cannot see; WaitIdle must say so rather than return a HAR
// without them.
func TestOutOfProcessFrameIsReported(t *testing.T) {
	app, idp := fixture(t)
	rec, err := recordErr(t, app, idp,
		chromedp.Flag("disable-site-isolation-trials", false),
		chromedp.Flag("disable-features", "Translate"))
	if !errors.Is(err, harrec.ErrOutOfProcessFrame) {
		t.Fatalf("WaitIdle: %v; want ErrOutOfProcessFrame", err)
	}
	t.Log(err)
	b, err := rec.HAR(harrec.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "rec-oopif.har", b)
	for _, e := range decode(t, b).Log.Entries {
		if e.Request.URL == idp.url("/frame.json") {
			t.Logf("the out-of-process frame's fetch was recorded after all: the check may be stale")
		}
	}
}

// TestAuthorizeInBlockedFrame records the HIMSA case of NOTES.md: an app
// opens the IdP's interactive login in an iframe made by script; the
// authorize request redirects to the login page, which sends
// X-Frame-Options: SameOrigin, so Chromium blocks it. The HAR's shapes are
// checked; what ssodesk's reader makes of them is only logged: today (har/
// as of this commit) it reads the login page as a 200 outside any frame,
// with no error, because it reads _error only when the status is 0 and
// takes only a "parser" initiator for a frame (Chromium writes "script"
// here, and sec-fetch-dest: iframe).
func TestAuthorizeInBlockedFrame(t *testing.T) {
	idpMux := http.NewServeMux()
	idp := newSite(t, "idp.test", idpMux)
	appMux := http.NewServeMux()
	app := newSite(t, "app.test", appMux)
	authz := idp.url("/connect/authorize?client_id=app&redirect_uri=" + app.url("/signin-oidc") +
		"&response_type=code&scope=openid&state=s1&code_challenge=abc&code_challenge_method=S256")
	login := idp.url("/account/login?ReturnUrl=%2Fconnect%2Fauthorize")
	appMux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><title>app</title><body><script>
const f = document.createElement('iframe');
f.src = %q;
f.onload = () => { document.title = 'framed'; };
document.body.appendChild(f);
</script></body>`, authz)
	})
	idpMux.HandleFunc("/connect/authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/account/login?ReturnUrl=%2Fconnect%2Fauthorize", http.StatusFound)
	})
	idpMux.HandleFunc("/account/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "SameOrigin")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>login</title><form method="post"><button>Sign in</button></form>`)
	})
	tctx := tab(t, app, idp)
	rec, err := harrec.Start(tctx, harrec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	if err := chromedp.Do(tctx, chromedp.Navigate(app.url("/"))); err != nil {
		t.Fatal(err)
	}
	if _, err := waitJS(tctx, "document.title == 'framed'"); err != nil {
		t.Fatalf("waiting for the frame: %v", err)
	}
	if err := rec.WaitIdle(tctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	b, err := rec.HAR(harrec.ExportOptions{AsDevTools: true})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "rec-authorize-frame.har", b)
	d := decode(t, b)
	for _, c := range []struct {
		url    string
		status int
		err    string
	}{{authz, 302, ""}, {login, 200, "net::ERR_BLOCKED_BY_RESPONSE"}} {
		e := d.find(t, c.url)
		dest, _ := header(e.Request.Headers, "Sec-Fetch-Dest")
		got := ""
		if e.Response.Error != nil {
			got = *e.Response.Error
		}
		if e.Response.Status != c.status || got != c.err || e.ResourceType != "document" || e.Initiator.Type != "script" || dest != "iframe" {
			t.Errorf("%s: status %d, _error %q, type %q, initiator %q, sec-fetch-dest %q; want %d, %q, document, script, iframe",
				c.url, e.Response.Status, got, e.ResourceType, e.Initiator.Type, dest, c.status, c.err)
		}
	}
	if xfo, _ := header(d.find(t, login).Response.Headers, "X-Frame-Options"); xfo != "SameOrigin" {
		t.Errorf("the login page's X-Frame-Options %q", xfo)
	}
	lg, err := har.Read(bytes.NewReader(b), "rec-authorize-frame.har", har.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lg.Problems) > 0 {
		t.Errorf("problems: %q", lg.Problems)
	}
	for _, x := range lg.Exchanges {
		if x.RawURL == authz || x.RawURL == login {
			t.Logf("reader: %s: Status %d, InFrame %v, Error %q", x.RawURL, x.Status, x.InFrame, x.Error)
		}
	}
}

// waitJS waits until expr is truthy in the tab (chromedp.Poll, on each
// animation frame) and returns its value as text. A navigation ends a
// poll: it is polled again in the new document, until tctx's deadline.
func waitJS(tctx context.Context, expr string) (string, error) {
	for {
		v, err := chromedp.Run(tctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(0)))
		switch {
		case err == nil:
			return fmt.Sprint(v), nil
		case tctx.Err() != nil:
			return "", err
		}
	}
}
