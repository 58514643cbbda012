package har

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"
)

// BenchmarkSanitize: the login fixture's entries repeated to about 10 MB,
// with a 100 KB HTML body in each tenth entry.
func BenchmarkSanitize(b *testing.B) {
	in, _ := sanLoadBench()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sanitize(bytes.NewReader(in), io.Discard, SanitizeOptions{RedactPII: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func sanLoadBench() ([]byte, error) {
	var h map[string]map[string]any
	raw, err := sanReadFixture()
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, err
	}
	entries := h["log"]["entries"].([]any)
	page := bytes.Repeat([]byte(`<div class="x">Mette Sørensen eu.4F6A1C0B9E2D47A8 lorem ipsum dolor sit amet</div>`), 1200)
	var all []any
	for i := 0; len(all) < 3000; i++ {
		for _, e := range entries {
			c, _ := json.Marshal(e)
			var m map[string]any
			json.Unmarshal(c, &m)
			if len(all)%10 == 0 {
				m["response"].(map[string]any)["content"].(map[string]any)["text"] = string(page)
			}
			all = append(all, m)
		}
	}
	h["log"]["entries"] = all
	return json.Marshal(h)
}

func sanReadFixture() ([]byte, error) { return os.ReadFile(sanFixture) }
