package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ssodesk/api"
	"ssodesk/bench/jsonbody"
	"ssodesk/config"
)

// testAPI answers like the Noah API: 200 with the tenant, or 401 once
// "expired" is set.
type testAPI struct {
	srv     *httptest.Server
	expired atomic.Bool
	calls   atomic.Int32
	lastReq atomic.Value // *http.Request
}

func newTestAPI(t *testing.T) *testAPI {
	a := &testAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.calls.Add(1)
		a.lastReq.Store(r.Clone(r.Context()))
		if a.expired.Load() {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="token expired"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"tenantid":"b2a1e7c4-0001","path":"` + r.URL.Path + `","query":"` + r.URL.RawQuery + `"}`))
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func consoleAt(t *testing.T, a *testAPI) Model {
	t.Helper()
	res := sampleResult()
	res.Claims["api"] = a.srv.URL + "/v1"
	m := sessionAt(t, 100, 34, res)
	*m.svc = *testServices(m.com.Cfg, a.srv.Client())
	m, _ = intend(t, m, "a")
	if m.active != screenAPI {
		t.Fatalf("a: screen %v", m.active)
	}
	return m
}

// send presses k and feeds the call's result back.
func send(t *testing.T, m Model, k string) Model {
	t.Helper()
	m, cmd := press(m, k)
	for _, msg := range collect(cmd) {
		if r, ok := msg.(apiResultMsg); ok {
			return step(m, r)
		}
	}
	t.Fatalf("%q started no call; status %+v", k, m.consoleScreen().status)
	return m
}

func TestConsoleCall(t *testing.T) {
	a := newTestAPI(t)
	m := consoleAt(t, a)
	wantAll(t, screenText(m), "API base  "+a.srv.URL+"/v1  from the ID token api claim", "1 me · 2 users · 3 locations", "No call yet")
	m, _ = press(m, "2") // users preset
	m = send(t, m, "enter")
	s := screenText(m)
	wantAll(t, s, "200 OK", "call 1 of 1", "GET "+a.srv.URL+"/v1/users", `"tenantid": "b2a1e7c4-0001"`)
	r := a.lastReq.Load().(*http.Request)
	if r.Header.Get("Authorization") != "Bearer opaque-access-token-0123456789" || r.URL.Path != "/v1/users" {
		t.Errorf("API got %s %v", r.URL, r.Header)
	}
}

func TestConsoleEditingCapturesKeys(t *testing.T) {
	a := newTestAPI(t)
	m := consoleAt(t, a)
	m, _ = press(m, "e") // edit the path
	if !m.consoleScreen().CapturesKeys() {
		t.Fatal("e did not focus the form")
	}
	c := m.consoleScreen()
	c.fields[fieldPath].SetValue("")
	m.screens[screenAPI] = c
	for _, r := range "q/x" { // q must type, not quit
		var cmd tea.Cmd
		m, cmd = press(m, string(r))
		if run(cmd) == tea.Quit() {
			t.Fatal("q quit while a field had focus")
		}
	}
	m, _ = press(m, "tab") // to Query
	for _, r := range "a=1" {
		m, _ = press(m, string(r))
	}
	m = send(t, m, "enter")
	if m.consoleScreen().CapturesKeys() {
		t.Error("enter left the field focused")
	}
	wantAll(t, screenText(m), "GET "+a.srv.URL+"/v1/q/x?a=1", `"query": "a=1"`)
}

func TestConsoleDiagnosisAndRetryOffer(t *testing.T) {
	a := newTestAPI(t)
	a.expired.Store(true)
	m := consoleAt(t, a)
	m = send(t, m, "enter")
	s := screenText(m)
	wantAll(t, s, "401 Unauthorized", "The access token is no longer valid", "There is no refresh token, so log in again", "The API said: invalid_token: token expired")
	// R without a retry-able diagnosis explains itself and sends nothing.
	calls := a.calls.Load()
	m, cmd := press(m, "R")
	if cmd != nil || a.calls.Load() != calls {
		t.Error("R retried without a refresh token")
	}
	wantAll(t, screenText(m), "nothing to refresh and retry")
}

func TestConsoleHistoryRerunAndCurl(t *testing.T) {
	a := newTestAPI(t)
	m := consoleAt(t, a)
	m = send(t, m, "enter") // me
	m, _ = press(m, "3")
	m = send(t, m, "enter") // locations
	wantAll(t, screenText(m), "call 2 of 2", "/v1/locations")
	m, _ = press(m, "[")
	wantAll(t, screenText(m), "call 1 of 2", "/v1/me")
	m = send(t, m, "x") // re-run the shown call
	wantAll(t, screenText(m), "call 3 of 3", "/v1/me")
	_, cmd := press(m, "y")
	var copied copiedMsg
	for _, msg := range collect(cmd) {
		if c, ok := msg.(copiedMsg); ok {
			copied = c
		}
	}
	if !strings.Contains(copied.what, "$ACCESS_TOKEN") {
		t.Errorf("curl copy: %+v", copied)
	}
	m, _ = press(m, "v")
	_, cmd = press(m, "y")
	for _, msg := range collect(cmd) {
		if c, ok := msg.(copiedMsg); ok && !strings.Contains(c.what, "with the token") {
			t.Errorf("revealed curl copy: %+v", c)
		}
	}
	// esc returns to the session.
	m, _ = intend(t, m, "esc")
	if m.active != screenSession {
		t.Errorf("esc: screen %v", m.active)
	}
}

// The history keeps at most limits.console_history bytes of bodies: the
// oldest calls lose theirs (and say so), the newest keeps its own; a big
// body is drawn once, and a resize or H only re-wraps the screen.
func TestConsoleHistoryBounded(t *testing.T) {
	body := jsonbody.Make(1 << 20)
	m := consoleWithResponse(t, 100, 30, string(body))
	for range 12 {
		m = step(m, apiResultMsg{gen: m.consoleScreen().gen, out: callOutcome{req: api.Request{Method: "GET", Path: "big"},
			resp: &api.Response{URL: "https://api-eu.example/v1/big", Status: http.StatusOK, Body: body, Size: int64(len(body)),
				Header: http.Header{"Content-Type": {"application/json"}}}}})
	}
	c := m.consoleScreen()
	total := int64(0)
	for _, o := range c.history {
		total += o.bytes()
	}
	limit := config.PerfOf(c.com.Cfg).ConsoleHistory
	last := c.history[len(c.history)-1]
	if total > limit || last.body == nil || last.resp.Body != nil || c.history[0].dropped == 0 {
		t.Fatalf("history keeps %d bytes (limit %d); newest drawn %v, raw %d bytes; oldest dropped %d",
			total, limit, last.body != nil, len(last.resp.Body), c.history[0].dropped)
	}
	wantAll(t, screenText(m), "call 13 of 13", `"Hearing Care User 00001"`)
	for range 12 {
		m, _ = press(m, "[")
	}
	wantAll(t, screenText(m), "call 1 of 13", "was dropped from the history", "x calls again")
	m, _ = press(m, "]")
	m = step(m, tea.WindowSizeMsg{Width: 60, Height: 20})
	m, _ = press(m, "H")
	wantAll(t, screenText(m), "call 2 of", "Content-Type: application/json", "keep the console's memory")
}
