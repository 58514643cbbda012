package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"
)

const (
	// MaxEntries is how many entries a Trace keeps (the last ones) unless
	// SetLimit says otherwise.
	MaxEntries = 2000
	// MaxRecordedBody is how much of each body an Entry keeps.
	MaxRecordedBody = 256 << 10
	// MaxBodyBytes bounds the bodies a Trace keeps in all: beyond it, the
	// bodies of the oldest entries are dropped (their other fields stay), so
	// a trace of MaxEntries big responses cannot take a gigabyte.
	MaxBodyBytes = 32 << 20
)

// bodyDropped replaces a body dropped to keep the trace within MaxBodyBytes.
const bodyDropped = "[body dropped: the trace keeps the bodies of its newest exchanges, 32 MB in all]"

// Entry is one recorded HTTP exchange. Secrets are redacted before they are
// stored (see RedactURL, RedactHeader, RedactBody).
type Entry struct {
	ID      int    // 1, 2, … in the order requests started
	Purpose string // from WithPurpose; "" when untagged
	Warning string // from WithWarning: what the caller found suspicious about this request; "" when none
	// Cached says the answer came from ssodesk's discovery cache, no
	// request made ("" for an exchange on the network).
	Cached string
	// NewConn: a connection was opened for this request (its TCP and TLS
	// handshakes are round trips of its own); TLSResumed: its TLS session
	// was resumed.
	NewConn, TLSResumed bool
	Start               time.Time
	Duration            time.Duration // until the response headers arrived or the request failed
	Method              string
	URL                 string // redacted
	Proto               string // "HTTP/1.1", "HTTP/2.0"; "" when no response
	Status              int    // 0 when no response
	// Error is "" on a response; the failure otherwise (redacted). A failure
	// while reading the response body is recorded here too, next to Status.
	Error string

	RequestHeader, ResponseHeader http.Header // redacted copies
	// RequestBody and ResponseBody are redacted text, each cut at
	// MaxRecordedBody with a note. ResponseBody is filled when the caller
	// has read the body to its end or closed it; until then it is "".
	RequestBody, ResponseBody string
	RequestSize, ResponseSize int64  // body bytes (ResponseSize: as read by the caller, or Content-Length until then)
	ResponseType              string // Content-Type

	TLSVersion, TLSCipher string    // "TLS 1.3", "TLS_AES_128_GCM_SHA256"; "" for plain http
	CertSubject           string    // leaf certificate of an HTTPS server
	CertExpiry            time.Time // its NotAfter
}

// Trace records the exchanges of the clients that NewClient made with it.
// It is safe for concurrent use.
type Trace struct {
	mu        sync.Mutex
	entries   []*Entry // by Start, oldest first
	lastID    int
	max       int
	bodyBytes int     // of the bodies kept in entries
	version   uint64  // counts the changes, for Version
	known     Secrets // every secret found or told so far (known.go)
}

// Secrets is the set of every secret the trace has found in its exchanges
// or been told (AddSecrets): each is replaced wherever it appears in a
// later exchange. Callers scrub other text with it too (a report, a
// screen). Never nil (nil for a nil Trace).
func (t *Trace) Secrets() *Secrets {
	if t == nil {
		return nil
	}
	return &t.known
}

// AddSecrets tells the trace secret values it may not have seen by field
// name (a session's tokens resumed from the store, a client secret): they
// are replaced wherever they appear, in the exchanges recorded so far too.
func (t *Trace) AddSecrets(vals ...string) {
	if t == nil || !t.known.Add(vals...) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.entries {
		t.bodyBytes -= len(e.RequestBody) + len(e.ResponseBody)
		t.known.scrubEntry(e)
		t.bodyBytes += len(e.RequestBody) + len(e.ResponseBody)
	}
	t.version++
}

// learn adds what an exchange's redaction found to the known secrets, and
// replaces every known one in e.
func (t *Trace) learn(sec *secrets, e *Entry) {
	t.known.merge(sec)
	t.known.scrubEntry(e)
}

// scrubEntry replaces the known secrets in every string of e.
func (s *Secrets) scrubEntry(e *Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set != nil {
		applyEntry(e, s.set)
		e.Warning = s.set.apply(e.Warning)
	}
}

// NewTrace returns an empty trace that keeps the last MaxEntries entries.
func NewTrace() *Trace { return &Trace{max: MaxEntries} }

// SetLimit makes t keep the last n entries (MaxEntries when n <= 0),
// dropping the oldest beyond them now.
func (t *Trace) SetLimit(n int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.max = n
	t.trim()
}

