package timefmt

import (
	"testing"
	"time"
)

func TestShort(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 42 * time.Second: "42s", -42 * time.Second: "42s",
		185 * time.Second: "3m05s", 2*time.Hour + 10*time.Minute + 59*time.Second: "2h10m"} {
		if got := Short(d); got != want {
			t.Errorf("Short(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestClock(t *testing.T) {
	at := time.Date(2026, 11, 21, 10, 24, 0, 0, time.Local)
	if got := Clock(at); got != "2026-11-21 10:24:00" {
		t.Errorf("Clock = %q", got)
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Minute: "1m", 90 * time.Second: "1m30s", 2 * time.Hour: "2h",
		42 * time.Second: "42s", 10 * time.Minute: "10m", 0: "0s"} {
		if got := Span(d); got != want {
			t.Errorf("Span(%v) = %q, want %q", d, got, want)
		}
	}
}
