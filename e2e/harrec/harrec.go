// Package harrec records what a headless Chromium tab sends and receives, from
// the DevTools protocol's Network events (through chromedp), and writes it as
// the HAR 1.2 document Chrome DevTools' "Export HAR" writes. It is test
// support: ssodesk's HAR reader is tested against files a real browser made,
// not files written by hand.
//
// Frames of other sites. Chromium's site isolation runs a cross-site iframe
// in its own renderer, as a separate DevTools target. chromedp (v0.22) sets
// Target.setAutoAttach with flatten on the tab but routes no message of a
// session it did not open itself, and has no cdp.WithExecutor any more; a
// second session opened with chromedp.WithTargetID comes too late for the
// frame's first requests (chromedp does not set waitForDebuggerOnStart, so
// the frame is not paused). So the recorder keeps the frames in the tab's
// process instead: ExecOptions turns site isolation off
// (--disable-site-isolation-trials, --disable-features=SitePerProcess,...),
// and every request of every frame then arrives on the tab's one session.
// What the HAR shows is made by the browser's network stack (redirects,
// cookies, X-Frame-Options, CORS, sec-fetch-*), which does not depend on
// it. With site isolation on (seen with Chromium 156), a cross-site frame's
// document request starts on the tab's session, but what the frame loads
// itself, and possibly the end of that request, arrive on the frame's own
// session; so when Target.attachedToTarget of type "iframe" shows up,
// WaitIdle returns ErrOutOfProcessFrame rather than a HAR that silently
// lacks them.
//
// Where the HAR differs from a DevTools export: log.browser and the
// response's _blockedReason and _corsErrorStatus are harrec's additions
// (ExportOptions.AsDevTools leaves them out); headers are sorted by name,
// not in wire order; request headersSize is -1 (the protocol no longer
// gives the request's header text); no _connectionId, content.compression
// or _serviceWorker* fields; WebSockets are not recorded.
package harrec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// MaxBody bounds each response and request body kept; a longer one is cut
// (the content's size still says how long it was).
const MaxBody = 8 << 20

// MaxEntries bounds the requests kept; later ones are counted, not kept.
const MaxEntries = 20000

// MaxBodies bounds the bytes of all bodies kept; once over, no more bodies
// are fetched (DevTools too keeps a bounded buffer).
const MaxBodies = 256 << 20

// Options are the Recorder's settings. Zero values are the defaults.
type Options struct {
	Creator string // log.creator.name, default "ssodesk-e2e-harrec"
}

// ExportOptions choose how HAR writes the log.
type ExportOptions struct {
	// WithoutSensitive exports as Chrome 130+ does by default ("Export HAR
	// (sanitized)"): no Cookie, Set-Cookie or Authorization headers, request
	// and response cookies arrays empty.
	WithoutSensitive bool
	// AsDevTools leaves out what harrec adds to DevTools' fields: log.browser,
	// response._blockedReason and response._corsErrorStatus (DevTools'
	// exporter, front_end/models/har/Log.ts, writes neither: its HAR of a
	// CORS failure says only status 0 and _error "net::ERR_FAILED").
	AsDevTools bool
}

// ErrOutOfProcessFrame: a frame ran in a renderer of its own (site isolation
// was on), so the requests it made after its document are not recorded.
var ErrOutOfProcessFrame = errors.New("harrec: a frame ran out of process (site isolation on): its own requests are not recorded; launch Chromium with harrec.ExecOptions")

// ExecOptions are the allocator options the recorder expects: headless, no
// sandbox when running as root, the given temporary profile, no background
// traffic, and site isolation off (see the package comment); then extra,
// which may add flags or replace these (e.g. chromedp.Flag(
// "host-resolver-rules", "MAP *.test 127.0.0.1, MAP * ~NOTFOUND") for names
// of different sites without DNS; over plain http to a name other than
// localhost, Chromium sends no sec-fetch-* headers unless the origins are
// listed in --unsafely-treat-insecure-origin-as-secure).
func ExecOptions(chromium, userDataDir string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	o := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(userDataDir),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("disable-features", "SitePerProcess,IsolateOrigins,OriginKeyedProcessesByDefault,Translate"),
		chromedp.Flag("password-store", "basic"),
	}
	if os.Geteuid() == 0 {
		o = append(o, chromedp.NoSandbox)
	}
	return append(o, extra...)
}

