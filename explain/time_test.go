package explain

import (
	"testing"
	"time"

	"ssodesk/timefmt"
)

func TestCheckDetailPutsTheRelativeTimeAfterTheClock(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 24, 5, 0, time.Local)
	at := now.Add(-5 * time.Second)
	clock := timefmt.Clock(at)
	for detail, want := range map[string]string{
		"valid until " + clock: "valid until " + clock + " (5s ago)",
		"expired at " + clock + " — accepted within the 1m clock leeway": "expired at " + clock + " (5s ago) — accepted within the 1m clock leeway",
		"no time named": "no time named (5s ago)",
	} {
		if got := CheckDetail(detail, at, now); got != want {
			t.Errorf("CheckDetail(%q) = %q, want %q", detail, got, want)
		}
	}
	if got := ExpiredWithinLeeway(at, now, time.Minute); got != "expired 5s ago — accepted within the 1m clock leeway" {
		t.Errorf("ExpiredWithinLeeway = %q", got)
	}
}
