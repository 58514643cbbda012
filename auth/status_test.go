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
	r := &Report{Checks: []check.Row{{Name: "issuer", Status: check.Pass}, {Name: "nonce"}}}
	if v := r.View(); v.Checks[0].Status != "pass" || v.Checks[1].Status != "skip" || !v.OK {
		t.Errorf("view %+v", v)
	}
	if (&Report{Checks: []check.Row{{Name: "nonce"}}}).Summary() != "" {
		t.Errorf("a check not run is in the summary")
	}
}
