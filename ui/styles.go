package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"ssodesk/check"
)

// Styles holds every style the UI uses, the bubbles widgets' included,
// built from semantic colours for a light or dark terminal background.
// A tea.BackgroundColorMsg replaces it and every screen restyles.
type Styles struct {
	App       lipgloss.Style // outer frame
	Header    lipgloss.Style
	Badge     lipgloss.Style // "DEMO"
	Title     lipgloss.Style
	Subtle    lipgloss.Style
	Text      lipgloss.Style
	Key       lipgloss.Style // claim names
	Value     lipgloss.Style
	Highlight lipgloss.Style // tenantid, api, region
	OK        lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	URL       lipgloss.Style
	Spinner   lipgloss.Style
	Tab       lipgloss.Style
	TabActive lipgloss.Style
	Cursor    lipgloss.Style // the selected row's marker
	// JSON bodies in the API console.
	JSONKey, JSONString, JSONNumber, JSONLiteral lipgloss.Style

	// The bubbles widgets: the help bar, the region list (its items, title,
	// status bar, paginator and filter) and the text inputs.
	Help     help.Styles
	List     list.Styles
	ListItem list.DefaultItemStyles
	Input    textinput.Styles

	IsDark bool
}

// palette is the semantic colours the styles are built from.
type palette struct {
	fg, subtle, faint, accent, primary, ok, bad, warn, badgeBg color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		fg:      ld(lipgloss.Color("#1F2328"), lipgloss.Color("#E6EDF3")),
		subtle:  ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8B949E")),
		faint:   ld(lipgloss.Color("#D0D7DE"), lipgloss.Color("#30363D")),
		accent:  ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D2A8FF")),
		primary: ld(lipgloss.Color("#0969DA"), lipgloss.Color("#58A6FF")),
		ok:      ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950")),
		bad:     ld(lipgloss.Color("#CF222E"), lipgloss.Color("#F85149")),
		warn:    ld(lipgloss.Color("#9A6700"), lipgloss.Color("#D29922")),
		badgeBg: ld(lipgloss.Color("#FFF8C5"), lipgloss.Color("#9E6A03")),
	}
}

// NewStyles builds the styles for a dark (true) or light background.
func NewStyles(isDark bool) *Styles {
	c := newPalette(isDark)
	return &Styles{
		App:         lipgloss.NewStyle().Padding(0, 1),
		Header:      lipgloss.NewStyle().Foreground(c.primary).Bold(true),
		Badge:       lipgloss.NewStyle().Foreground(c.fg).Background(c.badgeBg).Padding(0, 1).Bold(true),
		Title:       lipgloss.NewStyle().Foreground(c.fg).Bold(true),
		Subtle:      lipgloss.NewStyle().Foreground(c.subtle),
		Text:        lipgloss.NewStyle().Foreground(c.fg),
		Key:         lipgloss.NewStyle().Foreground(c.subtle),
		Value:       lipgloss.NewStyle().Foreground(c.fg),
		Highlight:   lipgloss.NewStyle().Foreground(c.accent).Bold(true),
		OK:          lipgloss.NewStyle().Foreground(c.ok),
		Error:       lipgloss.NewStyle().Foreground(c.bad),
		Warn:        lipgloss.NewStyle().Foreground(c.warn),
		URL:         lipgloss.NewStyle().Foreground(c.primary).Underline(true),
		Spinner:     lipgloss.NewStyle().Foreground(c.accent),
		Tab:         lipgloss.NewStyle().Foreground(c.subtle).Padding(0, 1),
		TabActive:   lipgloss.NewStyle().Foreground(c.fg).Background(c.badgeBg).Bold(true).Padding(0, 1),
		Cursor:      lipgloss.NewStyle().Foreground(c.primary).Bold(true),
		JSONKey:     lipgloss.NewStyle().Foreground(c.primary),
		JSONString:  lipgloss.NewStyle().Foreground(c.ok),
		JSONNumber:  lipgloss.NewStyle().Foreground(c.accent),
		JSONLiteral: lipgloss.NewStyle().Foreground(c.warn),
		Help:        helpStyles(c),
		List:        listStyles(c, isDark),
		ListItem:    listItemStyles(c),
		Input:       inputStyles(c),
		IsDark:      isDark,
	}
}

