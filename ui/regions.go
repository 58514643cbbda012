package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	"ssodesk/config"
	"ssodesk/health"
)

// regionItem is one row of the region picker.
type regionItem struct {
	r      config.Region
	health string // the last probe in words; "" when there is no probe
}

func (i regionItem) Title() string {
	if i.r.Label == "" {
		return i.r.Name
	}
	return i.r.Name + " — " + i.r.Label
}

func (i regionItem) Description() string {
	if i.health == "" {
		return i.r.Issuer
	}
	return i.r.Issuer + "  " + i.health
}

func (i regionItem) FilterValue() string { return i.r.Name + " " + i.r.Label + " " + i.r.Issuer }

// healthText says a probe result in a few words.
func healthText(r health.Result) string {
	switch r.Status {
	case health.StatusOK:
		return fmt.Sprintf("✓ up %s %s", r.Latency.Round(time.Millisecond), r.TLSVersion)
	case health.StatusSlow:
		return fmt.Sprintf("! slow %s", r.Latency.Round(10*time.Millisecond))
	case health.StatusMismatch:
		return "✗ " + r.Err
	}
	return "✗ down: " + r.Err
}

// healthMsg carries a probe of every region.
type healthMsg struct{ results []health.Result }

func healthCmd(c *health.Cache, refresh bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		if refresh {
			return healthMsg{c.Refresh(ctx)}
		}
		return healthMsg{c.Get(ctx)}
	}
}

// RegionKeys are the region picker's own keys (the list adds navigation).
type RegionKeys struct {
	Login  key.Binding
	Up     key.Binding
	Down   key.Binding
	Health key.Binding
}

func defaultRegionKeys() RegionKeys {
	return RegionKeys{
		Login:  bind("enter", "log in"),
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Health: bind("h", "check health"),
	}
}

func (k RegionKeys) ShortHelp() []key.Binding { return []key.Binding{k.Login, k.Up, k.Down} }
func (k RegionKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Login, k.Up, k.Down, k.Health}}
}

// regionsModel is the region picker.
type regionsModel struct {
	com     *Common
	list    list.Model
	keys    RegionKeys
	notice  string // e.g. why the last login ended
	compact bool   // a short terminal: one line per region
}

func newRegionsModel(com *Common) regionsModel {
	items := make([]list.Item, len(com.Cfg.Regions))
	sel := 0
	for i, r := range com.Cfg.Regions {
		items[i] = regionItem{r: r}
		if r.Name == com.Cfg.Region {
			sel = i
		}
	}
	l := list.New(items, list.NewDefaultDelegate(), 0, 0)
	l.Title = "Where do you want to log in?"
	l.SetShowHelp(false) // the root help bar shows our keys
	l.SetStatusBarItemName("region", "regions")
	l.DisableQuitKeybindings()
	l.Select(sel)
	m := regionsModel{com: com, list: l, keys: defaultRegionKeys()}
	if len(com.Cfg.Warnings) > 0 { // what to fix in the configuration, until the first login
		m.notice = "Warning: " + strings.Join(com.Cfg.Warnings, "; ")
	}
	m.restyle()
	return m
}

// setNotice shows notice (why the last login ended) over the list.
func (m *regionsModel) setNotice(notice string) { m.notice = notice }

// compactBelow is the body height under which the picker drops its title,
// status bar and issuer lines so that regions stay visible.
const compactBelow = 12

func (m *regionsModel) SetSize(w, h int) {
	if m.com == nil {
		return
	}
	if m.notice != "" {
		h -= 1 + len(wrapLines(m.notice, w))
	}
	m.compact = h < compactBelow
	m.list.SetShowTitle(!m.compact)
	m.list.SetShowStatusBar(!m.compact)
	m.list.SetShowPagination(!m.compact)
	m.list.SetShowFilter(!m.compact || m.list.SettingFilter())
	m.restyle()
	m.list.SetSize(w, max(h, 1))
}

// restyle takes the list's styles (items, title, status bar, paginator,
// filter) from Styles.
func (m *regionsModel) restyle() {
	if m.com == nil {
		return
	}
	s := m.com.Styles
	d := list.NewDefaultDelegate()
	d.Styles = s.ListItem
	if m.compact {
		d.ShowDescription = false
		d.SetSpacing(0)
	}
	m.list.SetDelegate(d)
	m.list.Styles = s.List
	m.list.FilterInput.SetStyles(s.List.Filter)
	m.list.Paginator.ActiveDot = s.List.ActivePaginationDot.String()
	m.list.Paginator.InactiveDot = s.List.InactivePaginationDot.String()
}

// capturesKeys reports whether a text input (the filter) has focus.
func (m regionsModel) capturesKeys() bool { return m.list.SettingFilter() }

// Init probes the regions' health (from the cache when it is fresh).
func (m regionsModel) Init() tea.Cmd {
	if m.com.Health == nil {
		return nil
	}
	return healthCmd(m.com.Health, false)
}

func (m regionsModel) Update(msg tea.Msg) (regionsModel, tea.Cmd) {
	if hm, ok := msg.(healthMsg); ok {
		return m, m.setHealth(hm.results)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && !m.capturesKeys() {
		switch {
		case key.Matches(k, m.keys.Health) && m.com.Health != nil:
			return m, m.checkHealth()
		case key.Matches(k, m.keys.Login):
			if it, ok := m.list.SelectedItem().(regionItem); ok {
				return m, emit(loginRequestedMsg{region: it.r})
			}
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

// checkHealth probes every region again, marking the rows meanwhile.
func (m *regionsModel) checkHealth() tea.Cmd {
	for i, it := range m.list.Items() {
		ri := it.(regionItem)
		ri.health = "… checking"
		m.list.SetItem(i, ri)
	}
	return healthCmd(m.com.Health, true)
}

func (m regionsModel) View() string {
	v := m.list.View()
	if m.notice != "" {
		v = wrapStyled(m.com.Styles.Warn, m.notice, m.list.Width()) + "\n\n" + v
	}
	return v
}

// setHealth puts probe results on the rows of their regions.
func (m *regionsModel) setHealth(results []health.Result) tea.Cmd {
	byName := map[string]health.Result{}
	for _, r := range results {
		byName[r.Region] = r
	}
	var cmds []tea.Cmd
	for i, it := range m.list.Items() {
		ri := it.(regionItem)
		if r, ok := byName[ri.r.Name]; ok {
			ri.health = healthText(r)
			cmds = append(cmds, m.list.SetItem(i, ri))
		}
	}
	return tea.Batch(cmds...)
}

func (m regionsModel) helpKeys() []key.Binding {
	keys := []key.Binding{m.keys.Login, m.keys.Up, m.keys.Down, m.list.KeyMap.Filter}
	if m.com.Health != nil {
		keys = append(keys, m.keys.Health)
	}
	return keys
}
