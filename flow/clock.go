package flow

import (
	"net/http"
	"time"
)

// ClockSkew is the other side's clock minus this computer's, from the Date
// header of a response (date, as sent) and this computer's time when the
// response arrived; false when date is not an HTTP date. It is the one
// formula of clock skew: check's clock row, the flow's endpoints and the
// report all use it.
//
// A Date header is cut to the second (RFC 9110 §5.6.7): the sender's clock
// read somewhere in [date, date+1s) when it wrote it. The middle of that
// second, date+500ms, is the estimate whose error is at most half a second
// either way (date itself errs by up to a whole second, always towards
// "this computer is ahead"); and since that is all a Date header can say,
// the result is rounded to whole seconds.
func ClockSkew(date string, received time.Time) (time.Duration, bool) {
	t, err := http.ParseTime(date)
	if err != nil || received.IsZero() {
		return 0, false
	}
	skew := t.Add(500 * time.Millisecond).Sub(received)
	if skew.Abs() > maxSkew {
		return 0, false // "year 0": not a clock that is off, and beyond what a Duration holds
	}
	return skew.Round(time.Second), true
}

// maxSkew: a Date header further off than a century says nothing of a clock.
const maxSkew = 100 * 365 * 24 * time.Hour

// Skew is the answer's clock skew (ClockSkew of its Date header when its
// headers arrived); false without an answer or a Date header.
func (e *Exchange) Skew() (time.Duration, bool) {
	if !e.Answered() || e.ResponseHeader == nil {
		return 0, false
	}
	return ClockSkew(e.ResponseHeader.Get("Date"), e.Start.Add(e.Duration))
}

// Clock is an IdP's clock against this computer's.
type Clock struct {
	Known bool
	Skew  time.Duration // the IdP's clock minus this computer's: > 0 when this computer is behind
	From  *Exchange     // the answer it was read from; nil when not known
}

// Clock is the skew of the last IdP answer with a Date header.
func (f *Flow) Clock() Clock {
	var c Clock
	for _, x := range f.Exchanges {
		if !x.Kind.IsIdP() {
			continue
		}
		if skew, ok := x.Skew(); ok {
			c = Clock{Known: true, Skew: skew, From: x}
		}
	}
	return c
}
