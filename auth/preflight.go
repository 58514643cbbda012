package auth

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"ssodesk/safe"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/oauth2"

	"ssodesk/config"
	"ssodesk/transport"
)

// MaxErrorPage bounds how much of an answer (the IdP's error page) the
// pre-flight reads.
const MaxErrorPage = 256 << 10

// The outcomes of a pre-flight.
const (
	PreflightAccepted = "accepted" // a login page (or a step towards one): the browser may open
	PreflightRefused  = "refused"  // an error page, an error status or error= to the app: the browser would only show it
	PreflightFailed   = "failed"   // no answer (the network): not known, the login goes on
	PreflightOff      = "off"      // config preflight: false
)

// Preflight is what the authorize endpoint answered one request made before
// the browser opened: without cookies, following no redirect. (The IdP
// creates an auth request for it, which nobody uses: harmless.)
type Preflight struct {
	Outcome     string   `json:"outcome"`
	ClientID    string   `json:"client_id"`
	RedirectURI string   `json:"redirect_uri"` // as sent, with its real port
	Status      int      `json:"http_status,omitempty"`
	Answer      string   `json:"answer,omitempty"`     // accepted: what the IdP answered with
	ErrorPage   string   `json:"error_page,omitempty"` // refused: the error page it sent the browser to
	Error       string   `json:"error,omitempty"`      // the OAuth error code, when it said one
	Description string   `json:"error_description,omitempty"`
	Message     string   `json:"message,omitempty"`    // the error page's message (printable, one line)
	RequestID   string   `json:"request_id,omitempty"` // the error page's Request Id
	ErrorID     string   `json:"error_id,omitempty"`   // the error page's errorId (only that IdP reads it), printable, ≤ 2,000 runes
	Cause       string   `json:"cause,omitempty"`      // Cause*
	Scope       string   `json:"scope,omitempty"`      // the refused scope, when the IdP named it
	Reason      string   `json:"reason,omitempty"`     // failed: why
	Scopes      []string `json:"-"`                    // the scopes asked for
	RandomPort  bool     `json:"-"`                    // redirect_uri in the config has port 0
	Err         error    `json:"-"`                    // failed: the network error
}

// The causes of a refused authorize request that the pre-flight can name
// from the IdP's answer (Preflight.Cause); explain says what each means.
const (
	CauseRedirectURI      = "redirect_uri"           // the redirect URI is not registered for the client
	CauseUnknownClient    = "client"                 // the IdP does not know (or has disabled) the client
	CauseClientOrRedirect = "client_or_redirect_uri" // IdentityServer's unauthorized_client without a description: either
	CauseScope            = "scope"                  // a scope the client may not ask for
	CauseResponseType     = "response_type"          // the client may not use the authorization code flow
	CauseOther            = ""                       // none of these: the IdP's own words say what
)

// ScopeCandidates are the scopes asked for that an IdP may refuse (all but
// openid, profile and email), when a refusal names no scope.
func (p *Preflight) ScopeCandidates() []string { return scopeCandidates(p.Scopes) }

// RefusedError: the pre-flight found that the IdP refuses the authorize
// request, so the browser was not opened.
type RefusedError struct{ Preflight *Preflight }

// Error is what the IdP answered (explain.Error says what it means and what
// fixes it).
func (e *RefusedError) Error() string {
	p := e.Preflight
	s := "the IdP refused the authorize request before the browser opened"
	switch {
	case p.Error != "":
		s += ": " + p.Error
		if p.Description != "" {
			s += ": " + p.Description
		}
	case p.Message != "":
		s += ": " + p.Message
	case p.Status != 0:
		s += fmt.Sprintf(": HTTP %d", p.Status)
	}
	if p.RequestID != "" {
		s += " (Request Id " + p.RequestID + ")"
	}
	return s
}

// AuthorizeRequest is an app's authorize request, as ssodesk check sends
// it for that app (or for its own client): who asks, where the answer goes
// back, what for.
type AuthorizeRequest struct {
	ClientID     string   `json:"client_id"`
	RedirectURI  string   `json:"redirect_uri"`
	Scopes       []string `json:"scopes"`
	Prompt       string   `json:"prompt,omitempty"`
	ResponseMode string   `json:"response_mode,omitempty"`
}

