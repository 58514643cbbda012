package explain

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The words of the diagnosis report (package report): what it holds and
// never holds, and what to do after each way a login fails. The report also
// says everything the screens say (stories, refusals, check details) with
// the functions of this package, so the three never disagree.

// ReportNever says what a report never contains and how tokens appear.
const ReportNever = "This report never contains a token, an authorization code, a PKCE verifier or a client secret: " +
	"each token appears as its kind, its length and the first 8 hex digits of its SHA-256, so two reports can be compared."

// ReportPII says whether personal data is in a report.
func ReportPII(masked bool) string {
	if masked {
		return "Personal data is masked (--redact-pii): names, e-mail addresses, tenant names, sub and noahuserid " +
			"are replaced by user-1, name-1, email-1@example.invalid, tenant-1, noahuser-1, the same value by the same stand-in throughout."
	}
	return "Personal data is shown (names, e-mail addresses, tenant names, sub, noahuserid): " +
		"write the report with --redact-pii (or the TUI's toggle) before it leaves the company."
}

// ReportNoTrace: the report was made from a saved `login --json` document.
const ReportNoTrace = "No HTTP trace: this report was made from a saved `login --json` document, which records none " +
	"(nor the steps, the TLS versions or the clock). `ssodesk login --report FILE` writes a report with all of them."

// ReportTraceUnavailable: the run that made the report recorded no trace.
const ReportTraceUnavailable = "No HTTP trace was recorded for this run."

// ReportHAR names the HAR file written beside the report.
func ReportHAR(name string) string {
	return "The redacted HAR file " + name + " beside this report holds these exchanges in full (headers and bodies, secrets redacted); " +
		"open it in a browser's devtools (Network, Import HAR)."
}

// ReportTimesNote says how to read the relative times of a report.
const ReportTimesNote = "Relative times (\"in 59m58s\", \"3s ago\") are as of the moment the report was written."

// ReportClockUnknown: no response carried a Date header the report could use.
const ReportClockUnknown = "unknown: no recorded response from the IdP carried a Date header"

// TokenFingerprint is how a report shows a token: "jwt, 1043 bytes, sha256 3f2a9c1b".
func TokenFingerprint(kind string, n int, sha string) string {
	return fmt.Sprintf("%s, %d bytes, sha256 %s", kind, n, sha)
}

// StepLabel names a login step in a report's table.
func StepLabel(step string) string {
	switch step {
	case "preflight":
		return "pre-flight"
	case "verify":
		return "verification"
	case "listening":
		return "loopback listener"
	}
	return step
}

// Fix* say what to do after each way a login fails.
const (
	FixNoClientID = "Set client_id in the config file (or SSODESK_CLIENT_ID / --client-id) to the ID HIMSA supplied."
	FixDiscovery  = "Check the issuer URL of this endpoint in the config and that this machine reaches it " +
		"(proxy: HTTPS_PROXY; a TLS-inspecting proxy: ca_file); `ssodesk check` shows each step."
	FixPortInUse = "Free the port (another ssodesk or program holds it), or set redirect_uri to another port HIMSA whitelisted " +
		"(port 0 picks a random free one)."
	FixCancelled = "Log in again and finish at the IdP (choose an account and accept)."
	FixMixUp     = "Do not use this login. Check that the configured issuers are HIMSA's and that nothing between this machine " +
		"and the IdP rewrites redirects; log in again."
	FixInterrupted = "The login was stopped before it finished (ctrl+c, esc or a new login); start it again."
)

// FixTimeout lists what to check after no login response came in time;
// regional is the region of a regional endpoint logged in at ("" at a
// global one), which lists only its own region's accounts.
func FixTimeout(preflight, regional string) string {
	causes := WaitHint(preflight, "the report's trace lists the pre-flight's authorize request", WaitCLI)
	if regional != "" {
		causes = append([]string{RegionalAccountsOnly(regional)}, causes...)
	}
	return strings.Join(causes, "; ") + "; to wait longer, raise timeouts.login"
}

// FixCallbackError says what to do after the IdP sent error= to the app.
func FixCallbackError(code string) string {
	switch code {
	case "access_denied":
		return FixCancelled
	case "login_required", "interaction_required", "consent_required", "account_selection_required":
		return "The IdP needs the user (no session there for prompt=none): log in without prompt=none."
	}
	if m := TokenErrorMeaning(code); m != "" {
		return upper(m) + "."
	}
	return "Read the IdP's description above; HIMSA support can look up the request by its time and client ID."
}

// FixTokenError says what to do after the token endpoint refused.
func FixTokenError(code, secretKey string, secretSent bool) string {
	switch {
	case code == "invalid_client" && secretKey != "":
		return upper(SecretHint(secretKey, secretSent)) + "."
	case code == "invalid_grant":
		return "Log in again: a code is good for one exchange within a short time, at the endpoint whose region its prefix names " +
			"(exchange_at: code-region sends it there)."
	case code != "":
		if m := TokenErrorMeaning(code); m != "" {
			return upper(m) + "."
		}
	}
	return "Check the token endpoint in the trace below (status and body); `ssodesk check` tests the endpoint without logging in."
}

