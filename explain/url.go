package explain

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"ssodesk/config"
	"ssodesk/urlfacts"
)

// The words for one URL from a ticket (`ssodesk explain URL`): what it is,
// where it goes, each parameter, and what its facts (urlfacts) mean, with
// cause and fix. The facts are already printable and hold no secret; these
// words add none.

// URLSchema names the version of `ssodesk explain --json`'s document; it
// changes when a field changes meaning or goes away.
const URLSchema = "ssodesk-explain/1"

// URLExplanation is what `ssodesk explain` says of a URL (schema
// ssodesk-explain/1):
//
//	schema      "ssodesk-explain/1"
//	url         the URL, redacted (codes, tokens, secrets, a password, state and nonce as "[redacted N bytes]")
//	kind        authorize, callback, error_page, end_session, token, userinfo, discovery, jwks,
//	            revocation, introspection, api, other_at_idp, unknown
//	what        one sentence: what the URL is and where it goes
//	endpoint    {environment, name, label, issuer, api} of the configured endpoint it belongs to (absent: none)
//	params[]    {name, in ("query", "fragment"), value (shown values only), hidden ("fingerprint", "length"),
//	             bytes, chars, sha256 (8 hex digits of a secret's SHA-256), prefix (a code's region),
//	             token_kind ("jwt", "opaque"), cut (the value was longer), text (as the table shows it)}
//	params_cut  parameters left out past the first 500
//	findings[]  {status ("fail", "warn", "note", "ok"), kind, param, text, cause, fix}
//	failed      a finding is "fail" (the command's exit code 1)
//
// It never holds a code, token, secret, password, state or nonce.
type URLExplanation struct {
	Schema    string       `json:"schema"`
	URL       string       `json:"url"`
	Kind      string       `json:"kind"`
	What      string       `json:"what"`
	Endpoint  *URLEndpoint `json:"endpoint,omitempty"`
	Params    []URLParam   `json:"params"`
	ParamsCut int          `json:"params_cut,omitempty"`
	Findings  []URLFinding `json:"findings"`
	Failed    bool         `json:"failed"`
}

// URLEndpoint is the configured endpoint a URL belongs to.
type URLEndpoint struct {
	Environment string `json:"environment"`
	Name        string `json:"name"`
	Label       string `json:"label,omitempty"`
	Issuer      string `json:"issuer"`
	API         string `json:"api,omitempty"`
}

// URLParam is one parameter as shown.
type URLParam struct {
	Name      string `json:"name"`
	In        string `json:"in"`
	Value     string `json:"value,omitempty"`
	Hidden    string `json:"hidden,omitempty"`
	Bytes     int    `json:"bytes"`
	Chars     int    `json:"chars"`
	SHA256    string `json:"sha256,omitempty"`
	Prefix    string `json:"prefix,omitempty"`
	TokenKind string `json:"token_kind,omitempty"`
	Cut       bool   `json:"cut,omitempty"`
	Text      string `json:"text"`
}

