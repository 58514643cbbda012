package har

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"ssodesk/safe"
)

func entryJSON(url, extra string) string {
	return `{"startedDateTime":"2026-12-07T22:00:00Z","time":1,"request":{"method":"GET","url":"` + url + `","headers":[]},` +
		`"response":{"status":200,"headers":[],"content":{"size":0,"mimeType":"text/plain"` + extra + `}}}`
}

func harOf(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`
}

func TestBadInput(t *testing.T) {
	chrome, err := os.ReadFile("testdata/chrome.har")
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 200<<10)
	tests := []struct {
		name, in string
		o        Options
		err      string // a substring of the error ("" : none)
		problem  string // a substring of a problem ("" : none wanted)
		check    func(t *testing.T, lg *Log)
	}{
		{name: "not JSON", in: "<html>nope</html>", err: "bad.har: is not valid JSON in the HAR: invalid character '<' looking for beginning of value (at byte 0)"},
		{name: "bad entry", in: `{"log":{"entries":[{"a":1},{"b":x}]}}`, err: "is not valid JSON in entry 2: invalid character 'x' looking for beginning of value (in the value starting at byte 27)"},
		{name: "no comma", in: `{"log":{"entries":[{"a":1} {"b":2}]}}`, err: "entry 2: expected comma after array element (in the value starting at byte 27)"},
		{name: "empty", in: "", err: "is empty"},
		{name: "only spaces", in: "  \n", err: "truncated"},
		{name: "truncated", in: string(chrome[:len(chrome)/2]), err: "truncated (at byte"},
		{name: "not an object", in: `[{"log":{}}]`, err: "not a JSON object (at byte 0)"},
		{name: "no log", in: `{"entries":[]}`, err: "no log object"},
		{name: "log not an object", in: `{"log":[]}`, err: "log is not an object (at byte 6)"},
		{name: "no entries", in: `{"log":{"version":"1.2","pages":[]}}`, err: "its log has no entries"},
		{name: "entries not an array", in: `{"log":{"entries":{}}}`, err: "log.entries is not an array"},
		{name: "HAR 1.1", in: strings.Replace(harOf(entryJSON("https://a.test/", "")), `"1.2"`, `"1.1"`, 1), problem: "HAR 1.1: read as 1.2",
			check: func(t *testing.T, lg *Log) { wantN(t, lg, 1) }},
		{name: "HAR 2.0", in: strings.Replace(harOf(), `"1.2"`, `"2.0"`, 1), err: `is HAR version "2.0"`},
		{name: "version a number", in: strings.Replace(harOf(), `"1.2"`, `1.2`, 1), check: func(t *testing.T, lg *Log) {
			if lg.Source.Version != "1.2" {
				t.Errorf("version %q", lg.Source.Version)
			}
		}},
		{name: "entry too big, then one that fits", in: harOf(entryJSON("https://a.test/big", `,"text":"`+big+`"`), entryJSON("https://a.test/ok", "")),
			o: Options{MaxEntry: 64 << 10}, problem: "entry 1 (at byte 72): larger than the limit of 64 KB: skipped",
			check: func(t *testing.T, lg *Log) {
				wantN(t, lg, 1)
				if lg.Exchanges[0].RawURL != "https://a.test/ok" || lg.Source.Entries != 2 {
					t.Errorf("after the skip: %q, %d entries", lg.Exchanges[0].RawURL, lg.Source.Entries)
				}
			}},
		{name: "last entry too big, log keys after it", in: strings.Replace(harOf(entryJSON("https://a.test/ok", ""), entryJSON("https://a.test/big", `,"text":"a\"]}`+big+`"`)),
			`]}}`, `],"pages":[{},{}]}}`, 1), o: Options{MaxEntry: 64 << 10}, problem: "entry 2 (at byte",
			check: func(t *testing.T, lg *Log) {
				wantN(t, lg, 1)
				if lg.Source.Pages != 2 {
					t.Errorf("pages after the skip: %d", lg.Source.Pages)
				}
			}},
		{name: "too big and truncated", in: harOf(entryJSON("https://a.test/big", `,"text":"`+big))[:150<<10], o: Options{MaxEntry: 64 << 10}, err: "truncated"},
		{name: "file too big", in: harOf(entryJSON("https://a.test/", `,"text":"`+big+`"`)), o: Options{MaxFile: 100 << 10}, err: "larger than the limit of 100 KB"},
		{name: "deep nesting", in: `{"log":{"entries":[{"x":` + strings.Repeat("[", 20000), err: "entry 1"},
		{name: "deep nesting, closed", in: harOf(`{"_x":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`),
			problem: "request.url is missing", check: func(t *testing.T, lg *Log) { wantN(t, lg, 1) }},
		{name: "invalid UTF-8", in: harOf(entryJSON("https://a.test/\xff\xfe", ",\"text\":\"\xc3\"")), check: func(t *testing.T, lg *Log) {
			wantN(t, lg, 1)
			if x := lg.Exchanges[0]; !strings.Contains(x.RawURL, "\uFFFD") || x.ResponseBody != "\uFFFD" {
				t.Errorf("URL %q, body %q", x.RawURL, x.ResponseBody)
			}
		}},
		{name: "escape sequences", in: strings.Replace(harOf(entryJSON(`https://a.test/\u001b[2J`, `,"text":"\u001b]0;owned\u0007"`)),
			`"2026-12-07T22:00:00Z"`, `"\u001b[31mred\u009b"`, 1), problem: `startedDateTime "\x1b[31mred\u009b" is not a date`,
			check: func(t *testing.T, lg *Log) {
				if x := lg.Exchanges[0]; x.RawURL != "https://a.test/\x1b[2J" {
					t.Errorf("the exchange keeps what the file says: %q", x.RawURL)
				}
			}},
		{name: "escape in the error", in: "{\"log\":{\"entries\":[\x1b[31m", err: "entry 1"},
		{name: "bad base64", in: harOf(entryJSON("https://a.test/", `,"text":"!!!!","encoding":"base64"`)), problem: "entry 1: response.content.text is not valid base64"},
		{name: "wrong type", in: harOf(strings.Replace(entryJSON("https://a.test/", ""), `"status":200`, `"status":"200"`, 1)),
			problem: "entry 1: response.status is string", check: func(t *testing.T, lg *Log) {
				if x := lg.Exchanges[0]; x.RawURL != "https://a.test/" || x.Status != 0 {
					t.Errorf("read in part: %+v", x)
				}
			}},
		{name: "status out of range", in: harOf(strings.Replace(entryJSON("https://a.test/", ""), `"status":200`, `"status":1e300`, 1)), problem: "is not an HTTP status"},
		{name: "body cut", in: harOf(entryJSON("https://a.test/", `,"text":"`+strings.Repeat("é", 600)+`"`)), o: Options{MaxBody: 1001},
			problem: "entry 1: response.content.text is longer than 1001 bytes: cut", check: func(t *testing.T, lg *Log) {
				if b := lg.Exchanges[0].ResponseBody; len(b) != 1000 || strings.ContainsRune(b, '\uFFFD') {
					t.Errorf("cut body: %d bytes", len(b))
				}
			}},
		{name: "base64 body cut", in: harOf(entryJSON("https://a.test/", `,"encoding":"base64","text":"`+strings.Repeat("QUJD", 1000)+`"`)), o: Options{MaxBody: 100},
			problem: "cut", check: func(t *testing.T, lg *Log) {
				if b := lg.Exchanges[0].ResponseBody; b != strings.Repeat("ABC", 34)[:100] {
					t.Errorf("cut body: %q", b)
				}
			}},
		{name: "trailing data", in: harOf() + "garbage", problem: "more after the HAR"},
		{name: "many problems", in: harOf(strings.Split(strings.Repeat(`{},`, 1000)+`{}`, ",")...), check: func(t *testing.T, lg *Log) {
			wantN(t, lg, 1001)
			if len(lg.Problems) != MaxProblems+1 || !strings.Contains(lg.Problems[MaxProblems], "more problems") {
				t.Errorf("%d problems, last %q", len(lg.Problems), lg.Problems[len(lg.Problems)-1])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg, err := Read(strings.NewReader(tt.in), "bad.har", tt.o)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "bad.har") {
					t.Fatalf("err = %v, want one naming bad.har with %q", err, tt.err)
				}
				if safe.Printable(err.Error()) != err.Error() {
					t.Errorf("error %q is not printable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			found := tt.problem == ""
			for _, p := range lg.Problems {
				found = found || strings.Contains(p, tt.problem)
				if safe.Printable(p) != p {
					t.Errorf("problem %q is not printable", p)
				}
			}
			if !found {
				t.Errorf("problems %q, want one with %q", lg.Problems, tt.problem)
			}
			if tt.check != nil {
				tt.check(t, lg)
			}
		})
	}
}

