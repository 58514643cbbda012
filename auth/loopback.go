package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"ssodesk/safe"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"ssodesk/check"
	"ssodesk/config"
)

// loopback is the one-shot HTTP listener the IdP redirects the browser to.
type loopback struct {
	ln       net.Listener
	extra    []net.Listener // [::1] beside 127.0.0.1 for a "localhost" redirect
	srv      *http.Server
	redirect *url.URL // the redirect URI sent to the IdP, with the real port
	state    string
	warn     func(msg string)
	iss      issCheck
	// seen is told of every response that carried the right state (the
	// trace records it); nil: nobody is.
	seen func(q url.Values, err error)

	pasteOnly bool // another app's redirect URI: no listener, only deliver (pasteBack)

	once      sync.Once
	done      chan struct{}
	code      string
	err       error
	issResult check.Row // the response issuer check of the response that ended the login
}

// listenLoopback binds the redirect URI's host:port, on loopback only. A
// "localhost" redirect listens on 127.0.0.1 and on [::1] at the same port
// and keeps the name "localhost" in the URI (it must match what HIMSA
// whitelisted): a browser may resolve localhost to either, and a port left
// free on one family could be taken by another local user, who would then
// receive the code (RFC 8252 §8.3). Port 0 picks a port free on both.
//
// opts set the listener's checks (iss, seen) before it serves: a request
// may arrive at once (a stale browser tab), and must meet them whole.
func listenLoopback(redirectURI, state string, warn func(string), opts ...func(*loopback)) (*loopback, error) {
	u, err := config.ParseRedirectURI(redirectURI)
	if err != nil {
		return nil, fmt.Errorf("redirect_uri: %w", err)
	}
	lns, err := listenHost(u.Hostname(), u.Port())
	if err != nil {
		return nil, err
	}
	port := lns[0].Addr().(*net.TCPAddr).Port
	redirect := *u
	redirect.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	l := &loopback{ln: lns[0], extra: lns[1:], redirect: &redirect, state: state, warn: warn, done: make(chan struct{})}
	for _, o := range opts {
		o(l)
	}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go func() { _ = l.srv.Serve(ln) }() // returns ErrServerClosed on close
	}
	return l, nil
}

// listenHost binds host:port; for "localhost", both loopback families at
// one port (the IPv6 one is skipped only where the system has no IPv6
// loopback, so nobody else can bind it either).
func listenHost(host, port string) ([]net.Listener, error) {
	if host != "localhost" {
		ln, err := listenAt(net.JoinHostPort(host, port))
		if err != nil {
			return nil, err
		}
		return []net.Listener{ln}, nil
	}
	for attempt := 0; ; attempt++ {
		v4, err := listenAt(net.JoinHostPort("127.0.0.1", port))
		if err != nil {
			return nil, err
		}
		p := strconv.Itoa(v4.Addr().(*net.TCPAddr).Port)
		v6, err := listenAt(net.JoinHostPort("::1", p))
		switch {
		case err == nil:
			return []net.Listener{v4, v6}, nil
		case noIPv6(err):
			return []net.Listener{v4}, nil
		}
		v4.Close()
		var pe *PortInUseError
		if port != "0" || !errors.As(err, &pe) || attempt >= 20 {
			return nil, err // a fixed port taken on [::1]: somebody could receive the code there
		}
	}
}

// noIPv6: the system has no IPv6 loopback to bind.
func noIPv6(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) ||
		errors.Is(err, syscall.EPROTONOSUPPORT)
}

