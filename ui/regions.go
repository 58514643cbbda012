package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/paginator"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/config"
	"ssodesk/health"
)

// regionItem is one row of the region picker.
type regionItem struct {
	r      config.Region
	health string // the last probe in words; "" when there is no probe
	kept   bool   // a session of this endpoint is kept
	env    string // the environment's title, shown when there are several; "" otherwise
}

func (i regionItem) Title() string {
	t := i.r.Name
	if i.r.Label != "" {
		t += " — " + i.r.Label
	}
	if i.env != "" {
		t = i.env + " · " + t
	}
	if i.kept {
		t += "  ● kept session"
	}
	return t
}

func (i regionItem) Description() string {
	if i.health == "" {
		return i.r.Issuer
	}
	return i.r.Issuer + "  " + i.health
}

func (i regionItem) FilterValue() string {
	return i.env + " " + i.r.Name + " " + i.r.Label + " " + i.r.Issuer
}

// pickerEndpoints are the endpoints the picker offers: every environment's,
// grouped by environment (the selected one first; in each, the global
// endpoint first; named when there is more than one).
func pickerEndpoints(cfg *config.Config) []regionItem {
	envs := slices.Clone(cfg.Envs())
	slices.SortStableFunc(envs, func(a, b config.Environment) int {
		return cmp.Compare(btoi(a.Name != cfg.Environment), btoi(b.Name != cfg.Environment))
	})
	var items []regionItem
	for _, e := range envs {
		for _, r := range e.Endpoints {
			it := regionItem{r: r}
			if len(envs) > 1 {
				it.env = e.Title()
			}
			items = append(items, it)
		}
	}
	return items
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// healthText says a probe result in a few words.
func healthText(r health.Result) string {
	mark := r.Check().Mark() // ✓ ok, ! slow, ✗ mismatch or down
	switch r.Status {
	case health.StatusOK:
		return fmt.Sprintf("%s up %s %s", mark, r.RequestTime().Round(time.Millisecond), r.TLSVersion)
	case health.StatusSlow:
		return fmt.Sprintf("%s slow %s", mark, r.RequestTime().Round(10*time.Millisecond))
	case health.StatusMismatch:
		return mark + " " + r.Err
	}
	return mark + " down: " + r.Err
}

// healthMsg carries probe results as they come; stream brings the rest
// (nil: none).
type healthMsg struct {
	results []health.Result
	stream  *healthStream
}

// healthStream is one probe's results arriving (Services.Health), each
// shown as it comes rather than once the slowest endpoint answered; gen
// tells a stream that a newer probe replaced.
type healthStream struct {
	ch     <-chan health.Result
	cancel context.CancelFunc
	gen    int
}

// next waits for the next result, with those already in; nil once the
// stream has ended.
func (s *healthStream) next() tea.Msg {
	r, ok := <-s.ch
	if !ok {
		s.cancel()
		return nil
	}
	results := []health.Result{r}
	for {
		select {
		case r, ok := <-s.ch:
			if !ok {
				return healthMsg{results: results, stream: s} // the next call sees the end
			}
			results = append(results, r)
		default:
			return healthMsg{results: results, stream: s}
		}
	}
}

func (healthMsg) target() screenID { return screenRegions }
func (keptMsg) target() screenID   { return screenRegions }

// healthCmd probes every endpoint (refresh: not from the cache), the
// results coming as healthMsgs of stream gen.
func (m regionsModel) healthCmd(refresh bool, gen int) tea.Cmd {
	probe, c := m.svc.Health, m.screenContext
	return func() tea.Msg {
		ctx, cancel := c.timeout()
		return (&healthStream{ch: probe(ctx, refresh), cancel: cancel, gen: gen}).next()
	}
}

// onHealth shows results of the current probe and waits for its next.
func (m *regionsModel) onHealth(hm healthMsg) tea.Cmd {
	if hm.stream != nil && hm.stream.gen != m.healthGen {
		hm.stream.cancel() // a newer probe replaced it
		return nil
	}
	cmd := m.setHealth(hm.results)
	if hm.stream != nil {
		cmd = tea.Batch(cmd, hm.stream.next)
	}
	return cmd
}

// RegionKeys are the region picker's own keys (the list adds navigation).
type RegionKeys struct {
	Login  key.Binding
	Up     key.Binding
	Down   key.Binding
	Health key.Binding
	Env    key.Binding // the next environment's endpoints
	Check  key.Binding // check the selected endpoint without logging in
	Open   key.Binding // open a browser's HAR file (ssodesk har FILE)
	Token  key.Binding // paste a token: the inspector, read-only
	URL    key.Binding // paste a URL from a ticket: ssodesk explain
	App    key.Binding // check another app's registration at the selected endpoint
	Params key.Binding // log in with OIDC parameters (prompt, max_age, …)
	Diff   key.Binding // compare two environments without logging in (ssodesk diff --env)
	// While the HAR file's path is typed.
	OpenFile, CancelOpen key.Binding
}

func defaultRegionKeys() RegionKeys {
	return RegionKeys{
		Login:  bind("enter", "log in"),
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Health: bind("h", "check health"),
		Env:    bind("e", "next environment"),
		Check:  bind("c", "check endpoint"),
		Open:   bind("o", "open a HAR file"),
		Token:  bind("p", "paste a token"),
		URL:    bind("u", "explain a URL"),
		App:    bind("a", "check another app"),
		Params: bind("L", "log in with parameters"),
		Diff:   bind("D", "compare environments"),
		// While the path is typed.
		OpenFile:   bind("enter", "open"),
		CancelOpen: bind("esc", "cancel"),
	}
}

func (k RegionKeys) ShortHelp() []key.Binding { return []key.Binding{k.Login, k.Up, k.Down} }
func (k RegionKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Login, k.Up, k.Down, k.Health, k.Env, k.Check, k.Open}, {k.Params, k.Token, k.URL, k.App, k.Diff}}
}

