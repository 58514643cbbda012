package flow

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"ssodesk/config"
	"ssodesk/safe"
)

// The kinds of step only a browser's login has.
const (
	LoginPage Kind = "login_page" // the IdP's login page (a 200 HTML document)
	LoginPost Kind = "login_post" // the login form posted to the IdP
	ErrorPage Kind = "error_page" // the IdP's error page (/home/error?errorId=…)
	Refresh   Kind = "refresh"    // a refresh token exchanged at the token endpoint
)

// Login is one login flow a browser made: an authorize request and what
// followed it (Logins).
type Login struct {
	Authorize *Exchange     // the authorize request (the first of a loop)
	IdP       string        // the IdP's origin (scheme://host)
	Endpoint  config.Region // the HIMSA endpoint it went to (zero Name: an IdP not configured, recognised by its parameters)
	// The authorize request's parameters (printable; State and Nonce as sent).
	ClientID, RedirectURI, ResponseType, ResponseMode, PKCEMethod, Prompt, CultureLCID, State, Nonce string
	Scopes                                                                                           []string
	Silent                                                                                           bool   // prompt=none (a silent renew)
	InFrame                                                                                          bool   // it ran in a frame
	CodeRegion                                                                                       string // the code's region prefix ("eu"), "" when no code
	Issuer                                                                                           string // the ID token's iss when the HAR shows a token response
	APIHost                                                                                          string // the host API calls with the flow's access token went to
	Tokens                                                                                           []FoundToken
	Steps                                                                                            []Step    // in order, each with its exchanges and findings
	Outcome                                                                                          Outcome   // Succeeded, LoginFailed, Abandoned
	FailedAt                                                                                         int       // index into Steps when LoginFailed
	Findings                                                                                         []Finding // what went wrong or is worth knowing, in order

	cb            *callback // the authorization response, when the HAR shows one
	codeChallenge string
	repeats       int // how often the same authorize request came in a row (a loop); 1 when once
	loopSpan      time.Duration
	endpoints     []config.Region
	leeway        time.Duration
}

// Outcome is how a browser's login flow ended.
type Outcome int

// The outcomes of a browser's login flow. (LoginFailed: State has Failed.)
const (
	Abandoned   Outcome = iota // it stopped before the app got a code or an error
	Succeeded                  // the app got a code (and tokens, when the browser exchanged it)
	LoginFailed                // a step failed (FailedAt)
)

func (o Outcome) String() string {
	switch o {
	case Succeeded:
		return "succeeded"
	case LoginFailed:
		return "failed"
	}
	return "abandoned"
}

// FoundToken is a token or code seen in a browser's exchanges.
type FoundToken struct {
	Kind  string    // "code", "id_token", "access_token", "refresh_token"
	Raw   string    // the value (memory only: never printed by flow)
	Where *Exchange // where it was seen first
}

// Token is the first found token of kind ("" when none).
func (l *Login) Token(kind string) string {
	for _, t := range l.Tokens {
		if t.Kind == kind {
			return t.Raw
		}
	}
	return ""
}

func (l *Login) addToken(kind, raw string, where *Exchange) {
	if raw == "" || l.Token(kind) == raw {
		return
	}
	l.Tokens = append(l.Tokens, FoundToken{Kind: kind, Raw: raw, Where: where})
}

// maxLogins bounds what a hostile HAR can make Logins build.
const maxLogins = 1000

// Logins finds every login flow in xs (a browser's exchanges, in start
// order) at any of endpoints (every environment's, config's Endpoints) or
// at any IdP recognised by its parameters (response_type, client_id,
// redirect_uri on a path ending in /authorize). leeway is the clock leeway
// (config's): token times are judged at their use, by the browser's clock.
func Logins(xs []*Exchange, endpoints []config.Region, leeway time.Duration) []*Login {
	if leeway <= 0 {
		leeway = time.Minute
	}
	claimed := map[*Exchange]bool{}
	var out []*Login
	for i, x := range xs {
		if claimed[x] || !isAuthorize(x, endpoints) {
			continue
		}
		l := newLogin(x, endpoints, leeway)
		claimed[x] = true
		l.collectLoop(xs[i+1:], claimed)
		out = append(out, l)
		if len(out) == maxLogins {
			break
		}
	}
	for i, l := range out {
		end := time.Time{}
		for _, m := range out[i+1:] {
			if m.ClientID == l.ClientID && m.Silent == l.Silent {
				end = m.Authorize.Start
				break
			}
		}
		l.link(xs, claimed, end)
		l.judge()
	}
	return out
}

