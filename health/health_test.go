package health

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ssodesk/config"
	"ssodesk/transport"
)

// self is the issuer a test server is reached at.
func self(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// idp is a stand-in region: answers discovery after delay with answer(issuer).
type idp struct {
	*httptest.Server
	hits atomic.Int64
}

// discovery is a well-formed discovery document for issuer.
func discovery(issuer string) (int, string) {
	b, _ := json.Marshal(map[string]any{
		"issuer":                 issuer,
		"authorization_endpoint": issuer + "/connect/authorize",
		"jwks_uri":               issuer + "/.well-known/openid-configuration/jwks",
	})
	return http.StatusOK, string(b)
}

func newIDP(t testing.TB, useTLS bool, delay time.Duration, answer func(issuer string) (int, string)) *idp {
	t.Helper()
	if answer == nil {
		answer = discovery
	}
	s := &idp{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done(): // the prober gave up
			return
		}
		code, body := answer(self(r))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected in some tests
	if useTLS {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

func (s *idp) region(name string) config.Region {
	return config.Region{Name: name, Label: name, Issuer: s.URL}
}

func one(t *testing.T, client *http.Client, r config.Region, o Options) Result {
	t.Helper()
	res := Probe(context.Background(), client, []config.Region{r}, o)
	if len(res) != 1 {
		t.Fatalf("%d results for one region", len(res))
	}
	t.Logf("%s: %s %q latency %v HTTP %d %s", res[0].Region, res[0].Status, res[0].Err, res[0].Latency, res[0].HTTPStatus, res[0].TLSVersion)
	return res[0]
}

func TestProbeOK(t *testing.T) {
	s := newIDP(t, false, 0, nil)
	before := time.Now()
	r := one(t, nil, s.region("eu"), Options{})
	if r.Status != StatusOK || r.Err != "" || !r.IssuerMatches || r.HTTPStatus != 200 {
		t.Errorf("ok region: %+v", r)
	}
	if r.Region != "eu" || r.Issuer != s.URL || r.DiscoveredIssuer != s.URL {
		t.Errorf("names: %+v", r)
	}
	if r.TLSVersion != "" || !r.CertExpiry.IsZero() {
		t.Errorf("http region has TLS %q cert %v", r.TLSVersion, r.CertExpiry)
	}
	if r.Latency <= 0 || r.CheckedAt.Before(before) {
		t.Errorf("Latency %v CheckedAt %v", r.Latency, r.CheckedAt)
	}
}

func TestProbeTrailingSlash(t *testing.T) {
	// Configured with a slash, discovery without, and the other way round.
	s := newIDP(t, false, 0, nil)
	reg := s.region("eu")
	reg.Issuer += "/"
	if r := one(t, nil, reg, Options{}); r.Status != StatusOK || s.hits.Load() != 1 {
		t.Errorf("configured with a trailing slash: %+v", r)
	}
	s2 := newIDP(t, false, 0, func(iss string) (int, string) { return discovery(iss + "/") })
	if r := one(t, nil, s2.region("eu"), Options{}); r.Status != StatusOK {
		t.Errorf("discovery with a trailing slash: %+v", r)
	}
}

func TestProbeSlow(t *testing.T) {
	s := newIDP(t, false, 300*time.Millisecond, nil)
	r := one(t, nil, s.region("au"), Options{Slow: 100 * time.Millisecond, Timeout: 3 * time.Second})
	if r.Status != StatusSlow || r.Err != "" || r.Latency < 300*time.Millisecond || !r.IssuerMatches {
		t.Errorf("slow region: %+v", r)
	}
}

// A far endpoint's handshakes are not its slowness (issue 26): a result
// is judged by its request's time, the connection's time told apart — a
// connection opened for the probe has one, a reused one none.
func TestProbeSlowIsTheRequestNotTheHandshake(t *testing.T) {
	o := Options{Slow: time.Second}
	if got := speed(Result{Connect: 2 * time.Second, Request: 10 * time.Millisecond, Latency: 2010 * time.Millisecond}, o); got != StatusOK {
		t.Errorf("far but quick: %s", got)
	}
	if got := speed(Result{Request: 1500 * time.Millisecond, Latency: 1500 * time.Millisecond}, o); got != StatusSlow {
		t.Errorf("near but slow: %s", got)
	}
	s := newIDP(t, false, 0, nil)
	client := &http.Client{Transport: &http.Transport{}}
	first := one(t, client, s.region("au"), Options{Timeout: 3 * time.Second})
	if first.Connect <= 0 || first.Request <= 0 || first.Latency != first.Connect+first.Request {
		t.Errorf("a new connection: %+v", first)
	}
	again := one(t, client, s.region("au"), Options{Timeout: 3 * time.Second})
	if again.Connect != 0 || again.Request != again.Latency {
		t.Errorf("a reused connection: %+v", again)
	}
}

func TestProbeHung(t *testing.T) {
	hung := newIDP(t, false, time.Hour, nil)
	fine := newIDP(t, false, 0, nil)
	o := Options{Timeout: 300 * time.Millisecond}
	start := time.Now()
	res := Probe(context.Background(), nil, []config.Region{hung.region("us"), fine.region("eu")}, o)
	took := time.Since(start)
	if r := res[0]; r.Status != StatusDown || r.Err != "timed out after 300ms" || r.HTTPStatus != 0 {
		t.Errorf("hung region: %+v", r)
	}
	if r := res[1]; r.Status != StatusOK {
		t.Errorf("the other region: %+v", r)
	}
	if took > 5*time.Second { // generous: only guards against waiting for the hung server
		t.Errorf("probe took %v with a 300ms timeout", took)
	}
}

func TestProbeRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := one(t, nil, config.Region{Name: "qa", Issuer: "http://" + addr}, Options{})
	if r.Status != StatusDown || r.Err != "connection refused" {
		t.Errorf("refused port: %+v", r)
	}
}

func TestProbeBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, status, err string
		answer            func(string) (int, string)
	}{
		{"not JSON", StatusDown, "not JSON", func(string) (int, string) { return 200, "<html>maintenance</html>" }},
		{"not an object", StatusDown, "not a JSON object", func(string) (int, string) { return 200, `["x"]` }},
		{"no issuer", StatusDown, "no issuer in the discovery document", func(string) (int, string) { return 200, `{"jwks_uri":"x"}` }},
		{"500", StatusDown, "HTTP 500", func(string) (int, string) { return 500, "oops" }},
		{"404", StatusDown, "HTTP 404", func(string) (int, string) { return 404, "" }},
		{"mismatch", StatusMismatch, `discovery says issuer "https://idp.example", configured "http://`,
			func(string) (int, string) { return discovery("https://idp.example") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newIDP(t, false, 0, tc.answer)
			r := one(t, nil, s.region("eu"), Options{})
			if r.Status != tc.status || !strings.HasPrefix(r.Err, tc.err) {
				t.Errorf("got %s %q, want %s %q", r.Status, r.Err, tc.status, tc.err)
			}
			if r.HTTPStatus == 0 {
				t.Errorf("HTTPStatus not recorded")
			}
			if tc.name == "mismatch" && (r.IssuerMatches || r.DiscoveredIssuer != "https://idp.example" || !strings.Contains(r.Err, s.URL)) {
				t.Errorf("mismatch: %+v", r)
			}
		})
	}
}