// regionsModel is the region picker.
type regionsModel struct {
	com *Common
	svc *Services
	screenContext
	list    list.Model
	keys    RegionKeys
	notice  string // e.g. why the last login ended
	compact bool   // a short terminal: one line per region
	harPath textinput.Model
	opening bool // the HAR file's path is typed (o)
	width   int
	height  int
	// healthGen is the current probe's stream (healthStream.gen).
	healthGen int
}

func newRegionsModel(com *Common, svc *Services) regionsModel {
	endpoints := pickerEndpoints(com.Cfg)
	items := make([]list.Item, len(endpoints))
	sel := -1
	for i, it := range endpoints {
		items[i] = it
		if sel < 0 && it.r.Name == com.Cfg.Region && (it.r.Env == "" || it.r.Env == com.Cfg.Environment) {
			sel = i
		}
	}
	// Built at a plausible size (SetSize sets the real one): at height 0 the
	// list pages one region at a time, and every change draws a dot per page.
	l := list.New(items, list.NewDefaultDelegate(), cmp.Or(com.Width, 80), cmp.Or(com.Height, 24))
	l.Title = "Where do you want to log in?"
	l.SetShowHelp(false) // the root help bar shows our keys
	l.SetStatusBarItemName("endpoint", "endpoints")
	l.DisableQuitKeybindings()
	l.Select(max(sel, 0))
	ti := textinput.New()
	ti.Prompt = "HAR file: "
	ti.Placeholder = "customer.har"
	m := regionsModel{com: com, svc: svc, screenContext: newScreenContext(), list: l, keys: defaultRegionKeys(), harPath: ti}
	m.fitPaginator()
	if len(com.Cfg.Warnings) > 0 { // what to fix in the configuration, until the first login
		m.notice = "Warning: " + strings.Join(com.Cfg.Warnings, "; ")
	}
	m.restyle()
	return m
}

// compactBelow is the body height under which the picker drops its title,
// status bar and issuer lines so that regions stay visible.
const compactBelow = 12

