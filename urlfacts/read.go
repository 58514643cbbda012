package urlfacts

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/safe"
	"ssodesk/transport"
)

// reader reads one parsed URL.
type reader struct {
	c       Context
	u       *url.URL
	f       *Facts
	secrets *transport.Secrets // a password: scrubbed from every value shown
	raw     map[string]string  // the first value of each parameter, decoded (memory only)
	seen    map[string]int
	// plainChallenge: the code_challenge_method is not S256, so the
	// code_challenge is the verifier itself, a secret.
	plainChallenge bool
	plainHTTP      bool // an https endpoint's URL with http://
}

// lengthOnly are parameters shown by their length only: they correlate a
// request with its response, so a ticket should not carry them whole.
var lengthOnly = []string{"state", "nonce", "session_state"}

func printable(s string) string { return safe.Printable(s) }

// cut bounds s to n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// params reads the query's and the fragment's name=value pairs.
func (r *reader) params() {
	r.raw, r.seen = map[string]string{}, map[string]int{}
	r.plainChallenge = firstValue(r.u.RawQuery, "code_challenge_method") != "S256"
	r.pairs(r.u.RawQuery, InQuery)
	if frag := r.u.EscapedFragment(); strings.Contains(frag, "=") {
		r.pairs(frag, InFragment)
	}
}

func (r *reader) pairs(s, where string) {
	if s == "" {
		return
	}
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		if len(r.f.Params) == MaxParams {
			r.f.ParamsCut++
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		name = strings.TrimSpace(name)
		r.seen[name]++
		if _, ok := r.raw[name]; !ok {
			r.raw[name] = val
		}
		r.f.Params = append(r.f.Params, r.param(name, val, where))
	}
}

func (r *reader) param(name, val, where string) Param {
	p := Param{Name: cut(printable(name), 200), Where: where, Bytes: len(val), Chars: utf8.RuneCountInString(val)}
	secret := transport.IsSecretField(name)
	if name == "code_challenge" && r.plainChallenge {
		secret = true
		r.secrets.Add(val)
	}
	switch {
	case secret:
		p.Hidden = Fingerprint
		sum := sha256.Sum256([]byte(val))
		p.SHA256 = hex.EncodeToString(sum[:])[:8]
		switch strings.ToLower(name) {
		case "code":
			p.Prefix = auth.CodeRegion(val)
		case "access_token", "id_token", "refresh_token", "id_token_hint", "token":
			if k, _, _ := auth.ClassifyToken(val); k == auth.TokenJWT {
				p.TokenKind = "jwt"
			} else {
				p.TokenKind = "opaque"
			}
		}
	case slices.Contains(lengthOnly, strings.ToLower(name)):
		p.Hidden = LengthOnly
	default:
		v := printable(r.secrets.Scrub(val))
		p.Value = cut(v, MaxValue)
		p.Cut = p.Value != v
	}
	return p
}

// firstValue is the first value of name in a query, decoded ("" when
// none).
func firstValue(query, name string) string {
	for part := range strings.SplitSeq(query, "&") {
		k, v, _ := strings.Cut(part, "=")
		if k == name {
			if d, err := url.QueryUnescape(v); err == nil {
				return d
			}
			return v
		}
	}
	return ""
}

// get is the first value of name, printable and bounded ("" when absent).
func (r *reader) get(name string) string {
	return cut(printable(r.secrets.Scrub(r.raw[name])), MaxValue)
}

func (r *reader) has(name string) bool { _, ok := r.raw[name]; return ok }

// location is scheme://host/path, lower-cased scheme and host, escaped
// path: what issuers and API bases are compared with.
func (r *reader) location() string {
	scheme, host := strings.ToLower(r.u.Scheme), strings.ToLower(r.u.Host)
	if scheme == "https" {
		host = strings.TrimSuffix(host, ":443") // the default port names the same endpoint
	} else if scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	}
	return scheme + "://" + host + r.u.EscapedPath()
}

// under is the endpoint whose base (issuer or API, by base) the URL is
// under, the longest such (as flow's endpointOf), and the path after it.
func under(loc string, endpoints []config.Region, base func(config.Region) string) (config.Region, string, bool) {
	var best config.Region
	bestLen, rest := 0, ""
	for _, e := range endpoints {
		b := strings.TrimSuffix(base(e), "/")
		if b == "" {
			continue
		}
		if i := strings.Index(b, "://"); i > 0 { // scheme and host compare without case
			j := strings.IndexByte(b[i+3:], '/')
			if j < 0 {
				j = len(b) - i - 3
			}
			b = strings.ToLower(b[:i+3+j]) + b[i+3+j:]
		}
		if (loc == b || strings.HasPrefix(loc, b+"/")) && len(b) > bestLen {
			best, bestLen, rest = e, len(b), strings.TrimPrefix(loc, b)
		}
	}
	return best, rest, bestLen > 0
}

