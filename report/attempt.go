// Package report writes a diagnosis of a login (or of `ssodesk check`) that
// can be handed over: what was tried, each step with its duration, where it
// failed and what fixes it, the region story, the verification check by
// check, the clock, TLS per host, the decoded claims, userinfo, the API
// calls and the HTTP trace, as Markdown (for a ticket) or JSON (Document),
// with the redacted HAR beside it. It never holds a token, a code, a PKCE
// verifier or a secret: a token appears as kind, length and a SHA-256
// prefix. With RedactPII, names, e-mail addresses, tenant names, sub and
// noahuserid are masked consistently (user-1, tenant-1).
//
// Its input, an Attempt, is assembled by the session layer only
// (session.Manager.Report and CheckReport; `report --from` is a saved
// document), and what happened is read once into a flow.Flow, which the
// report renders; every sentence comes from explain, so the report says
// what the screens say. The package has no UI.
package report

import (
	"runtime/debug"
	"sync"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/transport"
)

// Attempt is the facts of one login (or check) a report is made from. The
// CLI and the TUI fill what they know; the rest stays zero.
type Attempt struct {
	Kind   string         // KindLogin (default), KindCheck or KindSaved
	Config *config.Config // the effective configuration (nil for a saved document)
	Region config.Region  // the endpoint logged in at (zero for a check of every endpoint)
	// ForceChoose and Prompt are what the UI asked for; the authorize URL
	// of the browser step (when there is one) says what was sent.
	ForceChoose bool
	Prompt      string
	Started     time.Time    // when the login started (zero: from the first event)
	Finished    time.Time    // when it ended (zero: the report's time)
	Events      []auth.Event // its progress, in order, with their times
	Result      *auth.Result // the tokens and their verification; nil when none came
	Err         error        // how the login failed; nil when it did not
	// UserInfo, when it was fetched (UserInfoErr when that failed), and the
	// access token's verification when it is a JWT.
	UserInfo     *auth.UserInfo
	UserInfoErr  string
	AccessReport *auth.Report
	Checks       []diagnose.Report // KindCheck: every endpoint checked
	// Trace is the run's HTTP trace (nil: none recorded); only its
	// exchanges from Started on are the attempt's.
	Trace *transport.Trace
	Saved []byte // KindSaved: the `login --json` document
}

// Options say how to write a report.
type Options struct {
	RedactPII bool      // mask names, e-mail addresses, tenant names, sub and noahuserid
	Now       time.Time // when it is written (zero: time.Now())
	Version   string    // ssodesk's version ("": Version())
	JSON      bool      // Save writes JSON whatever the file's name (else: JSON for a ".json" name, Markdown otherwise)
}

// Recorder keeps a login's events as they come (Progress), for its report.
type Recorder struct {
	mu      sync.Mutex
	started time.Time
	events  []auth.Event
}

// NewRecorder starts recording a login that starts now.
func NewRecorder() *Recorder { return &Recorder{started: time.Now()} }

// Progress records each event, then hands it to next (when not nil).
func (r *Recorder) Progress(next func(auth.Event)) func(auth.Event) {
	return func(ev auth.Event) {
		r.mu.Lock()
		if ev.At.IsZero() {
			ev.At = time.Now()
		}
		r.events = append(r.events, ev)
		r.mu.Unlock()
		if next != nil {
			next(ev)
		}
	}
}

// Started is when the recording began.
func (r *Recorder) Started() time.Time { return r.started }

// Events are the events so far.
func (r *Recorder) Events() []auth.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]auth.Event(nil), r.events...)
}

// Version is ssodesk's version: the module's, or "dev".
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