func (m regionsModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

func (m regionsModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	m.layout()
	return m
}

// layout fits the list in what the notice leaves of the size.
func (m *regionsModel) layout() {
	w, h := m.width, m.height
	if m.notice != "" {
		h -= 1 + len(wrapLines(m.notice, w))
	}
	if m.opening {
		h--
	}
	m.harPath.SetWidth(max(w-ansi.StringWidth(m.harPath.Prompt)-1, 4))
	m.compact = h < compactBelow
	m.fitPaginator()
	m.list.SetShowTitle(!m.compact)
	m.list.SetShowStatusBar(!m.compact)
	m.list.SetShowPagination(!m.compact)
	m.list.SetShowFilter(!m.compact || m.list.SettingFilter())
	m.restyle()
	m.list.SetSize(w, max(h, 1))
	m.fitPaginator() // again at the new width and number of pages
}

// fitPaginator shows the page as "3/167" when a dot per page would not fit
// the width. The list falls back to that itself, but only after drawing
// every dot again, on each draw and each layout change: with 1000
// endpoints that was most of the picker's start-up.
func (m *regionsModel) fitPaginator() {
	p := &m.list.Paginator
	p.Type = paginator.Dots
	if p.TotalPages*ansi.StringWidth(p.InactiveDot) > m.list.Width() {
		p.Type = paginator.Arabic
	}
}

// restyle takes the list's styles (items, title, status bar, paginator,
// filter) from Styles.
func (m regionsModel) Restyle() screen {
	m.restyle()
	return m
}

func (m *regionsModel) restyle() {
	s := m.com.Styles
	d := list.NewDefaultDelegate()
	d.Styles = s.ListItem
	if m.compact {
		d.ShowDescription = false
		d.SetSpacing(0)
	}
	m.list.SetDelegate(d)
	m.harPath.SetStyles(s.Input)
	m.list.Styles = s.List
	m.list.FilterInput.SetStyles(s.List.Filter)
	m.list.Paginator.ActiveDot = s.List.ActivePaginationDot.String()
	m.list.Paginator.InactiveDot = s.List.InactivePaginationDot.String()
}

// CapturesKeys reports whether a text input (the filter) has focus.
func (m regionsModel) CapturesKeys() bool { return m.list.SettingFilter() || m.opening }

// Init probes the regions' health (from the cache when it is fresh).
func (m regionsModel) Init() tea.Cmd {
	cmds := []tea.Cmd{keptCmd(m.svc.Kept)}
	if m.svc.Health != nil {
		cmds = append(cmds, m.healthCmd(false, m.healthGen))
	}
	return tea.Batch(cmds...)
}

// keptMsg says which endpoints have a kept session ("env/name").
type keptMsg struct{ kept map[config.EndpointID]bool }

// keptCmd reads which endpoints have a kept session, off the UI thread.
func keptCmd(kept func() map[config.EndpointID]bool) tea.Cmd {
	if kept == nil {
		return nil
	}
	return func() tea.Msg { return keptMsg{kept()} }
}

// setKept marks the rows whose endpoint has a kept session.
func (m *regionsModel) setKept(kept map[config.EndpointID]bool) tea.Cmd {
	return m.updateRows(func(ri *regionItem) bool {
		k := kept[ri.r.ID()]
		changed := k != ri.kept
		ri.kept = k
		return changed
	})
}

func (m regionsModel) Update(msg tea.Msg) (screen, tea.Cmd) { return m.update(msg) }

func (m regionsModel) update(msg tea.Msg) (regionsModel, tea.Cmd) {
	if n, ok := msg.(noticeMsg); ok {
		m.notice = n.text
		m.layout()
		return m, nil
	}
	if km, ok := msg.(keptMsg); ok {
		return m, m.setKept(km.kept)
	}
	if hm, ok := msg.(healthMsg); ok {
		return m, m.onHealth(hm)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && m.opening {
		return m.pathKey(k)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Open) && m.svc.OpenHAR != nil && !m.CapturesKeys() {
		m.opening = true
		m.layout()
		return m, m.harPath.Focus()
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && !m.CapturesKeys() {
		switch {
		case key.Matches(k, m.keys.Health) && m.svc.Health != nil:
			return m, m.checkHealth()
		case key.Matches(k, m.keys.Env):
			m.nextEnvironment()
			return m, nil
		case key.Matches(k, m.keys.Login):
			if it, ok := m.list.SelectedItem().(regionItem); ok {
				return m, emit(loginRequestedMsg{region: it.r})
			}
			return m, nil
		case key.Matches(k, m.keys.Check):
			if it, ok := m.list.SelectedItem().(regionItem); ok {
				return m, emit(openCheckMsg{region: it.r})
			}
			return m, nil
		case key.Matches(k, m.keys.App):
			if it, ok := m.list.SelectedItem().(regionItem); ok {
				return m, emit(openAppFormMsg{region: it.r})
			}
			return m, nil
		case key.Matches(k, m.keys.Params):
			if it, ok := m.list.SelectedItem().(regionItem); ok {
				return m, emit(openLoginParamsMsg{region: it.r})
			}
			return m, nil
		case key.Matches(k, m.keys.Token):
			return m, emit(openPasteTokenMsg{})
		case key.Matches(k, m.keys.URL):
			return m, emit(openPasteURLMsg{})
		case key.Matches(k, m.keys.Diff) && m.svc.DiffEnvironments != nil:
			return m, emit(openEnvDiffMsg{})
		}
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	m.fitPaginator() // a filter changes the number of pages
	return m, cmd
}

// pathKey edits the HAR file's path; enter opens it.
func (m regionsModel) pathKey(k tea.KeyPressMsg) (regionsModel, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.CancelOpen):
		m.opening = false
		m.harPath.Blur()
		m.layout()
		return m, nil
	case key.Matches(k, m.keys.OpenFile):
		path := strings.TrimSpace(m.harPath.Value())
		if path == "" {
			return m, nil
		}
		m.opening = false
		m.harPath.Blur()
		m.layout()
		return m, emit(openHARMsg{path: path})
	}
	var cmd tea.Cmd
	m.harPath, cmd = m.harPath.Update(k)
	return m, cmd
}

// nextEnvironment selects the first endpoint (the global one) of the next
// environment in the list.
func (m *regionsModel) nextEnvironment() {
	items := m.list.Items()
	cur, ok := m.list.SelectedItem().(regionItem)
	if !ok || len(items) == 0 {
		return
	}
	for step := 1; step <= len(items); step++ {
		i := (m.list.Index() + step) % len(items)
		if it := items[i].(regionItem); it.r.Env != cur.r.Env {
			m.list.Select(i)
			return
		}
	}
}

// selectedEnv is the environment of the selected endpoint ("" when none).
func (m regionsModel) selectedEnv() string {
	if it, ok := m.list.SelectedItem().(regionItem); ok {
		return cmp.Or(it.env, it.r.EnvLabel)
	}
	return ""
}

// checkHealth probes every region again, marking the rows meanwhile.
func (m *regionsModel) checkHealth() tea.Cmd {
	m.updateRows(func(ri *regionItem) bool { ri.health = "… checking"; return true })
	m.healthGen++
	return m.healthCmd(true, m.healthGen)
}

// updateRows changes the rows that change says it changed, in one go: the
// list re-paginates (and draws its status bar and dots) once, not once per
// row — 1000 regions took 0.4 s a health update that way. While a filter is
// on, rows are set one by one, which keeps the filtered view as it is.
func (m *regionsModel) updateRows(change func(*regionItem) bool) tea.Cmd {
	items := slices.Clone(m.list.Items())
	var cmds []tea.Cmd
	changed := false
	for i, it := range items {
		ri := it.(regionItem)
		if !change(&ri) {
			continue
		}
		items[i], changed = ri, true
		if m.list.FilterState() != list.Unfiltered {
			cmds = append(cmds, m.list.SetItem(i, ri))
		}
	}
	if changed && m.list.FilterState() == list.Unfiltered {
		return m.list.SetItems(items)
	}
	return tea.Batch(cmds...)
}

func (m regionsModel) View() string {
	v := m.list.View()
	if m.opening {
		v = m.harPath.View() + "\n" + v
	}
	if m.notice != "" {
		v = wrapStyled(m.com.Styles.Warn, m.notice, m.list.Width()) + "\n\n" + v
	}
	return v
}

// setHealth puts probe results on the rows of their regions.
func (m *regionsModel) setHealth(results []health.Result) tea.Cmd {
	byID := map[config.EndpointID]health.Result{}
	for _, r := range results {
		byID[r.Endpoint()] = r
	}
	return m.updateRows(func(ri *regionItem) bool {
		r, ok := byID[ri.r.ID()]
		if ok {
			ri.health = healthText(r)
		}
		return ok
	})
}

func (m regionsModel) KeyMap() help.KeyMap {
	keys := []key.Binding{m.keys.Login, m.keys.Up, m.keys.Down, m.list.KeyMap.Filter, m.keys.Check}
	if m.svc.Health != nil {
		keys = append(keys, m.keys.Health)
	}
	if len(m.com.Cfg.Environments) > 1 {
		keys = append(keys, m.keys.Env)
	}
	if len(m.com.Cfg.Environments) > 1 && m.svc.DiffEnvironments != nil {
		keys = append(keys, m.keys.Diff)
	}
	if m.svc.OpenHAR != nil {
		keys = append(keys, m.keys.Open)
	}
	if m.opening {
		return keyMap{short: []key.Binding{m.keys.OpenFile, m.keys.CancelOpen}, full: [][]key.Binding{{m.keys.OpenFile, m.keys.CancelOpen}}}
	}
	lk := m.list.KeyMap
	paste := []key.Binding{m.keys.Token, m.keys.URL, m.keys.App} // in ?: the bar keeps the keys used most
	if m.svc.DiffEnvironments != nil {
		paste = append(paste, m.keys.Diff)
	}
	return keyMap{short: keys, full: [][]key.Binding{keys, paste, {lk.NextPage, lk.PrevPage, lk.GoToStart, lk.GoToEnd}}}
}
