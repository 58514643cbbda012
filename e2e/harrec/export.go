package harrec

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
)

// The HAR document, with the field names, order and shapes of Chrome
// DevTools' exporter (front_end/models/har/Log.ts).
type harLog struct {
	Log struct {
		Version string    `json:"version"`
		Creator nameVer   `json:"creator"`
		Browser *nameVer  `json:"browser,omitempty"`
		Pages   []harPage `json:"pages"`
		Entries []entry   `json:"entries"`
		Comment string    `json:"comment,omitempty"`
	} `json:"log"`
}

type nameVer struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string `json:"startedDateTime"`
	ID              string `json:"id"`
	Title           string `json:"title"`
	PageTimings     struct {
		OnContentLoad float64 `json:"onContentLoad"`
		OnLoad        float64 `json:"onLoad"`
	} `json:"pageTimings"`
}

type entry struct {
	Initiator       *initiator `json:"_initiator"`
	Priority        string     `json:"_priority"`
	ResourceType    string     `json:"_resourceType"`
	Cache           struct{}   `json:"cache"`
	Connection      string     `json:"connection,omitempty"`
	PageRef         string     `json:"pageref,omitempty"`
	Request         request    `json:"request"`
	Response        response   `json:"response"`
	ServerIPAddress string     `json:"serverIPAddress"`
	StartedDateTime string     `json:"startedDateTime"`
	Time            float64    `json:"time"`
	Timings         timings    `json:"timings"`
}

type initiator struct {
	Type       string   `json:"type"`
	URL        string   `json:"url,omitempty"`
	LineNumber *float64 `json:"lineNumber,omitempty"`
	Stack      any      `json:"stack,omitempty"`
}

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cookie struct {
	Name     string  `json:"name"`
	Value    string  `json:"value"`
	Path     string  `json:"path"`
	Domain   string  `json:"domain"`
	Expires  *string `json:"expires"`
	HTTPOnly bool    `json:"httpOnly"`
	Secure   bool    `json:"secure"`
	SameSite string  `json:"sameSite,omitempty"`
}

