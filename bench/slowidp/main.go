// Command slowidp serves OpenID Connect discovery documents that answer
// only after a delay, on -n consecutive or random 127.0.0.1 ports, for
// bench/run.sh's `ssodesk regions` benchmark: six regions that each take
// ~200 ms should be probed in about the time of one.
//
//	go run ./bench/slowidp -n 6 -delay 200ms
//
// Each server answers GET /.well-known/openid-configuration with a document
// whose "issuer" is its own URL (so ssodesk reports it as ok, not as a
// mismatch) after -delay, and 404 to anything else. Once all listen it
// prints their issuer URLs, one a line, then "ready", and serves until it
// is interrupted (SIGINT, SIGTERM) or its standard input is closed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 6, "number of issuers")
	delay := flag.Duration("delay", 200*time.Millisecond, "delay before each discovery answer")
	base := flag.Int("port-base", 0, "first port (the others follow); 0 = random free ports")
	watchStdin := flag.Bool("stdin", false, "also stop when standard input is closed")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	}
	var servers []*http.Server
	for i := range *n {
		port := 0
		if *base != 0 {
			port = *base + i
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			fmt.Fprintln(os.Stderr, "slowidp:", err)
			os.Exit(1)
		}
		issuer := "http://" + ln.Addr().String()
		srv := &http.Server{Handler: discovery(issuer, *delay), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go func() { _ = srv.Serve(ln) }()
		fmt.Println(issuer)
	}
	fmt.Println("ready")
	<-ctx.Done()
	for _, s := range servers {
		_ = s.Close()
	}
}

func discovery(issuer string, delay time.Duration) http.Handler {
	doc, _ := json.Marshal(map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                issuer + "/authorize",
		"token_endpoint":                        issuer + "/oauth/token",
		"userinfo_endpoint":                     issuer + "/userinfo",
		"jwks_uri":                              issuer + "/keys",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
}
