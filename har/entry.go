package har

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ssodesk/flow"
)

// harEntry is what is read of an entry (HAR 1.2 plus the extensions of
// Chrome, Firefox, Safari, Playwright and ssodesk); everything else is
// skipped by the decoder.
type harEntry struct {
	PageRef  string      `json:"pageref"`
	Started  string      `json:"startedDateTime"`
	Time     float64     `json:"time"`
	Request  harRequest  `json:"request"`
	Response harResponse `json:"response"`

	ResourceType string        `json:"_resourceType"` // Chrome, Edge
	Initiator    *harInitiator `json:"_initiator"`    // Chrome, Edge
	FrameRef     string        `json:"_frameref"`     // Playwright
	reasons
	Warning string  `json:"_warning"` // ssodesk
	TLS     *harTLS `json:"_tls"`     // ssodesk
}

// reasons are where the HARs put why a request failed or was blocked.
type reasons struct {
	Error       string          `json:"_error"`       // Chrome (newer: in response), ssodesk
	ErrorText   string          `json:"_errorText"`   // Chrome's protocol name for it
	FailureText string          `json:"_failureText"` // Playwright
	Blocked     string          `json:"_blockedReason"`
	CORSError   json.RawMessage `json:"_corsErrorStatus"` // {corsError, failedParameter}, any shape read
}

func (r reasons) text() string {
	s := cmp.Or(r.Error, r.ErrorText, r.FailureText)
	if r.Blocked != "" {
		s = strings.TrimSpace(s + " (blocked: " + r.Blocked + ")")
	}
	if len(r.CORSError) > 0 && string(r.CORSError) != "null" && s == "" {
		var c struct {
			CORSError string `json:"corsError"`
		}
		_ = json.Unmarshal(r.CORSError, &c) // another shape: just "blocked by CORS"
		s = strings.TrimSpace("blocked by CORS " + c.CORSError)
	}
	return s
}

type harInitiator struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string   `json:"method"`
	URL         string   `json:"url"`
	HTTPVersion string   `json:"httpVersion"`
	Cookies     []harNV  `json:"cookies"`
	Headers     []harNV  `json:"headers"`
	PostData    *harPost `json:"postData"`
	BodySize    float64  `json:"bodySize"`
}

type harPost struct {
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text"`
	Params   []harNV `json:"params"`
	Encoding string  `json:"encoding"` // not HAR 1.2, but some tools write it
}

type harResponse struct {
	Status      float64    `json:"status"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     []harNV    `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	reasons
}

type harContent struct {
	Size     float64  `json:"size"`
	MimeType string   `json:"mimeType"`
	Text     lazyText `json:"text"`
	Encoding string   `json:"encoding"`
}

// lazyText is a JSON string kept as its raw bytes until it is read: the
// body of a script or an image, which a diagnosis never reads, is never
// unquoted (most of a busy page's HAR).
type lazyText struct{ raw []byte }

func (t *lazyText) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		t.raw = nil
	case len(b) > 0 && b[0] == '"':
		t.raw = append(t.raw[:0], b...)
	default:
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[string]()}
	}
	return nil
}

// String is the text (the decoder has checked it is a JSON string).
func (t lazyText) String() string {
	var s string
	if len(t.raw) > 0 {
		_ = json.Unmarshal(t.raw, &s)
	}
	return s
}

type harTLS struct {
	Version     string `json:"version"`
	Cipher      string `json:"cipher"`
	CertSubject string `json:"certSubject"`
	CertExpiry  string `json:"certExpiry"`
}

// entryRead is an entry as read: its exchange, its number in the file and
// what only ordering and frames need.
type entryRead struct {
	x        *flow.Exchange
	n        int
	started  bool // its start time was read
	frameRef string
}