// URL is the request at the authorize endpoint, like a login's (PKCE S256,
// state, nonce: fresh values that are thrown away), for a pre-flight
// without a login (ssodesk check).
func (r AuthorizeRequest) URL(endpoint string) string {
	oc := &oauth2.Config{ClientID: r.ClientID, RedirectURL: r.RedirectURI, Scopes: r.Scopes, Endpoint: oauth2.Endpoint{AuthURL: endpoint}}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oidc.Nonce(rand.Text())}
	if r.Prompt != "" {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", r.Prompt))
	}
	if r.ResponseMode != "" {
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", r.ResponseMode))
	}
	return oc.AuthCodeURL(rand.Text(), opts...)
}

// AuthorizeURL is AuthorizeRequest{…}.URL(endpoint).
func AuthorizeURL(endpoint, clientID, redirectURI string, scopes []string) string {
	return AuthorizeRequest{ClientID: clientID, RedirectURI: redirectURI, Scopes: scopes}.URL(endpoint)
}

// CheckAuthorize requests authURL once, without cookies and following no
// redirect (bounded by client's timeout and ctx), and classifies the answer:
// a login page, or a redirect towards one (accepted); a redirect to the
// redirect URI with error= (refused, unless the error only says the IdP
// needs the user); an error page — a redirect to an error path, which is
// fetched when it is on the same origin — or an error status (refused).
func CheckAuthorize(ctx context.Context, client *http.Client, authURL string) *Preflight {
	p := &Preflight{}
	u, err := url.Parse(authURL)
	if err != nil || u.Host == "" {
		p.Outcome, p.Reason, p.Err = PreflightFailed, "not a URL", err
		return p
	}
	q := u.Query()
	p.ClientID, p.RedirectURI, p.Scopes = q.Get("client_id"), q.Get("redirect_uri"), strings.Fields(q.Get("scope"))
	c := noFollow(client)
	resp, body, err := preflightGet(ctx, c, authURL)
	switch {
	case err != nil:
		p.Outcome, p.Reason, p.Err = PreflightFailed, cleanNetErr(err), err
	case transport.IsRedirect(resp.StatusCode):
		p.redirected(ctx, c, u, resp)
	case resp.StatusCode >= 400:
		p.Outcome, p.Status = PreflightRefused, resp.StatusCode
		p.readPage(resp.Header.Get("Content-Type"), body)
	default:
		p.Outcome, p.Answer = PreflightAccepted, fmt.Sprintf("HTTP %d: its login page answered", resp.StatusCode)
	}
	if p.Outcome == PreflightRefused {
		p.Cause, p.Scope = causeOf(p.Error, p.Error+" "+p.Description+" "+p.Message, p.Scopes)
	}
	return p
}

// noFollow is client without cookies and following no redirect at all.
func noFollow(client *http.Client) *http.Client {
	if client == nil {
		client = NewHTTPClient(config.DefaultHTTPTimeout)
	}
	c := *client
	c.Jar = nil
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// preflightGet GETs rawURL and reads at most MaxErrorPage of the answer.
func preflightGet(ctx context.Context, c *http.Client, rawURL string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(transport.WithPurpose(ctx, "preflight"), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "text/html,application/json;q=0.9,*/*;q=0.8")
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, MaxErrorPage)
	return resp, body, err
}

// readCapped reads at most limit bytes of r (a longer answer is cut).
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, limit))
}

// redirected classifies a redirect answer (never followed).
func (p *Preflight) redirected(ctx context.Context, c *http.Client, authorize *url.URL, resp *http.Response) {
	p.Status = resp.StatusCode
	loc, err := resp.Location()
	switch {
	case err != nil:
		p.Outcome, p.Answer = PreflightAccepted, fmt.Sprintf("HTTP %d without a usable Location", resp.StatusCode)
	case sameEndpoint(loc, p.RedirectURI):
		p.backToApp(loc.Query())
	case isErrorLocation(loc):
		p.Outcome, p.ErrorPage = PreflightRefused, safe.Printable(loc.String())
		p.ErrorID = shorten(oneLine(loc.Query().Get("errorId")), 2000)
		if loc.Scheme != authorize.Scheme || loc.Host != authorize.Host {
			p.Message = "(the error page is on another host, " + safe.Printable(loc.Host) + ", and was not read)"
			return
		}
		page, body, err := preflightGet(ctx, c, loc.String())
		if err != nil {
			p.Message = "(the error page could not be read: " + cleanNetErr(err) + ")"
			return
		}
		p.readPage(page.Header.Get("Content-Type"), body)
	case loc.Host == authorize.Host:
		p.Outcome, p.Answer = PreflightAccepted, "a redirect to its login page "+safe.Printable(loc.Path)
	default:
		p.Outcome, p.Answer = PreflightAccepted, "a redirect to "+safe.Printable(loc.Host)+", not followed"
	}
}

