package ui

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"ssodesk/safe"
	"ssodesk/session"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
)

// ConsoleKeys are the API console's keys. Its scroller adds ↑/↓, pgup,
// pgdown, home and end for the response.
type ConsoleKeys struct {
	Send      key.Binding
	Edit      key.Binding
	Preset    key.Binding   // 1..9, for help
	Presets   []key.Binding // 1, 2, … 9: one preset each
	Prev      key.Binding
	Next      key.Binding
	Rerun     key.Binding
	Retry     key.Binding
	Curl      key.Binding
	Reveal    key.Binding
	Headers   key.Binding
	Back      key.Binding
	Field     key.Binding // the next field while editing
	PrevField key.Binding
	StopEdit  key.Binding
}

func defaultConsoleKeys() ConsoleKeys {
	return ConsoleKeys{
		Send:      bind("enter", "send"),
		Edit:      bind("e", "edit request"),
		Preset:    key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "preset")),
		Presets:   digitKeys(9),
		Prev:      key.NewBinding(key.WithKeys("["), key.WithHelp("[/]", "history")),
		Next:      key.NewBinding(key.WithKeys("]")),
		Rerun:     bind("x", "re-run"),
		Retry:     bind("R", "refresh & retry"),
		Curl:      bind("y", "copy as curl"),
		Reveal:    bind("v", "reveal token in curl"),
		Headers:   bind("H", "headers"),
		Back:      bind("esc", "back"),
		Field:     bind("tab", "next field"),
		PrevField: bind("shift+tab", "previous field"),
		StopEdit:  bind("esc", "stop editing"),
	}
}

func (k ConsoleKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Send, k.Preset, k.Edit, k.Retry, k.Curl, k.Reveal, k.Prev, k.Rerun, k.Headers}
}

func (k ConsoleKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.Preset, k.Edit, k.Prev, k.Rerun, k.Back},
		{k.Retry, k.Curl, k.Reveal, k.Headers},
		k.EditHelp(),
	}
}

// EditHelp are the keys while a field is edited.
func (k ConsoleKeys) EditHelp() []key.Binding {
	return []key.Binding{k.Send, k.Field, k.PrevField, k.StopEdit}
}

// The request form's fields.
const (
	fieldMethod = iota
	fieldPath
	fieldQuery
	fieldHeaders
	fieldBody
	numFields
)

var fieldNames = [numFields]string{"Method", "Path", "Query", "Headers", "Body"}

// callOutcome is one call of this session's history.
type callOutcome struct {
	req  api.Request
	resp *api.Response
	err  error
	diag *api.Diagnosis
	// body is resp's body drawn (made printable, indented, coloured) in the
	// call's Cmd; nil when not drawn yet or dropped. A body that is
	// coloured (small JSON, whose colours follow the styles) keeps its raw
	// bytes in resp to be drawn again; a bigger one keeps only the drawing.
	body *textDoc
	// dropped is the size of a body dropped to keep the history within
	// limits.console_history; 0 when kept.
	dropped int64
}

// drawBody draws resp's body as the console shows it: valid JSON indented
// and (up to maxHighlight) coloured, all of it made printable. It is the
// heavy part of showing a call — 5 MB take tens of milliseconds — so the
// call's Cmd runs it, not Update.
func drawBody(resp *api.Response, s *Styles) *textDoc {
	body := safe.Text(resp.Pretty()) // valid JSON may still hold raw C1 controls
	if resp.Kind() == api.BodyJSON {
		body = highlightJSON(body, s)
	}
	return newTextDoc(body)
}

// drawn returns o with its body drawn; a body too big to be coloured loses
// its raw bytes, which the drawing replaces.
func (o callOutcome) drawn(s *Styles) callOutcome {
	if o.resp == nil || o.dropped > 0 {
		return o
	}
	o.body = drawBody(o.resp, s)
	if len(o.resp.Body) > maxHighlight {
		o.resp = withoutBody(o.resp)
	}
	return o
}

// withoutBody is a copy of r without its body (Size still says how big it was).
func withoutBody(r *api.Response) *api.Response {
	return &api.Response{Request: r.Request, URL: r.URL, Status: r.Status, Header: r.Header, Size: r.Size, Duration: r.Duration, At: r.At}
}

