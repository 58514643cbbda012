package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// harTrace records a GET with a query, a form POST, a failed request and an
// HTTPS request.
func harTrace(t *testing.T) (*Trace, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/cb?code=abcdefgh&state=st", http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at-123456","token_type":"Bearer"}`)
	})
	srv := newLocalServer(t, mux)
	tlsSrv := startTLS(t, nil)
	tr := NewTrace()
	c, err := NewClient(Options{Trace: tr, CAFile: writeCAFile(t, tlsSrv)})
	if err != nil {
		t.Fatal(err)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx := context.Background()
	do(t, c, WithPurpose(ctx, "authorize"), http.MethodGet, srv.URL+"/authorize?client_id=ssodesk&scope=openid+profile", nil, nil)
	do(t, c, WithPurpose(ctx, "token"), http.MethodPost, srv.URL+"/token", strings.NewReader("grant_type=authorization_code&code=abcdefgh"),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if _, err := c.Get("http://" + closedAddr(t) + "/x"); err == nil {
		t.Fatal("closed port answered")
	}
	do(t, c, WithPurpose(ctx, "userinfo"), http.MethodGet, tlsSrv.URL+"/userinfo", nil, nil)
	return tr, srv.URL
}

func TestWriteHAR(t *testing.T) {
	tr, base := harTrace(t)
	var buf bytes.Buffer
	if err := tr.WriteHAR(&buf, "ssodesk", "1.2.3"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("HAR is not JSON: %v", err)
	}
	log := obj(t, doc, "log")
	if log["version"] != "1.2" {
		t.Errorf("log.version = %v", log["version"])
	}
	creator := obj(t, log, "creator")
	if creator["name"] != "ssodesk" || creator["version"] != "1.2.3" {
		t.Errorf("creator = %v", creator)
	}
	entries, ok := log["entries"].([]any)
	if !ok || len(entries) != 4 {
		t.Fatalf("entries = %v", log["entries"])
	}
	ms := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$`)
	for i, it := range entries {
		e, ok := it.(map[string]any)
		if !ok {
			t.Fatalf("entry %d is %T", i, it)
		}
		started := str(t, e, "startedDateTime")
		if !ms.MatchString(started) {
			t.Errorf("startedDateTime %q is not RFC 3339 with milliseconds", started)
		}
		if _, err := time.Parse(time.RFC3339, started); err != nil {
			t.Errorf("startedDateTime: %v", err)
		}
		if num(t, e, "time") < 0 {
			t.Errorf("negative time")
		}
		_ = obj(t, e, "cache")
		timings := obj(t, e, "timings")
		if num(t, timings, "send") != 0 || num(t, timings, "receive") != 0 || num(t, timings, "wait") != num(t, e, "time") {
			t.Errorf("timings = %v, time %v", timings, e["time"])
		}
		if _, ok := e["_purpose"].(string); !ok {
			t.Errorf("_purpose is %T", e["_purpose"])
		}
		req := obj(t, e, "request")
		for _, k := range []string{"method", "url", "httpVersion"} {
			str(t, req, k)
		}
		for _, k := range []string{"headers", "queryString", "cookies"} {
			nameValues(t, req, k)
		}
		if num(t, req, "headersSize") != -1 {
			t.Errorf("request.headersSize = %v", req["headersSize"])
		}
		num(t, req, "bodySize")
		resp := obj(t, e, "response")
		num(t, resp, "status")
		for _, k := range []string{"statusText", "httpVersion", "redirectURL"} {
			str(t, resp, k)
		}
		nameValues(t, resp, "headers")
		nameValues(t, resp, "cookies")
		if num(t, resp, "headersSize") != -1 {
			t.Errorf("response.headersSize = %v", resp["headersSize"])
		}
		num(t, resp, "bodySize")
		content := obj(t, resp, "content")
		num(t, content, "size")
		str(t, content, "mimeType")
		str(t, content, "text")
	}
	get, post, failed, secure := entries[0].(map[string]any), entries[1].(map[string]any), entries[2].(map[string]any), entries[3].(map[string]any)

	// The GET: query listed, redirect with its code redacted.
	if get["_purpose"] != "authorize" {
		t.Errorf("_purpose = %v", get["_purpose"])
	}
	q := nameValues(t, obj(t, get, "request"), "queryString")
	if len(q) != 2 || q[0] != [2]string{"client_id", "ssodesk"} || q[1] != [2]string{"scope", "openid profile"} {
		t.Errorf("queryString = %v", q)
	}
	gr := obj(t, get, "response")
	if gr["status"] != 302.0 || gr["statusText"] != "Found" || gr["httpVersion"] != "HTTP/1.1" || gr["redirectURL"] != "/cb?code=[redacted 8 bytes]&state=st" {
		t.Errorf("GET response = %v", gr)
	}
	if _, ok := obj(t, get, "request")["postData"]; ok {
		t.Error("postData on a GET")
	}

	// The POST: postData, response content.
	pd := obj(t, obj(t, post, "request"), "postData")
	if pd["mimeType"] != "application/x-www-form-urlencoded" || pd["text"] != "grant_type=authorization_code&code=[redacted 8 bytes]" {
		t.Errorf("postData = %v", pd)
	}
	if num(t, obj(t, post, "request"), "bodySize") != float64(len("grant_type=authorization_code&code=abcdefgh")) {
		t.Errorf("request.bodySize = %v", obj(t, post, "request")["bodySize"])
	}
	pc := obj(t, obj(t, post, "response"), "content")
	if pc["mimeType"] != "application/json" || pc["text"] != `{"access_token":"[redacted 9 bytes]","token_type":"Bearer"}` || pc["size"] != 50.0 {
		t.Errorf("content = %v", pc)
	}

	// The failure: status 0 and _error.
	fr := obj(t, failed, "response")
	if fr["status"] != 0.0 || !strings.Contains(str(t, fr, "_error"), "connection refused") || !strings.Contains(str(t, failed, "_error"), "connection refused") {
		t.Errorf("failed entry = %v", failed)
	}
	if _, ok := get["_error"]; ok {
		t.Error("_error on a success")
	}

	// HTTPS: _tls.
	tl := obj(t, secure, "_tls")
	if tl["version"] != "TLS 1.3" || !strings.HasPrefix(str(t, tl, "cipher"), "TLS_") || str(t, tl, "certSubject") == "" {
		t.Errorf("_tls = %v", tl)
	}
	if _, err := time.Parse(time.RFC3339, str(t, tl, "certExpiry")); err != nil {
		t.Errorf("certExpiry: %v", err)
	}
	if _, ok := get["_tls"]; ok {
		t.Error("_tls on plain http")
	}
	if !strings.HasPrefix(str(t, obj(t, get, "request"), "url"), base) {
		t.Error("url")
	}
}

