package flow

// endpoints are the hosts the exchanges asked, in the order first asked,
// each with the facts of its connection: from its first exchange, or from
// its first answer when that one failed (an answer says more). The
// browser's redirect to ssodesk's own listener is not a host ssodesk asked.
func endpoints(xs []*Exchange) []Endpoint {
	var out []Endpoint
	seen, answered := map[string]int{}, map[string]bool{}
	for _, x := range xs {
		host := x.Host()
		if x.Kind == Callback || host == "" {
			continue
		}
		i, ok := seen[host]
		switch {
		case !ok:
			seen[host], i = len(out), len(out)
			out = append(out, Endpoint{Host: host, From: x, TLS: x.TLS})
		case !answered[host] && x.Answered():
			out[i].From, out[i].TLS = x, x.TLS
		}
		answered[host] = answered[host] || x.Answered()
		if skew, ok := x.Skew(); ok {
			out[i].Skew, out[i].SkewKnown = skew, true
		}
	}
	return out
}
