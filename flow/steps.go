package flow

import (
	"fmt"
	"time"

	"ssodesk/auth"
	"ssodesk/explain"
)

// loginSteps are the login's steps in order, each timed from the end of
// the one before, with the exchanges of its kind; and the warnings.
func loginSteps(f *Flow, events []auth.Event) ([]Step, []string) {
	done := map[Kind]auth.Event{}
	var warnings []string
	var authorize string // the last authorize URL the browser step named
	for _, ev := range events {
		kind, isStep := authKinds[ev.Step]
		switch {
		case ev.Step == auth.StepWarning:
			warnings = append(warnings, explain.EventMsg(ev))
		case !isStep:
		default:
			if _, seen := done[kind]; !seen {
				done[kind] = ev
			}
			if kind == Browser && ev.URL != "" {
				authorize = ev.URL
			}
		}
	}
	if len(done) == 0 && f.Failed == Other {
		return nil, warnings // no login ran here (a kept session, client credentials): no steps to show
	}
	var out []Step
	prev := f.Started
	for _, k := range LoginSteps {
		s := Step{Kind: k, State: NotReached}
		if ev, ok := done[k]; ok {
			s = Step{Kind: k, State: Done, At: ev.At, Took: since(ev.At, prev), Detail: explain.EventMsg(ev)}
			if ev.Err != nil {
				s.State = Warned
				s.Findings = append(s.Findings, Finding{Severity: Warning, Text: ev.Err.Error()})
			}
			prev = ev.At
		} else if k == f.Failed {
			s = Step{Kind: k, State: Failed, At: f.Finished, Took: since(f.Finished, prev), Detail: pending(k)}
			prev = f.Finished
		}
		if k == Browser && authorize != "" {
			s.URL = ParseURL(authorize)
		}
		for _, x := range f.Exchanges {
			if x.Kind == k {
				s.Exchanges = append(s.Exchanges, x)
				s.Findings = append(s.Findings, findings(x)...)
			}
		}
		out = append(out, s)
	}
	return out, warnings
}

// IsLoginStep reports whether k is one of LoginSteps (whose steps hold
// the exchanges of their kind).
func (k Kind) IsLoginStep() bool {
	for _, l := range LoginSteps {
		if l == k {
			return true
		}
	}
	return false
}

// exchangeSteps are the exchanges that are a step each: userinfo, the API
// calls, logout, … after a login; every one of a check's.
func exchangeSteps(f *Flow) []Step {
	var out []Step
	for _, x := range f.Exchanges {
		if f.Login && x.Kind.IsLoginStep() {
			continue
		}
		s := Step{Kind: x.Kind, State: Done, At: x.Start, Took: x.Duration, Detail: x.Method + " " + x.RawURL,
			Exchanges: []*Exchange{x}, Findings: findings(x)}
		for _, fd := range s.Findings {
			if fd.Severity == Failure {
				s.State = Failed
			} else if s.State == Done {
				s.State = Warned
			}
		}
		out = append(out, s)
	}
	return out
}

// findings are what an exchange itself shows: its failure, an error
// status, what the caller found suspicious.
func findings(x *Exchange) []Finding {
	var out []Finding
	switch {
	case x.Error != "":
		out = append(out, Finding{Severity: Failure, Text: x.Error})
	case x.Status >= 400:
		out = append(out, Finding{Severity: Failure, Text: fmt.Sprintf("HTTP %d", x.Status)})
	}
	if x.Warning != "" {
		out = append(out, Finding{Severity: Warning, Text: x.Warning})
	}
	return out
}

// since is how long from prev to t (0 when either is unknown or t is
// before prev).
func since(t, prev time.Time) time.Duration {
	if t.IsZero() || prev.IsZero() || t.Before(prev) {
		return 0
	}
	return t.Sub(prev)
}

// Step is the flow's step of kind k (the last one of it); false when none.
func (f *Flow) Step(k Kind) (Step, bool) {
	for i := len(f.Steps) - 1; i >= 0; i-- {
		if f.Steps[i].Kind == k {
			return f.Steps[i], true
		}
	}
	return Step{}, false
}

// Authorize is the authorize request the login sent: the browser step's
// URL, else the pre-flight's (a refused login opens no browser); nil when
// neither is known.
func (f *Flow) Authorize() *Exchange {
	if s, ok := f.Step(Browser); ok && s.URL != nil {
		return &Exchange{Kind: Browser, Method: "GET", URL: s.URL, RawURL: s.URL.String(), Start: s.At}
	}
	for _, x := range f.Exchanges {
		if x.Kind == Preflight && x.Query().Has("client_id") {
			return x
		}
	}
	return nil
}

// OfKind are the flow's exchanges of kind k, in order.
func (f *Flow) OfKind(k Kind) []*Exchange {
	var out []*Exchange
	for _, x := range f.Exchanges {
		if x.Kind == k {
			out = append(out, x)
		}
	}
	return out
}
