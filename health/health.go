// Package health probes every configured HIMSA IdP region at once, so that
// support staff can see at a glance which regions answer, how fast, over
// which TLS version, until when their certificate is valid, and whether their
// discovery document names the issuer ssodesk is configured with.
//
// A probe is one GET of issuer + "/.well-known/openid-configuration" per
// region, all regions concurrently, each bounded by its own timeout. Cache
// keeps the last results for a while so a UI can show a health column
// without probing on every render. The package has no UI.
package health

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/transport"
)

// Statuses: health's own words (in `regions --json` and the regions screen),
// richer than a check's; Result.Check says one as a check.Status.
const (
	StatusOK       = "ok"       // discovery answered in time and names the configured issuer
	StatusSlow     = "slow"     // as ok, but slower than Options.Slow
	StatusMismatch = "mismatch" // discovery answered but names another issuer
	StatusDown     = "down"     // no usable discovery answer; Err says why
)

// Defaults of Options.
const (
	DefaultTimeout = 5 * time.Second
	DefaultSlow    = time.Second
	// DefaultConcurrency bounds the probes in flight. HIMSA has a handful
	// of endpoints, all probed at once; a configuration of a thousand no
	// longer opens a thousand connections (and TLS handshakes) at the same
	// moment, which took the CPU from the TUI's first frame.
	DefaultConcurrency = 16
)

// maxDiscovery bounds the discovery document read (real ones are a few KiB).
const maxDiscovery = 1 << 20

// Result is what one probe found out about one region.
type Result struct {
	Environment string        `json:"environment,omitempty"`
	Region      string        `json:"region"`
	Issuer      string        `json:"issuer"` // configured
	Status      string        `json:"status"` // "ok", "slow", "mismatch", "down"
	Latency     time.Duration `json:"-"`      // from sending the request to the whole discovery answer
	// Connect is the part of Latency spent opening the connection (DNS,
	// TCP and TLS handshakes; 0 on a reused one), Request the rest: the
	// request and its answer. Slow is judged by Request: a far endpoint's
	// handshakes cost round trips that every client pays once.
	Connect          time.Duration `json:"-"`
	Request          time.Duration `json:"-"`
	HTTPStatus       int           `json:"http_status,omitempty"`       // 0 when no answer
	TLSVersion       string        `json:"tls_version,omitempty"`       // "TLS 1.3"; "" for http (loopback stand-in)
	CertExpiry       time.Time     `json:"cert_expiry,omitzero"`        // leaf certificate's NotAfter for https; zero for http
	DiscoveredIssuer string        `json:"discovered_issuer,omitempty"` // the discovery document's "issuer"
	IssuerMatches    bool          `json:"issuer_matches"`
	Err              string        `json:"error,omitempty"` // why it is down or mismatched; "" when ok or slow
	CheckedAt        time.Time     `json:"checked_at"`
	// Document is the discovery document as read (at most 1 MiB; nil when
	// none was), and Date its answer's Date header, so a full check reads
	// discovery once.
	Document []byte `json:"-"`
	Date     string `json:"-"`
}

// RequestTime is the request's own time (Request), or Latency for a result
// that does not tell the handshakes apart.
func (r Result) RequestTime() time.Duration {
	if r.Request > 0 || r.Connect > 0 {
		return r.Request
	}
	return r.Latency
}

// Check is the probe as a check: ✓ ok, ! slow, ✗ mismatch or down, and –
// for a result that is none of these (nothing was probed).
func (r Result) Check() check.Status {
	switch r.Status {
	case StatusOK:
		return check.Pass
	case StatusSlow:
		return check.Warn
	case StatusMismatch, StatusDown:
		return check.Fail
	}
	return check.Skip
}

// MarshalJSON adds latency_ms (JSON has no durations).
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		LatencyMS int64 `json:"latency_ms"`
		ConnectMS int64 `json:"connect_ms"`
		RequestMS int64 `json:"request_ms"`
	}{plain(r), r.Latency.Milliseconds(), r.Connect.Milliseconds(), r.Request.Milliseconds()})
}

