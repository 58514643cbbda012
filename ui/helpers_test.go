package ui

import (
	"net/http"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/session"
	"ssodesk/transport"
)

// realServices are the services cli wires (cli/tuiservices.go), for tests
// that run against a stand-in or a test server: m's session work
// (SessionServices) and client's endpoint checks.
func realServices(cfg *config.Config, client *http.Client, m *session.Manager, open auth.Opener) *Services {
	return SessionServices(cfg, m, open)
}

// testServices are realServices for cfg with a manager that keeps nothing,
// and logins that are not used.
func testServices(cfg *config.Config, client *http.Client) *Services {
	if client == nil {
		client = auth.NewHTTPClient(cfg.HTTPTimeout)
	}
	svc := realServices(cfg, client, session.New(cfg, client, nil), nil)
	svc.Login, svc.Kept, svc.Trace = noLogin, nil, transport.NewTrace()
	return svc
}

// The screens of the table, as their own types.
func (m Model) sessionScreen() sessionModel { return m.screens[screenSession].(sessionModel) }
func (m Model) loginScreen() loginModel     { return m.screens[screenLogin].(loginModel) }
func (m Model) consoleScreen() consoleModel { return m.screens[screenAPI].(consoleModel) }
func (m Model) checkScreen() checkModel     { return m.screens[screenCheck].(checkModel) }
func (m Model) regionsScreen() regionsModel { return m.screens[screenRegions].(regionsModel) }
func (m Model) traceScreen() traceModel     { return m.screens[screenTrace].(traceModel) }

// withTracePath types path into the trace's HAR file input.
func withTracePath(m Model, path string) Model {
	tr := m.traceScreen()
	tr.path.SetValue(path)
	m.screens[screenTrace] = tr
	return m
}
