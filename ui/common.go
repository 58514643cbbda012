// Package ui is ssodesk's terminal interface (Bubble Tea v2). It holds no
// protocol logic and does no network or file work of its own: every call
// goes through the Services that cli injects, inside a tea.Cmd, and ui
// renders the result.
//
// The root Model (app.go) is a router: one state machine (transition) over
// screens kept in one table, Model.screens, indexed by screenID. Every
// screen implements the screen interface (screen.go): Init, Update, View,
// SetSize, Restyle, CapturesKeys, KeyMap and WithContext; the root drives
// them only through it, so resizing, restyling, key capture and help reach
// every screen alike.
//
// Adding a screen is one table entry: add its screenID constant and its
// row in screenSpecs (screen.go: its name, where esc returns, whether t
// reaches the trace from it), write its model implementing screen, and open
// it from transition with m.openShow(id, newXModel(...)) in answer to the
// intent that asks for it. The results of its Cmds name it (a target()
// method) to reach it on any screen. Nothing else in the root names it:
// resizing, restyling, key capture, help and esc come from the table. A screen's work runs on the context WithContext gave it, which
// the root cancels when the screen is left (back, replaced) or the
// program quits.
package ui

import (
	"path/filepath"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
)

// LoginRequest is what the UI asks a LoginFunc for.
type LoginRequest struct {
	Region      config.Region
	ForceChoose bool // HIMSA forcechoose: show the account chooser (switch account)
	// Params are the login's OIDC parameters (L on the picker); zero: none.
	Params auth.AuthorizeParams
	// Pasted brings the address-bar URLs the user pastes on the login
	// screen, for a login whose redirect URI is another app's (ssodesk
	// cannot listen there); nil for a loopback one. The root sends on it;
	// the LoginFunc reads it until it returns, never closing it.
	Pasted <-chan string
}

// Common is the state every screen shares, passed by pointer: the
// configuration, the styles, the global keys, the window size, and the
// clock. Services (network, files, the session layer) are not here: cli
// injects them (Services).
type Common struct {
	Cfg    *config.Config
	Styles *Styles
	Keys   GlobalKeys
	Width  int
	Height int
	// Demo marks a session against the built-in stand-in.
	Demo bool
	// Now is the clock for relative times (tests fix it).
	Now func() time.Time
	// WorkDir is where relative file names (a HAR export, a report) go:
	// named in the trace's hint and joined to the report's path.
	WorkDir string
}

// savePath is a typed file name as a dialog writes it: trimmed, a relative
// one under WorkDir ("" when none was typed).
func (c *Common) savePath(typed string) string {
	p := strings.TrimSpace(typed)
	if p != "" && !filepath.IsAbs(p) && filepath.IsAbs(c.WorkDir) {
		p = filepath.Join(c.WorkDir, p)
	}
	return p
}
