package safe

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"plain", "a\x1b[2Jb", "\x9b", "ok ✓ ø", "\u009b\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Printable(s)
		if !utf8.ValidString(p) || strings.IndexFunc(p, unicode.IsControl) >= 0 {
			t.Fatalf("Printable(%q) = %q still holds a control character or invalid UTF-8", s, p)
		}
	})
}

func TestPrintableText(t *testing.T) {
	if got := Text("a\n\tb\x1b[2J\u009b"); got != "a\n\tb\uFFFD[2J\uFFFD" {
		t.Errorf("Text = %q", got)
	}
}

// The payloads an IdP, a claim or an API body might carry: none survives.
var hostile = map[string]string{
	"CSI":           "invalid_grant\x1b[31mred\x1b[2J",
	"OSC title":     "x\x1b]2;TOKENPWN\x07y",
	"C1 CSI":        "a\u009b31mb",
	"raw 0x9b":      "a\x9b31mb",
	"NUL":           "a\x00b",
	"bidi override": "user\u202Egnp.exe",
	"bidi isolate":  "a\u2066b\u2069c",
	"DEL":           "a\x7fb",
}

func TestPrintableNeutralisesEveryPayload(t *testing.T) {
	for name, p := range hostile {
		for fn, got := range map[string]string{"Printable": Printable(p), "Text": Text(p)} {
			if strings.ContainsAny(got, "\x1b\x00\x07\x7f\u009b\u202E\u2066\u2069") || !utf8.ValidString(got) {
				t.Errorf("%s(%s) = %q", fn, name, got)
			}
		}
	}
}

func TestSafeJSON(t *testing.T) {
	in := []byte("{\"name\":\"a\u009bb\u202Ec\x7f\",\"ok\":\"ø ✓\"}")
	got := string(JSON(in))
	if want := `{"name":"a\u009bb\u202ec\u007f","ok":"ø ✓"}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(got), &v); err != nil || v["name"] != "a\u009bb\u202Ec\x7f" {
		t.Errorf("the escaped JSON means something else: %v %q", err, v)
	}
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := Writer(&b)
	io.WriteString(w, "ok ✓ line\n\tx\x1b[2J")
	ø := []byte("ø")
	w.Write(ø[:1]) // a UTF-8 sequence cut between two writes stays whole
	w.Write(append(ø[1:], []byte("\u009b\u202E end\n")...))
	if got, want := b.String(), "ok ✓ line\n\tx\uFFFD[2Jø\uFFFD\uFFFD end\n"; got != want {
		t.Errorf("Writer wrote %q, want %q", got, want)
	}
}

// Invisible characters (issue 22, item 19) are shown, not passed: a
// zero-width space inside a host name, a tag-character message, a Hangul
// filler that reads as a blank name. The joiners some scripts need stay.
func TestInvisibleCharactersAreShown(t *testing.T) {
	for _, r := range []rune{'\u200B', '\u2028', '\u2029', '\uFEFF', 0xE0041, 0xE007F, '\u3164', '\u2060', '\u00AD'} {
		in := "idp" + string(r) + ".example"
		for fn, got := range map[string]string{"Printable": Printable(in), "Text": Text(in)} {
			if got != "idp\uFFFD.example" {
				t.Errorf("%s(%U) = %q, want it shown as U+FFFD", fn, r, got)
			}
		}
		var b strings.Builder
		Writer(&b).Write([]byte(in))
		if b.String() != "idp\uFFFD.example" {
			t.Errorf("Writer(%U) = %q", r, b.String())
		}
		js := JSON([]byte(`{"a":"` + in + `"}`))
		var v map[string]string
		if err := json.Unmarshal(js, &v); err != nil || v["a"] != in || strings.ContainsRune(string(js), r) {
			t.Errorf("JSON(%U) = %s (%v): want it escaped, meaning the same", r, js, err)
		}
	}
	if got := Printable("a\u200Db\u200Cc"); got != "a\u200Db\u200Cc" {
		t.Errorf("the joiners were replaced: %q", got)
	}
}
