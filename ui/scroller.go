package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// scroller shows a window of lines through a viewport. It keeps all lines
// itself and hands the viewport only the visible ones: given a 1 MB token,
// the viewport would otherwise measure every line's width on each change.
type scroller struct {
	keys  ScrollKeys
	lines []string
	off   int // first line shown
	vp    viewport.Model
}

func newScroller() scroller {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // our ScrollKeys call the methods below
	return scroller{vp: vp, keys: defaultScrollKeys()}
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

// Keys are the scroller's bindings (for the owner's help).
func (s scroller) Keys() ScrollKeys { return s.keys }

// ScrollTo shows the window starting at off (clamped).
func (s *scroller) ScrollTo(off int) {
	h := s.vp.Height()
	s.off = min(max(off, 0), max(len(s.lines)-h, 0))
	end := min(s.off+h, len(s.lines))
	s.vp.SetContentLines(slices.Clone(s.lines[s.off:end]))
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
		s.ScrollTo(len(s.lines))
	default:
		return false
	}
	return true
}

func (s scroller) View() string { return s.vp.View() }
