package transport

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// bench300KB is an API's JSON answer of about 300 KB: a list of users, with
// one secret field (a token) early on.
func bench300KB() []byte {
	var b strings.Builder
	b.WriteString(`{"access_token":"at-Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT","items":[`)
	for i := 0; b.Len() < 300<<10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"Mette Sørensen %d","email":"user%d@nordlyd-hoerecenter.dk","active":true,"tags":["a","b"]}`, i, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkTraceRecord measures one GET of a 300 KB JSON body over
// loopback, read to its end, by a client without a trace (untraced) and
// with one (traced: the request and the response recorded and redacted).
// Issue 17's target: traced ≤ 2× untraced.
// Run: go test -run '^$' -bench TraceRecord ./transport
func BenchmarkTraceRecord(b *testing.B) {
	body := bench300KB()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	for _, traced := range []bool{false, true} {
		name := "untraced"
		var tr *Trace
		if traced {
			name, tr = "traced", NewTrace()
		}
		c, err := NewClient(Options{Trace: tr})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				req, _ := http.NewRequest("GET", srv.URL+"/v1/users", nil)
				req.Header.Set("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI1ZjBjIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ")
				resp, err := c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				data, _ := io.ReadAll(resp.Body) // as api.Do and discovery do
				n := int64(len(data))
				resp.Body.Close()
				if n != int64(len(body)) {
					b.Fatalf("read %d bytes", n)
				}
			}
			if tr != nil && !strings.Contains(tr.Entries()[tr.Len()-1].ResponseBody, "[redacted") {
				b.Fatal("the token in the body was not redacted")
			}
		})
	}
}
