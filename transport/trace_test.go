package transport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPlainGETEntry(t *testing.T) {
	body := `{"issuer":"https://idp.example","scopes_supported":["openid"]}`
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" || r.URL.RawQuery != "x=1" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Served-By", "test")
		io.WriteString(w, body)
	}))
	c, tr := newTraced(t, Options{})
	before := time.Now()
	ctx := WithPurpose(context.Background(), "discovery")
	resp, got := do(t, c, ctx, http.MethodGet, srv.URL+"/.well-known/openid-configuration?x=1", nil, map[string]string{"Accept": "application/json"})
	after := time.Now()
	if string(got) != body || resp.StatusCode != 200 {
		t.Fatalf("caller got %d %q", resp.StatusCode, got)
	}
	e := onlyEntry(t, tr)
	if e.ID != 1 {
		t.Errorf("ID = %d, want 1", e.ID)
	}
	if e.Purpose != "discovery" {
		t.Errorf("Purpose = %q", e.Purpose)
	}
	within(t, "Start", e.Start, before, after)
	if e.Duration <= 0 || e.Duration > after.Sub(before) {
		t.Errorf("Duration = %v, want in (0, %v]", e.Duration, after.Sub(before))
	}
	if e.Method != "GET" || e.URL != srv.URL+"/.well-known/openid-configuration?x=1" {
		t.Errorf("Method, URL = %q, %q", e.Method, e.URL)
	}
	if e.Proto != "HTTP/1.1" || e.Status != 200 || e.Error != "" {
		t.Errorf("Proto, Status, Error = %q, %d, %q", e.Proto, e.Status, e.Error)
	}
	if e.RequestHeader.Get("Accept") != "application/json" {
		t.Errorf("RequestHeader = %v", e.RequestHeader)
	}
	if e.ResponseHeader.Get("X-Served-By") != "test" || e.ResponseHeader.Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Errorf("ResponseHeader = %v", e.ResponseHeader)
	}
	if e.RequestBody != "" || e.RequestSize != 0 {
		t.Errorf("RequestBody, RequestSize = %q, %d", e.RequestBody, e.RequestSize)
	}
	if e.ResponseBody != body || e.ResponseSize != int64(len(body)) || e.ResponseType != "application/json" {
		t.Errorf("ResponseBody, ResponseSize, ResponseType = %q, %d, %q", e.ResponseBody, e.ResponseSize, e.ResponseType)
	}
	if e.TLSVersion != "" || e.TLSCipher != "" || e.CertSubject != "" || !e.CertExpiry.IsZero() {
		t.Errorf("TLS fields set for plain http: %q %q %q %v", e.TLSVersion, e.TLSCipher, e.CertSubject, e.CertExpiry)
	}
}

