package har

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// FuzzSanitize: any input gives output or an error, never a panic; when
// Sanitize succeeds the output is valid JSON with as many entries, and
// sanitising it again changes nothing.
func FuzzSanitize(f *testing.F) {
	if in, err := os.ReadFile(sanFixture); err == nil {
		f.Add(in, false)
	}
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"https://x/cb?code=eu.SECRETCODE123&state=S1234567"},"response":{"content":{"mimeType":"application/json","text":"{\"access_token\":\"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\"}"}}}]}}`), true)
	f.Add([]byte(`{"log":{"entries":[{"request":{"headers":[{"name":"Cookie","value":"a=b; c"},{"name":"Authorization","value":"Basic Og=="}]}}]}}`), false)
	f.Add([]byte(`{"log":{"entries":[{"response":{"content":{"encoding":"base64","text":"eyJjb2RlIjoiYWJjIn0="}}}]},"x":[1,2,{"y":null}]}`), true)
	f.Fuzz(func(t *testing.T, in []byte, pii bool) {
		var out bytes.Buffer
		st, err := Sanitize(bytes.NewReader(in), &out, SanitizeOptions{RedactPII: pii, MaxFile: 1 << 20})
		if err != nil {
			if out.Len() > 0 {
				t.Fatalf("an error (%v) after writing %d bytes", err, out.Len())
			}
			return
		}
		var h struct {
			Log struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"log"`
		}
		if err := json.Unmarshal(out.Bytes(), &h); err != nil {
			t.Fatalf("the output is not valid JSON: %v\n%s", err, out.Bytes())
		}
		if len(h.Log.Entries) != st.Entries {
			t.Fatalf("%d entries written, %d counted", len(h.Log.Entries), st.Entries)
		}
		var again bytes.Buffer
		if _, err := Sanitize(bytes.NewReader(out.Bytes()), &again, SanitizeOptions{RedactPII: pii}); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("sanitising the output again: %v\n%s\n%s", err, out.Bytes(), again.Bytes())
		}
	})
}