func TestProbeConfigProblems(t *testing.T) {
	res := Probe(context.Background(), nil, []config.Region{
		{Name: "empty"},
		{Name: "bad", Issuer: "::not a url"},
		{Name: "nohost", Issuer: "https://"},
		{Name: "ftp", Issuer: "ftp://127.0.0.1"},
	}, Options{})
	want := []string{"no issuer configured", "bad issuer URL", "bad issuer URL", "bad issuer URL"}
	for i, r := range res {
		if r.Status != StatusDown || r.Err != want[i] {
			t.Errorf("%s: %s %q, want down %q", r.Region, r.Status, r.Err, want[i])
		}
	}
}

// TestReasons covers failures the loopback servers cannot produce (the tests
// make no DNS lookups and contact nothing but 127.0.0.1).
func TestReasons(t *testing.T) {
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "https://idp-eu.himsa-sso.com/x", Err: err} }
	opErr := func(op string, err error) error { return urlErr(&net.OpError{Op: op, Net: "tcp", Err: err}) }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{urlErr(&net.DNSError{Err: "no such host", Name: "idp-xx.himsa-sso.com", IsNotFound: true}), "no such host"},
		{urlErr(&net.DNSError{Err: "i/o timeout", Name: "idp-xx.himsa-sso.com", IsTimeout: true}), "DNS timed out"},
		{urlErr(&net.DNSError{Err: "server misbehaving", Name: "x"}), "DNS: server misbehaving"},
		{opErr("dial", os.NewSyscallError("connect", syscall.ECONNREFUSED)), "connection refused"},
		{opErr("read", os.NewSyscallError("read", syscall.ECONNRESET)), "connection reset"},
		{opErr("dial", os.NewSyscallError("connect", syscall.EHOSTUNREACH)), "host unreachable"},
		{opErr("proxyconnect", os.NewSyscallError("connect", syscall.ECONNREFUSED)), "proxy: connection refused"},
		{urlErr(io.EOF), "connection closed by the server"},
		{urlErr(tls.AlertError(40)), "TLS: handshake failure"},
		{urlErr(errors.New("something odd\nhappened")), "something odd happened"},
		{urlErr(errors.New(strings.Repeat("long ", 50))), strings.Repeat("long ", 23) + "long…"},
	} {
		if got := reason(tc.err, context.Background(), context.Background(), time.Second, 0); got != tc.want {
			t.Errorf("reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestProbeCanceled(t *testing.T) {
	s := newGatedIDP(t) // answers only after the test ends
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-s.arrived; cancel() }() // cancelled while the IdP holds the request
	res := Probe(ctx, nil, []config.Region{s.region("eu")}, Options{})
	if res[0].Status != StatusDown || res[0].Err != "canceled" {
		t.Errorf("canceled probe: %+v", res[0])
	}
}

func TestProbeNeverPanics(t *testing.T) {
	client := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { panic("boom") })}
	res := Probe(context.Background(), client, []config.Region{{Name: "eu", Issuer: "https://idp-eu.himsa-sso.com"}}, Options{})
	if res[0].Status != StatusDown || !strings.Contains(res[0].Err, "boom") {
		t.Errorf("panicking transport: %+v", res[0])
	}
	if got := Probe(context.Background(), nil, nil, Options{}); len(got) != 0 {
		t.Errorf("no regions: %v", got)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestProbeOrderAndConcurrency(t *testing.T) {
	// Six regions answering after 400ms down to 150ms (the first is the
	// slowest): results keep the input order whatever order answers come in.
	var regions []config.Region
	for i := range 6 {
		s := newIDP(t, false, time.Duration(6-i)*50*time.Millisecond+100*time.Millisecond, nil)
		regions = append(regions, s.region(fmt.Sprintf("r%d", i)))
	}
	start := time.Now()
	res := Probe(context.Background(), nil, regions, Options{})
	took := time.Since(start)
	for i, r := range res {
		if r.Region != regions[i].Name || r.Status != StatusOK {
			t.Errorf("result %d: %s %s %q", i, r.Region, r.Status, r.Err)
		}
	}
	t.Logf("six regions of 150–400ms took %v", took)
}

// writeCA writes srv's certificate as a PEM CA file.
func writeCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProbeHTTPS(t *testing.T) {
	s := newIDP(t, true, 0, nil)

	t.Run("server client", func(t *testing.T) {
		r := one(t, s.Client(), s.region("eu"), Options{})
		if r.Status != StatusOK || r.TLSVersion != "TLS 1.3" || !r.CertExpiry.Equal(s.Certificate().NotAfter) {
			t.Errorf("https region: %+v (cert expiry want %v)", r, s.Certificate().NotAfter)
		}
	})

	t.Run("ssodesk transport with CA file", func(t *testing.T) {
		c, err := transport.NewClient(transport.Options{CAFile: writeCA(t, s.Server)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		r := one(t, c, s.region("eu"), Options{})
		if r.Status != StatusOK || r.TLSVersion != "TLS 1.3" || r.CertExpiry.IsZero() {
			t.Errorf("https region via transport: %+v", r)
		}
	})

	t.Run("TLS 1.2 server", func(t *testing.T) {
		s12 := httptest.NewUnstartedServer(s.Config.Handler)
		s12.TLS = &tls.Config{MaxVersion: tls.VersionTLS12}
		s12.StartTLS()
		defer s12.Close()
		r := one(t, s12.Client(), config.Region{Name: "us", Issuer: s12.URL}, Options{})
		if r.Status != StatusOK || r.TLSVersion != "TLS 1.2" {
			t.Errorf("TLS 1.2 region: %+v", r)
		}
	})

	t.Run("untrusted certificate", func(t *testing.T) {
		c, _ := transport.NewClient(transport.Options{})
		r := one(t, c, s.region("eu"), Options{})
		if r.Status != StatusDown || r.Err != "TLS: certificate not trusted: certificate signed by unknown authority" {
			t.Errorf("untrusted: %+v", r)
		}
		r = one(t, &http.Client{}, s.region("eu"), Options{}) // a plain client, no transport error types
		if r.Status != StatusDown || r.Err != "TLS: certificate not trusted: certificate signed by unknown authority" {
			t.Errorf("untrusted, plain client: %+v", r)
		}
	})

	t.Run("TLS 1.1 server refused", func(t *testing.T) {
		s11 := httptest.NewUnstartedServer(s.Config.Handler)
		s11.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
		s11.Config.ErrorLog = log.New(io.Discard, "", 0)
		s11.StartTLS()
		defer s11.Close()
		c, _ := transport.NewClient(transport.Options{CAFile: writeCA(t, s11)})
		r := one(t, c, config.Region{Name: "qa", Issuer: s11.URL}, Options{})
		if r.Status != StatusDown || r.Err != "TLS: the server does not offer TLS 1.2 or higher" {
			t.Errorf("TLS 1.1 region: %+v", r)
		}
	})

	t.Run("plain HTTP on an https issuer", func(t *testing.T) {
		plain := newIDP(t, false, 0, nil)
		r := one(t, nil, config.Region{Name: "qa", Issuer: strings.Replace(plain.URL, "http://", "https://", 1)}, Options{})
		if r.Status != StatusDown || !strings.HasPrefix(r.Err, "TLS: ") {
			t.Errorf("plain server on https: %+v", r)
		}
	})
}

// A long list of regions is probed a few at a time, in its order, and every
// region still gets its result. The first requests are held at the IdP until
// the limit's worth of them is in flight, so the limit is reached whatever
// the scheduler does; a prober that stopped short of it would hold them
// until the probe timeout (a minute) and fail.
func TestProbeBoundsRegionsInFlight(t *testing.T) {
	var inFlight, most atomic.Int64
	var mu sync.Mutex
	var order []string
	var full chan struct{} // closed when the limit's worth of requests is in flight
	var want int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/.well-known/openid-configuration")
		mu.Lock()
		order = append(order, name)
		if int64(len(order)) == want {
			close(full)
		}
		ch := full
		mu.Unlock()
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
		_, body := discovery(self(r) + "/" + name)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	regions := make([]config.Region, 40)
	for i := range regions {
		regions[i] = config.Region{Name: fmt.Sprintf("r%02d", i), Issuer: fmt.Sprintf("%s/r%02d", srv.URL, i)}
	}
	for _, c := range []struct{ limit, want int }{{4, 4}, {0, DefaultConcurrency}} {
		most.Store(0)
		mu.Lock()
		order, full, want = nil, make(chan struct{}), int64(c.want)
		mu.Unlock()
		res := Probe(context.Background(), srv.Client(), regions, Options{Concurrency: c.limit, Timeout: time.Minute})
		for i, r := range res {
			if r.Region != regions[i].Name || r.Status != StatusOK {
				t.Fatalf("limit %d: result %d = %s %s %s", c.limit, i, r.Region, r.Status, r.Err)
			}
		}
		if m := most.Load(); m != int64(c.want) {
			t.Errorf("limit %d: %d probes in flight at once, want %d", c.limit, m, c.want)
		}
		for _, name := range order[:c.want] { // the first ones started are the first regions
			if i, _ := strconv.Atoi(name[1:]); i >= c.want {
				t.Errorf("limit %d: probed in the order %v", c.limit, order)
				break
			}
		}
	}
}