func (w *walker) entry(n int, e *harEntry) *entryRead {
	x := &flow.Exchange{
		Method: cmp.Or(e.Request.Method, http.MethodGet), RawURL: e.Request.URL, URL: flow.ParseURL(e.Request.URL),
		Proto:         cmp.Or(e.Response.HTTPVersion, e.Request.HTTPVersion),
		RequestHeader: headers(e.Request.Headers), ResponseHeader: headers(e.Response.Headers),
		RequestSize: w.size(n, "request.bodySize", e.Request.BodySize), ResponseSize: w.size(n, "response.content.size", e.Response.Content.Size),
		ResponseType: e.Response.Content.MimeType, Warning: e.Warning,
		ResourceType: e.ResourceType, PageRef: e.PageRef,
	}
	r := &entryRead{x: x, n: n, frameRef: e.FrameRef}
	if e.Request.URL == "" {
		w.problem("entry %d: request.url is missing", n)
	}
	r.started = w.start(n, e.Started, x)
	x.Duration = w.duration(n, e.Time)
	x.Status = w.status(n, e.Response.Status)
	x.Location = e.Response.RedirectURL
	if x.Location == "" && x.Status >= 300 && x.Status < 400 {
		x.Location = x.ResponseHeader.Get("Location")
	}
	// Read whatever the status: Chrome records a document it refused to
	// show (X-Frame-Options: net::ERR_BLOCKED_BY_RESPONSE) with the
	// response's status, 200.
	x.Error = cmp.Or(e.Response.reasons.text(), e.reasons.text())
	if x.Status == 0 && x.Error == "" {
		x.Error = "no response (status 0): the request failed or was blocked"
	}
	x.RequestBody = w.requestBody(n, e.Request.PostData)
	if !w.o.OnlyDiagnosticBodies || diagnosticBody(e.Response.Content.MimeType) {
		x.ResponseBody = w.responseBody(n, &e.Response.Content)
	}
	if t := e.TLS; t != nil && t.Version != "" {
		x.TLS = &flow.TLS{Version: t.Version, Cipher: t.Cipher, CertSubject: t.CertSubject}
		x.TLS.CertExpiry, _ = time.Parse(time.RFC3339, t.CertExpiry)
	}
	x.Kind = flow.KindOf("", x.URL)
	x.InFrame = inFrame(e, x)
	if !w.lg.Sensitive && sensitive(e) {
		w.lg.Sensitive = true
	}
	return r
}

// inFrame: the entry is a document loaded in a frame, not the top window.
// Chromium says so in the request's Sec-Fetch-Dest (iframe or frame; a
// top-level navigation's is document), whoever started it — a script-made
// iframe's initiator is "script", which alone says nothing, since scripts
// navigate the top window too. Over plain http to a name other than
// localhost Chromium sends no sec-fetch-*: then a document whose initiator
// is another document's parser (an <iframe src>) is in a frame (a top-level
// navigation's is "other"). Playwright's frames: playwrightFrames.
func inFrame(e *harEntry, x *flow.Exchange) bool {
	if !strings.EqualFold(e.ResourceType, "document") && e.ResourceType != "" {
		return false
	}
	switch strings.ToLower(x.RequestHeader.Get("Sec-Fetch-Dest")) {
	case "iframe", "frame":
		return true
	case "":
	default:
		return false
	}
	i := e.Initiator
	return i != nil && strings.EqualFold(e.ResourceType, "document") && i.Type == "parser" && i.URL != "" && i.URL != e.Request.URL
}

// headers keeps every name/value pair (repeated headers too), names in
// canonical form so Get finds them however the tool cased them.
func headers(nvs []harNV) http.Header {
	h := make(http.Header, len(nvs))
	for _, nv := range nvs {
		if nv.Name == "" {
			continue
		}
		k := textproto.CanonicalMIMEHeaderKey(nv.Name)
		h[k] = append(h[k], nv.Value)
	}
	return h
}

// sensitive: the entry holds a cookie or an Authorization header (Chrome's
// default export strips all of them).
func sensitive(e *harEntry) bool {
	if len(e.Request.Cookies) > 0 || len(e.Response.Cookies) > 0 {
		return true
	}
	has := func(nvs []harNV, names ...string) bool {
		return slices.ContainsFunc(nvs, func(nv harNV) bool {
			return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(nv.Name, n) })
		})
	}
	return has(e.Request.Headers, "Cookie", "Authorization") || has(e.Response.Headers, "Set-Cookie")
}

// timeLayouts are how the tools write startedDateTime: RFC 3339 with or
// without a fraction (Go reads one after the seconds whatever the layout),
// a zone without a colon, or none (read as UTC).
var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"}

