package explain

import (
	"fmt"
	"time"
)

// RelTime renders t relative to now: "in 54m00s", "3m00s ago".
func RelTime(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + ShortDuration(d)
	}
	return ShortDuration(-d) + " ago"
}

// ShortDuration renders d compactly: "42s", "3m05s", "2h10m".
func ShortDuration(d time.Duration) string {
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

// LocalTime renders t as local wall-clock time with its relative form.
func LocalTime(t, now time.Time) string {
	return t.Local().Format("2006-01-02 15:04:05") + " (" + RelTime(t, now) + ")"
}

// Elapsed renders how long something took: "412ms", "3.2s", "1m05s".
func Elapsed(d time.Duration) string {
	switch {
	case d < 0:
		return "0ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return ShortDuration(d)
}

// Clock is t as local wall-clock time, absolute: "2026-11-21 10:24:00".
func Clock(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

// CheckDetail is a check's detail as a screen says it now: with how far its
// time is from now ("(in 54m00s)", "(12s ago)") when it judges one.
func CheckDetail(detail string, at, now time.Time) string {
	if at.IsZero() {
		return detail
	}
	return detail + " (" + RelTime(at, now) + ")"
}
