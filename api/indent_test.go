package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

var indentSeeds = []string{
	`{}`, `[]`, ` { } `, `{"a":1}`, `[1,2,[3,{}],{"b":[]}]`, "\t{\"a\" :\n \"x\\\"y\\u00e9\" , \"b\":[true,false,null]}\n\n", `"s"`, `12`,
	`-0.5e+10`, `01`, `1.`, `.5`, `-`, `1e`, `[1,]`, `{"a"}`, `{"a":}`, `{,}`, `[`, `"abc`, `"\x"`, `"\u12"`, "\"a\x01\"", `tru`, `truex`,
	`nul`, `[true false]`, "", " ", "\xef\xbb\xbf{}", `{"a":1}x`, `{"a":1} 2`, `{"é":"ø"}`, "\"\xff\xfe\"", `[1e5,2E-3,-0,0.0]`,
	nested(seedDepth), nested(seedDepth) + "x", strings.Repeat(`{"a":[`, seedDepth/2) + strings.Repeat("]}", seedDepth/2),
}

// seedDepth is the nesting of the deep seeds that are indented in full.
// Indented, n nested arrays take about n² bytes (100 MB at encoding/json's
// limit of 10,000, which took seconds three times over); the limit itself
// is TestIndentJSONDepthLimit's, which measures without writing.
const seedDepth = 300

// nested is n nested arrays, "[[…]]".
func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// nestedIndentedLen is the length of nested(n) indented: line k of the n
// opening lines is 2k spaces and "[" (the last one "[]"), then the n-1
// closing lines, 2k spaces and "]", with 2n-2 newlines between them.
func nestedIndentedLen(n int) int {
	return n*n + 1 + (n-1)*(n-1) + 2*n - 2
}

// checkIndent: measureJSON agrees with json.Valid, and indentJSON with
// json.Indent, on src.
func checkIndent(t *testing.T, src []byte) {
	n, ok := measureJSON(src)
	if valid := json.Valid(src); ok != valid {
		t.Fatalf("measureJSON(%.80q) valid = %v, json.Valid says %v", src, ok, valid)
	}
	if !ok {
		return
	}
	var want bytes.Buffer
	if err := json.Indent(&want, src, "", "  "); err != nil {
		t.Fatalf("json.Indent(%.80q): %v", src, err)
	}
	if got := indentJSON(src, n); got != want.String() || n != want.Len() {
		t.Fatalf("indentJSON(%.80q) =\n%.200q (n %d), want\n%.200q (%d bytes)", src, got, n, want.String(), want.Len())
	}
	var streamed bytes.Buffer
	if err := writeIndentedJSON(&streamed, src); err != nil || streamed.String() != want.String() {
		t.Fatalf("writeIndentedJSON(%.80q) = %.200q, %v", src, streamed.String(), err)
	}
}

// WritePretty writes what Pretty returns, also for big JSON (several chunks).
func TestWritePretty(t *testing.T) {
	big := `[` + strings.Repeat(`{"a":"`+strings.Repeat("x", 100)+`","b":[1,2,{}]},`, 3000) + `null]`
	for _, c := range []struct{ ct, body string }{{"application/json", big}, {"application/json", `{"a":1}`}, {"text/plain", "hi\n"},
		{"", "not json"}, {"application/octet-stream", "\x00\x01"}, {"application/json", ""}} {
		r := &Response{Body: []byte(c.body), Size: int64(len(c.body)), Header: http.Header{"Content-Type": {c.ct}}}
		var b bytes.Buffer
		if err := r.WritePretty(&b); err != nil || b.String() != r.Pretty() {
			t.Errorf("%s %.30q: WritePretty wrote %d bytes (%v), Pretty is %d", c.ct, c.body, b.Len(), err, len(r.Pretty()))
		}
	}
}

func TestIndentJSON(t *testing.T) {
	for _, s := range indentSeeds {
		checkIndent(t, []byte(s))
	}
}