// Version changes whenever the entries do (a new exchange, a body
// recorded, Reset), so a reader can skip copying an unchanged trace.
func (t *Trace) Version() uint64 {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.version
}

// Entries returns a copy of the recorded entries, oldest first (nil for a
// nil Trace).
func (t *Trace) Entries() []Entry {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Entry, len(t.entries))
	for i, e := range t.entries {
		out[i] = *e
		out[i].RequestHeader = e.RequestHeader.Clone()
		out[i].ResponseHeader = e.ResponseHeader.Clone()
	}
	return out
}

// Len is the number of entries kept.
func (t *Trace) Len() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// Reset drops every entry. IDs go on from where they were, and a request
// still under way is recorded when it ends.
func (t *Trace) Reset() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entries, t.bodyBytes = nil, 0
	t.version++
}

func (t *Trace) newID() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lastID++
	return t.lastID
}

// add inserts e in Start order and drops the oldest beyond the cap.
func (t *Trace) add(e *Entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := len(t.entries)
	for i > 0 && t.entries[i-1].Start.After(e.Start) {
		i--
	}
	t.entries = append(t.entries, nil)
	copy(t.entries[i+1:], t.entries[i:])
	t.entries[i] = e
	t.bodyBytes += len(e.RequestBody) + len(e.ResponseBody)
	t.version++
	t.trim()
}

// trim drops the oldest entries beyond the cap, and the bodies of the
// oldest beyond MaxBodyBytes. t.mu is held.
func (t *Trace) trim() {
	limit := t.max
	if limit <= 0 {
		limit = MaxEntries
	}
	if over := len(t.entries) - limit; over > 0 {
		for _, e := range t.entries[:over] {
			t.bodyBytes -= len(e.RequestBody) + len(e.ResponseBody)
		}
		// A fresh array: reslicing alone would keep the dropped ones' slots forever.
		t.entries = append(make([]*Entry, 0, limit+limit/4), t.entries[over:]...)
		t.version++
	}
	for _, e := range t.entries {
		if t.bodyBytes <= MaxBodyBytes {
			break
		}
		for _, b := range []*string{&e.RequestBody, &e.ResponseBody} {
			if *b != "" && *b != bodyDropped {
				t.bodyBytes -= len(*b) - len(bodyDropped)
				*b = bodyDropped
				t.version++
			}
		}
	}
}

// exchange is one request under way.
type exchange struct {
	t       *Trace
	ctx     context.Context // the request's
	id      int
	start   time.Time
	purpose string
	rawURL  string
	reqBody *capture // nil when the request has no body
	reqSize int64    // known request body size, -1 = count the capture
	sec     *secrets
	entry   *Entry
	conn    connFacts // set by the request's httptrace hooks
}

// connFacts are what the connection of a request cost: whether it was
// opened for it, and whether its TLS session was resumed.
type connFacts struct {
	mu           sync.Mutex
	newConn, tls bool
	resumed      bool
	tlsVersion   uint16
}

// RoundTrips is how many round trips an entry cost on the wire: its
// request, and for a connection opened for it the TCP handshake and the
// TLS one (TLS 1.3 one, TLS 1.2 two, a resumed 1.2 session one); 0 for an
// answer from a cache.
func (e Entry) RoundTrips() int {
	if e.Cached != "" {
		return 0
	}
	n := 1
	if e.NewConn {
		n++
		switch {
		case e.TLSVersion == "":
		case e.TLSVersion == "TLS 1.3" || e.TLSResumed:
			n++
		default:
			n += 2
		}
	}
	return n
}

// begin starts recording req; it returns the request to send (a clone
// whose body is captured, when the body cannot be read twice).
func (t *Trace) begin(req *http.Request) (*exchange, *http.Request) {
	x := &exchange{
		t:       t,
		ctx:     req.Context(),
		id:      t.newID(),
		start:   time.Now(),
		purpose: PurposeOf(req.Context()),
		rawURL:  req.URL.String(),
		reqSize: -1,
		sec:     newSecrets(),
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(ci httptrace.GotConnInfo) {
			x.conn.mu.Lock()
			x.conn.newConn = !ci.Reused
			x.conn.mu.Unlock()
		},
		TLSHandshakeDone: func(cs tls.ConnectionState, _ error) {
			x.conn.mu.Lock()
			x.conn.resumed = cs.DidResume
			x.conn.mu.Unlock()
		},
	}))
	if req.Body == nil || req.Body == http.NoBody {
		x.reqSize = 0
		return x, req
	}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			c := &capture{}
			if req.ContentLength > 0 {
				_, _ = io.Copy(c, io.LimitReader(rc, MaxRecordedBody+1))
				c.n = req.ContentLength
			} else {
				_, _ = io.Copy(c, rc)
			}
			_ = rc.Close()
			x.reqBody, x.reqSize = c, c.n
			return x, req
		}
	}
	// Capture what the transport sends.
	c := &capture{}
	r2 := req.Clone(req.Context())
	r2.Body = &teeBody{rc: req.Body, c: c}
	x.reqBody = c
	return x, r2
}

