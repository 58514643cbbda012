package sim

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

// A bomb expands to exactly its size, starting as a JSON string that never ends.
func TestGzipZerosExpandsToItsSize(t *testing.T) {
	for _, size := range []int{10, 1 << 20, 3<<20 + 5} {
		zr, err := gzip.NewReader(bytes.NewReader(gzipZeros(size)))
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 6)
		if _, err := io.ReadFull(zr, head); err != nil || string(head) != `{"a":"` {
			t.Fatalf("%d: head %q, %v", size, head, err)
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil || int(n)+6 != size {
			t.Errorf("%d: expanded to %d bytes (%v)", size, n+6, err)
		}
	}
}
