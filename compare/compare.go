// Package compare sets two logins or two environments side by side (issue
// 25, `ssodesk diff`): Sessions compares two `login --json` documents
// (claims, scopes, lifetimes, issuers and signing keys, the API base, each
// side's region story), Environments two configured environments without
// logging in (per endpoint pair: discovery, JWKS, TLS, the pre-flight of
// each one's client, the clock).
//
// It returns facts: items marked Same, Changed, Added (only in B) or
// Removed (only in A), with both values. The words are explain's
// (explain/diff.go). A token's value is never part of a diff: tokens are
// compared by kind, length and a SHA-256 prefix.
package compare

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"ssodesk/explain"
	"ssodesk/safe"
)

// Mark says how one item compares.
type Mark string

// The marks.
const (
	Same    Mark = "same"
	Changed Mark = "changed"
	Added   Mark = "added"   // only B has it
	Removed Mark = "removed" // only A has it
)

// Value is one side of an item: its text (printable; JSON for structured
// values) and, for a time, the time.
type Value struct {
	Text string     `json:"text"`
	Time *time.Time `json:"time,omitempty"`
}

// Item is one thing compared.
type Item struct {
	Name string `json:"name"`
	Mark Mark   `json:"mark"`
	A    *Value `json:"a,omitempty"` // nil: A does not have it
	B    *Value `json:"b,omitempty"`
	// OnlyA and OnlyB are, for a list compared as a set, the members only
	// that side has.
	OnlyA []string `json:"only_a,omitempty"`
	OnlyB []string `json:"only_b,omitempty"`
	// Expected marks a difference any two sides of the kind compared
	// always have (two IdPs' issuers and key IDs, two environments' client
	// IDs): shown, not counted.
	Expected bool `json:"expected,omitempty"`
}

// Differs reports whether the item is a difference that counts.
func (i Item) Differs() bool { return i.Mark != Same && !i.Expected }

// Section is a group of items ("id_token", "discovery", "jwks", …).
type Section struct {
	Name  string `json:"name"`
	Items []Item `json:"items"`
}

// Differences counts the items of s that differ (expected ones aside).
func (s Section) Differences() int {
	n := 0
	for _, i := range s.Items {
		if i.Differs() {
			n++
		}
	}
	return n
}

// count is the differences of sections.
func count(sections []Section) int {
	n := 0
	for _, s := range sections {
		n += s.Differences()
	}
	return n
}

// markOf is the mark of two values, each present or not.
func markOf(inA, inB, equal bool) Mark {
	switch {
	case inA && !inB:
		return Removed
	case inB && !inA:
		return Added
	case equal:
		return Same
	}
	return Changed
}

// side is v made printable, nil when absent.
func side(v string, present bool) *Value {
	if !present {
		return nil
	}
	return &Value{Text: safe.Printable(v)}
}

// text compares two strings, each present or not.
func text(name, a string, inA bool, b string, inB bool) Item {
	return Item{Name: name, Mark: markOf(inA, inB, a == b), A: side(a, inA), B: side(b, inB)}
}

// both compares two strings that are present when not "".
func both(name, a, b string) Item { return text(name, a, a != "", b, b != "") }

// always compares two strings both sides have ("" a value too).
func always(name, a, b string) Item { return text(name, a, true, b, true) }

// jsonText is v as compact JSON with its keys sorted (strings as they are).
func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// value compares two decoded JSON values (nil: absent).
func value(name string, a any, inA bool, b any, inB bool) Item {
	return text(name, jsonText(a), inA, jsonText(b), inB)
}

// set compares two lists as sets: OnlyA and OnlyB name what differs.
func set(name string, a []string, inA bool, b []string, inB bool) Item {
	a, b = sortedUnique(a), sortedUnique(b)
	it := text(name, strings.Join(a, " "), inA, strings.Join(b, " "), inB)
	if inA && inB {
		for _, s := range a {
			if !slices.Contains(b, s) {
				it.OnlyA = append(it.OnlyA, safe.Printable(s))
			}
		}
		for _, s := range b {
			if !slices.Contains(a, s) {
				it.OnlyB = append(it.OnlyB, safe.Printable(s))
			}
		}
	}
	return it
}

func sortedUnique(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

// times compares two times (zero: absent).
func times(name string, a, b time.Time) Item {
	it := Item{Name: name, Mark: markOf(!a.IsZero(), !b.IsZero(), a.Equal(b))}
	if !a.IsZero() {
		t := a.UTC()
		it.A = &Value{Text: t.Format(time.RFC3339), Time: &t}
	}
	if !b.IsZero() {
		t := b.UTC()
		it.B = &Value{Text: t.Format(time.RFC3339), Time: &t}
	}
	return it
}

// strings of a decoded JSON list (nil, false when v is not a list).
func stringsOf(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = jsonText(e)
	}
	return out, true
}

// Words is what explain's sentences need of the item (explain.DiffLine);
// group names it in a line: an endpoint pair ("eu"), or for sessions its
// section ("id_token").
func (i Item) Words(group string) explain.DiffItem {
	d := explain.DiffItem{Section: group, Name: i.Name, Mark: string(i.Mark), OnlyA: i.OnlyA, OnlyB: i.OnlyB, Expected: i.Expected}
	if i.A != nil {
		d.A = i.A.Text
	}
	if i.B != nil {
		d.B = i.B.Text
	}
	return d
}

// Expected counts the differences of sections shown and not counted.
func Expected(sections []Section) int {
	n := 0
	for _, s := range sections {
		for _, it := range s.Items {
			if it.Mark != Same && it.Expected {
				n++
			}
		}
	}
	return n
}