// finish records the response or the failure.
func (x *exchange) finish(req *http.Request, resp *http.Response, err error) {
	e := &Entry{
		ID:            x.id,
		Purpose:       x.purpose,
		Warning:       WarningOf(x.ctx),
		Start:         x.start,
		Duration:      time.Since(x.start),
		Method:        req.Method,
		URL:           redactURL(x.rawURL, x.sec),
		RequestHeader: redactHeader(req.Header, x.sec),
	}
	if e.Method == "" {
		e.Method = http.MethodGet
	}
	x.conn.mu.Lock()
	e.NewConn, e.TLSResumed = x.conn.newConn, x.conn.resumed
	x.conn.mu.Unlock()
	if x.reqBody != nil {
		data, n := x.reqBody.snapshot()
		if x.reqSize >= 0 {
			n = x.reqSize
		}
		e.RequestSize = n
		e.RequestBody = bodyText(req.Header.Get("Content-Type"), data, n, true, x.sec)
	}
	if err != nil {
		e.Error = x.sec.apply(describe(req.Context(), err, x.rawURL, e.URL, e.Duration))
		applyEntry(e, x.sec)
		x.t.learn(x.sec, e)
		x.t.add(e)
		return
	}
	e.Status = resp.StatusCode
	e.Proto = resp.Proto
	e.ResponseHeader = redactHeader(resp.Header, x.sec)
	e.ResponseType = resp.Header.Get("Content-Type")
	if resp.ContentLength > 0 {
		e.ResponseSize = resp.ContentLength
	}
	if f, ok := TLSOf(resp.TLS); ok {
		e.TLSVersion, e.TLSCipher, e.CertSubject, e.CertExpiry = f.Version, f.Cipher, f.CertSubject, f.CertExpiry
	}
	applyEntry(e, x.sec)
	x.t.learn(x.sec, e)
	x.entry = e
	x.t.add(e)
	if resp.Body != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body = &bodyRecorder{rc: resp.Body, x: x, length: resp.ContentLength, c: capture{size: resp.ContentLength}}
	}
}

// fillBody records the response body once the caller is done with it.
func (x *exchange) fillBody(data string, n int64, complete bool, readErr error) {
	e := x.entry
	text := bodyText(e.ResponseType, data, n, complete, x.sec)
	if !complete && readErr == nil {
		text += fmt.Sprintf("\n[the caller closed the body after %d bytes without reading to its end]", n)
	}
	x.t.mu.Lock()
	defer x.t.mu.Unlock()
	before := len(e.RequestBody) + len(e.ResponseBody)
	e.ResponseBody = text
	if complete || n > e.ResponseSize {
		e.ResponseSize = n
	}
	if readErr != nil {
		e.Error = "reading the response body: " + describe(x.ctx, readErr, x.rawURL, e.URL, time.Since(x.start))
	}
	applyEntry(e, x.sec)
	x.t.learn(x.sec, e)
	x.t.bodyBytes += len(e.RequestBody) + len(e.ResponseBody) - before
	x.t.version++
	x.t.trim()
}

// describe is the recorded text of a failure, with the raw URL replaced by
// the redacted one and timeouts said as such.
func describe(ctx context.Context, err error, rawURL, redactedURL string, after time.Duration) string {
	msg := strings.ReplaceAll(err.Error(), rawURL, redactedURL)
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) ||
		errors.Is(ctx.Err(), context.DeadlineExceeded) || pastDeadline(ctx) {
		msg = fmt.Sprintf("timed out after %v: %s", after.Round(time.Millisecond), msg)
	}
	return msg
}