// interactionErrors only say the IdP needs the user (the pre-flight has no
// session): the request itself is fine.
var interactionErrors = []string{"login_required", "consent_required", "interaction_required", "account_selection_required"}

// backToApp reads a redirect to the app's redirect URI.
func (p *Preflight) backToApp(q url.Values) {
	code := safe.Printable(q.Get("error"))
	switch {
	case code == "":
		p.Outcome, p.Answer = PreflightAccepted, "it redirects straight back to the app"
	case slices.Contains(interactionErrors, code):
		p.Outcome, p.Answer = PreflightAccepted, code+" without a session: it needs the user, which the browser provides"
	default:
		p.Outcome, p.Error = PreflightRefused, code
		p.Description = oneLine(q.Get("error_description"))
	}
}

// sameEndpoint reports whether loc is the redirect URI (query aside).
func sameEndpoint(loc *url.URL, redirectURI string) bool {
	r, err := url.Parse(redirectURI)
	return err == nil && loc.Scheme == r.Scheme && loc.Host == r.Host && loc.Path == r.Path
}

// isErrorLocation: IdentityServer's /home/error?errorId=…, or any path
// naming an error.
func isErrorLocation(loc *url.URL) bool {
	return strings.Contains(strings.ToLower(loc.Path), "error") || loc.Query().Has("errorId")
}

