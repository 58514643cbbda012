package report

import (
	"context"
	"errors"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/transport"
)

// noStep: the login failed before its first step (no client ID).
const noStep auth.Step = -1

// failedStep is the step a failed login stopped at (noStep when it did not
// fail or failed before any step).
func failedStep(a Attempt) auth.Step {
	err := loginErr(a)
	if err == nil {
		return noStep
	}
	var (
		de *auth.DiscoveryError
		pe *auth.PortInUseError
		re *auth.RefusedError
		te *auth.TokenError
		ve *auth.VerifyError
	)
	switch {
	case errors.Is(err, auth.ErrNoClientID):
		return noStep
	case errors.As(err, &de):
		return auth.StepDiscovered
	case errors.As(err, &pe):
		return auth.StepListening
	case errors.As(err, &re):
		return auth.StepPreflight
	case errors.As(err, &te) && te.Op == auth.OpExchange:
		return auth.StepExchanged
	case errors.As(err, &ve):
		return auth.StepVerified
	}
	return firstNotDone(a.Events)
}

// loginErr is how the login failed: its error, or a verification that
// failed on a result shown anyway (the TUI's session screen).
func loginErr(a Attempt) error {
	if a.Err == nil && a.Result != nil && a.Result.Report != nil && !a.Result.Report.OK() {
		return &auth.VerifyError{Report: a.Result.Report}
	}
	return a.Err
}

// firstNotDone is the first login step without an event (the callback
// when a login waiting for the browser was cancelled).
func firstNotDone(events []auth.Event) auth.Step {
	done := map[auth.Step]bool{}
	for _, ev := range events {
		done[ev.Step] = true
	}
	for _, st := range auth.Steps {
		if !done[st] {
			return st
		}
	}
	return noStep
}

// steps lists the login's steps with how long each took (from the end of
// the one before), where it failed, then userinfo; and the warnings.
func steps(a Attempt, failed auth.Step, entries []transport.Entry) ([]Step, []string) {
	done := map[auth.Step]auth.Event{}
	var warnings []string
	for _, ev := range a.Events {
		switch ev.Step {
		case auth.StepWarning:
			warnings = append(warnings, ev.Msg)
		case auth.StepStillWaiting:
		default:
			if _, seen := done[ev.Step]; !seen {
				done[ev.Step] = ev
			}
		}
	}
	var out []Step
	prev := a.started()
	for _, st := range auth.Steps {
		if len(done) == 0 && failed == noStep {
			break // no login ran here (a kept session, client credentials): no steps to show
		}
		s := Step{Name: st.String(), Status: check.Skip, Detail: "not reached"}
		if ev, ok := done[st]; ok {
			s = Step{Name: st.String(), Status: check.Pass, At: ev.At, DurationMS: since(ev.At, prev), Detail: ev.Msg}
			if ev.Err != nil {
				s.Status = check.Warn
			}
			prev = ev.At
		} else if st == failed {
			s = Step{Name: st.String(), Status: check.Fail, At: a.Finished, DurationMS: since(a.Finished, prev), Detail: failedDetail(st, a.Err)}
			prev = a.Finished
		}
		out = append(out, s)
	}
	if u, ok := userInfoStep(a, entries); ok {
		out = append(out, u)
	}
	return out, warnings
}

func failedDetail(st auth.Step, err error) string {
	if errors.Is(err, context.Canceled) {
		return st.Pending() + ": stopped (cancelled)"
	}
	return st.Pending() + ": failed (see the outcome)"
}

// userInfoStep is the userinfo request, when one was made.
func userInfoStep(a Attempt, entries []transport.Entry) (Step, bool) {
	s := Step{Name: "userinfo", Status: check.Pass}
	for _, e := range entries {
		if e.Purpose == "userinfo" {
			s.At, s.DurationMS = e.Start, e.Duration.Milliseconds()
			s.Detail = e.Method + " " + e.URL
			if e.Error != "" || e.Status >= 400 {
				s.Status = check.Fail
			}
		}
	}
	switch {
	case a.UserInfoErr != "":
		s.Status, s.Detail = check.Fail, a.UserInfoErr
	case a.UserInfo != nil:
		s.Detail = "fetched from " + a.UserInfo.Endpoint
	case s.At.IsZero():
		return s, false
	}
	return s, true
}

// since is how long from prev to t, in milliseconds (0 when unknown).
func since(t, prev time.Time) int64 {
	if t.IsZero() || prev.IsZero() || t.Before(prev) {
		return 0
	}
	return t.Sub(prev).Milliseconds()
}
