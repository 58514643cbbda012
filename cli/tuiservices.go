package cli

import (
	"context"
	"net/http"
	"time"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/health"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/transport"
	"ssodesk/ui"
)

// tuiServices adapts the session layer, the IdP and the API to the TUI's
// ui.Services. It only adapts: every decision stays in session/, auth/ and
// api/. open is the browser of logins and logouts (nil: the system's);
// probes is the health cache of the picker (nil: no health column).
func tuiServices(cfg *config.Config, client *http.Client, m *session.Manager, open auth.Opener, probes *health.Cache, tr *transport.Trace) *ui.Services {
	svc := &ui.Services{
		Login: func(ctx context.Context, req ui.LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
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
		Call: func(ctx context.Context, res *auth.Result, in ui.CallInput) ui.CallOutput {
			return tuiCall(ctx, client, m.Refresh, res, in)
		},
		Check: func(ctx context.Context, region config.Region) diagnose.Report {
			return diagnose.Endpoint(ctx, auth.OptionsFrom(cfg, region, client))
		},
		Kept:       func() map[string]bool { k, _ := m.KeptEndpoints(); return k },
		SaveReport: report.Save,
		Trace:      tr,
	}
	if probes != nil {
		svc.Health = func(ctx context.Context, refresh bool) []health.Result {
			if refresh {
				return probes.Refresh(ctx)
			}
			return probes.Get(ctx)
		}
	}
	return svc
}

// tuiCall is the console's call: refresh first when asked, call the API
// with the session's access token, diagnose the answer.
func tuiCall(ctx context.Context, client *http.Client, refresh ui.RefreshFunc, res *auth.Result, in ui.CallInput) ui.CallOutput {
	var out ui.CallOutput
	if in.RefreshFirst {
		ref, err := refresh(ctx, res)
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
}
