//go:build linux && amd64

// Command latencyproxy puts a long, TLS-protected link between the clients
// of bench/run.sh's lat-* measures and the stand-in IdP (issue 26): each
// direction is delayed by half the round trip, a new connection pays one
// extra round trip before its first byte (the TCP handshake), and TLS is
// spoken toward the client, so each new connection also pays its TLS
// handshake over the delayed link. It logs every connection and request
// (time, connection, protocol, method, path) for a login's timeline.
//
// The issuers must name the proxy (the ID token's iss is signed; nothing may
// be rewritten), so the stand-in runs in a network namespace of its own on
// the same 127.0.0.1 ports as the proxy listens on outside it, over TLS with
// the same certificate (sim.Hooks.TLS: its issuers are https://127.0.0.1:P):
//
//	latencyproxy -gencert DIR                       # DIR/ca.pem, cert.pem, key.pem
//	ip netns add lat && ip netns exec lat ip link set lo up
//	ip netns exec lat latencyproxy -standin -port-base 7400 -cert DIR [-global-exchange-issuer regional]
//	latencyproxy -netns lat -ports 7400-7407 -cert DIR -rtt 150ms -log timeline.log
//	SSL_CERT_FILE=DIR/ca.pem ssodesk login …        # clients trust DIR/ca.pem
//
// The proxy terminates the client's TLS (its certificate, for 127.0.0.1,
// is signed by DIR/ca.pem; h2 and http/1.1 are offered, as a modern IdP
// does; -h1 offers http/1.1 only) and forwards each request unchanged
// (Host, headers, body; no redirect followed, no compression added) over
// TLS to the same address inside the namespace, on pooled connections that
// are not delayed: only the client's side of the proxy is the long link.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	rtt := flag.Duration("rtt", 150*time.Millisecond, "round-trip time of the link toward the client")
	netns := flag.String("netns", "", "network namespace (ip netns) the stand-in listens in; required for the proxy")
	ports := flag.String("ports", "", "ports to listen on, forwarded to the same port in -netns: FIRST-LAST or a comma list")
	certDir := flag.String("cert", "", "directory with ca.pem, cert.pem and key.pem (made by -gencert)")
	logFile := flag.String("log", "", "append the timeline of connections and requests to this file")
	h1 := flag.Bool("h1", false, "offer http/1.1 only (default: h2 and http/1.1)")
	genCert := flag.String("gencert", "", "write a new CA and a certificate for 127.0.0.1 to this directory and exit")
	standin := flag.Bool("standin", false, "run the stand-in IdP over TLS instead (run it inside -netns with ip netns exec)")
	portBase := flag.Int("port-base", 0, "with -standin: the first port (IdP and API of global, eu, us, au on consecutive ports)")
	exchange := flag.String("global-exchange-issuer", "global", "with -standin: global or regional")
	flag.Parse()
	var err error
	switch {
	case *genCert != "":
		err = writeCerts(*genCert)
	case *standin:
		err = runStandIn(*portBase, *certDir, *exchange)
	default:
		err = runProxy(*rtt, *netns, *ports, *certDir, *logFile, *h1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "latencyproxy:", err)
		os.Exit(1)
	}
}

func parsePorts(s string) ([]int, error) {
	var out []int
	if a, b, ok := strings.Cut(s, "-"); ok {
		lo, err1 := strconv.Atoi(a)
		hi, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || lo > hi {
			return nil, fmt.Errorf("bad -ports %q", s)
		}
		for p := lo; p <= hi; p++ {
			out = append(out, p)
		}
		return out, nil
	}
	for f := range strings.SplitSeq(s, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("bad -ports %q", s)
		}
		out = append(out, p)
	}
	return out, nil
}

// timeline writes one line per event: unix time in ms (3 decimals), the
// event and its fields.
type timeline struct {
	mu sync.Mutex
	f  *os.File
}

