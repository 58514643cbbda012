package auth

import (
	"testing"

	"ssodesk/check"
)

// A verification says "pass" in its JSON where the other outputs say "ok";
// check.Parse reads both back.
func TestStatusWord(t *testing.T) {
	for s, want := range map[check.Status]string{check.Pass: "pass", check.Fail: "fail", check.Warn: "warn", check.Skip: "skip"} {
		if got := StatusWord(s); got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
		if back, ok := check.Parse(StatusWord(s)); !ok || back != s {
			t.Errorf("%q read back as %s", want, back)
		}
	}
	if (&Report{Checks: []check.Row{{Name: "nonce"}}}).Summary() != "" {
		t.Errorf("a check not run is in the summary")
	}
}
