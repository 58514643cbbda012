package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/explain"
	"ssodesk/safe"
)

// pasteBox is a text area for one paste: a token, a URL. It takes a
// terminal's paste (bracketed paste: one message, whatever its size) and
// typed characters while focused, bounded at max bytes: a paste that would
// go over is refused whole and said. It shows the first lines of what it
// holds, made printable, and its size; it is never measured whole.
type pasteBox struct {
	keys    PasteKeys
	what    string // "token", "URL": for the words
	value   string
	max     int
	refused int // the size of the last paste refused for its size; 0: none
	focused bool
	// shown is what the box draws of a value (nil: the value as it is): a
	// URL's box hides its credentials and secrets.
	shown func(string) string
}

// PasteKeys are the paste box's keys while it has focus.
type PasteKeys struct {
	Clear, Delete key.Binding
}

func defaultPasteKeys() PasteKeys {
	return PasteKeys{
		Clear:  key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		Delete: key.NewBinding(key.WithKeys("backspace")),
	}
}

func newPasteBox(what string, maxBytes int) pasteBox {
	return pasteBox{keys: defaultPasteKeys(), what: what, max: maxBytes, focused: true}
}

// Value is what the box holds.
func (b pasteBox) Value() string { return b.value }

// Reset empties the box.
func (b *pasteBox) Reset() { b.value, b.refused = "", 0 }

// Update takes a paste, a typed character, a deletion; it reports whether
// msg was the box's.
func (b *pasteBox) Update(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		b.add(msg.Content)
		return true
	case tea.KeyPressMsg:
		if !b.focused {
			return false
		}
		switch {
		case key.Matches(msg, b.keys.Clear):
			b.Reset()
		case key.Matches(msg, b.keys.Delete):
			_, n := utf8.DecodeLastRuneInString(b.value)
			b.value = b.value[:len(b.value)-n]
		case msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0:
			b.add(msg.Text)
		default:
			return false
		}
		return true
	}
	return false
}

// add appends s, unless the box would hold more than max bytes.
func (b *pasteBox) add(s string) {
	if n := len(b.value) + len(s); n > b.max {
		b.refused = n
		return
	}
	b.value += s
	b.refused = 0
}

// Refusal says why the last paste was refused ("" when none was).
func (b pasteBox) Refusal() string {
	if b.refused == 0 {
		return ""
	}
	return explain.PastedTooLarge(b.what, b.refused, b.max)
}

// previewBytes bounds what the box draws of its value: a few lines' worth.
const previewBytes = 4096

// View draws the box in at most lines lines of width cells: the value's
// first lines, hard-wrapped, and its size when it does not all show.
func (b pasteBox) View(s *Styles, width, lines int) []string {
	width, lines = max(width, 1), max(lines, 1)
	if b.value == "" {
		hint := "paste the " + b.what + " here (the terminal's paste)"
		return wrapLines(s.Subtle.Render(ansi.Truncate(hint, width, "…")), width)
	}
	head := b.value[:min(len(b.value), previewBytes)]
	if b.shown != nil {
		head = b.shown(head)
	}
	text := strings.ReplaceAll(safe.Printable(strings.ToValidUTF8(head, "\uFFFD")), "\n", " ")
	if b.focused && len(b.value) <= previewBytes {
		text += "█"
	}
	out := strings.Split(hardWrap(text, width), "\n")
	if len(out) > lines || len(b.value) > previewBytes {
		out = out[:min(len(out), max(lines-1, 1))]
		out = append(out, s.Subtle.Render(ansi.Truncate(fmt.Sprintf("… %d bytes in all", len(b.value)), width, "…")))
	}
	for i, l := range out {
		out[i] = s.Value.Render(l)
	}
	return out
}