func helpStyles(c palette) help.Styles {
	key := lipgloss.NewStyle().Foreground(c.subtle)
	desc := lipgloss.NewStyle().Foreground(c.subtle).Faint(true)
	sep := lipgloss.NewStyle().Foreground(c.faint)
	return help.Styles{ShortKey: key, ShortDesc: desc, ShortSeparator: sep, Ellipsis: sep, FullKey: key, FullDesc: desc, FullSeparator: sep}
}

func inputStyles(c palette) textinput.Styles {
	s := textinput.DefaultStyles(true) // the layout; the colours are ours
	for _, st := range []*textinput.StyleState{&s.Focused, &s.Blurred} {
		st.Placeholder = lipgloss.NewStyle().Foreground(c.subtle)
		st.Suggestion = lipgloss.NewStyle().Foreground(c.subtle)
		st.Prompt = lipgloss.NewStyle().Foreground(c.primary)
		st.Text = lipgloss.NewStyle().Foreground(c.fg)
	}
	s.Cursor.Color = c.accent
	return s
}

// listStyles keeps the list's layout (paddings, dots) and takes our colours.
func listStyles(c palette, isDark bool) list.Styles {
	s := list.DefaultStyles(isDark)
	s.Title = s.Title.Foreground(c.fg).Background(c.badgeBg).Bold(true)
	s.Spinner = s.Spinner.Foreground(c.accent)
	s.Filter = inputStyles(c)
	s.Filter.Focused.Prompt = lipgloss.NewStyle().Foreground(c.accent)
	s.Filter.Blurred.Prompt = lipgloss.NewStyle().Foreground(c.subtle)
	s.DefaultFilterCharacterMatch = lipgloss.NewStyle().Underline(true)
	s.StatusBar = s.StatusBar.Foreground(c.subtle)
	s.StatusEmpty = s.StatusEmpty.Foreground(c.subtle)
	s.StatusBarActiveFilter = s.StatusBarActiveFilter.Foreground(c.fg)
	s.StatusBarFilterCount = s.StatusBarFilterCount.Foreground(c.faint)
	s.NoItems = s.NoItems.Foreground(c.subtle)
	s.ArabicPagination = s.ArabicPagination.Foreground(c.subtle)
	s.ActivePaginationDot = s.ActivePaginationDot.Foreground(c.subtle)
	s.InactivePaginationDot = s.InactivePaginationDot.Foreground(c.faint)
	s.DividerDot = s.DividerDot.Foreground(c.faint)
	return s
}

// listItemStyles keeps the default item's layout (the selected row's bar)
// and takes our colours.
func listItemStyles(c palette) list.DefaultItemStyles {
	s := list.NewDefaultItemStyles(true)
	s.NormalTitle = s.NormalTitle.Foreground(c.fg)
	s.NormalDesc = s.NormalDesc.Foreground(c.subtle)
	s.SelectedTitle = s.SelectedTitle.Foreground(c.accent).BorderForeground(c.accent)
	s.SelectedDesc = s.SelectedDesc.Foreground(c.accent).BorderForeground(c.accent)
	s.DimmedTitle = s.DimmedTitle.Foreground(c.subtle)
	s.DimmedDesc = s.DimmedDesc.Foreground(c.faint)
	s.FilterMatch = lipgloss.NewStyle().Underline(true)
	return s
}

// Status is the style of a check's mark, the one mapping of every screen
// (session checks, check, logout): ✓ OK, ✗ Error, ! Warn, – Subtle.
func (s *Styles) Status(st check.Status) lipgloss.Style {
	switch st {
	case check.Pass:
		return s.OK
	case check.Fail:
		return s.Error
	case check.Warn:
		return s.Warn
	}
	return s.Subtle
}
