// Command minilist is the yardstick of bench/run.sh's TUI first-frame
// measure: the smallest Bubble Tea v2 program a Go programmer would write to
// pick one of a few items with bubbles/v2's list, at the versions ssodesk
// uses (go.mod). It shows the same title as ssodesk's region picker, "Where
// do you want to log in?", over -n items (default 5, the stand-in's regions)
// on the alternate screen, and quits on q or ctrl+c.
//
//	go run ./bench/minilist -n 5
package main

import (
	"flag"
	"fmt"
	"os"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
)

type item struct{ title, desc string }

func (i item) Title() string       { return i.title }
func (i item) Description() string { return i.desc }
func (i item) FilterValue() string { return i.title }

type model struct{ list list.Model }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.list.SetSize(msg.Width, msg.Height)
	case tea.KeyPressMsg:
		if s := msg.String(); s == "q" || s == "ctrl+c" {
			return m, tea.Quit
		}
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

func (m model) View() tea.View {
	v := tea.NewView(m.list.View())
	v.AltScreen = true
	return v
}

func main() {
	n := flag.Int("n", 5, "number of items")
	flag.Parse()
	items := make([]list.Item, *n)
	for i := range items {
		items[i] = item{title: fmt.Sprintf("region-%d", i+1), desc: fmt.Sprintf("http://127.0.0.1:%d", 7400+2*i)}
	}
	l := list.New(items, list.NewDefaultDelegate(), 80, 24)
	l.Title = "Where do you want to log in?"
	if _, err := tea.NewProgram(model{list: l}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "minilist:", err)
		os.Exit(1)
	}
}