func (t *timeline) log(format string, args ...any) {
	if t == nil || t.f == nil {
		return
	}
	now := float64(time.Now().UnixMicro()) / 1000
	line := fmt.Sprintf("%.3f "+format+"\n", append([]any{now}, args...)...)
	t.mu.Lock()
	_, _ = t.f.WriteString(line)
	t.mu.Unlock()
}

type connKey struct{}

func runProxy(rtt time.Duration, netns, portList, certDir, logFile string, h1 bool) error {
	if netns == "" || portList == "" || certDir == "" {
		return errors.New("-netns, -ports and -cert are required (or -gencert, -standin)")
	}
	ports, err := parsePorts(portList)
	if err != nil {
		return err
	}
	cert, pool, err := loadCerts(certDir)
	if err != nil {
		return err
	}
	dial, err := netnsDialer(netns)
	if err != nil {
		return err
	}
	tl := &timeline{}
	if logFile != "" {
		if tl.f, err = os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
			return err
		}
	}
	tl.log("proxy start rtt=%s ports=%s", rtt, portList)
	upstream := &http.Transport{
		DialContext:         dial,
		TLSClientConfig:     &tls.Config{RootCAs: pool},
		DisableCompression:  true, // forward the client's Accept-Encoding as it is
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     time.Minute,
	}
	next := make(chan int64, 1)
	next <- 0
	srvTLS := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	if h1 {
		srvTLS.NextProtos = []string{"http/1.1"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var ids atomic.Int64
	var servers []*http.Server
	for _, port := range ports {
		addr := "127.0.0.1:" + strconv.Itoa(port)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		rp := &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.Out.URL.Scheme, pr.Out.URL.Host = "https", addr
				pr.Out.Host = pr.In.Host
			},
			Transport: upstream,
			ErrorLog:  log.New(os.Stderr, "latencyproxy: ", 0),
		}
		srv := &http.Server{
			ReadHeaderTimeout: 30 * time.Second,
			ErrorLog:          log.New(os.Stderr, "latencyproxy: ", 0),
			ConnContext: func(ctx context.Context, c net.Conn) context.Context {
				if tc, ok := c.(*tls.Conn); ok {
					if dc, ok := tc.NetConn().(*delayConn); ok {
						return context.WithValue(ctx, connKey{}, dc)
					}
				}
				return ctx
			},
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				dc, _ := r.Context().Value(connKey{}).(*delayConn)
				var id int64
				first := false
				if dc != nil {
					id = dc.id
					first = dc.requests.Add(1) == 1
				}
				extra := ""
				if first && r.TLS != nil {
					extra = fmt.Sprintf(" first tls-resumed=%t", r.TLS.DidResume)
				}
				ua, _, _ := strings.Cut(r.UserAgent(), " ")
				tl.log("req conn=%d port=%d %s %s %s ua=%s%s", id, port, r.Proto, r.Method, r.URL.Path, ua, extra)
				sw := &statusWriter{ResponseWriter: w}
				rp.ServeHTTP(sw, r)
				tl.log("resp conn=%d port=%d %s %s status=%d", id, port, r.Method, r.URL.Path, sw.code)
			}),
		}
		servers = append(servers, srv)
		dl := &delayListener{Listener: ln, rtt: rtt, ids: &ids, tl: tl, port: port}
		go func() { _ = srv.Serve(tls.NewListener(dl, srvTLS)) }()
	}
	fmt.Println("ready")
	<-ctx.Done()
	for _, s := range servers {
		_ = s.Close()
	}
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// loadCerts reads the proxy's certificate and the CA that signed it.
func loadCerts(dir string) (tls.Certificate, *x509.CertPool, error) {
	cert, err := tls.LoadX509KeyPair(dir+"/cert.pem", dir+"/key.pem")
	if err != nil {
		return cert, nil, err
	}
	ca, err := os.ReadFile(dir + "/ca.pem")
	if err != nil {
		return cert, nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return cert, nil, errors.New(dir + "/ca.pem holds no certificate")
	}
	return cert, pool, nil
}
