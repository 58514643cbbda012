package transport

// A cache of OpenID Connect discovery documents, in memory and on disk, so
// a login far from its IdP does not pay a round trip (and a connection's
// handshakes) for a document it read minutes ago (issue 26).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DiscoveryTTL is how long a discovery document is kept when its answer
// has no Cache-Control max-age (IdentityServer sends none by default).
const DiscoveryTTL = time.Hour

// maxCachedDocument bounds a cached document (real ones are a few KiB).
const maxCachedDocument = 1 << 20

// DiscoveryCache keeps discovery documents by issuer: in memory, and in
// Dir (one 0600 file per issuer, in a 0700 directory) when Dir is set. It
// respects the answer's Cache-Control (no-store: not kept; max-age: that
// long; else DiscoveryTTL), keeps only a 200 JSON object whose "issuer"
// is the issuer it was read for, and is safe for concurrent use. A client
// made with Options.Discovery answers a discovery request from it while
// the document is fresh, and records that in its trace as served from the
// cache (no request made); Forget drops an issuer's document, which a
// failed login does, so a cached document never hides a failure.
type DiscoveryCache struct {
	Dir string
	Now func() time.Time // nil: time.Now

	mu  sync.Mutex
	mem map[string]cachedDiscovery
}

type cachedDiscovery struct {
	Issuer  string    `json:"issuer"`
	Fetched time.Time `json:"fetched"`
	Expires time.Time `json:"expires"`
	Body    []byte    `json:"body"`
}

func (c *DiscoveryCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// issuerOf is the issuer whose discovery document u asks for ("" when u
// is not a discovery URL).
func issuerOf(req *http.Request) string {
	const wellKnown = "/.well-known/openid-configuration"
	if req.Method != http.MethodGet || !strings.HasSuffix(req.URL.Path, wellKnown) || req.URL.RawQuery != "" {
		return ""
	}
	u := *req.URL
	u.Path = strings.TrimSuffix(u.Path, wellKnown)
	u.RawPath = ""
	return strings.TrimSuffix(u.String(), "/")
}

// Get is issuer's document while it is fresh.
func (c *DiscoveryCache) Get(issuer string) ([]byte, time.Time, bool) {
	if c == nil {
		return nil, time.Time{}, false
	}
	issuer = strings.TrimSuffix(issuer, "/")
	c.mu.Lock()
	d, ok := c.mem[issuer]
	c.mu.Unlock()
	if !ok {
		d, ok = c.load(issuer)
	}
	if !ok || !c.now().Before(d.Expires) || d.Issuer != issuer {
		return nil, time.Time{}, false
	}
	return d.Body, d.Fetched, true
}

// Put keeps body, the answer to issuer's discovery request with header h,
// when it may be kept.
func (c *DiscoveryCache) Put(issuer string, body []byte, h http.Header) {
	if c == nil || len(body) > maxCachedDocument {
		return
	}
	issuer = strings.TrimSuffix(issuer, "/")
	var doc struct {
		Issuer string `json:"issuer"`
	}
	if json.Unmarshal(body, &doc) != nil || strings.TrimSuffix(doc.Issuer, "/") != issuer {
		return // not the issuer's own document: never kept
	}
	ttl, ok := maxAge(h.Get("Cache-Control"))
	if !ok {
		return
	}
	now := c.now()
	d := cachedDiscovery{Issuer: issuer, Fetched: now, Expires: now.Add(ttl), Body: bytes.Clone(body)}
	c.mu.Lock()
	if c.mem == nil {
		c.mem = map[string]cachedDiscovery{}
	}
	c.mem[issuer] = d
	c.mu.Unlock()
	c.save(d)
}

// Forget drops issuer's document (memory and disk).
func (c *DiscoveryCache) Forget(issuer string) {
	if c == nil {
		return
	}
	issuer = strings.TrimSuffix(issuer, "/")
	c.mu.Lock()
	delete(c.mem, issuer)
	c.mu.Unlock()
	if c.Dir != "" {
		os.Remove(c.file(issuer))
	}
}

// maxAge reads how long Cache-Control lets a document be kept; false for
// no-store or no-cache.
func maxAge(cc string) (time.Duration, bool) {
	ttl := DiscoveryTTL
	for _, part := range strings.Split(strings.ToLower(cc), ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "no-store", part == "no-cache":
			return 0, false
		case strings.HasPrefix(part, "max-age="):
			n, err := strconv.Atoi(strings.TrimPrefix(part, "max-age="))
			if err != nil || n <= 0 {
				return 0, false
			}
			ttl = min(time.Duration(n)*time.Second, 24*time.Hour)
		}
	}
	return ttl, true
}

