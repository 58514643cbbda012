package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// GlobalKeys work on every screen (unless a text input has focus).
type GlobalKeys struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Trace     key.Binding // the HTTP trace, from any screen after the region picker
	Sessions  key.Binding // the open sessions, from any screen
}

// DefaultGlobalKeys are q/ctrl+c to quit and ? for full help.
func DefaultGlobalKeys() GlobalKeys {
	return GlobalKeys{
		Quit:      bind("q", "quit"),
		ForceQuit: bind("ctrl+c", "quit"),
		Help:      bind("?", "more keys"),
		Trace:     bind("t", "HTTP trace"),
		Sessions:  bind("S", "open sessions"),
	}
}

func (k GlobalKeys) ShortHelp() []key.Binding { return []key.Binding{k.Help, k.Quit} }

func (k GlobalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Trace, k.Sessions, k.Help, k.Quit, k.ForceQuit}}
}

// ScrollKeys move a scroller: by line, by page, to either end.
type ScrollKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

func defaultScrollKeys() ScrollKeys {
	return ScrollKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "page")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home/end", "top/bottom")),
		Bottom:   key.NewBinding(key.WithKeys("end")),
	}
}

func (k ScrollKeys) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.PageUp} }

func (k ScrollKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down}, {k.PageUp, k.Top}}
}

// matchIndex returns the index of the binding in bs that msg matches, or -1.
func matchIndex(msg tea.KeyPressMsg, bs []key.Binding) int {
	for i, b := range bs {
		if key.Matches(msg, b) {
			return i
		}
	}
	return -1
}

// digitKeys returns bindings for the digits 1..n, one each, in order.
func digitKeys(n int) []key.Binding {
	bs := make([]key.Binding, n)
	for i := range bs {
		bs[i] = key.NewBinding(key.WithKeys(string(rune('1' + i))))
	}
	return bs
}

// bind is a binding of one key that its help names as it is.
func bind(k, help string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, help))
}
