package auth_test

import (
	"testing"
	"time"

	"ssodesk/auth"
)

// fakeTimer is one of the login's timers (the hint's, the timeout's) as a
// test sees it: started for d, it fires when the test says so.
type fakeTimer struct {
	d    time.Duration
	fire func() // fn, unless the login has stopped the timer
}

// useFakeTimers replaces the login's timers until the test ends: each is
// sent on the channel returned and fires when the test calls its fire. A
// timer nobody fires still fires after a minute, so a test that goes wrong
// fails instead of hanging.
func useFakeTimers(t *testing.T) <-chan fakeTimer {
	started := make(chan fakeTimer, 64)
	auth.SetAfterFunc(t, func(d time.Duration, fn func()) *time.Timer {
		timer := time.AfterFunc(time.Minute, fn)
		started <- fakeTimer{d: d, fire: func() {
			if timer.Stop() { // still running: not stopped by the login, not fired yet
				fn()
			}
		}}
		return timer
	})
	return started
}

// nextTimer is the next timer started for d (others are left to run out).
func nextTimer(t *testing.T, started <-chan fakeTimer, d time.Duration) fakeTimer {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case tm := <-started:
			if tm.d == d {
				return tm
			}
		case <-deadline.C:
			t.Fatalf("the login started no timer of %v", d)
		}
	}
}
