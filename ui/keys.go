package ui

import "charm.land/bubbles/v2/key"

// GlobalKeys work on every screen (unless a text input has focus).
type GlobalKeys struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Trace     key.Binding // the HTTP trace, from any screen after the region picker
}

// DefaultGlobalKeys are q/ctrl+c to quit and ? for full help.
func DefaultGlobalKeys() GlobalKeys {
	return GlobalKeys{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Trace:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "HTTP trace")),
	}
}

// screenKeys joins a screen's bindings with the global ones for help.Model.
type screenKeys struct {
	short  []key.Binding
	global GlobalKeys
}

func (k screenKeys) ShortHelp() []key.Binding {
	return append(append([]key.Binding{}, k.short...), k.global.Help, k.global.Quit)
}

func (k screenKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.short, {k.global.Trace, k.global.Help, k.global.Quit, k.global.ForceQuit}}
}
