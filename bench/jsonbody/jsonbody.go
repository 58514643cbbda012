// Package jsonbody makes the large API response of the benchmarks: the
// body bench/bigapi serves and the Go benchmarks and tests of the API
// console feed it, the same bytes for the same size.
package jsonbody

import (
	"bytes"
	"fmt"
)

// Make returns a JSON document of at least size bytes: {"items": [...]}
// with one object per user (id, name, e-mail, tags, active, score, a nested
// address), with a non-ASCII letter in each.
func Make(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 512)
	b.WriteString(`{"total":0,"items":[`)
	for i := 1; b.Len() < size; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"Hearing Care User %05d","email":"user%05d@clinic-%03d.example","tags":["audiology","fitting","noah-%d"],`+
			`"active":%t,"score":%d.%02d,"address":{"street":"Søndergade %d","city":"Aarhus","zip":"8000","country":"DK"},"note":null}`,
			i, i, i, i%997, i%7, i%3 != 0, i%100, i%97, i%300)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
