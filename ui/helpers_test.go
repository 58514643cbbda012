package ui

import (
	"context"
	"net/http"
	"time"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/transport"
)

// realServices are the services cli wires (cli/tuiservices.go), for tests
// that run against a stand-in or a test server: m's session work, client's
// calls. ui cannot import cli, so this mirrors it.
func realServices(cfg *config.Config, client *http.Client, m *session.Manager, open auth.Opener) *Services {
	return &Services{
		Login: func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
			return m.Login(ctx, session.LoginInput{Region: req.Region, ForceChoose: req.ForceChoose, Resume: true, Progress: progress, Open: open})
		},
		Relogin: func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error) {
			return m.Relogin(ctx, first, session.ReloginInput{Progress: progress, Open: open})
		},
		Refresh: m.Refresh,
		Logout: func(ctx context.Context, res *auth.Result) []session.LogoutStep {
			return m.Logout(ctx, res, session.LogoutInput{PostLogoutRedirectURI: cfg.For(res.Region).PostLogoutRedirectURI, Open: open})
		},
		Introspect:   m.Introspect,
		UserInfo:     func(ctx context.Context, res *auth.Result) (*auth.UserInfo, error) { return res.UserInfo(ctx) },
		VerifyAccess: func(ctx context.Context, res *auth.Result) *auth.Report { return res.VerifyAccessToken(ctx) },
		Call: func(ctx context.Context, res *auth.Result, in CallInput) CallOutput {
			var out CallOutput
			if in.RefreshFirst {
				ref, err := m.Refresh(ctx, res)
				if err != nil {
					out.RefreshErr = err
					return out
				}
				out.Refreshed, res = ref, ref.Result
			}
			out.Resp, out.Err = api.Do(ctx, client, in.Base, res.Token.AccessToken, in.Req)
			if out.Resp != nil {
				out.Diag = api.Diagnose(out.Resp, api.FactsFor(res, res.Region, time.Now()))
			}
			return out
		},
		Check: func(ctx context.Context, region config.Region) diagnose.Report {
			return diagnose.Endpoint(ctx, auth.OptionsFrom(cfg, region, client))
		},
		Kept:       func() map[string]bool { k, _ := m.KeptEndpoints(); return k },
		SaveReport: report.Save,
	}
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
