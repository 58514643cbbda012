package auth

import "time"

// Step is one stage of a login, in the order they happen.
type Step int

// The login steps. An Event with a Step reports that step as done (or, with
// Err set on StepBrowser, as failed without stopping the login).
const (
	StepDiscovered   Step = iota // discovery document read
	StepListening                // loopback listener bound
	StepBrowser                  // browser asked to open the authorize URL
	StepCallback                 // redirect with a code received
	StepExchanged                // code exchanged for tokens
	StepVerified                 // ID token verified
	StepWarning                  // something odd that did not stop the login
	StepPreflight                // the authorize request checked before the browser opens (Err: the check itself failed)
	StepStillWaiting             // no callback after WaitHintAfter (Waited, Preflight, Pasting: explain says what to check)
	StepParams                   // a sent authorize parameter, and what discovery says of it (Param), before the browser opens
)

// Steps lists the steps of a login in order, for UIs that show a checklist.
var Steps = []Step{StepDiscovered, StepListening, StepPreflight, StepBrowser, StepCallback, StepExchanged, StepVerified}

func (s Step) String() string {
	switch s {
	case StepDiscovered:
		return "discovery"
	case StepListening:
		return "listening"
	case StepBrowser:
		return "browser"
	case StepCallback:
		return "callback"
	case StepExchanged:
		return "exchange"
	case StepVerified:
		return "verify"
	case StepWarning:
		return "warning"
	case StepPreflight:
		return "preflight"
	case StepStillWaiting:
		return "waiting"
	case StepParams:
		return "params"
	}
	return "unknown"
}

// Pending describes what a step waits for, for a UI's in-progress line.
func (s Step) Pending() string {
	switch s {
	case StepDiscovered:
		return "reading the IdP's discovery document"
	case StepListening:
		return "starting the loopback listener"
	case StepPreflight:
		return "checking the authorize request with the IdP"
	case StepBrowser:
		return "opening the browser"
	case StepCallback:
		return "waiting for you to log in in the browser"
	case StepExchanged:
		return "exchanging the code for tokens"
	case StepVerified:
		return "verifying the ID token"
	}
	return ""
}

// Event reports progress of a login. Events carry no secrets.
type Event struct {
	Step Step
	// Msg says what happened, in one line of facts; explain.EventMsg says
	// it for a person (what a refusal or a long wait means, what to do).
	Msg string
	// URL is set on StepListening (the redirect URI in use) and StepBrowser
	// (the authorize URL, which users may need to copy by hand).
	URL string
	// Err is set when a step failed without ending the login (browser did not
	// open) or on StepWarning.
	Err error
	At  time.Time
	// Preflight is what the pre-flight found, on StepPreflight and
	// StepStillWaiting (nil when it did not run yet).
	Preflight *Preflight
	// Waited is how long the login has waited, and Pasting whether a
	// redirect URL can be pasted, on StepStillWaiting.
	Waited  time.Duration
	Pasting bool
	// PasteBack is set on StepListening when the redirect URI is another
	// app's: nothing listens; the address-bar URL must be pasted back.
	PasteBack bool
	// Regional is the endpoint's region on StepStillWaiting when the login
	// is at a regional endpoint, which lists only its own region's
	// accounts ("" at a global one).
	Regional string
	// Param is, on StepParams and on StepWarning for a value discovery
	// does not list, what discovery says of one sent parameter.
	Param *ParamSupport
}