// The indenter accepts what encoding/json accepts: nesting up to 10,000
// levels, not one more, and measures the indented text at the limit as
// json.Indent would write it (the formula is checked against json.Indent at
// small depths, where indenting in full is cheap).
func TestIndentJSONDepthLimit(t *testing.T) {
	for n := 1; n <= 40; n++ {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(nested(n)), "", "  "); err != nil || want.Len() != nestedIndentedLen(n) {
			t.Fatalf("depth %d: json.Indent wrote %d bytes (%v), the formula says %d", n, want.Len(), err, nestedIndentedLen(n))
		}
	}
	for _, c := range []struct {
		depth int
		valid bool
	}{{maxJSONDepth, true}, {maxJSONDepth + 1, false}, {maxJSONDepth + 2, false}} {
		src := []byte(nested(c.depth))
		if v := json.Valid(src); v != c.valid {
			t.Fatalf("json.Valid at depth %d = %v; encoding/json's limit moved, and maxJSONDepth with it", c.depth, v)
		}
		n, ok := measureJSON(src)
		if ok != c.valid {
			t.Errorf("measureJSON at depth %d: valid = %v, want %v", c.depth, ok, c.valid)
		}
		if ok && n != nestedIndentedLen(c.depth) {
			t.Errorf("measureJSON at depth %d: %d bytes, want %d", c.depth, n, nestedIndentedLen(c.depth))
		}
		// An object inside the deepest array is one level too many.
		deeper := []byte(strings.Repeat("[", c.depth) + "{}" + strings.Repeat("]", c.depth))
		if _, ok := measureJSON(deeper); ok != json.Valid(deeper) {
			t.Errorf("measureJSON with an object at depth %d: valid = %v, json.Valid says %v", c.depth+1, ok, !ok)
		}
	}
}

// FuzzIndentJSON compares the indenter with encoding/json on any input.
// Run: go test -run '^$' -fuzz FuzzIndentJSON ./api
func FuzzIndentJSON(f *testing.F) {
	for _, s := range indentSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkIndent)
}

// BenchmarkPretty measures Kind and Pretty of a fresh 5 MB JSON response
// (bench/bigapi's body): the work `ssodesk call` and the console do with it.
// Run: go test -run '^$' -bench Pretty ./api
func BenchmarkPretty(b *testing.B) {
	var src bytes.Buffer
	src.WriteString(`{"total":0,"items":[`)
	for i := 1; src.Len() < 5<<20; i++ {
		if i > 1 {
			src.WriteByte(',')
		}
		fmt.Fprintf(&src, `{"id":%d,"name":"Hearing Care User %05d","email":"user%05d@clinic-%03d.example","tags":["audiology","fitting","noah-%d"],`+
			`"active":%t,"score":%d.%02d,"address":{"street":"Søndergade %d","city":"Aarhus","zip":"8000","country":"DK"},"note":null}`,
			i, i, i, i%997, i%7, i%3 != 0, i%100, i%97, i%300)
	}
	src.WriteString(`]}`)
	h := http.Header{"Content-Type": {"application/json"}}
	b.SetBytes(int64(src.Len()))
	b.Run("kind", func(b *testing.B) {
		for b.Loop() {
			r := &Response{Body: src.Bytes(), Header: h}
			if r.Kind() != BodyJSON {
				b.Fatal("not JSON")
			}
		}
	})
	b.Run("pretty", func(b *testing.B) {
		for b.Loop() {
			r := &Response{Body: src.Bytes(), Header: h}
			_ = r.Pretty()
		}
	})
	b.Run("encoding-json", func(b *testing.B) { // what Kind and Pretty did before: json.Valid twice, json.Indent
		for b.Loop() {
			_ = json.Valid(src.Bytes()) && json.Valid(src.Bytes())
			var out bytes.Buffer
			_ = json.Indent(&out, src.Bytes(), "", "  ")
			_ = out.String()
		}
	})
}