func TestWriteHAREmpty(t *testing.T) {
	var nilTrace *Trace
	nilTrace.Reset()
	if nilTrace.Len() != 0 || nilTrace.Entries() != nil {
		t.Error("a nil Trace is not empty")
	}
	var buf bytes.Buffer
	if err := nilTrace.WriteHAR(&buf, "ssodesk", "dev"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Entries []any `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Log.Entries == nil || len(doc.Log.Entries) != 0 {
		t.Errorf("empty HAR: %v %s", err, buf.String())
	}
}

func TestSaveHAR(t *testing.T) {
	tr, _ := harTrace(t)
	dir := t.TempDir()
	t.Chdir(dir)
	abs, err := tr.SaveHAR("trace.har", "ssodesk", "dev")
	want := filepath.Join(dir, "trace.har")
	if err != nil || abs != want {
		t.Fatalf("SaveHAR = %q, %v; want %q", abs, err, want)
	}
	st, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	first, _ := os.ReadFile(want)
	if !json.Valid(first) {
		t.Error("saved HAR is not JSON")
	}

	// Never overwrites.
	tr.Reset()
	abs2, err := tr.SaveHAR("trace.har", "ssodesk", "dev")
	if err == nil || abs2 != want || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second SaveHAR = %q, %v", abs2, err)
	}
	if again, _ := os.ReadFile(want); !bytes.Equal(again, first) {
		t.Error("the existing file was changed")
	}

	// An unwritable place names the path.
	bad := filepath.Join(dir, "no-such-dir", "x.har")
	if _, err := tr.SaveHAR(bad, "ssodesk", "dev"); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("SaveHAR into a missing directory: %v", err)
	} else if _, serr := os.Stat(bad); !os.IsNotExist(serr) {
		t.Errorf("file left behind: %v", serr)
	}
}

func obj(t *testing.T, m map[string]any, k string) map[string]any {
	t.Helper()
	v, ok := m[k].(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", k, m[k])
	}
	return v
}

func str(t *testing.T, m map[string]any, k string) string {
	t.Helper()
	v, ok := m[k].(string)
	if !ok {
		t.Errorf("%s is %T, want a string", k, m[k])
	}
	return v
}

func num(t *testing.T, m map[string]any, k string) float64 {
	t.Helper()
	v, ok := m[k].(float64)
	if !ok {
		t.Errorf("%s is %T, want a number", k, m[k])
	}
	return v
}

func nameValues(t *testing.T, m map[string]any, k string) [][2]string {
	t.Helper()
	arr, ok := m[k].([]any)
	if !ok {
		t.Errorf("%s is %T, want an array", k, m[k])
		return nil
	}
	var out [][2]string
	for _, it := range arr {
		nv, ok := it.(map[string]any)
		if !ok {
			t.Errorf("%s item is %T", k, it)
			continue
		}
		out = append(out, [2]string{str(t, nv, "name"), str(t, nv, "value")})
	}
	return out
}