func TestPOSTFormEntry(t *testing.T) {
	var gotForm url.Values
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		gotForm = r.PostForm
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, "made")
	}))
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"ssodesk"}, "scope": {"openid profile"}}.Encode()
	for _, tc := range []struct {
		name string
		body func() io.Reader
	}{
		{"rewindable body", func() io.Reader { return strings.NewReader(form) }},
		{"one-shot body", func() io.Reader { return io.MultiReader(strings.NewReader(form)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, tr := newTraced(t, Options{})
			ctx := WithPurpose(context.Background(), "token")
			resp, got := do(t, c, ctx, http.MethodPost, srv.URL+"/token", tc.body(),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			if resp.StatusCode != 201 || string(got) != "made" || gotForm.Get("scope") != "openid profile" {
				t.Fatalf("exchange went wrong: %d %q %v", resp.StatusCode, got, gotForm)
			}
			e := onlyEntry(t, tr)
			if e.Method != "POST" || e.URL != srv.URL+"/token" || e.Purpose != "token" {
				t.Errorf("Method, URL, Purpose = %q, %q, %q", e.Method, e.URL, e.Purpose)
			}
			if e.Status != 201 || e.Error != "" || e.Proto != "HTTP/1.1" {
				t.Errorf("Status, Error, Proto = %d, %q, %q", e.Status, e.Error, e.Proto)
			}
			if e.RequestBody != form || e.RequestSize != int64(len(form)) {
				t.Errorf("RequestBody, RequestSize = %q, %d; want %q, %d", e.RequestBody, e.RequestSize, form, len(form))
			}
			if e.RequestHeader.Get("Content-Type") != "application/x-www-form-urlencoded" {
				t.Errorf("RequestHeader = %v", e.RequestHeader)
			}
			if e.ResponseBody != "made" || e.ResponseSize != 4 || e.ResponseType != "text/plain; charset=utf-8" {
				t.Errorf("ResponseBody, ResponseSize, ResponseType = %q, %d, %q", e.ResponseBody, e.ResponseSize, e.ResponseType)
			}
		})
	}
}

func TestPurposeTagging(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	c, tr := newTraced(t, Options{})
	purposes := []string{"discovery", "jwks", "token", "userinfo", "api", ""}
	for _, p := range purposes {
		ctx := context.Background()
		if p != "" {
			ctx = WithPurpose(ctx, p)
		}
		do(t, c, ctx, http.MethodGet, srv.URL+"/"+p, nil, nil)
	}
	es := tr.Entries()
	if len(es) != len(purposes) {
		t.Fatalf("%d entries, want %d", len(es), len(purposes))
	}
	for i, p := range purposes {
		if es[i].Purpose != p || es[i].URL != srv.URL+"/"+p || es[i].ID != i+1 {
			t.Errorf("entry %d: ID %d, Purpose %q, URL %q; want %d, %q", i, es[i].ID, es[i].Purpose, es[i].URL, i+1, p)
		}
	}
	if got := PurposeOf(WithPurpose(context.Background(), "jwks")); got != "jwks" {
		t.Errorf("PurposeOf = %q", got)
	}
	if got := PurposeOf(context.Background()); got != "" {
		t.Errorf("PurposeOf(untagged) = %q", got)
	}
}

func TestConnectionRefusedRecorded(t *testing.T) {
	addr := closedAddr(t)
	c, tr := newTraced(t, Options{})
	ctx := WithPurpose(context.Background(), "discovery")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/.well-known/openid-configuration", nil)
	before := time.Now()
	_, err := c.Do(req)
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	e := onlyEntry(t, tr)
	within(t, "Start", e.Start, before, time.Now())
	if e.Status != 0 || e.Purpose != "discovery" || e.Method != "GET" || e.URL != "http://"+addr+"/.well-known/openid-configuration" {
		t.Errorf("entry = %+v", e)
	}
	mustContain(t, "Error", e.Error, "connection refused", addr)
	if e.ResponseHeader != nil || e.ResponseBody != "" || e.Proto != "" {
		t.Errorf("response fields set on a failure: %+v", e)
	}
}

func TestTimeoutRecorded(t *testing.T) {
	release := make(chan struct{})
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer close(release)
	c, tr := newTraced(t, Options{Timeout: 150 * time.Millisecond})
	_, err := c.Get(srv.URL + "/slow")
	if err == nil {
		t.Fatal("no timeout")
	}
	e := onlyEntry(t, tr)
	if e.Status != 0 || !strings.HasPrefix(e.Error, "timed out after ") {
		t.Errorf("Status, Error = %d, %q", e.Status, e.Error)
	}
	if e.Duration < 100*time.Millisecond {
		t.Errorf("Duration = %v, want about the timeout", e.Duration)
	}
	t.Logf("timeout recorded as %q", e.Error)
}

// The caller gets the whole body, byte for byte; the record keeps the first
// MaxRecordedBody bytes with a note.
func TestLargeBodiesPassThrough(t *testing.T) {
	const size = 1 << 20
	payload := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n"
	for i := range payload {
		payload[i] = alphabet[rng.IntN(len(alphabet))]
	}
	want := sha256.Sum256(payload)
	var mu sync.Mutex
	var received [][32]byte
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, sha256.Sum256(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Query().Get("chunked") == "1" {
			// No Content-Length: written in pieces, flushed.
			for i := 0; i < size; i += 64 << 10 {
				w.Write(payload[i : i+64<<10])
				w.(http.Flusher).Flush()
			}
			return
		}
		w.Write(payload)
	}))
	for _, tc := range []struct {
		name string
		url  string
		body func() io.Reader
	}{
		{"content-length", srv.URL + "/big", func() io.Reader { return bytes.NewReader(payload) }},
		{"chunked, one-shot request body", srv.URL + "/big?chunked=1", func() io.Reader { return io.MultiReader(bytes.NewReader(payload)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, tr := newTraced(t, Options{})
			_, got := do(t, c, nil, http.MethodPost, tc.url, tc.body(), map[string]string{"Content-Type": "text/plain"})
			if len(got) != size || sha256.Sum256(got) != want || !bytes.Equal(got, payload) {
				t.Fatalf("caller got %d bytes, not the %d sent", len(got), size)
			}
			mu.Lock()
			last := received[len(received)-1]
			mu.Unlock()
			if last != want {
				t.Fatal("server did not get the request body byte for byte")
			}
			e := onlyEntry(t, tr)
			if e.ResponseSize != size || e.RequestSize != size {
				t.Errorf("ResponseSize, RequestSize = %d, %d; want %d", e.ResponseSize, e.RequestSize, size)
			}
			for name, rec := range map[string]string{"ResponseBody": e.ResponseBody, "RequestBody": e.RequestBody} {
				note := fmt.Sprintf("\n[cut: recorded the first %d of %d bytes]", MaxRecordedBody, size)
				if !strings.HasPrefix(rec, string(payload[:MaxRecordedBody])) || !strings.HasSuffix(rec, note) ||
					len(rec) != MaxRecordedBody+len(note) {
					t.Errorf("%s: %d bytes recorded, want the first %d and the note %q; ends %q",
						name, len(rec), MaxRecordedBody, note, rec[max(0, len(rec)-80):])
				}
			}
		})
	}
}

