package ui

import (
	"context"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/flow"
	"ssodesk/har"
	"ssodesk/health"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/transport"
)

// Services is everything the TUI asks of the outside world: the session
// layer, the IdP and the API, the health probes, the HTTP trace. cli builds
// it (cli/tuiservices.go); ui never builds a client, a store or a manager.
// Every func runs inside a tea.Cmd, never in Update or View, on the
// context of the screen that asked (cancelled when the screen is left).
// A nil func is a service this run does not have.
type Services struct {
	// Login runs a login (or resumes a kept session), reporting progress;
	// on a verification failure it returns the Result too.
	Login LoginFunc
	// Relogin runs a regional re-login after first, a login through the
	// global endpoint (HIMSA 2a; see auth.RegionalRelogin).
	Relogin ReloginFunc
	// Refresh trades a session's refresh token for new tokens (joining a
	// refresh already running, keeping the result).
	Refresh RefreshFunc
	// Logout ends a session at the IdP and here.
	Logout LogoutFunc
	// Introspect asks the IdP about an access token (RFC 7662).
	Introspect IntrospectFunc
	// UserInfo fetches the session's userinfo.
	UserInfo func(ctx context.Context, res *auth.Result) (*auth.UserInfo, error)
	// VerifyAccess verifies a JWT access token (nil: opaque or not checked).
	VerifyAccess func(ctx context.Context, res *auth.Result) *auth.Report
	// Call makes an API call with the session's token, refreshing first
	// when asked, and diagnoses the answer.
	Call CallFunc
	// Check checks an endpoint without logging in (ssodesk check).
	Check func(ctx context.Context, region config.Region) diagnose.Report
	// CheckApp checks another app's registration at an endpoint (ssodesk
	// check --client-id … --redirect-uri …): its authorize request and, when
	// the IdP refuses it, the probes that find which parameter it refuses,
	// the configured client's registration the baseline.
	CheckApp func(ctx context.Context, region config.Region, app auth.AuthorizeRequest) diagnose.Report
	// VerifyPasted verifies a pasted token against the issuers of the
	// selected environment (ssodesk decode --verify): nothing is sent with
	// it, only its issuer's keys are read, and an issuer that is no
	// endpoint of the environment is not trusted.
	VerifyPasted func(ctx context.Context, raw string) *auth.Report
	// Kept says which endpoints have a kept session ("env/name").
	Kept func() map[config.EndpointID]bool
	// Holds says whether res is the session kept for its endpoint and
	// client (session.Manager.Holds): the sessions list's close says so.
	Holds func(res *auth.Result) (session.Holding, error)
	// DiffEnvironments compares two environments without logging in
	// (compare.Environments, ssodesk diff --env A --env B).
	DiffEnvironments func(ctx context.Context, a, b config.Environment) *compare.EnvDiff
	// Health probes every endpoint (refresh: ignore the cache), giving each
	// endpoint's result as it comes and closing the channel after the last
	// (health.Cache.Stream); nil shows no health column.
	Health func(ctx context.Context, refresh bool) <-chan health.Result
	// SaveReport writes a diagnosis report and its HAR (report.Save).
	SaveReport func(ctx context.Context, path string, a session.Attempt, o report.Options) (report.Written, error)
	// Trace records every exchange of the run, redacted, and exports it as
	// a HAR file; nil has none.
	Trace *transport.Trace

	// OpenHAR reads a browser's HAR file and finds its login flows
	// (ssodesk har FILE); a file that is not a HAR is an error naming it.
	OpenHAR func(ctx context.Context, path string) (*HARFile, error)
	// VerifyFound verifies a HAR flow's JWTs against its endpoint's keys,
	// each as of its use (session.Manager.VerifyFound); keyed by the
	// token's value. It uses no token: it only checks them.
	VerifyFound func(ctx context.Context, l *flow.Login) map[string]*auth.Report
	// SaveHARReport writes the diagnosis report of f (report.DiagnoseHAR,
	// report.SaveHAR) with the verifications made so far; it returns the
	// absolute path.
	SaveHARReport func(ctx context.Context, path string, f *HARFile, o report.Options, verified map[string]*auth.Report) (string, error)
	// SanitizeHAR writes a copy of f's file with every secret a labelled
	// placeholder (ssodesk har sanitize) at out, a new file; it returns the
	// absolute path.
	SanitizeHAR func(ctx context.Context, f *HARFile, out string, redactPII bool) (string, error)
}