// classify finds the endpoint and the kind.
func (r *reader) classify() {
	f := r.f
	loc := r.location()
	if e, rest, ok := under(loc, r.c.Endpoints, func(e config.Region) string { return e.Issuer }); ok {
		f.Endpoint, f.Found = e, true
		f.Kind = r.idpKind(strings.ToLower(strings.Trim(rest, "/")))
		return
	}
	// An https endpoint asked over plain http: that endpoint, said to be
	// wrong (HIMSA rule: TLS 1.2 or higher on every call).
	if plain, ok := strings.CutPrefix(loc, "http://"); ok {
		if e, rest, ok := under("https://"+plain, r.c.Endpoints, func(e config.Region) string { return e.Issuer }); ok {
			f.Endpoint, f.Found = e, true
			f.Kind = r.idpKind(strings.ToLower(strings.Trim(rest, "/")))
			r.plainHTTP = true
			return
		}
	}
	if e, _, ok := under(loc, r.c.Endpoints, func(e config.Region) string { return e.API }); ok {
		f.Endpoint, f.Found, f.Kind = e, true, API
		return
	}
	path := strings.ToLower(strings.TrimSuffix(r.u.Path, "/"))
	switch {
	case r.has("code") || r.has("error"):
		f.Kind = Callback
	case strings.HasSuffix(path, "/authorize") && r.has("client_id") && r.has("response_type"):
		f.Kind = Authorize // an IdP not configured, recognised by its parameters
	case r.has("errorId") && strings.Contains(path, "error"):
		f.Kind = ErrorPage
	default:
		f.Kind = Unknown
	}
}

// idpKind is the kind of a path at an IdP (relative to its issuer).
func (r *reader) idpKind(rel string) Kind {
	last := rel[strings.LastIndexByte(rel, '/')+1:]
	switch {
	case rel == "connect/authorize/callback" || last == "authorize" || last == "auth":
		return Authorize
	case last == "token":
		return Token
	case last == "userinfo":
		return UserInfo
	case rel == ".well-known/openid-configuration":
		return Discovery
	case strings.HasPrefix(rel, ".well-known/openid-configuration/jwks") || last == "jwks" || last == "jwks.json" || last == "certs":
		return JWKS
	case last == "endsession" || last == "end_session" || last == "logout":
		return EndSession
	case last == "revocation" || last == "revoke":
		return Revocation
	case last == "introspect" || last == "introspection":
		return Introspection
	case r.has("errorId") || strings.Contains(rel, "error"):
		return ErrorPage
	}
	return OtherAtIdP
}

func (r *reader) add(p Problem) { r.f.Problems = append(r.f.Problems, p) }

// judge finds the problems.
func (r *reader) judge() {
	f := r.f
	if f.Around {
		r.add(Problem{Kind: Extracted})
	}
	if f.More {
		r.add(Problem{Kind: MoreURLs})
	}
	if r.u.User != nil {
		p := Problem{Kind: Credentials, Severity: Warn}
		if _, ok := r.u.User.Password(); ok {
			p.Value = cut(printable(r.u.User.Username()), 200)
		}
		r.add(p)
	}
	if r.plainHTTP {
		r.add(Problem{Kind: PlainHTTP, Severity: Fail, Endpoint: f.Endpoint, Found: true})
	}
	if f.ParamsCut > 0 {
		r.add(Problem{Kind: ParamsCut, Severity: Warn, Value: itoa(f.ParamsCut)})
	}
	if f.Found && f.Endpoint.Env != "" && f.Endpoint.Env != f.Env {
		r.add(Problem{Kind: OtherEnv, Severity: Warn, Endpoint: f.Endpoint, Found: true, Other: f.Env})
	}
	if !f.Found && f.Kind != Callback { // a callback goes to the app, not to an IdP
		r.add(Problem{Kind: UnknownHost, Severity: unknownSeverity(f.Kind), Value: f.Host})
	}
	switch f.Kind {
	case Authorize:
		r.authorize()
	case Callback:
		r.callback()
	case ErrorPage:
		p := Problem{Kind: ErrorID, Severity: Fail}
		if r.has("errorId") {
			p.Value = itoa(utf8.RuneCountInString(r.raw["errorId"]))
		}
		r.add(p)
	case EndSession:
		r.endSession()
	}
	r.secretsInURL()
	r.duplicates()
}

// unknownSeverity: an unknown host is a note, except for an authorize
// request or an error page, which should be a HIMSA endpoint's.
func unknownSeverity(k Kind) Severity {
	if k == Authorize || k == ErrorPage {
		return Warn
	}
	return Note
}

