package transport

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// gzipBomb is a small gzip body that expands to n zero bytes.
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		if _, err := zw.Write(chunk[:min(len(chunk), left)]); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	return b.Bytes()
}

// A response body is bounded after decompression, with or without a
// trace, and the error says what was too large (issue 22, item 17).
func TestResponseBodyIsBounded(t *testing.T) {
	bomb := gzipBomb(t, 64<<20) // 64 MB of zeros in ~64 KB
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bomb":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		case "/exact":
			w.Write(bytes.Repeat([]byte("a"), 1<<20))
		case "/endless":
			for i := 0; i < 64; i++ {
				if _, err := w.Write(make([]byte, 1<<20)); err != nil {
					return
				}
			}
		}
	}))
	for _, traced := range []bool{false, true} {
		o := Options{MaxResponseBody: 1 << 20}
		var tr *Trace
		if traced {
			tr = NewTrace()
			o.Trace = tr
		}
		c, err := NewClient(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/bomb", "/endless"} {
			resp, err := c.Get(srv.URL + path + "?code=secret-code-1234")
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			var tl *BodyTooLargeError
			if !errors.As(err, &tl) || n != 1<<20 {
				t.Fatalf("traced=%v %s: read %d bytes, err %v; want 1 MB, then a BodyTooLargeError", traced, path, n, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, "larger than 1 MB") || strings.Contains(msg, "secret-code-1234") {
				t.Errorf("message %q must name the URL (redacted) and the limit", msg)
			}
		}
		resp, err := c.Get(srv.URL + "/exact")
		if err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 1<<20 {
			t.Errorf("a body of exactly the limit: %d bytes, %v", len(b), err)
		}
		resp.Body.Close()
		if traced {
			if es := tr.Entries(); len(es) != 3 || !strings.Contains(es[0].Error, "larger than 1 MB") {
				t.Errorf("the trace does not say the body was too large: %+v", es)
			}
		}
	}
}