func (c *DiscoveryCache) file(issuer string) string {
	sum := sha256.Sum256([]byte(issuer))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:12])+".json")
}

func (c *DiscoveryCache) load(issuer string) (cachedDiscovery, bool) {
	if c.Dir == "" {
		return cachedDiscovery{}, false
	}
	f, err := os.Open(c.file(issuer))
	if err != nil {
		return cachedDiscovery{}, false
	}
	defer f.Close()
	var d cachedDiscovery
	if json.NewDecoder(io.LimitReader(bufio.NewReader(f), 2*maxCachedDocument)).Decode(&d) != nil || d.Issuer != issuer {
		return cachedDiscovery{}, false
	}
	c.mu.Lock()
	if c.mem == nil {
		c.mem = map[string]cachedDiscovery{}
	}
	c.mem[issuer] = d
	c.mu.Unlock()
	return d, true
}

// save writes d to disk (best effort: a cache that cannot be written is
// only a cache), atomically.
func (c *DiscoveryCache) save(d cachedDiscovery) {
	if c.Dir == "" || os.MkdirAll(c.Dir, 0o700) != nil {
		return
	}
	b, err := json.Marshal(d)
	if err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.Dir, ".discovery-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err != nil || cerr != nil || os.Rename(tmp.Name(), c.file(d.Issuer)) != nil {
		os.Remove(tmp.Name())
	}
}

// cachedResponse is the answer to req from the cache: a 200 with the
// document, marked as served from it.
func cachedResponse(req *http.Request, body []byte, fetched time.Time) *http.Response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(CachedHeader, fetched.UTC().Format(time.RFC3339))
	return &http.Response{Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}

// CachedHeader marks an answer the discovery cache gave (its value: when
// the document was fetched); no server sends it.
const CachedHeader = "X-Ssodesk-Discovery-Cache"

// discovery answers a discovery request from the cache (read), or sends
// it and keeps a 200 answer; ok false when req is not one or there is no
// cache.
func (rt *roundTripper) discovery(req *http.Request) (*http.Response, error, bool) {
	iss := issuerOf(req)
	if iss == "" || rt.disco == nil {
		return nil, nil, false
	}
	if rt.discoRead && req.Context().Value(freshKey{}) == nil {
		if body, fetched, ok := rt.disco.Get(iss); ok {
			rt.trace.NoteCached(PurposeOf(req.Context()), req.URL.String(),
				"from ssodesk's discovery cache (read from the IdP at "+fetched.Local().Format("2006-01-02 15:04:05")+"): no request made")
			return cachedResponse(req, body, fetched), nil, true
		}
	}
	resp, err := rt.send(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err, true
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxCachedDocument+1))
	if rerr != nil || len(body) > maxCachedDocument {
		// Too large to keep (or cut short): the caller reads what is left
		// as it comes, with its bound and its error.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), errReader{rerr}, resp.Body), resp.Body}
		return resp, nil, true
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rt.disco.Put(iss, body, resp.Header)
	return resp, nil, true
}

type freshKey struct{}

// FreshDiscovery marks ctx's requests as needing the IdP's own discovery
// answer, never the cache's (a check, a health probe: a cached document
// must never hide a failure). The answer still fills the cache.
func FreshDiscovery(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshKey{}, true)
}

// errReader fails with err (nothing when nil).
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return 0, io.EOF
}
