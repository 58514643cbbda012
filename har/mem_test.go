package har

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// genHAR writes a HAR of n entries of about per bytes each, much as Chrome
// writes them: a body (1 KB of it), headers, and the rest in _initiator's
// stack (which the reader does not keep). Every tenth entry starts before
// the one ahead of it.
func genHAR(w io.Writer, n, per int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	body := strings.Repeat("b", 1<<10)
	frame := `{"functionName":"f","scriptId":"1","url":"https://app.test/app.js","lineNumber":1,"columnNumber":2},`
	stack := strings.Repeat(frame, max(0, per-1800)/len(frame))
	fmt.Fprint(bw, `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"id":"page_1","title":"t","startedDateTime":"2026-12-07T22:00:00.000Z","pageTimings":{}}],"entries":[`)
	t0 := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			bw.WriteString(",\n")
		}
		at := t0.Add(time.Duration(i) * time.Millisecond)
		if i%10 == 9 {
			at = at.Add(-5 * time.Millisecond)
		}
		fmt.Fprintf(bw, `{"_initiator":{"type":"script","stack":{"callFrames":[%s{}]}},"_resourceType":"fetch","pageref":"page_1","startedDateTime":%q,"time":12.5,`+
			`"request":{"method":"GET","url":"https://idp.test/connect/userinfo?n=%d","httpVersion":"http/2.0","headers":[{"name":"accept","value":"application/json"},{"name":"user-agent","value":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},`+
			`"response":{"status":200,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"content-type","value":"application/json"},{"name":"date","value":"Mon, 07 Dec 2026 22:00:00 GMT"}],"cookies":[],"content":{"size":1024,"mimeType":"application/json","text":"%s"},"redirectURL":"","headersSize":-1,"bodySize":-1,"_transferSize":1300,"_error":null},`+
			`"cache":{},"timings":{"blocked":0.5,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":11,"receive":0.9},"serverIPAddress":"192.0.2.10","connection":"443"}`,
			stack, at.Format("2006-01-02T15:04:05.000Z07:00"), i, body)
	}
	bw.WriteString("]}}\n")
	return bw.Flush()
}

// sampler is a reader that samples the heap every MB read.
type sampler struct {
	r        io.Reader
	n, next  int64
	peak     uint64
	memStats runtime.MemStats
}

func (s *sampler) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n >= s.next {
		s.next += 1 << 20
		runtime.ReadMemStats(&s.memStats)
		s.peak = max(s.peak, s.memStats.HeapAlloc)
	}
	return n, err
}

// TestMemory: a 50 MB HAR of 5,000 entries is read with the heap well under
// the file's size, while reading and after.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	// A low GC target: the peak then measures what is live, not how much
	// garbage the collector lets pile up (which differs under -race).
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(genHAR(pw, 5000, 10<<10)) }()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	s := &sampler{r: pr}
	lg, err := Read(s, "gen.har", Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	peak := int64(s.peak) - int64(before.HeapAlloc)
	t.Logf("read %d MB, %d entries: heap at most %.1f MB while reading, %.1f MB kept after; %.0f MB allocated in all",
		lg.Source.Size>>20, len(lg.Exchanges), float64(peak)/(1<<20), float64(kept)/(1<<20), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
	if len(lg.Exchanges) != 5000 || lg.Source.Size < 50e6 || len(lg.Problems) != 0 {
		t.Fatalf("%d exchanges, %d bytes, problems %q", len(lg.Exchanges), lg.Source.Size, lg.Problems)
	}
	if peak > lg.Source.Size/3 || kept > lg.Source.Size/3 { // what is kept is mostly the 1 KB bodies an Exchange holds
		t.Errorf("heap: %d bytes while reading, %d kept, for a file of %d", peak, kept, lg.Source.Size)
	}
	runtime.KeepAlive(lg)
}

// BenchmarkRead200MB reads a generated HAR of about 200 MB and 20,000
// entries (written once, to a temporary directory).
//
//	go test ./har -run '^$' -bench Read200MB -benchtime 3x
func BenchmarkRead200MB(b *testing.B) {
	if testing.Short() {
		b.Skip("writes and reads 200 MB")
	}
	// With b.Loop the function runs once: the file is written once.
	path := filepath.Join(b.TempDir(), "big.har")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := genHAR(f, 20000, 10<<10); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		lg, err := ReadFile(path, Options{})
		if err != nil || len(lg.Exchanges) != 20000 {
			b.Fatalf("%v, %d exchanges", err, len(lg.Exchanges))
		}
	}
}