// Options tune a probe.
type Options struct {
	Timeout time.Duration // per region, connection to end of body; 0 = DefaultTimeout (5s)
	Slow    time.Duration // request latency (handshakes not counted) above which a region is "slow"; 0 = DefaultSlow (1s)
	// Concurrency is the most regions probed at the same time; 0 =
	// DefaultConcurrency. The regions are started in their order.
	Concurrency int
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Slow <= 0 {
		o.Slow = DefaultSlow
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	return o
}

// Probe fetches every region's discovery document concurrently (at most
// o.Concurrency at a time, in the order of regions) with client
// (nil: a transport.NewClient default client) and returns one Result per
// region, in the order of regions. Each region gets its own o.Timeout, so a
// hung region costs at most that; cancelling ctx ends all probes early. It
// never panics: whatever goes wrong is a "down" Result saying why.
// Requests are tagged with the purpose "health" (transport.WithPurpose).
func Probe(ctx context.Context, client *http.Client, regions []config.Region, o Options) []Result {
	out := make([]Result, len(regions))
	ProbeEach(ctx, client, regions, o, func(i int, r Result) { out[i] = r })
	return out
}

// ProbeEach is Probe calling each with every region's result (i: its index
// in regions) as soon as it is known, from the probe's goroutine, one call
// at a time; it returns when every region's result was given.
func ProbeEach(ctx context.Context, client *http.Client, regions []config.Region, o Options, each func(i int, r Result)) {
	o = o.withDefaults()
	if client == nil {
		client, _ = transport.NewClient(transport.Options{}) // cannot fail without a CA file
		defer client.CloseIdleConnections()
	}
	ctx = transport.WithPurpose(ctx, "health")
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(o.Concurrency)
	for i, r := range regions {
		g.Go(func() error {
			res := probeOne(ctx, client, r, o)
			mu.Lock()
			defer mu.Unlock()
			each(i, res)
			return nil
		})
	}
	_ = g.Wait() // probeOne returns no error: a failure is a "down" Result
}

// discoveryURL is issuer (without one trailing slash) + the well-known path.
func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

func probeOne(parent context.Context, client *http.Client, r config.Region, o Options) (res Result) {
	res = Result{Environment: r.Env, Region: r.Name, Issuer: r.Issuer, Status: StatusDown, CheckedAt: time.Now()}
	defer func() {
		if p := recover(); p != nil {
			res.Status, res.Err = StatusDown, fmt.Sprintf("internal error: %v", p)
		}
	}()
	if strings.TrimSpace(r.Issuer) == "" {
		res.Err = "no issuer configured"
		return res
	}
	if u, err := url.Parse(r.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		res.Err = "bad issuer URL"
		return res
	}

	ctx, cancel := context.WithTimeout(transport.FreshDiscovery(parent), o.Timeout) // a probe asks the IdP, never a cache
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discoveryURL(r.Issuer), nil)
	if err != nil {
		res.Err = "bad issuer URL"
		return res
	}
	req.Header.Set("Accept", "application/json")

	start := time.Now()
	var connected time.Time
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if !ci.Reused {
			connected = time.Now()
		}
	}}))
	resp, err := client.Do(req)
	if err != nil {
		res.Err = reason(err, ctx, parent, o.Timeout, client.Timeout)
		return res
	}
	defer resp.Body.Close()
	res.HTTPStatus = resp.StatusCode
	if f, ok := transport.TLSOf(resp.TLS); ok {
		res.TLSVersion, res.CertExpiry = f.Version, f.CertExpiry
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscovery+1))
	res.Latency = time.Since(start)
	if !connected.IsZero() {
		res.Connect = connected.Sub(start)
	}
	res.Request = res.Latency - res.Connect
	if err != nil {
		res.Err = reason(err, ctx, parent, o.Timeout, client.Timeout)
		return res
	}
	if resp.StatusCode != http.StatusOK {
		res.Err = fmt.Sprintf("HTTP %d", resp.StatusCode)
		return res
	}
	if len(body) > maxDiscovery {
		res.Err = "discovery document larger than 1 MiB"
		return res
	}
	if !json.Valid(body) {
		res.Err = "not JSON"
		return res
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil {
		res.Err = "not a JSON object"
		return res
	}
	iss, ok := doc["issuer"].(string)
	if !ok || iss == "" {
		res.Err = "no issuer in the discovery document"
		return res
	}
	res.DiscoveredIssuer = iss
	res.Document, res.Date = body, resp.Header.Get("Date")
	res.IssuerMatches = strings.TrimSuffix(iss, "/") == strings.TrimSuffix(r.Issuer, "/")
	switch {
	case !res.IssuerMatches:
		res.Status = StatusMismatch
		res.Err = fmt.Sprintf("discovery says issuer %q, configured %q", iss, r.Issuer)
	default:
		res.Status = speed(res, o)
	}
	return res
}