// URLFinding is one finding: what it is, why, what to do.
type URLFinding struct {
	Status string `json:"status"`
	Kind   string `json:"kind"`
	Param  string `json:"param,omitempty"`
	Text   string `json:"text"`
	Cause  string `json:"cause,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// URL says what f means.
func URL(f *urlfacts.Facts) *URLExplanation {
	x := &URLExplanation{Schema: URLSchema, URL: f.URL, Kind: string(f.Kind), What: URLWhat(f),
		ParamsCut: f.ParamsCut, Failed: f.Failed(), Params: []URLParam{}, Findings: []URLFinding{}}
	if f.Found {
		e := f.Endpoint
		x.Endpoint = &URLEndpoint{Environment: cmp.Or(e.Env, config.EnvProduction), Name: e.Name, Label: e.Label, Issuer: e.Issuer, API: e.API}
	}
	for _, p := range f.Params {
		x.Params = append(x.Params, URLParam{Name: p.Name, In: p.Where, Value: p.Value, Hidden: p.Hidden, Bytes: p.Bytes, Chars: p.Chars,
			SHA256: p.SHA256, Prefix: p.Prefix, TokenKind: p.TokenKind, Cut: p.Cut, Text: URLParamText(p)})
	}
	problems := slices.Clone(f.Problems)
	slices.SortStableFunc(problems, func(a, b urlfacts.Problem) int { return urlRank(a.Severity) - urlRank(b.Severity) })
	for _, p := range problems {
		text, cause, fix := URLProblem(f, p)
		x.Findings = append(x.Findings, URLFinding{Status: p.Severity.String(), Kind: string(p.Kind), Param: p.Param, Text: text, Cause: cause, Fix: fix})
	}
	return x
}

// urlRank orders findings: what is wrong first, then what is worth acting
// on, what was checked, and the notes.
func urlRank(s urlfacts.Severity) int {
	switch s {
	case urlfacts.Fail:
		return 0
	case urlfacts.Warn:
		return 1
	case urlfacts.Pass:
		return 2
	}
	return 3
}

// chars is "1 char", "17 chars" for a count given as text.
func chars(n string) string { return n + If(n == "1", " char", " chars") }

// URLMark is a finding's mark: ✗ wrong, ! worth acting on, ✓ checked and
// fine, • a note.
func URLMark(status string) string {
	switch status {
	case "fail":
		return "✗"
	case "warn":
		return "!"
	case "ok":
		return "✓"
	}
	return "•"
}

// URLParamText is a parameter's value as the table shows it: the value, or
// for a secret its fingerprint, for state and nonce their length.
func URLParamText(p urlfacts.Param) string {
	switch p.Hidden {
	case urlfacts.Fingerprint:
		s := fmt.Sprintf("%d bytes, sha256 %s (not shown)", p.Bytes, p.SHA256)
		if p.TokenKind != "" {
			s = p.TokenKind + ", " + s
		}
		if p.Prefix != "" {
			s = "prefix " + p.Prefix + ". · " + s
		}
		return s
	case urlfacts.LengthOnly:
		if p.Chars == 0 {
			return "present, empty"
		}
		return "present, " + chars(strconv.Itoa(p.Chars)) + " (not shown)"
	}
	if p.Value == "" {
		return "(empty)"
	}
	if p.Cut {
		return p.Value + fmt.Sprintf(" (%d chars in all)", p.Chars)
	}
	return p.Value
}

// EndpointTitle names an endpoint as people say it: "HIMSA production
// EU", "HIMSA QA global".
func EndpointTitle(r config.Region) string {
	env := cmp.Or(r.EnvLabel, r.Env, config.EnvProduction)
	if r.IsGlobal() {
		return env + " global"
	}
	return env + " " + Region(r.Name)
}

// endpointAt is "the HIMSA production EU endpoint (https://idp-eu…)".
func endpointAt(r config.Region) string {
	return fmt.Sprintf("the %s endpoint (%s)", EndpointTitle(r), r.Issuer)
}

// URLWhat is one sentence: what the URL is and where it goes.
func URLWhat(f *urlfacts.Facts) string {
	at := "the host " + f.Host + ", which is no configured HIMSA endpoint"
	if f.Found {
		at = endpointAt(f.Endpoint)
	}
	switch f.Kind {
	case urlfacts.Authorize:
		if !f.Found {
			return "An authorize request (by its parameters) to " + at + "."
		}
		return "An authorize request to " + at + ": the browser opens it to log in."
	case urlfacts.Callback:
		return fmt.Sprintf("A callback: the IdP's answer, sent by the browser to the app's redirect URI %s://%s%s.", f.Scheme, f.Host, f.Path)
	case urlfacts.ErrorPage:
		return "The error page of " + at + "."
	case urlfacts.EndSession:
		return "An end-session (logout) request to " + at + ": it ends the user's session at the IdP."
	case urlfacts.Token:
		s := "The token endpoint of " + at + ": apps exchange codes and refresh tokens here by POST (a browser never opens it)."
		if f.Found && !f.Endpoint.IsGlobal() {
			s += fmt.Sprintf(" It takes codes whose prefix names %s; the global endpoint takes any.", Region(cmp.Or(f.Endpoint.Code, f.Endpoint.Name)))
		}
		return s
	case urlfacts.UserInfo:
		return "The userinfo endpoint of " + at + ": called with an access token, it answers the user's claims."
	case urlfacts.Discovery:
		return "The discovery document of " + at + ": the IdP's endpoints, keys and what it supports."
	case urlfacts.JWKS:
		return "The signing keys (JWKS) of " + at + "."
	case urlfacts.Revocation:
		return "The revocation endpoint of " + at + " (RFC 7009)."
	case urlfacts.Introspection:
		return "The introspection endpoint of " + at + " (RFC 7662; the API resource calls it, not the app)."
	case urlfacts.API:
		return fmt.Sprintf("A call to the API of the %s endpoint (its api: base %s in the config).", EndpointTitle(f.Endpoint), f.Endpoint.API)
	case urlfacts.OtherAtIdP:
		return fmt.Sprintf("A page of %s at %s: not one of the OpenID Connect endpoints ssodesk knows by name.", at, cmp.Or(f.Path, "/"))
	}
	return "A URL at " + f.Host + ", which is no configured HIMSA endpoint or API base: ssodesk does not guess what it is."
}

// URLProblem says what one problem means: the sentence, its cause and its
// fix ("" when the sentence says it all).
func URLProblem(f *urlfacts.Facts, p urlfacts.Problem) (text, cause, fix string) {
	if w, ok := urlWords[p.Kind]; ok {
		return w(f, p)
	}
	return string(p.Kind), "", ""
}

type urlWordsFunc func(f *urlfacts.Facts, p urlfacts.Problem) (text, cause, fix string)

var urlWords map[urlfacts.ProblemKind]urlWordsFunc

func init() {
	urlWords = map[urlfacts.ProblemKind]urlWordsFunc{}
	for _, part := range []map[urlfacts.ProblemKind]urlWordsFunc{urlWordsOfTheURL(), urlWordsOfAuthorize(), urlWordsOfCallbacks()} {
		maps.Copy(urlWords, part)
	}
}

// urlWordsOfTheURL are the words of the URL itself: how it was pasted, its host and secrets.
func urlWordsOfTheURL() map[urlfacts.ProblemKind]urlWordsFunc {
	return map[urlfacts.ProblemKind]urlWordsFunc{
		urlfacts.Extracted: say("The URL was taken out of the text around it (quotes, a request line or a sentence); only the URL is explained."),
		urlfacts.MoreURLs:  say("The text holds more URLs after this one: explain each on its own."),
		urlfacts.Credentials: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			s := "The URL carries credentials before the host"
			if p.Value != "" {
				s += " (the user name " + p.Value + " and a password)"
			}
			return s + "; ssodesk sends this URL nowhere and shows no password.",
				"Credentials in a URL end up in browser histories, proxy logs and Referer headers; HIMSA's IdP takes none there.",
				"Treat the password as exposed: have it changed, and remove the credentials from wherever the URL came from."
		},
		urlfacts.UnknownHost: func(f *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("The host %s is no configured HIMSA endpoint or API base of any environment: the environment and region are not known, and ssodesk does not guess them.", p.Value),
				"", "If it is a HIMSA host of yours, add it to the config (an endpoint under environments:, or an endpoint's api:)."
		},
		urlfacts.OtherEnv: func(f *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			what := "The URL goes to"
			if p.Param == "iss" {
				what = "The callback's iss is the issuer of"
			}
			env := cmp.Or(p.Endpoint.Env, config.EnvProduction)
			return fmt.Sprintf("%s %s, an endpoint of %s, not of the selected environment (%s).", what, endpointAt(p.Endpoint), env, p.Other),
				"HIMSA's environments are separate: their own client registrations, accounts and issuers.",
				fmt.Sprintf("Check that the customer means %s; `--env %s` explains it against that environment.", env, env)
		},
		urlfacts.SecretInURL: func(f *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("The URL carries %s, which belongs in a POST body, not in a URL.", p.Param),
				"A URL is kept in browser histories, server and proxy logs and Referer headers (and a token endpoint takes its parameters only from a POST form body).",
				"Treat the value as exposed (a client secret: ask HIMSA for a new one), and send it in the request body."
		},
		urlfacts.Duplicate: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("%s is given %s times.", p.Param, p.Value), "IdentityServer refuses a repeated protocol parameter, or another component takes a different one of them than the IdP.", "Send it once."
		},
		urlfacts.ParamsCut: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("The URL has %s more parameters than shown (the first %d are).", p.Value, urlfacts.MaxParams), "", ""
		},
		urlfacts.PlainHTTP: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("The URL is plain http:// to %s, whose issuer is https://.", endpointAt(p.Endpoint)),
				"HIMSA requires TLS 1.2 or higher on every call: over http the IdP answers with a redirect at best, and whatever the URL carries travelled unencrypted.",
				"Use https://, as the issuer says."
		},
	}
}

// urlWordsOfAuthorize are the words of an authorize request's parameters.
func urlWordsOfAuthorize() map[urlfacts.ProblemKind]urlWordsFunc {
	return map[urlfacts.ProblemKind]urlWordsFunc{
		urlfacts.MissingParam:        missingParam,
		urlfacts.ResponseTypeNotCode: responseTypeNotCode,
		urlfacts.NoPKCE: say("There is no code_challenge: the request uses no PKCE.",
			"IdentityServer requires PKCE by default, so the IdP shows its error page (invalid_request) instead of the login page.",
			"Send a code_challenge with code_challenge_method=S256 (the SHA-256 of a random code_verifier), and the code_verifier with the code."),
		urlfacts.PlainPKCE: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			s := "code_challenge_method is plain"
			if p.Value == "" {
				s = "There is no code_challenge_method, which means plain"
			}
			return s + ": the challenge is the verifier itself.",
				"IdentityServer refuses plain unless the client allows it, and HIMSA's clients require S256 (even where discovery lists plain).",
				"Send code_challenge_method=S256 with the SHA-256 of the code_verifier as the code_challenge."
		},
		urlfacts.BadPKCEMethod: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("code_challenge_method %s is no PKCE method (S256 or plain): the IdP refuses the request.", p.Value), "", "Send code_challenge_method=S256."
		},
		urlfacts.UnknownScope: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("The scope %s is not among the scopes the endpoint's discovery lists (scopes_supported).", p.Value),
				"The IdP refuses a scope it does not know: its error page, or error=invalid_scope to the app.",
				"Remove it from the app's scopes or correct its spelling (HIMSA's API scope is " + config.ScopeNoahAPI + "), or ask HIMSA whether the client may have it."
		},
		urlfacts.ScopesNotChecked: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			if p.Detail != "" {
				return "The scopes were not checked: the endpoint's discovery could not be read (" + p.Detail + ").", "", ""
			}
			return "The scopes were not checked against the endpoint's discovery (scopes_supported): --online reads it.", "", ""
		},
		urlfacts.ScopesChecked: say("Every scope is in the endpoint's discovery (scopes_supported); whether this client may ask for each is the IdP's to say."),
		urlfacts.ForeignClient: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			at := cmp.Or(p.Endpoint.Env, config.EnvProduction)
			return fmt.Sprintf("The client_id %s is the client ID configured for %s, but the request goes to %s, of %s.", p.Value, p.Other, endpointAt(p.Endpoint), at),
				"HIMSA registrations are per environment (QA's are separate): this IdP does not know the other environment's client, so it shows its error page (unauthorized_client).",
				fmt.Sprintf("Use %s's own client ID there, or send the request to an endpoint of %s.", at, p.Other)
		},
		urlfacts.CultureLCID:  cultureLCID,
		urlfacts.PromptNone:   say("prompt=none: a silent request; the IdP answers at once, with login_required when the browser has no session there."),
		urlfacts.ForceChoose:  say("forcechoose: the IdP shows its account chooser (HIMSA's way to switch account)."),
		urlfacts.FragmentMode: fragmentMode,
	}
}

// urlWordsOfCallbacks are the words of callbacks, error pages and end-session.
func urlWordsOfCallbacks() map[urlfacts.ProblemKind]urlWordsFunc {
	return map[urlfacts.ProblemKind]urlWordsFunc{
		urlfacts.StatePresent:  statePresent,
		urlfacts.StateAbsent:   stateAbsent,
		urlfacts.CodeRegion:    codeRegion,
		urlfacts.CallbackError: callbackError,
		urlfacts.IssEndpoint: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("iss is the issuer of %s: that endpoint answered.", endpointAt(p.Endpoint)), "",
				"Name the endpoint the login started at with --region to check iss against it."
		},
		urlfacts.IssMatches: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("iss is the issuer of %s, the endpoint named (--region).", endpointAt(p.Endpoint)), "", ""
		},
		urlfacts.IssMismatch: issMismatch,
		urlfacts.IssUnknown: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("iss is %s, no configured endpoint's issuer in any environment.", p.Value),
				"Another IdP answered, or a HIMSA endpoint ssodesk's config does not have.",
				"If it is a HIMSA endpoint, add it to the config; otherwise the app must refuse the answer (RFC 9207)."
		},
		urlfacts.IssAbsent: say("The callback carries no iss, so it does not say which IdP answered (RFC 9207); HIMSA's IdP sends it when its discovery says authorization_response_iss_parameter_supported."),
		urlfacts.ErrorID:   errorPage,
		urlfacts.NoIDTokenHint: say("The end-session request has a post_logout_redirect_uri but no id_token_hint (nor client_id).",
			"Without them IdentityServer cannot tell which client asks: it asks the user to confirm and does not send the browser back.",
			"Send the ID token as id_token_hint (an expired one is fine)."),
		urlfacts.PostLogoutTarget: func(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
			return fmt.Sprintf("After the logout the IdP sends the browser to %s, but only when it is registered for the client (otherwise silently not).", p.Value), "", ""
		},
	}
}

// say is a problem's fixed words: the text, then the cause and the fix.
func say(text string, causeFix ...string) urlWordsFunc {
	cause, fix := "", ""
	if len(causeFix) > 0 {
		cause = causeFix[0]
	}
	if len(causeFix) > 1 {
		fix = causeFix[1]
	}
	return func(*urlfacts.Facts, urlfacts.Problem) (string, string, string) { return text, cause, fix }
}

func missingParam(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	switch {
	case p.Param == "scope" && p.Value == "openid":
		return "The scope lacks openid: this is no OpenID Connect login.",
			"Without openid the IdP issues no ID token, so the app learns neither the user nor HIMSA's tenantid and api claims.",
			"Add openid to the app's scopes (HIMSA: openid profile " + config.ScopeNoahAPI + ")."
	case p.Param == "client_id":
		return "The authorize request has no client_id.", "The IdP cannot tell which app asks: it shows its error page.", "The app must send the client ID HIMSA issued."
	case p.Param == "redirect_uri":
		return "The authorize request has no redirect_uri.", "IdentityServer requires one (matching a registered one exactly) and shows its error page without it.",
			"The app must send the redirect URI HIMSA whitelisted for it."
	case p.Param == "response_type":
		return "The authorize request has no response_type.", "HIMSA's login is the authorization code flow: without response_type=code the IdP shows its error page.",
			"Send response_type=code."
	case p.Param == "scope":
		return "The authorize request has no scope.", "An OpenID Connect login asks for at least openid; the IdP refuses a request without it.",
			"Send scope=openid profile " + config.ScopeNoahAPI + " (plus offline_access when HIMSA enabled refresh tokens for the app)."
	}
	return "The request has no " + p.Param + ".", "", ""
}

func responseTypeNotCode(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	return fmt.Sprintf("response_type is %s, not code.", p.Value),
		"HIMSA's login is the authorization code flow with PKCE; the implicit and hybrid flows (token, id_token) hand tokens to the browser, and the IdP refuses them for a client not allowed them (its error page, unsupported_response_type or unauthorized_client).",
		"Use response_type=code with PKCE (S256) and exchange the code at the token endpoint."
}

// lcidNames are some Windows culture LCIDs (HIMSA's culture-lcid).
var lcidNames = map[string]string{"1033": "en-US", "1030": "da-DK", "1031": "de-DE", "2057": "en-GB", "1036": "fr-FR",
	"1053": "sv-SE", "1044": "nb-NO", "1043": "nl-NL", "1035": "fi-FI", "1040": "it-IT", "3082": "es-ES", "1041": "ja-JP",
	"3081": "en-AU", "4105": "en-CA", "1046": "pt-BR", "2052": "zh-CN", "1045": "pl-PL"}

func cultureLCID(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	if p.Param != "culture-lcid" {
		return fmt.Sprintf("%s=%s: HIMSA's login site is localised by culture-lcid (a Windows LCID such as 1033 en-US), not by %s.", p.Param, p.Value, p.Param),
			"", "Send culture-lcid=LCID to choose the login site's language."
	}
	if p.Severity == urlfacts.Note {
		name := lcidNames[p.Value]
		if name == "" {
			name = "a Windows culture LCID ssodesk has no name for"
		}
		return fmt.Sprintf("culture-lcid=%s localises HIMSA's login site (%s).", p.Value, name), "", ""
	}
	return fmt.Sprintf("culture-lcid=%s is not a Windows LCID number (1033 en-US, 1030 da-DK, 1031 de-DE): the login site ignores it.", p.Value),
		"", "Send the LCID as a number."
}

func fragmentMode(f *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	if f.Kind == urlfacts.Callback {
		return fmt.Sprintf("The %s is in the fragment (#…): the app asked for response_mode=fragment, so only script in the browser reads it.", p.Param), "", ""
	}
	return "response_mode=fragment: the code comes back after # in the redirect URI, which no server sees (a HAR shows it only in the browser's address).",
		"", "A server-side app needs response_mode=query (the default for code) or form_post."
}

func statePresent(f *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	switch f.Kind {
	case urlfacts.Callback:
		return fmt.Sprintf("state is present (%s, not shown): the app must compare it with the one its request sent.", chars(p.Value)), "", ""
	case urlfacts.EndSession:
		return fmt.Sprintf("state is present (%s, not shown): the IdP returns it with the browser after the logout.", chars(p.Value)), "", ""
	}
	return fmt.Sprintf("state is present (%s, not shown): the app can match the IdP's answer to this request.", chars(p.Value)), "", ""
}

func stateAbsent(f *urlfacts.Facts, _ urlfacts.Problem) (string, string, string) {
	if f.Kind == urlfacts.Callback {
		return "The callback has no state.", "The authorize request sent none, or it was lost: the app cannot tell that this is the answer to its own request (CSRF).",
			"Send a random state with every authorize request and check it on the callback."
	}
	return "There is no state.", "The app cannot tell its own login's answer from a forged one (CSRF).", "Send a random state and check it on the callback."
}

func codeRegion(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	env := EnvName(p.Other)
	in := strings.TrimSpace(env + " " + Region(p.Value))
	switch {
	case p.Value == "":
		return "The code carries no region prefix (HIMSA codes start with the account's region, like eu.), so the account's region is not known.", "", ""
	case p.Found:
		return fmt.Sprintf("The code's prefix %s. says the account is in %s: exchange it at the %s endpoint (%s), or at the %s one, which hands it over.",
				p.Value, in, in, p.Endpoint.Issuer, strings.TrimSpace(env+" global")),
			"The prefix is the region of the account the user picked; it names a region within the environment of the login, and the rest of the code is opaque.",
			"Never exchange it at another region's endpoint: it does not know the code."
	}
	return fmt.Sprintf("The code's prefix %s. names the region %s, which no configured endpoint of %s serves.", p.Value, Region(p.Value), cmp.Or(p.Other, config.EnvProduction)),
		"", fmt.Sprintf("Set region: %s on the endpoint that issues its codes.", p.Value)
}

func callbackError(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	s := "The IdP sent the app error=" + p.Value
	if p.Detail != "" {
		s += " (" + p.Detail + ")"
	}
	silent := strings.HasSuffix(p.Value, "_required") // IdentityServer sends these only for prompt=none
	return s + ".", HARErrorRedirectCause(p.Value, "", silent, false), HARErrorRedirectFix(p.Value, "", silent)
}

func issMismatch(_ *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	is := p.Value
	if p.Found {
		is = fmt.Sprintf("%s, the issuer of the %s endpoint", p.Value, EndpointTitle(p.Endpoint))
	}
	return fmt.Sprintf("iss is %s, not the issuer of %s the login started at.", is, endpointAt(p.Expected)),
		"Another endpoint answered (the login was started twice, in two tabs or at two endpoints) or another IdP did (a mix-up): the app must refuse the answer (RFC 9207).",
		"Start the login again at one endpoint; an app that uses several must send the code only to the endpoint iss names when it started there."
}

func errorPage(f *urlfacts.Facts, p urlfacts.Problem) (string, string, string) {
	id := fmt.Sprintf("The errorId (%s) is data-protected (encrypted)", chars(p.Value))
	if p.Value == "" {
		id = "The URL has no errorId; it would be data-protected (encrypted) anyway"
	}
	return "This is the IdP's error page: the IdP refused a request (most often the authorize request before it) and showed this page instead of sending the browser back to the app, which never heard of it.",
		id + ": only that HIMSA IdP can read it, not ssodesk or you.",
		"Ask the customer for the Request Id the page shows, the time (with its time zone), and the authorize URL before it (or a HAR of the login, for `ssodesk har`); " +
			"with the app's client ID and redirect URI, `" + HARCheckCommand("CLIENT_ID", "REDIRECT_URI") + "` sends the same authorize request and reads the IdP's answer."
}

// URLInputError says why an input is not a URL explain can read, and what
// to give instead.
func URLInputError(e *urlfacts.InputError) string {
	switch e.Reason {
	case urlfacts.TooLarge:
		return fmt.Sprintf("the input is over the %d bytes (1 MB) a URL may have here, so it was not read: give the URL alone (a HAR file goes to ssodesk har)", urlfacts.MaxInput)
	case urlfacts.Empty:
		return "nothing to explain: give a URL as the argument, or on stdin (ssodesk explain -)"
	case urlfacts.NotAbsolute:
		return "not an absolute URL: it has no scheme and host (https://idp…); give the whole URL, as the browser's address bar or the ticket shows it"
	case urlfacts.Unparsable:
		return "that does not parse as a URL (a character a URL may not hold, or a bad host, port or %-escape); give the URL as the browser's address bar shows it"
	}
	return "not a URL: there is no scheme://host in it; give the whole URL, starting with https://"
}

// URLDiscoveryUnreachable says the scopes could not be checked online.
func URLDiscoveryUnreachable(issuer, reason string) string {
	return fmt.Sprintf("could not read the discovery document of %s (%s): the scopes are not checked", issuer, reason)
}

// URLOnlineNothing says --online had nothing to read: it checks an
// authorize request's scopes at a configured endpoint.
func URLOnlineNothing(f *urlfacts.Facts) string {
	if f.Kind == urlfacts.Authorize {
		return "--online read nothing: the authorize request goes to no configured endpoint, whose discovery it would read"
	}
	return "--online read nothing: it checks an authorize request's scopes against its endpoint's discovery, and this is no authorize request"
}
