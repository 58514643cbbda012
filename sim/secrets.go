package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// secretLog remembers every secret the stand-in's token endpoints received
// or handed out (codes, code verifiers, client secrets, refresh tokens,
// access and ID tokens), so a test can search an app's output for them.
type secretLog struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (l *secretLog) add(v string) {
	if len(v) < 6 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	l.seen[v] = true
}

// Secrets lists every secret value the stand-in's token endpoints received
// or issued so far. For tests that prove an app never shows one.
func (s *Sim) Secrets() []string {
	s.c.secrets.mu.Lock()
	defer s.c.secrets.mu.Unlock()
	out := make([]string, 0, len(s.c.secrets.seen))
	for v := range s.c.secrets.seen {
		out = append(out, v)
	}
	return out
}

// recordSecrets wraps an IdP handler: token requests' secret form fields
// and token responses' tokens go to the log.
func recordSecrets(log *secretLog, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/token") {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			for _, k := range []string{"code", "code_verifier", "client_secret", "refresh_token"} {
				log.add(form.Get(k))
			}
		}
		if _, secret, ok := r.BasicAuth(); ok {
			log.add(secret)
		}
		rec := &bodyRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		var resp map[string]any
		if json.Unmarshal(rec.buf.Bytes(), &resp) == nil {
			for _, k := range []string{"access_token", "refresh_token", "id_token"} {
				if v, ok := resp[k].(string); ok {
					log.add(v)
				}
			}
		}
	})
}

// bodyRecorder copies what a handler writes.
type bodyRecorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	b.buf.Write(p)
	return b.ResponseWriter.Write(p)
}
