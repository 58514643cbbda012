package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"ssodesk/config"
	"ssodesk/explain"
)

// loopback is the one-shot HTTP listener the IdP redirects the browser to.
type loopback struct {
	ln       net.Listener
	srv      *http.Server
	redirect *url.URL // the redirect URI sent to the IdP, with the real port
	state    string
	warn     func(msg string)

	once sync.Once
	done chan struct{}
	code string
	err  error
}

// listenLoopback binds the redirect URI's host:port, on loopback only. A
// "localhost" redirect listens on 127.0.0.1 and keeps the name "localhost" in
// the URI (it must match what HIMSA whitelisted). Port 0 picks a free port.
func listenLoopback(redirectURI, state string, warn func(string)) (*loopback, error) {
	u, err := config.ParseRedirectURI(redirectURI)
	if err != nil {
		return nil, fmt.Errorf("redirect_uri: %w", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		host = "127.0.0.1"
	}
	addr := net.JoinHostPort(host, u.Port())
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortInUseError{Addr: addr, Err: err}
		}
		return nil, fmt.Errorf("cannot listen on %s for the login redirect: %w", addr, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	redirect := *u
	redirect.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	l := &loopback{ln: ln, redirect: &redirect, state: state, warn: warn, done: make(chan struct{})}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = l.srv.Serve(ln) }() // returns ErrServerClosed on close
	return l, nil
}

// ServeHTTP handles the redirect. Only a GET on the redirect path, with a
// loopback Host and the right state, can end the login; anything else is
// answered and ignored so it cannot disturb the login in flight.
func (l *loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != l.redirect.Path {
		http.NotFound(w, r) // favicon.ico and friends
		return
	}
	if h, p, _ := net.SplitHostPort(r.Host); !config.IsLoopbackHost(h) || p != l.redirect.Port() {
		// A foreign Host is a DNS-rebinding attempt or a misrouted request.
		l.warn(fmt.Sprintf("ignored a request to the redirect URI with foreign Host %q", r.Host))
		writePage(w, http.StatusBadRequest, errorPage("Unexpected Host header; this request was ignored."))
		return
	}
	if r.Method != http.MethodGet {
		writePage(w, http.StatusMethodNotAllowed, errorPage("Only GET is accepted here."))
		return
	}
	status, p := l.handle(r.URL.Query())
	writePage(w, status, p)
}

// handle decides what a redirect's query means for the login: only the
// right state can end it, and only once. It returns the page to show.
func (l *loopback) handle(q url.Values) (int, page) {
	select {
	case <-l.done:
		return http.StatusOK, alreadyDonePage
	default:
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.state)) != 1 {
		// Possibly a stale tab of an earlier login, or a forged request (CSRF):
		// refuse it and keep waiting for the real one.
		l.warn("ignored a login response with a wrong state (a stale browser tab or a forged request); still waiting")
		return http.StatusBadRequest, errorPage("The response's state does not match this login (a stale tab of an earlier login?). It was ignored; use the newest login tab.")
	}
	var code string
	var err error
	switch {
	case q.Get("error") != "":
		err = &CallbackError{Code: explain.Printable(q.Get("error")), Description: explain.Printable(q.Get("error_description"))}
	case q.Get("code") == "":
		err = errors.New("the IdP redirected back without a code or an error")
	default:
		code = q.Get("code")
	}
	finished := false
	l.once.Do(func() {
		l.code, l.err, finished = code, err, true
		close(l.done)
	})
	switch {
	case !finished:
		return http.StatusOK, alreadyDonePage
	case errors.Is(err, ErrCancelled):
		return http.StatusOK, errorPage("You cancelled the login at the IdP.")
	case err != nil:
		return http.StatusOK, errorPage(err.Error())
	}
	return http.StatusOK, successPage
}

// deliver takes a redirect URL the user pasted (when the browser could not
// reach this machine's loopback, e.g. over SSH) as if it had arrived.
func (l *loopback) deliver(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.RawQuery == "" {
		return fmt.Errorf("that is not the redirect URL (expected %s?code=…&state=…)", l.redirect)
	}
	if u.Path != l.redirect.Path {
		return fmt.Errorf("that URL's path %q is not the redirect path %q", u.Path, l.redirect.Path)
	}
	if status, p := l.handle(u.Query()); status != http.StatusOK {
		return errors.New(p.Body)
	}
	return nil
}

// wait blocks until the redirect arrives, ctx ends or timeout passes.
func (l *loopback) wait(ctx context.Context, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-l.done:
		return l.code, l.err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C:
		return "", &TimeoutError{After: timeout.String()}
	}
}

// close shuts the listener down, letting a page in flight finish first.
func (l *loopback) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		_ = l.srv.Close()
	}
	_ = l.ln.Close() // Serve may not have taken the listener yet; free the port now
}