// HARFile is a browser's HAR file as read (Services.OpenHAR): where it
// came from, its exchanges and the login flows found in them.
type HARFile struct {
	Path   string
	Log    *har.Log
	Logins []*flow.Login
}

// LoginFunc runs one login, reporting progress.
type LoginFunc func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error)

// RefreshFunc trades a session's refresh token for new tokens.
type RefreshFunc func(ctx context.Context, res *auth.Result) (*auth.Refreshed, error)

// ReloginFunc runs a regional re-login after first, reporting progress.
type ReloginFunc func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error)

// LogoutFunc ends a session at the IdP and here.
type LogoutFunc func(ctx context.Context, res *auth.Result) []session.LogoutStep

// IntrospectFunc asks the IdP about token.
type IntrospectFunc func(ctx context.Context, res *auth.Result, token string) (*auth.Introspection, error)

// CallFunc makes one API call for res's session.
type CallFunc func(ctx context.Context, res *auth.Result, in session.CallInput) session.CallOutcome

// SessionServices are the services of m's session work — login (resuming a
// kept session), regional re-login, refresh, logout, introspection,
// userinfo, the access token's verification, API calls and the kept
// sessions' marks — with logins and logouts opening open (nil: the system
// browser). Writing a report is here too: m assembles its input
// (Manager.Report). cli makes m and adds what is not session work (Health,
// Trace); tests use it with a stand-in.
func SessionServices(cfg *config.Config, m *session.Manager, open auth.Opener) *Services {
	return &Services{
		Login: func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
			done := make(chan struct{})
			defer close(done) // the pasted URLs' channel below closes with the login
			return m.Login(ctx, session.LoginInput{Region: req.Region, ForceChoose: req.ForceChoose, Resume: true, Progress: progress, Open: open, Params: req.Params,
				Pasted: forwardPasted(req.Pasted, done)})
		},
		Relogin: func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error) {
			return m.Relogin(ctx, first, session.ReloginInput{Progress: progress, Open: open})
		},
		Refresh: m.Refresh,
		Logout: func(ctx context.Context, res *auth.Result) []session.LogoutStep {
			return m.Logout(ctx, res, session.LogoutInput{Open: open})
		},
		Introspect:   m.Introspect,
		UserInfo:     m.UserInfo,
		VerifyAccess: m.VerifyAccessToken,
		Call:         m.Call,
		SaveReport: func(ctx context.Context, path string, a session.Attempt, o report.Options) (report.Written, error) {
			return report.Save(path, m.Report(ctx, a), o)
		},
		Check: func(ctx context.Context, region config.Region) diagnose.Report {
			reps, err := m.Check(ctx, region)
			return firstReport(region, reps, err)
		},
		CheckApp: func(ctx context.Context, region config.Region, app auth.AuthorizeRequest) diagnose.Report {
			own, err := cfg.For(region)
			if err != nil {
				return firstReport(region, nil, err)
			}
			reps, err := m.CheckApp(ctx, app, session.OwnRegistration(own, app), region)
			return firstReport(region, reps, err)
		},
		VerifyPasted: func(ctx context.Context, raw string) *auth.Report { return m.VerifyToken(ctx, raw, nil) },
		Kept:         func() map[config.EndpointID]bool { k, _ := m.KeptEndpoints(); return k },
		Holds:        m.Holds,
	}
}

// firstReport is the report of a check of one endpoint, or a row saying
// why there is none.
func firstReport(region config.Region, reps []diagnose.Report, err error) diagnose.Report {
	if err != nil || len(reps) == 0 {
		detail := "no report"
		if err != nil {
			detail = err.Error()
		}
		return diagnose.Report{Region: region.Name, Issuer: region.Issuer, Rows: []check.Row{{Name: "configuration", Status: check.Fail, Detail: detail}}}
	}
	return reps[0]
}

// forwardPasted is a channel of what arrives on from until done, closed
// then (the login reads it until it is closed); nil when from is nil.
func forwardPasted(from <-chan string, done <-chan struct{}) <-chan string {
	if from == nil {
		return nil
	}
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			select {
			case <-done:
				return
			case s := <-from:
				select {
				case out <- s:
				case <-done:
					return
				}
			}
		}
	}()
	return out
}
