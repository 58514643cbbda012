// Command bigapi serves one large JSON document on 127.0.0.1, for
// bench/run.sh's `call` and console measures: a 5 MB API response.
//
//	go run ./bench/bigapi -size 5242880
//
// GET /big answers 200 with Content-Type application/json and a body of at
// least -size bytes: {"items": [...]} with one object per user (id, name,
// e-mail, tags, active, score, a nested address), the same bytes every time.
// Any other path is 404. It accepts any Authorization header (the token is
// not checked: this stands in for the API, not for its security). Once it
// listens it prints its base URL and then "ready" on stdout, and serves
// until it is interrupted or (with -stdin) its standard input is closed.
// With -write FILE it writes the body to FILE and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"ssodesk/bench/jsonbody"
)

func main() {
	size := flag.Int("size", 5<<20, "body size in bytes (at least)")
	watchStdin := flag.Bool("stdin", false, "also stop when standard input is closed")
	write := flag.String("write", "", "write the body to this file and exit")
	flag.Parse()
	data := jsonbody.Make(*size)
	if *write != "" {
		if err := os.WriteFile(*write, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bigapi:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigapi:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	fmt.Printf("http://%s\nready\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "bigapi:", err)
		os.Exit(1)
	}
}