// bytes is what o keeps of its body, raw and drawn.
func (o callOutcome) bytes() int64 {
	n := int64(0)
	if o.resp != nil {
		n += int64(len(o.resp.Body))
	}
	if o.body != nil {
		n += int64(len(o.body.text) + 8*len(o.body.ends))
	}
	return n
}

func (apiResultMsg) target() screenID { return screenAPI }

// apiResultMsg ends a call; refreshed is set when the tokens were refreshed first.
type apiResultMsg struct {
	gen       int
	out       callOutcome
	refreshed *auth.Refreshed
	refErr    error
}

// consoleModel is the API console: make test calls with the session's token.
type consoleModel struct {
	com *Common
	svc *Services
	screenContext
	keys     ConsoleKeys
	res      *auth.Result
	base     string
	baseFrom string
	baseErr  error
	presets  []config.APIPreset
	fields   [numFields]textinput.Model
	focus    int // the edited field; -1 when not editing
	history  []callOutcome
	shown    int // the history entry on screen; -1 none
	gen      int
	status   statusLine
	reveal   bool
	headers  bool
	scroll   scroller
	width    int
	height   int
}

func newConsoleModel(com *Common, svc *Services, res *auth.Result, gen int) consoleModel {
	m := consoleModel{com: com, svc: svc, screenContext: newScreenContext(), keys: defaultConsoleKeys(), res: res, presets: api.Presets(com.Cfg), focus: -1, shown: -1, gen: gen, scroll: newScroller()}
	m.base, m.baseFrom, m.baseErr = api.BaseURL(res.Region.API, res.Claim("api"))
	for i := range m.fields {
		ti := textinput.New()
		ti.Prompt = ""
		ti.Placeholder = [numFields]string{"GET", "e.g. users", "e.g. page=1&size=20", "e.g. X-Name: value; Other: value", `e.g. {"name": "x"} (sent as JSON)`}[i]
		ti.SetStyles(com.Styles.Input)
		m.fields[i] = ti
	}
	if len(m.presets) > 0 {
		m.load(m.presets[0])
	}
	return m
}

func (m consoleModel) Init() tea.Cmd { return nil }

func (m consoleModel) WithContext(ctx context.Context) screen { m.ctx = ctx; return m }

// Restyle re-renders the form and the response with the current styles.
func (m consoleModel) Restyle() screen { m.restyle(); return m }

func (m *consoleModel) restyle() {
	for i := range m.fields {
		m.fields[i].SetStyles(m.com.Styles.Input)
	}
	if len(m.history) > 0 { // coloured bodies are drawn again when shown
		m.history = slices.Clone(m.history)
		for i := range m.history {
			if o := &m.history[i]; o.resp != nil && len(o.resp.Body) > 0 {
				o.body = nil
			}
		}
	}
	m.refresh()
}

// load fills the form from a preset.
func (m *consoleModel) load(p config.APIPreset) {
	vals := [numFields]string{p.Method, p.Path, p.Query, "", p.Body}
	for i := range m.fields {
		m.fields[i].SetValue(vals[i])
	}
}

// request reads the form.
func (m consoleModel) request() (api.Request, error) {
	h := http.Header{}
	for _, part := range strings.Split(m.fields[fieldHeaders].Value(), ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, value, err := api.ParseHeader(strings.TrimSpace(part))
		if err != nil {
			return api.Request{}, err
		}
		h.Add(name, value)
	}
	return api.Request{
		Method: m.fields[fieldMethod].Value(), Path: m.fields[fieldPath].Value(), Query: m.fields[fieldQuery].Value(),
		Header: h, Body: strings.TrimSpace(m.fields[fieldBody].Value()),
	}, nil
}

func (m consoleModel) SetSize(w, h int) screen {
	m.width, m.height = w, h
	for i := range m.fields { // the label before it, the cursor after it
		m.fields[i].SetWidth(max(w-ansi.StringWidth(m.fieldLabel(i))-1, 4))
	}
	m.scroll.SetSize(w, max(h-m.formHeight(), 1))
	m.refresh()
	return m
}

