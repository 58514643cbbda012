package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/check"
)

// The verdict is judged on every tick: at the ID token's exp the expiry
// check, the Summary and the header turn ✗ ("expired 2m00s ago"), and the
// refresh key is offered.
func TestVerdictFlipsAtExpiry(t *testing.T) {
	clock := now
	res := sampleResult()
	exp := now.Add(54 * time.Minute)
	res.Report.Leeway = time.Minute
	res.Report.Checks[3] = check.Row{Name: "expiry", Status: check.Pass, Detail: "valid until 10:24", At: exp}
	res.Token.RefreshToken = "refresh-token"
	m := sessionAt(t, 100, 30, res)
	m.com.Now = func() time.Time { return clock }
	m = step(m, tickMsg{id: m.tickID})
	if s := screenText(m); !strings.Contains(s, "✓ verified") || strings.Contains(s, "✗ ID token") {
		t.Fatalf("before exp:\n%s", s)
	}
	clock = exp.Add(2 * time.Minute)
	m = step(m, tickMsg{id: m.tickID})
	wantAll(t, screenText(m), "region eu ✗ ID token expired 2m00s ago · r refreshes", "✗ NOT verified: expiry: expired at")
	golden.RequireEqual(t, screenText(m))
	m, _ = press(m, "2")
	wantAll(t, screenText(m), "✗ expiry", "(2m00s ago)")
}

// Past its exp but within the clock leeway, the ID token is a warning, not
// a pass: the expiry check, the Summary and the header say "! expired 5s
// ago — accepted within the 1m clock leeway"; after the leeway, ✗.
func TestVerdictWithinTheLeewayIsAWarning(t *testing.T) {
	clock := now
	res := sampleResult()
	exp := now.Add(54 * time.Minute)
	res.Report.Leeway = time.Minute
	res.Report.Checks[3] = check.Row{Name: "expiry", Status: check.Pass, Detail: "valid until 10:24", At: exp}
	res.Token.RefreshToken = "refresh-token"
	m := sessionAt(t, 140, 30, res)
	m.com.Now = func() time.Time { return clock }
	clock = exp.Add(5 * time.Second)
	m = step(m, tickMsg{id: m.tickID})
	const words = "expired 5s ago — accepted within the 1m clock leeway"
	s := screenText(m)
	wantAll(t, s, "region eu ! ID token "+words+" · r refreshes", "! "+words)
	if strings.Contains(s, "✓ verified") || strings.Contains(s, "✗") {
		t.Errorf("within the leeway the verdict is a warning, neither ✓ verified nor ✗:\n%s", s)
	}
	m, _ = press(m, "2")
	wantAll(t, screenText(m), "! expiry", "(5s ago) — accepted within the 1m clock leeway")
	clock = exp.Add(61 * time.Second)
	m = step(m, tickMsg{id: m.tickID})
	wantAll(t, screenText(m), "✗ ID token expired 1m01s ago", "✗ expiry")
}
