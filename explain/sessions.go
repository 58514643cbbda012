package explain

import (
	"fmt"

	"ssodesk/safe"
)

// The words of the TUI's open sessions (issue 25): several logins open at
// once, each per environment, endpoint, client and account.

// SessionName names an open session in a line: "QA eu, client ssodesk-qa,
// Mette Sørensen".
func SessionName(env, endpoint, clientID, who string) string {
	s := Endpoint(env, endpoint)
	if EnvName(env) == "" {
		s = "production " + orGlobal(endpoint)
	}
	if clientID != "" {
		s += ", client " + safe.Printable(clientID)
	}
	if who != "" {
		s += ", " + safe.Printable(who)
	}
	return s
}

// SessionReplaced: a login of an open session's environment, endpoint,
// client and account took its place.
func SessionReplaced(name string) string {
	return "This login replaces the open session of " + name + " (same environment, endpoint, client and account)."
}

// SessionAdded: a login opened beside others.
func SessionAdded(open int) string {
	return fmt.Sprintf("%d sessions open; S lists them, to switch, close or compare.", open)
}

// SessionClosed says a closed session is gone from this TUI, and whether
// the store still keeps it (a kept session is resumed by the next login
// at its endpoint; logging out ends it).
func SessionClosed(name string, kept bool, where string, err error) string {
	s := "Closed " + name + ": forgotten in this TUI"
	switch {
	case err != nil:
		return s + "; whether it is kept could not be read: " + safe.Printable(err.Error())
	case kept:
		return s + "; it is still kept in " + safe.Printable(where) + " (the next login at its endpoint resumes it; L in its inspector logs out)."
	case where == "":
		return s + "; it was not kept (session storage is off): its tokens are gone."
	}
	return s + "; it was not kept in " + safe.Printable(where) + ": its tokens are gone."
}

// NoOpenSessions: the sessions list before any login.
const NoOpenSessions = "No open sessions. Log in from the picker (esc); every login stays open here until closed."

// SessionsMarkTwo: compare wants two marked sessions.
const SessionsMarkTwo = "Mark two sessions with space, then = compares them."
