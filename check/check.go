// Package check is ssodesk's one vocabulary for the result of a check: the
// verification of a token (auth), `ssodesk check` (diagnose), a login's
// steps and endpoint checks (report), a logout's steps (session) and a
// region's health (health). Each says a status with the same four marks:
//
//	✓ Pass  checked, and it is as it should be
//	! Warn  checked, and worth knowing, but nothing fails because of it
//	✗ Fail  checked, and it is wrong: what needs it will fail
//	– Skip  not checked: not applicable, or what it needs failed first
//
// The rule: a diagnostic tool never says ✓ for what it did not check, nor ✗
// for what did not fail. So the zero Status is Skip (a row nobody judged
// says "–", never "✓"), Parse reads a word it does not know as Skip
// (UnmarshalText refuses it), and the verdict of no rows at all is Skip.
//
// The package has no UI and no network; ui maps a Status to a style in one
// place (ui.Styles.Status).
package check

import (
	"fmt"
	"time"
)

// Status is the outcome of one check. The constants are in the order of
// severity, so the worse of two is the greater (see Worst).
type Status int

const (
	Skip Status = iota // –: not checked (not applicable, or not reached)
	Pass               // ✓: checked and fine
	Warn               // !: checked; suspicious or worth knowing, not a failure
	Fail               // ✗: checked and wrong
)

// Mark is the one-character symbol of s: ✓ ! ✗ –.
func (s Status) Mark() string {
	switch s {
	case Pass:
		return "✓"
	case Warn:
		return "!"
	case Fail:
		return "✗"
	}
	return "–"
}

// String is s in JSON and in words: "ok", "warn", "fail", "skip" (what
// `check --json` and a report's steps and endpoint checks say). A token's
// verification says "pass" for Pass in its JSON: auth.StatusWord.
func (s Status) String() string {
	switch s {
	case Pass:
		return "ok"
	case Warn:
		return "warn"
	case Fail:
		return "fail"
	}
	return "skip"
}

// Parse reads a status word: "ok" or "pass", "warn", "fail", "skip". ok is
// false (and the status Skip) for any other word.
func Parse(word string) (Status, bool) {
	switch word {
	case "ok", "pass":
		return Pass, true
	case "warn":
		return Warn, true
	case "fail":
		return Fail, true
	case "skip":
		return Skip, true
	}
	return Skip, false
}

// MarshalText writes s's word (String).
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a word of Parse; another word is an error.
func (s *Status) UnmarshalText(b []byte) error {
	st, ok := Parse(string(b))
	if !ok {
		return fmt.Errorf("check: unknown status %q", b)
	}
	*s = st
	return nil
}

// Worst is the worst of statuses: Fail over Warn over Pass over Skip; Skip
// when there are none (nothing checked is never ✓).
func Worst(statuses ...Status) Status {
	w := Skip
	for _, s := range statuses {
		w = max(w, s)
	}
	return w
}

// Row is one check and what it found. Its JSON is what `check --json` and
// a report's endpoint_checks have always written: {check, status, detail}
// (fix and at only when set).
type Row struct {
	Name   string `json:"check"` // "issuer", "tls", "revoke the refresh token", ...
	Status Status `json:"status"`
	Detail string `json:"detail"` // one sentence (explain's words): what was found
	// Fix is what to do about it, when it is not already the part of
	// Detail after " — " (explain.SplitFix); "" for none.
	Fix string `json:"fix,omitempty"`
	// At is the time a time check (expiry, not before, issued at) judges;
	// zero for the others.
	At time.Time `json:"at,omitzero"`
}

// Verdict is the worst status of rows (Skip for none).
func Verdict(rows []Row) Status {
	w := Skip
	for _, r := range rows {
		w = max(w, r.Status)
	}
	return w
}

// Failed names the rows that failed, in order.
func Failed(rows []Row) []string {
	var out []string
	for _, r := range rows {
		if r.Status == Fail {
			out = append(out, r.Name)
		}
	}
	return out
}

// Counts is how many rows have each status.
type Counts struct{ Pass, Warn, Fail, Skip int }

// Count counts rows by status.
func Count(rows []Row) Counts {
	var c Counts
	for _, r := range rows {
		switch r.Status {
		case Pass:
			c.Pass++
		case Warn:
			c.Warn++
		case Fail:
			c.Fail++
		default:
			c.Skip++
		}
	}
	return c
}
