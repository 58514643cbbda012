package transport

import (
	"net/http"
	"time"
)

// ClockSkew is the other side's clock minus this computer's, from the Date
// header of a response (date, as sent) and this computer's time when the
// response arrived; false when date is not an HTTP date. It is the one
// formula of clock skew: the verification's clock check, check's clock
// row, the flow's endpoints and the report all use it.
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
