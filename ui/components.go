package ui

import (
	"fmt"
	"ssodesk/safe"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// statusLine is the one line under (or over) a screen's content: the work
// in progress, else the outcome of the last action, good or bad.
type statusLine struct {
	busy string // "refreshing the tokens…"; "" when idle
	text string
	bad  bool
}

// Set shows the outcome of an action.
func (l *statusLine) Set(text string, bad bool) { l.text, l.bad = text, bad }

// Working shows work in progress until Done.
func (l *statusLine) Working(what string) { l.busy = what }

// Done ends the work in progress.
func (l *statusLine) Done() { l.busy = "" }

// Empty reports whether there is nothing to show.
func (l statusLine) Empty() bool { return l.busy == "" && l.text == "" }

// View draws the line, cut to width cells; its text, which often quotes an
// error from outside, is made printable.
func (l statusLine) View(s *Styles, width int) string {
	l.busy, l.text = safe.Printable(l.busy), safe.Printable(l.text)
	var out string
	switch {
	case l.busy != "":
		out = s.Spinner.Render("… ") + s.Text.Render(l.busy)
	case l.text != "" && l.bad:
		out = s.Error.Render(l.text)
	case l.text != "":
		out = s.OK.Render(l.text)
	}
	return ansi.Truncate(out, max(width, 1), "…")
}

// tabBar draws numbered tabs ("1 Summary 2 ID token …") with the active one
// marked. When they do not fit in width cells the other tabs show their
// number only ("1 2 3 Access token 4 5 6"); only then is the bar cut.
func tabBar(s *Styles, names []string, active, width int) string {
	width = max(width, 1)
	if bar := tabsDrawn(s, names, active, false); ansi.StringWidth(bar) <= width {
		return bar
	}
	return ansi.Truncate(tabsDrawn(s, names, active, true), width, "…")
}

// tabsDrawn draws the tabs; short: the inactive ones by number only.
func tabsDrawn(s *Styles, names []string, active int, short bool) string {
	parts := make([]string, len(names))
	for i, n := range names {
		st, label := s.Tab, fmt.Sprintf("%d %s", i+1, n)
		if i == active {
			st = s.TabActive
		} else if short {
			label = fmt.Sprint(i + 1)
		}
		parts[i] = st.Render(label)
	}
	return strings.Join(parts, " ")
}

// wrapLines word-wraps text to width cells (a word longer than a line is
// broken), ANSI- and width-aware, and returns its lines. Width 0 (the size
// is not known yet) leaves the text as it is.
func wrapLines(text string, width int) []string {
	if width > 0 {
		text = ansi.Wrap(text, width, "")
	}
	return strings.Split(text, "\n")
}

// wrapStyled wraps plain text to width and styles each line. The text may
// come from outside (an IdP's error, an API's diagnosis): it is made
// printable first.
func wrapStyled(st lipgloss.Style, text string, width int) string {
	lines := wrapLines(safe.Text(text), width)
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return strings.Join(lines, "\n")
}

// wrapWords wraps text at spaces only, so a word longer than a line (a
// URL such as https://app-eu.example.com) stays whole. ansi.Wordwrap also
// breaks after every hyphen, so hyphens become non-breaking ones (as wide)
// while it wraps.
func wrapWords(text string, width int) []string {
	const nbHyphen = "\u2011"
	if width > 0 {
		text = ansi.Wordwrap(strings.ReplaceAll(text, "-", nbHyphen), width, "")
		text = strings.ReplaceAll(text, nbHyphen, "-")
	}
	return strings.Split(text, "\n")
}

// hardWrap breaks text every width cells, words or not: for tokens, URLs
// and bodies, which must be seen whole. It keeps escape sequences and
// never splits a character.
func hardWrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	return ansi.Hardwrap(text, width, true)
}

// styleAll renders each of texts in st.
func styleAll(st lipgloss.Style, texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = st.Render(t)
	}
	return out
}

// clipLines keeps the first h lines of s: a screen that puts what matters
// most first shows as much of it as the height holds.
func clipLines(s string, h int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[:min(len(lines), max(h, 1))], "\n")
}
