package ui

// The comparisons' drawing (issue 25): package compare's sections side by
// side, each item marked as `ssodesk diff` marks it (explain/diff.go), the
// differences one sentence each, and the summary. The session comparison
// and the environment comparison both draw with it.

import (
	"github.com/charmbracelet/x/ansi"

	"ssodesk/check"
	"ssodesk/compare"
	"ssodesk/explain"
	"ssodesk/safe"
)

// diffGroup is a titled list of sections: a session comparison's one, or
// one endpoint pair's.
type diffGroup struct {
	title    string // "" for sessions
	prefix   string // the pair's name in a sentence ("eu"); "" for sessions
	sections []compare.Section
}

// diffDoc is what a comparison screen draws.
type diffDoc struct {
	a, b   string   // the sides' names
	head   []string // who is compared, each side's story
	groups []diffGroup
	only   []string // the endpoints only one side has, one sentence each
	count  int      // the differences counted
}

// lines draws d in width cells.
func (d diffDoc) lines(s *Styles, width int) []string {
	st := check.Pass
	if d.count > 0 {
		st = check.Warn
	}
	summary := s.Status(st).Render(explain.DiffSummary(d.count, d.expected(), d.a, d.b))
	out := wrapLines(summary, width) // first, then again under the differences
	for _, h := range d.head {
		out = append(out, wrapLines(s.Text.Render(safe.Printable(h)), width)...)
	}
	for _, g := range d.groups {
		if g.title != "" {
			out = append(out, "", s.Title.Render(ansi.Truncate(safe.Printable(g.title), width, "…")))
		}
		for _, sec := range g.sections {
			out = append(out, sectionLines(s, sec, d.a, d.b, width)...)
		}
	}
	for _, o := range d.only {
		out = append(out, wrapLines(s.Warn.Render(safe.Printable(o)), width)...)
	}
	out = append(out, "")
	out = append(out, wrapLines(s.Subtle.Render(explain.DiffMarksLegend), width)...)
	if diffs := d.sentences(); len(diffs) > 0 {
		out = append(out, "", s.Title.Render("Differences:"))
		for _, l := range diffs {
			out = append(out, wrapLines(s.Warn.Render("  "+l), width)...)
		}
	}
	return append(out, "", summary)
}

// sentences is one sentence per counted difference, as ssodesk diff says it.
func (d diffDoc) sentences() []string {
	out := append([]string{}, d.only...)
	for _, g := range d.groups {
		for _, sec := range g.sections {
			for _, it := range sec.Items {
				if it.Differs() {
					out = append(out, explain.DiffLine(it.Words(cmpOr(g.prefix, sec.Name)), d.a, d.b))
				}
			}
		}
	}
	return out
}

func (d diffDoc) expected() int {
	n := 0
	for _, g := range d.groups {
		n += compare.Expected(g.sections)
	}
	return n
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sectionLines is one section as a table: mark, name, A, B; below a width
// that leaves each value 8 cells, each item's values go under its name.
func sectionLines(s *Styles, sec compare.Section, a, b string, width int) []string {
	out := []string{"", s.Title.Render(ansi.Truncate(explain.DiffSectionTitle(sec.Name), max(width, 1), "…"))}
	nameW := 0
	for _, it := range sec.Items {
		nameW = max(nameW, ansi.StringWidth(itemName(it)))
	}
	nameW = min(nameW, max(width/3, 8))
	colW := (width - 2 - nameW - 2) / 2
	if colW < 8 {
		for _, it := range sec.Items {
			out = append(out, ansi.Truncate(markCell(s, it)+s.Key.Render(itemName(it)), width, "…"))
			for _, v := range []struct{ side, text string }{{a, sideCell(it, true)}, {b, sideCell(it, false)}} {
				out = append(out, ansi.Truncate("    "+s.Subtle.Render(v.side+": ")+s.Value.Render(v.text), width, "…"))
			}
		}
		return out
	}
	out = append(out, s.Subtle.Render("  "+fitCell("", nameW)+" "+fitCell(a, colW)+" "+fitCell(b, colW)))
	for _, it := range sec.Items {
		line := markCell(s, it) + s.Key.Render(fitCell(itemName(it), nameW)) + " " +
			s.Value.Render(fitCell(sideCell(it, true), colW)) + " " + s.Value.Render(fitCell(sideCell(it, false), colW))
		out = append(out, ansi.Truncate(line, width, "…"))
	}
	return out
}

// itemName is an item's name, printable, "(expected)" after a difference
// that is not counted.
func itemName(it compare.Item) string {
	name := safe.Printable(it.Name)
	if it.Expected && it.Mark != compare.Same {
		name += " (expected)"
	}
	return name
}

// markCell is the item's mark (= ≠ + −) and a space, coloured by whether it
// counts.
func markCell(s *Styles, it compare.Item) string {
	st := check.Skip
	if it.Differs() {
		st = check.Warn
	}
	return s.Status(st).Render(explain.DiffMark(string(it.Mark))) + " "
}

// sideCell is one side's value: "—" when it has none, the members only it
// has for a list that differs.
func sideCell(it compare.Item, isA bool) string {
	v, only := it.B, it.OnlyB
	if isA {
		v, only = it.A, it.OnlyA
	}
	switch {
	case len(it.OnlyA)+len(it.OnlyB) > 0:
		return explain.DiffOnlyCell(only)
	case v == nil:
		return "—"
	case v.Text == "":
		return `""`
	}
	return safe.Printable(v.Text)
}

// fitCell cuts s to w cells, or fills it with spaces to w.
func fitCell(s string, w int) string { return pad(ansi.Truncate(s, w, "…"), w) }
