package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// screen is what every screen of the TUI is to the root: a child model with
// its own keys and size. Screens are values: Update, SetSize, Restyle and
// WithContext return the changed screen.
type screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (screen, tea.Cmd)
	// View draws the screen in at most the size SetSize gave it.
	View() string
	SetSize(w, h int) screen
	// Restyle draws again with Common's (new) styles.
	Restyle() screen
	// CapturesKeys reports whether a text input has focus: every key but
	// ctrl+c goes to the screen then.
	CapturesKeys() bool
	// KeyMap is the screen's keys for the help bar (ShortHelp) and ?
	// (FullHelp), as they are now.
	KeyMap() help.KeyMap
	// WithContext gives the screen the context its work runs on; the root
	// cancels it when the screen is left or the program quits.
	WithContext(ctx context.Context) screen
}

// screenID names a screen: its row in the root's table.
type screenID int

const (
	screenRegions screenID = iota
	screenLogin
	screenSession
	screenAPI
	screenTrace
	screenCompare     // a regional re-login's two sessions side by side
	screenCheck       // an endpoint checked without logging in (ssodesk check)
	screenLogout      // a logout at the IdP, step by step
	screenReport      // the diagnosis report dialog, over the session or a failed login
	screenHARFlows    // a browser's HAR file: its login flows (ssodesk har FILE, the picker's o)
	screenHARFlow     // one login flow of a HAR: facts, steps, findings, tokens
	screenHARToken    // a HAR's token in the session inspector, read-only
	screenHARSave     // the dialog writing a HAR's report or its sanitised copy
	screenPasteToken  // a token pasted in (the picker's p)
	screenPastedToken // a pasted token in the session inspector, read-only
	screenPasteURL    // a URL from a ticket, pasted and explained (the picker's u)
	screenAppForm     // another app's registration to check (the picker's a)
	screenLoginParams // a login's OIDC parameters (the picker's L)
	screenSessions    // the open sessions (S): switch, close, compare
	screenSessionDiff // two open sessions side by side
	screenEnvDiff     // two environments compared without logging in (the picker's D)
	numScreens
)

// backTo values beyond the screens: where esc goes that is not one screen.
const (
	backNowhere screenID = -1 // esc is the screen's own (or nothing)
	backOpener  screenID = -2 // back to the screen it was opened from
)

// screenSpec is what the root knows of a screen besides the screen itself.
type screenSpec struct {
	name    string
	back    screenID // where backMsg goes
	noTrace bool     // t does not open the trace from here
}

// screenSpecs is the table of screens.
var screenSpecs = [numScreens]screenSpec{
	screenRegions:     {name: "regions", back: backNowhere, noTrace: true},
	screenLogin:       {name: "login", back: backNowhere},
	screenSession:     {name: "session", back: backNowhere},
	screenAPI:         {name: "console", back: screenSession},
	screenTrace:       {name: "trace", back: backOpener, noTrace: true},
	screenCompare:     {name: "compare", back: screenSession},
	screenCheck:       {name: "check", back: screenRegions},
	screenLogout:      {name: "logout", back: backNowhere},
	screenReport:      {name: "report", back: backOpener, noTrace: true},
	screenHARFlows:    {name: "har", back: screenRegions},
	screenHARFlow:     {name: "har flow", back: screenHARFlows},
	screenHARToken:    {name: "har token", back: screenHARFlow},
	screenHARSave:     {name: "har save", back: backOpener, noTrace: true},
	screenPasteToken:  {name: "paste token", back: screenRegions, noTrace: true},
	screenPastedToken: {name: "pasted token", back: screenPasteToken, noTrace: true},
	screenPasteURL:    {name: "explain URL", back: screenRegions, noTrace: true},
	screenAppForm:     {name: "check app", back: screenRegions, noTrace: true},
	screenLoginParams: {name: "login parameters", back: screenRegions, noTrace: true},
	screenSessions:    {name: "sessions", back: backOpener},
	screenSessionDiff: {name: "compare sessions", back: screenSessions},
	screenEnvDiff:     {name: "compare environments", back: screenRegions},
}

func (s screenID) String() string {
	if s >= 0 && s < numScreens {
		return screenSpecs[s].name
	}
	return "none"
}

// keyMap is a help.KeyMap of a screen's bindings as they are now.
type keyMap struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyMap) ShortHelp() []key.Binding  { return k.short }
func (k keyMap) FullHelp() [][]key.Binding { return k.full }

// screenContext is the context of a screen's work: the root's WithContext
// replaces it; until then (a screen built alone, in a test) it is
// Background.
type screenContext struct{ ctx context.Context }

func newScreenContext() screenContext { return screenContext{ctx: context.Background()} }

// timeout is the context for one action started from the screen, bounded
// by actionTimeout.
func (c screenContext) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.ctx, actionTimeout)
}

// actionTimeout bounds a refresh, userinfo or key fetch started from the UI.
const actionTimeout = 30 * time.Second

// joinedKeys are a screen's keys and the global ones (with t when the
// trace is reachable), for help.Model: the help bar and ?.
type joinedKeys struct {
	screen   help.KeyMap
	global   GlobalKeys
	trace    bool
	sessions bool // S opens the sessions list from here, and one is open (the bar names it)
}

func (k joinedKeys) ShortHelp() []key.Binding {
	out := append([]key.Binding{}, k.screen.ShortHelp()...)
	if k.trace {
		out = append(out, k.global.Trace)
	}
	if k.sessions {
		out = append(out, k.global.Sessions)
	}
	return append(out, k.global.ShortHelp()...)
}

func (k joinedKeys) FullHelp() [][]key.Binding {
	g := []key.Binding{k.global.Help, k.global.Quit, k.global.ForceQuit}
	g = append([]key.Binding{k.global.Sessions}, g...)
	if k.trace {
		g = append([]key.Binding{k.global.Trace}, g...)
	}
	return append(append([][]key.Binding{}, k.screen.FullHelp()...), g)
}
