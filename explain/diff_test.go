package explain_test

import (
	"testing"

	"ssodesk/explain"
)

// One sentence per difference, naming the sides.
func TestDiffLine(t *testing.T) {
	for _, tc := range []struct {
		it   explain.DiffItem
		want string
	}{
		{explain.DiffItem{Section: "eu", Name: "scopes_supported", Mark: "changed", OnlyB: []string{"noah.cloud.app.admin"}},
			"eu · scopes_supported: QA has noah.cloud.app.admin, production does not"},
		{explain.DiffItem{Name: "scopes_supported", Mark: "changed", OnlyA: []string{"a"}, OnlyB: []string{"b", "c"}},
			"scopes_supported: QA has b, c, production does not; production has a, QA does not"},
		{explain.DiffItem{Name: "revocation_endpoint", Mark: "removed", A: "/revoke"},
			"revocation_endpoint: only production has it (/revoke)"},
		{explain.DiffItem{Name: "noahroleid", Mark: "added", B: "1"}, "noahroleid: only QA has it (1)"},
		{explain.DiffItem{Name: "tenantid", Mark: "changed", A: "t-1", B: "t-2"}, "tenantid: production t-1, QA t-2"},
		{explain.DiffItem{Name: "issuer", Mark: "changed", A: "https://a", B: "https://b", Expected: true},
			"issuer: production https://a, QA https://b (expected: each IdP names itself)"},
		{explain.DiffItem{Name: "name", Mark: "changed", A: "A\x1b[31m", B: ""}, "name: production A\uFFFD[31m, QA (none)"},
	} {
		if got := explain.DiffLine(tc.it, "production", "QA"); got != tc.want {
			t.Errorf("DiffLine(%+v)\n got %q\nwant %q", tc.it, got, tc.want)
		}
	}
}

func TestDiffSummaryAndMarks(t *testing.T) {
	if got := explain.DiffSummary(0, 2, "production", "QA"); got != "production and QA do not differ (2 expected, not counted)" {
		t.Error(got)
	}
	if got := explain.DiffSummary(1, 0, "a.json", "b.json"); got != "a.json and b.json differ in 1 thing" {
		t.Error(got)
	}
	for mark, want := range map[string]string{"same": "=", "changed": "≠", "added": "+", "removed": "−", "?": "?"} {
		if got := explain.DiffMark(mark); got != want {
			t.Errorf("DiffMark(%s) = %s", mark, got)
		}
	}
	if got := explain.DiffSide("qa"); got != "QA" {
		t.Error(got)
	}
	if got := explain.Truncate("abcdef", 4); got != "abc…" {
		t.Error(got)
	}
}