func (r *reader) authorize() {
	for _, name := range []string{"client_id", "redirect_uri", "response_type", "scope"} {
		if !r.has(name) || r.raw[name] == "" {
			r.add(Problem{Kind: MissingParam, Severity: Fail, Param: name})
		}
	}
	if rt := r.raw["response_type"]; rt != "" && rt != "code" {
		r.add(Problem{Kind: ResponseTypeNotCode, Severity: Fail, Param: "response_type", Value: r.get("response_type")})
	}
	scopes := strings.Fields(r.raw["scope"])
	if r.raw["scope"] != "" && !slices.Contains(scopes, "openid") {
		r.add(Problem{Kind: MissingParam, Severity: Fail, Param: "scope", Value: "openid"})
	}
	r.pkce()
	r.scopes(scopes)
	r.client()
	r.authorizeNotes()
}

// pkce: IdentityServer requires PKCE with S256 by default (HIMSA's IdP
// refuses plain for a client that requires S256, even where discovery
// lists it).
func (r *reader) pkce() {
	method := r.raw["code_challenge_method"]
	switch {
	case !r.has("code_challenge") || r.raw["code_challenge"] == "":
		r.add(Problem{Kind: NoPKCE, Severity: Fail, Param: "code_challenge"})
	case method == "" || method == "plain":
		r.add(Problem{Kind: PlainPKCE, Severity: Fail, Param: "code_challenge_method", Value: r.get("code_challenge_method")})
	case method != "S256":
		r.add(Problem{Kind: BadPKCEMethod, Severity: Fail, Param: "code_challenge_method", Value: r.get("code_challenge_method")})
	}
}

func (r *reader) scopes(scopes []string) {
	switch {
	case !r.f.Found:
		return // no endpoint: no discovery to check against
	case r.c.Scopes == nil:
		r.add(Problem{Kind: ScopesNotChecked, Param: "scope", Detail: cut(printable(r.c.ScopesError), 300)})
		return
	}
	bad := 0
	for _, s := range scopes {
		if !slices.Contains(r.c.Scopes, s) {
			r.add(Problem{Kind: UnknownScope, Severity: Fail, Param: "scope", Value: cut(printable(s), 200)})
			bad++
		}
	}
	if bad == 0 && len(scopes) > 0 {
		r.add(Problem{Kind: ScopesChecked, Severity: Pass, Param: "scope"})
	}
}

// client: a client_id that is another environment's registration (only
// when the environments' client IDs differ). HIMSA rule: QA registrations
// are separate (their own client ID).
func (r *reader) client() {
	id := r.raw["client_id"]
	if id == "" || !r.f.Found || r.c.ClientIDs == nil {
		return
	}
	at := r.f.Endpoint.Env
	if r.c.ClientIDs[at] == id {
		return
	}
	for env, other := range r.c.ClientIDs {
		if env != at && other == id {
			r.add(Problem{Kind: ForeignClient, Severity: Fail, Param: "client_id", Value: r.get("client_id"), Endpoint: r.f.Endpoint, Found: true, Other: env})
			return
		}
	}
}

func (r *reader) authorizeNotes() {
	for _, name := range []string{"culture-lcid", "culture", "ui_locales"} {
		if r.has(name) {
			sev := Note
			if name != "culture-lcid" || !digits(r.raw[name]) {
				sev = Warn // HIMSA's option is culture-lcid, a Windows LCID number
			}
			r.add(Problem{Kind: CultureLCID, Severity: sev, Param: name, Value: r.get(name)})
		}
	}
	if slices.Contains(strings.Fields(r.raw["prompt"]), "none") {
		r.add(Problem{Kind: PromptNone, Param: "prompt"})
	}
	if r.has("forcechoose") {
		r.add(Problem{Kind: ForceChoose, Param: "forcechoose"})
	}
	if r.raw["response_mode"] == "fragment" {
		r.add(Problem{Kind: FragmentMode, Severity: Warn, Param: "response_mode"})
	}
	r.state(Warn)
}

// state says whether a state came (absent: sev).
func (r *reader) state(sev Severity) {
	if r.raw["state"] != "" {
		r.add(Problem{Kind: StatePresent, Param: "state", Value: itoa(utf8.RuneCountInString(r.raw["state"]))})
		return
	}
	r.add(Problem{Kind: StateAbsent, Severity: sev, Param: "state"})
}

