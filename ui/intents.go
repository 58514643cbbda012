package ui

import (
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/config"
)

// An intent is what a screen asks of the root: a screen handles its own
// keys and, to go elsewhere, returns a Cmd that emits an intent. The end of
// a login run is one too. Model.transition is the only place that acts on
// them.
type intent interface{ isIntent() }

// emit returns the Cmd that sends in to the root.
func emit(in intent) tea.Cmd { return func() tea.Msg { return in } }

type (
	// loginRequestedMsg: log in at region (the region picker's enter).
	loginRequestedMsg struct{ region config.Region }
	// switchAccountMsg: log in again at region with the IdP's account
	// chooser (HIMSA forcechoose); the session stays until it succeeds.
	switchAccountMsg struct {
		region config.Region
		from   *auth.Result // the session being switched from: the new one says from whom to whom
	}
	// reloginRequestedMsg: a regional re-login after first at target
	// (HIMSA 2a); first stays until it succeeds.
	reloginRequestedMsg struct {
		first  *auth.Result
		target config.Region
	}
	// retryLoginMsg: run the failed login (or re-login) again.
	retryLoginMsg struct{}
	// cancelLoginMsg: stop the login in flight; failed says it had already
	// failed (nothing to cancel, the user just leaves).
	cancelLoginMsg struct{ failed bool }
	// pastedURLMsg: the login in flight takes text, the address-bar URL
	// the user pasted (a login as another app).
	pastedURLMsg struct{ text string }
	// newLoginMsg: back to the region picker for another login.
	newLoginMsg struct{}
	// openConsoleMsg: the API console for res's session.
	openConsoleMsg struct{ res *auth.Result }
	// openCompareMsg: the side-by-side view of the last regional re-login.
	openCompareMsg struct{}
	// openTraceMsg: the HTTP trace (the global t).
	openTraceMsg struct{}
	// backMsg: leave the screen for the one it was opened from.
	backMsg struct{}
	// quitMsg: end the program (q, ctrl+c).
	quitMsg struct{}
)

func (loginRequestedMsg) isIntent()   {}
func (switchAccountMsg) isIntent()    {}
func (reloginRequestedMsg) isIntent() {}
func (retryLoginMsg) isIntent()       {}
func (cancelLoginMsg) isIntent()      {}
func (newLoginMsg) isIntent()         {}
func (pastedURLMsg) isIntent()        {}
func (openConsoleMsg) isIntent()      {}
func (openCompareMsg) isIntent()      {}
func (openTraceMsg) isIntent()        {}
func (backMsg) isIntent()             {}
func (quitMsg) isIntent()             {}
func (loginDoneMsg) isIntent()        {}
func (reloginDoneMsg) isIntent()      {}

// tokensRefreshedMsg tells the session screen that the console refreshed
// its tokens (refresh and retry), so both show the same ones.
type tokensRefreshedMsg struct{ out *auth.Refreshed }

// Messages from the root to one screen, delivered at once (not intents).
type (
	// noticeMsg: the picker shows text over the list (why the last login ended).
	noticeMsg struct{ text string }
	// statusMsg: the session screen's status line says text.
	statusMsg struct {
		text string
		bad  bool
	}
	// loginFailedMsg: the login on screen failed with err.
	loginFailedMsg struct{ err error }
	// useTokensMsg: the console calls with res's (fresher) tokens.
	useTokensMsg struct{ res *auth.Result }
)
