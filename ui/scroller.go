package ui

import (
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// scroller shows a window of lines through a viewport. Its lines come from
// a lineSource, asked for the visible ones only: given a 1 MB token, a 5 MB
// API body or a trace of 10,000 exchanges, nothing is drawn or measured
// that is not on screen.
type scroller struct {
	keys ScrollKeys
	src  lineSource
	off  int // first line shown
	vp   viewport.Model
}

// lineSource is what a scroller shows: Len lines, drawn on demand.
type lineSource interface {
	Len() int
	Lines(from, to int) []string // lines [from, to), 0 <= from <= to <= Len()
}

// plainLines are lines drawn beforehand (SetContent).
type plainLines []string

func (p plainLines) Len() int                    { return len(p) }
func (p plainLines) Lines(from, to int) []string { return slices.Clone(p[from:to]) }

func newScroller() scroller {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // our ScrollKeys call the methods below
	return scroller{vp: vp, keys: defaultScrollKeys(), src: plainLines(nil)}
}

func (s *scroller) SetSize(w, h int) {
	s.vp.SetWidth(max(w, 1))
	s.vp.SetHeight(max(h, 1))
	s.ScrollTo(s.off)
}

// SetContent replaces the lines, keeping the scroll position when it fits.
func (s *scroller) SetContent(content string) { s.SetSource(plainLines(strings.Split(content, "\n"))) }

// SetSource shows src's lines, keeping the scroll position when it fits.
func (s *scroller) SetSource(src lineSource) {
	s.src = src
	s.ScrollTo(s.off)
}

func (s *scroller) Height() int { return s.vp.Height() }

// Len is the number of lines there are to scroll through.
func (s *scroller) Len() int { return s.src.Len() }

// Keys are the scroller's bindings (for the owner's help).
func (s scroller) Keys() ScrollKeys { return s.keys }

// ScrollTo shows the window starting at off (clamped).
func (s *scroller) ScrollTo(off int) {
	h, n := s.vp.Height(), s.src.Len()
	s.off = min(max(off, 0), max(n-h, 0))
	s.vp.SetContentLines(s.src.Lines(s.off, min(s.off+h, n)))
}

// Top scrolls back to the first line.
func (s *scroller) Top() { s.ScrollTo(0) }

// EnsureVisible scrolls so that line is on screen.
func (s *scroller) EnsureVisible(line int) {
	switch h := s.vp.Height(); {
	case line < s.off:
		s.ScrollTo(line)
	case line >= s.off+h:
		s.ScrollTo(line - h + 1)
	}
}

// HandleKey scrolls for one of the scroll keys; it reports whether msg was one.
func (s *scroller) HandleKey(msg tea.KeyPressMsg) bool {
	h, k := s.vp.Height(), s.keys
	switch {
	case key.Matches(msg, k.Up):
		s.ScrollTo(s.off - 1)
	case key.Matches(msg, k.Down):
		s.ScrollTo(s.off + 1)
	case key.Matches(msg, k.PageUp):
		s.ScrollTo(s.off - h)
	case key.Matches(msg, k.PageDown):
		s.ScrollTo(s.off + h)
	case key.Matches(msg, k.Top):
		s.ScrollTo(0)
	case key.Matches(msg, k.Bottom):
		s.ScrollTo(s.src.Len())
	default:
		return false
	}
	return true
}

func (s scroller) View() string { return s.vp.View() }

// textDoc is a long text (an API body, a trace entry's details) to be shown
// hard-wrapped at a width, exactly as ansi.Hardwrap(text, width, true) would
// wrap it. Its lines and their widths are measured once (in a Cmd, for a big
// body); at a new width only each line's number of rows is worked out, and
// only the rows on screen are wrapped.
type textDoc struct {
	text  string
	ends  []uint32 // line i is text[start(i):ends[i]]; start(i) = ends[i-1]+1
	cells []uint32 // line i's width in cells, with lineOdd set when that is not enough to know its rows
	rows  [2]docRows
}

// docRows are the rows of a textDoc at one width.
type docRows struct {
	width int
	first []uint32 // first[i] is the row line i starts on; first[len(ends)] the number of rows
}

// lineOdd marks a line with a tab or a possibly wide character: Hardwrap
// may break it sooner than its width says.
const lineOdd = 1 << 31

func newTextDoc(text string) *textDoc {
	n := strings.Count(text, "\n") + 1
	d := &textDoc{text: text, ends: make([]uint32, 0, n), cells: make([]uint32, 0, n)}
	for start := 0; ; {
		end := len(text)
		if i := strings.IndexByte(text[start:], '\n'); i >= 0 {
			end = start + i
		}
		d.ends = append(d.ends, uint32(end))
		d.cells = append(d.cells, lineCells(text[start:end]))
		if end == len(text) {
			return d
		}
		start = end + 1
	}
}

// lineCells is the width of a line in cells (lineOdd set for a line with a
// tab or a character from U+1100 on, which may be wide).
func lineCells(l string) uint32 {
	i := 0
	for i < len(l) && l[i] >= 0x20 && l[i] < 0x7f {
		i++
	}
	if i == len(l) {
		return uint32(len(l)) // printable ASCII: a byte a cell
	}
	w := uint32(ansi.StringWidth(l))
	for _, r := range l[i:] {
		if r == '\t' || r >= 0x1100 {
			return w | lineOdd
		}
	}
	return w
}

func (d *textDoc) line(i int) string { return d.text[d.start(i):d.ends[i]] }

// lineRows is how many rows line i takes at width w.
func (d *textDoc) lineRows(i, w int) int {
	c := d.cells[i]
	switch {
	case c&lineOdd == 0:
		return max(1, (int(c)+w-1)/w)
	case int(d.ends[i])-d.start(i) <= w: // never more cells than bytes
		return 1
	}
	return strings.Count(ansi.Hardwrap(d.line(i), w, true), "\n") + 1
}

func (d *textDoc) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(d.ends[i-1]) + 1
}

