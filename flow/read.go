package flow

import (
	"errors"
	"time"

	"ssodesk/auth"
	"ssodesk/transport"
)

// Record is what ssodesk knew of one attempt: the run's trace, and the
// events of its login (none for a check).
type Record struct {
	// Entries is the run's trace; only its exchanges from Started on are
	// the attempt's.
	Entries []transport.Entry
	Events  []auth.Event
	// Started is when the attempt began (zero: at its first event);
	// Finished when it ended (zero: not known).
	Started, Finished time.Time
	// Login: the attempt is a browser login, with its steps (discovery …
	// verify) read from Events.
	Login bool
	// Err is how the attempt failed (nil when it did not): the step it
	// stopped at is read from it.
	Err error
}

// Read builds the flow of r: once, from ssodesk's own trace and events.
func Read(r Record) *Flow {
	f := &Flow{Started: r.Started, Finished: r.Finished, Login: r.Login}
	if f.Started.IsZero() && len(r.Events) > 0 {
		f.Started = r.Events[0].At
	}
	for _, e := range r.Entries {
		if f.Started.IsZero() || !e.Start.Before(f.Started) {
			f.Exchanges = append(f.Exchanges, ExchangeOf(e))
		}
	}
	f.Endpoints = endpoints(f.Exchanges)
	if r.Login {
		f.Failed = failedStep(r.Err, r.Events)
		f.Steps, f.Warnings = loginSteps(f, r.Events)
	}
	f.Steps = append(f.Steps, exchangeSteps(f)...)
	return f
}

// authKinds are the login's steps by their event.
var authKinds = map[auth.Step]Kind{auth.StepDiscovered: Discovery, auth.StepListening: Listening, auth.StepPreflight: Preflight,
	auth.StepBrowser: Browser, auth.StepCallback: Callback, auth.StepExchanged: CodeExchange, auth.StepVerified: Verify}

// pending is what each login step waits for, in the login's words.
func pending(k Kind) string {
	for st, kind := range authKinds {
		if kind == k {
			return st.Pending()
		}
	}
	return ""
}

// failedStep is the login step a failed attempt stopped at ("" when it did
// not fail, or failed before any step).
func failedStep(err error, events []auth.Event) Kind {
	if err == nil {
		return Other
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
		return Other
	case errors.As(err, &de):
		return Discovery
	case errors.As(err, &pe):
		return Listening
	case errors.As(err, &re):
		return Preflight
	case errors.As(err, &te) && te.Op == auth.OpExchange:
		return CodeExchange
	case errors.As(err, &ve):
		return Verify
	}
	return firstNotDone(events)
}

// firstNotDone is the first login step without an event (the callback
// when a login waiting for the browser was cancelled).
func firstNotDone(events []auth.Event) Kind {
	done := map[Kind]bool{}
	for _, ev := range events {
		done[authKinds[ev.Step]] = true
	}
	for _, k := range LoginSteps {
		if !done[k] {
			return k
		}
	}
	return Other
}
