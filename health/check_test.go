package health

import (
	"testing"

	"ssodesk/check"
)

// Health's four words said as checks: never ✓ for a region not probed.
func TestResultCheck(t *testing.T) {
	for status, want := range map[string]check.Status{
		StatusOK: check.Pass, StatusSlow: check.Warn, StatusMismatch: check.Fail, StatusDown: check.Fail, "": check.Skip,
	} {
		if got := (Result{Status: status}).Check(); got != want {
			t.Errorf("%q: %s, want %s", status, got, want)
		}
	}
}