// An entry exists as soon as the headers arrive, even if the caller never
// reads the body; the body is filled in when it is closed.
func TestEntryRecordedBeforeBodyRead(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"keys":[]}`)
	}))
	c, tr := newTraced(t, Options{})
	resp, err := c.Get(srv.URL + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	e := onlyEntry(t, tr)
	if e.Status != 200 || e.ResponseBody != "" || e.ResponseSize != 11 {
		t.Errorf("before reading: Status %d, ResponseBody %q, ResponseSize %d", e.Status, e.ResponseBody, e.ResponseSize)
	}
	resp.Body.Close()
	e = onlyEntry(t, tr)
	mustContain(t, "ResponseBody", e.ResponseBody, "closed the body after 0 bytes")

	// Read partly, then closed.
	resp, err = c.Get(srv.URL + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	io.ReadFull(resp.Body, buf)
	resp.Body.Close()
	e = tr.Entries()[1]
	if !strings.HasPrefix(e.ResponseBody, `{"ke`) {
		t.Errorf("partly read body recorded as %q", e.ResponseBody)
	}
	mustContain(t, "ResponseBody", e.ResponseBody, "closed the body after 4 bytes")

	// Read to the last byte without seeing EOF (as json.Decoder may): complete.
	resp, err = c.Get(srv.URL + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	buf = make([]byte, 11)
	io.ReadFull(resp.Body, buf)
	resp.Body.Close()
	if e := tr.Entries()[2]; e.ResponseBody != `{"keys":[]}` {
		t.Errorf("fully read body recorded as %q", e.ResponseBody)
	}
}

