// Package reporttest reads a report's Markdown as a viewer would, for
// tests: goldmark with GitHub's tables parses it, and Parse fails the test
// when a table line is not part of a table, a row has another number of
// cells than its header (a pipe from outside text split a cell), or the
// report holds raw HTML.
package reporttest

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Structure is what a report's Markdown is made of.
type Structure struct {
	Headings []string // each as "## Title" (its level in hashes, then its text)
	Tables   int
	Rows     int // table rows, headers included
}

// Has reports whether the report has the heading h ("## Outcome").
func (s Structure) Has(h string) bool {
	for _, x := range s.Headings {
		if x == h || strings.HasPrefix(x, h+" ") {
			return true
		}
	}
	return false
}

var separatorRe = regexp.MustCompile(`^\|(\s*-+\s*\|)+$`)

// Parse parses md, renders it to HTML (which must not fail), checks its
// tables and returns its structure.
func Parse(t testing.TB, md []byte) Structure {
	t.Helper()
	g := goldmark.New(goldmark.WithExtensions(extension.Table))
	var html bytes.Buffer
	if err := g.Convert(md, &html); err != nil {
		t.Fatalf("goldmark cannot render the report: %v", err)
	}
	if strings.Contains(strings.ToLower(html.String()), "<script") {
		t.Error("the report renders a <script> element")
	}
	doc := g.Parser().Parse(text.NewReader(md))
	var s Structure
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			s.Headings = append(s.Headings, strings.Repeat("#", n.Level)+" "+inline(n, md))
		case *east.Table:
			s.Tables++
			checkTable(t, n)
		case *east.TableHeader, *east.TableRow:
			s.Rows++
		case *ast.RawHTML, *ast.HTMLBlock:
			t.Errorf("the report holds raw HTML: %q", inline(n, md))
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkPipeLines(t, md, s.Rows)
	return s
}

// checkTable: every row has as many cells as the header.
func checkTable(t testing.TB, tbl *east.Table) {
	t.Helper()
	want := -1
	for row := tbl.FirstChild(); row != nil; row = row.NextSibling() {
		if want < 0 {
			want = row.ChildCount()
		} else if row.ChildCount() != want {
			t.Errorf("a table row has %d cells, its header %d", row.ChildCount(), want)
		}
	}
}

// checkPipeLines: every line that starts with a pipe is a row of a table
// (separators aside), and has as many unescaped pipes as its table's
// header (GitHub would cut or pad a row with more or fewer).
func checkPipeLines(t testing.TB, md []byte, rows int) {
	t.Helper()
	lines, head := 0, -1
	for _, l := range strings.Split(string(md), "\n") {
		switch {
		case !strings.HasPrefix(l, "|"):
			head = -1
		case separatorRe.MatchString(l):
		default:
			lines++
			n := pipes(l)
			if head < 0 {
				head = n
			} else if n != head {
				t.Errorf("a table line has %d cells, its header %d: %s", n-1, head-1, l)
			}
		}
	}
	if lines != rows {
		t.Errorf("%d lines start with a pipe but goldmark read %d table rows", lines, rows)
	}
}

// pipes counts the pipes of a line that are not escaped.
func pipes(l string) int {
	n := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// inline is the text of n's inline children.
func inline(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			b.Write(c.Value)
		}
		if c.Type() == ast.TypeBlock && c != n {
			lines := c.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
