package explain

// The words for auth's facts: the region story of a session, a regional
// re-login's story, what a refused or failed pre-flight means, what a login
// error means and what to do, and each login event as a person reads it.
// auth says what happened; these say what it means (the CLI, the TUI and the
// report all call them, so they never disagree).

import (
	"errors"
	"fmt"
	"strings"

	"ssodesk/auth"
	"ssodesk/safe"
	"ssodesk/timefmt"
	"ssodesk/transport"
)

// StoryOf is the facts RegionStory tells of a session.
func StoryOf(r *auth.Result) Story {
	return Story{Chosen: r.Region.Name, Code: r.CodeRegion, CodeEndpoint: r.CodeEndpoint, CodeUnserved: r.CodeUnserved, ClaimRegion: r.Claim("region"),
		IssuerRegion: r.IssuerRegion(), Exchanged: r.ExchangedAt.Name, HasAPI: r.Claim("api") != "",
		Global: r.Region.IsGlobal(), Env: EnvName(r.Region.Env)}
}

// PasteBackHint says what happens in a login as another app (its redirect
// URI is not a loopback ssodesk can listen on) and what to do.
func PasteBackHint(redirectURI string) string {
	return "This login uses another app's redirect URI, " + safe.Printable(redirectURI) + ", which ssodesk cannot catch: after the login " +
		"the IdP sends the browser to that app's page, which will most likely show an error — the app did not start this login, so it " +
		"rejects its state. That is expected, and the code in the URL is still unspent: copy the whole URL from the browser's address " +
		"bar and paste it here, then press enter (ssodesk exchanges the code as that app)."
}

// SessionStory is the region story of a session.
func SessionStory(r *auth.Result) string { return RegionStory(StoryOf(r)) }

// ReloginStory explains the re-login in plain words.
func ReloginStory(r *auth.Relogin) string {
	region := Region(r.Region.Name)
	host := "its " + region + " host"
	if r.First != nil && r.First.AppHost != "" {
		host = r.First.AppHost
	}
	s := []string{fmt.Sprintf("A web app hosted per region (HIMSA 2a) sends this user from the global app to %s without exchanging the first code, and logs in again there at the %s IdP.", host, region)}
	switch {
	case r.Second == nil:
		s = append(s, "The second login did not succeed.")
	case !r.UserNeeded():
		s = append(s, fmt.Sprintf("The %s IdP signed the user in silently (prompt=none) with its SSO session from the first login, in %s: the user saw nothing.", region, Elapsed(r.Duration())))
	default:
		s = append(s, fmt.Sprintf("The %s IdP answered prompt=none with %s (no SSO session in this browser), so the user had to log in again on its page (%s in all).",
			region, auth.CallbackCode(r.Attempts[0].Err), Elapsed(r.Duration())))
	}
	if r.First != nil && r.Second != nil {
		if a, b := r.First.Claim("sub"), r.Second.Claim("sub"); a == b {
			s = append(s, "Both sessions are the same user (sub).")
		} else {
			s = append(s, fmt.Sprintf("The user differs (sub %s, then %s): another account was picked at the %s IdP.", safe.Printable(a), safe.Printable(b), region))
		}
	}
	return strings.Join(s, " ")
}

// PreflightSummary says a pre-flight's outcome in one sentence (nil: "").
func PreflightSummary(p *auth.Preflight) string {
	if p == nil {
		return ""
	}
	switch p.Outcome {
	case auth.PreflightOff:
		return PreflightOff
	case auth.PreflightFailed:
		return PreflightFailed(p.Reason)
	case auth.PreflightAccepted:
		return PreflightAccepted(p.Answer)
	}
	return RefusalSentence(RefusalOf(p))
}

// RefusalOf is a refused pre-flight as RefusalSentence reads it.
func RefusalOf(p *auth.Preflight) Refusal {
	r := Refusal{Cause: p.Cause, ClientID: p.ClientID, RedirectURI: p.RedirectURI, RandomPort: p.RandomPort,
		Scope: p.Scope, Error: p.Error, Description: p.Description, Status: p.Status}
	if p.Cause == auth.CauseScope && p.Scope == "" {
		r.Candidates = p.ScopeCandidates()
	}
	return r
}