func (r *reader) callback() {
	env := r.f.Env
	iss := strings.TrimSuffix(r.raw["iss"], "/")
	issAt, issFound := config.Region{}, false
	if iss != "" {
		for _, e := range r.c.Endpoints {
			if strings.EqualFold(strings.TrimSuffix(e.Issuer, "/"), iss) {
				issAt, issFound = e, true
				env = e.Env
				break
			}
		}
	}
	if r.has("error") {
		r.add(Problem{Kind: CallbackError, Severity: Fail, Param: "error", Value: cut(r.get("error"), 200), Detail: cut(r.get("error_description"), 500)})
	}
	if code, ok := r.f.Param("code"); ok {
		p := Problem{Kind: CodeRegion, Param: "code", Value: code.Prefix, Other: env}
		if code.Prefix != "" {
			p.Endpoint, p.Found = config.EndpointForCode(envEndpoints(r.c.Endpoints, env), code.Prefix)
		}
		r.add(p)
	}
	for _, name := range []string{"code", "error"} {
		if p, ok := r.f.Param(name); ok && p.Where == InFragment {
			r.add(Problem{Kind: FragmentMode, Param: name})
			break
		}
	}
	r.iss(iss, issAt, issFound)
	r.state(Warn)
}

func (r *reader) iss(iss string, at config.Region, found bool) {
	show := cut(printable(iss), 300)
	switch {
	case iss == "":
		r.add(Problem{Kind: IssAbsent, Param: "iss"})
		return
	case r.c.Expect != nil && !strings.EqualFold(strings.TrimSuffix(r.c.Expect.Issuer, "/"), iss):
		r.add(Problem{Kind: IssMismatch, Severity: Fail, Param: "iss", Value: show, Endpoint: at, Found: found, Expected: *r.c.Expect})
	case !found:
		r.add(Problem{Kind: IssUnknown, Severity: Warn, Param: "iss", Value: show})
	case r.c.Expect != nil:
		r.add(Problem{Kind: IssMatches, Severity: Pass, Param: "iss", Value: show, Endpoint: at, Found: true})
	default:
		r.add(Problem{Kind: IssEndpoint, Param: "iss", Value: show, Endpoint: at, Found: true})
	}
	if found && at.Env != "" && at.Env != r.f.Env {
		r.add(Problem{Kind: OtherEnv, Severity: Warn, Param: "iss", Endpoint: at, Found: true, Other: r.f.Env})
	}
}

func (r *reader) endSession() {
	target := r.raw["post_logout_redirect_uri"]
	if target != "" {
		r.add(Problem{Kind: PostLogoutTarget, Param: "post_logout_redirect_uri", Value: r.get("post_logout_redirect_uri")})
		if !r.has("id_token_hint") && !r.has("client_id") {
			r.add(Problem{Kind: NoIDTokenHint, Severity: Warn, Param: "id_token_hint"})
		}
	}
	if r.has("state") {
		r.state(Note)
	}
}

// postOnly are secrets that belong in a POST body, never in a URL (a URL
// lands in logs, histories and Referer headers).
var postOnly = []string{"client_secret", "code_verifier", "password", "refresh_token", "client_assertion"}

func (r *reader) secretsInURL() {
	for _, p := range r.f.Params {
		name := strings.ToLower(p.Name)
		if slices.Contains(postOnly, name) || r.f.Kind == Token && name == "code" {
			r.add(Problem{Kind: SecretInURL, Severity: Warn, Param: p.Name})
		}
	}
}

// duplicates: a parameter of the protocol given twice (IdentityServer
// refuses some, others take the first or the last).
func (r *reader) duplicates() {
	for _, name := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code", "code_challenge", "iss", "error"} {
		if r.seen[name] > 1 {
			r.add(Problem{Kind: Duplicate, Severity: Warn, Param: name, Value: itoa(r.seen[name])})
		}
	}
}

// envEndpoints are the endpoints of environment env.
func envEndpoints(all []config.Region, env string) []config.Region {
	var out []config.Region
	for _, e := range all {
		if e.Env == env || e.Env == "" && env == config.EnvProduction {
			out = append(out, e)
		}
	}
	return out
}

func digits(s string) bool {
	if s == "" || len(s) > 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }

// redactLengthOnly replaces the values of the lengthOnly parameters (state,
// nonce) in u's query and fragment by transport's marker, as the HAR
// commands scrub them.
func redactLengthOnly(u string) string {
	rest, frag, hasFrag := strings.Cut(u, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	out := base
	if hasQuery {
		out += "?" + redactPairsLength(query)
	}
	if hasFrag {
		out += "#" + redactPairsLength(frag)
	}
	return out
}

func redactPairsLength(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if !slices.Contains(lengthOnly, strings.ToLower(strings.TrimSpace(name))) {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		parts[i] = k + "=" + transport.Redacted(len(val))
	}
	return strings.Join(parts, "&")
}
