package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestHighlightJSON(t *testing.T) {
	src := "{\n  \"tenantid\": \"b2a1\",\n  \"n\": -1.5e3,\n  \"ok\": true,\n  \"x\": null,\n  \"esc\": \"a\\\"b\",\n  \"list\": [1, \"two\"]\n}"
	s := NewStyles(true)
	got := highlightJSON(src, s)
	if ansi.Strip(got) != src {
		t.Fatalf("colouring changed the text:\n%s", ansi.Strip(got))
	}
	for _, want := range []string{s.JSONKey.Render(`"tenantid"`), s.JSONString.Render(`"b2a1"`), s.JSONNumber.Render("-1.5e3"),
		s.JSONLiteral.Render("true"), s.JSONLiteral.Render("null"), s.JSONString.Render(`"a\"b"`), s.JSONString.Render(`"two"`)} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	big := strings.Repeat(" ", maxHighlight+1)
	if highlightJSON(big, s) != big {
		t.Error("a huge body was coloured")
	}
}