func (w *walker) start(n int, s string, x *flow.Exchange) bool {
	if s == "" {
		w.problem("entry %d: startedDateTime is missing", n)
		return false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			x.Start = t
			return true
		}
	}
	w.problem("entry %d: startedDateTime %q is not a date and time", n, clip(s))
	return false
}

func (w *walker) duration(n int, ms float64) time.Duration {
	switch {
	case ms == -1 || ms == 0:
		return 0
	case ms < 0 || math.IsNaN(ms) || ms > float64(math.MaxInt64/int64(time.Millisecond)):
		w.problem("entry %d: time %v ms is not a duration", n, ms)
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}

func (w *walker) status(n int, s float64) int {
	switch {
	case s == 0 || s == -1:
		return 0
	case s < 100 || s > 999 || s != math.Trunc(s):
		w.problem("entry %d: response.status %v is not an HTTP status: read as no response", n, s)
		return 0
	}
	return int(s)
}

// size: -1 (unknown) is 0.
func (w *walker) size(n int, field string, s float64) int64 {
	switch {
	case s == -1 || s == 0:
		return 0
	case s < 0 || s > math.MaxInt64/2 || s != math.Trunc(s):
		w.problem("entry %d: %s %v is not a size", n, field, s)
		return 0
	}
	return int64(s)
}

func (w *walker) requestBody(n int, p *harPost) string {
	if p == nil {
		return ""
	}
	if p.Text != nil && *p.Text != "" || len(p.Params) == 0 {
		return w.cut(n, "request.postData.text", deref(p.Text))
	}
	form := url.Values{}
	for _, nv := range p.Params {
		form.Add(nv.Name, nv.Value)
	}
	return w.cut(n, "request.postData.params", form.Encode())
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (w *walker) responseBody(n int, c *harContent) string {
	full := c.Text.String()
	if !strings.EqualFold(c.Encoding, "base64") {
		if c.Encoding != "" {
			w.problem("entry %d: response.content.encoding %q is not known: the text is kept as it is", n, clip(c.Encoding))
		}
		return w.cut(n, "response.content.text", full)
	}
	// Only what is kept is decoded: a 64 MB base64 body costs MaxBody.
	text := full
	if lim := 2 * (w.o.MaxBody/3 + 8) * 4; len(text) > lim {
		text = text[:lim] // whitespace aside, more than is kept
	}
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' {
			return -1
		}
		return r
	}, text)
	enc := base64.StdEncoding
	if !strings.HasSuffix(text, "=") && len(text)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	keep := text
	if lim := (w.o.MaxBody/3 + 1) * 4; len(text) > lim {
		keep = text[:lim]
		enc = base64.RawStdEncoding
		keep = strings.TrimRight(keep, "=")
	}
	b, err := enc.DecodeString(keep)
	if err != nil {
		w.problem("entry %d: response.content.text is not valid base64: kept as it is", n)
		return w.cut(n, "response.content.text", full)
	}
	if len(b) > w.o.MaxBody || len(keep) < len(text) || len(text) < len(full) {
		w.problem("entry %d: response.content.text is longer than %s: cut", n, size(int64(w.o.MaxBody)))
		return string(validCut(b, w.o.MaxBody))
	}
	return string(b)
}

// cut keeps at most MaxBody bytes of s (not splitting a character), as a
// copy, so the decoded entry's long string can be freed.
func (w *walker) cut(n int, field, s string) string {
	if len(s) <= w.o.MaxBody {
		return s
	}
	w.problem("entry %d: %s is longer than %s: cut", n, field, size(int64(w.o.MaxBody)))
	return string(validCut([]byte(s[:min(len(s), w.o.MaxBody+utf8.UTFMax)]), w.o.MaxBody))
}

// validCut cuts b at max bytes, before a character max would split.
func validCut(b []byte, max int) []byte {
	if len(b) <= max {
		return b
	}
	i := max
	for i > 0 && i > max-utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	return b[:i]
}

// clip shortens a value quoted in a problem.
func clip(s string) string {
	if len(s) > 80 {
		return string(validCut([]byte(s), 80)) + "…"
	}
	return s
}
