package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// The hostile IdP: test-only behaviours of an IdP that echoes secrets and
// sends bodies without end (issue 22, items 15–17). Reachable through
// Hooks only, never from `ssodesk demo`.

// hostile is the state of the hostile behaviours of a Hooks.
type hostile struct {
	mu        sync.Mutex
	echo      bool                 // EchoSecrets
	failEcho  bool                 // FailTokenEcho
	bombs     map[string]int       // SendBomb: request kind → expanded size
	sessions  map[string][2]string // access token → the ID and refresh token issued with it, for the echo
	bombCache map[int][]byte
}

// EchoSecrets makes the stand-in, until it is called with false, echo the
// ID and refresh tokens issued with the request's access token (the
// session's own) under names no redaction by field name knows: every UserInfo answer and every JSON API answer gets
// "idToken", "refreshToken" and "debug": {"note": "rt=…"}, and every
// successful token response "idToken" and the same debug note.
func (h *Hooks) EchoSecrets(on bool) {
	h.hostile.mu.Lock()
	defer h.hostile.mu.Unlock()
	h.hostile.echo = on
}

// FailTokenEcho makes every later token request, until it is called with
// false, fail with HTTP 400 invalid_grant whose error_description repeats
// the request: its form (code, code_verifier, client_secret,
// refresh_token) and the Basic credentials.
func (h *Hooks) FailTokenEcho(on bool) {
	h.hostile.mu.Lock()
	defer h.hostile.mu.Unlock()
	h.hostile.failEcho = on
}

// SendBomb makes every later response to requests of kind (RequestDiscovery,
// RequestUserinfo, RequestAPI, …), at any endpoint, a gzip-encoded JSON body
// that expands to size bytes (size 0 ends it). Small on the wire: 64 MB
// take about 64 KB.
func (h *Hooks) SendBomb(kind string, size int) error {
	if size < 0 || size > 1<<30 {
		return errors.New("sim: SendBomb size must be between 0 and 1 GB")
	}
	h.hostile.mu.Lock()
	defer h.hostile.mu.Unlock()
	if h.hostile.bombs == nil {
		h.hostile.bombs = map[string]int{}
	}
	h.hostile.bombs[kind] = size
	return nil
}

// bomb answers the request with a bomb when SendBomb asked for one of kind.
func (h *Hooks) bomb(kind string, w http.ResponseWriter) bool {
	h.hostile.mu.Lock()
	size := h.hostile.bombs[kind]
	var body []byte
	if size > 0 {
		if h.hostile.bombCache == nil {
			h.hostile.bombCache = map[int][]byte{}
		}
		if body = h.hostile.bombCache[size]; body == nil {
			body = gzipZeros(size)
			h.hostile.bombCache[size] = body
		}
	}
	h.hostile.mu.Unlock()
	if size == 0 {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return true
}

// gzipZeros is `{"a":"` and size-6 spaces, gzipped: one gzip member of the
// first MB, then the member of a MB of spaces repeated (a gzip stream may be
// several members; readers join them), so a bomb of any size is made in
// the time of compressing 2 MB, under the race detector too.
func gzipZeros(size int) []byte {
	const mb = 1 << 20
	member := func(prefix string, n int) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write([]byte(prefix))
		_, _ = zw.Write(bytes.Repeat([]byte(" "), max(n-len(prefix), 0)))
		_ = zw.Close()
		return b.Bytes()
	}
	out := member(`{"a":"`, min(size, mb))
	if size > mb {
		out = append(out, bytes.Repeat(member("", mb), (size-mb)/mb)...)
		if rest := (size - mb) % mb; rest > 0 {
			out = append(out, member("", rest)...)
		}
	}
	return out
}

// issued notes the tokens of a successful token response, for the echo.
func (h *Hooks) issued(access, idToken, refresh string) {
	if access == "" {
		return
	}
	h.hostile.mu.Lock()
	defer h.hostile.mu.Unlock()
	if h.hostile.sessions == nil {
		h.hostile.sessions = map[string][2]string{}
	}
	h.hostile.sessions[access] = [2]string{idToken, refresh}
}

// echoing reports whether EchoSecrets is on, with the tokens issued with
// the request's bearer token.
func (h *Hooks) echoing(r *http.Request) (on bool, idToken, refresh string) {
	access, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	h.hostile.mu.Lock()
	defer h.hostile.mu.Unlock()
	t := h.hostile.sessions[access]
	return h.hostile.echo, t[0], t[1]
}

// failingEcho reports whether FailTokenEcho is on.
func (h *Hooks) failingEcho() bool {
	h.hostile.mu.Lock()
	defer h.hostile.mu.Unlock()
	return h.hostile.failEcho
}

// echoInto adds the echoed tokens to a JSON object body (other bodies are
// returned as they are).
func echoInto(body []byte, idToken, refresh string, withRefreshName bool) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil || m == nil {
		return body
	}
	if idToken != "" {
		m["idToken"] = idToken
	}
	if refresh != "" {
		if withRefreshName {
			m["refreshToken"] = refresh
		}
		m["debug"] = map[string]any{"note": "rt=" + refresh}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// echoError is the invalid_grant answer of FailTokenEcho: its description
// repeats the request.
func echoError(w http.ResponseWriter, r *http.Request, form string) {
	desc := "could not redeem the grant; request was: " + form
	if user, pass, ok := r.BasicAuth(); ok {
		desc += "; client " + user + ":" + pass
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": desc})
}

// echoAPI wraps an API handler: with EchoSecrets on, its JSON answers
// carry the echoed tokens.
func (h *Hooks) echoAPI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.bomb(RequestAPI, w) {
			return
		}
		on, id, rt := h.echoing(r)
		if !on {
			next.ServeHTTP(w, r)
			return
		}
		rec := &bufferedResponse{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		out := rec.body.Bytes()
		if strings.Contains(w.Header().Get("Content-Type"), "json") {
			out = echoInto(out, id, rt, true)
			w.Header().Del("Content-Length")
		}
		w.WriteHeader(rec.status())
		_, _ = w.Write(out)
	})
}

// echoUserinfo answers a UserInfo request, with the echo when it is on.
func (h *Hooks) echoUserinfo(next http.Handler, w http.ResponseWriter, r *http.Request) {
	on, id, rt := h.echoing(r)
	if !on {
		next.ServeHTTP(w, r)
		return
	}
	rec := &bufferedResponse{ResponseWriter: w}
	next.ServeHTTP(rec, r)
	out := echoInto(rec.body.Bytes(), id, rt, true)
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.status())
	_, _ = w.Write(out)
}