// at returns the rows at width w, from the last two widths' when it is one.
func (d *textDoc) at(w int) []uint32 {
	w = max(w, 1)
	for _, r := range d.rows {
		if r.width == w && r.first != nil {
			return r.first
		}
	}
	first := make([]uint32, len(d.ends)+1)
	row := 0
	for i := range d.ends {
		first[i] = uint32(row)
		row += d.lineRows(i, w)
	}
	first[len(d.ends)] = uint32(row)
	d.rows[1], d.rows[0] = d.rows[0], docRows{width: w, first: first}
	return first
}

// docSource shows a few lines drawn beforehand (head), then doc wrapped at width.
type docSource struct {
	head  []string
	doc   *textDoc
	width int
	first []uint32
}

// newDocSource shows head, then doc wrapped at width (not wrapped when the
// width is not known yet, width <= 0).
func newDocSource(head []string, doc *textDoc, width int) docSource {
	if width <= 0 {
		width = 1 << 30
	}
	return docSource{head: head, doc: doc, width: width, first: doc.at(width)}
}

func (s docSource) Len() int { return len(s.head) + int(s.first[len(s.first)-1]) }

func (s docSource) Lines(from, to int) []string {
	out := make([]string, 0, to-from)
	for ; from < to && from < len(s.head); from++ {
		out = append(out, s.head[from])
	}
	if from >= to {
		return out
	}
	row := from - len(s.head)
	i := sort.Search(len(s.doc.ends), func(i int) bool { return int(s.first[i+1]) > row })
	for ; len(out) < cap(out) && i < len(s.doc.ends); i++ {
		l := s.doc.line(i)
		if int(s.first[i+1]-s.first[i]) == 1 {
			out = append(out, l)
			row++
			continue
		}
		rows := strings.Split(ansi.Hardwrap(l, s.width, true), "\n")
		for _, r := range rows[row-int(s.first[i]):] {
			if len(out) == cap(out) {
				break
			}
			out = append(out, r)
			row++
		}
	}
	return out
}
