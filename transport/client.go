package transport

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"
)

// DefaultTimeout bounds each request when Options.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// Options configure NewClient.
type Options struct {
	Timeout time.Duration // per request, body included; 0 = DefaultTimeout
	CAFile  string        // PEM bundle of extra trusted CAs (added to the system pool); "" = system pool only
	Trace   *Trace        // where exchanges are recorded; nil = not recorded
	// MaxResponseBody bounds each response body (after decompression);
	// 0 = MaxResponseBody.
	MaxResponseBody int64
	// Discovery keeps the discovery documents this client reads, and
	// answers from it while fresh, unless the request's context asks for
	// the IdP's own answer (FreshDiscovery). nil: no cache.
	Discovery *DiscoveryCache
}

// NewClient returns the HTTP client for every call ssodesk makes: TLS 1.2 at
// least (HIMSA: "All services require TLS (version 1.2 or higher)"), proxies
// from the environment, the system CAs plus those of o.CAFile, a per-request
// timeout, no redirect followed with a secret on it (see checkRedirect), and
// every exchange recorded in o.Trace. A CA file that cannot be
// read, holds no certificate or holds a bad one is an error naming the file.
func NewClient(o Options) (*http.Client, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	// Sessions are resumed within a run: a second connection to an IdP
	// (the login after the picker's probe, another endpoint of the same
	// host) skips part of its handshake.
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ClientSessionCache: tls.NewLRUClientSessionCache(64)}
	if o.CAFile != "" {
		pool, err := loadCAFile(o.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = http.ProxyFromEnvironment
	base.TLSClientConfig = cfg
	base.ForceAttemptHTTP2 = true
	return &http.Client{
		Transport: &roundTripper{base: base, trace: o.Trace, maxBody: cmp.Or(o.MaxResponseBody, MaxResponseBody),
			disco: o.Discovery, discoRead: o.Discovery != nil},
		Timeout:       o.Timeout,
		CheckRedirect: checkRedirect,
	}, nil
}

// loadCAFile returns the system pool plus the certificates of a PEM file.
func loadCAFile(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("CA file %s: %w", path, err)
	}
	var certs []*x509.Certificate
	rest := data
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("CA file %s: PEM block %d is not a valid certificate: %w", path, n, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		if len(strings.TrimSpace(string(data))) == 0 {
			return nil, fmt.Errorf("CA file %s is empty", path)
		}
		return nil, fmt.Errorf("CA file %s holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)", path)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

type purposeKey struct{}

// WithPurpose tags the requests made with ctx with what they are for:
// "discovery", "jwks", "token", "userinfo", "api", … The tag is recorded in
// Entry.Purpose.
func WithPurpose(ctx context.Context, purpose string) context.Context {
	return context.WithValue(ctx, purposeKey{}, purpose)
}

// PurposeOf returns the tag WithPurpose put on ctx ("" when none).
func PurposeOf(ctx context.Context) string {
	p, _ := ctx.Value(purposeKey{}).(string)
	return p
}

type warningKey struct{}

// WithWarning attaches a warning to the requests made with ctx (an endpoint
// on another host than its issuer, say); the trace records it in
// Entry.Warning.
func WithWarning(ctx context.Context, warning string) context.Context {
	return context.WithValue(ctx, warningKey{}, warning)
}

// WarningOf returns the warning WithWarning put on ctx ("" when none).
func WarningOf(ctx context.Context) string {
	w, _ := ctx.Value(warningKey{}).(string)
	return w
}

// TLSVersionError: the server does not offer TLS 1.2 or higher.
type TLSVersionError struct {
	Addr string // host:port
	Err  error  // what crypto/tls said
}

func (e *TLSVersionError) Error() string {
	return fmt.Sprintf("TLS handshake with %s failed: the server does not offer TLS 1.2 or higher, "+
		"which HIMSA requires on every call (%v)", e.Addr, e.Err)
}

func (e *TLSVersionError) Unwrap() error { return e.Err }

// CertError: the server's certificate is not trusted.
type CertError struct {
	Addr string // host:port
	Err  error  // what crypto/tls and crypto/x509 said
}

func (e *CertError) Error() string {
	return fmt.Sprintf("TLS certificate of %s is not trusted: %v "+
		"(if a company proxy or CA re-signs TLS traffic, add its CA certificate to the trusted CA file)",
		e.Addr, unwrapTLSVerify(e.Err))
}

func (e *CertError) Unwrap() error { return e.Err }

// unwrapTLSVerify drops crypto/tls's "tls: failed to verify certificate: "
// wrapper, keeping the x509 reason.
func unwrapTLSVerify(err error) error {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && cv.Err != nil {
		return cv.Err
	}
	return err
}

// classify turns TLS version and certificate failures into the typed errors;
// others are returned as they are.
func classify(err error, addr string) error {
	if err == nil {
		return nil
	}
	var tv *TLSVersionError
	var ce *CertError
	if errors.As(err, &tv) || errors.As(err, &ce) {
		return err
	}
	if isTLSVersionErr(err) {
		return &TLSVersionError{Addr: addr, Err: err}
	}
	if isCertErr(err) {
		return &CertError{Addr: addr, Err: err}
	}
	return err
}

const alertProtocolVersion = 70

// isTLSVersionErr: the server sent a protocol_version alert, or selected a
// version below what we offer.
func isTLSVersionErr(err error) bool {
	var ae tls.AlertError
	if errors.As(err, &ae) && ae == alertProtocolVersion {
		return true
	}
	if isRemoteVersionAlert(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "tls: server selected unsupported protocol version") ||
		strings.Contains(msg, "tls: protocol version not supported")
}

// isRemoteVersionAlert: crypto/tls reports a received alert as
// *net.OpError{Op: "remote error", Err: alert(n)} with an unexported alert
// type, so the alert number is read by reflection.
func isRemoteVersionAlert(err error) bool {
	return walk(err, func(e error) bool {
		op, ok := e.(*net.OpError)
		if !ok || op.Op != "remote error" || op.Err == nil {
			return false
		}
		v := reflect.ValueOf(op.Err)
		return v.Kind() == reflect.Uint8 && v.Type().PkgPath() == "crypto/tls" && v.Uint() == alertProtocolVersion
	})
}

// walk says whether fn holds for err or any error it wraps.
func walk(err error, fn func(error) bool) bool {
	for depth := 0; err != nil && depth < 100; depth++ {
		if fn(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if walk(e, fn) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

func isCertErr(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

// hostPort is the address a request goes to, with the scheme's port.
func hostPort(r *http.Request) string {
	host := r.URL.Host
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	port := "443"
	if r.URL.Scheme == "http" {
		port = "80"
	}
	return net.JoinHostPort(host, port)
}

// roundTripper classifies errors and records exchanges.
type roundTripper struct {
	base    http.RoundTripper
	trace   *Trace
	maxBody int64
	// disco keeps discovery documents (nil: none); discoRead answers
	// from it (a client that must see the IdP's own answer only fills it).
	disco     *DiscoveryCache
	discoRead bool
}

func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if resp, err, ok := rt.discovery(req); ok {
		return resp, err
	}
	return rt.send(req)
}

// send sends req, bounding and recording the exchange.
func (rt *roundTripper) send(req *http.Request) (*http.Response, error) {
	if rt.trace == nil {
		resp, err := rt.base.RoundTrip(req)
		if err == nil {
			bound(resp, req, rt.maxBody)
		}
		return resp, classify(err, hostPort(req))
	}
	x, req := rt.trace.begin(req)
	resp, err := rt.base.RoundTrip(req)
	if err == nil {
		bound(resp, req, rt.maxBody) // the trace records what the caller gets: the bounded body
	}
	err = classify(err, hostPort(req))
	x.finish(req, resp, err)
	return resp, err
}

// Untraced is c without its trace and reading no cached discovery (it
// still fills the cache): the same connections (a probe's connection is
// the login's next), for traffic that is not the user's (the picker's
// health probes). A client NewClient did not make is returned as it is.
func Untraced(c *http.Client) *http.Client {
	rt, ok := c.Transport.(*roundTripper)
	if !ok {
		return c
	}
	u := *c
	r := *rt
	r.trace, r.discoRead = nil, false
	u.Transport = &r
	return &u
}

// DiscoveryOf is the discovery cache of a client NewClient made (nil when
// it has none).
func DiscoveryOf(c *http.Client) *DiscoveryCache {
	if c == nil {
		return nil
	}
	if rt, ok := c.Transport.(*roundTripper); ok {
		return rt.disco
	}
	return nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (rt *roundTripper) CloseIdleConnections() {
	if c, ok := rt.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
