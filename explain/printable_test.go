package explain

import (
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
	if got := PrintableText("a\n\tb\x1b[2J\u009b"); got != "a\n\tb\uFFFD[2J\uFFFD" {
		t.Errorf("PrintableText = %q", got)
	}
}
