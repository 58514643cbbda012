package report

import (
	"context"
	"errors"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/flow"
)

// loginErr is how the login failed: its error, or a verification that
// failed on a result shown anyway (the TUI's session screen).
func loginErr(a Attempt) error {
	if a.Err == nil && a.Result != nil && a.Result.Report != nil && !a.Result.Report.OK() {
		return &auth.VerifyError{Report: a.Result.Report}
	}
	return a.Err
}

// stepStatus is a flow step's state as a check status.
var stepStatus = map[flow.State]check.Status{flow.NotReached: check.Skip, flow.Done: check.Pass, flow.Warned: check.Warn, flow.Failed: check.Fail}

// steps are the flow's login steps, where it failed, then userinfo.
func steps(a Attempt, f *flow.Flow) []Step {
	var out []Step
	for _, s := range f.Steps {
		if !s.Kind.IsLoginStep() {
			continue // userinfo, API calls, …: below and in their own sections
		}
		st := Step{Name: string(s.Kind), Status: stepStatus[s.State], At: s.At, DurationMS: s.Took.Milliseconds(), Detail: s.Detail}
		switch s.State {
		case flow.NotReached:
			st.Detail = "not reached"
		case flow.Failed:
			st.Detail = failedDetail(s.Detail, a.Err)
		}
		out = append(out, st)
	}
	if u, ok := userInfoStep(a, f); ok {
		out = append(out, u)
	}
	return out
}

func failedDetail(pending string, err error) string {
	if errors.Is(err, context.Canceled) {
		return pending + ": stopped (cancelled)"
	}
	return pending + ": failed (see the outcome)"
}

// userInfoStep is the userinfo request, when one was made: the flow's
// last, then what the attempt knows of its answer.
func userInfoStep(a Attempt, f *flow.Flow) (Step, bool) {
	s := Step{Name: string(flow.UserInfo), Status: check.Pass}
	fs, made := f.Step(flow.UserInfo)
	if made {
		s.At, s.DurationMS, s.Detail = fs.At, fs.Took.Milliseconds(), fs.Detail
		if fs.State == flow.Failed {
			s.Status = check.Fail
		}
	}
	switch {
	case a.UserInfoErr != "":
		s.Status, s.Detail = check.Fail, a.UserInfoErr
	case a.UserInfo != nil:
		s.Detail = "fetched from " + a.UserInfo.Endpoint
	case !made:
		return s, false
	}
	return s, true
}
