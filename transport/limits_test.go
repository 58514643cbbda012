package transport

import (
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"testing"
)

// SetLimit changes how many entries a trace keeps, and Version moves with
// every change.
func TestTraceSetLimit(t *testing.T) {
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	c, tr := newTraced(t, Options{})
	tr.SetLimit(10)
	v := tr.Version()
	for i := 0; i < 25; i++ {
		do(t, c, nil, http.MethodGet, fmt.Sprintf("%s/%d", srv.URL, i+1), nil, nil)
	}
	if tr.Version() == v {
		t.Error("Version did not change")
	}
	es := tr.Entries()
	if len(es) != 10 || es[0].ID != 16 || es[9].ID != 25 {
		t.Fatalf("kept %d entries, IDs %d..%d; want 10, 16..25", len(es), es[0].ID, es[len(es)-1].ID)
	}
	v = tr.Version()
	if tr.Version() != v {
		t.Error("Version changed without a change")
	}
	tr.SetLimit(3)
	if es := tr.Entries(); len(es) != 3 || es[0].ID != 23 {
		t.Errorf("after SetLimit(3): %d entries from ID %d", len(es), es[0].ID)
	}
	var nilTrace *Trace
	nilTrace.SetLimit(5)
	if nilTrace.Version() != 0 {
		t.Error("a nil trace has a version")
	}
}

// The bodies a trace keeps are bounded in all: the oldest lose theirs.
func TestTraceBodyBudget(t *testing.T) {
	body := strings.Repeat("b", MaxRecordedBody)
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
	c, tr := newTraced(t, Options{})
	n := MaxBodyBytes/MaxRecordedBody + 10
	for i := 0; i < n; i++ {
		do(t, c, nil, http.MethodGet, srv.URL, nil, nil)
	}
	es := tr.Entries()
	total := 0
	for _, e := range es {
		total += len(e.RequestBody) + len(e.ResponseBody)
	}
	if total > MaxBodyBytes {
		t.Errorf("the trace keeps %d bytes of bodies, more than %d", total, MaxBodyBytes)
	}
	if es[0].ResponseBody != bodyDropped || es[len(es)-1].ResponseBody != body {
		t.Errorf("oldest body %.40q, newest %.40q", es[0].ResponseBody, es[len(es)-1].ResponseBody)
	}
	if len(es) != n {
		t.Errorf("kept %d entries, want all %d (only bodies are dropped)", len(es), n)
	}
}

// indexSecret finds what strings.Index finds, also where its rare byte is
// everywhere.
func TestIndexSecret(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alpha := []string{"ab", "aJ", "J", "eyJ0", "xyzXYZ019_"}
	for i := 0; i < 3000; i++ {
		a := alpha[r.Intn(len(alpha))]
		gen := func(n int) string {
			var b strings.Builder
			for b.Len() < n {
				b.WriteByte(a[r.Intn(len(a))])
			}
			return b.String()
		}
		s := gen(4<<10 + r.Intn(8<<10))
		sub := gen(2 + r.Intn(40))
		if r.Intn(2) == 0 && len(sub) < len(s) {
			p := r.Intn(len(s) - len(sub))
			s = s[:p] + sub + s[p+len(sub):]
		}
		if got, want := indexSecret(s, sub), strings.Index(s, sub); got != want {
			t.Fatalf("indexSecret(%d bytes of %q, %q) = %d, want %d", len(s), a, sub, got, want)
		}
	}
}

// secretKey agrees with decoding the key and asking IsSecretField.
func TestSecretKey(t *testing.T) {
	for _, lit := range []string{`"token"`, `"TOKEN"`, `"to\u006ben"`, "\"to\u212Aen\"", `"tokens"`, `"id"`, `"code_verifier"`,
		`"code`, `"\\"`, `"pa\"ss"`, "\"\xff\xfe\"", `""`, `"Access_Token"`} {
		closed := len(lit) > 1 && strings.HasSuffix(lit, `"`) && !strings.HasSuffix(lit, `\"`)
		if got, want := secretKey(lit, closed), IsSecretField(jsonString(lit, closed)); got != want {
			t.Errorf("secretKey(%s) = %v, want %v", lit, got, want)
		}
	}
}

// markerSpans finds what the regexp `\[redacted [0-9]{1,12} bytes\]` finds.
func TestMarkerSpans(t *testing.T) {
	for _, s := range []string{"", "[redacted 5 bytes]", "x[redacted 12 bytes]y[redacted 0 bytes]", "[redacted  bytes]", "[redacted 1234567890123 bytes]",
		"[redacted 123456789012 bytes]", "[redacted [redacted 3 bytes]", "[redacted 3 bytes", "[[redacted 1 bytes]]", "[redacted 9 bytes][redacted 8 bytes]"} {
		var got [][]int
		for _, m := range markerSpans(s) {
			got = append(got, []int{m[0], m[1]})
		}
		if want := testMarkerRe.FindAllStringIndex(s, -1); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("markerSpans(%q) = %v, want %v", s, got, want)
		}
	}
}