// Recorder records the requests of one tab and its frames.
type Recorder struct {
	ctx       context.Context // the listener's: canceled by Stop
	cancel    context.CancelFunc
	session   cdp.Session // the tab's, for getResponseBody
	creator   string
	browser   struct{ name, version string }
	mainFrame cdp.FrameID

	mu       sync.Mutex
	chains   map[network.RequestID]*chain // by request ID: the hops of a request
	order    []*hop                       // every hop, as they started
	pages    []*pageLoad
	dropped  int // requests not kept (MaxEntries)
	fetching int // bodies being fetched
	bodies   int // bytes of bodies kept
	last     time.Time
	oopif    []string // URLs of frames that ran out of process
	stopped  bool
	wg       sync.WaitGroup
}

// chain is one request ID: its hops (redirects make more) and the extra-info
// events, which the protocol sends in no fixed order with the others and
// which are matched to the hops by their rank.
type chain struct {
	hops      []*hop
	reqExtra  []*network.EventRequestWillBeSentExtraInfo
	respExtra []*network.EventResponseReceivedExtraInfo
}

// hop is one request on the wire (one HAR entry).
type hop struct {
	id        network.RequestID
	rank      int // its index in chain.hops
	page      *pageLoad
	wall      time.Time // wallTime at requestWillBeSent
	issued    float64   // monotonic seconds at requestWillBeSent
	typ       network.ResourceType
	frame     cdp.FrameID
	initiator *network.Initiator
	request   *network.Request
	response  *network.Response
	respAt    float64 // monotonic seconds of the response (-1: none)
	noExtra   bool    // the protocol says no extra-info events come for it
	endAt     float64 // monotonic seconds of its end (-1: not yet)
	done      bool
	failed    *network.EventLoadingFailed
	encoded   float64 // encodedDataLength at the end
	decoded   int64   // sum of dataReceived.dataLength
	body      []byte
	bodyB64   bool
	hasBody   bool
	bodyCut   bool
	post      []byte
	postAsked bool
}

// pageLoad is one top-level navigation (a HAR page).
type pageLoad struct {
	id          int
	req         network.RequestID // its main request
	url         string
	wall        time.Time
	start       float64 // monotonic seconds
	contentLoad float64 // monotonic seconds, -1: not yet
	load        float64
}

// Start starts recording the tab of chromedp context ctx (starting the
// browser and the tab if chromedp.Run has not yet): Network events of the
// tab and of the frames in its process, and Page events for the pages'
// timings. Stop ends it; the recorder cannot be restarted.
func Start(ctx context.Context, o Options) (*Recorder, error) {
	if chromedp.FromContext(ctx) == nil {
		return nil, errors.New("harrec: not a chromedp context")
	}
	if err := chromedp.Do(ctx); err != nil { // starts the browser and the tab
		return nil, fmt.Errorf("harrec: starting the tab: %w", err)
	}
	c := chromedp.FromContext(ctx)
	lctx, cancel := context.WithCancel(ctx)
	r := &Recorder{
		ctx: lctx, cancel: cancel, session: c.Target, creator: o.Creator,
		mainFrame: cdp.FrameID(c.Target.TargetID),
		chains:    map[network.RequestID]*chain{}, last: time.Now(),
	}
	if r.creator == "" {
		r.creator = "ssodesk-e2e-harrec"
	}
	if v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{}); err == nil {
		r.browser.name, r.browser.version, _ = strings.Cut(v.Product, "/")
	}
	if err := chromedp.Listen(lctx, r.event); err != nil {
		cancel()
		return nil, fmt.Errorf("harrec: listening: %w", err)
	}
	total, per := int64(256<<20), int64(2*MaxBody)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{MaxTotalBufferSize: &total, MaxResourceBufferSize: &per}); err != nil {
		cancel()
		return nil, fmt.Errorf("harrec: Network.enable: %w", err)
	}
	if _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); err != nil {
		cancel()
		return nil, fmt.Errorf("harrec: Page.enable: %w", err)
	}
	return r, nil
}

// Stop stops recording and waits for the bodies being fetched. HAR still
// returns what was recorded.
func (r *Recorder) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

// WaitIdle waits until no request is in flight, every body is fetched and
// no event came for quiet, or ctx ends (an error naming what is still in
// flight). It returns ErrOutOfProcessFrame (wrapped) if a frame ran out of
// process.
func (r *Recorder) WaitIdle(ctx context.Context, quiet time.Duration) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r.mu.Lock()
		busy := r.busy()
		idle := busy == "" && time.Since(r.last) >= quiet
		oopif := append([]string(nil), r.oopif...)
		r.mu.Unlock()
		if len(oopif) > 0 { // its requests end on a session not recorded: no use waiting
			return fmt.Errorf("%w: %s", ErrOutOfProcessFrame, strings.Join(oopif, ", "))
		}
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("harrec: not idle (%s): %w", busy, ctx.Err())
		case <-tick.C:
		}
	}
}

