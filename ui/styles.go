package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles holds every style the UI uses, built from semantic colours for a
// light or dark terminal background.
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
	IsDark                                       bool
}

// NewStyles builds the styles for a dark (true) or light background.
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		fg      = ld(lipgloss.Color("#1F2328"), lipgloss.Color("#E6EDF3"))
		subtle  = ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8B949E"))
		accent  = ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D2A8FF"))
		primary = ld(lipgloss.Color("#0969DA"), lipgloss.Color("#58A6FF"))
		ok      = ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950"))
		bad     = ld(lipgloss.Color("#CF222E"), lipgloss.Color("#F85149"))
		warn    = ld(lipgloss.Color("#9A6700"), lipgloss.Color("#D29922"))
		badgeBg = ld(lipgloss.Color("#FFF8C5"), lipgloss.Color("#9E6A03"))
	)
	return &Styles{
		App:         lipgloss.NewStyle().Padding(0, 1),
		Header:      lipgloss.NewStyle().Foreground(primary).Bold(true),
		Badge:       lipgloss.NewStyle().Foreground(fg).Background(badgeBg).Padding(0, 1).Bold(true),
		Title:       lipgloss.NewStyle().Foreground(fg).Bold(true),
		Subtle:      lipgloss.NewStyle().Foreground(subtle),
		Text:        lipgloss.NewStyle().Foreground(fg),
		Key:         lipgloss.NewStyle().Foreground(subtle),
		Value:       lipgloss.NewStyle().Foreground(fg),
		Highlight:   lipgloss.NewStyle().Foreground(accent).Bold(true),
		OK:          lipgloss.NewStyle().Foreground(ok),
		Error:       lipgloss.NewStyle().Foreground(bad),
		Warn:        lipgloss.NewStyle().Foreground(warn),
		URL:         lipgloss.NewStyle().Foreground(primary).Underline(true),
		Spinner:     lipgloss.NewStyle().Foreground(accent),
		Tab:         lipgloss.NewStyle().Foreground(subtle).Padding(0, 1),
		TabActive:   lipgloss.NewStyle().Foreground(fg).Background(badgeBg).Bold(true).Padding(0, 1),
		Cursor:      lipgloss.NewStyle().Foreground(primary).Bold(true),
		JSONKey:     lipgloss.NewStyle().Foreground(primary),
		JSONString:  lipgloss.NewStyle().Foreground(ok),
		JSONNumber:  lipgloss.NewStyle().Foreground(accent),
		JSONLiteral: lipgloss.NewStyle().Foreground(warn),
		IsDark:      isDark,
	}
}
