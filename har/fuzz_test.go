package har

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"ssodesk/safe"
)

// FuzzRead: any bytes read as a HAR give an error or a log, never a
// panic; the error and every problem are printable, the exchanges no more
// than the input could hold, each body within MaxBody, the problems
// within MaxProblems (and the line saying how many more).
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.har")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(harOf(entryJSON("https://a.test/\\u001b", `,"text":"QUJD","encoding":"base64"`))))
	f.Add([]byte(`{"log":{"entries":[{},{"x":[[[{}]]]}],"version":"1.1"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := Options{MaxBody: 256, MaxEntry: 4 << 10, MaxFile: 1 << 20}
		lg, err := Read(bytes.NewReader(data), "fuzz.har", o)
		if err != nil {
			if s := err.Error(); safe.Printable(s) != s {
				t.Fatalf("error %q is not printable", s)
			}
			return
		}
		if len(lg.Exchanges) > len(data)/2 || len(lg.Problems) > MaxProblems+1 || lg.Source.Size != int64(len(data)) {
			t.Fatalf("%d exchanges, %d problems, size %d from %d bytes", len(lg.Exchanges), len(lg.Problems), lg.Source.Size, len(data))
		}
		for _, p := range lg.Problems {
			if safe.Printable(p) != p {
				t.Fatalf("problem %q is not printable", p)
			}
		}
		for i, x := range lg.Exchanges {
			if x.ID != i+1 || x.URL == nil || len(x.RequestBody) > o.MaxBody || len(x.ResponseBody) > o.MaxBody {
				t.Fatalf("exchange %d: ID %d, URL %v, bodies %d and %d", i, x.ID, x.URL, len(x.RequestBody), len(x.ResponseBody))
			}
			_ = x.Query()
		}
	})
}
