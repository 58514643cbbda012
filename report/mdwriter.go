package report

import (
	"ssodesk/safe"
	"strings"
)

// mdWriter writes Markdown blocks, each followed by a blank line.
type mdWriter struct{ strings.Builder }

func (w *mdWriter) heading(level int, s string) {
	w.WriteString(strings.Repeat("#", level) + " " + s + "\n\n")
}

func (w *mdWriter) para(s string) { w.WriteString(s + "\n\n") }

func (w *mdWriter) bullet(s string) { w.WriteString("- " + s + "\n") }

func (w *mdWriter) blank() { w.WriteString("\n") }

// quote is a block quote of paragraphs.
func (w *mdWriter) quote(paras ...string) {
	for i, p := range paras {
		if i > 0 {
			w.WriteString(">\n")
		}
		w.WriteString("> " + p + "\n")
	}
	w.blank()
}

// fence is outside text (kept on its lines) in a fenced code block whose
// fence no line of it can close.
func (w *mdWriter) fence(s string) {
	s = safe.Text(strings.TrimRight(s, "\n"))
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	w.WriteString(f + "text\n" + s + "\n" + f + "\n\n")
}

// table is a GitHub-flavoured table; cells are already escaped (text, code).
func (w *mdWriter) table(head []string, rows [][]string) {
	w.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		w.WriteString("---|")
	}
	w.WriteString("\n")
	for _, r := range rows {
		for i := range r {
			if strings.TrimSpace(r[i]) == "" {
				r[i] = "–"
			}
		}
		w.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	w.blank()
}

// mdSpecial are the characters Markdown may act on inside a line.
const mdSpecial = "\\`*_[]<>|#!~&"

// text is outside text on one line, printable, with every character
// Markdown acts on escaped: it reads as it is, and adds no markup.
//
// A word a ticket system would make a link of (a bare URL, "www.…") goes
// in a code span, which no Markdown renderer links: a URL from an IdP
// stays text to read, not a link to click.
//
// A `quoted` command in explain's words (a pair of backticks) becomes a
// code span of its own.
func text(s string) string {
	s = oneLine(s)
	var b strings.Builder
	if n := strings.Count(s, "`"); n == 0 || n%2 == 1 {
		words(&b, s)
		return b.String()
	}
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString(code(part))
			continue
		}
		words(&b, part)
	}
	return b.String()
}

// words writes s word by word, a link-like word in a code span.
func words(b *strings.Builder, s string) {
	for i, w := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		if linkLike(w) {
			// A sentence's punctuation around a URL stays outside the span.
			trimmed := strings.TrimRight(w, ",.;:)")
			lead := len(trimmed) - len(strings.TrimLeft(trimmed, "("))
			escapeText(b, trimmed[:lead])
			b.WriteString(code(trimmed[lead:]))
			escapeText(b, w[len(trimmed):])
			continue
		}
		escapeText(b, w)
	}
}

// escapeText writes w with Markdown's special characters escaped.
func escapeText(b *strings.Builder, w string) {
	for _, r := range w {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
}

// linkLike: a word GFM's autolinks (or a ticket system's) would link.
func linkLike(w string) bool {
	l := strings.ToLower(w)
	return strings.Contains(l, "://") || strings.Contains(l, "www.") || strings.HasPrefix(l, "mailto:")
}

// code is s as an inline code span ("–" when empty): printable, on one
// line, fenced by more backticks than it holds, and with | escaped, which
// a table needs even inside a code span (GFM).
func code(s string) string {
	s = oneLine(s)
	if s == "" {
		return "–"
	}
	f := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return f + strings.ReplaceAll(s, "|", "\\|") + f
}

func oneLine(s string) string { return safe.Printable(strings.Join(strings.Fields(s), " ")) }

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := range len(s) {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
