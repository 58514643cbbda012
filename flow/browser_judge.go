package flow

import (
	"net/http"
	"strings"
	"time"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/safe"
)

// judge makes l's findings and outcome from its steps.
func (l *Login) judge() {
	if l.repeats >= loopMin {
		l.find(0, Failure, explain.HARLoop(l.repeats, l.loopSpan), explain.HARLoopCause, explain.HARLoopFix)
	}
	l.judgeErrorPage()
	l.judgeFrame()
	l.judgeCallback()
	for i := range l.Steps {
		switch l.Steps[i].Kind {
		case CodeExchange, Refresh:
			l.judgeToken(i)
		case CORSPreflight:
			l.judgeCORSPreflight(i)
		case UserInfo, Discovery:
			l.judgeBlocked(i, string(l.Steps[i].Kind))
		case API:
			l.judgeAPI(i)
		}
	}
	l.judgeIDToken()
	l.judgeClock()
	l.outcome()
}

// find records a finding on step i (printable: it may hold outside text).
func (l *Login) find(i int, sev Severity, text, cause, fix string) {
	f := Finding{Severity: sev, Text: safe.Printable(text), Cause: safe.Printable(cause), Fix: safe.Printable(fix)}
	l.Findings = append(l.Findings, f)
	st := &l.Steps[i]
	st.Findings = append(st.Findings, f)
	switch {
	case sev == Failure:
		st.State = Failed
	case sev == Warning && st.State == Done:
		st.State = Warned
	}
}

// index is the index of the first step of kind k (-1: none).
func (l *Login) index(k Kind) int {
	for i, s := range l.Steps {
		if s.Kind == k {
			return i
		}
	}
	return -1
}

// outcome: failed at the first failing step; succeeded with a code (or
// tokens); else abandoned, and said so when it stopped at the login page.
func (l *Login) outcome() {
	for i, s := range l.Steps {
		if s.State == Failed {
			l.Outcome, l.FailedAt = LoginFailed, i
			return
		}
	}
	if l.cb != nil && (l.cb.Code != "" || l.Token("access_token") != "") || l.Token("id_token") != "" {
		l.Outcome = Succeeded
		return
	}
	l.Outcome = Abandoned
	if last := len(l.Steps) - 1; l.Steps[last].Kind == LoginPage || l.Steps[last].Kind == LoginPost {
		l.find(last, Warning, explain.HARAbandoned, explain.HARAbandonedCause, explain.HARAbandonedFix)
	}
}

// judgeErrorPage: the chain reached the IdP's error page (or a redirect
// to one the HAR did not record).
func (l *Login) judgeErrorPage() {
	i := l.index(ErrorPage)
	var x *Exchange
	if i >= 0 {
		x = l.Steps[i].Exchanges[0]
	} else {
		for j, s := range l.Steps {
			if loc := s.Exchanges[0].Location; loc != "" && s.Kind != Callback {
				if u, err := s.Exchanges[0].URL.Parse(loc); err == nil && origin(u) == l.IdP && isErrorURL(u) {
					i = j
				}
			}
		}
		if i < 0 {
			return
		}
	}
	p := &auth.Preflight{Scopes: l.Scopes}
	if x != nil && x.ResponseBody != "" {
		p = auth.ReadErrorPage(x.ResponseHeader.Get("Content-Type"), []byte(x.ResponseBody), l.Scopes)
	}
	p.ClientID, p.RedirectURI = l.ClientID, l.RedirectURI
	l.find(i, Failure, explain.HARErrorPage(p.Error, p.Message, p.RequestID),
		explain.HARErrorPageCause(explain.RefusalOf(p), l.ResponseType), explain.HARErrorPageFix(l.ClientID, l.RedirectURI))
}

