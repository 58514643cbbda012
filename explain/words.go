package explain

import "ssodesk/safe"

// If is yes when b holds, else no: the words of a yes/no fact.
func If(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// Switched says what a switch of account did: from whom to whom, or that
// the IdP kept the same account.
func Switched(from, to string, same bool) string {
	if same {
		return "switched account: the IdP kept the same account (" + safe.Printable(to) + ")"
	}
	return "switched from " + safe.Printable(from) + " to " + safe.Printable(to)
}