// pastDeadline: http.Client's Timeout cancels a request through a channel
// and a context deadline at once, so the error may say only "canceled".
func pastDeadline(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// bodyText is the recorded text of a body of n bytes of which data was
// captured.
func bodyText(contentType string, data string, n int64, complete bool, sec *secrets) string {
	cut := len(data) > MaxRecordedBody
	if cut {
		data = data[:MaxRecordedBody]
	}
	text := redactBody(contentType, data, sec)
	if cut || (complete && n > int64(len(data))) {
		if complete {
			text += fmt.Sprintf("\n[cut: recorded the first %d of %d bytes]", len(data), n)
		} else {
			text += fmt.Sprintf("\n[cut: recorded the first %d bytes]", len(data))
		}
	}
	return text
}

// applyEntry replaces the exchange's secrets in every string of e.
func applyEntry(e *Entry, sec *secrets) {
	e.URL = sec.apply(e.URL)
	e.Error = sec.apply(e.Error)
	e.RequestBody = sec.apply(e.RequestBody)
	e.ResponseBody = sec.apply(e.ResponseBody)
	sec.applyHeader(e.RequestHeader)
	sec.applyHeader(e.ResponseHeader)
}

// capture keeps the first MaxRecordedBody+1 bytes written to it and counts
// them all. It keeps them in a strings.Builder, which only ever appends: a
// snapshot is the text so far without a copy, and later writes leave it as
// it was.
type capture struct {
	mu   sync.Mutex
	buf  strings.Builder
	n    int64
	size int64 // the expected length (Content-Length), -1 or 0 = unknown
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += int64(len(p))
	if room := MaxRecordedBody + 1 - c.buf.Len(); room > 0 {
		p = p[:min(len(p), room)]
		switch need := c.buf.Len() + len(p); {
		case c.buf.Cap() == 0 && c.size > 0:
			c.buf.Grow(int(min(c.size, MaxRecordedBody+1)))
		case need > c.buf.Cap() && need > 32<<10: // a big body of unknown length: no more doubling
			c.buf.Grow(MaxRecordedBody + 1 - c.buf.Len())
		}
		c.buf.Write(p)
	}
	return len(p), nil
}

func (c *capture) snapshot() (string, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String(), c.n
}

// teeBody captures a request body as the transport reads it.
type teeBody struct {
	rc io.ReadCloser
	c  *capture
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		_, _ = b.c.Write(p[:n])
	}
	return n, err
}

func (b *teeBody) Close() error { return b.rc.Close() }

// bodyRecorder hands the caller the whole response body and records the
// first MaxRecordedBody bytes when the caller reaches the end or closes it.
type bodyRecorder struct {
	rc     io.ReadCloser
	x      *exchange
	length int64 // Content-Length, -1 = unknown
	c      capture
	once   sync.Once
}

func (b *bodyRecorder) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		_, _ = b.c.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		b.done(true, nil)
	case err != nil:
		b.done(false, err)
	}
	return n, err
}

func (b *bodyRecorder) Close() error {
	err := b.rc.Close()
	b.done(false, nil)
	return err
}

func (b *bodyRecorder) done(eof bool, readErr error) {
	b.once.Do(func() {
		data, n := b.c.snapshot()
		complete := eof || (b.length >= 0 && n >= b.length && readErr == nil)
		b.x.fillBody(data, n, complete, readErr)
	})
}

// Note records an exchange the clients did not make themselves (the
// browser's redirect to the loopback listener), so the trace tells the whole
// login. Its URL is redacted like every other (code, state, …).
func (t *Trace) Note(purpose, method, rawURL string, status int, warning string) {
	if t == nil {
		return
	}
	sec := newSecrets()
	e := &Entry{ID: t.newID(), Purpose: purpose, Start: time.Now(), Method: method, URL: redactURL(rawURL, sec),
		Status: status, Warning: sec.apply(warning)}
	applyEntry(e, sec)
	t.learn(sec, e)
	t.add(e)
}

// NoteCached records an answer a client gave from its cache (no request
// made): what served it, in cached.
func (t *Trace) NoteCached(purpose, rawURL, cached string) {
	if t == nil {
		return
	}
	sec := newSecrets()
	e := &Entry{ID: t.newID(), Purpose: purpose, Start: time.Now(), Method: http.MethodGet, URL: redactURL(rawURL, sec),
		Status: http.StatusOK, Cached: cached}
	t.add(e)
}

// TraceOf returns the trace of a client NewClient made (nil when none).
func TraceOf(c *http.Client) *Trace {
	if c == nil {
		return nil
	}
	if rt, ok := c.Transport.(*roundTripper); ok {
		return rt.trace
	}
	return nil
}
