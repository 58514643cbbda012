package sampleapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"ssodesk/sim"
)

// Client IDs and the web app's secret, as registered with the stand-in.
const (
	SPAClientID = "himsa-sample-spa"
	WebClientID = "himsa-sample-web"
	webSecret   = "sample-web-secret"
)

// Options configures [Start].
type Options struct {
	// Sim is the stand-in to start; Start appends the sample apps to its
	// Apps. Set Sim.ProductionErrorPage for HIMSA's production error page
	// and Sim.Hooks for request counts and the test hooks.
	Sim sim.Options
	// BasePort fixes the apps' ports (so recorded URLs are stable): the SPA
	// listens on BasePort, the Foreign origin on BasePort+1 and the web app
	// on BasePort+2. 0 picks free ports.
	BasePort int
}

// Apps are the running sample apps and the stand-in they log in at.
type Apps struct {
	Sim *sim.Sim
	// SPA is the single-page app's base URL, http://127.0.0.1:PORT, an
	// allowed CORS origin of the SPA client.
	SPA string
	// Foreign serves the same SPA at another origin: its redirect URIs are
	// registered, its origin is not an allowed CORS origin.
	Foreign string
	// Web is the server-side web app's base URL.
	Web string
	// SPAClientID is the SPA's client (public, PKCE S256).
	SPAClientID string
	// WebClientID is the web app's client (confidential: secret and PKCE;
	// it exchanges the code on the server).
	WebClientID string

	servers   []*http.Server
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Start listens on three loopback ports (so the apps' URLs are known;
// Options.BasePort fixes them), starts
// the stand-in with the SPA and web clients registered, then serves the
// apps. Everything shuts down on Close or when ctx ends.
func Start(ctx context.Context, o Options) (*Apps, error) {
	var ls []net.Listener
	if o.BasePort < 0 || o.BasePort > 65535-2 {
		return nil, fmt.Errorf("sampleapp: BasePort %d is not a port", o.BasePort)
	}
	for i := range 3 {
		addr := "127.0.0.1:0"
		if o.BasePort > 0 {
			addr = fmt.Sprintf("127.0.0.1:%d", o.BasePort+i)
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range ls {
				_ = l.Close()
			}
			return nil, fmt.Errorf("sampleapp: listening: %w", err)
		}
		ls = append(ls, l)
	}
	base := func(l net.Listener) string { return "http://" + l.Addr().String() }
	a := &Apps{SPA: base(ls[0]), Foreign: base(ls[1]), Web: base(ls[2]), SPAClientID: SPAClientID, WebClientID: WebClientID}
	so := o.Sim
	so.Apps = append(append([]sim.App(nil), so.Apps...), a.registrations()...)
	s, err := sim.Start(ctx, so)
	if err != nil {
		for _, l := range ls {
			_ = l.Close()
		}
		return nil, err
	}
	a.Sim = s
	spa := newSPA(a)
	a.serve(ls[0], spa)
	a.serve(ls[1], spa)
	a.serve(ls[2], newWebApp(a))
	go func() {
		<-ctx.Done()
		_ = a.Close()
	}()
	return a, nil
}

// registrations are the stand-in's registrations of the two apps.
func (a *Apps) registrations() []sim.App {
	return []sim.App{{
		ClientID:               SPAClientID,
		RedirectURIs:           []string{a.SPA + "/callback", a.SPA + "/silent", a.Foreign + "/callback", a.Foreign + "/silent"},
		PostLogoutRedirectURIs: []string{a.SPA + "/", a.Foreign + "/"},
		AllowedCorsOrigins:     []string{a.SPA},
	}, {
		ClientID:               WebClientID,
		Secret:                 webSecret,
		RedirectURIs:           []string{a.Web + "/signin-oidc"},
		PostLogoutRedirectURIs: []string{a.Web + "/"},
	}}
}

// serve runs an HTTP server on l until Close.
func (a *Apps) serve(l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	a.servers = append(a.servers, srv)
	a.wg.Go(func() { _ = srv.Serve(l) })
}

// Close stops the apps and the stand-in. It is safe to call more than once.
func (a *Apps) Close() error {
	a.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var errs []error
		for _, srv := range a.servers {
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, err, srv.Close())
			}
		}
		a.wg.Wait()
		errs = append(errs, a.Sim.Close())
		a.closeErr = errors.Join(errs...)
	})
	return a.closeErr
}
