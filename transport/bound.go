package transport

import (
	"fmt"
	"io"
	"net/http"
	"sync"
)

// MaxResponseBody bounds every response body a client of NewClient hands
// its caller (Options.MaxResponseBody changes it), counted after
// decompression: a discovery document, a UserInfo answer or an API body
// that never ends, or a small gzip body that expands to gigabytes, fails
// with a *BodyTooLargeError instead of filling the memory.
const MaxResponseBody = 8 << 20

// BodyTooLargeError: a server sent a response body larger than ssodesk
// reads.
type BodyTooLargeError struct {
	URL   string // redacted
	Limit int64  // bytes
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("the response of %s is larger than %s, more than ssodesk reads from a server "+
		"(a broken or hostile server, or a compressed body that expands without end); stopped reading it",
		e.URL, sizeText(e.Limit))
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// boundedBody returns at most limit bytes of rc, then the error.
type boundedBody struct {
	mu   sync.Mutex
	rc   io.ReadCloser
	left int64 // bytes still allowed
	err  *BodyTooLargeError
}

func bound(resp *http.Response, req *http.Request, limit int64) {
	if resp == nil || resp.Body == nil || resp.Body == http.NoBody || resp.StatusCode == http.StatusSwitchingProtocols {
		return
	}
	resp.Body = &boundedBody{rc: resp.Body, left: limit, err: &BodyTooLargeError{URL: RedactURL(req.URL.String()), Limit: limit}}
}

func (b *boundedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left <= 0 {
		// One byte more tells a body of exactly limit bytes from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		switch {
		case n > 0:
			return 0, b.err
		case err != nil:
			return 0, err
		}
		return 0, nil // nothing yet; the caller reads again
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error { return b.rc.Close() }
