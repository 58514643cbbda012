//go:build linux && amd64

package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"ssodesk/sim"
)

// runStandIn runs production's stand-in (global, eu, us, au) over TLS with
// the proxy's certificate (sim.Hooks.TLS, as the tests do), so its issuers
// are https://127.0.0.1:P — inside the proxy's network namespace, where P
// is the port the proxy listens on outside it. It prints the issuers, then
// "ready", and runs until interrupted.
func runStandIn(base int, certDir, exchange string) error {
	if base == 0 || certDir == "" {
		return errors.New("-standin needs -port-base and -cert")
	}
	cert, _, err := loadCerts(certDir)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := sim.Start(ctx, sim.Options{
		Regions:              []string{sim.GlobalRegion, "eu", "us", "au"},
		BasePort:             base,
		GlobalExchangeIssuer: exchange,
		Hooks:                &sim.Hooks{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}},
	})
	if err != nil {
		return err
	}
	defer s.Close()
	for _, r := range s.Regions() {
		fmt.Println(r.Name, r.Issuer, r.API)
	}
	fmt.Println("ready")
	<-ctx.Done()
	return nil
}