// PreflightDetail is what the IdP said itself (message and Request Id),
// printable ("" for nil).
func PreflightDetail(p *auth.Preflight) string {
	if p == nil {
		return ""
	}
	return safe.Printable(RefusalDetail(p.Message, p.RequestID))
}

// Error is a login, refresh or check error for a person: what happened and,
// for auth's typed errors, what it means and what to do — the one wording
// of the CLI's last line, the TUI's failure and the report's outcome.
func Error(err error) string { return ErrorIn(err, WaitCLI) }

// ErrorIn is Error for a login that waited w (the TUI's words on what to
// do about a browser that cannot reach this machine are not the CLI's).
func ErrorIn(err error, w Waiting) string {
	if err == nil {
		return ""
	}
	var (
		re  *auth.RefusedError
		toe *auth.TimeoutError
		te  *auth.TokenError
		cre *auth.CodeRegionError
		ce  *transport.CertError
		pbe *auth.PasteBackError
	)
	switch {
	case errors.As(err, &pbe):
		return err.Error() + ": after the login the IdP sends the browser to that app, so run it where the address-bar URL can be pasted back " +
			"(ssodesk login in a terminal), or use a loopback redirect URI registered for this client (http://127.0.0.1:PORT/…)"
	case errors.As(err, &re):
		s := PreflightSummary(re.Preflight)
		if d := PreflightDetail(re.Preflight); d != "" {
			s += ". " + d
		}
		return s
	case errors.As(err, &toe):
		return strings.Replace(err.Error(), toe.Error(), LoginTimeout(toe.After, PreflightSummary(toe.Preflight), timeoutFirst(toe), w), 1)
	case errors.As(err, &cre):
		return strings.Replace(err.Error(), cre.Error(), CodeRegionFailure(cre), 1)
	case errors.As(err, &te) && te.Code != "":
		return strings.Replace(err.Error(), te.Error(), te.Error()+tokenErrorWords(te), 1)
	case errors.As(err, &ce):
		return strings.Replace(err.Error(), ce.Error(), CertError(ce), 1)
	}
	return err.Error()
}

// tokenErrorWords say what a token endpoint's refusal means, and for
// invalid_client which key sets the secret sent.
func tokenErrorWords(te *auth.TokenError) string {
	s := ""
	if meaning := TokenErrorMeaning(te.Code); meaning != "" {
		s += " (" + meaning + ")"
	}
	if te.Code == "invalid_client" && te.SecretKey != "" {
		s += "; " + SecretHint(te.SecretKey, te.SecretSent)
	}
	return s
}

// EventMsg is a login event as a person reads it: the pre-flight's outcome,
// what to check after a long wait, what a failed browser command means;
// else the event's own words.
func EventMsg(ev auth.Event) string {
	var be *auth.BrowserExitError
	switch {
	case ev.Step == auth.StepPreflight && ev.Preflight != nil:
		return PreflightSummary(ev.Preflight)
	case ev.Step == auth.StepStillWaiting:
		w := WaitCLI
		if ev.Pasting {
			w = WaitPasting
		}
		hint := WaitHint(PreflightSummary(ev.Preflight), "shown above", w)
		if ev.Regional != "" {
			hint = append([]string{RegionalAccountsOnly(ev.Regional)}, hint...)
		}
		return fmt.Sprintf("no login response after %s. Check:\n  - %s", timefmt.Short(ev.Waited), strings.Join(hint, "\n  - "))
	case ev.Step == auth.StepListening && ev.PasteBack:
		return PasteBackHint(ev.URL)
	case (ev.Step == auth.StepParams || ev.Step == auth.StepWarning) && ev.Param != nil:
		return ParamSupport(*ev.Param)
	case ev.Step == auth.StepWarning && errors.As(ev.Err, &be):
		return BrowserExited(be.Command, be.Code)
	}
	return ev.Msg
}
