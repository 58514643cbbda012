package health

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"ssodesk/config"
)

// DefaultTTL is how long a Cache keeps results when NewCache is given ttl <= 0.
const DefaultTTL = 30 * time.Second

// Cache keeps the last probe's results for ttl, so a UI can show a health
// column on every render without probing every time. It is safe for
// concurrent use, and concurrent callers share one probe.
type Cache struct {
	// Now is the cache's clock, which decides the age of its results; nil
	// is time.Now. Tests set it (before the first Get) to age the results
	// without waiting.
	Now func() time.Time

	client  *http.Client
	regions []config.Region
	opts    Options
	ttl     time.Duration

	mu      sync.Mutex
	last    []Result  // results of the last finished probe
	at      time.Time // when it finished
	has     bool      // a probe has finished
	running *flight   // the probe under way, if any

	joined func() // tests: called (c.mu held) when a caller joins the probe under way
}

// flight is one probe under way; done is closed once res is set. got are
// the results known so far, in the order they came (c.mu guards it and
// more); more is closed, and replaced, whenever one comes, and at the end.
type flight struct {
	done chan struct{}
	res  []Result
	got  []Result
	more chan struct{}
}

// NewCache returns a cache that probes regions with client and o (see Probe)
// and keeps the results for ttl (<= 0: DefaultTTL). It does not probe until
// asked to.
func NewCache(client *http.Client, regions []config.Region, o Options, ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Cache{client: client, regions: slices.Clone(regions), opts: o, ttl: ttl}
}

// Get returns the cached results while they are younger than ttl, and probes
// otherwise (or when nothing was probed yet). Callers arriving while a probe
// is under way wait for it instead of starting another.
func (c *Cache) Get(ctx context.Context) []Result {
	c.mu.Lock()
	if c.has && c.now().Sub(c.at) < c.ttl {
		res := slices.Clone(c.last)
		c.mu.Unlock()
		return res
	}
	f := c.startLocked(ctx)
	c.mu.Unlock()
	return c.wait(ctx, f)
}

// Refresh probes now, whatever the age of the cached results; a probe
// already under way is joined rather than doubled.
func (c *Cache) Refresh(ctx context.Context) []Result {
	c.mu.Lock()
	f := c.startLocked(ctx)
	c.mu.Unlock()
	return c.wait(ctx, f)
}

// Peek returns the last results without probing; false when none yet.
func (c *Cache) Peek() ([]Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.last), c.has
}

// startLocked returns the probe under way, starting one if none is. The probe
// runs on its own goroutine with ctx's values but not its cancellation, since
// other callers may share it; it is bounded by Options.Timeout anyway.
func (c *Cache) startLocked(ctx context.Context) *flight {
	if c.running != nil {
		if c.joined != nil {
			c.joined()
		}
		return c.running
	}
	f := &flight{done: make(chan struct{}), more: make(chan struct{})}
	c.running = f
	pctx := context.WithoutCancel(ctx)
	go func() {
		res := make([]Result, len(c.regions))
		ProbeEach(pctx, c.client, c.regions, c.opts, func(i int, r Result) {
			res[i] = r
			c.mu.Lock()
			f.got = append(f.got, r)
			close(f.more)
			f.more = make(chan struct{})
			c.mu.Unlock()
		})
		c.mu.Lock()
		c.last, c.at, c.has, c.running = res, c.now(), true, nil
		f.res = res
		close(f.more)
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

// Stream is Get (refresh false) or Refresh (true) giving each region's
// result as soon as it is known, not once the slowest region answered: a
// fresh cache's results at once, else those of the probe it starts or
// joins (the ones already in, then each as it comes). The channel is closed
// after the last region's result, or when ctx ends. Its buffer holds every
// region's result, so the probe never waits for a slow reader.
func (c *Cache) Stream(ctx context.Context, refresh bool) <-chan Result {
	out := make(chan Result, len(c.regions))
	c.mu.Lock()
	if !refresh && c.has && c.now().Sub(c.at) < c.ttl {
		for _, r := range c.last {
			out <- r
		}
		c.mu.Unlock()
		close(out)
		return out
	}
	f := c.startLocked(ctx)
	c.mu.Unlock()
	go c.follow(ctx, f, out)
	return out
}

// follow sends f's results on out as they come, and closes out when f is
// done or ctx ends.
func (c *Cache) follow(ctx context.Context, f *flight, out chan<- Result) {
	defer close(out)
	next := 0
	for {
		c.mu.Lock()
		batch, more, finished := f.got[next:], f.more, f.res != nil
		next = len(f.got)
		c.mu.Unlock()
		for _, r := range batch {
			out <- r // never blocks: the buffer holds every region's result
		}
		if finished {
			return
		}
		select {
		case <-more:
		case <-ctx.Done():
			return
		}
	}
}

// now is c.Now(), or time.Now() when c.Now is nil.
func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// wait returns f's results, or, when ctx ends first, the last results (if
// any) or one "down: canceled" result per region.
func (c *Cache) wait(ctx context.Context, f *flight) []Result {
	select {
	case <-f.done:
		return slices.Clone(f.res)
	case <-ctx.Done():
	}
	if last, ok := c.Peek(); ok {
		return last
	}
	now := time.Now()
	out := make([]Result, len(c.regions))
	for i, r := range c.regions {
		out[i] = Result{Region: r.Name, Issuer: r.Issuer, Status: StatusDown, Err: "canceled", CheckedAt: now}
	}
	return out
}