// judgeFrame: a login page shown in a frame the IdP forbids.
func (l *Login) judgeFrame() {
	for i, s := range l.Steps {
		x := s.Exchanges[0]
		if s.Kind != LoginPage || !(x.InFrame || l.InFrame) {
			continue
		}
		xfo := x.ResponseHeader.Get("X-Frame-Options")
		csp := x.ResponseHeader.Get("Content-Security-Policy")
		switch {
		case xfo != "":
			l.find(i, Failure, strings.Replace(explain.HARFramed, "%s", "X-Frame-Options: "+xfo, 1), explain.HARFramedCause, explain.HARFramedFix)
		case strings.Contains(strings.ToLower(csp), "frame-ancestors"):
			l.find(i, Failure, strings.Replace(explain.HARFramed, "%s", "CSP frame-ancestors", 1), explain.HARFramedCause, explain.HARFramedFix)
		case blockedByResponse(x): // a HAR without the response's headers
			l.find(i, Failure, strings.Replace(explain.HARFramed, "%s", explain.HARFramedBlocked, 1), explain.HARFramedCause, explain.HARFramedFix)
		}
	}
}

// blockedByResponse: Chromium refused to show the document x it received
// (X-Frame-Options or CSP frame-ancestors: net::ERR_BLOCKED_BY_RESPONSE).
func blockedByResponse(x *Exchange) bool {
	return strings.Contains(x.Error, "ERR_BLOCKED_BY_RESPONSE")
}

// judgeCallback: an error sent back to the app, a state that is not the
// request's, an iss that is not the IdP's.
func (l *Login) judgeCallback() {
	i, cb := l.index(Callback), l.cb
	if i < 0 || cb == nil {
		return
	}
	if cb.Error != "" {
		scope := namedScope(cb.Description, l.Scopes)
		l.find(i, Failure, explain.HARErrorRedirect(cb.Error, cb.Description),
			explain.HARErrorRedirectCause(cb.Error, scope, l.Silent, l.InFrame), explain.HARErrorRedirectFix(cb.Error, scope, l.Silent))
	}
	if l.State != "" && cb.HasState && !l.sentState(cb.State) {
		l.find(i, Failure, explain.HARState(short(cb.State), short(l.State)), explain.HARStateCause, explain.HARStateFix)
	}
	if cb.HasIss && !l.issuerOK(cb.Iss, l.responder(i)) {
		l.find(i, Failure, explain.HARMixUp(cb.Iss, l.issuerWanted()), explain.HARMixUpCause, explain.FixMixUp)
	}
}

// sentState: state is that of l's authorize request (or, in a loop, of one
// of its repeats: each sends a fresh state, and the callback answers the
// last).
func (l *Login) sentState(state string) bool {
	for _, x := range l.Steps[0].Exchanges {
		if x.Query().Get("state") == state {
			return true
		}
	}
	return false
}

// responder is the exchange that sent the authorization response of the
// callback step i: the one redirecting to it (the callback itself when the
// HAR has no request for the redirect URI); nil when none is known.
func (l *Login) responder(i int) *Exchange {
	cb := l.Steps[i].Exchanges[0]
	if !l.isRedirectURI(cb.URL) {
		return cb // read from its Location (callbackFromLocation)
	}
	for j := i - 1; j >= 0; j-- {
		ex := l.Steps[j].Exchanges
		x := ex[len(ex)-1]
		if u, err := x.URL.Parse(x.Location); x.Location != "" && err == nil && sameURL(u, cb.URL) {
			return x
		}
	}
	return nil
}

// issuerWanted is the issuer l's authorize request asked.
func (l *Login) issuerWanted() string {
	if l.Endpoint.Issuer != "" {
		return l.Endpoint.Issuer
	}
	return l.IdP
}

// issuerOK: iss is the endpoint's issuer (or, at a global endpoint, one of
// its environment's: it may hand the login to the regional IdP); at an IdP
// not configured, one under the authorize request's origin.
//
// RFC 9207: iss names the authorization server that sent the response.
// When the HAR shows a regional endpoint sent it (from), iss must be that
// endpoint's issuer. A global endpoint may answer with the issuer of the
// regional IdP it handed the login to (not known: shared/himsa NOTES), but
// only that of the code's region: another region's is a mix-up.
func (l *Login) issuerOK(iss string, from *Exchange) bool {
	iss = strings.TrimSuffix(iss, "/")
	if from != nil {
		if r, ok := endpointOf(from.URL, l.endpoints); ok && !r.IsGlobal() {
			return iss == strings.TrimSuffix(r.Issuer, "/")
		}
	}
	if l.Endpoint.Issuer == "" {
		return iss == l.IdP || strings.HasPrefix(iss, l.IdP+"/")
	}
	if iss == strings.TrimSuffix(l.Endpoint.Issuer, "/") {
		return true
	}
	for _, r := range l.endpoints {
		if l.Endpoint.IsGlobal() && r.Env == l.Endpoint.Env && iss == strings.TrimSuffix(r.Issuer, "/") {
			return l.CodeRegion == "" || r.IsGlobal() || strings.EqualFold(cmpOr(r.Code, r.Name), l.CodeRegion)
		}
	}
	return false
}

