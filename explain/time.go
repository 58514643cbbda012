package explain

import (
	"fmt"
	"ssodesk/timefmt"
	"strings"
	"time"
)

// RelTime renders t relative to now: "in 54m00s", "3m00s ago".
func RelTime(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + timefmt.Short(d)
	}
	return timefmt.Short(-d) + " ago"
}

// LocalTime renders t as local wall-clock time with its relative form.
func LocalTime(t, now time.Time) string {
	return timefmt.Clock(t) + " (" + RelTime(t, now) + ")"
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
	return timefmt.Short(d)
}

// CheckDetail is a check's detail as a screen says it now: with how far its
// time is from now ("(in 54m00s)", "(12s ago)") when it judges one, right
// after the time where the detail names it ("expired at … (5s ago) —
// accepted within the 1m clock leeway"), else at the end.
func CheckDetail(detail string, at, now time.Time) string {
	if at.IsZero() {
		return detail
	}
	rel := " (" + RelTime(at, now) + ")"
	clock := timefmt.Clock(at)
	if before, after, ok := strings.Cut(detail, clock); ok && after != "" {
		return before + clock + rel + after
	}
	return detail + rel
}

// ExpiredWithinLeeway: a token past its exp, accepted because the clock
// leeway tolerates that much skew ("expired 5s ago — accepted within the
// 1m clock leeway").
func ExpiredWithinLeeway(exp, now time.Time, leeway time.Duration) string {
	return "expired " + RelTime(exp, now) + " — accepted within the " + timefmt.Span(leeway) + " clock leeway"
}

// Latency says a probe's request time and, when a connection was opened
// for it, the handshakes' time beside it: "180ms (+320ms connect)".
func Latency(request, connect time.Duration) string {
	s := request.Round(time.Millisecond).String()
	if connect >= time.Millisecond {
		s += " (+" + connect.Round(time.Millisecond).String() + " connect)"
	}
	return s
}

// Budget says a command's round trips: "login: 7 round trips on the
// critical path, 3 in parallel with the browser (9 requests, 4 new
// connections, 1 answer from the discovery cache)".
func Budget(command string, critical, parallel, requests, conns, cached int) string {
	plural := func(n int, one, many string) string { return fmt.Sprintf("%d %s", n, If(n == 1, one, many)) }
	s := fmt.Sprintf("%s: %s on the critical path", command, plural(critical, "round trip", "round trips"))
	if parallel > 0 {
		s += fmt.Sprintf(", %d in parallel with the browser", parallel)
	}
	s += fmt.Sprintf(" (%s, %s", plural(requests, "request", "requests"), plural(conns, "new connection", "new connections"))
	if cached > 0 {
		s += fmt.Sprintf(", %d answer%s from the discovery cache", cached, If(cached == 1, "", "s"))
	}
	return s + ")"
}
