package transport

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// discoveryServer answers discovery with its own issuer and cacheControl,
// counting the requests.
func discoveryServer(t *testing.T, cacheControl string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":"%s/keys"}`, srv.URL, srv.URL)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func getDiscovery(t *testing.T, c *http.Client, ctx context.Context, issuer string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/openid-configuration", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A login's second read of a document is the cache's, across runs (the
// disk), recorded as such in the trace; a fresh read (a check) asks the
// IdP; Forget and expiry ask again; no-store is never kept.
func TestDiscoveryCache(t *testing.T) {
	srv, n := discoveryServer(t, "")
	dir := filepath.Join(t.TempDir(), "discovery")
	now := time.Now()
	clock := func() time.Time { return now }
	tr := NewTrace()
	c, _ := NewClient(Options{Trace: tr, Discovery: &DiscoveryCache{Dir: dir, Now: clock}})
	first := getDiscovery(t, c, context.Background(), srv.URL)
	if second := getDiscovery(t, c, context.Background(), srv.URL); second != first || n.Load() != 1 {
		t.Fatalf("second read: %d requests, body %q", n.Load(), second)
	}
	if e := tr.Entries(); len(e) != 2 || !strings.Contains(e[1].Cached, "from ssodesk's discovery cache") || e[1].Warning != "" {
		t.Errorf("trace: %+v", e)
	}
	// another run: the disk
	c2, _ := NewClient(Options{Discovery: &DiscoveryCache{Dir: dir, Now: clock}})
	if getDiscovery(t, c2, context.Background(), srv.URL) != first || n.Load() != 1 {
		t.Errorf("another run read the IdP again: %d requests", n.Load())
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cache dir: %v %v", fi, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v", fi.Mode())
	}
	// a check asks the IdP
	getDiscovery(t, c, FreshDiscovery(context.Background()), srv.URL)
	if n.Load() != 2 {
		t.Errorf("a fresh read was served from the cache: %d requests", n.Load())
	}
	// Forget, then expiry
	DiscoveryOf(c).Forget(srv.URL)
	getDiscovery(t, c, context.Background(), srv.URL)
	now = now.Add(DiscoveryTTL + time.Second)
	getDiscovery(t, c, context.Background(), srv.URL)
	if n.Load() != 4 {
		t.Errorf("after Forget and expiry: %d requests, want 4", n.Load())
	}
}

func TestDiscoveryCacheRespectsTheAnswer(t *testing.T) {
	for _, tc := range []struct {
		cc   string
		kept bool
	}{{"no-store", false}, {"no-cache", false}, {"max-age=0", false}, {"public, max-age=600", true}} {
		srv, n := discoveryServer(t, tc.cc)
		c, _ := NewClient(Options{Discovery: &DiscoveryCache{}})
		getDiscovery(t, c, context.Background(), srv.URL)
		getDiscovery(t, c, context.Background(), srv.URL)
		if kept := n.Load() == 1; kept != tc.kept {
			t.Errorf("Cache-Control %q: %d requests", tc.cc, n.Load())
		}
	}
	// a document naming another issuer is never kept
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"issuer":"https://elsewhere.example"}`)
	}))
	defer other.Close()
	dc := &DiscoveryCache{}
	c, _ := NewClient(Options{Discovery: dc})
	getDiscovery(t, c, context.Background(), other.URL)
	if _, _, ok := dc.Get(other.URL); ok {
		t.Error("a document of another issuer was kept")
	}
}

// The probes' client (Untraced) shares the connections and fills the
// cache the login then reads.
func TestUntracedSharesConnectionsAndCache(t *testing.T) {
	srv, n := discoveryServer(t, "")
	tr := NewTrace()
	c, _ := NewClient(Options{Trace: tr, Discovery: &DiscoveryCache{}})
	probe := Untraced(c)
	getDiscovery(t, probe, FreshDiscovery(context.Background()), srv.URL)
	if len(tr.Entries()) != 0 {
		t.Errorf("the probe was traced")
	}
	getDiscovery(t, c, context.Background(), srv.URL)
	if n.Load() != 1 {
		t.Errorf("the login read discovery again after the probe: %d requests", n.Load())
	}
}

// The budget: exchanges that overlap count once on the critical path;
// those while the browser was open are beside it; a cached answer costs
// none.
func TestBudget(t *testing.T) {
	tr := NewTrace()
	t0 := time.Now()
	add := func(start, d time.Duration, newConn bool, cached string) {
		tr.add(&Entry{ID: tr.newID(), Start: t0.Add(start), Duration: d, NewConn: newConn, Cached: cached, Status: 200})
	}
	add(0, 100*time.Millisecond, true, "")                    // discovery on a new plain connection: 2
	add(0, 0, false, "from the cache")                        // cached: 0
	add(150*time.Millisecond, 50*time.Millisecond, false, "") // pre-flight: 1 ...
	add(160*time.Millisecond, 50*time.Millisecond, true, "")  // ... beside the JWKS on a new connection: 2 (the group's most)
	add(400*time.Millisecond, 50*time.Millisecond, false, "") // in the browser window: parallel 1
	add(900*time.Millisecond, 50*time.Millisecond, false, "") // token: 1
	b := tr.Budget(t0, t0.Add(300*time.Millisecond), t0.Add(800*time.Millisecond))
	if b != (Budget{Critical: 5, Parallel: 1, Requests: 5, Connections: 2, Cached: 1}) {
		t.Errorf("budget %+v", b)
	}
}