// formHeight is the lines above the response: the form and the status
// line, as drawn.
func (m consoleModel) formHeight() int {
	return lipgloss.Height(m.formView()) + lipgloss.Height(m.status.View(m.com.Styles, m.width))
}

// CapturesKeys: while a field is edited, keys go to it.
func (m consoleModel) CapturesKeys() bool { return m.focus >= 0 }

func (m *consoleModel) setStatus(s string, bad bool) { m.status.Set(s, bad) }

func (m consoleModel) Update(msg tea.Msg) (screen, tea.Cmd) { return m.update(msg) }

func (m consoleModel) update(msg tea.Msg) (consoleModel, tea.Cmd) {
	switch msg := msg.(type) {
	case useTokensMsg:
		m.res = msg.res
		return m, nil
	case apiResultMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.status.Done()
		if msg.refreshed != nil {
			m.res = msg.refreshed.Result
		}
		if msg.refErr != nil {
			m.setStatus("refresh failed, so no retry: "+explain.Error(msg.refErr), true)
			return m, nil
		}
		out := msg.out
		if out.body == nil { // not drawn by a Cmd (a test's message)
			out = out.drawn(m.com.Styles)
		}
		m.history = append(m.history, out)
		m.boundHistory()
		m.shown = len(m.history) - 1
		m.scroll.Top()
		m.setStatus("", false)
		m.refresh()
		return m, nil
	case copiedMsg:
		m.setStatus(msg.text(), false)
		return m, nil
	case tea.KeyPressMsg:
		if m.CapturesKeys() {
			return m.editKey(msg)
		}
		return m.navKey(msg)
	}
	return m, nil
}

func (m consoleModel) editKey(msg tea.KeyPressMsg) (consoleModel, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.StopEdit):
		m.fields[m.focus].Blur()
		m.focus = -1
		return m, nil
	case key.Matches(msg, k.Field), key.Matches(msg, k.PrevField):
		m.fields[m.focus].Blur()
		d := 1
		if key.Matches(msg, k.PrevField) {
			d = numFields - 1
		}
		m.focus = (m.focus + d) % numFields
		return m, m.fields[m.focus].Focus()
	case key.Matches(msg, k.Send):
		m.fields[m.focus].Blur()
		m.focus = -1
		return m.send()
	}
	var cmd tea.Cmd
	m.fields[m.focus], cmd = m.fields[m.focus].Update(msg)
	return m, cmd
}

func (m consoleModel) navKey(msg tea.KeyPressMsg) (consoleModel, tea.Cmd) {
	k := m.keys
	if i := matchIndex(msg, k.Presets); i >= 0 {
		m.loadPreset(i)
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return m, emit(backMsg{})
	case key.Matches(msg, k.Send):
		return m.send()
	case key.Matches(msg, k.Edit):
		m.focus = fieldPath
		return m, m.fields[m.focus].Focus()
	case key.Matches(msg, k.Prev):
		m.show(m.shown - 1)
	case key.Matches(msg, k.Next):
		m.show(m.shown + 1)
	case key.Matches(msg, k.Rerun):
		if m.shown >= 0 {
			return m.call(m.history[m.shown].req, false)
		}
	case key.Matches(msg, k.Retry):
		return m.retry()
	case key.Matches(msg, k.Curl):
		return m, m.copyCurl()
	case key.Matches(msg, k.Reveal):
		m.reveal = !m.reveal
		m.setStatus(explain.If(m.reveal, "the token will be in copied curl commands", "copied curl commands read the token from $ACCESS_TOKEN"), false)
	case key.Matches(msg, k.Headers):
		m.headers = !m.headers
		m.refresh()
	default:
		m.scroll.HandleKey(msg)
	}
	return m, nil
}

func (m *consoleModel) loadPreset(i int) {
	if i < len(m.presets) {
		m.load(m.presets[i])
		m.setStatus("preset "+m.presets[i].Name+" loaded; enter sends it", false)
	}
}