// verifyFixes say what to do when a verification check failed.
var verifyFixes = map[string]string{
	"issuer": "the token's issuer is not one this environment trusts: if it is a HIMSA endpoint, add it to the environment's " +
		"regions in the config (a global exchange may hand the tokens to the regional IdP); if not, do not use the token",
	"signature": "the signature does not verify with the issuer's published keys: log in again; if it persists, " +
		"the IdP rotated its keys or something rewrote the token",
	"audience":        "the token was issued to another client: check client_id",
	"expiry":          "the token expired or this computer's clock is off: set the clock (NTP) and log in again",
	"issued at":       "this computer's clock is off against the IdP's: set the clock (NTP), or raise leeway",
	"not before":      "this computer's clock is off against the IdP's: set the clock (NTP), or raise leeway",
	"nonce":           "the token belongs to another login (a replay): log in again",
	"at_hash":         "the access and ID tokens were not issued together: log in again",
	"response issuer": "the authorization response came from another IdP than the one asked: " + strings.TrimSuffix(FixMixUp, "."),
	"type":            "an access token was sent as the ID token: the IdP's token response is wrong; tell HIMSA",
	"algorithm":       "the token is signed with an algorithm the IdP does not announce: tell HIMSA",
	"subject":         "the token names no user (no sub): tell HIMSA",
	"format":          "the ID token is not a readable JWT: tell HIMSA, with this report",
}

// FixVerify says what to do about the failed checks (by name).
func FixVerify(failed []string) string {
	var out []string
	for _, name := range failed {
		if name == "signature" && slices.Contains(failed, "issuer") {
			continue // not checked because of the issuer: its fix is the issuer's
		}
		if f := verifyFixes[name]; f != "" {
			out = append(out, name+": "+f)
		}
	}
	if len(out) == 0 {
		return "See the verification checks below: each ✗ says why."
	}
	return upper(strings.Join(out, "; ")) + "."
}

// FailureMeaning says what a failure at a login step means, for a report's
// outcome when the error itself says no more.
func FailureMeaning(step string) string {
	switch step {
	case "discovery":
		return "ssodesk could not read the IdP's discovery document, so it could not start the login."
	case "callback":
		return "No usable redirect came back from the browser to ssodesk's loopback listener."
	case "exchange":
		return "The IdP's token endpoint did not give tokens for the code."
	case "verify":
		return "Tokens came, but the ID token did not verify: it must not be trusted."
	}
	return ""
}

// upper capitalises the first letter of a sentence.
func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// SplitFix splits a sentence of this package that says what is wrong, a
// dash, and what fixes it ("the IdP does not accept … — HIMSA must …"); fix
// is "" when it has no dash.
func SplitFix(sentence string) (what, fix string) {
	what, fix, _ = strings.Cut(sentence, " — ")
	if fix != "" && !strings.HasSuffix(fix, ".") {
		fix += "."
	}
	return what, upper(fix)
}

// ReportPlainHTTP: an http endpoint that is not on this machine.
const ReportPlainHTTP = "plain http: no TLS, so anything on the network can read and change the exchange"

// ReportNoAnswer: a host that gave no answer, so its TLS is unknown.
func ReportNoAnswer(err string) string { return "no answer: " + err }

// Outcome summaries of a report.
const (
	ReportVerified    = "logged in; the ID token verified"
	ReportLoggedIn    = "logged in"
	ReportChecksOK    = "every check passed (✓ or !)"
	ReportChecksFail  = "a login will fail: a check is ✗"
	ReportNotLoggedIn = "no login ran"
)

// ReportFailedAt says at which step a login failed.
func ReportFailedAt(step string) string {
	if step == "" {
		return "the login failed before it started"
	}
	return "the login failed at the " + StepLabel(step) + " step"
}

// ReportFromSaved: a report made from a saved `login --json` document.
const ReportFromSaved = "Made from a saved `login --json` document: the verification is as it was when the document was saved."

// ReportIdPSaid is what the IdP said, for a report: its message and Request
// Id (detail, RefusalDetail's), and the errorId of its error page, which
// only that IdP (HIMSA support) can read ("" when it sent none).
func ReportIdPSaid(detail, errorID string) string {
	if errorID == "" {
		return detail
	}
	return strings.TrimSpace(detail + " Its error page's errorId, which HIMSA support can read: " + errorID + ".")
}

// SanitizePII says whether a sanitised HAR keeps personal data (ssodesk
// har sanitize --redact-pii, the TUI's toggle).
func SanitizePII(masked bool) string {
	if masked {
		return "Personal data is masked too (--redact-pii): names, e-mail addresses, sub, tenant names and IDs become user-1, tenant-1, …"
	}
	return "Personal data stays (names, e-mail addresses, sub, tenant names and IDs): mask it too (--redact-pii, tab here) before the copy leaves the company."
}