func wantN(t *testing.T, lg *Log, n int) {
	t.Helper()
	if len(lg.Exchanges) != n {
		t.Fatalf("%d exchanges, want %d (problems %q)", len(lg.Exchanges), n, lg.Problems)
	}
}

// TestHugeEntry: an entry far larger than MaxEntry (a 1 GB one at the
// defaults, scaled down here) is skipped holding no more than MaxEntry.
func TestHugeEntry(t *testing.T) {
	const body = 64 << 20
	head := `{"log":{"version":"1.2","entries":[{"request":{"url":"https://a.test/huge"},"response":{"content":{"text":"`
	tail := `"}}},` + entryJSON("https://a.test/after", "") + `]}}`
	r := &sampler{r: io.MultiReader(strings.NewReader(head), io.LimitReader(repeat('x'), body), strings.NewReader(tail))}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	lg, err := Read(r, "huge.har", Options{MaxEntry: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	peak := int64(r.peak) - int64(before.HeapAlloc)
	t.Logf("heap at most %.1f MB above the start", float64(peak)/(1<<20))
	if peak > 8<<20 {
		t.Errorf("heap grew by %d bytes skipping a 64 MB entry with MaxEntry 1 MB", peak)
	}
	wantN(t, lg, 1)
	if lg.Source.Size != int64(len(head)+body+len(tail)) || !strings.Contains(strings.Join(lg.Problems, "\n"), "entry 1 (at byte 35): larger than the limit of 1 MB") {
		t.Errorf("size %d, problems %q", lg.Source.Size, lg.Problems)
	}
}

type repeat byte

func (c repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// TestNotAFile: what is not a regular file is refused at once, naming it.
func TestNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.har")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.har")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, tt := range []struct{ path, want string }{
		{dir, "is a directory"},
		{"/dev/zero", "is a character device"},
		{fifo, "is a FIFO"},
		{sock, "is a socket"},
		{filepath.Join(dir, "missing.har"), "cannot open: no such file"},
	} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(tt.path, Options{}); done <- err }()
		select {
		case err := <-done:
			var he *Error
			if !errors.As(err, &he) || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: err = %v, want %q", tt.path, err, tt.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: ReadFile waits", tt.path)
		}
	}
}

// TestSource: the hash and size are those of the bytes read, whitespace
// after the HAR included.
func TestSource(t *testing.T) {
	in := harOf(entryJSON("https://a.test/", "")) + "\n\n\n"
	lg, err := Read(bytes.NewReader([]byte(in)), "-", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// sha256 of in, computed separately
	if lg.Source.Size != int64(len(in)) || lg.Source.Name != "-" || lg.Source.Entries != 1 || len(lg.Problems) != 0 {
		t.Errorf("source %+v problems %q", lg.Source, lg.Problems)
	}
	if want := sha(in); lg.Source.SHA256 != want {
		t.Errorf("sha256 %s, want %s", lg.Source.SHA256, want)
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
