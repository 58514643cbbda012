package transport

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the fields that
// Chromium's devtools import needs plus ssodesk's own, "_"-prefixed ones.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []struct{} `json:"pages"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	ID              int         `json:"_id"`
	Purpose         string      `json:"_purpose"`
	Error           string      `json:"_error,omitempty"`
	Warning         string      `json:"_warning,omitempty"`
	FromCache       string      `json:"_fromCache,omitempty"` // Chrome's name: "disk" when ssodesk's discovery cache answered
	TLS             *harTLS     `json:"_tls,omitempty"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harNV      `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int64        `json:"bodySize"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     []harNV    `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int        `json:"headersSize"`
	BodySize    int64      `json:"bodySize"`
	Error       string     `json:"_error,omitempty"` // where Chromium puts it
}

type harContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

type harTLS struct {
	Version     string `json:"version"`
	Cipher      string `json:"cipher"`
	CertSubject string `json:"certSubject,omitempty"`
	CertExpiry  string `json:"certExpiry,omitempty"`
}

// harTime is RFC 3339 with milliseconds.
const harTime = "2006-01-02T15:04:05.000Z07:00"

// WriteHAR writes the entries as a HAR 1.2 file, with creator and version
// naming the program that wrote it. Failed requests have status 0 and the
// failure in "_error"; each entry also has "_id", "_purpose" and, for
// HTTPS, "_tls" {version, cipher, certSubject, certExpiry}.
func (t *Trace) WriteHAR(w io.Writer, creator, version string) error {
	entries := t.Entries()
	h := harFile{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: creator, Version: version},
		Pages:   []struct{}{},
		Entries: make([]harEntry, 0, len(entries)),
	}}
	for _, e := range entries {
		h.Log.Entries = append(h.Log.Entries, harOf(e))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(h)
}

func harOf(e Entry) harEntry {
	ms := float64(e.Duration) / float64(time.Millisecond)
	he := harEntry{
		StartedDateTime: e.Start.Format(harTime),
		Time:            ms,
		Request: harRequest{
			Method:      e.Method,
			URL:         e.URL,
			HTTPVersion: cmp.Or(e.Proto, "HTTP/1.1"),
			Cookies:     []harNV{},
			Headers:     harHeaders(e.RequestHeader),
			QueryString: harQuery(e.URL),
			HeadersSize: -1,
			BodySize:    e.RequestSize,
		},
		Response: harResponse{
			Status:      e.Status,
			StatusText:  http.StatusText(e.Status),
			HTTPVersion: e.Proto,
			Cookies:     []harNV{},
			Headers:     harHeaders(e.ResponseHeader),
			Content:     harContent{Size: e.ResponseSize, MimeType: cmp.Or(e.ResponseType, "x-unknown"), Text: e.ResponseBody},
			RedirectURL: e.ResponseHeader.Get("Location"),
			HeadersSize: -1,
			BodySize:    e.ResponseSize,
			Error:       e.Error,
		},
		Timings: harTimings{Send: 0, Wait: ms, Receive: 0},
		ID:      e.ID,
		Purpose: e.Purpose,
		Error:   e.Error,
		Warning: e.Warning, FromCache: explainCache(e.Cached),
	}
	if e.RequestBody != "" || e.RequestSize > 0 {
		he.Request.PostData = &harPostData{MimeType: e.RequestHeader.Get("Content-Type"), Text: e.RequestBody}
	}
	if e.Status == 0 {
		he.Response.BodySize = -1
		he.Response.Content.Size = 0
	}
	if e.TLSVersion != "" {
		he.TLS = &harTLS{Version: e.TLSVersion, Cipher: e.TLSCipher, CertSubject: e.CertSubject}
		if !e.CertExpiry.IsZero() {
			he.TLS.CertExpiry = e.CertExpiry.UTC().Format(time.RFC3339)
		}
	}
	return he
}

func harHeaders(h http.Header) []harNV {
	out := []harNV{}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, harNV{Name: k, Value: v})
		}
	}
	return out
}

// harQuery lists the (already redacted) query of u.
func harQuery(u string) []harNV {
	out := []harNV{}
	_, q, ok := strings.Cut(u, "?")
	if !ok {
		return out
	}
	q, _, _ = strings.Cut(q, "#")
	for _, p := range strings.Split(q, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		out = append(out, harNV{Name: k, Value: v})
	}
	return out
}

// SaveHAR writes the trace as a HAR file at path, created with mode 0600
// (it may hold personal data). It never overwrites: an existing file is an
// error. Both the error and success carry the absolute path: on success it
// is returned.
func (t *Trace) SaveHAR(path, creator, version string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return abs, fmt.Errorf("not saving the HAR file: %s already exists (choose another name or remove it)", abs)
		}
		return abs, fmt.Errorf("cannot create the HAR file %s: %w", abs, unwrapPath(err))
	}
	if err := t.WriteHAR(f, creator, version); err != nil {
		f.Close()
		os.Remove(abs)
		return abs, fmt.Errorf("writing the HAR file %s: %w", abs, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(abs)
		return abs, fmt.Errorf("writing the HAR file %s: %w", abs, err)
	}
	return abs, nil
}

// unwrapPath drops *fs.PathError's repetition of the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// explainCache is a cached entry's _fromCache ("disk"), "" for a network one.
func explainCache(cached string) string {
	if cached == "" {
		return ""
	}
	return "disk"
}