func TestTraceCap(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	c, tr := newTraced(t, Options{})
	const n = MaxEntries + 25
	for i := 0; i < n; i++ {
		do(t, c, nil, http.MethodGet, fmt.Sprintf("%s/%d", srv.URL, i+1), nil, nil)
	}
	if tr.Len() != MaxEntries {
		t.Fatalf("Len = %d, want %d", tr.Len(), MaxEntries)
	}
	es := tr.Entries()
	if es[0].ID != n-MaxEntries+1 || es[len(es)-1].ID != n || !strings.HasSuffix(es[0].URL, fmt.Sprintf("/%d", n-MaxEntries+1)) {
		t.Errorf("kept IDs %d..%d (%s), want %d..%d", es[0].ID, es[len(es)-1].ID, es[0].URL, n-MaxEntries+1, n)
	}
	tr.Reset()
	if tr.Len() != 0 || len(tr.Entries()) != 0 {
		t.Errorf("after Reset: Len %d", tr.Len())
	}
	do(t, c, nil, http.MethodGet, srv.URL+"/after", nil, nil)
	if es := tr.Entries(); len(es) != 1 || es[0].ID != n+1 {
		t.Errorf("after Reset: %+v", es)
	}
}

// Entries returns copies: changing them does not change the trace.
func TestEntriesAreCopies(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-A", "1") }))
	c, tr := newTraced(t, Options{})
	do(t, c, nil, http.MethodGet, srv.URL, nil, nil)
	es := tr.Entries()
	es[0].URL = "changed"
	es[0].ResponseHeader.Set("X-A", "changed")
	e := onlyEntry(t, tr)
	if e.URL == "changed" || e.ResponseHeader.Get("X-A") != "1" {
		t.Errorf("trace changed through a copy: %+v", e)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	c, tr := newTraced(t, Options{})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				resp, err := c.Get(fmt.Sprintf("%s/%d/%d", srv.URL, g, i))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				_ = tr.Entries()
				_ = tr.Len()
			}
		}()
	}
	wg.Wait()
	es := tr.Entries()
	if len(es) != 80 {
		t.Fatalf("%d entries, want 80", len(es))
	}
	ids := map[int]bool{}
	for i, e := range es {
		ids[e.ID] = true
		if i > 0 && e.Start.Before(es[i-1].Start) {
			t.Errorf("entries not oldest first at %d", i)
		}
		if e.ResponseBody != strings.TrimPrefix(e.URL, srv.URL) {
			t.Errorf("entry %d: body %q for %s", e.ID, e.ResponseBody, e.URL)
		}
	}
	if len(ids) != 80 {
		t.Errorf("IDs not unique: %d distinct", len(ids))
	}
}

func TestNewClientSettings(t *testing.T) {
	c, err := NewClient(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout != DefaultTimeout || DefaultTimeout != 15*time.Second {
		t.Errorf("Timeout = %v", c.Timeout)
	}
	rt, ok := c.Transport.(*roundTripper)
	if !ok {
		t.Fatalf("Transport is %T", c.Transport)
	}
	ht := rt.base.(*http.Transport)
	if ht.TLSClientConfig == nil || ht.TLSClientConfig.MinVersion != 0x0303 {
		t.Errorf("TLS MinVersion = %+v", ht.TLSClientConfig)
	}
	if ht.Proxy == nil || reflect.ValueOf(ht.Proxy).Pointer() != reflect.ValueOf(http.ProxyFromEnvironment).Pointer() {
		t.Error("proxies are not taken from the environment")
	}
	c, err = NewClient(Options{Timeout: 3 * time.Second})
	if err != nil || c.Timeout != 3*time.Second {
		t.Errorf("Timeout = %v, %v", c.Timeout, err)
	}
}

// Without a trace the client still works and still classifies errors.
func TestUntracedClient(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }))
	c, err := NewClient(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, b := do(t, c, nil, http.MethodGet, srv.URL, nil, nil); string(b) != "hi" {
		t.Errorf("body %q", b)
	}
	_, err = c.Get("http://" + closedAddr(t))
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Errorf("connection refused error lost its type: %v", err)
	}
}

// The capture keeps at most MaxRecordedBody+1 bytes however much passes.
func TestCaptureBounded(t *testing.T) {
	var c capture
	chunk := bytes.Repeat([]byte("x"), 100<<10)
	for i := 0; i < 10; i++ {
		c.Write(chunk)
	}
	data, n := c.snapshot()
	if len(data) != MaxRecordedBody+1 || n != 10*100<<10 {
		t.Errorf("kept %d bytes, counted %d", len(data), n)
	}
}
