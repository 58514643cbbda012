package ui

import (
	"fmt"
	"slices"
	"ssodesk/safe"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
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

// form is a column of labelled text inputs, one of them focused: the
// fields of the app check's and the login parameters' forms.
type form struct {
	fields []textinput.Model
	focus  int
}

// newForm is a form of names (the labels, padded to labelWidth) with
// their placeholders; a value may be limit characters long.
func newForm(com *Common, names, placeholders []string, labelWidth, limit int) form {
	f := form{fields: make([]textinput.Model, len(names))}
	for i, name := range names {
		ti := textinput.New()
		ti.Prompt = fmt.Sprintf("%-*s", labelWidth, name)
		ti.Placeholder = placeholders[i]
		ti.CharLimit = limit
		ti.SetStyles(com.Styles.Input)
		f.fields[i] = ti
	}
	f.fields[0].Focus()
	return f
}

func (f form) setSize(w int) form {
	f.fields = slices.Clone(f.fields)
	for i := range f.fields {
		f.fields[i].SetWidth(max(w-ansi.StringWidth(f.fields[i].Prompt)-1, 4))
	}
	return f
}

func (f form) restyle(st textinput.Styles) form {
	f.fields = slices.Clone(f.fields)
	for i := range f.fields {
		f.fields[i].SetStyles(st)
	}
	return f
}

// move focuses the field d away (wrapping around).
func (f form) move(d int) form {
	f.fields = slices.Clone(f.fields)
	f.fields[f.focus].Blur()
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
	f.fields[f.focus].Focus()
	return f
}

// update gives msg to the focused field.
func (f form) update(msg tea.Msg) (form, tea.Cmd) {
	f.fields = slices.Clone(f.fields)
	var cmd tea.Cmd
	f.fields[f.focus], cmd = f.fields[f.focus].Update(msg)
	return f, cmd
}

// values are the fields' values, trimmed.
func (f form) values() []string {
	v := make([]string, len(f.fields))
	for i, fl := range f.fields {
		v[i] = strings.TrimSpace(fl.Value())
	}
	return v
}

// view is the fields, each followed by its error (errs[i], "" none).
func (f form) view(s *Styles, errs []string, width int) []string {
	var lines []string
	for i, fl := range f.fields {
		lines = append(lines, fl.View())
		if errs[i] != "" {
			lines = append(lines, wrapStyled(s.Error, "  ✗ "+errs[i], width))
		}
	}
	return lines
}