// busy says what is in flight ("" when nothing). r.mu is held.
func (r *Recorder) busy() string {
	var open []string
	for _, h := range r.order {
		if !h.done {
			open = append(open, h.request.URL)
		}
	}
	switch {
	case len(open) > 0:
		return fmt.Sprintf("%d requests in flight: %s", len(open), strings.Join(open[:min(len(open), 5)], " "))
	case r.fetching > 0:
		return fmt.Sprintf("%d bodies being fetched", r.fetching)
	}
	return ""
}

// event is the chromedp listener: it runs on the tab's reading goroutine,
// so it only records, and starts goroutines for what needs a command.
func (r *Recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	r.last = time.Now()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.requestWillBeSent(e)
	case *network.EventRequestWillBeSentExtraInfo:
		if c := r.extraChain(e.RequestID); c != nil {
			c.reqExtra = append(c.reqExtra, e)
		}
	case *network.EventResponseReceivedExtraInfo:
		if c := r.extraChain(e.RequestID); c != nil {
			c.respExtra = append(c.respExtra, e)
		}
	case *network.EventResponseReceived:
		if h := r.current(e.RequestID); h != nil {
			h.response, h.respAt, h.noExtra = e.Response, float64(e.Timestamp), !e.HasExtraInfo
			if e.Type != "" {
				h.typ = e.Type
			}
		}
	case *network.EventDataReceived:
		if h := r.current(e.RequestID); h != nil && !h.done {
			h.decoded += e.DataLength
		}
	case *network.EventLoadingFinished:
		if h := r.current(e.RequestID); h != nil && !h.done {
			h.endAt, h.encoded = float64(e.Timestamp), e.EncodedDataLength
			r.finish(h, wantsBody(h))
		}
	case *network.EventLoadingFailed:
		if h := r.current(e.RequestID); h != nil && !h.done {
			h.endAt, h.failed = float64(e.Timestamp), e
			if e.Type != "" {
				h.typ = e.Type
			}
			r.finish(h, false)
		}
	case *page.EventDomContentEventFired:
		if p := r.page(); p != nil && p.contentLoad < 0 {
			p.contentLoad = float64(e.Timestamp)
		}
	case *page.EventLoadEventFired:
		if p := r.page(); p != nil && p.load < 0 {
			p.load = float64(e.Timestamp)
		}
	case *target.EventAttachedToTarget:
		if e.TargetInfo != nil && e.TargetInfo.Type == "iframe" {
			r.oopif = append(r.oopif, cmp.Or(e.TargetInfo.URL, "(no URL yet)")) // the URL when attached: often none
		}
	}
}

func (r *Recorder) chain(id network.RequestID) *chain {
	c := r.chains[id]
	if c == nil {
		c = &chain{}
		r.chains[id] = c
	}
	return c
}

// extraChain is the chain an extra-info event goes to: nil once the
// recorder keeps no more requests (and has none of that ID).
func (r *Recorder) extraChain(id network.RequestID) *chain {
	if c := r.chains[id]; c != nil || len(r.order) < MaxEntries {
		return r.chain(id)
	}
	return nil
}

// current is the last hop of request id (nil if none or not kept).
func (r *Recorder) current(id network.RequestID) *hop {
	if c := r.chains[id]; c != nil && len(c.hops) > 0 {
		return c.hops[len(c.hops)-1]
	}
	return nil
}

func (r *Recorder) page() *pageLoad {
	if len(r.pages) == 0 {
		return nil
	}
	return r.pages[len(r.pages)-1]
}

