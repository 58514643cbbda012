package session_test

import (
	"errors"
	"testing"

	"ssodesk/auth"
	"ssodesk/session"
)

// A login's outcome is shown when it gave tokens: verified, or with a
// verification that failed (shown with its report, never kept); any other
// error shows no session.
func TestShown(t *testing.T) {
	res := &auth.Result{}
	verr := &auth.VerifyError{Report: &auth.Report{}}
	for _, tc := range []struct {
		res  *auth.Result
		err  error
		want bool
	}{
		{res, nil, true},
		{res, verr, true},
		{res, errors.Join(errors.New("wrapped"), verr), true},
		{nil, verr, false},
		{res, errors.New("the IdP refused"), false},
		{nil, nil, false},
	} {
		if got := session.Shown(tc.res, tc.err); got != tc.want {
			t.Errorf("Shown(%v, %v) = %v", tc.res != nil, tc.err, got)
		}
	}
}

func TestSwitchSameUser(t *testing.T) {
	a := &auth.Result{Claims: map[string]any{"sub": "a"}}
	b := &auth.Result{Claims: map[string]any{"sub": "b"}}
	if (session.Switch{From: a, To: b}).SameUser() || !(session.Switch{From: a, To: a}).SameUser() || (session.Switch{From: a}).SameUser() {
		t.Error("SameUser")
	}
}