// speed is an answering endpoint's status: slow when its request — not
// the handshakes of a connection opened for it, which a far endpoint pays
// once — took longer than o.Slow.
func speed(res Result, o Options) string {
	if res.Request > o.Slow {
		return StatusSlow
	}
	return StatusOK
}

// reason turns a request error into a short plain reason.
func reason(err error, ctx, parent context.Context, timeout, clientTimeout time.Duration) string {
	switch {
	case parent.Err() != nil && errors.Is(parent.Err(), context.Canceled):
		return "canceled"
	case parent.Err() != nil:
		return "timed out (the caller's deadline)"
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "timed out after " + timeout.String()
	}
	r := netReason(err, clientTimeout)
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "proxyconnect" {
		return "proxy: " + r
	}
	return r
}

func netReason(err error, clientTimeout time.Duration) string {
	var tv *transport.TLSVersionError
	var ce *transport.CertError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var dns *net.DNSError
	var ne net.Error
	msg := err.Error()
	switch {
	case errors.As(err, &tv):
		return "TLS: the server does not offer TLS 1.2 or higher"
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return "TLS: certificate not trusted: " + certReason(err)
	case errors.As(err, &ce), errors.As(err, &cv):
		return "TLS: certificate not trusted: " + certReason(err)
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"), errors.As(err, &rh):
		return "TLS: the server answered in plain HTTP"
	case errors.As(err, &alert):
		return "TLS: " + strings.TrimPrefix(alert.Error(), "tls: ")
	case errors.As(err, &dns):
		switch {
		case dns.IsNotFound:
			return "no such host"
		case dns.IsTimeout:
			return "DNS timed out"
		default:
			return "DNS: " + dns.Err
		}
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(msg, "actively refused"): // the latter: Windows
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.As(err, &ne) && ne.Timeout():
		if clientTimeout > 0 {
			return "timed out after " + clientTimeout.String()
		}
		return "timed out"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server"
	case strings.Contains(msg, "tls: "):
		return "TLS: " + shorten(msg[strings.LastIndex(msg, "tls: ")+len("tls: "):])
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return shorten(err.Error())
}

// certReason is the x509 reason without its "x509: " prefix.
func certReason(err error) string {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var cv *tls.CertificateVerificationError
	var ue *url.Error
	switch {
	case errors.As(err, &ua):
		err = ua
	case errors.As(err, &hn):
		err = hn
	case errors.As(err, &ci):
		err = ci
	case errors.As(err, &cv) && cv.Err != nil:
		err = cv.Err
	case errors.As(err, &ue):
		err = ue.Err
	}
	return shorten(strings.TrimPrefix(err.Error(), "x509: "))
}

// shorten keeps a reason to one line of reasonable length.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}

// Endpoint is the endpoint the result is of.
func (r Result) Endpoint() config.EndpointID {
	return config.Region{Name: r.Region, Env: r.Environment}.ID()
}
