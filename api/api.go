// Package api makes test calls to the Noah Cloud API with an access token,
// explains a refused token, and renders a call as curl. It has no UI.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"ssodesk/safe"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"ssodesk/config"
	"ssodesk/transport"
)

// BaseURL picks the API base: the region's configured override, else the ID
// token's `api` claim. HIMSA rule: use the `api` claim, especially after a
// login at the global endpoint. It says where the base came from.
func BaseURL(override, apiClaim string) (base, source string, err error) {
	switch {
	case override != "":
		base, source = override, "config (region api override)"
	case apiClaim != "":
		base, source = apiClaim, "ID token api claim"
	default:
		return "", "", fmt.Errorf("no API base URL: the ID token has no api claim and the region sets no api override")
	}
	if err := config.CheckSecretURL(base); err != nil {
		return "", "", fmt.Errorf("API base URL %q (from %s): %v; no bearer token is sent there", safe.Printable(base), source, err)
	}
	return strings.TrimRight(base, "/"), source, nil
}

// Request is one test call, relative to the API base.
type Request struct {
	Method string      // GET when empty
	Path   string      // appended to the base: "me", "/users"
	Query  string      // "a=1&b=2" (without "?")
	Header http.Header // extra headers
	Body   string      // sent as application/json when set
}

// URL is the request's full URL against base.
func (r Request) URL(base string) (string, error) {
	p := strings.TrimSpace(r.Path)
	if strings.Contains(p, "://") {
		return "", fmt.Errorf("path %q must be relative to the API base %s", p, base)
	}
	u, err := url.Parse(strings.TrimRight(base, "/") + "/" + strings.TrimLeft(p, "/"))
	if err != nil {
		return "", fmt.Errorf("bad path %q: %v", p, err)
	}
	if q := strings.TrimPrefix(strings.TrimSpace(r.Query), "?"); q != "" {
		if _, err := url.ParseQuery(q); err != nil {
			return "", fmt.Errorf("bad query %q: %v", q, err)
		}
		u.RawQuery = q
	}
	return u.String(), nil
}

// MethodOrGET is the request's method in upper case, GET when empty: the
// method Do sends.
func (r Request) MethodOrGET() string {
	if m := strings.ToUpper(strings.TrimSpace(r.Method)); m != "" {
		return m
	}
	return http.MethodGet
}

// Response is the outcome of one call.
type Response struct {
	Request  Request
	URL      string
	Status   int
	Header   http.Header
	Body     []byte
	Size     int64 // bytes of body received (Body may be capped)
	Duration time.Duration
	At       time.Time

	shape bodyShape // Kind's answer, found once
}

// bodyShape is what Kind finds out about a body, once: a 5 MB body is read
// in full to tell JSON from text.
type bodyShape struct {
	once      sync.Once
	kind      BodyKind
	prettyLen int // bytes of the indented JSON (BodyJSON)
}

// maxBody caps how much of a response is kept.
const maxBody = 8 << 20

// Do sends req to base with the access token as bearer.
func Do(ctx context.Context, client *http.Client, base, token string, req Request) (*Response, error) {
	if client == nil {
		return nil, fmt.Errorf("no HTTP client to call the API with")
	}
	full, err := req.URL(base)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if req.Body != "" {
		if !json.Valid([]byte(req.Body)) {
			return nil, fmt.Errorf("the body is not valid JSON")
		}
		body = strings.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(transport.WithPurpose(ctx, "api"), req.MethodOrGET(), full, body)
	if err != nil {
		return nil, fmt.Errorf("bad request %s %s: %w", req.MethodOrGET(), full, err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	if hr.Header.Get("Accept") == "" {
		hr.Header.Set("Accept", "application/json")
	}
	if req.Body != "" && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.MethodOrGET(), full, err)
	}
	defer resp.Body.Close()
	b, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("reading the response of %s %s: %w", req.MethodOrGET(), full, err)
	}
	n := int64(len(b))
	if extra, _ := io.Copy(io.Discard, resp.Body); extra > 0 {
		n += extra
	}
	return &Response{Request: req, URL: full, Status: resp.StatusCode, Header: resp.Header, Body: b, Size: n,
		Duration: time.Since(start), At: start}, nil
}

// readBody reads up to maxBody bytes of the body, into one buffer of the
// announced size when there is a Content-Length (io.ReadAll would double its
// buffer a dozen times for 5 MB, and keep up to twice the body).
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= maxBody {
		b := make([]byte, n)
		for got := 0; got < len(b); {
			m, err := resp.Body.Read(b[got:])
			got += m
			switch {
			case err == io.EOF:
				return b[:got], nil
			case err != nil:
				return b[:got], err
			}
		}
		return b, nil
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
}

// Call is Do for a method and path only.
func Call(ctx context.Context, client *http.Client, base, token, method, path string) (*Response, error) {
	return Do(ctx, client, base, token, Request{Method: method, Path: path})
}

// BodyKind says how a response body can be shown.
type BodyKind int

const (
	BodyEmpty BodyKind = iota
	BodyJSON
	BodyText
	BodyBinary
)

// Kind classifies the body by its Content-Type and contents. It reads the
// body once per Response (Body and Header must not change after the first
// call); it is safe for concurrent use.
func (r *Response) Kind() BodyKind {
	r.shape.once.Do(func() { r.shape.kind, r.shape.prettyLen = classify(r.Body, r.Header.Get("Content-Type")) })
	return r.shape.kind
}

func classify(body []byte, contentType string) (BodyKind, int) {
	if len(body) == 0 {
		return BodyEmpty, 0
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "" {
		if n, ok := measureJSON(body); ok { // json.Valid, and the indented size for Pretty
			return BodyJSON, n
		}
	}
	if utf8.Valid(body) && bytes.IndexByte(body, 0) < 0 {
		return BodyText, 0
	}
	return BodyBinary, 0
}

// Pretty is the body as shown: indented JSON, text as is, or a note for
// binary content.
func (r *Response) Pretty() string {
	switch r.Kind() {
	case BodyEmpty:
		return ""
	case BodyJSON:
		return indentJSON(r.Body, r.shape.prettyLen)
	case BodyBinary:
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "unknown type"
		}
		return fmt.Sprintf("%d bytes of %s", r.Size, ct)
	}
	return string(r.Body)
}

// WritePretty writes Pretty to w, JSON as it is indented, in chunks: for a
// big body it saves building the whole indented text first.
func (r *Response) WritePretty(w io.Writer) error {
	if r.Kind() == BodyJSON {
		return writeIndentedJSON(w, r.Body)
	}
	_, err := io.WriteString(w, r.Pretty())
	return err
}

// StatusText is "200 OK".
func (r *Response) StatusText() string {
	return fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
}
