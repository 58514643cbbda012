package transport

import (
	"slices"
	"time"
)

// Budget is the round trips of a command's exchanges (issue 26: far from
// the IdP, round trips are what a person waits for).
type Budget struct {
	Critical    int // on the critical path: exchanges that overlap count once (the longest of them)
	Parallel    int // run while the browser was open (the person was busy): not waited for
	Requests    int // requests on the wire (an answer from the cache is none)
	Connections int // connections opened
	Cached      int // answers from the discovery cache (round trips saved)
}

// Budget is the round trips of the exchanges that started at or after
// from; those that started and ended while the browser was open (between
// browserFrom and browserTo; zero: never) are in parallel with it.
func (t *Trace) Budget(from, browserFrom, browserTo time.Time) Budget {
	var b Budget
	if t == nil {
		return b
	}
	type span struct {
		start, end time.Time
		rt         int
	}
	var spans []span
	for _, e := range t.Entries() {
		if e.Start.Before(from) {
			continue
		}
		if e.Cached != "" {
			b.Cached++
			continue
		}
		b.Requests++
		if e.NewConn {
			b.Connections++
		}
		end := e.Start.Add(e.Duration)
		if !browserFrom.IsZero() && !e.Start.Before(browserFrom) && !end.After(browserTo) {
			b.Parallel += e.RoundTrips()
			continue
		}
		spans = append(spans, span{e.Start, end, e.RoundTrips()})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start.Compare(b.start) })
	var groupEnd time.Time
	most := 0
	for i, s := range spans {
		if i > 0 && s.start.After(groupEnd) { // a new group: the last one's longest was waited for
			b.Critical += most
			most = 0
		}
		most = max(most, s.rt)
		if s.end.After(groupEnd) {
			groupEnd = s.end
		}
	}
	return Budget{Critical: b.Critical + most, Parallel: b.Parallel, Requests: b.Requests, Connections: b.Connections, Cached: b.Cached}
}
