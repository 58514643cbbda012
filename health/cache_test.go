package health

import (
	"context"
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

func TestCacheExpires(t *testing.T) {
	a := newIDP(t, false, 0, nil)
	c := NewCache(nil, []config.Region{a.region("eu")}, Options{}, 50*time.Millisecond)
	c.Get(context.Background())
	time.Sleep(80 * time.Millisecond)
	c.Get(context.Background())
	if n := a.hits.Load(); n != 2 {
		t.Errorf("Get after ttl: %d requests, want 2", n)
	}
}

func TestCacheSharesOneProbe(t *testing.T) {
	a := newIDP(t, false, 200*time.Millisecond, nil)
	b := newIDP(t, false, 200*time.Millisecond, nil)
	c := NewCache(nil, []config.Region{a.region("eu"), b.region("us")}, Options{}, time.Hour)
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

func TestCacheCallerCancels(t *testing.T) {
	a := newIDP(t, false, 300*time.Millisecond, nil)
	c := NewCache(nil, []config.Region{a.region("eu")}, Options{}, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res := c.Get(ctx)
	if len(res) != 1 || res[0].Status != StatusDown || res[0].Err != "canceled" {
		t.Errorf("Get with a short context: %+v", res)
	}
	// The shared probe was not cancelled with the caller: it finishes.
	res = c.Get(context.Background())
	if res[0].Status != StatusOK || a.hits.Load() != 1 {
		t.Errorf("Get after: %+v, %d requests", res, a.hits.Load())
	}
}
