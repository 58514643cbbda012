package session

import (
	"cmp"
	"context"
	"errors"
	"time"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/report"
	"ssodesk/transport"
)

// Shown says whether a login that ended with res and err gives a session to
// show: a verified one, or one whose ID token failed verification — shown
// with its report (and never kept), so the person sees what failed.
func Shown(res *auth.Result, err error) bool {
	var verr *auth.VerifyError
	return res != nil && (err == nil || errors.As(err, &verr))
}

// UserInfo asks the IdP that issued res's tokens for its userinfo.
func (m *Manager) UserInfo(ctx context.Context, res *auth.Result) (*auth.UserInfo, error) {
	return m.clientOf(res).UserInfo(ctx, res)
}

// VerifyAccessToken verifies res's access token when it is a JWT (nil when
// it is opaque, which HIMSA allows).
func (m *Manager) VerifyAccessToken(ctx context.Context, res *auth.Result) *auth.Report {
	return m.clientOf(res).VerifyAccessToken(ctx, res)
}

// CallInput is one API call with a session's access token.
type CallInput struct {
	Base         string // the API base (api.BaseURL)
	Request      api.Request
	RefreshFirst bool // refresh the tokens before the call (after a refusal for an expired token)
}

// CallOutcome is what an API call gave.
type CallOutcome struct {
	Response  *api.Response  // nil when the call was not answered (Err)
	Diagnosis *api.Diagnosis // why the API refused the token; nil when it did not
	// Refreshed holds the new tokens when the call refreshed first; the
	// call used them, and the session on show should take them.
	Refreshed *auth.Refreshed
	// RefreshErr is why the refresh before the call failed (no call was made).
	RefreshErr error
	Err        error // the call's own failure (no answer)
}

// Call calls the API with res's access token, refreshing first when asked
// (single-flight and kept, as Refresh), and diagnoses a refusal.
func (m *Manager) Call(ctx context.Context, res *auth.Result, in CallInput) CallOutcome {
	var out CallOutcome
	if in.RefreshFirst {
		ref, err := m.Refresh(ctx, res)
		if err != nil {
			out.RefreshErr = err
			return out
		}
		out.Refreshed, res = ref, ref.Result
	}
	sec := m.secretsOf(res)
	out.Response, out.Err = api.Do(ctx, m.http, in.Base, res.Token.AccessToken, in.Request)
	if out.Err != nil {
		out.Err = scrubbedErr(out.Err, sec)
	}
	if out.Response != nil {
		scrubResponse(out.Response, sec)
		out.Diagnosis = api.Diagnose(out.Response, api.FactsFor(res, res.Region, m.Now()))
	}
	return out
}

// secretsOf tells the HTTP trace res's secrets (a session resumed from the
// store brings tokens no exchange of this run showed) and returns every
// secret known, for an API that echoes one.
func (m *Manager) secretsOf(res *auth.Result) *transport.Secrets {
	tr := transport.TraceOf(m.http)
	tr.AddSecrets(res.Secrets()...)
	return tr.Secrets().Also(res.Secrets()...)
}

// scrubResponse replaces known secrets in an API answer's body and headers
// before anything shows it.
func scrubResponse(r *api.Response, sec *transport.Secrets) {
	r.Body = sec.ScrubBytes(r.Body)
	for k, vs := range r.Header {
		for i, v := range vs {
			vs[i] = sec.Scrub(v)
		}
		r.Header[k] = vs
	}
}

// scrubbedErr is err with known secrets replaced in its text (still
// unwrapping to err).
func scrubbedErr(err error, sec *transport.Secrets) error {
	if msg := sec.Scrub(err.Error()); msg != err.Error() {
		return &scrubbed{msg: msg, err: err}
	}
	return err
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// Switch is a switch of account (a login with HIMSA's account chooser,
// LoginInput.ForceChoose, after From): who was logged in and who is now.
type Switch struct {
	From, To *auth.Result
}

// SameUser says the IdP gave the same account back (the chooser was left
// as it was, or the person picked the same account).
func (s Switch) SameUser() bool {
	return s.From != nil && s.To != nil && s.From.Claim("sub") == s.To.Claim("sub")
}

// Attempt is what happened in one login, as the CLI or the TUI saw it: the
// input of its report (Report).
type Attempt struct {
	Region      config.Region
	ForceChoose bool
	Started     time.Time
	Finished    time.Time // zero: now
	Events      []auth.Event
	Result      *auth.Result // nil when no tokens came
	Err         error
	UserInfo    *auth.UserInfo // when it was fetched; UserInfoErr when that failed
	UserInfoErr string
	Access      *auth.Report // the access token's verification; made here when nil and the token is a JWT
}

// Report is the report input of a: the configuration, the run's HTTP trace,
// and the access token's verification (its keys are at hand; bounded, as
// ctrl+c may have ended ctx).
func (m *Manager) Report(ctx context.Context, a Attempt) report.Attempt {
	out := report.Attempt{Config: m.cfg, Trace: transport.TraceOf(m.http), Region: a.Region, ForceChoose: a.ForceChoose,
		Started: a.Started, Finished: a.Finished, Events: a.Events, Result: a.Result, Err: a.Err,
		UserInfo: a.UserInfo, UserInfoErr: a.UserInfoErr, AccessReport: a.Access}
	if out.Finished.IsZero() {
		out.Finished = m.Now()
	}
	if a.Result != nil && a.Access == nil {
		vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		out.AccessReport = m.VerifyAccessToken(vctx, a.Result)
	}
	return out
}

// Check checks regions without logging in (ssodesk check), all at once:
// each endpoint's rows, in order. An endpoint of no environment of the
// configuration is an error.
func (m *Manager) Check(ctx context.Context, regions ...config.Region) ([]diagnose.Report, error) {
	opts := make([]auth.Options, len(regions))
	for i, r := range regions {
		o, err := m.Options(r)
		if err != nil {
			return nil, err
		}
		opts[i] = o
	}
	return diagnose.All(ctx, opts, diagnose.Options{}), nil
}

// CheckApp checks regions for another app's authorize request (app's
// client ID, redirect URI, scopes and prompt replace the configured ones;
// its response mode is sent too), finding which parameter a refusal
// refuses; own (the configured client's registration; nil: none) is the
// baseline when even the bare request is refused.
func (m *Manager) CheckApp(ctx context.Context, app auth.AuthorizeRequest, own *auth.AuthorizeRequest, regions ...config.Region) ([]diagnose.Report, error) {
	opts := make([]auth.Options, len(regions))
	for i, r := range regions {
		o, err := m.Options(r)
		if err != nil {
			return nil, err
		}
		o.ClientID = cmp.Or(app.ClientID, o.ClientID)
		o.RedirectURI = cmp.Or(app.RedirectURI, o.RedirectURI)
		if len(app.Scopes) > 0 {
			o.Scopes = app.Scopes
		}
		o.Prompt = cmp.Or(app.Prompt, o.Prompt)
		opts[i] = o
	}
	return diagnose.All(ctx, opts, diagnose.Options{ResponseMode: app.ResponseMode, Own: own}), nil
}

// CheckReport is the report input of a check of reports (one endpoint's:
// region; zero for several).
func (m *Manager) CheckReport(reports []diagnose.Report, region config.Region) report.Attempt {
	return report.Attempt{Kind: report.KindCheck, Checks: reports, Region: region, Config: m.cfg, Trace: transport.TraceOf(m.http),
		Finished: m.Now()}
}