// retry refreshes the tokens and repeats the shown call, after a refusal
// for an expired token.
func (m consoleModel) retry() (consoleModel, tea.Cmd) {
	if o := m.current(); o != nil && o.diag != nil && o.diag.Retry {
		return m.call(o.req, true)
	}
	m.setStatus("nothing to refresh and retry: R works after a call refused for an expired token", true)
	return m, nil
}

func (m *consoleModel) show(i int) {
	if i < 0 || i >= len(m.history) {
		return
	}
	m.shown = i
	m.scroll.Top()
	m.refresh()
}

func (m consoleModel) current() *callOutcome {
	if m.shown < 0 || m.shown >= len(m.history) {
		return nil
	}
	return &m.history[m.shown]
}

func (m consoleModel) send() (consoleModel, tea.Cmd) {
	req, err := m.request()
	if err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	return m.call(req, false)
}

// call starts req in a Cmd, refreshing the tokens first when asked.
func (m consoleModel) call(req api.Request, refreshFirst bool) (consoleModel, tea.Cmd) {
	if m.baseErr != nil {
		m.setStatus(m.baseErr.Error(), true)
		return m, nil
	}
	if _, err := req.URL(m.base); err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	busy := fmt.Sprintf("%s %s …", req.MethodOrGET(), req.Path)
	m.status.Working(explain.If(refreshFirst, "refreshing the tokens, then "+busy, busy))
	gen, res, call, styles, c := m.gen, m.res, m.svc.Call, m.com.Styles, m.screenContext
	in := session.CallInput{Base: m.base, Request: req, RefreshFirst: refreshFirst}
	return m, func() tea.Msg {
		if call == nil {
			return apiResultMsg{gen: gen, out: callOutcome{req: req, err: errNoService("the API console")}}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		got := call(ctx, res, in)
		out := apiResultMsg{gen: gen, refreshed: got.Refreshed, refErr: got.RefreshErr}
		if got.RefreshErr != nil {
			return out
		}
		out.out = callOutcome{req: req, resp: got.Response, err: got.Err, diag: got.Diagnosis}
		if got.Response != nil {
			out.out = out.out.drawn(styles)
			if got.Response.Size >= bigBody {
				// Drawing a 5 MB body leaves 15 MB of garbage (the raw body,
				// the drafts); left to the collector's pace the heap grows to
				// twice its peak, call after call. Here, off the Update loop,
				// it is collected and handed back at once.
				debug.FreeOSMemory()
			}
		}
		return out
	}
}

// bigBody is the size from which a call's Cmd frees the memory its drawing
// used before returning.
const bigBody = 1 << 20

// boundHistory drops the bodies of the oldest calls while the history
// keeps more than limits.console_history bytes of them; the newest call
// keeps its body whatever its size.
func (m *consoleModel) boundHistory() {
	limit, total := config.PerfOf(m.com.Cfg).ConsoleHistory, int64(0)
	for _, o := range m.history {
		total += o.bytes()
	}
	if total <= limit {
		return
	}
	m.history = slices.Clone(m.history) // older copies of the model share the array
	for i := 0; i < len(m.history)-1 && total > limit; i++ {
		o := &m.history[i]
		if n := o.bytes(); n > 0 {
			total -= n
			o.dropped, o.body, o.resp = max(o.resp.Size, 1), nil, withoutBody(o.resp)
		}
	}
}

func (m consoleModel) copyCurl() tea.Cmd {
	req, err := m.request()
	if o := m.current(); o != nil {
		req, err = o.req, nil
	}
	if err == nil {
		var line string
		if line, err = api.Curl(m.base, m.res.Token.AccessToken, req, m.reveal); err == nil {
			what := "curl command (token from $ACCESS_TOKEN)"
			if m.reveal {
				what = "curl command with the token"
			}
			return copyCmd(what, line)
		}
	}
	msg := err.Error()
	return func() tea.Msg { return copiedMsg{what: msg, empty: true} }
}

// refresh re-renders the response area. The body was drawn when the call
// ended (a small one is drawn again after a restyle, here); what remains is
// wrapping the rows on screen to the width.
func (m *consoleModel) refresh() {
	s := m.com.Styles
	switch o := m.current(); {
	case o == nil:
		m.scroll.SetContent(s.Subtle.Render("No call yet: pick a preset (1-9) or edit the request (e), then enter."))
	case o.err != nil:
		m.scroll.SetContent(wrapStyled(s.Error, o.err.Error(), m.width))
	default:
		if o.body == nil && o.dropped == 0 {
			*o = o.drawn(s)
		}
		body := o.body
		if o.dropped > 0 {
			body = newTextDoc(wrapStyled(s.Subtle, fmt.Sprintf("The body (%d bytes) was dropped from the history to keep the console's memory "+
				"within %s (%d bytes); x calls again.", o.dropped, config.KeyConsoleHistory, config.PerfOf(m.com.Cfg).ConsoleHistory), m.width))
		}
		head := m.responseHead(o)
		m.scroll.SetSource(newDocSource(strings.Split(head[:len(head)-1], "\n"), body, m.width))
	}
}

// responseHead draws a call's outcome above its body: status, URL,
// diagnosis, headers (when asked) and a blank line.
func (m consoleModel) responseHead(o *callOutcome) string {
	s, r := m.com.Styles, o.resp
	var b strings.Builder
	st := s.OK
	if r.Status >= 400 {
		st = s.Error
	}
	fmt.Fprintf(&b, "%s %s\n", st.Render(r.StatusText()), s.Subtle.Render(fmt.Sprintf("· %s · %d bytes · %s · call %d of %d",
		r.Duration.Round(time.Millisecond), r.Size, cmp.Or(r.Header.Get("Content-Type"), "no content type"), m.shown+1, len(m.history))))
	b.WriteString(s.Subtle.Render(o.req.MethodOrGET()+" "+safe.Printable(r.URL)) + "\n")
	if d := o.diag; d != nil {
		b.WriteString(wrapStyled(s.Warn, "! "+d.Summary, m.width) + "\n")
	}
	if m.headers {
		for _, k := range sortedKeys(r.Header) {
			b.WriteString(s.Key.Render(k+": ") + safe.Printable(strings.Join(r.Header[k], ", ")) + "\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

// formView draws the API base, the presets and the request form.
func (m consoleModel) formView() string {
	s := m.com.Styles
	var b strings.Builder
	if m.baseErr != nil {
		b.WriteString(wrapStyled(s.Error, "API base  "+m.baseErr.Error(), m.width) + "\n")
	} else {
		base := s.Key.Render("API base  ") + s.Value.Render(m.base)
		b.WriteString(fitParts([]string{base, s.Subtle.Render("from the " + m.baseFrom)}, "  ", m.width) + "\n")
	}
	var ps []string
	for i, p := range m.presets[:min(len(m.presets), 9)] {
		ps = append(ps, fmt.Sprintf("%d %s", i+1, p.Name))
	}
	label := s.Key.Render("Presets   ")
	if len(ps) > 0 { // as many as fit
		label += fitParts(styleAll(s.Value, ps), s.Value.Render(" · "), m.width-ansi.StringWidth(label))
	}
	b.WriteString(ansi.Truncate(label, max(m.width, 1), "…") + "\n")
	for i, f := range m.fields {
		st := s.Key
		if i == m.focus {
			st = s.Cursor
		}
		b.WriteString("\n" + st.Render(m.fieldLabel(i)) + f.View())
	}
	return b.String()
}

// fieldLabel is the label before field i.
func (m consoleModel) fieldLabel(i int) string { return fmt.Sprintf("%-9s ", fieldNames[i]) }

func (m consoleModel) View() string {
	// At a height below the form's, the lines at the bottom give way.
	return clipLines(m.formView()+"\n"+m.status.View(m.com.Styles, m.width)+"\n"+m.scroll.View(), m.height)
}

func (m consoleModel) KeyMap() help.KeyMap {
	full := append(m.keys.FullHelp(), m.scroll.Keys().FullHelp()...)
	if m.CapturesKeys() {
		return keyMap{short: m.keys.EditHelp(), full: full}
	}
	return keyMap{short: append(append(m.keys.ShortHelp(), m.scroll.Keys().ShortHelp()...), m.keys.Back), full: full}
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