// Compiled on first use: only a refused pre-flight reads an error page, and
// every ssodesk process would pay for them at start-up.
var (
	requestIDRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)request[\s_-]*id(?:\s*[:#=]\s*|\s+)([A-Za-z0-9][A-Za-z0-9:._-]*)`)
	})
	oauthCodeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(invalid_request|unauthorized_client|invalid_client|invalid_scope|unsupported_response_type|access_denied|server_error|temporarily_unavailable)\b`)
	})
)

// readPage takes the message, Request Id and OAuth error of an error page
// (HTML, JSON or text), made printable.
func (p *Preflight) readPage(contentType string, body []byte) {
	var doc struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if strings.Contains(contentType, "json") && json.Unmarshal(body, &doc) == nil && doc.Error != "" {
		p.Error, p.Description = oneLine(doc.Error), oneLine(doc.Description)
		p.Message = oneLine(doc.Error + ": " + doc.Description)
		return
	}
	message, all := string(body), string(body)
	if strings.Contains(contentType, "html") || strings.HasPrefix(strings.TrimSpace(all), "<") {
		message, all = pageText(body)
	}
	if m := requestIDRe().FindStringSubmatch(all); m != nil {
		p.RequestID = oneLine(m[1])
		message = strings.Replace(message, m[0], "", 1)
	}
	p.Message = shorten(oneLine(message), 400)
	if p.Error == "" {
		p.Error = oauthCodeRe().FindString(all)
	}
}

// ReadErrorPage is what an IdP's error page says, read as the pre-flight
// reads one: its message, Request Id and OAuth error (printable, one line),
// and the cause it names among scopes (a browser's HAR holds such pages).
func ReadErrorPage(contentType string, body []byte, scopes []string) *Preflight {
	p := &Preflight{Outcome: PreflightRefused, Scopes: scopes}
	if len(body) > MaxErrorPage {
		body = body[:MaxErrorPage]
	}
	p.readPage(contentType, body)
	p.Cause, p.Scope = causeOf(p.Error, p.Error+" "+p.Description+" "+p.Message, scopes)
	return p
}

// pageText is an HTML page's visible text: the first element with an
// "alert" class (IdentityServer's message) and the whole body.
func pageText(body []byte) (message, all string) {
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		return string(body), string(body)
	}
	var alert *html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && alert == nil && strings.Contains(attrOf(n, "class"), "alert") {
			alert = n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	all = visibleText(doc)
	if alert != nil {
		return visibleText(alert), all
	}
	return all, all
}

// visibleText joins n's text nodes, leaving out scripts, styles and the head.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// oneLine makes outside text printable and puts it on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(safe.Text(s)), " ")
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// causeOf reads which known cause an IdP's refusal names, and the scope
// it refused when it names one of those asked for.
func causeOf(code, text string, scopes []string) (cause, scope string) {
	t := strings.ToLower(text)
	has := func(words ...string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(t, w) })
	}
	switch {
	case has("redirect_uri", "redirect uri", "redirecturi", "redirect url"):
		return CauseRedirectURI, ""
	case code == "invalid_scope" || has("scope"):
		return CauseScope, namedScope(text, scopes)
	case code == "unsupported_response_type" || has("response_type", "response type", "grant type"):
		return CauseResponseType, ""
	case has("unknown client", "client not enabled", "client is disabled", "client not found", "invalid_client", "unknown or disabled client"):
		return CauseUnknownClient, ""
	case code == "unauthorized_client" || has("client application is not known"):
		return CauseClientOrRedirect, ""
	}
	return CauseOther, ""
}

// namedScope is the scope of scopes that text names as a word: the longest
// one an IdP may refuse (scopeCandidates), else the longest at all.
func namedScope(text string, scopes []string) string {
	longest := func(of []string) string {
		best := ""
		for _, s := range of {
			if len(s) > len(best) && containsWord(text, s) {
				best = s
			}
		}
		return best
	}
	if s := longest(scopeCandidates(scopes)); s != "" {
		return s
	}
	return longest(scopes)
}

func containsWord(text, word string) bool {
	isWord := func(b byte) bool {
		return b == '.' || b == '_' || b == '-' || b == ':' || b == '/' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !isWord(text[start-1])) && (end == len(text) || !isWord(text[end]) || text[end] == '.' && (end+1 == len(text) || !isWord(text[end+1]))) {
			return true
		}
		i = start + 1
	}
}

// scopeCandidates are the scopes asked for that an IdP may refuse (the
// identity scopes any client may ask for aside).
func scopeCandidates(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		if s != "openid" && s != "profile" && s != "email" {
			out = append(out, s)
		}
	}
	return out
}

// IsRefused reports whether err is a refusal found by the pre-flight, and
// returns it.
func IsRefused(err error) (*Preflight, bool) {
	var re *RefusedError
	if errors.As(err, &re) {
		return re.Preflight, true
	}
	return nil, false
}

// preflight checks the authorize request before the browser opens (unless
// NoPreflight): a refusal ends the login, a network failure is said and
// the login goes on.
func (l *loginRun) preflight(ctx context.Context, authURL string) error {
	if l.o.NoPreflight {
		l.pre = &Preflight{Outcome: PreflightOff}
		l.em.emit(Event{Step: StepPreflight, Msg: "pre-flight off", Preflight: l.pre})
		return nil
	}
	p := CheckAuthorize(ctx, l.o.HTTPClient, authURL)
	p.RandomPort = strings.HasSuffix(redirectHostPort(l.o.RedirectURI), ":0")
	l.pre = p
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("login cancelled: %w", ctx.Err())
	case p.Outcome == PreflightRefused:
		return &RefusedError{Preflight: p}
	}
	l.em.emit(Event{Step: StepPreflight, Msg: "pre-flight: " + p.Outcome, Err: p.Err, Preflight: p})
	return nil
}

func redirectHostPort(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return ""
	}
	return u.Host
}

// WaitHintAfter is how long a login waits for the browser before it says
// what to check (StepStillWaiting).
const WaitHintAfter = 20 * time.Second

// waitHintAfter is WaitHintAfter.
var waitHintAfter = WaitHintAfter

// afterFunc starts the login's timers, the hint's and the timeout's:
// time.AfterFunc (tests fire them themselves instead of waiting).
var afterFunc = time.AfterFunc

// stillWaiting says, once, that the browser has not come back after
// waitHintAfter, with what explain needs to say what to check.
func (l *loginRun) stillWaiting() {
	l.em.emit(Event{Step: StepStillWaiting, Msg: "no login response after " + waitHintAfter.String(),
		Waited: waitHintAfter, Preflight: l.pre, Pasting: l.o.Pasted != nil, Regional: l.regional()})
}

// timedOut adds what is known (the pre-flight, the browser) to a timeout.
func (l *loginRun) timedOut(err error) error {
	var te *TimeoutError
	if errors.As(err, &te) {
		te.Preflight = l.pre
		te.Browser, _ = l.browserExit.Load().(string)
		te.Regional = l.regional()
	}
	return err
}

// regional is the region of the endpoint logged in at when it is a
// regional one (HIMSA: it lists only its own region's accounts), else "".
func (l *loginRun) regional() string {
	if l.o.Region.IsGlobal() {
		return ""
	}
	return l.o.Region.Name
}
