package urlfacts

import "ssodesk/config"

// Severity is how much a problem matters.
type Severity int

// The severities: the check vocabulary's, with a note for what is only
// worth knowing; never Pass for what was not checked.
const (
	Note Severity = iota // worth knowing (•)
	Pass                 // checked and as it should be (✓): only what was checked (scopes with --online, iss against --region)
	Warn                 // suspicious or worth acting on, not wrong in itself (!)
	Fail                 // wrong: the login fails, or failed, because of it (✗)
)

// String is the word in JSON: "note", "warn", "fail".
func (s Severity) String() string {
	switch s {
	case Pass:
		return "ok"
	case Warn:
		return "warn"
	case Fail:
		return "fail"
	}
	return "note"
}

// ProblemKind names what a problem is; explain says what it means.
type ProblemKind string

// The problems (and the facts worth a sentence) Read finds.
const (
	// Any URL.
	Credentials ProblemKind = "credentials"   // user:password@ in the URL (Value: the user when a password came with it)
	Extracted   ProblemKind = "extracted"     // the URL was taken out of text around it
	MoreURLs    ProblemKind = "more_urls"     // the input holds more URLs; only the first is read
	UnknownHost ProblemKind = "unknown_host"  // the host is no configured endpoint or API (Value: host)
	OtherEnv    ProblemKind = "other_env"     // the endpoint (or iss) is of another environment than the selected one (Endpoint)
	SecretInURL ProblemKind = "secret_in_url" // a secret that belongs in a POST body is in the URL (Param)
	Duplicate   ProblemKind = "duplicate"     // a parameter given twice (Param)
	ParamsCut   ProblemKind = "params_cut"    // more than MaxParams parameters (Value: how many more)
	PlainHTTP   ProblemKind = "plain_http"    // http:// to an endpoint whose issuer is https:// (Endpoint)

	// Authorize requests.
	MissingParam        ProblemKind = "missing_param"          // Param is missing (Param "scope", Value "openid": scope lacks openid)
	ResponseTypeNotCode ProblemKind = "response_type_not_code" // Value: the response_type
	NoPKCE              ProblemKind = "no_pkce"                // no code_challenge
	PlainPKCE           ProblemKind = "plain_pkce"             // code_challenge_method plain, or none (which means plain)
	BadPKCEMethod       ProblemKind = "bad_pkce_method"        // a method other than S256 and plain (Value)
	UnknownScope        ProblemKind = "unknown_scope"          // Value: a scope discovery's scopes_supported does not list
	ScopesNotChecked    ProblemKind = "scopes_not_checked"     // the scopes were not checked (Value: why, when reading discovery failed)
	ScopesChecked       ProblemKind = "scopes_checked"         // every scope is in scopes_supported
	ForeignClient       ProblemKind = "foreign_client"         // Value: the client_id, which is environment Other's registration
	CultureLCID         ProblemKind = "culture_lcid"           // Param (culture-lcid, or culture/ui_locales), Value
	PromptNone          ProblemKind = "prompt_none"            // prompt=none: a silent request
	ForceChoose         ProblemKind = "force_choose"           // forcechoose: the account chooser
	FragmentMode        ProblemKind = "fragment_mode"          // response_mode=fragment (authorize), or a code or error in the fragment (callback)
	StatePresent        ProblemKind = "state_present"          // Value: its length in characters
	StateAbsent         ProblemKind = "state_absent"

	// Callbacks.
	CodeRegion    ProblemKind = "code_region"    // Value: the code's prefix ("" none); Endpoint (Found) the one serving it, in environment Other
	CallbackError ProblemKind = "callback_error" // Value: the error code, Detail: error_description
	IssEndpoint   ProblemKind = "iss_endpoint"   // iss is the issuer of Endpoint (no endpoint named to check it against)
	IssMatches    ProblemKind = "iss_matches"    // iss is the issuer of the endpoint named (Expect)
	IssMismatch   ProblemKind = "iss_mismatch"   // iss (Value; Endpoint when configured) is not Expected's issuer
	IssUnknown    ProblemKind = "iss_unknown"    // iss (Value) is no configured endpoint's issuer
	IssAbsent     ProblemKind = "iss_absent"     // no iss

	// The error page, end-session.
	ErrorID          ProblemKind = "error_id"           // the IdP's error page (Value: the errorId's length, "" when none)
	NoIDTokenHint    ProblemKind = "no_id_token_hint"   // end-session with a post_logout_redirect_uri but no id_token_hint
	PostLogoutTarget ProblemKind = "post_logout_target" // Value: post_logout_redirect_uri
)

// Problem is one thing the URL shows.
type Problem struct {
	Kind     ProblemKind
	Severity Severity
	Param    string // the parameter it is about (printable)
	Value    string // printable, bounded
	Detail   string // printable, bounded
	// Endpoint (when Found) is the endpoint it names; Expected the one it
	// was checked against (IssMismatch); Other an environment's name.
	Endpoint config.Region
	Found    bool
	Expected config.Region
	Other    string
}

// ProblemKinds are every kind Read may find (explain has words for each).
var ProblemKinds = []ProblemKind{Credentials, Extracted, MoreURLs, UnknownHost, OtherEnv, SecretInURL, Duplicate, ParamsCut, PlainHTTP,
	MissingParam, ResponseTypeNotCode, NoPKCE, PlainPKCE, BadPKCEMethod, UnknownScope, ScopesNotChecked, ScopesChecked,
	ForeignClient, CultureLCID, PromptNone, ForceChoose, FragmentMode, StatePresent, StateAbsent,
	CodeRegion, CallbackError, IssEndpoint, IssMatches, IssMismatch, IssUnknown, IssAbsent,
	ErrorID, NoIDTokenHint, PostLogoutTarget}
