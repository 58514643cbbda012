// Package flow is what happened in a login, a check or a browser's session,
// read from its HTTP exchanges: a Flow of Steps (discovery, pre-flight, the
// authorize request in the browser, callback, exchange, verification,
// userinfo, API calls, logout), each with its exchanges (request, response,
// timing) and findings, plus what the exchanges say about each endpoint
// (TLS, clock skew). It is built once, from ssodesk's own trace and login
// events (Read); the report, `check --report` and the TUI's trace screen (its
// exchanges, ExchangesOf) render it, and none of them parses a URL or a
// trace's text again; the CLI and the TUI say each step as explain.EventMsg
// does, as the flow's steps do.
//
// An Exchange holds nothing that only ssodesk's trace has, so a HAR 1.2
// file from a browser can be read into the same model: its entries are the
// same exchanges (Purpose is then "" and KindOf reads the URL).
//
// The package says what happened; the words for it come from explain, in
// the packages that render it.
package flow

import (
	"net/http"
	"net/url"
	"ssodesk/transport"
	"time"
)

// Flow is one attempt: its steps in order, every exchange in the order it
// started, and the facts of each endpoint.
type Flow struct {
	Started  time.Time // when the attempt began
	Finished time.Time // when it ended (zero: unknown)
	// Login: the flow has the steps of a browser login (from its events).
	Login bool
	// Failed is the login step the attempt stopped at ("" when it did not
	// fail there, or failed before its first step).
	Failed    Kind
	Steps     []Step
	Exchanges []*Exchange // every exchange, in the order they started
	Endpoints []Endpoint  // each host asked, in the order first asked
	Warnings  []string    // what went wrong without ending the attempt, in order
}

// Kind names a step, or what an exchange was for.
type Kind string

// The kinds of step. The names are those of the report's JSON steps.
const (
	Discovery     Kind = "discovery" // the discovery document
	Listening     Kind = "listening" // the loopback listener bound (no exchange)
	Preflight     Kind = "preflight" // the authorize request checked before the browser opens
	Browser       Kind = "browser"   // the authorize request, in the browser
	Callback      Kind = "callback"  // the redirect back with a code
	CodeExchange  Kind = "exchange"  // the code (or a refresh token) exchanged at the token endpoint
	Verify        Kind = "verify"    // the ID token verified (its JWKS read)
	UserInfo      Kind = "userinfo"
	API           Kind = "api"
	Logout        Kind = "logout" // revocation, end-session
	Introspection Kind = "introspection"
	Health        Kind = "health" // a probe of an endpoint (check)
	Other         Kind = ""
)

// LoginSteps are the steps of a browser login, in order.
var LoginSteps = []Kind{Discovery, Listening, Preflight, Browser, Callback, CodeExchange, Verify}

// State is how a step went.
type State int

const (
	NotReached State = iota // the attempt ended before it
	Done                    // it happened
	Warned                  // it happened, with a finding worth a look (the browser did not open)
	Failed                  // the attempt failed here
)

// Step is one step of a flow.
type Step struct {
	Kind  Kind
	State State
	// At is when the step ended (its event, or its exchange's start for a
	// step made of one exchange); zero when not reached.
	At time.Time
	// Took is how long it took: from the end of the step before for a
	// login step, the exchange's duration otherwise.
	Took time.Duration
	// Detail is what happened, as the login said it (its event); for the
	// step that failed, what it was waiting for.
	Detail    string
	URL       *url.URL    // the URL the step was about (the authorize request of the browser step); nil when none
	Exchanges []*Exchange // the exchanges of this step
	Findings  []Finding
}

// Severity is how much a finding matters.
type Severity int

const (
	Note    Severity = iota // worth knowing
	Warning                 // suspicious, did not stop the flow
	Failure                 // the step failed
)

// Finding is one thing a step's events or exchanges showed.
type Finding struct {
	Severity Severity
	Text     string // as recorded (already safe: redacted by the trace)
	// Cause and Fix say why it happened and what to do, in explain's words
	// ("" when the text says it all).
	Cause, Fix string
}

// Exchange is one HTTP request and its response (or failure).
type Exchange struct {
	ID       int    // 1, 2, … in the order requests started (a HAR: its index + 1)
	Purpose  string // what ssodesk tagged it with ("" when untagged, or from a HAR)
	Kind     Kind   // the step it belongs to (KindOf)
	Start    time.Time
	Duration time.Duration // until the response headers arrived or the request failed
	Method   string
	URL      *url.URL // parsed (as recorded: redacted); never nil
	RawURL   string   // the URL as recorded
	Proto    string
	Status   int // 0: no response
	// Location is the redirect target of a 3xx ("" when none).
	Location                      string
	RequestHeader, ResponseHeader http.Header
	RequestSize, ResponseSize     int64
	ResponseType                  string
	TLS                           *TLS   // nil for plain http (or no answer)
	Error                         string // the failure ("" on a response)
	Warning                       string // what the caller found suspicious about it
	Cached                        string // what answered it from a cache (no request made); "" on the network
	// RequestBody and ResponseBody are the bodies as recorded (redacted,
	// cut; a HAR's postData and content text); "" when none was kept.
	RequestBody, ResponseBody string
	// What only a browser's HAR says (empty in ssodesk's own trace):
	// ResourceType is Chrome's _resourceType ("document", "xhr", "fetch",
	// "script", …); PageRef the page it belongs to; InFrame that it loaded
	// a document in a frame, not the top window (when the HAR says so).
	ResourceType, PageRef string
	InFrame               bool
}

// Host is the exchange's host (with port, when the URL has one).
func (e *Exchange) Host() string { return e.URL.Host }

// Answered reports whether a response came.
func (e *Exchange) Answered() bool { return e.Status != 0 }

// Query is the URL's query parameters.
func (e *Exchange) Query() url.Values { return e.URL.Query() }

// TLS is what a connection's handshake said.
type TLS struct {
	Version     string    // "TLS 1.3"
	Cipher      string    // "TLS_AES_128_GCM_SHA256"
	CertSubject string    // the leaf certificate's subject
	CertIssuer  string    // its issuer ("" when not known: ssodesk's trace does not record it)
	CertExpiry  time.Time // its NotAfter (zero when not known)
}

// CertWarnWithin is transport's: a certificate expiring sooner is worth a
// warning (check's TLS row is a "!", the report says it expires soon).
const CertWarnWithin = transport.CertWarnWithin

// ExpiresSoon reports whether the certificate expires within
// CertWarnWithin of now (false when its expiry is not known).
func (t *TLS) ExpiresSoon(now time.Time) bool {
	return t != nil && transport.CertExpiresSoon(t.CertExpiry, now)
}

// Endpoint is what the exchanges say about one host.
type Endpoint struct {
	Host string
	// From is the exchange the connection facts come from: the first to the
	// host, or its first answer when that one failed.
	From *Exchange
	TLS  *TLS // nil: plain http, or no answer
	// Skew is the host's clock minus this computer's, from the Date header
	// of its last answer that had one (SkewKnown false: none had).
	Skew      time.Duration
	SkewKnown bool
}
