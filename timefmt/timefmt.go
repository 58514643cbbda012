// Package timefmt writes times and durations the one way ssodesk shows
// them: a clock time ("2026-11-21 10:24:00", local) and a short duration
// ("42s", "3m05s", "2h10m"). It is a format, not words: auth uses it for
// the facts of its checks, explain for its sentences.
package timefmt

import (
	"fmt"
	"strings"
	"time"
)

// Clock is t as local wall-clock time, absolute: "2026-11-21 10:24:00".
func Clock(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

// Short renders d compactly: "42s", "3m05s", "2h10m" (its sign dropped).
func Short(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// Span renders a setting's duration without zero parts: "1m", "90s" as
// "1m30s", "2h", "42s".
func Span(d time.Duration) string {
	s := Short(d)
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return strings.TrimSuffix(s, "00m")
	case d >= time.Minute && d < time.Hour && d%time.Minute == 0:
		return strings.TrimSuffix(s, "00s")
	}
	return s
}
