package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzCallbackQuery throws any query string at the redirect handler: it must
// answer without panicking, end the login only with the right state, and
// then with exactly a code or an error.
func FuzzCallbackQuery(f *testing.F) {
	for _, s := range []string{
		"code=eu.abc&state=S", "error=access_denied&error_description=x&state=S", "state=S", "code=eu.x&state=wrong",
		"%zz", "code=a&code=b&state=S&state=T", "state=S&error=", "code=%00%ff&state=S", "state=S;code=x", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		l := &loopback{state: "S", done: make(chan struct{}), warn: func(string) {},
			redirect: &url.URL{Scheme: "http", Host: "127.0.0.1:5555", Path: "/callback"}}
		req := &http.Request{Method: http.MethodGet, Host: "127.0.0.1:5555", URL: &url.URL{Path: "/callback", RawQuery: raw}, Header: http.Header{}}
		rec := httptest.NewRecorder()
		l.ServeHTTP(rec, req)
		q := req.URL.Query()
		finished := false
		select {
		case <-l.done:
			finished = true
		default:
		}
		if q.Get("state") != "S" {
			if finished || rec.Code != http.StatusBadRequest {
				t.Fatalf("a wrong state (%q) ended the login or was not refused: %d", q.Get("state"), rec.Code)
			}
			return
		}
		if !finished {
			t.Fatalf("the right state did not end the login (query %q)", raw)
		}
		if (l.code == "") == (l.err == nil) {
			t.Fatalf("code %q and err %v: exactly one must be set", l.code, l.err)
		}
		if l.code != "" && l.code != q.Get("code") {
			t.Fatalf("the code was altered: %q → %q", q.Get("code"), l.code)
		}
	})
}