// isAuthorize reports whether x is an authorize request: at a configured
// endpoint, or anywhere with an authorize request's parameters.
func isAuthorize(x *Exchange, endpoints []config.Region) bool {
	path := strings.ToLower(strings.TrimSuffix(x.URL.Path, "/"))
	if !strings.HasSuffix(path, "/authorize") || x.URL.Host == "" {
		return false
	}
	if _, ok := endpointOf(x.URL, endpoints); ok {
		return true
	}
	q := x.Query()
	return q.Has("response_type") && q.Has("client_id") && q.Has("redirect_uri")
}

// endpointOf is the configured endpoint whose issuer u is under (the
// longest such issuer).
func endpointOf(u *url.URL, endpoints []config.Region) (config.Region, bool) {
	s := origin(u) + u.EscapedPath()
	var best config.Region
	for _, r := range endpoints {
		iss := strings.TrimSuffix(r.Issuer, "/")
		if iss != "" && (s == iss || strings.HasPrefix(s, iss+"/")) && len(iss) > len(best.Issuer) {
			best = r
		}
	}
	return best, best.Issuer != ""
}

// origin is u's scheme://host.
func origin(u *url.URL) string {
	if u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

func newLogin(x *Exchange, endpoints []config.Region, leeway time.Duration) *Login {
	q := x.Query()
	p := func(k string) string { return safe.Printable(q.Get(k)) }
	l := &Login{Authorize: x, IdP: origin(x.URL), ClientID: p("client_id"), RedirectURI: p("redirect_uri"),
		ResponseType: p("response_type"), ResponseMode: p("response_mode"), PKCEMethod: p("code_challenge_method"),
		Prompt: p("prompt"), CultureLCID: cmpOr(p("culture-lcid"), p("culture")), State: q.Get("state"), Nonce: q.Get("nonce"),
		Scopes: strings.Fields(p("scope")), InFrame: x.InFrame, codeChallenge: q.Get("code_challenge"),
		repeats: 1, endpoints: endpoints, leeway: leeway}
	if l.CultureLCID == "" {
		l.CultureLCID = p("ui_locales")
	}
	if l.PKCEMethod == "" && l.codeChallenge != "" {
		l.PKCEMethod = "plain"
	}
	l.Silent = slices.Contains(strings.Fields(l.Prompt), "none")
	l.Endpoint, _ = endpointOf(x.URL, endpoints)
	l.Steps = []Step{{Kind: Browser, State: Done, At: x.Start, Took: x.Duration, URL: x.URL, Exchanges: []*Exchange{x}}}
	return l
}

// loopGap is how soon the same authorize request must follow the last to
// count as a loop; loopMin how many make one.
const (
	loopGap = 10 * time.Second
	loopMin = 3
)

// sameRequest: y repeats l's authorize request (the same client, redirect
// URI, scopes and prompt; state and nonce are fresh each time).
func (l *Login) sameRequest(y *Exchange) bool {
	a, b := l.Authorize.Query(), y.Query()
	for _, k := range []string{"client_id", "redirect_uri", "scope", "prompt", "response_type"} {
		if a.Get(k) != b.Get(k) {
			return false
		}
	}
	return origin(y.URL) == l.IdP && y.URL.Path == l.Authorize.URL.Path
}

// collectLoop takes the repeats of l's authorize request that follow it
// within loopGap of each other, when there are loopMin or more.
func (l *Login) collectLoop(rest []*Exchange, claimed map[*Exchange]bool) {
	last := l.Authorize
	var repeats []*Exchange
	for _, y := range rest {
		if y.Start.Sub(last.Start) > loopGap {
			break
		}
		if !claimed[y] && y != l.Authorize && l.sameRequest(y) {
			repeats = append(repeats, y)
			last = y
		}
	}
	if len(repeats)+1 < loopMin {
		return
	}
	for _, y := range repeats {
		claimed[y] = true
		l.Steps[0].Exchanges = append(l.Steps[0].Exchanges, y)
	}
	l.repeats, l.loopSpan = len(repeats)+1, last.Start.Sub(l.Authorize.Start)
}

// addStep appends a step of one exchange.
func (l *Login) addStep(k Kind, x *Exchange) *Step {
	l.Steps = append(l.Steps, Step{Kind: k, State: Done, At: x.Start, Took: x.Duration, URL: x.URL, Exchanges: []*Exchange{x}})
	return &l.Steps[len(l.Steps)-1]
}

// step is the last step of kind k (nil when none).
func (l *Login) step(k Kind) *Step {
	for i := len(l.Steps) - 1; i >= 0; i-- {
		if l.Steps[i].Kind == k {
			return &l.Steps[i]
		}
	}
	return nil
}
