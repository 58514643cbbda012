package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"ssodesk/api"
	"ssodesk/auth"
)

// hostilePayloads are what an IdP, a token or an API might send to a
// terminal; rawSequences are what of them must never be on screen.
var (
	hostilePayloads = []string{"\x1b[31mred\x1b[2J", "\x1b]2;TOKENPWN\x07", "\u009b31m", "a\x00b", "user\u202Egnp.exe", "\u2066x\u2069", "a\x7fb", "x\x9by"}
	rawSequences    = []string{"\x1b[2J", "\x1b]2;", "\x07", "\u009b", "\x00", "\x7f", "\u202E", "\u2066", "\u2069", "\x1b[31mred"}
)

func assertNoRaw(t *testing.T, where, screen string) {
	t.Helper()
	for _, seq := range rawSequences {
		if strings.Contains(screen, seq) {
			t.Errorf("%s shows the raw sequence %q", where, seq)
		}
	}
	if strings.Contains(strings.ReplaceAll(screen, "\u009b", ""), "\x9b") {
		t.Errorf("%s shows a raw 0x9b byte", where)
	}
}

// Every way outside text reaches the TUI: claims on every session tab, a
// login error, an API body and its challenge in the console.
func TestTUIShowsNoRawControlCharacters(t *testing.T) {
	for _, p := range hostilePayloads {
		res := sampleResult()
		for _, c := range []string{"name", "sub", "tenantid", "api", "extra"} {
			res.Claims[c] = p
		}
		m := loginModelAt(t, 100, 30)
		m = step(m, loginDoneMsg{id: m.run.id, res: res})
		for _, tab := range []string{"1", "2", "3", "4", "5", "6"} {
			m, _ = press(m, tab)
			assertNoRaw(t, "session tab "+tab, m.View().Content)
		}

		failed := loginModelAt(t, 100, 30)
		failed = step(failed, loginDoneMsg{id: failed.run.id, err: &auth.CallbackError{Code: "invalid_request" + p, Description: p}})
		failed = step(failed, loginDoneMsg{id: failed.run.id, err: errors.New("the IdP said " + p)})
		assertNoRaw(t, "login error", failed.View().Content)

		body, _ := json.Marshal(map[string]string{"message": p})
		c := consoleWithResponse(t, 100, 30, string(body))
		resp := &api.Response{URL: "https://api-eu.example/v1/me", Status: http.StatusUnauthorized, Body: body, Size: int64(len(body)),
			Header:   http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {`Bearer error="invalid_token", error_description="` + p + `"`}},
			Duration: time.Millisecond, At: now}
		c = step(c, apiResultMsg{gen: c.consoleScreen().gen, out: callOutcome{req: api.Request{Method: "GET", Path: "me"}, resp: resp,
			diag: api.Diagnose(resp, api.TokenFacts{Now: now})}})
		assertNoRaw(t, "console", c.View().Content)
	}
}
