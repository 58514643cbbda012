package ui

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ssodesk/transport"
)

// tracedSession is a session screen whose Common has a trace with three
// exchanges: a 200, a token POST with secrets, a refused connection.
func tracedSession(t *testing.T) (Model, *transport.Trace) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"AT-very-secret-value","token_type":"Bearer","expires_in":3600}`))
	}))
	t.Cleanup(srv.Close)
	tr := transport.NewTrace()
	client, err := transport.NewClient(transport.Options{Trace: tr})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	get, _ := http.NewRequestWithContext(transport.WithPurpose(ctx, "discovery"), "GET", srv.URL+"/.well-known/openid-configuration", nil)
	mustDo(t, client, get)
	form := url.Values{"code": {"eu.secret-code-123"}, "code_verifier": {"verifier-secret-456"}, "grant_type": {"authorization_code"}}
	post, _ := http.NewRequestWithContext(transport.WithPurpose(ctx, "token"), "POST", srv.URL+"/token", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	mustDo(t, client, post)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	bad, _ := http.NewRequestWithContext(transport.WithPurpose(ctx, "api"), "GET", "http://"+dead+"/v1/me", nil)
	if resp, err := client.Do(bad); err == nil {
		resp.Body.Close()
	}

	m := sessionAt(t, 120, 30, sampleResult())
	m.svc.Trace = tr
	return m, tr
}

func mustDo(t *testing.T, c *http.Client, r *http.Request) {
	t.Helper()
	resp, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
}

func TestTraceScreen(t *testing.T) {
	m, tr := tracedSession(t)
	m, cmd := press(m, "t")
	if m.active != screenTrace {
		t.Fatalf("t: screen %v", m.active)
	}
	if cmd == nil {
		t.Fatal("t: the trace screen starts no re-reading")
	}
	s := screenText(m) // the first view already lists the exchanges: no message waited for
	wantAll(t, s, "HTTP trace: 3 exchanges", "discovery", "token", "POST", "200", "ERR", "/v1/me")

	m, _ = press(m, "k") // the token POST (the newest is selected first)
	m, _ = press(m, "enter")
	s = screenText(m)
	wantAll(t, s, "#2 POST", "purpose      token", "step         exchange", "TLS          none (plain http", "Request", "Response", "[redacted", "token_type")
	for _, secret := range []string{"eu.secret-code-123", "verifier-secret-456", "AT-very-secret-value"} {
		if strings.Contains(s, secret) {
			t.Errorf("the detail view shows %q", secret)
		}
	}
	m, _ = press(m, "esc")
	if m.active != screenTrace || m.traceScreen().detail {
		t.Fatal("esc in the details did not return to the list")
	}

	// Export: x asks for a path, enter writes the HAR and says where.
	dir := t.TempDir()
	m, _ = press(m, "x")
	if !m.traceScreen().CapturesKeys() || !strings.HasPrefix(m.traceScreen().path.Value(), "ssodesk-trace-") {
		t.Fatalf("x: saving=%v path=%q", m.traceScreen().saving, m.traceScreen().path.Value())
	}
	m = withTracePath(m, filepath.Join(dir, "session.har"))
	m, cmd = press(m, "q") // typed into the path, not a quit
	for _, msg := range collectWithin(cmd) {
		if _, quit := msg.(tea.QuitMsg); quit || m.active != screenTrace {
			t.Fatal("q quit or left the screen while typing the path")
		}
	}
	m = withTracePath(m, filepath.Join(dir, "session.har"))
	m, cmd = press(m, "enter")
	for _, msg := range collect(cmd) {
		if h, ok := msg.(harSavedMsg); ok {
			m = step(m, h)
		}
	}
	want := filepath.Join(dir, "session.har")
	wantAll(t, screenText(m), "wrote 3 exchanges to "+want)
	st, err := os.Stat(want)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("HAR file: %v %v", st, err)
	}
	body, _ := os.ReadFile(want)
	if strings.Contains(string(body), "verifier-secret-456") || tr.Len() != 3 {
		t.Error("the HAR holds a secret")
	}
	// A second export to the same path is refused, and says so.
	m, _ = press(m, "x")
	m = withTracePath(m, want)
	m, cmd = press(m, "enter")
	for _, msg := range collect(cmd) {
		if h, ok := msg.(harSavedMsg); ok {
			m = step(m, h)
		}
	}
	wantAll(t, screenText(m), "export failed:")

	m, _ = intend(t, m, "esc")
	if m.active != screenSession {
		t.Fatalf("esc: screen %v, want back to the session", m.active)
	}
}

// collectWithin runs the batch's commands concurrently and gathers what
// they return within a moment (ticks that sleep are left behind): for
// checking that a message does not come.
func collectWithin(cmd tea.Cmd) []tea.Msg {
	out := make(chan tea.Msg, 16)
	var start func(tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, sub := range b {
					start(sub)
				}
				return
			}
			out <- msg
		}()
	}
	start(cmd)
	var msgs []tea.Msg
	timeout := time.After(300 * time.Millisecond)
	for {
		select {
		case msg := <-out:
			msgs = append(msgs, msg)
		case <-timeout:
			return msgs
		}
	}
}
