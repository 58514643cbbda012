package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msgs = append(w.msgs, m); w.mu.Unlock() }
func (w *warnings) all() string  { w.mu.Lock(); defer w.mu.Unlock(); return strings.Join(w.msgs, "\n") }

func newLoopback(t *testing.T, redirect string) (*loopback, *warnings) {
	t.Helper()
	w := &warnings{}
	l, err := listenLoopback(redirect, "the-state", w.add)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.close)
	return l, w
}

func get(t *testing.T, rawURL, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLoopbackSuccessThenIgnoresTheRest(t *testing.T) {
	l, w := newLoopback(t, "http://127.0.0.1:0/callback")
	base := l.redirect.String()
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0/callback") {
		t.Fatalf("redirect = %s, want the real port", base)
	}
	// Noise first: favicon, foreign Host, wrong state. None may end the login.
	if code, _ := get(t, strings.Replace(base, "/callback", "/favicon.ico", 1), ""); code != 404 {
		t.Errorf("favicon: %d", code)
	}
	if code, body := get(t, base+"?code=eu.evil&state=the-state", "attacker.example:80"); code != 400 || !strings.Contains(body, "Unexpected Host") {
		t.Errorf("foreign host: %d %s", code, body)
	}
	if code, body := get(t, base+"?code=eu.stale&state=old-state", ""); code != 400 || !strings.Contains(body, "state does not match") {
		t.Errorf("wrong state: %d %s", code, body)
	}
	select {
	case <-l.done:
		t.Fatal("noise ended the login")
	default:
	}
	code, body := get(t, base+"?code=eu.good&state=the-state", "")
	if code != 200 || !strings.Contains(body, "Login complete") || !strings.Contains(body, "Return to the terminal") {
		t.Errorf("success page: %d %s", code, body)
	}
	if strings.Contains(body, "eu.good") {
		t.Error("success page shows the code")
	}
	got, err := l.wait(context.Background(), time.Second)
	if err != nil || got != "eu.good" {
		t.Fatalf("wait = %q, %v", got, err)
	}
	// A second callback after success is answered but changes nothing.
	if code, body := get(t, base+"?code=eu.second&state=the-state", ""); code != 200 || !strings.Contains(body, "already finished") {
		t.Errorf("second callback: %d %s", code, body)
	}
	if got, _ := l.wait(context.Background(), time.Second); got != "eu.good" {
		t.Errorf("result changed to %q", got)
	}
	ws := w.all()
	if !strings.Contains(ws, "foreign Host") || !strings.Contains(ws, "wrong state") {
		t.Errorf("warnings = %q", ws)
	}
}

func TestLoopbackAccessDenied(t *testing.T) {
	l, _ := newLoopback(t, "http://localhost:0/auth/cb")
	if !strings.HasPrefix(l.redirect.String(), "http://localhost:") {
		t.Fatalf("redirect %s must keep localhost (it must match the whitelisted URI)", l.redirect)
	}
	code, body := get(t, l.redirect.String()+"?error=access_denied&error_description=User+cancelled&state=the-state", "")
	if code != 200 || !strings.Contains(body, "You cancelled the login") {
		t.Errorf("page: %d %s", code, body)
	}
	_, err := l.wait(context.Background(), time.Second)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v, want ErrCancelled", err)
	}
	if !strings.Contains(err.Error(), "User cancelled") {
		t.Errorf("err %q lacks the IdP's description", err)
	}
}

func TestLoopbackOtherErrorAndMissingCode(t *testing.T) {
	l, _ := newLoopback(t, "http://127.0.0.1:0/cb")
	get(t, l.redirect.String()+"?error=invalid_scope&state=the-state", "")
	_, err := l.wait(context.Background(), time.Second)
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Code != "invalid_scope" || errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v", err)
	}
	l2, _ := newLoopback(t, "http://127.0.0.1:0/cb")
	get(t, l2.redirect.String()+"?state=the-state", "")
	if _, err := l2.wait(context.Background(), time.Second); err == nil || !strings.Contains(err.Error(), "without a code") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoopbackTimeoutAndCancel(t *testing.T) {
	l, _ := newLoopback(t, "http://127.0.0.1:0/cb")
	_, err := l.wait(context.Background(), 30*time.Millisecond)
	var te *TimeoutError
	if !errors.As(err, &te) || te.After != "30ms" || !strings.Contains(err.Error(), "within 30ms") {
		t.Fatalf("err = %v, want a TimeoutError after 30ms", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.wait(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoopbackPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = listenLoopback(fmt.Sprintf("http://127.0.0.1:%d/callback", port), "s", func(string) {})
	var pe *PortInUseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want PortInUseError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprint(port)) || !strings.Contains(msg, "redirect_uri") {
		t.Errorf("message %q must name the port and the config key", msg)
	}
}

func TestLoopbackFreesThePortOnClose(t *testing.T) {
	l, _ := newLoopback(t, "http://127.0.0.1:0/cb")
	addr := l.ln.Addr().String()
	l.close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port not freed: %v", err)
	}
	ln.Close()
}

func TestCallbackErrorTextIsMadePrintable(t *testing.T) {
	l, _ := newLoopback(t, "http://127.0.0.1:0/cb")
	get(t, l.redirect.String()+"?error=server_error&error_description=boom%1b%5b2J%07&state=the-state", "")
	_, err := l.wait(context.Background(), time.Second)
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), "boom\uFFFD[2J\uFFFD") {
		t.Fatalf("err = %q", err)
	}
}

// A "localhost" redirect listens on both loopback families at one port: a
// browser that resolves localhost to ::1 reaches ssodesk, and nobody else
// can take [::1]:PORT to receive the code (issue 22, item 18).
func TestLoopbackLocalhostListensOnBothFamilies(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		ln.Close()
	}
	l, _ := newLoopback(t, "http://localhost:0/callback")
	port := l.redirect.Port()
	if !strings.HasPrefix(l.redirect.String(), "http://localhost:") || port == "0" {
		t.Fatalf("redirect = %s, want localhost with the real port", l.redirect)
	}
	squat, err := net.Listen("tcp", net.JoinHostPort("::1", port))
	if err == nil {
		squat.Close()
		t.Fatalf("[::1]:%s was free while ssodesk waited for the redirect to localhost:%s", port, port)
	}
	code, body := get(t, "http://[::1]:"+port+"/callback?code=eu.v6&state=the-state", "localhost:"+port)
	if code != 200 || !strings.Contains(body, "Login complete") {
		t.Fatalf("the redirect over IPv6: %d %s", code, body)
	}
	if got, err := l.wait(context.Background(), time.Second); err != nil || got != "eu.v6" {
		t.Fatalf("wait = %q, %v", got, err)
	}
}

// A fixed localhost port that another program holds on [::1] is refused,
// naming that address: ssodesk must not wait while the other receives the
// code.
func TestLoopbackLocalhostPortSquattedOnIPv6(t *testing.T) {
	squat, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	defer squat.Close()
	port := squat.Addr().(*net.TCPAddr).Port
	l, err := listenLoopback(fmt.Sprintf("http://localhost:%d/callback", port), "s", func(string) {})
	if err == nil {
		l.close()
		t.Fatalf("listened on localhost:%d while [::1]:%d belongs to another program", port, port)
	}
	var pe *PortInUseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), fmt.Sprintf("[::1]:%d", port)) {
		t.Fatalf("err = %v, want PortInUseError naming [::1]:%d", err, port)
	}
	// And the IPv4 side was let go again.
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("127.0.0.1:%d not freed after the refusal: %v", port, err)
	}
	ln.Close()
}
