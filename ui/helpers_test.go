package ui

import (
	"context"
	"errors"
	"net/http"
	"testing"

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

// failTokenUse makes every service of svc that would use a token fail the
// test, naming whose token it was (a HAR's, a pasted one: only decoded
// and, on request, verified).
func failTokenUse(t testing.TB, svc *Services, whose string) {
	used := func(what string) { t.Errorf("%s was called with %s", what, whose) }
	svc.Refresh = func(context.Context, *auth.Result) (*auth.Refreshed, error) {
		used("refresh")
		return nil, errors.New("no")
	}
	svc.Logout = func(context.Context, *auth.Result) []session.LogoutStep { used("logout"); return nil }
	svc.UserInfo = func(context.Context, *auth.Result) (*auth.UserInfo, error) {
		used("userinfo")
		return nil, errors.New("no")
	}
	svc.Call = func(context.Context, *auth.Result, session.CallInput) session.CallOutcome {
		used("an API call")
		return session.CallOutcome{}
	}
	svc.Introspect = func(context.Context, *auth.Result, string) (*auth.Introspection, error) {
		used("introspection")
		return nil, errors.New("no")
	}
	svc.VerifyAccess = func(context.Context, *auth.Result) *auth.Report { used("access token verification"); return nil }
	svc.Login = func(context.Context, LoginRequest, func(auth.Event)) (*auth.Result, error) {
		used("login")
		return nil, errors.New("no")
	}
	svc.Relogin = func(context.Context, *auth.Result, func(auth.Event)) (*auth.Relogin, error) {
		used("re-login")
		return nil, errors.New("no")
	}
}
