package auth

import (
	"testing"
	"time"
)

// SetAfterFunc makes f start the login's timers (the hint's after
// WaitHintAfter, the timeout's after Options.LoginTimeout) until the
// test ends, so a test fires them itself instead of waiting for them.
func SetAfterFunc(t testing.TB, f func(d time.Duration, fn func()) *time.Timer) {
	old := afterFunc
	afterFunc = f
	t.Cleanup(func() { afterFunc = old })
}