func (r *Recorder) requestWillBeSent(e *network.EventRequestWillBeSent) {
	c := r.chain(e.RequestID)
	if prev := r.current(e.RequestID); prev != nil && e.RedirectResponse != nil {
		// The previous hop ends with its redirect response, as in DevTools.
		prev.response, prev.respAt, prev.noExtra = e.RedirectResponse, float64(e.Timestamp), !e.RedirectHasExtraInfo
		prev.endAt, prev.encoded, prev.done = float64(e.Timestamp), e.RedirectResponse.EncodedDataLength, true
	}
	if len(r.order) >= MaxEntries {
		r.dropped++
		return
	}
	h := &hop{
		id: e.RequestID, rank: len(c.hops), wall: wallTime(e.WallTime), issued: float64(e.Timestamp),
		typ: e.Type, frame: e.FrameID, initiator: e.Initiator, request: e.Request, respAt: -1, endAt: -1,
	}
	// A page per top-level navigation: the main frame's document request
	// (its first hop; a redirect stays in its page).
	if e.Type == network.ResourceTypeDocument && e.FrameID == r.mainFrame && e.RedirectResponse == nil && string(e.LoaderID) == string(e.RequestID) {
		r.pages = append(r.pages, &pageLoad{id: len(r.pages) + 1, req: e.RequestID, wall: h.wall, start: h.issued, contentLoad: -1, load: -1})
	}
	h.page = r.page()
	if p := h.page; p != nil && p.req == e.RequestID {
		p.url = e.Request.URL + e.Request.URLFragment // DevTools names a page by its main request's last URL
	}
	c.hops = append(c.hops, h)
	r.order = append(r.order, h)
	if e.Request.HasPostData && len(e.Request.PostDataEntries) == 0 {
		h.postAsked = true
		r.fetch(func(ctx context.Context) {
			res, err := cdp.Call(ctx, r.session, network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: e.RequestID})
			r.mu.Lock()
			defer r.mu.Unlock()
			if err == nil {
				h.post = cut(res.PostData)
			}
		})
	}
}

// finish ends h, and fetches its body if it is wanted. r.mu is held.
func (r *Recorder) finish(h *hop, body bool) {
	h.done = true
	if !body || r.bodies >= MaxBodies {
		return
	}
	r.fetch(func(ctx context.Context) {
		res, err := cdp.Call(ctx, r.session, network.GetResponseBody, network.GetResponseBodyParams{RequestID: h.id})
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil { // left out, as DevTools does
			return
		}
		h.hasBody, h.bodyB64 = true, res.Base64encoded
		h.bodyCut = len(res.Body) > MaxBody
		h.body = cut(res.Body)
		r.bodies += len(h.body)
	})
}

// fetch runs a command for the recorder on its own goroutine (a listener
// must not wait for a reply: the goroutine that would read it is the one
// calling the listener). r.mu is held.
func (r *Recorder) fetch(f func(ctx context.Context)) {
	r.fetching++
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		defer cancel()
		f(ctx)
		r.mu.Lock()
		r.fetching--
		r.last = time.Now()
		r.mu.Unlock()
	}()
}

func cut(b []byte) []byte {
	if len(b) > MaxBody {
		return b[:MaxBody]
	}
	return b
}

// wantsBody: the bodies DevTools keeps that a diagnosis reads: documents,
// XHR and fetch responses, and any text.
func wantsBody(h *hop) bool {
	switch h.typ {
	case network.ResourceTypeDocument, network.ResourceTypeXHR, network.ResourceTypeFetch:
		return true
	}
	if h.response == nil {
		return false
	}
	mt := strings.ToLower(h.response.MimeType)
	return strings.HasPrefix(mt, "text/") || strings.Contains(mt, "json") || strings.Contains(mt, "javascript") || strings.Contains(mt, "xml")
}

func wallTime(t cdp.TimeSinceEpoch) time.Time {
	sec := float64(t)
	return time.Unix(0, int64(sec*1e9)).UTC()
}

// sortedHops is every kept hop by start time (stable). r.mu is held.
func (r *Recorder) sortedHops() []*hop {
	hs := append([]*hop(nil), r.order...)
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].wall.Before(hs[j].wall) })
	return hs
}

// ChromiumPath is the Chromium the tests use: $CHROMEBROWSER_CHROMIUM, or
// /usr/bin/chromium (as e2e's tests).
func ChromiumPath() string {
	if p := os.Getenv("CHROMEBROWSER_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// RequireChromium returns ChromiumPath, or skips the test when it is not
// there, or fails it when SSODESK_REQUIRE_E2E=1 (e2e's requireTool rule: CI
// cannot turn the browser tests into silent skips).
func RequireChromium(t testing.TB) string {
	t.Helper()
	path := ChromiumPath()
	_, err := exec.LookPath(path)
	if err == nil {
		return path
	}
	reason := fmt.Sprintf("chromium is not usable at %s: %v", path, err)
	if require, _ := strconv.ParseBool(os.Getenv("SSODESK_REQUIRE_E2E")); require {
		t.Fatalf("%s; SSODESK_REQUIRE_E2E is set, so this end-to-end test must run", reason)
	}
	t.Skipf("skipping: %s (set SSODESK_REQUIRE_E2E=1 to make this a failure)", reason)
	return ""
}
