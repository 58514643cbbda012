package explain

import (
	"fmt"
	"strings"

	"ssodesk/safe"
)

// The words of `ssodesk diff` (package compare's facts): a mark per item,
// one sentence per difference, a title per section, and the summary.

// DiffItem is what the words need of one compared item (compare.Item).
type DiffItem struct {
	Section, Name string
	Mark          string // compare's mark: "same", "changed", "added" (only in B), "removed" (only in A)
	A, B          string // the values ("" when that side has none)
	OnlyA, OnlyB  []string
	Expected      bool
}

// DiffMark is an item's mark in a table: = same, ≠ changed, + only in B,
// − only in A.
func DiffMark(mark string) string {
	switch mark {
	case "same":
		return "="
	case "changed":
		return "≠"
	case "added":
		return "+"
	case "removed":
		return "−"
	}
	return "?"
}

// DiffMarksLegend explains the marks, under a table.
const DiffMarksLegend = "= same · ≠ changed · + only in B · − only in A · (expected) shown, not counted"

// DiffSide names a side after its environment: "production", "QA",
// "staging-acme".
func DiffSide(env string) string {
	if e := EnvName(env); e != "" {
		return e
	}
	return "production"
}

// DiffLine is one sentence for a difference, naming the sides a and b:
// "eu · scopes_supported: QA has noah.cloud.app.admin, production does
// not" (it.Section first, when set).
func DiffLine(it DiffItem, a, b string) string {
	name := safe.Printable(it.Name)
	if it.Section != "" {
		name = safe.Printable(it.Section) + " · " + name
	}
	var s string
	switch {
	case it.Mark == "removed":
		s = fmt.Sprintf("%s: only %s has it (%s)", name, a, short(it.A))
	case it.Mark == "added":
		s = fmt.Sprintf("%s: only %s has it (%s)", name, b, short(it.B))
	case len(it.OnlyA)+len(it.OnlyB) > 0:
		var parts []string
		if len(it.OnlyB) > 0 {
			parts = append(parts, fmt.Sprintf("%s has %s, %s does not", b, list(it.OnlyB), a))
		}
		if len(it.OnlyA) > 0 {
			parts = append(parts, fmt.Sprintf("%s has %s, %s does not", a, list(it.OnlyA), b))
		}
		s = name + ": " + strings.Join(parts, "; ")
	default:
		s = fmt.Sprintf("%s: %s %s, %s %s", name, a, short(it.A), b, short(it.B))
	}
	if it.Expected {
		s += " (expected: " + DiffExpectedWhy(it.Name) + ")"
	}
	return s
}

// DiffExpectedWhy says why a difference is expected of any two sides.
func DiffExpectedWhy(name string) string {
	switch name {
	case "issuer":
		return "each IdP names itself"
	case "kids":
		return "every IdP signs with keys of its own"
	case "client_id":
		return "HIMSA registers an app separately in each environment"
	case "certificate expiry":
		return "each host has its own certificate"
	case "skew":
		return "within 2 s: a Date header is cut to the second"
	case "jti", "nonce", "at_hash", "c_hash", "s_hash", "sid":
		return "every token has its own"
	case "access_token", "refresh_token", "id_token":
		return "every login and refresh issues tokens of its own"
	}
	return "any two of these differ so"
}

func list(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = safe.Printable(s)
	}
	return strings.Join(out, ", ")
}

// short is a value for a sentence: printable, at most 120 runes.
func short(s string) string {
	if s == "" {
		return "(none)"
	}
	return Truncate(safe.Printable(s), 120)
}

// Truncate cuts s to n runes, ending in "…" when it was longer.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 1 {
		return s
	}
	return string(r[:n-1]) + "…"
}

// DiffSectionTitle is a section's heading.
func DiffSectionTitle(name string) string {
	switch name {
	case "session":
		return "Session (where each login was made and landed)"
	case "scopes":
		return "Scopes granted"
	case "id_token":
		return "ID token claims"
	case "access_token":
		return "Access token claims"
	case "lifetimes":
		return "Token lifetimes (exp − iat)"
	case "signing keys":
		return "Issuers and signing keys"
	case "tokens":
		return "Tokens (kind, length, SHA-256 prefix; never the values)"
	case "discovery":
		return "Discovery (endpoints compared by path)"
	case "jwks":
		return "JWKS (signing keys)"
	case "tls":
		return "TLS"
	case "preflight":
		return "Pre-flight (each environment's client at the authorize endpoint)"
	case "clock":
		return "Clock (each IdP's Date header against this computer)"
	}
	return name
}

// DiffPair heads an endpoint pair: "eu: production https://… ↔ QA https://…".
func DiffPair(name, a, issuerA, b, issuerB string) string {
	return fmt.Sprintf("%s: %s %s ↔ %s %s", safe.Printable(name), a, safe.Printable(issuerA), b, safe.Printable(issuerB))
}

// DiffOnlyEndpoint: an endpoint only one environment has ("us: only
// production has this endpoint (https://idp-us.himsa-sso.com)").
func DiffOnlyEndpoint(name, side, issuer string) string {
	return fmt.Sprintf("%s: only %s has this endpoint (%s)", safe.Printable(name), side, safe.Printable(issuer))
}

// DiffSummary ends a diff: how many differences, and that the expected
// ones were not counted.
func DiffSummary(n, expected int, a, b string) string {
	tail := ""
	if expected > 0 {
		tail = fmt.Sprintf(" (%d expected, not counted)", expected)
	}
	switch n {
	case 0:
		return fmt.Sprintf("%s and %s do not differ%s", a, b, tail)
	case 1:
		return fmt.Sprintf("%s and %s differ in 1 thing%s", a, b, tail)
	}
	return fmt.Sprintf("%s and %s differ in %d things%s", a, b, n, tail)
}

// DiffStory introduces a side's region story.
func DiffStory(side, story string) string {
	return side + ": " + safe.Printable(story)
}

// DiffNotLoginDocument: a file given to diff is not a `login --json`
// document.
func DiffNotLoginDocument(name string, why error) string {
	return fmt.Sprintf("%s is not a `ssodesk login --json` document: %v", name, why)
}

// DiffSessionSide names one compared login: "a.json: production eu
// (https://…), client ssodesk-demo".
func DiffSessionSide(name, env, endpoint, url, clientID string) string {
	s := name + ": " + Endpoint(env, endpoint)
	if env == "" {
		s = name + ": " + safe.Printable(endpoint)
	} else if EnvName(env) == "" {
		s = name + ": production " + safe.Printable(endpoint)
	}
	if url != "" {
		s += " (" + safe.Printable(url) + ")"
	}
	if clientID != "" {
		s += ", client " + safe.Printable(clientID)
	}
	return s
}

// DiffEnvSide names one compared environment: "QA: HIMSA QA, client
// ssodesk-qa, redirect URI http://127.0.0.1:0/callback".
func DiffEnvSide(name, title, clientID, redirect string) string {
	client := "no client ID configured"
	if clientID != "" {
		client = "client " + safe.Printable(clientID)
	}
	return fmt.Sprintf("%s: %s, %s, redirect URI %s", name, safe.Printable(title), client, safe.Printable(redirect))
}

// DiffOnlyCell is a list's cell in a table when the lists differ: what
// only this side has ("only: noah.cloud.app.admin"), or "(nothing more)".
func DiffOnlyCell(only []string) string {
	if len(only) == 0 {
		return "(nothing more)"
	}
	return "only: " + list(only)
}
