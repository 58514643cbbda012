package report

import (
	"strings"
	"testing"
)

// A bare URL in outside text (an IdP's error_description) would become a
// link in a ticket system; in the report it is a code span, text to read
// (issue 22, item 19).
func TestBareURLsStayText(t *testing.T) {
	got := text("invalid_request: see https://evil.example/fix?x=1 or WWW.evil.example, mail mailto:x@evil.example; keep_this")
	for _, want := range []string{"`https://evil.example/fix?x=1`", "`WWW.evil.example`,", "`mailto:x@evil.example`;", `keep\_this`} {
		if !strings.Contains(got, want) {
			t.Errorf("text() = %s\nwant it to hold %s", got, want)
		}
	}
	if strings.Contains(strings.ReplaceAll(got, "`https://evil.example/fix?x=1`", ""), "https://") {
		t.Errorf("a URL is left outside a code span: %s", got)
	}
	if got := text("a | b ` c"); got != `a \| b \`+"`"+` c` {
		t.Errorf("text(plain) = %q", got)
	}
}
