package ui

import (
	"strings"
	"testing"
)

// Issue 22 (12): the Summary names the endpoint that serves the code's
// region when it is not named so, and says when none does.
func TestSummaryNamesTheCodesEndpoint(t *testing.T) {
	res := sampleResult()
	res.CodeRegion, res.CodeEndpoint = "eu", "lab-eu"
	s := strings.Join(strings.Fields(screenText(sessionAt(t, 100, 30, res))), " ")
	if !strings.Contains(s, "Code prefix eu (the lab-eu endpoint, region: eu)") {
		t.Errorf("summary:\n%s", s)
	}
	res = sampleResult()
	res.CodeRegion, res.CodeUnserved = "eu", true
	s = strings.Join(strings.Fields(screenText(sessionAt(t, 100, 30, res))), " ")
	if !strings.Contains(s, "no configured endpoint serves it: set region: eu") {
		t.Errorf("summary:\n%s", s)
	}
}
