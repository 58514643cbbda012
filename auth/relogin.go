package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ssodesk/config"
)

// SilentTimeout bounds the silent (prompt=none) attempt of a regional
// re-login. An IdP answers prompt=none at once, with a code or
// error=login_required, so a browser that has not come back by then never
// reached it; the interactive login follows.
const SilentTimeout = 30 * time.Second

// PromptNone is the OIDC prompt value that forbids any login page.
const PromptNone = "none"

// PromptLogin is the OIDC prompt value that asks the IdP to make the user
// sign in again, even with an SSO session.
const PromptLogin = "login"

// Relogin is a regional re-login, what a web app with regional hosting does
// (HIMSA 2a): after a login through the global endpoint it drops that
// session, sends the user to its host in the region of the code, which sees
// the user as unauthenticated and logs in again at that region's IdP — first
// silently (prompt=none), reusing the IdP's SSO session in the same browser.
type Relogin struct {
	First  *Result       // the login through the global endpoint (its session is dropped)
	Region config.Region // the regional IdP the code's prefix names
	Second *Result       // the login at Region; nil when no attempt gave one
	// Client is Region's client, which made Second: refresh, userinfo and
	// logout of the second session go through it.
	Client *Client
	// Attempts are the silent try (prompt=none) and, when the IdP needed
	// the user, the interactive one, in order.
	Attempts []Attempt
}

// Attempt is one try of a regional re-login.
type Attempt struct {
	Prompt   string // PromptNone for the silent try, "" for the interactive one
	Duration time.Duration
	Err      error // why it gave no session; nil when it did
}

// Silent reports whether the attempt was the prompt=none one.
func (a Attempt) Silent() bool { return a.Prompt == PromptNone }

// Outcome says in words what the attempt came to.
func (a Attempt) Outcome() string {
	var ce *CallbackError
	switch {
	case a.Err == nil && a.Silent():
		return "signed in silently with the IdP's SSO session (no page)"
	case a.Err == nil:
		return "the user logged in on the IdP's page"
	case errors.As(a.Err, &ce) && a.Silent():
		return ce.Code + ": the IdP has no SSO session for this user in this browser"
	}
	return a.Err.Error()
}

// UserNeeded reports whether the re-login needed the user: the silent
// attempt did not do, so the interactive login ran.
func (r *Relogin) UserNeeded() bool { return len(r.Attempts) > 1 }

// Duration is the time of every attempt together.
func (r *Relogin) Duration() time.Duration {
	var d time.Duration
	for _, a := range r.Attempts {
		d += a.Duration
	}
	return d
}

// CallbackCode is what the IdP answered an attempt with: its error= code,
// "a code", or "no answer".
func CallbackCode(err error) string {
	var ce *CallbackError
	if errors.As(err, &ce) {
		return ce.Code
	}
	if err == nil {
		return "a code"
	}
	return "no answer"
}

// ReloginTarget is the regional endpoint a re-login after first goes to:
// the configured region its code's prefix names. It says why not when the
// first login was not through the global endpoint or its code names no
// configured region.
func ReloginTarget(first *Result, regions []config.Region) (config.Region, error) {
	switch {
	case first == nil:
		return config.Region{}, errors.New("no session to log in again from")
	case !first.Region.IsGlobal():
		return config.Region{}, fmt.Errorf("a regional re-login follows a login through the global endpoint; this session logged in at the %s endpoint already", first.Region.Name)
	case first.CodeRegion == "":
		return config.Region{}, errors.New("the code had no region prefix, so there is no region to log in at again")
	}
	r, ok := config.EndpointForCode(regions, first.CodeRegion)
	if !ok {
		return config.Region{}, errors.New(config.NoEndpointForCode(first.CodeRegion))
	}
	return r, nil
}

// RegionalRelogin logs in again, after first (a login through the global
// endpoint), at the regional IdP of first's code (HIMSA 2a): a new
// Authorization Code + PKCE login with o (o.Regions must hold that region),
// first with prompt=none, which uses the IdP's SSO session in the same
// browser (o.Open) and gives a code without any page, or answers
// login_required at once; then, when the IdP needs the user, an interactive
// login. Each attempt is timed. first's tokens are not used. On a
// verification failure the Relogin holds the second Result too.
func RegionalRelogin(ctx context.Context, first *Result, o Options) (*Relogin, error) {
	target, err := ReloginTarget(first, o.Regions)
	if err != nil {
		return nil, err
	}
	o.Region, o.ForceChoose, o.ExchangeAt = target, false, config.ExchangeGlobal // the regional endpoint exchanges its own code
	if target.SecretKey != "" {                                                  // HIMSA: a different client secret per region
		o.ClientSecret = target.ClientSecret
	}
	out := &Relogin{First: first, Region: target, Client: NewClient(o)}
	o = out.Client.Options()

	silent := o
	silent.Prompt, silent.Pasted = PromptNone, nil
	if silent.LoginTimeout <= 0 || silent.LoginTimeout > SilentTimeout {
		silent.LoginTimeout = SilentTimeout
	}
	res, err := out.attempt(ctx, silent)
	if err == nil || res != nil || !needsUser(err) {
		return out, err
	}
	if o.Progress != nil {
		o.Progress(Event{Step: StepWarning, At: time.Now(),
			Msg: fmt.Sprintf("the %s IdP needs the user (%s); logging in interactively", target.Name, out.Attempts[0].Outcome())})
	}
	o.Prompt = ""
	_, err = out.attempt(ctx, o)
	return out, err
}

// markSecond records on the second session that it is a re-login's.
func (r *Relogin) markSecond() {
	if r.Second == nil {
		return
	}
	f := &ReloginFacts{Attempts: len(r.Attempts), Silent: len(r.Attempts) == 1 && r.Attempts[0].Silent()}
	if r.First != nil {
		f.FirstEndpoint, f.FirstCodeRegion = r.First.Region.Name, r.First.CodeRegion
	}
	r.Second.Relogin = f
}

// attempt runs one login, timing it, and records it.
func (r *Relogin) attempt(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	res, v, err := login(ctx, o)
	r.Client.adopt(v)
	r.Attempts = append(r.Attempts, Attempt{Prompt: o.Prompt, Duration: time.Since(start), Err: err})
	if res != nil {
		r.Second = res
		r.markSecond()
	}
	return res, err
}

// needsUser reports whether a silent attempt failed because the user must
// act: the OIDC errors for prompt=none, or no answer at all.
func needsUser(err error) bool {
	var ce *CallbackError
	if errors.As(err, &ce) {
		switch ce.Code {
		case "login_required", "interaction_required", "consent_required", "account_selection_required":
			return true
		}
		return false
	}
	var te *TimeoutError
	return errors.As(err, &te)
}
