package compare

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"

	"ssodesk/auth"
)

// ClockTolerance: two IdPs' clocks this close count as the same (a Date
// header is cut to the second, so one read can be a second off).
const ClockTolerance = 2 * time.Second

// Unreachable is the text of an endpoint that did not answer: "unreachable: " and why.
const Unreachable = "unreachable: "

// comparePair compares the facts of two endpoints of one name.
func comparePair(a, b *facts) []Section {
	if a.discErr != nil || b.discErr != nil {
		return []Section{{Name: SectionDiscovery, Items: []Item{always("document", reachability(a.discErr), reachability(b.discErr))}}}
	}
	return []Section{
		{Name: SectionDiscovery, Items: discoveryItems(a.discovery, b.discovery)},
		{Name: SectionJWKS, Items: jwksItems(a, b)},
		{Name: SectionTLS, Items: tlsItems(a, b)},
		{Name: SectionPreflight, Items: preflightItems(a, b)},
		{Name: SectionClock, Items: []Item{clockItem(a.skew, b.skew)}},
	}
}

func reachability(err error) string {
	if err != nil {
		return Unreachable + err.Error()
	}
	return "read"
}

// discoveryItems compares every key either document has: the issuer
// (expected to differ), endpoints by path, lists as sets, the rest as
// values.
func discoveryItems(a, b map[string]any) []Item {
	names := slices.Sorted(maps.Keys(a))
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := make([]Item, 0, len(names))
	for _, n := range names {
		va, inA := a[n]
		vb, inB := b[n]
		la, listA := stringsOf(va)
		lb, listB := stringsOf(vb)
		pa, urlA := pathOf(va)
		pb, urlB := pathOf(vb)
		var it Item
		switch {
		case n == "issuer":
			it = value(n, va, inA, vb, inB)
			it.Expected = it.Mark == Changed
		case (listA || !inA) && (listB || !inB):
			it = set(n, la, inA, lb, inB)
		case (urlA || !inA) && (urlB || !inB):
			it = text(n, pa, inA, pb, inB)
		default:
			it = value(n, va, inA, vb, inB)
		}
		out = append(out, it)
	}
	return out
}

// pathOf is the path of an endpoint URL (false for anything else).
func pathOf(v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", false
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, true
}

func jwksItems(a, b *facts) []Item {
	if a.jwksErr != nil || b.jwksErr != nil {
		return []Item{always("document", reachability(a.jwksErr), reachability(b.jwksErr))}
	}
	kids := set("kids", keyField(a.keys, func(k key) string { return k.Kid }), true, keyField(b.keys, func(k key) string { return k.Kid }), true)
	kids.Expected = kids.Mark != Same
	return []Item{
		always("keys", itoa(len(a.keys)), itoa(len(b.keys))),
		set("key types", keyField(a.keys, key.desc), true, keyField(b.keys, key.desc), true),
		kids,
	}
}

func keyField(keys []key, f func(key) string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = f(k)
	}
	return out
}

func tlsItems(a, b *facts) []Item {
	version := func(f *facts) string {
		if !f.tlsOK {
			return "none (http)"
		}
		return f.tls.Version
	}
	expiry := times("certificate expiry", a.tls.CertExpiry, b.tls.CertExpiry)
	expiry.Expected = expiry.Mark == Changed
	return []Item{
		always("version", version(a), version(b)),
		both("certificate issuer", a.tls.CertIssuer, b.tls.CertIssuer),
		expiry,
	}
}

func preflightItems(a, b *facts) []Item {
	client := both("client_id", a.clientID, b.clientID)
	client.Expected = client.Mark == Changed
	return []Item{always("outcome", outcome(a), outcome(b)), client}
}

// outcome is what the authorize endpoint said to the configured client:
// "accepted", "refused: unauthorized_client (client)", "failed: …", or
// "not sent: no client ID".
func outcome(f *facts) string {
	p := f.preflight
	switch {
	case p == nil && f.clientID == "":
		return "not sent: no client ID"
	case p == nil:
		return "not sent: no authorization_endpoint"
	case p.Outcome == auth.PreflightRefused:
		s := "refused"
		if p.Error != "" {
			s += ": " + p.Error
		}
		if p.Cause != "" {
			s += " (" + p.Cause + ")"
		}
		return s
	case p.Outcome == auth.PreflightFailed:
		return "failed: " + p.Reason
	}
	return p.Outcome
}

// clockItem compares two IdPs' clocks against this one; within
// ClockTolerance of each other they are the same clock, expectedly read
// apart.
func clockItem(a, b *time.Duration) Item {
	str := func(d *time.Duration) string {
		if d == nil {
			return ""
		}
		s := d.String()
		if *d >= 0 {
			s = "+" + s
		}
		return s
	}
	it := both("skew", str(a), str(b))
	if it.Mark == Changed && (*a-*b).Abs() <= ClockTolerance {
		it.Expected = true
	}
	return it
}

func itoa(n int) string { return strconv.Itoa(n) }
