package ui

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A textDoc shows, row for row, what ansi.Hardwrap makes of its text, at
// every width and from every row: ASCII, accents, wide characters, tabs,
// styles, empty lines.
func TestTextDocWrapsAsHardwrap(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	pieces := []string{"a", "bc ", "  ", "ø", "Søndergade", "界", "🙂", "\t", "\x1b[31mred\x1b[0m", "\n", "\n\n", "é", "x\u0301", "-"}
	for n := 0; n < 300; n++ {
		var b strings.Builder
		for k := r.Intn(60); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := b.String()
		doc := newTextDoc(text)
		for _, w := range []int{1, 2, 3, 5, 8, 13, 40} {
			want := strings.Split(ansi.Hardwrap(text, w, true), "\n")
			src := newDocSource([]string{"head"}, doc, w)
			if src.Len() != len(want)+1 {
				t.Fatalf("width %d, %q: %d rows, want %d", w, text, src.Len()-1, len(want))
			}
			for from := 0; from <= src.Len(); from++ {
				to := min(src.Len(), from+1+r.Intn(6))
				got := src.Lines(from, to)
				exp := append([]string{"head"}, want...)[from:to]
				if !slices.Equal(got, exp) {
					t.Fatalf("width %d, %q, rows %d..%d:\n got %q\nwant %q", w, text, from, to, got, exp)
				}
			}
		}
	}
}
