package report

import (
	"context"
	"errors"
	"strings"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/diagnose"
	"ssodesk/explain"
	"ssodesk/flow"
)

// loginOutcome says how the login ended and, for a failure, where, what it
// means and what fixes it.
func loginOutcome(a Attempt, failed flow.Kind) Outcome {
	err := loginErr(a)
	switch {
	case err == nil && a.Result == nil:
		return Outcome{Summary: explain.ReportNotLoggedIn}
	case err == nil && a.Result.RawIDToken == "":
		return Outcome{OK: true, Summary: explain.ReportLoggedIn}
	case err == nil:
		return Outcome{OK: true, Summary: explain.ReportVerified}
	}
	o := Outcome{Error: explain.Error(err), FailedStep: string(failed)}
	o.Summary = explain.ReportFailedAt(o.FailedStep)
	explainFailure(&o, err)
	if o.Explanation == "" {
		o.Explanation = explain.FailureMeaning(o.FailedStep)
	}
	o.Explanation, o.Fix = upperFirst(o.Explanation), upperFirst(o.Fix)
	return o
}

// explainFailure fills the explanation, the fix and what the IdP said, in
// the words the screens use for the same error.
func explainFailure(o *Outcome, err error) {
	var (
		re  *auth.RefusedError
		de  *auth.DiscoveryError
		pe  *auth.PortInUseError
		toe *auth.TimeoutError
		ce  *auth.CallbackError
		me  *auth.MixUpError
		te  *auth.TokenError
		ve  *auth.VerifyError
		cre *auth.CodeRegionError
	)
	switch {
	case errors.Is(err, auth.ErrNoClientID):
		o.Fix = explain.FixNoClientID
	case errors.As(err, &re):
		what, fix := explain.SplitFix(explain.PreflightSummary(re.Preflight))
		o.Explanation, o.Fix, o.IdPSaid = explain.PreflightRefusedTitle+": "+what+".", fix, idpSaid(re.Preflight)
	case errors.As(err, &de):
		o.Fix = explain.FixDiscovery
	case errors.As(err, &pe):
		o.Fix = explain.FixPortInUse
	case errors.As(err, &toe):
		o.Fix = explain.FixTimeout(explain.PreflightSummary(toe.Preflight), toe.Regional)
	case errors.As(err, &ce):
		o.Explanation = explain.RefusalSentence(explain.Refusal{Error: ce.Code, Description: ce.Description}) + "."
		o.Fix = explain.FixCallbackError(ce.Code)
	case errors.As(err, &me):
		o.Fix = explain.FixMixUp
	case errors.As(err, &cre):
		o.Explanation, o.Fix = explain.CodeRegionMeaning(cre), explain.CodeRegionFix(cre)
	case errors.As(err, &te):
		if m := explain.TokenErrorMeaning(te.Code); m != "" {
			o.Explanation = m + "."
		}
		o.Fix = explain.FixTokenError(te.Code, te.SecretKey, te.SecretSent)
	case errors.As(err, &ve):
		o.Explanation = explain.FailureMeaning("verify") + " Failed: " + ve.Report.Failures() + "."
		o.Fix = explain.FixVerify(failedChecks(ve.Report))
	case errors.Is(err, context.Canceled):
		o.Fix = explain.FixInterrupted
	}
}

func failedChecks(r *auth.Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == check.Fail {
			out = append(out, c.Name)
		}
	}
	return out
}

// checkOutcome is the outcome of `ssodesk check`: the ✗ rows, what they
// say and the fix the first one names.
func checkOutcome(reports []diagnose.Report) Outcome {
	var failed, details []string
	fix := ""
	for _, rep := range reports {
		for _, row := range rep.Rows {
			if row.Status != check.Fail {
				continue
			}
			failed = append(failed, rep.Region+": "+row.Name)
			what, f := explain.SplitFix(row.Detail)
			if row.Fix != "" {
				what, f = row.Detail, row.Fix
			}
			details = append(details, rep.Region+" "+row.Name+": "+what)
			if fix == "" {
				fix = f
			}
		}
	}
	if len(failed) == 0 {
		return Outcome{OK: true, Summary: explain.ReportChecksOK}
	}
	return Outcome{Summary: explain.ReportChecksFail, Error: "check failed (" + strings.Join(failed, "; ") + ")",
		Explanation: strings.Join(details, "; ") + ".", Fix: fix, IdPSaid: checksIdPSaid(reports)}
}

// idpSaid is what the IdP said when it refused the authorize request: its
// message, Request Id and errorId.
func idpSaid(p *auth.Preflight) string {
	return explain.ReportIdPSaid(explain.PreflightDetail(p), p.ErrorID)
}

// checksIdPSaid is what the IdP said at each endpoint that refused the
// authorize request ("eu: The IdP said: …"), for a check's outcome.
func checksIdPSaid(reports []diagnose.Report) string {
	var said []string
	for _, rep := range reports {
		if p := rep.Preflight; p != nil && p.Outcome == auth.PreflightRefused {
			if s := idpSaid(p); s != "" {
				said = append(said, explain.If(len(reports) > 1, rep.Region+": ", "")+s)
			}
		}
	}
	return strings.Join(said, " ")
}

// endpointChecks are check's rows per endpoint, with what the IdP said
// when it refused the authorize request.
func endpointChecks(reports []diagnose.Report) []EndpointCheck {
	var out []EndpointCheck
	for _, rep := range reports {
		ec := EndpointCheck{Region: rep.Region, Issuer: rep.Issuer, OK: rep.OK()}
		ec.Checks = append(ec.Checks, rep.Rows...)
		if rep.Preflight != nil && rep.Preflight.Outcome == auth.PreflightRefused {
			ec.IdPSaid = idpSaid(rep.Preflight)
		}
		out = append(out, ec)
	}
	return out
}