// short is a value cut for a finding (a state may be long).
func short(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:23]) + "…"
	}
	return s
}

// namedScope is the longest of scopes that text names.
func namedScope(text string, scopes []string) string {
	best := ""
	for _, s := range scopes {
		if len(s) > len(best) && strings.Contains(text, s) {
			best = s
		}
	}
	return best
}

// judgeToken: a token request blocked (CORS) or refused (invalid_grant,
// PKCE, others).
func (l *Login) judgeToken(i int) {
	x := l.Steps[i].Exchanges[0]
	grant := "code exchange"
	if l.Steps[i].Kind == Refresh {
		grant = "refresh"
	}
	if !x.Answered() {
		l.judgeBlocked(i, "token")
		return
	}
	a := answerOf(x)
	if a.Error == "" && x.Status < 400 {
		return
	}
	text := explain.HARTokenError(grant, cmpOr(a.Error, http.StatusText(x.Status)), a.Description)
	desc := strings.ToLower(a.Description)
	pkce := strings.Contains(desc, "code_verifier") || strings.Contains(desc, "pkce") || strings.Contains(desc, "code challenge") || strings.Contains(desc, "code_challenge")
	noVerifier := l.codeChallenge != "" && !form(x).Has("code_verifier")
	switch {
	case grant == "refresh":
		l.find(i, Failure, text, explain.TokenErrorMeaning(a.Error), explain.FixTokenError(a.Error, "", false))
	case noVerifier && (a.Error == "invalid_grant" || a.Error == "invalid_request" || pkce):
		l.find(i, Failure, text+" "+explain.HARPKCEMissing, explain.HARPKCEMissingCause, explain.HARPKCEFix)
	case pkce:
		l.find(i, Failure, text, explain.HARPKCEWrongCause, explain.HARPKCEFix)
	case a.Error == "invalid_grant":
		tokenRegion := l.regionOf(x)
		l.find(i, Failure, text, explain.HARInvalidGrantCause(l.CodeRegion, tokenRegion, l.codeUsedBefore(i), l.codeAge(x)),
			explain.HARInvalidGrantFix(l.CodeRegion, tokenRegion))
	default:
		l.find(i, Failure, text, explain.TokenErrorMeaning(a.Error), explain.FixTokenError(a.Error, "", false))
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// regionOf is the region x's regional endpoint serves ("" at a global one,
// or one not configured).
func (l *Login) regionOf(x *Exchange) string {
	r, ok := endpointOf(x.URL, l.endpoints)
	if !ok || r.IsGlobal() {
		return ""
	}
	return cmpOr(r.Code, r.Name)
}

// codeUsedBefore: an earlier step of l exchanged the same code.
func (l *Login) codeUsedBefore(i int) bool {
	for _, s := range l.Steps[:i] {
		if s.Kind == CodeExchange {
			return true
		}
	}
	return false
}

// codeAge is how long after the callback x exchanged the code.
func (l *Login) codeAge(x *Exchange) time.Duration {
	if c := l.index(Callback); c >= 0 {
		return x.Start.Sub(l.Steps[c].Exchanges[0].Start)
	}
	return 0
}

// origins is the app's origin for a CORS finding: the request's Origin,
// else the redirect URI's.
func (l *Login) appOrigin(x *Exchange) string {
	if o := x.RequestHeader.Get("Origin"); o != "" {
		return o
	}
	if u, err := x.URL.Parse(l.RedirectURI); err == nil {
		return origin(u)
	}
	return ""
}

// judgeBlocked: a cross-origin request of the browser's that got no answer
// (status 0, net::ERR_FAILED): CORS refused it.
//
// DevTools' own export says no more (no _corsErrorStatus): a fetch or XHR
// with status 0 and net::ERR_FAILED, the IdP's response headers kept when
// it answered. Those, when present, must lack an Access-Control-Allow-Origin
// for the app's origin; a token request blocked so was answered, so its
// code is spent.
func (l *Login) judgeBlocked(i int, what string) {
	x := l.Steps[i].Exchanges[0]
	o := l.appOrigin(x)
	if x.Answered() || o == "" || o == origin(x.URL) || allowsOrigin(x, o) {
		return
	}
	cause := explain.HARCORSCause(o, l.ClientID)
	if l.Steps[i].Kind == CodeExchange {
		cause += " " + explain.HARCORSCodeSpent
	}
	l.find(i, Failure, explain.HARCORS(what, x.URL.Redacted()), cause, explain.HARCORSFix(o, l.ClientID))
}

// allowsOrigin: x's recorded response headers allow origin o (then status
// 0 was not CORS).
func allowsOrigin(x *Exchange, o string) bool {
	acao := x.ResponseHeader.Get("Access-Control-Allow-Origin")
	return acao == "*" || acao != "" && strings.EqualFold(acao, o)
}

// judgeCORSPreflight: an OPTIONS answered without Access-Control-Allow-Origin.
func (l *Login) judgeCORSPreflight(i int) {
	x := l.Steps[i].Exchanges[0]
	o := l.appOrigin(x)
	if !x.Answered() {
		l.judgeBlocked(i, "CORS pre-flight")
		return
	}
	if acao := x.ResponseHeader.Get("Access-Control-Allow-Origin"); acao == "" || acao != "*" && acao != o {
		l.find(i, Failure, explain.HARCORS("CORS pre-flight", x.URL.Redacted()), explain.HARCORSCause(o, l.ClientID), explain.HARCORSFix(o, l.ClientID))
	}
}

// judgeAPI: a 401 or 403 explained as the console explains it.
func (l *Login) judgeAPI(i int) {
	x := l.Steps[i].Exchanges[0]
	if !x.Answered() {
		l.judgeBlocked(i, "API")
		return
	}
	if x.Status != 401 && x.Status != 403 {
		return
	}
	f := api.TokenFacts{Region: l.CodeRegion, Scopes: l.Scopes, RequiredAPI: config.ScopeNoahAPI, Now: x.Start,
		CanRefresh: l.Token("refresh_token") != ""}
	if _, t, _ := auth.ClassifyToken(l.Token("access_token")); t != nil {
		f.Expiry = claimTime(t.Claims, "exp")
		f.Region = cmpOr(t.ClaimString("region"), f.Region)
		if sc := scopesOf(t.Claims["scope"]); len(sc) > 0 {
			f.Scopes = sc
		}
	}
	f.APIRegion = l.apiRegion(x.Host())
	d := api.Diagnose(&api.Response{Status: x.Status, Header: x.ResponseHeader, URL: x.RawURL}, f)
	if d == nil {
		return
	}
	cause, fix := d.Summary, ""
	switch {
	case d.Retry: // the console's key is not the app's
		cause, fix = strings.Replace(cause, " Press R to refresh the tokens and retry.", "", 1), explain.HARRefreshFix
	case d.Problem == api.ProblemMissingScope: // the console's config is not the app's
		cause, fix = strings.Replace(cause, " Add it to scopes in the config and log in again.", "", 1), explain.HARAPIScopeFix
	case d.Problem == api.ProblemWrongRegion:
		fix = explain.HARAPIRegionFix
	case d.Problem == api.ProblemExpired:
		fix = explain.HARAPIExpiredFix
	default:
		fix = explain.HARAPIOtherFix
	}
	l.find(i, Failure, explain.HARAPIRefused(x.Host(), x.Status), cause, fix)
}

// apiRegion is the region of the API at host: the ID token's when its api
// claim names host, else that of the configured endpoint whose API it is.
func (l *Login) apiRegion(host string) string {
	if _, t, _ := auth.ClassifyToken(l.Token("id_token")); t != nil && strings.EqualFold(ParseURL(t.ClaimString("api")).Host, host) {
		return cmpOr(t.ClaimString("region"), l.CodeRegion)
	}
	for _, r := range l.endpoints {
		if r.API != "" && !r.IsGlobal() && strings.EqualFold(ParseURL(r.API).Host, host) {
			return cmpOr(r.Code, r.Name)
		}
	}
	return ""
}
