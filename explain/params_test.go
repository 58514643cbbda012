package explain_test

import (
	"strings"
	"testing"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
)

func rowNamed(rows []check.Row, name string) check.Row {
	for _, r := range rows {
		if r.Name == name {
			return r
		}
	}
	return check.Row{Name: "absent"}
}

// TestParamChecksMaxAge: auth_time older than max_age (+leeway) before
// the login's start is ✗; within it ✓; no auth_time with max_age is ✗
// (OIDC requires it); prompt=login without auth_time is not checked.
func TestParamChecksMaxAge(t *testing.T) {
	start := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	age := 300
	f := auth.ParamFacts{Sent: auth.AuthorizeParams{MaxAge: &age}, Started: start, Leeway: time.Minute, HasAuthTime: true}
	for _, tc := range []struct {
		authTime time.Time
		want     check.Status
		words    string
	}{
		{start.Add(-7 * time.Minute), check.Fail, "older than that allows"},
		{start.Add(-5 * time.Minute), check.Pass, "within max_age"},
		{start.Add(2 * time.Second), check.Pass, "signed in during this login"},
	} {
		f.AuthTime = tc.authTime
		if r := rowNamed(explain.ParamChecks(&f), "max_age"); r.Status != tc.want || !strings.Contains(r.Detail, tc.words) {
			t.Errorf("auth_time %v: %+v", tc.authTime, r)
		}
	}
	f.HasAuthTime = false
	if r := rowNamed(explain.ParamChecks(&f), "max_age"); r.Status != check.Fail || !strings.Contains(r.Detail, "no auth_time") {
		t.Errorf("no auth_time: %+v", r)
	}
	f.Sent = auth.AuthorizeParams{Prompt: auth.PromptLogin}
	if r := rowNamed(explain.ParamChecks(&f), "prompt=login"); r.Status != check.Skip {
		t.Errorf("prompt=login without auth_time is not checked: %+v", r)
	}
	if r := rowNamed(explain.ParamChecks(&f), "tenantid"); r.Name != "absent" {
		t.Errorf("no tenant: hint, no tenantid row: %+v", r)
	}
}

// TestParamSupportNeverPassesUnlisted: a parameter discovery lists no
// values for is –, never ✓.
func TestParamSupportNeverPassesUnlisted(t *testing.T) {
	r := explain.ParamSupportRow(auth.ParamSupport{Param: "acr_values", Key: "acr_values_supported", Values: []string{"tenant:x"}})
	if r.Status != check.Skip || !strings.Contains(r.Detail, "not checked") {
		t.Errorf("%+v", r)
	}
	r = explain.ParamSupportRow(auth.ParamSupport{Param: "prompt", Key: "prompt_values_supported", Values: []string{"create"}, Listed: true,
		Supported: []string{"none", "login"}, Unsupported: []string{"create"}})
	if r.Status != check.Warn || !strings.Contains(r.Detail, "does not list create") {
		t.Errorf("%+v", r)
	}
}