func listenAt(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortInUseError{Addr: addr, Err: err}
		}
		return nil, fmt.Errorf("cannot listen on %s for the login redirect: %w", addr, err)
	}
	return ln, nil
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
	iss, err := l.iss.check(q)
	switch {
	case err != nil:
	case q.Get("error") != "":
		err = &CallbackError{Code: safe.Printable(q.Get("error")), Description: safe.Printable(q.Get("error_description"))}
	case q.Get("code") == "":
		err = errors.New("the IdP redirected back without a code or an error")
	default:
		code = q.Get("code")
	}
	finished := false
	l.once.Do(func() {
		l.code, l.err, l.issResult, finished = code, err, iss, true
		if l.seen != nil { // recorded before the login goes on: the trace has the callback before the exchange
			l.seen(q, err)
		}
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

// pasteBack is the receiver of a login whose redirect URI is another
// app's (not a loopback ssodesk can listen on: a web app's
// https://…/signin-oidc, a custom scheme): nothing listens; the IdP sends
// the browser to the app, and the user pastes the address-bar URL (deliver).
func pasteBack(redirectURI, state string, warn func(string), opts ...func(*loopback)) (*loopback, error) {
	u, err := config.ParseAppRedirectURI(redirectURI)
	if err != nil {
		return nil, fmt.Errorf("redirect_uri: %w", err)
	}
	l := &loopback{redirect: u, state: state, warn: warn, done: make(chan struct{}), pasteOnly: true}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

// deliver takes a redirect URL the user pasted (when the browser could not
// reach this machine's loopback, e.g. over SSH, or went to another app's
// redirect URI) as if it had arrived. Of another app's URI the scheme, host
// and path must match; of a loopback one the path.
func (l *loopback) deliver(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.RawQuery == "" {
		return fmt.Errorf("that is not the redirect URL (expected %s?code=…&state=…)", l.redirect)
	}
	if l.pasteOnly && (!strings.EqualFold(u.Scheme, l.redirect.Scheme) || !strings.EqualFold(u.Host, l.redirect.Host)) {
		return fmt.Errorf("that URL is not at the redirect URI %s (it is at %s://%s)", l.redirect, safe.Printable(u.Scheme), safe.Printable(u.Host))
	}
	if u.Path != l.redirect.Path {
		return fmt.Errorf("that URL's path %q is not the redirect path %q", safe.Printable(u.Path), l.redirect.Path)
	}
	if status, p := l.handle(u.Query()); status != http.StatusOK {
		return errors.New(p.Body)
	}
	return nil
}

// wait blocks until the redirect arrives, ctx ends or timeout passes.
func (l *loopback) wait(ctx context.Context, timeout time.Duration) (string, error) {
	expired := make(chan struct{})
	t := afterFunc(timeout, func() { close(expired) })
	defer t.Stop()
	select {
	case <-l.done:
		return l.code, l.err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-expired:
		return "", &TimeoutError{After: timeout.String()}
	}
}

// close shuts the listener down, letting a page in flight finish first.
func (l *loopback) close() {
	if l.pasteOnly {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		_ = l.srv.Close()
	}
	_ = l.ln.Close() // Serve may not have taken the listener yet; free the port now
	for _, ln := range l.extra {
		_ = ln.Close()
	}
}

// issCheck is RFC 9207's mix-up defence: the redirect URI is shared by every
// endpoint, so the authorization response must say which issuer sent it.
type issCheck struct {
	allowed  []string // the issuers that may answer this login's authorize request
	required bool     // discovery promises iss (authorization_response_iss_parameter_supported)
}

// check compares the response's iss with the allowed issuers: a line for
// the verification report, and an error that ends the login.
func (c issCheck) check(q url.Values) (check.Row, error) {
	const name = "response issuer"
	iss := q.Get("iss")
	switch {
	case q.Has("iss") && slices.Contains(c.allowed, iss):
		return check.Row{Name: name, Status: check.Pass, Detail: "the authorization response came from " + iss + " (RFC 9207)"}, nil
	case q.Has("iss"), c.required:
		err := &MixUpError{Got: safe.Printable(iss), Allowed: c.allowed, Missing: !q.Has("iss")}
		return check.Row{Name: name, Status: check.Fail, Detail: err.Error()}, err
	}
	return check.Row{Name: name, Status: check.Skip, Detail: "the IdP does not send iss with its authorization response (RFC 9207), so a mix-up with another IdP cannot be ruled out"}, nil
}

// MixUpError: the authorization response came from another issuer than the
// one the login was sent to, or lacked the iss the IdP promised (RFC 9207,
// RFC 9700 §4.4). The code is not exchanged.
type MixUpError struct {
	Got     string   // the response's iss ("" when Missing)
	Allowed []string // what it may be
	Missing bool
}

func (e *MixUpError) Error() string {
	if e.Missing {
		return fmt.Sprintf("the authorization response carries no iss although the IdP promises one (authorization_response_iss_parameter_supported): "+
			"it may come from another IdP (a mix-up attack, RFC 9207); the code was not exchanged. Expected iss: %s", strings.Join(e.Allowed, " or "))
	}
	return fmt.Sprintf("the authorization response came from %s, not from %s: a mix-up of IdPs (RFC 9207); the code was not exchanged",
		e.Got, strings.Join(e.Allowed, " or "))
}
