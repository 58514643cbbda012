package auth_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"ssodesk/auth"
	"ssodesk/explain"
)

// TestRegionalEndpointLacksOtherRegionsAccount: issue 22 item 6. At a
// forced regional endpoint the login page lists only that region's accounts
// (as HIMSA's), so a US account is not offered at the EU endpoint and no
// redirect comes. The hint after the wait, and the timeout, say that a
// regional endpoint lists only its region's accounts; at the global
// endpoint they do not.
func TestRegionalEndpointLacksOtherRegionsAccount(t *testing.T) {
	const words = "The EU endpoint lists only EU accounts: log in at the global endpoint"
	for _, tc := range []struct {
		endpoint string
		want     bool
	}{{"eu", true}, {"global", false}} {
		t.Run(tc.endpoint, func(t *testing.T) {
			timers := useFakeTimers(t)
			open, pages := browser(account(t, "us").Email, false)
			if tc.endpoint == "global" {
				open, pages = browser("nobody@example.com", false) // no such account anywhere
			}
			var mu sync.Mutex
			var hint string
			o := options(region(t, tc.endpoint), open, &recorder{})
			o.Progress = func(ev auth.Event) {
				if ev.Step == auth.StepStillWaiting {
					mu.Lock()
					hint = explain.EventMsg(ev)
					mu.Unlock()
				}
			}
			done := make(chan error, 1)
			go func() { _, err := auth.Login(context.Background(), o); done <- err }()
			if p := browserPage(t, pages); p.err == nil || !strings.Contains(p.err.Error(), "not offered") {
				t.Fatalf("the account was offered at the %s endpoint: %+v", tc.endpoint, p)
			}
			nextTimer(t, timers, auth.WaitHintAfter).fire()
			nextTimer(t, timers, o.LoginTimeout).fire()
			err := <-done
			mu.Lock()
			defer mu.Unlock()
			if got := strings.Contains(hint, words); got != tc.want {
				t.Errorf("hint names the regional accounts: %v, want %v:\n%s", got, tc.want, hint)
			}
			if got := strings.Contains(explain.Error(err), words); got != tc.want {
				t.Errorf("timeout names the regional accounts: %v, want %v:\n%s", got, tc.want, explain.Error(err))
			}
		})
	}
}
