package health

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"ssodesk/config"
)

func TestCache(t *testing.T) {
	a := newIDP(t, false, 0, nil)
	b := newIDP(t, false, 0, nil)
	hits := func() (int64, int64) { return a.hits.Load(), b.hits.Load() }
	c := NewCache(nil, []config.Region{a.region("eu"), b.region("us")}, Options{}, time.Hour)

	if res, ok := c.Peek(); ok || res != nil {
		t.Errorf("Peek before any probe: %v, %v", res, ok)
	}
	res := c.Get(context.Background())
	if len(res) != 2 || res[0].Region != "eu" || res[1].Region != "us" || res[0].Status != StatusOK {
		t.Fatalf("first Get: %+v", res)
	}
	if x, y := hits(); x != 1 || y != 1 {
		t.Fatalf("first Get: %d, %d requests, want 1, 1", x, y)
	}

	// Within ttl: no request; the caller's copy is its own.
	res[0].Status = "scribbled"
	again := c.Get(context.Background())
	if x, y := hits(); x != 1 || y != 1 {
		t.Errorf("second Get within ttl: %d, %d requests, want 1, 1", x, y)
	}
	if again[0].Status != StatusOK || !again[0].CheckedAt.Equal(res[0].CheckedAt) {
		t.Errorf("second Get: %+v", again[0])
	}
	if p, ok := c.Peek(); !ok || len(p) != 2 || p[0].Status != StatusOK {
		t.Errorf("Peek: %v, %v", p, ok)
	}

	// Refresh probes whatever the age.
	c.Refresh(context.Background())
	if x, y := hits(); x != 2 || y != 2 {
		t.Errorf("after Refresh: %d, %d requests, want 2, 2", x, y)
	}
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// gatedIDP answers discovery once release is closed; every request it
// receives is also sent on arrived (buffered: the test need not read it).
type gatedIDP struct {
	*idp
	arrived chan struct{}
	release chan struct{}
}

func newGatedIDP(t *testing.T) *gatedIDP {
	t.Helper()
	g := &gatedIDP{idp: &idp{}, arrived: make(chan struct{}, 100), release: make(chan struct{})}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.hits.Add(1)
		select {
		case g.arrived <- struct{}{}:
		default:
		}
		select {
		case <-g.release:
		case <-r.Context().Done():
			return
		}
		_, body := discovery(self(r))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	t.Cleanup(g.Server.Close)
	t.Cleanup(g.open) // a test that fails early must not leave the handler blocked
	return g
}

// open lets every request through, now and later (once only).
func (g *gatedIDP) open() {
	select {
	case <-g.release:
	default:
		close(g.release)
	}
}

// The results are kept for ttl by the cache's clock: just under it no
// request, at it a new probe.
func TestCacheExpires(t *testing.T) {
	a := newIDP(t, false, 0, nil)
	clock := newFakeClock()
	c := NewCache(nil, []config.Region{a.region("eu")}, Options{}, 30*time.Second)
	c.Now = clock.Now
	first := c.Get(context.Background())
	clock.Advance(30*time.Second - time.Nanosecond)
	if c.Get(context.Background()); a.hits.Load() != 1 {
		t.Errorf("Get just before ttl: %d requests, want 1", a.hits.Load())
	}
	clock.Advance(time.Nanosecond)
	again := c.Get(context.Background())
	if n := a.hits.Load(); n != 2 {
		t.Errorf("Get at ttl: %d requests, want 2", n)
	}
	if first[0].Status != StatusOK || again[0].Status != StatusOK {
		t.Errorf("Get at ttl returned %+v, the first probe %+v", again[0], first[0])
	}
	// The new results are the fresh ones: kept for another ttl.
	clock.Advance(time.Second)
	if c.Get(context.Background()); a.hits.Load() != 2 {
		t.Errorf("Get after the new probe: %d requests, want 2", a.hits.Load())
	}
}

// Callers arriving while a probe is under way join it; the probe is held at
// the IdP until all 19 have joined, whatever the scheduler does.
func TestCacheSharesOneProbe(t *testing.T) {
	a, b := newGatedIDP(t), newGatedIDP(t)
	c := NewCache(nil, []config.Region{a.region("eu"), b.region("us")}, Options{}, time.Hour)
	joined := make(chan struct{}, 20)
	c.joined = func() { joined <- struct{}{} }
	var wg sync.WaitGroup
	results := make([][]Result, 20)
	for i := range results {
		wg.Go(func() {
			if i%5 == 4 {
				results[i] = c.Refresh(context.Background()) // joins the probe under way
			} else {
				results[i] = c.Get(context.Background())
			}
		})
	}
	for range len(results) - 1 {
		<-joined
	}
	a.open()
	b.open()
	wg.Wait()
	if x, y := a.hits.Load(), b.hits.Load(); x != 1 || y != 1 {
		t.Errorf("20 concurrent callers made %d, %d requests, want 1, 1", x, y)
	}
	for i, r := range results {
		if len(r) != 2 || r[0].Status != StatusOK || !r[0].CheckedAt.Equal(results[0][0].CheckedAt) {
			t.Errorf("caller %d: %+v", i, r)
		}
	}
}

// A caller whose context ends gets "canceled" at once; the shared probe goes
// on and its results are the next caller's.
func TestCacheCallerCancels(t *testing.T) {
	a := newGatedIDP(t)
	c := NewCache(nil, []config.Region{a.region("eu")}, Options{}, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-a.arrived; cancel() }() // the probe is at the IdP, held there
	res := c.Get(ctx)
	if len(res) != 1 || res[0].Status != StatusDown || res[0].Err != "canceled" {
		t.Errorf("Get with a cancelled context: %+v", res)
	}
	// The shared probe was not cancelled with the caller: it finishes.
	a.open()
	res = c.Get(context.Background())
	if res[0].Status != StatusOK || a.hits.Load() != 1 {
		t.Errorf("Get after: %+v, %d requests", res, a.hits.Load())
	}
}

// TestStreamGivesEachResultAsItComes: issue 22 item 10. With one region
// that does not answer yet, the answering one's result comes at once, not
// when the slowest probe returns; the hung one's when it answers; then the
// stream ends. A second caller joining the probe gets both as well, and a
// fresh cache streams its results without a request.
func TestStreamGivesEachResultAsItComes(t *testing.T) {
	fast := newIDP(t, false, 0, nil)
	release := make(chan struct{})
	hung := newIDP(t, false, 0, func(issuer string) (int, string) {
		<-release
		return discovery(issuer)
	})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open) // before the servers close
	c := NewCache(nil, []config.Region{hung.region("us"), fast.region("eu")}, Options{Timeout: time.Minute}, time.Hour)
	first := c.Stream(context.Background(), false)
	second := c.Stream(context.Background(), false) // joins the probe under way

	for _, ch := range []<-chan Result{first, second} {
		select {
		case r := <-ch:
			if r.Region != "eu" || r.Status != StatusOK {
				t.Fatalf("first result %+v, want eu ok", r)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no result while one region has not answered: the stream waits for the slowest")
		}
	}
	open()
	for _, ch := range []<-chan Result{first, second} {
		if r := <-ch; r.Region != "us" || r.Status != StatusOK {
			t.Errorf("second result %+v, want us ok", r)
		}
		if r, ok := <-ch; ok {
			t.Errorf("the stream goes on after every region: %+v", r)
		}
	}
	hits := fast.hits.Load()
	var got []string
	for r := range c.Stream(context.Background(), false) {
		got = append(got, r.Region)
	}
	if len(got) != 2 || got[0] != "us" || fast.hits.Load() != hits {
		t.Errorf("fresh cache streamed %v with %d new requests", got, fast.hits.Load()-hits)
	}
}