type request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Headers     []nv      `json:"headers"`
	QueryString []nv      `json:"queryString"`
	Cookies     []cookie  `json:"cookies"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int       `json:"bodySize"`
	PostData    *postData `json:"postData,omitempty"`
}

type postData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Params   []nv   `json:"params,omitempty"`
}

type response struct {
	Status        int64                    `json:"status"`
	StatusText    string                   `json:"statusText"`
	HTTPVersion   string                   `json:"httpVersion"`
	Headers       []nv                     `json:"headers"`
	Cookies       []cookie                 `json:"cookies"`
	Content       content                  `json:"content"`
	RedirectURL   string                   `json:"redirectURL"`
	HeadersSize   int                      `json:"headersSize"`
	BodySize      int                      `json:"bodySize"`
	TransferSize  float64                  `json:"_transferSize"`
	Error         *string                  `json:"_error"`
	ViaSW         bool                     `json:"_fetchedViaServiceWorker"`
	BlockedReason string                   `json:"_blockedReason,omitempty"`
	CORSError     *network.CorsErrorStatus `json:"_corsErrorStatus,omitempty"`
}

type content struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type timings struct {
	Blocked         float64  `json:"blocked"`
	DNS             float64  `json:"dns"`
	SSL             float64  `json:"ssl"`
	Connect         float64  `json:"connect"`
	Send            float64  `json:"send"`
	Wait            float64  `json:"wait"`
	Receive         float64  `json:"receive"`
	BlockedQueueing float64  `json:"_blocked_queueing"`
	BlockedProxy    *float64 `json:"_blocked_proxy,omitempty"`
}

// HAR returns the HAR 1.2 document of everything recorded so far, entries
// sorted by startedDateTime.
func (r *Recorder) HAR(o ExportOptions) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var l harLog
	l.Log.Version = "1.2"
	l.Log.Creator = nameVer{Name: r.creator, Version: "1.0"}
	if r.browser.name != "" && !o.AsDevTools {
		l.Log.Browser = &nameVer{Name: r.browser.name, Version: r.browser.version}
	}
	l.Log.Pages = []harPage{}
	for _, p := range r.pages {
		hp := harPage{StartedDateTime: isoTime(p.wall), ID: pageID(p), Title: p.url}
		hp.PageTimings.OnContentLoad = sinceMs(p.start, p.contentLoad)
		hp.PageTimings.OnLoad = sinceMs(p.start, p.load)
		l.Log.Pages = append(l.Log.Pages, hp)
	}
	l.Log.Entries = []entry{}
	for _, h := range r.sortedHops() {
		l.Log.Entries = append(l.Log.Entries, r.entry(h, o))
	}
	if r.dropped > 0 {
		l.Log.Comment = fmt.Sprintf("harrec kept the first %d requests; %d more were not kept", MaxEntries, r.dropped)
	}
	return json.MarshalIndent(&l, "", "  ")
}

func pageID(p *pageLoad) string { return "page_" + strconv.Itoa(p.id) }

// isoTime is JavaScript's Date.toJSON: UTC, milliseconds.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// sinceMs is the milliseconds from start to t, -1 when t is not known.
func sinceMs(start, t float64) float64 {
	if t < 0 || start < 0 {
		return -1
	}
	return ms(t - start)
}

// ms: seconds to milliseconds, rounded to the microsecond.
func ms(s float64) float64 { return math.Round(s*1e6) / 1e3 }

func (r *Recorder) entry(h *hop, o ExportOptions) entry {
	// The extra-info events go to the hops in order, skipping the hops the
	// protocol says have none (an internal redirect, say).
	c := r.chains[h.id]
	var rqx *network.EventRequestWillBeSentExtraInfo
	var rsx *network.EventResponseReceivedExtraInfo
	k := 0
	for _, prev := range c.hops[:h.rank] {
		if !prev.noExtra {
			k++
		}
	}
	if !h.noExtra && k < len(c.reqExtra) {
		rqx = c.reqExtra[k]
	}
	if !h.noExtra && k < len(c.respExtra) {
		rsx = c.respExtra[k]
	}
	e := entry{
		Priority: string(h.request.InitialPriority), ResourceType: resourceType(h.typ),
		StartedDateTime: isoTime(h.wall),
	}
	if i := h.initiator; i != nil {
		e.Initiator = &initiator{Type: string(i.Type), URL: i.URL}
		if i.Type == network.InitiatorTypeParser || i.Type == network.InitiatorTypeScript && i.URL != "" {
			ln := i.LineNumber
			e.Initiator.LineNumber = &ln
		}
		if i.Stack != nil {
			e.Initiator.Stack = i.Stack
		}
	}
	if h.page != nil {
		e.PageRef = pageID(h.page)
	}
	e.Request = r.request(h, rqx, o)
	e.Response = r.response(h, rsx, o)
	if resp := h.response; resp != nil {
		e.ServerIPAddress = strings.Trim(resp.RemoteIPAddress, "[]")
		if resp.ConnectionID != 0 {
			e.Connection = strconv.FormatFloat(resp.ConnectionID, 'f', -1, 64)
		}
	}
	e.Timings = hopTimings(h)
	t := e.Timings
	for _, v := range []float64{t.Blocked, t.DNS, t.Connect, t.Send, t.Wait, t.Receive} {
		e.Time += max(v, 0)
	}
	e.Time = math.Round(e.Time*1e3) / 1e3
	return e
}

func (r *Recorder) request(h *hop, rqx *network.EventRequestWillBeSentExtraInfo, o ExportOptions) request {
	hdr := h.request.Headers
	if rqx != nil && len(rqx.Headers) > 0 {
		hdr = rqx.Headers // what was sent, Cookie and sec-fetch-* included
	}
	q := request{
		Method: h.request.Method, URL: h.request.URL, HTTPVersion: protocolName(h),
		Headers: headerList(hdr, o), QueryString: queryString(h.request.URL), Cookies: []cookie{},
		HeadersSize: -1,
	}
	if rqx != nil && !o.WithoutSensitive {
		for _, ac := range rqx.AssociatedCookies {
			if ac.Cookie != nil && len(ac.BlockedReasons) == 0 {
				q.Cookies = append(q.Cookies, requestCookie(ac.Cookie))
			}
		}
	}
	var body []byte
	for _, pe := range h.request.PostDataEntries {
		body = append(body, pe.Bytes...)
	}
	if len(body) == 0 {
		body = h.post
	}
	body = cut(body)
	if len(body) > 0 || h.request.HasPostData {
		mt := headerValue(hdr, "Content-Type")
		pd := &postData{MimeType: mt, Text: string(body)}
		if strings.HasPrefix(strings.ToLower(mt), "application/x-www-form-urlencoded") {
			pd.Params = parseParams(string(body))
		}
		q.PostData, q.BodySize = pd, len(body)
	}
	return q
}

func (r *Recorder) response(h *hop, rsx *network.EventResponseReceivedExtraInfo, o ExportOptions) response {
	p := response{Headers: []nv{}, Cookies: []cookie{}, HeadersSize: -1, BodySize: -1, TransferSize: h.encoded}
	var hdr network.Headers
	if resp := h.response; resp != nil {
		p.Status, p.StatusText, hdr, p.ViaSW = resp.Status, resp.StatusText, resp.Headers, resp.FromServiceWorker
		p.HTTPVersion = protocolName(h)
	}
	if rsx != nil {
		if len(rsx.Headers) > 0 {
			hdr = rsx.Headers // what came, Set-Cookie included
		}
		if rsx.HeadersText != "" {
			p.HeadersSize = len(rsx.HeadersText)
			if m := statusLineVersion.FindString(strings.SplitN(rsx.HeadersText, "\r\n", 2)[0]); m != "" && h.response != nil {
				p.HTTPVersion = m
			}
		}
	}
	p.Headers = headerList(hdr, o)
	if !o.WithoutSensitive {
		for _, line := range headerValues(hdr, "Set-Cookie") {
			if c, err := http.ParseSetCookie(line); err == nil {
				p.Cookies = append(p.Cookies, responseCookie(c))
			}
		}
	}
	p.RedirectURL = headerValue(hdr, "Location")
	switch {
	case p.Status == 304:
		p.BodySize = 0
	case p.HeadersSize >= 0 && int(h.encoded) >= p.HeadersSize:
		p.BodySize = int(h.encoded) - p.HeadersSize
	}
	p.Content = content{MimeType: "x-unknown"}
	if h.response != nil && h.response.MimeType != "" {
		p.Content.MimeType = h.response.MimeType
	}
	if h.failed == nil {
		p.Content.Size = h.decoded
	}
	if h.hasBody {
		if p.Content.Size == 0 {
			p.Content.Size = int64(len(h.body))
		}
		if h.bodyB64 {
			p.Content.Text, p.Content.Encoding = base64.StdEncoding.EncodeToString(h.body), "base64"
		} else {
			p.Content.Text = string(h.body)
		}
		if h.bodyCut {
			p.Content.Comment = fmt.Sprintf("harrec cut the body at %d bytes", MaxBody)
		}
	}
	if f := h.failed; f != nil {
		p.Error = &f.ErrorText
		if !o.AsDevTools {
			p.BlockedReason = string(f.BlockedReason)
			p.CORSError = f.CorsErrorStatus
		}
	}
	return p
}

var statusLineVersion = regexp.MustCompile(`HTTP/\d+(\.\d+)?`)

// protocolName is DevTools' filteredProtocolName: "h2" is "http/2.0".
func protocolName(h *hop) string {
	if h.response == nil {
		return ""
	}
	p := strings.ToLower(h.response.Protocol)
	if p == "h2" {
		return "http/2.0"
	}
	return p
}

// resourceType is DevTools' name of a protocol resource type.
func resourceType(t network.ResourceType) string {
	switch t {
	case network.ResourceTypeCSPViolationReport:
		return "csp-violation-report"
	case network.ResourceTypeSignedExchange:
		return "signed-exchange"
	case "":
		return "other"
	}
	return strings.ToLower(string(t))
}

// sensitive are the headers Chrome's sanitized export leaves out.
func sensitive(name string) bool {
	switch strings.ToLower(name) {
	case "cookie", "set-cookie", "authorization":
		return true
	}
	return false
}

// headerList lists h by name (a value with newlines, the protocol's way of
// repeating a header, is one entry a line), as DevTools does.
func headerList(h network.Headers, o ExportOptions) []nv {
	out := []nv{}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if o.WithoutSensitive && sensitive(k) {
			continue
		}
		for _, v := range strings.Split(fmt.Sprint(h[k]), "\n") {
			out = append(out, nv{Name: k, Value: v})
		}
	}
	return out
}

func headerValues(h network.Headers, name string) []string {
	var out []string
	for k, v := range h {
		if strings.EqualFold(k, name) {
			out = append(out, strings.Split(fmt.Sprint(v), "\n")...)
		}
	}
	return out
}

func headerValue(h network.Headers, name string) string {
	if v := headerValues(h, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

func queryString(raw string) []nv {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return []nv{}
	}
	return parseParams(u.RawQuery)
}

// parseParams splits a query or a form body in order, decoding what decodes.
func parseParams(s string) []nv {
	out := []nv{}
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, nv{Name: unescape(k), Value: unescape(v)})
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func requestCookie(c *network.Cookie) cookie {
	hc := cookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: string(c.SameSite)}
	if !c.Session && c.Expires > 0 {
		s := isoTime(time.Unix(0, int64(c.Expires*1e9)))
		hc.Expires = &s
	}
	return hc
}

func responseCookie(c *http.Cookie) cookie {
	hc := cookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
	switch c.SameSite {
	case http.SameSiteLaxMode:
		hc.SameSite = "Lax"
	case http.SameSiteStrictMode:
		hc.SameSite = "Strict"
	case http.SameSiteNoneMode:
		hc.SameSite = "None"
	}
	if !c.Expires.IsZero() {
		s := isoTime(c.Expires)
		hc.Expires = &s
	}
	return hc
}

// hopTimings follow DevTools' Entry._buildTimings, in milliseconds.
func hopTimings(h *hop) timings {
	t := timings{Blocked: -1, DNS: -1, SSL: -1, Connect: -1, BlockedQueueing: -1}
	issue, start := h.issued, h.issued
	var rt *network.ResourceTiming
	if h.response != nil && h.response.Timing != nil {
		rt = h.response.Timing
		start = rt.RequestTime
	}
	end := h.endAt
	if end < 0 {
		end = max(h.respAt, issue)
	}
	queued := -1.0
	if issue < start {
		queued = start - issue
	}
	toMs := func(s float64) float64 {
		if s == -1 {
			return -1
		}
		return ms(s)
	}
	t.Blocked, t.BlockedQueueing = toMs(queued), toMs(queued)
	highest := 0.0
	switch {
	case rt != nil:
		blockedStart := leastNonNegative(rt.DNSStart, rt.ConnectStart, rt.SendStart)
		if !math.IsInf(blockedStart, 1) {
			t.Blocked += blockedStart
		}
		if rt.ProxyEnd != -1 {
			p := rt.ProxyEnd - rt.ProxyStart
			t.BlockedProxy = &p
			if p > t.Blocked {
				t.Blocked = p
			}
		}
		dnsStart, dnsEnd := 0.0, -1.0
		if rt.DNSEnd >= 0 {
			dnsStart, dnsEnd = blockedStart, rt.DNSEnd
		}
		t.DNS = dnsEnd - dnsStart
		sslStart, sslEnd := 0.0, -1.0
		if rt.SslEnd > 0 {
			sslStart, sslEnd = rt.SslStart, rt.SslEnd
		}
		t.SSL = sslEnd - sslStart
		connectStart, connectEnd := 0.0, -1.0
		if rt.ConnectEnd >= 0 {
			connectStart, connectEnd = leastNonNegative(dnsEnd, blockedStart), rt.ConnectEnd
		}
		t.Connect = connectEnd - connectStart
		sendStart, sendEnd := 0.0, 0.0
		if rt.SendEnd >= 0 {
			sendStart, sendEnd = max(connectEnd, dnsEnd, blockedStart), rt.SendEnd
		}
		t.Send = max(sendEnd-sendStart, 0)
		highest = max(sendEnd, connectEnd, sslEnd, dnsEnd, blockedStart, 0)
	case h.respAt < 0:
		t.Blocked = ms(end - issue)
		return round(t)
	}
	waitEnd := ms(h.respAt - start)
	t.Wait = waitEnd - highest
	t.Receive = max(ms(end-start)-waitEnd, 0)
	return round(t)
}

func leastNonNegative(vs ...float64) float64 {
	best := math.Inf(1)
	for _, v := range vs {
		if v >= 0 && v < best {
			best = v
		}
	}
	return best
}

func round(t timings) timings {
	r := func(v float64) float64 { return math.Round(v*1e3) / 1e3 }
	t.Blocked, t.DNS, t.SSL, t.Connect = r(t.Blocked), r(t.DNS), r(t.SSL), r(t.Connect)
	t.Send, t.Wait, t.Receive, t.BlockedQueueing = r(t.Send), r(t.Wait), r(t.Receive), r(t.BlockedQueueing)
	return t
}
