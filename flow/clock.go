package flow

import (
	"ssodesk/transport"
	"time"
)

// Skew is the answer's clock skew (ClockSkew of its Date header when its
// headers arrived: transport.ClockSkew); false without an answer or a Date header.
func (e *Exchange) Skew() (time.Duration, bool) {
	if !e.Answered() || e.ResponseHeader == nil {
		return 0, false
	}
	return transport.ClockSkew(e.ResponseHeader.Get("Date"), e.Start.Add(e.Duration))
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
