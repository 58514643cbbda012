package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/viewport"
)

// scroller shows a window of lines through a viewport. It keeps all lines
// itself and hands the viewport only the visible ones: given a 1 MB token,
// the viewport would otherwise measure every line's width on each change.
type scroller struct {
	lines []string
	off   int // first line shown
	vp    viewport.Model
}

func newScroller() scroller {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // the owner's keys call the methods below
	return scroller{vp: vp}
}

func (s *scroller) SetSize(w, h int) {
	s.vp.SetWidth(max(w, 1))
	s.vp.SetHeight(max(h, 1))
	s.ScrollTo(s.off)
}

// SetContent replaces the lines, keeping the scroll position when it fits.
func (s *scroller) SetContent(content string) {
	s.lines = strings.Split(content, "\n")
	s.ScrollTo(s.off)
}

func (s *scroller) Height() int { return s.vp.Height() }

// ScrollTo shows the window starting at off (clamped).
func (s *scroller) ScrollTo(off int) {
	h := s.vp.Height()
	s.off = min(max(off, 0), max(len(s.lines)-h, 0))
	end := min(s.off+h, len(s.lines))
	s.vp.SetContentLines(slices.Clone(s.lines[s.off:end]))
}

// EnsureVisible scrolls so that line is on screen.
func (s *scroller) EnsureVisible(line int) {
	switch h := s.vp.Height(); {
	case line < s.off:
		s.ScrollTo(line)
	case line >= s.off+h:
		s.ScrollTo(line - h + 1)
	}
}

// Page handles pgup, pgdown, home and end; it reports whether k was one.
func (s *scroller) Page(k string) bool {
	switch h := s.vp.Height(); k {
	case "pgup":
		s.ScrollTo(s.off - h)
	case "pgdown":
		s.ScrollTo(s.off + h)
	case "home":
		s.ScrollTo(0)
	case "end":
		s.ScrollTo(len(s.lines))
	default:
		return false
	}
	return true
}

func (s scroller) View() string { return s.vp.View() }
